/**
 * @file client.h
 * @brief The client object: where requests go (a server, or the in-process reference
 *        backend), how they authenticate, time out and allocate.
 */
#ifndef GENAPI_CLIENT_H
#define GENAPI_CLIENT_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Opaque client. Create with genapi_client_new(), free with genapi_client_free(). */
typedef struct genapi_client genapi_client;

/** @brief Which path shape image routes use. */
typedef enum genapi_image_api {
    GENAPI_IMAGE_API_HOSTED = 0, /**< `/v1/txt2img`, `/v1/upscale-img`, … (the hosted API). */
    GENAPI_IMAGE_API_WEBUI = 1   /**< `/sdapi/v1/txt2img`, … (AUTOMATIC1111 / SD.Next). */
} genapi_image_api;

/** @brief Levels of the log hook, most severe first. */
typedef enum genapi_log_level {
    GENAPI_LOG_ERROR = 1, /**< A call failed (its status and message). */
    GENAPI_LOG_WARN = 2,  /**< A retry: the failed attempt's status, the attempt number and the wait. */
    GENAPI_LOG_INFO = 3,  /**< One line per finished call: method, path, HTTP status, time, bytes. */
    GENAPI_LOG_DEBUG = 4  /**< Every attempt, default-model lookups, request and response bodies
                               (the first 4096 bytes of each; stream events one by one). */
} genapi_log_level;

/**
 * @brief The log hook: one line of text (no trailing newline) at a ::genapi_log_level.
 *
 * Called on the thread that drives the client's loop (the caller of genapi_poll(), the worker
 * thread, or a blocking call), never on two threads at once for one client, and never with
 * the API key in it: the key is replaced by `[REDACTED]` wherever it would appear, the
 * `Authorization` header is never logged, and URLs are shown without user-info. It must not
 * call back into the client.
 * @param level A ::genapi_log_level.
 * @param message The line, valid during the call.
 * @param user genapi_client_config::log_user.
 */
typedef void (*genapi_log_fn)(int32_t level, const char *message, void *user);

/**
 * @brief Client settings. Zero means "default" for every field.
 *
 * Strings are copied by genapi_client_new(); the caller keeps ownership of its own.
 *
 * The struct is versioned by its size: genapi_client_new() accepts the size of any earlier
 * release's struct (fields added since then are taken as zero), so a program built against
 * older headers keeps working. Fields are only ever added at the end.
 *
 * **Default models.** A chat or completion whose parameters leave `model` unset uses
 * GENAPI_MODEL (read here, unless ignore_environment), else the first model of
 * `GET /v1/models/textgen-models`; a txt2img / img2img without `sd_model_checkpoint` uses
 * GENAPI_IMAGE_MODEL, else, on the hosted image API, the first image model
 * (`GET /v1/models/image-models`); the WebUI servers need none and then get none. The listing
 * is fetched once per client, by the first request that needs it, as a step of that request
 * (its `*_start` never waits), and kept. A tokenize request without a model uses GENAPI_MODEL
 * when set, else the server's default tokenizer.
 */
typedef struct genapi_client_config {
    uint32_t struct_size;             /**< sizeof(genapi_client_config); set by genapi_client_config_init(). */
    int32_t ignore_environment;       /**< Non-zero: do not read GENAPI_BASE_URL / GENAPI_API_KEY. */
    const char *base_url;             /**< Server root or `…/v1`. NULL: GENAPI_BASE_URL, and if that is unset
                                           too, the in-process reference backend (no network). */
    const char *api_key;              /**< Bearer key. NULL: GENAPI_API_KEY. Kept in guarded memory. */
    int64_t connect_timeout_ms;       /**< Connect timeout; 0 = 10 000 ms. */
    int64_t timeout_ms;               /**< Bound on a whole call: every attempt and the waits between
                                           them, counted from when the request leaves the client's
                                           queue; 0 = 600 000 ms. Past it the call ends with
                                           ::GENAPI_E_TIMEOUT and is not retried. */
    int32_t image_api;                /**< A ::genapi_image_api. */
    int32_t reserved;                 /**< Zero. */
    const genapi_allocator *allocator;/**< Allocation hooks (copied); NULL = C library. */
    const char *user_agent;           /**< User-Agent header; NULL = "libgenapi/VERSION". */
    int32_t max_retries;              /**< Retries after a connection failure, a timeout or HTTP 408, 409,
                                           429 or 5xx; 0 = 2, negative = never retry. */
    int32_t idle_timeout_s;           /**< An attempt that receives no byte for this many seconds fails
                                           with ::GENAPI_E_TIMEOUT (then retried within timeout_ms);
                                           0 = 60, negative = no idle limit. */
    int64_t retry_max_delay_ms;       /**< Longest wait between attempts; 0 = 8 000 ms. A server's
                                           `Retry-After` up to 60 s is honoured even when longer. */
    genapi_log_fn log_fn;             /**< Log hook, or NULL for none (see ::genapi_log_fn). */
    void *log_user;                   /**< Passed to log_fn. */
    int32_t log_level;                /**< Most verbose ::genapi_log_level passed to log_fn;
                                           0 = ::GENAPI_LOG_INFO. */
    int32_t reserved2;                /**< Zero. */
    int64_t max_response_bytes;       /**< Most bytes one HTTP response may carry, streamed or not,
                                           counted after content decoding (a gzip body counts as
                                           what it inflates to); 0 = 512 MiB, at most 512 MiB,
                                           negative is an error. Past it the call fails with
                                           ::GENAPI_E_PARSE (::GENAPI_E_STREAM once part of a
                                           stream was delivered) and is not retried. */
} genapi_client_config;

/**
 * @brief Initialise a config to all defaults.
 * @param config Config to initialise.
 * @param struct_size sizeof(genapi_client_config) as the caller knows it (this release's
 *        size or an earlier one's).
 * @return ::GENAPI_OK, or ::GENAPI_E_INVALID_ARG for NULL or an unknown size.
 */
GENAPI_EXPORT genapi_status genapi_client_config_init(genapi_client_config *config, size_t struct_size);

/**
 * @brief Create a client.
 * @param config Settings; NULL means all defaults.
 * @param[out] out Receives the client; free it with genapi_client_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG (bad URL or config), ::GENAPI_E_NOMEM,
 *         ::GENAPI_E_INTERNAL (libcurl or libsodium failed to initialise), or
 *         ::GENAPI_E_UNSUPPORTED (param "base_url") when there is no base URL and the library
 *         was built without the reference backend (`-DGENAPI_REFERENCE_BACKEND=OFF`).
 */
GENAPI_EXPORT genapi_status genapi_client_new(const genapi_client_config *config, genapi_client **out,
                                              genapi_error *err);

/**
 * @brief Free a client and wipe its API key. NULL is ignored.
 *
 * A worker thread is stopped first; every request still running then ends with
 * ::GENAPI_E_CANCELLED, its completion callback running here, on the calling thread. Request
 * handles still held afterwards stay valid for genapi_request_status(), the take functions
 * and genapi_request_release() only. Not from inside a callback, and not while another thread
 * uses the client.
 * @param client Client to free.
 */
GENAPI_EXPORT void genapi_client_free(genapi_client *client);

/**
 * @brief The normalised base URL (no trailing slash, no `/v1`), or NULL when the client runs
 *        on the in-process reference backend.
 * @param client Client.
 * @return String owned by the client, valid until genapi_client_free().
 */
GENAPI_EXPORT const char *genapi_client_base_url(const genapi_client *client);

/**
 * @brief The allocator the client uses (for freeing what it returns with genapi_free()).
 * @param client Client.
 * @return Pointer owned by the client.
 */
GENAPI_EXPORT const genapi_allocator *genapi_client_allocator(const genapi_client *client);

#ifdef __cplusplus
}
#endif
#endif
