/*
 * Defaults, per-sequence state and the effective sampler order.
 */
#include "engine/text/samplers/samplers_internal.h"

void gsamp_config_defaults(gsamp_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->temperature = 1.0;
    cfg->dynatemp_min = 0.0;
    cfg->dynatemp_max = 0.0;
    cfg->dynatemp_exponent = 1.0;
    cfg->top_k = 0;
    cfg->top_p = 1.0;
    cfg->min_p = 0.0;
    cfg->top_a = 0.0;
    cfg->tfs = 1.0;
    cfg->eta_cutoff = 0.0;
    cfg->epsilon_cutoff = 0.0;
    cfg->typical_p = 1.0;
    cfg->smoothing_factor = 0.0;
    cfg->smoothing_curve = 1.0;
    cfg->xtc_threshold = 0.1;
    cfg->xtc_probability = 0.0;
    cfg->nsigma = 0.0;
    cfg->skew = 0.0;
    cfg->mirostat_mode = 0;
    cfg->mirostat_tau = 0.0;
    cfg->mirostat_eta = 0.0;
    cfg->presence_penalty = 0.0;
    cfg->frequency_penalty = 0.0;
    cfg->repetition_penalty = 1.0;
    cfg->no_repeat_ngram_size = 0;
    cfg->dry_multiplier = 0.0;
    cfg->dry_base = 1.75;
    cfg->dry_allowed_length = 2;
    cfg->dry_range = 0;
    cfg->dry_max_ngram = 12;
    cfg->dry_max_occurrences = 8;
    cfg->dry_early_exit_match_len = 8;
    cfg->min_tokens = 0;
    cfg->ignore_eos = 0;
    cfg->eos_id = -1;
}

void gsamp_state_init(gsamp_state *st, const gsamp_config *cfg, uint64_t seed)
{
    st->seed = seed;
    st->step = 0;
    st->mirostat_mu = cfg ? 2.0 * cfg->mirostat_tau : 0.0;
}

static const int32_t default_order[GSAMP_COUNT] = {
    GSAMP_DRY,         GSAMP_PENALTIES, GSAMP_NO_REPEAT_NGRAM, GSAMP_TEMPERATURE,
    GSAMP_TOP_NSIGMA,  GSAMP_TOP_P_TOP_K, GSAMP_TOP_A,         GSAMP_MIN_P,
    GSAMP_TFS,         GSAMP_ETA_CUTOFF, GSAMP_EPSILON_CUTOFF, GSAMP_TYPICAL_P,
    GSAMP_QUADRATIC,   GSAMP_XTC,
};

size_t gsamp_effective_order(const gsamp_config *cfg, int32_t *out, size_t cap)
{
    size_t n = 0;
    if (cfg && cfg->order && cfg->n_order > 0) {
        for (size_t i = 0; i < cfg->n_order; i++) {
            int32_t s = cfg->order[i];
            if (s < 0 || s >= GSAMP_COUNT)
                continue;
            if (n < cap)
                out[n] = s;
            n++;
        }
        return n;
    }
    int last = cfg && cfg->temperature_last;
    for (size_t i = 0; i < GSAMP_COUNT; i++) {
        int32_t s = default_order[i];
        if (last && s == GSAMP_TEMPERATURE)
            continue;
        if (n < cap)
            out[n] = s;
        n++;
    }
    if (last) {
        if (n < cap)
            out[n] = GSAMP_TEMPERATURE;
        n++;
    }
    return n;
}
