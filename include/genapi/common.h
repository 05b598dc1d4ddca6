/**
 * @file common.h
 * @brief Export macros, status codes, allocator hooks and version queries shared by every
 *        libgenapi header.
 */
#ifndef GENAPI_COMMON_H
#define GENAPI_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#if defined(_WIN32) && defined(GENAPI_BUILDING_SHARED)
#define GENAPI_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define GENAPI_EXPORT __attribute__((visibility("default")))
#else
#define GENAPI_EXPORT
#endif
/** @endcond */

/**
 * @brief Initialiser of a request or parameter struct: every field zero except `struct_size`.
 *
 * Used by the `GENAPI_*_INIT` macros. In C it is a designated initializer; in C++ (where
 * designated initializers are C++20 only, must name every member in order to avoid warnings,
 * and are missing from C++17) it is a value-initialised object with `struct_size` set, so the
 * macros compile warning-free from C++11 on.
 * @param type The struct type, e.g. genapi_chat_request.
 */
#ifdef __cplusplus
#define GENAPI_SIZED_INIT(type) \
    ([]() { type genapi_init_v_{}; genapi_init_v_.struct_size = static_cast<uint32_t>(sizeof(type)); \
            return genapi_init_v_; }())
#else
#define GENAPI_SIZED_INIT(type) {.struct_size = (uint32_t)sizeof(type)}
#endif

/** Major version of the library headers. */
#define GENAPI_VERSION_MAJOR 0
/** Minor version of the library headers. */
#define GENAPI_VERSION_MINOR 1
/** Patch version of the library headers. */
#define GENAPI_VERSION_PATCH 0
/** ABI version: bumped whenever a public struct changes layout incompatibly. */
#define GENAPI_ABI_VERSION 2

/**
 * @brief Result of every libgenapi function that can fail.
 *
 * Zero is success, every failure is negative. Details (message, HTTP status, server fields)
 * are in the ::genapi_error the caller passed.
 */
typedef enum genapi_status {
    GENAPI_OK = 0,                  /**< Success. */
    GENAPI_E_INVALID_ARG = -1,      /**< A caller-supplied value is out of range or malformed. */
    GENAPI_E_NOMEM = -2,            /**< The allocator returned NULL. */
    GENAPI_E_CONNECT = -3,          /**< Could not connect to the server (nothing listening, DNS, TLS). */
    GENAPI_E_TIMEOUT = -4,          /**< Connect or total timeout expired. */
    GENAPI_E_HTTP = -5,             /**< The server answered with an HTTP error status not mapped below. */
    GENAPI_E_BAD_REQUEST = -6,      /**< HTTP 400/422: the server rejected a parameter. */
    GENAPI_E_AUTH = -7,             /**< HTTP 401/403: missing or wrong API key. */
    GENAPI_E_NOT_FOUND = -8,        /**< HTTP 404: unknown model or route. */
    GENAPI_E_RATE_LIMITED = -9,     /**< HTTP 429: too many requests (see genapi_error::retry_after_ms). */
    GENAPI_E_SERVER = -10,          /**< HTTP 5xx: the server failed. */
    GENAPI_E_PARSE = -11,           /**< The response could not be parsed: not HTTP, not JSON, a
                                         field of the wrong JSON type (genapi_error::param names
                                         it), or larger than max_response_bytes. */
    GENAPI_E_CANCELLED = -12,       /**< The request was cancelled by the caller. */
    GENAPI_E_STREAM = -13,          /**< An error arrived inside a stream, or the stream broke off. */
    GENAPI_E_UNSUPPORTED = -14,     /**< The operation is not available with this configuration. */
    GENAPI_E_INTERNAL = -15,        /**< A bug or an unexpected failure of a dependency. */
    GENAPI_E_AGAIN = -16,           /**< Not ready yet: the request is still running, or no stream
                                         delta has arrived; ask again later. */
    GENAPI_E_BUSY = -17,            /**< The client is being driven elsewhere (inside a callback, by
                                         the worker, or by another thread's genapi_poll()). */
    GENAPI_E_END = -18              /**< The stream has ended and every delta was taken. */
} genapi_status;

/**
 * @brief Allocation hooks. Every allocation libgenapi itself makes goes through them.
 *
 * All three functions must be set, or all left NULL (then the C library's malloc, realloc
 * and free are used). `free` receives NULL-safe pointers previously returned by `malloc` or
 * `realloc`. libcurl and json-c allocate internally through their own allocators.
 */
typedef struct genapi_allocator {
    void *(*malloc_fn)(size_t size, void *user);               /**< Like malloc(3). */
    void *(*realloc_fn)(void *ptr, size_t size, void *user);   /**< Like realloc(3). */
    void (*free_fn)(void *ptr, void *user);                    /**< Like free(3); must accept NULL. */
    void *user;                                                /**< Passed to every hook. */
} genapi_allocator;

/**
 * @brief Free memory that libgenapi returned to the caller (strings, buffers).
 * @param allocator The allocator the memory came from; NULL for the C library's.
 * @param ptr Memory to free; NULL is ignored.
 */
GENAPI_EXPORT void genapi_free(const genapi_allocator *allocator, void *ptr);

/**
 * @brief Version of the library actually loaded, as "MAJOR.MINOR.PATCH".
 * @return A static string; never free it.
 */
GENAPI_EXPORT const char *genapi_version(void);

/**
 * @brief ABI version of the library actually loaded; compare with ::GENAPI_ABI_VERSION.
 * @return The ABI version number.
 */
GENAPI_EXPORT int genapi_abi_version(void);

/**
 * @brief Short, stable English name of a status code, e.g. "bad request".
 * @param status Any ::genapi_status value.
 * @return A static string; never free it. Unknown values give "unknown status".
 */
GENAPI_EXPORT const char *genapi_status_str(genapi_status status);

#ifdef __cplusplus
}
#endif
#endif
