/*
 * The final draw. The candidates are in ascending token-id order; weights w_i = exp(l_i - max).
 *  - skew (|skew| > 1e-5): C_i = cumulative probability in token-id order,
 *    p'_i = C_i^(e^skew) - C_{i-1}^(e^skew); the draw (or argmax) uses p'.
 *  - greedy: the most probable token, lowest id among ties.
 *  - otherwise one uniform u (stream GSAMP_STREAM_DRAW) and a cumulative scan: the first
 *    token whose running sum exceeds u * total.
 */
#include "util/detmath.h"
#include "engine/text/samplers/samplers_internal.h"

size_t gsi_draw_index(gsamp_workspace *ws, const float *w, size_t n, double u, double *total_out)
{
    const size_t nb = (n + GSI_DRAW_BLOCK - 1) / GSI_DRAW_BLOCK;
    double total = 0.0;
    for (size_t b = 0; b < nb; b++) {
        size_t len = n - b * GSI_DRAW_BLOCK < GSI_DRAW_BLOCK ? n - b * GSI_DRAW_BLOCK
                                                               : GSI_DRAW_BLOCK;
        ws->dsum[b] = gsi_vsum(w + b * GSI_DRAW_BLOCK, len);
        total += ws->dsum[b];
    }
    *total_out = total;
    const double target = u * total;
    double cum = 0.0;
    for (size_t b = 0; b < nb; b++) {
        if (cum + ws->dsum[b] > target) {
            size_t end = (b + 1) * GSI_DRAW_BLOCK < n ? (b + 1) * GSI_DRAW_BLOCK : n;
            size_t last = b * GSI_DRAW_BLOCK;
            double acc = cum;
            for (size_t i = b * GSI_DRAW_BLOCK; i < end; i++) {
                if (w[i] > 0.0f)
                    last = i;
                acc += (double)w[i];
                if (acc > target)
                    return i;
            }
            return last; /* rounding: the block sum said the target lies in this block */
        }
        cum += ws->dsum[b];
    }
    for (size_t i = n; i-- > 0;)
        if (w[i] > 0.0f)
            return i;
    return 0;
}

static void apply_skew(gsamp_workspace *ws, double sum, double skew)
{
    const double e = ga_exp(skew);
    double c = 0.0, prev = 0.0;
    for (size_t i = 0; i < ws->n; i++) {
        c += (double)ws->w[i] / sum;
        if (c > 1.0)
            c = 1.0;
        double cp = ga_pow(c, e);
        double p = cp - prev;
        ws->w[i] = (float)(p > 0.0 ? p : 0.0);
        prev = cp;
    }
}

int32_t gsi_draw(gsamp_workspace *ws, double skew, int greedy, double u, double *prob_out)
{
    gsi_compact_all(ws);
    if (ws->n == 0)
        return -1;
    const int use_skew = fabs(skew) > 1e-5;
    if (greedy && !use_skew && !prob_out)
        return ws->id[gsi_argmax(ws)];
    float m;
    double sum = gsi_weights(ws, &m);
    if (use_skew) {
        apply_skew(ws, sum, skew);
        sum = gsi_vsum(ws->w, ws->n);
    }
    size_t j;
    if (greedy) {
        j = 0;
        if (use_skew) {
            for (size_t i = 1; i < ws->n; i++)
                if (ws->w[i] > ws->w[j])
                    j = i;
        } else {
            j = gsi_argmax(ws);
        }
    } else {
        j = gsi_draw_index(ws, ws->w, ws->n, u, &sum);
    }
    if (prob_out)
        *prob_out = sum > 0.0 ? (double)ws->w[j] / sum : 0.0;
    return ws->id[j];
}
