/* In-process transport: calls the reference router directly, no sockets. */
#include <stdio.h>
#include <string.h>

#include "transport/transport.h"
#include "util/err.h"

typedef struct inproc {
    gt_transport base;
    ga_alloc alloc;
    genapi_backend *backend;
} inproc;

static genapi_status inproc_send(gt_transport *t, const gt_request *req, gt_response *resp, genapi_error *err)
{
    inproc *ip = (inproc *)t;
    genapi_http_request hr = {req->method, req->path, NULL, req->body ? "application/json" : NULL, req->body,
                              req->body_len};
    genapi_http_response r;
    genapi_status st = genapi_backend_handle(ip->backend, &hr, &r);
    if (st != GENAPI_OK && r.body == NULL)
        return ga_err(err, st, NULL, "the reference backend failed: %s", genapi_status_str(st));
    memset(resp, 0, sizeof *resp);
    resp->status = r.status;
    resp->body = ga_strndup(&ip->alloc, r.body ? r.body : "", r.body_len);
    resp->body_len = r.body_len;
    if (r.content_type)
        ga_copy_field(resp->content_type, sizeof resp->content_type, r.content_type, strlen(r.content_type));
    if (r.retry_after_s > 0) {
        char v[16];
        int n = snprintf(v, sizeof v, "%d", (int)r.retry_after_s);
        ga_copy_field(resp->retry_after, sizeof resp->retry_after, v, (size_t)n);
    }
    genapi_http_response_release(ip->backend, &r);
    if (resp->body == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    if (req->on_data && resp->status >= 200 && resp->status < 300) {
        /* Streamed: hand over the whole body, as a socket would in pieces. */
        resp->delivered = resp->body_len > 0;
        resp->stopped = resp->body_len > 0 && req->on_data(resp->body, resp->body_len, req->user) != 0;
        gt_response_free(&ip->alloc, resp);
    }
    return GENAPI_OK;
}

static void inproc_destroy(gt_transport *t)
{
    inproc *ip = (inproc *)t;
    ga_alloc a = ip->alloc;
    ga_free(&a, ip);
}

gt_transport *gt_inproc_new(const ga_alloc *a, genapi_backend *backend)
{
    inproc *ip = ga_calloc(a, 1, sizeof *ip);
    if (ip == NULL)
        return NULL;
    ip->base.send = inproc_send;
    ip->base.destroy = inproc_destroy;
    ip->alloc = *a;
    ip->backend = backend;
    return &ip->base;
}

void gt_response_free(const ga_alloc *a, gt_response *r)
{
    if (r) {
        ga_free(a, r->body);
        r->body = NULL;
    }
}
