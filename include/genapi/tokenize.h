/**
 * @file tokenize.h
 * @brief Tokenization (`POST /v1/tokenize`): a prompt or chat messages in, token ids out.
 */
#ifndef GENAPI_TOKENIZE_H
#define GENAPI_TOKENIZE_H

#include "chat.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A tokenize request: exactly one of prompt and messages. Pointers are borrowed. */
typedef struct genapi_tokenize_request {
    uint32_t struct_size;                /**< sizeof(genapi_tokenize_request). */
    int32_t return_token_strs;           /**< Non-zero: also return each token's text. */
    const char *model;                   /**< Model whose tokenizer to use; NULL: GENAPI_MODEL when set
                                              (unless ignore_environment), else the server default. */
    genapi_strlist multi_models;         /**< Models to choose from (hosted API); empty to omit. */
    const char *prompt;                  /**< Text to tokenize, or NULL when messages are given. */
    const genapi_chat_message *messages; /**< Chat messages (the chat template is applied), or NULL. */
    size_t message_count;                /**< Number of messages. */
    int32_t no_generation_prompt;        /**< With messages: non-zero leaves out the assistant header. */
    int32_t reserved;                    /**< Zero. */
} genapi_tokenize_request;

/** Static initialiser of a ::genapi_tokenize_request. */
#define GENAPI_TOKENIZE_REQUEST_INIT GENAPI_SIZED_INIT(genapi_tokenize_request)

/** @brief Result of a tokenize call; free with genapi_tokenize_result_free(). */
typedef struct genapi_tokenize_result {
    uint32_t struct_size;          /**< sizeof(genapi_tokenize_result). */
    int32_t reserved;              /**< Zero. */
    int64_t count;                 /**< Number of tokens. */
    int64_t max_model_len;         /**< Context length of the model. */
    const int64_t *tokens;         /**< Token ids. */
    size_t token_count;            /**< Number of ids in tokens. */
    const char *const *token_strs; /**< Token texts (token_count entries), or NULL when not requested. */
    void *internal;                /**< Private to the library. */
} genapi_tokenize_result;

/**
 * @brief Tokenize a prompt or chat messages.
 * @param client Client.
 * @param request The request.
 * @param[out] out Receives the result; free with genapi_tokenize_result_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_tokenize(genapi_client *client, const genapi_tokenize_request *request,
                                            genapi_tokenize_result **out, genapi_error *err);

/**
 * @brief Parse a tokenize response body.
 * @param client Client (its allocator is used).
 * @param body Response body bytes.
 * @param body_len Length of body.
 * @param[out] out Receives the result; free with genapi_tokenize_result_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_PARSE or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_tokenize_result_parse(genapi_client *client, const char *body, size_t body_len,
                                                         genapi_tokenize_result **out, genapi_error *err);

/**
 * @brief Free a tokenize result. NULL is ignored.
 * @param result Result to free.
 */
GENAPI_EXPORT void genapi_tokenize_result_free(genapi_tokenize_result *result);

#ifdef __cplusplus
}
#endif
#endif
