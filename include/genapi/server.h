/**
 * @file server.h
 * @brief The reference local backend: a router over the reference text engine, usable
 *        in-process (the client does this when it has no base URL) or behind an HTTP server.
 *
 * A library built with `-DGENAPI_REFERENCE_BACKEND=OFF` (HTTP client only) still exports these
 * functions; they answer ::GENAPI_E_UNSUPPORTED.
 */
#ifndef GENAPI_SERVER_H
#define GENAPI_SERVER_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Opaque reference backend (router + engines). */
typedef struct genapi_backend genapi_backend;

/** @brief Settings of a reference backend. Zero means default. */
typedef struct genapi_backend_config {
    uint32_t struct_size;              /**< sizeof(genapi_backend_config). */
    uint32_t parallel;                 /**< Generations that run at once (genapi-server's `--parallel`,
                                            reported by `/v1/parallel-requests`); more wait their
                                            turn. 0 = 4. */
    const char *api_key;               /**< If set, requests need `Authorization: Bearer KEY`
                                            (or HTTP Basic with KEY as password). Copied. */
    const genapi_allocator *allocator; /**< Allocation hooks; NULL = C library. Copied. */
} genapi_backend_config;

/** @brief One HTTP request as the router sees it. All pointers borrowed. */
typedef struct genapi_http_request {
    const char *method;        /**< "GET", "POST", … */
    const char *path;          /**< Path without query string, e.g. "/v1/chat/completions". */
    const char *authorization; /**< Value of the Authorization header, or NULL. */
    const char *content_type;  /**< Value of the Content-Type header, or NULL. */
    const char *body;          /**< Body bytes, or NULL. */
    size_t body_len;           /**< Body length. */
} genapi_http_request;

/** @brief The router's answer. Release with genapi_http_response_release(). */
typedef struct genapi_http_response {
    int32_t status;            /**< HTTP status code. */
    int32_t retry_after_s;     /**< Retry-After seconds to send, or 0 for none. */
    const char *content_type;  /**< Static content type string. */
    char *body;                /**< Body, allocated with the backend's allocator. */
    size_t body_len;           /**< Body length. */
} genapi_http_response;

/**
 * @brief Create a reference backend.
 * @param config Settings; NULL = defaults (no key).
 * @param[out] out Receives the backend; free with genapi_backend_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK or ::GENAPI_E_NOMEM / ::GENAPI_E_INTERNAL; ::GENAPI_E_UNSUPPORTED when the
 *         library was built without the reference backend (`-DGENAPI_REFERENCE_BACKEND=OFF`).
 */
GENAPI_EXPORT genapi_status genapi_backend_new(const genapi_backend_config *config, genapi_backend **out,
                                               genapi_error *err);

/**
 * @brief Free a backend. NULL is ignored.
 * @param backend Backend to free; no request or server may be using it.
 */
GENAPI_EXPORT void genapi_backend_free(genapi_backend *backend);

/**
 * @brief Route one request and produce the full response. Thread-safe.
 * @param backend Backend.
 * @param request The request.
 * @param[out] response Filled with status, content type and body; release with
 *             genapi_http_response_release() even on error statuses.
 * @return ::GENAPI_OK (any HTTP status), ::GENAPI_E_NOMEM if no response could be built, or
 *         ::GENAPI_E_UNSUPPORTED without the reference backend (response zeroed).
 */
GENAPI_EXPORT genapi_status genapi_backend_handle(genapi_backend *backend, const genapi_http_request *request,
                                                  genapi_http_response *response);

/**
 * @brief Free the body of a response produced by genapi_backend_handle().
 * @param backend The backend that produced it.
 * @param response Response; its body is freed and set to NULL.
 */
GENAPI_EXPORT void genapi_http_response_release(genapi_backend *backend, genapi_http_response *response);

/** @brief Opaque HTTP server (libmicrohttpd) in front of a backend. */
typedef struct genapi_server genapi_server;

/**
 * @brief Start serving a backend over HTTP on threads of its own.
 *
 * libmicrohttpd answers on 2 polling threads (up to 1,024 connections, fewer if the process's
 * descriptor limit is lower; 60 s idle timeout; a request must arrive whole within 120 s;
 * bodies up to 64 MiB). Generations (chat, completions, images) are queued in arrival order and
 * run by the backend's `parallel` worker threads, at most that many at once; streams are sent
 * as they are generated, and a client that disconnects cancels its generation. Other requests
 * are answered at once. A generation running longer than 300 s is stopped (504, or an error
 * event ending a stream); the environment variable `GENAPI_SERVER_MAX_REQUEST_SECONDS` (whole
 * seconds, 0 for no limit), read here, sets that deadline for the backend. See the
 * "Concurrency" and "Limits" sections of the reference backend page.
 *
 * @param backend Backend to serve; must outlive the server.
 * @param host IPv4 address or name to bind, e.g. "127.0.0.1"; NULL = 127.0.0.1.
 * @param port TCP port; 0 picks a free one (see genapi_server_port()).
 * @param[out] out Receives the server; stop with genapi_server_stop().
 * @param err Filled on failure (e.g. port in use); may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG, ::GENAPI_E_CONNECT, or ::GENAPI_E_NOMEM /
 *         ::GENAPI_E_INTERNAL when its threads cannot be set up; ::GENAPI_E_UNSUPPORTED when the
 *         library was built without the reference backend (`-DGENAPI_REFERENCE_BACKEND=OFF`).
 */
GENAPI_EXPORT genapi_status genapi_server_start(genapi_backend *backend, const char *host, uint16_t port,
                                                genapi_server **out, genapi_error *err);

/**
 * @brief The port the server listens on.
 * @param server Server.
 * @return Port number.
 */
GENAPI_EXPORT uint16_t genapi_server_port(const genapi_server *server);

/**
 * @brief Stop a server and free it. NULL is ignored.
 * @param server Server.
 */
GENAPI_EXPORT void genapi_server_stop(genapi_server *server);

#ifdef __cplusplus
}
#endif
#endif
