/* The transport seam: the client hands a request to a transport and gets a response.
 * Implementations: HTTP through libcurl (http_curl.c) and the in-process reference router
 * (inproc.c). Both fill gt_response the same way. */
#ifndef GENAPI_TRANSPORT_H
#define GENAPI_TRANSPORT_H

#include <genapi/error.h>
#include <genapi/server.h>

#include "util/alloc.h"

/* Receives the body of a successful (2xx) response as it arrives; non-zero stops the transfer. */
typedef int (*gt_data_fn)(const char *bytes, size_t len, void *user);

typedef struct gt_request {
    const char *method;       /* "GET" / "POST" */
    const char *path;         /* "/v1/chat/completions" */
    const char *body;         /* NULL for GET */
    size_t body_len;
    gt_data_fn on_data;       /* NULL: the body is collected into gt_response.body */
    void *user;
} gt_request;

typedef struct gt_response {
    int status;
    char *body;               /* allocated with the client's allocator, NUL-terminated */
    size_t body_len;
    char content_type[128];
    char retry_after[64];     /* raw Retry-After header, "" if absent */
    char request_id[128];     /* raw x-request-id header, "" if absent */
    int delivered;            /* on_data received bytes (a failure after that cannot be retried) */
    int stopped;              /* on_data asked to stop */
} gt_response;

typedef struct gt_transport gt_transport;
struct gt_transport {
    /* Perform the request; on a transport failure (no HTTP response) return a negative status
     * with err filled. HTTP error statuses are not failures here. */
    genapi_status (*send)(gt_transport *t, const gt_request *req, gt_response *resp, genapi_error *err);
    void (*destroy)(gt_transport *t);
};

typedef struct gt_http_config {
    const char *base_url;        /* normalised root, no trailing slash */
    const char *api_key;         /* guarded memory owned by the client, or NULL */
    const char *user_agent;
    long connect_timeout_ms;
    long timeout_ms;
} gt_http_config;

gt_transport *gt_http_new(const ga_alloc *a, const gt_http_config *cfg);
gt_transport *gt_inproc_new(const ga_alloc *a, genapi_backend *backend);

void gt_response_free(const ga_alloc *a, gt_response *r);

#endif
