/* Image listings (models, samplers, upscalers) and the image options document. */
#include <stddef.h>
#include <string.h>

#include <genapi/images.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "client/json_read.h"
#include "params/param_internal.h"
#include "util/err.h"

typedef JR_HOLDER(genapi_image_listing) holder;

static const char *listing_path(const genapi_client *c, genapi_image_listing_kind kind)
{
    int webui = c->image_api == GENAPI_IMAGE_API_WEBUI;
    switch (kind) {
    case GENAPI_LISTING_MODELS:
        return webui ? "/sdapi/v1/sd-models" : "/v1/models/image-models";
    case GENAPI_LISTING_SAMPLERS:
        return webui ? "/sdapi/v1/samplers" : "/v1/img-samplers";
    case GENAPI_LISTING_UPSCALERS:
        return webui ? "/sdapi/v1/upscalers" : "/v1/upscalers";
    }
    return NULL;
}

static void read_item(ga_arena *ar, genapi_image_listing_kind kind, json_object *o, genapi_image_listing_item *it,
                      int *oom)
{
    json_object *v;
    if (kind == GENAPI_LISTING_MODELS) {
        it->name = jr_str(ar, o, "title", oom);
        if (it->name == NULL)
            it->name = jr_str(ar, o, "model_name", oom);
        it->model_name = jr_str(ar, o, "model_name", oom);
        it->hash = jr_str(ar, o, "hash", oom);
        it->sha256 = jr_str(ar, o, "sha256", oom);
        it->filename = jr_str(ar, o, "filename", oom);
        return;
    }
    it->name = jr_str(ar, o, "name", oom);
    if (kind == GENAPI_LISTING_SAMPLERS) {
        if (json_object_object_get_ex(o, "aliases", &v) && json_object_is_type(v, json_type_array) &&
            json_object_array_length(v) > 0) {
            size_t n = json_object_array_length(v);
            const char **a = ga_arena_alloc(ar, n * sizeof *a);
            if (a == NULL) {
                *oom = 1;
                return;
            }
            for (size_t i = 0; i < n; i++) {
                json_object *s = json_object_array_get_idx(v, i);
                a[i] = ga_arena_strdup(ar, json_object_is_type(s, json_type_string) ? json_object_get_string(s) : "");
                *oom |= a[i] == NULL;
            }
            it->aliases = a;
            it->alias_count = n;
        }
        return;
    }
    it->model_name = jr_str(ar, o, "model_name", oom);
    if (json_object_object_get_ex(o, "scale", &v) &&
        (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))) {
        it->scale = json_object_get_double(v);
        it->has_scale = 1;
    }
}

genapi_status genapi_image_listing_parse(genapi_client *c, genapi_image_listing_kind kind, const char *body,
                                         size_t len, genapi_image_listing **out, genapi_error *err)
{
    if (c == NULL || body == NULL || out == NULL || kind < GENAPI_LISTING_MODELS || kind > GENAPI_LISTING_UPSCALERS)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client, kind, body or out is invalid");
    *out = NULL;
    json_object *root = ga_json_parse(body, len), *data = root;
    if (root && json_object_is_type(root, json_type_object))
        json_object_object_get_ex(root, "data", &data);
    if (data == NULL || !json_object_is_type(data, json_type_array)) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_PARSE, NULL, "listing is neither an array nor an object with a data array");
    }
    holder *h = ga_calloc(&c->alloc, 1, sizeof *h);
    if (h == NULL) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    ga_arena_init(&h->ar, &c->alloc);
    size_t n = json_object_array_length(data), k = 0;
    genapi_image_listing_item *items = ga_arena_alloc(&h->ar, (n ? n : 1) * sizeof *items);
    int oom = items == NULL;
    for (size_t i = 0; !oom && i < n; i++) {
        json_object *o = json_object_array_get_idx(data, i);
        if (json_object_is_type(o, json_type_object))
            read_item(&h->ar, kind, o, &items[k++], &oom);
    }
    json_object_put(root);
    h->pub.struct_size = (uint32_t)sizeof h->pub;
    h->pub.kind = (int32_t)kind;
    h->pub.items = items;
    h->pub.count = k;
    h->pub.internal = h;
    if (oom) {
        genapi_image_listing_free(&h->pub);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    *out = &h->pub;
    return GENAPI_OK;
}

void genapi_image_listing_free(genapi_image_listing *l)
{
    if (l != NULL)
        jr_holder_free(l->internal, offsetof(holder, ar));
}

/* One kind of request per listing, so the parser knows what it reads. */
#define LISTING_OPS(name, KIND)                                                                                         \
    static genapi_status parse_##name(genapi_client *c, const gt_response *resp, void **out, genapi_error *err)      \
    {                                                                                                                  \
        return genapi_image_listing_parse(c, KIND, resp->body, resp->body_len, (genapi_image_listing **)out, err);     \
    }                                                                                                                  \
    static const gc_kind_ops name##_ops = {GENAPI_REQ_IMAGE_LISTING, parse_##name, free_listing};

static void free_listing(void *result, const ga_alloc *a)
{
    (void)a;
    genapi_image_listing_free(result);
}
LISTING_OPS(models, GENAPI_LISTING_MODELS)
const gc_kind_ops gc_image_models_ops = {GENAPI_REQ_IMAGE_LISTING, parse_models, free_listing};

const char *gc_image_models_path(const genapi_client *c) { return listing_path(c, GENAPI_LISTING_MODELS); }

LISTING_OPS(samplers, GENAPI_LISTING_SAMPLERS)
LISTING_OPS(upscalers, GENAPI_LISTING_UPSCALERS)

genapi_status genapi_list_image_start(genapi_client *c, genapi_image_listing_kind kind, const genapi_callbacks *cb,
                                      genapi_request **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL || kind < GENAPI_LISTING_MODELS || kind > GENAPI_LISTING_UPSCALERS)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client, kind or out is invalid");
    *out = NULL;
    const gc_kind_ops *ops = kind == GENAPI_LISTING_MODELS     ? &models_ops
                             : kind == GENAPI_LISTING_SAMPLERS ? &samplers_ops
                                                               : &upscalers_ops;
    return gc_start(c, ops, "GET", listing_path(c, kind), NULL, 0, 0, cb, out, err);
}

genapi_status genapi_list_image(genapi_client *c, genapi_image_listing_kind kind, genapi_image_listing **out,
                                genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL || kind < GENAPI_LISTING_MODELS || kind > GENAPI_LISTING_UPSCALERS)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client, kind or out is invalid");
    *out = NULL;
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_list_image_start(bc, kind, NULL, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}

/* The options document is handed over as the server's own text, unchanged. */
static genapi_status parse_options(genapi_client *c, const gt_response *resp, void **out, genapi_error *err)
{
    json_object *o = ga_json_parse(resp->body, resp->body_len);
    genapi_status st = GENAPI_OK;
    if (o == NULL || !json_object_is_type(o, json_type_object))
        st = ga_err(err, GENAPI_E_PARSE, NULL, "image options are not a JSON object");
    json_object_put(o);
    if (st == GENAPI_OK) {
        *out = ga_strndup(&c->alloc, resp->body, resp->body_len);
        if (*out == NULL)
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    return st;
}

static void free_options(void *result, const ga_alloc *a) { ga_free(a, result); }

static const gc_kind_ops options_ops = {GENAPI_REQ_IMAGE_OPTIONS, parse_options, free_options};

genapi_status genapi_image_options_start(genapi_client *c, const genapi_callbacks *cb, genapi_request **out,
                                         genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    return gc_start(c, &options_ops, "GET",
                    c->image_api == GENAPI_IMAGE_API_WEBUI ? "/sdapi/v1/options" : "/v1/img-options", NULL, 0, 0, cb,
                    out, err);
}

genapi_status genapi_image_options(genapi_client *c, char **json_out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || json_out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or json_out is NULL");
    *json_out = NULL;
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_image_options_start(bc, NULL, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)json_out, err);
}

/* /v1/parallel-requests: {"parallel_requests": N}; the result is one int64_t. */
static genapi_status parse_parallel(genapi_client *c, const gt_response *resp, void **out, genapi_error *err)
{
    json_object *o = ga_json_parse(resp->body, resp->body_len), *v = NULL;
    genapi_status st = GENAPI_OK;
    if (o == NULL || !json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, "parallel_requests", &v) || !json_object_is_type(v, json_type_int))
        st = ga_err(err, GENAPI_E_PARSE, "parallel_requests", "the answer has no integer parallel_requests");
    if (st == GENAPI_OK) {
        int64_t *n = ga_malloc(&c->alloc, sizeof *n);
        if (n == NULL)
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        else
            *n = json_object_get_int64(v);
        *out = n;
    }
    json_object_put(o);
    return st;
}

static const gc_kind_ops parallel_ops = {GENAPI_REQ_PARALLEL_REQUESTS, parse_parallel, free_options};

genapi_status genapi_parallel_requests_start(genapi_client *c, const genapi_callbacks *cb, genapi_request **out,
                                             genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    return gc_start(c, &parallel_ops, "GET",
                    c->image_api == GENAPI_IMAGE_API_WEBUI ? "/sdapi/v1/parallel-requests" : "/v1/parallel-requests",
                    NULL, 0, 0, cb, out, err);
}

genapi_status genapi_parallel_requests(genapi_client *c, int64_t *parallel_out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || parallel_out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or parallel_out is NULL");
    *parallel_out = 0;
    genapi_request *r = NULL;
    int64_t *n = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_parallel_requests_start(bc, NULL, &r, err);
    st = gc_finish_blocking(bc, st, r, (void **)&n, err);
    if (n != NULL) {
        *parallel_out = *n;
        ga_free(&c->alloc, n);
    }
    return st;
}
