/* Choosing the sequences a request returns: n samples, the best n of best_of samples, or n
 * beams of a beam search (internal). */
#ifndef GENAPI_ENGINE_SELECT_H
#define GENAPI_ENGINE_SELECT_H

#include "engine/text/engine.h"

/* The choices of a request, indexed 0..n-1; completion_tokens counts every generated token. */
genapi_status gx_generate_choices(const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar, gx_choice **out,
                                  size_t *n_out, int64_t *completion_tokens, genapi_error *err);

/* Beam search with `width` beams, one step at a time: begin, gx_beam_step until it returns 1
 * (a step evaluates the model once per live beam; < 0 is an error status), then
 * gx_beam_finish fills out[0..width-1], best first. Results live in `ar`; gx_beam_free
 * releases the working state (at any point). */
typedef struct gx_beam_search gx_beam_search;
genapi_status gx_beam_begin(const gx_text_engine *e, const gx_gen_request *req, size_t width, ga_arena *ar,
                            gx_beam_search **out, genapi_error *err);
int gx_beam_step(gx_beam_search *b, genapi_error *err);
genapi_status gx_beam_finish(gx_beam_search *b, gx_choice *out, genapi_error *err);
/* Model evaluations made so far. */
uint64_t gx_beam_evaluations(const gx_beam_search *b);
void gx_beam_free(gx_beam_search *b);

/* Text, stop string and finish reason of a finished token sequence (beam search). */
genapi_status gx_finish_choice(const gx_text_engine *e, const gx_gen_request *req, const int32_t *tokens, size_t n,
                               const char *finish_reason, ga_arena *ar, gx_choice *c, genapi_error *err);

/* log-softmax at `id`, its rank and the n_top best tokens (in the arena). 0, or -1 when out of
 * memory. */
int gx_fill_logprob(const float *logits, size_t vocab, int32_t id, size_t n_top, ga_arena *ar, gx_logprob *out);
/* The same with the best tokens written to top[0..n_top-1] (out->top = top). */
void gx_fill_logprob_into(const float *logits, size_t vocab, int32_t id, size_t n_top, gx_top *top,
                          gx_logprob *out);

#endif
