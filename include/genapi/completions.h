/**
 * @file completions.h
 * @brief Text completions (`POST /v1/completions`): a prompt (text or token ids) in, typed
 *        choices out.
 */
#ifndef GENAPI_COMPLETIONS_H
#define GENAPI_COMPLETIONS_H

#include "chat.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A text completion request. Pointers are borrowed for the duration of the call. */
typedef struct genapi_completion_request {
    uint32_t struct_size;             /**< sizeof(genapi_completion_request). */
    int32_t echo;                     /**< Non-zero: the returned text starts with the prompt. */
    const char *prompt;               /**< Prompt text, or NULL when prompt_tokens is used. */
    genapi_intlist prompt_tokens;     /**< Prompt as token ids (used when prompt is NULL). */
    const genapi_text_params *params; /**< Parameters, or NULL for all defaults; an unset `model` is the
                                           client's default (see ::genapi_client_config). */
    const char *extra_json;           /**< Optional JSON object merged into the body last; NULL for none. */
} genapi_completion_request;

/** Static initialiser of a ::genapi_completion_request. */
#define GENAPI_COMPLETION_REQUEST_INIT GENAPI_SIZED_INIT(genapi_completion_request)

/** @brief One choice of a text completion. Strings owned by the result, valid UTF-8 (invalid
 *         sequences replaced with U+FFFD, as for chat results); a field of the wrong JSON type
 *         fails the parse with ::GENAPI_E_PARSE naming it. */
typedef struct genapi_completion_choice {
    int64_t index;                   /**< Choice index (prompt index * n + sample index). */
    const char *text;                /**< Generated text (with the prompt first when echo was set). */
    size_t text_len;                 /**< Byte length of text. */
    const char *finish_reason;       /**< "stop", "length", "abort", … or NULL. */
    int32_t stop_reason_kind;        /**< A ::genapi_stop_reason_kind. */
    int32_t reserved;                /**< Zero. */
    int64_t stop_token;              /**< Stop token id when stop_reason_kind is TOKEN. */
    const char *stop_string;         /**< Stop string when stop_reason_kind is STRING. */
    const genapi_logprobs *logprobs; /**< Token logprobs, or NULL. */
    int64_t prompt_logprobs_count;   /**< Entries of prompt_logprobs (first is null), or -1 if absent. */
    const int64_t *token_ids;        /**< Ids of the generated tokens when the server sent `token_ids`
                                          (vLLM's `return_token_ids`), else NULL. */
    size_t token_id_count;           /**< Number of entries in token_ids. */
    const int64_t *prompt_token_ids; /**< Ids of the prompt when the server sent `prompt_token_ids`, else NULL. */
    size_t prompt_token_id_count;    /**< Number of entries in prompt_token_ids. */
} genapi_completion_choice;

/** @brief A text completion; free with genapi_completion_result_free(). */
typedef struct genapi_completion_result {
    uint32_t struct_size;                    /**< sizeof(genapi_completion_result). */
    int32_t http_status;                     /**< HTTP status of the response. */
    const char *id;                          /**< Completion id, or NULL. */
    const char *object;                      /**< "text_completion", or NULL. */
    int64_t created;                         /**< Unix time, 0 if absent. */
    const char *model;                       /**< Model that answered. */
    const genapi_completion_choice *choices; /**< Choices sorted by index. */
    size_t choice_count;                     /**< Number of choices. */
    genapi_usage usage;                      /**< Token accounting. */
    const char *request_id;                  /**< `x-request-id` response header, or NULL. */
    void *internal;                          /**< Private to the library. */
} genapi_completion_result;

/**
 * @brief Run a text completion and wait for it.
 * @param client Client.
 * @param request The request (prompt text or token ids, and parameters).
 * @param[out] out Receives the result; free with genapi_completion_result_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_complete(genapi_client *client, const genapi_completion_request *request,
                                            genapi_completion_result **out, genapi_error *err);

/**
 * @brief Build the JSON body genapi_complete() would send.
 * @param client Client (its allocator is used).
 * @param request The request.
 * @param[out] json_out Receives the body; free with genapi_free(genapi_client_allocator(client), …).
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_completion_request_to_json(genapi_client *client,
                                                              const genapi_completion_request *request,
                                                              char **json_out, genapi_error *err);

/**
 * @brief Parse a text completion response body.
 * @param client Client (its allocator is used).
 * @param body Response body bytes.
 * @param body_len Length of body.
 * @param[out] out Receives the result; free with genapi_completion_result_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_PARSE or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_completion_result_parse(genapi_client *client, const char *body, size_t body_len,
                                                           genapi_completion_result **out, genapi_error *err);

/**
 * @brief Re-serialize a typed completion result as an OpenAI-shaped JSON document.
 * @param result The result.
 * @param[out] json_out Receives the text; free with genapi_completion_result_string_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_completion_result_to_json(const genapi_completion_result *result, char **json_out,
                                                             genapi_error *err);

/**
 * @brief Free a string returned by genapi_completion_result_to_json().
 * @param result The result the string was made from.
 * @param s The string; NULL is ignored.
 */
GENAPI_EXPORT void genapi_completion_result_string_free(const genapi_completion_result *result, char *s);

/**
 * @brief Free a completion result. NULL is ignored.
 * @param result Result to free.
 */
GENAPI_EXPORT void genapi_completion_result_free(genapi_completion_result *result);

#ifdef __cplusplus
}
#endif
#endif
