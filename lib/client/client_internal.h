/* The client object (internal). */
#ifndef GENAPI_CLIENT_INTERNAL_H
#define GENAPI_CLIENT_INTERNAL_H

#include <pthread.h>

#include <genapi/client.h>
#include <genapi/server.h>

#include "client/defaults.h"
#include "client/request.h"
#include "transport/transport.h"
#include "util/alloc.h"

struct genapi_client {
    ga_alloc alloc;
    genapi_allocator hooks;   /* the same hooks in public form (for params / free) */
    char *base_url;           /* normalised, or NULL for in-process */
    char *api_key;            /* sodium_malloc'ed, read-only, or NULL */
    char *user_agent;
    int32_t image_api;
    genapi_backend *backend;  /* in-process reference backend, or NULL */
    gt_transport *transport;
    gt_http_config http_cfg;  /* the HTTP transport's settings (for private clients) */
    int borrowed;             /* a private client for one blocking call: strings and backend are the parent's */
    int32_t max_retries;
    int64_t retry_max_delay_ms;
    int64_t timeout_ms;       /* bound on a whole call, all attempts */
    gc_defaults *defaults;    /* default models (the parent's in a private client) */
    genapi_log_fn log_fn;     /* the log hook, or NULL; called on the loop driver only */
    void *log_user;
    int32_t log_level;        /* most verbose level passed to log_fn */

    /* The loop (lib/client/loop.c). */
    pthread_mutex_t mu;       /* guards the fields below marked (mu) and requests' shared fields */
    pthread_cond_t cv;        /* broadcast when a request ends or the driver leaves */
    int wake_rd, wake_wr;     /* self-pipe: readable when another thread has news for the loop */
    int wake_pending;         /* (mu) a byte is in the pipe */
    int sleeping;             /* (mu) the driver waits in poll() (the pipe must be written to wake it) */
    int fds_exported;         /* (mu) genapi_poll_fds was called: a caller's loop may wait on the pipe */
    genapi_request *cmd_head; /* (mu) requests with a start, cancel or resume to process */
    genapi_request *cmd_tail;
    size_t pending;           /* (mu) requests started and not done */
    int driving;              /* (mu) a thread is inside the loop */
    pthread_t driver;         /* (mu) which one */
    int worker_running;       /* (mu) */
    int worker_stop;          /* (mu) */
    pthread_t worker;
    int64_t budget_ns;        /* (mu) poll budget */
    int32_t max_active;       /* (mu) */
    int pumped;               /* (mu) genapi_poll has been called: blocking calls on other threads wait for it */
    pthread_t poller;         /* (mu) the thread that called genapi_poll last */
    genapi_request *all;      /* (mu) every live request (their client pointer is cleared at free) */
    /* Loop thread only. */
    genapi_request *queued_head, *queued_tail; /* waiting for an active slot */
    genapi_request *active;   /* transfers on the transport, or waiting to retry */
    uint64_t events;          /* callbacks run so far (a turn that ran one does not wait) */
    size_t n_active;
};

/* Log hook (log.c): format and pass one line at `level` when the hook wants it; the client's
 * API key is replaced by "[REDACTED]" wherever it appears. */
int gc_log_on(const genapi_client *c, int32_t level);
void gc_log(const genapi_client *c, int32_t level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Replace the client's API key wherever it appears in the NUL-terminated text (in place). */
void gc_redact(const genapi_client *c, char *text);
/* Debug level: a body (request or response), at most GC_LOG_BODY_MAX bytes of it. */
#define GC_LOG_BODY_MAX 4096
void gc_log_body(const genapi_client *c, const char *what, const char *method, const char *path, const char *body,
                 size_t len);

/* Free a private client made by gc_blocking_client (nothing for a shared one). */
void gc_blocking_client_done(genapi_client *bc);

/* Fill err from an HTTP error response. Returns the mapped status. */
genapi_status gc_error_from_response(const gt_response *resp, genapi_error *err);

/* Loop set-up and tear-down (loop.c), called by genapi_client_new / genapi_client_free. */
genapi_status gc_loop_init(genapi_client *c, genapi_error *err);
/* Stop the worker, end every request with GENAPI_E_CANCELLED (callbacks run here), free. */
void gc_loop_shutdown(genapi_client *c);

/* Wake the loop (any thread; caller holds c->mu). */
void gc_wake_locked(genapi_client *c);
/* Queue a command for r (any thread; caller holds c->mu). */
void gc_command_locked(genapi_client *c, genapi_request *r);

/* Run the loop once as its driver (the caller acquired driving): wait up to timeout_ms for
 * something to do, then do it within the poll budget. */
void gc_loop_turn(genapi_client *c, int32_t timeout_ms);

/* Acquire / release the role of driver. Acquire returns GENAPI_OK, or GENAPI_E_BUSY when this
 * thread is already inside the loop (a callback) or another thread drives it. */
genapi_status gc_drive_acquire(genapi_client *c);
void gc_drive_release(genapi_client *c);

/* Wait until pred(r) holds or the deadline passes (-1: none), driving the loop when nobody
 * else does. Returns GENAPI_OK, GENAPI_E_AGAIN on time-out, GENAPI_E_BUSY inside a callback. */
genapi_status gc_wait_for(genapi_client *c, genapi_request *r, int (*pred)(genapi_request *r), int64_t deadline_ns);

#endif
