/* Malformed input never crashes, leaks or hangs: every fixture response, mutated many ways
 * (bytes flipped, cut short, spliced), goes through every response parser; mutated request
 * bodies go through the reference server's router. Run under AddressSanitizer in CI. The
 * mutations are seeded, so a failure reproduces. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "stream/accumulate.h"
#include "stream/sse.h"
#include "test_support.h"

#define MUTATIONS 200

static uint64_t next(uint64_t *s)
{
    *s += 0x9E3779B97F4A7C15ull;
    uint64_t z = *s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A mutated copy of body (malloc'ed, NUL-terminated); *len receives its length. */
static char *mutate(const char *body, size_t n, uint64_t *rng, size_t *len)
{
    char *m = malloc(n * 2 + 16);
    assert_non_null(m);
    memcpy(m, body, n);
    size_t k = n;
    switch (next(rng) % 5) {
    case 0: /* flip a few bytes */
        for (int i = 0; i < 4 && k > 0; i++)
            m[next(rng) % k] = (char)(next(rng) & 0xFF);
        break;
    case 1: /* cut short */
        k = k ? (size_t)(next(rng) % k) : 0;
        break;
    case 2: /* duplicate a slice */
        if (k > 2) {
            size_t a = next(rng) % k, l = next(rng) % (k - a);
            memmove(m + a + l, m + a, k - a);
            k += l;
        }
        break;
    case 3: { /* insert structural characters */
        static const char junk[] = "{}[]\":,\\\n\r0-e.nul";
        size_t at = k ? next(rng) % k : 0;
        memmove(m + at + 3, m + at, k - at);
        for (int i = 0; i < 3; i++)
            m[at + (size_t)i] = junk[next(rng) % (sizeof junk - 1)];
        k += 3;
        break;
    }
    default: /* replace a value with null */
        if (k > 8) {
            size_t at = next(rng) % (k - 4);
            memcpy(m + at, "null", 4);
        }
        break;
    }
    m[k] = '\0';
    *len = k;
    return m;
}

static int on_event(const char *data, size_t len, void *user)
{
    gacc_event(user, data, len);
    return 0;
}

/* Feed one body to every parser; only crashes and leaks matter here. */
static void parse_everything(genapi_client *c, const char *body, size_t len)
{
    genapi_chat_result *chat = NULL;
    genapi_completion_result *cmpl = NULL;
    genapi_tokenize_result *tok = NULL;
    genapi_error err;
    if (genapi_chat_result_parse(c, body, len, &chat, &err) == GENAPI_OK) {
        char *json = NULL;
        if (genapi_chat_result_to_json(chat, &json, NULL) == GENAPI_OK)
            genapi_chat_result_string_free(chat, json);
        genapi_chat_result_free(chat);
    } else {
        assert_null(chat);
        assert_true(err.status < 0);
    }
    if (genapi_completion_result_parse(c, body, len, &cmpl, &err) == GENAPI_OK)
        genapi_completion_result_free(cmpl);
    if (genapi_tokenize_result_parse(c, body, len, &tok, &err) == GENAPI_OK)
        genapi_tokenize_result_free(tok);
    genapi_images_result *imgs = NULL;
    genapi_upscale_result *up = NULL;
    genapi_image_listing *list = NULL;
    if (genapi_images_result_parse(c, body, len, &imgs, &err) == GENAPI_OK)
        genapi_images_result_free(imgs);
    if (genapi_upscale_result_parse(c, body, len, &up, &err) == GENAPI_OK)
        genapi_upscale_result_free(up);
    for (int k = GENAPI_LISTING_MODELS; k <= GENAPI_LISTING_UPSCALERS; k++)
        if (genapi_image_listing_parse(c, (genapi_image_listing_kind)k, body, len, &list, &err) == GENAPI_OK)
            genapi_image_listing_free(list);
    gt_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = 400;
    resp.body = (char *)(uintptr_t)body;
    resp.body_len = len;
    assert_true(gc_error_from_response(&resp, &err) < 0);
    assert_true(strlen(err.message) > 0);
    ga_alloc a;
    ga_alloc_resolve(&a, NULL);
    for (int kind = 0; kind < 2; kind++) {
        gacc *acc = gacc_new(&a, kind ? GACC_COMPLETION : GACC_CHAT, NULL, NULL);
        assert_non_null(acc);
        gsse_decoder d;
        gsse_init(&d, &a, on_event, acc);
        gsse_feed(&d, body, len);
        gsse_free(&d);
        if (kind)
            genapi_completion_result_free(gacc_completion_result(acc, 200));
        else
            genapi_chat_result_free(gacc_chat_result(acc, 200));
        gacc_free(acc);
    }
}

static void test_mutated_responses(void **state)
{
    (void)state;
    const char *fx = ts_fixtures_dir();
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
#if !GENAPI_TEST_REFERENCE_BACKEND
    /* An HTTP-client-only library needs a base URL; the parsers send nothing. */
    cfg.base_url = "http://127.0.0.1:9";
#endif
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    DIR *top = opendir(fx);
    assert_non_null(top);
    struct dirent *e;
    uint64_t rng = 12345;
    size_t bodies = 0;
    while ((e = readdir(top)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", fx, e->d_name);
        DIR *cases = opendir(dir);
        if (cases == NULL)
            continue;
        struct dirent *ce;
        while ((ce = readdir(cases)) != NULL) {
            if (ce->d_name[0] == '.')
                continue;
            char path[2048];
            snprintf(path, sizeof path, "%s/%s/response.body", dir, ce->d_name);
            size_t n;
            char *body = ts_read_file(path, &n);
            if (body == NULL)
                continue;
            bodies++;
            parse_everything(c, body, n);
            for (int i = 0; i < MUTATIONS; i++) {
                size_t k;
                char *m = mutate(body, n, &rng, &k);
                parse_everything(c, m, k);
                free(m);
            }
            free(body);
        }
        closedir(cases);
    }
    closedir(top);
    assert_true(bodies >= 40);
    genapi_client_free(c);
}

#if GENAPI_TEST_REFERENCE_BACKEND
static void test_mutated_requests(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    static const char *const seeds[] = {
        "{\"model\": \"genapi-ref\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 4, "
        "\"top_p\": 0.9, \"stop\": [\"x\"], \"logit_bias\": {\"5\": 1}, \"logprobs\": true, \"top_logprobs\": 2}",
        "{\"model\": \"genapi-ref\", \"prompt\": [1, 2, 3], \"max_tokens\": 3, \"n\": 2, \"echo\": true, \"logprobs\": 1, "
        "\"stream\": true, \"sampler_priority\": [7, 6, 8, 5, 9, 0, 1, 2, 3, 10, 11, 4, 12, 13]}",
        "{\"model\": \"genapi-ref\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 8, "
        "\"guided_json\": {\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\"}}, \"required\": [\"a\"]}}",
        "{\"model\": \"genapi-ref\", \"prompt\": \"Hello\", \"return_token_strs\": true}",
        "{\"sd_model_checkpoint\": \"genapi-ref-image\", \"prompt\": \"a red fox\", \"width\": 64, \"height\": 64, "
        "\"steps\": 2, \"seed\": 3, \"batch_size\": 2, \"sampler_name\": \"Euler\", \"cfg_scale\": 7}",
        "{\"image\": \"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\", "
        "\"upscaler_1\": \"Lanczos\", \"upscaling_resize\": 2}",
    };
    static const char *const paths[] = {"/v1/chat/completions", "/v1/completions", "/v1/chat/completions", "/v1/tokenize",
                                        "/sdapi/v1/txt2img", "/v1/upscale-img"};
    uint64_t rng = 777;
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
        for (int i = 0; i < (s >= 4 ? 120 : 400); i++) {
            size_t k;
            char *m = mutate(seeds[s], strlen(seeds[s]), &rng, &k);
            genapi_http_request req = {"POST", paths[s], NULL, "application/json", m, k};
            genapi_http_response r;
            assert_int_equal(genapi_backend_handle(b, &req, &r), GENAPI_OK);
            int image = s >= 4; /* image routes also answer 422 (validation) and 500 (undecodable image) */
            if (r.status != 200 && r.status != 400 && r.status != 404 && !(image && (r.status == 422 || r.status == 500)))
                fail_msg("%s %s -> %d %s", paths[s], m, (int)r.status, r.body);
            if (strcmp(r.content_type, "application/json") == 0) {
                json_object *o = json_tokener_parse(r.body);
                if (o == NULL)
                    fail_msg("unparsable answer to %s: %s", m, r.body);
                json_object_put(o);
            }
            genapi_http_response_release(b, &r);
            free(m);
        }
    genapi_backend_free(b);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutated_responses),
#if GENAPI_TEST_REFERENCE_BACKEND
        cmocka_unit_test(test_mutated_requests),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
