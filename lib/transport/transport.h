/* The transport seam (internal): the client's loop hands transfers to a transport and drives
 * it; the transport calls back into the transfer's owner. Implementations: HTTP through
 * libcurl's multi interface (http_multi.c) and the in-process reference router (inproc.c),
 * which give the same callbacks in the same order.
 *
 * Every function here runs on the loop thread (the one inside genapi_poll, or the worker).
 * Callbacks into the owner (on_data, on_progress, on_done) run inside pump() only. */
#ifndef GENAPI_TRANSPORT_H
#define GENAPI_TRANSPORT_H

#include <poll.h>
#include <stdint.h>

#include <genapi/async.h>
#include <genapi/error.h>
#include <genapi/server.h>

#include "util/alloc.h"

typedef struct gt_response {
    int status;
    char *body;               /* collected body (not for streamed 2xx), client allocator, NUL-terminated */
    size_t body_len;
    char content_type[128];
    char retry_after[64];     /* raw Retry-After header, "" if absent */
    char request_id[128];     /* raw x-request-id header, "" if absent */
    char location[256];       /* Location header of a redirect, "" if absent (cut to fit) */
    int delivered;            /* on_data received bytes (a failure after that cannot be retried) */
    int stopped;              /* on_data asked to stop */
} gt_response;

/* What on_data answers. */
enum {
    GT_DATA_OK = 0,     /* go on */
    GT_DATA_STOP = 1,   /* end the transfer (on_done follows with GENAPI_OK and resp.stopped) */
    GT_DATA_PAUSE = 2   /* bytes taken; send no more until resume() */
};

typedef struct gt_xfer gt_xfer;
struct gt_xfer {
    /* Set by the owner before begin(); borrowed until on_done or cancel. */
    const char *method;       /* "GET" / "POST" */
    const char *path;         /* "/v1/chat/completions" */
    const char *body;         /* NULL for GET */
    size_t body_len;
    int stream;               /* a 2xx body goes to on_data as it arrives instead of resp.body */
    int64_t timeout_ms;       /* this attempt's time limit (what is left of the call's), 0 = none */
    int (*on_data)(gt_xfer *x, const char *bytes, size_t len);
    /* In-process image generations: the engine's progress after each step (may be NULL). */
    void (*on_progress)(gt_xfer *x, int32_t step, int32_t steps, int32_t job_no, int32_t job_count);
    /* The end of the transfer, exactly once unless cancelled: GENAPI_OK with resp filled (any
     * HTTP status), or a transport failure with err. The owner then owns resp.body. */
    void (*on_done)(gt_xfer *x, genapi_status st, const genapi_error *err);
    void *owner;
    /* Filled by the transport. */
    gt_response resp;
    void *priv;
};

typedef struct gt_transport gt_transport;
struct gt_transport {
    /* Start a transfer; its callbacks come from later pump() calls. */
    genapi_status (*begin)(gt_transport *t, gt_xfer *x, genapi_error *err);
    /* Stop a transfer at once (the connection is closed, a generation freed); no callback
     * follows. Never called from inside a callback of that transfer. */
    void (*cancel)(gt_transport *t, gt_xfer *x);
    /* Send data again to a transfer whose on_data answered GT_DATA_PAUSE. */
    void (*resume)(gt_transport *t, gt_xfer *x);
    /* Do the work that can be done now: act on ready sockets and due timers, step in-process
     * generations, until there is nothing left or the monotonic clock passes deadline_ns
     * (at least one unit of work is done when any is ready). `seen`, when not NULL, is what the
     * caller's wait has just found: n_seen entries of fds() with revents filled in. The pump
     * acts on those instead of polling for them again; descriptors added since are polled at
     * the next pump. */
    void (*pump)(gt_transport *t, int64_t deadline_ns, const struct pollfd *seen, size_t n_seen);
    /* Milliseconds until pump() has work without any socket becoming ready: 0 now, -1 never. */
    int64_t (*timeout_ms)(gt_transport *t);
    /* Descriptors pump() waits for; returns how many there are (may exceed cap). */
    size_t (*fds)(gt_transport *t, genapi_pollfd *out, size_t cap);
    void (*destroy)(gt_transport *t);
};

typedef struct gt_http_config {
    const char *base_url;        /* normalised root, no trailing slash */
    const char *api_key;         /* guarded memory owned by the client, or NULL */
    const char *user_agent;
    long connect_timeout_ms;
    long timeout_ms;
    long idle_timeout_s;         /* no byte for this long fails the attempt; 0 = no limit */
    size_t max_response;         /* most decoded bytes of one response (<= GT_MAX_RESPONSE) */
} gt_http_config;

gt_transport *gt_http_new(const ga_alloc *a, const gt_http_config *cfg);
gt_transport *gt_inproc_new(const ga_alloc *a, genapi_backend *backend);

void gt_response_free(const ga_alloc *a, gt_response *r);

/* Most bytes of one response, streamed or collected, counted after content decoding (so a
 * gzip body counts as what it inflates to): the default and the ceiling of max_response_bytes. */
#define GT_MAX_RESPONSE (512u * 1024u * 1024u)

/* url without its user-info ("http://user:secret@host/x" → "http://host/x"), for messages;
 * cut to fit cap. */
void gt_url_for_display(const char *url, char *out, size_t cap);

/* Monotonic clock in nanoseconds. */
int64_t gt_now_ns(void);

#endif
