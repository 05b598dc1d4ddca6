/*
 * Truncation samplers: top-k, top-p, top-a, min-p, TFS, eta, epsilon, typical-p, top-n-sigma.
 * Expected survivors are worked out by hand in the comments; the large-vocabulary test
 * compares the block-index fast paths against plain sort-based references.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sampler_testing.h"

/* ---------------------------------------------------------------- top-k */

/* logits [1, 3, 2, 3, 2, 0.5]. Sorted: 3,3,2,2,1,0.5.
 * k=2: 2nd largest = 3 -> keep l >= 3 -> {1,3}.
 * k=3: 3rd largest = 2 -> keep l >= 2 (ties kept) -> {1,2,3,4}. */
static void test_top_k_keeps_ties(void **state)
{
    (void)state;
    const float l[] = {1.0f, 3.0f, 2.0f, 3.0f, 2.0f, 0.5f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.top_k = 2;
    samp_result r = samp_run(&c, l, SAMP_NELEM(l), NULL);
    const int32_t e2[] = {1, 3};
    samp_expect_ids(&r, e2, 2);
    SAMP_CLOSE(r.lg[0], 3.0, 1e-9);
    c.top_k = 3;
    r = samp_run(&c, l, SAMP_NELEM(l), NULL);
    const int32_t e3[] = {1, 2, 3, 4};
    samp_expect_ids(&r, e3, 4);
    /* k >= vocabulary size: off */
    c.top_k = 6;
    r = samp_run(&c, l, SAMP_NELEM(l), NULL);
    assert_int_equal(r.n, 6);
}

/* ---------------------------------------------------------------- top-p */

/* p = [0.1, 0.4, 0.2, 0.25, 0.05]; descending: id1 .4, id3 .25, id2 .2, id0 .1, id4 .05.
 * cumulative: .4, .65, .85, .95, 1.
 * top_p .6 -> first cumulative >= .6 is .65 -> keep {1,3}
 * top_p .7 -> .85 -> keep {1,2,3}
 * top_p .3 -> .4 already -> keep {1} */
static void test_top_p_smallest_head(void **state)
{
    (void)state;
    const double p[] = {0.1, 0.4, 0.2, 0.25, 0.05};
    float l[5];
    samp_from_probs(l, p, 5);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.top_p = 0.6;
    samp_result r = samp_run(&c, l, 5, NULL);
    const int32_t a[] = {1, 3};
    samp_expect_ids(&r, a, 2);
    c.top_p = 0.7;
    r = samp_run(&c, l, 5, NULL);
    const int32_t b[] = {1, 2, 3};
    samp_expect_ids(&r, b, 3);
    c.top_p = 0.3;
    r = samp_run(&c, l, 5, NULL);
    const int32_t d[] = {1};
    samp_expect_ids(&r, d, 1);
    assert_int_equal(r.token, 1);
    SAMP_CLOSE(r.prob, 1.0, 1e-9);
}

/* ---------------------------------------------------------------- top-a */

/* p = [0.5, 0.3, 0.1, 0.1], p_max^2 = 0.25.
 * top_a 0.5 -> threshold 0.125 -> {0,1}; top_a 0.3 -> 0.075 -> all;
 * top_a 5 -> 1.25 > every p -> only the most probable token is kept. */
static void test_top_a(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.3, 0.1, 0.1};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.top_a = 0.5;
    samp_result r = samp_run(&c, l, 4, NULL);
    const int32_t a[] = {0, 1};
    samp_expect_ids(&r, a, 2);
    c.top_a = 0.3;
    r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.n, 4);
    c.top_a = 5.0;
    r = samp_run(&c, l, 4, NULL);
    const int32_t b[] = {0};
    samp_expect_ids(&r, b, 1);
}

/* ---------------------------------------------------------------- min-p */

/* p = [0.5, 0.3, 0.1, 0.1]: min_p .25 -> p >= .125 -> {0,1}; min_p .19 -> .095 -> all;
 * min_p .7 -> .35 -> {0}. Surviving logits are unchanged. */
static void test_min_p(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.3, 0.1, 0.1};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.min_p = 0.25;
    samp_result r = samp_run(&c, l, 4, NULL);
    const int32_t a[] = {0, 1};
    samp_expect_ids(&r, a, 2);
    SAMP_CLOSE(r.lg[1], log(0.3), 1e-6);
    c.min_p = 0.19;
    r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.n, 4);
    c.min_p = 0.7;
    r = samp_run(&c, l, 4, NULL);
    const int32_t b[] = {0};
    samp_expect_ids(&r, b, 1);
}

/* ---------------------------------------------------------------- TFS */

/* p at ids [0..4] = [0.1, 0.4, 0.05, 0.3, 0.15]; sorted q = .4 .3 .15 .1 .05 (ids 1,3,4,0,2),
 * then zeros. d2_j = |q_j - 2q_{j+1} + q_{j+2}|:
 *   d2_0 = |.4 - .6 + .15| = .05, d2_1 = |.3 - .3 + .1| = .1, d2_2 = |.15 - .2 + .05| = 0,
 *   d2_3 = |.1 - .1 + 0| = 0, d2_4 = |.05| = .05; sum .2 -> cdf = .25 .75 .75 .75 1.
 * Position j >= 1 removed iff cdf_{j-1} > z.
 *   z = .5: j=1 (.25) kept, j=2 (.75) removed -> {1,3}
 *   z = .8: nothing before the last cdf exceeds .8 -> all 5 kept
 *   z = .2: j=1 (.25 > .2) removed -> {1} */
static void test_tfs(void **state)
{
    (void)state;
    const double p[] = {0.1, 0.4, 0.05, 0.3, 0.15};
    float l[5];
    samp_from_probs(l, p, 5);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.tfs = 0.5;
    samp_result r = samp_run(&c, l, 5, NULL);
    const int32_t a[] = {1, 3};
    samp_expect_ids(&r, a, 2);
    c.tfs = 0.8;
    r = samp_run(&c, l, 5, NULL);
    assert_int_equal(r.n, 5);
    c.tfs = 0.2;
    r = samp_run(&c, l, 5, NULL);
    const int32_t b[] = {1};
    samp_expect_ids(&r, b, 1);
}

/* ---------------------------------------------------------------- eta / epsilon */

/* p = [0.5, 0.3, 0.1, 0.1]:
 * H = -(.5 ln .5 + .3 ln .3 + 2 * .1 ln .1) = 0.346574 + 0.361192 + 0.460517 = 1.168282 nats,
 * e^-H = 0.310900.
 * eta .2:  min(.2, sqrt(.2) * .3109 = .139039) = .139 -> keep p >= .139 -> {0,1}
 * eta .05: min(.05, .0695) = .05 -> keep all
 * eta 3 (raw probability, no 1e-4 scaling): min(3, 1.732 * .3109 = .5385) -> only {0} */
static void test_eta_cutoff_raw_units(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.3, 0.1, 0.1};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.eta_cutoff = 0.2;
    samp_result r = samp_run(&c, l, 4, NULL);
    const int32_t a[] = {0, 1};
    samp_expect_ids(&r, a, 2);
    c.eta_cutoff = 0.05;
    r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.n, 4);
    c.eta_cutoff = 3.0;
    r = samp_run(&c, l, 4, NULL);
    const int32_t b[] = {0};
    samp_expect_ids(&r, b, 1);
}

/* The threshold is the MIN of eta and sqrt(eta) * e^-H: cases where the max keeps a different set.
 * p = [0.5, 0.3, 0.1, 0.1] (e^-H = .310900 as above), eta .35:
 *   sqrt(.35) * .3109 = .591608 * .3109 = .183931 -> min .183931 -> keep {0,1}; max .35 would keep {0}.
 * p = [0.9, 0.05, 0.05]: H = -(.9 ln .9 + 2 * .05 ln .05) = .094825 + .299573 = .394398,
 *   e^-H = .674086; eta .04: sqrt(.04) * .674086 = .134817 -> min .04 -> keep all three;
 *   max .134817 would keep {0}. */
static void test_eta_cutoff_takes_the_min(void **state)
{
    (void)state;
    const double p1[] = {0.5, 0.3, 0.1, 0.1};
    float l1[4];
    samp_from_probs(l1, p1, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.eta_cutoff = 0.35;
    samp_result r = samp_run(&c, l1, 4, NULL);
    const int32_t a[] = {0, 1};
    samp_expect_ids(&r, a, 2);
    const double p2[] = {0.9, 0.05, 0.05};
    float l2[3];
    samp_from_probs(l2, p2, 3);
    c.eta_cutoff = 0.04;
    r = samp_run(&c, l2, 3, NULL);
    const int32_t b[] = {0, 1, 2};
    samp_expect_ids(&r, b, 3);
}

/* p = [0.5, 0.3, 0.1, 0.1]: epsilon .2 -> {0,1}; .05 -> all; .9 -> {0} (top always kept) */
static void test_epsilon_cutoff(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.3, 0.1, 0.1};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.epsilon_cutoff = 0.2;
    samp_result r = samp_run(&c, l, 4, NULL);
    const int32_t a[] = {0, 1};
    samp_expect_ids(&r, a, 2);
    c.epsilon_cutoff = 0.05;
    r = samp_run(&c, l, 4, NULL);
    assert_int_equal(r.n, 4);
    c.epsilon_cutoff = 0.9;
    r = samp_run(&c, l, 4, NULL);
    const int32_t b[] = {0};
    samp_expect_ids(&r, b, 1);
}

/* ---------------------------------------------------------------- typical-p */

/* p = [0.5, 0.3, 0.1, 0.1], H = 1.168282.
 * delta = |H + ln p| = [|1.168282 - .693147| = .475135, |1.168282 - 1.203973| = .035690,
 *                        1.134303, 1.134303]
 * ascending: id1 (.0357), id0 (.4751), id2, id3 (tie: lower id first)
 * inclusive cumulative: .3, .8, .9, 1.0; position j >= 1 removed iff c_j >= t.
 * t .7  -> j=1: .8 >= .7 -> keep {1}
 * t .85 -> j=1: .8 kept, j=2: .9 >= .85 -> keep {0,1}
 * t .95 -> j=3: 1.0 >= .95 -> keep {0,1,2} */
static void test_typical_p(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.3, 0.1, 0.1};
    float l[4];
    samp_from_probs(l, p, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.typical_p = 0.7;
    samp_result r = samp_run(&c, l, 4, NULL);
    const int32_t a[] = {1};
    samp_expect_ids(&r, a, 1);
    c.typical_p = 0.85;
    r = samp_run(&c, l, 4, NULL);
    const int32_t b[] = {0, 1};
    samp_expect_ids(&r, b, 2);
    c.typical_p = 0.95;
    r = samp_run(&c, l, 4, NULL);
    const int32_t d[] = {0, 1, 2};
    samp_expect_ids(&r, d, 3);
    /* Equality removes: four equal logits weigh exactly 1 each, so the cumulative sums are
     * exactly .25, .5, .75, 1 (ties in lower-id order). t .5 -> j=1: .5 >= .5 -> keep {0};
     * t .75 -> j=2: .75 >= .75 -> keep {0,1}. */
    const float flat[4] = {0.5f, 0.5f, 0.5f, 0.5f};
    c.typical_p = 0.5;
    r = samp_run(&c, flat, 4, NULL);
    const int32_t e[] = {0};
    samp_expect_ids(&r, e, 1);
    c.typical_p = 0.75;
    r = samp_run(&c, flat, 4, NULL);
    const int32_t f[] = {0, 1};
    samp_expect_ids(&r, f, 2);
}

/* ---------------------------------------------------------------- top-n-sigma */

/* logits [4, 2, 1, 0, -1]: mean 1.2, squared deviations 7.84 .64 .04 1.44 4.84 = 14.8,
 * sample variance 14.8 / 4 = 3.7, sigma = 1.923538.
 * n=1:   t = 4 - 1.923538 = 2.076462 -> {0}
 * n=1.1: t = 4 - 2.115892 = 1.884108 -> {0,1}
 * n=2:   t = 4 - 3.847077 = 0.152923 -> {0,1,2}
 * With token 4 banned first, sigma is over the 4 finite logits [4,2,1,0]: mean 1.75,
 * squares 5.0625 .0625 .5625 3.0625 = 8.75, var 8.75/3, sigma 1.707825;
 * n=1.2: t = 4 - 2.049390 = 1.950610 -> {0,1} (a NaN sigma would have kept everything). */
static void test_top_nsigma(void **state)
{
    (void)state;
    const float l[] = {4.0f, 2.0f, 1.0f, 0.0f, -1.0f};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.nsigma = 1.0;
    samp_result r = samp_run(&c, l, 5, NULL);
    const int32_t a[] = {0};
    samp_expect_ids(&r, a, 1);
    c.nsigma = 1.1;
    r = samp_run(&c, l, 5, NULL);
    const int32_t b[] = {0, 1};
    samp_expect_ids(&r, b, 2);
    c.nsigma = 2.0;
    r = samp_run(&c, l, 5, NULL);
    const int32_t d[] = {0, 1, 2};
    samp_expect_ids(&r, d, 3);
    const int32_t ban[] = {4};
    c.custom_bans = ban;
    c.n_custom_bans = 1;
    c.nsigma = 1.2;
    r = samp_run(&c, l, 5, NULL);
    samp_expect_ids(&r, b, 2);
}

/* ---------------------------------------------------------------- large vocabularies */

/* Deterministic N(0, sd^2) logits from a test-local generator (xorshift + Box-Muller). */
static void fill_normal(float *x, size_t n, uint64_t seed, double sd, double quantum)
{
    uint64_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        double u[2];
        for (int k = 0; k < 2; k++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            u[k] = ((double)(s >> 11) + 0.5) * 0x1.0p-53;
        }
        double v = sd * sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]);
        if (quantum > 0)
            v = quantum * floor(v / quantum);
        x[i] = (float)v;
    }
}

static int cmp_desc(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x < y) - (x > y);
}

/* Final candidate set of a config on a large vocabulary. */
static size_t run_large(const gsamp_config *c, const float *l, size_t nv, const int32_t **ids,
                        const float **lg, gsamp_workspace *ws, float *buf)
{
    memcpy(buf, l, nv * sizeof *buf);
    gsamp_state st;
    gsamp_state_init(&st, c, 7);
    int32_t t = gsamp_sample(c, &st, buf, nv, NULL, ws, NULL);
    assert_true(t >= 0);
    return gsamp_workspace_candidates(ws, ids, lg);
}

/* Top-k, min-p and top-n-sigma take block-index shortcuts on a dense vocabulary; the
 * reference here is a plain sort / plain statistics written in the test. */
static void check_threshold_sets(const float *l, size_t nv, gsamp_workspace *ws, float *buf)
{
    float *sorted = malloc(nv * sizeof *sorted);
    assert_non_null(sorted);
    memcpy(sorted, l, nv * sizeof *sorted);
    qsort(sorted, nv, sizeof *sorted, cmp_desc);
    const int64_t ks[] = {1, 40, 1000, 1500, 5000};
    for (size_t q = 0; q < SAMP_NELEM(ks); q++) {
        gsamp_config c;
        gsamp_config_defaults(&c);
        c.top_k = ks[q];
        float tau = sorted[ks[q] - 1];
        const int32_t *ids;
        const float *lg;
        size_t n = run_large(&c, l, nv, &ids, &lg, ws, buf);
        size_t expect = 0;
        for (size_t i = 0; i < nv; i++)
            if (l[i] >= tau) {
                assert_true(expect < n);
                assert_int_equal(ids[expect], (int32_t)i);
                expect++;
            }
        assert_int_equal(n, expect);
    }
    /* min_p 0.05: l >= max + ln 0.05 */
    {
        gsamp_config c;
        gsamp_config_defaults(&c);
        c.min_p = 0.05;
        const int32_t *ids;
        const float *lg;
        size_t n = run_large(&c, l, nv, &ids, &lg, ws, buf);
        double t = (double)sorted[0] + log(0.05);
        size_t expect = 0;
        for (size_t i = 0; i < nv; i++)
            if ((double)l[i] >= t)
                expect++;
        assert_int_equal(n, expect);
        for (size_t i = 0; i < n; i++)
            assert_true((double)l[ids[i]] >= t);
    }
    /* nsigma 2 */
    {
        double mean = 0, var = 0;
        for (size_t i = 0; i < nv; i++)
            mean += l[i];
        mean /= (double)nv;
        for (size_t i = 0; i < nv; i++)
            var += ((double)l[i] - mean) * ((double)l[i] - mean);
        var /= (double)(nv - 1);
        double t = (double)sorted[0] - 2.0 * sqrt(var);
        gsamp_config c;
        gsamp_config_defaults(&c);
        c.nsigma = 2.0;
        const int32_t *ids;
        const float *lg;
        size_t n = run_large(&c, l, nv, &ids, &lg, ws, buf);
        size_t expect = 0, near = 0;
        for (size_t i = 0; i < nv; i++) {
            if ((double)l[i] >= t)
                expect++;
            if (fabs((double)l[i] - t) < 1e-4)
                near++;
        }
        /* the library accumulates in a different (fixed) order: allow only tokens within
         * rounding distance of the threshold to differ */
        assert_true(n + near >= expect && n <= expect + near);
    }
    free(sorted);
}

/* Top-p against a sort-based reference (probabilities in double, canonical order). */
typedef struct {
    float l;
    int32_t id;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->l != y->l)
        return (x->l < y->l) - (x->l > y->l);
    return (x->id > y->id) - (x->id < y->id);
}

static void check_top_p(const float *l, size_t nv, gsamp_workspace *ws, float *buf, double top_p)
{
    pair *ps = malloc(nv * sizeof *ps);
    assert_non_null(ps);
    for (size_t i = 0; i < nv; i++) {
        ps[i].l = l[i];
        ps[i].id = (int32_t)i;
    }
    qsort(ps, nv, sizeof *ps, cmp_pair);
    double total = 0;
    for (size_t i = 0; i < nv; i++)
        total += exp((double)ps[i].l - (double)ps[0].l);
    double cum = 0;
    size_t keep = 0;
    while (keep < nv) {
        cum += exp((double)ps[keep].l - (double)ps[0].l);
        keep++;
        if (cum >= top_p * total)
            break;
    }
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.top_p = top_p;
    const int32_t *ids;
    const float *lg;
    size_t n = run_large(&c, l, nv, &ids, &lg, ws, buf);
    /* float weights vs double reference: the boundary may move by at most one token */
    assert_true(n + 1 >= keep && n <= keep + 1);
    size_t common = n < keep ? n : keep;
    /* every one of the first `common` canonical tokens must be present */
    for (size_t j = 0; j < common; j++) {
        int32_t want = ps[j].id;
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (ids[mid] < want)
                lo = mid + 1;
            else
                hi = mid;
        }
        assert_true(lo < n && ids[lo] == want);
    }
    free(ps);
}

static void test_large_vocab_matches_reference(void **state)
{
    (void)state;
    const size_t sizes[] = {32000, 128000};
    for (size_t s = 0; s < SAMP_NELEM(sizes); s++) {
        size_t nv = sizes[s];
        float *l = malloc(nv * sizeof *l), *buf = malloc(nv * sizeof *buf);
        assert_non_null(l);
        assert_non_null(buf);
        gsamp_workspace *ws = gsamp_workspace_new(nv, NULL, NULL, NULL);
        assert_non_null(ws);
        fill_normal(l, nv, 11 + s, 3.0, 0.0);
        check_threshold_sets(l, nv, ws, buf);
        check_top_p(l, nv, ws, buf, 0.9);
        check_top_p(l, nv, ws, buf, 0.5);
        /* coarse logits: many ties at every threshold */
        fill_normal(l, nv, 99 + s, 3.0, 0.25);
        check_threshold_sets(l, nv, ws, buf);
        check_top_p(l, nv, ws, buf, 0.9);
        gsamp_workspace_free(ws);
        free(l);
        free(buf);
    }
}

/* Top-k on a dense vocabulary whose size is not a multiple of the block or group size, with
 * removed (-inf) entries (a logit bias or a grammar mask before it), for k on each side of the
 * block and group bounds: the kept set is exactly l >= the k-th largest finite logit. */
static void test_top_k_dense_odd_size_with_removed(void **state)
{
    (void)state;
    const size_t nv = 10007;
    float *l = malloc(nv * sizeof *l), *buf = malloc(nv * sizeof *buf), *fin = malloc(nv * sizeof *fin);
    assert_non_null(l);
    assert_non_null(buf);
    assert_non_null(fin);
    gsamp_workspace *ws = gsamp_workspace_new(nv, NULL, NULL, NULL);
    assert_non_null(ws);
    fill_normal(l, nv, 5, 3.0, 0.5);
    size_t nf = 0;
    for (size_t i = 0; i < nv; i++) {
        if (i % 3 == 1 || (i >= 4000 && i < 4600))
            l[i] = -INFINITY;
        else
            fin[nf++] = l[i];
    }
    qsort(fin, nf, sizeof *fin, cmp_desc);
    const int64_t ks[] = {3, 60, 79, 80, 200, 312, 313, 600, 1200, 3000};
    for (size_t q = 0; q < SAMP_NELEM(ks); q++) {
        gsamp_config c;
        gsamp_config_defaults(&c);
        c.top_k = ks[q];
        const float tau = fin[ks[q] - 1];
        const int32_t *ids;
        const float *lg;
        size_t n = run_large(&c, l, nv, &ids, &lg, ws, buf);
        size_t expect = 0;
        for (size_t i = 0; i < nv; i++)
            if (l[i] > -INFINITY && l[i] >= tau) {
                assert_true(expect < n);
                assert_int_equal(ids[expect], (int32_t)i);
                expect++;
            }
        assert_int_equal(n, expect);
    }
    gsamp_workspace_free(ws);
    free(l);
    free(buf);
    free(fin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top_k_keeps_ties),
        cmocka_unit_test(test_top_p_smallest_head),
        cmocka_unit_test(test_top_a),
        cmocka_unit_test(test_min_p),
        cmocka_unit_test(test_tfs),
        cmocka_unit_test(test_eta_cutoff_raw_units),
        cmocka_unit_test(test_eta_cutoff_takes_the_min),
        cmocka_unit_test(test_epsilon_cutoff),
        cmocka_unit_test(test_typical_p),
        cmocka_unit_test(test_top_nsigma),
        cmocka_unit_test(test_large_vocab_matches_reference),
        cmocka_unit_test(test_top_k_dense_odd_size_with_removed),
    };
    return cmocka_run_group_tests_name("samplers_truncation", tests, NULL, NULL);
}
