/*
 * Internal interface shared by the sampler pipeline's translation units.
 *
 * Candidate set. A step starts "dense": the caller's logits array is the set and a removed
 * token holds -inf. The first truncating sampler (or an allowed_token_ids list) turns the
 * set "compact": ws->id[0..n) holds the surviving token ids in ascending order and
 * ws->lg[0..n) their logits, all finite. Every later sampler works on the compact list only.
 *
 * Canonical order. Whenever a sampler needs tokens ordered by probability, the order is
 * "logit descending, token id ascending among equal logits". Weights w_i = exp(l_i - max)
 * are computed with gsi_expf (no libm), sums are accumulated in a fixed order, so a step is
 * bit-reproducible on any IEEE-754 platform for the same input.
 */
#ifndef GENAPI_ENGINE_SAMPLERS_INTERNAL_H
#define GENAPI_ENGINE_SAMPLERS_INTERNAL_H

#include "engine/text/samplers/samplers.h"

/* Bit-reproducibility needs every a*b+c rounded twice, as written: no fused multiply-add.
 * GCC in ISO C mode (-std=c11, as this project builds) already does not contract. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GSI_BLOCK 32        /* tokens per block of the dense block-maximum index */
#define GSI_DRAW_BLOCK 64   /* tokens per partial sum of the draw */
#define GSI_NBUCKETS 2048   /* logit buckets of the selection (gsi_cut) */
#define GSI_MASS_SPAN 32.0f /* weighted cuts bucket [max - 32, max]; e^-32 ~ 1e-14 */
#define GSI_RADIX_BITS 11   /* digit width of the radix sort */
#define GSI_RADIX_SIZE (1u << GSI_RADIX_BITS)

#define GSI_LN2 0.693147180559945309417

#define GSI_TOK_FLAG 0x80000000u /* per-token scratch: "marked" bit */
#define GSI_TOK_VAL 0x7fffffffu  /* per-token scratch: counter / length bits */

struct gsamp_workspace {
    size_t n_vocab;
    void *(*alloc_fn)(size_t, void *);
    void (*free_fn)(void *, void *);
    void *user;
    void *block; /* the single allocation holding everything below */

    /* candidate set */
    int dense;       /* 1: dl[0..nd) is the set (-inf = removed); 0: compact list */
    float *dl;       /* the caller's logits */
    size_t nd;       /* number of dense entries (n_vocab of the call) */
    int32_t *id;     /* compact ids, ascending */
    float *lg;       /* compact logits */
    size_t n;        /* compact size */
    int dirty;       /* compact entries set to -inf, waiting for gsi_prune */

    float *bmax;     /* dense block maxima (GSI_BLOCK tokens each) */
    size_t nblk;
    int bmax_ok;

    /* scratch */
    float *w;        /* weights of the compact list */
    float *fkey;     /* float sort keys */
    uint32_t *k1, *k2;
    int32_t *i1, *i2;
    uint16_t *bkt;   /* bucket of each entry (gsi_cut) */
    double *bmass;   /* GSI_NBUCKETS bucket weights */
    uint32_t *hist;  /* radix histograms (4 * 256 or 3 * GSI_RADIX_SIZE entries) */
    double *dsum;    /* partial sums of the draw */
    uint32_t *tok;   /* per-token scratch; all zero between uses */
    int32_t *touched;
    size_t n_touched;
};

/* ---- vecmath.c: fixed-order kernels (auto-vectorisable, no libm) ---- */
float gsi_expf(float x);
void gsi_vexp(const float *x, float m, float *out, size_t n);             /* out = exp(x - m) */
double gsi_vsum(const float *x, size_t n);                                /* fixed-order sum */
double gsi_vsum_wd(const float *w, const float *x, float m, size_t n);   /* sum w*(x - m) */
float gsi_vmax(const float *x, size_t n);                                 /* -inf if n == 0 */
void gsi_block_max(const float *x, size_t n, float *bmax);               /* GSI_BLOCK blocks */
/* Maxima of groups of 8 values (the last may be shorter) into gmax, and of GSI_BLOCK blocks
 * into bmax, in one pass. */
void gsi_group8_max(const float *x, size_t n, float *gmax, float *bmax);
typedef struct gsi_stats {
    double count, sum, sumsq; /* over the live (not -inf) entries, of x - c */
    float max;
} gsi_stats;
/* One pass: block maxima into bmax, and count / sum / sum of squares of x - c. */
void gsi_vstats(const float *x, size_t n, float c, float *bmax, gsi_stats *st);
int gsi_block_all_live(const float *x);                                  /* GSI_BLOCK values */
uint32_t gsi_block_ge_mask(const float *x, size_t n, float t);           /* bit j: x[j] >= t */
void gsi_vdiv(float *x, size_t n, float t);                              /* x /= t */
/* Smallest float f with (double)f >= t (so "l >= f" is exactly "(double)l >= t"). */
float gsi_float_ceil(double t);

/* ---- sort.c ---- */
/* Sorts idx[0..n) (indices into val) by val descending; stable, so equal values keep the
 * input order. idx must not be ws->i2, ws->k1 or ws->k2. */
void gsi_sort_desc(gsamp_workspace *ws, const float *val, int32_t *idx, size_t n);
/* Sorts a[0..n) ascending (non-negative values) and removes duplicates; returns new size. */
size_t gsi_sort_unique_ids(gsamp_workspace *ws, int32_t *a, size_t n);

/* ---- candidates.c ---- */
void gsi_begin(gsamp_workspace *ws, float *logits, size_t n_vocab);
void gsi_compact_all(gsamp_workspace *ws);            /* dense -> compact (finite entries) */
void gsi_ensure_bmax(gsamp_workspace *ws);            /* dense: block maxima up to date */
float gsi_max_logit(gsamp_workspace *ws);             /* largest live logit, -inf if none */
float *gsi_find(gsamp_workspace *ws, int32_t id);     /* live logit of id, or NULL */
void gsi_set(gsamp_workspace *ws, float *slot, float value);
void gsi_ban(gsamp_workspace *ws, int32_t id);
void gsi_prune(gsamp_workspace *ws);                  /* drop compact entries set to -inf */
void gsi_keep_ge(gsamp_workspace *ws, float t);       /* keep l >= t (result compact) */
/* The same from a dense set, through the maxima of its 8-value groups (gsi_group8_max). */
void gsi_keep_ge_groups(gsamp_workspace *ws, float t, const float *gmax);
typedef struct gsi_cutpoint {
    float l;
    int32_t id;
} gsi_cutpoint;
/* Keeps the canonical-order prefix ending at e: l > e.l, or l == e.l and id <= e.id. */
void gsi_keep_prefix(gsamp_workspace *ws, gsi_cutpoint e);
size_t gsi_argmax(const gsamp_workspace *ws);         /* compact: max logit, lowest id */
/* Compact only: w[i] = exp(lg[i] - max); returns the sum, *m_out = max. */
double gsi_weights(gsamp_workspace *ws, float *m_out);
/* Entropy (nats) of the compact distribution given gsi_weights' results. */
double gsi_entropy(const gsamp_workspace *ws, double sum, float m);
/* ---- select.c ---- */
/* Among lg[0..n) (ids NULL: the id is the index; weights w, NULL: 1 each), the entry at
 * which the cumulative weight in canonical order first reaches target, using buckets over
 * [lo, hi] (hi = the largest logit; lower values share the last bucket). Returns 0 when the
 * total stays below target. */
int gsi_cut(gsamp_workspace *ws, const float *lg, const int32_t *ids, size_t n, const float *w,
            double target, float lo, float hi, gsi_cutpoint *out);
void gsi_mark_reset(gsamp_workspace *ws);             /* zero the touched tok[] entries */
static inline void gsi_mark(gsamp_workspace *ws, int32_t id, uint32_t bits)
{
    if (ws->tok[id] == 0)
        ws->touched[ws->n_touched++] = id;
    ws->tok[id] |= bits;
}

/* double -> float without out-of-range conversions: below -FLT_MAX means "removed". */
static inline float gsi_to_float(double v)
{
    if (!(v >= -(double)FLT_MAX))
        return -INFINITY;
    if (v > (double)FLT_MAX)
        return FLT_MAX;
    return (float)v;
}

/* ---- history helpers ---- */
static inline size_t gsi_hist_len(const gsamp_history *h)
{
    return h ? h->n_prompt + h->n_output : 0;
}
static inline int32_t gsi_hist_at(const gsamp_history *h, size_t i)
{
    return i < h->n_prompt ? h->prompt[i] : h->output[i - h->n_prompt];
}
static inline int gsi_valid_id(const gsamp_workspace *ws, int32_t id)
{
    return id >= 0 && (size_t)id < ws->nd;
}

/* ---- samplers ---- */
void gsi_logits_processors(gsamp_workspace *ws, const gsamp_config *cfg, const gsamp_history *h);
void gsi_penalties(gsamp_workspace *ws, const gsamp_config *cfg, const gsamp_history *h);
void gsi_no_repeat_ngram(gsamp_workspace *ws, const gsamp_config *cfg, const gsamp_history *h);
void gsi_dry(gsamp_workspace *ws, const gsamp_config *cfg, const gsamp_history *h);
void gsi_temperature(gsamp_workspace *ws, const gsamp_config *cfg, int greedy);
void gsi_top_k(gsamp_workspace *ws, int64_t k);
void gsi_top_p(gsamp_workspace *ws, double top_p);
void gsi_top_a(gsamp_workspace *ws, double top_a);
void gsi_min_p(gsamp_workspace *ws, double min_p);
void gsi_top_nsigma(gsamp_workspace *ws, double nsigma);
void gsi_eta_cutoff(gsamp_workspace *ws, double eta);
void gsi_epsilon_cutoff(gsamp_workspace *ws, double eps);
void gsi_tfs(gsamp_workspace *ws, double z);
void gsi_typical_p(gsamp_workspace *ws, double typical_p);
void gsi_quadratic(gsamp_workspace *ws, double factor, double curve);
void gsi_xtc(gsamp_workspace *ws, double threshold, double probability, double u);
int32_t gsi_mirostat(gsamp_workspace *ws, const gsamp_config *cfg, gsamp_state *st, double u,
                     double *prob_out);
/* Canonical draw: smallest index whose cumulative weight (in list order) exceeds u * total;
 * total is accumulated in GSI_DRAW_BLOCK partial sums. *total_out receives the total. */
size_t gsi_draw_index(gsamp_workspace *ws, const float *w, size_t n, double u, double *total_out);
/* Final draw (skew, greedy or random) over the current set; -1 if empty. */
int32_t gsi_draw(gsamp_workspace *ws, double skew, int greedy, double u, double *prob_out);

/* ---- enablement tests (shared by the pipeline and the docs) ---- */
static inline int gsi_dynatemp_on(const gsamp_config *c)
{
    return c->dynatemp_min > 1e-5 || c->dynatemp_max > 1e-5;
}
static inline int gsi_is_greedy(const gsamp_config *c)
{
    /* Temperature below 1e-5 is greedy whatever dynatemp says, as the servers type the request. */
    return c->temperature < 1e-5;
}

#endif
