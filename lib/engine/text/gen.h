/* Generation in bounded steps (internal): the choices of one prompt (n samples, the best n of
 * best_of, or beam search) advanced one unit of work at a time, so a caller can interleave
 * many generations, stream tokens as they are made, and stop at any step.
 *
 * gx_generate_choices() (select.h) is begin + step until done + end: there is one generation
 * code path. Results are identical whatever the caller does between steps. */
#ifndef GENAPI_ENGINE_TEXT_GEN_H
#define GENAPI_ENGINE_TEXT_GEN_H

#include "engine/text/engine.h"

typedef struct gx_gen gx_gen;

/* Prepare the generation of every choice of req (validated; everything borrowed by req must
 * outlive the gx_gen). Results and partial views live in `ar`. No token is generated yet. */
genapi_status gx_gen_begin(const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar, gx_gen **out,
                           genapi_error *err);

/* One unit of work: the next token of every unfinished sampled choice (round robin, so the
 * choices advance together), or one step of a beam search. Its cost is bounded by one model
 * evaluation per running sequence. Returns 1 when everything is finished, 0 when work remains,
 * or a negative status with err filled. */
int gx_gen_step(gx_gen *g, genapi_error *err);

/* 1 when choices can be streamed token by token (plain sampling), 0 for best_of > n and beam
 * search, whose choices are known only at the end. */
int gx_gen_incremental(const gx_gen *g);

/* Number of choices the request returns (n). */
size_t gx_gen_choice_count(const gx_gen *g);

/* Choice i as generated so far (incremental generations only). tokens, logprobs and
 * text_ends are valid for the first *settled tokens: tokens whose text span can no longer
 * change (a stop string found later may still cut text after them). *finished is 1 once the
 * choice ended; its view is then final (text cut, finish_reason and stop fields set, and
 * *settled == n_tokens). The view is valid until the next gx_gen_step or gx_gen_free. */
const gx_choice *gx_gen_choice(const gx_gen *g, size_t i, size_t *settled, int *finished);

/* The final choices (after gx_gen_step returned 1), exactly as gx_generate_choices gives them;
 * memory in the arena given to gx_gen_begin. */
genapi_status gx_gen_end(gx_gen *g, gx_choice **out, size_t *n_out, int64_t *completion_tokens, genapi_error *err);

/* Free the working state (not the arena's results). NULL is ignored. Stopping early is
 * freeing before the end. */
void gx_gen_free(gx_gen *g);

#endif
