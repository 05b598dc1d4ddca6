/* The client against a misbehaving server (tests/support/fake_http.c): refused, reset mid-body
 * and mid-stream, garbage, a cut chunked body, trickle, stall, an endless body and stream, a
 * gzip bomb, oversized headers, wrong types and a redirect. Each ends in the typed error
 * doc/errors.md lists, within the configured time, leaks nothing (ASan), and leaves the client
 * usable: the next request on the same client succeeds. Blocking and non-blocking paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "fake_http.h"
#include "test_client.h"

static const char ok_json[] =
    "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
    "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
    "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
static const char ok_sse[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"role\":\"assistant\",\"content\":\"o\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"content\":\"k\"},\"finish_reason\":\"stop\"}]}\n\n"
    "data: [DONE]\n\n";
/* One event, repeated by FH_ENDLESS. */
static const char sse_event[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"content\":\"more \"},\"finish_reason\":null}]}\n\n";

#define CAP (1024 * 1024) /* max_response_bytes in these tests */
/* A stall after some bytes is seen by libcurl's low-speed check, which averages over a window of
 * up to 5 s: idle_timeout_s (1 s here) + 5 s, and a margin. */
#define STALL_BOUND 8.0

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static genapi_client *client_for(const char *url)
{
    genapi_client_config cfg = tc_config(url);
    cfg.max_retries = -1; /* one attempt: the fault itself is what is observed */
    cfg.timeout_ms = 10000;
    cfg.idle_timeout_s = 1;
    cfg.max_response_bytes = CAP;
    return tc_client_new(&cfg);
}

/* One chat call, streamed or not, blocking or started and polled. */
static genapi_status call(genapi_client *c, int stream, int nonblocking, genapi_chat_result **out, genapi_error *err)
{
    tc_chat k;
    tc_chat_init(&k, "m", "hi");
    *out = NULL;
    if (!nonblocking)
        return stream ? genapi_chat_stream(c, &k.req, NULL, NULL, out, err) : genapi_chat_complete(c, &k.req, out, err);
    genapi_request *r = NULL;
    genapi_status st = stream ? genapi_chat_stream_start(c, &k.req, NULL, &r, err) : genapi_chat_start(c, &k.req, NULL, &r, err);
    if (st != GENAPI_OK)
        return st;
    double t0 = now_s();
    while (!genapi_request_done(r) && now_s() - t0 < 60)
        genapi_poll(c, 50);
    st = genapi_request_status(r, err);
    genapi_request_take_chat(r, out);
    genapi_request_release(r);
    return st;
}

typedef struct fault_case {
    const char *name;
    fh_step fault;
    int stream;
    genapi_status want;
    const char *message_part; /* in err.message, or NULL */
    double max_s;             /* the call ends within this */
} fault_case;

static void run_case(const fault_case *fc, int nonblocking)
{
    fh_step script[2] = {fc->fault, {{200, NULL, fc->stream ? ok_sse : ok_json}, FH_NORMAL, 0,
                                         fc->stream ? "text/event-stream" : NULL, 0}};
    char url[64];
    fake_http *f = fh_start_steps(script, 2, url, sizeof url);
    assert_non_null(f);
    genapi_client *c = client_for(url);
    genapi_chat_result *r = NULL;
    genapi_error err;
    double t0 = now_s();
    genapi_status st = call(c, fc->stream, nonblocking, &r, &err);
    double took = now_s() - t0;
    if (st != fc->want || (fc->message_part && strstr(err.message, fc->message_part) == NULL))
        fail_msg("%s (%s): status %d (%s), wanted %d: %s", fc->name, nonblocking ? "polled" : "blocking", st,
                 genapi_status_str(st), fc->want, err.message);
    if (took > fc->max_s)
        fail_msg("%s: took %.2f s, bound %.2f s", fc->name, took, fc->max_s);
    assert_int_equal(err.status, st);
    assert_int_equal(fh_requests(f), 1);
    if (st == GENAPI_OK)
        assert_string_equal(r->choices[0].content, "ok");
    genapi_chat_result_free(r);
    /* The client is usable after the fault. */
    assert_int_equal(call(c, fc->stream, nonblocking, &r, &err), GENAPI_OK);
    assert_string_equal(r->choices[0].content, "ok");
    genapi_chat_result_free(r);
    genapi_client_free(c);
    fh_stop(f);
}

/* ---- a gzip body that inflates to `n` zero bytes: one literal, then matches of 258 ------------ */

typedef struct bits {
    uint8_t *p;
    size_t len;
    uint32_t acc;
    int n;
} bits;

static void put_bits(bits *b, uint32_t v, int n) /* LSB first, as DEFLATE packs them */
{
    b->acc |= v << b->n;
    b->n += n;
    while (b->n >= 8) {
        b->p[b->len++] = (uint8_t)b->acc;
        b->acc >>= 8;
        b->n -= 8;
    }
}

static void put_code(bits *b, uint32_t code, int n) /* Huffman codes go most significant bit first */
{
    uint32_t r = 0;
    for (int i = 0; i < n; i++)
        r |= ((code >> i) & 1u) << (n - 1 - i);
    put_bits(b, r, n);
}

static uint32_t crc32_zeros(size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= 0;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static uint8_t *gzip_bomb(size_t matches, size_t *len)
{
    size_t n = 1 + matches * 258;
    uint8_t *out = calloc(1, 32 + matches * 2);
    assert_non_null(out);
    static const uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
    memcpy(out, head, 10);
    bits b = {out, 10, 0, 0};
    put_bits(&b, 1, 1);     /* last block */
    put_bits(&b, 1, 2);     /* fixed Huffman codes */
    put_code(&b, 0x30, 8);  /* literal 0 */
    for (size_t i = 0; i < matches; i++) {
        put_code(&b, 0xC5, 8); /* length 258 (symbol 285) */
        put_code(&b, 0, 5);    /* distance 1 */
    }
    put_code(&b, 0, 7); /* end of block */
    if (b.n > 0)
        put_bits(&b, 0, 8 - b.n);
    uint32_t crc = crc32_zeros(n), size = (uint32_t)n;
    for (int i = 0; i < 4; i++)
        out[b.len++] = (uint8_t)(crc >> (8 * i));
    for (int i = 0; i < 4; i++)
        out[b.len++] = (uint8_t)(size >> (8 * i));
    *len = b.len;
    return out;
}

/* ---- the cases ------------------------------------------------------------------------------- */

static void test_faults(void **state)
{
    (void)state;
    static char wrong_types[512];
    snprintf(wrong_types, sizeof wrong_types, "%s", ok_json);
    char *at = strstr(wrong_types, "\"ok\"");
    memcpy(at, "1234", 4);
    size_t bomb_len = 0;
    uint8_t *bomb = gzip_bomb(8 * 4096, &bomb_len); /* 8 MiB of zeros in about 54 KiB */
    const fault_case cases[] = {
        {"reset mid-body", {{200, NULL, ok_json}, FH_RESET_MID, 0, NULL, 0}, 0, GENAPI_E_CONNECT, NULL, 5},
        {"reset mid-stream", {{200, NULL, ok_sse}, FH_RESET_MID, 0, "text/event-stream", 0}, 1, GENAPI_E_STREAM, NULL, 5},
        {"garbage", {{200, NULL, "\x16\x03\x01\x02\x00 not http at all\r\n\r\n"}, FH_RAW, 0, NULL, 0}, 0, GENAPI_E_PARSE,
         "not a valid HTTP", 5},
        {"truncated chunked", {{200, NULL, ok_json}, FH_CHUNKED_CUT, 0, NULL, 0}, 0, GENAPI_E_CONNECT, NULL, 5},
        {"trickle", {{200, NULL, ok_json}, FH_TRICKLE, 4, NULL, 0}, 0, GENAPI_OK, NULL, 9},
        {"stall", {{200, NULL, ok_json}, FH_STALL, 20, NULL, 0}, 0, GENAPI_E_TIMEOUT, NULL, STALL_BOUND},
        {"stall mid-stream", {{200, NULL, ok_sse}, FH_STALL, 150, "text/event-stream", 0}, 1, GENAPI_E_STREAM, NULL,
         STALL_BOUND},
        {"endless body", {{200, NULL, "[0,0,0,0,0,0,0,0]"}, FH_ENDLESS, 0, NULL, 0}, 0, GENAPI_E_PARSE,
         "larger than 1048576 bytes", 9},
        {"endless stream (length)", {{200, NULL, sse_event}, FH_ENDLESS, 1, "text/event-stream", 0}, 1, GENAPI_E_STREAM,
         "larger than 1048576 bytes", 9},
        {"endless stream", {{200, NULL, sse_event}, FH_ENDLESS, 0, "text/event-stream", 0}, 1, GENAPI_E_STREAM,
         "larger than 1048576 bytes", 9},
        {"gzip bomb", {{200, "Content-Encoding: gzip\r\n", (const char *)bomb}, FH_NORMAL, 0, NULL, bomb_len}, 0,
         GENAPI_E_PARSE, "larger than 1048576 bytes", 9},
        {"oversized headers", {{200, NULL, ok_json}, FH_HUGE_HEADER, 1024 * 1024, NULL, 0}, 0, GENAPI_E_PARSE, NULL, 9},
        {"wrong types", {{200, NULL, wrong_types}, FH_NORMAL, 0, NULL, 0}, 0, GENAPI_E_PARSE,
         "choices[0].message.content must be a string, not a number", 5},
        {"redirect", {{302, "Location: https://elsewhere.example/v1/chat/completions\r\n", ""}, FH_NORMAL, 0, NULL, 0}, 0,
         GENAPI_E_HTTP, "https://elsewhere.example/v1/chat/completions", 5},
        {"closed without an answer", {{200, NULL, ok_json}, FH_CLOSE, 0, NULL, 0}, 0, GENAPI_E_CONNECT, NULL, 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_case(&cases[i], 0);
        run_case(&cases[i], 1);
    }
    free(bomb);
}

/* Refused: nothing listens yet; once the port listens, the same client gets its answer. */
static void test_refused_then_usable(void **state)
{
    (void)state;
    fh_step script[] = {{{200, NULL, ok_json}, FH_NORMAL, 0, NULL, 0}};
    char url[64];
    fake_http *f = fh_bind(script, 1, url, sizeof url);
    assert_non_null(f);
    genapi_client *c = client_for(url);
    for (int nonblocking = 0; nonblocking < 2; nonblocking++) {
        genapi_chat_result *r = NULL;
        genapi_error err;
        double t0 = now_s();
        assert_int_equal(call(c, 0, nonblocking, &r, &err), GENAPI_E_CONNECT);
        assert_true(now_s() - t0 < 5);
        assert_null(r);
        assert_non_null(strstr(err.message, url));
    }
    assert_int_equal(fh_listen(f), 0);
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(call(c, 0, 1, &r, &err), GENAPI_OK);
    assert_string_equal(r->choices[0].content, "ok");
    genapi_chat_result_free(r);
    genapi_client_free(c);
    fh_stop(f);
}

/* A body under the cap passes; the cap is checked on the decoded bytes; bad values are refused. */
static void test_response_cap_setting(void **state)
{
    (void)state;
    genapi_client_config cfg = tc_config("http://127.0.0.1:9");
    genapi_client *c = NULL;
    genapi_error err;
    cfg.max_response_bytes = -1;
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "max_response_bytes");
    cfg.max_response_bytes = 512LL * 1024 * 1024 + 1;
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
    /* A gzip body of 300 KiB of zeros inflated: under a 1 MiB cap it arrives (as a JSON parse
     * failure, since zeros are not JSON), over a 256 KiB cap it is refused by size. */
    size_t len = 0;
    uint8_t *gz = gzip_bomb(1200, &len);
    fh_step script[] = {{{200, "Content-Encoding: gzip\r\n", (const char *)gz}, FH_NORMAL, 0, NULL, len}};
    char url[64];
    fake_http *f = fh_start_steps(script, 1, url, sizeof url);
    assert_non_null(f);
    c = client_for(url);
    genapi_chat_result *r = NULL;
    assert_int_equal(call(c, 0, 0, &r, &err), GENAPI_E_PARSE);
    assert_null(strstr(err.message, "larger than"));
    genapi_client_free(c);
    cfg.base_url = url;
    cfg.max_retries = -1;
    cfg.max_response_bytes = 256 * 1024;
    c = tc_client_new(&cfg);
    assert_int_equal(call(c, 0, 0, &r, &err), GENAPI_E_PARSE);
    if (strstr(err.message, "larger than 262144 bytes") == NULL)
        fail_msg("%s", err.message);
    genapi_client_free(c);
    fh_stop(f);
    free(gz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_refused_then_usable),
        cmocka_unit_test(test_response_cap_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
