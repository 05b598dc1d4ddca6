/* genapi_server: libmicrohttpd in front of the reference backend's router.
 *
 * Threads:
 * - libmicrohttpd: GS_HTTP_THREADS polling threads (epoll where available), connections
 *   suspended while they wait, so any number of slow clients or long generations never ties
 *   up a thread.
 * - Generation workers: as many as the backend's `parallel`. A request the router answers at
 *   once (listings, errors, ...) is sent from the polling thread. A generation (gs_job) is
 *   queued FIFO; a worker takes the oldest, steps it in slices of at most GS_SLICE_MS,
 *   appends the output to the request's buffer and resumes the suspended connection; the rest
 *   wait their turn.
 * - A watchdog: every GS_WATCH_MS it checks the sockets of suspended connections and cancels
 *   the request of a client that left (libmicrohttpd does not watch suspended sockets); every
 *   GS_RECEIVE_WATCH_MS it shuts the socket of a connection that has not sent its request whole
 *   within GS_RECEIVE_TIMEOUT_S of being ready for it (libmicrohttpd's own timeout only sees
 *   inactivity, which a client sending a byte a second never shows), and libmicrohttpd then
 *   closes it.
 *
 * A stream (head ready before the job is done) is sent with chunked encoding as it grows: the
 * content reader copies buffered bytes, or suspends the connection and returns 0 when there
 * are none yet. A whole answer is sent once the job is done. A client that leaves (failed
 * write, timeout, closed socket) marks its request gone; the worker stops stepping after the
 * current slice and frees the job.
 *
 * Locks: server.mu before request.mu before libmicrohttpd's own; libmicrohttpd never calls
 * back into this file while holding one of its locks that suspend or resume take. */
#include "server/http_front.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "server/backend_internal.h"
#include "server/job.h"
#include "util/buf.h"
#include "util/err.h"

/* Bytes the content reader is asked for at most per call. */
#define GS_STREAM_BLOCK (16u * 1024u)
/* Bytes a worker moves from its job to the request per copy. */
#define GS_COPY_CHUNK (32u * 1024u)

typedef struct gs_req gs_req;

/* One TCP connection (libmicrohttpd's socket context), from accept to close. */
typedef struct gs_conn {
    int fd;
    /* Under server.mu. */
    int receiving;     /* waiting for a request to arrive whole */
    int shut;          /* its socket was shut for taking too long */
    int64_t ready_ns;  /* when it became ready for that request */
    struct gs_conn *next, *prev;
} gs_conn;

struct genapi_server {
    genapi_backend *backend;
    struct MHD_Daemon *daemon;
    uint16_t port;
    pthread_t *workers;
    uint32_t nworkers;  /* started */
    pthread_t watchdog;
    int watchdog_started;
    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t work;  /* a job was queued, or stopping */
    pthread_cond_t watch; /* wakes the watchdog when stopping */
    gs_req *queue_head, *queue_tail; /* admitted, waiting for a worker (oldest first) */
    gs_req *active;                  /* every request with a job not yet freed */
    gs_conn *conns;                  /* every open connection */
    int64_t receive_timeout_ns;      /* GS_RECEIVE_TIMEOUT_S unless set for tests */
    int stopping;
    gs_front_stats stats;
};

/* One HTTP request. Shared by the polling thread (libmicrohttpd's request context), the
 * worker running its job and the stream response; freed when the last reference goes. */
struct gs_req {
    genapi_server *s;
    /* Polling thread only. */
    ga_buf body;
    int too_large;
    int has_job;
    char *method, *path, *authorization, *content_type; /* owned copies while a job may borrow them */
    /* Set before the request is shared, then read only. */
    int fd;
    /* The job: only the worker stepping it touches it (or the stopping thread once workers
     * are joined). */
    gs_job *job;
    /* Under server.mu. */
    gs_req *qnext, *anext, *aprev;
    /* Under mu. */
    pthread_mutex_t mu;
    pthread_cond_t drained; /* the client read enough, or the request is gone */
    int refs;
    struct MHD_Connection *mc; /* NULL once libmicrohttpd is done with the request */
    int suspended;  /* suspended here and not resumed yet */
    int gone;       /* no one will read the output: stop the job */
    int failed;     /* output could not be stored */
    int responded;  /* a response was queued */
    int streaming;  /* ... and it is a stream */
    int head_ready;
    int32_t status, retry_after_s;
    const char *content_type_out;
    int job_done; /* all output is in `out` */
    ga_buf out;   /* output not sent yet, from out_sent */
    size_t out_sent;
    size_t peak_unread;
};

/* ---- time, conditions, sockets ------------------------------------------------------- */

static void deadline_after_ms(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_nsec += ms * 1000000L;
    while (ts->tv_nsec >= 1000000000L) {
        ts->tv_nsec -= 1000000000L;
        ts->tv_sec++;
    }
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cond_init_monotonic(pthread_cond_t *c)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return -1;
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
    return rc == 0 ? 0 : -1;
}

/* 1 when the peer of a connected socket has closed it or it is in error. The socket is only
 * looked at, never read: pipelined bytes stay for libmicrohttpd. */
static int peer_left(int fd)
{
    if (fd < 0)
        return 0;
    struct pollfd p = {fd, POLLIN, 0};
    int n = poll(&p, 1, 0);
    if (n <= 0)
        return 0;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
        return 1;
    if (p.revents & POLLIN) {
        char c;
        ssize_t got = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (got == 0)
            return 1;
        if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return 1;
    }
    return 0;
}

/* ---- requests ------------------------------------------------------------------------ */

static gs_req *req_new(genapi_server *s, struct MHD_Connection *c)
{
    gs_req *q = ga_calloc(&s->backend->alloc, 1, sizeof *q);
    if (q == NULL)
        return NULL;
    if (pthread_mutex_init(&q->mu, NULL) != 0) {
        ga_free(&s->backend->alloc, q);
        return NULL;
    }
    if (cond_init_monotonic(&q->drained) != 0) {
        pthread_mutex_destroy(&q->mu);
        ga_free(&s->backend->alloc, q);
        return NULL;
    }
    q->s = s;
    q->refs = 1; /* libmicrohttpd's request context */
    q->mc = c;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    q->fd = ci ? (int)ci->connect_fd : -1;
    ga_buf_init(&q->body, &s->backend->alloc);
    ga_buf_init(&q->out, &s->backend->alloc);
    return q;
}

static void req_release(gs_req *q)
{
    pthread_mutex_lock(&q->mu);
    int last = --q->refs == 0;
    pthread_mutex_unlock(&q->mu);
    if (!last)
        return;
    const ga_alloc *a = &q->s->backend->alloc;
    ga_buf_free(&q->body);
    ga_buf_free(&q->out);
    ga_free(a, q->method);
    ga_free(a, q->path);
    ga_free(a, q->authorization);
    ga_free(a, q->content_type);
    pthread_cond_destroy(&q->drained);
    pthread_mutex_destroy(&q->mu);
    ga_free(a, q);
}

/* Resume the connection if this file suspended it. Caller holds q->mu. */
static void req_wake(gs_req *q)
{
    if (q->suspended && q->mc) {
        q->suspended = 0;
        MHD_resume_connection(q->mc);
    }
}

/* Mark a request gone and let everyone waiting on it see that. Caller holds q->mu. */
static void req_cancel(gs_req *q)
{
    q->gone = 1;
    req_wake(q);
    pthread_cond_broadcast(&q->drained);
}

static size_t req_unread(const gs_req *q) { return q->out.len - q->out_sent; }

/* ---- responses ----------------------------------------------------------------------- */

static void add_head(struct MHD_Response *resp, const char *content_type, int32_t retry_after_s)
{
    if (content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    if (retry_after_s > 0) {
        char v[16];
        snprintf(v, sizeof v, "%d", (int)retry_after_s);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
}

static enum MHD_Result send_response(struct MHD_Connection *c, genapi_backend *b, genapi_http_response *r)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(r->body_len, r->body, MHD_RESPMEM_MUST_COPY);
    genapi_http_response_release(b, r);
    if (resp == NULL)
        return MHD_NO;
    add_head(resp, r->content_type, r->retry_after_s);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned int)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, genapi_backend *b, int status, const char *type,
                                  const char *message)
{
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    if (gs_respond_error(b, &r, status, type, NULL, "%s", message) != GENAPI_OK && r.body == NULL)
        return MHD_NO;
    return send_response(c, b, &r);
}

/* Content reader of a stream: buffered bytes, or suspend until a worker has more. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    gs_req *q = cls;
    pthread_mutex_lock(&q->mu);
    if (q->gone || q->failed || q->mc == NULL) {
        pthread_mutex_unlock(&q->mu);
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = req_unread(q);
    if (n > 0) {
        if (n > max)
            n = max;
        memcpy(buf, q->out.data + q->out_sent, n);
        q->out_sent += n;
        if (q->out_sent == q->out.len) { /* all sent: reuse the buffer */
            q->out.len = 0;
            q->out_sent = 0;
        }
        if (req_unread(q) <= GS_UNREAD_MAX)
            pthread_cond_broadcast(&q->drained);
        pthread_mutex_unlock(&q->mu);
        return (ssize_t)n;
    }
    if (q->job_done) {
        pthread_mutex_unlock(&q->mu);
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    /* Nothing yet: the documented pattern for internal polling is to suspend and return 0;
     * the worker resumes the connection when it has appended output or the job ended. */
    q->suspended = 1;
    MHD_suspend_connection(q->mc);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

static void stream_free(void *cls) { req_release(cls); }

/* Polling thread: answer a job's request as far as its state allows, or suspend until a
 * worker has more. */
static enum MHD_Result job_progress(struct MHD_Connection *c, gs_req *q)
{
    genapi_backend *b = q->s->backend;
    pthread_mutex_lock(&q->mu);
    if (q->gone) {
        pthread_mutex_unlock(&q->mu);
        return MHD_NO;
    }
    if (q->failed) {
        q->responded = 1;
        pthread_mutex_unlock(&q->mu);
        return send_error(c, b, 500, "InternalServerError", "out of memory");
    }
    if (q->job_done) { /* a whole answer (or a stream that ended before its head was sent) */
        q->responded = 1;
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(req_unread(q), q->out.data + q->out_sent, MHD_RESPMEM_MUST_COPY);
        int32_t status = q->head_ready ? q->status : 500;
        const char *ct = q->content_type_out;
        int32_t retry = q->retry_after_s;
        pthread_mutex_unlock(&q->mu);
        if (resp == NULL)
            return MHD_NO;
        add_head(resp, ct, retry);
        enum MHD_Result ret = MHD_queue_response(c, (unsigned int)status, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    if (q->head_ready) { /* a stream: send the head now and the body as it grows */
        q->responded = 1;
        q->streaming = 1;
        q->refs++; /* the response's */
        int32_t status = q->status;
        const char *ct = q->content_type_out;
        int32_t retry = q->retry_after_s;
        pthread_mutex_unlock(&q->mu);
        struct MHD_Response *resp =
            MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, GS_STREAM_BLOCK, stream_read, q, stream_free);
        if (resp == NULL) {
            req_release(q);
            return MHD_NO;
        }
        add_head(resp, ct, retry);
        enum MHD_Result ret = MHD_queue_response(c, (unsigned int)status, resp);
        MHD_destroy_response(resp); /* the connection keeps its own reference */
        return ret;
    }
    q->suspended = 1;
    MHD_suspend_connection(c);
    pthread_mutex_unlock(&q->mu);
    return MHD_YES;
}

/* ---- the scheduler ------------------------------------------------------------------- */

/* Queue a job for the workers; 0, or -1 when the server is stopping. */
static int admit(genapi_server *s, gs_req *q, gs_job *job)
{
    /* The head may be known at once (a stream): copy it before a worker can step the job. */
    pthread_mutex_lock(&q->mu);
    q->job = job;
    if (gs_job_head_ready(job)) {
        q->head_ready = 1;
        q->status = job->status;
        q->retry_after_s = job->retry_after_s;
        q->content_type_out = job->content_type;
    }
    q->refs++; /* the scheduler's */
    pthread_mutex_unlock(&q->mu);
    pthread_mutex_lock(&s->mu);
    if (s->stopping) {
        pthread_mutex_unlock(&s->mu);
        pthread_mutex_lock(&q->mu);
        q->job = NULL;
        q->refs--;
        pthread_mutex_unlock(&q->mu);
        return -1;
    }
    if (s->queue_tail)
        s->queue_tail->qnext = q;
    else
        s->queue_head = q;
    s->queue_tail = q;
    q->anext = s->active;
    if (s->active)
        s->active->aprev = q;
    s->active = q;
    s->stats.admitted++;
    s->stats.queued++;
    pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

/* Caller holds s->mu. */
static void active_remove(genapi_server *s, gs_req *q)
{
    if (q->aprev)
        q->aprev->anext = q->anext;
    else
        s->active = q->anext;
    if (q->anext)
        q->anext->aprev = q->aprev;
    q->anext = q->aprev = NULL;
}

/* Caller holds s->mu; returns the oldest queued request or NULL. */
static gs_req *queue_pop(genapi_server *s)
{
    gs_req *q = s->queue_head;
    if (q) {
        s->queue_head = q->qnext;
        if (s->queue_head == NULL)
            s->queue_tail = NULL;
        q->qnext = NULL;
        s->stats.queued--;
    }
    return q;
}

/* Wait while a stream's client has more than GS_UNREAD_MAX bytes unread; 0 when the job
 * must stop (request gone or output lost), else 1. */
static int wait_for_reader(gs_req *q)
{
    genapi_server *s = q->s;
    pthread_mutex_lock(&q->mu);
    int stop = q->gone || q->failed, over = q->streaming && req_unread(q) > GS_UNREAD_MAX;
    pthread_mutex_unlock(&q->mu);
    if (stop || !over)
        return !stop;
    pthread_mutex_lock(&s->mu);
    s->stats.throttled++;
    pthread_mutex_unlock(&s->mu);
    pthread_mutex_lock(&q->mu);
    /* The job's deadline ends the wait too: its next step then ends the stream. */
    while (!q->gone && !q->failed && req_unread(q) > GS_UNREAD_MAX && !gs_job_overdue(q->job)) {
        struct timespec until;
        deadline_after_ms(&until, 50);
        pthread_cond_timedwait(&q->drained, &q->mu, &until);
    }
    stop = q->gone || q->failed;
    pthread_mutex_unlock(&q->mu);
    pthread_mutex_lock(&s->mu);
    s->stats.throttled--;
    pthread_mutex_unlock(&s->mu);
    return !stop;
}

/* Step a job until it ends or its request is gone; returns 1 when it ran to its end. */
static int run_job(gs_req *q)
{
    gs_job *j = q->job;
    char chunk[GS_COPY_CHUNK];
    for (;;) {
        if (!wait_for_reader(q))
            return 0;
        /* One slice. */
        int64_t end = now_ns() + (int64_t)GS_SLICE_MS * 1000000;
        do
            gs_job_step(j);
        while (!gs_job_done(j) && gs_job_available(j) < GS_SLICE_BYTES && now_ns() < end);
        int done = gs_job_done(j);

        /* Hand the output over. */
        pthread_mutex_lock(&q->mu);
        if (q->gone) {
            pthread_mutex_unlock(&q->mu);
            return done;
        }
        size_t produced = 0, n;
        while ((n = gs_job_read(j, chunk, sizeof chunk)) > 0) {
            ga_buf_append(&q->out, chunk, n);
            produced += n;
        }
        if (q->out.failed)
            q->failed = 1;
        if (q->streaming && req_unread(q) > q->peak_unread)
            q->peak_unread = req_unread(q);
        int head_news = 0;
        if (!q->responded && gs_job_head_ready(j)) { /* the head may still change until sent */
            head_news = !q->head_ready;
            q->head_ready = 1;
            q->status = j->status;
            q->retry_after_s = j->retry_after_s;
            q->content_type_out = j->content_type;
        }
        if (done)
            q->job_done = 1;
        if (done || q->failed || head_news || (q->streaming && produced > 0))
            req_wake(q);
        int failed = q->failed;
        pthread_mutex_unlock(&q->mu);
        if (done)
            return 1;
        if (failed)
            return 0;
    }
}

static void *worker_main(void *arg)
{
    genapi_server *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->stopping && s->queue_head == NULL)
            pthread_cond_wait(&s->work, &s->mu);
        if (s->stopping)
            break;
        gs_req *q = queue_pop(s);
        pthread_mutex_lock(&q->mu);
        int gone = q->gone;
        pthread_mutex_unlock(&q->mu);
        if (!gone) {
            s->stats.started++;
            if (++s->stats.running > s->stats.peak_running)
                s->stats.peak_running = s->stats.running;
        }
        pthread_mutex_unlock(&s->mu);

        int completed = gone ? 0 : run_job(q);
        gs_job_free(q->job);
        q->job = NULL;
        pthread_mutex_lock(&q->mu);
        size_t peak = q->peak_unread;
        pthread_mutex_unlock(&q->mu);

        pthread_mutex_lock(&s->mu);
        if (!gone)
            s->stats.running--;
        if (peak > s->stats.peak_unread)
            s->stats.peak_unread = peak;
        if (completed)
            s->stats.finished++;
        else
            s->stats.cancelled++;
        active_remove(s, q);
        pthread_mutex_unlock(&s->mu);
        req_release(q);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* Every GS_WATCH_MS: cancel the requests whose client left while their connection is
 * suspended (libmicrohttpd does not watch those sockets). */
static void *watchdog_main(void *arg)
{
    genapi_server *s = arg;
    int64_t next_receive_check = 0;
    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        struct timespec until;
        deadline_after_ms(&until, GS_WATCH_MS);
        pthread_cond_timedwait(&s->watch, &s->mu, &until);
        if (s->stopping)
            break;
        for (gs_req *q = s->active; q; q = q->anext) {
            pthread_mutex_lock(&q->mu);
            if (q->suspended && !q->gone && peer_left(q->fd))
                req_cancel(q);
            pthread_mutex_unlock(&q->mu);
        }
        int64_t now = now_ns();
        if (now < next_receive_check)
            continue;
        next_receive_check = now + (int64_t)GS_RECEIVE_WATCH_MS * 1000000;
        /* A connection record lives until libmicrohttpd reports the connection closed, before
         * it closes the socket (on_connection, under this lock): the descriptor is still its. */
        for (gs_conn *k = s->conns; k; k = k->next)
            if (k->receiving && !k->shut && now - k->ready_ns > s->receive_timeout_ns) {
                k->shut = 1;
                shutdown(k->fd, SHUT_RDWR);
                s->stats.receive_timeouts++;
            }
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

void gs_front_set_receive_timeout_ms(genapi_server *s, int64_t ms)
{
    pthread_mutex_lock(&s->mu);
    s->receive_timeout_ns = ms * 1000000;
    pthread_mutex_unlock(&s->mu);
}

void gs_front_stats_get(genapi_server *s, gs_front_stats *out)
{
    memset(out, 0, sizeof *out);
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->mu);
}

/* ---- libmicrohttpd callbacks --------------------------------------------------------- */

/* A connection opened or closed: keep the record the receive deadline needs. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    genapi_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        gs_conn *k = ga_calloc(&s->backend->alloc, 1, sizeof *k);
        if (k == NULL)
            return; /* served without a receive deadline */
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        k->fd = ci ? (int)ci->connect_fd : -1;
        pthread_mutex_lock(&s->mu);
        k->receiving = k->fd >= 0;
        k->ready_ns = now_ns();
        k->next = s->conns;
        if (s->conns)
            s->conns->prev = k;
        s->conns = k;
        s->stats.connections++;
        pthread_mutex_unlock(&s->mu);
        *socket_context = k;
        return;
    }
    gs_conn *k = *socket_context;
    if (k == NULL)
        return;
    *socket_context = NULL;
    pthread_mutex_lock(&s->mu);
    if (k->prev)
        k->prev->next = k->next;
    else
        s->conns = k->next;
    if (k->next)
        k->next->prev = k->prev;
    s->stats.connections--;
    pthread_mutex_unlock(&s->mu);
    ga_free(&s->backend->alloc, k);
}

/* The connection's request arrived whole (receiving 0), or its answer is done and it waits for
 * the next (receiving 1, from now). */
static void conn_mark(genapi_server *s, struct MHD_Connection *c, int receiving)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    gs_conn *k = ci ? ci->socket_context : NULL;
    if (k == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    k->receiving = receiving && k->fd >= 0;
    k->ready_ns = now_ns();
    pthread_mutex_unlock(&s->mu);
}

static char *dup_or_null(const ga_alloc *a, const char *v, int *oom)
{
    if (v == NULL)
        return NULL;
    char *d = ga_strdup(a, v);
    if (d == NULL)
        *oom = 1;
    return d;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    genapi_server *s = cls;
    genapi_backend *b = s->backend;
    gs_req *q = *con_cls;
    if (q == NULL) {
        q = req_new(s, c);
        if (q == NULL)
            return MHD_NO;
        *con_cls = q;
        return MHD_YES;
    }
    if (q->has_job) /* resumed: a worker has news, or the client left */
        return job_progress(c, q);
    if (*upload_size > 0) {
        if (q->too_large || q->body.len + *upload_size > GS_MAX_BODY)
            q->too_large = 1;
        else
            ga_buf_append(&q->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    conn_mark(s, c, 0); /* the request is here whole */
    if (q->too_large) {
        char msg[64];
        snprintf(msg, sizeof msg, "Request body exceeds %u bytes.", GS_MAX_BODY);
        return send_error(c, b, 413, "Payload Too Large", msg);
    }
    int oom = q->body.failed;
    /* A job may keep pointers into the request until it is freed, which can be after
     * libmicrohttpd is done with the request: hand it copies the request owns. */
    q->method = dup_or_null(&b->alloc, method, &oom);
    q->path = dup_or_null(&b->alloc, url, &oom);
    q->authorization =
        dup_or_null(&b->alloc, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION), &oom);
    q->content_type =
        dup_or_null(&b->alloc, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE), &oom);
    if (oom)
        return send_error(c, b, 500, "InternalServerError", "out of memory");
    genapi_http_request req = {q->method, q->path, q->authorization, q->content_type, q->body.data, q->body.len};
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    gs_job *job = NULL;
    genapi_status st = gs_begin(b, &req, &r, &job);
    if (job == NULL) {
        if (st != GENAPI_OK && r.body == NULL)
            return MHD_NO;
        return send_response(c, b, &r);
    }
    if (admit(s, q, job) != 0) {
        gs_job_free(job);
        return send_error(c, b, 503, "ServiceUnavailable", "The server is shutting down.");
    }
    q->has_job = 1;
    return job_progress(c, q);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    genapi_server *s = cls;
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        conn_mark(s, c, 1); /* ready for the next request from now */
    gs_req *q = *con_cls;
    if (q == NULL)
        return;
    *con_cls = NULL;
    pthread_mutex_lock(&q->mu);
    q->mc = NULL;
    /* An answer that completed was whole, so its job had ended; any other end (failed write,
     * timeout, closed connection, shutdown) leaves no one to read: the job stops. */
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK || !q->job_done)
        req_cancel(q);
    q->suspended = 0;
    pthread_mutex_unlock(&q->mu);
    req_release(q);
}

/* ---- start and stop ------------------------------------------------------------------ */

/* Connections to accept: GS_CONNECTION_LIMIT, less when the descriptor limit is lower. */
static unsigned int connection_limit(void)
{
    unsigned int limit = GS_CONNECTION_LIMIT;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)(limit + GS_FD_RESERVE))
        limit = rl.rlim_cur > (rlim_t)(2 * GS_FD_RESERVE) ? (unsigned int)(rl.rlim_cur - GS_FD_RESERVE) : GS_FD_RESERVE;
    return limit;
}

/* Stop the workers and the watchdog, cancel every job and free those never started. */
static void scheduler_stop(genapi_server *s)
{
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    for (gs_req *q = s->active; q; q = q->anext) {
        pthread_mutex_lock(&q->mu);
        req_cancel(q);
        pthread_mutex_unlock(&q->mu);
    }
    pthread_cond_broadcast(&s->work);
    pthread_cond_broadcast(&s->watch);
    pthread_mutex_unlock(&s->mu);
    for (uint32_t i = 0; i < s->nworkers; i++)
        pthread_join(s->workers[i], NULL);
    if (s->watchdog_started)
        pthread_join(s->watchdog, NULL);
    s->nworkers = 0;
    s->watchdog_started = 0;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        gs_req *q = queue_pop(s);
        if (q) {
            s->stats.cancelled++;
            active_remove(s, q);
        }
        pthread_mutex_unlock(&s->mu);
        if (q == NULL)
            break;
        gs_job_free(q->job);
        q->job = NULL;
        req_release(q);
    }
}

static void server_free(genapi_server *s)
{
    ga_alloc a = s->backend->alloc;
    ga_free(&a, s->workers);
    pthread_cond_destroy(&s->watch);
    pthread_cond_destroy(&s->work);
    pthread_mutex_destroy(&s->mu);
    ga_free(&a, s);
}

genapi_status genapi_server_start(genapi_backend *backend, const char *host, uint16_t port, genapi_server **out,
                                  genapi_error *err)
{
    if (backend == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "backend or out is NULL");
    *out = NULL;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char portbuf[8];
    snprintf(portbuf, sizeof portbuf, "%u", (unsigned)port);
    int gai = getaddrinfo(host ? host : "127.0.0.1", portbuf, &hints, &res);
    if (gai != 0 || res == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, "host", "cannot resolve host '%s': %s", host ? host : "127.0.0.1",
                      gai_strerror(gai));
    memcpy(&ss, res->ai_addr, res->ai_addrlen);
    int ipv6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);

    uint32_t parallel = backend->parallel ? backend->parallel : GS_PARALLEL_REQUESTS;
    genapi_server *s = ga_calloc(&backend->alloc, 1, sizeof *s);
    if (s == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    s->backend = backend;
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        ga_free(&backend->alloc, s);
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "cannot create a mutex");
    }
    if (pthread_cond_init(&s->work, NULL) != 0) {
        pthread_mutex_destroy(&s->mu);
        ga_free(&backend->alloc, s);
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "cannot create a condition variable");
    }
    if (cond_init_monotonic(&s->watch) != 0) {
        pthread_cond_destroy(&s->work);
        pthread_mutex_destroy(&s->mu);
        ga_free(&backend->alloc, s);
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "cannot create a condition variable");
    }
    s->stats.workers = parallel;
    s->stats.connection_limit = connection_limit();
    s->receive_timeout_ns = (int64_t)GS_RECEIVE_TIMEOUT_S * 1000000000;
    /* The generation deadline of genapi-server's --max-request-seconds (0: none). */
    const char *mrs = getenv("GENAPI_SERVER_MAX_REQUEST_SECONDS");
    if (mrs && mrs[0]) {
        char *end;
        long long v = strtoll(mrs, &end, 10);
        if (*end == '\0' && v >= 0 && v <= 31L * 24 * 3600)
            gs_backend_set_max_request_ms(backend, (int64_t)v * 1000);
    }
    s->workers = ga_calloc(&backend->alloc, parallel, sizeof *s->workers);
    if (s->workers == NULL) {
        server_free(s);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    for (uint32_t i = 0; i < parallel; i++) {
        if (pthread_create(&s->workers[i], NULL, worker_main, s) != 0) {
            scheduler_stop(s);
            server_free(s);
            return ga_err(err, GENAPI_E_INTERNAL, NULL, "cannot start generation worker %u of %u", (unsigned)i + 1,
                          (unsigned)parallel);
        }
        s->nworkers = i + 1;
    }
    if (pthread_create(&s->watchdog, NULL, watchdog_main, s) != 0) {
        scheduler_stop(s);
        server_free(s);
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "cannot start the connection watchdog");
    }
    s->watchdog_started = 1;

    unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)GS_HTTP_THREADS,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)s->stats.connection_limit, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)GS_IDLE_TIMEOUT_S, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)GS_CONNECTION_LIMIT,
        MHD_OPTION_END);
    if (s->daemon == NULL) {
        scheduler_stop(s);
        server_free(s);
        return ga_err(err, GENAPI_E_CONNECT, "port", "cannot listen on %s:%u (address in use or not permitted)",
                      host ? host : "127.0.0.1", (unsigned)port);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    *out = s;
    return GENAPI_OK;
}

uint16_t genapi_server_port(const genapi_server *s) { return s ? s->port : 0; }

void genapi_server_stop(genapi_server *s)
{
    if (s == NULL)
        return;
    /* Every job is cancelled and every suspended connection resumed first: libmicrohttpd
     * must not be stopped with suspended connections. Resumed connections see their request
     * gone and close. */
    scheduler_stop(s);
    MHD_stop_daemon(s->daemon);
    server_free(s);
}
