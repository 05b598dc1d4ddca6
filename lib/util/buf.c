#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ga_buf_init(ga_buf *b, const ga_alloc *a)
{
    b->alloc = a;
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

static int reserve(ga_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = ga_realloc(b->alloc, b->data, cap);
    if (p == NULL) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int ga_buf_append(ga_buf *b, const void *data, size_t n)
{
    if (reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int ga_buf_puts(ga_buf *b, const char *s) { return ga_buf_append(b, s, strlen(s)); }

int ga_buf_printf(ga_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof small)
        return ga_buf_append(b, small, (size_t)n);
    if (reserve(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *ga_buf_take(ga_buf *b, size_t *len_out)
{
    if (b->failed) {
        ga_buf_free(b);
        return NULL;
    }
    if (b->data == NULL && ga_buf_append(b, "", 0) != 0)
        return NULL;
    char *d = b->data;
    if (len_out)
        *len_out = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void ga_buf_free(ga_buf *b)
{
    ga_free(b->alloc, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
