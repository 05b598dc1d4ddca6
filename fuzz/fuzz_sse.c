/* Fuzz target: the server-sent events decoder (lib/stream/sse.c).
 *
 * Input: byte 0 = mode, then 8 chunk-size bytes, then the event-stream bytes.
 *   mode bit 0..1: the callback stops decoding at event (mode >> 2) & 7 (0: never);
 *   mode bit 2..4: see above;
 *   mode bit 5:    out-of-memory injection at allocation (chunk byte 0) during the chunked pass.
 * The stream is decoded twice: whole in one feed, and cut into chunks whose sizes cycle through
 * the 8 chunk-size bytes (0 means 1 byte). Checked: both passes hand over the same events (the
 * decoder's contract: any chunking), no event's data holds CR (lines end there), the stop value
 * comes back from gsse_feed and nothing is decoded after it; after a failed allocation every
 * later feed answers -1. */
#include "fuzz_common.h"
#include "stream/sse.h"
#include "util/buf.h"

typedef struct log_ctx {
    ga_buf log;       /* every event: 8-byte length, then the data */
    size_t events;
    size_t stop_at;   /* stop (return 7) at this event number, 1-based; 0: never */
    int stopped;
} log_ctx;

static int on_event(const char *data, size_t len, void *user)
{
    log_ctx *c = user;
    FZ_CHECK(!c->stopped); /* nothing is dispatched after a stop */
    FZ_CHECK(data[len] == '\0');
    FZ_CHECK(memchr(data, '\r', len) == NULL);
    uint64_t l = len;
    ga_buf_append(&c->log, &l, sizeof l);
    ga_buf_append(&c->log, data, len);
    c->events++;
    if (c->stop_at != 0 && c->events == c->stop_at) {
        c->stopped = 1;
        return 7;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_touch();
    fz_input in = {data, size};
    uint8_t mode = fz_byte(&in);
    uint8_t chunks[8];
    for (int i = 0; i < 8; i++)
        chunks[i] = fz_byte(&in);
    const char *bytes = (const char *)in.p;
    size_t len = in.n;
    size_t stop_at = (size_t)((mode >> 2) & 7);
    int inject = (mode & 0x20) != 0;

    ga_alloc plain;
    ga_alloc_resolve(&plain, NULL);

    /* Whole. */
    fz_fail_reset(-1, 0);
    log_ctx whole = {.stop_at = stop_at};
    ga_buf_init(&whole.log, &plain);
    gsse_decoder d;
    gsse_init(&d, &plain, on_event, &whole);
    int rc = gsse_feed(&d, bytes, len);
    FZ_CHECK(rc == 0 || rc == 7);
    FZ_CHECK((rc == 7) == whole.stopped);
    gsse_free(&d);

    /* Chunked (optionally with an allocation failing). */
    fz_fail_reset(inject ? (long)chunks[0] : -1, 0);
    log_ctx cut = {.stop_at = stop_at};
    ga_buf_init(&cut.log, &plain);
    gsse_init(&d, inject ? &fz_ga_alloc : &plain, on_event, &cut);
    int failed = 0, crc = 0;
    size_t off = 0;
    for (size_t k = 0; off < len; k++) {
        size_t n = chunks[k % 8] ? chunks[k % 8] : 1;
        if (n > len - off)
            n = len - off;
        crc = gsse_feed(&d, bytes + off, n);
        off += n;
        if (crc == -1) {
            failed = 1;
            /* Memory ran out: the decoder stays failed. */
            FZ_CHECK(gsse_feed(&d, "data: x\n\n", 9) == -1);
            break;
        }
        if (crc != 0)
            break;
    }
    gsse_free(&d);
    fz_fail_reset(-1, 0);

    if (!failed) {
        FZ_CHECK(crc == rc);
        FZ_CHECK(whole.log.len == cut.log.len);
        FZ_CHECK(whole.log.len == 0 || memcmp(whole.log.data, cut.log.data, whole.log.len) == 0);
        FZ_CHECK(whole.events == cut.events);
    } else {
        /* What was handed over before the failure is a prefix of the whole pass. */
        FZ_CHECK(cut.log.len <= whole.log.len);
        FZ_CHECK(cut.log.len == 0 || memcmp(whole.log.data, cut.log.data, cut.log.len) == 0);
    }
    ga_buf_free(&whole.log);
    ga_buf_free(&cut.log);
    return 0;
}
