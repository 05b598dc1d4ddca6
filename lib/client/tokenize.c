/* Tokenization: POST /v1/tokenize. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <genapi/tokenize.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "client/json_write.h"
#include "params/param_internal.h"
#include "util/err.h"

typedef GA_RESULT_HOLDER(genapi_tokenize_result) holder;

static genapi_status build_body(const genapi_tokenize_request *req, json_object **out, genapi_error *err)
{
    if (req == NULL || req->struct_size != sizeof *req)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "genapi_tokenize_request is NULL or has an unknown struct_size");
    if ((req->prompt == NULL) == (req->messages == NULL || req->message_count == 0))
        return ga_err(err, GENAPI_E_INVALID_ARG, "prompt", "exactly one of prompt and messages must be given");
    if (req->multi_models.count > 0 && req->multi_models.items == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, "multi_models", "multi_models has a count but no items");
    json_object *body = json_object_new_object();
    if (body == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    if (req->model)
        json_object_object_add(body, "model", json_object_new_string(req->model));
    if (req->multi_models.count) {
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < req->multi_models.count; i++) {
            if (req->multi_models.items[i] == NULL) {
                json_object_put(a);
                json_object_put(body);
                return ga_err(err, GENAPI_E_INVALID_ARG, "multi_models", "multi_models[%zu] is NULL", i);
            }
            json_object_array_add(a, json_object_new_string(req->multi_models.items[i]));
        }
        json_object_object_add(body, "multi_models", a);
    }
    if (req->prompt) {
        json_object_object_add(body, "prompt", json_object_new_string(req->prompt));
    } else {
        json_object *msgs = json_object_new_array();
        for (size_t i = 0; i < req->message_count; i++) {
            const genapi_chat_message *m = &req->messages[i];
            if (m->role == NULL || m->role[0] == '\0') {
                json_object_put(msgs);
                json_object_put(body);
                return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu].role is required", i);
            }
            json_object *o = json_object_new_object();
            json_object_object_add(o, "role", json_object_new_string(m->role));
            json_object_object_add(o, "content", m->content ? json_object_new_string(m->content) : NULL);
            if (m->name)
                json_object_object_add(o, "name", json_object_new_string(m->name));
            json_object_array_add(msgs, o);
        }
        json_object_object_add(body, "messages", msgs);
        if (req->no_generation_prompt)
            json_object_object_add(body, "add_generation_prompt", json_object_new_boolean(0));
    }
    if (req->return_token_strs)
        json_object_object_add(body, "return_token_strs", json_object_new_boolean(1));
    *out = body;
    return GENAPI_OK;
}

static genapi_status parse(genapi_client *c, const char *body, size_t len, genapi_tokenize_result **out,
                           genapi_error *err)
{
    json_object *root = ga_json_parse(body, len), *toks, *strs;
    if (root == NULL || !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "tokens", &toks) || !json_object_is_type(toks, json_type_array)) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_PARSE, "tokens", "tokenize response has no tokens array");
    }
    holder *h = ga_calloc(&c->alloc, 1, sizeof *h);
    if (h == NULL) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    ga_arena_init(&h->ar, &c->alloc);
    genapi_tokenize_result *r = &h->pub;
    r->struct_size = (uint32_t)sizeof *r;
    r->internal = h;
    ga_jt t;
    ga_jt_init(&t, &h->ar, err, GENAPI_E_PARSE, "tokenize response");
    size_t n = json_object_array_length(toks);
    int64_t *ids = ga_arena_alloc(&h->ar, (n ? n : 1) * sizeof *ids);
    if (ids == NULL)
        ga_jt_nomem(&t);
    char name[40];
    for (size_t i = 0; ids && i < n && t.st == GENAPI_OK; i++) {
        snprintf(name, sizeof name, "tokens[%zu]", i);
        json_object *e = json_object_array_get_idx(toks, i);
        if (e == NULL || !ga_jt_int_value(&t, e, name, &ids[i]))
            ga_jt_type_fail(&t, name, e, "an integer token id");
    }
    r->tokens = ids;
    r->token_count = n;
    r->count = (int64_t)n;
    ga_jt_i64(&t, root, "count", &r->count);
    ga_jt_i64(&t, root, "max_model_len", &r->max_model_len);
    if ((strs = ga_jt_get(&t, root, "token_strs", json_type_array)) != NULL) {
        /* Exactly one text per token: missing ones are "", extra ones are dropped. */
        size_t k = json_object_array_length(strs);
        const char **s = ga_arena_alloc(&h->ar, (n + 1) * sizeof *s);
        if (s == NULL)
            ga_jt_nomem(&t);
        for (size_t i = 0; s && i < n && t.st == GENAPI_OK; i++) {
            snprintf(name, sizeof name, "token_strs[%zu]", i);
            s[i] = ga_jt_text(&t, i < k ? json_object_array_get_idx(strs, i) : NULL, name, NULL);
            if (s[i] == NULL)
                s[i] = "";
        }
        r->token_strs = s;
    }
    json_object_put(root);
    if (t.st != GENAPI_OK) {
        genapi_tokenize_result_free(r);
        return t.st;
    }
    *out = r;
    return GENAPI_OK;
}

genapi_status genapi_tokenize_result_parse(genapi_client *c, const char *body, size_t body_len,
                                           genapi_tokenize_result **out, genapi_error *err)
{
    if (c == NULL || body == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client, body or out is NULL");
    *out = NULL;
    return parse(c, body, body_len, out, err);
}

static genapi_status kind_parse(genapi_client *c, const gt_response *resp, void **out, genapi_error *err)
{
    return parse(c, resp->body, resp->body_len, (genapi_tokenize_result **)out, err);
}

static void kind_free(void *result, const ga_alloc *a)
{
    (void)a;
    genapi_tokenize_result_free(result);
}

static const gc_kind_ops tokenize_ops = {GENAPI_REQ_TOKENIZE, kind_parse, kind_free};

genapi_status genapi_tokenize_start(genapi_client *c, const genapi_tokenize_request *req, const genapi_callbacks *cb,
                                    genapi_request **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    json_object *body = NULL;
    genapi_status st = build_body(req, &body, err);
    if (st != GENAPI_OK)
        return st;
    char model[GC_MODEL_NAME_MAX];
    if (req->model == NULL && req->multi_models.count == 0 &&
        gc_defaults_get_env(c->defaults, GC_RESOLVE_TEXT, model, sizeof model))
        json_object_object_add(body, "model", json_object_new_string(model)); /* GENAPI_MODEL */
    char *text = jw_text(&c->alloc, body);
    json_object_put(body);
    if (text == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    return gc_start(c, &tokenize_ops, "POST", "/v1/tokenize", text, 0, 0, cb, out, err);
}

genapi_status genapi_tokenize(genapi_client *c, const genapi_tokenize_request *req, genapi_tokenize_result **out,
                              genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_tokenize_start(bc, req, NULL, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}

void genapi_tokenize_result_free(genapi_tokenize_result *r)
{
    if (r != NULL)
        ga_result_holder_free(r->internal, offsetof(holder, ar));
}
