/* In-process transport: the reference router answers in the client's own loop, no sockets.
 * A generation comes back from the router as a job; pump() steps the running jobs round robin,
 * one unit of work each in turn, until the time budget is spent, and hands their output over
 * as a socket would: streamed bodies to on_data as they grow, whole bodies at the end.
 *
 * The budget is kept by forecasting: each transfer remembers what its units cost (thread CPU
 * time, a maximum that decays by a quarter per unit), and a unit starts only when it is
 * expected to end before the deadline; the first unit of a pump always starts, so every pump
 * makes progress. Handing a whole answer over (the owner parses it inside on_done) is a unit
 * of its own, forecast from the body's size, so a large answer is parsed at the start of a
 * pump rather than after a full budget of generation. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/job.h"
#include "transport/transport.h"
#include "util/buf.h"
#include "util/err.h"

/* Forecast of a transfer's first unit (routing; measured: 0.02-0.1 ms). */
#define IPX_FIRST_UNIT_NS (200 * 1000LL)
/* Forecast of handing over a whole answer, per KiB of body, until one of at least
 * IPX_RATE_MIN_BODY bytes was measured (parsing JSON and decoding base64 images: about
 * 2 µs per KiB). */
#define IPX_HANDOVER_NS_PER_KIB 4000LL
#define IPX_RATE_MIN_BODY (64u * 1024u)

typedef struct ipx ipx;
struct ipx {
    gt_xfer *x;
    gs_job *job;
    int begun;
    int paused;
    int ending;     /* the job is done: the next unit hands the whole answer over */
    int64_t est_ns; /* forecast cost of the next unit */
    ga_buf body;    /* collected body of a whole answer */
    int32_t last_step, last_job_no;
    ipx *next, *prev;
};

typedef struct inproc {
    gt_transport base;
    ga_alloc alloc;
    genapi_backend *backend;
    ipx *head, *tail;            /* round-robin order */
    int64_t handover_ns_per_kib; /* forecast cost of handing over a whole answer */
} inproc;

/* Time this thread has run, in nanoseconds (what a unit costs, without the time the thread
 * was preempted); the monotonic clock where there is no thread clock. */
static int64_t cpu_now_ns(void)
{
#ifdef CLOCK_THREAD_CPUTIME_ID
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
#endif
    return gt_now_ns();
}

static void unlink_ipx(inproc *ip, ipx *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        ip->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    else
        ip->tail = t->prev;
    t->next = t->prev = NULL;
}

static void push_back(inproc *ip, ipx *t)
{
    t->prev = ip->tail;
    t->next = NULL;
    if (ip->tail)
        ip->tail->next = t;
    else
        ip->head = t;
    ip->tail = t;
}

static void ipx_free(inproc *ip, ipx *t)
{
    unlink_ipx(ip, t);
    gs_job_free(t->job); /* stops a generation that is not done */
    ga_buf_free(&t->body);
    t->x->priv = NULL;
    ga_free(&ip->alloc, t);
}

static genapi_status inproc_begin(gt_transport *tr, gt_xfer *x, genapi_error *err)
{
    inproc *ip = (inproc *)tr;
    memset(&x->resp, 0, sizeof x->resp);
    ipx *t = ga_calloc(&ip->alloc, 1, sizeof *t);
    if (t == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    t->x = x;
    t->last_step = -1;
    t->est_ns = IPX_FIRST_UNIT_NS;
    ga_buf_init(&t->body, &ip->alloc);
    x->priv = t;
    push_back(ip, t); /* routed at the next pump, inside the loop */
    return GENAPI_OK;
}

static void inproc_cancel(gt_transport *tr, gt_xfer *x)
{
    ipx *t = x->priv;
    if (t)
        ipx_free((inproc *)tr, t);
}

static void inproc_resume(gt_transport *tr, gt_xfer *x)
{
    (void)tr;
    ipx *t = x->priv;
    if (t)
        t->paused = 0;
}

static void set_head(gt_xfer *x, int32_t status, const char *content_type, int32_t retry_after_s)
{
    x->resp.status = status;
    if (content_type)
        ga_copy_field(x->resp.content_type, sizeof x->resp.content_type, content_type, strlen(content_type));
    if (retry_after_s > 0) {
        char v[16];
        int n = snprintf(v, sizeof v, "%d", (int)retry_after_s);
        ga_copy_field(x->resp.retry_after, sizeof x->resp.retry_after, v, (size_t)n);
    }
}

/* Hand bytes over: a 2xx stream to on_data, anything else into the body. 0, or 1 when the
 * receiver stopped the transfer. */
static int deliver(ipx *t, const char *bytes, size_t len)
{
    gt_xfer *x = t->x;
    if (len == 0)
        return 0;
    if (x->stream && x->resp.status >= 200 && x->resp.status < 300) {
        x->resp.delivered = 1;
        int rc = x->on_data(x, bytes, len);
        if (rc == GT_DATA_STOP) {
            x->resp.stopped = 1;
            return 1;
        }
        if (rc == GT_DATA_PAUSE)
            t->paused = 1;
        return 0;
    }
    ga_buf_append(&t->body, bytes, len);
    return 0;
}

/* The transfer ended: give the owner its response. */
static void finish(inproc *ip, ipx *t, genapi_status st, const char *what)
{
    gt_xfer *x = t->x;
    genapi_error err;
    genapi_error_clear(&err);
    if (st == GENAPI_OK && t->body.failed)
        st = GENAPI_E_NOMEM;
    if (st == GENAPI_OK && !x->resp.stopped && !(x->stream && x->resp.status >= 200 && x->resp.status < 300)) {
        x->resp.body = ga_buf_take(&t->body, &x->resp.body_len);
        if (x->resp.body == NULL)
            st = GENAPI_E_NOMEM;
    }
    if (st != GENAPI_OK)
        ga_err(&err, st, NULL, "the reference backend failed: %s", what ? what : genapi_status_str(st));
    ipx_free(ip, t);
    x->on_done(x, st, &err);
}

static void report_progress(ipx *t)
{
    gs_job *j = t->job;
    if (!j->image || t->x->on_progress == NULL)
        return;
    if (j->sampling_step == t->last_step && j->job_no == t->last_job_no)
        return;
    t->last_step = j->sampling_step;
    t->last_job_no = j->job_no;
    t->x->on_progress(t->x, j->sampling_step, j->sampling_steps, j->job_no, j->job_count);
}

/* Hand the whole answer over: the rest of the job's output, then the end. */
static void hand_over(inproc *ip, ipx *t)
{
    size_t len = 0;
    const char *bytes = gs_job_take(t->job, &len);
    deliver(t, bytes, len);
    finish(ip, t, GENAPI_OK, NULL);
}

/* Forecast of the unit that hands over a whole answer of len bytes. */
static int64_t handover_forecast(const inproc *ip, size_t len)
{
    int64_t est = (int64_t)(len / 1024) * ip->handover_ns_per_kib;
    return est > IPX_FIRST_UNIT_NS ? est : IPX_FIRST_UNIT_NS;
}

/* One unit of work of one transfer. Returns 1 when the transfer ended (t is freed). */
static int work(inproc *ip, ipx *t)
{
    gt_xfer *x = t->x;
    if (t->ending) {
        hand_over(ip, t);
        return 1;
    }
    if (!t->begun) {
        t->begun = 1;
        genapi_http_request hr = {x->method, x->path, NULL, x->body ? "application/json" : NULL, x->body, x->body_len};
        genapi_http_response r;
        genapi_status st = gs_begin(ip->backend, &hr, &r, &t->job);
        if (st != GENAPI_OK) {
            genapi_http_response_release(ip->backend, &r);
            finish(ip, t, st, NULL);
            return 1;
        }
        if (t->job == NULL) { /* answered at once */
            set_head(x, r.status, r.content_type, r.retry_after_s);
            int stopped = deliver(t, r.body ? r.body : "", r.body_len);
            genapi_http_response_release(ip->backend, &r);
            (void)stopped;
            finish(ip, t, GENAPI_OK, NULL);
            return 1;
        }
        return 0;
    }
    gs_job *j = t->job;
    gs_job_step(j);
    report_progress(t);
    if (j->out.failed || (j->failure != GENAPI_OK && gs_job_done(j))) {
        /* memory ran out inside the generation: that, not the 500 it answers over HTTP */
        finish(ip, t, j->failure != GENAPI_OK ? j->failure : GENAPI_E_NOMEM, "out of memory");
        return 1;
    }
    if (!gs_job_head_ready(j)) {
        if (gs_job_done(j)) {
            finish(ip, t, GENAPI_E_INTERNAL, "a generation ended without an answer");
            return 1;
        }
        return 0;
    }
    if (x->resp.status == 0)
        set_head(x, j->status, j->content_type, j->retry_after_s);
    if (gs_job_done(j) && !(x->stream && x->resp.status >= 200 && x->resp.status < 300)) {
        t->ending = 1; /* a whole answer: handed over in a unit of its own */
        return 0;
    }
    size_t len = 0;
    const char *bytes = gs_job_take(j, &len);
    if (deliver(t, bytes, len) || gs_job_done(j)) {
        finish(ip, t, GENAPI_OK, NULL);
        return 1;
    }
    return 0;
}

/* Run one unit of t and learn what it cost. */
static void run_unit(inproc *ip, ipx *t)
{
    int ending = t->ending;
    size_t len = ending ? gs_job_available(t->job) : 0;
    int64_t c0 = cpu_now_ns();
    int ended = work(ip, t);
    int64_t cost = cpu_now_ns() - c0;
    if (ending) {
        if (len >= IPX_RATE_MIN_BODY)
            ip->handover_ns_per_kib = cost / (int64_t)(len / 1024) + 1;
        return;
    }
    if (ended)
        return;
    /* A maximum that decays: a costly unit keeps the next ones cautious for a while. */
    int64_t decayed = t->est_ns - t->est_ns / 4;
    t->est_ns = cost > decayed ? cost : decayed;
    if (t->ending)
        t->est_ns = handover_forecast(ip, gs_job_available(t->job));
}

static void inproc_pump(gt_transport *tr, int64_t deadline_ns, const struct pollfd *seen, size_t n_seen)
{
    (void)seen; /* no descriptors */
    (void)n_seen;
    inproc *ip = (inproc *)tr;
    int first = 1;
    while (ip->head) {
        /* One unit of each runnable transfer per round, oldest first. A transfer whose unit
         * would not end before the deadline keeps its place and goes first next time. */
        int ran = 0;
        ipx *t = ip->head;
        ipx *last = ip->tail;
        while (t) {
            ipx *next = t == last ? NULL : t->next;
            if (!t->paused) {
                if (!first && gt_now_ns() + t->est_ns > deadline_ns) {
                    t = next;
                    continue;
                }
                ran = 1;
                /* Move to the back first: finishing frees t. */
                unlink_ipx(ip, t);
                push_back(ip, t);
                run_unit(ip, t);
                first = 0;
                if (gt_now_ns() >= deadline_ns)
                    return;
            }
            t = next;
        }
        if (!ran)
            return;
    }
}

static int64_t inproc_timeout_ms(gt_transport *tr)
{
    inproc *ip = (inproc *)tr;
    for (ipx *t = ip->head; t; t = t->next)
        if (!t->paused)
            return 0;
    return -1;
}

static size_t inproc_fds(gt_transport *tr, genapi_pollfd *out, size_t cap)
{
    (void)tr;
    (void)out;
    (void)cap;
    return 0;
}

static void inproc_destroy(gt_transport *tr)
{
    inproc *ip = (inproc *)tr;
    while (ip->head)
        ipx_free(ip, ip->head);
    ga_alloc a = ip->alloc;
    ga_free(&a, ip);
}

gt_transport *gt_inproc_new(const ga_alloc *a, genapi_backend *backend)
{
    inproc *ip = ga_calloc(a, 1, sizeof *ip);
    if (ip == NULL)
        return NULL;
    ip->base.begin = inproc_begin;
    ip->base.cancel = inproc_cancel;
    ip->base.resume = inproc_resume;
    ip->base.pump = inproc_pump;
    ip->base.timeout_ms = inproc_timeout_ms;
    ip->base.fds = inproc_fds;
    ip->base.destroy = inproc_destroy;
    ip->alloc = *a;
    ip->backend = backend;
    ip->handover_ns_per_kib = IPX_HANDOVER_NS_PER_KIB;
    return &ip->base;
}
