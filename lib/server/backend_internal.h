/* The reference backend's router and handlers (internal). */
#ifndef GENAPI_SERVER_BACKEND_INTERNAL_H
#define GENAPI_SERVER_BACKEND_INTERNAL_H

#include <genapi/server.h>
#include <json-c/json.h>

#include "engine/text/engine.h"
#include "util/alloc.h"

/* Models the reference backend serves. All run on the one reference text engine. */
typedef struct gs_model {
    const char *id;
    const char *parent; /* LoRA-style adapter of another model, or NULL */
} gs_model;

extern const gs_model gs_models[];
extern const size_t gs_model_count;
const gs_model *gs_find_model(const char *id);

struct genapi_backend {
    ga_alloc alloc;
    char *api_key;        /* sodium_malloc'ed, NUL-terminated, or NULL */
    size_t api_key_len;
    gx_text_engine *text;
    uint32_t parallel;    /* generations at once (config; default GS_PARALLEL_REQUESTS) */
    struct gs_progress *progress; /* image progress record (routes_progress.c), or NULL */
    _Atomic int64_t max_request_ms; /* generation deadline: 0 = GS_MAX_REQUEST_S, < 0 = none (limits.h) */
};

/* Response helpers: set status and a JSON body (consumes `body`). */
genapi_status gs_respond_json(genapi_backend *b, genapi_http_response *r, int status, json_object *body);
/* {"error": {"message", "type", "param", "code"}} (vLLM / Aphrodite shape). */
genapi_status gs_respond_error(genapi_backend *b, genapi_http_response *r, int status, const char *type,
                               const char *param, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* Map a genapi_error from validation to a 400/404 response. */
/* The 500 answer for memory that ran out; returns GENAPI_E_NOMEM (with the body built when it
 * could be), so gs_begin reports the failure itself: genapi-server sends the 500, the
 * in-process transport ends the call with GENAPI_E_NOMEM. */
genapi_status gs_respond_nomem(genapi_backend *b, genapi_http_response *r);
/* The content type of that answer (the text "application/json"): a job finished with it, or an
 * answer gs_begin returns with it, is known by this address to be a failed allocation. */
extern const char gs_nomem_content_type[];
genapi_status gs_respond_genapi_error(genapi_backend *b, genapi_http_response *r, const genapi_error *err);

/* Authorization check; 1 if allowed. */
int gs_authorized(const genapi_backend *b, const char *authorization);

typedef struct gs_job gs_job;

/* Route handlers. Generations answer errors at once in r, or hand back a job in *job. */
genapi_status gs_handle_chat(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job);
genapi_status gs_handle_completions(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r,
                                    gs_job **job);
genapi_status gs_handle_tokenize(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r);
genapi_status gs_handle_textgen_models(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r);

/* GET image listings (models, samplers, upscalers, options, parallel-requests) on both path
 * families; returns 1 and sets *st when path is one of them. */
int gs_route_image_list(genapi_backend *b, const char *path, genapi_http_response *r, genapi_status *st);

/* POST txt2img / img2img / upscale on both path families; returns 1 and sets *st when handled. */
int gs_route_image_post(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job,
                        genapi_status *st);

/* GET /sdapi/v1/progress (and /v1/progress): the running image job in the WebUI shape; query
 * is the raw query string or NULL. */
genapi_status gs_handle_progress(genapi_backend *b, const char *query, genapi_http_response *r);

/* Parallel requests the reference backend reports by default. */
#define GS_PARALLEL_REQUESTS 4

/* Random lower-case hex id with a prefix, e.g. "chatcmpl-<32 hex>". */
void gs_random_id(char *buf, size_t cap, const char *prefix);

#endif
