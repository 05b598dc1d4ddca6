/* The non-blocking core: every kind of call started without blocking and driven by
 * genapi_poll (timeout 0), in process and over HTTP; results equal the blocking calls'; exactly
 * one completion per request; callbacks only inside poll; cancels in every state; pull
 * streams; the worker thread and submissions from other threads; foreign loops; retries on
 * timers; image progress. */
#include <poll.h>
#include <pthread.h>
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
#include <json-c/json.h>

#include "fake_http.h"
#include "server/http_front.h"
#include "test_support.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static genapi_client *client_for(const char *url)
{
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.retry_max_delay_ms = 20;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    return c;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A growable string. */
typedef struct str {
    char *s;
    size_t len, cap;
} str;

static void str_add(str *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void str_addf(str *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    str_add(b, tmp, (size_t)n);
}

/* A result's JSON without the fields that differ between two runs (id, created). */
static void add_json_without_ids(str *out, char *json)
{
    json_object *o = json_tokener_parse(json);
    assert_non_null(o);
    json_object_object_del(o, "id");
    json_object_object_del(o, "created");
    str_add(out, json_object_to_json_string(o), strlen(json_object_to_json_string(o)));
    json_object_put(o);
}

static void add_bytes(str *out, const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    str_addf(out, "[%zu:%016llx]", n, (unsigned long long)h);
}

/* ---- the calls under test ----------------------------------------------------------------- */

enum { K_CHAT, K_COMPLETE, K_CHAT_STREAM, K_COMPLETE_STREAM, K_TOKENIZE, K_MODELS, K_SAMPLERS, K_OPTIONS, K_TXT2IMG,
       K_UPSCALE, K_COUNT };

/* Everything one call needs, kept alive while it runs. */
typedef struct call {
    int kind;
    int64_t seed;
    genapi_text_params p;
    genapi_chat_message msg;
    genapi_chat_request chat;
    genapi_completion_request comp;
    genapi_tokenize_request tok;
    genapi_txt2img_params img;
    genapi_upscale_params up;
    str deltas;     /* text of the deltas as they came */
    str digest;     /* what the result holds */
    int done_calls; /* completions seen */
    int outside_poll; /* callbacks that ran outside genapi_poll */
    const int *inside_poll;
    genapi_status status;
} call;

/* A small 32x32 PNG made by the engine, base64 (for upscale). */
static char *small_png_b64;

static void call_init(call *k, int kind, int64_t seed)
{
    memset(k, 0, sizeof *k);
    k->kind = kind;
    k->seed = seed;
    genapi_text_params_init(&k->p, sizeof k->p);
    GENAPI_TEXT_SET(&k->p, model, "genapi-ref");
    GENAPI_TEXT_SET(&k->p, seed, seed);
    GENAPI_TEXT_SET(&k->p, max_tokens, 12 + seed % 7);
    k->msg = (genapi_chat_message){.role = "user", .content = "Tell me about the sea and the wind."};
    k->chat = (genapi_chat_request)GENAPI_CHAT_REQUEST_INIT;
    k->chat.messages = &k->msg;
    k->chat.message_count = 1;
    k->chat.params = &k->p;
    k->comp = (genapi_completion_request)GENAPI_COMPLETION_REQUEST_INIT;
    k->comp.prompt = "The harbour at dawn";
    k->comp.params = &k->p;
    k->tok = (genapi_tokenize_request)GENAPI_TOKENIZE_REQUEST_INIT;
    k->tok.model = "genapi-ref";
    k->tok.prompt = "tokens of a quiet morning";
    k->tok.return_token_strs = 1;
    genapi_txt2img_params_init(&k->img, sizeof k->img);
    GENAPI_TXT2IMG_SET(&k->img, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_TXT2IMG_SET(&k->img, prompt, "a lighthouse at dusk");
    GENAPI_TXT2IMG_SET(&k->img, seed, seed);
    GENAPI_TXT2IMG_SET(&k->img, steps, 6);
    GENAPI_TXT2IMG_SET(&k->img, width, 64);
    GENAPI_TXT2IMG_SET(&k->img, height, 64);
    genapi_upscale_params_init(&k->up, sizeof k->up);
    if (small_png_b64)
        GENAPI_UPSCALE_SET(&k->up, image, small_png_b64);
    GENAPI_UPSCALE_SET(&k->up, upscaler_1, "Lanczos");
    GENAPI_UPSCALE_SET(&k->up, upscaling_resize, 2.0);
}

static void call_free(call *k)
{
    free(k->deltas.s);
    free(k->digest.s);
}

static int on_delta(const genapi_stream_delta *d, void *user)
{
    call *k = user;
    if (k->inside_poll && !*k->inside_poll)
        k->outside_poll++;
    if (d->content)
        str_add(&k->deltas, d->content, d->content_len);
    return 0;
}

static void digest_chat(str *out, genapi_chat_result *r)
{
    char *j = NULL;
    assert_int_equal(genapi_chat_result_to_json(r, &j, NULL), GENAPI_OK);
    add_json_without_ids(out, j);
    genapi_chat_result_string_free(r, j);
    genapi_chat_result_free(r);
}

static void digest_completion(str *out, genapi_completion_result *r)
{
    char *j = NULL;
    assert_int_equal(genapi_completion_result_to_json(r, &j, NULL), GENAPI_OK);
    add_json_without_ids(out, j);
    genapi_completion_result_string_free(r, j);
    genapi_completion_result_free(r);
}

static void digest_tokenize(str *out, genapi_tokenize_result *r)
{
    for (size_t i = 0; i < r->token_count; i++)
        str_addf(out, "%lld=%s,", (long long)r->tokens[i], r->token_strs ? r->token_strs[i] : "");
    genapi_tokenize_result_free(r);
}

static void digest_models(str *out, genapi_model_list *r)
{
    for (size_t i = 0; i < r->count; i++)
        str_addf(out, "%s,", r->items[i].id);
    genapi_model_list_free(r);
}

static void digest_listing(str *out, genapi_image_listing *r)
{
    for (size_t i = 0; i < r->count; i++)
        str_addf(out, "%s,", r->items[i].name);
    genapi_image_listing_free(r);
}

static void digest_images(str *out, genapi_images_result *r)
{
    for (size_t i = 0; i < r->image_count; i++)
        add_bytes(out, r->images[i].data, r->images[i].size);
    str_addf(out, "seed=%lld", (long long)r->info.seed);
    genapi_images_result_free(r);
}

static void digest_upscale(str *out, genapi_upscale_result *r)
{
    add_bytes(out, r->image.data, r->image.size);
    str_addf(out, "%dx%d", (int)r->image.width, (int)r->image.height);
    genapi_upscale_result_free(r);
}

/* The blocking call of k's kind; its digest goes to k->digest. */
static genapi_status run_blocking(genapi_client *c, call *k)
{
    genapi_error err;
    genapi_status st = GENAPI_E_INTERNAL;
    switch (k->kind) {
    case K_CHAT: {
        genapi_chat_result *r = NULL;
        if ((st = genapi_chat_complete(c, &k->chat, &r, &err)) == GENAPI_OK)
            digest_chat(&k->digest, r);
        break;
    }
    case K_COMPLETE: {
        genapi_completion_result *r = NULL;
        if ((st = genapi_complete(c, &k->comp, &r, &err)) == GENAPI_OK)
            digest_completion(&k->digest, r);
        break;
    }
    case K_CHAT_STREAM: {
        genapi_chat_result *r = NULL;
        if ((st = genapi_chat_stream(c, &k->chat, on_delta, k, &r, &err)) == GENAPI_OK)
            digest_chat(&k->digest, r);
        break;
    }
    case K_COMPLETE_STREAM: {
        genapi_completion_result *r = NULL;
        if ((st = genapi_complete_stream(c, &k->comp, on_delta, k, &r, &err)) == GENAPI_OK)
            digest_completion(&k->digest, r);
        break;
    }
    case K_TOKENIZE: {
        genapi_tokenize_result *r = NULL;
        if ((st = genapi_tokenize(c, &k->tok, &r, &err)) == GENAPI_OK)
            digest_tokenize(&k->digest, r);
        break;
    }
    case K_MODELS: {
        genapi_model_list *r = NULL;
        if ((st = genapi_list_text_models(c, &r, &err)) == GENAPI_OK)
            digest_models(&k->digest, r);
        break;
    }
    case K_SAMPLERS: {
        genapi_image_listing *r = NULL;
        if ((st = genapi_list_image(c, GENAPI_LISTING_SAMPLERS, &r, &err)) == GENAPI_OK)
            digest_listing(&k->digest, r);
        break;
    }
    case K_OPTIONS: {
        char *j = NULL;
        if ((st = genapi_image_options(c, &j, &err)) == GENAPI_OK)
            str_add(&k->digest, j, strlen(j));
        genapi_free(genapi_client_allocator(c), j);
        break;
    }
    case K_TXT2IMG: {
        genapi_images_result *r = NULL;
        if ((st = genapi_txt2img(c, &k->img, &r, &err)) == GENAPI_OK)
            digest_images(&k->digest, r);
        break;
    }
    case K_UPSCALE: {
        genapi_upscale_result *r = NULL;
        if ((st = genapi_upscale(c, &k->up, &r, &err)) == GENAPI_OK)
            digest_upscale(&k->digest, r);
        break;
    }
    }
    if (st != GENAPI_OK)
        fail_msg("blocking call %d failed: %s", k->kind, err.message);
    return st;
}

static void on_done(genapi_request *r, void *user)
{
    call *k = user;
    if (k->inside_poll && !*k->inside_poll)
        k->outside_poll++;
    k->done_calls++;
    k->status = genapi_request_status(r, NULL);
    if (k->status != GENAPI_OK)
        return;
    void *res = NULL;
    switch (k->kind) {
    case K_CHAT:
    case K_CHAT_STREAM:
        assert_int_equal(genapi_request_take_chat(r, (genapi_chat_result **)&res), GENAPI_OK);
        digest_chat(&k->digest, res);
        break;
    case K_COMPLETE:
    case K_COMPLETE_STREAM:
        assert_int_equal(genapi_request_take_completion(r, (genapi_completion_result **)&res), GENAPI_OK);
        digest_completion(&k->digest, res);
        break;
    case K_TOKENIZE:
        assert_int_equal(genapi_request_take_tokenize(r, (genapi_tokenize_result **)&res), GENAPI_OK);
        digest_tokenize(&k->digest, res);
        break;
    case K_MODELS:
        assert_int_equal(genapi_request_take_model_list(r, (genapi_model_list **)&res), GENAPI_OK);
        digest_models(&k->digest, res);
        break;
    case K_SAMPLERS:
        assert_int_equal(genapi_request_take_image_listing(r, (genapi_image_listing **)&res), GENAPI_OK);
        digest_listing(&k->digest, res);
        break;
    case K_OPTIONS: {
        char *j = NULL;
        assert_int_equal(genapi_request_take_options(r, &j), GENAPI_OK);
        str_add(&k->digest, j, strlen(j));
        free(j); /* the default allocator */
        break;
    }
    case K_TXT2IMG:
        assert_int_equal(genapi_request_take_images(r, (genapi_images_result **)&res), GENAPI_OK);
        digest_images(&k->digest, res);
        break;
    case K_UPSCALE:
        assert_int_equal(genapi_request_take_upscale(r, (genapi_upscale_result **)&res), GENAPI_OK);
        digest_upscale(&k->digest, res);
        break;
    }
    /* A second take finds nothing. */
    res = NULL;
    switch (k->kind) {
    case K_CHAT:
    case K_CHAT_STREAM:
        assert_int_equal(genapi_request_take_chat(r, (genapi_chat_result **)&res), GENAPI_E_INVALID_ARG);
        assert_null(res);
        break;
    default:
        break;
    }
}

static genapi_status start_async(genapi_client *c, call *k, genapi_request **out)
{
    genapi_callbacks cb = {on_done, on_delta, NULL, k, 0, 0};
    switch (k->kind) {
    case K_CHAT:
        return genapi_chat_start(c, &k->chat, &cb, out, NULL);
    case K_COMPLETE:
        return genapi_complete_start(c, &k->comp, &cb, out, NULL);
    case K_CHAT_STREAM:
        return genapi_chat_stream_start(c, &k->chat, &cb, out, NULL);
    case K_COMPLETE_STREAM:
        return genapi_complete_stream_start(c, &k->comp, &cb, out, NULL);
    case K_TOKENIZE:
        return genapi_tokenize_start(c, &k->tok, &cb, out, NULL);
    case K_MODELS:
        return genapi_list_text_models_start(c, &cb, out, NULL);
    case K_SAMPLERS:
        return genapi_list_image_start(c, GENAPI_LISTING_SAMPLERS, &cb, out, NULL);
    case K_OPTIONS:
        return genapi_image_options_start(c, &cb, out, NULL);
    case K_TXT2IMG:
        return genapi_txt2img_start(c, &k->img, &cb, out, NULL);
    case K_UPSCALE:
        return genapi_upscale_start(c, &k->up, &cb, out, NULL);
    }
    return GENAPI_E_INVALID_ARG;
}

/* Poll with timeout 0 until nothing is pending, marking when the caller is inside poll. */
static void pump_until_idle(genapi_client *c, int *inside)
{
    double t0 = now_s();
    while (genapi_pending(c) > 0) {
        *inside = 1;
        assert_int_equal(genapi_poll(c, 0), GENAPI_OK);
        *inside = 0;
        if (genapi_pending(c) > 0) {
            /* Nothing to do this frame: wait for the client's descriptors as a game loop would
             * wait for its next frame. */
            genapi_pollfd fds[128];
            size_t n = genapi_poll_fds(c, fds, 128);
            struct pollfd p[128];
            for (size_t i = 0; i < n && i < 128; i++) {
                p[i].fd = fds[i].fd;
                p[i].events = (short)(((fds[i].events & GENAPI_POLL_IN) ? POLLIN : 0) |
                                      ((fds[i].events & GENAPI_POLL_OUT) ? POLLOUT : 0));
                p[i].revents = 0;
            }
            int64_t t = genapi_poll_timeout(c);
            poll(p, (nfds_t)(n < 128 ? n : 128), t < 0 || t > 5 ? 5 : (int)t);
        }
        if (now_s() - t0 > 120)
            fail_msg("requests did not finish");
    }
}

static void make_small_png(void)
{
    if (small_png_b64)
        return;
    genapi_client *c = client_for(NULL);
    genapi_txt2img_params p;
    genapi_txt2img_params_init(&p, sizeof p);
    GENAPI_TXT2IMG_SET(&p, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_TXT2IMG_SET(&p, prompt, "a small red boat");
    GENAPI_TXT2IMG_SET(&p, seed, 3);
    GENAPI_TXT2IMG_SET(&p, width, 64);
    GENAPI_TXT2IMG_SET(&p, height, 64);
    GENAPI_TXT2IMG_SET(&p, steps, 4);
    genapi_images_result *r = NULL;
    assert_int_equal(genapi_txt2img(c, &p, &r, NULL), GENAPI_OK);
    char *b64 = NULL;
    assert_int_equal(genapi_image_to_base64(c, r->images[0].data, r->images[0].size, &b64, NULL), GENAPI_OK);
    small_png_b64 = strdup(b64);
    genapi_free(genapi_client_allocator(c), b64);
    genapi_images_result_free(r);
    genapi_client_free(c);
}

/* n mixed calls started at once on one client and pumped with timeout 0 give, each, what the
 * blocking call gives, with exactly one completion and every callback inside genapi_poll. */
static void mixed_equal_blocking(const char *url, size_t n)
{
    make_small_png();
    genapi_client *c = client_for(url);
    call *calls = calloc(n, sizeof *calls);
    call *ref = calloc(n, sizeof *ref);
    assert_non_null(calls);
    assert_non_null(ref);
    for (size_t i = 0; i < n; i++) {
        call_init(&ref[i], (int)(i % K_COUNT), (int64_t)(i / K_COUNT) + 1);
        assert_int_equal(run_blocking(c, &ref[i]), GENAPI_OK);
    }
    int inside = 0;
    genapi_request **reqs = calloc(n, sizeof *reqs);
    for (size_t i = 0; i < n; i++) {
        call_init(&calls[i], (int)(i % K_COUNT), (int64_t)(i / K_COUNT) + 1);
        calls[i].inside_poll = &inside;
        assert_int_equal(start_async(c, &calls[i], &reqs[i]), GENAPI_OK);
    }
    assert_int_equal(genapi_pending(c), n);
    pump_until_idle(c, &inside);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(calls[i].done_calls, 1);
        assert_int_equal(calls[i].outside_poll, 0);
        assert_int_equal(calls[i].status, GENAPI_OK);
        assert_int_equal(genapi_request_done(reqs[i]), 1);
        assert_int_equal(genapi_request_status(reqs[i], NULL), GENAPI_OK);
        assert_string_equal(calls[i].digest.s, ref[i].digest.s);
        if (calls[i].kind == K_CHAT_STREAM || calls[i].kind == K_COMPLETE_STREAM) {
            assert_non_null(calls[i].deltas.s);
            assert_string_equal(calls[i].deltas.s, ref[i].deltas.s);
        }
        genapi_request_release(reqs[i]);
        call_free(&calls[i]);
        call_free(&ref[i]);
    }
    free(reqs);
    free(calls);
    free(ref);
    genapi_client_free(c);
}

static void test_mixed_in_process_equal_blocking(void **state)
{
    (void)state;
    mixed_equal_blocking(NULL, 100);
}

static void test_mixed_over_http_equal_blocking(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    mixed_equal_blocking(s.url, 100);
    ts_server_stop(&s);
}

/* ---- cancellation ------------------------------------------------------------------------- */

typedef struct cancel_ctx {
    genapi_request *req;
    int deltas;
    int done_calls;
    int cancel_at;    /* cancel from inside the delta callback at this delta (0: never) */
    genapi_status status;
    int progress_calls;
    double last_progress;
    int progress_decreased;
    int cancel_at_progress;
} cancel_ctx;

static int cancel_delta(const genapi_stream_delta *d, void *user)
{
    (void)d;
    cancel_ctx *x = user;
    x->deltas++;
    if (x->cancel_at && x->deltas == x->cancel_at)
        genapi_request_cancel(x->req);
    return 0;
}

static void cancel_done(genapi_request *r, void *user)
{
    cancel_ctx *x = user;
    x->done_calls++;
    x->status = genapi_request_status(r, NULL);
}

static void cancel_progress(const genapi_progress *p, void *user)
{
    cancel_ctx *x = user;
    if (p->progress < x->last_progress)
        x->progress_decreased = 1;
    x->last_progress = p->progress;
    x->progress_calls++;
    if (x->cancel_at_progress && x->progress_calls == x->cancel_at_progress)
        genapi_request_cancel(x->req);
}

static void long_chat(call *k)
{
    call_init(k, K_CHAT_STREAM, 7);
    GENAPI_TEXT_SET(&k->p, max_tokens, 2000);
    GENAPI_TEXT_SET(&k->p, ignore_eos, 1);
}

static void test_cancel_before_start(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    call k;
    long_chat(&k);
    cancel_ctx x = {0};
    genapi_callbacks cb = {cancel_done, cancel_delta, NULL, &x, 0, 0};
    assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &x.req, NULL), GENAPI_OK);
    genapi_request_cancel(x.req);
    genapi_request_cancel(x.req); /* twice is harmless */
    assert_int_equal(x.done_calls, 0); /* nothing runs outside poll */
    assert_int_equal(genapi_poll(c, 0), GENAPI_OK);
    assert_int_equal(x.done_calls, 1);
    assert_int_equal(x.status, GENAPI_E_CANCELLED);
    assert_int_equal(x.deltas, 0);
    genapi_error err;
    assert_int_equal(genapi_request_status(x.req, &err), GENAPI_E_CANCELLED);
    assert_int_equal(err.status, GENAPI_E_CANCELLED);
    genapi_request_cancel(x.req); /* after the end: nothing happens */
    assert_int_equal(genapi_poll(c, 0), GENAPI_OK);
    assert_int_equal(x.done_calls, 1);
    genapi_request_release(x.req);
    assert_int_equal(genapi_pending(c), 0);
    call_free(&k);
    genapi_client_free(c);
}

static void cancel_mid_stream(const char *url)
{
    genapi_client *c = client_for(url);
    call k;
    long_chat(&k);
    cancel_ctx x = {0};
    x.cancel_at = 5;
    genapi_callbacks cb = {cancel_done, cancel_delta, NULL, &x, 0, 0};
    assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &x.req, NULL), GENAPI_OK);
    int inside = 0;
    pump_until_idle(c, &inside);
    assert_int_equal(x.done_calls, 1);
    assert_int_equal(x.status, GENAPI_E_CANCELLED);
    /* Deltas already decoded in the same read may follow the cancel; the stream stops there. */
    assert_true(x.deltas >= 5);
    assert_true(x.deltas < 1000);
    genapi_chat_result *partial = NULL;
    assert_int_equal(genapi_request_take_chat(x.req, &partial), GENAPI_E_CANCELLED);
    assert_non_null(partial); /* what arrived before the cancel */
    assert_true(partial->choices[0].content_len > 0);
    genapi_chat_result_free(partial);
    genapi_request_release(x.req);
    call_free(&k);
    genapi_client_free(c);
}

static void test_cancel_mid_stream_in_process(void **state)
{
    (void)state;
    cancel_mid_stream(NULL);
}

static void test_cancel_mid_stream_over_http(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    cancel_mid_stream(s.url);
    ts_server_stop(&s);
}

static void cancel_mid_image(const char *url)
{
    genapi_client *c = client_for(url);
    genapi_txt2img_params p;
    genapi_txt2img_params_init(&p, sizeof p);
    GENAPI_TXT2IMG_SET(&p, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_TXT2IMG_SET(&p, prompt, "a forest of tall pines");
    GENAPI_TXT2IMG_SET(&p, seed, 11);
    /* Long enough (about 6 s of generation alone, more on a loaded machine) that the second
     * progress answer, polled every 250 ms over HTTP, always comes while it runs. */
    GENAPI_TXT2IMG_SET(&p, steps, 50);
    GENAPI_TXT2IMG_SET(&p, width, 1024);
    GENAPI_TXT2IMG_SET(&p, height, 1024);
    GENAPI_TXT2IMG_SET(&p, batch_size, 4);
    cancel_ctx x = {0};
    x.cancel_at_progress = 2;
    genapi_callbacks cb = {cancel_done, NULL, cancel_progress, &x, 0, 0};
    assert_int_equal(genapi_txt2img_start(c, &p, &cb, &x.req, NULL), GENAPI_OK);
    int inside = 0;
    pump_until_idle(c, &inside);
    assert_int_equal(x.done_calls, 1);
    assert_int_equal(x.status, GENAPI_E_CANCELLED);
    assert_true(x.progress_calls >= 2);
    assert_true(x.last_progress < 1.0);
    assert_int_equal(x.progress_decreased, 0);
    genapi_images_result *res = NULL;
    assert_int_equal(genapi_request_take_images(x.req, &res), GENAPI_E_CANCELLED);
    assert_null(res);
    genapi_request_release(x.req);
    genapi_client_free(c);
}

static void test_cancel_mid_image_in_process(void **state)
{
    (void)state;
    cancel_mid_image(NULL);
}

static void test_cancel_mid_image_over_http(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    cancel_mid_image(s.url);
    ts_server_stop(&s);
}

/* Releasing a running request cancels it; its completion still runs inside poll. */
static void test_release_cancels(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    call k;
    long_chat(&k);
    cancel_ctx x = {0};
    genapi_callbacks cb = {cancel_done, cancel_delta, NULL, &x, 0, 0};
    assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &x.req, NULL), GENAPI_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(genapi_poll(c, 0), GENAPI_OK);
    genapi_request_release(x.req);
    assert_int_equal(x.done_calls, 0);
    int inside = 0;
    pump_until_idle(c, &inside);
    assert_int_equal(x.done_calls, 1);
    assert_int_equal(x.status, GENAPI_E_CANCELLED);
    call_free(&k);
    genapi_client_free(c);
}

/* Freeing the client ends every request with GENAPI_E_CANCELLED, callbacks included. */
static void test_client_free_cancels_in_flight(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    call k[3];
    cancel_ctx x[3];
    memset(x, 0, sizeof x);
    for (int i = 0; i < 3; i++) {
        long_chat(&k[i]);
        genapi_callbacks cb = {cancel_done, cancel_delta, NULL, &x[i], 0, 0};
        assert_int_equal(genapi_chat_stream_start(c, &k[i].chat, &cb, &x[i].req, NULL), GENAPI_OK);
    }
    assert_int_equal(genapi_poll(c, 0), GENAPI_OK);
    genapi_request_release(x[2].req); /* one released before */
    genapi_client_free(c);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(x[i].done_calls, 1);
        assert_int_equal(x[i].status, GENAPI_E_CANCELLED);
        call_free(&k[i]);
    }
    /* Handles still held stay valid for reading and releasing. */
    assert_int_equal(genapi_request_status(x[0].req, NULL), GENAPI_E_CANCELLED);
    genapi_request_release(x[0].req);
    genapi_request_release(x[1].req);
}

/* ---- re-entry ----------------------------------------------------------------------------- */

typedef struct reentry {
    genapi_client *c;
    genapi_status poll_st, blocking_st, wait_st;
    int done;
} reentry;

static void reentry_done(genapi_request *r, void *user)
{
    reentry *e = user;
    e->poll_st = genapi_poll(e->c, 0);
    genapi_model_list *l = NULL;
    e->blocking_st = genapi_list_text_models(e->c, &l, NULL);
    e->wait_st = genapi_request_wait(r, 0); /* it has ended: its status */
    e->done++;
}

static void test_poll_and_blocking_calls_inside_callbacks_are_busy(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    reentry e = {c, GENAPI_OK, GENAPI_OK, GENAPI_E_INTERNAL, 0};
    genapi_callbacks cb = {reentry_done, NULL, NULL, &e, 0, 0};
    genapi_request *r = NULL;
    assert_int_equal(genapi_list_text_models_start(c, &cb, &r, NULL), GENAPI_OK);
    int inside = 0;
    pump_until_idle(c, &inside);
    assert_int_equal(e.done, 1);
    assert_int_equal(e.poll_st, GENAPI_E_BUSY);
    assert_int_equal(e.blocking_st, GENAPI_E_BUSY);
    assert_int_equal(e.wait_st, GENAPI_OK);
    genapi_request_release(r);
    /* Nothing is left behind by the refused calls. */
    assert_int_equal(genapi_pending(c), 0);
    genapi_client_free(c);
}

/* ---- pull streams ------------------------------------------------------------------------- */

static void pull_stream(const char *url)
{
    genapi_client *c = client_for(url);
    call k, ref;
    call_init(&ref, K_CHAT_STREAM, 4);
    GENAPI_TEXT_SET(&ref.p, max_tokens, 40);
    assert_int_equal(run_blocking(c, &ref), GENAPI_OK);
    call_init(&k, K_CHAT_STREAM, 4);
    GENAPI_TEXT_SET(&k.p, max_tokens, 40);
    genapi_callbacks cb = {NULL, NULL, NULL, NULL, 1, 0};
    genapi_request *r = NULL;
    assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &r, NULL), GENAPI_OK);
    genapi_stream_delta d;
    assert_int_equal(genapi_stream_next(r, &d), GENAPI_E_AGAIN); /* nothing before poll */
    str text = {0};
    int finished = 0, again = 0;
    for (;;) {
        genapi_status st = genapi_stream_next(r, &d);
        if (st == GENAPI_E_END)
            break;
        if (st == GENAPI_E_AGAIN) {
            again++;
            assert_int_equal(genapi_poll(c, 5), GENAPI_OK);
            continue;
        }
        assert_int_equal(st, GENAPI_OK);
        if (d.content)
            str_add(&text, d.content, d.content_len);
        if (d.finish_reason)
            finished++;
    }
    assert_true(again > 0);
    assert_int_equal(finished, 1);
    assert_string_equal(text.s, ref.deltas.s);
    assert_int_equal(genapi_request_status(r, NULL), GENAPI_OK);
    genapi_chat_result *res = NULL;
    assert_int_equal(genapi_request_take_chat(r, &res), GENAPI_OK);
    str dig = {0};
    digest_chat(&dig, res);
    assert_string_equal(dig.s, ref.digest.s);
    assert_int_equal(genapi_stream_next(r, &d), GENAPI_E_END);
    genapi_request_release(r);

    /* The blocking iterator form: drives the loop itself. */
    genapi_request *r2 = NULL;
    assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &r2, NULL), GENAPI_OK);
    str text2 = {0};
    genapi_status st;
    while ((st = genapi_stream_next_wait(r2, &d, -1)) == GENAPI_OK)
        if (d.content)
            str_add(&text2, d.content, d.content_len);
    assert_int_equal(st, GENAPI_E_END);
    assert_string_equal(text2.s, ref.deltas.s);
    genapi_request_release(r2);
    free(text.s);
    free(text2.s);
    free(dig.s);
    call_free(&k);
    call_free(&ref);
    genapi_client_free(c);
}

static void test_pull_stream_in_process(void **state)
{
    (void)state;
    pull_stream(NULL);
}

static void test_pull_stream_over_http(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    pull_stream(s.url);
    ts_server_stop(&s);
}

static void test_pull_rejected_on_other_requests(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    genapi_request *r = NULL;
    assert_int_equal(genapi_list_text_models_start(c, NULL, &r, NULL), GENAPI_OK);
    genapi_stream_delta d;
    assert_int_equal(genapi_stream_next(r, &d), GENAPI_E_INVALID_ARG);
    genapi_chat_result *wrong = NULL;
    assert_int_equal(genapi_request_take_chat(r, &wrong), GENAPI_E_INVALID_ARG);
    assert_int_equal(genapi_request_wait(r, -1), GENAPI_OK);
    genapi_request_release(r);
    genapi_client_free(c);
}

/* ---- time to the first delta -------------------------------------------------------------- */

typedef struct timing {
    double start, first, end;
} timing;

static int timing_delta(const genapi_stream_delta *d, void *user)
{
    timing *t = user;
    if (t->first == 0 && d->content && d->content_len)
        t->first = now_s();
    return 0;
}

static void timing_done(genapi_request *r, void *user)
{
    (void)r;
    ((timing *)user)->end = now_s();
}

static void first_delta_early(const char *url)
{
    genapi_client *c = client_for(url);
    call k;
    call_init(&k, K_CHAT_STREAM, 21);
    /* A long stream, so that the start-up (connection, prompt) is small beside it and the first
     * delta's share of the whole measures streaming, not a loaded machine's scheduling. */
    GENAPI_TEXT_SET(&k.p, max_tokens, 1024);
    GENAPI_TEXT_SET(&k.p, ignore_eos, 1);
    GENAPI_TEXT_SET(&k.p, min_tokens, 1024);
    timing t = {now_s(), 0, 0};
    genapi_callbacks cb = {timing_done, timing_delta, NULL, &t, 0, 0};
    genapi_request *r = NULL;
    assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &r, NULL), GENAPI_OK);
    int inside = 0;
    pump_until_idle(c, &inside);
    assert_int_equal(genapi_request_status(r, NULL), GENAPI_OK);
    genapi_chat_result *res = NULL;
    assert_int_equal(genapi_request_take_chat(r, &res), GENAPI_OK);
    assert_int_equal(res->usage.completion_tokens, 1024);
    genapi_chat_result_free(res);
    double whole = t.end - t.start, first = t.first - t.start;
    print_message("first delta after %.1f ms of a %.1f ms stream\n", first * 1e3, whole * 1e3);
    assert_true(t.first > 0);
    assert_true(first < whole / 4);
    genapi_request_release(r);
    call_free(&k);
    genapi_client_free(c);
}

static void test_first_delta_early_over_http(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    first_delta_early(s.url);
    ts_server_stop(&s);
}

static void test_first_delta_early_in_process(void **state)
{
    (void)state;
    first_delta_early(NULL);
}

/* ---- progress ----------------------------------------------------------------------------- */

static void progress_rises(const char *url, int32_t size, int32_t batch)
{
    genapi_client *c = client_for(url);
    genapi_txt2img_params p;
    genapi_txt2img_params_init(&p, sizeof p);
    GENAPI_TXT2IMG_SET(&p, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_TXT2IMG_SET(&p, prompt, "mountains under snow");
    GENAPI_TXT2IMG_SET(&p, seed, 5);
    GENAPI_TXT2IMG_SET(&p, steps, 20);
    GENAPI_TXT2IMG_SET(&p, width, size);
    GENAPI_TXT2IMG_SET(&p, height, size);
    GENAPI_TXT2IMG_SET(&p, batch_size, batch);
    cancel_ctx x = {0};
    genapi_callbacks cb = {cancel_done, NULL, cancel_progress, &x, 0, 0};
    assert_int_equal(genapi_txt2img_start(c, &p, &cb, &x.req, NULL), GENAPI_OK);
    int inside = 0;
    pump_until_idle(c, &inside);
    assert_int_equal(x.status, GENAPI_OK);
    assert_int_equal(x.progress_decreased, 0);
    assert_true(x.progress_calls >= 3);
    assert_true(x.last_progress == 1.0);
    genapi_request_release(x.req);
    genapi_client_free(c);
}

static void test_progress_rises_in_process(void **state)
{
    (void)state;
    progress_rises(NULL, 512, 2);
}

static void test_progress_rises_over_http(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    /* Over HTTP progress is polled every 250 ms: a job of a few seconds. */
    progress_rises(s.url, 1024, 4);
    ts_server_stop(&s);
}

/* ---- retries on timers -------------------------------------------------------------------- */

static void test_retry_waits_on_a_timer(void **state)
{
    (void)state;
    static const char *const ok = "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                                  "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                                  "\"finish_reason\":\"stop\"}]}";
    static const char *const busy = "{\"error\":{\"message\":\"busy\",\"type\":\"x\",\"param\":null,\"code\":503}}";
    fh_response script[] = {FH_ANSWER(503, "Retry-After: 1\r\n", busy), FH_ANSWER(200, NULL, ok)};
    char url[64];
    fake_http *f = fh_start(script, 2, url, sizeof url);
    assert_non_null(f);
    genapi_client *c = client_for(url);
    call k;
    call_init(&k, K_CHAT, 1);
    GENAPI_TEXT_SET(&k.p, model, "m");
    int inside = 0;
    k.inside_poll = &inside;
    genapi_request *r = NULL;
    genapi_callbacks cb = {on_done, NULL, NULL, &k, 0, 0};
    assert_int_equal(genapi_chat_start(c, &k.chat, &cb, &r, NULL), GENAPI_OK);
    /* Pump until the first answer arrived: the request then waits a second for its retry. */
    double t0 = now_s();
    while (fh_requests(f) < 1 && now_s() - t0 < 10) {
        inside = 1;
        genapi_poll(c, 10);
        inside = 0;
    }
    assert_int_equal(fh_requests(f), 1);
    for (int i = 0; i < 20; i++) { /* frames while the retry timer runs: nothing ends */
        inside = 1;
        assert_int_equal(genapi_poll(c, 0), GENAPI_OK);
        inside = 0;
    }
    assert_int_equal(k.done_calls, 0);
    assert_int_equal(genapi_pending(c), 1);
    int64_t t = genapi_poll_timeout(c);
    assert_true(t > 0 && t <= 1000); /* the loop knows when the retry is due */
    pump_until_idle(c, &inside);
    assert_int_equal(k.done_calls, 1);
    assert_int_equal(k.outside_poll, 0);
    assert_int_equal(k.status, GENAPI_OK);
    assert_int_equal(fh_requests(f), 2);
    assert_true(now_s() - t0 >= 0.9); /* Retry-After: 1 was honoured */
    genapi_request_release(r);
    call_free(&k);
    genapi_client_free(c);
    fh_stop(f);
}

/* ---- the worker and other threads --------------------------------------------------------- */

typedef struct shared {
    genapi_client *c;
    pthread_mutex_t mu;
    int done;
    int cancelled;
    int ok;
} shared;

static void thread_done(genapi_request *r, void *user)
{
    shared *s = user;
    genapi_status st = genapi_request_status(r, NULL);
    pthread_mutex_lock(&s->mu);
    s->done++;
    if (st == GENAPI_E_CANCELLED)
        s->cancelled++;
    if (st == GENAPI_OK)
        s->ok++;
    pthread_mutex_unlock(&s->mu);
}

static void *submitter(void *arg)
{
    shared *s = arg;
    genapi_request *mine[10];
    for (int i = 0; i < 10; i++) {
        call k;
        call_init(&k, i % 2 ? K_CHAT_STREAM : K_TOKENIZE, i + 1);
        genapi_callbacks cb = {thread_done, NULL, NULL, s, 0, 0};
        genapi_request *r = NULL;
        genapi_status st = i % 2 ? genapi_chat_stream_start(s->c, &k.chat, &cb, &r, NULL)
                                 : genapi_tokenize_start(s->c, &k.tok, &cb, &r, NULL);
        assert_int_equal(st, GENAPI_OK);
        if (i % 3 == 0)
            genapi_request_cancel(r); /* may land before or after the end */
        mine[i] = r;
        call_free(&k);
    }
    /* Wait (the pumping thread or the worker completes them), then release. */
    for (int i = 0; i < 10; i++) {
        genapi_status st = genapi_request_wait(mine[i], -1);
        assert_true(st == GENAPI_OK || st == GENAPI_E_CANCELLED);
        genapi_request_release(mine[i]);
    }
    return NULL;
}

static void threads_submit_and_cancel(int worker)
{
    shared s;
    memset(&s, 0, sizeof s);
    s.c = client_for(NULL);
    pthread_mutex_init(&s.mu, NULL);
    if (worker)
        assert_int_equal(genapi_client_start_worker(s.c, NULL), GENAPI_OK);
    pthread_t th[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, submitter, &s);
    if (!worker) {
        /* This thread pumps while the others submit and cancel (until its first poll, a
         * waiting submitter may drive the loop: poll then answers busy for that turn). */
        for (;;) {
            genapi_status st = genapi_poll(s.c, 5);
            assert_true(st == GENAPI_OK || st == GENAPI_E_BUSY);
            pthread_mutex_lock(&s.mu);
            int d = s.done;
            pthread_mutex_unlock(&s.mu);
            if (d == 80)
                break;
        }
    }
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    if (worker) {
        assert_int_equal(genapi_poll(s.c, 0), GENAPI_E_BUSY); /* the worker drives */
        for (;;) {
            pthread_mutex_lock(&s.mu);
            int d = s.done;
            pthread_mutex_unlock(&s.mu);
            if (d == 80)
                break;
            struct timespec ts = {0, 2000000};
            nanosleep(&ts, NULL);
        }
        /* A blocking call while the worker runs waits for it. */
        genapi_model_list *l = NULL;
        assert_int_equal(genapi_list_text_models(s.c, &l, NULL), GENAPI_OK);
        genapi_model_list_free(l);
        genapi_client_stop_worker(s.c);
    }
    assert_int_equal(s.done, 80);
    assert_int_equal(s.ok + s.cancelled, 80);
    assert_true(s.ok >= 80 - 8 * 4);
    assert_int_equal(genapi_pending(s.c), 0);
    genapi_client_free(s.c);
    pthread_mutex_destroy(&s.mu);
}

static void test_threads_submit_and_cancel_while_one_pumps(void **state)
{
    (void)state;
    threads_submit_and_cancel(0);
}

static void test_threads_submit_and_cancel_with_worker(void **state)
{
    (void)state;
    threads_submit_and_cancel(1);
}

/* A pull consumer on its own thread while the worker produces. */
static void *consumer(void *arg)
{
    genapi_request *r = arg;
    genapi_stream_delta d;
    size_t n = 0;
    genapi_status st;
    while ((st = genapi_stream_next_wait(r, &d, 1000)) == GENAPI_OK || st == GENAPI_E_AGAIN)
        n += d.content_len * (st == GENAPI_OK);
    return (void *)(uintptr_t)(st == GENAPI_E_END ? n : 0);
}

static void test_worker_with_pull_consumer_thread(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    assert_int_equal(genapi_client_start_worker(c, NULL), GENAPI_OK);
    assert_int_equal(genapi_client_start_worker(c, NULL), GENAPI_E_BUSY);
    call k;
    call_init(&k, K_CHAT_STREAM, 9);
    GENAPI_TEXT_SET(&k.p, max_tokens, 64);
    genapi_callbacks cb = {NULL, NULL, NULL, NULL, 1, 0};
    genapi_request *r = NULL;
    assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &r, NULL), GENAPI_OK);
    pthread_t th;
    pthread_create(&th, NULL, consumer, r);
    void *got = NULL;
    pthread_join(th, &got);
    assert_int_equal(genapi_request_wait(r, -1), GENAPI_OK);
    genapi_chat_result *res = NULL;
    assert_int_equal(genapi_request_take_chat(r, &res), GENAPI_OK);
    assert_int_equal((size_t)(uintptr_t)got, res->choices[0].content_len);
    genapi_chat_result_free(res);
    genapi_request_release(r);
    call_free(&k);
    genapi_client_free(c); /* stops the worker */
}

/* ---- bad arguments ------------------------------------------------------------------------ */

static void test_bad_arguments(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    genapi_request *r = (genapi_request *)&r;
    genapi_error err;
    genapi_text_params p;
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "genapi-ref");
    GENAPI_TEXT_SET(&p, temperature, -1.0);
    genapi_chat_message m = {.role = "user", .content = "hi"};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &m;
    req.message_count = 1;
    req.params = &p;
    /* Invalid parameters fail at start: nothing is started, nothing is called back. */
    assert_int_equal(genapi_chat_start(c, &req, NULL, &r, &err), GENAPI_E_INVALID_ARG);
    assert_null(r);
    assert_string_equal(err.param, "temperature");
    assert_int_equal(genapi_pending(c), 0);
    assert_int_equal(genapi_chat_start(NULL, &req, NULL, &r, &err), GENAPI_E_INVALID_ARG);
    assert_int_equal(genapi_poll(NULL, 0), GENAPI_E_INVALID_ARG);
    assert_int_equal(genapi_client_set_poll_budget(c, -1), GENAPI_E_INVALID_ARG);
    assert_int_equal(genapi_client_set_max_active(c, 5000), GENAPI_E_INVALID_ARG);
    assert_int_equal(genapi_request_status(NULL, &err), GENAPI_E_INVALID_ARG);
    genapi_request_cancel(NULL);
    genapi_request_release(NULL);
    assert_int_equal(genapi_poll_timeout(c), -1); /* nothing pending */
    genapi_pollfd fds[4];
    assert_int_equal(genapi_poll_fds(c, fds, 4), 1); /* the wake-up descriptor */
    genapi_client_free(c);
}

/* max_active bounds transfers; the rest wait in the queue and all complete. */
static void test_queue_beyond_max_active(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    assert_int_equal(genapi_client_set_max_active(c, 2), GENAPI_OK);
    call k[6];
    genapi_request *r[6];
    int inside = 0;
    for (int i = 0; i < 6; i++) {
        call_init(&k[i], K_COMPLETE, i + 1);
        k[i].inside_poll = &inside;
        assert_int_equal(start_async(c, &k[i], &r[i]), GENAPI_OK);
    }
    pump_until_idle(c, &inside);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(k[i].done_calls, 1);
        assert_int_equal(k[i].status, GENAPI_OK);
        genapi_request_release(r[i]);
        call_free(&k[i]);
    }
    genapi_client_free(c);
}

/* The server sees a cancelled request leave and stops its generation: a reference server in
 * this process, whose scheduler counters are read directly. */
static void cancel_seen_by_server(int image)
{
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    genapi_server *srv = NULL;
    assert_int_equal(genapi_server_start(b, "127.0.0.1", 0, &srv, NULL), GENAPI_OK);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)genapi_server_port(srv));
    genapi_client *c = client_for(url);
    cancel_ctx x = {0};
    call k;
    genapi_txt2img_params p;
    if (image) {
        genapi_txt2img_params_init(&p, sizeof p);
        GENAPI_TXT2IMG_SET(&p, sd_model_checkpoint, "genapi-ref-image");
        GENAPI_TXT2IMG_SET(&p, prompt, "a city at night");
        GENAPI_TXT2IMG_SET(&p, seed, 2);
        GENAPI_TXT2IMG_SET(&p, width, 1024);
        GENAPI_TXT2IMG_SET(&p, height, 1024);
        GENAPI_TXT2IMG_SET(&p, batch_size, 8);
        x.cancel_at_progress = 1;
        genapi_callbacks cb = {cancel_done, NULL, cancel_progress, &x, 0, 0};
        assert_int_equal(genapi_txt2img_start(c, &p, &cb, &x.req, NULL), GENAPI_OK);
    } else {
        long_chat(&k);
        GENAPI_TEXT_SET(&k.p, max_tokens, 4000);
        x.cancel_at = 3;
        genapi_callbacks cb = {cancel_done, cancel_delta, NULL, &x, 0, 0};
        assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &x.req, NULL), GENAPI_OK);
    }
    int inside = 0;
    pump_until_idle(c, &inside);
    assert_int_equal(x.done_calls, 1);
    assert_int_equal(x.status, GENAPI_E_CANCELLED);
    gs_front_stats st;
    double t0 = now_s();
    do {
        gs_front_stats_get(srv, &st);
        if (st.cancelled >= 1 && st.running == 0)
            break;
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    } while (now_s() - t0 < 20);
    assert_int_equal(st.cancelled, 1);
    assert_int_equal(st.finished, 0); /* stopped, not run to its end */
    assert_int_equal(st.running, 0);
    genapi_request_release(x.req);
    if (!image)
        call_free(&k);
    genapi_client_free(c);
    genapi_server_stop(srv);
    genapi_backend_free(b);
}

static void test_cancel_stream_seen_by_server(void **state)
{
    (void)state;
    cancel_seen_by_server(0);
}

static void test_cancel_image_seen_by_server(void **state)
{
    (void)state;
    cancel_seen_by_server(1);
}

/* 1000 requests in flight on one client: all queued at once, none needs a thread, all end. */
static void test_thousand_in_flight(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    enum { N = 1000 };
    call *k = calloc(N, sizeof *k);
    genapi_request **r = calloc(N, sizeof *r);
    assert_non_null(k);
    assert_non_null(r);
    int inside = 0;
    for (int i = 0; i < N; i++) {
        call_init(&k[i], i % 2 ? K_TOKENIZE : K_COMPLETE_STREAM, i % 50);
        GENAPI_TEXT_SET(&k[i].p, max_tokens, 4);
        k[i].inside_poll = &inside;
        assert_int_equal(start_async(c, &k[i], &r[i]), GENAPI_OK);
    }
    assert_int_equal(genapi_pending(c), N);
    /* Cancel every tenth while they run. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(genapi_poll(c, 0), GENAPI_OK);
    for (int i = 0; i < N; i += 10)
        genapi_request_cancel(r[i]);
    pump_until_idle(c, &inside);
    int ok = 0, cancelled = 0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(k[i].done_calls, 1);
        ok += k[i].status == GENAPI_OK;
        cancelled += k[i].status == GENAPI_E_CANCELLED;
        genapi_request_release(r[i]);
        call_free(&k[i]);
    }
    assert_int_equal(ok + cancelled, N);
    assert_true(cancelled <= N / 10);
    free(k);
    free(r);
    genapi_client_free(c);
}

/* A client holds at most 65536 requests; the next start is refused, and nothing leaks. */
static void test_pending_requests_are_bounded(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    enum { MAX = 65536 };
    genapi_request **r = calloc(MAX, sizeof *r);
    assert_non_null(r);
    for (int i = 0; i < MAX; i++)
        assert_int_equal(genapi_list_text_models_start(c, NULL, &r[i], NULL), GENAPI_OK);
    genapi_request *extra = NULL;
    genapi_error err;
    assert_int_equal(genapi_list_text_models_start(c, NULL, &extra, &err), GENAPI_E_BUSY);
    assert_null(extra);
    assert_non_null(strstr(err.message, "65536"));
    for (int i = 0; i < MAX; i++)
        genapi_request_release(r[i]); /* cancels them */
    int inside = 0;
    pump_until_idle(c, &inside);
    assert_int_equal(genapi_list_text_models_start(c, NULL, &extra, NULL), GENAPI_OK);
    genapi_request_release(extra);
    free(r);
    genapi_client_free(c);
}

/* A turn whose commands already ended a request returns without waiting out its timeout. */
static void test_poll_returns_once_a_callback_ran(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    call k;
    long_chat(&k);
    cancel_ctx x = {0};
    genapi_callbacks cb = {cancel_done, NULL, NULL, &x, 0, 0};
    assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &x.req, NULL), GENAPI_OK);
    genapi_request_cancel(x.req);
    double t0 = now_s();
    assert_int_equal(genapi_poll(c, 5000), GENAPI_OK);
    assert_int_equal(x.done_calls, 1);
    assert_true(now_s() - t0 < 2.5); /* not the 5 s timeout */
    genapi_request_release(x.req);
    call_free(&k);
    genapi_client_free(c);
}

/* A blocking call on another thread while this one pumps (and then stops pumping) runs on a
 * private loop: it completes without the pumping thread, whose callbacks stay in its polls. */
typedef struct beside {
    genapi_client *c;
    genapi_status st;
    size_t models;
} beside;

static void *blocking_beside(void *arg)
{
    beside *b = arg;
    genapi_model_list *l = NULL;
    b->st = genapi_list_text_models(b->c, &l, NULL);
    b->models = l ? l->count : 0;
    genapi_model_list_free(l);
    genapi_chat_result *r = NULL;
    call k;
    call_init(&k, K_CHAT, 3);
    if (b->st == GENAPI_OK)
        b->st = genapi_chat_complete(b->c, &k.chat, &r, NULL);
    genapi_chat_result_free(r);
    call_free(&k);
    return NULL;
}

static void test_blocking_beside_a_polling_thread(void **state)
{
    (void)state;
    genapi_client *c = client_for(NULL);
    call k;
    long_chat(&k);
    int inside = 0;
    k.inside_poll = &inside;
    genapi_callbacks cb = {on_done, on_delta, NULL, &k, 0, 0};
    genapi_request *r = NULL;
    assert_int_equal(genapi_chat_stream_start(c, &k.chat, &cb, &r, NULL), GENAPI_OK);
    inside = 1;
    assert_int_equal(genapi_poll(c, 0), GENAPI_OK); /* this thread is now the poller */
    inside = 0;
    beside b = {c, GENAPI_E_INTERNAL, 0};
    pthread_t th;
    pthread_create(&th, NULL, blocking_beside, &b);
    pthread_join(th, NULL); /* completes while nobody polls */
    assert_int_equal(b.st, GENAPI_OK);
    assert_true(b.models >= 1);
    assert_int_equal(k.done_calls, 0); /* the poller's request did not move without it */
    pump_until_idle(c, &inside);
    assert_int_equal(k.done_calls, 1);
    assert_int_equal(k.outside_poll, 0);
    genapi_request_release(r);
    call_free(&k);
    genapi_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_cancel_before_start),
        cmocka_unit_test(test_release_cancels),
        cmocka_unit_test(test_client_free_cancels_in_flight),
        cmocka_unit_test(test_poll_and_blocking_calls_inside_callbacks_are_busy),
        cmocka_unit_test(test_queue_beyond_max_active),
        cmocka_unit_test(test_pull_rejected_on_other_requests),
        cmocka_unit_test(test_pull_stream_in_process),
        cmocka_unit_test(test_pull_stream_over_http),
        cmocka_unit_test(test_mixed_in_process_equal_blocking),
        cmocka_unit_test(test_mixed_over_http_equal_blocking),
        cmocka_unit_test(test_cancel_mid_stream_in_process),
        cmocka_unit_test(test_cancel_mid_stream_over_http),
        cmocka_unit_test(test_cancel_mid_image_in_process),
        cmocka_unit_test(test_cancel_mid_image_over_http),
        cmocka_unit_test(test_first_delta_early_in_process),
        cmocka_unit_test(test_first_delta_early_over_http),
        cmocka_unit_test(test_progress_rises_in_process),
        cmocka_unit_test(test_progress_rises_over_http),
        cmocka_unit_test(test_retry_waits_on_a_timer),
        cmocka_unit_test(test_threads_submit_and_cancel_while_one_pumps),
        cmocka_unit_test(test_threads_submit_and_cancel_with_worker),
        cmocka_unit_test(test_worker_with_pull_consumer_thread),
        cmocka_unit_test(test_cancel_stream_seen_by_server),
        cmocka_unit_test(test_cancel_image_seen_by_server),
        cmocka_unit_test(test_thousand_in_flight),
        cmocka_unit_test(test_pending_requests_are_bounded),
        cmocka_unit_test(test_poll_returns_once_a_callback_ran),
        cmocka_unit_test(test_blocking_beside_a_polling_thread),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(small_png_b64);
    return rc;
}
