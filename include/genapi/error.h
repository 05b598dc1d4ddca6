/**
 * @file error.h
 * @brief The error record every fallible libgenapi function fills.
 *
 * The record is a plain struct with fixed-size buffers, so it can live on the caller's stack
 * and needs no freeing. Pass NULL where a function takes a ::genapi_error if you only want
 * the status code.
 */
#ifndef GENAPI_ERROR_H
#define GENAPI_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Capacity of genapi_error::message including the terminating NUL. */
#define GENAPI_ERROR_MESSAGE_MAX 1024
/** Capacity of the short text fields of ::genapi_error. */
#define GENAPI_ERROR_FIELD_MAX 128

/**
 * @brief Details of a failure.
 *
 * Strings are always NUL-terminated. A server message longer than the buffer is cut at a
 * UTF-8 boundary and genapi_error::message_truncated is set; nothing else is ever cut.
 */
typedef struct genapi_error {
    int32_t status;                          /**< The ::genapi_status also returned by the call. */
    int32_t http_status;                     /**< HTTP status of the response, 0 if none arrived. */
    int32_t server_code;                     /**< `code` from the error body, 0 if absent. */
    int32_t message_truncated;               /**< 1 if genapi_error::message was cut to fit. */
    int64_t retry_after_ms;                  /**< From a `Retry-After` header, -1 if absent. */
    char message[GENAPI_ERROR_MESSAGE_MAX];  /**< Human-readable explanation (valid UTF-8: invalid
                                                  sequences from a server become U+FFFD). */
    char param[GENAPI_ERROR_FIELD_MAX];      /**< Offending parameter (JSON name), or for
                                                  ::GENAPI_E_PARSE the response field by its
                                                  path (`choices[0].message.content`); "" if
                                                  unknown. */
    char type[GENAPI_ERROR_FIELD_MAX];       /**< Server error type, e.g. "BadRequestError", or "". */
    char request_id[GENAPI_ERROR_FIELD_MAX]; /**< `x-request-id` of the response, or "". */
} genapi_error;

/**
 * @brief Reset an error record to "no error".
 * @param err Record to clear; NULL is allowed and ignored.
 */
GENAPI_EXPORT void genapi_error_clear(genapi_error *err);

#ifdef __cplusplus
}
#endif
#endif
