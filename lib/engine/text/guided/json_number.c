/*
 * JSON numbers as automata.
 *
 * integer: canonical decimal (no leading zeros, no "-0"), at most 16 digits, optionally
 * limited to [lo, hi]: the range is split by digit count, and each fixed-length range
 * [l, h] by the first digit where l and h differ (l's prefix then anything >= l's rest, the
 * digits strictly between then any digits, h's prefix then anything <= h's rest).
 * number: -?I(\.F)? with I as above and F 1..6 digits; "-0" forms with a zero fraction are not
 * produced. Bounds must be integers (checked by the caller); for a magnitude m = I.F and
 * integer bounds A <= m <= B: I in [A, B-1] with any fraction, or I = B with a zero fraction;
 * an exclusive lower bound A < m adds I = A with a non-zero fraction instead of I = A.
 */
#include "engine/text/guided/guided_internal.h"

#include <string.h>

#define MAXI 9999999999999999LL /* 16 digits */

static gd_frag digit(gd_nfa *m, void *ctx)
{
    (void)ctx;
    return gd_nfa_range(m, '0', '9');
}

static gd_frag digits(gd_nfa *m, int64_t n)
{
    return gd_nfa_repeat(m, digit, NULL, n, n);
}

static int all_of(const char *s, size_t from, size_t len, char c)
{
    for (size_t i = from; i < len; i++)
        if (s[i] != c)
            return 0;
    return 1;
}

/* Numbers of exactly len digits between lo and hi (same length, lo <= hi), from position pos. */
static gd_frag fixed_len(gd_nfa *m, const char *lo, const char *hi, size_t pos, size_t len)
{
    if (pos == len)
        return gd_nfa_empty(m);
    if (all_of(lo, pos + 1, len, '0') && all_of(hi, pos + 1, len, '9'))
        return gd_nfa_cat(m, gd_nfa_range(m, (uint8_t)lo[pos], (uint8_t)hi[pos]),
                          digits(m, (int64_t)(len - pos - 1)));
    if (lo[pos] == hi[pos])
        return gd_nfa_cat(m, gd_nfa_range(m, (uint8_t)lo[pos], (uint8_t)lo[pos]),
                          fixed_len(m, lo, hi, pos + 1, len));
    char nines[GD_JSON_INT_DIGITS + 1], zeros[GD_JSON_INT_DIGITS + 1];
    memset(nines, '9', sizeof nines);
    memset(zeros, '0', sizeof zeros);
    gd_frag f = GD_FRAG_NONE;
    uint8_t mid_lo = (uint8_t)(lo[pos] + 1), mid_hi = (uint8_t)(hi[pos] - 1);
    if (all_of(lo, pos + 1, len, '0'))
        mid_lo = (uint8_t)lo[pos];
    else
        f = gd_nfa_alt(m, f, gd_nfa_cat(m, gd_nfa_range(m, (uint8_t)lo[pos], (uint8_t)lo[pos]),
                                        fixed_len(m, lo, nines, pos + 1, len)));
    if (all_of(hi, pos + 1, len, '9'))
        mid_hi = (uint8_t)hi[pos];
    else
        f = gd_nfa_alt(m, f, gd_nfa_cat(m, gd_nfa_range(m, (uint8_t)hi[pos], (uint8_t)hi[pos]),
                                        fixed_len(m, zeros, hi, pos + 1, len)));
    if (mid_lo <= mid_hi)
        f = gd_nfa_alt(m, f, gd_nfa_cat(m, gd_nfa_range(m, mid_lo, mid_hi),
                                        digits(m, (int64_t)(len - pos - 1))));
    return f;
}

/* Magnitudes in [a, b] (0 <= a, b <= MAXI) in canonical decimal. Digit counts whose whole
 * range is included are merged into one [1-9][0-9]{k,l} (keeps the unbounded case small). */
static gd_frag magnitude(gd_nfa *m, int64_t a, int64_t b)
{
    if (a > b)
        return gd_nfa_fail(m);
    gd_frag f = GD_FRAG_NONE;
    int64_t p = 1; /* 10^(len-1) */
    int64_t run_lo = -1, run_hi = -1; /* digit counts of the current run of full lengths */
    for (size_t len = 1; len <= GD_JSON_INT_DIGITS; len++, p *= 10) {
        int64_t lo = len == 1 ? 0 : p;
        int64_t hi = p * 10 - 1;
        int full = len > 1 && a <= lo && b >= hi;
        if (full) {
            if (run_lo < 0)
                run_lo = (int64_t)len;
            run_hi = (int64_t)len;
        }
        if ((!full || len == GD_JSON_INT_DIGITS || b <= hi) && run_lo > 0) {
            gd_frag r = gd_nfa_cat(m, gd_nfa_range(m, '1', '9'),
                                   gd_nfa_repeat(m, digit, NULL, run_lo - 1, run_hi - 1));
            f = gd_nfa_alt(m, f, r);
            run_lo = -1;
        }
        if (lo < a)
            lo = a;
        if (hi > b)
            hi = b;
        if (!full && lo <= hi) {
            char ls[GD_JSON_INT_DIGITS + 2], hs[GD_JSON_INT_DIGITS + 2];
            int64_t x = lo, y = hi;
            for (size_t i = len; i-- > 0;) {
                ls[i] = (char)('0' + x % 10);
                hs[i] = (char)('0' + y % 10);
                x /= 10;
                y /= 10;
            }
            f = gd_nfa_alt(m, f, fixed_len(m, ls, hs, 0, len));
        }
        if (hi >= b)
            break;
    }
    return f.in == -2 ? gd_nfa_fail(m) : f;
}

gd_frag gd_json_int_range(gd_nfa *m, int64_t lo, int64_t hi)
{
    if (lo < -MAXI)
        lo = -MAXI;
    if (hi > MAXI)
        hi = MAXI;
    if (lo > hi)
        return gd_nfa_fail(m);
    gd_frag f = GD_FRAG_NONE;
    if (hi >= 0)
        f = gd_nfa_alt(m, f, magnitude(m, lo > 0 ? lo : 0, hi));
    if (lo < 0)
        f = gd_nfa_alt(m, f, gd_nfa_cat(m, gd_nfa_str(m, "-"), magnitude(m, hi < 0 ? -hi : 1, -lo)));
    return f.in == -2 ? gd_nfa_fail(m) : f;
}

/* ---- numbers --------------------------------------------------------------------------------- */

static gd_frag frac_any(gd_nfa *m)
{
    return gd_nfa_cat(m, gd_nfa_str(m, "."), gd_nfa_repeat(m, digit, NULL, 1, GD_JSON_FRAC_DIGITS));
}

static gd_frag zero_digit(gd_nfa *m, void *ctx)
{
    (void)ctx;
    return gd_nfa_str(m, "0");
}

static gd_frag frac_zero(gd_nfa *m)
{
    return gd_nfa_cat(m, gd_nfa_str(m, "."), gd_nfa_repeat(m, zero_digit, NULL, 1, GD_JSON_FRAC_DIGITS));
}

/* '.' then 1..6 digits, at least one of them non-zero: k zeros, a non-zero digit, then up to
 * 5-k more digits. */
static gd_frag frac_nonzero(gd_nfa *m)
{
    gd_frag f = GD_FRAG_NONE;
    for (int k = 0; k < GD_JSON_FRAC_DIGITS; k++) {
        gd_frag x = gd_nfa_repeat(m, zero_digit, NULL, k, k);
        x = gd_nfa_cat(m, x, gd_nfa_range(m, '1', '9'));
        x = gd_nfa_cat(m, x, gd_nfa_repeat(m, digit, NULL, 0, GD_JSON_FRAC_DIGITS - 1 - k));
        f = gd_nfa_alt(m, f, x);
    }
    return gd_nfa_cat(m, gd_nfa_str(m, "."), f);
}

/* Magnitudes m with A <= m (A < m if ex_a) and, if has_b, m <= B (m < B if ex_b). */
static gd_frag mag_number(gd_nfa *m, int64_t A, int ex_a, int has_b, int64_t B, int ex_b)
{
    gd_frag f = GD_FRAG_NONE;
    int64_t i_lo = ex_a ? A + 1 : A;
    int64_t i_hi = has_b ? B - 1 : MAXI;
    if (i_hi > MAXI)
        i_hi = MAXI;
    if (i_lo <= i_hi)
        f = gd_nfa_alt(m, f, gd_nfa_cat(m, magnitude(m, i_lo, i_hi), gd_nfa_opt(m, frac_any(m))));
    if (ex_a && A <= MAXI && (!has_b || A < B))
        f = gd_nfa_alt(m, f, gd_nfa_cat(m, magnitude(m, A, A), frac_nonzero(m)));
    if (has_b && !ex_b && B <= MAXI && (ex_a ? B > A : B >= A))
        f = gd_nfa_alt(m, f, gd_nfa_cat(m, magnitude(m, B, B), gd_nfa_opt(m, frac_zero(m))));
    return f.in == -2 ? gd_nfa_fail(m) : f;
}

gd_frag gd_json_number_range(gd_nfa *m, int has_lo, int64_t lo, int ex_lo, int has_hi, int64_t hi,
                             int ex_hi)
{
    gd_frag f = GD_FRAG_NONE;
    /* x >= 0 */
    if (!has_hi || hi > 0 || (hi == 0 && !ex_hi)) {
        int64_t A = 0;
        int ea = 0;
        if (has_lo && lo >= 0) {
            A = lo;
            ea = ex_lo;
        }
        f = gd_nfa_alt(m, f, mag_number(m, A, ea, has_hi, hi, ex_hi));
    }
    /* x < 0: magnitude -x */
    if (!has_lo || lo < 0) {
        int64_t A = 0;
        int ea = 1;
        if (has_hi && hi < 0) {
            A = -hi;
            ea = ex_hi;
        }
        gd_frag neg = mag_number(m, A, ea, has_lo, has_lo ? -lo : 0, ex_lo);
        f = gd_nfa_alt(m, f, gd_nfa_cat(m, gd_nfa_str(m, "-"), neg));
    }
    return f.in == -2 ? gd_nfa_fail(m) : f;
}
