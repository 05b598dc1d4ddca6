/*
 * XTC, "exclude top choices" (XTC slot). When the step's XTC uniform (its own stream) is
 * below xtc_probability: among the tokens with p >= threshold, all but the least probable
 * one (the last of them in canonical order) are removed. Fewer than two such tokens: no-op.
 */
#include "engine/text/samplers/samplers_internal.h"

void gsi_xtc(gsamp_workspace *ws, double threshold, double probability, double u)
{
    if (!(u < probability))
        return;
    gsi_compact_all(ws);
    if (ws->n < 2)
        return;
    float m;
    const double cut = threshold * gsi_weights(ws, &m);
    size_t count = 0, keep = 0;
    for (size_t i = 0; i < ws->n; i++) {
        if (!((double)ws->w[i] >= cut))
            continue;
        /* ids ascend, so "<=" makes the highest id win among equal logits */
        if (count == 0 || ws->lg[i] <= ws->lg[keep])
            keep = i;
        count++;
    }
    if (count < 2)
        return;
    for (size_t i = 0; i < ws->n; i++)
        if ((double)ws->w[i] >= cut && i != keep)
            gsi_set(ws, &ws->lg[i], -INFINITY);
    gsi_prune(ws);
}
