/* POST /v1/chat/completions on the reference text engine. */
#include <string.h>
#include <time.h>

#include "params/param_internal.h"
#include "engine/text/select.h"
#include "server/stream.h"
#include "server/text_common.h"
#include "util/buf.h"
#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

/* Content may be a string, null, or an array of parts of which text parts are joined by "\n". */
static genapi_status message_content(ga_arena *ar, json_object *c, size_t i, const char **out, genapi_error *err)
{
    if (c == NULL) {
        *out = "";
        return GENAPI_OK;
    }
    if (json_object_is_type(c, json_type_string)) {
        if (memchr(json_object_get_string(c), '\0', (size_t)json_object_get_string_len(c)) != NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu].content must not contain NUL characters.", i);
        *out = ga_arena_strndup(ar, json_object_get_string(c), (size_t)json_object_get_string_len(c));
        return *out ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    if (!json_object_is_type(c, json_type_array))
        return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu].content must be a string, an array of "
                      "content parts, or null.", i);
    ga_buf buf;
    ga_buf_init(&buf, &ar->alloc);
    for (size_t k = 0; k < json_object_array_length(c); k++) {
        json_object *part = json_object_array_get_idx(c, k), *text = NULL, *type = NULL;
        const char *s = NULL;
        if (json_object_is_type(part, json_type_string))
            s = json_object_get_string(part);
        else if (json_object_is_type(part, json_type_object) && json_object_object_get_ex(part, "type", &type) &&
                 strcmp(json_object_get_string(type), "text") == 0 && json_object_object_get_ex(part, "text", &text) &&
                 json_object_is_type(text, json_type_string))
            s = json_object_get_string(text);
        else {
            ga_buf_free(&buf);
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages",
                          "messages[%zu].content[%zu]: only text content parts are supported by this model.", i, k);
        }
        if (buf.len)
            ga_buf_puts(&buf, "\n");
        ga_buf_puts(&buf, s);
    }
    char *joined = ga_arena_strndup(ar, buf.data ? buf.data : "", buf.len);
    ga_buf_free(&buf);
    *out = joined;
    return joined ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
}

genapi_status gs_parse_chat_messages(ga_arena *ar, json_object *root, gx_message **msgs, size_t *n, genapi_error *err)
{
    json_object *m;
    if (!json_object_object_get_ex(root, "messages", &m) || !json_object_is_type(m, json_type_array))
        return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages is required and must be an array.");
    *n = json_object_array_length(m);
    if (*n == 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages must contain at least one message.");
    *msgs = ga_arena_alloc(ar, *n * sizeof **msgs);
    if (*msgs == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < *n; i++) {
        json_object *msg = json_object_array_get_idx(m, i), *role, *content = NULL;
        if (!json_object_is_type(msg, json_type_object) || !json_object_object_get_ex(msg, "role", &role) ||
            !json_object_is_type(role, json_type_string))
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu] must be an object with a string role.", i);
        (*msgs)[i].role = ga_arena_strdup(ar, json_object_get_string(role));
        json_object_object_get_ex(msg, "content", &content);
        genapi_status st = message_content(ar, content, i, &(*msgs)[i].content, err);
        if (st != GENAPI_OK)
            return st;
    }
    return GENAPI_OK;
}

/* Chat sends logprobs as a boolean plus top_logprobs, and max_completion_tokens beside
 * max_tokens; fold them into the table's names before the generic parse. */
static genapi_status normalise_chat_fields(json_object *root, genapi_error *err)
{
    json_object *lp, *top, *mct;
    int has_top = json_object_object_get_ex(root, "top_logprobs", &top) && top != NULL;
    if (json_object_object_get_ex(root, "logprobs", &lp) && lp != NULL) {
        if (!json_object_is_type(lp, json_type_boolean))
            return ga_err(err, GENAPI_E_INVALID_ARG, "logprobs", "logprobs must be a boolean in chat completions.");
        if (json_object_get_boolean(lp))
            json_object_object_add(root, "logprobs", has_top ? json_object_get(top) : json_object_new_int(0));
        else if (has_top && json_object_get_int64(top) != 0)
            return ga_err(err, GENAPI_E_INVALID_ARG, "top_logprobs",
                          "when using `top_logprobs`, `logprobs` must be set to true.");
        else
            json_object_object_del(root, "logprobs");
    } else if (has_top && json_object_get_int64(top) != 0) {
        return ga_err(err, GENAPI_E_INVALID_ARG, "top_logprobs", "when using `top_logprobs`, `logprobs` must be set to true.");
    }
    if (json_object_object_get_ex(root, "max_completion_tokens", &mct) && mct != NULL)
        json_object_object_add(root, "max_tokens", json_object_get(mct));
    return GENAPI_OK;
}

static json_object *choice_json(const gx_text_engine *e, const gx_choice *c, size_t index, int64_t top,
                                ga_arena *ar)
{
    json_object *msg = json_object_new_object();
    json_object_object_add(msg, "role", json_object_new_string("assistant"));
    json_object_object_add(msg, "content", json_object_new_string_len(c->text, (int)c->text_len));
    json_object_object_add(msg, "refusal", NULL);
    json_object_object_add(msg, "annotations", NULL);
    json_object_object_add(msg, "audio", NULL);
    json_object_object_add(msg, "function_call", NULL);
    json_object_object_add(msg, "tool_calls", json_object_new_array());
    json_object_object_add(msg, "reasoning_content", NULL);
    json_object *ch = json_object_new_object();
    json_object_object_add(ch, "index", json_object_new_int64((int64_t)index));
    json_object_object_add(ch, "message", msg);
    json_object_object_add(ch, "logprobs",
                           c->logprobs ? gs_chat_logprobs(e, c->logprobs, c->n_tokens, (size_t)top, ar) : NULL);
    json_object_object_add(ch, "finish_reason", json_object_new_string(c->finish_reason));
    json_object_object_add(ch, "stop_reason",
                           c->stop_kind == 1   ? json_object_new_int64(c->stop_token)
                           : c->stop_kind == 2 ? json_object_new_string(c->stop_string)
                                               : NULL);
    json_object_object_add(ch, "token_ids", NULL);
    return ch;
}

static genapi_status run_chat(genapi_backend *b, json_object *root, genapi_text_params *p, ga_arena *ar,
                              genapi_http_response *r, genapi_error *err)
{
    genapi_status st = normalise_chat_fields(root, err);
    if (st != GENAPI_OK)
        return gs_respond_genapi_error(b, r, err);
    const char *model;
    if (!gs_text_params(b, root, p, r, &model))
        return GENAPI_OK;
    json_object *jv;
    int stream = json_object_object_get_ex(root, "stream", &jv) && json_object_get_boolean(jv), include_usage;
    if (!gs_stream_options(b, root, stream, &include_usage, r))
        return GENAPI_OK;
    if (stream && IS(p, prompt_logprobs) && p->prompt_logprobs != 0)
        return gs_respond_error(b, r, 400, "BadRequestError", "prompt_logprobs",
                                "`prompt_logprobs` are not available when `stream=True`.");
    gx_message *msgs = NULL;
    size_t n_msgs = 0;
    if ((st = gs_parse_chat_messages(ar, root, &msgs, &n_msgs, err)) != GENAPI_OK)
        return gs_respond_genapi_error(b, r, err);
    /* Chat default of the Aphrodite v0.10 server. */
    if (!IS(p, temperature))
        GENAPI_TEXT_SET(p, temperature, 0.7);

    int32_t *prompt = NULL;
    size_t n_prompt = 0, cap = 0;
    gx_text_engine *e = b->text;
    size_t vocab = gx_tokenizer_vocab_size(e->tok);
    uint8_t *topic = ga_arena_alloc(ar, vocab);
    if (topic == NULL || gx_apply_chat_template(e, msgs, n_msgs, 1, &prompt, &n_prompt, &cap) != 0) {
        ga_free(&b->alloc, prompt);
        return gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory");
    }
    for (size_t i = 0; i < n_msgs; i++)
        if (strcmp(msgs[i].role, "user") == 0)
            gx_mark_topic(e, msgs[i].content, topic);
    const int32_t *kept = prompt;
    n_prompt = gx_truncate_prompt(e, p, &kept, n_prompt);
    st = gx_check_request(e, p, n_prompt, err);
    gx_logprob *plp = NULL;
    if (st == GENAPI_OK && IS(p, prompt_logprobs))
        st = gx_prompt_logprobs(e, kept, n_prompt, p->prompt_logprobs < 0 ? 20 : (size_t)p->prompt_logprobs, ar,
                                &plp, err);
    if (st != GENAPI_OK) {
        ga_free(&b->alloc, prompt);
        return gs_respond_genapi_error(b, r, err);
    }
    int64_t top = IS(p, logprobs) ? p->logprobs : -1;
    gd_constraint *guided = NULL;
    if ((st = gx_guided_compile(e, p, &guided, err)) != GENAPI_OK) {
        ga_free(&b->alloc, prompt);
        return gs_respond_genapi_error(b, r, err);
    }
    gx_gen_request gr = {kept, n_prompt, p, 0, topic, gs_resolve_seed(p), top, 0, gs_adapter(b, p, model, ar), guided};
    gx_choice *cs = NULL;
    size_t n_choices = 0;
    int64_t completion_tokens = 0;
    st = gx_generate_choices(e, &gr, ar, &cs, &n_choices, &completion_tokens, err);
    gd_free(guided);
    ga_free(&b->alloc, prompt);
    if (st != GENAPI_OK)
        return gs_respond_genapi_error(b, r, err);
    json_object *choices = json_object_new_array();
    for (size_t i = 0; i < n_choices; i++)
        json_object_array_add(choices, choice_json(e, &cs[i], i, top, ar));
    char id[64];
    gs_random_id(id, sizeof id, "chatcmpl-");
    int whole = (IS(p, use_beam_search) && p->use_beam_search) || (IS(p, best_of) && p->best_of > (IS(p, n) ? p->n : 1));
    if (stream && !whole) {
        json_object_put(choices);
        gs_stream_info info = {id, (int64_t)time(NULL), model, top,
                               IS(p, output_kind) ? (int)p->output_kind : GS_OUTPUT_DELTA, include_usage,
                               (int64_t)n_prompt, completion_tokens, NULL, NULL};
        return gs_stream_chat(b, r, &info, cs, n_choices, ar);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "object", json_object_new_string("chat.completion"));
    json_object_object_add(o, "created", json_object_new_int64((int64_t)time(NULL)));
    json_object_object_add(o, "model", json_object_new_string(model));
    json_object_object_add(o, "choices", choices);
    json_object_object_add(o, "service_tier", NULL);
    json_object_object_add(o, "system_fingerprint", NULL);
    json_object_object_add(o, "usage", gs_usage((int64_t)n_prompt, completion_tokens));
    json_object_object_add(o, "prompt_logprobs", plp ? gs_prompt_logprobs(e, plp, n_prompt, ar) : NULL);
    json_object_object_add(o, "prompt_token_ids", NULL);
    json_object_object_add(o, "kv_transfer_params", NULL);
    return stream ? gs_respond_fake_stream(b, r, o) : gs_respond_json(b, r, 200, o);
}

genapi_status gs_handle_chat(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job)
{
    *job = NULL;
    return gs_run_text_route(b, req, r, run_chat);
}
