/*
 * Pipeline-level behaviour: sampler order (default, temperature_last, custom), mirostat v2,
 * greedy tie-breaking, the draw, determinism of the counter-based generator, and agreement
 * of the dense and compact code paths on a large vocabulary.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sampler_testing.h"

static const int32_t DEFAULT_ORDER[14] = {7, 6, 8, 5, 9, 0, 1, 2, 3, 10, 11, 4, 12, 13};

static void test_effective_order(void **state)
{
    (void)state;
    gsamp_config c;
    gsamp_config_defaults(&c);
    int32_t o[20];
    assert_int_equal(gsamp_effective_order(&c, o, 20), 14);
    for (size_t i = 0; i < 14; i++)
        assert_int_equal(o[i], DEFAULT_ORDER[i]);
    c.temperature_last = 1;
    assert_int_equal(gsamp_effective_order(&c, o, 20), 14);
    const int32_t last[14] = {7, 6, 8, 9, 0, 1, 2, 3, 10, 11, 4, 12, 13, 5};
    for (size_t i = 0; i < 14; i++)
        assert_int_equal(o[i], last[i]);
    /* custom order (with a duplicate) runs as given; temperature_last ignored */
    const int32_t custom[15] = {5, 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 2};
    c.order = custom;
    c.n_order = 15;
    assert_int_equal(gsamp_effective_order(&c, o, 20), 15);
    for (size_t i = 0; i < 15; i++)
        assert_int_equal(o[i], custom[i]);
}

/* logits [0, -1.5, -3], min_p .2 (ln .2 = -1.609), quadratic f = 1 (l' = max - (l-max)^2).
 * Default order (MIN_P before QUADRATIC): min_p keeps {0 (0), 1 (-1.5)}; quadratic -> [0, -2.25].
 * Custom order with QUADRATIC first: [0, -2.25, -9]; min_p keeps only l >= -1.609 -> {0}. */
static void test_order_min_p_vs_quadratic(void **state)
{
    (void)state;
    const float l[] = {0.0f, -1.5f, -3.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.min_p = 0.2;
    c.smoothing_factor = 1.0;
    samp_result r = samp_run(&c, l, 3, NULL);
    const int32_t a[] = {0, 1};
    samp_expect_ids(&r, a, 2);
    SAMP_CLOSE(r.lg[1], -2.25, 1e-6);
    const int32_t order[14] = {7, 6, 8, 5, 9, 0, 1, 12, 2, 3, 10, 11, 4, 13};
    c.order = order;
    c.n_order = 14;
    r = samp_run(&c, l, 3, NULL);
    const int32_t b[] = {0};
    samp_expect_ids(&r, b, 1);
}

/* logits [0, -2, -4], temperature 2, min_p .2 (ln .2 = -1.609).
 * Default: temperature first -> [0, -1, -2] -> min_p keeps {0, 1} with logits [0, -1].
 * temperature_last: min_p on [0, -2, -4] keeps {0}; then /2 -> [0]. */
static void test_temperature_last(void **state)
{
    (void)state;
    const float l[] = {0.0f, -2.0f, -4.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.temperature = 2.0;
    c.min_p = 0.2;
    samp_result r = samp_run(&c, l, 3, NULL);
    const int32_t a[] = {0, 1};
    samp_expect_ids(&r, a, 2);
    SAMP_CLOSE(r.lg[1], -1.0, 1e-6);
    c.temperature_last = 1;
    r = samp_run(&c, l, 3, NULL);
    const int32_t b[] = {0};
    samp_expect_ids(&r, b, 1);
}

/* logits [3, 1, 2, 0], top_k 2, temperature .5: temperature then top-k gives {0, 2} with
 * [6, 4]; top-k then temperature gives the same (top-k is temperature-invariant). */
static void test_top_k_temperature_commute(void **state)
{
    (void)state;
    const float l[] = {3.0f, 1.0f, 2.0f, 0.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.top_k = 2;
    c.temperature = 0.5;
    samp_result r1 = samp_run(&c, l, 4, NULL);
    const int32_t order[14] = {0, 7, 6, 8, 5, 9, 1, 2, 3, 10, 11, 4, 12, 13};
    c.order = order;
    c.n_order = 14;
    samp_result r2 = samp_run(&c, l, 4, NULL);
    const int32_t a[] = {0, 2};
    samp_expect_ids(&r1, a, 2);
    samp_expect_ids(&r2, a, 2);
    SAMP_CLOSE(r1.lg[0], 6.0, 1e-6);
    SAMP_CLOSE(r1.lg[1], 4.0, 1e-6);
    SAMP_CLOSE(r2.lg[0], 6.0, 1e-6);
    SAMP_CLOSE(r2.lg[1], 4.0, 1e-6);
    assert_int_equal(r1.token, r2.token);
}

/* ---------------------------------------------------------------- mirostat */

/* p = [.5, .25, .125, .125] -> surprise [1, 2, 3, 3] bits. tau 1.1, eta .5 -> mu0 = 2.2.
 * Step 0 keeps s <= 2.2: {0, 1}, renormalised [2/3, 1/3].
 *   drew 0: mu = 2.2 - .5 (1 - 1.1) = 2.25;   drew 1: mu = 2.2 - .5 (2 - 1.1) = 1.75
 * From mu = 1.75 only token 0 survives (s = 1): p = 1, mu = 1.75 - .5 (1 - 1.1) = 1.8.
 * The ordered samplers are bypassed: temperature .01 and top_k 1 must not matter. */
static void test_mirostat_mu_update(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.25, 0.125, 0.125};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.mirostat_mode = 2;
    c.mirostat_tau = 1.1;
    c.mirostat_eta = 0.5;
    c.temperature = 0.01;
    c.top_k = 1;
    gsamp_workspace *ws = gsamp_workspace_new(4, NULL, NULL, NULL);
    int seen[2] = {0, 0};
    for (uint64_t seed = 0; seed < 40; seed++) {
        gsamp_state st;
        gsamp_state_init(&st, &c, seed);
        SAMP_CLOSE(st.mirostat_mu, 2.2, 1e-12);
        float buf[4];
        memcpy(buf, l, sizeof buf);
        double prob;
        int32_t t = gsamp_sample(&c, &st, buf, 4, NULL, ws, &prob);
        assert_int_equal(gsamp_workspace_candidates(ws, NULL, NULL), 2);
        assert_true(t == 0 || t == 1);
        seen[t]++;
        if (t == 0) {
            SAMP_CLOSE(prob, 2.0 / 3.0, 1e-6);
            SAMP_CLOSE(st.mirostat_mu, 2.25, 1e-6);
        } else {
            SAMP_CLOSE(prob, 1.0 / 3.0, 1e-6);
            SAMP_CLOSE(st.mirostat_mu, 1.75, 1e-6);
            memcpy(buf, l, sizeof buf);
            t = gsamp_sample(&c, &st, buf, 4, NULL, ws, &prob);
            assert_int_equal(t, 0);
            SAMP_CLOSE(prob, 1.0, 1e-9);
            assert_int_equal(gsamp_workspace_candidates(ws, NULL, NULL), 1);
            SAMP_CLOSE(st.mirostat_mu, 1.8, 1e-6);
        }
    }
    assert_true(seen[0] > 0 && seen[1] > 0);
    gsamp_workspace_free(ws);
}

/* tau 0 -> mu 0: the threshold m + ln S - 0 is above the top logit m whenever S > 1 (here
 * S = 1/.5 = 2), so only the most probable token stays: token 0, probability 1, one candidate. */
static void test_mirostat_zero_target_keeps_the_top(void **state)
{
    (void)state;
    const double p[] = {0.125, 0.5, 0.25, 0.125};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.mirostat_mode = 2;
    c.mirostat_tau = 0.0;
    c.mirostat_eta = 0.1;
    gsamp_workspace *ws = gsamp_workspace_new(4, NULL, NULL, NULL);
    for (uint64_t seed = 0; seed < 8; seed++) {
        gsamp_state st;
        gsamp_state_init(&st, &c, seed);
        float buf[4];
        memcpy(buf, l, sizeof buf);
        double prob = 0;
        assert_int_equal(gsamp_sample(&c, &st, buf, 4, NULL, ws, &prob), 1);
        SAMP_CLOSE(prob, 1.0, 1e-9);
        assert_int_equal(gsamp_workspace_candidates(ws, NULL, NULL), 1);
    }
    gsamp_workspace_free(ws);
}

/* tau 3, eta .1 -> mu0 = 6: all four kept; mu1 = 6 - .1 (s_y - 3), s_y = 1, 2 or 3 bits. */
static void test_mirostat_surprise_of_drawn_token(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.25, 0.125, 0.125};
    const double s[] = {1, 2, 3, 3};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.mirostat_mode = 2;
    c.mirostat_tau = 3.0;
    c.mirostat_eta = 0.1;
    gsamp_workspace *ws = gsamp_workspace_new(4, NULL, NULL, NULL);
    for (uint64_t seed = 0; seed < 20; seed++) {
        gsamp_state st;
        gsamp_state_init(&st, &c, seed);
        float buf[4];
        memcpy(buf, l, sizeof buf);
        double prob;
        int32_t t = gsamp_sample(&c, &st, buf, 4, NULL, ws, &prob);
        assert_true(t >= 0 && t < 4);
        SAMP_CLOSE(prob, p[t], 1e-6);
        SAMP_CLOSE(st.mirostat_mu, 6.0 - 0.1 * (s[t] - 3.0), 1e-6);
    }
    gsamp_workspace_free(ws);
}

/* The repetition penalties still act before mirostat (as on the server), nothing else does.
 * p = [.5, .25, .125, .125], output [0], repetition 2: l0 = 2 ln .5 = ln .25, so
 * p' = [1/3, 1/3, 1/6, 1/6], surprise [log2 3 = 1.585, 1.585, 2.585, 2.585].
 * tau 1, eta .5, mu0 = 2: keeps {0, 1}, each .5; mu1 = 2 - .5 (1.584963 - 1) = 1.707519. */
static void test_mirostat_after_penalties(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.25, 0.125, 0.125};
    float l[4];
    samp_from_probs(l, p, 4);
    const int32_t out[] = {0};
    gsamp_history h = {NULL, 0, out, 1};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.mirostat_mode = 2;
    c.mirostat_tau = 1.0;
    c.mirostat_eta = 0.5;
    c.repetition_penalty = 2.0;
    c.dry_multiplier = 5.0; /* DRY is an ordered sampler: bypassed */
    gsamp_workspace *ws = gsamp_workspace_new(4, NULL, NULL, NULL);
    gsamp_state st;
    gsamp_state_init(&st, &c, 3);
    double prob;
    int32_t t = gsamp_sample(&c, &st, l, 4, &h, ws, &prob);
    assert_true(t == 0 || t == 1);
    const int32_t *ids;
    const float *lg;
    assert_int_equal(gsamp_workspace_candidates(ws, &ids, &lg), 2);
    assert_int_equal(ids[0], 0);
    assert_int_equal(ids[1], 1);
    SAMP_CLOSE(lg[0], log(0.25), 1e-6);
    SAMP_CLOSE(prob, 0.5, 1e-6);
    SAMP_CLOSE(st.mirostat_mu, 2.0 - 0.5 * (log2(3.0) - 1.0), 1e-6);
    gsamp_workspace_free(ws);
}

/* ---------------------------------------------------------------- greedy and draw */

/* logits [1, 3, 3, 2], temperature 0: ties at 3 -> lowest id 1;
 * p(1) = e^3 / (e + 2e^3 + e^2) = 0.399486. */
static void test_greedy_tie_lowest_id(void **state)
{
    (void)state;
    const float l[] = {1.0f, 3.0f, 3.0f, 2.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.temperature = 0.0;
    for (uint64_t s = 0; s < 10; s++) {
        samp_result r = samp_run_seed(&c, l, 4, NULL, s);
        assert_int_equal(r.token, 1);
        SAMP_CLOSE(r.prob, 0.39948630465030277, 1e-6);
    }
    c.temperature = 0.5e-5;
    assert_int_equal(samp_run(&c, l, 4, NULL).token, 1);
}

/* p = [.5, .3, .2]: 20000 draws follow it within 1.5 points, and prob_out is p[token]. */
static void test_draw_frequencies(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.3, 0.2};
    float l[3];
    samp_from_probs(l, p, 3);
    gsamp_config c;
    gsamp_config_defaults(&c);
    samp_expect_draws(&c, l, 3, 2024, 20000, p, 0.015);
}

/* The draw scans surviving tokens in ascending id order: with p = [.5, .3, .2] and uniform
 * u, token 0 iff u < .5, token 1 iff .5 <= u < .8, else 2. */
static void test_draw_is_cumulative_scan(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.3, 0.2};
    float l[3];
    samp_from_probs(l, p, 3);
    gsamp_config c;
    gsamp_config_defaults(&c);
    gsamp_workspace *ws = gsamp_workspace_new(3, NULL, NULL, NULL);
    gsamp_state st;
    gsamp_state_init(&st, &c, 99);
    for (uint64_t step = 0; step < 300; step++) {
        double u = gsamp_uniform(99, step, GSAMP_STREAM_DRAW);
        if (fabs(u - 0.5) < 1e-6 || fabs(u - 0.8) < 1e-6)
            continue;
        int32_t want = u < 0.5 ? 0 : (u < 0.8 ? 1 : 2);
        float buf[3];
        memcpy(buf, l, sizeof buf);
        st.step = step;
        assert_int_equal(gsamp_sample(&c, &st, buf, 3, NULL, ws, NULL), want);
    }
    gsamp_workspace_free(ws);
}

/* ---------------------------------------------------------------- determinism */

static void sequence(uint64_t seed, int32_t *out, size_t n)
{
    enum { NV = 50 };
    float l[NV];
    for (size_t i = 0; i < NV; i++)
        l[i] = (float)((i * 37) % 11) * 0.1f;
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.top_p = 0.95;
    c.repetition_penalty = 1.1;
    c.xtc_probability = 0.3;
    c.xtc_threshold = 0.02;
    gsamp_workspace *ws = gsamp_workspace_new(NV, NULL, NULL, NULL);
    gsamp_state st;
    gsamp_state_init(&st, &c, seed);
    for (size_t i = 0; i < n; i++) {
        float buf[NV];
        memcpy(buf, l, sizeof buf);
        gsamp_history h = {NULL, 0, out, i};
        out[i] = gsamp_sample(&c, &st, buf, NV, &h, ws, NULL);
        assert_true(out[i] >= 0);
    }
    gsamp_workspace_free(ws);
}

/* Same seed -> identical sequence; different seeds -> different sequences. */
static void test_determinism(void **state)
{
    (void)state;
    int32_t a[200], b[200], d[200];
    sequence(42, a, 200);
    sequence(42, b, 200);
    assert_memory_equal(a, b, sizeof a);
    sequence(43, d, 200);
    size_t diff = 0;
    for (size_t i = 0; i < 200; i++)
        diff += a[i] != d[i] ? 1u : 0u;
    assert_true(diff > 100);
}

/* Values computed independently (Python, same mixing definition); they pin the generator
 * so that every platform reproduces the same draws. */
static void test_uniform_golden_values(void **state)
{
    (void)state;
    assert_true(gsamp_uniform(0, 0, 0) == 0.759943121498914);
    assert_true(gsamp_uniform(42, 7, 0) == 0.023133840742806555);
    assert_true(gsamp_uniform(42, 7, 1) == 0.07064404877025399);
    assert_true(gsamp_uniform(UINT64_MAX, UINT64_C(1) << 63, 1) == 0.7566537161810527);
    double mean = 0;
    for (uint64_t i = 0; i < 10000; i++) {
        double u = gsamp_uniform(5, i, 0);
        assert_true(u >= 0.0 && u < 1.0);
        mean += u;
    }
    SAMP_CLOSE(mean / 10000.0, 0.5, 0.01);
}

/* ---------------------------------------------------------------- dense vs compact paths */

/* A 32k vocabulary through a long chain: once with a dense start, once with allowed_ids
 * listing every token (compact from the start). Both paths must agree exactly. */
static void test_dense_and_compact_paths_agree(void **state)
{
    (void)state;
    const size_t nv = 32000;
    float *l = malloc(nv * sizeof *l), *buf = malloc(nv * sizeof *buf);
    int32_t *all = malloc(nv * sizeof *all);
    uint64_t s = 88172645463325252ULL;
    for (size_t i = 0; i < nv; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        l[i] = (float)((double)(s >> 40) / (double)(1u << 24) * 12.0 - 6.0);
        all[i] = (int32_t)(nv - 1 - i);
    }
    const int32_t out[] = {5, 17, 5, 900, 31000, 17};
    gsamp_history h = {NULL, 0, out, 6};
    const int32_t order[14] = {6, 9, 0, 2, 4, 13, 5, 7, 8, 1, 3, 10, 11, 12};
    gsamp_workspace *ws1 = gsamp_workspace_new(nv, NULL, NULL, NULL);
    gsamp_workspace *ws2 = gsamp_workspace_new(nv, NULL, NULL, NULL);
    for (int variant = 0; variant < 3; variant++) {
        gsamp_config c;
        gsamp_config_defaults(&c);
        c.repetition_penalty = 1.1;
        c.frequency_penalty = 0.1;
        c.presence_penalty = 0.1;
        if (variant == 0) {
            c.nsigma = 1.5;
            c.top_p = 0.95;
            c.min_p = 0.05;
            c.typical_p = 0.95;
            c.xtc_probability = 0.5;
            c.dynatemp_min = 0.5;
            c.dynatemp_max = 1.1;
            c.order = order;
            c.n_order = 14;
        } else if (variant == 1) {
            c.top_k = 40;
            c.min_p = 0.05;
            c.temperature = 0.8;
        } else {
            c.min_p = 0.2;
            c.temperature = 0.7;
            c.temperature_last = 1;
        }
        for (uint64_t step = 0; step < 5; step++) {
            gsamp_state st1, st2;
            gsamp_state_init(&st1, &c, 7);
            gsamp_state_init(&st2, &c, 7);
            st1.step = st2.step = step;
            memcpy(buf, l, nv * sizeof *buf);
            double p1, p2;
            int32_t t1 = gsamp_sample(&c, &st1, buf, nv, &h, ws1, &p1);
            gsamp_config c2 = c;
            c2.allowed = all;
            c2.n_allowed = nv;
            memcpy(buf, l, nv * sizeof *buf);
            int32_t t2 = gsamp_sample(&c2, &st2, buf, nv, &h, ws2, &p2);
            assert_true(t1 >= 0);
            assert_int_equal(t1, t2);
            assert_true(p1 == p2);
            const int32_t *i1, *i2;
            const float *l1, *l2;
            size_t n1 = gsamp_workspace_candidates(ws1, &i1, &l1);
            size_t n2 = gsamp_workspace_candidates(ws2, &i2, &l2);
            assert_int_equal(n1, n2);
            assert_true(n1 > 1);
            assert_memory_equal(i1, i2, n1 * sizeof *i1);
            assert_memory_equal(l1, l2, n1 * sizeof *l1);
        }
    }
    gsamp_workspace_free(ws1);
    gsamp_workspace_free(ws2);
    free(l);
    free(buf);
    free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_effective_order),
        cmocka_unit_test(test_order_min_p_vs_quadratic),
        cmocka_unit_test(test_temperature_last),
        cmocka_unit_test(test_top_k_temperature_commute),
        cmocka_unit_test(test_mirostat_mu_update),
        cmocka_unit_test(test_mirostat_zero_target_keeps_the_top),
        cmocka_unit_test(test_mirostat_surprise_of_drawn_token),
        cmocka_unit_test(test_mirostat_after_penalties),
        cmocka_unit_test(test_greedy_tie_lowest_id),
        cmocka_unit_test(test_draw_frequencies),
        cmocka_unit_test(test_draw_is_cumulative_scan),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_uniform_golden_values),
        cmocka_unit_test(test_dense_and_compact_paths_agree),
    };
    return cmocka_run_group_tests_name("samplers_pipeline", tests, NULL, NULL);
}
