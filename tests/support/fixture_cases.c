#include "fixture_cases.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_support.h"

/* ---- fixture discovery ------------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

fc_case_list fc_list_cases(const char *fixtures, const char *endpoint)
{
    fc_case_list out = {NULL, 0};
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

void fc_free_cases(fc_case_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->names[i]);
    free(l->names);
    l->names = NULL;
    l->count = 0;
}

/* ---- one case ---------------------------------------------------------------------------- */

/* Parse a JSON file that must hold an object; fails the test otherwise. */
static json_object *load_object(const char *name, const char *path)
{
    json_object *o = json_object_from_file(path);
    if (o == NULL || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        fail_msg("%s: cannot parse %s", name, path);
    }
    return o;
}

void fc_case_load(fc_case *c, const char *endpoint, const char *name, unsigned flags)
{
    const char *fx = ts_fixtures_dir();
    assert_non_null(fx);
    char path[8192];
    fc_case_free(c);
    c->name = name;

    snprintf(path, sizeof path, "%s/%s/%s/response.body", fx, endpoint, name);
    c->body = ts_read_file(path, &c->body_len);
    if (c->body == NULL)
        fail_msg("%s: cannot read %s", name, path);

    if (flags & FC_LOAD_META) {
        snprintf(path, sizeof path, "%s/%s/%s/response.meta", fx, endpoint, name);
        c->meta = load_object(name, path);
    }

    snprintf(path, sizeof path, "%s/%s/%s/expected.json", fx, endpoint, name);
    c->expected = load_object(name, path);
}

void fc_case_free(fc_case *c)
{
    json_object_put(c->expected);
    c->expected = NULL;
    json_object_put(c->meta);
    c->meta = NULL;
    free(c->body);
    c->body = NULL;
    c->body_len = 0;
}

/* ---- per-test state ---------------------------------------------------------------------- */

int fc_state_new(void **state, size_t size)
{
    if (size < sizeof(fc_case))
        return -1;
    fc_case *c = calloc(1, size);
    if (c == NULL)
        return -1;
    c->name = *state; /* initial_state: the case name, or NULL */
    *state = c;
    return 0;
}

int fc_case_setup(void **state)
{
    return fc_state_new(state, sizeof(fc_case));
}

int fc_case_teardown(void **state)
{
    fc_case *c = *state;
    if (c == NULL)
        return 0;
    fc_case_free(c);
    free(c);
    *state = NULL;
    return 0;
}

genapi_client *fc_new_client(void)
{
    genapi_client_config cfg;
    genapi_error err;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_config_init(&cfg, sizeof cfg), GENAPI_OK);
    cfg.ignore_environment = 1; /* in-process backend, no network */
#if !GENAPI_TEST_REFERENCE_BACKEND
    /* An HTTP-client-only library needs a base URL; the parsers send nothing. */
    cfg.base_url = "http://127.0.0.1:9";
#endif
    genapi_status st = genapi_client_new(&cfg, &c, &err);
    if (st != GENAPI_OK)
        fail_msg("genapi_client_new failed: %d %s", (int)st, err.message);
    assert_non_null(c);
    return c;
}

/* ---- registration ------------------------------------------------------------------------ */

void fc_suite_init(fc_suite *s, const char *endpoint)
{
    memset(s, 0, sizeof *s);
    s->endpoint = endpoint;
    const char *fx = ts_fixtures_dir();
    if (fx != NULL)
        s->cases = fc_list_cases(fx, endpoint);
}

static void suite_push(fc_suite *s, const char *name, CMUnitTestFunction test, CMFixtureFunction setup,
                       CMFixtureFunction teardown, void *initial_state)
{
    if (s->oom)
        return;
    if (s->count == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 16;
        struct CMUnitTest *p = realloc(s->tests, ncap * sizeof *p);
        if (p == NULL) {
            s->oom = 1;
            return;
        }
        s->tests = p;
        s->cap = ncap;
    }
    struct CMUnitTest *t = &s->tests[s->count++];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->test_func = test;
    t->setup_func = setup;
    t->teardown_func = teardown;
    t->initial_state = initial_state;
}

void fc_suite_add(fc_suite *s, const char *name, CMUnitTestFunction test, CMFixtureFunction setup,
                  CMFixtureFunction teardown)
{
    suite_push(s, name, test, setup, teardown, NULL);
}

/* State of the "fixtures present" test: its endpoint and the list it made. */
typedef struct present_state {
    const char *endpoint;
    fc_case_list cases;
} present_state;

static int present_setup(void **state)
{
    present_state *ps = calloc(1, sizeof *ps);
    if (ps == NULL)
        return -1;
    ps->endpoint = *state; /* initial_state: the endpoint */
    *state = ps;
    return 0;
}

static int present_teardown(void **state)
{
    present_state *ps = *state;
    if (ps == NULL)
        return 0;
    fc_free_cases(&ps->cases);
    free(ps);
    *state = NULL;
    return 0;
}

static void test_cases_present(void **state)
{
    present_state *ps = *state;
    const char *fx = ts_fixtures_dir();
    ps->cases = fc_list_cases(fx, ps->endpoint);
    if (ps->cases.count == 0)
        fail_msg("no case directories under %s/%s", fx, ps->endpoint);
}

void fc_suite_add_present(fc_suite *s, const char *name)
{
    suite_push(s, name, test_cases_present, present_setup, present_teardown, (void *)(uintptr_t)s->endpoint);
}

/* Name "<endpoint>/<case>" of the test of case i (owned by the suite), or NULL out of memory. */
static const char *case_test_name(fc_suite *s, size_t i)
{
    if (s->oom)
        return NULL;
    if (s->n_names % 16 == 0) {
        char **names = realloc(s->names, (s->n_names + 16) * sizeof *names);
        if (names == NULL) {
            s->oom = 1;
            return NULL;
        }
        s->names = names;
    }
    size_t len = strlen(s->endpoint) + 1 + strlen(s->cases.names[i]) + 1;
    char *name = malloc(len);
    if (name == NULL) {
        s->oom = 1;
        return NULL;
    }
    snprintf(name, len, "%s/%s", s->endpoint, s->cases.names[i]);
    s->names[s->n_names++] = name;
    return name;
}

void fc_suite_add_cases(fc_suite *s, CMUnitTestFunction test, CMFixtureFunction setup, CMFixtureFunction teardown)
{
    for (size_t i = 0; i < s->cases.count; i++) {
        const char *name = case_test_name(s, i);
        if (name != NULL)
            suite_push(s, name, test, setup, teardown, s->cases.names[i]);
    }
}

/* Initial state of a parse test. */
typedef struct fc_parse_ref {
    const char *endpoint;
    const char *name; /* the case */
    const fc_parser *parser;
} fc_parse_ref;

/* State of a parse test; the fc_case first (fc_state_new). */
typedef struct parse_state {
    fc_case c;
    const fc_parse_ref *ref;
    genapi_client *client;
    void *result;
} parse_state;

static int parse_setup(void **state)
{
    const fc_parse_ref *ref = *state;
    *state = (void *)(uintptr_t)ref->name;
    if (fc_state_new(state, sizeof(parse_state)) != 0)
        return -1;
    ((parse_state *)*state)->ref = ref;
    return 0;
}

static int parse_teardown(void **state)
{
    parse_state *ps = *state;
    if (ps == NULL)
        return 0;
    if (ps->result != NULL)
        ps->ref->parser->free_result(ps->result);
    genapi_client_free(ps->client);
    fc_case_free(&ps->c);
    free(ps);
    *state = NULL;
    return 0;
}

static void test_parse_case(void **state)
{
    parse_state *ps = *state;
    const fc_parser *p = ps->ref->parser;
    const char *name = ps->c.name;
    fc_case_load(&ps->c, ps->ref->endpoint, name, 0);
    ps->client = fc_new_client();
    genapi_error err;
    genapi_status st = p->parse(ps->client, ps->c.body, ps->c.body_len, &ps->result, &err);
    if (st != GENAPI_OK)
        fail_msg("%s: %s failed: %d %s", name, p->what, (int)st, err.message);
    p->check(&ps->c, name, ps->result);
}

void fc_suite_add_parse_cases(fc_suite *s, const fc_parser *parser)
{
    if (s->oom || s->cases.count == 0)
        return;
    if (s->refs != NULL) { /* the tests already added point into s->refs */
        fprintf(stderr, "fc_suite_add_parse_cases: at most once per suite\n");
        abort();
    }
    s->refs = calloc(s->cases.count, sizeof *s->refs);
    if (s->refs == NULL) {
        s->oom = 1;
        return;
    }
    for (size_t i = 0; i < s->cases.count; i++) {
        const char *name = case_test_name(s, i);
        if (name == NULL)
            return;
        fc_parse_ref *ref = &s->refs[i];
        ref->endpoint = s->endpoint;
        ref->name = s->cases.names[i];
        ref->parser = parser;
        suite_push(s, name, test_parse_case, parse_setup, parse_teardown, ref);
    }
}

int fc_suite_run(fc_suite *s, const char *group)
{
    int rc;
    if (s->oom) {
        fprintf(stderr, "out of memory\n");
        rc = 1;
    } else {
        rc = _cmocka_run_group_tests(group, s->tests, s->count, NULL, NULL);
    }
    for (size_t i = 0; i < s->n_names; i++)
        free(s->names[i]);
    free(s->names);
    free(s->refs);
    free(s->tests);
    fc_free_cases(&s->cases);
    memset(s, 0, sizeof *s);
    return rc;
}

/* ---- comparison helpers ------------------------------------------------------------------ */

json_object *fc_get_key(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o == NULL || !json_object_object_get_ex(o, key, &v))
        return NULL; /* missing == null */
    return v;
}

void fc_check_str_len(const fc_cmp *cx, json_object *exp, const char *act, size_t act_len)
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

void fc_check_str(const fc_cmp *cx, json_object *exp, const char *act)
{
    fc_check_str_len(cx, exp, act, act ? strlen(act) : 0);
}

int64_t fc_exp_int(const fc_cmp *cx, json_object *exp)
{
    if (exp == NULL || !json_object_is_type(exp, json_type_int))
        fail_msg("%s: %s: expected.json value is not an integer", cx->label, cx->where);
    return json_object_get_int64(exp);
}

void fc_check_int(const fc_cmp *cx, json_object *exp, int64_t act)
{
    int64_t e = fc_exp_int(cx, exp);
    if (e != act)
        fail_msg("%s: %s: expected %" PRId64 ", got %" PRId64, cx->label, cx->where, e, act);
}

size_t fc_exp_array_len(const fc_cmp *cx, json_object *arr)
{
    if (arr == NULL || !json_object_is_type(arr, json_type_array))
        fail_msg("%s: %s: expected.json value is not an array", cx->label, cx->where);
    return json_object_array_length(arr);
}

void fc_check_struct_size(const char *label, uint32_t struct_size, size_t want)
{
    if (struct_size != want)
        fail_msg("%s: struct_size is %u, expected %zu", label, (unsigned)struct_size, want);
}

void fc_check_kind(const char *label, json_object *exp, const char *kind)
{
    json_object *k = fc_get_key(exp, "kind");
    if (k == NULL || !json_object_is_type(k, json_type_string) || strcmp(json_object_get_string(k), kind) != 0)
        fail_msg("%s: expected.json kind is not \"%s\"", label, kind);
}

void fc_check_envelope(fc_cmp *cx, json_object *exp, int64_t http_status, const char *id, const char *model,
                       int64_t created)
{
    FC_WHERE(cx, "http_status");
    fc_check_int(cx, fc_get_key(exp, "http_status"), http_status);

    FC_WHERE(cx, "id");
    fc_check_str(cx, fc_get_key(exp, "id"), id);

    FC_WHERE(cx, "model");
    fc_check_str(cx, fc_get_key(exp, "model"), model);

    FC_WHERE(cx, "created");
    json_object *ec = fc_get_key(exp, "created");
    if (ec == NULL) {
        if (created != 0)
            fail_msg("%s: created: expected absent (0), got %" PRId64, cx->label, created);
    } else {
        fc_check_int(cx, ec, created);
    }
}

json_object *fc_expect_choices(fc_cmp *cx, json_object *exp, size_t choice_count, const void *choices)
{
    FC_WHERE(cx, "choices");
    json_object *arr = fc_get_key(exp, "choices");
    size_t n = fc_exp_array_len(cx, arr);
    if (choice_count != n)
        fail_msg("%s: choices: expected %zu choices, got %zu", cx->label, n, choice_count);
    if (n > 0 && choices == NULL)
        fail_msg("%s: choices is NULL but choice_count is %zu", cx->label, choice_count);
    return arr;
}

void fc_check_usage(fc_cmp *cx, json_object *usage, const genapi_usage *u)
{
    const char *label = cx->label;
    if (usage == NULL) {
        if (u->present != 0)
            fail_msg("%s: usage: expected null (present == 0), got present == %d", label, (int)u->present);
        if (u->prompt_tokens != 0 || u->completion_tokens != 0 || u->total_tokens != 0)
            fail_msg("%s: usage: counts must be 0 when usage is absent (got %" PRId64 "/%" PRId64 "/%" PRId64 ")",
                     label, u->prompt_tokens, u->completion_tokens, u->total_tokens);
    } else {
        if (u->present != 1)
            fail_msg("%s: usage: expected present == 1, got %d", label, (int)u->present);
        FC_WHERE(cx, "usage.prompt_tokens");
        fc_check_int(cx, fc_get_key(usage, "prompt_tokens"), u->prompt_tokens);
        FC_WHERE(cx, "usage.completion_tokens");
        fc_check_int(cx, fc_get_key(usage, "completion_tokens"), u->completion_tokens);
        FC_WHERE(cx, "usage.total_tokens");
        fc_check_int(cx, fc_get_key(usage, "total_tokens"), u->total_tokens);
    }
}

void fc_check_stop_reason(const fc_cmp *cx, json_object *sr, int32_t kind, int64_t stop_token,
                          const char *stop_string)
{
    if (sr == NULL) {
        if (kind != GENAPI_STOP_REASON_NONE)
            fail_msg("%s: %s: expected null (kind NONE), got kind %d", cx->label, cx->where, (int)kind);
    } else if (json_object_is_type(sr, json_type_int)) {
        if (kind != GENAPI_STOP_REASON_TOKEN)
            fail_msg("%s: %s: expected token %" PRId64 " (kind TOKEN), got kind %d", cx->label, cx->where,
                     json_object_get_int64(sr), (int)kind);
        fc_check_int(cx, sr, stop_token);
    } else if (json_object_is_type(sr, json_type_string)) {
        if (kind != GENAPI_STOP_REASON_STRING)
            fail_msg("%s: %s: expected string \"%s\" (kind STRING), got kind %d", cx->label, cx->where,
                     json_object_get_string(sr), (int)kind);
        fc_check_str(cx, sr, stop_string);
    } else {
        fail_msg("%s: %s: expected.json stop_reason is neither int, string nor null", cx->label, cx->where);
    }
}

/* Expected array `key` of the logprobs object, which must hold exactly n entries. */
static json_object *exp_lp_array(fc_cmp *cx, const char *base, json_object *elp, const char *key, size_t n)
{
    json_object *a = fc_get_key(elp, key);
    FC_WHERE(cx, "%s.%s", base, key);
    size_t len = fc_exp_array_len(cx, a);
    if (len != n)
        fail_msg("%s: %s: expected.json has %zu entries but count is %zu", cx->label, cx->where, len, n);
    return a;
}

/* top_counts[i] (int|null) against has_top / top_count. The two kinds differ: a chat entry with
 * no alternatives may have has_top 0, a completion entry with a count must have has_top 1. */
static void check_top_count(const fc_cmp *cx, json_object *ec, const genapi_token_logprob *t, fc_logprobs_kind kind)
{
    const char *label = cx->label;
    if (kind == FC_LOGPROBS_CHAT) {
        if (ec == NULL) {
            if (t->has_top != 0 || t->top_count != 0)
                fail_msg("%s: %s: expected null (has_top 0), got has_top %d with %zu alternatives", label, cx->where,
                         (int)t->has_top, t->top_count);
        } else {
            int64_t e = fc_exp_int(cx, ec);
            if ((int64_t)t->top_count != e)
                fail_msg("%s: %s: expected %" PRId64 ", got %zu", label, cx->where, e, t->top_count);
            if (e > 0 && t->has_top != 1)
                fail_msg("%s: %s: %" PRId64 " alternatives but has_top is %d", label, cx->where, e, (int)t->has_top);
        }
        return;
    }
    if (ec == NULL) {
        if (t->has_top != 0)
            fail_msg("%s: %s: expected null (has_top 0), got has_top %d with %zu alternatives", label, cx->where,
                     (int)t->has_top, t->top_count);
        if (t->top_count != 0)
            fail_msg("%s: %s: expected no alternatives when has_top is 0, got %zu", label, cx->where, t->top_count);
    } else {
        int64_t e = fc_exp_int(cx, ec);
        if (t->has_top != 1)
            fail_msg("%s: %s: expected %" PRId64 " alternatives (has_top 1), got has_top %d", label, cx->where, e,
                     (int)t->has_top);
        if ((int64_t)t->top_count != e)
            fail_msg("%s: %s: expected %" PRId64 ", got %zu", label, cx->where, e, t->top_count);
    }
}

void fc_check_logprobs(const char *label, size_t ci, json_object *elp, const genapi_logprobs *lp,
                       fc_logprobs_kind kind)
{
    fc_cmp cxs;
    fc_cmp *cx = &cxs;
    cx->label = label;
    char base[64];
    snprintf(base, sizeof base, "choices[%zu].logprobs", ci);

    FC_WHERE(cx, "%s", base);
    if (elp == NULL) {
        if (lp != NULL)
            fail_msg("%s: %s: expected null, got %zu entries", label, cx->where, lp->count);
        return;
    }
    if (!json_object_is_type(elp, json_type_object))
        fail_msg("%s: %s: expected.json value is not an object or null", label, cx->where);
    if (lp == NULL)
        fail_msg("%s: %s: expected an object, got NULL", label, cx->where);

    FC_WHERE(cx, "%s.count", base);
    size_t n = (size_t)fc_exp_int(cx, fc_get_key(elp, "count"));
    if (lp->count != n)
        fail_msg("%s: %s: expected %zu, got %zu", label, cx->where, n, lp->count);
    if (n > 0 && lp->items == NULL)
        fail_msg("%s: %s.items is NULL but count is %zu", label, base, lp->count);

    json_object *toks = exp_lp_array(cx, base, elp, "tokens", n);
    json_object *vals = exp_lp_array(cx, base, elp, "values", n);
    json_object *tops = exp_lp_array(cx, base, elp, "top_counts", n);
    json_object *offs = kind == FC_LOGPROBS_COMPLETION ? exp_lp_array(cx, base, elp, "text_offset", n) : NULL;

    for (size_t i = 0; i < n; i++) {
        const genapi_token_logprob *t = &lp->items[i];

        FC_WHERE(cx, "%s.tokens[%zu]", base, i);
        json_object *et = json_object_array_get_idx(toks, i);
        if (et == NULL)
            fail_msg("%s: %s: expected.json token is null", label, cx->where);
        fc_check_str(cx, et, t->token);

        /* values: [float|null]; null is "has_logprob == 0" */
        FC_WHERE(cx, "%s.values[%zu]", base, i);
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

        FC_WHERE(cx, "%s.top_counts[%zu]", base, i);
        check_top_count(cx, json_object_array_get_idx(tops, i), t, kind);
        if (t->top_count > 0 && t->top == NULL)
            fail_msg("%s: %s.items[%zu].top is NULL but top_count is %zu", label, base, i, t->top_count);
        for (size_t k = 0; k < t->top_count; k++)
            if (t->top[k].token == NULL)
                fail_msg("%s: %s.items[%zu].top[%zu].token is NULL", label, base, i, k);

        if (kind == FC_LOGPROBS_CHAT) {
            /* text_offset is documented as completions only: -1 for chat */
            if (t->text_offset != -1)
                fail_msg("%s: %s.items[%zu].text_offset: expected -1 for chat, got %" PRId64, label, base, i,
                         t->text_offset);
            if (t->n_bytes > 0 && t->bytes == NULL)
                fail_msg("%s: %s.items[%zu].bytes is NULL but n_bytes is %zu", label, base, i, t->n_bytes);
        } else {
            FC_WHERE(cx, "%s.text_offset[%zu]", base, i);
            fc_check_int(cx, json_object_array_get_idx(offs, i), t->text_offset);

            /* bytes are documented as chat only */
            if (t->bytes != NULL || t->n_bytes != 0)
                fail_msg("%s: %s.items[%zu].bytes: expected NULL/0 for a completion, got %p/%zu", label, base, i,
                         (const void *)t->bytes, t->n_bytes);
        }
    }
}
