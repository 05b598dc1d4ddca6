/* Server-sent event streams of chat and text completions (internal), written as tokens settle,
 * in the real servers' chunk shapes: chat chunks carry only the keys that are set, completion
 * chunks carry every key.
 *
 * A gs_stream is fed views of its choices as they grow (gx_gen_choice) and appends every chunk
 * that can no longer change. The chunks come out in one fixed order whatever the pace of the
 * generation: round k holds the k-th chunk of choice 0, 1, ... n-1, as the engine steps the
 * choices together; a choice that holds a token back (a stop string may still cut its text)
 * holds back the choices after it in that round. */
#ifndef GENAPI_SERVER_STREAM_H
#define GENAPI_SERVER_STREAM_H

#include "engine/text/engine.h"
#include "server/backend_internal.h"
#include "util/buf.h"

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
    const struct gs_tool_plan *tools; /* chat: choices that call a tool send tool_calls deltas; or NULL */
} gs_stream_info;

/* Choice `i` of a stream as generated so far: *settled tokens whose text can no longer change,
 * *finished once it ended (then its view is final). Valid until the generation steps again. */
typedef const gx_choice *(*gs_stream_view_fn)(void *user, size_t i, size_t *settled, int *finished);

typedef struct gs_stream {
    gs_stream_info info;
    int chat;                /* chat chunks, else completion chunks (choice i has index i) */
    size_t n;                /* choices */
    int hold_last;           /* a choice may end without a further token: its newest chunk waits */
    size_t k, i;             /* the next chunk is the k-th of choice i */
    int round_used;          /* round k had a chunk of some choice */
    unsigned char *closed;   /* per choice: its last chunk is out */
    int complete;            /* every chunk of every choice is out */
} gs_stream;

/* Set up a stream of n choices (state in ar); info is copied, what it points to is borrowed. */
genapi_status gs_stream_init(gs_stream *s, const gs_stream_info *info, int chat, size_t n, int hold_last,
                             ga_arena *ar);

/* Chat: one role chunk per choice, written before any content. */
void gs_stream_roles(const gs_stream *s, ga_buf *out);

/* Append every chunk that is known now, in order; ar receives scratch (token texts). Returns 1
 * once every chunk of every choice is out. */
int gs_stream_emit(gs_stream *s, genapi_backend *b, ga_arena *ar, ga_buf *out, gs_stream_view_fn view, void *user);

/* The usage chunk (when asked; info.completion_tokens must be final by then), then [DONE]. */
void gs_stream_tail(const gs_stream *s, ga_buf *out);

/* An error after the stream began: one event {"error": {...}} in the shape of an error answer,
 * then [DONE]. */
void gs_stream_error(genapi_backend *b, ga_buf *out, const genapi_error *err);

/* Options of a stream request: output_kind from params, stream_options.include_usage.
 * Returns 0 and writes a 400 when stream_options is given without stream. */
int gs_stream_options(genapi_backend *b, json_object *root, int stream, int *include_usage, genapi_http_response *r);

#endif
