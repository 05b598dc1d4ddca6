/* Server-sent events decoder: splits the byte stream into lines (LF, CRLF or CR), collects the
 * "data" fields of an event and hands the event's data to the callback at the blank line that
 * ends it. Bytes may arrive in any chunking: a line cut between feeds is kept in d->line, and a
 * CRLF cut between its two bytes is recognised through d->last_was_cr. Data bytes are passed on
 * unchanged (multi-byte UTF-8 sequences, NUL bytes and all). */
#include "stream/sse.h"

#include <string.h>

void gsse_init(gsse_decoder *d, const ga_alloc *a, gsse_event_fn on_event, void *user)
{
    ga_buf_init(&d->line, a);
    ga_buf_init(&d->data, a);
    d->has_data = 0;
    d->last_was_cr = 0;
    d->on_event = on_event;
    d->user = user;
}

void gsse_free(gsse_decoder *d)
{
    ga_buf_free(&d->line);
    ga_buf_free(&d->data);
    d->has_data = 0;
    d->last_was_cr = 0;
}

/* The blank line: hand the collected data to the callback (only when a data field was seen;
 * an event of comments or other fields alone is not dispatched) and start a new event. */
static int dispatch(gsse_decoder *d)
{
    if (!d->has_data)
        return 0;
    d->has_data = 0;
    size_t len = d->data.len;
    const char *data = d->data.data != NULL ? d->data.data : "";
    int rc = d->on_event != NULL ? d->on_event(data, len, d->user) : 0;
    d->data.len = 0;
    if (d->data.data != NULL)
        d->data.data[0] = '\0';
    return rc;
}

/* One complete line (without its terminator). */
static int process_line(gsse_decoder *d, const char *line, size_t len)
{
    if (len == 0)
        return dispatch(d);
    if (line[0] == ':')
        return 0; /* comment */
    const char *colon = memchr(line, ':', len);
    size_t name_len = colon != NULL ? (size_t)(colon - line) : len;
    if (name_len != 4 || memcmp(line, "data", 4) != 0)
        return 0; /* event:, id:, retry: and unknown fields are ignored */
    const char *value = colon != NULL ? colon + 1 : line + len;
    size_t value_len = len - (size_t)(value - line);
    if (value_len > 0 && value[0] == ' ') {
        value++;
        value_len--;
    }
    if (d->has_data && ga_buf_append(&d->data, "\n", 1) != 0)
        return -1;
    if (ga_buf_append(&d->data, value, value_len) != 0)
        return -1;
    d->has_data = 1;
    return 0;
}

/* Index of the first CR or LF in p[0..n), or n. */
/* Offset of the first LF or CR in p[0..n), or n: the library's memchr for LF, then for CR
 * only before that LF (lines end in LF almost always, so each byte is looked at about twice,
 * by vectorised scans, instead of twice per byte in a loop). */
static size_t find_eol(const char *p, size_t n)
{
    const char *lf = memchr(p, '\n', n);
    size_t k = lf != NULL ? (size_t)(lf - p) : n;
    const char *cr = memchr(p, '\r', k);
    return cr != NULL ? (size_t)(cr - p) : k;
}

int gsse_feed(gsse_decoder *d, const char *bytes, size_t len)
{
    size_t i = 0;
    if (d->line.failed || d->data.failed)
        return -1; /* memory ran out before: the decoder's state is incomplete */
    while (i < len) {
        if (d->last_was_cr) {
            d->last_was_cr = 0;
            if (bytes[i] == '\n') { /* the LF of a CRLF cut between two feeds */
                i++;
                continue;
            }
        }
        size_t n = find_eol(bytes + i, len - i);
        if (i + n == len) { /* no terminator yet: keep the partial line */
            if (ga_buf_append(&d->line, bytes + i, n) != 0)
                return -1;
            break;
        }
        int rc;
        if (d->line.len == 0) {
            rc = process_line(d, bytes + i, n);
        } else {
            if (ga_buf_append(&d->line, bytes + i, n) != 0)
                return -1;
            rc = process_line(d, d->line.data, d->line.len);
            d->line.len = 0;
            d->line.data[0] = '\0';
        }
        char term = bytes[i + n];
        i += n + 1;
        if (term == '\r') {
            if (i < len) {
                if (bytes[i] == '\n')
                    i++;
            } else {
                d->last_was_cr = 1;
            }
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}
