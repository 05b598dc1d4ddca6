/*
 * Mirostat v2. Replaces the ordered samplers. With p the softmax of the current logits and
 * surprise s_i = -log2 p_i (bits): keep s_i <= mu (always the most probable token), draw
 * from the kept tokens renormalised, then mu <- mu - eta * (s_y - tau), where s_y is the
 * drawn token's surprise under the untruncated distribution. mu lives in gsamp_state
 * (2 * tau at gsamp_state_init).
 */
#include "engine/text/samplers/samplers_internal.h"

int32_t gsi_mirostat(gsamp_workspace *ws, const gsamp_config *cfg, gsamp_state *st, double u,
                     double *prob_out)
{
    gsi_compact_all(ws);
    if (ws->n == 0)
        return -1;
    float m;
    const double ln_sum = log(gsi_weights(ws, &m));
    const double mu = st->mirostat_mu;
    const size_t top = gsi_argmax(ws);
    size_t k = 0;
    for (size_t i = 0; i < ws->n; i++) {
        double s = (ln_sum - ((double)ws->lg[i] - (double)m)) / GSI_LN2;
        if (i == top || s <= mu) {
            ws->id[k] = ws->id[i];
            ws->lg[k] = ws->lg[i];
            ws->w[k] = ws->w[i];
            k++;
        }
    }
    ws->n = k;
    double total;
    size_t j = gsi_draw_index(ws, ws->w, k, u, &total);
    double s_y = (ln_sum - ((double)ws->lg[j] - (double)m)) / GSI_LN2;
    st->mirostat_mu = mu - cfg->mirostat_eta * (s_y - cfg->mirostat_tau);
    if (prob_out)
        *prob_out = (double)ws->w[j] / total;
    return ws->id[j];
}
