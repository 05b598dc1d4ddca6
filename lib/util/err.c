#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void genapi_error_clear(genapi_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof *err);
    err->retry_after_ms = -1;
}

int ga_copy_field(char *dst, size_t cap, const char *src, size_t src_len)
{
    if (cap == 0)
        return src_len > 0;
    size_t n = src_len;
    int cut = 0;
    if (n > cap - 1) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0u) == 0x80u)
            n--; /* do not split a UTF-8 sequence */
        cut = 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return cut;
}

genapi_status ga_err(genapi_error *err, genapi_status status, const char *param, const char *fmt, ...)
{
    if (err == NULL)
        return status;
    genapi_error_clear(err);
    err->status = status;
    if (param)
        ga_copy_field(err->param, sizeof err->param, param, strlen(param));
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof err->message)
        err->message_truncated = 1;
    return status;
}
