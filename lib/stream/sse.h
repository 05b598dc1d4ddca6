/* Server-sent events decoder (internal): bytes in any chunking, events out. Follows the
 * event-stream rules: lines end in LF, CRLF or CR; lines starting with ':' are comments;
 * "data:" values (one leading space removed) are joined with '\n'; an event is dispatched at
 * a blank line; other fields (event:, id:, retry:) are ignored; an event not terminated by a
 * blank line at the end is discarded. */
#ifndef GENAPI_STREAM_SSE_H
#define GENAPI_STREAM_SSE_H

#include <stddef.h>

#include "util/alloc.h"
#include "util/buf.h"

/* Called with each dispatched event's data (NUL-terminated, len bytes). Return non-zero to
 * stop decoding (gsse_feed then returns that value). */
typedef int (*gsse_event_fn)(const char *data, size_t len, void *user);

typedef struct gsse_decoder {
    ga_buf line;       /* the current, incomplete line */
    ga_buf data;       /* data of the event being built */
    int has_data;      /* a data: field was seen for the current event */
    int last_was_cr;   /* the previous chunk ended in CR (a following LF belongs to it) */
    gsse_event_fn on_event;
    void *user;
} gsse_decoder;

/* `a` is kept by pointer: it must outlive the decoder. */
void gsse_init(gsse_decoder *d, const ga_alloc *a, gsse_event_fn on_event, void *user);
/* Feed bytes. Returns 0, the callback's non-zero value, or -1 when out of memory. After a stop,
 * the rest of that feed is not decoded; after -1, every later feed returns -1. */
int gsse_feed(gsse_decoder *d, const char *bytes, size_t len);
void gsse_free(gsse_decoder *d);

#endif
