#include "client/json_write.h"

#include <string.h>

#include "util/json_typed.h"
#include "util/err.h"

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
