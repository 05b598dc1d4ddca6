/* Fixture-driven tests of the tokenize parser (genapi_tokenize_result_parse). Every case
 * directory under <fixtures>/tokenize/ becomes one test; its expected.json (normalized form
 * "tokenize", see the fixtures README) is compared field by field with the typed result:
 * count, max_model_len, tokens and token_strs (null => token_strs == NULL). */
#include <stdio.h>

#include <genapi/client.h>
#include <genapi/tokenize.h>

#include "fixture_cases.h"

#define TOKENIZE_DIR "tokenize"

/* ---- comparison ---------------------------------------------------------------------------- */

static void check_result(const char *label, json_object *exp, const genapi_tokenize_result *r)
{
    fc_cmp cxs;
    fc_cmp *cx = &cxs;
    cx->label = label;
    assert_non_null(r);

    fc_check_struct_size(label, r->struct_size, sizeof *r);
    if (r->reserved != 0)
        fail_msg("%s: reserved: expected 0, got %d", label, (int)r->reserved);

    fc_check_kind(label, exp, "tokenize");

    FC_WHERE(cx, "count");
    fc_check_int(cx, fc_get_key(exp, "count"), r->count);

    FC_WHERE(cx, "max_model_len");
    fc_check_int(cx, fc_get_key(exp, "max_model_len"), r->max_model_len);

    FC_WHERE(cx, "tokens");
    json_object *toks = fc_get_key(exp, "tokens");
    size_t n = fc_exp_array_len(cx, toks);
    if (r->token_count != n)
        fail_msg("%s: tokens: expected %zu ids, got %zu", label, n, r->token_count);
    if (n > 0 && r->tokens == NULL)
        fail_msg("%s: tokens is NULL but token_count is %zu", label, r->token_count);
    for (size_t i = 0; i < n; i++) {
        FC_WHERE(cx, "tokens[%zu]", i);
        fc_check_int(cx, json_object_array_get_idx(toks, i), r->tokens[i]);
    }

    FC_WHERE(cx, "token_strs");
    json_object *strs = fc_get_key(exp, "token_strs");
    if (strs == NULL) {
        if (r->token_strs != NULL)
            fail_msg("%s: token_strs: expected null (NULL), got a non-NULL array", label);
        return;
    }
    size_t ns = fc_exp_array_len(cx, strs);
    if (r->token_strs == NULL)
        fail_msg("%s: token_strs: expected %zu strings, got NULL", label, ns);
    /* The typed result has no separate length for token_strs: it has one entry per token. */
    if (ns != r->token_count)
        fail_msg("%s: token_strs: expected.json has %zu strings for %zu tokens", label, ns, r->token_count);
    for (size_t i = 0; i < ns; i++) {
        FC_WHERE(cx, "token_strs[%zu]", i);
        json_object *es = json_object_array_get_idx(strs, i);
        if (es == NULL)
            fail_msg("%s: %s: expected.json entry is null", label, cx->where);
        fc_check_str(cx, es, r->token_strs[i]);
    }
}

/* ---- tests --------------------------------------------------------------------------------- */

static genapi_status parse(genapi_client *client, const char *body, size_t body_len, void **out, genapi_error *err)
{
    genapi_tokenize_result *r = NULL;
    genapi_status st = genapi_tokenize_result_parse(client, body, body_len, &r, err);
    *out = r;
    return st;
}

static void free_result(void *r)
{
    genapi_tokenize_result_free(r);
}

static void check(const fc_case *c, const char *label, const void *r)
{
    check_result(label, c->expected, r);
}

int main(void)
{
    static const fc_parser parser = {"genapi_tokenize_result_parse", parse, free_result, check};
    fc_suite s;
    fc_suite_init(&s, TOKENIZE_DIR);
    fc_suite_add_present(&s, "tokenize_fixtures_present");
    fc_suite_add_parse_cases(&s, &parser);
    return fc_suite_run(&s, "fixtures_tokenize");
}
