/* Reading response JSON into arena-backed typed results (internal). */
#ifndef GENAPI_CLIENT_JSON_READ_H
#define GENAPI_CLIENT_JSON_READ_H

#include <genapi/chat.h>
#include <genapi/completions.h>
#include <genapi/logprobs.h>
#include <json-c/json.h>

#include "util/alloc.h"

/* String member `key` of o copied into ar; NULL if absent/not a string; *oom set on failure. */
const char *jr_str(ga_arena *ar, json_object *o, const char *key, int *oom);
/* Integer member (0 if absent). */
int64_t jr_i64(json_object *o, const char *key);
/* usage member into u. */
void jr_usage(json_object *root, genapi_usage *u);
/* stop_reason member of a choice. */
void jr_stop_reason(ga_arena *ar, json_object *choice, int32_t *kind, int64_t *token, const char **str, int *oom);
/* logprobs member of a choice, in the chat ({"content": [...]}) or completions (parallel arrays)
 * format; NULL when absent or null. */
const genapi_logprobs *jr_logprobs(ga_arena *ar, json_object *choice, int *oom);
/* An integer array member copied into ar (NULL and *count 0 when absent or null). */
const int64_t *jr_i64_array(ga_arena *ar, json_object *o, const char *key, size_t *count, int *oom);
/* Length of an array member, or -1 if it is absent or null. */
int64_t jr_array_len(json_object *o, const char *key);

/* Write logprobs back in the format they came in (chat when bytes were present). */
json_object *jw_logprobs(const genapi_logprobs *lp, int chat_format);

/* A typed result's storage: the public struct first, then the arena. */
#define JR_HOLDER(type)  \
    struct {             \
        type pub;        \
        ga_arena ar;     \
    }

/* Request bodies (validated) of chat and text completions. */
genapi_status gc_chat_body(const genapi_chat_request *req, json_object **out, genapi_error *err);
genapi_status gc_completion_body(const genapi_completion_request *req, json_object **out, genapi_error *err);

/* Free a JR_HOLDER whose arena is at `arena_offset`. NULL is ignored. */
void jr_holder_free(void *holder, size_t arena_offset);

/* Merge the members of the JSON object text `extra_json` (NULL: nothing) into body. */
genapi_status jw_merge_extra(json_object *body, const char *extra_json, genapi_error *err);

/* Serialize a JSON value into memory from alloc (NULL when out of memory). */
char *jw_text(const ga_alloc *alloc, json_object *o);

#endif
