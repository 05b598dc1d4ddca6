/*
 * guided_choice: every driven output is exactly one of the choices (for many seeds), every
 * choice is reachable, prefixes of other choices may end, min_remaining is exact, and the
 * error cases (empty list) are reported.
 *
 * The synthetic vocabulary and the random driver come from tests/support/guided_testing.h.
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
#include "guided_testing.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- tests ------------------------------------------------------------------------------------- */

static void check_choices(const gdt_tvocab *tv, const char *const *choices, size_t n, int seeds)
{
    genapi_error err;
    gd_constraint *c = gd_compile_choice(NULL, &tv->v, choices, n, "guided_choice", &err);
    if (c == NULL)
        fail_msg("compile: %s", err.message);
    int *seen = calloc(n, sizeof *seen);
    assert_non_null(seen);
    for (int seed = 1; seed <= seeds; seed++) {
        size_t len;
        char *s = gdt_drive(c, &tv->v, (uint64_t)seed, (size_t)(seed % 12), &len);
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
        assert_true(gdt_accepts(c, choices[i], strlen(choices[i])));
        size_t l = strlen(choices[i]);
        if (l > 0) {
            int is_choice = 0;
            for (size_t j = 0; j < n; j++)
                is_choice |= strlen(choices[j]) == l - 1 && memcmp(choices[j], choices[i], l - 1) == 0;
            assert_int_equal(gdt_accepts(c, choices[i], l - 1), is_choice);
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
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
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
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    static const char *const ch[] = {"abc", "abcdef", "xy"};
    genapi_error err;
    gd_constraint *c = gd_compile_choice(NULL, &tv.v, ch, NELEM(ch), "guided_choice", &err);
    assert_non_null(c);
    uint8_t mask[GDT_N];
    assert_int_equal(gd_min_remaining(c), 2);
    gd_allowed(c, mask);
    assert_int_equal(mask[GDT_EOS], 0);
    assert_int_equal(mask[GDT_WORD0 + 5], 1);  /* "abc" */
    assert_int_equal(mask[GDT_WORD0 + 11], 1); /* "ab" */
    assert_int_equal(mask[GDT_BYTE0 + 'x'], 1);
    assert_int_equal(mask[GDT_BYTE0 + 'b'], 0);
    assert_int_equal(gd_advance(c, GDT_BYTE0 + 'b'), -1);
    assert_int_equal(gd_advance(c, GDT_WORD0 + 5), 0); /* "abc" */
    assert_int_equal(gd_min_remaining(c), 0);
    size_t n = gd_allowed(c, mask);
    assert_int_equal(n, 2); /* EOS or 'd' */
    assert_int_equal(mask[GDT_EOS], 1);
    assert_int_equal(mask[GDT_BYTE0 + 'd'], 1);
    assert_int_equal(gd_advance(c, GDT_BYTE0 + 'd'), 0);
    assert_int_equal(gd_min_remaining(c), 2);
    assert_int_equal(gd_advance(c, GDT_EOS), -1);
    gd_reset(c);
    assert_int_equal(gd_min_remaining(c), 2);
    assert_int_equal(gd_advance(c, GDT_BYTE0 + 'x'), 0);
    assert_int_equal(gd_min_remaining(c), 1);
    gd_free(c);
}

static void test_errors(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
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
