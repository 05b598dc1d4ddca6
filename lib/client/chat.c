/* Chat completions: request body, call, response parsing, re-serialization. */
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include <json-c/json.h>

#include <genapi/chat.h>

#include "client/chat_tools.h"
#include "client/client_internal.h"
#include "client/json_write.h"
#include "params/param_internal.h"
#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

genapi_status gc_chat_body(const genapi_chat_request *req, json_object **out, genapi_error *err)
{
    if (req == NULL || req->struct_size != sizeof *req)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "genapi_chat_request is NULL or has an unknown struct_size");
    if (req->messages == NULL || req->message_count == 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages must contain at least one message");
    for (size_t i = 0; i < req->message_count; i++)
        if (req->messages[i].role == NULL || req->messages[i].role[0] == '\0')
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu].role is required", i);
    /* model may be unset: the client sends its default (defaults.h). */
    genapi_status st = req->params ? ga_params_validate_ex(&ga_text_table, req->params, 0, "model", err) : GENAPI_OK;
    if (st == GENAPI_OK)
        st = gc_chat_tools_check(req, err);
    if (st != GENAPI_OK)
        return st;
    json_object *body = json_object_new_object();
    if (body == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    json_object *msgs = json_object_new_array_ext((int)req->message_count);
    for (size_t i = 0; i < req->message_count; i++) {
        const genapi_chat_message *m = &req->messages[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "role", json_object_new_string(m->role));
        json_object_object_add(o, "content", m->content ? json_object_new_string(m->content) : NULL);
        if (m->name)
            json_object_object_add(o, "name", json_object_new_string(m->name));
        gc_chat_message_tools(m, o);
        json_object_array_add(msgs, o);
    }
    json_object_object_add(body, "messages", msgs);
    gc_chat_request_tools(req, body);
    if (req->params)
        st = ga_params_to_object(&ga_text_table, req->params, body, err);
    if (st == GENAPI_OK && req->params && IS(req->params, logprobs)) {
        /* Chat takes logprobs as a boolean plus top_logprobs. */
        json_object_object_add(body, "top_logprobs", json_object_new_int64(req->params->logprobs));
        json_object_object_add(body, "logprobs", json_object_new_boolean(1));
    }
    if (st == GENAPI_OK)
        st = jw_merge_extra(body, req->extra_json, err);
    if (st != GENAPI_OK) {
        json_object_put(body);
        return st;
    }
    *out = body;
    return GENAPI_OK;
}

genapi_status genapi_chat_request_to_json(genapi_client *c, const genapi_chat_request *req, char **json_out,
                                          genapi_error *err)
{
    if (c == NULL || json_out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or json_out is NULL");
    *json_out = NULL;
    json_object *body = NULL;
    genapi_status st = gc_chat_body(req, &body, err);
    if (st != GENAPI_OK)
        return st;
    gc_defaults_apply(c->defaults, GC_RESOLVE_TEXT, body); /* when the default is known */
    *json_out = jw_text(&c->alloc, body);
    json_object_put(body);
    return *json_out ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
}

/* ---- result --------------------------------------------------------------------------------- */

typedef GA_RESULT_HOLDER(genapi_chat_result) result_holder;

static void parse_tool_calls(ga_jt *t, json_object *msg, genapi_chat_choice *ch)
{
    json_object *tc = ga_jt_get(t, msg, "tool_calls", json_type_array);
    size_t n = tc ? json_object_array_length(tc) : 0;
    if (n == 0)
        return;
    genapi_tool_call *calls = ga_arena_alloc(t->ar, n * sizeof *calls);
    if (calls == NULL) {
        ga_jt_nomem(t);
        return;
    }
    size_t at = ga_jt_push(t, ".tool_calls");
    for (size_t i = 0; i < n && t->st == GENAPI_OK; i++) {
        json_object *c = json_object_array_get_idx(tc, i), *fn;
        size_t at_i = ga_jt_push(t, "[%zu]", i);
        calls[i].index = (int64_t)i;
        if (!json_object_is_type(c, json_type_object)) {
            ga_jt_type_fail(t, NULL, c, "an object");
            break;
        }
        calls[i].id = ga_jt_str(t, c, "id", NULL);
        calls[i].type = ga_jt_str(t, c, "type", NULL);
        if ((fn = ga_jt_get(t, c, "function", json_type_object)) != NULL) {
            ga_jt_push(t, ".function");
            calls[i].name = ga_jt_str(t, fn, "name", NULL);
            calls[i].arguments = ga_jt_str(t, fn, "arguments", NULL);
        }
        ga_jt_pop(t, at_i);
    }
    ga_jt_pop(t, at);
    ch->tool_calls = calls;
    ch->tool_call_count = n;
}

static int by_index(const void *a, const void *b)
{
    int64_t x = ((const genapi_chat_choice *)a)->index, y = ((const genapi_chat_choice *)b)->index;
    return (x > y) - (x < y);
}

static void parse_choices(ga_jt *t, json_object *root, genapi_chat_result *r)
{
    json_object *arr = ga_jt_get(t, root, "choices", json_type_array);
    if (arr == NULL) {
        ga_jt_fail(t, GENAPI_E_PARSE, "choices", "the response has no choices array");
        return;
    }
    size_t n = json_object_array_length(arr);
    genapi_chat_choice *ch = ga_arena_alloc(t->ar, (n ? n : 1) * sizeof *ch);
    if (ch == NULL) {
        ga_jt_nomem(t);
        return;
    }
    for (size_t i = 0; i < n && t->st == GENAPI_OK; i++) {
        json_object *c = json_object_array_get_idx(arr, i), *msg;
        ga_jt_at(t, "choices[%zu]", i);
        if (!json_object_is_type(c, json_type_object)) {
            ga_jt_type_fail(t, NULL, c, "an object");
            break;
        }
        ch[i].index = (int64_t)i;
        ga_jt_i64(t, c, "index", &ch[i].index);
        ch[i].finish_reason = ga_jt_str(t, c, "finish_reason", NULL);
        ga_read_stop_reason(t, c, &ch[i].stop_reason_kind, &ch[i].stop_token, &ch[i].stop_string);
        ch[i].logprobs = ga_read_logprobs(t, c);
        if ((msg = ga_jt_get(t, c, "message", json_type_object)) != NULL) {
            ga_jt_push(t, ".message");
            ch[i].role = ga_jt_str(t, msg, "role", NULL);
            ch[i].content = ga_jt_str(t, msg, "content", &ch[i].content_len);
            ch[i].reasoning = ga_jt_str(t, msg, "reasoning_content", &ch[i].reasoning_len);
            if (ch[i].reasoning == NULL)
                ch[i].reasoning = ga_jt_str(t, msg, "reasoning", &ch[i].reasoning_len);
            parse_tool_calls(t, msg, &ch[i]);
        }
    }
    ga_jt_root(t);
    if (t->st != GENAPI_OK)
        return;
    qsort(ch, n, sizeof *ch, by_index);
    r->choices = ch;
    r->choice_count = n;
}

static genapi_status parse_result(genapi_client *c, const char *body, size_t len, int http_status,
                                  const char *request_id, genapi_chat_result **out, genapi_error *err)
{
    json_object *root = ga_json_parse(body, len);
    if (root == NULL || !json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_PARSE, NULL, "chat completion response is not a JSON object");
    }
    result_holder *h = ga_calloc(&c->alloc, 1, sizeof *h);
    if (h == NULL) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    ga_arena_init(&h->ar, &c->alloc);
    genapi_chat_result *r = &h->pub;
    r->struct_size = (uint32_t)sizeof *r;
    r->internal = h;
    r->http_status = http_status;
    ga_jt t;
    ga_jt_init(&t, &h->ar, err, GENAPI_E_PARSE, "chat completion response");
    ga_result_head head = {&r->id, &r->object, &r->model, &r->request_id, &r->created, &r->usage};
    ga_read_result_head(&t, root, request_id, &head);
    r->prompt_logprobs_count = ga_read_array_len(&t, root, "prompt_logprobs");
    parse_choices(&t, root, r);
    genapi_status st = t.st;
    json_object *e;
    if (st == GENAPI_OK && r->choice_count == 0 && json_object_object_get_ex(root, "error", &e))
        st = ga_err(err, GENAPI_E_SERVER, NULL, "the response carries an error instead of choices");
    json_object_put(root);
    if (st != GENAPI_OK) {
        genapi_chat_result_free(r);
        return st;
    }
    *out = r;
    return GENAPI_OK;
}

genapi_status genapi_chat_result_parse(genapi_client *c, const char *body, size_t body_len, genapi_chat_result **out,
                                       genapi_error *err)
{
    if (c == NULL || body == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client, body or out is NULL");
    *out = NULL;
    return parse_result(c, body, body_len, 200, NULL, out, err);
}

static genapi_status kind_parse(genapi_client *c, const gt_response *resp, void **out, genapi_error *err)
{
    return parse_result(c, resp->body, resp->body_len, resp->status, resp->request_id, (genapi_chat_result **)out,
                        err);
}

static void kind_free(void *result, const ga_alloc *a)
{
    (void)a;
    genapi_chat_result_free(result);
}

const gc_kind_ops gc_chat_ops = {GENAPI_REQ_CHAT, kind_parse, kind_free};

genapi_status genapi_chat_start(genapi_client *c, const genapi_chat_request *req, const genapi_callbacks *cb,
                                genapi_request **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    json_object *body = NULL;
    genapi_status st = gc_chat_body(req, &body, err);
    if (st != GENAPI_OK)
        return st;
    int resolve = (int)gc_defaults_apply(c->defaults, GC_RESOLVE_TEXT, body);
    char *text = jw_text(&c->alloc, body);
    json_object_put(body);
    if (text == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    return gc_start_resolving(c, &gc_chat_ops, "POST", "/v1/chat/completions", text, 0, 0, resolve, cb, out, err);
}

genapi_status genapi_chat_complete(genapi_client *c, const genapi_chat_request *req, genapi_chat_result **out,
                                   genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_chat_start(bc, req, NULL, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}

void genapi_chat_result_free(genapi_chat_result *r)
{
    if (r != NULL)
        ga_result_holder_free(r->internal, offsetof(result_holder, ar));
}

static json_object *opt_string(const char *s) { return s ? json_object_new_string(s) : NULL; }

/* A counted string (it may hold NUL), or JSON null for NULL. */
static json_object *opt_string_len(const char *s, size_t len)
{
    return s ? json_object_new_string_len(s, (int)len) : NULL;
}

genapi_status genapi_chat_result_to_json(const genapi_chat_result *r, char **json_out, genapi_error *err)
{
    if (r == NULL || r->internal == NULL || json_out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "result or json_out is NULL");
    const result_holder *h = r->internal;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", opt_string(r->id));
    json_object_object_add(o, "object", opt_string(r->object));
    json_object_object_add(o, "created", json_object_new_int64(r->created));
    json_object_object_add(o, "model", opt_string(r->model));
    json_object *choices = json_object_new_array();
    for (size_t i = 0; i < r->choice_count; i++) {
        const genapi_chat_choice *c = &r->choices[i];
        json_object *msg = json_object_new_object();
        json_object_object_add(msg, "role", opt_string(c->role));
        json_object_object_add(msg, "content", opt_string_len(c->content, c->content_len));
        if (c->reasoning)
            json_object_object_add(msg, "reasoning_content", opt_string_len(c->reasoning, c->reasoning_len));
        json_object *calls = json_object_new_array();
        for (size_t k = 0; k < c->tool_call_count; k++) {
            const genapi_tool_call *t = &c->tool_calls[k];
            json_object *fn = json_object_new_object(), *tc = json_object_new_object();
            json_object_object_add(fn, "name", opt_string(t->name));
            json_object_object_add(fn, "arguments", opt_string(t->arguments));
            json_object_object_add(tc, "id", opt_string(t->id));
            json_object_object_add(tc, "type", opt_string(t->type));
            json_object_object_add(tc, "function", fn);
            json_object_array_add(calls, tc);
        }
        json_object_object_add(msg, "tool_calls", calls);
        json_object *ch = json_object_new_object();
        json_object_object_add(ch, "index", json_object_new_int64(c->index));
        json_object_object_add(ch, "message", msg);
        json_object_object_add(ch, "logprobs", jw_logprobs(c->logprobs, 1));
        json_object_object_add(ch, "finish_reason", opt_string(c->finish_reason));
        json_object_object_add(ch, "stop_reason",
                               c->stop_reason_kind == GENAPI_STOP_REASON_TOKEN    ? json_object_new_int64(c->stop_token)
                               : c->stop_reason_kind == GENAPI_STOP_REASON_STRING ? opt_string(c->stop_string)
                                                                                  : NULL);
        json_object_array_add(choices, ch);
    }
    json_object_object_add(o, "choices", choices);
    if (r->usage.present) {
        json_object *u = json_object_new_object();
        json_object_object_add(u, "prompt_tokens", json_object_new_int64(r->usage.prompt_tokens));
        json_object_object_add(u, "completion_tokens", json_object_new_int64(r->usage.completion_tokens));
        json_object_object_add(u, "total_tokens", json_object_new_int64(r->usage.total_tokens));
        json_object_object_add(o, "usage", u);
    } else {
        json_object_object_add(o, "usage", NULL);
    }
    size_t len;
    const char *txt = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    *json_out = txt ? ga_strndup(&h->ar.alloc, txt, len) : NULL;
    json_object_put(o);
    return *json_out ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
}

void genapi_chat_result_string_free(const genapi_chat_result *r, char *s)
{
    if (r && r->internal && s) {
        const result_holder *h = r->internal;
        ga_free(&h->ar.alloc, s);
    }
}
