#include "sampler_testing.h"

#include <stdlib.h>
#include <string.h>

samp_result samp_run_seed(const gsamp_config *cfg, const float *logits, size_t nv, const gsamp_history *h,
                          uint64_t seed)
{
    samp_result r;
    memset(&r, 0, sizeof r);
    gsamp_workspace *ws = gsamp_workspace_new(nv, NULL, NULL, NULL);
    assert_non_null(ws);
    float *buf = malloc(nv * sizeof *buf);
    assert_non_null(buf);
    memcpy(buf, logits, nv * sizeof *buf);
    gsamp_state st;
    gsamp_state_init(&st, cfg, seed);
    r.token = gsamp_sample(cfg, &st, buf, nv, h, ws, &r.prob);
    const int32_t *ids;
    const float *lg;
    r.n = gsamp_workspace_candidates(ws, &ids, &lg);
    for (size_t i = 0; i < r.n && i < SAMP_MAXC; i++) {
        r.ids[i] = ids[i];
        r.lg[i] = lg[i];
    }
    free(buf);
    gsamp_workspace_free(ws);
    return r;
}

samp_result samp_run(const gsamp_config *cfg, const float *logits, size_t nv, const gsamp_history *h)
{
    return samp_run_seed(cfg, logits, nv, h, 1234);
}

void samp_expect_ids(const samp_result *r, const int32_t *ids, size_t n)
{
    assert_int_equal(r->n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(r->ids[i], ids[i]);
}

void samp_expect_logits(const samp_result *r, const double *want, size_t n)
{
    assert_int_equal(r->n, n);
    for (size_t i = 0; i < n; i++)
        SAMP_CLOSE(r->lg[i], want[i], 1e-6);
}

void samp_expect_draws(const gsamp_config *cfg, const float *logits, size_t nv, uint64_t seed, size_t draws,
                       const double *p, double tol)
{
    assert_true(nv <= SAMP_MAXC);
    gsamp_workspace *ws = gsamp_workspace_new(nv, NULL, NULL, NULL);
    assert_non_null(ws);
    float *buf = malloc(nv * sizeof *buf);
    assert_non_null(buf);
    gsamp_state st;
    gsamp_state_init(&st, cfg, seed);
    size_t count[SAMP_MAXC] = {0};
    for (size_t i = 0; i < draws; i++) {
        memcpy(buf, logits, nv * sizeof *buf);
        double prob;
        int32_t t = gsamp_sample(cfg, &st, buf, nv, NULL, ws, &prob);
        assert_true(t >= 0 && (size_t)t < nv);
        SAMP_CLOSE(prob, p[t], 1e-6);
        count[t]++;
    }
    assert_int_equal(st.step, draws);
    for (size_t i = 0; i < nv; i++)
        SAMP_CLOSE((double)count[i] / (double)draws, p[i], tol);
    free(buf);
    gsamp_workspace_free(ws);
}

void samp_from_probs(float *out, const double *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (float)log(p[i]);
}

gsamp_history samp_history(const int32_t *prompt, size_t np, const int32_t *out, size_t no)
{
    gsamp_history h;
    memset(&h, 0, sizeof h);
    h.prompt = prompt;
    h.n_prompt = np;
    h.output = out;
    h.n_output = no;
    return h;
}
