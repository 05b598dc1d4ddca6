/* Reading the pieces that chat and completion results share (usage, stop_reason, logprobs)
 * through the typed reader, for the client's parsers and the stream accumulator (internal). */
#ifndef GENAPI_UTIL_RESULT_READ_H
#define GENAPI_UTIL_RESULT_READ_H

#include <stddef.h>

#include <genapi/chat.h>
#include <genapi/completions.h>
#include <genapi/logprobs.h>

#include "util/json_typed.h"

/* A typed result's storage: the public struct first, then the arena its strings live in. */
#define GA_RESULT_HOLDER(type) \
    struct {                   \
        type pub;              \
        ga_arena ar;           \
    }

/* Free a GA_RESULT_HOLDER whose arena is at `arena_offset`. NULL is ignored. */
void ga_result_holder_free(void *holder, size_t arena_offset);

/* What every chat and completion result starts with: id, object, model, created, usage, and
 * the response's x-request-id header (request_id: NULL or "" for none) copied into the arena. */
typedef struct ga_result_head {
    const char **id, **object, **model, **request_id_out;
    int64_t *created;
    genapi_usage *usage;
} ga_result_head;
void ga_read_result_head(ga_jt *t, json_object *root, const char *request_id, const ga_result_head *h);

/* The "usage" member of root into u (zeros and present = 0 when absent). */
void ga_read_usage(ga_jt *t, json_object *root, genapi_usage *u);
/* The "stop_reason" member of a choice: null, a token id or a stop string. */
void ga_read_stop_reason(ga_jt *t, json_object *choice, int32_t *kind, int64_t *token, const char **str);
/* The "logprobs" member of a choice, in the chat ({"content": [...]}) or completions (parallel
 * arrays) format; NULL when absent or null (or on failure). */
const genapi_logprobs *ga_read_logprobs(ga_jt *t, json_object *choice);
/* An integer array member copied into the reader's arena (NULL and *count 0 when absent or
 * null; an element that is not an integer is a type failure). */
const int64_t *ga_read_i64_array(ga_jt *t, json_object *o, const char *key, size_t *count);
/* Length of an array member, or -1 if it is absent or null. */
int64_t ga_read_array_len(ga_jt *t, json_object *o, const char *key);

#endif
