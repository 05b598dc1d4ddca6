#include "client/json_read.h"

#include <string.h>

#include "params/param_internal.h"
#include "util/err.h"

const char *jr_str(ga_arena *ar, json_object *o, const char *key, int *oom)
{
    json_object *v;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    char *s = ga_arena_strndup(ar, json_object_get_string(v), (size_t)json_object_get_string_len(v));
    if (s == NULL)
        *oom = 1;
    return s;
}

int64_t jr_i64(json_object *o, const char *key)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) &&
        (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
        return json_object_get_int64(v);
    return 0;
}

int64_t jr_array_len(json_object *o, const char *key)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_array))
        return (int64_t)json_object_array_length(v);
    return -1;
}

const int64_t *jr_i64_array(ga_arena *ar, json_object *o, const char *key, size_t *count, int *oom)
{
    json_object *v;
    *count = 0;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
        return NULL;
    size_t n = json_object_array_length(v);
    int64_t *ids = ga_arena_alloc(ar, (n ? n : 1) * sizeof *ids);
    if (ids == NULL) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = json_object_get_int64(json_object_array_get_idx(v, i));
    *count = n;
    return ids;
}

void jr_usage(json_object *root, genapi_usage *u)
{
    json_object *v;
    memset(u, 0, sizeof *u);
    if (json_object_object_get_ex(root, "usage", &v) && json_object_is_type(v, json_type_object)) {
        u->present = 1;
        u->prompt_tokens = jr_i64(v, "prompt_tokens");
        u->completion_tokens = jr_i64(v, "completion_tokens");
        u->total_tokens = jr_i64(v, "total_tokens");
    }
}

void jr_stop_reason(ga_arena *ar, json_object *c, int32_t *kind, int64_t *token, const char **str, int *oom)
{
    json_object *v;
    *kind = GENAPI_STOP_REASON_NONE;
    if (!json_object_object_get_ex(c, "stop_reason", &v) || v == NULL)
        return;
    if (json_object_is_type(v, json_type_int)) {
        *kind = GENAPI_STOP_REASON_TOKEN;
        *token = json_object_get_int64(v);
    } else if (json_object_is_type(v, json_type_string)) {
        *kind = GENAPI_STOP_REASON_STRING;
        *str = jr_str(ar, c, "stop_reason", oom);
    }
}

static int read_number(json_object *v, double *out)
{
    if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) {
        *out = json_object_get_double(v);
        return 1;
    }
    return 0;
}

/* {"token", "logprob", "bytes", "top_logprobs": [...]} entries. */
static int read_chat(ga_arena *ar, json_object *content, genapi_logprobs *out, int *oom)
{
    size_t n = json_object_array_length(content);
    genapi_token_logprob *items = ga_arena_alloc(ar, (n ? n : 1) * sizeof *items);
    if (items == NULL)
        return *oom = 1, 0;
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(content, i), *v;
        genapi_token_logprob *t = &items[i];
        t->text_offset = -1;
        t->token = jr_str(ar, e, "token", oom);
        if (t->token == NULL)
            t->token = "";
        t->has_logprob = json_object_object_get_ex(e, "logprob", &v) && read_number(v, &t->logprob);
        if (json_object_object_get_ex(e, "bytes", &v) && json_object_is_type(v, json_type_array)) {
            size_t nb = json_object_array_length(v);
            uint8_t *bytes = ga_arena_alloc(ar, nb ? nb : 1);
            if (bytes == NULL)
                return *oom = 1, 0;
            for (size_t k = 0; k < nb; k++)
                bytes[k] = (uint8_t)json_object_get_int(json_object_array_get_idx(v, k));
            t->bytes = bytes;
            t->n_bytes = nb;
        }
        if (json_object_object_get_ex(e, "top_logprobs", &v) && json_object_is_type(v, json_type_array)) {
            size_t nt = json_object_array_length(v);
            genapi_top_logprob *top = ga_arena_alloc(ar, (nt ? nt : 1) * sizeof *top);
            if (top == NULL)
                return *oom = 1, 0;
            for (size_t k = 0; k < nt; k++) {
                json_object *x = json_object_array_get_idx(v, k), *lv;
                top[k].token = jr_str(ar, x, "token", oom);
                if (top[k].token == NULL)
                    top[k].token = "";
                if (json_object_object_get_ex(x, "logprob", &lv))
                    read_number(lv, &top[k].logprob);
            }
            t->top = top;
            t->top_count = nt;
            t->has_top = 1;
        }
    }
    out->items = items;
    out->count = n;
    return 1;
}

/* Parallel arrays tokens / token_logprobs / top_logprobs / text_offset. */
static int read_completion(ga_arena *ar, json_object *lp, genapi_logprobs *out, int *oom)
{
    json_object *toks = NULL, *vals = NULL, *tops = NULL, *offs = NULL;
    json_object_object_get_ex(lp, "tokens", &toks);
    json_object_object_get_ex(lp, "token_logprobs", &vals);
    json_object_object_get_ex(lp, "top_logprobs", &tops);
    json_object_object_get_ex(lp, "text_offset", &offs);
    size_t n = json_object_is_type(toks, json_type_array) ? json_object_array_length(toks) : 0;
    genapi_token_logprob *items = ga_arena_alloc(ar, (n ? n : 1) * sizeof *items);
    if (items == NULL)
        return *oom = 1, 0;
    for (size_t i = 0; i < n; i++) {
        genapi_token_logprob *t = &items[i];
        json_object *tok = json_object_array_get_idx(toks, i);
        t->token = json_object_is_type(tok, json_type_string)
                       ? ga_arena_strndup(ar, json_object_get_string(tok), (size_t)json_object_get_string_len(tok))
                       : "";
        if (t->token == NULL)
            return *oom = 1, 0;
        t->text_offset = -1;
        if (json_object_is_type(vals, json_type_array) && i < json_object_array_length(vals))
            t->has_logprob = read_number(json_object_array_get_idx(vals, i), &t->logprob);
        if (json_object_is_type(offs, json_type_array) && i < json_object_array_length(offs))
            t->text_offset = json_object_get_int64(json_object_array_get_idx(offs, i));
        json_object *d = json_object_is_type(tops, json_type_array) && i < json_object_array_length(tops)
                             ? json_object_array_get_idx(tops, i)
                             : NULL;
        if (json_object_is_type(d, json_type_object)) {
            size_t nt = (size_t)json_object_object_length(d), k = 0;
            genapi_top_logprob *top = ga_arena_alloc(ar, (nt ? nt : 1) * sizeof *top);
            if (top == NULL)
                return *oom = 1, 0;
            json_object_object_foreach(d, key, val)
            {
                top[k].token = ga_arena_strdup(ar, key);
                if (top[k].token == NULL)
                    return *oom = 1, 0;
                read_number(val, &top[k].logprob);
                k++;
            }
            t->top = top;
            t->top_count = nt;
            t->has_top = 1;
        }
    }
    out->items = items;
    out->count = n;
    return 1;
}

const genapi_logprobs *jr_logprobs(ga_arena *ar, json_object *choice, int *oom)
{
    json_object *lp, *content;
    if (!json_object_object_get_ex(choice, "logprobs", &lp) || !json_object_is_type(lp, json_type_object))
        return NULL;
    genapi_logprobs *out = ga_arena_alloc(ar, sizeof *out);
    if (out == NULL)
        return *oom = 1, NULL;
    int ok = json_object_object_get_ex(lp, "content", &content) && json_object_is_type(content, json_type_array)
                 ? read_chat(ar, content, out, oom)
                 : read_completion(ar, lp, out, oom);
    return ok ? out : NULL;
}

json_object *jw_logprobs(const genapi_logprobs *lp, int chat_format)
{
    if (lp == NULL)
        return NULL;
    if (chat_format) {
        json_object *content = json_object_new_array();
        for (size_t i = 0; i < lp->count; i++) {
            const genapi_token_logprob *t = &lp->items[i];
            json_object *e = json_object_new_object(), *tops = json_object_new_array();
            json_object_object_add(e, "token", json_object_new_string(t->token));
            json_object_object_add(e, "logprob", t->has_logprob ? json_object_new_double(t->logprob) : NULL);
            if (t->bytes) {
                json_object *b = json_object_new_array();
                for (size_t k = 0; k < t->n_bytes; k++)
                    json_object_array_add(b, json_object_new_int(t->bytes[k]));
                json_object_object_add(e, "bytes", b);
            } else {
                json_object_object_add(e, "bytes", NULL);
            }
            for (size_t k = 0; k < t->top_count; k++) {
                json_object *x = json_object_new_object();
                json_object_object_add(x, "token", json_object_new_string(t->top[k].token));
                json_object_object_add(x, "logprob", json_object_new_double(t->top[k].logprob));
                json_object_array_add(tops, x);
            }
            json_object_object_add(e, "top_logprobs", tops);
            json_object_array_add(content, e);
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "content", content);
        return o;
    }
    json_object *offs = json_object_new_array(), *vals = json_object_new_array(), *toks = json_object_new_array(),
                *tops = json_object_new_array();
    for (size_t i = 0; i < lp->count; i++) {
        const genapi_token_logprob *t = &lp->items[i];
        json_object_array_add(toks, json_object_new_string(t->token));
        json_object_array_add(vals, t->has_logprob ? json_object_new_double(t->logprob) : NULL);
        json_object_array_add(offs, json_object_new_int64(t->text_offset));
        if (!t->has_top) {
            json_object_array_add(tops, NULL);
            continue;
        }
        json_object *d = json_object_new_object();
        for (size_t k = 0; k < t->top_count; k++)
            json_object_object_add(d, t->top[k].token, json_object_new_double(t->top[k].logprob));
        json_object_array_add(tops, d);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "text_offset", offs);
    json_object_object_add(o, "token_logprobs", vals);
    json_object_object_add(o, "tokens", toks);
    json_object_object_add(o, "top_logprobs", tops);
    return o;
}

void jr_holder_free(void *holder, size_t arena_offset)
{
    if (holder == NULL)
        return;
    ga_arena *ar = (ga_arena *)(void *)((char *)holder + arena_offset);
    ga_alloc a = ar->alloc;
    ga_arena_free(ar);
    ga_free(&a, holder);
}

genapi_status jw_merge_extra(json_object *body, const char *extra_json, genapi_error *err)
{
    if (extra_json == NULL)
        return GENAPI_OK;
    json_object *extra = ga_json_parse(extra_json, strlen(extra_json));
    genapi_status st = GENAPI_OK;
    if (extra == NULL || !json_object_is_type(extra, json_type_object)) {
        st = ga_err(err, GENAPI_E_INVALID_ARG, "extra_json", "extra_json must be a JSON object");
    } else {
        json_object_object_foreach(extra, k, v) json_object_object_add(body, k, json_object_get(v));
    }
    json_object_put(extra);
    return st;
}

char *jw_text(const ga_alloc *alloc, json_object *o)
{
    size_t len;
    const char *txt = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    return txt ? ga_strndup(alloc, txt, len) : NULL;
}
