/* Fixture-driven tests of the tokenize parser (genapi_tokenize_result_parse). Every case
 * directory under <fixtures>/tokenize/ becomes one test; its expected.json (normalized form
 * "tokenize", see the fixtures README) is compared field by field with the typed result:
 * count, max_model_len, tokens and token_strs (null => token_strs == NULL). */
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
#include <genapi/tokenize.h>

#include "test_support.h"

#define TOKENIZE_DIR "tokenize"

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

/* Context of a comparison, for failure messages ("prompt_token_strs: tokens[3]"). */
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

static void check_result(const char *label, json_object *exp, const genapi_tokenize_result *r)
{
    cmp_ctx cxs;
    cmp_ctx *cx = &cxs;
    cx->label = label;
    assert_non_null(r);

    if (r->struct_size != sizeof *r)
        fail_msg("%s: struct_size is %u, expected %zu", label, (unsigned)r->struct_size, sizeof *r);
    if (r->reserved != 0)
        fail_msg("%s: reserved: expected 0, got %d", label, (int)r->reserved);

    json_object *kind = get_key(exp, "kind");
    if (kind == NULL || !json_object_is_type(kind, json_type_string) ||
        strcmp(json_object_get_string(kind), "tokenize") != 0)
        fail_msg("%s: expected.json kind is not \"tokenize\"", label);

    WHERE(cx, "count");
    check_int(cx, get_key(exp, "count"), r->count);

    WHERE(cx, "max_model_len");
    check_int(cx, get_key(exp, "max_model_len"), r->max_model_len);

    WHERE(cx, "tokens");
    json_object *toks = get_key(exp, "tokens");
    size_t n = exp_array_len(cx, toks);
    if (r->token_count != n)
        fail_msg("%s: tokens: expected %zu ids, got %zu", label, n, r->token_count);
    if (n > 0 && r->tokens == NULL)
        fail_msg("%s: tokens is NULL but token_count is %zu", label, r->token_count);
    for (size_t i = 0; i < n; i++) {
        WHERE(cx, "tokens[%zu]", i);
        check_int(cx, json_object_array_get_idx(toks, i), r->tokens[i]);
    }

    WHERE(cx, "token_strs");
    json_object *strs = get_key(exp, "token_strs");
    if (strs == NULL) {
        if (r->token_strs != NULL)
            fail_msg("%s: token_strs: expected null (NULL), got a non-NULL array", label);
        return;
    }
    size_t ns = exp_array_len(cx, strs);
    if (r->token_strs == NULL)
        fail_msg("%s: token_strs: expected %zu strings, got NULL", label, ns);
    /* The typed result has no separate length for token_strs: it has one entry per token. */
    if (ns != r->token_count)
        fail_msg("%s: token_strs: expected.json has %zu strings for %zu tokens", label, ns, r->token_count);
    for (size_t i = 0; i < ns; i++) {
        WHERE(cx, "token_strs[%zu]", i);
        json_object *es = json_object_array_get_idx(strs, i);
        if (es == NULL)
            fail_msg("%s: %s: expected.json entry is null", label, cx->where);
        check_str(cx, es, r->token_strs[i]);
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
    genapi_tokenize_result *result;
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
    genapi_tokenize_result_free(ts->result);
    genapi_client_free(ts->client);
    json_object_put(ts->expected);
    free(ts->body);
    free_cases(&ts->cases);
    free(ts);
    *state = NULL;
    return 0;
}

/* Parse response.body of one case and compare with its expected.json. */
static void test_tokenize_fixture(void **state)
{
    test_state *ts = *state;
    const char *fx = ts_fixtures_dir();
    if (fx == NULL)
        skip();
    const char *name = ts->name;
    char path[8192];

    snprintf(path, sizeof path, "%s/%s/%s/response.body", fx, TOKENIZE_DIR, name);
    ts->body = ts_read_file(path, &ts->body_len);
    if (ts->body == NULL)
        fail_msg("%s: cannot read %s", name, path);

    snprintf(path, sizeof path, "%s/%s/%s/expected.json", fx, TOKENIZE_DIR, name);
    ts->expected = json_object_from_file(path);
    if (ts->expected == NULL || !json_object_is_type(ts->expected, json_type_object))
        fail_msg("%s: cannot parse %s", name, path);

    ts->client = new_client();
    genapi_error err;
    genapi_status st = genapi_tokenize_result_parse(ts->client, ts->body, ts->body_len, &ts->result, &err);
    if (st != GENAPI_OK)
        fail_msg("%s: genapi_tokenize_result_parse failed: %d %s", name, (int)st, err.message);
    check_result(name, ts->expected, ts->result);
}

/* The fixtures directory must hold at least one tokenize case (guards against a moved
 * directory silently running nothing). */
static void test_tokenize_fixtures_present(void **state)
{
    test_state *ts = *state;
    const char *fx = ts_fixtures_dir();
    if (fx == NULL)
        skip();
    ts->cases = list_cases(fx, TOKENIZE_DIR);
    if (ts->cases.count == 0)
        fail_msg("no case directories under %s/%s", fx, TOKENIZE_DIR);
}

int main(void)
{
    const char *fx = ts_fixtures_dir();
    case_list l = {NULL, 0};
    if (fx != NULL)
        l = list_cases(fx, TOKENIZE_DIR);

    const size_t fixed = 1;
    struct CMUnitTest *tests = calloc(l.count + fixed, sizeof *tests);
    char **names = calloc(l.count + 1, sizeof *names);
    if (tests == NULL || names == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    size_t n = 0;
    tests[n].name = "tokenize_fixtures_present";
    tests[n].test_func = test_tokenize_fixtures_present;
    tests[n].setup_func = setup_state;
    tests[n].teardown_func = teardown_state;
    n++;
    for (size_t i = 0; i < l.count; i++) {
        size_t len = strlen(TOKENIZE_DIR) + 1 + strlen(l.names[i]) + 1;
        names[i] = malloc(len);
        if (names[i] == NULL) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
        snprintf(names[i], len, "%s/%s", TOKENIZE_DIR, l.names[i]);
        tests[n].name = names[i];
        tests[n].test_func = test_tokenize_fixture;
        tests[n].initial_state = l.names[i];
        tests[n].setup_func = setup_state;
        tests[n].teardown_func = teardown_state;
        n++;
    }

    int rc = _cmocka_run_group_tests("fixtures_tokenize", tests, n, NULL, NULL);

    for (size_t i = 0; i < l.count; i++)
        free(names[i]);
    free(names);
    free(tests);
    free_cases(&l);
    return rc;
}
