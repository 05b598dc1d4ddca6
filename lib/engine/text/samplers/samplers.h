/*
 * Sampler pipeline of the reference text engine (internal).
 *
 * The engine produces raw logits for the whole vocabulary at each step; gsamp_sample() runs
 * the logits processors and the ordered samplers of Aphrodite (spec: shared/spec/samplers.md)
 * and draws one token. All state a sampler needs across steps lives in gsamp_state; all
 * scratch memory in gsamp_workspace, so a step allocates nothing.
 */
#ifndef GENAPI_ENGINE_SAMPLERS_H
#define GENAPI_ENGINE_SAMPLERS_H

#include <stddef.h>
#include <stdint.h>

/* Sampler ids of sampler_priority (values as Aphrodite's SamplerID). */
enum {
    GSAMP_TOP_P_TOP_K = 0, GSAMP_TOP_A = 1, GSAMP_MIN_P = 2, GSAMP_TFS = 3, GSAMP_TYPICAL_P = 4,
    GSAMP_TEMPERATURE = 5, GSAMP_PENALTIES = 6, GSAMP_DRY = 7, GSAMP_NO_REPEAT_NGRAM = 8,
    GSAMP_TOP_NSIGMA = 9, GSAMP_ETA_CUTOFF = 10, GSAMP_EPSILON_CUTOFF = 11, GSAMP_QUADRATIC = 12,
    GSAMP_XTC = 13, GSAMP_COUNT = 14
};

/* A banned range: tokens banned while start <= n_output < start + length. */
typedef struct gsamp_ban_range {
    const int32_t *tokens;
    size_t n_tokens;
    int64_t start, length;
} gsamp_ban_range;

/* A banned token sequence (bad_words / banned phrases): when the output ends with
 * seq[0..n-2], seq[n-1] is banned. */
typedef struct gsamp_seq {
    const int32_t *ids;
    size_t n;
} gsamp_seq;

/* Every sampling setting, in engine form (already validated and defaulted).
 * gsamp_config_defaults() gives the "everything disabled, temperature 1" config. */
typedef struct gsamp_config {
    double temperature;          /* < 1e-5 => greedy */
    double dynatemp_min, dynatemp_max, dynatemp_exponent;
    int temperature_last;
    int64_t top_k;               /* <= 0 or >= vocab: off */
    double top_p, min_p, top_a, tfs, eta_cutoff, epsilon_cutoff, typical_p;
    double smoothing_factor, smoothing_curve;
    double xtc_threshold, xtc_probability;
    double nsigma, skew;
    int mirostat_mode;           /* 0 or 2 */
    double mirostat_tau, mirostat_eta;
    double presence_penalty, frequency_penalty, repetition_penalty;
    int64_t no_repeat_ngram_size;
    double dry_multiplier, dry_base;
    int64_t dry_allowed_length, dry_range, dry_max_ngram, dry_max_occurrences, dry_early_exit_match_len;
    const int32_t *dry_breakers; size_t n_dry_breakers;
    const int32_t *order; size_t n_order; /* NULL => default order (temperature_last honoured) */
    /* logits processors */
    const int32_t *allowed; size_t n_allowed;          /* NULL => all allowed */
    const int32_t *bias_ids; const float *bias_values; size_t n_bias;
    const gsamp_seq *banned_seqs; size_t n_banned_seqs; /* bad_words + banned phrases */
    const int32_t *custom_bans; size_t n_custom_bans;
    const gsamp_ban_range *ban_ranges; size_t n_ban_ranges;
    int64_t min_tokens;
    const int32_t *stop_ids; size_t n_stop_ids;        /* EOS + stop_token_ids (masked by min_tokens) */
    int ignore_eos; int32_t eos_id;                    /* not read by the sampler: ignore_eos only means
                                                          EOS does not stop generation (engine side) */
} gsamp_config;

/* Per-sequence state carried across steps. */
typedef struct gsamp_state {
    uint64_t seed;      /* request seed (+ i for the i-th of n) */
    uint64_t step;      /* index of the token being drawn; advanced by gsamp_sample */
    double mirostat_mu; /* initialised to 2*tau by gsamp_state_init */
} gsamp_state;

/* Token history the penalties / DRY / ngram samplers look at. */
typedef struct gsamp_history {
    const int32_t *prompt; size_t n_prompt;
    const int32_t *output; size_t n_output;
} gsamp_history;

typedef struct gsamp_workspace gsamp_workspace;

void gsamp_config_defaults(gsamp_config *cfg);
void gsamp_state_init(gsamp_state *st, const gsamp_config *cfg, uint64_t seed);

/* Scratch for a vocabulary of n_vocab tokens; alloc/free through the given hooks
 * (NULL hooks: malloc/free). One workspace serves one gsamp_sample call at a time. */
gsamp_workspace *gsamp_workspace_new(size_t n_vocab, void *(*alloc_fn)(size_t, void *),
                                     void (*free_fn)(void *, void *), void *user);
void gsamp_workspace_free(gsamp_workspace *ws);

/* Run the whole pipeline on `logits` (n_vocab entries, modified in place) and draw a token.
 * Returns the token id, or -1 if every token was masked out. If probs_out is non-NULL it
 * receives the final probability of the chosen token. */
int32_t gsamp_sample(const gsamp_config *cfg, gsamp_state *st, float *logits, size_t n_vocab,
                     const gsamp_history *hist, gsamp_workspace *ws, double *prob_out);

/* Deterministic uniform in [0,1) for (seed, step, stream): counter-based, platform-independent. */
double gsamp_uniform(uint64_t seed, uint64_t step, uint32_t stream);

/* Streams of gsamp_uniform used by gsamp_sample (domain separation: enabling XTC does not
 * shift the token draws). */
enum { GSAMP_STREAM_DRAW = 0, GSAMP_STREAM_XTC = 1 };

/* The sampler order gsamp_sample runs for cfg (cfg->order if given, else the default order
 * with temperature_last honoured). Writes up to cap ids to out; returns the full count. */
size_t gsamp_effective_order(const gsamp_config *cfg, int32_t *out, size_t cap);

/* The candidate set left by the last gsamp_sample call on ws, just before the draw: surviving
 * token ids (ascending) and their final logits (after every sampler, before skew). For
 * mirostat it is the set mirostat kept. Valid until the next call on ws; returns the count. */
size_t gsamp_workspace_candidates(const gsamp_workspace *ws, const int32_t **ids,
                                  const float **logits);

#endif
