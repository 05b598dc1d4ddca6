/* Fixture-driven tests of the chat completion parser (genapi_chat_result_parse) and of its
 * re-serialization (genapi_chat_result_to_json). Every case directory under
 * <fixtures>/chat_completions/ becomes one test; its expected.json (normalized form, see the
 * fixtures README) is compared field by field with the typed result, logprobs included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include <genapi/chat.h>
#include <genapi/client.h>
#include <genapi/logprobs.h>

#include "test_support.h"

#define CHAT_DIR "chat_completions"

/* ---- fixture discovery ------------------------------------------------------------------- */

typedef struct case_list {
    char **names;
    size_t count;
} case_list;

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the sub-directories of <fixtures>/<endpoint>. */
static case_list list_cases(const char *fixtures, const char *endpoint)
{
    case_list out = {NULL, 0};
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", fixtures, endpoint);
    DIR *d = opendir(dir);
    if (d == NULL)
        return out;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (out.count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **p = realloc(out.names, ncap * sizeof *p);
            if (p == NULL)
                break;
            out.names = p;
            cap = ncap;
        }
        size_t len = strlen(e->d_name);
        char *name = malloc(len + 1);
        if (name == NULL)
            break;
        memcpy(name, e->d_name, len + 1);
        out.names[out.count++] = name;
    }
    closedir(d);
    if (out.count > 1)
        qsort(out.names, out.count, sizeof *out.names, cmp_names);
    return out;
}

static void free_cases(case_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->names[i]);
    free(l->names);
    l->names = NULL;
    l->count = 0;
}

/* One loaded case: body bytes and the parsed expected.json. */
typedef struct chat_case {
    const char *name;
    char *body;
    size_t body_len;
    json_object *expected;
} chat_case;

static void load_case(const char *name, chat_case *c)
{
    const char *fx = ts_fixtures_dir();
    assert_non_null(fx);
    char path[8192];
    memset(c, 0, sizeof *c);
    c->name = name;

    snprintf(path, sizeof path, "%s/%s/%s/response.body", fx, CHAT_DIR, name);
    c->body = ts_read_file(path, &c->body_len);
    if (c->body == NULL)
        fail_msg("%s: cannot read %s", name, path);

    snprintf(path, sizeof path, "%s/%s/%s/expected.json", fx, CHAT_DIR, name);
    c->expected = json_object_from_file(path);
    if (c->expected == NULL || !json_object_is_type(c->expected, json_type_object)) {
        json_object_put(c->expected);
        c->expected = NULL;
        free(c->body);
        c->body = NULL;
        fail_msg("%s: cannot parse %s", name, path);
    }
}

static void free_case(chat_case *c)
{
    json_object_put(c->expected);
    free(c->body);
    memset(c, 0, sizeof *c);
}

/* ---- comparison helpers ------------------------------------------------------------------ */

/* Context of a comparison, for failure messages ("plain: choices[0].content"). */
typedef struct cmp_ctx {
    const char *label; /* case name, plus "(round trip)" when relevant */
    char where[160];   /* field path */
} cmp_ctx;

static json_object *get_key(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o == NULL || !json_object_object_get_ex(o, key, &v))
        return NULL; /* missing == null */
    return v;
}

/* Compare a (possibly NULL) byte string with an expected JSON string or null. */
static void check_str_len(const cmp_ctx *cx, json_object *exp, const char *act, size_t act_len)
{
    if (exp == NULL) {
        if (act != NULL)
            fail_msg("%s: %s: expected null, got \"%s\"", cx->label, cx->where, act);
        return;
    }
    if (!json_object_is_type(exp, json_type_string))
        fail_msg("%s: %s: expected.json value is not a string or null", cx->label, cx->where);
    const char *es = json_object_get_string(exp);
    size_t elen = (size_t)json_object_get_string_len(exp);
    if (act == NULL)
        fail_msg("%s: %s: expected \"%s\", got null", cx->label, cx->where, es);
    if (act_len != elen || memcmp(act, es, elen) != 0)
        fail_msg("%s: %s: expected \"%s\" (%zu bytes), got \"%s\" (%zu bytes)", cx->label, cx->where, es, elen, act,
                 act_len);
}

static void check_str(const cmp_ctx *cx, json_object *exp, const char *act)
{
    check_str_len(cx, exp, act, act ? strlen(act) : 0);
}

static int64_t exp_int(const cmp_ctx *cx, json_object *exp)
{
    if (exp == NULL || !json_object_is_type(exp, json_type_int))
        fail_msg("%s: %s: expected.json value is not an integer", cx->label, cx->where);
    return json_object_get_int64(exp);
}

static void check_int(const cmp_ctx *cx, json_object *exp, int64_t act)
{
    int64_t e = exp_int(cx, exp);
    if (e != act)
        fail_msg("%s: %s: expected %" PRId64 ", got %" PRId64, cx->label, cx->where, e, act);
}

static size_t exp_array_len(const cmp_ctx *cx, json_object *arr)
{
    if (arr == NULL || !json_object_is_type(arr, json_type_array))
        fail_msg("%s: %s: expected.json value is not an array", cx->label, cx->where);
    return json_object_array_length(arr);
}

/* Expected array `key` of the logprobs object, which must hold exactly n entries. */
static json_object *exp_lp_array(cmp_ctx *cx, const char *base, json_object *elp, const char *key, size_t n)
{
    json_object *a = get_key(elp, key);
    snprintf(cx->where, sizeof cx->where, "%s.%s", base, key);
    size_t len = exp_array_len(cx, a);
    if (len != n)
        fail_msg("%s: %s: expected.json has %zu entries but count is %zu", cx->label, cx->where, len, n);
    return a;
}

/* logprobs of a chat choice: null => NULL; else count (len of logprobs.content), and per entry
 * token, logprob (compared exactly as the JSON double json-c reads from expected.json, which
 * copies the body verbatim) and top_count (len of top_logprobs). */
static void check_logprobs(const char *label, size_t ci, json_object *elp, const genapi_logprobs *lp)
{
    cmp_ctx cxs;
    cmp_ctx *cx = &cxs;
    cx->label = label;
    char base[64];
    snprintf(base, sizeof base, "choices[%zu].logprobs", ci);

    snprintf(cx->where, sizeof cx->where, "%s", base);
    if (elp == NULL) {
        if (lp != NULL)
            fail_msg("%s: %s: expected null, got %zu entries", label, cx->where, lp->count);
        return;
    }
    if (!json_object_is_type(elp, json_type_object))
        fail_msg("%s: %s: expected.json value is not an object or null", label, cx->where);
    if (lp == NULL)
        fail_msg("%s: %s: expected an object, got NULL", label, cx->where);

    snprintf(cx->where, sizeof cx->where, "%s.count", base);
    size_t n = (size_t)exp_int(cx, get_key(elp, "count"));
    if (lp->count != n)
        fail_msg("%s: %s: expected %zu, got %zu", label, cx->where, n, lp->count);
    if (n > 0 && lp->items == NULL)
        fail_msg("%s: %s.items is NULL but count is %zu", label, base, lp->count);

    json_object *toks = exp_lp_array(cx, base, elp, "tokens", n);
    json_object *vals = exp_lp_array(cx, base, elp, "values", n);
    json_object *tops = exp_lp_array(cx, base, elp, "top_counts", n);

    for (size_t i = 0; i < n; i++) {
        const genapi_token_logprob *t = &lp->items[i];

        snprintf(cx->where, sizeof cx->where, "%s.tokens[%zu]", base, i);
        json_object *et = json_object_array_get_idx(toks, i);
        if (et == NULL)
            fail_msg("%s: %s: expected.json token is null", label, cx->where);
        check_str(cx, et, t->token);

        /* values: [float] for chat; a null is still accepted as "has_logprob == 0" */
        snprintf(cx->where, sizeof cx->where, "%s.values[%zu]", base, i);
        json_object *ev = json_object_array_get_idx(vals, i);
        if (ev == NULL) {
            if (t->has_logprob != 0)
                fail_msg("%s: %s: expected null (has_logprob 0), got has_logprob %d (logprob %.17g)", label, cx->where,
                         (int)t->has_logprob, t->logprob);
        } else {
            if (!json_object_is_type(ev, json_type_double) && !json_object_is_type(ev, json_type_int))
                fail_msg("%s: %s: expected.json value is not a number or null", label, cx->where);
            double e = json_object_get_double(ev);
            if (t->has_logprob != 1)
                fail_msg("%s: %s: expected %.17g (has_logprob 1), got has_logprob %d", label, cx->where, e,
                         (int)t->has_logprob);
            if (t->logprob != e) /* exact: both are the same JSON text read by strtod */
                fail_msg("%s: %s: expected %.17g, got %.17g", label, cx->where, e, t->logprob);
        }

        snprintf(cx->where, sizeof cx->where, "%s.top_counts[%zu]", base, i);
        json_object *ec = json_object_array_get_idx(tops, i);
        if (ec == NULL) {
            if (t->has_top != 0 || t->top_count != 0)
                fail_msg("%s: %s: expected null (has_top 0), got has_top %d with %zu alternatives", label, cx->where,
                         (int)t->has_top, t->top_count);
        } else {
            int64_t e = exp_int(cx, ec);
            if ((int64_t)t->top_count != e)
                fail_msg("%s: %s: expected %" PRId64 ", got %zu", label, cx->where, e, t->top_count);
            if (e > 0 && t->has_top != 1)
                fail_msg("%s: %s: %" PRId64 " alternatives but has_top is %d", label, cx->where, e, (int)t->has_top);
        }
        if (t->top_count > 0 && t->top == NULL)
            fail_msg("%s: %s.items[%zu].top is NULL but top_count is %zu", label, base, i, t->top_count);
        for (size_t k = 0; k < t->top_count; k++)
            if (t->top[k].token == NULL)
                fail_msg("%s: %s.items[%zu].top[%zu].token is NULL", label, base, i, k);

        /* text_offset is documented as completions only: -1 for chat */
        if (t->text_offset != -1)
            fail_msg("%s: %s.items[%zu].text_offset: expected -1 for chat, got %" PRId64, label, base, i,
                     t->text_offset);
        if (t->n_bytes > 0 && t->bytes == NULL)
            fail_msg("%s: %s.items[%zu].bytes is NULL but n_bytes is %zu", label, base, i, t->n_bytes);
    }
}

static void check_choice(const char *label, size_t i, json_object *exp, const genapi_chat_choice *ch)
{
    cmp_ctx cx;
    cx.label = label;

#define WHERE(...) snprintf(cx.where, sizeof cx.where, __VA_ARGS__)
    WHERE("choices[%zu].index", i);
    check_int(&cx, get_key(exp, "index"), ch->index);

    WHERE("choices[%zu].role", i);
    check_str(&cx, get_key(exp, "role"), ch->role);

    /* content: exact bytes; "" and null differ */
    WHERE("choices[%zu].content", i);
    check_str_len(&cx, get_key(exp, "content"), ch->content, ch->content_len);

    WHERE("choices[%zu].reasoning", i);
    check_str(&cx, get_key(exp, "reasoning"), ch->reasoning);

    WHERE("choices[%zu].finish_reason", i);
    check_str(&cx, get_key(exp, "finish_reason"), ch->finish_reason);

    WHERE("choices[%zu].stop_reason", i);
    json_object *sr = get_key(exp, "stop_reason");
    if (sr == NULL) {
        if (ch->stop_reason_kind != GENAPI_STOP_REASON_NONE)
            fail_msg("%s: %s: expected null (kind NONE), got kind %d", label, cx.where, (int)ch->stop_reason_kind);
    } else if (json_object_is_type(sr, json_type_int)) {
        if (ch->stop_reason_kind != GENAPI_STOP_REASON_TOKEN)
            fail_msg("%s: %s: expected token %" PRId64 " (kind TOKEN), got kind %d", label, cx.where,
                     json_object_get_int64(sr), (int)ch->stop_reason_kind);
        check_int(&cx, sr, ch->stop_token);
    } else if (json_object_is_type(sr, json_type_string)) {
        if (ch->stop_reason_kind != GENAPI_STOP_REASON_STRING)
            fail_msg("%s: %s: expected string \"%s\" (kind STRING), got kind %d", label, cx.where,
                     json_object_get_string(sr), (int)ch->stop_reason_kind);
        check_str(&cx, sr, ch->stop_string);
    } else {
        fail_msg("%s: %s: expected.json stop_reason is neither int, string nor null", label, cx.where);
    }

    WHERE("choices[%zu].tool_calls", i);
    json_object *tcs = get_key(exp, "tool_calls");
    size_t ntc = tcs ? exp_array_len(&cx, tcs) : 0; /* missing == null == none */
    if (ch->tool_call_count != ntc)
        fail_msg("%s: %s: expected %zu tool calls, got %zu", label, cx.where, ntc, ch->tool_call_count);
    if (ntc == 0) {
        if (ch->tool_calls != NULL)
            fail_msg("%s: %s: tool_calls must be NULL when tool_call_count is 0", label, cx.where);
    } else if (ch->tool_calls == NULL) {
        fail_msg("%s: %s: tool_calls is NULL but tool_call_count is %zu", label, cx.where, ch->tool_call_count);
    }
    for (size_t k = 0; k < ntc; k++) {
        json_object *et = json_object_array_get_idx(tcs, k);
        const genapi_tool_call *t = &ch->tool_calls[k];
        WHERE("choices[%zu].tool_calls[%zu].index", i, k);
        check_int(&cx, get_key(et, "index"), t->index);
        WHERE("choices[%zu].tool_calls[%zu].id", i, k);
        check_str(&cx, get_key(et, "id"), t->id);
        WHERE("choices[%zu].tool_calls[%zu].type", i, k);
        check_str(&cx, get_key(et, "type"), t->type);
        WHERE("choices[%zu].tool_calls[%zu].name", i, k);
        check_str(&cx, get_key(et, "name"), t->name);
        WHERE("choices[%zu].tool_calls[%zu].arguments", i, k);
        check_str(&cx, get_key(et, "arguments"), t->arguments);
    }
    check_logprobs(label, i, get_key(exp, "logprobs"), ch->logprobs);

    /* "token_ids" has no typed field in genapi_chat_choice: not compared. */
#undef WHERE
}

/* check_result compares prompt_logprobs_count with want_plc (see expected_prompt_logprobs_count). */
static void check_result(const char *label, json_object *exp, int64_t want_plc, const genapi_chat_result *r)
{
    cmp_ctx cx;
    cx.label = label;
    assert_non_null(r);

    snprintf(cx.where, sizeof cx.where, "struct_size");
    if (r->struct_size != sizeof *r)
        fail_msg("%s: struct_size is %u, expected %zu", label, (unsigned)r->struct_size, sizeof *r);

    snprintf(cx.where, sizeof cx.where, "http_status");
    check_int(&cx, get_key(exp, "http_status"), r->http_status);

    snprintf(cx.where, sizeof cx.where, "id");
    check_str(&cx, get_key(exp, "id"), r->id);

    snprintf(cx.where, sizeof cx.where, "model");
    check_str(&cx, get_key(exp, "model"), r->model);

    snprintf(cx.where, sizeof cx.where, "created");
    json_object *created = get_key(exp, "created");
    if (created == NULL) {
        if (r->created != 0)
            fail_msg("%s: created: expected absent (0), got %" PRId64, label, r->created);
    } else {
        check_int(&cx, created, r->created);
    }

    snprintf(cx.where, sizeof cx.where, "choices");
    json_object *choices = get_key(exp, "choices");
    size_t n = exp_array_len(&cx, choices);
    if (r->choice_count != n)
        fail_msg("%s: choices: expected %zu choices, got %zu", label, n, r->choice_count);
    if (n > 0 && r->choices == NULL)
        fail_msg("%s: choices is NULL but choice_count is %zu", label, r->choice_count);
    for (size_t i = 0; i < n; i++)
        check_choice(label, i, json_object_array_get_idx(choices, i), &r->choices[i]);

    if (r->prompt_logprobs_count != want_plc)
        fail_msg("%s: prompt_logprobs_count: expected %" PRId64 ", got %" PRId64, label, want_plc,
                 r->prompt_logprobs_count);

    json_object *usage = get_key(exp, "usage");
    if (usage == NULL) {
        if (r->usage.present != 0)
            fail_msg("%s: usage: expected null (present == 0), got present == %d", label, (int)r->usage.present);
        if (r->usage.prompt_tokens != 0 || r->usage.completion_tokens != 0 || r->usage.total_tokens != 0)
            fail_msg("%s: usage: counts must be 0 when usage is absent (got %" PRId64 "/%" PRId64 "/%" PRId64 ")",
                     label, r->usage.prompt_tokens, r->usage.completion_tokens, r->usage.total_tokens);
    } else {
        if (r->usage.present != 1)
            fail_msg("%s: usage: expected present == 1, got %d", label, (int)r->usage.present);
        snprintf(cx.where, sizeof cx.where, "usage.prompt_tokens");
        check_int(&cx, get_key(usage, "prompt_tokens"), r->usage.prompt_tokens);
        snprintf(cx.where, sizeof cx.where, "usage.completion_tokens");
        check_int(&cx, get_key(usage, "completion_tokens"), r->usage.completion_tokens);
        snprintf(cx.where, sizeof cx.where, "usage.total_tokens");
        check_int(&cx, get_key(usage, "total_tokens"), r->usage.total_tokens);
    }
}

/* Expected genapi_chat_result::prompt_logprobs_count. The "chat" kind of expected.json has no
 * such key, so unless a fixture adds "prompt_logprobs_count" (int, or null => -1) it is derived
 * from the body itself: the length of its top-level "prompt_logprobs" array, -1 when that is
 * missing or null. */
static int64_t expected_prompt_logprobs_count(const chat_case *c)
{
    json_object *v = NULL;
    if (json_object_object_get_ex(c->expected, "prompt_logprobs_count", &v)) {
        if (v == NULL)
            return -1;
        if (!json_object_is_type(v, json_type_int))
            fail_msg("%s: expected.json prompt_logprobs_count is neither int nor null", c->name);
        return json_object_get_int64(v);
    }
    json_tokener *tok = json_tokener_new();
    assert_non_null(tok);
    json_object *root = json_tokener_parse_ex(tok, c->body, (int)c->body_len);
    json_tokener_free(tok);
    if (root == NULL)
        fail_msg("%s: response.body is not JSON (cannot derive prompt_logprobs_count)", c->name);
    int64_t n = -1;
    if (json_object_object_get_ex(root, "prompt_logprobs", &v) && json_object_is_type(v, json_type_array))
        n = (int64_t)json_object_array_length(v);
    json_object_put(root);
    return n;
}

/* ---- client ------------------------------------------------------------------------------ */

static genapi_client *new_client(void)
{
    genapi_client_config cfg;
    genapi_error err;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_config_init(&cfg, sizeof cfg), GENAPI_OK);
    cfg.ignore_environment = 1; /* in-process backend, no network */
    genapi_status st = genapi_client_new(&cfg, &c, &err);
    if (st != GENAPI_OK)
        fail_msg("genapi_client_new failed: %d %s", (int)st, err.message);
    assert_non_null(c);
    return c;
}

/* ---- tests --------------------------------------------------------------------------------- */

/* Everything a test allocates lives here, so the teardown frees it even when an assertion
 * fails half-way (cmocka longjmps out of the test). */
typedef struct test_state {
    const char *name; /* case name for per-case tests, else NULL */
    case_list cases;
    chat_case c;
    genapi_client *client;
    genapi_chat_result *first, *second;
    char *json; /* from genapi_chat_result_to_json(first) */
} test_state;

static void release_iteration(test_state *ts)
{
    if (ts->json)
        genapi_chat_result_string_free(ts->first, ts->json);
    ts->json = NULL;
    genapi_chat_result_free(ts->second);
    ts->second = NULL;
    genapi_chat_result_free(ts->first);
    ts->first = NULL;
    free_case(&ts->c);
}

static int setup_state(void **state)
{
    test_state *ts = calloc(1, sizeof *ts);
    if (ts == NULL)
        return -1;
    ts->name = *state; /* initial_state: the case name, or NULL */
    *state = ts;
    return 0;
}

static int teardown_state(void **state)
{
    test_state *ts = *state;
    if (ts == NULL)
        return 0;
    release_iteration(ts);
    genapi_client_free(ts->client);
    free_cases(&ts->cases);
    free(ts);
    *state = NULL;
    return 0;
}

/* Parse response.body of one case and compare with its expected.json. */
static void test_chat_fixture(void **state)
{
    test_state *ts = *state;
    if (ts_fixtures_dir() == NULL)
        skip();
    load_case(ts->name, &ts->c);
    ts->client = new_client();
    genapi_error err;
    genapi_status st = genapi_chat_result_parse(ts->client, ts->c.body, ts->c.body_len, &ts->first, &err);
    if (st != GENAPI_OK)
        fail_msg("%s: genapi_chat_result_parse failed: %d %s", ts->name, (int)st, err.message);
    check_result(ts->name, ts->c.expected, expected_prompt_logprobs_count(&ts->c), ts->first);
}

/* The fixtures directory must hold at least one chat case (guards against a moved directory
 * silently running nothing). */
static void test_chat_fixtures_present(void **state)
{
    test_state *ts = *state;
    const char *fx = ts_fixtures_dir();
    if (fx == NULL)
        skip();
    ts->cases = list_cases(fx, CHAT_DIR);
    if (ts->cases.count == 0)
        fail_msg("no case directories under %s/%s", fx, CHAT_DIR);
}

/* Round trip: parse, re-serialize with genapi_chat_result_to_json, parse that again; the second
 * result must still match expected.json in every compared field. Runs over every case. */
static void test_chat_roundtrip(void **state)
{
    test_state *ts = *state;
    const char *fx = ts_fixtures_dir();
    if (fx == NULL)
        skip();
    ts->cases = list_cases(fx, CHAT_DIR);
    assert_true(ts->cases.count > 0);
    ts->client = new_client();
    for (size_t i = 0; i < ts->cases.count; i++) {
        const char *name = ts->cases.names[i];
        char label[300];
        snprintf(label, sizeof label, "%s (round trip)", name);
        load_case(name, &ts->c);

        genapi_error err;
        genapi_status st = genapi_chat_result_parse(ts->client, ts->c.body, ts->c.body_len, &ts->first, &err);
        if (st != GENAPI_OK)
            fail_msg("%s: first parse failed: %d %s", label, (int)st, err.message);

        st = genapi_chat_result_to_json(ts->first, &ts->json, &err);
        if (st != GENAPI_OK)
            fail_msg("%s: genapi_chat_result_to_json failed: %d %s", label, (int)st, err.message);
        assert_non_null(ts->json);

        st = genapi_chat_result_parse(ts->client, ts->json, strlen(ts->json), &ts->second, &err);
        if (st != GENAPI_OK)
            fail_msg("%s: re-parse failed: %d %s\n%s", label, (int)st, err.message, ts->json);

        check_result(label, ts->c.expected, expected_prompt_logprobs_count(&ts->c), ts->second);
        /* the object string survives too */
        const char *o1 = ts->first->object, *o2 = ts->second->object;
        if ((o1 == NULL) != (o2 == NULL) || (o1 && strcmp(o1, o2) != 0))
            fail_msg("%s: object: \"%s\" became \"%s\"", label, o1 ? o1 : "(null)", o2 ? o2 : "(null)");

        release_iteration(ts);
    }
}

int main(void)
{
    const char *fx = ts_fixtures_dir();
    case_list l = {NULL, 0};
    if (fx != NULL)
        l = list_cases(fx, CHAT_DIR);

    size_t fixed = 2;
    struct CMUnitTest *tests = calloc(l.count + fixed, sizeof *tests);
    char **names = calloc(l.count + 1, sizeof *names);
    if (tests == NULL || names == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    size_t n = 0;
    tests[n].name = "chat_fixtures_present";
    tests[n].test_func = test_chat_fixtures_present;
    tests[n].setup_func = setup_state;
    tests[n].teardown_func = teardown_state;
    n++;
    for (size_t i = 0; i < l.count; i++) {
        size_t len = strlen(CHAT_DIR) + 1 + strlen(l.names[i]) + 1;
        names[i] = malloc(len);
        if (names[i] == NULL) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
        snprintf(names[i], len, "%s/%s", CHAT_DIR, l.names[i]);
        tests[n].name = names[i];
        tests[n].test_func = test_chat_fixture;
        tests[n].initial_state = l.names[i];
        tests[n].setup_func = setup_state;
        tests[n].teardown_func = teardown_state;
        n++;
    }
    tests[n].name = "chat_roundtrip_all_fixtures";
    tests[n].test_func = test_chat_roundtrip;
    tests[n].setup_func = setup_state;
    tests[n].teardown_func = teardown_state;
    n++;

    int rc = _cmocka_run_group_tests("fixtures_chat", tests, n, NULL, NULL);

    for (size_t i = 0; i < l.count; i++)
        free(names[i]);
    free(names);
    free(tests);
    free_cases(&l);
    return rc;
}
