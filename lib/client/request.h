/* The request lifecycle (internal): one non-blocking core under every call of the client.
 *
 * A request is created by a `*_start` function with its body already serialized, queued on
 * the client, and from then on moved only by the loop thread (the caller of genapi_poll, the
 * worker, or a blocking call driving the loop):
 *
 *   NEW ─▶ QUEUED ─▶ ACTIVE (a transfer on the transport) ─▶ DONE
 *                      │  ▲
 *                      ▼  │ (retry timer due)
 *                   RETRY_WAIT
 *
 * Retries follow the client's rules (connection failures, timeouts, 408/409/429/5xx; never
 * once part of a stream was handed over), waiting on a loop timer instead of sleeping. A
 * cancel, from any thread, is a flag and a wake-up; the loop closes the transfer and completes
 * the request with GENAPI_E_CANCELLED. Every request completes exactly once. */
#ifndef GENAPI_CLIENT_REQUEST_H
#define GENAPI_CLIENT_REQUEST_H

#include <pthread.h>

#include <genapi/async.h>

#include "stream/accumulate.h"
#include "stream/sse.h"
#include "transport/transport.h"
#include "util/alloc.h"

/* How a kind of request turns a finished 2xx response into its typed result. */
typedef struct gc_kind_ops {
    genapi_request_kind kind;
    /* Parse a complete body (non-stream kinds); *out receives the typed result. */
    genapi_status (*parse)(genapi_client *c, const gt_response *resp, void **out, genapi_error *err);
    void (*free_result)(void *result, const ga_alloc *a);
} gc_kind_ops;

/* The image options parser (image_lists.c; *out the body as a string from the client's
 * allocator), which has no public parse function. */
genapi_status gc_parse_image_options(genapi_client *c, const gt_response *resp, void **out, genapi_error *err);

/* The kinds whose results streams also produce (chat.c, completions.c). */
extern const gc_kind_ops gc_chat_ops;
extern const gc_kind_ops gc_completion_ops;

/* Why a stream failed (genapi_request::stream_failed). */
enum { GC_STREAM_EVENT = 1, GC_STREAM_NOMEM = 2 };

typedef enum {
    GC_NEW = 0,
    GC_QUEUED,
    GC_ACTIVE,
    GC_RETRY_WAIT,
    GC_DONE
} gc_state;

/* One owned copy of a stream delta (pull streams). */
typedef struct gc_delta gc_delta;

struct genapi_request {
    ga_alloc alloc;           /* copy: the handle may outlive its client */
    genapi_client *c;         /* NULL once the client is gone */
    const gc_kind_ops *ops;
    genapi_callbacks cb;
    int stream;               /* 0, or 1 + gacc_kind */
    int image;                /* progress applies */
    char *body;
    size_t body_len;
    const char *method;
    char path[96];
    char progress_path[48];
    int resolve;              /* a gc_resolve: the default model still to find before sending */

    /* Loop thread only. */
    gc_state state;
    int attempt;
    int64_t retry_at_ns;
    int64_t deadline_ns;      /* the whole call's end (timeout_ms after it left the queue), 0 = not yet */
    gt_xfer x;
    genapi_request *next, *prev; /* in the client's queued / active / retry list */
    gsse_decoder sse;
    gacc *acc;
    int stream_stopped;       /* the delta callback asked to stop */
    int stream_failed;        /* GC_STREAM_EVENT (the accumulator says why) or GC_STREAM_NOMEM */
    gt_xfer px;               /* HTTP image progress poll */
    int px_running;
    int64_t px_next_ns;
    double last_progress;
    gt_xfer mx;               /* the default-model listing, before the request itself */
    int mx_running;
    int64_t started_ns;       /* when it left the queue (for the log) */
    int last_http;            /* HTTP status of the last answer (for the log) */

    /* Shared, under the client's mutex. */
    int refs;
    int cmd_queued;           /* on the client's command list */
    genapi_request *cmd_next;
    int cancel_flag;
    int resume_flag;
    int done;
    genapi_status status;
    genapi_error err;
    void *result;
    gc_delta *q_head, *q_tail; /* pull stream queue */
    size_t q_bytes;
    int q_paused;
    gc_delta *current;        /* the delta last returned by genapi_stream_next */
    genapi_request *all_next, *all_prev; /* every live request of the client */
};

/* Create and queue a request. Takes ownership of body (allocated with the client's allocator)
 * in every case. stream: 0, or 1 + a gacc_kind. */
genapi_status gc_start(genapi_client *c, const gc_kind_ops *ops, const char *method, const char *path, char *body,
                       int stream, int image, const genapi_callbacks *cb, genapi_request **out, genapi_error *err);
/* gc_start for a body that still lacks its default model (a gc_resolve, see defaults.h): the
 * lifecycle lists the models first when the client does not know the default yet. */
genapi_status gc_start_resolving(genapi_client *c, const gc_kind_ops *ops, const char *method, const char *path,
                                 char *body, int stream, int image, int resolve, const genapi_callbacks *cb,
                                 genapi_request **out, genapi_error *err);

/* The kinds that list models, used to find a default (models.c, image_lists.c). */
extern const gc_kind_ops gc_text_models_ops;
extern const gc_kind_ops gc_image_models_ops;
/* The path of the image model listing in the client's image API flavour. */
const char *gc_image_models_path(const genapi_client *c);

/* The client a blocking call runs on: c itself, or, when another thread pumps c with
 * genapi_poll, a private client with c's settings and backend and a loop of its own (so the
 * poller's callbacks stay in its polls and the call does not wait for them). NULL for NULL. */
genapi_client *gc_blocking_client(genapi_client *c);

/* Blocking call = start + wait + take. st is what the start on bc returned (r is valid only when
 * it is GENAPI_OK): wait for r, copy its error into err, move its result into *out (may be NULL:
 * the result is freed), release r, and free bc when it is a private client. Returns the
 * request's status. */
genapi_status gc_finish_blocking(genapi_client *bc, genapi_status st, genapi_request *r, void **out,
                                 genapi_error *err);

/* Take the result of kind `kind` (see genapi_request_take_*). */
/* Reads a `/sdapi/v1/progress` body into *out (missing numbers are 0): 1 when a job is
 * running (state.job_count > 0), 0 when the server is idle, -1 when the body is not a
 * progress object (no "state" object). Only a running job's progress is reported. progress is
 * kept to 0..1 and eta_relative to 0..1e9 s (NaN, infinite or negative values read as 0). */
int gc_progress_parse(const char *body, size_t len, genapi_progress *out);

genapi_status gc_take(genapi_request *r, genapi_request_kind kind, void **out);

/* Loop-thread operations on requests (request.c), used by loop.c. */
void gc_req_queue(genapi_client *c, genapi_request *r);
void gc_req_activate(genapi_client *c, genapi_request *r);
void gc_req_cancel(genapi_client *c, genapi_request *r, const char *why);
void gc_req_resume(genapi_client *c, genapi_request *r);
int64_t gc_req_timers(genapi_client *c, int64_t now_ns);
/* The earliest timer of the active requests (deadline, retry, progress poll) in ns, -1 for none. */
int64_t gc_req_next_timer(const genapi_client *c);

#endif
