/*
 * Logits processors (allowed_token_ids, banned sequences, custom bans, ban ranges,
 * min_tokens, logit_bias), the empty-set result and the workspace allocation hooks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "failing_alloc.h"
#include "sampler_testing.h"

/* logits [5,4,3,2,1,0], allowed {4, 2, 2, 9 (outside the vocabulary)}: survivors {2, 4}
 * with logits [3, 1]; greedy picks 2. */
static void test_allowed_ids(void **state)
{
    (void)state;
    const float l[] = {5, 4, 3, 2, 1, 0};
    const int32_t allowed[] = {4, 2, 2, 9};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.allowed = allowed;
    c.n_allowed = 4;
    c.temperature = 0.0;
    samp_result r = samp_run(&c, l, 6, NULL);
    const int32_t ids[] = {2, 4};
    samp_expect_ids(&r, ids, 2);
    SAMP_CLOSE(r.lg[0], 3.0, 1e-9);
    SAMP_CLOSE(r.lg[1], 1.0, 1e-9);
    assert_int_equal(r.token, 2);
    /* p(2) = e^3 / (e^3 + e^1) */
    SAMP_CLOSE(r.prob, exp(3.0) / (exp(3.0) + exp(1.0)), 1e-6);
}

/* logits [0,0,0], bias {1:+2.5, 2:-1, 1:+0.5} -> [0, 3, -1]; greedy 1 with
 * p = e^3 / (1 + e^3 + e^-1) = 0.936240. A -100 bias lowers but does not remove. */
static void test_logit_bias(void **state)
{
    (void)state;
    const float l[] = {0, 0, 0};
    const int32_t bid[] = {1, 2, 1};
    const float bval[] = {2.5f, -1.0f, 0.5f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.bias_ids = bid;
    c.bias_values = bval;
    c.n_bias = 3;
    c.temperature = 0.0;
    samp_result r = samp_run(&c, l, 3, NULL);
    const double want[] = {0.0, 3.0, -1.0};
    for (size_t i = 0; i < 3; i++)
        SAMP_CLOSE(r.lg[i], want[i], 1e-6);
    assert_int_equal(r.token, 1);
    SAMP_CLOSE(r.prob, 0.9362395518765056, 1e-6);
    const int32_t bid2[] = {0};
    const float bval2[] = {-100.0f};
    c.bias_ids = bid2;
    c.bias_values = bval2;
    c.n_bias = 1;
    r = samp_run(&c, l, 3, NULL);
    assert_int_equal(r.n, 3);
    SAMP_CLOSE(r.lg[0], -100.0, 1e-6);
}

/* output [7, 8]:
 *   {8, 3}    output ends with [8]    -> ban 3
 *   {7, 9, 4} output does not end with [7, 9] -> nothing
 *   {7, 8, 5} output ends with [7, 8] -> ban 5
 *   {2}       single token            -> always banned
 *   {6,7,8,1} needs 3 output tokens   -> nothing */
static void test_banned_sequences(void **state)
{
    (void)state;
    const float l[10] = {0};
    const int32_t out[] = {7, 8};
    gsamp_history h = samp_history(NULL, 0, out, 2);
    const int32_t s1[] = {8, 3}, s2[] = {7, 9, 4}, s3[] = {7, 8, 5}, s4[] = {2}, s5[] = {6, 7, 8, 1};
    const gsamp_seq seqs[] = {{s1, 2}, {s2, 3}, {s3, 3}, {s4, 1}, {s5, 4}};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.banned_seqs = seqs;
    c.n_banned_seqs = SAMP_NELEM(seqs);
    samp_result r = samp_run(&c, l, 10, &h);
    const int32_t ids[] = {0, 1, 4, 6, 7, 8, 9};
    samp_expect_ids(&r, ids, SAMP_NELEM(ids));
}

/* custom bans {0, 1} -> removed. With ban ranges present they replace the custom bans:
 * range {tokens {2}, start 1, length 2} bans 2 only while 1 <= n_output < 3. */
static void test_custom_bans_and_ranges(void **state)
{
    (void)state;
    const float l[4] = {0};
    const int32_t bans[] = {0, 1}, rtok[] = {2};
    const int32_t out[] = {3, 3, 3};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.custom_bans = bans;
    c.n_custom_bans = 2;
    samp_result r = samp_run(&c, l, 4, NULL);
    const int32_t a[] = {2, 3};
    samp_expect_ids(&r, a, 2);
    gsamp_ban_range range = {rtok, 1, 1, 2};
    c.ban_ranges = &range;
    c.n_ban_ranges = 1;
    const size_t expect_n[] = {4, 3, 3, 4}; /* n_output 0..3 */
    for (size_t n_out = 0; n_out <= 3; n_out++) {
        gsamp_history h = samp_history(NULL, 0, out, n_out);
        r = samp_run(&c, l, 4, &h);
        assert_int_equal(r.n, expect_n[n_out]);
        if (r.n == 3) {
            const int32_t b[] = {0, 1, 3};
            samp_expect_ids(&r, b, 3);
        }
    }
}

/* stop ids {0 (EOS), 3}, min_tokens 2: masked while n_output < 2. */
static void test_min_tokens(void **state)
{
    (void)state;
    const float l[] = {5, 1, 1, 4};
    const int32_t stops[] = {0, 3}, out[] = {1, 1};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.stop_ids = stops;
    c.n_stop_ids = 2;
    c.min_tokens = 2;
    c.temperature = 0.0;
    gsamp_history h = samp_history(NULL, 0, out, 1);
    samp_result r = samp_run(&c, l, 4, &h);
    const int32_t a[] = {1, 2};
    samp_expect_ids(&r, a, 2);
    assert_int_equal(r.token, 1);
    h = samp_history(NULL, 0, out, 2);
    r = samp_run(&c, l, 4, &h);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.token, 0);
}

/* No EOS id by default (eos_id -1): min_tokens alone masks nothing, token 0 stays the greedy
 * choice among all four. */
static void test_min_tokens_without_eos_id(void **state)
{
    (void)state;
    const float l[] = {5, 1, 1, 4};
    gsamp_config c;
    gsamp_config_defaults(&c);
    assert_int_equal(c.eos_id, -1);
    c.min_tokens = 2;
    c.temperature = 0.0;
    samp_result r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.token, 0);
}

/* ignore_eos is not a mask: EOS stays the greedy choice. */
static void test_ignore_eos_not_masked(void **state)
{
    (void)state;
    const float l[] = {3, 1, 2};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.ignore_eos = 1;
    c.eos_id = 0;
    c.temperature = 0.0;
    assert_int_equal(samp_run(&c, l, 3, NULL).token, 0);
}

/* Bias is applied after the bans: +100 does not bring a banned token back. Everything
 * masked (allowed {1} and ban {1}) -> -1, prob 0, and the step still advances. */
static void test_all_masked_returns_minus_one(void **state)
{
    (void)state;
    const float l[] = {0, 0, 0};
    const int32_t allowed[] = {1}, ban[] = {1}, bid[] = {1};
    const float bval[] = {100.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.allowed = allowed;
    c.n_allowed = 1;
    c.custom_bans = ban;
    c.n_custom_bans = 1;
    c.bias_ids = bid;
    c.bias_values = bval;
    c.n_bias = 1;
    c.top_p = 0.5;
    c.min_p = 0.1;
    c.xtc_probability = 1.0;
    gsamp_workspace *ws = gsamp_workspace_new(3, NULL, NULL, NULL);
    gsamp_state st;
    gsamp_state_init(&st, &c, 3);
    float buf[3] = {0, 0, 0};
    double prob = 0.5;
    assert_int_equal(gsamp_sample(&c, &st, buf, 3, NULL, ws, &prob), -1);
    SAMP_CLOSE(prob, 0.0, 1e-12);
    assert_int_equal(st.step, 1);
    assert_int_equal(gsamp_workspace_candidates(ws, NULL, NULL), 0);
    /* mirostat too */
    c.mirostat_mode = 2;
    c.mirostat_tau = 3.0;
    memcpy(buf, l, sizeof buf);
    assert_int_equal(gsamp_sample(&c, &st, buf, 3, NULL, ws, &prob), -1);
    /* every logit -inf from the engine */
    gsamp_config d;
    gsamp_config_defaults(&d);
    for (size_t i = 0; i < 3; i++)
        buf[i] = -INFINITY;
    assert_int_equal(gsamp_sample(&d, &st, buf, 3, NULL, ws, &prob), -1);
    gsamp_workspace_free(ws);
}

/* ---------------------------------------------------------------- allocation hooks */

/* The workspace allocates only through the hooks, and gsamp_sample never allocates. */
static void test_allocation_hooks(void **state)
{
    (void)state;
    fa_counter cnt = {0};
    const size_t nv = 1000;
    gsamp_workspace *ws = gsamp_workspace_new(nv, fa_malloc, fa_free, &cnt);
    assert_non_null(ws);
    long after_new = cnt.blocks;
    assert_true(after_new > 0);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.top_k = 50;
    c.top_p = 0.9;
    c.min_p = 0.01;
    c.typical_p = 0.95;
    c.tfs = 0.95;
    c.repetition_penalty = 1.2;
    c.dry_multiplier = 0.8;
    c.xtc_probability = 0.5;
    gsamp_state st;
    gsamp_state_init(&st, &c, 1);
    float *buf = malloc(nv * sizeof *buf);
    int32_t out[32];
    for (size_t step = 0; step < 32; step++) {
        for (size_t i = 0; i < nv; i++)
            buf[i] = (float)((i * 7919 + step * 104729) % 1000) / 100.0f;
        gsamp_history h = samp_history(NULL, 0, out, step);
        int32_t t = gsamp_sample(&c, &st, buf, nv, &h, ws, NULL);
        assert_true(t >= 0 && (size_t)t < nv);
        out[step] = t;
    }
    assert_int_equal(cnt.blocks, after_new);
    /* a vocabulary larger than the workspace is refused */
    assert_int_equal(gsamp_sample(&c, &st, buf, nv + 1, NULL, ws, NULL), -1);
    gsamp_workspace_free(ws);
    assert_int_equal(cnt.live, 0); /* as many freed as allocated */
    free(buf);
}

/* Hooks come as a pair: with only one of them given, both defaults are used (the counter sees
 * nothing), and sampling and freeing work. */
static void test_allocation_hooks_half_given(void **state)
{
    (void)state;
    fa_counter cnt = {0};
    gsamp_workspace *ws = gsamp_workspace_new(8, fa_malloc, NULL, &cnt);
    assert_non_null(ws);
    gsamp_workspace *ws2 = gsamp_workspace_new(8, NULL, fa_free, &cnt);
    assert_non_null(ws2);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.temperature = 0.0;
    gsamp_state st;
    gsamp_state_init(&st, &c, 1);
    float buf[8] = {0, 1, 2, 7, 3, 4, 5, 6};
    assert_int_equal(gsamp_sample(&c, &st, buf, 8, NULL, ws, NULL), 3);
    gsamp_workspace_free(ws);
    gsamp_workspace_free(ws2);
    assert_int_equal(cnt.blocks, 0);
    assert_int_equal(cnt.live, 0); /* nothing freed through the hook */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allowed_ids),
        cmocka_unit_test(test_logit_bias),
        cmocka_unit_test(test_banned_sequences),
        cmocka_unit_test(test_custom_bans_and_ranges),
        cmocka_unit_test(test_min_tokens),
        cmocka_unit_test(test_min_tokens_without_eos_id),
        cmocka_unit_test(test_ignore_eos_not_masked),
        cmocka_unit_test(test_all_masked_returns_minus_one),
        cmocka_unit_test(test_allocation_hooks),
        cmocka_unit_test(test_allocation_hooks_half_given),
    };
    return cmocka_run_group_tests_name("samplers_processors", tests, NULL, NULL);
}
