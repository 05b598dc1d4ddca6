/* GET /v1/models/textgen-models. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <genapi/models.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "client/json_write.h"
#include "params/param_internal.h"
#include "util/err.h"

typedef struct list_holder {
    genapi_model_list pub;
    ga_arena ar;
} list_holder;

static genapi_status parse_list(genapi_client *c, const gt_response *resp, void **result, genapi_error *err)
{
    genapi_model_list **out = (genapi_model_list **)result;
    json_object *root = ga_json_parse(resp->body, resp->body_len), *data = root;
    if (root && json_object_is_type(root, json_type_object))
        json_object_object_get_ex(root, "data", &data);
    if (data == NULL || !json_object_is_type(data, json_type_array)) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_PARSE, NULL, "model listing is neither an array nor an object with a data array");
    }
    list_holder *h = ga_calloc(&c->alloc, 1, sizeof *h);
    if (h == NULL) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    ga_arena_init(&h->ar, &c->alloc);
    size_t n = json_object_array_length(data);
    genapi_model_info *items = ga_arena_alloc(&h->ar, (n ? n : 1) * sizeof *items);
    size_t k = 0;
    ga_jt t;
    ga_jt_init(&t, &h->ar, err, GENAPI_E_PARSE, "model listing");
    if (items == NULL)
        ga_jt_nomem(&t);
    char name[40];
    for (size_t i = 0; items && i < n && t.st == GENAPI_OK; i++) {
        json_object *m = json_object_array_get_idx(data, i);
        if (json_object_is_type(m, json_type_string)) {
            snprintf(name, sizeof name, "data[%zu]", i);
            items[k++].id = ga_jt_text(&t, m, name, NULL);
            continue;
        }
        if (!json_object_is_type(m, json_type_object))
            continue;
        ga_jt_at(&t, "data[%zu]", i);
        items[k].id = ga_jt_str(&t, m, "id", NULL);
        if (items[k].id == NULL)
            items[k].id = ga_jt_str(&t, m, "name", NULL);
        if (items[k].id == NULL)
            continue;
        items[k].owned_by = ga_jt_str(&t, m, "owned_by", NULL);
        items[k].parent = ga_jt_str(&t, m, "parent", NULL);
        items[k].engine = ga_jt_str(&t, m, "engine", NULL);
        if (!ga_jt_i64(&t, m, "max_model_len", &items[k].max_model_len))
            ga_jt_i64(&t, m, "max_context", &items[k].max_model_len);
        items[k].root = ga_jt_str(&t, m, "root", NULL);
        items[k].object = ga_jt_str(&t, m, "object", NULL);
        ga_jt_i64(&t, m, "created", &items[k].created);
        k++;
    }
    json_object_put(root);
    h->pub.struct_size = (uint32_t)sizeof h->pub;
    h->pub.items = items;
    h->pub.count = k;
    h->pub.internal = h;
    if (t.st != GENAPI_OK) {
        genapi_model_list_free(&h->pub);
        return t.st;
    }
    *out = &h->pub;
    return GENAPI_OK;
}

void genapi_model_list_free(genapi_model_list *list)
{
    if (list == NULL || list->internal == NULL)
        return;
    ga_result_holder_free(list->internal, offsetof(list_holder, ar));
}

static void free_list(void *result, const ga_alloc *a)
{
    (void)a;
    genapi_model_list_free(result);
}

const gc_kind_ops gc_text_models_ops = {GENAPI_REQ_TEXT_MODELS, parse_list, free_list};

genapi_status genapi_list_text_models_start(genapi_client *c, const genapi_callbacks *cb, genapi_request **out,
                                            genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    return gc_start(c, &gc_text_models_ops, "GET", "/v1/models/textgen-models", NULL, 0, 0, cb, out, err);
}

genapi_status genapi_list_text_models(genapi_client *c, genapi_model_list **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_list_text_models_start(bc, NULL, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}
