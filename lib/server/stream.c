/* Event streams of chat and text completions, written as tokens settle (see stream.h). */
#include "server/stream.h"

#include <string.h>

#include "server/chat_tools.h"
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
    if (!json_object_is_type(so, json_type_object)) {
        gs_respond_error(b, r, 400, "BadRequestError", "stream_options", "stream_options must be an object.");
        return 0;
    }
    /* Aphrodite v0.10: include_usage defaults to true once stream_options is given. */
    return gs_bool_member(b, so, "include_usage", 1, include_usage, r);
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


/* One chunk of one choice: tokens [from, to), text span [s, e), k its position in the choice's
 * chunks, last when it ends the choice. */
typedef struct chunk {
    size_t i, k, from, to, s, e;
    int last;
} chunk;

/* The text span of tokens [from, to): a cumulative chunk starts at the beginning; the last
 * chunk ends where the (possibly cut) text ends. */
static void span(const gx_choice *c, const gs_stream_info *in, chunk *ch)
{
    size_t a = ch->from == 0 ? 0 : c->text_ends[ch->from - 1];
    size_t z = ch->to == 0 ? 0 : c->text_ends[ch->to - 1];
    if (ch->last)
        z = c->text_len;
    if (a > z)
        a = z;
    ch->s = in->output_kind == GS_OUTPUT_CUMULATIVE ? 0 : a;
    ch->e = z;
}

/* Chunks of a finished choice: one per token, or one for final_only (or without tokens). */
static size_t chunk_count(const gx_choice *c, const gs_stream_info *in)
{
    if (in->output_kind == GS_OUTPUT_FINAL_ONLY || c->n_tokens == 0)
        return 1;
    return c->n_tokens;
}

/* Chat chunks carry only the keys that are set. */
static json_object *chat_chunk(const gs_stream *st, genapi_backend *b, ga_arena *ar, const chunk *k,
                               const gx_choice *c)
{
    json_object *ch = json_object_new_object(), *delta = json_object_new_object();
    const gs_tool_plan *tools = st->info.tools;
    if (tools && tools->call) {
        if (k->e > k->s || !k->last || !tools->started[k->i])
            json_object_object_add(delta, "tool_calls",
                                   gs_tool_calls_delta(tools, k->i, c->text + k->s, k->e - k->s));
    } else if (k->e > k->s || !k->last) {
        json_object_object_add(delta, "content", json_object_new_string_len(c->text + k->s, (int)(k->e - k->s)));
    }
    json_object_object_add(ch, "index", json_object_new_int64((int64_t)k->i));
    json_object_object_add(ch, "delta", delta);
    json_object_object_add(ch, "logprobs", c->logprobs && k->to > k->from
                                               ? gs_chat_logprobs(b->text, c->logprobs + k->from, k->to - k->from,
                                                                  (size_t)st->info.top_logprobs, ar)
                                               : NULL);
    json_object_object_add(ch, "finish_reason",
                           k->last ? json_object_new_string(gs_tool_finish_reason(tools, c->finish_reason)) : NULL);
    if (k->last)
        json_object_object_add(ch, "stop_reason", stop_reason(c));
    return ch;
}

/* Completion chunks carry every key; with echo the first (or every cumulative) chunk starts
 * with the prompt. */
static json_object *completion_chunk(const gs_stream *st, genapi_backend *b, ga_arena *ar, const chunk *k,
                                     const gx_choice *c)
{
    const gs_stream_info *in = &st->info;
    ga_buf text;
    ga_buf_init(&text, &ar->alloc);
    if (in->prompt_text && (k->k == 0 || in->output_kind == GS_OUTPUT_CUMULATIVE))
        ga_buf_append(&text, in->prompt_text[k->i], in->text_prefix[k->i]);
    ga_buf_append(&text, c->text + k->s, k->e - k->s);
    if (text.failed)
        ar->failed = 1; /* the caller of gs_stream_emit checks the arena */
    json_object *ch = json_object_new_object();
    json_object_object_add(ch, "index", json_object_new_int64((int64_t)k->i));
    json_object_object_add(ch, "text", json_object_new_string_len(text.data ? text.data : "", (int)text.len));
    ga_buf_free(&text);
    json_object_object_add(ch, "logprobs", c->logprobs && k->to > k->from
                                               ? gs_completion_logprobs(b->text, c->logprobs + k->from,
                                                                        k->to - k->from, gs_utf8_chars(c->text, k->s),
                                                                        ar)
                                               : NULL);
    json_object_object_add(ch, "finish_reason", k->last ? json_object_new_string(c->finish_reason) : NULL);
    json_object_object_add(ch, "stop_reason", k->last ? stop_reason(c) : NULL);
    json_object_object_add(ch, "prompt_token_ids", NULL);
    json_object_object_add(ch, "token_ids", NULL);
    return ch;
}

genapi_status gs_stream_init(gs_stream *s, const gs_stream_info *info, int chat, size_t n, int hold_last,
                             ga_arena *ar)
{
    memset(s, 0, sizeof *s);
    s->info = *info;
    s->chat = chat;
    s->n = n;
    s->hold_last = hold_last;
    s->closed = ga_arena_alloc(ar, n ? n : 1);
    return s->closed ? GENAPI_OK : GENAPI_E_NOMEM;
}

void gs_stream_roles(const gs_stream *s, ga_buf *out)
{
    for (size_t i = 0; i < s->n; i++) {
        json_object *o = chunk_head(&s->info, "chat.completion.chunk"), *arr = json_object_new_array();
        json_object *ch = json_object_new_object(), *delta = json_object_new_object();
        json_object_object_add(delta, "role", json_object_new_string("assistant"));
        json_object_object_add(delta, "content", json_object_new_string(""));
        json_object_object_add(ch, "index", json_object_new_int64((int64_t)i));
        json_object_object_add(ch, "delta", delta);
        json_object_object_add(ch, "logprobs", NULL);
        json_object_object_add(ch, "finish_reason", NULL);
        json_object_array_add(arr, ch);
        json_object_object_add(o, "choices", arr);
        event(out, o);
    }
}

/* Write one chunk, unless it is an empty span that does not end its choice (tokens without
 * text, e.g. skipped special tokens; cumulative chunks are always written). */
static void put_chunk(gs_stream *s, genapi_backend *b, ga_arena *ar, ga_buf *out, const gx_choice *c, chunk *ch)
{
    span(c, &s->info, ch);
    if (ch->last)
        s->closed[ch->i] = 1;
    if (!ch->last && ch->e <= ch->s && s->info.output_kind != GS_OUTPUT_CUMULATIVE)
        return;
    const char *object = s->chat ? "chat.completion.chunk" : "text_completion";
    json_object *o = chunk_head(&s->info, object), *arr = json_object_new_array();
    json_object_array_add(arr, s->chat ? chat_chunk(s, b, ar, ch, c) : completion_chunk(s, b, ar, ch, c));
    json_object_object_add(o, "choices", arr);
    if (!s->chat)
        json_object_object_add(o, "usage", NULL); /* completion chunks carry every key */
    event(out, o);
}

int gs_stream_emit(gs_stream *s, genapi_backend *b, ga_arena *ar, ga_buf *out, gs_stream_view_fn view, void *user)
{
    while (!s->complete) {
        if (s->i == s->n) {
            /* A round without any chunk: every choice is finished and fully written. */
            if (!s->round_used) {
                s->complete = 1;
                break;
            }
            s->k++;
            s->i = 0;
            s->round_used = 0;
            continue;
        }
        size_t settled = 0;
        int finished = 0;
        const gx_choice *c = view(user, s->i, &settled, &finished);
        chunk ch = {s->i, s->k, 0, 0, 0, 0, 0};
        if (finished) {
            size_t count = chunk_count(c, &s->info);
            if (s->k < count) {
                ch.last = s->k + 1 == count;
                if (s->info.output_kind == GS_OUTPUT_FINAL_ONLY || c->n_tokens == 0) {
                    ch.to = c->n_tokens;
                } else {
                    ch.from = s->k;
                    ch.to = s->k + 1;
                }
                put_chunk(s, b, ar, out, c, &ch);
                s->round_used = 1;
            } else if (!s->closed[s->i]) {
                /* The choice ended without a further token after its chunks were written: a
                 * closing chunk carries the finish reason. */
                ch.from = ch.to = c->n_tokens;
                ch.last = 1;
                put_chunk(s, b, ar, out, c, &ch);
                s->round_used = 1;
            }
            s->i++;
            continue;
        }
        /* Unfinished: the k-th token's chunk is known once the token is settled (and, when a
         * choice may end without a token, once the next one is too, so that it is known not
         * to be the last). final_only writes nothing before the end. */
        if (s->info.output_kind == GS_OUTPUT_FINAL_ONLY || s->k >= settled || (s->hold_last && s->k + 1 >= settled))
            break;
        ch.from = s->k;
        ch.to = s->k + 1;
        put_chunk(s, b, ar, out, c, &ch);
        s->round_used = 1;
        s->i++;
    }
    return s->complete;
}

void gs_stream_tail(const gs_stream *s, ga_buf *out)
{
    if (s->info.include_usage) {
        json_object *o = chunk_head(&s->info, s->chat ? "chat.completion.chunk" : "text_completion");
        json_object_object_add(o, "choices", json_object_new_array());
        json_object *u = gs_usage(s->info.prompt_tokens, s->info.completion_tokens);
        json_object_object_del(u, "prompt_tokens_details");
        json_object_object_add(o, "usage", u);
        event(out, o);
    }
    ga_buf_puts(out, "data: [DONE]\n\n");
}

void gs_stream_error(genapi_backend *b, ga_buf *out, const genapi_error *err)
{
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    gs_respond_genapi_error(b, &r, err);
    if (r.body) {
        ga_buf_puts(out, "data: ");
        ga_buf_append(out, r.body, r.body_len);
        ga_buf_puts(out, "\n\n");
    }
    genapi_http_response_release(b, &r);
    ga_buf_puts(out, "data: [DONE]\n\n");
}
