/* Choosing the sequences a request returns: n samples, the best n of best_of samples, or n
 * beams of a beam search (internal). */
#ifndef GENAPI_ENGINE_SELECT_H
#define GENAPI_ENGINE_SELECT_H

#include "engine/text/engine.h"

/* The choices of a request, indexed 0..n-1; completion_tokens counts every generated token. */
genapi_status gx_generate_choices(const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar, gx_choice **out,
                                  size_t *n_out, int64_t *completion_tokens, genapi_error *err);

/* Beam search with `width` beams; fills out[0..width-1], best first. */
genapi_status gx_beam_search(const gx_text_engine *e, const gx_gen_request *req, size_t width, ga_arena *ar,
                             gx_choice *out, genapi_error *err);

/* Text, stop string and finish reason of a finished token sequence (beam search). */
genapi_status gx_finish_choice(const gx_text_engine *e, const gx_gen_request *req, const int32_t *tokens, size_t n,
                               const char *finish_reason, ga_arena *ar, gx_choice *c, genapi_error *err);

/* log-softmax at `id`, its rank and the n_top best tokens. 0, or -1 when out of memory. */
int gx_fill_logprob(const float *logits, size_t vocab, int32_t id, size_t n_top, ga_arena *ar, gx_logprob *out);

#endif
