/* The image engine and the image routes in bounded steps: generation bands, progressive PNG
 * encoding and banded upscaling give the same bytes as the one-shot calls for any band size;
 * the image routes answer through jobs with the pinned bodies; progress rises while a job is
 * stepped; a job freed half-way leaks nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <sodium.h>

#include "engine/image/image_engine.h"
#include "server/backend_internal.h"
#include "server/job.h"

static ga_alloc A;

/* ---------------------------------------------------------------------------------------------
 * Inputs */

/* A deterministic test picture: gradients, a disc and a checker, so resampling has edges. */
static gi_image test_picture(int32_t w, int32_t h, int mask)
{
    gi_image im = {w, h, malloc((size_t)w * (size_t)h * 4)};
    assert_non_null(im.rgba);
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++) {
            uint8_t *p = im.rgba + ((size_t)y * (size_t)w + (size_t)x) * 4;
            int32_t dx = x - w / 2, dy = y - h / 3, r = (w < h ? w : h) / 4;
            int in = dx * dx + dy * dy < r * r;
            if (mask) {
                uint8_t v = in ? 255 : 0;
                p[0] = p[1] = p[2] = v;
            } else {
                p[0] = (uint8_t)(x * 255 / (w - 1));
                p[1] = (uint8_t)(y * 255 / (h - 1));
                p[2] = in ? 40 : (uint8_t)((((x / 5) + (y / 5)) & 1) ? 200 : 90);
            }
            p[3] = 255;
        }
    return im;
}

/* base64 of the PNG of a test picture (malloc'ed). */
static char *test_picture_b64(int32_t w, int32_t h, int mask)
{
    gi_image im = test_picture(w, h, mask);
    uint8_t *png = NULL;
    size_t len = 0;
    assert_int_equal(gi_png_encode(&A, &im, NULL, &png, &len, NULL), GENAPI_OK);
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    assert_non_null(b64);
    sodium_bin2base64(b64, cap, png, len, sodium_base64_VARIANT_ORIGINAL);
    ga_free(&A, png);
    free(im.rgba);
    return b64;
}

/* ---------------------------------------------------------------------------------------------
 * Pinned route bodies */

typedef struct pinned {
    const char *path;
    const char *body; /* @INIT@, @MASK@ (same size), @SMALL@ (a smaller mask) are replaced */
    int status;
    const char *sha256; /* of the whole response body */
} pinned;

static const pinned PINNED[] = {
    {"/sdapi/v1/txt2img",
     "{\"prompt\": \"a red fox in deep snow, pine forest\", \"seed\": 42, \"steps\": 7, \"width\": 96, "
     "\"height\": 64, \"batch_size\": 2, \"sampler_name\": \"DPM++ 2M\"}",
     200, "c7dab9855e1487b252a8d3c953157fd2cbacea98e3efdc1bdbb1b03b4ba6b0a9"},
    {"/v1/txt2img",
     "{\"sd_model_checkpoint\": \"genapi-ref-image\", \"prompt\": \"harbour at night, lanterns\", "
     "\"negative_prompt\": \"blurry, people\", \"seed\": 7, \"steps\": 25, \"cfg_scale\": 9.5, \"width\": 72, "
     "\"height\": 104, \"sampler_name\": \"Euler a\"}",
     200, "ba6580d07a9b6693a9fa7cebe064d90d3055081011b24c7de79faf30b347fc99"},
    {"/sdapi/v1/img2img",
     "{\"init_images\": [\"@INIT@\"], \"prompt\": \"stained glass\", \"seed\": 5, \"steps\": 12, \"width\": 64, "
     "\"height\": 64, \"resize_mode\": 1, \"denoising_strength\": 0.5}",
     200, "99da8224455ff2d8f1ce484628665227da514492a8d96ad9797297a51b4bd6c2"},
    {"/sdapi/v1/img2img",
     "{\"init_images\": [\"@INIT@\"], \"mask\": \"@MASK@\", \"prompt\": \"a golden statue\", \"seed\": 11, "
     "\"steps\": 9, \"mask_blur\": 3, \"inpainting_fill\": 0, \"denoising_strength\": 0.8, \"batch_size\": 2}",
     200, "cc4ab03376306424837fdeb7317ac9d66add24ee3f154d2e99442374be768b20"},
    {"/sdapi/v1/img2img",
     "{\"init_images\": [\"@INIT@\"], \"mask\": \"@MASK@\", \"prompt\": \"a blue door\", \"seed\": 3, \"steps\": 6, "
     "\"width\": 64, \"height\": 64, \"inpaint_full_res\": true, \"inpaint_full_res_padding\": 6, "
     "\"inpainting_fill\": 2, \"mask_blur\": 2, \"resize_mode\": 2}",
     200, "a3a4c8ce31c75306c5aacbd021fb8317c970f1ad8906675e8e504146ffe30022"},
    {"/sdapi/v1/extra-single-image",
     "{\"image\": \"@INIT@\", \"upscaler_1\": \"R-ESRGAN 4x+\", \"upscaling_resize\": 2}", 200, "595a3aa4136d04e299d0ffd07b8210d2ed908d2b5a6ad75b832df35e0c1cdd41"},
    {"/v1/upscale-img", "{\"image\": \"@INIT@\", \"upscaler_1\": \"Lanczos\", \"upscaling_resize\": 1.5}", 200, "b4726b647af052c04bbc97ae7471f29a5573baa8ff4657a7202e66d36b7c700a"},
    {"/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"sampler_name\": \"k_euler\"}", 404, "190b34bad37238488ef1a0bf592b69277a5b1c74aec2891e87d4eb542f5a6e91"},
    {"/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"width\": 10}", 422, "6b656904ff48aa8ed00f7f9fd39c77981173cdf5d7bc095871527a05ec01ee6c"},
    {"/sdapi/v1/img2img", "{\"init_images\": [\"aGVsbG8=\"]}", 500, "524bd9e22119060f9a652f29add230406e5a931ba839aaa7cd80ba7c7ccf64f8"},
    {"/sdapi/v1/img2img", "{\"init_images\": [\"@INIT@\"], \"mask\": \"@SMALL@\", \"seed\": 1}", 422, "e8c19910ae69ac8dc110f1df3f3f0d86f083c17aa2466204aa46dbac9a443f07"},
    {"/sdapi/v1/extra-single-image", "{\"image\": \"@INIT@\", \"upscaler_1\": \"Bicubic\"}", 404, "69f4a58644cac756705c32d89a5b88aabf7c719b84e5b90381ab7bdbd6fd5c1d"},
};
#define N_PINNED (sizeof PINNED / sizeof PINNED[0])

/* The request body with @INIT@, @MASK@ and @SMALL@ replaced (malloc'ed). */
static char *format_body(const char *fmt, const char *init, const char *mask, const char *mask_small)
{
    const char *keys[3] = {"@INIT@", "@MASK@", "@SMALL@"}, *vals[3] = {init, mask, mask_small};
    size_t cap = strlen(fmt) + 1;
    for (int k = 0; k < 3; k++)
        for (const char *p = strstr(fmt, keys[k]); p; p = strstr(p + 1, keys[k]))
            cap += strlen(vals[k]);
    char *s = malloc(cap), *o = s;
    assert_non_null(s);
    while (*fmt) {
        int hit = 0;
        for (int k = 0; k < 3 && !hit; k++)
            if (strncmp(fmt, keys[k], strlen(keys[k])) == 0) {
                size_t n = strlen(vals[k]);
                memcpy(o, vals[k], n);
                o += n;
                fmt += strlen(keys[k]);
                hit = 1;
            }
        if (!hit)
            *o++ = *fmt++;
    }
    *o = '\0';
    return s;
}

static void sha256_hex(const char *data, size_t len, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

static void test_pinned_bodies(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    char *init = test_picture_b64(80, 48, 0), *mask = test_picture_b64(80, 48, 1), *small = test_picture_b64(40, 24, 1);
    const char *dump = getenv("GENAPI_DUMP_BODIES");
    int bad = 0;
    for (size_t i = 0; i < N_PINNED; i++) {
        char *body = format_body(PINNED[i].body, init, mask, small);
        genapi_http_request req = {"POST", PINNED[i].path, NULL, "application/json", body, strlen(body)};
        genapi_http_response r;
        assert_int_equal(genapi_backend_handle(b, &req, &r), GENAPI_OK);
        char hex[65];
        sha256_hex(r.body, r.body_len, hex);
        if (dump) {
            char name[512];
            snprintf(name, sizeof name, "%s/body_%02zu.json", dump, i);
            FILE *f = fopen(name, "wb");
            if (f) {
                fwrite(r.body, 1, r.body_len, f);
                fclose(f);
            }
            printf("    {%d, \"%s\"},\n", r.status, hex);
        }
        if (r.status != PINNED[i].status || strcmp(hex, PINNED[i].sha256) != 0) {
            print_error("request %zu (%s): status %d sha256 %s, want %d %s\n", i, PINNED[i].path, (int)r.status, hex,
                        PINNED[i].status, PINNED[i].sha256);
            bad++;
        }
        genapi_http_response_release(b, &r);
        free(body);
    }
    free(init);
    free(mask);
    free(small);
    genapi_backend_free(b);
    assert_int_equal(bad, 0);
}

int main(void)
{
    ga_alloc_resolve(&A, NULL);
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pinned_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
