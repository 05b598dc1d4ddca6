/* Chat completion end to end: typed params -> validation -> JSON -> transport -> reference
 * backend -> JSON -> typed result, in-process and over HTTP (libcurl to a genapi-server
 * child process), plus every failure path a caller can hit. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <genapi/genapi.h>

#include "failing_alloc.h"
#include "test_support.h"

static genapi_client *new_client(const char *url, const char *key)
{
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.api_key = key;
    cfg.timeout_ms = 60000;
    cfg.retry_max_delay_ms = 20; /* failures below are retried twice; keep the waits short */
    genapi_client *c = NULL;
    genapi_error err;
    if (genapi_client_new(&cfg, &c, &err) != GENAPI_OK)
        fail_msg("client: %s", err.message);
    return c;
}

static genapi_status chat(genapi_client *c, const genapi_text_params *p, const char *text, const char *extra,
                          genapi_chat_result **res, genapi_error *err)
{
    genapi_chat_message msg = {.role = "user", .content = text};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &msg;
    req.message_count = 1;
    req.params = p;
    req.extra_json = extra;
    return genapi_chat_complete(c, &req, res, err);
}

static void base_params(genapi_text_params *p)
{
    genapi_text_params_init(p, sizeof *p);
    GENAPI_TEXT_SET(p, model, "genapi-ref");
}

static void assert_good_result(const genapi_chat_result *r)
{
    assert_non_null(r->id);
    assert_int_equal(strncmp(r->id, "chatcmpl-", 9), 0);
    assert_string_equal(r->object, "chat.completion");
    assert_string_equal(r->model, "genapi-ref");
    assert_true(r->created > 1700000000);
    assert_int_equal(r->choice_count, 1);
    assert_int_equal(r->choices[0].index, 0);
    assert_string_equal(r->choices[0].role, "assistant");
    assert_non_null(r->choices[0].content);
    assert_true(r->choices[0].content_len > 0);
    assert_non_null(r->choices[0].finish_reason);
    assert_true(r->usage.present);
    assert_true(r->usage.prompt_tokens > 0);
    assert_true(r->usage.completion_tokens > 0);
    assert_int_equal(r->usage.total_tokens, r->usage.prompt_tokens + r->usage.completion_tokens);
}

/* ---- in-process ------------------------------------------------------------------------- */

static void test_inproc_chat(void **state)
{
    (void)state;
    genapi_client *c = new_client(NULL, NULL);
    assert_null(genapi_client_base_url(c));
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, seed, 7);
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(chat(c, &p, "Hello! How do I keep bread fresh?", NULL, &r, &err), GENAPI_OK);
    assert_good_result(r);
    /* The text is words, not noise: mostly letters and spaces. */
    size_t letters = 0;
    for (size_t i = 0; i < r->choices[0].content_len; i++) {
        char ch = r->choices[0].content[i];
        letters += (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == ' ';
    }
    assert_true(letters * 10 >= r->choices[0].content_len * 7);
    genapi_chat_result_free(r);
    genapi_client_free(c);
}

static void test_seed_is_deterministic_and_matters(void **state)
{
    (void)state;
    genapi_client *c = new_client(NULL, NULL);
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, temperature, 1.0);
    GENAPI_TEXT_SET(&p, max_tokens, 40);
    char *texts[3];
    for (int i = 0; i < 3; i++) {
        GENAPI_TEXT_SET(&p, seed, i < 2 ? 11 : 12);
        genapi_chat_result *r = NULL;
        assert_int_equal(chat(c, &p, "Tell me about the sea", NULL, &r, NULL), GENAPI_OK);
        texts[i] = strdup(r->choices[0].content);
        genapi_chat_result_free(r);
    }
    assert_string_equal(texts[0], texts[1]);
    assert_string_not_equal(texts[0], texts[2]);
    for (int i = 0; i < 3; i++)
        free(texts[i]);
    genapi_client_free(c);
}

static void test_max_tokens_and_n(void **state)
{
    (void)state;
    genapi_client *c = new_client(NULL, NULL);
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, max_tokens, 5);
    GENAPI_TEXT_SET(&p, ignore_eos, 1);
    GENAPI_TEXT_SET(&p, n, 3);
    GENAPI_TEXT_SET(&p, seed, 3);
    genapi_chat_result *r = NULL;
    assert_int_equal(chat(c, &p, "Hi", NULL, &r, NULL), GENAPI_OK);
    assert_int_equal(r->choice_count, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(r->choices[i].index, (int64_t)i);
        assert_string_equal(r->choices[i].finish_reason, "length");
    }
    assert_int_equal(r->usage.completion_tokens, 15);
    genapi_chat_result_free(r);
    genapi_client_free(c);
}

static void test_greedy_is_top_k_1(void **state)
{
    (void)state;
    genapi_client *c = new_client(NULL, NULL);
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, max_tokens, 30);
    GENAPI_TEXT_SET(&p, temperature, 0.0);
    genapi_chat_result *a = NULL, *b = NULL;
    assert_int_equal(chat(c, &p, "What is a garden?", NULL, &a, NULL), GENAPI_OK);
    genapi_text_params_mark(&p, GENAPI_TEXT_PARAM_temperature, 0);
    GENAPI_TEXT_SET(&p, temperature, 1.3);
    GENAPI_TEXT_SET(&p, top_k, 1);
    GENAPI_TEXT_SET(&p, seed, 99);
    assert_int_equal(chat(c, &p, "What is a garden?", NULL, &b, NULL), GENAPI_OK);
    assert_string_equal(a->choices[0].content, b->choices[0].content);
    genapi_chat_result_free(a);
    genapi_chat_result_free(b);
    genapi_client_free(c);
}

static void test_stop_strings(void **state)
{
    (void)state;
    genapi_client *c = new_client(NULL, NULL);
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, seed, 5);
    GENAPI_TEXT_SET(&p, max_tokens, 60);
    GENAPI_TEXT_SET(&p, ignore_eos, 1);
    genapi_chat_result *free_run = NULL;
    assert_int_equal(chat(c, &p, "Describe a city morning", NULL, &free_run, NULL), GENAPI_OK);
    const char *text = free_run->choices[0].content;
    /* Stop at the first occurrence of the text's third word. */
    const char *w = text;
    for (int k = 0; k < 2 && w; k++) {
        w = strchr(w + 1, ' ');
    }
    assert_non_null(w);
    char stop[16];
    size_t len = strcspn(w + 1, " ");
    if (len > 6)
        len = 6;
    stop[0] = ' ';
    memcpy(stop + 1, w + 1, len);
    stop[len + 1] = '\0';
    size_t first = (size_t)(strstr(text, stop) - text);
    const char *stops[] = {stop};
    GENAPI_TEXT_SET(&p, stop, ((genapi_strlist){stops, 1}));
    genapi_chat_result *r = NULL;
    assert_int_equal(chat(c, &p, "Describe a city morning", NULL, &r, NULL), GENAPI_OK);
    assert_string_equal(r->choices[0].finish_reason, "stop");
    assert_int_equal(r->choices[0].stop_reason_kind, GENAPI_STOP_REASON_STRING);
    assert_string_equal(r->choices[0].stop_string, stop);
    assert_int_equal(r->choices[0].content_len, first);
    assert_int_equal(strncmp(r->choices[0].content, text, first), 0);
    genapi_chat_result_free(r);
    GENAPI_TEXT_SET(&p, include_stop_str_in_output, 1);
    assert_int_equal(chat(c, &p, "Describe a city morning", NULL, &r, NULL), GENAPI_OK);
    assert_int_equal(r->choices[0].content_len, first + strlen(stop));
    genapi_chat_result_free(r);
    genapi_chat_result_free(free_run);
    genapi_client_free(c);
}

static void test_result_reserializes(void **state)
{
    (void)state;
    genapi_client *c = new_client(NULL, NULL);
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, max_tokens, 8);
    genapi_chat_result *r = NULL, *again = NULL;
    assert_int_equal(chat(c, &p, "Hi", NULL, &r, NULL), GENAPI_OK);
    char *json = NULL;
    assert_int_equal(genapi_chat_result_to_json(r, &json, NULL), GENAPI_OK);
    assert_int_equal(genapi_chat_result_parse(c, json, strlen(json), &again, NULL), GENAPI_OK);
    assert_string_equal(again->id, r->id);
    assert_string_equal(again->choices[0].content, r->choices[0].content);
    assert_int_equal(again->usage.total_tokens, r->usage.total_tokens);
    genapi_chat_result_string_free(r, json);
    genapi_chat_result_free(again);
    genapi_chat_result_free(r);
    genapi_client_free(c);
}

static void test_client_rejects_before_sending(void **state)
{
    (void)state;
    genapi_client *c = new_client("http://127.0.0.1:1", NULL); /* never contacted */
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, top_p, 1.5);
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(chat(c, &p, "Hi", NULL, &r, &err), GENAPI_E_INVALID_ARG);
    assert_null(r);
    assert_string_equal(err.param, "top_p");
    assert_non_null(strstr(err.message, "(0, 1]"));
    assert_int_equal(err.http_status, 0);
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.params = &p;
    assert_int_equal(genapi_chat_complete(c, &req, &r, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "messages");
    genapi_client_free(c);
}

static void test_inproc_server_errors(void **state)
{
    (void)state;
    genapi_client *c = new_client(NULL, NULL);
    genapi_text_params p;
    base_params(&p);
    genapi_chat_result *r = NULL;
    genapi_error err;
    /* A value the client would refuse, slipped past it: the server refuses it too. */
    assert_int_equal(chat(c, &p, "Hi", "{\"top_p\": 0}", &r, &err), GENAPI_E_BAD_REQUEST);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.param, "top_p");
    assert_string_equal(err.type, "BadRequestError");
    assert_int_equal(err.server_code, 400);
    GENAPI_TEXT_SET(&p, model, "no-such-model");
    assert_int_equal(chat(c, &p, "Hi", NULL, &r, &err), GENAPI_E_NOT_FOUND);
    assert_int_equal(err.http_status, 404);
    assert_non_null(strstr(err.message, "no-such-model"));
    assert_null(r);
    genapi_client_free(c);
}

static void test_router_rejects_bad_bodies(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    struct {
        const char *method, *path, *ct, *body;
        int status;
    } cases[] = {
        {"POST", "/v1/chat/completions", "application/json", "{\"model\": \"genapi-ref\", \"messages\": [", 400},
        {"POST", "/v1/chat/completions", "application/json", "", 400},
        {"POST", "/v1/chat/completions", "application/json", "[1, 2]", 400},
        {"POST", "/v1/chat/completions", "text/plain", "{}", 400},
        {"POST", "/v1/chat/completions", "application/json", "{\"model\": \"genapi-ref\"}", 400},
        {"POST", "/v1/chat/completions", "application/json", "{\"model\": \"genapi-ref\", \"messages\": []}", 400},
        {"POST", "/v1/chat/completions", "application/json", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}", 400},
        {"POST", "/v1/chat/completions", "application/json",
         "{\"model\": \"genapi-ref\", \"messages\": [{\"role\": \"user\", \"content\": 5}]}", 400},
        {"POST", "/v1/chat/completions", "application/json",
         "{\"model\": \"genapi-ref\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 100000}", 400},
        {"POST", "/v1/chat/completions", "application/json",
         "{\"model\": \"genapi-ref\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"logit_bias\": {\"999999\": 1}}", 400},
        {"GET", "/v1/chat/completions", NULL, NULL, 405},
        {"GET", "/v1/nothing-here", NULL, NULL, 404},
        {"POST", "/v1/chat/completions", "application/json",
         "{\"model\": \"genapi-ref\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Hi\"}]}], \"max_tokens\": 3}", 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        genapi_http_request req = {cases[i].method, cases[i].path, NULL, cases[i].ct, cases[i].body,
                                   cases[i].body ? strlen(cases[i].body) : 0};
        genapi_http_response r;
        assert_int_equal(genapi_backend_handle(b, &req, &r), GENAPI_OK);
        if (r.status != cases[i].status)
            fail_msg("case %zu: status %d, want %d: %s", i, (int)r.status, cases[i].status, r.body);
        assert_non_null(r.body);
        assert_string_equal(r.content_type, "application/json");
        genapi_http_response_release(b, &r);
    }
    genapi_backend_free(b);
}

/* ---- over HTTP -------------------------------------------------------------------------- */

static void test_http_chat_and_models(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    char v1[160];
    snprintf(v1, sizeof v1, "%s/v1/", s.url);
    const char *urls[] = {s.url, v1};
    for (int i = 0; i < 2; i++) {
        genapi_client *c = new_client(urls[i], NULL);
        genapi_text_params p;
        base_params(&p);
        GENAPI_TEXT_SET(&p, seed, 21);
        GENAPI_TEXT_SET(&p, max_tokens, 30);
        genapi_chat_result *r = NULL;
        genapi_error err;
        if (chat(c, &p, "Hello there", NULL, &r, &err) != GENAPI_OK)
            fail_msg("%s: %s", urls[i], err.message);
        assert_good_result(r);
        genapi_chat_result_free(r);
        genapi_model_list *list = NULL;
        assert_int_equal(genapi_list_text_models(c, &list, &err), GENAPI_OK);
        assert_true(list->count >= 1);
        assert_string_equal(list->items[0].id, "genapi-ref");
        assert_true(list->items[0].max_model_len > 0);
        genapi_model_list_free(list);
        genapi_client_free(c);
    }
    ts_server_stop(&s);
}

static void test_http_same_answer_as_inproc(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    genapi_client *http = new_client(s.url, NULL), *local = new_client(NULL, NULL);
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, seed, 1234);
    GENAPI_TEXT_SET(&p, max_tokens, 25);
    GENAPI_TEXT_SET(&p, top_p, 0.9);
    genapi_chat_result *a = NULL, *b = NULL;
    assert_int_equal(chat(http, &p, "A question about rivers", NULL, &a, NULL), GENAPI_OK);
    assert_int_equal(chat(local, &p, "A question about rivers", NULL, &b, NULL), GENAPI_OK);
    assert_string_equal(a->choices[0].content, b->choices[0].content);
    genapi_chat_result_free(a);
    genapi_chat_result_free(b);
    genapi_client_free(http);
    genapi_client_free(local);
    ts_server_stop(&s);
}

static void test_http_errors(void **state)
{
    (void)state;
    ts_server s;
    const char *extra[] = {"--api-key", "s3cret-key", NULL};
    assert_int_equal(ts_server_start(&s, extra), 0);
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, max_tokens, 4);
    genapi_chat_result *r = NULL;
    genapi_error err;
    const char *keys[] = {NULL, "wrong-key"};
    for (int i = 0; i < 2; i++) {
        genapi_client *c = new_client(s.url, keys[i]);
        assert_int_equal(chat(c, &p, "Hi", NULL, &r, &err), GENAPI_E_AUTH);
        assert_int_equal(err.http_status, 401);
        assert_string_equal(err.message, "Unauthorized");
        assert_null(r);
        genapi_client_free(c);
    }
    genapi_client *c = new_client(s.url, "s3cret-key");
    assert_int_equal(chat(c, &p, "Hi", NULL, &r, &err), GENAPI_OK);
    genapi_chat_result_free(r);
    assert_int_equal(chat(c, &p, "Hi", "{\"top_p\": 0}", &r, &err), GENAPI_E_BAD_REQUEST);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.param, "top_p");
    assert_non_null(strstr(err.message, "top_p"));
    GENAPI_TEXT_SET(&p, model, "no-such-model");
    assert_int_equal(chat(c, &p, "Hi", NULL, &r, &err), GENAPI_E_NOT_FOUND);
    assert_int_equal(err.http_status, 404);
    genapi_client_free(c);

    /* Raw bodies over the wire: malformed JSON and an empty body. */
    const char *bodies[] = {"{\"model\": ", ""};
    char url[200], auth[64];
    snprintf(url, sizeof url, "%s/v1/chat/completions", s.url);
    snprintf(auth, sizeof auth, "Authorization: Bearer s3cret-key");
    for (int i = 0; i < 2; i++) {
        CURL *curl = curl_easy_init();
        struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
        h = curl_slist_append(h, auth);
        FILE *sink = fopen("/dev/null", "w");
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, bodies[i]);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, sink);
        assert_int_equal(curl_easy_perform(curl), CURLE_OK);
        long code = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        assert_int_equal(code, 400);
        fclose(sink);
        curl_slist_free_all(h);
        curl_easy_cleanup(curl);
    }
    ts_server_stop(&s);
}

static void test_nothing_listening(void **state)
{
    (void)state;
    int held = -1;
    int port = ts_refused_port(&held);
    assert_true(port > 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    genapi_client *c = new_client(url, NULL);
    genapi_text_params p;
    base_params(&p);
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(chat(c, &p, "Hi", NULL, &r, &err), GENAPI_E_CONNECT);
    assert_int_equal(err.http_status, 0);
    assert_non_null(strstr(err.message, url));
    assert_null(r);
    genapi_client_free(c);
    close(held);
}

static void test_timeout(void **state)
{
    (void)state;
    /* A socket that listens but never answers. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.timeout_ms = 300;
    cfg.max_retries = -1;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    genapi_text_params p;
    base_params(&p);
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(chat(c, &p, "Hi", NULL, &r, &err), GENAPI_E_TIMEOUT);
    genapi_client_free(c);
    close(fd);
}

static void test_config_errors(void **state)
{
    (void)state;
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    genapi_client *c = NULL;
    genapi_error err;
    cfg.base_url = "ftp://example.invalid";
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "base_url");
    cfg.base_url = "http:///v1";
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
    cfg.base_url = "http://localhost:9/v1/";
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_OK);
    assert_string_equal(genapi_client_base_url(c), "http://localhost:9");
    genapi_client_free(c);
}

/* Allocation hooks: every byte the client allocates comes back. */
static void test_allocator_hooks(void **state)
{
    (void)state;
    fa_counter cnt = {0};
    genapi_allocator hooks = FA_HOOKS(&cnt);
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.allocator = &hooks;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    genapi_text_params p;
    base_params(&p);
    GENAPI_TEXT_SET(&p, max_tokens, 6);
    genapi_chat_result *r = NULL;
    assert_int_equal(chat(c, &p, "Hi", NULL, &r, NULL), GENAPI_OK);
    genapi_chat_result_free(r);
    genapi_client_free(c);
    assert_true(cnt.blocks > 10);
    assert_int_equal(cnt.live, 0);
    genapi_allocator partial = {fa_malloc, NULL, fa_free, &cnt};
    cfg.allocator = &partial;
    genapi_error err;
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "allocator");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inproc_chat),
        cmocka_unit_test(test_seed_is_deterministic_and_matters),
        cmocka_unit_test(test_max_tokens_and_n),
        cmocka_unit_test(test_greedy_is_top_k_1),
        cmocka_unit_test(test_stop_strings),
        cmocka_unit_test(test_result_reserializes),
        cmocka_unit_test(test_client_rejects_before_sending),
        cmocka_unit_test(test_inproc_server_errors),
        cmocka_unit_test(test_router_rejects_bad_bodies),
        cmocka_unit_test(test_http_chat_and_models),
        cmocka_unit_test(test_http_same_answer_as_inproc),
        cmocka_unit_test(test_http_errors),
        cmocka_unit_test(test_nothing_listening),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_allocator_hooks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
