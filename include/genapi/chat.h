/**
 * @file chat.h
 * @brief Chat completions: typed messages in, a typed completion out.
 *
 * Results are read strictly: a response field of the wrong JSON type fails the call with
 * ::GENAPI_E_PARSE and genapi_error::param naming it (e.g. `choices[0].message.content`); a
 * field that is absent or JSON null is NULL / unset. Every string in a result is valid UTF-8:
 * each invalid sequence the server sent is replaced with U+FFFD (one per maximal ill-formed
 * subpart), the same over HTTP and in process; lengths are those of the repaired text.
 * See doc/errors.md.
 */
#ifndef GENAPI_CHAT_H
#define GENAPI_CHAT_H

#include "client.h"
#include "logprobs.h"
#include "text_params.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief One tool call made by the assistant. Strings owned by the result (in a result) or
 *         borrowed for the duration of the call (in a request message). */
typedef struct genapi_tool_call {
    int64_t index;         /**< Position in the message's tool_calls. */
    const char *id;        /**< Call id, or NULL. */
    const char *type;      /**< "function", or NULL (a request sends "function"). */
    const char *name;      /**< Function name, or NULL (required in a request message). */
    const char *arguments; /**< Raw JSON text of the arguments (not validated in a result), or NULL
                                (a request message then sends "{}"). */
} genapi_tool_call;

/** @brief One chat message. Strings are borrowed for the duration of the call. */
typedef struct genapi_chat_message {
    const char *role;                   /**< "system", "user", "assistant", "tool", … (required). */
    const char *content;                /**< Message text (UTF-8); NULL sends JSON null. */
    const char *name;                   /**< Optional participant name; NULL to omit. */
    const char *tool_call_id;           /**< Role "tool": the id of the call this message answers;
                                             NULL to omit. */
    const genapi_tool_call *tool_calls; /**< Role "assistant": the calls it made (sent back in a
                                             tool loop); NULL when tool_call_count is 0. */
    size_t tool_call_count;             /**< Number of tool_calls. */
} genapi_chat_message;

/** @brief A function the model may call. Strings are borrowed for the duration of the call. */
typedef struct genapi_tool {
    const char *name;            /**< Function name (required): 1 to 64 of `a-z A-Z 0-9 _ -`. */
    const char *description;     /**< What it does, for the model; NULL to omit. */
    const char *parameters_json; /**< JSON Schema of its arguments (a JSON object); NULL to omit
                                      (then it takes no arguments). */
} genapi_tool;

/** @brief Whether and how the model calls tools (`tool_choice`). */
typedef enum genapi_tool_choice {
    GENAPI_TOOL_CHOICE_UNSET = 0,    /**< Not sent: the servers use "auto" when tools are given. */
    GENAPI_TOOL_CHOICE_NONE = 1,     /**< "none": answer in text. */
    GENAPI_TOOL_CHOICE_AUTO = 2,     /**< "auto": the model decides. */
    GENAPI_TOOL_CHOICE_REQUIRED = 3, /**< "required": call at least one tool. */
    GENAPI_TOOL_CHOICE_FUNCTION = 4  /**< Call the function named by genapi_chat_request::tool_choice_name. */
} genapi_tool_choice;

/** @brief A flag that may be left unset (then it is not sent). */
typedef enum genapi_flag {
    GENAPI_FLAG_UNSET = 0, /**< Not sent. */
    GENAPI_FLAG_FALSE = 1, /**< Sent as false. */
    GENAPI_FLAG_TRUE = 2   /**< Sent as true. */
} genapi_flag;

/** @brief A chat completion request. Pointers are borrowed for the duration of the call. */
typedef struct genapi_chat_request {
    uint32_t struct_size;                 /**< sizeof(genapi_chat_request). */
    uint32_t reserved;                    /**< Zero. */
    const genapi_chat_message *messages;  /**< At least one message. */
    size_t message_count;                 /**< Number of messages. */
    const genapi_text_params *params;     /**< Parameters, or NULL for all defaults; an unset `model` is the
                                               client's default (see ::genapi_client_config). */
    const char *extra_json;               /**< Optional JSON object merged into the body last
                                               (server-specific fields); NULL for none. */
    const genapi_tool *tools;             /**< Functions the model may call; NULL when tool_count is 0. */
    size_t tool_count;                    /**< Number of tools (at most 128). */
    int32_t tool_choice;                  /**< A ::genapi_tool_choice; 0 leaves it unset. */
    int32_t parallel_tool_calls;          /**< A ::genapi_flag (`parallel_tool_calls`); 0 leaves it unset. */
    const char *tool_choice_name;         /**< The function to call with ::GENAPI_TOOL_CHOICE_FUNCTION;
                                               must name one of tools. NULL otherwise. */
} genapi_chat_request;

/** Static initialiser of a ::genapi_chat_request. */
#define GENAPI_CHAT_REQUEST_INIT GENAPI_SIZED_INIT(genapi_chat_request)

/** @brief How a choice's stop_reason was given by the server. */
typedef enum genapi_stop_reason_kind {
    GENAPI_STOP_REASON_NONE = 0,   /**< null: EOS, length, or not reported. */
    GENAPI_STOP_REASON_TOKEN = 1,  /**< A stop token id (genapi_chat_choice::stop_token). */
    GENAPI_STOP_REASON_STRING = 2  /**< A stop string (genapi_chat_choice::stop_string). */
} genapi_stop_reason_kind;

/** @brief One choice of a chat completion. Strings owned by the result, valid UTF-8 (invalid
 *         sequences replaced with U+FFFD); NULL means absent or JSON null. */
typedef struct genapi_chat_choice {
    int64_t index;                      /**< Choice index. */
    const char *role;                   /**< message.role. */
    const char *content;                /**< message.content ("" and NULL differ). */
    size_t content_len;                 /**< Byte length of content (it may contain NUL). */
    const char *reasoning;              /**< message.reasoning_content, else message.reasoning
                                             (NUL-terminated, and it may contain NUL: its length is
                                             reasoning_len). */
    const char *finish_reason;          /**< "stop", "length", "tool_calls", "abort", … */
    int32_t stop_reason_kind;           /**< A ::genapi_stop_reason_kind. */
    int32_t reserved;                   /**< Zero. */
    int64_t stop_token;                 /**< Stop token id when stop_reason_kind is TOKEN. */
    const char *stop_string;            /**< Stop string when stop_reason_kind is STRING. */
    const genapi_tool_call *tool_calls; /**< Tool calls; NULL when tool_call_count is 0. */
    size_t tool_call_count;             /**< Number of tool calls. */
    const genapi_logprobs *logprobs;    /**< Token logprobs, or NULL when not requested / sent. */
    size_t reasoning_len;               /**< Byte length of reasoning (it may contain NUL); 0 when
                                             reasoning is NULL. */
} genapi_chat_choice;

/** @brief Token accounting of a response. */
typedef struct genapi_usage {
    int32_t present;           /**< 1 if the server sent usage, else 0 and the counts are 0. */
    int32_t reserved;          /**< Zero. */
    int64_t prompt_tokens;     /**< Tokens in the prompt (after the chat template). */
    int64_t completion_tokens; /**< Tokens generated. */
    int64_t total_tokens;      /**< Sum of both. */
} genapi_usage;

/**
 * @brief A chat completion. Allocated by genapi_chat_complete(), freed with
 *        genapi_chat_result_free(); every pointer inside is owned by it.
 */
typedef struct genapi_chat_result {
    uint32_t struct_size;              /**< sizeof(genapi_chat_result). */
    int32_t http_status;               /**< HTTP status of the response. */
    const char *id;                    /**< Completion id, or NULL. */
    const char *object;                /**< "chat.completion", or NULL. */
    int64_t created;                   /**< Unix time, 0 if absent. */
    const char *model;                 /**< Model that answered (tells which of multi_models ran). */
    const genapi_chat_choice *choices; /**< Choices sorted by index. */
    size_t choice_count;               /**< Number of choices. */
    genapi_usage usage;                /**< Token accounting. */
    const char *request_id;            /**< `x-request-id` response header, or NULL. */
    int64_t prompt_logprobs_count;     /**< Entries of `prompt_logprobs` (first is null), or -1 if absent. */
    void *internal;                    /**< Private to the library. */
} genapi_chat_result;

/**
 * @brief Run a chat completion and wait for it.
 *
 * The parameters are validated first (failure: ::GENAPI_E_INVALID_ARG naming the field),
 * serialized (only set fields), sent, and the response parsed.
 *
 * @param client Client.
 * @param request The request.
 * @param[out] out Receives the result on success; free with genapi_chat_result_free().
 * @param err Filled on failure, with HTTP status and server message when there was a response.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_chat_complete(genapi_client *client, const genapi_chat_request *request,
                                                 genapi_chat_result **out, genapi_error *err);

/**
 * @brief Build the JSON body genapi_chat_complete() would send, without sending it.
 * @param client Client (its allocator is used).
 * @param request The request.
 * @param[out] json_out Receives the body; free with genapi_free(genapi_client_allocator(client), …).
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_chat_request_to_json(genapi_client *client, const genapi_chat_request *request,
                                                        char **json_out, genapi_error *err);

/**
 * @brief Parse a chat completion response body (e.g. saved from a server).
 * @param client Client (its allocator is used).
 * @param body Response body bytes.
 * @param body_len Length of body in bytes.
 * @param[out] out Receives the result; free with genapi_chat_result_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_PARSE or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_chat_result_parse(genapi_client *client, const char *body, size_t body_len,
                                                     genapi_chat_result **out, genapi_error *err);

/**
 * @brief Re-serialize a typed result as an OpenAI-shaped JSON document.
 * @param result The result.
 * @param[out] json_out Receives the text; free with genapi_chat_result_string_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_chat_result_to_json(const genapi_chat_result *result, char **json_out,
                                                       genapi_error *err);

/**
 * @brief Free a string returned by genapi_chat_result_to_json().
 * @param result The result the string was made from.
 * @param s The string; NULL is ignored.
 */
GENAPI_EXPORT void genapi_chat_result_string_free(const genapi_chat_result *result, char *s);

/**
 * @brief Free a chat result and everything it owns. NULL is ignored.
 * @param result Result to free.
 */
GENAPI_EXPORT void genapi_chat_result_free(genapi_chat_result *result);

#ifdef __cplusplus
}
#endif
#endif
