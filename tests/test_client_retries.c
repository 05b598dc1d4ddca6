/* The client's retry policy against a scripted server: which failures are retried, how often,
 * and that the server's Retry-After is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "fake_http.h"

static const char *const chat_body =
    "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
    "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";
static const char *const busy = "{\"error\":{\"message\":\"busy\",\"type\":\"ServiceUnavailable\",\"param\":null,\"code\":503}}";
static const char *const limited =
    "{\"error\":{\"message\":\"Too many parallel requests\",\"type\":\"RateLimitError\",\"param\":null,\"code\":429}}";
static const char *const bad = "{\"error\":{\"message\":\"top_p must be in (0, 1]\",\"type\":\"BadRequestError\",\"param\":\"top_p\",\"code\":400}}";

static genapi_status run(const fh_response *script, size_t n, int32_t max_retries, int *requests, genapi_error *err)
{
    char url[64];
    fake_http *f = fh_start(script, n, url, sizeof url);
    assert_non_null(f);
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.max_retries = max_retries;
    cfg.retry_max_delay_ms = 20; /* keep back-off waits short in tests */
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, model, "m");
    genapi_chat_message msg = {.role = "user", .content = "hi"};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &msg;
    req.message_count = 1;
    req.params = &p;
    genapi_chat_result *r = NULL;
    genapi_status st = genapi_chat_complete(c, &req, &r, err);
    if (st == GENAPI_OK)
        assert_string_equal(r->choices[0].content, "ok");
    genapi_chat_result_free(r);
    genapi_client_free(c);
    *requests = fh_requests(f);
    fh_stop(f);
    return st;
}

static void test_server_errors_and_rate_limits_are_retried(void **state)
{
    (void)state;
    fh_response script[] = {{503, NULL, busy}, {429, "Retry-After: 0\r\n", limited}, {200, NULL, chat_body}};
    int requests;
    genapi_error err;
    assert_int_equal(run(script, 3, 0, &requests, &err), GENAPI_OK);
    assert_int_equal(requests, 3);
}

static void test_retries_can_be_turned_off(void **state)
{
    (void)state;
    fh_response script[] = {{503, NULL, busy}, {200, NULL, chat_body}};
    int requests;
    genapi_error err;
    assert_int_equal(run(script, 2, -1, &requests, &err), GENAPI_E_SERVER);
    assert_int_equal(requests, 1);
    assert_int_equal(err.http_status, 503);
    assert_string_equal(err.message, "busy");
}

static void test_client_errors_are_not_retried(void **state)
{
    (void)state;
    fh_response script[] = {{400, NULL, bad}, {200, NULL, chat_body}};
    int requests;
    genapi_error err;
    assert_int_equal(run(script, 2, 3, &requests, &err), GENAPI_E_BAD_REQUEST);
    assert_int_equal(requests, 1);
    assert_string_equal(err.param, "top_p");
}

static void test_gives_up_after_max_retries_with_retry_after(void **state)
{
    (void)state;
    fh_response script[] = {{429, "Retry-After: 0\r\nx-request-id: req-7\r\n", limited}};
    int requests;
    genapi_error err;
    assert_int_equal(run(script, 1, 2, &requests, &err), GENAPI_E_RATE_LIMITED);
    assert_int_equal(requests, 3);
    assert_int_equal(err.http_status, 429);
    assert_int_equal(err.retry_after_ms, 0);
    assert_string_equal(err.request_id, "req-7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_errors_and_rate_limits_are_retried),
        cmocka_unit_test(test_retries_can_be_turned_off),
        cmocka_unit_test(test_client_errors_are_not_retried),
        cmocka_unit_test(test_gives_up_after_max_retries_with_retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
