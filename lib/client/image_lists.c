/* Image listings (models, samplers, upscalers) and the image options document. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <genapi/images.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "client/json_write.h"
#include "params/param_internal.h"
#include "util/err.h"

typedef GA_RESULT_HOLDER(genapi_image_listing) holder;

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

static void read_item(ga_jt *t, genapi_image_listing_kind kind, json_object *o, genapi_image_listing_item *it)
{
    json_object *v;
    if (kind == GENAPI_LISTING_MODELS) {
        it->name = ga_jt_str(t, o, "title", NULL);
        it->model_name = ga_jt_str(t, o, "model_name", NULL);
        if (it->name == NULL)
            it->name = it->model_name;
        it->hash = ga_jt_str(t, o, "hash", NULL);
        it->sha256 = ga_jt_str(t, o, "sha256", NULL);
        it->filename = ga_jt_str(t, o, "filename", NULL);
        return;
    }
    it->name = ga_jt_str(t, o, "name", NULL);
    if (kind == GENAPI_LISTING_SAMPLERS) {
        if ((v = ga_jt_get(t, o, "aliases", json_type_array)) != NULL && json_object_array_length(v) > 0) {
            size_t n = json_object_array_length(v);
            const char **a = ga_arena_alloc(t->ar, n * sizeof *a);
            if (a == NULL) {
                ga_jt_nomem(t);
                return;
            }
            char name[40];
            for (size_t i = 0; i < n; i++) {
                snprintf(name, sizeof name, "aliases[%zu]", i);
                a[i] = ga_jt_text(t, json_object_array_get_idx(v, i), name, NULL);
                if (a[i] == NULL)
                    a[i] = "";
            }
            it->aliases = a;
            it->alias_count = n;
        }
        return;
    }
    it->model_name = ga_jt_str(t, o, "model_name", NULL);
    it->has_scale = ga_jt_num(t, o, "scale", &it->scale);
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
    ga_jt t;
    ga_jt_init(&t, &h->ar, err, GENAPI_E_PARSE, "image listing");
    if (items == NULL)
        ga_jt_nomem(&t);
    for (size_t i = 0; items && i < n && t.st == GENAPI_OK; i++) {
        json_object *o = json_object_array_get_idx(data, i);
        ga_jt_at(&t, "data[%zu]", i);
        if (json_object_is_type(o, json_type_object))
            read_item(&t, kind, o, &items[k++]);
    }
    json_object_put(root);
    h->pub.struct_size = (uint32_t)sizeof h->pub;
    h->pub.kind = (int32_t)kind;
    h->pub.items = items;
    h->pub.count = k;
    h->pub.internal = h;
    if (t.st != GENAPI_OK) {
        genapi_image_listing_free(&h->pub);
        return t.st;
    }
    *out = &h->pub;
    return GENAPI_OK;
}

void genapi_image_listing_free(genapi_image_listing *l)
{
    if (l != NULL)
        ga_result_holder_free(l->internal, offsetof(holder, ar));
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
genapi_status gc_parse_image_options(genapi_client *c, const gt_response *resp, void **out, genapi_error *err)
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

static const gc_kind_ops options_ops = {GENAPI_REQ_IMAGE_OPTIONS, gc_parse_image_options, free_options};

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
