/* The reference text engine: tokenizer + model + sampler pipeline + stopping rules. */
#ifndef GENAPI_ENGINE_TEXT_ENGINE_H
#define GENAPI_ENGINE_TEXT_ENGINE_H

#include <genapi/text_params.h>

#include "engine/text/guided/guided.h"
#include "engine/text/model.h"
#include "engine/text/tokenizer.h"
#include "util/alloc.h"

#define GX_MAX_MODEL_LEN 4096

typedef struct gx_text_engine {
    ga_alloc alloc;
    gx_tokenizer *tok;
    gx_model *model;
    size_t max_model_len;
    float *adapter; /* the LoRA adapter's logit offsets at multiplier 1 */
    gd_vocab gd_vocab;          /* the vocabulary as guided decoding sees it */
    const char **gd_pieces;
    size_t *gd_piece_len;
    uint8_t *gd_special;
} gx_text_engine;

/* The constraint a request asks for (guided_*, structured_outputs, guided_decoding,
 * response_format), or *out = NULL when none; an error names the parameter. */
genapi_status gx_guided_compile(const gx_text_engine *e, const genapi_text_params *p, gd_constraint **out,
                                genapi_error *err);
/* A JSON Schema (text) compiled as a constraint, e.g. a tool's parameters; errors name param. */
genapi_status gx_guided_compile_schema(const gx_text_engine *e, const char *schema_json, const char *param,
                                       gd_constraint **out, genapi_error *err);

/* Logit offsets of the reference LoRA adapter ("genapi-ref-lora") at multiplier 1: it favours
 * words of nature and weather. */
const float *gx_adapter_weights(const gx_text_engine *e);

/* Build from the embedded corpus. */
gx_text_engine *gx_text_engine_new(const ga_alloc *a);
void gx_text_engine_free(gx_text_engine *e);

/* Chat template: for each message "<|im_start|>role\ncontent<|im_end|>\n", then, if
 * add_generation_prompt, "<|im_start|>assistant\n". Appends to *ids. */
typedef struct gx_message {
    const char *role;
    const char *content;
} gx_message;
int gx_apply_chat_template(const gx_text_engine *e, const gx_message *msgs, size_t n, int add_generation_prompt,
                           int32_t **ids, size_t *n_ids, size_t *cap);

/* Log-probability of one token, with the most likely alternatives (raw model distribution,
 * before any sampler, as the servers report by default). */
typedef struct gx_top {
    int32_t id;
    float logprob;
} gx_top;

typedef struct gx_logprob {
    int32_t id;
    float logprob;
    int64_t rank;   /* 1 = most likely; -1: no logprob (first prompt token) */
    gx_top *top;    /* n_top most likely tokens, best first */
    size_t n_top;
} gx_logprob;

/* One generated sequence. Memory from the arena given to gx_generate. */
typedef struct gx_choice {
    int32_t *tokens;
    size_t n_tokens;
    char *text;
    size_t text_len;
    const char *finish_reason; /* "stop" or "length" (static) */
    int stop_kind;             /* 0 none, 1 token, 2 string */
    int64_t stop_token;
    const char *stop_string;
    gx_logprob *logprobs;      /* one per token when the request asked for logprobs, else NULL */
    size_t *text_ends;         /* text length after each token (for streaming deltas), capped at text_len */
    double cum_logprob;        /* sum of the raw logprobs of the tokens */
} gx_choice;

typedef struct gx_gen_request {
    const int32_t *prompt;
    size_t n_prompt;
    const genapi_text_params *params; /* validated */
    int64_t default_max_tokens;       /* used when max_tokens is unset; <= 0 = fill the context */
    const uint8_t *topic;             /* vocab-sized topic marks, or NULL */
    uint64_t seed;                    /* resolved seed (random when the request had none) */
    int64_t top_logprobs;             /* -1: no logprobs; else alternatives per token (0..20) */
    int score;                        /* compute cum_logprob even without logprobs (best_of) */
    const float *adapter;             /* vocab-sized logit offsets of a LoRA adapter, or NULL */
    gd_constraint *guided;            /* output constraint, or NULL: shared by the choices, each of
                                         which keeps its own gd_cursor (its own position unused) */
} gx_gen_request;

/* Raw logprobs of prompt[1..n-1] given their prefixes (entry 0 has no logprob: rank -1). */
genapi_status gx_prompt_logprobs(const gx_text_engine *e, const int32_t *prompt, size_t n, size_t n_top, ga_arena *ar,
                                 gx_logprob **out, genapi_error *err);
/* Entry i of gx_prompt_logprobs alone (one model evaluation): logits is vocab-sized scratch, the
 * alternatives go to ar. */
genapi_status gx_prompt_logprob_at(const gx_text_engine *e, const int32_t *prompt, size_t i, size_t n_top,
                                   float *logits, ga_arena *ar, gx_logprob *out, genapi_error *err);

/* Text of a token as shown in logprobs: valid UTF-8 (invalid bytes become U+FFFD). */
char *gx_token_text(const gx_text_engine *e, int32_t id, ga_arena *ar);

/* Server-side checks that need the vocabulary or the prompt (token ids in range, context
 * length); fills err with param and a vLLM-style message. */
genapi_status gx_check_request(const gx_text_engine *e, const genapi_text_params *p, size_t n_prompt,
                               genapi_error *err);

/* Apply truncate_prompt_tokens: keep the last k tokens. Returns the new length. */
size_t gx_truncate_prompt(const gx_text_engine *e, const genapi_text_params *p, const int32_t **prompt, size_t n);

/* Generate choice `index` (seed + index) in one call: the steps of seq.h run to the end. */
genapi_status gx_generate(const gx_text_engine *e, const gx_gen_request *req, uint64_t index, ga_arena *ar,
                          gx_choice *out, genapi_error *err);

/* Mark the word tokens of `text` that are rare enough to be topical. Returns 0, or -1 when out
 * of memory. */
int gx_mark_topic(const gx_text_engine *e, const char *text, uint8_t *topic);

#endif
