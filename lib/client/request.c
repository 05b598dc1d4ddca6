/* The request lifecycle (see request.h): start, attempts and retries, streams decoded as they
 * arrive (push and pull), image progress, exactly one completion, results handed over. */
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "client/client_internal.h"
#include "client/json_write.h"
#include "params/param_internal.h"
#include "util/err.h"

/* Most unread bytes a pull stream queues before its transfer pauses. */
#define GC_PULL_QUEUE_MAX (1024u * 1024u)
/* Most requests one client holds at once (queued, running or waiting to retry). */
#define GC_MAX_PENDING 65536
/* How often an HTTP image request asks the server for progress. */
#define GC_PROGRESS_PERIOD_NS (250 * 1000000LL)

struct gc_delta {
    genapi_stream_delta d;
    gc_delta *next;
    size_t size;
    /* content, reasoning, tool-call arguments, finish_reason, stop_string, tool-call id and name
     * follow, NUL-terminated */
};

static void lock(genapi_request *r)
{
    if (r->c)
        pthread_mutex_lock(&r->c->mu);
}

static void unlock(genapi_request *r)
{
    if (r->c)
        pthread_mutex_unlock(&r->c->mu);
}

static void free_result(genapi_request *r)
{
    if (r->result && r->ops->free_result)
        r->ops->free_result(r->result, &r->alloc);
    r->result = NULL;
}

static void request_free(genapi_request *r)
{
    ga_alloc a = r->alloc;
    if (r->c) {
        pthread_mutex_lock(&r->c->mu);
        if (r->all_prev)
            r->all_prev->all_next = r->all_next;
        else
            r->c->all = r->all_next;
        if (r->all_next)
            r->all_next->all_prev = r->all_prev;
        pthread_mutex_unlock(&r->c->mu);
    }
    for (gc_delta *d = r->q_head; d;) {
        gc_delta *n = d->next;
        ga_free(&a, d);
        d = n;
    }
    ga_free(&a, r->current);
    free_result(r);
    ga_free(&a, r->body);
    ga_free(&a, r);
}

/* Drop one reference; the last one frees. Caller holds the client's mutex if any. */
static int unref_locked(genapi_request *r) { return --r->refs == 0; }

genapi_status gc_start(genapi_client *c, const gc_kind_ops *ops, const char *method, const char *path, char *body,
                       int stream, int image, const genapi_callbacks *cb, genapi_request **out, genapi_error *err)
{
    return gc_start_resolving(c, ops, method, path, body, stream, image, GC_RESOLVE_NONE, cb, out, err);
}

genapi_status gc_start_resolving(genapi_client *c, const gc_kind_ops *ops, const char *method, const char *path,
                                 char *body, int stream, int image, int resolve, const genapi_callbacks *cb,
                                 genapi_request **out, genapi_error *err)
{
    genapi_request *r = ga_calloc(&c->alloc, 1, sizeof *r);
    size_t path_len = strlen(path);
    if (r == NULL || path_len >= sizeof r->path) {
        ga_free(&c->alloc, body);
        ga_free(&c->alloc, r);
        return ga_err(err, r ? GENAPI_E_INVALID_ARG : GENAPI_E_NOMEM, NULL, r ? "path too long" : "out of memory");
    }
    r->alloc = c->alloc;
    r->c = c;
    r->ops = ops;
    if (cb)
        r->cb = *cb;
    r->stream = stream;
    r->image = image;
    r->resolve = resolve;
    r->body = body;
    r->body_len = body ? strlen(body) : 0;
    r->method = method;
    memcpy(r->path, path, path_len + 1);
    const char *progress = c->image_api == GENAPI_IMAGE_API_WEBUI ? "/sdapi/v1/progress" : "/v1/progress";
    memcpy(r->progress_path, progress, strlen(progress) + 1); /* both fit progress_path */
    r->refs = 2; /* the caller's handle and the loop */
    r->status = GENAPI_E_AGAIN;
    r->last_progress = -1;
    pthread_mutex_lock(&c->mu);
    if (c->pending >= GC_MAX_PENDING) {
        pthread_mutex_unlock(&c->mu);
        ga_free(&c->alloc, body);
        ga_free(&c->alloc, r);
        return ga_err(err, GENAPI_E_BUSY, NULL, "the client already holds %d requests; wait for some to end",
                      GC_MAX_PENDING);
    }
    c->pending++;
    r->all_next = c->all;
    if (c->all)
        c->all->all_prev = r;
    c->all = r;
    gc_command_locked(c, r);
    pthread_mutex_unlock(&c->mu);
    *out = r;
    return GENAPI_OK;
}

/* ---- streams ------------------------------------------------------------------------------ */

/* Copy a NUL-terminated string (when not NULL) to *p, advancing it; returns the copy. */
static const char *copy_str(char **p, const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*p, s, n);
    const char *out = *p;
    *p += n;
    return out;
}

/* Copy a delta into the pull queue (caller: loop thread). */
static void enqueue_delta(genapi_request *r, const genapi_stream_delta *d)
{
    size_t fr = d->finish_reason ? strlen(d->finish_reason) + 1 : 0;
    size_t ss = d->stop_string ? strlen(d->stop_string) + 1 : 0;
    size_t ti = d->tool_call_id ? strlen(d->tool_call_id) + 1 : 0;
    size_t tn = d->tool_call_name ? strlen(d->tool_call_name) + 1 : 0;
    size_t n = sizeof(gc_delta) + d->content_len + 1 + d->reasoning_len + 1 + d->tool_call_arguments_len + 1 + fr +
               ss + ti + tn;
    gc_delta *q = ga_malloc(&r->alloc, n);
    if (q == NULL) {
        r->stream_failed = GC_STREAM_NOMEM;
        return;
    }
    q->d = *d;
    q->next = NULL;
    q->size = n;
    char *p = (char *)(q + 1);
    q->d.content = d->content ? p : NULL;
    if (d->content_len)
        memcpy(p, d->content, d->content_len);
    p[d->content_len] = '\0';
    p += d->content_len + 1;
    q->d.reasoning = d->reasoning ? p : NULL;
    if (d->reasoning_len)
        memcpy(p, d->reasoning, d->reasoning_len);
    p[d->reasoning_len] = '\0';
    p += d->reasoning_len + 1;
    q->d.tool_call_arguments = d->tool_call_arguments ? p : NULL;
    if (d->tool_call_arguments_len)
        memcpy(p, d->tool_call_arguments, d->tool_call_arguments_len);
    p[d->tool_call_arguments_len] = '\0';
    p += d->tool_call_arguments_len + 1;
    q->d.finish_reason = copy_str(&p, d->finish_reason);
    q->d.stop_string = copy_str(&p, d->stop_string);
    q->d.tool_call_id = copy_str(&p, d->tool_call_id);
    q->d.tool_call_name = copy_str(&p, d->tool_call_name);
    lock(r);
    if (r->q_tail)
        r->q_tail->next = q;
    else
        r->q_head = q;
    r->q_tail = q;
    r->q_bytes += n;
    pthread_cond_broadcast(&r->c->cv);
    unlock(r);
}

static int forward(const gacc_delta *d, void *user)
{
    genapi_request *r = user;
    genapi_stream_delta out = {d->index,
                               d->content,
                               d->content_len,
                               d->reasoning,
                               d->reasoning_len,
                               d->finish_reason,
                               d->stop_reason_kind,
                               0,
                               d->stop_token,
                               d->stop_string,
                               d->tool_call_index,
                               d->tool_call_id,
                               d->tool_call_name,
                               d->tool_call_arguments,
                               d->tool_call_arguments_len};
    if (r->c)
        r->c->events++;
    if (r->cb.pull)
        enqueue_delta(r, &out);
    if (r->cb.on_delta && r->cb.on_delta(&out, r->cb.user) != 0) {
        r->stream_stopped = 1;
        return 1;
    }
    return 0;
}

static int on_event(const char *data, size_t len, void *user)
{
    genapi_request *r = user;
    gc_log_body(r->c, "stream event", r->method, r->path, data, len);
    int rc = gacc_event(r->acc, data, len);
    if (rc < 0 && !r->stream_failed)
        r->stream_failed = GC_STREAM_EVENT;
    return rc;
}

static int on_data(gt_xfer *x, const char *bytes, size_t len)
{
    genapi_request *r = x->owner;
    int rc = gsse_feed(&r->sse, bytes, len);
    if (rc < 0 && !r->stream_failed)
        r->stream_failed = GC_STREAM_NOMEM; /* the decoder could not grow its event buffer */
    if (rc != 0)
        return GT_DATA_STOP;
    if (r->cb.pull) {
        lock(r);
        int full = r->q_bytes > GC_PULL_QUEUE_MAX;
        if (full)
            r->q_paused = 1;
        unlock(r);
        if (full)
            return GT_DATA_PAUSE;
    }
    return GT_DATA_OK;
}

static void stream_reset(genapi_request *r)
{
    if (r->acc) {
        gacc_free(r->acc);
        gsse_free(&r->sse);
        r->acc = NULL;
    }
}

/* The outcome of a stream whose transfer ended with an HTTP success. */
static genapi_status stream_outcome(genapi_request *r, int http, genapi_error *err)
{
    if (r->stream_stopped)
        return ga_err(err, GENAPI_E_CANCELLED, NULL, "the stream was stopped by the delta callback");
    if (r->stream_failed == GC_STREAM_NOMEM || (r->stream_failed && gacc_failure_of(r->acc) == GACC_FAIL_NOMEM))
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory while decoding the stream");
    if (r->stream_failed && gacc_failure_of(r->acc) == GACC_FAIL_TYPE) {
        /* a chunk field of the wrong JSON type: the typed reader's error names it */
        *err = *gacc_failure_error(r->acc);
        err->http_status = http;
        return (genapi_status)err->status;
    }
    if (r->stream_failed)
        return ga_err(err, GENAPI_E_STREAM, NULL, "the stream carried an event that is not JSON");
    if (gacc_state_of(r->acc) == GACC_ERROR) {
        const char *message = NULL, *type = NULL;
        int64_t code = 0;
        gacc_error(r->acc, &message, &type, &code);
        ga_err(err, GENAPI_E_STREAM, NULL, "%s", message ? message : "the server reported an error inside the stream");
        if (type)
            ga_copy_field(err->type, sizeof err->type, type, strlen(type));
        err->server_code = (int32_t)code;
        err->http_status = http;
        return GENAPI_E_STREAM;
    }
    if (gacc_state_of(r->acc) != GACC_DONE)
        return ga_err(err, GENAPI_E_STREAM, NULL, "the stream ended without [DONE]");
    return GENAPI_OK;
}

static void *stream_result(genapi_request *r, int http)
{
    if (r->stream - 1 == GACC_CHAT)
        return gacc_chat_result(r->acc, http);
    return gacc_completion_result(r->acc, http);
}

/* ---- progress ----------------------------------------------------------------------------- */

static void emit_progress(genapi_request *r, double fraction, double eta, int32_t step, int32_t steps, int32_t job_no,
                          int32_t job_count)
{
    if (r->cb.on_progress == NULL || fraction <= r->last_progress)
        return;
    if (fraction > 1)
        fraction = 1;
    r->last_progress = fraction;
    genapi_progress p = {fraction, eta, step, steps, job_no, job_count};
    r->cb.on_progress(&p, r->cb.user);
}

static double fraction_of(int32_t step, int32_t steps, int32_t job_no, int32_t job_count)
{
    if (steps <= 0 || job_count <= 0)
        return 0;
    return ((double)job_no + (double)step / (double)steps) / (double)job_count;
}

static void on_engine_progress(gt_xfer *x, int32_t step, int32_t steps, int32_t job_no, int32_t job_count)
{
    genapi_request *r = x->owner;
    emit_progress(r, fraction_of(step, steps, job_no, job_count), 0, step, steps, job_no, job_count);
}

static int32_t int_at(json_object *o, const char *k)
{
    json_object *v;
    int64_t x = 0;
    if (!json_object_object_get_ex(o, k, &v) || !ga_json_int64(v, &x) || x < INT32_MIN || x > INT32_MAX)
        return 0;
    return (int32_t)x;
}

int gc_progress_parse(const char *body, size_t len, genapi_progress *out)
{
    memset(out, 0, sizeof *out);
    json_object *root = ga_json_parse(body, len), *state = NULL, *v;
    int rc = -1;
    if (root && json_object_is_type(root, json_type_object) && json_object_object_get_ex(root, "state", &state) &&
        json_object_is_type(state, json_type_object)) {
        double progress = 0, eta = 0;
        if (json_object_object_get_ex(root, "progress", &v))
            ga_json_number(v, &progress);
        if (json_object_object_get_ex(root, "eta_relative", &v))
            ga_json_number(v, &eta);
        /* The documented ranges whatever the server sends (json-c reads NaN and Infinity too). */
        out->progress = progress >= 0 ? (progress <= 1 ? progress : 1) : 0;
        out->eta_relative = eta >= 0 && eta <= 1e9 ? eta : 0;
        out->sampling_step = int_at(state, "sampling_step");
        out->sampling_steps = int_at(state, "sampling_steps");
        out->job_no = int_at(state, "job_no");
        out->job_count = int_at(state, "job_count");
        rc = out->job_count > 0 ? 1 : 0;
    }
    json_object_put(root);
    return rc;
}

static void on_progress_done(gt_xfer *x, genapi_status st, const genapi_error *err)
{
    (void)err;
    genapi_request *r = x->owner;
    r->px_running = 0;
    r->px_next_ns = gt_now_ns() + GC_PROGRESS_PERIOD_NS;
    if (st == GENAPI_OK && x->resp.status == 200 && x->resp.body) {
        genapi_progress p;
        if (gc_progress_parse(x->resp.body, x->resp.body_len, &p) == 1)
            emit_progress(r, p.progress, p.eta_relative, p.sampling_step, p.sampling_steps, p.job_no, p.job_count);
    } else if (st == GENAPI_OK && x->resp.status == 404) {
        r->px_next_ns = -1; /* the server has no progress route */
    }
    gt_response_free(&r->alloc, &x->resp);
}

/* HTTP image requests with a progress callback ask the server while they run. */
static void progress_tick(genapi_client *c, genapi_request *r, int64_t now)
{
    if (!r->image || r->cb.on_progress == NULL || c->base_url == NULL || r->state != GC_ACTIVE || r->px_running ||
        r->px_next_ns < 0 || now < r->px_next_ns)
        return;
    memset(&r->px, 0, sizeof r->px);
    r->px.method = "GET";
    r->px.path = r->progress_path;
    r->px.on_done = on_progress_done;
    r->px.owner = r;
    genapi_error err;
    if (c->transport->begin(c->transport, &r->px, &err) == GENAPI_OK)
        r->px_running = 1;
    else
        r->px_next_ns = now + GC_PROGRESS_PERIOD_NS;
}

/* ---- attempts ----------------------------------------------------------------------------- */

static void complete(genapi_request *r, genapi_status st, const genapi_error *err, void *result);
static void on_done(gt_xfer *x, genapi_status st, const genapi_error *err);

static void timed_out(genapi_client *c, genapi_request *r)
{
    genapi_error err;
    genapi_error_clear(&err);
    ga_err(&err, GENAPI_E_TIMEOUT, NULL, "the call did not end within timeout_ms (%lld ms, every attempt included)",
           (long long)c->timeout_ms);
    void *result = r->stream && r->acc && r->x.resp.delivered ? stream_result(r, r->x.resp.status) : NULL;
    complete(r, GENAPI_E_TIMEOUT, &err, result);
}

static void attempt_failed(genapi_client *c, genapi_request *r, genapi_status st, genapi_error *err, int http,
                           int64_t retry_after, int delivered);
static int resolve_step(genapi_client *c, genapi_request *r, int64_t left_ms);

static void attempt_begin(genapi_client *c, genapi_request *r)
{
    int64_t left_ms = (r->deadline_ns - gt_now_ns()) / 1000000;
    if (left_ms <= 0) {
        timed_out(c, r);
        return;
    }
    if (r->resolve != GC_RESOLVE_NONE && resolve_step(c, r, left_ms) != 0)
        return; /* the listing runs first (or the request has ended) */
    gc_log(c, GENAPI_LOG_DEBUG, "%s %s: attempt %d of %d", r->method, r->path, r->attempt + 1, c->max_retries + 1);
    gc_log_body(c, "request body", r->method, r->path, r->body, r->body_len);
    memset(&r->x, 0, sizeof r->x);
    r->x.timeout_ms = left_ms;
    r->x.method = r->method;
    r->x.path = r->path;
    r->x.body = r->body;
    r->x.body_len = r->body_len;
    r->x.stream = r->stream != 0;
    r->x.on_data = on_data;
    r->x.on_progress = r->image ? on_engine_progress : NULL;
    r->x.on_done = on_done;
    r->x.owner = r;
    r->state = GC_ACTIVE;
    genapi_error err;
    genapi_error_clear(&err);
    if (r->stream) {
        stream_reset(r);
        r->acc = gacc_new(&r->alloc, (gacc_kind)(r->stream - 1), forward, r);
        if (r->acc == NULL) {
            ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
            complete(r, GENAPI_E_NOMEM, &err, NULL);
            return;
        }
        gsse_init(&r->sse, &r->alloc, on_event, r);
    }
    if (r->image && r->cb.on_progress)
        r->px_next_ns = gt_now_ns() + GC_PROGRESS_PERIOD_NS / 2;
    genapi_status st = c->transport->begin(c->transport, &r->x, &err);
    if (st != GENAPI_OK)
        complete(r, st, &err, NULL);
}

/* ---- default model ------------------------------------------------------------------------ */

/* Write the default into the body: 0, or -1 when out of memory (the request has then ended). */
static int apply_default(genapi_request *r, const char *name)
{
    char *body = gc_body_with(&r->alloc, r->body, gc_resolve_key((gc_resolve)r->resolve), name);
    if (body == NULL) {
        genapi_error err;
        genapi_error_clear(&err);
        ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
        complete(r, GENAPI_E_NOMEM, &err, NULL);
        return -1;
    }
    ga_free(&r->alloc, r->body);
    r->body = body;
    r->body_len = strlen(body);
    r->resolve = GC_RESOLVE_NONE;
    return 0;
}

static void on_models_done(gt_xfer *x, genapi_status st, const genapi_error *terr)
{
    genapi_request *r = x->owner;
    genapi_client *c = r->c;
    r->mx_running = 0;
    genapi_error err;
    genapi_error_clear(&err);
    if (st != GENAPI_OK && terr)
        err = *terr;
    int http = st == GENAPI_OK ? x->resp.status : 0;
    const char *what = r->resolve == GC_RESOLVE_TEXT ? "model" : "image model";
    if (st == GENAPI_OK && http >= 200 && http < 300) {
        gc_log_body(c, "response body", "GET", x->path, x->resp.body, x->resp.body_len);
        const gc_kind_ops *ops = r->resolve == GC_RESOLVE_TEXT ? &gc_text_models_ops : &gc_image_models_ops;
        void *list = NULL;
        st = ops->parse(c, &x->resp, &list, &err);
        gt_response_free(&r->alloc, &x->resp);
        const char *first = NULL;
        if (st == GENAPI_OK && r->resolve == GC_RESOLVE_TEXT && ((genapi_model_list *)list)->count > 0)
            first = ((genapi_model_list *)list)->items[0].id;
        else if (st == GENAPI_OK && r->resolve == GC_RESOLVE_IMAGE && ((genapi_image_listing *)list)->count > 0)
            first = ((genapi_image_listing *)list)->items[0].name;
        if (st == GENAPI_OK && (first == NULL || first[0] == '\0' || strlen(first) >= GC_MODEL_NAME_MAX))
            st = ga_err(&err, GENAPI_E_NOT_FOUND, gc_resolve_key((gc_resolve)r->resolve),
                        "no %s was given and the server lists none to use as the default (GET %s); set %s or %s",
                        what, x->path, gc_resolve_key((gc_resolve)r->resolve),
                        r->resolve == GC_RESOLVE_TEXT ? "GENAPI_MODEL" : "GENAPI_IMAGE_MODEL");
        if (st == GENAPI_OK && gc_defaults_set(c->defaults, &c->alloc, (gc_resolve)r->resolve, first) != 0)
            st = ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
        if (st == GENAPI_OK) {
            gc_log(c, GENAPI_LOG_INFO, "default %s: %s (the first of GET %s)", what, first, x->path);
            /* The server's choice for every later request too (the first one cached wins). */
            char name[GC_MODEL_NAME_MAX];
            if (!gc_defaults_get(c->defaults, (gc_resolve)r->resolve, name, sizeof name))
                snprintf(name, sizeof name, "%s", first);
            ops->free_result(list, &r->alloc);
            if (apply_default(r, name) != 0)
                return;
            /* The request itself goes out from the loop's next timer pass, not from inside
             * this transfer's completion. */
            r->state = GC_RETRY_WAIT;
            r->retry_at_ns = gt_now_ns();
            return;
        }
        if (list)
            ops->free_result(list, &r->alloc);
        complete(r, st, &err, NULL);
        return;
    }
    int64_t retry_after = -1;
    if (st == GENAPI_OK) {
        st = gc_error_from_response(&x->resp, &err);
        retry_after = err.retry_after_ms;
        gt_response_free(&r->alloc, &x->resp);
    }
    char msg[sizeof err.message];
    memcpy(msg, err.message, sizeof msg);
    /* The listing's own message, after what was being done (cut to fit the record). */
    int n = snprintf(err.message, sizeof err.message, "listing the models to find the default %s (GET %s): ", what,
                     x->path);
    if (n > 0 && (size_t)n < sizeof err.message)
        ga_copy_field(err.message + n, sizeof err.message - (size_t)n, msg, strlen(msg));
    attempt_failed(c, r, st, &err, http, retry_after, 0);
}

/* Before the first attempt of a request without its model: the cached default goes into the
 * body (0: send now), or the listing starts (1: the request waits for it, or has ended). */
static int resolve_step(genapi_client *c, genapi_request *r, int64_t left_ms)
{
    char name[GC_MODEL_NAME_MAX];
    if (gc_defaults_get(c->defaults, (gc_resolve)r->resolve, name, sizeof name))
        return apply_default(r, name) == 0 ? 0 : 1;
    memset(&r->mx, 0, sizeof r->mx);
    r->mx.method = "GET";
    r->mx.path = r->resolve == GC_RESOLVE_TEXT ? "/v1/models/textgen-models" : gc_image_models_path(c);
    r->mx.timeout_ms = left_ms;
    r->mx.on_done = on_models_done;
    r->mx.owner = r;
    r->state = GC_ACTIVE;
    r->px_next_ns = -1; /* no progress polls before the request itself runs */
    gc_log(c, GENAPI_LOG_DEBUG, "%s %s: no %s given; listing the models for the default (GET %s)", r->method, r->path,
           gc_resolve_key((gc_resolve)r->resolve), r->mx.path);
    genapi_error err;
    genapi_error_clear(&err);
    genapi_status st = c->transport->begin(c->transport, &r->mx, &err);
    if (st != GENAPI_OK)
        complete(r, st, &err, NULL);
    else
        r->mx_running = 1;
    return 1;
}

static int retryable(genapi_status st, int http_status)
{
    if (st == GENAPI_E_CONNECT || st == GENAPI_E_TIMEOUT)
        return 1;
    return http_status == 408 || http_status == 409 || http_status == 429 || http_status >= 500;
}

/* Wait before attempt `attempt` (1-based): the server's Retry-After when it is given and at
 * most 60 s, else 0.5 s * 2^(attempt-1) capped at the configured maximum, times a jitter in
 * (0.75, 1]. */
static int64_t retry_delay_ms(const genapi_client *c, int attempt, int64_t retry_after_ms)
{
    if (retry_after_ms >= 0 && retry_after_ms <= 60000)
        return retry_after_ms;
    int64_t d = 500;
    for (int i = 1; i < attempt && d < c->retry_max_delay_ms; i++)
        d *= 2;
    if (d > c->retry_max_delay_ms)
        d = c->retry_max_delay_ms;
    return d - (int64_t)randombytes_uniform((uint32_t)(d / 4 + 1));
}

static void on_done(gt_xfer *x, genapi_status st, const genapi_error *terr)
{
    genapi_request *r = x->owner;
    genapi_client *c = r->c;
    genapi_error err;
    genapi_error_clear(&err);
    if (st != GENAPI_OK && terr)
        err = *terr;
    int http = st == GENAPI_OK ? x->resp.status : 0;
    r->last_http = http;
    if (st == GENAPI_OK && !r->stream)
        gc_log_body(c, "response body", r->method, r->path, x->resp.body, x->resp.body_len);
    else if (st == GENAPI_OK && (http < 200 || http >= 300))
        gc_log_body(c, "error body", r->method, r->path, x->resp.body, x->resp.body_len);
    if (st == GENAPI_OK && http >= 200 && http < 300) {
        void *result = NULL;
        if (r->stream) {
            st = stream_outcome(r, http, &err);
            result = stream_result(r, http);
            if (result == NULL && st == GENAPI_OK)
                st = ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
        } else {
            st = r->ops->parse(c, &x->resp, &result, &err);
        }
        gt_response_free(&r->alloc, &x->resp);
        complete(r, st, &err, result);
        return;
    }
    int64_t retry_after = -1;
    if (st == GENAPI_OK) {
        st = gc_error_from_response(&x->resp, &err);
        retry_after = err.retry_after_ms;
        gt_response_free(&r->alloc, &x->resp);
    }
    attempt_failed(c, r, st, &err, http, retry_after, x->resp.delivered);
}

/* An attempt (or the default-model listing before it) failed: retry on a timer, or end. */
static void attempt_failed(genapi_client *c, genapi_request *r, genapi_status st, genapi_error *err, int http,
                           int64_t retry_after, int delivered)
{
    /* Once part of a stream was handed over, repeating the request would repeat it. */
    if (r->attempt >= c->max_retries || !retryable(st, http) || delivered) {
        void *result = NULL;
        if (r->stream && delivered) {
            /* The connection failed after part of the stream arrived: a broken stream (memory
             * that ran out stays GENAPI_E_NOMEM); what arrived is the partial result. */
            if (st != GENAPI_E_NOMEM) {
                st = GENAPI_E_STREAM;
                err->status = GENAPI_E_STREAM;
            }
            result = stream_result(r, 0);
        }
        complete(r, st, err, result);
        return;
    }
    int64_t delay_ms = retry_delay_ms(c, r->attempt + 1, retry_after);
    int64_t at = gt_now_ns() + delay_ms * 1000000;
    if (at >= r->deadline_ns) { /* no time left for another attempt: this answer is final */
        complete(r, st, err, NULL);
        return;
    }
    if (gc_log_on(c, GENAPI_LOG_WARN)) {
        char status[32] = "";
        if (http)
            snprintf(status, sizeof status, "HTTP %d", http);
        gc_log(c, GENAPI_LOG_WARN, "%s %s: attempt %d of %d failed (%s%s%s), retrying in %lld ms%s", r->method, r->path,
               r->attempt + 1, c->max_retries + 1, http ? status : genapi_status_str(st), err->message[0] ? ": " : "",
               err->message, (long long)delay_ms, retry_after >= 0 && retry_after <= 60000 ? " (Retry-After)" : "");
    }
    r->attempt++;
    r->state = GC_RETRY_WAIT;
    r->retry_at_ns = at;
}

/* Remove r from the loop's lists (loop thread). */
static void detach(genapi_client *c, genapi_request *r)
{
    if (r->state == GC_QUEUED || r->state == GC_ACTIVE || r->state == GC_RETRY_WAIT) {
        genapi_request **head = r->state == GC_QUEUED ? &c->queued_head : &c->active;
        if (r->prev)
            r->prev->next = r->next;
        else
            *head = r->next;
        if (r->next)
            r->next->prev = r->prev;
        else if (r->state == GC_QUEUED)
            c->queued_tail = r->prev;
        if (r->state != GC_QUEUED)
            c->n_active--;
    }
    r->next = r->prev = NULL;
}

/* The end of a request in the log: an error, or one line with its timing. */
static void log_end(genapi_client *c, genapi_request *r, genapi_status st, const genapi_error *err,
                    const void *result)
{
    if (!gc_log_on(c, GENAPI_LOG_ERROR))
        return;
    double ms = r->started_ns ? (double)(gt_now_ns() - r->started_ns) / 1e6 : 0.0;
    if (st != GENAPI_OK) {
        char http[24] = "";
        if (err && err->http_status)
            snprintf(http, sizeof http, " [HTTP %d]", (int)err->http_status);
        gc_log(c, st == GENAPI_E_CANCELLED ? GENAPI_LOG_INFO : GENAPI_LOG_ERROR, "%s %s: %s%s%s%s after %.1f ms, %d attempt%s",
               r->method, r->path, genapi_status_str(st), err && err->message[0] ? ": " : "", err ? err->message : "",
               http, ms, r->attempt + 1, r->attempt ? "s" : "");
        return;
    }
    (void)result;
    gc_log(c, GENAPI_LOG_INFO, "%s %s: HTTP %d in %.1f ms, %d attempt%s%s", r->method, r->path, r->last_http,
           ms, r->attempt + 1, r->attempt ? "s" : "", r->stream ? " (stream)" : "");
}

static void complete(genapi_request *r, genapi_status st, const genapi_error *err, void *result)
{
    genapi_client *c = r->c;
    if (r->px_running) {
        c->transport->cancel(c->transport, &r->px);
        gt_response_free(&r->alloc, &r->px.resp);
        r->px_running = 0;
    }
    if (r->mx_running) {
        c->transport->cancel(c->transport, &r->mx);
        gt_response_free(&r->alloc, &r->mx.resp);
        r->mx_running = 0;
    }
    log_end(c, r, st, err, result);
    detach(c, r);
    r->state = GC_DONE;
    stream_reset(r);
    if (st == GENAPI_OK && r->image)
        emit_progress(r, 1.0, 0, 0, 0, 0, 0);
    pthread_mutex_lock(&c->mu);
    r->done = 1;
    r->status = st;
    if (st != GENAPI_OK && err) {
        r->err = *err;
        gc_redact(c, r->err.message); /* the key is never in an error, whatever a server echoes */
    }
    r->err.status = st;
    r->result = result;
    c->pending--;
    if (r->cmd_queued) { /* a command that came too late: drop it, the request may be freed soon */
        genapi_request **pp = &c->cmd_head, *prev = NULL;
        while (*pp && *pp != r) {
            prev = *pp;
            pp = &(*pp)->cmd_next;
        }
        if (*pp) {
            *pp = r->cmd_next;
            if (c->cmd_tail == r)
                c->cmd_tail = prev;
        }
        r->cmd_queued = 0;
        r->cmd_next = NULL;
    }
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    c->events++;
    if (r->cb.on_done)
        r->cb.on_done(r, r->cb.user);
    pthread_mutex_lock(&c->mu);
    int last = unref_locked(r);
    pthread_mutex_unlock(&c->mu);
    if (last)
        request_free(r);
}

/* ---- what the loop calls ------------------------------------------------------------------ */

void gc_req_queue(genapi_client *c, genapi_request *r)
{
    r->state = GC_QUEUED;
    r->next = NULL;
    r->prev = c->queued_tail;
    if (c->queued_tail)
        c->queued_tail->next = r;
    else
        c->queued_head = r;
    c->queued_tail = r;
}

void gc_req_activate(genapi_client *c, genapi_request *r)
{
    detach(c, r);
    r->next = c->active;
    r->prev = NULL;
    if (c->active)
        c->active->prev = r;
    c->active = r;
    c->n_active++;
    r->state = GC_ACTIVE;
    r->started_ns = gt_now_ns();
    r->deadline_ns = r->started_ns + c->timeout_ms * 1000000;
    attempt_begin(c, r);
}

void gc_req_cancel(genapi_client *c, genapi_request *r, const char *why)
{
    if (r->state == GC_DONE)
        return;
    if (r->state == GC_ACTIVE && r->x.priv)
        c->transport->cancel(c->transport, &r->x);
    gt_response_free(&r->alloc, &r->x.resp);
    genapi_error err;
    genapi_error_clear(&err);
    ga_err(&err, GENAPI_E_CANCELLED, NULL, "%s", why);
    void *result = r->stream && r->acc ? stream_result(r, r->x.resp.status) : NULL;
    complete(r, GENAPI_E_CANCELLED, &err, result);
}

void gc_req_resume(genapi_client *c, genapi_request *r)
{
    if (r->state == GC_ACTIVE && r->x.priv)
        c->transport->resume(c->transport, &r->x);
}

/* Retry timers and progress polls; returns the earliest deadline (ns) still ahead, or -1. */
int64_t gc_req_next_timer(const genapi_client *c)
{
    int64_t next = -1;
    for (const genapi_request *r = c->active; r; r = r->next) {
        if (r->state != GC_ACTIVE && r->state != GC_RETRY_WAIT)
            continue;
        int64_t t = r->deadline_ns;
        if (r->state == GC_RETRY_WAIT && r->retry_at_ns < t)
            t = r->retry_at_ns;
        else if (r->state == GC_ACTIVE && r->image && r->cb.on_progress && c->base_url && r->px_next_ns >= 0 &&
                 !r->px_running && r->px_next_ns < t)
            t = r->px_next_ns;
        if (next < 0 || t < next)
            next = t;
    }
    return next;
}

int64_t gc_req_timers(genapi_client *c, int64_t now)
{
    for (genapi_request *r = c->active; r;) {
        genapi_request *n = r->next;
        if ((r->state == GC_ACTIVE || r->state == GC_RETRY_WAIT) && now >= r->deadline_ns) {
            /* The whole call's time is up, whatever the attempt is doing. */
            if (r->state == GC_ACTIVE && r->x.priv)
                c->transport->cancel(c->transport, &r->x);
            gt_response_free(&r->alloc, &r->x.resp);
            timed_out(c, r);
        } else if (r->state == GC_RETRY_WAIT && now >= r->retry_at_ns) {
            attempt_begin(c, r);
        } else if (r->state == GC_ACTIVE && r->image && r->cb.on_progress && c->base_url && r->px_next_ns >= 0 &&
                   !r->px_running) {
            progress_tick(c, r, now);
        }
        r = n;
    }
    return gc_req_next_timer(c);
}

/* ---- the public handle -------------------------------------------------------------------- */

/* Ask the loop to cancel r unless it has ended (caller holds the lock). */
static void cancel_locked(genapi_request *r)
{
    if (!r->done && !r->cancel_flag && r->c) {
        r->cancel_flag = 1;
        gc_command_locked(r->c, r);
    }
}

void genapi_request_cancel(genapi_request *r)
{
    if (r == NULL)
        return;
    lock(r);
    cancel_locked(r);
    unlock(r);
}

void genapi_request_release(genapi_request *r)
{
    if (r == NULL)
        return;
    lock(r);
    cancel_locked(r);
    int last = unref_locked(r);
    unlock(r);
    if (last)
        request_free(r);
}

int genapi_request_done(const genapi_request *r)
{
    if (r == NULL)
        return 0;
    genapi_request *m = (genapi_request *)r;
    lock(m);
    int d = r->done;
    unlock(m);
    return d;
}

genapi_request_kind genapi_request_get_kind(const genapi_request *r) { return r ? r->ops->kind : (genapi_request_kind)0; }

genapi_status genapi_request_status(const genapi_request *r, genapi_error *err)
{
    if (r == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "request is NULL");
    genapi_request *m = (genapi_request *)r;
    lock(m);
    genapi_status st = r->done ? r->status : GENAPI_E_AGAIN;
    if (err) {
        if (r->done)
            *err = r->err;
        else
            genapi_error_clear(err);
    }
    unlock(m);
    return st;
}

static int is_done(genapi_request *r) { return r->done; }

genapi_status genapi_request_wait(genapi_request *r, int32_t timeout_ms)
{
    if (r == NULL)
        return GENAPI_E_INVALID_ARG;
    if (r->c == NULL)
        return r->status;
    int64_t deadline = timeout_ms < 0 ? -1 : gt_now_ns() + (int64_t)timeout_ms * 1000000;
    genapi_status st = gc_wait_for(r->c, r, is_done, deadline);
    return st == GENAPI_OK ? genapi_request_status(r, NULL) : st;
}

genapi_status gc_take(genapi_request *r, genapi_request_kind kind, void **out)
{
    if (out)
        *out = NULL;
    if (r == NULL || out == NULL || r->ops->kind != kind)
        return GENAPI_E_INVALID_ARG;
    lock(r);
    genapi_status st = r->done ? r->status : GENAPI_E_AGAIN;
    if (r->done) {
        *out = r->result;
        r->result = NULL;
    }
    unlock(r);
    return st == GENAPI_OK && *out ? GENAPI_OK : st == GENAPI_OK ? GENAPI_E_INVALID_ARG : st;
}

genapi_status gc_finish_blocking(genapi_client *bc, genapi_status st, genapi_request *r, void **out,
                                 genapi_error *err)
{
    if (st != GENAPI_OK) {
        gc_blocking_client_done(bc);
        return st;
    }
    st = gc_wait_for(r->c, r, is_done, -1);
    if (st != GENAPI_OK) {
        genapi_request_release(r);
        gc_blocking_client_done(bc);
        return ga_err(err, st, NULL, "a blocking call cannot run inside a callback of the same client");
    }
    lock(r);
    st = r->status;
    if (err && st != GENAPI_OK)
        *err = r->err;
    void *res = r->result;
    r->result = NULL;
    unlock(r);
    if (out)
        *out = res;
    else if (res && r->ops->free_result)
        r->ops->free_result(res, &r->alloc);
    genapi_request_release(r);
    gc_blocking_client_done(bc);
    return st;
}

#define TAKE(fn, type, kind)                                                                                           \
    genapi_status fn(genapi_request *r, type **out)                                                                   \
    {                                                                                                                  \
        void *p = NULL;                                                                                                \
        genapi_status st = gc_take(r, kind, &p);                                                                       \
        if (out)                                                                                                       \
            *out = p;                                                                                                  \
        return st;                                                                                                     \
    }
TAKE(genapi_request_take_chat, genapi_chat_result, GENAPI_REQ_CHAT)
TAKE(genapi_request_take_completion, genapi_completion_result, GENAPI_REQ_COMPLETION)
TAKE(genapi_request_take_tokenize, genapi_tokenize_result, GENAPI_REQ_TOKENIZE)
TAKE(genapi_request_take_model_list, genapi_model_list, GENAPI_REQ_TEXT_MODELS)
TAKE(genapi_request_take_image_listing, genapi_image_listing, GENAPI_REQ_IMAGE_LISTING)
TAKE(genapi_request_take_options, char, GENAPI_REQ_IMAGE_OPTIONS)
TAKE(genapi_request_take_images, genapi_images_result, GENAPI_REQ_IMAGES)
TAKE(genapi_request_take_upscale, genapi_upscale_result, GENAPI_REQ_UPSCALE)

genapi_status genapi_request_take_parallel_requests(genapi_request *r, int64_t *out)
{
    void *p = NULL;
    genapi_status st = gc_take(r, GENAPI_REQ_PARALLEL_REQUESTS, &p);
    if (p != NULL) {
        if (out)
            *out = *(const int64_t *)p;
        ga_free(&r->alloc, p);
    }
    return st;
}

/* ---- pull streams ------------------------------------------------------------------------- */

static int has_delta_or_done(genapi_request *r) { return r->q_head != NULL || r->done; }

genapi_status genapi_stream_next(genapi_request *r, genapi_stream_delta *delta)
{
    if (r == NULL || delta == NULL || !r->stream || !r->cb.pull)
        return GENAPI_E_INVALID_ARG;
    lock(r);
    ga_free(&r->alloc, r->current);
    r->current = NULL;
    genapi_status st;
    gc_delta *q = r->q_head;
    if (q) {
        r->q_head = q->next;
        if (r->q_head == NULL)
            r->q_tail = NULL;
        r->q_bytes -= q->size;
        r->current = q;
        *delta = q->d;
        st = GENAPI_OK;
        if (r->q_paused && r->q_bytes <= GC_PULL_QUEUE_MAX / 2 && r->c && !r->done) {
            r->q_paused = 0;
            r->resume_flag = 1;
            gc_command_locked(r->c, r);
        }
    } else {
        st = r->done ? GENAPI_E_END : GENAPI_E_AGAIN;
    }
    unlock(r);
    return st;
}

genapi_status genapi_stream_next_wait(genapi_request *r, genapi_stream_delta *delta, int32_t timeout_ms)
{
    genapi_status st = genapi_stream_next(r, delta);
    if (st != GENAPI_E_AGAIN || timeout_ms == 0 || r->c == NULL)
        return st;
    int64_t deadline = timeout_ms < 0 ? -1 : gt_now_ns() + (int64_t)timeout_ms * 1000000;
    genapi_status w = gc_wait_for(r->c, r, has_delta_or_done, deadline);
    if (w == GENAPI_E_BUSY)
        return w;
    return genapi_stream_next(r, delta);
}
