/*
 * guided_regex: property tests against POSIX <regex.h> (an independent implementation).
 *
 * Synthetic vocabulary: EOS (id 0), the 256 single bytes (ids 1..256), one non-EOS special
 * token, and a few multi-byte words. For many seeds and patterns the constraint is driven by a
 * seeded random choice among the allowed tokens until EOS (greedy completion via
 * gd_min_remaining_after once a step budget is spent); the output must match ^(pattern)$ with
 * regcomp/regexec(REG_EXTENDED) in the C.UTF-8 locale. Along the way every mask is checked
 * against a per-token byte walk, EOS against gd_complete, and gd_min_remaining against the
 * prediction. Random strings are also checked both ways (accepted by the constraint iff POSIX
 * matches). Errors: unsupported constructs, unsatisfiable patterns, bad syntax.
 *
 * The vocabulary, the driver and the allocator hooks come from tests/support/guided_testing.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/text/guided/guided.h"
#include "failing_alloc.h"
#include "guided_testing.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- POSIX oracle ---------------------------------------------------------------------------------- */

/* Our syntax -> POSIX ERE: \d \w \s and (?: ; everything else is written POSIX-compatibly. */
static void to_posix(const char *p, char *out, size_t cap)
{
    size_t o = 0;
    o += (size_t)snprintf(out + o, cap - o, "^(");
    for (size_t i = 0; p[i]; i++) {
        const char *rep = NULL;
        if (p[i] == '\\' && p[i + 1] == 'd')
            rep = "[0-9]";
        else if (p[i] == '\\' && p[i + 1] == 'w')
            rep = "[A-Za-z0-9_]";
        else if (p[i] == '\\' && p[i + 1] == 's')
            rep = "[[:space:]]";
        else if (p[i] == '(' && p[i + 1] == '?' && p[i + 2] == ':') {
            out[o++] = '(';
            i += 2;
            continue;
        }
        if (rep) {
            o += (size_t)snprintf(out + o, cap - o, "%s", rep);
            i++;
        } else if (p[i] == '\\' && p[i + 1]) {
            out[o++] = p[i++];
            out[o++] = p[i];
        } else {
            out[o++] = p[i];
        }
        assert_true(o + 8 < cap);
    }
    snprintf(out + o, cap - o, ")$");
}

/* REG_STARTEND: the string may hold NUL bytes (a negated class allows U+0000). */
static int posix_match_n(const regex_t *re, const char *s, size_t n)
{
    regmatch_t pm[1];
    pm[0].rm_so = 0;
    pm[0].rm_eo = (regoff_t)n;
    return regexec(re, s, 1, pm, REG_STARTEND) == 0;
}

static int posix_match(const regex_t *re, const char *s)
{
    return posix_match_n(re, s, strlen(s));
}

static const struct {
    const char *pattern;
    const char *alphabet; /* for random two-way checks */
} patterns[] = {
    {"[a-z]+", "abz0A"},
    {"\\d{3}-\\d{2,4}", "0129-a"},
    {"(abc|de)*f?", "abcdef"},
    {"a{2}b{1,}c{0,2}", "abc"},
    {"(true|false|null)", "truefalsn"},
    {"[^a-c]{1,3}", "abcxy\xc3\xa9"},
    {"\\w+@\\w+\\.com", "ab_@.com1"},
    {"x(y|z)?(12)+", "xyz12"},
    {"[0-9]{1,3}(\\.[0-9]{1,3}){3}", "09.1"},
    {".{2}", "ab\xc3\xa9 "},
    {"(\\s|-)+[A-F]", "- \t\v\f\r\nAFG"},
    {"h\xc3\xa9llo|world", "h\xc3\xa9lowrd"},
    {"(?:ab|cd){2,3}", "abcd"},
    {"\\{\\}|\\[\\]", "{}[]"},
    {"\"[^\"]*\"", "\"ab"},
    {"a?b?c?", "abc"},
};

static void test_random_outputs_match_posix(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    for (size_t i = 0; i < NELEM(patterns); i++) {
        genapi_error err;
        gd_constraint *c = gd_compile_regex(NULL, &tv.v, patterns[i].pattern, "guided_regex", &err);
        if (c == NULL)
            fail_msg("compile '%s': %s", patterns[i].pattern, err.message);
        char posix[512];
        to_posix(patterns[i].pattern, posix, sizeof posix);
        regex_t re;
        assert_int_equal(regcomp(&re, posix, REG_EXTENDED | REG_NOSUB), 0);
        for (uint64_t seed = 1; seed <= 60; seed++) {
            size_t n;
            char *s = gdt_drive(c, &tv.v, seed, 1 + seed % 30, &n);
            /* glibc's '.' and negated classes never match NUL (RE_DOT_NOT_NULL); Python's and
             * ours do, so such outputs are only checked by the two-way test below */
            if (memchr(s, 0, n) == NULL && !posix_match_n(&re, s, n))
                fail_msg("pattern '%s' seed %u produced '%s' which POSIX rejects", patterns[i].pattern,
                         (unsigned)seed, s);
            assert_true(gdt_accepts(c, s, n));
            free(s);
        }
        /* two-way agreement on random strings over a small alphabet */
        uint64_t rs = 99 + i;
        const char *alpha = patterns[i].alphabet;
        size_t na = strlen(alpha);
        for (int k = 0; k < 3000; k++) {
            char buf[32];
            size_t len = gdt_rng_next(&rs) % 9, o = 0;
            for (size_t j = 0; j < len; j++) {
                size_t pos = gdt_rng_next(&rs) % na;
                /* keep multi-byte characters whole: step back to a lead byte */
                while (pos > 0 && ((uint8_t)alpha[pos] & 0xC0u) == 0x80u)
                    pos--;
                buf[o++] = alpha[pos];
                while (((uint8_t)alpha[pos] & 0x80u) && ((uint8_t)alpha[pos + 1] & 0xC0u) == 0x80u)
                    buf[o++] = alpha[++pos];
            }
            buf[o] = '\0';
            int a = gdt_accepts(c, buf, o), b = posix_match(&re, buf);
            if (a != b)
                fail_msg("pattern '%s' string '%s': constraint %d, POSIX %d", patterns[i].pattern, buf, a, b);
        }
        regfree(&re);
        gd_free(c);
    }
}

static void test_utf8_only_well_formed(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    genapi_error err;
    gd_constraint *c = gd_compile_regex(NULL, &tv.v, ".", "guided_regex", &err);
    assert_non_null(c);
    assert_true(gdt_accepts(c, "a", 1));
    assert_true(gdt_accepts(c, "\xc3\xa9", 2));
    assert_true(gdt_accepts(c, "\xe2\x82\xac", 3));
    assert_true(gdt_accepts(c, "\xf0\x9f\x98\x80", 4));
    assert_false(gdt_accepts(c, "\n", 1));
    assert_false(gdt_accepts(c, "\xff", 1));
    assert_false(gdt_accepts(c, "\x80", 1));
    assert_false(gdt_accepts(c, "\xc0\x80", 2));         /* overlong */
    assert_false(gdt_accepts(c, "\xed\xa0\x80", 3));     /* surrogate */
    assert_false(gdt_accepts(c, "\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(gdt_accepts(c, "\xc3", 1));             /* incomplete */
    /* a partial character is a prefix: the token is allowed, but not EOS */
    gd_reset(c);
    assert_int_equal(gd_advance(c, GDT_BYTE0 + 0xC3), 0);
    assert_false(gd_complete(c));
    assert_int_equal(gd_min_remaining(c), 1);
    gd_free(c);

    c = gd_compile_regex(NULL, &tv.v, "[^a]\\D", "guided_regex", &err);
    assert_non_null(c);
    assert_true(gdt_accepts(c, "\xf0\x9f\x98\x80x", 5));
    assert_true(gdt_accepts(c, "\nb", 2));
    assert_false(gdt_accepts(c, "ab", 2));
    assert_false(gdt_accepts(c, "b1", 2));
    assert_false(gdt_accepts(c, "\xed\xbf\xbf" "b", 4));
    gd_free(c);
    /* \x{...} and \u escapes */
    c = gd_compile_regex(NULL, &tv.v, "\\x{1F600}\\u00e9\\x41", "guided_regex", &err);
    assert_non_null(c);
    assert_true(gdt_accepts(c, "\xf0\x9f\x98\x80\xc3\xa9" "A", 7));
    gd_free(c);
}

/* \s is exactly Python's re.ASCII class [ \t\n\r\f\v] (U+0020 and U+0009..U+000D); \S is
 * every other character. Checked one byte at a time over 0x00..0x7F. */
static void test_space_class_exact(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    genapi_error err;
    gd_constraint *sp = gd_compile_regex(NULL, &tv.v, "\\s", "guided_regex", &err);
    gd_constraint *nsp = gd_compile_regex(NULL, &tv.v, "\\S", "guided_regex", &err);
    gd_constraint *cls = gd_compile_regex(NULL, &tv.v, "[\\s]", "guided_regex", &err);
    assert_non_null(sp);
    assert_non_null(nsp);
    assert_non_null(cls);
    for (unsigned b = 0; b < 0x80; b++) {
        char ch = (char)b;
        int space = b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r';
        if (gdt_accepts(sp, &ch, 1) != space || gdt_accepts(cls, &ch, 1) != space)
            fail_msg("\\s on byte 0x%02X: expected %s", b, space ? "accepted" : "refused");
        if (gdt_accepts(nsp, &ch, 1) == space)
            fail_msg("\\S on byte 0x%02X: expected %s", b, space ? "refused" : "accepted");
    }
    gd_free(sp);
    gd_free(nsp);
    gd_free(cls);
}

static void test_anchors_and_quantifier_forms(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    genapi_error err;
    static const struct {
        const char *p, *yes, *no;
    } cases[] = {
        {"^abc$", "abc", "abcc"},
        {"^a|b$", "b", "ab"},
        {"\\Aab\\z", "ab", "a"},
        {"a{,2}b", "aab", "aaab"},
        {"a*?b+?c??", "aabbc", "ac c"},
        {"a{2", "a{2", "aa"},        /* not a quantifier: literal */
        {"(?P<x>a)(?<y>b)", "ab", "ba"},
        {"a(?#comment)b", "ab", "a(b"},
        {"[]a]+", "]a]", "b"},
        {"[a\\-z]", "-", "b"},
        {"[[:digit:][:upper:]]+", "9Z", "a"},
        {"\\$\\^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\\\\\/\\\"", "$^.*+?()[]{}|\\/\"", "x"},
        {"\\n\\t", "\n\t", "nt"},
        {"(?=)x", "x", ""},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        gd_constraint *c = gd_compile_regex(NULL, &tv.v, cases[i].p, "guided_regex", &err);
        if (c == NULL)
            fail_msg("'%s': %s", cases[i].p, err.message);
        if (!gdt_accepts(c, cases[i].yes, strlen(cases[i].yes)))
            fail_msg("'%s' should accept '%s'", cases[i].p, cases[i].yes);
        if (gdt_accepts(c, cases[i].no, strlen(cases[i].no)))
            fail_msg("'%s' should reject '%s'", cases[i].p, cases[i].no);
        gd_free(c);
    }
}

static void expect_error(const gdt_tvocab *tv, const char *pattern, const char *needle)
{
    genapi_error err;
    memset(&err, 0, sizeof err);
    gd_constraint *c = gd_compile_regex(NULL, &tv->v, pattern, "guided_regex", &err);
    gdt_expect_compile_error(c, &err, "guided_regex", pattern, needle);
}

static void test_errors(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    expect_error(&tv, "(a)\\1", "backreference");
    expect_error(&tv, "(?P<n>a)(?P=n)", "backreference");
    expect_error(&tv, "a(?=b)", "lookahead");
    expect_error(&tv, "a(?!b)", "lookahead");
    expect_error(&tv, "(?<=a)b", "lookbehind");
    expect_error(&tv, "(?<!a)b", "lookbehind");
    expect_error(&tv, "\\bword\\b", "word boundary");
    expect_error(&tv, "(?i)abc", "inline flags");
    expect_error(&tv, "\\p{L}", "Unicode property");
    expect_error(&tv, "a^b", "anchor '^'");
    expect_error(&tv, "a$b", "anchor '$'");
    expect_error(&tv, "(ab", "missing ')'");
    expect_error(&tv, "ab)", "unbalanced");
    expect_error(&tv, "*a", "nothing to repeat");
    expect_error(&tv, "[ab", "unterminated character class");
    expect_error(&tv, "[z-a]", "bad character range");
    expect_error(&tv, "a{1001}", "repetition count too large");
    expect_error(&tv, "\\q", "unknown escape");
    /* unsatisfiable */
    expect_error(&tv, "[^\\x00-\\x{10FFFF}]", "the pattern matches no string");
    expect_error(&tv, "a{3,2}", "the pattern matches no string");
    expect_error(&tv, "(?!)", "the pattern matches no string");
    expect_error(&tv, "[^\\s\\S]x", "the pattern matches no string");
    expect_error(&tv, "(a|[^\\d\\D])b{2,1}", "the pattern matches no string");
    /* too large */
    expect_error(&tv, "((((a{1000}){1000}){1000}))", "too large");
    /* an unsatisfiable branch next to a satisfiable one is fine */
    genapi_error err;
    gd_constraint *c = gd_compile_regex(NULL, &tv.v, "a{3,2}|b", "guided_regex", &err);
    assert_non_null(c);
    assert_true(gdt_accepts(c, "b", 1));
    gd_free(c);
}

static void test_dead_states_pruned(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    genapi_error err;
    /* after 'a' only the branch "ab" can complete: "ac[^\x00-\x{10FFFF}]" is dead, so 'c' is
     * not allowed even though the NFA has an edge for it */
    gd_constraint *c = gd_compile_regex(NULL, &tv.v, "ab|ac[^\\x00-\\x{10FFFF}]", "guided_regex", &err);
    assert_non_null(c);
    uint8_t mask[GDT_N];
    assert_int_equal(gd_advance(c, GDT_BYTE0 + 'a'), 0);
    size_t n = gd_allowed(c, mask);
    assert_int_equal(n, 1);
    assert_int_equal(mask[GDT_BYTE0 + 'b'], 1);
    assert_int_equal(mask[GDT_BYTE0 + 'c'], 0);
    gd_free(c);
}

static void test_tokens_and_min_remaining(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    genapi_error err;
    gd_constraint *c = gd_compile_regex(NULL, &tv.v, "(abc|12)+x", "guided_regex", &err);
    assert_non_null(c);
    uint8_t mask[GDT_N];
    gd_allowed(c, mask);
    assert_int_equal(mask[GDT_WORD0 + 5], 1); /* "abc" */
    assert_int_equal(mask[GDT_WORD0 + 11], 1); /* "ab" */
    assert_int_equal(mask[GDT_WORD0 + 6], 1); /* "12" */
    assert_int_equal(mask[GDT_WORD0 + 0], 0); /* "true" */
    assert_int_equal(mask[GDT_EOS], 0);
    assert_int_equal(gd_min_remaining(c), 3);   /* "12x" */
    assert_int_equal(gd_advance(c, GDT_EOS), -1); /* not complete */
    assert_int_equal(gd_advance(c, GDT_SPECIAL), -1);
    assert_int_equal(gd_advance(c, -1), -1);
    assert_int_equal(gd_advance(c, (int32_t)GDT_N), -1);
    assert_int_equal(gd_advance(c, GDT_WORD0 + 5), 0);
    assert_int_equal(gd_min_remaining(c), 1);
    assert_int_equal(gd_min_remaining_after(c, GDT_BYTE0 + 'x'), 0);
    assert_int_equal(gd_min_remaining_after(c, GDT_BYTE0 + 'y'), SIZE_MAX);
    assert_int_equal(gd_advance(c, GDT_BYTE0 + 'x'), 0);
    assert_true(gd_complete(c));
    size_t n = gd_allowed(c, mask);
    assert_int_equal(n, 1); /* only EOS: nothing can follow */
    assert_int_equal(mask[GDT_EOS], 1);
    /* the mask of the start state was cached: a reset and a second call hit the cache */
    gd_stats st;
    gd_get_stats(c, &st);
    uint64_t hits = st.mask_cache_hits;
    gd_reset(c);
    gd_allowed(c, mask);
    gd_get_stats(c, &st);
    assert_int_equal(st.mask_cache_hits, hits + 1);
    assert_true(st.masks_cached >= 2);
    gd_free(c);
}

/* ---- allocator hooks ----------------------------------------------------------------------------- */

static void test_alloc_hooks_and_oom(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    fa_counter k = {0};
    fa_fail_at(&k, LONG_MAX); /* counting the calls */
    gd_alloc_hooks h = {fa_malloc, fa_free, &k};
    genapi_error err;
    gd_constraint *c = gd_compile_regex(&h, &tv.v, "[a-z]{2,5}(\\.[a-z]+)*", "guided_regex", &err);
    assert_non_null(c);
    size_t n;
    char *s = gdt_drive(c, &tv.v, 5, 10, &n);
    free(s);
    gd_free(c);
    assert_true(k.count > 0);
    assert_int_equal(k.live, 0);
    /* every allocation failure is reported as out of memory, with nothing leaked */
    long total = k.count;
    for (long f = 0; f < total; f++) {
        fa_counter k2 = {0};
        fa_fail_from(&k2, f);
        gd_alloc_hooks h2 = {fa_malloc, fa_free, &k2};
        c = gd_compile_regex(&h2, &tv.v, "[a-z]{2,5}(\\.[a-z]+)*", "guided_regex", &err);
        if (c) {
            uint8_t mask[GDT_N];
            gd_allowed(c, mask); /* may run out while walking; must not crash */
            gd_free(c);
        } else {
            assert_int_equal(err.status, GENAPI_E_NOMEM);
        }
        assert_int_equal(k2.live, 0);
    }
    /* half-set hooks are refused */
    gd_alloc_hooks bad = {fa_malloc, NULL, &k};
    assert_null(gd_compile_regex(&bad, &tv.v, "a", "guided_regex", &err));
    assert_int_equal(err.status, GENAPI_E_INVALID_ARG);
}

/* A larger random vocabulary: masks still agree with direct byte walks. */
static void test_large_vocab_consistency(void **state)
{
    (void)state;
    enum { NV = 20000 };
    char **pieces = malloc(NV * sizeof *pieces);
    size_t *lens = malloc(NV * sizeof *lens);
    assert_non_null(pieces);
    assert_non_null(lens);
    uint64_t rs = 4242;
    static const char alpha[] = "abc0123-.x\xc3\xa9\"{}";
    for (size_t i = 0; i < NV; i++) {
        size_t len = i == 0 ? 5 : i <= 256 ? 1 : 1 + gdt_rng_next(&rs) % 6;
        pieces[i] = malloc(len + 1);
        for (size_t j = 0; j < len; j++)
            pieces[i][j] = i >= 1 && i <= 256 ? (char)(i - 1) : alpha[gdt_rng_next(&rs) % (sizeof alpha - 1)];
        pieces[i][len] = '\0';
        lens[i] = len;
    }
    uint8_t *special = calloc(NV, 1);
    special[0] = 1;
    gd_vocab v = {NV, (const char *const *)pieces, lens, special, 0};
    genapi_error err;
    gd_constraint *c = gd_compile_regex(NULL, &v, "[a-c]{1,4}(-[0-9]+)*\\.x?", "guided_regex", &err);
    assert_non_null(c);
    uint8_t *mask = malloc(NV);
    for (int run = 0; run < 5; run++) {
        gd_reset(c);
        for (int step = 0; step < 12; step++) {
            size_t na = gd_allowed(c, mask);
            size_t cnt = 0;
            int32_t pick = -1;
            for (size_t t = 0; t < NV; t++) {
                int direct = gd_min_remaining_after(c, (int32_t)t) != SIZE_MAX;
                assert_int_equal(mask[t], direct);
                if (mask[t]) {
                    cnt++;
                    if (pick < 0 || gdt_rng_next(&rs) % cnt == 0)
                        pick = (int32_t)t;
                }
            }
            assert_int_equal(cnt, na);
            assert_true(pick >= 0);
            if (pick == 0)
                break;
            assert_int_equal(gd_advance(c, pick), 0);
        }
    }
    free(mask);
    gd_free(c);
    for (size_t i = 0; i < NV; i++)
        free(pieces[i]);
    free(pieces);
    free(lens);
    free(special);
}

int main(void)
{
    if (setlocale(LC_ALL, "C.UTF-8") == NULL && setlocale(LC_ALL, "C.utf8") == NULL)
        fprintf(stderr, "warning: no UTF-8 locale; POSIX checks of multi-byte characters may fail\n");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_outputs_match_posix),
        cmocka_unit_test(test_utf8_only_well_formed),
        cmocka_unit_test(test_space_class_exact),
        cmocka_unit_test(test_anchors_and_quantifier_forms),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_dead_states_pruned),
        cmocka_unit_test(test_tokens_and_min_remaining),
        cmocka_unit_test(test_alloc_hooks_and_oom),
        cmocka_unit_test(test_large_vocab_consistency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
