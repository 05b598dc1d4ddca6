/* Fixture-driven tests of the text completion parser (genapi_completion_result_parse). Every
 * case directory under <fixtures>/completions/ becomes one test; its expected.json (normalized
 * form "completion", see the fixtures README) is compared field by field with the typed result,
 * logprobs included. There is no genapi_completion_result_to_json, hence no round-trip test. */
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

#include <genapi/client.h>
#include <genapi/completions.h>
#include <genapi/logprobs.h>

#include "test_support.h"

#define COMPLETIONS_DIR "completions"

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

/* ---- comparison helpers ------------------------------------------------------------------ */

/* Context of a comparison, for failure messages ("echo_logprobs: choices[0].logprobs.tokens[3]"). */
typedef struct cmp_ctx {
    const char *label; /* case name */
    char where[160];   /* field path */
} cmp_ctx;

#define WHERE(cx, ...) snprintf((cx)->where, sizeof (cx)->where, __VA_ARGS__)

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
    WHERE(cx, "%s.%s", base, key);
    size_t len = exp_array_len(cx, a);
    if (len != n)
        fail_msg("%s: %s: expected.json has %zu entries but count is %zu", cx->label, cx->where, len, n);
    return a;
}

/* logprobs of a completion choice: null => NULL; else count, tokens, values (float|null),
 * top_counts (int|null) and text_offset, entry by entry. Logprob values are compared exactly as
 * the JSON doubles json-c reads from expected.json (they are copied verbatim from the body). */
static void check_logprobs(const char *label, size_t ci, json_object *elp, const genapi_logprobs *lp)
{
    cmp_ctx cxs;
    cmp_ctx *cx = &cxs;
    cx->label = label;
    char base[64];
    snprintf(base, sizeof base, "choices[%zu].logprobs", ci);

    WHERE(cx, "%s", base);
    if (elp == NULL) {
        if (lp != NULL)
            fail_msg("%s: %s: expected null, got %zu entries", label, cx->where, lp->count);
        return;
    }
    if (!json_object_is_type(elp, json_type_object))
        fail_msg("%s: %s: expected.json value is not an object or null", label, cx->where);
    if (lp == NULL)
        fail_msg("%s: %s: expected an object, got NULL", label, cx->where);

    WHERE(cx, "%s.count", base);
    size_t n = (size_t)exp_int(cx, get_key(elp, "count"));
    if (lp->count != n)
        fail_msg("%s: %s: expected %zu, got %zu", label, cx->where, n, lp->count);
    if (n > 0 && lp->items == NULL)
        fail_msg("%s: %s.items is NULL but count is %zu", label, base, lp->count);

    json_object *toks = exp_lp_array(cx, base, elp, "tokens", n);
    json_object *vals = exp_lp_array(cx, base, elp, "values", n);
    json_object *tops = exp_lp_array(cx, base, elp, "top_counts", n);
    json_object *offs = exp_lp_array(cx, base, elp, "text_offset", n);

    for (size_t i = 0; i < n; i++) {
        const genapi_token_logprob *t = &lp->items[i];

        WHERE(cx, "%s.tokens[%zu]", base, i);
        json_object *et = json_object_array_get_idx(toks, i);
        if (et == NULL)
            fail_msg("%s: %s: expected.json token is null", label, cx->where);
        check_str(cx, et, t->token);

        WHERE(cx, "%s.values[%zu]", base, i);
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

        WHERE(cx, "%s.top_counts[%zu]", base, i);
        json_object *ec = json_object_array_get_idx(tops, i);
        if (ec == NULL) {
            if (t->has_top != 0)
                fail_msg("%s: %s: expected null (has_top 0), got has_top %d with %zu alternatives", label, cx->where,
                         (int)t->has_top, t->top_count);
            if (t->top_count != 0)
                fail_msg("%s: %s: expected no alternatives when has_top is 0, got %zu", label, cx->where,
                         t->top_count);
        } else {
            int64_t e = exp_int(cx, ec);
            if (t->has_top != 1)
                fail_msg("%s: %s: expected %" PRId64 " alternatives (has_top 1), got has_top %d", label, cx->where, e,
                         (int)t->has_top);
            if ((int64_t)t->top_count != e)
                fail_msg("%s: %s: expected %" PRId64 ", got %zu", label, cx->where, e, t->top_count);
        }
        if (t->top_count > 0 && t->top == NULL)
            fail_msg("%s: %s.items[%zu].top is NULL but top_count is %zu", label, base, i, t->top_count);
        for (size_t k = 0; k < t->top_count; k++)
            if (t->top[k].token == NULL)
                fail_msg("%s: %s.items[%zu].top[%zu].token is NULL", label, base, i, k);

        WHERE(cx, "%s.text_offset[%zu]", base, i);
        check_int(cx, json_object_array_get_idx(offs, i), t->text_offset);

        /* bytes are documented as chat only */
        if (t->bytes != NULL || t->n_bytes != 0)
            fail_msg("%s: %s.items[%zu].bytes: expected NULL/0 for a completion, got %p/%zu", label, base, i,
                     (const void *)t->bytes, t->n_bytes);
    }
}

static void check_choice(const char *label, size_t i, json_object *exp, const genapi_completion_choice *ch)
{
    cmp_ctx cxs;
    cmp_ctx *cx = &cxs;
    cx->label = label;

    WHERE(cx, "choices[%zu].index", i);
    check_int(cx, get_key(exp, "index"), ch->index);

    /* text: exact bytes */
    WHERE(cx, "choices[%zu].text", i);
    check_str_len(cx, get_key(exp, "text"), ch->text, ch->text_len);

    WHERE(cx, "choices[%zu].finish_reason", i);
    check_str(cx, get_key(exp, "finish_reason"), ch->finish_reason);

    WHERE(cx, "choices[%zu].stop_reason", i);
    json_object *sr = get_key(exp, "stop_reason");
    if (sr == NULL) {
        if (ch->stop_reason_kind != GENAPI_STOP_REASON_NONE)
            fail_msg("%s: %s: expected null (kind NONE), got kind %d", label, cx->where, (int)ch->stop_reason_kind);
    } else if (json_object_is_type(sr, json_type_int)) {
        if (ch->stop_reason_kind != GENAPI_STOP_REASON_TOKEN)
            fail_msg("%s: %s: expected token %" PRId64 " (kind TOKEN), got kind %d", label, cx->where,
                     json_object_get_int64(sr), (int)ch->stop_reason_kind);
        check_int(cx, sr, ch->stop_token);
    } else if (json_object_is_type(sr, json_type_string)) {
        if (ch->stop_reason_kind != GENAPI_STOP_REASON_STRING)
            fail_msg("%s: %s: expected string \"%s\" (kind STRING), got kind %d", label, cx->where,
                     json_object_get_string(sr), (int)ch->stop_reason_kind);
        check_str(cx, sr, ch->stop_string);
    } else {
        fail_msg("%s: %s: expected.json stop_reason is neither int, string nor null", label, cx->where);
    }

    WHERE(cx, "choices[%zu].reserved", i);
    if (ch->reserved != 0)
        fail_msg("%s: %s: expected 0, got %d", label, cx->where, (int)ch->reserved);

    check_logprobs(label, i, get_key(exp, "logprobs"), ch->logprobs);

    /* prompt_logprobs_count: int, or null => -1 */
    WHERE(cx, "choices[%zu].prompt_logprobs_count", i);
    json_object *plc = get_key(exp, "prompt_logprobs_count");
    if (plc == NULL) {
        if (ch->prompt_logprobs_count != -1)
            fail_msg("%s: %s: expected null (-1), got %" PRId64, label, cx->where, ch->prompt_logprobs_count);
    } else {
        check_int(cx, plc, ch->prompt_logprobs_count);
    }

    /* "token_ids" has no typed field in genapi_completion_choice: not compared. */
}

static void check_result(const char *label, json_object *exp, const genapi_completion_result *r)
{
    cmp_ctx cxs;
    cmp_ctx *cx = &cxs;
    cx->label = label;
    assert_non_null(r);

    if (r->struct_size != sizeof *r)
        fail_msg("%s: struct_size is %u, expected %zu", label, (unsigned)r->struct_size, sizeof *r);

    json_object *kind = get_key(exp, "kind");
    if (kind == NULL || !json_object_is_type(kind, json_type_string) ||
        strcmp(json_object_get_string(kind), "completion") != 0)
        fail_msg("%s: expected.json kind is not \"completion\"", label);

    WHERE(cx, "http_status");
    check_int(cx, get_key(exp, "http_status"), r->http_status);

    WHERE(cx, "id");
    check_str(cx, get_key(exp, "id"), r->id);

    WHERE(cx, "model");
    check_str(cx, get_key(exp, "model"), r->model);

    WHERE(cx, "created");
    json_object *created = get_key(exp, "created");
    if (created == NULL) {
        if (r->created != 0)
            fail_msg("%s: created: expected absent (0), got %" PRId64, label, r->created);
    } else {
        check_int(cx, created, r->created);
    }

    WHERE(cx, "request_id");
    if (r->request_id != NULL)
        fail_msg("%s: request_id: expected NULL from a parsed body, got \"%s\"", label, r->request_id);

    WHERE(cx, "choices");
    json_object *choices = get_key(exp, "choices");
    size_t n = exp_array_len(cx, choices);
    if (r->choice_count != n)
        fail_msg("%s: choices: expected %zu choices, got %zu", label, n, r->choice_count);
    if (n > 0 && r->choices == NULL)
        fail_msg("%s: choices is NULL but choice_count is %zu", label, r->choice_count);
    for (size_t i = 0; i < n; i++)
        check_choice(label, i, json_object_array_get_idx(choices, i), &r->choices[i]);

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
        WHERE(cx, "usage.prompt_tokens");
        check_int(cx, get_key(usage, "prompt_tokens"), r->usage.prompt_tokens);
        WHERE(cx, "usage.completion_tokens");
        check_int(cx, get_key(usage, "completion_tokens"), r->usage.completion_tokens);
        WHERE(cx, "usage.total_tokens");
        check_int(cx, get_key(usage, "total_tokens"), r->usage.total_tokens);
    }
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
    char *body;
    size_t body_len;
    json_object *expected;
    genapi_client *client;
    genapi_completion_result *result;
} test_state;

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
    genapi_completion_result_free(ts->result);
    genapi_client_free(ts->client);
    json_object_put(ts->expected);
    free(ts->body);
    free_cases(&ts->cases);
    free(ts);
    *state = NULL;
    return 0;
}

/* Parse response.body of one case and compare with its expected.json. */
static void test_completion_fixture(void **state)
{
    test_state *ts = *state;
    const char *fx = ts_fixtures_dir();
    if (fx == NULL)
        skip();
    const char *name = ts->name;
    char path[8192];

    snprintf(path, sizeof path, "%s/%s/%s/response.body", fx, COMPLETIONS_DIR, name);
    ts->body = ts_read_file(path, &ts->body_len);
    if (ts->body == NULL)
        fail_msg("%s: cannot read %s", name, path);

    snprintf(path, sizeof path, "%s/%s/%s/expected.json", fx, COMPLETIONS_DIR, name);
    ts->expected = json_object_from_file(path);
    if (ts->expected == NULL || !json_object_is_type(ts->expected, json_type_object))
        fail_msg("%s: cannot parse %s", name, path);

    ts->client = new_client();
    genapi_error err;
    genapi_status st = genapi_completion_result_parse(ts->client, ts->body, ts->body_len, &ts->result, &err);
    if (st != GENAPI_OK)
        fail_msg("%s: genapi_completion_result_parse failed: %d %s", name, (int)st, err.message);
    check_result(name, ts->expected, ts->result);
}

/* The fixtures directory must hold at least one completions case (guards against a moved
 * directory silently running nothing). */
static void test_completion_fixtures_present(void **state)
{
    test_state *ts = *state;
    const char *fx = ts_fixtures_dir();
    if (fx == NULL)
        skip();
    ts->cases = list_cases(fx, COMPLETIONS_DIR);
    if (ts->cases.count == 0)
        fail_msg("no case directories under %s/%s", fx, COMPLETIONS_DIR);
}

int main(void)
{
    const char *fx = ts_fixtures_dir();
    case_list l = {NULL, 0};
    if (fx != NULL)
        l = list_cases(fx, COMPLETIONS_DIR);

    const size_t fixed = 1;
    struct CMUnitTest *tests = calloc(l.count + fixed, sizeof *tests);
    char **names = calloc(l.count + 1, sizeof *names);
    if (tests == NULL || names == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    size_t n = 0;
    tests[n].name = "completion_fixtures_present";
    tests[n].test_func = test_completion_fixtures_present;
    tests[n].setup_func = setup_state;
    tests[n].teardown_func = teardown_state;
    n++;
    for (size_t i = 0; i < l.count; i++) {
        size_t len = strlen(COMPLETIONS_DIR) + 1 + strlen(l.names[i]) + 1;
        names[i] = malloc(len);
        if (names[i] == NULL) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
        snprintf(names[i], len, "%s/%s", COMPLETIONS_DIR, l.names[i]);
        tests[n].name = names[i];
        tests[n].test_func = test_completion_fixture;
        tests[n].initial_state = l.names[i];
        tests[n].setup_func = setup_state;
        tests[n].teardown_func = teardown_state;
        n++;
    }

    int rc = _cmocka_run_group_tests("fixtures_completions", tests, n, NULL, NULL);

    for (size_t i = 0; i < l.count; i++)
        free(names[i]);
    free(names);
    free(tests);
    free_cases(&l);
    return rc;
}
