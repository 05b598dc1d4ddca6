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

/**
 * @brief Client settings. Zero means "default" for every field.
 *
 * Strings are copied by genapi_client_new(); the caller keeps ownership of its own.
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
 * @param struct_size sizeof(genapi_client_config) as the caller knows it.
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
