/*
 * Quadratic / cubic smoothing (QUADRATIC slot), factor f > 0, curve c:
 *   d = l - max,  k = f (3 - c) / 2,  s = f (c - 1) / 2,  l' = max - k d^2 + s d^3
 * (c = 1: l' = max - f (l - max)^2). Computed in double.
 */
#include "engine/text/samplers/samplers_internal.h"

void gsi_quadratic(gsamp_workspace *ws, double factor, double curve)
{
    gsi_compact_all(ws);
    if (ws->n == 0)
        return;
    const double m = (double)gsi_vmax(ws->lg, ws->n);
    const double k = factor * (3.0 - curve) / 2.0;
    const double s = factor * (curve - 1.0) / 2.0;
    for (size_t i = 0; i < ws->n; i++) {
        double d = (double)ws->lg[i] - m;
        gsi_set(ws, &ws->lg[i], gsi_to_float(m - k * d * d + s * d * d * d));
    }
    gsi_prune(ws);
}
