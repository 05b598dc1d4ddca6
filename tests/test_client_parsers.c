/* Edge cases of the client's response parsers that the fixtures do not reach: empty and
 * unordered choice lists, the bounds of the client configuration. Each expectation is the value
 * the public API documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "test_client.h"

/* "choices": [] is a valid (if useless) response: zero choices, not an error. */
static void test_empty_choices(void **state)
{
    (void)state;
    genapi_client *c = tc_client(NULL);
    genapi_error err;
    const char *chat = "{\"id\": \"x\", \"choices\": []}";
    genapi_chat_result *r = NULL;
    assert_int_equal(genapi_chat_result_parse(c, chat, strlen(chat), &r, &err), GENAPI_OK);
    assert_int_equal(r->choice_count, 0);
    genapi_chat_result_free(r);
    genapi_completion_result *cr = NULL;
    assert_int_equal(genapi_completion_result_parse(c, chat, strlen(chat), &cr, &err), GENAPI_OK);
    assert_int_equal(cr->choice_count, 0);
    genapi_completion_result_free(cr);
    genapi_client_free(c);
}

/* A completion result written back as JSON keeps the completions logprobs form (text_offset,
 * token_logprobs, tokens, top_logprobs), not the chat form. */
static void test_completion_logprobs_written_back(void **state)
{
    (void)state;
    genapi_client *c = tc_client(NULL);
    genapi_error err;
    const char *body = "{\"id\": \"c\", \"object\": \"text_completion\", \"model\": \"m\", \"choices\": [{\"index\": 0, "
                       "\"text\": \" a\\u00e9\", \"logprobs\": {\"text_offset\": [5, 7], \"token_logprobs\": [-0.5, -1.25], "
                       "\"tokens\": [\" a\", \"\\u00e9\"], \"top_logprobs\": [{\" a\": -0.5}, {\"\\u00e9\": -1.25, \"e\": -2.0}]}, "
                       "\"finish_reason\": \"length\"}]}";
    genapi_completion_result *r = NULL;
    assert_int_equal(genapi_completion_result_parse(c, body, strlen(body), &r, &err), GENAPI_OK);
    char *json = NULL;
    assert_int_equal(genapi_completion_result_to_json(r, &json, &err), GENAPI_OK);
    json_object *o = json_tokener_parse(json), *ch, *lp, *v;
    assert_non_null(o);
    ch = json_object_array_get_idx(json_object_object_get(o, "choices"), 0);
    assert_true(json_object_object_get_ex(ch, "logprobs", &lp));
    assert_false(json_object_object_get_ex(lp, "content", NULL));
    assert_true(json_object_object_get_ex(lp, "text_offset", &v));
    assert_int_equal(json_object_array_length(v), 2);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(v, 0)), 5);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(v, 1)), 7);
    assert_true(json_object_object_get_ex(lp, "token_logprobs", &v));
    assert_true(json_object_get_double(json_object_array_get_idx(v, 1)) == -1.25);
    assert_true(json_object_object_get_ex(lp, "tokens", &v));
    assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)), "\xc3\xa9");
    json_object_put(o);
    genapi_completion_result_string_free(r, json);
    genapi_completion_result_free(r);
    genapi_client_free(c);
}

/* A completion request of an unknown struct_size is refused, and so is a NULL one. */
static void test_completion_request_struct_size(void **state)
{
    (void)state;
    genapi_client *c = tc_client(NULL);
    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, model, "m");
    genapi_completion_request req = GENAPI_COMPLETION_REQUEST_INIT;
    req.params = &p;
    req.prompt = "Hi";
    char *json = NULL;
    genapi_error err;
    assert_int_equal(genapi_completion_request_to_json(c, &req, &json, &err), GENAPI_OK);
    genapi_free(genapi_client_allocator(c), json);
    json = NULL;
    req.struct_size -= 8;
    assert_int_equal(genapi_completion_request_to_json(c, &req, &json, &err), GENAPI_E_INVALID_ARG);
    assert_null(json);
    assert_int_equal(genapi_completion_request_to_json(c, NULL, &json, &err), GENAPI_E_INVALID_ARG);
    genapi_client_free(c);
}

/* The whole-call bound is clamped to 30 days (2 592 000 000 ms), so deadlines in nanoseconds
 * cannot overflow; 30 days itself is kept. */
static void test_timeout_clamped_to_30_days(void **state)
{
    (void)state;
    static const struct {
        int64_t in, want;
    } cases[] = {{INT64_MAX, 2592000000LL}, {2592000001LL, 2592000000LL}, {2592000000LL, 2592000000LL},
                 {5000, 5000}, {0, 600000}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        genapi_client_config cfg = tc_config(NULL);
        cfg.timeout_ms = cases[i].in;
        genapi_client *c = tc_client_new(&cfg);
        assert_int_equal(c->timeout_ms, cases[i].want);
        genapi_client_free(c);
    }
}

/* An error body whose message is not a string: the message is not taken from it (no "42"),
 * the other fields still are. */
static void test_error_message_must_be_a_string(void **state)
{
    (void)state;
    static const char body[] = "{\"error\": {\"message\": 42, \"type\": \"BadRequestError\", \"param\": \"top_k\", \"code\": 400}}";
    gt_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = 400;
    resp.body = (char *)(uintptr_t)body;
    resp.body_len = sizeof body - 1;
    genapi_error err;
    assert_int_equal(gc_error_from_response(&resp, &err), GENAPI_E_BAD_REQUEST);
    assert_null(strstr(err.message, "42"));
    assert_string_equal(err.type, "BadRequestError");
    assert_string_equal(err.param, "top_k");
    assert_int_equal(err.server_code, 400);
}

/* Tokenize through the in-process backend: a request of the right size works (the prompt's
 * tokens and strings back, joined they are the prompt), one of another size or with both or
 * neither of prompt and messages is refused. */
static void test_tokenize_request_checks(void **state)
{
    (void)state;
    genapi_client *c = tc_client(NULL);
    genapi_tokenize_request req = GENAPI_TOKENIZE_REQUEST_INIT;
    req.prompt = "Hello there";
    req.return_token_strs = 1;
    genapi_tokenize_result *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_tokenize(c, &req, &r, &err), GENAPI_OK);
    assert_true(r->token_count > 0);
    assert_int_equal(r->count, (int64_t)r->token_count);
    char joined[64] = "";
    for (size_t i = 0; i < r->token_count; i++)
        strncat(joined, r->token_strs[i], sizeof joined - strlen(joined) - 1);
    assert_string_equal(joined, "Hello there");
    genapi_tokenize_result_free(r);
    r = NULL;
    req.struct_size += 8;
    assert_int_equal(genapi_tokenize(c, &req, &r, &err), GENAPI_E_INVALID_ARG);
    assert_null(r);
    req.struct_size -= 8;
    req.prompt = NULL;
    assert_int_equal(genapi_tokenize(c, &req, &r, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "prompt");
    genapi_client_free(c);
}

/* genapi_pending(NULL) is 0, and a fresh client has nothing pending. */
static void test_pending_counts(void **state)
{
    (void)state;
    assert_int_equal(genapi_pending(NULL), 0);
    genapi_client *c = tc_client(NULL);
    assert_int_equal(genapi_pending(c), 0);
    genapi_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_choices),
        cmocka_unit_test(test_completion_logprobs_written_back),
        cmocka_unit_test(test_completion_request_struct_size),
        cmocka_unit_test(test_timeout_clamped_to_30_days),
        cmocka_unit_test(test_error_message_must_be_a_string),
        cmocka_unit_test(test_tokenize_request_checks),
        cmocka_unit_test(test_pending_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
