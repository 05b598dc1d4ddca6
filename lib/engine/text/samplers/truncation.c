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

static void swapf(float *a, float *b)
{
    float t = *a;
    *a = *b;
    *b = t;
}

static float median3(float a, float b, float c)
{
    if (a > b)
        swapf(&a, &b);
    if (b > c)
        swapf(&b, &c);
    return a > b ? a : b;
}

/* k-th largest (1-based) of a[0..n), 1 <= k <= n; reorders a. No NaN in a. */
static float kth_largest(float *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    const size_t target = k - 1;
    while (lo < hi) {
        float p = median3(a[lo], a[lo + (hi - lo) / 2], a[hi]);
        size_t lt = lo, i = lo, gt = hi + 1; /* [lo,lt) > p, [lt,i) == p, [gt,hi] < p */
        while (i < gt) {
            if (a[i] > p) {
                swapf(&a[lt++], &a[i++]);
            } else if (a[i] < p) {
                swapf(&a[i], &a[--gt]);
            } else {
                i++;
            }
        }
        if (target < lt)
            hi = lt - 1;
        else if (target >= gt)
            lo = gt;
        else
            return p;
    }
    return a[lo];
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
        /* the k-th largest block maximum is a lower bound of the k-th largest logit */
        gsi_ensure_bmax(ws);
        if (kk <= ws->nblk) {
            memcpy(ws->fkey, ws->bmax, ws->nblk * sizeof *ws->fkey);
            gsi_keep_ge(ws, kth_largest(ws->fkey, ws->nblk, kk));
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
