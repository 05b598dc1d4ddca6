/*
 * guided_choice: every driven output is exactly one of the choices (for many seeds), every
 * choice is reachable, prefixes of other choices may end, min_remaining is exact, and the
 * error cases (empty list) are reported.
 *
 * The synthetic vocabulary and the random driver are the same as in test_guided_regex.c
 * (each test is its own executable, so they are repeated here).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/text/guided/guided.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- synthetic vocabulary ------------------------------------------------------------------ */

static const char *const words[] = {"true", "false", "null", "{\"", "\":", "abc", "12", " the",
                                    "\"}", ", \"", "\xc3\xa9", "ab", "a1", "--", "x\xc3"};
enum { TV_EOS = 0, TV_BYTE0 = 1, TV_SPECIAL = 257, TV_WORD0 = 258 };
#define TV_N (TV_WORD0 + NELEM(words))

typedef struct {
    gd_vocab v;
    char bytes[256];
    const char *piece[TV_N];
    size_t len[TV_N];
    uint8_t special[TV_N];
} tvocab;

static void tv_init(tvocab *t)
{
    memset(t, 0, sizeof *t);
    t->piece[TV_EOS] = "<|endoftext|>";
    t->len[TV_EOS] = strlen(t->piece[TV_EOS]);
    t->special[TV_EOS] = 1;
    for (int b = 0; b < 256; b++) {
        t->bytes[b] = (char)b;
        t->piece[TV_BYTE0 + b] = &t->bytes[b];
        t->len[TV_BYTE0 + b] = 1;
    }
    t->piece[TV_SPECIAL] = "<|pad|>";
    t->len[TV_SPECIAL] = 7;
    t->special[TV_SPECIAL] = 1;
    for (size_t i = 0; i < NELEM(words); i++) {
        t->piece[TV_WORD0 + i] = words[i];
        t->len[TV_WORD0 + i] = strlen(words[i]);
    }
    t->v.n = TV_N;
    t->v.piece = t->piece;
    t->v.piece_len = t->len;
    t->v.is_special = t->special;
    t->v.eos_id = TV_EOS;
}

/* ---- driver ------------------------------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Drive c to EOS; returns the malloc'ed output (NUL-terminated), length in *len. */
static char *drive(gd_constraint *c, const gd_vocab *v, uint64_t seed, size_t budget, size_t *len)
{
    uint8_t *mask = malloc(v->n);
    int32_t *cand = malloc(v->n * sizeof *cand);
    size_t cap = 64, n = 0;
    char *out = malloc(cap);
    assert_non_null(mask);
    assert_non_null(cand);
    assert_non_null(out);
    uint64_t rs = seed * 7919u + 17u;
    gd_reset(c);
    for (size_t step = 0;; step++) {
        assert_true(step < budget + 10000u);
        size_t na = gd_allowed(c, mask);
        assert_true(na > 0); /* never a dead end */
        assert_int_equal(mask[v->eos_id], gd_complete(c));
        assert_int_equal(mask[TV_SPECIAL], 0);
        size_t rem = gd_min_remaining(c);
        assert_true((rem == 0) == (gd_complete(c) != 0));
        size_t cnt = 0, best = SIZE_MAX, nc = 0;
        for (size_t t = 0; t < v->n; t++) {
            size_t after = gd_min_remaining_after(c, (int32_t)t);
            assert_int_equal(mask[t], after != SIZE_MAX); /* trie walk == direct byte walk */
            if (!mask[t])
                continue;
            cnt++;
            assert_true(after + v->piece_len[t] >= rem || t == (size_t)v->eos_id);
            if (after < best)
                best = after;
        }
        assert_int_equal(cnt, na);
        int32_t tok;
        if (step < budget) {
            if (mask[v->eos_id] && rng_next(&rs) % 4 == 0) {
                tok = v->eos_id;
            } else {
                for (size_t t = 0; t < v->n; t++)
                    if (mask[t] && t != (size_t)v->eos_id)
                        cand[nc++] = (int32_t)t;
                tok = nc ? cand[rng_next(&rs) % nc] : v->eos_id;
            }
        } else {
            for (size_t t = 0; t < v->n; t++)
                if (mask[t] && gd_min_remaining_after(c, (int32_t)t) == best)
                    cand[nc++] = (int32_t)t;
            tok = cand[rng_next(&rs) % nc];
        }
        /* a disallowed token is refused and changes nothing */
        for (size_t t = rng_next(&rs) % v->n, k = 0; k < v->n; k++, t = (t + 1) % v->n) {
            if (!mask[t]) {
                assert_int_equal(gd_advance(c, (int32_t)t), -1);
                assert_int_equal(gd_min_remaining(c), rem);
                break;
            }
        }
        size_t predicted = gd_min_remaining_after(c, tok);
        assert_int_equal(gd_advance(c, tok), 0);
        assert_int_equal(gd_min_remaining(c), predicted);
        if (tok == v->eos_id)
            break;
        while (n + v->piece_len[tok] + 1 > cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        memcpy(out + n, v->piece[tok], v->piece_len[tok]);
        n += v->piece_len[tok];
    }
    out[n] = '\0';
    assert_int_equal(gd_allowed(c, mask), 0); /* finished: nothing more */
    assert_int_equal(gd_advance(c, TV_BYTE0 + 'a'), -1);
    assert_true(gd_complete(c));
    free(mask);
    free(cand);
    *len = n;
    return out;
}

/* Feed bytes one by one; 1 if the whole string is accepted. */
static int accepts(gd_constraint *c, const char *s, size_t n)
{
    gd_reset(c);
    for (size_t i = 0; i < n; i++)
        if (gd_advance(c, TV_BYTE0 + (uint8_t)s[i]) != 0)
            return 0;
    return gd_complete(c);
}

/* ---- tests ------------------------------------------------------------------------------------- */

static void check_choices(const tvocab *tv, const char *const *choices, size_t n, int seeds)
{
    genapi_error err;
    gd_constraint *c = gd_compile_choice(NULL, &tv->v, choices, n, "guided_choice", &err);
    if (c == NULL)
        fail_msg("compile: %s", err.message);
    int *seen = calloc(n, sizeof *seen);
    assert_non_null(seen);
    for (int seed = 1; seed <= seeds; seed++) {
        size_t len;
        char *s = drive(c, &tv->v, (uint64_t)seed, (size_t)(seed % 12), &len);
        int found = 0;
        for (size_t i = 0; i < n; i++) {
            if (strlen(choices[i]) == len && memcmp(choices[i], s, len) == 0) {
                seen[i] = 1;
                found = 1;
            }
        }
        if (!found)
            fail_msg("seed %d produced '%s', not one of the choices", seed, s);
        free(s);
    }
    for (size_t i = 0; i < n; i++) {
        /* every choice is accepted as a byte string; its proper prefixes are not (unless
         * they are choices themselves) */
        assert_true(accepts(c, choices[i], strlen(choices[i])));
        size_t l = strlen(choices[i]);
        if (l > 0) {
            int is_choice = 0;
            for (size_t j = 0; j < n; j++)
                is_choice |= strlen(choices[j]) == l - 1 && memcmp(choices[j], choices[i], l - 1) == 0;
            assert_int_equal(accepts(c, choices[i], l - 1), is_choice);
        }
    }
    if (seeds >= 200)
        for (size_t i = 0; i < n; i++)
            if (!seen[i])
                fail_msg("choice '%s' never produced in %d seeds", choices[i], seeds);
    free(seen);
    gd_free(c);
}

static void test_outputs_are_choices(void **state)
{
    (void)state;
    tvocab tv;
    tv_init(&tv);
    static const char *const a[] = {"yes", "no", "maybe", "y"};
    check_choices(&tv, a, NELEM(a), 300);
    static const char *const b[] = {"true", "false", "null", "true!", "tru"};
    check_choices(&tv, b, NELEM(b), 300);
    static const char *const cjk[] = {"h\xc3\xa9llo", "\xe6\x97\xa5\xe6\x9c\xac", "hello", "h"};
    check_choices(&tv, cjk, NELEM(cjk), 300);
    static const char *const dup[] = {"same", "same", "other"};
    check_choices(&tv, dup, NELEM(dup), 100);
    static const char *const empty[] = {"", "abc"};
    check_choices(&tv, empty, NELEM(empty), 200);
    /* many choices */
    char buf[400][12];
    const char *many[400];
    for (int i = 0; i < 400; i++) {
        snprintf(buf[i], sizeof buf[i], "item-%d", i * 7);
        many[i] = buf[i];
    }
    check_choices(&tv, many, 400, 150);
}

static void test_prefix_and_min_remaining(void **state)
{
    (void)state;
    tvocab tv;
    tv_init(&tv);
    static const char *const ch[] = {"abc", "abcdef", "xy"};
    genapi_error err;
    gd_constraint *c = gd_compile_choice(NULL, &tv.v, ch, NELEM(ch), "guided_choice", &err);
    assert_non_null(c);
    uint8_t mask[TV_N];
    assert_int_equal(gd_min_remaining(c), 2);
    gd_allowed(c, mask);
    assert_int_equal(mask[TV_EOS], 0);
    assert_int_equal(mask[TV_WORD0 + 5], 1);  /* "abc" */
    assert_int_equal(mask[TV_WORD0 + 11], 1); /* "ab" */
    assert_int_equal(mask[TV_BYTE0 + 'x'], 1);
    assert_int_equal(mask[TV_BYTE0 + 'b'], 0);
    assert_int_equal(gd_advance(c, TV_BYTE0 + 'b'), -1);
    assert_int_equal(gd_advance(c, TV_WORD0 + 5), 0); /* "abc" */
    assert_int_equal(gd_min_remaining(c), 0);
    size_t n = gd_allowed(c, mask);
    assert_int_equal(n, 2); /* EOS or 'd' */
    assert_int_equal(mask[TV_EOS], 1);
    assert_int_equal(mask[TV_BYTE0 + 'd'], 1);
    assert_int_equal(gd_advance(c, TV_BYTE0 + 'd'), 0);
    assert_int_equal(gd_min_remaining(c), 2);
    assert_int_equal(gd_advance(c, TV_EOS), -1);
    gd_reset(c);
    assert_int_equal(gd_min_remaining(c), 2);
    assert_int_equal(gd_advance(c, TV_BYTE0 + 'x'), 0);
    assert_int_equal(gd_min_remaining(c), 1);
    gd_free(c);
}

static void test_errors(void **state)
{
    (void)state;
    tvocab tv;
    tv_init(&tv);
    genapi_error err;
    static const char *const one[] = {"a"};
    memset(&err, 0, sizeof err);
    assert_null(gd_compile_choice(NULL, &tv.v, one, 0, "guided_choice", &err));
    assert_int_equal(err.status, GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "guided_choice");
    assert_non_null(strstr(err.message, "guided_choice: "));
    assert_non_null(strstr(err.message, "empty"));
    assert_null(gd_compile_choice(NULL, NULL, one, 1, "guided_choice", &err));
    assert_int_equal(err.status, GENAPI_E_INVALID_ARG);
    /* NULL error record is allowed */
    assert_null(gd_compile_choice(NULL, &tv.v, one, 0, "guided_choice", NULL));
}

/* A vocabulary without single bytes: a choice may be unreachable token-wise, but masks stay
 * consistent and only whole-token paths are offered. */
static void test_word_only_vocab(void **state)
{
    (void)state;
    static const char *const pieces[] = {"<eos>", "ab", "abc", "c", "d", "abcd"};
    size_t lens[NELEM(pieces)];
    for (size_t i = 0; i < NELEM(pieces); i++)
        lens[i] = strlen(pieces[i]);
    uint8_t special[NELEM(pieces)] = {1, 0, 0, 0, 0, 0};
    gd_vocab v = {NELEM(pieces), pieces, lens, special, 0};
    static const char *const ch[] = {"abcd", "abd"};
    genapi_error err;
    gd_constraint *c = gd_compile_choice(NULL, &v, ch, NELEM(ch), "guided_choice", &err);
    assert_non_null(c);
    uint8_t mask[NELEM(pieces)];
    assert_int_equal(gd_allowed(c, mask), 3); /* ab, abc, abcd */
    assert_int_equal(mask[1] + mask[2] + mask[5], 3);
    assert_int_equal(gd_advance(c, 1), 0);
    assert_int_equal(gd_allowed(c, mask), 2); /* c, d */
    assert_int_equal(gd_advance(c, 4), 0);
    assert_true(gd_complete(c));
    assert_int_equal(gd_allowed(c, mask), 1);
    assert_int_equal(mask[0], 1);
    gd_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outputs_are_choices),
        cmocka_unit_test(test_prefix_and_min_remaining),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_word_only_vocab),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
