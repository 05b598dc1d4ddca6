/*
 * Temperature and dynamic temperature (TEMPERATURE slot).
 *
 * Dynatemp (on when dynatemp_min or dynatemp_max > 1e-5) replaces the temperature:
 *   T = min + (max - min) * (H / ln N)^exponent
 * with H the entropy (nats) of the current distribution and N the number of surviving
 * tokens (N = 1 gives NaN, hence the floor). T below 1e-5 or NaN becomes 1e-5.
 * Then l <- l / T (in float). Greedy requests (temperature < 1e-5, with or without dynatemp)
 * skip this slot.
 */
#include "util/detmath.h"
#include "engine/text/samplers/samplers_internal.h"

static double dynamic_temperature(gsamp_workspace *ws, const gsamp_config *cfg)
{
    gsi_compact_all(ws);
    if (ws->n == 0)
        return 1.0;
    float m;
    double sum = gsi_weights(ws, &m);
    double h = gsi_entropy(ws, sum, m);
    double hn = ws->n > 1 ? h / ga_log((double)ws->n) : NAN;
    if (hn < 0.0)
        hn = 0.0;
    return cfg->dynatemp_min +
           (cfg->dynatemp_max - cfg->dynatemp_min) * ga_pow(hn, cfg->dynatemp_exponent);
}

void gsi_temperature(gsamp_workspace *ws, const gsamp_config *cfg, int greedy)
{
    double t;
    if (greedy)
        return;
    if (gsi_dynatemp_on(cfg)) {
        t = dynamic_temperature(ws, cfg);
    } else {
        if (cfg->temperature == 1.0)
            return;
        t = cfg->temperature;
    }
    if (!(t >= 1e-5))
        t = 1e-5;
    const float tf = gsi_to_float(t);
    if (ws->dense) {
        gsi_vdiv(ws->dl, ws->nd, tf);
        if (ws->bmax_ok) /* division by t > 0 is monotone: block maxima map exactly */
            gsi_vdiv(ws->bmax, ws->nblk, tf);
    } else {
        gsi_vdiv(ws->lg, ws->n, tf);
    }
}
