#include "server/stream.h"

#include <string.h>

#include "server/text_common.h"
#include "util/buf.h"

static void event(ga_buf *out, json_object *o)
{
    size_t len;
    const char *txt = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    ga_buf_puts(out, "data: ");
    ga_buf_append(out, txt, len);
    ga_buf_puts(out, "\n\n");
    json_object_put(o);
}

static genapi_status finish(genapi_backend *b, genapi_http_response *r, ga_buf *out)
{
    ga_buf_puts(out, "data: [DONE]\n\n");
    r->status = 200;
    r->content_type = "text/event-stream";
    size_t len = 0;
    char *body = ga_buf_take(out, &len);
    if (body == NULL)
        return gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory");
    r->body = body;
    r->body_len = len;
    return GENAPI_OK;
}

int gs_stream_options(genapi_backend *b, json_object *root, int stream, int *include_usage, genapi_http_response *r)
{
    json_object *so;
    *include_usage = 0;
    if (!json_object_object_get_ex(root, "stream_options", &so) || so == NULL)
        return 1;
    if (!stream) {
        gs_respond_error(b, r, 400, "BadRequestError", "stream_options",
                         "Stream options can only be defined when `stream=True`.");
        return 0;
    }
    json_object *iu;
    /* Aphrodite v0.10: include_usage defaults to true once stream_options is given. */
    *include_usage = !json_object_object_get_ex(so, "include_usage", &iu) || iu == NULL || json_object_get_boolean(iu);
    return 1;
}

static json_object *chunk_head(const gs_stream_info *in, const char *object)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(in->id));
    json_object_object_add(o, "object", json_object_new_string(object));
    json_object_object_add(o, "created", json_object_new_int64(in->created));
    json_object_object_add(o, "model", json_object_new_string(in->model));
    return o;
}

static json_object *stop_reason(const gx_choice *c)
{
    return c->stop_kind == 1   ? json_object_new_int64(c->stop_token)
           : c->stop_kind == 2 ? json_object_new_string(c->stop_string)
                               : NULL;
}

/* The tokens [from, to) of a choice form one chunk; returns its text span. */
static void span(const gx_choice *c, const gs_stream_info *in, size_t from, size_t to, size_t *start, size_t *end)
{
    size_t a = from == 0 ? 0 : c->text_ends[from - 1];
    size_t z = to == 0 ? 0 : c->text_ends[to - 1];
    if (to == c->n_tokens)
        z = c->text_len;
    *start = in->output_kind == GS_OUTPUT_CUMULATIVE ? 0 : a;
    *end = z;
}

/* Chunks of each choice: [from, to) token ranges, one per token, or one for final_only. */
static size_t chunk_count(const gx_choice *c, const gs_stream_info *in)
{
    if (in->output_kind == GS_OUTPUT_FINAL_ONLY || c->n_tokens == 0)
        return 1;
    return c->n_tokens;
}

static void chunk_range(const gx_choice *c, const gs_stream_info *in, size_t k, size_t *from, size_t *to)
{
    if (in->output_kind == GS_OUTPUT_FINAL_ONLY || c->n_tokens == 0) {
        *from = 0;
        *to = c->n_tokens;
    } else {
        *from = k;
        *to = k + 1;
    }
}

genapi_status gs_stream_chat(genapi_backend *b, genapi_http_response *r, const gs_stream_info *in,
                             const gx_choice *choices, size_t n, ga_arena *ar)
{
    ga_buf out;
    ga_buf_init(&out, &b->alloc);
    for (size_t i = 0; i < n; i++) {
        json_object *o = chunk_head(in, "chat.completion.chunk"), *arr = json_object_new_array();
        json_object *ch = json_object_new_object(), *delta = json_object_new_object();
        json_object_object_add(delta, "role", json_object_new_string("assistant"));
        json_object_object_add(delta, "content", json_object_new_string(""));
        json_object_object_add(ch, "index", json_object_new_int64((int64_t)i));
        json_object_object_add(ch, "delta", delta);
        json_object_object_add(ch, "logprobs", NULL);
        json_object_object_add(ch, "finish_reason", NULL);
        json_object_array_add(arr, ch);
        json_object_object_add(o, "choices", arr);
        event(&out, o);
    }
    /* Interleave the choices chunk by chunk, as the engine steps them together. */
    size_t most = 0;
    for (size_t i = 0; i < n; i++)
        if (chunk_count(&choices[i], in) > most)
            most = chunk_count(&choices[i], in);
    for (size_t k = 0; k < most; k++)
        for (size_t i = 0; i < n; i++) {
            const gx_choice *c = &choices[i];
            size_t count = chunk_count(c, in);
            if (k >= count)
                continue;
            size_t from, to, s, e;
            chunk_range(c, in, k, &from, &to);
            span(c, in, from, to, &s, &e);
            int last = k + 1 == count;
            if (!last && e <= s && in->output_kind != GS_OUTPUT_CUMULATIVE)
                continue; /* a token without text (e.g. a skipped special token) */
            json_object *o = chunk_head(in, "chat.completion.chunk"), *arr = json_object_new_array();
            json_object *ch = json_object_new_object(), *delta = json_object_new_object();
            if (e > s || !last)
                json_object_object_add(delta, "content", json_object_new_string_len(c->text + s, (int)(e - s)));
            json_object_object_add(ch, "index", json_object_new_int64((int64_t)i));
            json_object_object_add(ch, "delta", delta);
            json_object_object_add(ch, "logprobs", c->logprobs && to > from
                                                       ? gs_chat_logprobs(b->text, c->logprobs + from, to - from,
                                                                          (size_t)in->top_logprobs, ar)
                                                       : NULL);
            json_object_object_add(ch, "finish_reason", last ? json_object_new_string(c->finish_reason) : NULL);
            if (last)
                json_object_object_add(ch, "stop_reason", stop_reason(c));
            json_object_array_add(arr, ch);
            json_object_object_add(o, "choices", arr);
            event(&out, o);
        }
    if (in->include_usage) {
        json_object *o = chunk_head(in, "chat.completion.chunk");
        json_object_object_add(o, "choices", json_object_new_array());
        json_object *u = gs_usage(in->prompt_tokens, in->completion_tokens);
        json_object_object_del(u, "prompt_tokens_details");
        json_object_object_add(o, "usage", u);
        event(&out, o);
    }
    return finish(b, r, &out);
}

genapi_status gs_stream_completions(genapi_backend *b, genapi_http_response *r, const gs_stream_info *in,
                                    const gx_choice *choices, const int64_t *indexes, size_t n, ga_arena *ar)
{
    ga_buf out;
    ga_buf_init(&out, &b->alloc);
    size_t most = 0;
    for (size_t i = 0; i < n; i++)
        if (chunk_count(&choices[i], in) > most)
            most = chunk_count(&choices[i], in);
    for (size_t k = 0; k < most; k++)
        for (size_t i = 0; i < n; i++) {
            const gx_choice *c = &choices[i];
            size_t count = chunk_count(c, in);
            if (k >= count)
                continue;
            size_t from, to, s, e;
            chunk_range(c, in, k, &from, &to);
            span(c, in, from, to, &s, &e);
            int last = k + 1 == count;
            if (!last && e <= s && in->output_kind != GS_OUTPUT_CUMULATIVE)
                continue;
            ga_buf text;
            ga_buf_init(&text, &ar->alloc);
            /* With echo, the first chunk (or every cumulative chunk) starts with the prompt. */
            if (in->prompt_text && (k == 0 || in->output_kind == GS_OUTPUT_CUMULATIVE))
                ga_buf_append(&text, in->prompt_text[i], in->text_prefix[i]);
            ga_buf_append(&text, c->text + s, e - s);
            json_object *o = chunk_head(in, "text_completion"), *arr = json_object_new_array();
            json_object *ch = json_object_new_object();
            json_object_object_add(ch, "index", json_object_new_int64(indexes[i]));
            json_object_object_add(ch, "text", json_object_new_string_len(text.data ? text.data : "", (int)text.len));
            ga_buf_free(&text);
            json_object_object_add(ch, "logprobs", c->logprobs && to > from
                                                       ? gs_completion_logprobs(b->text, c->logprobs + from, to - from,
                                                                                gs_utf8_chars(c->text, s), ar)
                                                       : NULL);
            json_object_object_add(ch, "finish_reason", last ? json_object_new_string(c->finish_reason) : NULL);
            json_object_object_add(ch, "stop_reason", last ? stop_reason(c) : NULL);
            json_object_object_add(ch, "prompt_token_ids", NULL);
            json_object_object_add(ch, "token_ids", NULL);
            json_object_array_add(arr, ch);
            json_object_object_add(o, "choices", arr);
            json_object_object_add(o, "usage", NULL);
            event(&out, o);
        }
    if (in->include_usage) {
        json_object *o = chunk_head(in, "text_completion");
        json_object_object_add(o, "choices", json_object_new_array());
        json_object *u = gs_usage(in->prompt_tokens, in->completion_tokens);
        json_object_object_del(u, "prompt_tokens_details");
        json_object_object_add(o, "usage", u);
        event(&out, o);
    }
    return finish(b, r, &out);
}
