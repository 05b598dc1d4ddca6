/* The client object (internal). */
#ifndef GENAPI_CLIENT_INTERNAL_H
#define GENAPI_CLIENT_INTERNAL_H

#include <genapi/client.h>
#include <genapi/server.h>

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
    int32_t max_retries;
    int64_t retry_max_delay_ms;
};

/* Send a request; an HTTP status >= 400 becomes a typed error (body parsed for the server's
 * message, type, param, code; headers for Retry-After and request id). On success the
 * caller owns resp->body (free with gt_response_free). */
genapi_status gc_perform(genapi_client *c, const gt_request *req, gt_response *resp, genapi_error *err);

/* POST a JSON body to path; on success the caller owns resp->body (gt_response_free). */
genapi_status gc_post(genapi_client *c, const char *path, const char *body, gt_response *resp, genapi_error *err);

/* POST whose successful body goes to on_data as it arrives (resp->body stays NULL). */
genapi_status gc_post_stream(genapi_client *c, const char *path, const char *body, gt_data_fn on_data, void *user,
                             gt_response *resp, genapi_error *err);

/* Fill err from an HTTP error response. Returns the mapped status. */
genapi_status gc_error_from_response(const gt_response *resp, genapi_error *err);

#endif
