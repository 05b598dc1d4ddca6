/* In-process transport: the reference router answers in the client's own loop, no sockets.
 * A generation comes back from the router as a job; pump() steps the running jobs round robin,
 * one unit of work each in turn, until the time budget is spent, and hands their output over
 * as a socket would: streamed bodies to on_data as they grow, whole bodies at the end. */
#include <stdio.h>
#include <string.h>

#include "server/job.h"
#include "transport/transport.h"
#include "util/buf.h"
#include "util/err.h"

typedef struct ipx ipx;
struct ipx {
    gt_xfer *x;
    gs_job *job;
    int begun;
    int paused;
    ga_buf body; /* collected body of a whole answer */
    int32_t last_step, last_job_no;
    ipx *next, *prev;
};

typedef struct inproc {
    gt_transport base;
    ga_alloc alloc;
    genapi_backend *backend;
    ipx *head, *tail; /* round-robin order */
} inproc;

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

/* One unit of work of one transfer. */
static void work(inproc *ip, ipx *t)
{
    gt_xfer *x = t->x;
    if (!t->begun) {
        t->begun = 1;
        genapi_http_request hr = {x->method, x->path, NULL, x->body ? "application/json" : NULL, x->body, x->body_len};
        genapi_http_response r;
        genapi_status st = gs_begin(ip->backend, &hr, &r, &t->job);
        if (st != GENAPI_OK) {
            genapi_http_response_release(ip->backend, &r);
            finish(ip, t, st, NULL);
            return;
        }
        if (t->job == NULL) { /* answered at once */
            set_head(x, r.status, r.content_type, r.retry_after_s);
            int stopped = deliver(t, r.body ? r.body : "", r.body_len);
            genapi_http_response_release(ip->backend, &r);
            (void)stopped;
            finish(ip, t, GENAPI_OK, NULL);
            return;
        }
    }
    gs_job *j = t->job;
    gs_job_step(j);
    report_progress(t);
    if (!gs_job_head_ready(j)) {
        if (gs_job_done(j))
            finish(ip, t, GENAPI_E_INTERNAL, "a generation ended without an answer");
        return;
    }
    if (x->resp.status == 0)
        set_head(x, j->status, j->content_type, j->retry_after_s);
    size_t len = 0;
    const char *bytes = gs_job_take(j, &len);
    if (deliver(t, bytes, len) || gs_job_done(j))
        finish(ip, t, GENAPI_OK, NULL);
}

static void inproc_pump(gt_transport *tr, int64_t deadline_ns)
{
    inproc *ip = (inproc *)tr;
    int first = 1;
    while (ip->head) {
        /* One unit of each runnable transfer per round, oldest first. */
        int any = 0;
        ipx *t = ip->head;
        ipx *last = ip->tail;
        while (t) {
            ipx *next = t == last ? NULL : t->next;
            if (!t->paused) {
                any = 1;
                /* Move to the back first: finishing frees t. */
                unlink_ipx(ip, t);
                push_back(ip, t);
                work(ip, t);
                first = 0;
                if (gt_now_ns() >= deadline_ns)
                    return;
            }
            t = next;
        }
        if (!any || (first && gt_now_ns() >= deadline_ns))
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
    return &ip->base;
}
