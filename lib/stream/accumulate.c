/* Folding streamed chat / completion chunks into one typed result (rules in accumulate.h).
 *
 * Storage: the accumulator and its growing pieces (the choice table, each choice's content,
 * reasoning and tool-call arguments, the logprob entry tables) come from the caller's allocator;
 * strings that are set once or replaced whole (id, model, finish_reason, stop strings, tool-call
 * id/type/name, the error, and every parsed logprob entry) live in the accumulator's arena.
 * gacc_chat_result / gacc_completion_result copy everything into a fresh result holder (the
 * GA_RESULT_HOLDER layout genapi_chat_result_free / genapi_completion_result_free expect), so a
 * result stays valid after the accumulator is freed or fed more events. */
#include "stream/accumulate.h"

#include <stddef.h>
#include <string.h>

#include "util/result_read.h"
#include "util/buf.h"

/* One tool call of a chat choice, merged over the deltas with its index. */
typedef struct acc_tool {
    int64_t index;
    const char *id, *type, *name; /* last non-empty value (arena) */
    ga_buf args;                  /* concatenated arguments */
    int has_args;                 /* an arguments string was seen */
} acc_tool;

typedef struct acc_choice {
    int64_t index;
    const char *role; /* last non-empty delta.role (arena) */
    ga_buf content;
    ga_buf reasoning;
    int has_reasoning;
    int finished; /* a non-null finish_reason arrived: later deltas are ignored */
    const char *finish_reason;
    int32_t stop_reason_kind;
    int64_t stop_token;
    const char *stop_string;
    acc_tool *tools; /* sorted by index */
    size_t n_tools, cap_tools;
    int has_logprobs; /* some chunk carried a logprobs object */
    genapi_token_logprob *lp; /* entries in arrival order; their strings in the arena */
    size_t n_lp, cap_lp;
} acc_choice;

struct gacc {
    ga_alloc alloc;
    json_tokener *tok; /* reused for every event (created on the first one) */
    ga_arena ar;
    gacc_kind kind;
    gacc_delta_fn on_delta;
    void *user;

    int have_id; /* id / model / created were taken from a chunk */
    const char *id, *model;
    int64_t created;
    genapi_usage usage;

    acc_choice *choices; /* sorted by index */
    size_t n_choices, cap_choices;

    int done;     /* [DONE] received */
    int errored;  /* an in-band error event arrived, or a failure (see gacc_failure_of) */
    int nomem;    /* memory ran out or a chunk was ill-typed: further events are refused */
    genapi_error fail_err; /* what the typed reader reported (GACC_FAIL_TYPE, GACC_FAIL_NOMEM) */
    gacc_failure failure; /* why gacc_event last returned -1 */
    const char *err_message, *err_type;
    int64_t err_code;
    size_t json_events;

    /* The deltas of the event being applied (they point into its JSON, freed after it). */
    gacc_delta *deltas;
    size_t n_deltas, cap_deltas;
};

/* ---- lifetime ------------------------------------------------------------------------------ */

gacc *gacc_new(const ga_alloc *a, gacc_kind kind, gacc_delta_fn on_delta, void *user)
{
    gacc *acc = ga_calloc(a, 1, sizeof *acc);
    if (acc == NULL)
        return NULL;
    acc->alloc = *a;
    ga_arena_init(&acc->ar, &acc->alloc);
    acc->kind = kind;
    acc->on_delta = on_delta;
    acc->user = user;
    return acc;
}

static void choice_free(const ga_alloc *a, acc_choice *c)
{
    for (size_t i = 0; i < c->n_tools; i++)
        ga_buf_free(&c->tools[i].args);
    ga_free(a, c->tools);
    ga_free(a, c->lp);
    ga_buf_free(&c->content);
    ga_buf_free(&c->reasoning);
}

void gacc_free(gacc *acc)
{
    if (acc == NULL)
        return;
    for (size_t i = 0; i < acc->n_choices; i++)
        choice_free(&acc->alloc, &acc->choices[i]);
    ga_free(&acc->alloc, acc->choices);
    ga_free(&acc->alloc, acc->deltas);
    if (acc->tok)
        json_tokener_free(acc->tok);
    ga_arena_free(&acc->ar);
    ga_alloc a = acc->alloc;
    ga_free(&a, acc);
}

/* ---- small helpers ------------------------------------------------------------------------- */

/* `arr` (of `size`-byte elements, capacity *cap) grown to hold at least `need`: the same or a
 * moved array, or NULL out of memory (then arr is unchanged). */
static void *grow(const ga_alloc *a, void *arr, size_t *cap, size_t need, size_t size)
{
    if (need == 0)
        need = 1;
    if (arr != NULL && need <= *cap)
        return arr;
    size_t ncap = *cap ? *cap : 4;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2 / size)
            return NULL;
        ncap *= 2;
    }
    void *p = ga_realloc(a, arr, ncap * size);
    if (p != NULL)
        *cap = ncap;
    return p;
}

/* Copy a non-empty string member into the arena (for "last non-empty value" fields); leaves
 * *dst unchanged when the member is absent, null or empty. */
static void keep_nonempty(ga_jt *t, json_object *o, const char *key, const char **dst)
{
    size_t n = 0;
    const char *s = ga_jt_str(t, o, key, &n);
    if (s != NULL && n > 0)
        *dst = s;
}

/* A string member's text with invalid UTF-8 replaced: the JSON's own bytes when valid (no
 * copy), else a repaired copy in the arena. NULL when absent or null (or on a failure). */
static const char *text_member(ga_jt *t, json_object *o, const char *key, size_t *len)
{
    json_object *v = ga_jt_get(t, o, key, json_type_string);
    if (v == NULL)
        return NULL;
    const char *s = json_object_get_string(v);
    *len = (size_t)json_object_get_string_len(v);
    if (ga_utf8_valid(s, *len))
        return s;
    s = ga_utf8_dup(t->ar, s, *len, len);
    if (s == NULL)
        ga_jt_nomem(t);
    return s;
}

/* The choice with `index`, created (in index order) when it is new; NULL out of memory. */
static acc_choice *choice_at(gacc *acc, int64_t index)
{
    size_t lo = 0, hi = acc->n_choices;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (acc->choices[mid].index < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < acc->n_choices && acc->choices[lo].index == index)
        return &acc->choices[lo];
    acc_choice *grown = grow(&acc->alloc, acc->choices, &acc->cap_choices, acc->n_choices + 1, sizeof *grown);
    if (grown == NULL)
        return NULL;
    acc->choices = grown;
    memmove(&acc->choices[lo + 1], &acc->choices[lo], (acc->n_choices - lo) * sizeof *acc->choices);
    acc->n_choices++;
    acc_choice *c = &acc->choices[lo];
    memset(c, 0, sizeof *c);
    c->index = index;
    ga_buf_init(&c->content, &acc->alloc);
    ga_buf_init(&c->reasoning, &acc->alloc);
    return c;
}

/* The tool call with `index` of choice c, created when new; NULL out of memory. */
static acc_tool *tool_at(gacc *acc, acc_choice *c, int64_t index)
{
    size_t pos = 0;
    while (pos < c->n_tools && c->tools[pos].index < index)
        pos++;
    if (pos < c->n_tools && c->tools[pos].index == index)
        return &c->tools[pos];
    acc_tool *grown = grow(&acc->alloc, c->tools, &c->cap_tools, c->n_tools + 1, sizeof *grown);
    if (grown == NULL)
        return NULL;
    c->tools = grown;
    memmove(&c->tools[pos + 1], &c->tools[pos], (c->n_tools - pos) * sizeof *c->tools);
    c->n_tools++;
    acc_tool *t = &c->tools[pos];
    memset(t, 0, sizeof *t);
    t->index = index;
    ga_buf_init(&t->args, &acc->alloc);
    return t;
}

/* ---- applying one chunk -------------------------------------------------------------------- */

/* A new delta of the latest event for choice `index` (zeroed, no tool call); NULL out of memory. */
static gacc_delta *push_delta(gacc *acc, int64_t index)
{
    gacc_delta *grown = grow(&acc->alloc, acc->deltas, &acc->cap_deltas, acc->n_deltas + 1, sizeof *grown);
    if (grown == NULL)
        return NULL;
    acc->deltas = grown;
    gacc_delta *d = &acc->deltas[acc->n_deltas++];
    memset(d, 0, sizeof *d);
    d->index = index;
    d->tool_call_index = -1;
    return d;
}

static void merge_tool_calls(gacc *acc, acc_choice *c, int64_t choice_index, json_object *delta, ga_jt *t)
{
    json_object *arr = ga_jt_get(t, delta, "tool_calls", json_type_array);
    if (arr == NULL)
        return;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n && t->st == GENAPI_OK; i++) {
        json_object *tc = json_object_array_get_idx(arr, i), *fn;
        size_t at = ga_jt_push(t, ".tool_calls[%zu]", i);
        if (!json_object_is_type(tc, json_type_object)) {
            ga_jt_type_fail(t, NULL, tc, "an object");
            return;
        }
        /* tool_calls[].index names the call; without it, the position in this delta does */
        int64_t index = (int64_t)i;
        ga_jt_i64(t, tc, "index", &index);
        acc_tool *tool = t->st == GENAPI_OK ? tool_at(acc, c, index) : NULL;
        if (tool == NULL) {
            ga_jt_nomem(t);
            return;
        }
        keep_nonempty(t, tc, "id", &tool->id);
        keep_nonempty(t, tc, "type", &tool->type);
        const char *args = NULL;
        size_t len = 0;
        if ((fn = ga_jt_get(t, tc, "function", json_type_object)) != NULL) {
            ga_jt_push(t, ".function");
            keep_nonempty(t, fn, "name", &tool->name);
            args = text_member(t, fn, "arguments", &len);
            if (args != NULL) {
                if (ga_buf_append(&tool->args, args, len) != 0)
                    ga_jt_nomem(t);
                tool->has_args = 1;
            }
        }
        ga_jt_pop(t, at);
        if (t->st != GENAPI_OK)
            return;
        /* One delta per call piece, for callers that show calls as they form. */
        gacc_delta *d = push_delta(acc, choice_index);
        if (d == NULL) {
            ga_jt_nomem(t);
            return;
        }
        d->tool_call_index = index;
        d->tool_call_id = tool->id;
        d->tool_call_name = tool->name;
        if (args != NULL && len > 0) {
            d->tool_call_arguments = args;
            d->tool_call_arguments_len = len;
        }
    }
}

/* Append the logprob entries of one chunk's choice to c. */
static void merge_logprobs(gacc *acc, acc_choice *c, json_object *cj, ga_jt *t)
{
    const genapi_logprobs *lp = ga_read_logprobs(t, cj);
    if (lp == NULL)
        return;
    c->has_logprobs = 1;
    if (lp->count == 0)
        return;
    genapi_token_logprob *grown = grow(&acc->alloc, c->lp, &c->cap_lp, c->n_lp + lp->count, sizeof *grown);
    if (grown == NULL) {
        ga_jt_nomem(t);
        return;
    }
    c->lp = grown;
    memcpy(&c->lp[c->n_lp], lp->items, lp->count * sizeof *lp->items);
    c->n_lp += lp->count;
}

/* Apply one entry of a chunk's "choices" (position `pos`) and describe its contribution in the
 * event's deltas: one per tool call piece, then one for content, reasoning and the end when
 * there are any. */
static void apply_choice(gacc *acc, json_object *cj, size_t pos, ga_jt *t)
{
    int64_t index = (int64_t)pos;
    ga_jt_i64(t, cj, "index", &index);
    if (t->st != GENAPI_OK)
        return;
    acc_choice *c = choice_at(acc, index);
    if (c == NULL) {
        ga_jt_nomem(t);
        return;
    }
    if (c->finished)
        return; /* a second terminal chunk, or deltas after the end */
    gacc_delta local, *dl = &local;
    memset(dl, 0, sizeof *dl);
    dl->index = index;
    dl->tool_call_index = -1;

    const char *text = NULL, *reasoning = NULL;
    size_t text_len = 0, reasoning_len = 0;
    if (acc->kind == GACC_CHAT) {
        /* a chunk carries "delta"; a complete chat.completion object would carry "message" */
        size_t at = ga_jt_mark(t);
        json_object *delta = ga_jt_get(t, cj, "delta", json_type_object);
        if (delta != NULL) {
            ga_jt_push(t, ".delta");
        } else if ((delta = ga_jt_get(t, cj, "message", json_type_object)) != NULL) {
            ga_jt_push(t, ".message");
        }
        if (delta != NULL) {
            keep_nonempty(t, delta, "role", &c->role);
            text = text_member(t, delta, "content", &text_len);
            /* one chunk's reasoning: reasoning_content (older servers), else reasoning (newer) */
            reasoning = text_member(t, delta, "reasoning_content", &reasoning_len);
            if (reasoning == NULL)
                reasoning = text_member(t, delta, "reasoning", &reasoning_len);
            merge_tool_calls(acc, c, index, delta, t);
        }
        ga_jt_pop(t, at);
    } else {
        text = text_member(t, cj, "text", &text_len);
    }
    if (text != NULL) {
        if (ga_buf_append(&c->content, text, text_len) != 0)
            ga_jt_nomem(t);
        if (text_len > 0) {
            dl->content = text;
            dl->content_len = text_len;
        }
    }
    if (reasoning != NULL) {
        if (ga_buf_append(&c->reasoning, reasoning, reasoning_len) != 0)
            ga_jt_nomem(t);
        c->has_reasoning = 1;
        if (reasoning_len > 0) {
            dl->reasoning = reasoning;
            dl->reasoning_len = reasoning_len;
        }
    }
    merge_logprobs(acc, c, cj, t);

    const char *fr = ga_jt_str(t, cj, "finish_reason", NULL);
    if (fr != NULL) {
        c->finished = 1;
        c->finish_reason = fr;
        ga_read_stop_reason(t, cj, &c->stop_reason_kind, &c->stop_token, &c->stop_string);
        dl->finish_reason = c->finish_reason;
        dl->stop_reason_kind = c->stop_reason_kind;
        dl->stop_token = c->stop_token;
        dl->stop_string = c->stop_string;
    }
    if (t->st == GENAPI_OK && (dl->content != NULL || dl->reasoning != NULL || dl->finish_reason != NULL)) {
        gacc_delta *d = push_delta(acc, index);
        if (d == NULL)
            ga_jt_nomem(t);
        else
            *d = local;
    }
}

/* Record the first error: an in-band one, or a failure of this accumulator. */
static void set_error(gacc *acc, const char *message, const char *type, int64_t code)
{
    if (acc->errored)
        return;
    acc->errored = 1;
    acc->err_message = message;
    acc->err_type = type;
    acc->err_code = code;
}

/* A top-level {"error": ...}: an object with message / type / code, or (seldom) a bare string. */
static void take_inband_error(gacc *acc, json_object *e, ga_jt *t)
{
    if (acc->errored)
        return;
    const char *message = NULL, *type = NULL;
    int64_t code = 0;
    ga_jt_at(t, "error");
    if (json_object_is_type(e, json_type_object)) {
        message = ga_jt_str(t, e, "message", NULL);
        type = ga_jt_str(t, e, "type", NULL);
        json_object *v;
        if (json_object_object_get_ex(e, "code", &v) && v != NULL)
            ga_json_int64(v, &code); /* servers send a number or a text here; only a number is kept */
    } else if (json_object_is_type(e, json_type_string)) {
        message = ga_jt_text(t, e, NULL, NULL);
    }
    if (t->st == GENAPI_OK)
        set_error(acc, message, type, code);
}

/* Apply one parsed event; fills acc->deltas and returns how many of them to report. */
static size_t apply_object(gacc *acc, json_object *root, ga_jt *t)
{
    json_object *choices = ga_json_member(root, "choices"), *err = NULL;
    acc->n_deltas = 0;
    if (choices == NULL && (err = ga_json_member(root, "error")) != NULL) {
        take_inband_error(acc, err, t);
        return 0;
    }
    if (!acc->have_id) {
        const char *id = ga_jt_str(t, root, "id", NULL);
        if (id != NULL) {
            acc->have_id = 1;
            acc->id = id;
            acc->model = ga_jt_str(t, root, "model", NULL);
            ga_jt_i64(t, root, "created", &acc->created);
        }
    }
    if (ga_jt_get(t, root, "usage", json_type_object) != NULL)
        ga_read_usage(t, root, &acc->usage);
    if (t->st != GENAPI_OK || choices == NULL) /* found above; absent or null: no choices */
        return 0;
    if (!json_object_is_type(choices, json_type_array)) {
        ga_jt_type_fail(t, "choices", choices, "an array");
        return 0;
    }
    size_t n = json_object_array_length(choices);
    for (size_t i = 0; i < n && t->st == GENAPI_OK; i++) {
        json_object *cj = json_object_array_get_idx(choices, i);
        ga_jt_at(t, "choices[%zu]", i);
        if (!json_object_is_type(cj, json_type_object)) {
            ga_jt_type_fail(t, NULL, cj, "an object");
            break;
        }
        apply_choice(acc, cj, i, t);
    }
    return acc->n_deltas;
}

/* Apply a parsed event and report its deltas; 0, the callback's non-zero value, or -1. */
static int apply_event(gacc *acc, json_object *root)
{
    if (!json_object_is_type(root, json_type_object))
        return 0; /* JSON, but not a chunk: nothing to take from it */
    ga_jt t;
    ga_jt_init(&t, &acc->ar, &acc->fail_err, GENAPI_E_PARSE, "stream event");
    size_t n = apply_object(acc, root, &t);
    if (t.st == GENAPI_E_NOMEM) {
        acc->nomem = 1;
        acc->failure = GACC_FAIL_NOMEM;
        acc->errored = 0; /* the out-of-memory report takes precedence */
        set_error(acc, "out of memory", "out_of_memory", 0);
        return -1;
    }
    if (t.st != GENAPI_OK) {
        /* a field of the wrong type: the stream cannot be trusted; the first such event is final */
        acc->nomem = 1;
        acc->failure = GACC_FAIL_TYPE;
        set_error(acc, acc->fail_err.message, "invalid_chunk", 0);
        return -1;
    }
    /* the whole event is applied before the caller hears of it, so a stop leaves a consistent state */
    for (size_t i = 0; i < n && acc->on_delta != NULL; i++) {
        int rc = acc->on_delta(&acc->deltas[i], acc->user);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int gacc_event(gacc *acc, const char *data, size_t len)
{
    if (acc->nomem)
        return -1;
    acc->failure = GACC_FAIL_NONE;
    if (acc->done)
        return 0;
    if (len == 6 && memcmp(data, "[DONE]", 6) == 0) {
        acc->done = 1;
        return 0;
    }
    if (acc->tok == NULL && (acc->tok = json_tokener_new()) == NULL) {
        acc->nomem = 1;
        acc->failure = GACC_FAIL_NOMEM;
        acc->errored = 0; /* the out-of-memory report takes precedence */
        set_error(acc, "out of memory", "out_of_memory", 0);
        return -1;
    }
    json_object *root = ga_json_parse_with(acc->tok, data, len);
    if (root == NULL) {
        acc->failure = GACC_FAIL_NOT_JSON;
        set_error(acc, "a stream event is not valid JSON", "invalid_json", 0);
        return -1;
    }
    acc->json_events++;
    int rc = apply_event(acc, root);
    /* The deltas point into the event's JSON and live for the callbacks only: freed now, so
     * the next event's parse reuses the same memory. */
    json_object_put(root);
    acc->n_deltas = 0;
    return rc;
}

/* ---- queries ------------------------------------------------------------------------------- */

gacc_state gacc_state_of(const gacc *acc)
{
    if (acc->errored)
        return GACC_ERROR;
    return acc->done ? GACC_DONE : GACC_RUNNING;
}

void gacc_error(const gacc *acc, const char **message, const char **type, int64_t *code)
{
    if (message != NULL)
        *message = acc->errored ? acc->err_message : NULL;
    if (type != NULL)
        *type = acc->errored ? acc->err_type : NULL;
    if (code != NULL)
        *code = acc->errored ? acc->err_code : 0;
}

size_t gacc_json_events(const gacc *acc) { return acc->json_events; }

gacc_failure gacc_failure_of(const gacc *acc) { return acc->failure; }

const genapi_error *gacc_failure_error(const gacc *acc) { return &acc->fail_err; }

/* ---- building results ---------------------------------------------------------------------- */

/* Copy a string into the result arena (NULL stays NULL); sets *oom on failure. */
static const char *dup_str(ga_arena *ar, const char *s, int *oom)
{
    if (s == NULL)
        return NULL;
    const char *d = ga_arena_strdup(ar, s);
    if (d == NULL)
        *oom = 1;
    return d;
}

/* The accumulated text of b ("" when nothing arrived) in the result arena. */
static const char *dup_buf(ga_arena *ar, const ga_buf *b, size_t *len_out, int *oom)
{
    const char *d = ga_arena_strndup(ar, b->data != NULL ? b->data : "", b->len);
    if (d == NULL)
        *oom = 1;
    if (len_out != NULL)
        *len_out = b->len;
    return d;
}

/* Deep copy of a choice's logprob entries (NULL when no chunk carried logprobs). */
static const genapi_logprobs *dup_logprobs(ga_arena *ar, const acc_choice *c, int *oom)
{
    if (!c->has_logprobs)
        return NULL;
    genapi_logprobs *out = ga_arena_alloc(ar, sizeof *out);
    genapi_token_logprob *items = ga_arena_alloc(ar, (c->n_lp ? c->n_lp : 1) * sizeof *items);
    if (out == NULL || items == NULL) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < c->n_lp; i++) {
        const genapi_token_logprob *s = &c->lp[i];
        genapi_token_logprob *t = &items[i];
        *t = *s;
        t->token = dup_str(ar, s->token, oom);
        if (s->bytes != NULL) {
            uint8_t *b = ga_arena_alloc(ar, s->n_bytes ? s->n_bytes : 1);
            if (b == NULL) {
                *oom = 1;
                return NULL;
            }
            if (s->n_bytes)
                memcpy(b, s->bytes, s->n_bytes);
            t->bytes = b;
        }
        if (s->top != NULL) {
            genapi_top_logprob *top = ga_arena_alloc(ar, (s->top_count ? s->top_count : 1) * sizeof *top);
            if (top == NULL) {
                *oom = 1;
                return NULL;
            }
            for (size_t k = 0; k < s->top_count; k++) {
                top[k].token = dup_str(ar, s->top[k].token, oom);
                top[k].logprob = s->top[k].logprob;
            }
            t->top = top;
        }
    }
    out->items = items;
    out->count = c->n_lp;
    return out;
}

static const genapi_tool_call *dup_tools(ga_arena *ar, const acc_choice *c, int *oom)
{
    if (c->n_tools == 0)
        return NULL;
    genapi_tool_call *calls = ga_arena_alloc(ar, c->n_tools * sizeof *calls);
    if (calls == NULL) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < c->n_tools; i++) {
        const acc_tool *t = &c->tools[i];
        calls[i].index = t->index;
        calls[i].id = dup_str(ar, t->id, oom);
        calls[i].type = dup_str(ar, t->type, oom);
        calls[i].name = dup_str(ar, t->name, oom);
        calls[i].arguments = t->has_args ? dup_buf(ar, &t->args, NULL, oom) : NULL;
    }
    return calls;
}

typedef GA_RESULT_HOLDER(genapi_chat_result) chat_holder;
typedef GA_RESULT_HOLDER(genapi_completion_result) completion_holder;

genapi_chat_result *gacc_chat_result(const gacc *acc, int http_status)
{
    chat_holder *h = ga_calloc(&acc->alloc, 1, sizeof *h);
    if (h == NULL)
        return NULL;
    ga_arena_init(&h->ar, &acc->alloc);
    genapi_chat_result *r = &h->pub;
    r->struct_size = (uint32_t)sizeof *r;
    r->internal = h;
    r->http_status = http_status;
    r->prompt_logprobs_count = -1;
    int oom = 0;
    r->id = dup_str(&h->ar, acc->id, &oom);
    r->model = dup_str(&h->ar, acc->model, &oom);
    r->object = dup_str(&h->ar, "chat.completion", &oom);
    r->created = acc->created;
    r->usage = acc->usage;
    genapi_chat_choice *ch = ga_arena_alloc(&h->ar, (acc->n_choices ? acc->n_choices : 1) * sizeof *ch);
    if (ch == NULL)
        oom = 1;
    for (size_t i = 0; ch != NULL && i < acc->n_choices; i++) {
        const acc_choice *c = &acc->choices[i];
        ch[i].index = c->index;
        ch[i].role = dup_str(&h->ar, c->role, &oom);
        ch[i].content = dup_buf(&h->ar, &c->content, &ch[i].content_len, &oom);
        ch[i].reasoning = c->has_reasoning ? dup_buf(&h->ar, &c->reasoning, &ch[i].reasoning_len, &oom) : NULL;
        ch[i].finish_reason = dup_str(&h->ar, c->finish_reason, &oom);
        ch[i].stop_reason_kind = c->stop_reason_kind;
        ch[i].stop_token = c->stop_token;
        ch[i].stop_string = dup_str(&h->ar, c->stop_string, &oom);
        ch[i].tool_calls = dup_tools(&h->ar, c, &oom);
        ch[i].tool_call_count = ch[i].tool_calls != NULL ? c->n_tools : 0;
        ch[i].logprobs = dup_logprobs(&h->ar, c, &oom);
    }
    if (oom) {
        genapi_chat_result_free(r);
        return NULL;
    }
    r->choices = ch;
    r->choice_count = acc->n_choices;
    return r;
}

genapi_completion_result *gacc_completion_result(const gacc *acc, int http_status)
{
    completion_holder *h = ga_calloc(&acc->alloc, 1, sizeof *h);
    if (h == NULL)
        return NULL;
    ga_arena_init(&h->ar, &acc->alloc);
    genapi_completion_result *r = &h->pub;
    r->struct_size = (uint32_t)sizeof *r;
    r->internal = h;
    r->http_status = http_status;
    int oom = 0;
    r->id = dup_str(&h->ar, acc->id, &oom);
    r->model = dup_str(&h->ar, acc->model, &oom);
    r->object = dup_str(&h->ar, "text_completion", &oom);
    r->created = acc->created;
    r->usage = acc->usage;
    genapi_completion_choice *ch = ga_arena_alloc(&h->ar, (acc->n_choices ? acc->n_choices : 1) * sizeof *ch);
    if (ch == NULL)
        oom = 1;
    for (size_t i = 0; ch != NULL && i < acc->n_choices; i++) {
        const acc_choice *c = &acc->choices[i];
        ch[i].index = c->index;
        ch[i].text = dup_buf(&h->ar, &c->content, &ch[i].text_len, &oom);
        ch[i].finish_reason = dup_str(&h->ar, c->finish_reason, &oom);
        ch[i].stop_reason_kind = c->stop_reason_kind;
        ch[i].stop_token = c->stop_token;
        ch[i].stop_string = dup_str(&h->ar, c->stop_string, &oom);
        ch[i].logprobs = dup_logprobs(&h->ar, c, &oom);
        ch[i].prompt_logprobs_count = -1; /* prompt_logprobs cannot be streamed */
    }
    if (oom) {
        genapi_completion_result_free(r);
        return NULL;
    }
    r->choices = ch;
    r->choice_count = acc->n_choices;
    return r;
}
