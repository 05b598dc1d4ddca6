/**
 * @file stream.h
 * @brief Streamed chat and text completions: deltas delivered as the server sends them, and
 *        the accumulated typed result at the end.
 *
 * The request is sent with `"stream": true` and `"stream_options": {"include_usage": true}`,
 * and the server-sent events are decoded whatever their chunking (split lines, CRLF, comment
 * keep-alives, UTF-8 split across reads). These calls block until the stream ends: they are
 * genapi_chat_stream_start() / genapi_complete_stream_start() (async.h) plus a wait. The
 * callback runs on the thread that drives the client's loop: the calling thread, unless a
 * worker runs or another thread pumps the client with genapi_poll().
 */
#ifndef GENAPI_STREAM_H
#define GENAPI_STREAM_H

#include "completions.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief What one event added to one choice. Pointers are valid during the callback only. */
typedef struct genapi_stream_delta {
    int64_t index;             /**< Choice index. */
    const char *content;       /**< Text added (chat content or completion text), or NULL. */
    size_t content_len;        /**< Bytes of content. */
    const char *reasoning;     /**< Reasoning text added, or NULL. */
    size_t reasoning_len;      /**< Bytes of reasoning. */
    const char *finish_reason; /**< Set on the event that finished the choice, else NULL. */
    int32_t stop_reason_kind;  /**< A ::genapi_stop_reason_kind (with finish_reason). */
    int32_t reserved;          /**< Zero. */
    int64_t stop_token;        /**< Stop token id when stop_reason_kind is TOKEN. */
    const char *stop_string;   /**< Stop string when stop_reason_kind is STRING. */
    int64_t tool_call_index;   /**< The tool call this event added to (its index in the choice's
                                    tool_calls), or -1. A chunk carrying pieces of several calls
                                    gives one delta per call, before the choice's content and
                                    finish_reason. */
    const char *tool_call_id;  /**< That call's id as known so far (the servers send it with the
                                    call's first piece), or NULL. */
    const char *tool_call_name; /**< That call's function name as known so far, or NULL. */
    const char *tool_call_arguments; /**< Argument text this event added to the call, or NULL. */
    size_t tool_call_arguments_len;  /**< Bytes of tool_call_arguments. */
} genapi_stream_delta;

/**
 * @brief Receives each delta. Return 0 to go on, non-zero to stop the stream (the call then
 *        returns ::GENAPI_E_CANCELLED).
 */
typedef int (*genapi_stream_fn)(const genapi_stream_delta *delta, void *user);

/**
 * @brief Stream a chat completion.
 * @param client Client.
 * @param request The request (as for genapi_chat_complete()).
 * @param on_delta Called for each delta; may be NULL.
 * @param user Passed to on_delta.
 * @param[out] out Receives the accumulated result (content concatenated per choice, finish
 *             reasons, usage); free with genapi_chat_result_free(). May be NULL. On
 *             ::GENAPI_E_STREAM and ::GENAPI_E_CANCELLED it holds what arrived before.
 * @param err Filled on failure; an error inside the stream gives ::GENAPI_E_STREAM with the
 *            server's message, type and code; a stream that ends without `[DONE]` gives
 *            ::GENAPI_E_STREAM too.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_chat_stream(genapi_client *client, const genapi_chat_request *request,
                                               genapi_stream_fn on_delta, void *user, genapi_chat_result **out,
                                               genapi_error *err);

/**
 * @brief Stream a text completion.
 * @param client Client.
 * @param request The request (as for genapi_complete()).
 * @param on_delta Called for each delta; may be NULL.
 * @param user Passed to on_delta.
 * @param[out] out Receives the accumulated result; free with genapi_completion_result_free().
 *             May be NULL. On ::GENAPI_E_STREAM and ::GENAPI_E_CANCELLED it holds what arrived.
 * @param err Filled on failure (see genapi_chat_stream()).
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_complete_stream(genapi_client *client, const genapi_completion_request *request,
                                                   genapi_stream_fn on_delta, void *user,
                                                   genapi_completion_result **out, genapi_error *err);

#ifdef __cplusplus
}
#endif
#endif
