/* Helpers shared by the sampler tests (tests/test_samplers_*.c): run the whole gsamp pipeline
 * once on hand-made logits with a fresh workspace, and compare the final candidate set. */
#ifndef GENAPI_SAMPLER_TESTING_H
#define GENAPI_SAMPLER_TESTING_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "engine/text/samplers/samplers.h"

/* |a - b| < tol, as doubles. A macro so that a failure names the caller's line. */
#define SAMP_CLOSE(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) < (tol))
#define SAMP_NELEM(a) (sizeof(a) / sizeof((a)[0]))
/* Candidates kept in a samp_result (the hand-made vocabularies are smaller). */
#define SAMP_MAXC 64

/* Outcome of one gsamp_sample call: the returned token, prob_out and the final candidates. */
typedef struct samp_result {
    int32_t token;
    double prob;
    size_t n;
    int32_t ids[SAMP_MAXC];
    float lg[SAMP_MAXC];
} samp_result;

/* One gsamp_sample call on a copy of `logits` (nv entries), with a fresh workspace and a state
 * initialised from cfg and seed. h may be NULL. */
samp_result samp_run_seed(const gsamp_config *cfg, const float *logits, size_t nv, const gsamp_history *h,
                          uint64_t seed);

/* samp_run_seed with the seed the tests use by default (1234). */
samp_result samp_run(const gsamp_config *cfg, const float *logits, size_t nv, const gsamp_history *h);

/* The final candidates are exactly ids[0..n) (ascending ids, as the workspace reports them). */
void samp_expect_ids(const samp_result *r, const int32_t *ids, size_t n);

/* There are exactly n final candidates, with logits want[0..n) within 1e-6. */
void samp_expect_logits(const samp_result *r, const double *want, size_t n);

/* `draws` gsamp_sample calls with one state (seeded with seed) and one workspace, each on a fresh
 * copy of logits (nv <= SAMP_MAXC entries): every token drawn is in [0, nv) with prob_out within
 * 1e-6 of p[token], the state's step counts the draws, and each token's frequency is within tol
 * of p. */
void samp_expect_draws(const gsamp_config *cfg, const float *logits, size_t nv, uint64_t seed, size_t draws,
                       const double *p, double tol);

/* logits l_i = ln p_i */
void samp_from_probs(float *out, const double *p, size_t n);

/* A history of np prompt and no output tokens (either pointer may be NULL with a count 0). */
gsamp_history samp_history(const int32_t *prompt, size_t np, const int32_t *out, size_t no);

#endif
