#include "guided_testing.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const gdt_words[] = {"true", "false", "null", "{\"", "\":", "abc", "12", " the",
                                        "\"}", ", \"", "\xc3\xa9", "ab", "a1", "--", "x\xc3"};
_Static_assert(sizeof gdt_words / sizeof gdt_words[0] == GDT_NWORDS, "GDT_NWORDS");

void gdt_tvocab_init(gdt_tvocab *t)
{
    memset(t, 0, sizeof *t);
    t->piece[GDT_EOS] = "<|endoftext|>";
    t->len[GDT_EOS] = strlen(t->piece[GDT_EOS]);
    t->special[GDT_EOS] = 1;
    for (int b = 0; b < 256; b++) {
        t->bytes[b] = (char)b;
        t->piece[GDT_BYTE0 + b] = &t->bytes[b];
        t->len[GDT_BYTE0 + b] = 1;
    }
    t->piece[GDT_SPECIAL] = "<|pad|>";
    t->len[GDT_SPECIAL] = 7;
    t->special[GDT_SPECIAL] = 1;
    for (size_t i = 0; i < GDT_NWORDS; i++) {
        t->piece[GDT_WORD0 + i] = gdt_words[i];
        t->len[GDT_WORD0 + i] = strlen(gdt_words[i]);
    }
    t->v.n = GDT_N;
    t->v.piece = t->piece;
    t->v.piece_len = t->len;
    t->v.is_special = t->special;
    t->v.eos_id = GDT_EOS;
}

uint64_t gdt_rng_next(uint64_t *s)
{
    uint64_t x = *s += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

char *gdt_drive(gd_constraint *c, const gd_vocab *v, uint64_t seed, size_t budget, size_t *len)
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
        assert_int_equal(mask[GDT_SPECIAL], 0);
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
            if (mask[v->eos_id] && gdt_rng_next(&rs) % 4 == 0) {
                tok = v->eos_id;
            } else {
                for (size_t t = 0; t < v->n; t++)
                    if (mask[t] && t != (size_t)v->eos_id)
                        cand[nc++] = (int32_t)t;
                tok = nc ? cand[gdt_rng_next(&rs) % nc] : v->eos_id;
            }
        } else {
            for (size_t t = 0; t < v->n; t++)
                if (mask[t] && gd_min_remaining_after(c, (int32_t)t) == best)
                    cand[nc++] = (int32_t)t;
            tok = cand[gdt_rng_next(&rs) % nc];
        }
        /* a disallowed token is refused and changes nothing */
        for (size_t t = gdt_rng_next(&rs) % v->n, k = 0; k < v->n; k++, t = (t + 1) % v->n) {
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
    assert_int_equal(gd_advance(c, GDT_BYTE0 + 'a'), -1);
    assert_true(gd_complete(c));
    free(mask);
    free(cand);
    *len = n;
    return out;
}

int gdt_accepts(gd_constraint *c, const char *s, size_t n)
{
    gd_reset(c);
    for (size_t i = 0; i < n; i++)
        if (gd_advance(c, GDT_BYTE0 + (uint8_t)s[i]) != 0)
            return 0;
    return gd_complete(c);
}

void gdt_expect_compile_error(gd_constraint *c, const genapi_error *err, const char *param, const char *what,
                              const char *needle)
{
    if (c != NULL)
        fail_msg("'%s' compiled but should fail with '%s'", what, needle);
    assert_int_equal(err->status, GENAPI_E_INVALID_ARG);
    assert_string_equal(err->param, param);
    if (strstr(err->message, needle) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", what, err->message, needle);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s: ", param);
    assert_non_null(strstr(err->message, prefix));
}
