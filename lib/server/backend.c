/* Reference backend: construction, routing, authorization and response helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "server/backend_internal.h"
#include "server/job.h"
#include "server/progress.h"
#include "util/err.h"

const gs_model gs_models[] = {
    {"genapi-ref", NULL},
    {"genapi-ref-lora", "genapi-ref"},
};
const size_t gs_model_count = sizeof gs_models / sizeof gs_models[0];

const gs_model *gs_find_model(const char *id)
{
    for (size_t i = 0; id && i < gs_model_count; i++)
        if (strcmp(gs_models[i].id, id) == 0)
            return &gs_models[i];
    return NULL;
}

genapi_status genapi_backend_new(const genapi_backend_config *config, genapi_backend **out, genapi_error *err)
{
    if (out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "out is NULL");
    *out = NULL;
    if (config && config->struct_size != sizeof *config)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "genapi_backend_config has an unknown struct_size");
    if (sodium_init() < 0)
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "libsodium failed to initialise");
    ga_alloc a;
    if (ga_alloc_resolve(&a, config ? config->allocator : NULL) != 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "allocator hooks are only partly set");
    genapi_backend *b = ga_calloc(&a, 1, sizeof *b);
    if (b == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    b->alloc = a;
    b->parallel = config && config->parallel ? config->parallel : GS_PARALLEL_REQUESTS;
    if (config && config->api_key && config->api_key[0]) {
        b->api_key_len = strlen(config->api_key);
        b->api_key = sodium_malloc(b->api_key_len + 1);
        if (b->api_key == NULL) {
            genapi_backend_free(b);
            return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        }
        memcpy(b->api_key, config->api_key, b->api_key_len + 1);
        sodium_mprotect_readonly(b->api_key);
    }
    b->text = gx_text_engine_new(&a);
    b->progress = gs_progress_new(&a);
    if (b->text == NULL || b->progress == NULL) {
        genapi_backend_free(b);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "could not build the reference text engine");
    }
    *out = b;
    return GENAPI_OK;
}

void genapi_backend_free(genapi_backend *b)
{
    if (b == NULL)
        return;
    if (b->api_key)
        sodium_free(b->api_key); /* zeroes the memory */
    gx_text_engine_free(b->text);
    gs_progress_free(b->progress);
    ga_alloc a = b->alloc;
    ga_free(&a, b);
}

void genapi_http_response_release(genapi_backend *b, genapi_http_response *r)
{
    if (b && r) {
        ga_free(&b->alloc, r->body);
        r->body = NULL;
        r->body_len = 0;
    }
}

void gs_random_id(char *buf, size_t cap, const char *prefix)
{
    unsigned char raw[16];
    char hex[33];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    snprintf(buf, cap, "%s%s", prefix, hex);
}

genapi_status gs_respond_json(genapi_backend *b, genapi_http_response *r, int status, json_object *body)
{
    size_t len = 0;
    const char *txt =
        body ? json_object_to_json_string_length(body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len) : NULL;
    r->status = status;
    r->content_type = "application/json";
    r->body = txt ? ga_strndup(&b->alloc, txt, len) : NULL;
    r->body_len = r->body ? len : 0;
    json_object_put(body);
    return r->body ? GENAPI_OK : GENAPI_E_NOMEM;
}

genapi_status gs_respond_error(genapi_backend *b, genapi_http_response *r, int status, const char *type,
                               const char *param, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = ga_malloc(&b->alloc, n > 0 ? (size_t)n + 1 : 1);
    if (msg == NULL)
        return GENAPI_E_NOMEM;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    json_object *inner = json_object_new_object();
    json_object_object_add(inner, "message", json_object_new_string(msg));
    ga_free(&b->alloc, msg);
    json_object_object_add(inner, "type", json_object_new_string(type));
    json_object_object_add(inner, "param", param && param[0] ? json_object_new_string(param) : NULL);
    json_object_object_add(inner, "code", json_object_new_int(status));
    json_object *o = json_object_new_object();
    json_object_object_add(o, "error", inner);
    return gs_respond_json(b, r, status, o);
}

const char gs_nomem_content_type[] = "application/json";

genapi_status gs_respond_nomem(genapi_backend *b, genapi_http_response *r)
{
    genapi_http_response_release(b, r);
    gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory");
    r->content_type = gs_nomem_content_type; /* marks the answer as a failed allocation */
    return GENAPI_E_NOMEM;
}

genapi_status gs_respond_genapi_error(genapi_backend *b, genapi_http_response *r, const genapi_error *err)
{
    switch ((genapi_status)err->status) {
    case GENAPI_E_NOT_FOUND:
        return gs_respond_error(b, r, 404, "NotFoundError", err->param, "%s", err->message);
    case GENAPI_E_NOMEM:
        return gs_respond_nomem(b, r);
    case GENAPI_E_INTERNAL:
        return gs_respond_error(b, r, 500, "InternalServerError", err->param, "%s", err->message);
    default:
        return gs_respond_error(b, r, 400, "BadRequestError", err->param, "%s", err->message);
    }
}

int gs_authorized(const genapi_backend *b, const char *auth)
{
    if (b->api_key == NULL)
        return 1;
    if (auth == NULL)
        return 0;
    const char *given = NULL;
    size_t given_len = 0;
    unsigned char decoded[512];
    if (strncmp(auth, "Bearer ", 7) == 0) {
        given = auth + 7;
        given_len = strlen(given);
    } else if (strncmp(auth, "Basic ", 6) == 0) {
        size_t n = 0;
        const char *b64 = auth + 6;
        if (sodium_base642bin(decoded, sizeof decoded - 1, b64, strlen(b64), NULL, &n, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0)
            return 0;
        decoded[n] = '\0';
        const char *colon = memchr(decoded, ':', n);
        if (colon == NULL)
            return 0;
        given = colon + 1;
        given_len = n - (size_t)(given - (const char *)decoded);
    } else {
        return 0;
    }
    /* Compare fixed-length digests, so neither the content nor the length of the key can be
     * learnt from the time an answer takes. */
    unsigned char want[crypto_generichash_BYTES], got[crypto_generichash_BYTES];
    crypto_generichash(want, sizeof want, (const unsigned char *)b->api_key, b->api_key_len, NULL, 0);
    crypto_generichash(got, sizeof got, (const unsigned char *)given, given_len, NULL, 0);
    int ok = sodium_memcmp(want, got, sizeof want) == 0;
    sodium_memzero(decoded, sizeof decoded);
    sodium_memzero(want, sizeof want);
    sodium_memzero(got, sizeof got);
    return ok;
}

static genapi_status not_found(genapi_backend *b, genapi_http_response *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "detail", json_object_new_string("Not Found"));
    return gs_respond_json(b, r, 404, o);
}

static genapi_status route(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job)
{
    *job = NULL;
    memset(r, 0, sizeof *r);
    /* A query string may follow the path ("/sdapi/v1/progress?skip_current_image=false"). */
    char pathbuf[512];
    const char *path = req->path, *query = strchr(req->path, '?');
    if (query) {
        size_t n = (size_t)(query - req->path);
        if (n >= sizeof pathbuf)
            return not_found(b, r);
        memcpy(pathbuf, req->path, n);
        pathbuf[n] = '\0';
        path = pathbuf;
        query++;
    }
    genapi_http_request routed = *req;
    routed.path = path;
    req = &routed;
    if ((strncmp(path, "/v1/", 4) == 0 || strncmp(path, "/sdapi/", 7) == 0) && !gs_authorized(b, req->authorization)) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "error", json_object_new_string("Unauthorized"));
        return gs_respond_json(b, r, 401, o);
    }
    int get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;
    if (strcmp(path, "/v1/chat/completions") == 0) {
        if (!post)
            return gs_respond_error(b, r, 405, "MethodNotAllowed", NULL, "Method Not Allowed");
        return gs_handle_chat(b, req, r, job);
    }
    if (strcmp(path, "/v1/completions") == 0) {
        if (!post)
            return gs_respond_error(b, r, 405, "MethodNotAllowed", NULL, "Method Not Allowed");
        return gs_handle_completions(b, req, r, job);
    }
    if (strcmp(path, "/v1/tokenize") == 0) {
        if (!post)
            return gs_respond_error(b, r, 405, "MethodNotAllowed", NULL, "Method Not Allowed");
        return gs_handle_tokenize(b, req, r);
    }
    if (strcmp(path, "/v1/models/textgen-models") == 0 || strcmp(path, "/v1/models") == 0) {
        if (!get)
            return gs_respond_error(b, r, 405, "MethodNotAllowed", NULL, "Method Not Allowed");
        return gs_handle_textgen_models(b, req, r);
    }
    genapi_status st;
    if (get && (strcmp(path, "/sdapi/v1/progress") == 0 || strcmp(path, "/v1/progress") == 0))
        return gs_handle_progress(b, query, r);
    if (get && gs_route_image_list(b, path, r, &st))
        return st;
    if (post && gs_route_image_post(b, req, r, job, &st))
        return st;
    if (strcmp(path, "/health") == 0 && get) {
        r->status = 200;
        r->content_type = "application/json";
        r->body = ga_strdup(&b->alloc, "{}");
        r->body_len = 2;
        return r->body ? GENAPI_OK : GENAPI_E_NOMEM;
    }
    return not_found(b, r);
}

genapi_status genapi_backend_handle(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r)
{
    if (b == NULL || req == NULL || r == NULL || req->method == NULL || req->path == NULL)
        return GENAPI_E_INVALID_ARG;
    gs_job *job = NULL;
    genapi_status st = gs_begin(b, req, r, &job);
    if (st == GENAPI_E_NOMEM && job == NULL && r->body != NULL)
        return GENAPI_OK; /* the 500 answer for memory that ran out is a response like any other */
    if (st != GENAPI_OK || job == NULL)
        return st;
    /* The same job the server and the in-process transport step, run to its end. */
    while (!gs_job_done(job))
        gs_job_step(job);
    memset(r, 0, sizeof *r);
    r->status = job->head_ready ? job->status : 500;
    r->retry_after_s = job->retry_after_s;
    r->content_type = job->content_type;
    size_t len = 0;
    const char *body = gs_job_take(job, &len);
    r->body = ga_strndup(&b->alloc, body, len);
    r->body_len = r->body ? len : 0;
    gs_job_free(job);
    return r->body ? GENAPI_OK : GENAPI_E_NOMEM;
}

genapi_status gs_begin(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job)
{
    genapi_status st = route(b, req, r, job);
    /* However a route passed it on, an allocation that failed is reported as such. */
    if (*job == NULL && r->content_type == gs_nomem_content_type)
        return GENAPI_E_NOMEM;
    return st;
}
