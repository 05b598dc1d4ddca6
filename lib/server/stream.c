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

/* One chunk of one choice: tokens [from, to), text span [s, e), `k` its position. */
typedef struct chunk {
    size_t i, k, from, to, s, e;
    int last;
} chunk;

typedef json_object *(*chunk_fn)(const chunk *ch, const gx_choice *c, void *user);

/* Interleave the choices chunk by chunk, as the engine steps them together, skipping tokens
 * without text (e.g. skipped special tokens) except a choice's last chunk; then the usage
 * chunk when asked, then [DONE]. */
static genapi_status emit(genapi_backend *b, genapi_http_response *r, const gs_stream_info *in, const char *object,
                          const gx_choice *choices, size_t n, ga_buf *out, chunk_fn make, void *user)
{
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
            chunk ch = {i, k, 0, 0, 0, 0, k + 1 == count};
            chunk_range(c, in, k, &ch.from, &ch.to);
            span(c, in, ch.from, ch.to, &ch.s, &ch.e);
            if (!ch.last && ch.e <= ch.s && in->output_kind != GS_OUTPUT_CUMULATIVE)
                continue;
            json_object *o = chunk_head(in, object), *arr = json_object_new_array();
            json_object_array_add(arr, make(&ch, c, user));
            json_object_object_add(o, "choices", arr);
            if (strcmp(object, "text_completion") == 0)
                json_object_object_add(o, "usage", NULL); /* completion chunks carry every key */
            event(out, o);
        }
    if (in->include_usage) {
        json_object *o = chunk_head(in, object);
        json_object_object_add(o, "choices", json_object_new_array());
        json_object *u = gs_usage(in->prompt_tokens, in->completion_tokens);
        json_object_object_del(u, "prompt_tokens_details");
        json_object_object_add(o, "usage", u);
        event(out, o);
    }
    return finish(b, r, out);
}

typedef struct make_ctx {
    genapi_backend *b;
    const gs_stream_info *in;
    ga_arena *ar;
    const int64_t *indexes;
} make_ctx;

/* Chat chunks carry only the keys that are set. */
static json_object *chat_chunk(const chunk *k, const gx_choice *c, void *user)
{
    const make_ctx *m = user;
    json_object *ch = json_object_new_object(), *delta = json_object_new_object();
    if (k->e > k->s || !k->last)
        json_object_object_add(delta, "content", json_object_new_string_len(c->text + k->s, (int)(k->e - k->s)));
    json_object_object_add(ch, "index", json_object_new_int64((int64_t)k->i));
    json_object_object_add(ch, "delta", delta);
    json_object_object_add(ch, "logprobs", c->logprobs && k->to > k->from
                                               ? gs_chat_logprobs(m->b->text, c->logprobs + k->from, k->to - k->from,
                                                                  (size_t)m->in->top_logprobs, m->ar)
                                               : NULL);
    json_object_object_add(ch, "finish_reason", k->last ? json_object_new_string(c->finish_reason) : NULL);
    if (k->last)
        json_object_object_add(ch, "stop_reason", stop_reason(c));
    return ch;
}

genapi_status gs_stream_chat(genapi_backend *b, genapi_http_response *r, const gs_stream_info *in,
                             const gx_choice *choices, size_t n, ga_arena *ar)
{
    ga_buf out;
    ga_buf_init(&out, &b->alloc);
    for (size_t i = 0; i < n; i++) {
        /* One role chunk per choice first. */
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
    make_ctx m = {b, in, ar, NULL};
    return emit(b, r, in, "chat.completion.chunk", choices, n, &out, chat_chunk, &m);
}

/* Completion chunks carry every key; with echo the first (or every cumulative) chunk starts
 * with the prompt. */
static json_object *completion_chunk(const chunk *k, const gx_choice *c, void *user)
{
    const make_ctx *m = user;
    ga_buf text;
    ga_buf_init(&text, &m->ar->alloc);
    if (m->in->prompt_text && (k->k == 0 || m->in->output_kind == GS_OUTPUT_CUMULATIVE))
        ga_buf_append(&text, m->in->prompt_text[k->i], m->in->text_prefix[k->i]);
    ga_buf_append(&text, c->text + k->s, k->e - k->s);
    json_object *ch = json_object_new_object();
    json_object_object_add(ch, "index", json_object_new_int64(m->indexes[k->i]));
    json_object_object_add(ch, "text", json_object_new_string_len(text.data ? text.data : "", (int)text.len));
    ga_buf_free(&text);
    json_object_object_add(ch, "logprobs", c->logprobs && k->to > k->from
                                               ? gs_completion_logprobs(m->b->text, c->logprobs + k->from,
                                                                        k->to - k->from, gs_utf8_chars(c->text, k->s),
                                                                        m->ar)
                                               : NULL);
    json_object_object_add(ch, "finish_reason", k->last ? json_object_new_string(c->finish_reason) : NULL);
    json_object_object_add(ch, "stop_reason", k->last ? stop_reason(c) : NULL);
    json_object_object_add(ch, "prompt_token_ids", NULL);
    json_object_object_add(ch, "token_ids", NULL);
    return ch;
}

genapi_status gs_stream_completions(genapi_backend *b, genapi_http_response *r, const gs_stream_info *in,
                                    const gx_choice *choices, const int64_t *indexes, size_t n, ga_arena *ar)
{
    ga_buf out;
    ga_buf_init(&out, &b->alloc);
    make_ctx m = {b, in, ar, indexes};
    return emit(b, r, in, "text_completion", choices, n, &out, completion_chunk, &m);
}
