/*
 * Truncation samplers: top-k, top-p, top-a, min-p, top-n-sigma, eta and epsilon cutoffs.
 * p = softmax of the current candidates, p_max its maximum. Each of them keeps at least the
 * most probable token (lowest id among equal logits).
 *
 *   top-k      keep l >= the k-th largest logit (ties at the threshold are kept)
 *   top-p      keep the shortest canonical-order prefix whose mass reaches top_p
 *   top-a      keep p >= top_a * p_max^2
 *   min-p      keep p >= min_p * p_max, tested as l - l_max >= ln(min_p)
 *   top-nsigma keep l >= l_max - n * sigma, sigma = sample std (N-1) of the finite logits
 *   eta        keep p >= min(eta, sqrt(eta) * exp(-H)), H entropy in nats
 *   epsilon    keep p >= epsilon
 * eta/epsilon values are raw probabilities (no 1e-4 scaling).
 *
 * Dense fast paths: top-k, min-p and top-nsigma need no softmax; they derive a logit
 * threshold and gather the survivors through the block-maximum index, so a 128k vocabulary
 * costs one or two vectorised passes.
 */
#include "util/detmath.h"
#include "engine/text/samplers/samplers_internal.h"

/* A lower bound of the k-th largest of a[0..n) (1 <= k <= n), about one bucket below it: a
 * count histogram over [min, max] finds the bucket where the count from the top reaches k,
 * and the bound is that bucket's lower edge, moved down by a margin that covers the rounding
 * of the bucket computation (so every value counted in it or above is >= the bound: at least
 * k values are). Two passes, no reordering. -inf values share the last bucket; no NaN in a. */
#define BOUND_BUCKETS 512
static float kth_largest_bound(const float *a, size_t n, size_t k)
{
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const float v = a[i] > -INFINITY ? a[i] : INFINITY;
        lo = v < lo ? v : lo;
        hi = a[i] > hi ? a[i] : hi;
    }
    if (!(hi > lo))
        return -INFINITY; /* at most one distinct finite value: no useful bound */
    const float top = (float)(BOUND_BUCKETS - 1), scale = top / (hi - lo);
    uint32_t cnt[BOUND_BUCKETS];
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++) {
        float d = (hi - a[i]) * scale; /* +inf for -inf values */
        cnt[(size_t)(d < top ? d : top)]++;
    }
    size_t b = 0, cum = 0;
    while (b < BOUND_BUCKETS - 1 && cum + cnt[b] < k)
        cum += cnt[b++];
    if (b == BOUND_BUCKETS - 1)
        return -INFINITY;
    /* d < b + 1 for the values counted in buckets 0..b, so hi - v < (b + 1) / scale up to a
     * few roundings: the relative and absolute margins are far larger than those */
    const double width = (double)(b + 1) / (double)scale;
    const double t = (double)hi - width * (1.0 + 1e-4) - 1e-5 * ((double)fabsf(hi) + (double)fabsf(lo));
    return (float)t;
}

/* Keeps w[i] >= thr and the most probable token. ws->w must be current. */
static void keep_weight_ge(gsamp_workspace *ws, double thr)
{
    const size_t top = gsi_argmax(ws);
    for (size_t i = 0; i < ws->n; i++)
        if (i != top && !((double)ws->w[i] >= thr))
            gsi_set(ws, &ws->lg[i], -INFINITY);
    gsi_prune(ws);
}

void gsi_top_k(gsamp_workspace *ws, int64_t k)
{
    if (k <= 0 || (uint64_t)k >= (uint64_t)ws->nd)
        return;
    const size_t kk = (size_t)k;
    if (ws->dense) {
        /* The k-th largest maximum of disjoint groups is a lower bound of the k-th largest
         * logit (the k largest group maxima are k distinct logits); the more groups per k,
         * the tighter. Blocks of 32 when k is small beside their number, else groups of 8. */
        const size_t ngroups = (ws->nd + 7) / 8;
        if (4 * kk <= ws->nblk) {
            gsi_ensure_bmax(ws);
            gsi_keep_ge(ws, kth_largest_bound(ws->bmax, ws->nblk, kk));
        } else if (2 * kk <= ngroups) {
            gsi_group8_max(ws->dl, ws->nd, ws->fkey, ws->bmax);
            ws->bmax_ok = 1;
            /* pairs of groups when there are 4 k groups or more: half the histogram, and the
             * bound stays tight; the survivors are gathered through the 8-value groups */
            const float *gm = ws->fkey, *key = gm;
            size_t nkey = ngroups;
            if (4 * kk <= ngroups) {
                float *pairs = ws->fkey + ngroups;
                nkey = ngroups / 2;
                for (size_t i = 0; i < nkey; i++)
                    pairs[i] = gm[2 * i] > gm[2 * i + 1] ? gm[2 * i] : gm[2 * i + 1];
                key = pairs;
            }
            gsi_keep_ge_groups(ws, kth_largest_bound(key, nkey, kk), gm);
        } else {
            gsi_compact_all(ws);
        }
    }
    if (kk >= ws->n)
        return;
    float lo = ws->lg[0], hi = ws->lg[0];
    for (size_t i = 1; i < ws->n; i++) {
        lo = ws->lg[i] < lo ? ws->lg[i] : lo;
        hi = ws->lg[i] > hi ? ws->lg[i] : hi;
    }
    gsi_cutpoint e;
    if (gsi_cut(ws, ws->lg, ws->id, ws->n, NULL, (double)kk, lo, hi, &e))
        gsi_keep_ge(ws, e.l);
}

void gsi_top_p(gsamp_workspace *ws, double top_p)
{
    gsi_cutpoint e;
    if (ws->dense) {
        /* one exp pass over the vocabulary, no copy: weights are indexed by token id */
        const float m = gsi_max_logit(ws);
        if (!(m > -INFINITY)) {
            gsi_compact_all(ws);
            return;
        }
        gsi_vexp(ws->dl, m, ws->w, ws->nd);
        const double sum = gsi_vsum(ws->w, ws->nd);
        if (gsi_cut(ws, ws->dl, NULL, ws->nd, ws->w, top_p * sum, m - GSI_MASS_SPAN, m, &e))
            gsi_keep_prefix(ws, e);
        else
            gsi_compact_all(ws);
        return;
    }
    if (ws->n < 2)
        return;
    float m;
    const double sum = gsi_weights(ws, &m);
    if (gsi_cut(ws, ws->lg, ws->id, ws->n, ws->w, top_p * sum, m - GSI_MASS_SPAN, m, &e))
        gsi_keep_prefix(ws, e);
}

void gsi_top_a(gsamp_workspace *ws, double top_a)
{
    gsi_compact_all(ws);
    if (ws->n < 2)
        return;
    float m;
    double sum = gsi_weights(ws, &m);
    double wmax = (double)ws->w[gsi_argmax(ws)];
    /* p >= a p_max^2  <=>  w >= a wmax^2 / S */
    keep_weight_ge(ws, top_a * wmax * wmax / sum);
}

void gsi_min_p(gsamp_workspace *ws, double min_p)
{
    if (!ws->dense && ws->n < 2)
        return;
    const float m = gsi_max_logit(ws);
    if (!(m > -INFINITY))
        return;
    float t = gsi_float_ceil((double)m + ga_log(min_p));
    gsi_keep_ge(ws, t < m ? t : m);
}

void gsi_top_nsigma(gsamp_workspace *ws, double nsigma)
{
    if (!ws->dense && ws->n < 2)
        return;
    const int dense = ws->dense;
    const float *x = dense ? ws->dl : ws->lg;
    const size_t n = dense ? ws->nd : ws->n;
    /* shift by one live value so that the one-pass variance does not cancel */
    float c = 0.0f;
    for (size_t i = 0; i < n; i++)
        if (x[i] > -INFINITY) {
            c = x[i];
            break;
        }
    gsi_stats s;
    gsi_vstats(x, n, c, dense ? ws->bmax : ws->fkey, &s);
    if (dense)
        ws->bmax_ok = 1;
    if (s.count < 1.0)
        return;
    double var = 0.0;
    if (s.count > 1.0)
        var = (s.sumsq - s.sum * (s.sum / s.count)) / (s.count - 1.0);
    if (var < 0.0)
        var = 0.0;
    float t = gsi_float_ceil((double)s.max - nsigma * sqrt(var));
    gsi_keep_ge(ws, t < s.max ? t : s.max);
}

void gsi_eta_cutoff(gsamp_workspace *ws, double eta)
{
    gsi_compact_all(ws);
    if (ws->n < 2)
        return;
    float m;
    double sum = gsi_weights(ws, &m);
    double h = gsi_entropy(ws, sum, m);
    double eps = sqrt(eta) * ga_exp(-h);
    if (eta < eps)
        eps = eta;
    keep_weight_ge(ws, eps * sum);
}

void gsi_epsilon_cutoff(gsamp_workspace *ws, double eps)
{
    gsi_compact_all(ws);
    if (ws->n < 2)
        return;
    float m;
    double sum = gsi_weights(ws, &m);
    keep_weight_ge(ws, eps * sum);
}
