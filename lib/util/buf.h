/* Growable byte buffer, always NUL-terminated. */
#ifndef GENAPI_UTIL_BUF_H
#define GENAPI_UTIL_BUF_H

#include "util/alloc.h"

typedef struct ga_buf {
    const ga_alloc *alloc;
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed; further appends are ignored */
} ga_buf;

void ga_buf_init(ga_buf *b, const ga_alloc *a);
int ga_buf_append(ga_buf *b, const void *data, size_t n);
int ga_buf_puts(ga_buf *b, const char *s);
int ga_buf_printf(ga_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Hand the data to the caller (allocated with b->alloc) and reset the buffer. */
char *ga_buf_take(ga_buf *b, size_t *len_out);
void ga_buf_free(ga_buf *b);

#endif
