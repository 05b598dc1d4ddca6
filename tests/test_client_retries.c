/* The client's retry policy against a scripted server: every retried status (408, 409, 429,
 * 500, 502, 503, 504) is retried with exact attempt counts, every other status is attempted
 * once, the waits are the documented ones (Retry-After when sane, else 0.5 s doubling with a
 * jitter of up to a quarter, capped by retry_max_delay_ms), and timeout_ms bounds them all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "fake_http.h"
#include "test_client.h"

static const char *const chat_body =
    "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
    "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";
static const char *const busy = "{\"error\":{\"message\":\"busy\",\"type\":\"ServiceUnavailable\",\"param\":null,\"code\":503}}";
static const char *const limited =
    "{\"error\":{\"message\":\"Too many parallel requests\",\"type\":\"RateLimitError\",\"param\":null,\"code\":429}}";
static const char *const bad = "{\"error\":{\"message\":\"top_p must be in (0, 1]\",\"type\":\"BadRequestError\",\"param\":\"top_p\",\"code\":400}}";

typedef struct outcome {
    genapi_status st;
    genapi_error err;
    int requests;
    double gaps[8]; /* seconds between request i and i+1 as the server saw them */
} outcome;

static void run_with(const fh_response *script, size_t n, int32_t max_retries, int64_t max_delay_ms, int64_t timeout_ms,
                     outcome *o)
{
    char url[64];
    fake_http *f = fh_start(script, n, url, sizeof url);
    assert_non_null(f);
    genapi_client_config cfg = tc_config(url);
    cfg.max_retries = max_retries;
    cfg.retry_max_delay_ms = max_delay_ms;
    cfg.timeout_ms = timeout_ms;
    genapi_client *c = tc_client_new(&cfg);
    tc_chat k;
    tc_chat_init(&k, "m", "hi");
    genapi_chat_result *r = NULL;
    o->st = genapi_chat_complete(c, &k.req, &r, &o->err);
    if (o->st == GENAPI_OK)
        assert_string_equal(r->choices[0].content, "ok");
    genapi_chat_result_free(r);
    genapi_client_free(c);
    o->requests = fh_requests(f);
    for (int i = 0; i + 1 < o->requests && i < 8; i++)
        o->gaps[i] = fh_request_time(f, i + 1) - fh_request_time(f, i);
    fh_stop(f);
}

/* With retry_max_delay_ms = 20 every back-off wait is in [15, 20] ms. */
static genapi_status run(const fh_response *script, size_t n, int32_t max_retries, int *requests, genapi_error *err)
{
    outcome o;
    run_with(script, n, max_retries, 20, 0, &o);
    *requests = o.requests;
    *err = o.err;
    return o.st;
}

static const int retried[] = {408, 409, 429, 500, 502, 503, 504};

static genapi_status status_of(int http)
{
    switch (http) {
    case 429: return GENAPI_E_RATE_LIMITED;
    case 400: case 422: return GENAPI_E_BAD_REQUEST;
    case 401: case 403: return GENAPI_E_AUTH;
    case 404: return GENAPI_E_NOT_FOUND;
    default: return http >= 500 ? GENAPI_E_SERVER : GENAPI_E_HTTP;
    }
}

/* Each retried status on its own: two failures then success is exactly three attempts, with the
 * back-off waited in between; retries exhausted end with that status. */
static void test_each_retried_status(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof retried / sizeof retried[0]; i++) {
        fh_response script[] = {FH_ANSWER(retried[i], NULL, busy), FH_ANSWER(retried[i], NULL, busy),
                                FH_ANSWER(200, NULL, chat_body)};
        outcome o;
        run_with(script, 3, 2, 20, 0, &o);
        if (o.st != GENAPI_OK || o.requests != 3)
            fail_msg("HTTP %d: status %d after %d requests", retried[i], o.st, o.requests);
        for (int k = 0; k < 2; k++)
            if (o.gaps[k] < 0.014 || o.gaps[k] > 1.0)
                fail_msg("HTTP %d: wait %d was %.3f s, not the 15-20 ms back-off", retried[i], k, o.gaps[k]);
        fh_response storm[] = {FH_ANSWER(retried[i], NULL, busy)};
        run_with(storm, 1, 1, 20, 0, &o);
        if (o.st != status_of(retried[i]) || o.requests != 2 || o.err.http_status != retried[i])
            fail_msg("HTTP %d exhausted: status %d, http %d, %d requests", retried[i], o.st, o.err.http_status,
                     o.requests);
    }
}

/* Every other status is final at once. */
static void test_other_statuses_attempted_once(void **state)
{
    (void)state;
    static const int once[] = {400, 401, 403, 404, 422, 302, 418};
    for (size_t i = 0; i < sizeof once / sizeof once[0]; i++) {
        fh_response script[] = {FH_ANSWER(once[i], NULL, bad), FH_ANSWER(200, NULL, chat_body)};
        int requests;
        genapi_error err;
        genapi_status st = run(script, 2, 3, &requests, &err);
        if (st != status_of(once[i]) || requests != 1 || err.http_status != once[i])
            fail_msg("HTTP %d: status %d after %d requests", once[i], st, requests);
    }
}

static void test_server_errors_and_rate_limits_are_retried(void **state)
{
    (void)state;
    fh_response script[] = {FH_ANSWER(503, NULL, busy), FH_ANSWER(429, "Retry-After: 0\r\n", limited),
                            FH_ANSWER(200, NULL, chat_body)};
    int requests;
    genapi_error err;
    assert_int_equal(run(script, 3, 0, &requests, &err), GENAPI_OK);
    assert_int_equal(requests, 3);
}

static void test_retries_can_be_turned_off(void **state)
{
    (void)state;
    fh_response script[] = {FH_ANSWER(503, NULL, busy), FH_ANSWER(200, NULL, chat_body)};
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
    fh_response script[] = {FH_ANSWER(400, NULL, bad), FH_ANSWER(200, NULL, chat_body)};
    int requests;
    genapi_error err;
    assert_int_equal(run(script, 2, 3, &requests, &err), GENAPI_E_BAD_REQUEST);
    assert_int_equal(requests, 1);
    assert_string_equal(err.param, "top_p");
}

static void test_gives_up_after_max_retries_with_retry_after(void **state)
{
    (void)state;
    fh_response script[] = {FH_ANSWER(429, "Retry-After: 0\r\nx-request-id: req-7\r\n", limited)};
    int requests;
    genapi_error err;
    assert_int_equal(run(script, 1, 2, &requests, &err), GENAPI_E_RATE_LIMITED);
    assert_int_equal(requests, 3);
    assert_int_equal(err.http_status, 429);
    assert_int_equal(err.retry_after_ms, 0);
    assert_string_equal(err.request_id, "req-7");
}

/* Without Retry-After the waits are 0.5 s then 1 s (each less up to a quarter of jitter). */
static void test_backoff_doubles(void **state)
{
    (void)state;
    fh_response script[] = {FH_ANSWER(500, NULL, busy), FH_ANSWER(502, NULL, busy), FH_ANSWER(200, NULL, chat_body)};
    outcome o;
    run_with(script, 3, 2, 0, 0, &o);
    assert_int_equal(o.st, GENAPI_OK);
    assert_int_equal(o.requests, 3);
    if (o.gaps[0] < 0.370 || o.gaps[0] > 0.9 || o.gaps[1] < 0.745 || o.gaps[1] > 1.6)
        fail_msg("waits %.3f s and %.3f s, wanted (0.375, 0.5] and (0.75, 1]", o.gaps[0], o.gaps[1]);
}

/* A sane Retry-After is waited, in seconds or as an HTTP date; absurd ones (negative, not a
 * number, 1e300, a date long past) fall back to the client's own back-off or no wait. */
static void test_retry_after_values(void **state)
{
    (void)state;
    fh_response one[] = {FH_ANSWER(503, "Retry-After: 1\r\n", busy), FH_ANSWER(200, NULL, chat_body)};
    outcome o;
    run_with(one, 2, 2, 20, 0, &o);
    assert_int_equal(o.st, GENAPI_OK);
    assert_int_equal(o.requests, 2);
    if (o.gaps[0] < 0.99 || o.gaps[0] > 2.0)
        fail_msg("Retry-After: 1 waited %.3f s", o.gaps[0]);

    char date[96], header[128];
    time_t soon = time(NULL) + 2;
    struct tm tm;
    gmtime_r(&soon, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    snprintf(header, sizeof header, "Retry-After: %s\r\n", date);
    fh_response dated[] = {FH_ANSWER(429, header, limited), FH_ANSWER(200, NULL, chat_body)};
    run_with(dated, 2, 2, 20, 0, &o);
    assert_int_equal(o.st, GENAPI_OK);
    if (o.gaps[0] < 0.9 || o.gaps[0] > 3.0)
        fail_msg("Retry-After: %s waited %.3f s", date, o.gaps[0]);

    static const struct {
        const char *header;
        long long reported_ms; /* what genapi_error::retry_after_ms says when retries run out */
    } absurd[] = {{"Retry-After: -5\r\n", -1},
                  {"Retry-After: soon\r\n", -1},
                  {"Retry-After: 1e300\r\n", 86400LL * 365 * 1000},
                  {"Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n", 0}};
    for (size_t i = 0; i < sizeof absurd / sizeof absurd[0]; i++) {
        fh_response script[] = {FH_ANSWER(429, absurd[i].header, limited)};
        run_with(script, 1, 2, 20, 0, &o);
        if (o.st != GENAPI_E_RATE_LIMITED || o.requests != 3 || o.err.retry_after_ms != absurd[i].reported_ms)
            fail_msg("%s: status %d, %d requests, retry_after_ms %lld", absurd[i].header, o.st, o.requests,
                     (long long)o.err.retry_after_ms);
        for (int k = 0; k < 2; k++)
            if (o.gaps[k] > 0.5)
                fail_msg("%s: waited %.3f s", absurd[i].header, o.gaps[k]);
    }
}

/* 504 is retried like every 5xx, and the whole call stays within timeout_ms: with a 1 s
 * Retry-After and a 2.5 s budget, attempts at 0, 1 and 2 s, and no fourth. */
static void test_504_bounded_by_timeout(void **state)
{
    (void)state;
    fh_response script[] = {FH_ANSWER(504, "Retry-After: 1\r\n", busy)};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    outcome o;
    run_with(script, 1, 10, 20, 2500, &o);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_int_equal(o.st, GENAPI_E_SERVER);
    assert_int_equal(o.err.http_status, 504);
    assert_int_equal(o.requests, 3);
    assert_true(took < 2.5 + 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_retried_status),
        cmocka_unit_test(test_other_statuses_attempted_once),
        cmocka_unit_test(test_server_errors_and_rate_limits_are_retried),
        cmocka_unit_test(test_retries_can_be_turned_off),
        cmocka_unit_test(test_client_errors_are_not_retried),
        cmocka_unit_test(test_gives_up_after_max_retries_with_retry_after),
        cmocka_unit_test(test_backoff_doubles),
        cmocka_unit_test(test_retry_after_values),
        cmocka_unit_test(test_504_bounded_by_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
