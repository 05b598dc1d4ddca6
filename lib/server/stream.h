/* Server-sent event streams of chat and text completions (internal). The whole transcript is
 * built after generation and sent as one text/event-stream body, in the real servers' chunk
 * shapes: chat chunks carry only the keys that are set, completion chunks carry every key. */
#ifndef GENAPI_SERVER_STREAM_H
#define GENAPI_SERVER_STREAM_H

#include "engine/text/engine.h"
#include "server/backend_internal.h"

enum { GS_OUTPUT_CUMULATIVE = 0, GS_OUTPUT_DELTA = 1, GS_OUTPUT_FINAL_ONLY = 2 };

typedef struct gs_stream_info {
    const char *id;
    int64_t created;
    const char *model;
    int64_t top_logprobs;       /* -1: no logprobs */
    int output_kind;            /* GS_OUTPUT_* */
    int include_usage;
    int64_t prompt_tokens, completion_tokens;
    const size_t *text_prefix;  /* completions with echo: per choice, bytes of prompt text first */
    const char *const *prompt_text;
} gs_stream_info;

genapi_status gs_stream_chat(genapi_backend *b, genapi_http_response *r, const gs_stream_info *info,
                             const gx_choice *choices, size_t n, ga_arena *ar);
genapi_status gs_stream_completions(genapi_backend *b, genapi_http_response *r, const gs_stream_info *info,
                                    const gx_choice *choices, const int64_t *indexes, size_t n, ga_arena *ar);

/* Options of a stream request: output_kind from params, stream_options.include_usage.
 * Returns 0 and writes a 400 when stream_options is given without stream. */
int gs_stream_options(genapi_backend *b, json_object *root, int stream, int *include_usage, genapi_http_response *r);

#endif
