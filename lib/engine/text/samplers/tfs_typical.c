/*
 * Tail-free sampling and locally typical sampling; both order the whole candidate list.
 *
 * TFS (z): q = probabilities in canonical order, followed by zeros (the removed tail).
 *   d2_j = |q_j - 2 q_{j+1} + q_{j+2}|, cdf_j = sum_{m<=j} d2_m / sum d2.
 *   Position 0 is kept; position j >= 1 is removed iff cdf_{j-1} > z.
 *
 * Typical-p (t): deviation delta_i = |H + ln p_i|; order by delta ascending (ties: lower id
 *   first); c_j = inclusive cumulative probability in that order; position j >= 1 is removed
 *   iff c_j >= t (the token whose mass reaches t is excluded, as on the server);
 *   position 0 is always kept.
 */
#include "util/detmath.h"
#include "engine/text/samplers/samplers_internal.h"

/* Removes the entries at sorted positions idx[from..n). */
static void drop_from(gsamp_workspace *ws, const int32_t *idx, size_t from)
{
    const size_t n = ws->n;
    for (size_t j = from; j < n; j++)
        gsi_set(ws, &ws->lg[idx[j]], -INFINITY);
    gsi_prune(ws);
}

static void iota(int32_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = (int32_t)i;
}

void gsi_tfs(gsamp_workspace *ws, double z)
{
    gsi_compact_all(ws);
    const size_t n = ws->n;
    if (n < 2)
        return;
    float m;
    const double sum = gsi_weights(ws, &m);
    int32_t *idx = ws->i1;
    iota(idx, n);
    gsi_sort_desc(ws, ws->lg, idx, n);
#define Q(j) ((j) < n ? (double)ws->w[idx[j]] / sum : 0.0)
    double total = 0.0;
    for (size_t j = 0; j < n; j++)
        total += fabs(Q(j) - 2.0 * Q(j + 1) + Q(j + 2));
    if (!(total > 0.0))
        return;
    double cum = 0.0;
    for (size_t j = 1; j < n; j++) {
        cum += fabs(Q(j - 1) - 2.0 * Q(j) + Q(j + 1));
        if (cum / total > z) {
            drop_from(ws, idx, j);
            return;
        }
    }
#undef Q
}

void gsi_typical_p(gsamp_workspace *ws, double typical_p)
{
    gsi_compact_all(ws);
    const size_t n = ws->n;
    if (n < 2)
        return;
    float m;
    const double sum = gsi_weights(ws, &m);
    const double h = gsi_entropy(ws, sum, m);
    const double ln_sum = ga_log(sum);
    for (size_t i = 0; i < n; i++) {
        double lnp = ((double)ws->lg[i] - (double)m) - ln_sum;
        ws->fkey[i] = (float)-fabs(h + lnp);
    }
    int32_t *idx = ws->i1;
    iota(idx, n);
    gsi_sort_desc(ws, ws->fkey, idx, n);
    double cum = (double)ws->w[idx[0]] / sum;
    for (size_t j = 1; j < n; j++) {
        cum += (double)ws->w[idx[j]] / sum;
        if (cum >= typical_p) {
            drop_from(ws, idx, j);
            return;
        }
    }
}
