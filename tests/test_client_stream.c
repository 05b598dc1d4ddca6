/* Streaming through the client: deltas arrive in order and add up to the final result, which
 * equals the non-streamed answer for the same seed, in-process and over HTTP; the callback can
 * stop a stream; HTTP errors stay typed; a broken stream is reported, not retried. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "fake_http.h"
#include "test_client.h"
#include "test_support.h"

typedef struct collected {
    char text[8192];
    size_t len;
    int deltas;
    int finished;
    int stop_after; /* stop the stream after this many deltas (0: never) */
} collected;

static int on_delta(const genapi_stream_delta *d, void *user)
{
    collected *c = user;
    assert_int_equal(d->index, 0);
    assert_int_equal(c->finished, 0); /* nothing after the finishing delta */
    if (d->content) {
        assert_true(c->len + d->content_len < sizeof c->text);
        memcpy(c->text + c->len, d->content, d->content_len);
        c->len += d->content_len;
        c->text[c->len] = '\0';
    }
    if (d->finish_reason)
        c->finished = 1;
    c->deltas++;
    return c->stop_after && c->deltas >= c->stop_after;
}

static genapi_client *client(const char *url)
{
    genapi_client_config cfg = tc_config(url);
    cfg.retry_max_delay_ms = 20;
    return tc_client_new(&cfg);
}

static void chat_equals_unstreamed(const char *url)
{
    genapi_client *c = client(url);
    tc_chat k;
    tc_chat_init(&k, "genapi-ref", "Tell me about the harbour");
    GENAPI_TEXT_SET(&k.p, seed, 42);
    GENAPI_TEXT_SET(&k.p, max_tokens, 40);
    genapi_chat_result *whole = NULL, *streamed = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_complete(c, &k.req, &whole, &err), GENAPI_OK);
    collected col;
    memset(&col, 0, sizeof col);
    if (genapi_chat_stream(c, &k.req, on_delta, &col, &streamed, &err) != GENAPI_OK)
        fail_msg("stream: %s", err.message);
    assert_true(col.deltas > 3);
    assert_int_equal(col.finished, 1);
    assert_string_equal(col.text, whole->choices[0].content);
    assert_string_equal(streamed->choices[0].content, whole->choices[0].content);
    assert_string_equal(streamed->choices[0].finish_reason, whole->choices[0].finish_reason);
    assert_true(streamed->usage.present);
    assert_int_equal(streamed->usage.completion_tokens, whole->usage.completion_tokens);
    assert_string_equal(streamed->model, "genapi-ref");
    genapi_chat_result_free(whole);
    genapi_chat_result_free(streamed);

    /* Completions too, with no callback. */
    genapi_completion_request creq = GENAPI_COMPLETION_REQUEST_INIT;
    creq.prompt = "The lighthouse keeper";
    creq.params = &k.p;
    genapi_completion_result *cw = NULL, *cs = NULL;
    assert_int_equal(genapi_complete(c, &creq, &cw, &err), GENAPI_OK);
    assert_int_equal(genapi_complete_stream(c, &creq, NULL, NULL, &cs, &err), GENAPI_OK);
    assert_string_equal(cs->choices[0].text, cw->choices[0].text);
    genapi_completion_result_free(cw);
    genapi_completion_result_free(cs);
    genapi_client_free(c);
}

static void test_stream_in_process(void **state)
{
    (void)state;
    chat_equals_unstreamed(NULL);
}

static void test_stream_over_http(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    chat_equals_unstreamed(s.url);
    ts_server_stop(&s);
}

static void test_callback_stops_the_stream(void **state)
{
    (void)state;
    genapi_client *c = client(NULL);
    tc_chat k;
    tc_chat_init(&k, "genapi-ref", "Hi");
    GENAPI_TEXT_SET(&k.p, max_tokens, 30);
    GENAPI_TEXT_SET(&k.p, ignore_eos, 1);
    collected col;
    memset(&col, 0, sizeof col);
    col.stop_after = 3;
    genapi_chat_result *partial = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_stream(c, &k.req, on_delta, &col, &partial, &err), GENAPI_E_CANCELLED);
    assert_int_equal(col.deltas, 3);
    assert_non_null(partial);
    assert_string_equal(partial->choices[0].content, col.text);
    genapi_chat_result_free(partial);
    /* HTTP-level errors are the usual typed errors. */
    GENAPI_TEXT_SET(&k.p, model, "no-such-model");
    assert_int_equal(genapi_chat_stream(c, &k.req, on_delta, &col, &partial, &err), GENAPI_E_NOT_FOUND);
    assert_int_equal(err.http_status, 404);
    assert_null(partial);
    genapi_client_free(c);
}

static void test_broken_and_failing_streams(void **state)
{
    (void)state;
    static const char *const error_midstream =
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
        "data: {\"error\":{\"message\":\"engine died\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}\n\n"
        "data: [DONE]\n\n";
    static const char *const truncated =
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n";
    const char *bodies[] = {error_midstream, truncated};
    const char *messages[] = {"engine died", "the stream ended without [DONE]"};
    for (int i = 0; i < 2; i++) {
        fh_response script[] = {FH_ANSWER(200, NULL, bodies[i])};
        char url[64];
        fake_http *f = fh_start(script, 1, url, sizeof url);
        assert_non_null(f);
        genapi_client *c = client(url);
        tc_chat k;
        tc_chat_init(&k, "m", "Hi");
        collected col;
        memset(&col, 0, sizeof col);
        genapi_chat_result *partial = NULL;
        genapi_error err;
        assert_int_equal(genapi_chat_stream(c, &k.req, on_delta, &col, &partial, &err), GENAPI_E_STREAM);
        assert_string_equal(err.message, messages[i]);
        assert_non_null(partial);
        assert_string_equal(partial->choices[0].content, i == 0 ? "Hel" : "Hello");
        assert_int_equal(fh_requests(f), 1); /* a stream that delivered data is not repeated */
        genapi_chat_result_free(partial);
        genapi_client_free(c);
        fh_stop(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_in_process),
        cmocka_unit_test(test_stream_over_http),
        cmocka_unit_test(test_callback_stops_the_stream),
        cmocka_unit_test(test_broken_and_failing_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
