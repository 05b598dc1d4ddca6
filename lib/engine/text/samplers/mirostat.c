/*
 * Mirostat v2. Replaces the ordered samplers. With p the softmax of the current logits and
 * surprise s_i = -log2 p_i (bits): keep s_i <= mu (always the most probable token), draw
 * from the kept tokens renormalised, then mu <- mu - eta * (s_y - tau), where s_y is the
 * drawn token's surprise under the untruncated distribution. mu lives in gsamp_state
 * (2 * tau at gsamp_state_init).
 */
#include "util/detmath.h"
#include "engine/text/samplers/samplers_internal.h"

int32_t gsi_mirostat(gsamp_workspace *ws, const gsamp_config *cfg, gsamp_state *st, double u,
                     double *prob_out)
{
    float m;
    double sum;
    if (ws->dense) {
        /* softmax statistics straight from the vocabulary, then gather the kept tokens */
        m = gsi_max_logit(ws);
        if (!(m > -INFINITY)) {
            ws->dense = 0;
            ws->n = 0;
            return -1;
        }
        gsi_vexp(ws->dl, m, ws->w, ws->nd);
        sum = gsi_vsum(ws->w, ws->nd);
    } else {
        if (ws->n == 0)
            return -1;
        sum = gsi_weights(ws, &m);
    }
    const double ln_sum = ga_log(sum);
    const double mu = st->mirostat_mu;
    /* s_i = (ln S - (l_i - m)) / ln 2 <= mu  <=>  l_i >= m + ln S - mu ln 2 */
    float t = gsi_float_ceil((double)m + ln_sum - mu * GSI_LN2);
    gsi_keep_ge(ws, t < m ? t : m); /* the most probable token always stays */
    if (t > m) {
        size_t top = gsi_argmax(ws);
        ws->id[0] = ws->id[top];
        ws->lg[0] = ws->lg[top];
        ws->n = 1;
    }
    gsi_vexp(ws->lg, m, ws->w, ws->n);
    double total;
    const size_t j = gsi_draw_index(ws, ws->w, ws->n, u, &total);
    const double s_y = (ln_sum - ((double)ws->lg[j] - (double)m)) / GSI_LN2;
    st->mirostat_mu = mu - cfg->mirostat_eta * (s_y - cfg->mirostat_tau);
    if (prob_out)
        *prob_out = (double)ws->w[j] / total;
    return ws->id[j];
}
