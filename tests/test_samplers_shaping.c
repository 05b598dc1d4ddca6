/*
 * Distribution-shaping samplers: temperature, dynamic temperature, quadratic/cubic
 * smoothing, skew and XTC. Expected values are worked out by hand in the comments.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sampler_testing.h"

/* ---------------------------------------------------------------- temperature */

/* logits [2, 1, 0, -1]: T = 0.5 -> [4, 2, 0, -2]; T = 2 -> [1, .5, 0, -.5] (exact in float) */
static void test_temperature_divides(void **state)
{
    (void)state;
    const float l[] = {2.0f, 1.0f, 0.0f, -1.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.temperature = 0.5;
    samp_result r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.n, 4);
    const float a[] = {4.0f, 2.0f, 0.0f, -2.0f};
    for (size_t i = 0; i < 4; i++)
        SAMP_CLOSE(r.lg[i], a[i], 1e-6);
    c.temperature = 2.0;
    r = samp_run(&c, l, 4, NULL);
    const float b[] = {1.0f, 0.5f, 0.0f, -0.5f};
    for (size_t i = 0; i < 4; i++)
        SAMP_CLOSE(r.lg[i], b[i], 1e-6);
    /* final probability of the drawn token: softmax of [1,.5,0,-.5] */
    double z = exp(1.0) + exp(0.5) + 1.0 + exp(-0.5);
    SAMP_CLOSE(r.prob, exp((double)b[r.token]) / z, 1e-6);
}

/* p = [0.5, 0.3, 0.1, 0.1]: H = 1.168282, ln 4 = 1.386294, H/ln N = 0.842738.
 * min .5, max 2, exponent 1: T = .5 + 1.5 * .842738 = 1.764106
 * exponent 2:                T = .5 + 1.5 * .842738^2 = 1.565310
 * The final logits are ln p / T; the configured temperature (here 0.3) is replaced. */
static void test_dynatemp(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.3, 0.1, 0.1};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.temperature = 0.3;
    c.dynatemp_min = 0.5;
    c.dynatemp_max = 2.0;
    c.dynatemp_exponent = 1.0;
    samp_result r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.n, 4);
    for (size_t i = 0; i < 4; i++)
        SAMP_CLOSE(r.lg[i], log(p[i]) / 1.764106, 1e-5);
    c.dynatemp_exponent = 2.0;
    r = samp_run(&c, l, 4, NULL);
    for (size_t i = 0; i < 4; i++)
        SAMP_CLOSE(r.lg[i], log(p[i]) / 1.565310, 1e-5);
}

/* temperature 0 is greedy even with dynatemp on, as the servers type the request: every seed
 * draws token 0 (the most probable). The same logits at temperature 1e-3 with the same dynatemp
 * are sampled at T in [0.8, 1.2], where p(token 0) is about 0.3: over 50 seeds some draw differs. */
static void test_dynatemp_at_temperature_zero_is_greedy(void **state)
{
    (void)state;
    const float l[] = {0.2f, 0.0f, 0.0f, 0.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.temperature = 0.0;
    c.dynatemp_min = 0.8;
    c.dynatemp_max = 1.2;
    for (uint64_t s = 0; s < 50; s++)
        assert_int_equal(samp_run_seed(&c, l, 4, NULL, s).token, 0);
    c.temperature = 1e-3;
    int other = 0;
    for (uint64_t s = 0; s < 50; s++)
        other += samp_run_seed(&c, l, 4, NULL, s).token != 0;
    assert_true(other > 10);
}

/* ---------------------------------------------------------------- smoothing */

/* logits [0, -1, -2, 1], max 1, d = l - max = [-1, -2, -3, 0].
 * quadratic f=.5, c=1: l' = 1 - .5 d^2 = [.5, -1, -3.5, 1]
 * cubic f=.5, c=2: k = .5(3-2)/2 = .25, s = .5(2-1)/2 = .25, l' = 1 - .25 d^2 + .25 d^3
 *   d=-1: 1 - .25 - .25 = .5; d=-2: 1 - 1 - 2 = -2; d=-3: 1 - 2.25 - 6.75 = -8; d=0: 1 */
static void test_quadratic_and_cubic(void **state)
{
    (void)state;
    const float l[] = {0.0f, -1.0f, -2.0f, 1.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.smoothing_factor = 0.5;
    c.smoothing_curve = 1.0;
    samp_result r = samp_run(&c, l, 4, NULL);
    const double q[] = {0.5, -1.0, -3.5, 1.0};
    assert_int_equal(r.n, 4);
    for (size_t i = 0; i < 4; i++)
        SAMP_CLOSE(r.lg[i], q[i], 1e-6);
    c.smoothing_curve = 2.0;
    r = samp_run(&c, l, 4, NULL);
    const double cu[] = {0.5, -2.0, -8.0, 1.0};
    for (size_t i = 0; i < 4; i++)
        SAMP_CLOSE(r.lg[i], cu[i], 1e-6);
}

/* ---------------------------------------------------------------- skew */

/* Four equal logits, skew = ln 2 (exponent e^skew = 2). Cumulative in token-id order
 * C = [.25, .5, .75, 1] -> C^2 = [.0625, .25, .5625, 1] -> p' = [.0625, .1875, .3125, .4375].
 * Greedy picks the argmax of p' (token 3, p .4375) instead of token 0; random draws follow p'. */
static void test_skew_before_draw(void **state)
{
    (void)state;
    const float l[] = {0.0f, 0.0f, 0.0f, 0.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.temperature = 0.0;
    samp_result r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.token, 0);
    c.skew = log(2.0);
    r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.token, 3);
    SAMP_CLOSE(r.prob, 0.4375, 1e-6);
    c.temperature = 1.0;
    const double expect[] = {0.0625, 0.1875, 0.3125, 0.4375};
    samp_expect_draws(&c, l, 4, 5, 20000, expect, 0.015);
}

/* ---------------------------------------------------------------- XTC */

/* p = [0.1, 0.4, 0.2, 0.3], threshold .15: tokens with p >= .15 are 1 (.4), 3 (.3), 2 (.2);
 * all but the least probable (2) are removed -> {0, 2}, renormalised .1/.3 and .2/.3. */
static void test_xtc_probability_one_removes(void **state)
{
    (void)state;
    const double p[] = {0.1, 0.4, 0.2, 0.3};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.xtc_threshold = 0.15;
    c.xtc_probability = 1.0;
    samp_result r = samp_run(&c, l, 4, NULL);
    const int32_t a[] = {0, 2};
    samp_expect_ids(&r, a, 2);
    SAMP_CLOSE(r.prob, r.token == 0 ? 1.0 / 3.0 : 2.0 / 3.0, 1e-6);
    /* threshold .35: only one token at or above it -> no-op */
    c.xtc_threshold = 0.35;
    r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.n, 4);
    /* Two candidates, both above .15 (p = [.6, .4]): the more probable goes -> {1}. */
    const double p2[] = {0.6, 0.4};
    float l2[2];
    samp_from_probs(l2, p2, 2);
    c.xtc_threshold = 0.15;
    r = samp_run(&c, l2, 2, NULL);
    const int32_t b[] = {1};
    samp_expect_ids(&r, b, 1);
}

/* probability 0: never removes */
static void test_xtc_probability_zero_noop(void **state)
{
    (void)state;
    const double p[] = {0.1, 0.4, 0.2, 0.3};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.xtc_threshold = 0.15;
    c.xtc_probability = 0.0;
    for (uint64_t s = 0; s < 20; s++)
        assert_int_equal(samp_run_seed(&c, l, 4, NULL, s).n, 4);
}

/* p = [.3, .3, .3, .1], threshold .2: three tied tokens above it; the canonical order puts
 * equal logits by ascending id, so the last of them (id 2) is the one kept -> {2, 3}. */
static void test_xtc_ties(void **state)
{
    (void)state;
    const double p[] = {0.3, 0.3, 0.3, 0.1};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.xtc_threshold = 0.2;
    c.xtc_probability = 1.0;
    samp_result r = samp_run(&c, l, 4, NULL);
    const int32_t a[] = {2, 3};
    samp_expect_ids(&r, a, 2);
}

/* probability .5: the coin of step s is gsamp_uniform(seed, s, GSAMP_STREAM_XTC) < .5,
 * a stream separate from the token draw. */
static void test_xtc_coin_stream(void **state)
{
    (void)state;
    const double p[] = {0.1, 0.4, 0.2, 0.3};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.xtc_threshold = 0.15;
    c.xtc_probability = 0.5;
    gsamp_workspace *ws = gsamp_workspace_new(4, NULL, NULL, NULL);
    gsamp_state st;
    gsamp_state_init(&st, &c, 77);
    size_t removed = 0, same_as_draw_stream = 0;
    for (uint64_t s = 0; s < 400; s++) {
        float buf[4];
        memcpy(buf, l, sizeof buf);
        int coin = gsamp_uniform(77, s, GSAMP_STREAM_XTC) < 0.5;
        same_as_draw_stream += coin == (gsamp_uniform(77, s, GSAMP_STREAM_DRAW) < 0.5) ? 1u : 0u;
        assert_true(gsamp_sample(&c, &st, buf, 4, NULL, ws, NULL) >= 0);
        const int32_t *ids;
        size_t n = gsamp_workspace_candidates(ws, &ids, NULL);
        assert_int_equal(n, coin ? 2 : 4);
        removed += coin ? 1u : 0u;
    }
    assert_true(removed > 150 && removed < 250);
    assert_true(same_as_draw_stream < 250);
    gsamp_workspace_free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_temperature_divides),
        cmocka_unit_test(test_dynatemp),
        cmocka_unit_test(test_dynatemp_at_temperature_zero_is_greedy),
        cmocka_unit_test(test_quadratic_and_cubic),
        cmocka_unit_test(test_skew_before_draw),
        cmocka_unit_test(test_xtc_probability_one_removes),
        cmocka_unit_test(test_xtc_probability_zero_noop),
        cmocka_unit_test(test_xtc_ties),
        cmocka_unit_test(test_xtc_coin_stream),
    };
    return cmocka_run_group_tests_name("samplers_shaping", tests, NULL, NULL);
}
