/* Strict results: a field of the wrong JSON type is GENAPI_E_PARSE naming the field (null stays
 * "not sent"), invalid UTF-8 in any text becomes U+FFFD (one per maximal ill-formed subpart),
 * the same in a whole response, a stream delta, an error message, and on both transports; and
 * an escaped NUL in content or reasoning is kept, counted by the length fields. */
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
#include "util/json_typed.h"

#define FFFD "\xEF\xBF\xBD"

static genapi_client *client_for(const char *url)
{
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.max_retries = -1;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    return c;
}

/* A chat completion whose first choice has `choice` (JSON members) and whose root has `root`. */
static char *chat_body(const char *root, const char *choice)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\"%s%s,\"choices\":[{\"index\":0,"
             "\"finish_reason\":\"stop\",%s}]}",
             root[0] ? "," : "", root, choice);
    return buf;
}

typedef struct bad_case {
    const char *root, *choice, *field;
} bad_case;

static void test_wrong_types_name_the_field(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    static const bad_case cases[] = {
        {"", "\"message\":{\"role\":\"assistant\",\"content\":12345}", "choices[0].message.content"},
        {"", "\"message\":{\"role\":7,\"content\":\"x\"}", "choices[0].message.role"},
        {"", "\"message\":\"text\"", "choices[0].message"},
        {"", "\"message\":{\"content\":\"x\"},\"stop_reason\":[1]", "choices[0].stop_reason"},
        {"", "\"message\":{\"content\":\"x\"},\"index\":\"0\"", "choices[0].index"},
        {"", "\"message\":{\"content\":\"x\",\"tool_calls\":[{\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":5}}]}",
         "choices[0].message.tool_calls[0].function.arguments"},
        {"", "\"message\":{\"content\":\"x\"},\"logprobs\":{\"content\":[{\"token\":5,\"logprob\":-1}]}",
         "choices[0].logprobs.content[0].token"},
        {"", "\"message\":{\"content\":\"x\"},\"logprobs\":{\"content\":[{\"token\":\"a\",\"logprob\":\"low\"}]}",
         "choices[0].logprobs.content[0].logprob"},
        {"\"usage\":{\"prompt_tokens\":\"3\"}", "\"message\":{\"content\":\"x\"}", "usage.prompt_tokens"},
        {"\"created\":1.5", "\"message\":{\"content\":\"x\"}", "created"},
        {"\"usage\":[]", "\"message\":{\"content\":\"x\"}", "usage"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *body = chat_body(cases[i].root, cases[i].choice);
        /* "created" given twice: json-c keeps the last one */
        genapi_chat_result *r = NULL;
        genapi_error err;
        genapi_status st = genapi_chat_result_parse(c, body, strlen(body), &r, &err);
        if (st != GENAPI_E_PARSE || strcmp(err.param, cases[i].field) != 0)
            fail_msg("case %zu: status %d, param '%s' (wanted '%s'): %s", i, st, err.param, cases[i].field, err.message);
        assert_null(r);
        assert_non_null(strstr(err.message, cases[i].field));
    }
    /* null where the servers send null is "not sent", not an error */
    const char *nulls = chat_body("\"usage\":null,\"prompt_logprobs\":null",
                                  "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":null,"
                                  "\"reasoning_content\":null},\"logprobs\":null,\"stop_reason\":null");
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_result_parse(c, nulls, strlen(nulls), &r, &err), GENAPI_OK);
    assert_null(r->choices[0].content);
    assert_null(r->choices[0].logprobs);
    assert_int_equal(r->usage.present, 0);
    assert_int_equal(r->prompt_logprobs_count, -1);
    genapi_chat_result_free(r);

    static const char *const completions[][2] = {
        {"{\"id\":\"x\",\"choices\":[{\"index\":0,\"text\":12345,\"finish_reason\":\"stop\"}]}", "choices[0].text"},
        {"{\"id\":\"x\",\"choices\":[{\"index\":0,\"text\":\"a\",\"logprobs\":{\"tokens\":[\"a\"],"
         "\"token_logprobs\":[\"x\"]}}]}",
         "choices[0].logprobs.token_logprobs[0]"},
        {"{\"id\":\"x\",\"choices\":[{\"index\":0,\"text\":\"a\",\"logprobs\":{\"tokens\":[\"a\"],"
         "\"text_offset\":[0.5]}}]}",
         "choices[0].logprobs.text_offset[0]"},
    };
    for (size_t i = 0; i < 3; i++) {
        genapi_completion_result *cr = NULL;
        assert_int_equal(genapi_completion_result_parse(c, completions[i][0], strlen(completions[i][0]), &cr, &err),
                         GENAPI_E_PARSE);
        assert_string_equal(err.param, completions[i][1]);
    }
    genapi_tokenize_result *tr = NULL;
    const char *tok = "{\"count\":1,\"max_model_len\":8,\"tokens\":[\"a\"]}";
    assert_int_equal(genapi_tokenize_result_parse(c, tok, strlen(tok), &tr, &err), GENAPI_E_PARSE);
    assert_string_equal(err.param, "tokens[0]");
    genapi_client_free(c);
}

/* The replacement rule itself, against the WHATWG / Unicode "maximal subpart" counts. */
static void test_utf8_replacement_rule(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
        {"a\xFF" "b", "a" FFFD "b"},
        {"\xC0\xAF", FFFD FFFD},                     /* overlong: two bytes, each ill-formed */
        {"\xED\xA0\x80", FFFD FFFD FFFD},            /* a UTF-16 surrogate */
        {"\xE2\x82", FFFD},                          /* cut at the end: one subpart */
        {"\xF0\x9F\x98x", FFFD "x"},                 /* cut before an ASCII byte */
        {"\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD},   /* past U+10FFFF */
        {"\x80\x80", FFFD FFFD},                     /* lone continuation bytes */
        {"\xE2\x82\xAC\xE2", "\xE2\x82\xAC" FFFD},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].in);
        char out[64];
        size_t n = ga_utf8_repaired_len(cases[i].in, len);
        assert_true(n < sizeof out);
        ga_utf8_repair(cases[i].in, len, out);
        out[n] = '\0';
        if (strcmp(out, cases[i].out) != 0)
            fail_msg("case %zu: got '%s'", i, out);
        assert_int_equal(ga_utf8_valid(cases[i].in, len), strcmp(cases[i].in, cases[i].out) == 0);
    }
}

static int count_delta(const genapi_stream_delta *d, void *user)
{
    char *acc = user;
    if (d->content)
        strncat(acc, d->content, d->content_len);
    return 0;
}

/* A scripted server sending invalid UTF-8 in content, in a stream delta, and in an error message. */
static void test_invalid_utf8_over_http(void **state)
{
    (void)state;
    static const char whole[] = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{"
                                "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok \xFF\xC3 done\"},"
                                "\"finish_reason\":\"stop\"}]}";
    static const char stream[] =
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"delta\":{\"role\":\"assistant\",\"content\":\"A\xE2\x82\"},\"finish_reason\":null}]}\n\n"
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"delta\":{\"content\":\"\xAC" "B\"},\"finish_reason\":\"stop\"}]}\n\n"
        "data: [DONE]\n\n";
    static const char bad[] = "{\"error\":{\"message\":\"bad \xC0 input\",\"type\":\"BadRequestError\",\"param\":null,"
                              "\"code\":400}}";
    fh_step script[] = {{{200, NULL, whole}, FH_NORMAL, 0, NULL, 0},
                            {{200, NULL, stream}, FH_NORMAL, 0, "text/event-stream", 0},
                            {{400, NULL, bad}, FH_NORMAL, 0, NULL, 0}};
    char url[64];
    fake_http *f = fh_start_steps(script, 3, url, sizeof url);
    assert_non_null(f);
    genapi_client *c = client_for(url);
    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, model, "m");
    genapi_chat_message msg = {.role = "user", .content = "hi"};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &msg;
    req.message_count = 1;
    req.params = &p;
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_complete(c, &req, &r, &err), GENAPI_OK);
    assert_string_equal(r->choices[0].content, "ok " FFFD FFFD " done");
    assert_int_equal(r->choices[0].content_len, strlen("ok " FFFD FFFD " done"));
    genapi_chat_result_free(r);

    /* Each event's strings are whole JSON strings: a character split across two events is two
     * ill-formed pieces (a server must not split one), each replaced where it stands. */
    char deltas[256] = "";
    assert_int_equal(genapi_chat_stream(c, &req, count_delta, deltas, &r, &err), GENAPI_OK);
    assert_string_equal(deltas, "A" FFFD FFFD "B");
    assert_string_equal(r->choices[0].content, "A" FFFD FFFD "B");
    genapi_chat_result_free(r);

    assert_int_equal(genapi_chat_complete(c, &req, &r, &err), GENAPI_E_BAD_REQUEST);
    assert_string_equal(err.message, "bad " FFFD " input");
    genapi_client_free(c);
    fh_stop(f);
}

typedef struct counted {
    char text[64];
    size_t len;
} counted;

static int add_reasoning(const genapi_stream_delta *d, void *user)
{
    counted *c = user;
    if (d->reasoning != NULL && c->len + d->reasoning_len <= sizeof c->text) {
        memcpy(c->text + c->len, d->reasoning, d->reasoning_len);
        c->len += d->reasoning_len;
    }
    return 0;
}

/* A choice's reasoning holds exactly `want` (want_len bytes, NUL included) and is terminated. */
static void assert_reasoning(const genapi_chat_choice *ch, const char *want, size_t want_len)
{
    assert_non_null(ch->reasoning);
    assert_int_equal(ch->reasoning_len, want_len);
    assert_memory_equal(ch->reasoning, want, want_len);
    assert_int_equal(ch->reasoning[want_len], '\0');
}

/* A NUL the server escaped into the reasoning (\u0000) is kept with the rest, as in content:
 * the whole response (reasoning_content, or reasoning from newer servers), the stream's result,
 * and genapi_chat_result_to_json() writing it back. */
static void test_nul_in_reasoning_kept(void **state)
{
    (void)state;
    static const char older[] = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{"
                                "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"x\\u0000y\","
                                "\"reasoning_content\":\"think\\u0000more\"},\"finish_reason\":\"stop\"}]}";
    static const char newer[] = "{\"id\":\"c2\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{"
                                "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\","
                                "\"reasoning\":\"\\u0000a\\u0000\"},\"finish_reason\":\"stop\"}]}";
    static const char stream[] =
        "data: {\"id\":\"c3\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"th\\u0000\"},\"finish_reason\":null}]}\n\n"
        "data: {\"id\":\"c3\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"delta\":{\"reasoning\":\"ink\\u0000\"},\"finish_reason\":null}]}\n\n"
        "data: {\"id\":\"c3\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"delta\":{\"content\":\"done\"},\"finish_reason\":\"stop\"}]}\n\n"
        "data: [DONE]\n\n";
    fh_step script[] = {{{200, NULL, older}, FH_NORMAL, 0, NULL, 0},
                        {{200, NULL, newer}, FH_NORMAL, 0, NULL, 0},
                        {{200, NULL, stream}, FH_NORMAL, 0, "text/event-stream", 0}};
    char url[64];
    fake_http *f = fh_start_steps(script, 3, url, sizeof url);
    assert_non_null(f);
    genapi_client *c = client_for(url);
    tc_chat k;
    tc_chat_init(&k, "m", "hi");
    genapi_chat_result *r = NULL;
    genapi_error err;

    assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_OK);
    assert_reasoning(&r->choices[0], "think\0more", 10);
    assert_int_equal(r->choices[0].content_len, 3);
    /* written back whole, and read back the same */
    char *json = NULL;
    assert_int_equal(genapi_chat_result_to_json(r, &json, &err), GENAPI_OK);
    assert_non_null(strstr(json, "\"reasoning_content\":\"think\\u0000more\""));
    genapi_chat_result *again = NULL;
    assert_int_equal(genapi_chat_result_parse(c, json, strlen(json), &again, &err), GENAPI_OK);
    assert_reasoning(&again->choices[0], "think\0more", 10);
    genapi_chat_result_free(again);
    genapi_chat_result_string_free(r, json);
    genapi_chat_result_free(r);

    assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_OK);
    assert_reasoning(&r->choices[0], "\0a\0", 3);
    genapi_chat_result_free(r);

    counted deltas = {{0}, 0};
    assert_int_equal(genapi_chat_stream(c, &k.req, add_reasoning, &deltas, &r, &err), GENAPI_OK);
    assert_reasoning(&r->choices[0], "th\0ink\0", 7);
    assert_int_equal(deltas.len, 7);
    assert_memory_equal(deltas.text, "th\0ink\0", 7);
    assert_string_equal(r->choices[0].content, "done");
    genapi_chat_result_free(r);
    genapi_client_free(c);
    fh_stop(f);

    /* no reasoning: NULL with length 0 */
    c = client_for(NULL);
    const char *none = chat_body("", "\"message\":{\"role\":\"assistant\",\"content\":\"x\",\"reasoning_content\":null}");
    assert_int_equal(genapi_chat_result_parse(c, none, strlen(none), &r, &err), GENAPI_OK);
    assert_null(r->choices[0].reasoning);
    assert_int_equal(r->choices[0].reasoning_len, 0);
    genapi_chat_result_free(r);
    genapi_client_free(c);
}

/* Wrong types inside a stream: the call ends with GENAPI_E_PARSE naming the chunk's field. */
static void test_wrong_type_in_stream(void **state)
{
    (void)state;
    static const char stream[] =
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"delta\":{\"content\":12345},\"finish_reason\":null}]}\n\n"
        "data: [DONE]\n\n";
    fh_step script[] = {{{200, NULL, stream}, FH_NORMAL, 0, "text/event-stream", 0}};
    char url[64];
    fake_http *f = fh_start_steps(script, 1, url, sizeof url);
    assert_non_null(f);
    genapi_client *c = client_for(url);
    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, model, "m");
    genapi_chat_message msg = {.role = "user", .content = "hi"};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &msg;
    req.message_count = 1;
    req.params = &p;
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_stream(c, &req, NULL, NULL, &r, &err), GENAPI_E_PARSE);
    assert_string_equal(err.param, "choices[0].delta.content");
    assert_int_equal(err.http_status, 200);
    assert_non_null(r); /* what arrived before stays available */
    assert_string_equal(r->choices[0].content, "Hi");
    genapi_chat_result_free(r);
    genapi_client_free(c);
    fh_stop(f);
}

/* The reference backend echoes a prompt holding invalid UTF-8: the caller sees the same
 * repaired text in process and over HTTP, streamed or not. */
static void echo_text(const char *url, int stream, char *out, size_t cap)
{
    genapi_client *c = client_for(url);
    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, model, "genapi-ref");
    GENAPI_TEXT_SET(&p, max_tokens, 1);
    GENAPI_TEXT_SET(&p, seed, 3);
    genapi_completion_request req = GENAPI_COMPLETION_REQUEST_INIT;
    req.echo = 1;
    req.prompt = "ab\xFF" "cd\xE2\x82";
    req.params = &p;
    genapi_completion_result *r = NULL;
    genapi_error err;
    genapi_status st = stream ? genapi_complete_stream(c, &req, NULL, NULL, &r, &err) : genapi_complete(c, &req, &r, &err);
    if (st != GENAPI_OK)
        fail_msg("echo over %s (stream %d): %s", url ? url : "in-process", stream, err.message);
    snprintf(out, cap, "%s", r->choices[0].text);
    assert_true(ga_utf8_valid(r->choices[0].text, r->choices[0].text_len));
    genapi_completion_result_free(r);
    genapi_client_free(c);
}

static void test_invalid_utf8_same_on_both_transports(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    char in_proc[512], http[512], in_proc_s[512], http_s[512];
    echo_text(NULL, 0, in_proc, sizeof in_proc);
    echo_text(s.url, 0, http, sizeof http);
    echo_text(NULL, 1, in_proc_s, sizeof in_proc_s);
    echo_text(s.url, 1, http_s, sizeof http_s);
    ts_server_stop(&s);
    assert_memory_equal(in_proc, "ab" FFFD "cd" FFFD, strlen("ab" FFFD "cd" FFFD));
    assert_string_equal(in_proc, http);
    assert_string_equal(in_proc, in_proc_s);
    assert_string_equal(in_proc, http_s);
}

/* The reference server reads requests with the same typed reader: a flag of the wrong type is a
 * 400 naming it, on both transports. */
static void test_server_refuses_wrong_types(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    static const char *const bodies[][2] = {
        {"{\"model\":\"genapi-ref\",\"prompt\":\"a\",\"max_tokens\":1,\"stream\":\"yes\"}", "stream"},
        {"{\"model\":\"genapi-ref\",\"prompt\":\"a\",\"max_tokens\":1,\"echo\":1}", "echo"},
        {"{\"model\":\"genapi-ref\",\"prompt\":\"a\",\"max_tokens\":1,\"stream\":true,\"stream_options\":"
         "{\"include_usage\":\"no\"}}",
         "include_usage"},
    };
    for (size_t i = 0; i < 3; i++) {
        genapi_http_request req = {"POST", "/v1/completions", NULL, "application/json", bodies[i][0], strlen(bodies[i][0])};
        genapi_http_response r;
        assert_int_equal(genapi_backend_handle(b, &req, &r), GENAPI_OK);
        assert_int_equal(r.status, 400);
        char want[64];
        snprintf(want, sizeof want, "\"param\":\"%s\"", bodies[i][1]);
        if (strstr(r.body, want) == NULL)
            fail_msg("case %zu: %s", i, r.body);
        genapi_http_response_release(b, &r);
    }
    genapi_backend_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrong_types_name_the_field),
        cmocka_unit_test(test_utf8_replacement_rule),
        cmocka_unit_test(test_invalid_utf8_over_http),
        cmocka_unit_test(test_nul_in_reasoning_kept),
        cmocka_unit_test(test_wrong_type_in_stream),
        cmocka_unit_test(test_invalid_utf8_same_on_both_transports),
        cmocka_unit_test(test_server_refuses_wrong_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
