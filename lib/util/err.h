/* Filling genapi_error records. */
#ifndef GENAPI_UTIL_ERR_H
#define GENAPI_UTIL_ERR_H

#include <genapi/error.h>

/* Set status, param (may be NULL) and a printf-formatted message; returns status. */
genapi_status ga_err(genapi_error *err, genapi_status status, const char *param, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Copy src into dst (capacity cap) cutting at a UTF-8 boundary; returns 1 if cut. */
int ga_copy_field(char *dst, size_t cap, const char *src, size_t src_len);

#endif
