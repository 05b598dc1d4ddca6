/*
 * Guided (constrained) decoding for the reference text engine (internal).
 *
 * A gd_constraint is compiled once per request from guided_choice, guided_regex or a JSON
 * schema (guided_json / response_format json_schema / structured_outputs.json), or the
 * "any JSON object" grammar (response_format json_object). During generation the engine asks,
 * at each step, which tokens may come next (gd_allowed), and reports the token it chose
 * (gd_advance). Everything is byte-level: a token is allowed iff its bytes can extend the
 * output so far to a prefix of some string of the language. EOS is allowed iff the output so
 * far is a complete string of the language.
 */
#ifndef GENAPI_ENGINE_GUIDED_H
#define GENAPI_ENGINE_GUIDED_H

#include <stddef.h>
#include <stdint.h>

#include <genapi/error.h>

/* The vocabulary as the constraint sees it: bytes of each token; special tokens have
 * is_special set and are never allowed except eos_id (when complete). */
typedef struct gd_vocab {
    size_t n;
    const char *const *piece;   /* piece[i] bytes (not NUL-terminated necessarily) */
    const size_t *piece_len;
    const uint8_t *is_special;
    int32_t eos_id;
} gd_vocab;

typedef struct gd_constraint gd_constraint;

typedef struct gd_alloc_hooks {
    void *(*malloc_fn)(size_t, void *);
    void (*free_fn)(void *, void *);
    void *user;
} gd_alloc_hooks;

/* Compile. On failure return NULL and fill err (status GENAPI_E_INVALID_ARG, err->param set to
 * `param_name`, message naming the offending schema keyword / regex construct, e.g.
 * "guided_json: unsupported JSON Schema keyword 'patternProperties'", or "guided_regex: the
 * pattern matches no string"). */
gd_constraint *gd_compile_choice(const gd_alloc_hooks *a, const gd_vocab *v, const char *const *choices,
                                 size_t n, const char *param_name, genapi_error *err);
gd_constraint *gd_compile_regex(const gd_alloc_hooks *a, const gd_vocab *v, const char *pattern,
                                const char *param_name, genapi_error *err);
gd_constraint *gd_compile_json_schema(const gd_alloc_hooks *a, const gd_vocab *v, const char *schema_json,
                                      const char *param_name, genapi_error *err);
gd_constraint *gd_compile_json_object(const gd_alloc_hooks *a, const gd_vocab *v, const char *param_name,
                                      genapi_error *err);
void gd_free(gd_constraint *c);

/* Reset to the start state (a constraint is reused for each of n choices). */
void gd_reset(gd_constraint *c);
/* Fill mask[0..v->n-1] with 1 for allowed tokens and 0 otherwise; returns how many are allowed. */
size_t gd_allowed(gd_constraint *c, uint8_t *mask);
/* Advance by a token that gd_allowed permitted. Returns 0, or -1 if it was not allowed. */
int gd_advance(gd_constraint *c, int32_t token);
/* 1 if the output so far is a complete string of the language. */
int gd_complete(const gd_constraint *c);

/* ---- additions (guided decoding implementation) -------------------------------------------- */
/*
 * Notes on the functions above (details and the supported subsets: doc/guided.md):
 * - `a` may be NULL (or have both hooks NULL): the C library allocator is used. Otherwise both
 *   hooks must be set; every allocation of the constraint goes through them (the only
 *   exception: json-c's own objects while a schema is being compiled, freed before return).
 * - The vocabulary is borrowed: it must outlive the constraint. Set eos_id to the token that
 *   ends the output for this request (e.g. <|im_end|> in chat); is_special may be NULL.
 * - A constraint is used by one request at a time (not thread-safe); no global state, so
 *   different constraints may be used from different threads.
 * - gd_allowed caches the allowed set per automaton state: gd_reset keeps those caches, so
 *   reusing one constraint for the n choices of a request is cheaper than compiling n times.
 * - After EOS was accepted by gd_advance, gd_allowed allows nothing and gd_complete is 1.
 */

/* ---- cursors: several outputs over one constraint ------------------------------------------- */
/*
 * A constraint holds the compiled automaton, its lazily built states and the per-state caches
 * of allowed tokens, plus one position (the one gd_reset / gd_allowed / gd_advance use). A
 * gd_cursor is a position alone: outputs generated side by side (the n choices of a request,
 * advanced in turn) each keep a cursor and share one constraint, so every cache filled for one
 * output serves the others. The results for a cursor are exactly those of the constraint's own
 * position after the same tokens (the caches depend only on the automaton state).
 *
 * A cursor is a plain value (copy it freely); it is only valid with the constraint that
 * started it. The cursor functions still update the constraint (automaton states are built on
 * demand, masks cached), so all cursors of one constraint must be used by one thread at a time,
 * like the constraint itself.
 */
typedef struct gd_cursor {
    int32_t state; /* automaton state */
    int finished;  /* EOS was accepted */
} gd_cursor;

/* The start position (as after gd_reset). */
void gd_cursor_start(const gd_constraint *c, gd_cursor *cur);
/* gd_allowed, gd_advance, gd_complete, gd_min_remaining and gd_min_remaining_after at `cur`. */
size_t gd_cursor_allowed(gd_constraint *c, const gd_cursor *cur, uint8_t *mask);
int gd_cursor_advance(gd_constraint *c, gd_cursor *cur, int32_t token);
int gd_cursor_complete(const gd_constraint *c, const gd_cursor *cur);
size_t gd_cursor_min_remaining(const gd_constraint *c, const gd_cursor *cur);
size_t gd_cursor_min_remaining_after(gd_constraint *c, const gd_cursor *cur, int32_t token);

/* The exact minimum number of BYTES still needed to reach a complete string of the language
 * from the current state (0 if the output so far is complete, or after EOS). Precomputed per
 * automaton state, O(1). The engine uses it to steer to completion when the token budget runs
 * low. */
size_t gd_min_remaining(const gd_constraint *c);
/* gd_min_remaining as it would be after appending `token` (does not change the state); SIZE_MAX
 * if the token is not allowed now. For EOS: 0 if allowed. */
size_t gd_min_remaining_after(gd_constraint *c, int32_t token);

/* GENAPI_OK while the constraint works; once its automaton could not grow (the work budget of
 * guided_internal.h's GD_WORK_BUDGET spent, the DFA state cap reached, or memory exhausted) the
 * masks it gives may be incomplete and this returns the error naming the parameter it was
 * compiled for (GENAPI_E_INVALID_ARG, or GENAPI_E_NOMEM). Compilation fails the same way when
 * the work runs out before the first step can be served. */
genapi_status gd_status(const gd_constraint *c, genapi_error *err);

/* Counters for tests and benchmarks. */
typedef struct gd_stats {
    size_t nfa_states;        /* states of the compiled byte NFA */
    size_t dfa_states;        /* DFA states built so far (built lazily) */
    size_t masks_cached;      /* DFA states whose allowed-token set is cached */
    size_t mask_cache_bytes;  /* memory held by those caches */
    uint64_t masks_computed;  /* vocabulary walks done by gd_allowed */
    uint64_t mask_cache_hits; /* gd_allowed calls answered from the cache */
    int dfa_overflow;         /* 1 if the DFA state cap or memory ran out (steps then fail) */
} gd_stats;
void gd_get_stats(const gd_constraint *c, gd_stats *out);

#endif
