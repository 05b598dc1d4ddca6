/*
 * gsamp_sample: logits processors, then either mirostat v2 or the ordered samplers, then
 * the draw. See doc/samplers.md for the order and every formula.
 */
#include "engine/text/samplers/samplers_internal.h"

static void run_sampler(gsamp_workspace *ws, const gsamp_config *cfg, const gsamp_state *st,
                        const gsamp_history *h, int32_t id, int greedy)
{
    switch (id) {
    case GSAMP_DRY:
        gsi_dry(ws, cfg, h);
        break;
    case GSAMP_PENALTIES:
        gsi_penalties(ws, cfg, h);
        break;
    case GSAMP_NO_REPEAT_NGRAM:
        gsi_no_repeat_ngram(ws, cfg, h);
        break;
    case GSAMP_TEMPERATURE:
        gsi_temperature(ws, cfg, greedy);
        break;
    case GSAMP_TOP_NSIGMA:
        if (cfg->nsigma > 0.0)
            gsi_top_nsigma(ws, cfg->nsigma);
        break;
    case GSAMP_TOP_P_TOP_K:
        gsi_top_k(ws, cfg->top_k);
        if (cfg->top_p < 1.0 - 1e-5)
            gsi_top_p(ws, cfg->top_p);
        break;
    case GSAMP_TOP_A:
        if (cfg->top_a > 0.0)
            gsi_top_a(ws, cfg->top_a);
        break;
    case GSAMP_MIN_P:
        if (cfg->min_p > 1e-5)
            gsi_min_p(ws, cfg->min_p);
        break;
    case GSAMP_TFS:
        if (cfg->tfs < 1.0 - 1e-5)
            gsi_tfs(ws, cfg->tfs);
        break;
    case GSAMP_ETA_CUTOFF:
        if (cfg->eta_cutoff > 0.0)
            gsi_eta_cutoff(ws, cfg->eta_cutoff);
        break;
    case GSAMP_EPSILON_CUTOFF:
        if (cfg->epsilon_cutoff > 0.0)
            gsi_epsilon_cutoff(ws, cfg->epsilon_cutoff);
        break;
    case GSAMP_TYPICAL_P:
        if (cfg->typical_p < 1.0 - 1e-5)
            gsi_typical_p(ws, cfg->typical_p);
        break;
    case GSAMP_QUADRATIC:
        if (cfg->smoothing_factor > 0.0)
            gsi_quadratic(ws, cfg->smoothing_factor, cfg->smoothing_curve);
        break;
    case GSAMP_XTC:
        if (cfg->xtc_probability > 0.0)
            gsi_xtc(ws, cfg->xtc_threshold, cfg->xtc_probability,
                    gsamp_uniform(st->seed, st->step, GSAMP_STREAM_XTC));
        break;
    default:
        break;
    }
}

static int set_is_empty(const gsamp_workspace *ws)
{
    return !ws->dense && ws->n == 0;
}

int32_t gsamp_sample(const gsamp_config *cfg, gsamp_state *st, float *logits, size_t n_vocab,
                     const gsamp_history *hist, gsamp_workspace *ws, double *prob_out)
{
    if (prob_out)
        *prob_out = 0.0;
    if (!cfg || !st || !logits || !ws || n_vocab == 0 || n_vocab > ws->n_vocab)
        return -1;
    gsi_begin(ws, logits, n_vocab);
    gsi_logits_processors(ws, cfg, hist);
    const double u = gsamp_uniform(st->seed, st->step, GSAMP_STREAM_DRAW);
    int32_t token;
    if (cfg->mirostat_mode == 2) {
        /* the repetition penalties act before mirostat, as on the server; every ordered
         * sampler (DRY, temperature, truncation, ...) is replaced */
        gsi_penalties(ws, cfg, hist);
        token = gsi_mirostat(ws, cfg, st, u, prob_out);
    } else {
        const int greedy = gsi_is_greedy(cfg);
        int32_t order[GSAMP_COUNT + 1];
        const int32_t *seq = order;
        size_t n_seq;
        if (cfg->order && cfg->n_order > 0) {
            seq = cfg->order;
            n_seq = cfg->n_order;
        } else {
            n_seq = gsamp_effective_order(cfg, order, GSAMP_COUNT + 1);
        }
        for (size_t i = 0; i < n_seq && !set_is_empty(ws); i++)
            run_sampler(ws, cfg, st, hist, seq[i], greedy);
        token = gsi_draw(ws, cfg->skew, greedy, u, prob_out);
    }
    st->step++;
    return token;
}
