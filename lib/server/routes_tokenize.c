/* POST /v1/tokenize: a prompt, or chat messages through the chat template. As on the servers the
 * count is not held to the context length; the text is held to GS_LIMIT_TEXT_BYTES. */
#include <string.h>

#include "server/limits.h"
#include "server/text_common.h"

genapi_status gs_handle_tokenize(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r)
{
    json_object *root = gs_parse_body(b, req, r);
    if (root == NULL)
        return r->body ? GENAPI_OK : GENAPI_E_NOMEM;
    ga_arena ar;
    ga_arena_init(&ar, &b->alloc);
    json_object *v, *prompt = NULL, *messages = NULL;
    genapi_status st = GENAPI_OK;
    gx_text_engine *e = b->text;
    int32_t *ids = NULL;
    size_t n = 0, cap = 0;
    const char *model = NULL;
    if (json_object_object_get_ex(root, "model", &v) && v != NULL) {
        model = json_object_get_string(v);
        if (!json_object_is_type(v, json_type_string)) {
            st = gs_respond_error(b, r, 400, "Bad Request", "model", "model must be a string.");
            goto out;
        }
        if (gs_find_model(model) == NULL) {
            st = gs_respond_error(b, r, 404, "NotFoundError", "model", "The model `%s` does not exist.", model);
            goto out;
        }
    }
    if (json_object_object_get_ex(root, "multi_models", &v) && json_object_is_type(v, json_type_array))
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *mj = json_object_array_get_idx(v, i);
            const char *m = json_object_is_type(mj, json_type_string) ? json_object_get_string(mj) : NULL;
            if (m == NULL || gs_find_model(m) == NULL) {
                st = gs_respond_error(b, r, 404, "NotFoundError", "multi_models", "The model `%s` does not exist.",
                                      m ? m : "");
                goto out;
            }
        }
    json_object_object_get_ex(root, "prompt", &prompt);
    json_object_object_get_ex(root, "messages", &messages);
    if (messages != NULL) {
        gx_message *msgs = NULL;
        size_t n_msgs = 0;
        genapi_error err;
        genapi_error_clear(&err);
        if (gs_parse_chat_messages(&ar, root, &msgs, &n_msgs, NULL, NULL, b, &err) != GENAPI_OK) {
            st = gs_respond_genapi_error(b, r, &err);
            goto out;
        }
        int add_gen = 1;
        if (!gs_bool_member(b, root, "add_generation_prompt", 1, &add_gen, r)) {
            st = r->body ? GENAPI_OK : GENAPI_E_NOMEM;
            goto out;
        }
        if (gx_apply_chat_template(e, msgs, n_msgs, add_gen, &ids, &n, &cap) != 0) {
            st = gs_respond_nomem(b, r);
            goto out;
        }
    } else if (prompt != NULL && json_object_is_type(prompt, json_type_string)) {
        if (!gs_check_text_bytes(b, (size_t)json_object_get_string_len(prompt), "prompt", r)) {
            st = r->body ? GENAPI_OK : GENAPI_E_NOMEM;
            goto out;
        }
        if (gx_tokenize(e->tok, json_object_get_string(prompt), (size_t)json_object_get_string_len(prompt), &ids, &n,
                        &cap) != 0) {
            st = gs_respond_nomem(b, r);
            goto out;
        }
    } else {
        st = gs_respond_error(b, r, 400, "Bad Request", "prompt", "Either prompt (a string) or messages is required.");
        goto out;
    }
    int want_strs = 0;
    if (!gs_bool_member(b, root, "return_token_strs", 0, &want_strs, r)) {
        st = r->body ? GENAPI_OK : GENAPI_E_NOMEM;
        goto out;
    }
    json_object *tokens = json_object_new_array(), *strs = want_strs ? json_object_new_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        json_object_array_add(tokens, json_object_new_int(ids[i]));
        if (strs) {
            const char *t = gx_token_text(e, ids[i], &ar);
            json_object_array_add(strs, json_object_new_string(t ? t : ""));
        }
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "count", json_object_new_int64((int64_t)n));
    json_object_object_add(o, "max_model_len", json_object_new_int64((int64_t)e->max_model_len));
    json_object_object_add(o, "tokens", tokens);
    json_object_object_add(o, "token_strs", strs);
    if (ar.failed) { /* a token's text could not be made */
        json_object_put(o);
        st = gs_respond_nomem(b, r);
        goto out;
    }
    st = gs_respond_json(b, r, 200, o);
out:
    ga_free(&b->alloc, ids);
    ga_arena_free(&ar);
    json_object_put(root);
    return st;
}
