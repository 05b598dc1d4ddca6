/*
 * Selection in canonical order (logit descending, token id ascending) without sorting the
 * candidates: a histogram of weights over logit buckets finds the bucket where the running
 * weight reaches the target, and only that bucket is sorted.
 *
 * Buckets are a monotone function of the logit (bucket 0 holds the largest logits; values
 * below `lo` share the last bucket), so every entry of an earlier bucket precedes every entry
 * of a later one in canonical order, and the cut element found inside the crossing bucket is
 * exactly the one a full sort would give (up to the summation order of the weights).
 */
#include "engine/text/samplers/samplers_internal.h"

int gsi_cut(gsamp_workspace *ws, const float *lg, const int32_t *ids, size_t n, const float *w,
            double target, float lo, float hi, gsi_cutpoint *out)
{
    if (n == 0)
        return 0;
    const size_t nb = n < 64 ? 64 : (n < GSI_NBUCKETS ? n : GSI_NBUCKETS);
    const float top = (float)(nb - 1);
    const float span = hi - lo;
    const float scale = (hi > lo && span < INFINITY) ? top / span : 0.0f;
    double *mass = ws->bmass;
    uint16_t *bkt = ws->bkt;
    memset(mass, 0, nb * sizeof *mass);
    for (size_t i = 0; i < n; i++) {
        float d = (hi - lg[i]) * scale; /* >= 0; +inf for -inf logits */
        d = d < top ? d : top;
        bkt[i] = (uint16_t)d;
    }
    if (w) {
        for (size_t i = 0; i < n; i++)
            mass[bkt[i]] += (double)w[i];
    } else {
        for (size_t i = 0; i < n; i++)
            mass[bkt[i]] += 1.0;
    }
    double cum = 0.0;
    size_t b = 0;
    for (; b < nb; b++) {
        if (cum + mass[b] >= target)
            break;
        cum += mass[b];
    }
    if (b == nb)
        return 0;
    /* the crossing bucket holds at least the entry that made the sum reach the target, or
     * (target <= 0) the largest logit */
    int32_t *idx = ws->i1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (bkt[i] == b)
            idx[m++] = (int32_t)i;
    if (m == 0)
        return 0;
    gsi_sort_desc(ws, lg, idx, m);
    size_t e = (size_t)idx[m - 1];
    for (size_t j = 0; j < m; j++) {
        cum += w ? (double)w[idx[j]] : 1.0;
        if (cum >= target) {
            e = (size_t)idx[j];
            break;
        }
    }
    out->l = lg[e];
    out->id = ids ? ids[e] : (int32_t)e;
    return 1;
}
