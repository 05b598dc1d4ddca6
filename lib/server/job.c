/* Jobs: generations the router hands back to be stepped (see job.h). */
#include "server/job.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/backend_internal.h"
#include "server/limits.h"

gs_job *gs_job_new(genapi_backend *b, const gs_job_ops *ops, size_t size)
{
    gs_job *j = ga_calloc(&b->alloc, 1, size < sizeof *j ? sizeof *j : size);
    if (j == NULL)
        return NULL;
    j->ops = ops;
    j->b = b;
    ga_buf_init(&j->out, &b->alloc);
    return j;
}

void gs_job_set_head(gs_job *j, int32_t status, const char *content_type, int32_t retry_after_s)
{
    j->status = status;
    j->content_type = content_type;
    j->retry_after_s = retry_after_s;
    j->head_ready = 1;
}

void gs_job_finish_with(gs_job *j, genapi_http_response *r)
{
    if (!j->head_ready)
        gs_job_set_head(j, r->status, r->content_type, r->retry_after_s);
    if (r->content_type == gs_nomem_content_type)
        j->failure = GENAPI_E_NOMEM;
    if (r->body && ga_buf_append(&j->out, r->body, r->body_len) != 0)
        j->failure = GENAPI_E_NOMEM;
    genapi_http_response_release(j->b, r);
    j->done = 1;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void gs_job_expire_default(gs_job *j, const char *msg)
{
    if (j->head_ready) { /* the head is out: nothing in the answer can say more */
        j->done = 1;
        return;
    }
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    if (gs_respond_error(j->b, &r, 504, "Gateway Timeout", NULL, "%s", msg) != GENAPI_OK && r.body == NULL) {
        gs_job_set_head(j, 504, "application/json", 0);
        j->done = 1;
        return;
    }
    gs_job_finish_with(j, &r);
}

/* The deadline passed: end the job with the answer its kind gives. */
static void expire(gs_job *j)
{
    int64_t ms = j->limit_ms;
    char msg[160];
    if (ms % 1000 == 0)
        snprintf(msg, sizeof msg, "The request ran longer than the server's limit of %lld s and was stopped.",
                 (long long)(ms / 1000));
    else
        snprintf(msg, sizeof msg, "The request ran longer than the server's limit of %lld ms and was stopped.",
                 (long long)ms);
    j->expired = 1;
    if (j->ops->expire)
        j->ops->expire(j, msg);
    else
        gs_job_expire_default(j, msg);
    j->done = 1;
}

int gs_job_overdue(const gs_job *j) { return j->deadline_ns > 0 && !j->done && now_ns() >= j->deadline_ns; }

void gs_job_step(gs_job *j)
{
    if (j == NULL || j->done)
        return;
    int64_t now = now_ns();
    if (j->deadline_ns == 0) {
        int64_t ms = gs_backend_max_request_ms(j->b);
        j->limit_ms = ms;
        j->deadline_ns = ms > 0 && ms < (INT64_MAX - now) / 1000000 ? now + ms * 1000000 : INT64_MAX;
    } else if (now >= j->deadline_ns) {
        expire(j);
        return;
    }
    j->ops->step(j);
    if (j && j->out.failed && !j->done) {
        /* Output could not grow: nothing sensible can follow. */
        j->done = 1;
    }
}

int gs_job_head_ready(const gs_job *j) { return j->head_ready; }

int gs_job_done(const gs_job *j) { return j->done; }

size_t gs_job_available(const gs_job *j) { return j->out.len - j->out_read; }

size_t gs_job_read(gs_job *j, char *dst, size_t cap)
{
    size_t n = gs_job_available(j);
    if (n > cap)
        n = cap;
    if (n)
        memcpy(dst, j->out.data + j->out_read, n);
    j->out_read += n;
    if (j->out_read == j->out.len) { /* everything read: reuse the buffer */
        j->out.len = 0;
        j->out_read = 0;
    }
    return n;
}

const char *gs_job_take(gs_job *j, size_t *len)
{
    *len = gs_job_available(j);
    const char *p = j->out.data ? j->out.data + j->out_read : "";
    j->out_read = j->out.len;
    return p;
}

void gs_job_free(gs_job *j)
{
    if (j == NULL)
        return;
    if (j->ops && j->ops->destroy)
        j->ops->destroy(j);
    ga_buf_free(&j->out);
    ga_free(&j->b->alloc, j);
}
