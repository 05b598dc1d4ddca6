/* Behaviour the fuzz targets (fuzz/, doc/fuzzing.md) check and found broken, as unit tests of
 * what was fixed. The raw inputs they found are also replayed through their targets by the
 * fuzz_corpus_* tests (fuzz/regressions/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "client/request.h"
#include "failing_alloc.h"
#include "transport/transport.h"

/* Read, write, read again, write again: the same JSON (fuzz_params). */
static void text_round_trip(const char *in, const char *expect)
{
    genapi_text_params p1, p2;
    genapi_error err;
    genapi_text_params_init(&p1, sizeof p1);
    genapi_text_params_init(&p2, sizeof p2);
    assert_int_equal(genapi_text_params_from_json(&p1, in, &err), GENAPI_OK);
    assert_int_equal(genapi_text_params_validate(&p1, &err), GENAPI_OK);
    char *a = NULL, *b = NULL;
    assert_int_equal(genapi_text_params_to_json(&p1, &a, &err), GENAPI_OK);
    assert_string_equal(a, expect);
    assert_int_equal(genapi_text_params_from_json(&p2, a, &err), GENAPI_OK);
    assert_int_equal(genapi_text_params_to_json(&p2, &b, &err), GENAPI_OK);
    assert_string_equal(a, b);
    genapi_free(NULL, a);
    genapi_free(NULL, b);
    genapi_text_params_clear(&p1);
    genapi_text_params_clear(&p2);
}

/* -0.0 was written as "-0", which reads back as the integer 0: the second write differed. json-c
 * also reads "-0.-" (the fuzzer's input) as -0.0. */
static void test_negative_zero_written_as_zero(void **state)
{
    (void)state;
    text_round_trip("{\"model\": \"m\", \"frequency_penalty\": -0.0}", "{\"model\":\"m\",\"frequency_penalty\":0}");
    text_round_trip("{\"model\": \"m\", \"frequency_penalty\": -0.-}", "{\"model\":\"m\",\"frequency_penalty\":0}");
    text_round_trip("{\"model\": \"m\", \"temperature\": -0e5, \"top_p\": 0.5}",
                    "{\"model\":\"m\",\"temperature\":0,\"top_p\":0.5}");
}

/* A progress answer is read into the documented ranges whatever its numbers (json-c reads NaN
 * and Infinity as numbers; fuzz_response checks the ranges). */
static void test_progress_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        double progress, eta;
    } cases[] = {
        {"{\"progress\": NaN, \"eta_relative\": NaN, \"state\": {\"job_count\": 1}}", 0, 0},
        {"{\"progress\": -Infinity, \"eta_relative\": Infinity, \"state\": {\"job_count\": 1}}", 0, 0},
        {"{\"progress\": 7.5, \"eta_relative\": -3, \"state\": {\"job_count\": 1}}", 1, 0},
        {"{\"progress\": Infinity, \"eta_relative\": 1e300, \"state\": {\"job_count\": 1}}", 1, 0},
        {"{\"progress\": 0.25, \"eta_relative\": 12.5, \"state\": {\"job_count\": 2, \"job_no\": 1}}", 0.25, 12.5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        genapi_progress p;
        memset(&p, 0xff, sizeof p);
        assert_int_equal(gc_progress_parse(cases[i].body, strlen(cases[i].body), &p), 1);
        assert_true(p.progress == p.progress); /* not NaN */
        assert_true(p.progress == cases[i].progress);
        assert_true(p.eta_relative == cases[i].eta);
    }
    genapi_progress p;
    const char *idle = "{\"progress\": 0.5, \"state\": {\"job_count\": 0}}";
    assert_int_equal(gc_progress_parse(idle, strlen(idle), &p), 0);
}

/* A model listing whose name could not be copied was returned as a success with a NULL id
 * (fuzz_response, out-of-memory injection): now the whole listing fails with GENAPI_E_NOMEM. */
static void test_model_list_out_of_memory(void **state)
{
    (void)state;
    fa_counter f = {0};
    genapi_allocator hooks = FA_HOOKS(&f);
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.base_url = "http://127.0.0.1:9";
    cfg.allocator = &hooks;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    /* Names longer than an arena block, so each copy needs an allocation of its own. */
    char body[3 * 5000 + 100];
    char big[5001];
    memset(big, 'x', 5000);
    big[5000] = '\0';
    snprintf(body, sizeof body, "[\"%s\", {\"id\": \"%s\", \"owned_by\": \"me\"}, {\"name\": \"%s\"}]", big, big,
             big);
    gt_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    resp.body = body;
    resp.body_len = strlen(body);
    int failures = 0;
    for (long at = 0; at < 16; at++) {
        fa_fail_at(&f, at);
        void *out = NULL;
        genapi_error err;
        genapi_status st = gc_text_models_ops.parse(c, &resp, &out, &err);
        fa_disarm(&f);
        if (st == GENAPI_OK) {
            const genapi_model_list *l = out;
            assert_int_equal(l->count, 3);
            for (size_t i = 0; i < l->count; i++)
                assert_non_null(l->items[i].id);
            assert_string_equal(l->items[1].owned_by, "me");
            genapi_model_list_free(out);
        } else {
            assert_int_equal(st, GENAPI_E_NOMEM);
            assert_null(out);
            failures++;
        }
    }
    assert_true(failures > 0);
    genapi_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negative_zero_written_as_zero),
        cmocka_unit_test(test_progress_ranges),
        cmocka_unit_test(test_model_list_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
