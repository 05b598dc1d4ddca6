/* Generation in bounded steps (internal): the choices of one prompt (n samples, the best n of
 * best_of, or beam search) advanced one unit of work at a time, so a caller can interleave
 * many generations, stream tokens as they are made, and stop at any step.
 *
 * gx_generate_choices() (select.h) is begin + step until done + end: there is one generation
 * code path. Results are identical whatever the caller does between steps, and whatever other
 * generations it steps in between: each sequence has its own sampler state (seed + index) and
 * its own guided-decoding cursor; the sequences of one gx_gen share only scratch buffers.
 *
 * Not thread-safe: one gx_gen is stepped by one thread at a time, and generations that share a
 * guided constraint (gx_gen_request.guided) must be stepped by the same thread. Different
 * gx_gens over one engine may run on different threads (the engine is read-only). */
#ifndef GENAPI_ENGINE_TEXT_GEN_H
#define GENAPI_ENGINE_TEXT_GEN_H

#include "engine/text/engine.h"

typedef struct gx_gen gx_gen;

/* Prepare the generation of every choice of req (validated; everything borrowed by req must
 * outlive the gx_gen; the request struct itself is copied). Results and partial views live in
 * `ar`, working state on the engine's allocator. No token is generated yet. Request errors that
 * need no generation (beam search with guided decoding, max_tokens too small for the
 * structured output) are reported here. */
genapi_status gx_gen_begin(const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar, gx_gen **out,
                           genapi_error *err);

/* One unit of work: the next token of every unfinished sampled sequence (round robin, so the
 * choices advance together; best_of > n samples all best_of sequences), or one step of a beam
 * search (every live beam extended by one token). Its cost is bounded by one model evaluation
 * per running sequence. Returns 1 when everything is finished (then and on any later call), 0
 * when work remains, or a negative status with err filled (later calls fail the same way). */
int gx_gen_step(gx_gen *g, genapi_error *err);

/* 1 when choices can be streamed token by token (plain sampling), 0 for best_of > n and beam
 * search, whose choices are known only at the end. */
int gx_gen_incremental(const gx_gen *g);

/* Number of choices the request returns (n). */
size_t gx_gen_choice_count(const gx_gen *g);

/* Choice i (< gx_gen_choice_count; else NULL) as generated so far.
 *
 * Incremental generations: tokens, logprobs, text_ends and cum_logprob cover the n_tokens
 * generated so far, text the text so far; the first *settled tokens are final: their ids,
 * logprobs and text ends will not change, nor will text[0 .. text_ends[*settled - 1]). Only a
 * stop string can change text already made (the text is cut where the stop string starts):
 * after a token, a stop string found later starts at or after text_len + 1 - L (or 0), L the
 * length of the longest stop string, so the tokens whose text end is <= text_len + 1 - L are
 * settled.
 * Without stop strings every generated token is settled at once. finish_reason is NULL until
 * the choice ends; *finished is then 1 and the view is final (text cut, text ends capped at
 * text_len, finish_reason and stop fields set, *settled == n_tokens), the same struct
 * gx_gen_end returns.
 *
 * Other generations: an empty view (no tokens, text "", *settled 0, *finished 0) until
 * gx_gen_step returned 1, then the final choice.
 *
 * An unfinished view is valid until the next gx_gen_step or gx_gen_free; a finished one lives
 * in the arena. */
const gx_choice *gx_gen_choice(const gx_gen *g, size_t i, size_t *settled, int *finished);

/* Model evaluations made so far (every running sequence costs one per step). */
uint64_t gx_gen_evaluations(const gx_gen *g);

/* The final choices (after gx_gen_step returned 1), exactly as gx_generate_choices gives them;
 * memory in the arena given to gx_gen_begin. completion_tokens counts every generated token
 * (all best_of sequences). */
genapi_status gx_gen_end(gx_gen *g, gx_choice **out, size_t *n_out, int64_t *completion_tokens, genapi_error *err);

/* Free the working state (not the arena's results). NULL is ignored. Stopping early is
 * freeing before the end. */
void gx_gen_free(gx_gen *g);

#endif
