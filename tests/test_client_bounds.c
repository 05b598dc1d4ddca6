/* The client's own bounds: a whole-call deadline over every attempt (both transports), an idle
 * timeout against a server that goes silent, Retry-After values of any size. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "fake_http.h"
#include "test_client.h"
#include "test_support.h"

static const char *const chat_body =
    "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
    "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";
static const char *const busy = "{\"error\":{\"message\":\"busy\",\"type\":\"ServiceUnavailable\",\"param\":null,\"code\":503}}";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static genapi_client *client_for(const char *url, int64_t timeout_ms, int32_t idle_s)
{
    genapi_client_config cfg = tc_config(url);
    cfg.timeout_ms = timeout_ms;
    cfg.idle_timeout_s = idle_s;
    cfg.retry_max_delay_ms = 20;
    return tc_client_new(&cfg);
}

/* A retry that would end after the deadline is not made: the answer in hand is final. */
static void test_deadline_bounds_retries(void **state)
{
    (void)state;
    fh_response script[] = {FH_ANSWER(503, "Retry-After: 2\r\n", busy), FH_ANSWER(200, NULL, chat_body)};
    char url[64];
    fake_http *f = fh_start(script, 2, url, sizeof url);
    assert_non_null(f);
    genapi_client *c = client_for(url, 800, 0);
    tc_chat k;
    tc_chat_init(&k, "m", "hi");
    genapi_chat_result *r = NULL;
    genapi_error err;
    double t0 = now_s();
    assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_E_SERVER);
    assert_true(now_s() - t0 < 1.5); /* did not wait 2 s for a retry it could not make */
    assert_int_equal(err.http_status, 503);
    assert_int_equal(err.retry_after_ms, 2000);
    assert_int_equal(fh_requests(f), 1);
    genapi_client_free(c);
    fh_stop(f);
}

#if GENAPI_TEST_REFERENCE_BACKEND
/* In process, a generation longer than the call's time ends with GENAPI_E_TIMEOUT. */
static void test_deadline_in_process(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL, 30, 0);
    tc_chat k;
    tc_chat_init(&k, "genapi-ref", "hi");
    GENAPI_TEXT_SET(&k.p, max_tokens, 4000);
    GENAPI_TEXT_SET(&k.p, ignore_eos, 1);
    GENAPI_TEXT_SET(&k.p, n, 8);
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_E_TIMEOUT);
    assert_null(r);
    assert_non_null(strstr(err.message, "timeout_ms"));
    /* The client is usable afterwards. */
    GENAPI_TEXT_SET(&k.p, max_tokens, 2);
    GENAPI_TEXT_SET(&k.p, n, 1);
    genapi_client_free(c);
    c = client_for(NULL, 0, 0);
    assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_OK);
    genapi_chat_result_free(r);
    genapi_client_free(c);
}
#endif

/* A server that answers its headers and then goes silent. */
typedef struct silent {
    int listener;
    int port;
    pthread_t th;
    int conn;
} silent;

static void *silent_main(void *arg)
{
    silent *s = arg;
    s->conn = accept(s->listener, NULL, NULL);
    if (s->conn < 0)
        return NULL;
    char buf[4096];
    ssize_t got = recv(s->conn, buf, sizeof buf, 0);
    (void)got;
    const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    ssize_t sent = send(s->conn, head, strlen(head), 0);
    (void)sent;
    return NULL; /* then nothing: the connection stays open, silent */
}

static void silent_start(silent *s)
{
    memset(s, 0, sizeof *s);
    s->conn = -1;
    s->listener = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->listener >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s->listener, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(s->listener, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    assert_int_equal(listen(s->listener, 4), 0);
    pthread_create(&s->th, NULL, silent_main, s);
}

static void silent_stop(silent *s)
{
    shutdown(s->listener, SHUT_RDWR);
    pthread_join(s->th, NULL);
    if (s->conn >= 0)
        close(s->conn);
    close(s->listener);
}

static void test_idle_timeout(void **state)
{
    (void)state;
    silent s;
    silent_start(&s);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
    genapi_client_config cfg = tc_config(url);
    cfg.idle_timeout_s = 1;
    cfg.max_retries = -1;
    genapi_client *c = tc_client_new(&cfg);
    tc_chat k;
    tc_chat_init(&k, "m", "hi");
    genapi_chat_result *r = NULL;
    genapi_error err;
    double t0 = now_s();
    genapi_status st = genapi_chat_stream(c, &k.req, NULL, NULL, &r, &err);
    double took = now_s() - t0;
    assert_int_equal(st, GENAPI_E_TIMEOUT);
    assert_true(took < 10); /* the 10-minute call limit did not apply: the idle limit did */
    genapi_chat_result_free(r);
    genapi_client_free(c);
    silent_stop(&s);
}

/* Retry-After values past any sane wait (1e300, inf, a date far ahead) are clamped: the client
 * falls back to its own back-off and reports a bounded value. */
static void test_absurd_retry_after(void **state)
{
    (void)state;
    const char *values[] = {"Retry-After: 1e300\r\n", "Retry-After: inf\r\n",
                            "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT\r\n"};
    for (size_t i = 0; i < 3; i++) {
        fh_response script[] = {FH_ANSWER(429, values[i], busy)};
        char url[64];
        fake_http *f = fh_start(script, 1, url, sizeof url);
        assert_non_null(f);
        genapi_client *c = client_for(url, 0, 0);
        tc_chat k;
        tc_chat_init(&k, "m", "hi");
        genapi_chat_result *r = NULL;
        genapi_error err;
        assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_E_RATE_LIMITED);
        assert_int_equal(fh_requests(f), 3); /* retried with the client's own short back-off */
        assert_true(err.retry_after_ms >= 0);
        assert_true(err.retry_after_ms <= 365LL * 86400 * 1000);
        genapi_client_free(c);
        fh_stop(f);
    }
}

/* A redirect is an HTTP error that carries its status and where it points; it is not followed. */
static void test_redirect_is_an_error(void **state)
{
    (void)state;
    fh_response script[] = {FH_ANSWER(302, "Location: https://elsewhere.example/v1/chat/completions\r\n", "")};
    char url[64];
    fake_http *f = fh_start(script, 1, url, sizeof url);
    assert_non_null(f);
    genapi_client *c = client_for(url, 0, 0);
    tc_chat k;
    tc_chat_init(&k, "m", "hi");
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_E_HTTP);
    assert_null(r);
    assert_int_equal(err.http_status, 302);
    assert_non_null(strstr(err.message, "https://elsewhere.example/v1/chat/completions"));
    assert_int_equal(fh_requests(f), 1);
    genapi_client_free(c);
    fh_stop(f);
}

/* Credentials in a base URL never appear in an error message. */
static void test_url_credentials_not_shown(void **state)
{
    (void)state;
    char url[96];
    int held = -1;
    int port = ts_refused_port(&held);
    assert_true(port > 0);
    snprintf(url, sizeof url, "http://alice:s3cr3t-pw@127.0.0.1:%d/v1", port);
    genapi_client *c = client_for(url, 0, 0);
    tc_chat k;
    tc_chat_init(&k, "m", "hi");
    genapi_chat_result *r = NULL;
    genapi_error err;
    genapi_client_free(c);
    genapi_client_config cfg = tc_config(url);
    cfg.max_retries = -1;
    c = tc_client_new(&cfg);
    assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_E_CONNECT);
    assert_non_null(strstr(err.message, "127.0.0.1"));
    assert_null(strstr(err.message, "s3cr3t"));
    assert_null(strstr(err.message, "alice"));
    genapi_client_free(c);
    close(held);
    cfg.base_url = "ftp://bob:hunter2@host/";
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
    assert_null(strstr(err.message, "hunter2"));
    assert_non_null(strstr(err.message, "ftp://host/"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline_bounds_retries),
#if GENAPI_TEST_REFERENCE_BACKEND
        cmocka_unit_test(test_deadline_in_process),
#endif
        cmocka_unit_test(test_idle_timeout),
        cmocka_unit_test(test_absurd_retry_after),
        cmocka_unit_test(test_redirect_is_an_error),
        cmocka_unit_test(test_url_credentials_not_shown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
