/* genapi_server internals (libmicrohttpd front, lib/server/http_front.c): limits and the
 * generation scheduler's counters.
 *
 * libmicrohttpd runs a small pool of epoll threads; a request whose answer is a generation
 * (a gs_job, see job.h) is queued FIFO and stepped by one of the backend's `parallel`
 * generation workers while its connection is suspended; the bytes go out as they are
 * produced. The counters below say how that scheduler is doing. */
#ifndef GENAPI_SERVER_HTTP_FRONT_H
#define GENAPI_SERVER_HTTP_FRONT_H

#include <stdint.h>

#include <genapi/server.h>

#include "server/limits.h" /* connections, bodies, timeouts: GS_MAX_BODY, GS_CONNECTION_LIMIT, ... */

/* Descriptors kept free for the listener, epoll sets, wake-up pipes, files and logs. */
#define GS_FD_RESERVE 64u
/* libmicrohttpd polling threads. */
#define GS_HTTP_THREADS 2u
/* A worker steps its job for at most this long (or until GS_SLICE_BYTES are produced, or the
 * job ends) before handing the output to the connection and checking for a cancel. */
#define GS_SLICE_MS 2
#define GS_SLICE_BYTES (64u * 1024u)
/* How often the watchdog looks for clients that left while their connection is suspended. */
#define GS_WATCH_MS 20
/* How often it looks for connections past GS_RECEIVE_TIMEOUT_S. */
#define GS_RECEIVE_WATCH_MS 250

/* The scheduler's counters, read together. */
typedef struct gs_front_stats {
    uint64_t admitted;      /* jobs queued since the server started */
    uint64_t started;       /* jobs a worker began stepping */
    uint64_t finished;      /* jobs stepped to their end */
    uint64_t cancelled;     /* jobs stopped early or never started: client gone or server stopping */
    uint32_t running;       /* jobs being stepped now (at most `workers`) */
    uint32_t queued;        /* jobs waiting for a worker */
    uint32_t peak_running;  /* most jobs ever stepped at once */
    uint32_t throttled;     /* running jobs paused now because their client has GS_UNREAD_MAX unread */
    uint32_t workers;       /* generation workers (the backend's `parallel`) */
    uint64_t peak_unread;   /* most bytes ever held unsent for one stream (jobs that ended) */
    uint32_t connection_limit; /* connections libmicrohttpd accepts at once */
    uint32_t connections;   /* connections open now */
    uint64_t receive_timeouts; /* connections closed for not sending a request whole in time */
} gs_front_stats;

/* Snapshot the counters of a running server (thread-safe). */
void gs_front_stats_get(genapi_server *s, gs_front_stats *out);

/* Milliseconds a connection is given to send a request whole (GS_RECEIVE_TIMEOUT_S by default);
 * for tests. Thread-safe. */
void gs_front_set_receive_timeout_ms(genapi_server *s, int64_t ms);

#endif
