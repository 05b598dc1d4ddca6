/* The client's default models, its log hook, the config's size versioning, and the parts of
 * results the CLI's --json prints whole (token_ids, a model's root), on both transports. */
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

#define SECRET "sk-defaults-test-Vb83Kq1Pz6"

/* ---- a log hook that keeps every line ------------------------------------------------------ */

typedef struct log_rec {
    char text[65536];
    size_t lines;
    int levels[5];
} log_rec;

static void keep_log(int32_t level, const char *message, void *user)
{
    log_rec *l = user;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%d %s\n", (int)level, message);
    l->lines++;
    if (level >= 1 && level <= 4)
        l->levels[level]++;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A client of the in-process backend (url NULL) or of url, the environment ignored or read. */
static genapi_client *client_for(const char *url, int use_env, log_rec *log, int32_t level, const char *key)
{
    genapi_client_config cfg = tc_config(url);
    cfg.ignore_environment = !use_env;
    cfg.api_key = key;
    cfg.retry_max_delay_ms = 20;
    if (log) {
        cfg.log_fn = keep_log;
        cfg.log_user = log;
        cfg.log_level = level;
    }
    return tc_client_new(&cfg);
}

/* A chat without a model; returns the model that answered (static copy) or NULL on failure. */
static const char *chat_model(genapi_client *c, genapi_error *err)
{
    static char model[128];
    tc_chat k;
    tc_chat_init(&k, NULL, "Hello");
    GENAPI_TEXT_SET(&k.p, max_tokens, 3);
    genapi_chat_result *r = NULL;
    genapi_status st = genapi_chat_complete(c, &k.req, &r, err);
    if (st != GENAPI_OK)
        return NULL;
    snprintf(model, sizeof model, "%s", r->model ? r->model : "");
    genapi_chat_result_free(r);
    return model;
}

/* Unset model: the server's first listed model, fetched once per client; GENAPI_MODEL wins. */
static void defaults_on(const char *url)
{
    genapi_error err;
    log_rec *log = calloc(1, sizeof *log);
    assert_non_null(log);
    unsetenv("GENAPI_MODEL");
    unsetenv("GENAPI_IMAGE_MODEL");
    genapi_client *c = client_for(url, 1, log, GENAPI_LOG_DEBUG, NULL);
    genapi_model_list *list = NULL;
    assert_int_equal(genapi_list_text_models(c, &list, &err), GENAPI_OK);
    assert_true(list->count >= 2);
    char first[128];
    snprintf(first, sizeof first, "%s", list->items[0].id);
    genapi_model_list_free(list);
    log->text[0] = '\0';
    const char *m = chat_model(c, &err);
    assert_non_null(m);
    assert_string_equal(m, first);
    m = chat_model(c, &err);
    assert_non_null(m);
    assert_string_equal(m, first);
    /* The listing ran once, for the first chat only. */
    assert_int_equal(count(log->text, "listing the models for the default (GET /v1/models/textgen-models)"), 1);
    assert_int_equal(count(log->text, "POST /v1/chat/completions: HTTP 200"), 2);
    /* Completions and streams use the same default. */
    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, max_tokens, 2);
    genapi_completion_request creq = GENAPI_COMPLETION_REQUEST_INIT;
    creq.prompt = "The river";
    creq.params = &p;
    genapi_completion_result *cr = NULL;
    assert_int_equal(genapi_complete_stream(c, &creq, NULL, NULL, &cr, &err), GENAPI_OK);
    assert_string_equal(cr->model, first);
    genapi_completion_result_free(cr);
    /* The body a request would send carries the known default. */
    char *json = NULL;
    assert_int_equal(genapi_completion_request_to_json(c, &creq, &json, &err), GENAPI_OK);
    assert_non_null(strstr(json, first));
    genapi_free(genapi_client_allocator(c), json);
    /* A hosted txt2img without sd_model_checkpoint: the first image model. */
    genapi_txt2img_params ip = GENAPI_TXT2IMG_PARAMS_INIT;
    GENAPI_TXT2IMG_SET(&ip, prompt, "a fox");
    GENAPI_TXT2IMG_SET(&ip, steps, 1);
    GENAPI_TXT2IMG_SET(&ip, width, 64);
    GENAPI_TXT2IMG_SET(&ip, height, 64);
    genapi_images_result *ir = NULL;
    assert_int_equal(genapi_txt2img(c, &ip, &ir, &err), GENAPI_OK);
    assert_int_equal(ir->image_count, 1);
    assert_non_null(strstr(ir->info.json, "genapi-ref-image"));
    genapi_images_result_free(ir);
    assert_int_equal(count(log->text, "listing the models for the default (GET /v1/models/image-models)"), 1);
    genapi_client_free(c);

    /* GENAPI_MODEL wins over the listing, and no listing runs. */
    setenv("GENAPI_MODEL", "genapi-ref-lora", 1);
    log->text[0] = '\0';
    c = client_for(url, 1, log, GENAPI_LOG_DEBUG, NULL);
    m = chat_model(c, &err);
    assert_non_null(m);
    assert_string_equal(m, "genapi-ref-lora");
    assert_int_equal(count(log->text, "textgen-models"), 0);
    /* An explicit model wins over both. */
    tc_chat k;
    tc_chat_init(&k, first, "Hi");
    GENAPI_TEXT_SET(&k.p, max_tokens, 2);
    genapi_chat_result *r = NULL;
    assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_OK);
    assert_string_equal(r->model, first);
    genapi_chat_result_free(r);
    genapi_client_free(c);
    /* ignore_environment: the listing again. */
    c = client_for(url, 0, NULL, 0, NULL);
    m = chat_model(c, &err);
    assert_non_null(m);
    assert_string_equal(m, first);
    genapi_client_free(c);
    /* GENAPI_IMAGE_MODEL wins for images: a checkpoint the server does not have is its error. */
    setenv("GENAPI_IMAGE_MODEL", "no-such-checkpoint", 1);
    c = client_for(url, 1, NULL, 0, NULL);
    ir = NULL;
    assert_int_not_equal(genapi_txt2img(c, &ip, &ir, &err), GENAPI_OK);
    assert_null(ir);
    genapi_client_free(c);
    unsetenv("GENAPI_MODEL");
    unsetenv("GENAPI_IMAGE_MODEL");
    free(log);
}

static void test_defaults_in_process(void **state)
{
    (void)state;
    defaults_on(NULL);
}

static void test_defaults_over_http(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    defaults_on(s.url);
    ts_server_stop(&s);
}

/* The start never waits for the listing: in a pumped client the request is only queued when
 * the start returns, and both the listing and the request run inside genapi_poll. */
static void test_default_resolution_does_not_block_start(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    const char *urls[] = {NULL, s.url};
    for (size_t u = 0; u < 2; u++) {
        log_rec *log = calloc(1, sizeof *log);
        assert_non_null(log);
        genapi_client *c = client_for(urls[u], 0, log, GENAPI_LOG_DEBUG, NULL);
        tc_chat k;
        tc_chat_init(&k, NULL, "Hello");
        GENAPI_TEXT_SET(&k.p, max_tokens, 2);
        genapi_request *r[3] = {NULL, NULL, NULL};
        genapi_error err;
        assert_int_equal(genapi_poll(c, 0), GENAPI_OK); /* this thread pumps the client */
        for (int i = 0; i < 3; i++)
            assert_int_equal(genapi_chat_start(c, &k.req, NULL, &r[i], &err), GENAPI_OK);
        /* Nothing ran yet: no callback, no listing, no transfer. */
        assert_int_equal(log->lines, 0);
        for (int i = 0; i < 3; i++)
            assert_false(genapi_request_done(r[i]));
        for (int turns = 0; turns < 100000 && genapi_pending(c) > 0; turns++)
            genapi_poll(c, 10);
        for (int i = 0; i < 3; i++) {
            genapi_chat_result *res = NULL;
            assert_int_equal(genapi_request_take_chat(r[i], &res), GENAPI_OK);
            assert_string_equal(res->model, "genapi-ref");
            genapi_chat_result_free(res);
            genapi_request_release(r[i]);
        }
        /* Requests started before the default was known each listed; later ones use the cache. */
        size_t lists = count(log->text, "listing the models for the default");
        assert_true(lists >= 1 && lists <= 3);
        log->text[0] = '\0';
        genapi_request *again = NULL;
        assert_int_equal(genapi_chat_start(c, &k.req, NULL, &again, &err), GENAPI_OK);
        for (int turns = 0; turns < 100000 && genapi_pending(c) > 0; turns++)
            genapi_poll(c, 10);
        assert_int_equal(genapi_request_status(again, &err), GENAPI_OK);
        genapi_request_release(again);
        assert_int_equal(count(log->text, "listing the models"), 0);
        genapi_client_free(c);
        free(log);
    }
    ts_server_stop(&s);
}

/* The WebUI servers need no checkpoint: none is listed for, none is sent, theirs is used. */
static void test_webui_needs_no_checkpoint(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    const char *urls[] = {NULL, s.url};
    unsetenv("GENAPI_IMAGE_MODEL");
    for (size_t u = 0; u < 2; u++) {
        log_rec *log = calloc(1, sizeof *log);
        assert_non_null(log);
        genapi_client_config cfg = tc_config(urls[u]);
        cfg.image_api = GENAPI_IMAGE_API_WEBUI;
        cfg.log_fn = keep_log;
        cfg.log_user = log;
        cfg.log_level = GENAPI_LOG_DEBUG;
        genapi_client *c = tc_client_new(&cfg);
        genapi_error err;
        genapi_txt2img_params ip = GENAPI_TXT2IMG_PARAMS_INIT;
        GENAPI_TXT2IMG_SET(&ip, prompt, "a fox");
        GENAPI_TXT2IMG_SET(&ip, steps, 1);
        GENAPI_TXT2IMG_SET(&ip, width, 64);
        GENAPI_TXT2IMG_SET(&ip, height, 64);
        genapi_images_result *ir = NULL;
        assert_int_equal(genapi_txt2img(c, &ip, &ir, &err), GENAPI_OK);
        assert_int_equal(ir->image_count, 1);
        genapi_images_result_free(ir);
        assert_non_null(strstr(log->text, "POST /sdapi/v1/txt2img: HTTP 200"));
        assert_int_equal(count(log->text, "listing the models"), 0);
        const char *body = strstr(log->text, "POST /sdapi/v1/txt2img request body");
        assert_non_null(body);
        const char *eol = strchr(body, '\n');
        assert_non_null(eol);
        char line[8192];
        snprintf(line, sizeof line, "%.*s", (int)(eol - body), body);
        assert_non_null(strstr(line, "\"prompt\""));
        assert_null(strstr(line, "sd_model_checkpoint")); /* not sent */
        genapi_client_free(c);
        free(log);
    }
    ts_server_stop(&s);
}

/* A server that lists no model: a clear error naming what to set. */
static void test_no_listed_model(void **state)
{
    (void)state;
    fh_response script[] = {{200, NULL, "{\"object\":\"list\",\"data\":[]}"}};
    char url[64];
    fake_http *f = fh_start(script, 1, url, sizeof url);
    assert_non_null(f);
    genapi_client *c = client_for(url, 0, NULL, 0, NULL);
    genapi_error err;
    assert_null(chat_model(c, &err));
    assert_int_equal(err.status, GENAPI_E_NOT_FOUND);
    assert_string_equal(err.param, "model");
    assert_non_null(strstr(err.message, "GENAPI_MODEL"));
    assert_int_equal(fh_requests(f), 1); /* the listing only: nothing was sent without a model */
    genapi_client_free(c);
    fh_stop(f);
    /* A listing that fails (401) ends the request with that status, saying what it was doing. */
    fh_response denied[] = {{401, NULL, "{\"error\":\"Unauthorized\"}"}};
    f = fh_start(denied, 1, url, sizeof url);
    assert_non_null(f);
    c = client_for(url, 0, NULL, 0, NULL);
    assert_null(chat_model(c, &err));
    assert_int_equal(err.http_status, 401);
    assert_non_null(strstr(err.message, "listing the models"));
    genapi_client_free(c);
    fh_stop(f);
}

/* The log hook: retries (status, attempt, delay), timings, bodies at debug, never the key. */
static void test_log_hook(void **state)
{
    (void)state;
    static const char *const chat_body =
        "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        "\"message\":{\"role\":\"assistant\",\"content\":\"echo " SECRET "\"},\"finish_reason\":\"stop\"}]}";
    fh_response script[] = {{503, NULL, "{\"error\":{\"message\":\"busy " SECRET "\",\"code\":503}}"},
                            {429, "Retry-After: 0\r\n", "{\"error\":{\"message\":\"slow down\",\"code\":429}}"},
                            {200, NULL, chat_body}};
    char url[64];
    fake_http *f = fh_start(script, 3, url, sizeof url);
    assert_non_null(f);
    log_rec *log = calloc(1, sizeof *log);
    assert_non_null(log);
    genapi_client *c = client_for(url, 0, log, GENAPI_LOG_DEBUG, SECRET);
    tc_chat k;
    tc_chat_init(&k, "m", "say " SECRET " back");
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_OK);
    genapi_chat_result_free(r);
    /* Two retries at WARN, with the status, the attempt and the wait. */
    assert_int_equal(log->levels[GENAPI_LOG_WARN], 2);
    assert_non_null(strstr(log->text, "2 POST /v1/chat/completions: attempt 1 of 3 failed (HTTP 503"));
    assert_non_null(strstr(log->text, "attempt 2 of 3 failed (HTTP 429"));
    assert_non_null(strstr(log->text, "retrying in 0 ms (Retry-After)"));
    /* One INFO line with the timing, and the bodies at DEBUG. */
    assert_non_null(strstr(log->text, "3 POST /v1/chat/completions: HTTP 200 in "));
    assert_non_null(strstr(log->text, "3 attempts"));
    assert_non_null(strstr(log->text, "request body"));
    assert_non_null(strstr(log->text, "response body"));
    /* The key, wherever it was (prompt, error body, response): never in a line. */
    assert_null(strstr(log->text, SECRET));
    assert_non_null(strstr(log->text, "[REDACTED]"));
    genapi_client_free(c);
    fh_stop(f);

    /* A level filters; an error answer is one ERROR line, its message never with the key. */
    fh_response denied[] = {{400, NULL, "{\"error\":{\"message\":\"bad key " SECRET "\",\"code\":400}}"}};
    f = fh_start(denied, 1, url, sizeof url);
    assert_non_null(f);
    memset(log, 0, sizeof *log);
    c = client_for(url, 0, log, GENAPI_LOG_ERROR, SECRET);
    assert_int_not_equal(genapi_chat_complete(c, &k.req, &r, &err), GENAPI_OK);
    assert_int_equal(err.http_status, 400);
    assert_null(strstr(err.message, SECRET));
    assert_non_null(strstr(err.message, "[REDACTED]"));
    assert_int_equal(log->lines, 1);
    assert_int_equal(log->levels[GENAPI_LOG_ERROR], 1);
    assert_null(strstr(log->text, SECRET));
    genapi_client_free(c);
    fh_stop(f);
    free(log);
}

/* A config of the first release's size (without the log fields) is still accepted. */
static void test_config_sizes(void **state)
{
    (void)state;
    size_t v1 = offsetof(genapi_client_config, log_fn);
    genapi_client_config cfg;
    memset(&cfg, 0xff, sizeof cfg);
    assert_int_equal(genapi_client_config_init(&cfg, v1), GENAPI_OK);
    assert_int_equal(cfg.struct_size, v1);
    cfg.ignore_environment = 1;
    /* the bytes past the old size are not read: 0xff there must not matter */
    genapi_client *c = NULL;
    genapi_error err;
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_OK);
    genapi_client_free(c);
    assert_int_equal(genapi_client_config_init(&cfg, v1 + 8), GENAPI_E_INVALID_ARG);
    cfg = tc_config(NULL);
    cfg.struct_size = (uint32_t)(sizeof cfg - 4);
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "struct_size"));
    cfg = tc_config(NULL);
    cfg.log_level = 9;
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "log_level");
}

/* token_ids / prompt_token_ids and a model's root survive parsing and re-serialization. */
static void test_whole_results(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL, 0, NULL, 0, NULL);
    genapi_error err;
    const char *body = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":5,\"model\":\"m\",\"choices\":[{"
                       "\"index\":0,\"text\":\" sea\",\"finish_reason\":\"length\",\"stop_reason\":null,"
                       "\"token_ids\":[11,22,33],\"prompt_token_ids\":[1,2]},{\"index\":1,\"text\":\"x\","
                       "\"token_ids\":null}]}";
    genapi_completion_result *r = NULL;
    assert_int_equal(genapi_completion_result_parse(c, body, strlen(body), &r, &err), GENAPI_OK);
    assert_int_equal(r->choices[0].token_id_count, 3);
    assert_int_equal(r->choices[0].token_ids[2], 33);
    assert_int_equal(r->choices[0].prompt_token_id_count, 2);
    assert_null(r->choices[1].token_ids);
    char *json = NULL;
    assert_int_equal(genapi_completion_result_to_json(r, &json, &err), GENAPI_OK);
    assert_non_null(strstr(json, "\"token_ids\":[11,22,33]"));
    assert_non_null(strstr(json, "\"prompt_token_ids\":[1,2]"));
    assert_int_equal(count(json, "token_ids"), 2); /* choice 1 sent none: none printed */
    genapi_completion_result_string_free(r, json);
    genapi_completion_result_free(r);
    genapi_model_list *list = NULL;
    assert_int_equal(genapi_list_text_models(c, &list, &err), GENAPI_OK);
    int lora = 0;
    for (size_t i = 0; i < list->count; i++) {
        assert_non_null(list->items[i].root);
        assert_non_null(list->items[i].owned_by);
        assert_string_equal(list->items[i].object, "model");
        if (list->items[i].parent) {
            assert_string_equal(list->items[i].root, list->items[i].parent);
            lora = 1;
        }
    }
    assert_true(lora);
    genapi_model_list_free(list);
    genapi_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_in_process),
        cmocka_unit_test(test_defaults_over_http),
        cmocka_unit_test(test_default_resolution_does_not_block_start),
        cmocka_unit_test(test_webui_needs_no_checkpoint),
        cmocka_unit_test(test_no_listed_model),
        cmocka_unit_test(test_log_hook),
        cmocka_unit_test(test_config_sizes),
        cmocka_unit_test(test_whole_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
