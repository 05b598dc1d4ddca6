/*
 * Repetition, frequency and presence penalties (one application per step, at the PENALTIES
 * slot). Cost is proportional to the history, never to the vocabulary: the history is
 * counted into the per-token scratch (only touched entries are cleared afterwards).
 *
 *   repetition r, token in prompt or output:  l > 0 ? l / r : l * r
 *   then frequency f and presence q, output tokens with count c > 0:  l - f*c - q
 */
#include "engine/text/samplers/samplers_internal.h"

static void penalise(gsamp_workspace *ws, float *slot, uint32_t info, double r, int use_rep,
                     double f, double q)
{
    double v = (double)*slot;
    if (use_rep)
        v = v > 0.0 ? v / r : v * r;
    uint32_t c = info & GSI_TOK_VAL;
    if (c > 0) {
        v -= f * (double)c;
        v -= q;
    }
    gsi_set(ws, slot, gsi_to_float(v));
}

void gsi_penalties(gsamp_workspace *ws, const gsamp_config *cfg, const gsamp_history *h)
{
    const double r = cfg->repetition_penalty, f = cfg->frequency_penalty,
                 q = cfg->presence_penalty;
    const int use_rep = r > 0.0 && r != 1.0;
    if (!h || (!use_rep && f == 0.0 && q == 0.0))
        return;
    if (!ws->dense && ws->n == 0)
        return;
    for (size_t i = 0; i < h->n_prompt; i++)
        if (gsi_valid_id(ws, h->prompt[i]))
            gsi_mark(ws, h->prompt[i], GSI_TOK_FLAG);
    for (size_t i = 0; i < h->n_output; i++) {
        int32_t t = h->output[i];
        if (!gsi_valid_id(ws, t))
            continue;
        gsi_mark(ws, t, GSI_TOK_FLAG);
        if ((ws->tok[t] & GSI_TOK_VAL) != GSI_TOK_VAL)
            ws->tok[t]++;
    }
    if (!ws->dense && ws->n < 4 * ws->n_touched) {
        /* few candidates left: walk them instead of searching for every history token */
        for (size_t i = 0; i < ws->n; i++) {
            uint32_t info = ws->tok[ws->id[i]];
            if (info)
                penalise(ws, &ws->lg[i], info, r, use_rep, f, q);
        }
    } else {
        for (size_t i = 0; i < ws->n_touched; i++) {
            int32_t t = ws->touched[i];
            float *p = gsi_find(ws, t);
            if (p)
                penalise(ws, p, ws->tok[t], r, use_rep, f, q);
        }
    }
    gsi_mark_reset(ws);
    gsi_prune(ws);
}
