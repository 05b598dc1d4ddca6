/* Allocation failure reports itself: with the in-process backend, each allocation of a call
 * failing in turn (the client's and the reference backend's, through the client's allocator)
 * ends the call with success or GENAPI_E_NOMEM: never a 400/422, a (retried) 500, a parse or
 * stream error; no path ignores one (a call that succeeds although one of its allocations failed
 * is a failure of this test); nothing stays allocated; and the client serves the next call. Covers
 * chat, streamed chat and completions, tokenize, listings and an image generation. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "failing_alloc.h"
#include "test_client.h"

typedef genapi_status (*call_fn)(genapi_client *c, genapi_error *err);

static genapi_status chat_call(genapi_client *c, int stream, genapi_error *err)
{
    tc_chat k;
    tc_chat_init(&k, "genapi-ref", "Tell me about the harbour and its lighthouse keeper");
    GENAPI_TEXT_SET(&k.p, max_tokens, 4);
    GENAPI_TEXT_SET(&k.p, seed, 7);
    genapi_chat_result *r = NULL;
    genapi_status st =
        stream ? genapi_chat_stream(c, &k.req, NULL, NULL, &r, err) : genapi_chat_complete(c, &k.req, &r, err);
    if (st == GENAPI_OK && (r == NULL || r->choice_count != 1 || r->choices[0].content == NULL))
        fail_msg("a successful chat without its choice");
    genapi_chat_result_free(r);
    genapi_text_params_clear(&k.p);
    return st;
}

static genapi_status chat_plain(genapi_client *c, genapi_error *err) { return chat_call(c, 0, err); }
static genapi_status chat_streamed(genapi_client *c, genapi_error *err) { return chat_call(c, 1, err); }

static genapi_status completion_streamed(genapi_client *c, genapi_error *err)
{
    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, model, "genapi-ref");
    GENAPI_TEXT_SET(&p, max_tokens, 4);
    GENAPI_TEXT_SET(&p, seed, 7);
    GENAPI_TEXT_SET(&p, logprobs, 2);
    genapi_completion_request req = GENAPI_COMPLETION_REQUEST_INIT;
    req.prompt = "The lighthouse keeper";
    req.params = &p;
    genapi_completion_result *r = NULL;
    genapi_status st = genapi_complete_stream(c, &req, NULL, NULL, &r, err);
    if (st == GENAPI_OK && (r == NULL || r->choice_count != 1 || r->choices[0].logprobs == NULL))
        fail_msg("a successful stream without its choice");
    genapi_completion_result_free(r);
    return st;
}

static genapi_status tokenize_call(genapi_client *c, genapi_error *err)
{
    genapi_tokenize_request req = GENAPI_TOKENIZE_REQUEST_INIT;
    req.model = "genapi-ref";
    req.prompt = "The harbour at dusk";
    req.return_token_strs = 1;
    genapi_tokenize_result *r = NULL;
    genapi_status st = genapi_tokenize(c, &req, &r, err);
    if (st == GENAPI_OK && (r == NULL || r->token_count == 0))
        fail_msg("a successful tokenize without tokens");
    genapi_tokenize_result_free(r);
    return st;
}

static genapi_status models_call(genapi_client *c, genapi_error *err)
{
    genapi_model_list *l = NULL;
    genapi_status st = genapi_list_text_models(c, &l, err);
    if (st == GENAPI_OK && (l == NULL || l->count == 0))
        fail_msg("a successful listing without models");
    genapi_model_list_free(l);
    return st;
}

static genapi_status image_call(genapi_client *c, genapi_error *err)
{
    genapi_txt2img_params p;
    genapi_txt2img_params_init(&p, sizeof p);
    GENAPI_TXT2IMG_SET(&p, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_TXT2IMG_SET(&p, prompt, "a lighthouse");
    GENAPI_TXT2IMG_SET(&p, seed, 5);
    GENAPI_TXT2IMG_SET(&p, steps, 2);
    GENAPI_TXT2IMG_SET(&p, width, 64);
    GENAPI_TXT2IMG_SET(&p, height, 64);
    genapi_images_result *r = NULL;
    genapi_status st = genapi_txt2img(c, &p, &r, err);
    if (st == GENAPI_OK && (r == NULL || r->image_count != 1 || r->images[0].width != 64))
        fail_msg("a successful image call without its image");
    genapi_images_result_free(r);
    genapi_txt2img_params_clear(&p);
    return st;
}

/* Fail allocation 0, 1, 2, ... of `call` (a stride apart when it makes more than `max_runs`)
 * until it succeeds with none failing. */
static void each_allocation_failing(const char *name, call_fn call, long max_runs)
{
    fa_counter f = {0};
    genapi_allocator hooks = FA_HOOKS(&f);
    genapi_client_config cfg = tc_config(NULL);
    cfg.allocator = &hooks;
    genapi_client *c = tc_client_new(&cfg);
    genapi_error err;
    /* Warm up (lazily grown client tables), then count one call's allocations. */
    for (int i = 0; i < 2; i++)
        if (call(c, &err) != GENAPI_OK)
            fail_msg("%s: %s", name, err.message);
    long base = f.live;
    fa_fail_at(&f, LONG_MAX);
    assert_int_equal(call(c, &err), GENAPI_OK);
    long total = f.count;
    fa_disarm(&f);
    assert_int_equal(f.live, base);
    assert_true(total > 5);
    long stride = total / max_runs + 1;
    long nomem = 0;
    for (long at = 0; at < total; at += stride) {
        fa_fail_at(&f, at);
        genapi_status st = call(c, &err);
        fa_disarm(&f);
        if (st != GENAPI_OK && st != GENAPI_E_NOMEM)
            fail_msg("%s, allocation %ld of %ld failing: status %d (%s), HTTP %d: %s", name, at, total, st,
                     genapi_status_str(st), err.http_status, err.message);
        if (st == GENAPI_E_NOMEM)
            nomem++;
        else if (f.count > at)
            fail_msg("%s: allocation %ld of %ld failed, yet the call succeeded: a path ignored it", name, at, total);
        if (f.live != base)
            fail_msg("%s, allocation %ld of %ld failing: %ld blocks left over", name, at, total, f.live - base);
        /* the client serves the next call */
        if (call(c, &err) != GENAPI_OK)
            fail_msg("%s after allocation %ld failed: %s", name, at, err.message);
    }
    assert_int_equal(nomem, (total + stride - 1) / stride);
    genapi_client_free(c);
    assert_int_equal(f.live, 0);
    if (getenv("GENAPI_DUMP_COUNTS"))
        printf("%s: %ld allocations, stride %ld, %ld ended in GENAPI_E_NOMEM\n", name, total, stride, nomem);
}

static void test_chat(void **state)
{
    (void)state;
    each_allocation_failing("chat", chat_plain, 400);
}

static void test_chat_stream(void **state)
{
    (void)state;
    each_allocation_failing("chat stream", chat_streamed, 400);
}

static void test_completion_stream(void **state)
{
    (void)state;
    each_allocation_failing("completion stream", completion_streamed, 400);
}

static void test_tokenize_and_listing(void **state)
{
    (void)state;
    each_allocation_failing("tokenize", tokenize_call, 400);
    each_allocation_failing("models", models_call, 400);
}

static void test_image(void **state)
{
    (void)state;
    each_allocation_failing("txt2img", image_call, 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chat),
        cmocka_unit_test(test_chat_stream),
        cmocka_unit_test(test_completion_stream),
        cmocka_unit_test(test_tokenize_and_listing),
        cmocka_unit_test(test_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
