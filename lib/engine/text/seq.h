/* Sampled sequences as resumable state (internal): the generation loop of one choice split
 * into begin (everything before the first token), step (one token) and finish (the gx_choice),
 * so the sequences of a request can be advanced in turn. gx_generate() and gx_gen (gen.h) are
 * built on these.
 *
 * What the sequences of one request share lives in a gx_run: the sampler configuration, the
 * limits and flags read from the parameters, and the vocabulary-sized scratch buffers (logits,
 * their raw copy, the sampler workspace, the guided mask), which are only in use while one
 * sequence takes its step. A gx_seq keeps only what persists between its steps: the context,
 * the text, logprobs and text ends, the DeepConf window, the sampler state (seed + index) and
 * the guided-decoding cursor. Nothing is shared between sequences that could make one depend on
 * another, so the order in which the sequences are stepped never changes a result. */
#ifndef GENAPI_ENGINE_TEXT_SEQ_H
#define GENAPI_ENGINE_TEXT_SEQ_H

#include "engine/text/engine.h"
#include "engine/text/samplers/samplers.h"
#include "util/buf.h"

/* Output text assembly: specials skipped or shown (spaced apart when asked), detokenize off. */
typedef struct gx_detok {
    int detokenize, skip_special, spaces;
    int prev_special;
} gx_detok;

typedef struct gx_run {
    const gx_text_engine *e;
    gx_gen_request req;    /* copy; what it points to is borrowed */
    ga_arena *ar;          /* results */
    gsamp_config cfg;
    size_t vocab;
    int64_t max_tokens;
    gx_detok detok;        /* initial detokenizer settings */
    int include_stop, ignore_eos;
    int64_t min_tokens;
    size_t longest_stop;   /* longest stop string; 0 when there is none */
    int deepconf;
    int64_t dc_window;
    double dc_threshold;
    size_t dc_ring;        /* confidences kept per sequence */
    int64_t n_top;         /* alternatives recorded per token (-1: none) */
    int need_lp;
    /* scratch, used by one sequence's step at a time */
    float *logits;
    float *raw;
    uint8_t *mask;
    gsamp_workspace *ws;
    uint64_t evaluations;  /* model evaluations so far */
} gx_run;

typedef struct gx_seq {
    uint64_t index;        /* sampler seed is req.seed + index */
    int64_t step;          /* tokens drawn so far */
    int done;              /* 1 once finished (out's finish fields are final) */
    int32_t *ctx;          /* prompt then output */
    size_t n_out, cap;     /* output tokens, and room for output tokens in ctx / lps / ends */
    gx_logprob *lps;       /* raw logprobs per token (when the run needs them) */
    size_t *ends;          /* text length after each token */
    ga_buf text;
    gx_detok detok;
    double *conf;          /* DeepConf confidences, a ring of run->dc_ring */
    double conf_sum;
    gsamp_state state;
    gd_cursor guided;
    gx_choice out;         /* finish fields and cum_logprob as generated */
    size_t settled;        /* tokens whose text span can no longer change (see gen.h) */
} gx_seq;

/* Read the request and allocate the shared scratch. On failure the run is released. */
genapi_status gx_run_init(gx_run *r, const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar,
                          genapi_error *err);
void gx_run_release(gx_run *r);

/* Sequence `index` before its first token. On failure the sequence is released. */
genapi_status gx_seq_begin(gx_run *r, gx_seq *s, uint64_t index, genapi_error *err);
/* One token: one model evaluation, the samplers, the stop rules. Sets s->done when the
 * sequence ended (nothing happens once done). */
genapi_status gx_seq_step(gx_run *r, gx_seq *s, genapi_error *err);
/* The choice of a finished sequence, in the run's arena. */
genapi_status gx_seq_finish(gx_run *r, const gx_seq *s, gx_choice *out, genapi_error *err);
/* The sequence as generated so far: tokens, text, logprobs and text ends point into s (valid
 * until its next step or release); s->settled says how many tokens are final. */
void gx_seq_view(const gx_run *r, const gx_seq *s, gx_choice *view);
void gx_seq_release(gx_run *r, gx_seq *s);

#endif
