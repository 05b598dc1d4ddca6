/* Reading usage, stop_reason and logprobs of chat / completion results (see result_read.h). */
#include "util/result_read.h"

#include <stdio.h>
#include <string.h>

void ga_result_holder_free(void *holder, size_t arena_offset)
{
    if (holder == NULL)
        return;
    ga_arena *ar = (ga_arena *)(void *)((char *)holder + arena_offset);
    ga_alloc a = ar->alloc;
    ga_arena_free(ar);
    ga_free(&a, holder);
}

void ga_read_result_head(ga_jt *t, json_object *root, const char *request_id, const ga_result_head *h)
{
    *h->id = ga_jt_str(t, root, "id", NULL);
    *h->object = ga_jt_str(t, root, "object", NULL);
    *h->model = ga_jt_str(t, root, "model", NULL);
    ga_jt_i64(t, root, "created", h->created);
    if (request_id && request_id[0] && (*h->request_id_out = ga_arena_strdup(t->ar, request_id)) == NULL)
        ga_jt_nomem(t);
    ga_read_usage(t, root, h->usage);
}

void ga_read_usage(ga_jt *t, json_object *root, genapi_usage *u)
{
    memset(u, 0, sizeof *u);
    json_object *v = ga_jt_get(t, root, "usage", json_type_object);
    if (v == NULL)
        return;
    size_t at = ga_jt_push(t, ga_jt_at_root(t) ? "usage" : ".usage");
    u->present = 1;
    ga_jt_i64(t, v, "prompt_tokens", &u->prompt_tokens);
    ga_jt_i64(t, v, "completion_tokens", &u->completion_tokens);
    ga_jt_i64(t, v, "total_tokens", &u->total_tokens);
    ga_jt_pop(t, at);
}

void ga_read_stop_reason(ga_jt *t, json_object *c, int32_t *kind, int64_t *token, const char **str)
{
    json_object *v;
    *kind = GENAPI_STOP_REASON_NONE;
    if (t->st != GENAPI_OK || (v = ga_json_member(c, "stop_reason")) == NULL)
        return;
    if (json_object_is_type(v, json_type_int)) {
        if (ga_jt_int_value(t, v, "stop_reason", token))
            *kind = GENAPI_STOP_REASON_TOKEN;
    } else if (json_object_is_type(v, json_type_string)) {
        *str = ga_jt_text(t, v, "stop_reason", NULL);
        if (*str != NULL)
            *kind = GENAPI_STOP_REASON_STRING;
    } else {
        ga_jt_type_fail(t, "stop_reason", v, "null, a token id or a string");
    }
}

/* A token text: a string, or "" when null. */
static const char *token_text(ga_jt *t, json_object *v, const char *name)
{
    const char *s = ga_jt_text(t, v, name, NULL);
    return s != NULL ? s : "";
}

/* A logprob: a number, or absent when null. */
static int logprob_value(ga_jt *t, json_object *v, const char *name, double *out)
{
    if (v == NULL || t->st != GENAPI_OK)
        return 0;
    if (!ga_json_number(v, out)) {
        ga_jt_type_fail(t, name, v, "a number or null");
        return 0;
    }
    return 1;
}

/* {"token", "logprob", "bytes", "top_logprobs": [...]} entries. */
static int read_chat(ga_jt *t, json_object *content, genapi_logprobs *out)
{
    size_t n = json_object_array_length(content);
    genapi_token_logprob *items = ga_arena_alloc(t->ar, (n ? n : 1) * sizeof *items);
    if (items == NULL)
        return ga_jt_nomem(t), 0;
    for (size_t i = 0; i < n && t->st == GENAPI_OK; i++) {
        json_object *e = json_object_array_get_idx(content, i), *v;
        size_t at = ga_jt_push(t, ".content[%zu]", i);
        if (!json_object_is_type(e, json_type_object)) {
            ga_jt_type_fail(t, NULL, e, "an object");
            break;
        }
        genapi_token_logprob *tl = &items[i];
        tl->text_offset = -1;
        tl->token = token_text(t, ga_json_member(e, "token"), "token");
        tl->has_logprob = logprob_value(t, ga_json_member(e, "logprob"), "logprob",
                                        &tl->logprob);
        if ((v = ga_jt_get(t, e, "bytes", json_type_array)) != NULL) {
            size_t nb = json_object_array_length(v);
            uint8_t *bytes = ga_arena_alloc(t->ar, nb ? nb : 1);
            if (bytes == NULL)
                return ga_jt_nomem(t), 0;
            for (size_t k = 0; k < nb; k++) {
                int64_t b = -1;
                char name[32];
                snprintf(name, sizeof name, "bytes[%zu]", k);
                if (!ga_jt_int_value(t, json_object_array_get_idx(v, k), name, &b) || b < 0 || b > 255) {
                    ga_jt_type_fail(t, name, json_object_array_get_idx(v, k), "a byte value (0..255)");
                    return 0;
                }
                bytes[k] = (uint8_t)b;
            }
            tl->bytes = bytes;
            tl->n_bytes = nb;
        }
        if ((v = ga_jt_get(t, e, "top_logprobs", json_type_array)) != NULL) {
            size_t nt = json_object_array_length(v);
            genapi_top_logprob *top = ga_arena_alloc(t->ar, (nt ? nt : 1) * sizeof *top);
            if (top == NULL)
                return ga_jt_nomem(t), 0;
            for (size_t k = 0; k < nt && t->st == GENAPI_OK; k++) {
                json_object *x = json_object_array_get_idx(v, k);
                size_t at2 = ga_jt_push(t, ".top_logprobs[%zu]", k);
                if (!json_object_is_type(x, json_type_object))
                    ga_jt_type_fail(t, NULL, x, "an object");
                top[k].token = token_text(t, ga_json_member(x, "token"), "token");
                logprob_value(t, ga_json_member(x, "logprob"), "logprob", &top[k].logprob);
                ga_jt_pop(t, at2);
            }
            tl->top = top;
            tl->top_count = nt;
            tl->has_top = 1;
        }
        ga_jt_pop(t, at);
    }
    out->items = items;
    out->count = n;
    return t->st == GENAPI_OK;
}

/* Parallel arrays tokens / token_logprobs / top_logprobs / text_offset. */
static int read_completion(ga_jt *t, json_object *lp, genapi_logprobs *out)
{
    json_object *toks = ga_jt_get(t, lp, "tokens", json_type_array);
    json_object *vals = ga_jt_get(t, lp, "token_logprobs", json_type_array);
    json_object *tops = ga_jt_get(t, lp, "top_logprobs", json_type_array);
    json_object *offs = ga_jt_get(t, lp, "text_offset", json_type_array);
    size_t n = toks ? json_object_array_length(toks) : 0;
    genapi_token_logprob *items = ga_arena_alloc(t->ar, (n ? n : 1) * sizeof *items);
    if (items == NULL)
        return ga_jt_nomem(t), 0;
    char name[48];
    for (size_t i = 0; i < n && t->st == GENAPI_OK; i++) {
        genapi_token_logprob *tl = &items[i];
        snprintf(name, sizeof name, "tokens[%zu]", i);
        tl->token = token_text(t, json_object_array_get_idx(toks, i), name);
        tl->text_offset = -1;
        if (vals && i < json_object_array_length(vals)) {
            snprintf(name, sizeof name, "token_logprobs[%zu]", i);
            tl->has_logprob = logprob_value(t, json_object_array_get_idx(vals, i), name, &tl->logprob);
        }
        if (offs && i < json_object_array_length(offs)) {
            snprintf(name, sizeof name, "text_offset[%zu]", i);
            ga_jt_int_value(t, json_object_array_get_idx(offs, i), name, &tl->text_offset);
        }
        json_object *d = tops && i < json_object_array_length(tops) ? json_object_array_get_idx(tops, i) : NULL;
        if (d != NULL && !json_object_is_type(d, json_type_object)) {
            snprintf(name, sizeof name, "top_logprobs[%zu]", i);
            ga_jt_type_fail(t, name, d, "an object or null");
        } else if (d != NULL) {
            size_t nt = (size_t)json_object_object_length(d), k = 0;
            genapi_top_logprob *top = ga_arena_alloc(t->ar, (nt ? nt : 1) * sizeof *top);
            if (top == NULL)
                return ga_jt_nomem(t), 0;
            json_object_object_foreach(d, key, val)
            {
                top[k].token = ga_utf8_dup(t->ar, key, strlen(key), NULL);
                if (top[k].token == NULL)
                    return ga_jt_nomem(t), 0;
                snprintf(name, sizeof name, "top_logprobs[%zu]", i);
                if (!ga_json_number(val, &top[k].logprob))
                    ga_jt_type_fail(t, name, val, "an object of numbers");
                k++;
            }
            tl->top = top;
            tl->top_count = nt;
            tl->has_top = 1;
        }
    }
    out->items = items;
    out->count = n;
    return t->st == GENAPI_OK;
}

const genapi_logprobs *ga_read_logprobs(ga_jt *t, json_object *choice)
{
    json_object *lp = ga_jt_get(t, choice, "logprobs", json_type_object);
    if (lp == NULL)
        return NULL;
    genapi_logprobs *out = ga_arena_alloc(t->ar, sizeof *out);
    if (out == NULL)
        return ga_jt_nomem(t), NULL;
    size_t at = ga_jt_push(t, ga_jt_at_root(t) ? "logprobs" : ".logprobs");
    json_object *content = ga_jt_get(t, lp, "content", json_type_array);
    int ok = content != NULL ? read_chat(t, content, out) : read_completion(t, lp, out);
    ga_jt_pop(t, at);
    return ok ? out : NULL;
}

int64_t ga_read_array_len(ga_jt *t, json_object *o, const char *key)
{
    json_object *v = ga_jt_get(t, o, key, json_type_array);
    return v != NULL ? (int64_t)json_object_array_length(v) : -1;
}

const int64_t *ga_read_i64_array(ga_jt *t, json_object *o, const char *key, size_t *count)
{
    *count = 0;
    json_object *v = ga_jt_get(t, o, key, json_type_array);
    if (v == NULL)
        return NULL;
    size_t n = json_object_array_length(v);
    int64_t *ids = ga_arena_alloc(t->ar, (n ? n : 1) * sizeof *ids);
    if (ids == NULL)
        return ga_jt_nomem(t), NULL;
    char name[64];
    for (size_t i = 0; i < n && t->st == GENAPI_OK; i++) {
        json_object *e = json_object_array_get_idx(v, i);
        snprintf(name, sizeof name, "%s[%zu]", key, i);
        if (e == NULL)
            ga_jt_type_fail(t, name, e, "an integer");
        else
            ga_jt_int_value(t, e, name, &ids[i]);
    }
    *count = n;
    return t->st == GENAPI_OK ? ids : NULL;
}
