/* POST /v1/chat/completions on the reference text engine. */
#include <string.h>
#include <time.h>

#include "params/param_internal.h"
#include "server/chat_tools.h"
#include "server/limits.h"
#include "server/stream.h"
#include "server/text_common.h"
#include "util/buf.h"
#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

/* The error of messages over GS_LIMIT_TEXT_BYTES. */
static genapi_status too_much_text(genapi_error *err, size_t bytes)
{
    return ga_err(err, GENAPI_E_INVALID_ARG, "messages",
                  "The reference backend tokenizes at most %ld bytes of text per request; messages has %zu or more.",
                  GS_LIMIT_TEXT_BYTES, bytes);
}

/* Text of a content part, or NULL when it is not a text part. */
static const char *part_text(json_object *part, size_t *len)
{
    json_object *text = NULL, *type = NULL;
    if (json_object_is_type(part, json_type_string)) {
        *len = (size_t)json_object_get_string_len(part);
        return json_object_get_string(part);
    }
    if (json_object_is_type(part, json_type_object) && json_object_object_get_ex(part, "type", &type) &&
        strcmp(json_object_get_string(type), "text") == 0 && json_object_object_get_ex(part, "text", &text) &&
        json_object_is_type(text, json_type_string)) {
        *len = (size_t)json_object_get_string_len(text);
        return json_object_get_string(text);
    }
    return NULL;
}

/* Content may be a string, null, or an array of parts of which text parts are joined by "\n".
 * *total counts the bytes of text so far; it may not pass GS_LIMIT_TEXT_BYTES. */
static genapi_status message_content(ga_arena *ar, json_object *c, size_t i, const char **out, size_t *total,
                                     genapi_error *err)
{
    if (c == NULL) {
        *out = "";
        return GENAPI_OK;
    }
    if (json_object_is_type(c, json_type_string)) {
        size_t len = (size_t)json_object_get_string_len(c);
        if (memchr(json_object_get_string(c), '\0', len) != NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu].content must not contain NUL characters.", i);
        if ((*total += len) > (size_t)GS_LIMIT_TEXT_BYTES)
            return too_much_text(err, *total);
        *out = ga_utf8_dup(ar, json_object_get_string(c), len, NULL);
        return *out ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    if (!json_object_is_type(c, json_type_array))
        return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu].content must be a string, an array of "
                      "content parts, or null.", i);
    /* Sizes first: nothing is copied for text over the limit. */
    size_t n_parts = json_object_array_length(c);
    for (size_t k = 0; k < n_parts; k++) {
        size_t len = 0;
        if (part_text(json_object_array_get_idx(c, k), &len) == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages",
                          "messages[%zu].content[%zu]: only text content parts are supported by this model.", i, k);
        if ((*total += len + (k > 0)) > (size_t)GS_LIMIT_TEXT_BYTES)
            return too_much_text(err, *total);
    }
    ga_buf buf;
    ga_buf_init(&buf, &ar->alloc);
    for (size_t k = 0; k < n_parts; k++) {
        size_t len = 0;
        const char *s = part_text(json_object_array_get_idx(c, k), &len);
        if (buf.len)
            ga_buf_puts(&buf, "\n");
        ga_buf_puts(&buf, s);
    }
    char *joined = buf.failed ? NULL : ga_utf8_dup(ar, buf.data ? buf.data : "", buf.len, NULL);
    ga_buf_free(&buf);
    *out = joined;
    return joined ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
}

/* An assistant message's tool_calls, written after its content as the chat template shows them
 * to the model; *total counts them with the rest of the text. */
static genapi_status message_tool_calls(ga_arena *ar, json_object *msg, size_t i, const char **content, size_t *total,
                                        genapi_error *err)
{
    json_object *calls;
    if (!json_object_object_get_ex(msg, "tool_calls", &calls) || calls == NULL)
        return GENAPI_OK;
    ga_buf buf;
    ga_buf_init(&buf, &ar->alloc);
    size_t before = strlen(*content);
    ga_buf_append(&buf, *content, before);
    genapi_status st = gs_chat_message_tool_text(msg, i, &buf, err);
    if (st == GENAPI_OK && (*total += buf.len - before) > (size_t)GS_LIMIT_TEXT_BYTES)
        st = too_much_text(err, *total);
    if (st == GENAPI_OK) {
        *content = ga_arena_strndup(ar, buf.data ? buf.data : "", buf.len);
        if (*content == NULL || buf.failed)
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    ga_buf_free(&buf);
    return st;
}

genapi_status gs_parse_chat_messages(ga_arena *ar, json_object *root, gx_message **msgs, size_t *n, size_t *bytes,
                                     size_t *at_least, const genapi_backend *b, genapi_error *err)
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
    /* The template: <|im_start|> role "\n" content <|im_end|> "\n" per message (4 tokens besides
     * the role and the content), then <|im_start|> "assistant" "\n" (3). */
    size_t total = 0, tokens = 3;
    for (size_t i = 0; i < *n; i++) {
        json_object *msg = json_object_array_get_idx(m, i), *role, *content = NULL;
        if (!json_object_is_type(msg, json_type_object) || !json_object_object_get_ex(msg, "role", &role) ||
            !json_object_is_type(role, json_type_string))
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu] must be an object with a string role.", i);
        size_t role_len = (size_t)json_object_get_string_len(role), before = total;
        if ((total += role_len) > (size_t)GS_LIMIT_TEXT_BYTES)
            return too_much_text(err, total);
        (*msgs)[i].role = ga_utf8_dup(ar, json_object_get_string(role), role_len, NULL);
        if ((*msgs)[i].role == NULL)
            return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        json_object_object_get_ex(msg, "content", &content);
        genapi_status st = message_content(ar, content, i, &(*msgs)[i].content, &total, err);
        if (st == GENAPI_OK)
            st = message_tool_calls(ar, msg, i, &(*msgs)[i].content, &total, err);
        if (st != GENAPI_OK)
            return st;
        tokens += 4 + gs_min_tokens(b, role_len) + gs_min_tokens(b, total - before - role_len);
    }
    if (bytes)
        *bytes = total;
    if (at_least)
        *at_least = tokens;
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
                                const gs_tool_plan *tools, ga_arena *ar)
{
    json_object *msg = json_object_new_object();
    json_object_object_add(msg, "role", json_object_new_string("assistant"));
    /* A call's text is its arguments: content is "" for a named call (as vLLM answers it) and
     * null for a required or chosen one (the tool parser took all the text). */
    json_object_object_add(msg, "content", !tools->call  ? json_object_new_string_len(c->text, (int)c->text_len)
                                           : tools->named ? json_object_new_string("")
                                                          : NULL);
    json_object_object_add(msg, "refusal", NULL);
    json_object_object_add(msg, "annotations", NULL);
    json_object_object_add(msg, "audio", NULL);
    json_object_object_add(msg, "function_call", NULL);
    json_object_object_add(msg, "tool_calls", tools->call ? gs_tool_calls_json(tools, index, c->text, c->text_len)
                                                          : json_object_new_array());
    json_object_object_add(msg, "reasoning_content", NULL);
    json_object *ch = json_object_new_object();
    json_object_object_add(ch, "index", json_object_new_int64((int64_t)index));
    json_object_object_add(ch, "message", msg);
    json_object_object_add(ch, "logprobs",
                           c->logprobs ? gs_chat_logprobs(e, c->logprobs, c->n_tokens, (size_t)top, ar) : NULL);
    json_object_object_add(ch, "finish_reason", json_object_new_string(gs_tool_finish_reason(tools, c->finish_reason)));
    json_object_object_add(ch, "stop_reason",
                           c->stop_kind == 1   ? json_object_new_int64(c->stop_token)
                           : c->stop_kind == 2 ? json_object_new_string(c->stop_string)
                                               : NULL);
    json_object_object_add(ch, "token_ids", NULL);
    return ch;
}

/* What the chat answer needs beyond the job's parameters and generations. */
typedef struct chat_state {
    const char *model;
    int64_t top;          /* -1: no logprobs */
    size_t n_prompt;
    gx_logprob *plp;      /* prompt logprobs, or NULL */
    int stream;
    int64_t created;
    char id[64];
    gs_tool_plan tools;   /* whether the choices call a tool, and which */
} chat_state;

/* The whole answer: a chat.completion, or one event holding it for a stream that is not
 * incremental (best_of > n, beam search). */
static genapi_status chat_answer(gs_text_job *t, genapi_http_response *r)
{
    genapi_backend *b = t->job.b;
    const chat_state *cs = t->route;
    const gs_text_gen *g = &t->gens[0];
    gx_text_engine *e = b->text;
    ga_arena *ar = &t->req.ar;
    ar->failed = 0; /* the pieces below (token texts of logprobs) are checked once, at the end */
    json_object *choices = json_object_new_array();
    for (size_t i = 0; i < g->n_choices; i++)
        json_object_array_add(choices, choice_json(e, &g->choices[i], i, cs->top, &cs->tools, ar));
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(cs->id));
    json_object_object_add(o, "object", json_object_new_string("chat.completion"));
    json_object_object_add(o, "created", json_object_new_int64(cs->created));
    json_object_object_add(o, "model", json_object_new_string(cs->model));
    json_object_object_add(o, "choices", choices);
    json_object_object_add(o, "service_tier", NULL);
    json_object_object_add(o, "system_fingerprint", NULL);
    json_object_object_add(o, "usage", gs_usage((int64_t)cs->n_prompt, g->completion_tokens));
    json_object_object_add(o, "prompt_logprobs", cs->plp ? gs_prompt_logprobs(e, cs->plp, cs->n_prompt, ar) : NULL);
    json_object_object_add(o, "prompt_token_ids", NULL);
    json_object_object_add(o, "kv_transfer_params", NULL);
    if (ar->failed) {
        json_object_put(o);
        return gs_respond_nomem(b, r);
    }
    return cs->stream ? gs_respond_fake_stream(b, r, o) : gs_respond_json(b, r, 200, o);
}

/* Everything before the first token: parsing, checks, the prompt, its logprobs, the guided
 * constraint and the generation's start. Returns 1 when the job may run, else 0 with the
 * answer in r and its status in *st. */
static int prepare_chat(gs_text_job *t, genapi_http_response *r, genapi_status *st)
{
    genapi_backend *b = t->job.b;
    json_object *root = t->req.root;
    genapi_text_params *p = &t->req.p;
    ga_arena *ar = &t->req.ar;
    genapi_error err;
    genapi_error_clear(&err);
    chat_state *cs = ga_arena_alloc(ar, sizeof *cs);
    if (cs == NULL || normalise_chat_fields(root, &err) != GENAPI_OK) {
        if (cs == NULL)
            ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
        *st = gs_respond_genapi_error(b, r, &err);
        return 0;
    }
    t->route = cs;
    if (!gs_text_params(b, root, p, r, &cs->model))
        return *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM, 0;
    int stream = 0, include_usage;
    if (!gs_bool_member(b, root, "stream", 0, &stream, r) || !gs_stream_options(b, root, stream, &include_usage, r))
        return *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM, 0;
    if (stream && IS(p, prompt_logprobs) && p->prompt_logprobs != 0) {
        *st = gs_respond_error(b, r, 400, "BadRequestError", "prompt_logprobs",
                               "`prompt_logprobs` are not available when `stream=True`.");
        return 0;
    }
    gx_message *msgs = NULL;
    size_t n_msgs = 0, text_bytes = 0, at_least = 0;
    if (gs_parse_chat_messages(ar, root, &msgs, &n_msgs, &text_bytes, &at_least, b, &err) != GENAPI_OK) {
        *st = gs_respond_genapi_error(b, r, &err);
        return 0;
    }
    uint64_t seed = gs_resolve_seed(p);
    if (!gs_chat_tools_plan(b, root, msgs, n_msgs, seed, IS(p, n) && p->n > 1 ? (size_t)p->n : 1, ar, &cs->tools, r))
        return *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM, 0;
    /* Messages that cannot fit the context are refused before they are tokenized. */
    if (!gs_check_prompt_fits(b, p, at_least, text_bytes, "messages", r))
        return *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM, 0;
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
        *st = gs_respond_nomem(b, r);
        return 0;
    }
    for (size_t i = 0; i < n_msgs; i++)
        if (strcmp(msgs[i].role, "user") == 0 && gx_mark_topic(e, msgs[i].content, topic) != 0) {
            ga_free(&b->alloc, prompt);
            *st = gs_respond_nomem(b, r);
            return 0;
        }
    const int32_t *kept = prompt;
    n_prompt = gx_truncate_prompt(e, p, &kept, n_prompt);
    /* The job keeps the prompt it generates from. */
    int32_t *ids = ga_arena_alloc(ar, (n_prompt ? n_prompt : 1) * sizeof *ids);
    if (ids)
        memcpy(ids, kept, n_prompt * sizeof *ids);
    ga_free(&b->alloc, prompt);
    genapi_status s = ids ? gx_check_request(e, p, n_prompt, &err) : ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
    if (s != GENAPI_OK) {
        *st = gs_respond_genapi_error(b, r, &err);
        return 0;
    }
    cs->top = IS(p, logprobs) ? p->logprobs : -1;
    /* The work the request asks for, before any of it is done. */
    int64_t plp_top = IS(p, prompt_logprobs) ? (p->prompt_logprobs < 0 ? 20 : p->prompt_logprobs) : -1;
    gs_budget budget = {0, 0};
    if (!gs_budget_add(b, &budget, p, n_prompt, 0, gs_answer_is_whole(p, stream), cs->top,
                       cs->top > 0 ? "top_logprobs" : "logprobs", plp_top, "prompt_logprobs", r))
        return *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM, 0;
    /* Prompt logprobs are computed by the job's first steps. */
    if (plp_top >= 0)
        s = gs_text_job_prompt_logprobs(t, ids, n_prompt, (size_t)plp_top, &cs->plp, &err);
    if (s == GENAPI_OK)
        s = gx_guided_compile(e, p, &t->guided, &err);
    if (s == GENAPI_OK && cs->tools.call) {
        /* The call's arguments are generated under its function's schema. */
        if (t->guided != NULL) {
            *st = gs_respond_error(b, r, 400, "BadRequestError", "tool_choice",
                                   "A tool call and structured output both constrain the output; use only one.");
            return 0;
        }
        s = gx_guided_compile_schema(e, cs->tools.schema, "tools", &t->guided, &err);
    }
    cs->n_prompt = n_prompt;
    cs->stream = stream;
    cs->created = (int64_t)time(NULL);
    gs_random_id(cs->id, sizeof cs->id, "chatcmpl-");
    gx_gen_request gr = {ids, n_prompt, p, 0, topic, seed, cs->top, 0, gs_adapter(b, p, cs->model, ar),
                         t->guided};
    if (s == GENAPI_OK)
        s = gs_text_job_reserve(t, 1, &err);
    if (s == GENAPI_OK)
        s = gs_text_job_add(t, &gr, &err);
    gs_stream_info info = {cs->id, cs->created, cs->model, cs->top,
                           IS(p, output_kind) ? (int)p->output_kind : GS_OUTPUT_DELTA, include_usage,
                           (int64_t)n_prompt, 0, NULL, NULL, &cs->tools};
    if (s == GENAPI_OK)
        s = gs_text_job_start(t, stream, 1, &info, &err);
    if (s != GENAPI_OK) {
        *st = gs_respond_genapi_error(b, r, &err);
        return 0;
    }
    return 1;
}

genapi_status gs_handle_chat(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job)
{
    return gs_text_route(b, req, r, job, chat_answer, prepare_chat);
}
