/* Tool calling on the reference backend (internal): the request's tools and tool_choice
 * checked as the servers check them, and the engine's decision.
 *
 * The reference backend behaves as a server started with automatic tool choice and a tool-call
 * parser: tools given without tool_choice mean "auto". A choice that calls a tool generates its
 * arguments under the function's JSON Schema (guided decoding), so they always parse and
 * validate, unless max_tokens cuts them (finish_reason "length").
 * - "required": one call of the function the seed picks among tools; finish_reason "tool_calls".
 * - a named function: one call of it; finish_reason "stop" (as vLLM and Aphrodite answer).
 * - "auto": after a tool result (the last message has role "tool") the answer is text; else the
 *   seed decides between text and a call as "required" makes, one bit of it for each.
 * - "none", or no tools: text. */
#ifndef GENAPI_SERVER_CHAT_TOOLS_H
#define GENAPI_SERVER_CHAT_TOOLS_H

#include <json-c/json.h>

#include "engine/text/engine.h"
#include "params/param_internal.h"
#include "server/backend_internal.h"
#include "util/alloc.h"
#include "util/buf.h"

/* The params folder's limit, shared with the client. */
#define GS_TOOLS_MAX GA_TOOLS_MAX

typedef struct gs_tool_plan {
    int call;                 /* 1: every choice answers with a call of `name` */
    int named;                /* the call was named by tool_choice (finish_reason "stop") */
    const char *name;         /* function called */
    const char *schema;       /* its parameters' JSON Schema (text) */
    char (*ids)[48];          /* per choice: the call's id */
    unsigned char *started;   /* per choice: a stream has sent the call's id and name */
} gs_tool_plan;

/* Reads tools / tool_choice / parallel_tool_calls of a chat request and decides for n choices
 * from seed and the messages. Returns 1, or 0 with a 400 answer in r. */
int gs_chat_tools_plan(genapi_backend *b, json_object *root, const gx_message *msgs, size_t n_msgs, uint64_t seed,
                       size_t n_choices, ga_arena *ar, gs_tool_plan *plan, genapi_http_response *r);

/* The text an assistant message's tool_calls add to its content in the chat template, appended
 * to buf; or an error naming messages[i] (GENAPI_E_INVALID_ARG). */
genapi_status gs_chat_message_tool_text(json_object *msg, size_t i, ga_buf *buf, genapi_error *err);

/* The tool_calls array of choice i's message (arguments = the generated text). */
json_object *gs_tool_calls_json(const gs_tool_plan *plan, size_t i, const char *args, size_t len);

/* A stream delta's tool_calls for choice i carrying args[0, len): the first one of a choice
 * also names the call. */
json_object *gs_tool_calls_delta(const gs_tool_plan *plan, size_t i, const char *args, size_t len);

/* The finish_reason of a choice that ended with `engine_reason`. */
const char *gs_tool_finish_reason(const gs_tool_plan *plan, const char *engine_reason);

#endif
