/* Text completions: request body, call, response parsing. */
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include <genapi/completions.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "client/json_write.h"
#include "params/param_internal.h"
#include "util/err.h"

genapi_status gc_completion_body(const genapi_completion_request *req, json_object **out, genapi_error *err)
{
    if (req == NULL || req->struct_size != sizeof *req)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "genapi_completion_request is NULL or has an unknown struct_size");
    if ((req->prompt == NULL || req->prompt[0] == '\0') && req->prompt_tokens.count == 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "prompt", "prompt or prompt_tokens must be given and non-empty");
    if (req->prompt == NULL && req->prompt_tokens.items == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, "prompt", "prompt_tokens has a count but no items");
    for (size_t i = 0; req->prompt == NULL && i < req->prompt_tokens.count; i++)
        if (req->prompt_tokens.items[i] < 0)
            return ga_err(err, GENAPI_E_INVALID_ARG, "prompt", "prompt_tokens[%zu] must be >= 0", i);
    /* model may be unset: the client sends its default (defaults.h). */
    genapi_status st = req->params ? ga_params_validate_ex(&ga_text_table, req->params, 0, "model", err) : GENAPI_OK;
    if (st != GENAPI_OK)
        return st;
    json_object *body = json_object_new_object();
    if (body == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    if (req->prompt) {
        json_object_object_add(body, "prompt", json_object_new_string(req->prompt));
    } else {
        json_object *a = json_object_new_array_ext((int)req->prompt_tokens.count);
        for (size_t i = 0; i < req->prompt_tokens.count; i++)
            json_object_array_add(a, json_object_new_int64(req->prompt_tokens.items[i]));
        json_object_object_add(body, "prompt", a);
    }
    if (req->echo)
        json_object_object_add(body, "echo", json_object_new_boolean(1));
    if (req->params)
        st = ga_params_to_object(&ga_text_table, req->params, body, err);
    if (st == GENAPI_OK)
        st = jw_merge_extra(body, req->extra_json, err);
    if (st != GENAPI_OK) {
        json_object_put(body);
        return st;
    }
    *out = body;
    return GENAPI_OK;
}

genapi_status genapi_completion_request_to_json(genapi_client *c, const genapi_completion_request *req,
                                                char **json_out, genapi_error *err)
{
    if (c == NULL || json_out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or json_out is NULL");
    *json_out = NULL;
    json_object *body = NULL;
    genapi_status st = gc_completion_body(req, &body, err);
    if (st != GENAPI_OK)
        return st;
    gc_defaults_apply(c->defaults, GC_RESOLVE_TEXT, body); /* when the default is known */
    *json_out = jw_text(&c->alloc, body);
    json_object_put(body);
    return *json_out ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
}

typedef GA_RESULT_HOLDER(genapi_completion_result) holder;

static int by_index(const void *a, const void *b)
{
    int64_t x = ((const genapi_completion_choice *)a)->index, y = ((const genapi_completion_choice *)b)->index;
    return (x > y) - (x < y);
}

static genapi_status parse(genapi_client *c, const char *body, size_t len, int http_status, const char *request_id,
                           genapi_completion_result **out, genapi_error *err)
{
    json_object *root = ga_json_parse(body, len), *arr;
    if (root == NULL || !json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_PARSE, NULL, "completion response is not a JSON object");
    }
    if (!json_object_object_get_ex(root, "choices", &arr) || !json_object_is_type(arr, json_type_array)) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_PARSE, "choices", "completion response has no choices array");
    }
    holder *h = ga_calloc(&c->alloc, 1, sizeof *h);
    if (h == NULL) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    ga_arena_init(&h->ar, &c->alloc);
    genapi_completion_result *r = &h->pub;
    r->struct_size = (uint32_t)sizeof *r;
    r->internal = h;
    r->http_status = http_status;
    ga_jt t;
    ga_jt_init(&t, &h->ar, err, GENAPI_E_PARSE, "completion response");
    ga_result_head head = {&r->id, &r->object, &r->model, &r->request_id, &r->created, &r->usage};
    ga_read_result_head(&t, root, request_id, &head);
    size_t n = json_object_array_length(arr);
    genapi_completion_choice *ch = ga_arena_alloc(&h->ar, (n ? n : 1) * sizeof *ch);
    if (ch == NULL)
        ga_jt_nomem(&t);
    for (size_t i = 0; ch && i < n && t.st == GENAPI_OK; i++) {
        json_object *cj = json_object_array_get_idx(arr, i);
        ga_jt_at(&t, "choices[%zu]", i);
        if (!json_object_is_type(cj, json_type_object)) {
            ga_jt_type_fail(&t, NULL, cj, "an object");
            break;
        }
        ch[i].index = (int64_t)i;
        ga_jt_i64(&t, cj, "index", &ch[i].index);
        ch[i].text = ga_jt_str(&t, cj, "text", &ch[i].text_len);
        ch[i].finish_reason = ga_jt_str(&t, cj, "finish_reason", NULL);
        ga_read_stop_reason(&t, cj, &ch[i].stop_reason_kind, &ch[i].stop_token, &ch[i].stop_string);
        ch[i].logprobs = ga_read_logprobs(&t, cj);
        ch[i].prompt_logprobs_count = ga_read_array_len(&t, cj, "prompt_logprobs");
        ch[i].token_ids = ga_read_i64_array(&t, cj, "token_ids", &ch[i].token_id_count);
        ch[i].prompt_token_ids = ga_read_i64_array(&t, cj, "prompt_token_ids", &ch[i].prompt_token_id_count);
    }
    json_object_put(root);
    if (t.st != GENAPI_OK) {
        genapi_completion_result_free(r);
        return t.st;
    }
    qsort(ch, n, sizeof *ch, by_index);
    r->choices = ch;
    r->choice_count = n;
    *out = r;
    return GENAPI_OK;
}

genapi_status genapi_completion_result_parse(genapi_client *c, const char *body, size_t body_len,
                                             genapi_completion_result **out, genapi_error *err)
{
    if (c == NULL || body == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client, body or out is NULL");
    *out = NULL;
    return parse(c, body, body_len, 200, NULL, out, err);
}

static genapi_status kind_parse(genapi_client *c, const gt_response *resp, void **out, genapi_error *err)
{
    return parse(c, resp->body, resp->body_len, resp->status, resp->request_id, (genapi_completion_result **)out, err);
}

static void kind_free(void *result, const ga_alloc *a)
{
    (void)a;
    genapi_completion_result_free(result);
}

const gc_kind_ops gc_completion_ops = {GENAPI_REQ_COMPLETION, kind_parse, kind_free};

genapi_status genapi_complete_start(genapi_client *c, const genapi_completion_request *req,
                                    const genapi_callbacks *cb, genapi_request **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    json_object *body = NULL;
    genapi_status st = gc_completion_body(req, &body, err);
    if (st != GENAPI_OK)
        return st;
    int resolve = (int)gc_defaults_apply(c->defaults, GC_RESOLVE_TEXT, body);
    char *text = jw_text(&c->alloc, body);
    json_object_put(body);
    if (text == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    return gc_start_resolving(c, &gc_completion_ops, "POST", "/v1/completions", text, 0, 0, resolve, cb, out, err);
}

genapi_status genapi_complete(genapi_client *c, const genapi_completion_request *req, genapi_completion_result **out,
                              genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_complete_start(bc, req, NULL, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}

void genapi_completion_result_free(genapi_completion_result *r)
{
    if (r != NULL)
        ga_result_holder_free(r->internal, offsetof(holder, ar));
}

static json_object *opt_string(const char *s) { return s ? json_object_new_string(s) : NULL; }

static json_object *ids_array(const int64_t *ids, size_t n)
{
    json_object *a = json_object_new_array_ext((int)n);
    for (size_t i = 0; a && i < n; i++)
        json_object_array_add(a, json_object_new_int64(ids[i]));
    return a;
}

genapi_status genapi_completion_result_to_json(const genapi_completion_result *r, char **json_out, genapi_error *err)
{
    if (r == NULL || r->internal == NULL || json_out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "result or json_out is NULL");
    const holder *h = r->internal;
    json_object *o = json_object_new_object(), *choices = json_object_new_array();
    json_object_object_add(o, "id", opt_string(r->id));
    json_object_object_add(o, "object", opt_string(r->object));
    json_object_object_add(o, "created", json_object_new_int64(r->created));
    json_object_object_add(o, "model", opt_string(r->model));
    for (size_t i = 0; i < r->choice_count; i++) {
        const genapi_completion_choice *c = &r->choices[i];
        json_object *ch = json_object_new_object();
        json_object_object_add(ch, "index", json_object_new_int64(c->index));
        json_object_object_add(ch, "text", c->text ? json_object_new_string_len(c->text, (int)c->text_len) : NULL);
        json_object_object_add(ch, "logprobs", jw_logprobs(c->logprobs, 0));
        json_object_object_add(ch, "finish_reason", opt_string(c->finish_reason));
        json_object_object_add(ch, "stop_reason",
                               c->stop_reason_kind == GENAPI_STOP_REASON_TOKEN    ? json_object_new_int64(c->stop_token)
                               : c->stop_reason_kind == GENAPI_STOP_REASON_STRING ? opt_string(c->stop_string)
                                                                                  : NULL);
        if (c->token_ids)
            json_object_object_add(ch, "token_ids", ids_array(c->token_ids, c->token_id_count));
        if (c->prompt_token_ids)
            json_object_object_add(ch, "prompt_token_ids", ids_array(c->prompt_token_ids, c->prompt_token_id_count));
        json_object_array_add(choices, ch);
    }
    json_object_object_add(o, "choices", choices);
    json_object *u = NULL;
    if (r->usage.present) {
        u = json_object_new_object();
        json_object_object_add(u, "prompt_tokens", json_object_new_int64(r->usage.prompt_tokens));
        json_object_object_add(u, "completion_tokens", json_object_new_int64(r->usage.completion_tokens));
        json_object_object_add(u, "total_tokens", json_object_new_int64(r->usage.total_tokens));
    }
    json_object_object_add(o, "usage", u);
    *json_out = jw_text(&h->ar.alloc, o);
    json_object_put(o);
    return *json_out ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
}

void genapi_completion_result_string_free(const genapi_completion_result *r, char *s)
{
    if (r && r->internal && s) {
        const holder *h = r->internal;
        ga_free(&h->ar.alloc, s);
    }
}
