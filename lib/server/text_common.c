#include "server/text_common.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "params/param_internal.h"
#include "server/limits.h"
#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

static int is_json_content_type(const char *ct)
{
    if (ct == NULL)
        return 0;
    while (*ct == ' ')
        ct++;
    return strncmp(ct, "application/json", 16) == 0 && (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

json_object *gs_parse_body(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r)
{
    if (!is_json_content_type(req->content_type)) {
        gs_respond_error(b, r, 400, "Bad Request", NULL, "Unsupported Media Type: Only 'application/json' is allowed");
        return NULL;
    }
    if (req->body == NULL || req->body_len == 0) {
        gs_respond_error(b, r, 400, "Bad Request", NULL, "The request body is empty; expected a JSON object.");
        return NULL;
    }
    if (!gs_check_json_body(b, req->body, req->body_len, r))
        return NULL;
    json_object *root = ga_json_parse(req->body, req->body_len);
    if (root == NULL) {
        gs_respond_error(b, r, 400, "Bad Request", NULL, "The request body is not valid JSON.");
        return NULL;
    }
    if (!json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        gs_respond_error(b, r, 400, "Bad Request", NULL, "The request body must be a JSON object.");
        return NULL;
    }
    return root;
}

int gs_text_req_init(genapi_backend *b, const genapi_http_request *req, gs_text_req *t, genapi_http_response *r)
{
    memset(t, 0, sizeof *t);
    t->root = gs_parse_body(b, req, r);
    if (t->root == NULL)
        return 0;
    genapi_text_params_init(&t->p, sizeof t->p);
    t->hooks = (genapi_allocator){b->alloc.malloc_fn, b->alloc.realloc_fn, b->alloc.free_fn, b->alloc.user};
    t->p.allocator = &t->hooks;
    ga_arena_init(&t->ar, &b->alloc);
    return 1;
}

void gs_text_req_clear(gs_text_req *t)
{
    if (t->root == NULL)
        return;
    ga_arena_free(&t->ar);
    genapi_text_params_clear(&t->p);
    json_object_put(t->root);
    t->root = NULL;
}

int gs_text_params(genapi_backend *b, json_object *root, genapi_text_params *p, genapi_http_response *r,
                   const char **model_out)
{
    genapi_error err;
    genapi_error_clear(&err);
    if (ga_text_params_from_object(p, root, &err) != GENAPI_OK) {
        gs_respond_genapi_error(b, r, &err);
        return 0;
    }
    if (!IS(p, model)) {
        gs_respond_error(b, r, 400, "Bad Request", "model", "model is required.");
        return 0;
    }
    if (gs_find_model(p->model) == NULL) {
        gs_respond_error(b, r, 404, "NotFoundError", "model", "The model `%s` does not exist.", p->model);
        return 0;
    }
    if (genapi_text_params_validate(p, &err) != GENAPI_OK) {
        gs_respond_genapi_error(b, r, &err);
        return 0;
    }
    /* The reference backend runs on the caller's CPU: bound the sequences one request makes. */
    if (!gs_check_sequences(b, p, 1, r))
        return 0;
    *model_out = p->model;
    if (IS(p, multi_models)) {
        for (size_t i = 0; i < p->multi_models.count; i++)
            if (gs_find_model(p->multi_models.items[i]) == NULL) {
                gs_respond_error(b, r, 404, "NotFoundError", "multi_models", "The model `%s` does not exist.",
                                 p->multi_models.items[i]);
                return 0;
            }
        *model_out = p->multi_models.items[randombytes_uniform((uint32_t)p->multi_models.count)];
    }
    json_object *lproc;
    if (json_object_object_get_ex(root, "logits_processors", &lproc) && json_object_is_type(lproc, json_type_array) &&
        json_object_array_length(lproc) > 0) {
        gs_respond_error(b, r, 400, "BadRequestError", "logits_processors",
                         "Aphrodite V1 does not support per request user provided logits processors.");
        return 0;
    }
    return 1;
}

uint64_t gs_resolve_seed(const genapi_text_params *p)
{
    if (IS(p, seed) && p->seed != -1)
        return (uint64_t)p->seed;
    uint64_t s;
    randombytes_buf(&s, sizeof s);
    return s;
}

int gs_bool_member(genapi_backend *b, json_object *root, const char *key, int dflt, int *out, genapi_http_response *r)
{
    genapi_error err;
    ga_jt t;
    ga_jt_init(&t, NULL, &err, GENAPI_E_INVALID_ARG, NULL);
    *out = dflt;
    ga_jt_bool(&t, root, key, out);
    if (t.st == GENAPI_OK)
        return 1;
    gs_respond_genapi_error(b, r, &err);
    return 0;
}

int gs_token_array(genapi_backend *b, json_object *a, ga_arena *ar, int32_t **ids, size_t *n, const char *param,
                   genapi_http_response *r)
{
    size_t vocab = gx_tokenizer_vocab_size(b->text->tok);
    *n = json_object_array_length(a);
    *ids = ga_arena_alloc(ar, (*n ? *n : 1) * sizeof **ids);
    if (*ids == NULL) {
        gs_respond_nomem(b, r);
        return 0;
    }
    for (size_t i = 0; i < *n; i++) {
        json_object *t = json_object_array_get_idx(a, i);
        int64_t v = -1;
        if (!ga_json_int64(t, &v))
            v = -1;
        if (v < 0 || (uint64_t)v >= vocab) {
            gs_respond_error(b, r, 400, "BadRequestError", param, "%s[%zu] is not a token id of this model "
                             "(vocabulary size %zu).", param, i, vocab);
            return 0;
        }
        (*ids)[i] = (int32_t)v;
    }
    return 1;
}

size_t gs_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0u) != 0x80u;
    return n;
}

static json_object *bytes_json(const char *s)
{
    json_object *a = json_object_new_array();
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        json_object_array_add(a, json_object_new_int(*p));
    return a;
}

static json_object *chat_entry(const gx_text_engine *e, int32_t id, float logprob, ga_arena *ar)
{
    const char *t = gx_token_text(e, id, ar);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "token", json_object_new_string(t ? t : ""));
    json_object_object_add(o, "logprob", json_object_new_double(logprob));
    json_object_object_add(o, "bytes", bytes_json(t ? t : ""));
    return o;
}

json_object *gs_chat_logprobs(const gx_text_engine *e, const gx_logprob *lp, size_t n, size_t top, ga_arena *ar)
{
    json_object *content = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        json_object *entry = chat_entry(e, lp[i].id, lp[i].logprob, ar);
        /* The sampled token first, then the best alternatives (without repeating it). */
        json_object *tops = json_object_new_array();
        if (top > 0)
            json_object_array_add(tops, chat_entry(e, lp[i].id, lp[i].logprob, ar));
        for (size_t k = 0; k < lp[i].n_top && json_object_array_length(tops) < top; k++)
            if (lp[i].top[k].id != lp[i].id)
                json_object_array_add(tops, chat_entry(e, lp[i].top[k].id, lp[i].top[k].logprob, ar));
        json_object_object_add(entry, "top_logprobs", tops);
        json_object_array_add(content, entry);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "content", content);
    return o;
}

json_object *gs_completion_logprobs(const gx_text_engine *e, const gx_logprob *lp, size_t n, size_t offset,
                                    ga_arena *ar)
{
    json_object *offs = json_object_new_array(), *vals = json_object_new_array(), *toks = json_object_new_array(),
                *tops = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        const char *t = gx_token_text(e, lp[i].id, ar);
        json_object_array_add(offs, json_object_new_int64((int64_t)offset));
        json_object_array_add(toks, json_object_new_string(t ? t : ""));
        offset += t ? gs_utf8_chars(t, strlen(t)) : 0;
        if (lp[i].rank < 0 || lp[i].top == NULL) {
            json_object_array_add(vals, lp[i].rank < 0 ? NULL : json_object_new_double(lp[i].logprob));
            json_object_array_add(tops, NULL);
            continue;
        }
        json_object_array_add(vals, json_object_new_double(lp[i].logprob));
        json_object *d = json_object_new_object();
        json_object_object_add(d, t ? t : "", json_object_new_double(lp[i].logprob));
        for (size_t k = 0; k < lp[i].n_top; k++) {
            const char *kt = gx_token_text(e, lp[i].top[k].id, ar);
            if (kt && !json_object_object_get_ex(d, kt, NULL))
                json_object_object_add(d, kt, json_object_new_double(lp[i].top[k].logprob));
        }
        json_object_array_add(tops, d);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "text_offset", offs);
    json_object_object_add(o, "token_logprobs", vals);
    json_object_object_add(o, "tokens", toks);
    json_object_object_add(o, "top_logprobs", tops);
    return o;
}

json_object *gs_prompt_logprobs(const gx_text_engine *e, const gx_logprob *lp, size_t n, ga_arena *ar)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        if (lp[i].rank < 0) {
            json_object_array_add(a, NULL);
            continue;
        }
        json_object *d = json_object_new_object();
        char key[16];
        json_object *x = json_object_new_object();
        json_object_object_add(x, "logprob", json_object_new_double(lp[i].logprob));
        json_object_object_add(x, "rank", json_object_new_int64(lp[i].rank));
        const char *t = gx_token_text(e, lp[i].id, ar);
        json_object_object_add(x, "decoded_token", json_object_new_string(t ? t : ""));
        snprintf(key, sizeof key, "%d", (int)lp[i].id);
        json_object_object_add(d, key, x);
        for (size_t k = 0; k < lp[i].n_top; k++) {
            snprintf(key, sizeof key, "%d", (int)lp[i].top[k].id);
            if (json_object_object_get_ex(d, key, NULL))
                continue;
            json_object *y = json_object_new_object();
            json_object_object_add(y, "logprob", json_object_new_double(lp[i].top[k].logprob));
            json_object_object_add(y, "rank", json_object_new_int64((int64_t)k + 1));
            const char *kt = gx_token_text(e, lp[i].top[k].id, ar);
            json_object_object_add(y, "decoded_token", json_object_new_string(kt ? kt : ""));
            json_object_object_add(d, key, y);
        }
        json_object_array_add(a, d);
    }
    return a;
}

const float *gs_adapter(genapi_backend *b, const genapi_text_params *p, const char *model, ga_arena *ar)
{
    const gs_model *m = gs_find_model(model);
    if (m == NULL || m->parent == NULL)
        return NULL;
    double scale = IS(p, multiplier) ? p->multiplier : 1.0;
    size_t vocab = gx_tokenizer_vocab_size(b->text->tok);
    float *w = ga_arena_alloc(ar, vocab * sizeof *w);
    if (w == NULL)
        return NULL;
    const float *base = gx_adapter_weights(b->text);
    for (size_t v = 0; v < vocab; v++)
        w[v] = (float)(scale * (double)base[v]);
    return w;
}

genapi_status gs_respond_fake_stream(genapi_backend *b, genapi_http_response *r, json_object *response)
{
    genapi_status st = gs_respond_json(b, r, 200, response);
    if (st != GENAPI_OK)
        return st;
    size_t n = r->body_len + sizeof "data: \n\ndata: [DONE]\n\n";
    char *body = ga_malloc(&b->alloc, n);
    if (body == NULL)
        return gs_respond_nomem(b, r);
    int len = snprintf(body, n, "data: %s\n\ndata: [DONE]\n\n", r->body);
    ga_free(&b->alloc, r->body);
    r->body = body;
    r->body_len = (size_t)len;
    r->content_type = "text/event-stream";
    return GENAPI_OK;
}

json_object *gs_usage(int64_t prompt_tokens, int64_t completion_tokens)
{
    json_object *u = json_object_new_object();
    json_object_object_add(u, "prompt_tokens", json_object_new_int64(prompt_tokens));
    json_object_object_add(u, "total_tokens", json_object_new_int64(prompt_tokens + completion_tokens));
    json_object_object_add(u, "completion_tokens", json_object_new_int64(completion_tokens));
    json_object_object_add(u, "prompt_tokens_details", NULL);
    return u;
}
