/* The image engine and the image routes in bounded steps: generation bands, progressive PNG
 * encoding and banded upscaling give the same bytes as the one-shot calls for any band size;
 * the image routes answer through jobs with the pinned bodies; progress rises while a job is
 * stepped; a job freed half-way leaks nothing. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <limits.h>
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

#include "failing_alloc.h"

static ga_alloc A;
/* base64 PNGs of an 80x48 test picture, of a mask of that size and of a smaller mask. */
static char *INIT_B64, *MASK_B64, *SMALL_B64;

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
 * Engine cases, with digests of the bytes the one-shot calls produce */

static void sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

static void image_hex(const gi_image *im, char hex[65])
{
    sha256_hex(im->rgba, (size_t)im->width * (size_t)im->height * 4, hex);
}

/* Inputs shared by the generation cases (built once). */
static gi_image INIT, MASK, MASK_EMPTY;

typedef struct gen_case {
    const char *name;
    int32_t w, h, steps;
    const char *sampler;
    int init;   /* 0 none, 1 INIT */
    int mask;   /* 0 none, 1 MASK, 2 MASK_EMPTY */
    double d;
    int32_t resize_mode, blur, fill, full_res, padding, invert;
    const char *sha256;
} gen_case;

/* Digests of the pixels. The three full-res cases were pinned again when the resampler moved to
 * single precision: the fitted region differs from the double-precision result by one level in
 * a few samples (the route body of the same kind, PINNED[4], differs in one sample). */
static const gen_case GEN_CASES[] = {
    {"txt2img 512", 512, 512, 20, "Euler a", 0, 0, 0, 0, 0, 0, 0, 0, 0, "cd30d7e060a70b19c95627024c67a1f7824c6fe104465b460664679b3b1cdb38"},
    {"txt2img 200x136", 200, 136, 33, "DPM++ 2M Karras", 0, 0, 0, 0, 0, 0, 0, 0, 0, "ecfc5a56279217b45bdcb1232538e141797d0e65e6a703d57b573d98c6079c5c"},
    {"img2img stretch", 128, 96, 20, "Euler", 1, 0, 0.6, 0, 0, 0, 0, 0, 0, "2584bdf66807464504a9dabe753adf4672e07db94c85183ccbd5cc2fd7e015cc"},
    {"img2img crop", 96, 96, 15, "Heun", 1, 0, 0.35, 1, 0, 0, 0, 0, 0, "b8d0f8534198f3db7697ad4251266bed9b5cb400417e9bd7660567b7169435bc"},
    {"img2img fill", 96, 80, 15, "DDIM", 1, 0, 0.9, 2, 0, 0, 0, 0, 0, "c16df3a5e3f6a2602179ce5c4fb85517f535067c7c0c6ef45a69588c54f3c50c"},
    {"img2img d0", 96, 64, 10, "Euler", 1, 0, 0.0, 3, 0, 0, 0, 0, 0, "868915d7b8c591cc62f17075f7691206cdd96f2e9d78c9fa3dd00c138ba26e5b"},
    {"img2img d1", 96, 64, 10, "Euler a", 1, 0, 1.0, 0, 0, 0, 0, 0, 0, "52e188398bb33230648bb63323a3fffe2334b95e2ea49a83ec67be866c5b960e"},
    {"inpaint fill0", 120, 80, 12, "DPM++ SDE", 1, 1, 0.75, 1, 4, 0, 0, 0, 0, "eeaedd9713c4a82aa45db906b43cdf1d23759cedf558156bf690e81f782ec4da"},
    {"inpaint fill1 invert", 150, 90, 12, "Euler", 1, 1, 0.6, 0, 0, 1, 0, 0, 1, "322f7fd79a72c3d3d5840ca3cf2b16bef874e88279c958fd9d9314af9bf0907e"},
    {"inpaint fill2", 104, 72, 8, "LMS", 1, 1, 0.8, 2, 7, 2, 0, 0, 0, "9026b81c000f8efb32eda979fa45c4f63848c48544c07a625866599a3aa1a1f8"},
    {"inpaint fill3", 64, 64, 8, "UniPC", 1, 1, 0.5, 0, 2, 3, 0, 0, 0, "35c466697f3185b80813874a69fd512962b35b71217d877966c4dfcdf7655fc4"},
    {"inpaint fill0 empty", 96, 64, 8, "Euler", 1, 2, 0.7, 0, 3, 0, 0, 0, 0, "868915d7b8c591cc62f17075f7691206cdd96f2e9d78c9fa3dd00c138ba26e5b"},
    {"full-res fill0", 64, 64, 10, "Euler a", 1, 1, 0.75, 0, 4, 0, 1, 10, 0, "0fb100061141754d159392f3ac34fe9a1258587244b77f59501ca67a704dcad3"},
    {"full-res fill1 invert", 96, 64, 10, "DPM2", 1, 1, 0.5, 0, 0, 1, 1, 0, 1, "95cff0202b53f4f968c472f5ffee4c56392694df33b685a609a9a1a8e7807a94"},
    {"full-res fill2", 72, 96, 10, "PLMS", 1, 1, 0.9, 0, 5, 2, 1, 3, 0, "60103aae6e6893a6e4223058ef0ffd93d9670e7f47dfeab5b693d357552e1dab"},
    {"full-res empty", 64, 64, 10, "Euler", 1, 2, 0.9, 0, 5, 0, 1, 3, 0, "c93195f614be1fdf8a6ba2b31664b89c622f622b0c45a483a6613eebb8a1dc0e"},
};
#define N_GEN_CASES (sizeof GEN_CASES / sizeof GEN_CASES[0])

static gi_gen_config case_config(const gen_case *k)
{
    gi_gen_config c;
    memset(&c, 0, sizeof c);
    c.prompt = "an old stone bridge over a river, autumn";
    c.negative_prompt = "fog";
    c.seed = 777;
    c.steps = k->steps;
    c.cfg_scale = 7.5;
    c.sampler_name = k->sampler;
    c.width = k->w;
    c.height = k->h;
    if (k->init) {
        c.init = &INIT;
        c.denoising_strength = k->d;
        c.resize_mode = k->resize_mode;
    }
    if (k->mask) {
        c.mask = k->mask == 1 ? &MASK : &MASK_EMPTY;
        c.mask_blur = k->blur;
        c.inpainting_fill = k->fill;
        c.inpaint_full_res = k->full_res;
        c.inpaint_full_res_padding = k->padding;
        c.inpainting_mask_invert = k->invert;
    }
    return c;
}

typedef struct up_case {
    int32_t w, h;
    double factor;
    const char *name;
    const char *sha256;
} up_case;

/* Pixel digests. The Lanczos-based upscalers were pinned again when the resampler moved to
 * single precision with Pillow's conventions (out-of-image taps dropped, the horizontal pass
 * rounded to 0..255): at most two levels from the earlier results, and within rounding of
 * Pillow's own Lanczos (tests/test_image_lanczos.c). */
static const up_case UP_CASES[] = {
    {150, 90, 2.0, "Lanczos", "a9779ca74d6206b6d9ca891ff40502f1c5c6a68f3e3dd5c574bd043891947ed0"},      {150, 90, 3.5, "R-ESRGAN 4x+", "9c5127558424355b5a155282ed30a5393c800dc07ae36c3ad568e05d8b60359a"}, {150, 90, 0.5, "Nearest", "af4bd8c5fba9f2f1018b16f22e8af5d7be9d46b833a861f7986aeefe07ec4f60"},
    {150, 90, 1.7, "None", "a7e0ce273cbe4c5731be69f53f2871f57aaddbe062e0eedbb5a218d7faaa2f00"},         {150, 90, 0.3, "SwinIR_4x", "45a2200d06bff1088a7670c5cf9da01ba3784ac4b0b766c169272512370ef9fb"},    {20, 12, 8.0, "ScuNET GAN", "4a872a98bcb57214430f8b1a36106b5b8ebfe9d3c8ae1468613a47012aec014f"},
};
#define N_UP_CASES (sizeof UP_CASES / sizeof UP_CASES[0])

/* Digests of the PNG bytes (RGB, deflate level 1, Sub filter). They were pinned again when the
 * encoder settings changed: decoded with Pillow, the pixels are identical to those of the
 * earlier (RGBA, default level) files; only the compressed bytes differ. */
static const char *const PNG_TEXT = "a lighthouse\nNegative prompt: fog\nSteps: 20, Sampler: Euler a, Seed: 777";
static const char *const PNG_SHA256[2] = {"17b0f60a7f22eba431fecf15029f46a2a195374ebcb4de975aa6027560a22a4e",
                                          "98c7de9318784ed4d5a6723322ae6f1f3d4c1b4bbed10d5d04de35e297cb6c8a"};

static void test_engine_digests(void **state)
{
    (void)state;
    int bad = 0, dump = getenv("GENAPI_DUMP_BODIES") != NULL;
    for (size_t i = 0; i < N_GEN_CASES; i++) {
        gi_gen_config c = case_config(&GEN_CASES[i]);
        gi_image im;
        genapi_error e;
        assert_int_equal(gi_generate(&A, &c, 1, &im, &e), GENAPI_OK);
        char hex[65];
        image_hex(&im, hex);
        if (dump)
            printf("gen %zu %dx%d %s\n", i, (int)im.width, (int)im.height, hex);
        if (strcmp(hex, GEN_CASES[i].sha256) != 0) {
            print_error("%s: %s\n", GEN_CASES[i].name, hex);
            bad++;
        }
        gi_image_free(&A, &im);
    }
    gi_image src = test_picture(150, 90, 0), small = test_picture(20, 12, 0);
    for (size_t i = 0; i < N_UP_CASES; i++) {
        gi_image im;
        assert_int_equal(gi_upscale(&A, UP_CASES[i].w == 20 ? &small : &src, UP_CASES[i].factor, UP_CASES[i].name, &im, NULL),
                         GENAPI_OK);
        char hex[65];
        image_hex(&im, hex);
        if (dump)
            printf("up %zu %dx%d %s\n", i, (int)im.width, (int)im.height, hex);
        if (strcmp(hex, UP_CASES[i].sha256) != 0) {
            print_error("upscale %s x%g: %s\n", UP_CASES[i].name, UP_CASES[i].factor, hex);
            bad++;
        }
        gi_image_free(&A, &im);
    }
    /* PNG bytes: a generated picture with its infotext chunk, the test picture without one. */
    gi_gen_config c = case_config(&GEN_CASES[0]);
    gi_image pic;
    assert_int_equal(gi_generate(&A, &c, 0, &pic, NULL), GENAPI_OK);
    const gi_image *pngs[2] = {&pic, &src};
    for (size_t i = 0; i < 2; i++) {
        uint8_t *bytes = NULL;
        size_t len = 0;
        assert_int_equal(gi_png_encode(&A, pngs[i], i == 0 ? PNG_TEXT : NULL, &bytes, &len, NULL), GENAPI_OK);
        char hex[65];
        sha256_hex(bytes, len, hex);
        if (dump)
            printf("png %zu %zu %s\n", i, len, hex);
        if (strcmp(hex, PNG_SHA256[i]) != 0) {
            print_error("png %zu: %s\n", i, hex);
            bad++;
        }
        ga_free(&A, bytes);
    }
    gi_image_free(&A, &pic);
    free(src.rgba);
    free(small.rgba);
    assert_int_equal(bad, 0);
}

/* ---------------------------------------------------------------------------------------------
 * The same bytes in steps, whatever the budget */

static const int64_t BUDGETS[] = {1, 777, 20000, 0, 3000000, INT64_MAX};
#define N_BUDGETS (sizeof BUDGETS / sizeof BUDGETS[0])

/* Step a generation with one budget; checks the progress and the preview rows as it goes. */
static void generate_in_steps(const gi_gen_config *c, int64_t budget, gi_image *out)
{
    gi_gen_job *j = NULL;
    genapi_error e;
    assert_int_equal(gi_gen_begin(&A, c, 1, &j, &e), GENAPI_OK);
    int64_t last_done = -1, done = 0, total = 0;
    int32_t last_rows = 0, last_step = -1;
    int steps = 0;
    while (!gi_gen_done(j)) {
        assert_int_equal(gi_gen_step(j, budget, &e), GENAPI_OK);
        steps++;
        gi_gen_progress(j, &done, &total);
        assert_true(done > last_done || gi_gen_done(j));
        assert_true(done <= total);
        last_done = done;
        int32_t s = gi_gen_sampling_step(j);
        assert_true(s >= last_step && s <= c->steps);
        last_step = s;
        int32_t rows = 0;
        const gi_image *im = gi_gen_image(j, &rows);
        assert_true(rows >= last_rows && rows <= (im->rgba ? im->height : 0));
        last_rows = rows;
    }
    assert_int_equal(done, total);
    assert_int_equal(gi_gen_sampling_step(j), c->steps);
    if (budget == INT64_MAX)
        assert_int_equal(steps, 1);
    assert_int_equal(gi_gen_end(j, out, &e), GENAPI_OK);
}

static void test_generation_any_budget(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_GEN_CASES; i++) {
        gi_gen_config c = case_config(&GEN_CASES[i]);
        for (size_t b = 0; b < N_BUDGETS; b++) {
            if (GEN_CASES[i].w >= 512 && BUDGETS[b] == 1)
                continue; /* one row a step: covered by the smaller cases */
            gi_image im;
            generate_in_steps(&c, BUDGETS[b], &im);
            char hex[65];
            image_hex(&im, hex);
            if (strcmp(hex, GEN_CASES[i].sha256) != 0)
                fail_msg("%s, budget %lld: %s", GEN_CASES[i].name, (long long)BUDGETS[b], hex);
            gi_image_free(&A, &im);
        }
    }
}

/* One row per step on a 512-wide txt2img: the band is one row and the sampling step follows
 * floor(rows * steps / height) exactly. */
static void test_generation_progress_exact(void **state)
{
    (void)state;
    gi_gen_config c = case_config(&GEN_CASES[0]);
    c.height = 64;
    c.steps = 23;
    gi_gen_job *j = NULL;
    assert_int_equal(gi_gen_begin(&A, &c, 0, &j, NULL), GENAPI_OK);
    assert_int_equal(gi_gen_sampling_step(j), 0);
    for (int32_t r = 1; r <= 64; r++) {
        assert_int_equal(gi_gen_step(j, 1, NULL), GENAPI_OK);
        int32_t rows = 0;
        gi_gen_image(j, &rows);
        assert_int_equal(rows, r);
        assert_int_equal(gi_gen_sampling_step(j), r * 23 / 64);
    }
    assert_true(gi_gen_done(j));
    gi_image im;
    assert_int_equal(gi_gen_end(j, &im, NULL), GENAPI_OK);
    gi_gen_config whole = c;
    gi_image ref;
    assert_int_equal(gi_generate(&A, &whole, 0, &ref, NULL), GENAPI_OK);
    assert_memory_equal(im.rgba, ref.rgba, (size_t)512 * 64 * 4);
    gi_image_free(&A, &im);
    gi_image_free(&A, &ref);
}

static void test_upscale_any_budget(void **state)
{
    (void)state;
    gi_image src = test_picture(150, 90, 0), small = test_picture(20, 12, 0);
    for (size_t i = 0; i < N_UP_CASES; i++)
        for (size_t b = 0; b < N_BUDGETS; b++) {
            gi_upscale_job *j = NULL;
            assert_int_equal(gi_upscale_begin(&A, UP_CASES[i].w == 20 ? &small : &src, UP_CASES[i].factor,
                                              UP_CASES[i].name, &j, NULL),
                             GENAPI_OK);
            int64_t last = -1, done = 0, total = 0;
            while (!gi_upscale_step(j, BUDGETS[b])) {
                gi_upscale_progress(j, &done, &total);
                assert_true(done > last && done < total);
                last = done;
            }
            gi_upscale_progress(j, &done, &total);
            assert_int_equal(done, total);
            gi_image im;
            assert_int_equal(gi_upscale_end(j, &im, NULL), GENAPI_OK);
            char hex[65];
            image_hex(&im, hex);
            if (strcmp(hex, UP_CASES[i].sha256) != 0)
                fail_msg("upscale %s x%g, budget %lld: %s", UP_CASES[i].name, UP_CASES[i].factor,
                         (long long)BUDGETS[b], hex);
            gi_image_free(&A, &im);
        }
    free(src.rgba);
    free(small.rgba);
}

static void test_png_any_budget(void **state)
{
    (void)state;
    gi_gen_config c = case_config(&GEN_CASES[0]);
    gi_image pic, src = test_picture(150, 90, 0);
    assert_int_equal(gi_generate(&A, &c, 0, &pic, NULL), GENAPI_OK);
    const gi_image *pngs[2] = {&pic, &src};
    for (size_t i = 0; i < 2; i++)
        for (size_t b = 0; b < N_BUDGETS; b++) {
            gi_png_job *j = NULL;
            assert_int_equal(gi_png_encode_begin(&A, pngs[i], i == 0 ? PNG_TEXT : NULL, 0, &j, NULL), GENAPI_OK);
            /* The bytes only grow: keep a copy of what was there and check it stays a prefix. */
            uint8_t *seen = NULL;
            size_t seen_len = 0;
            while (!gi_png_encode_done(j)) {
                assert_int_equal(gi_png_encode_step(j, BUDGETS[b], NULL), GENAPI_OK);
                size_t len = 0;
                const uint8_t *d = gi_png_encode_data(j, &len);
                assert_true(len >= seen_len);
                if (seen_len)
                    assert_memory_equal(d, seen, seen_len);
                seen = realloc(seen, len ? len : 1);
                assert_non_null(seen);
                memcpy(seen, d, len);
                seen_len = len;
            }
            uint8_t *bytes = NULL;
            size_t len = 0;
            assert_int_equal(gi_png_encode_end(j, &bytes, &len, NULL), GENAPI_OK);
            assert_int_equal(len, seen_len);
            assert_memory_equal(bytes, seen, len);
            char hex[65];
            sha256_hex(bytes, len, hex);
            if (strcmp(hex, PNG_SHA256[i]) != 0)
                fail_msg("png %zu, budget %lld: %s", i, (long long)BUDGETS[b], hex);
            ga_free(&A, bytes);
            free(seen);
        }
    /* The fast level decodes to the same pixels. */
    gi_png_job *j = NULL;
    assert_int_equal(gi_png_encode_begin(&A, &pic, NULL, 1, &j, NULL), GENAPI_OK);
    uint8_t *bytes = NULL;
    size_t len = 0;
    assert_int_equal(gi_png_encode_end(j, &bytes, &len, NULL), GENAPI_OK);
    gi_image back;
    assert_int_equal(gi_png_decode(&A, bytes, len, &back, NULL), GENAPI_OK);
    assert_memory_equal(back.rgba, pic.rgba, (size_t)512 * 512 * 4);
    gi_image_free(&A, &back);
    ga_free(&A, bytes);
    gi_image_free(&A, &pic);
    free(src.rgba);
}

/* Jobs freed part-way through (every phase of every kind is reached by some stop point) leave
 * nothing allocated; the sanitizer build checks. */
static void test_free_midway(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_GEN_CASES; i++) {
        gi_gen_config c = case_config(&GEN_CASES[i]);
        for (int stop = 0; stop < 40; stop += 3) {
            gi_gen_job *j = NULL;
            assert_int_equal(gi_gen_begin(&A, &c, 0, &j, NULL), GENAPI_OK);
            for (int k = 0; k < stop && !gi_gen_done(j); k++)
                assert_int_equal(gi_gen_step(j, 2000, NULL), GENAPI_OK);
            gi_gen_free(j);
        }
    }
    gi_image src = test_picture(150, 90, 0);
    for (size_t i = 0; i < N_UP_CASES; i++)
        for (int stop = 0; stop < 30; stop += 4) {
            gi_upscale_job *j = NULL;
            assert_int_equal(gi_upscale_begin(&A, &src, UP_CASES[i].factor, UP_CASES[i].name, &j, NULL), GENAPI_OK);
            for (int k = 0; k < stop && !gi_upscale_step(j, 5000); k++)
                ;
            gi_upscale_free(j);
        }
    for (int stop = 0; stop < 100; stop += 7) {
        gi_png_job *j = NULL;
        assert_int_equal(gi_png_encode_begin(&A, &src, "text", 0, &j, NULL), GENAPI_OK);
        for (int k = 0; k < stop && !gi_png_encode_done(j); k++)
            assert_int_equal(gi_png_encode_step(j, 1, NULL), GENAPI_OK);
        gi_png_encode_free(j);
    }
    free(src.rgba);
}

/* ---------------------------------------------------------------------------------------------
 * Pinned route bodies */

typedef struct pinned {
    const char *path;
    const char *body; /* @INIT@, @MASK@ (same size), @SMALL@ (a smaller mask) are replaced */
    int status;
    const char *sha256; /* of the whole response body */
} pinned;

/* The image bodies were pinned again when the PNG encoder changed (RGB, level 1, Sub filter):
 * decoded with Pillow, the pictures of bodies 0-3 are identical to the earlier ones, body 4
 * (full-res inpainting, fitted through the resampler) differs by one level in one sample and
 * bodies 5-6 (upscales) by at most two levels (PSNR 57 and 60 dB), from the resampler's move
 * to single precision and Pillow's Lanczos conventions. */
static const pinned PINNED[] = {
    {"/sdapi/v1/txt2img",
     "{\"prompt\": \"a red fox in deep snow, pine forest\", \"seed\": 42, \"steps\": 7, \"width\": 96, "
     "\"height\": 64, \"batch_size\": 2, \"sampler_name\": \"DPM++ 2M\"}",
     200, "7386e37eca7c5d1f51405de0312a92d03d9532510bf725d45b0e9fb8561a950b"},
    {"/v1/txt2img",
     "{\"sd_model_checkpoint\": \"genapi-ref-image\", \"prompt\": \"harbour at night, lanterns\", "
     "\"negative_prompt\": \"blurry, people\", \"seed\": 7, \"steps\": 25, \"cfg_scale\": 9.5, \"width\": 72, "
     "\"height\": 104, \"sampler_name\": \"Euler a\"}",
     200, "24f6ea04e9873f69bf066716dc77ecfb579505657bfe222be14a7f84c19208f0"},
    {"/sdapi/v1/img2img",
     "{\"init_images\": [\"@INIT@\"], \"prompt\": \"stained glass\", \"seed\": 5, \"steps\": 12, \"width\": 64, "
     "\"height\": 64, \"resize_mode\": 1, \"denoising_strength\": 0.5}",
     200, "6b1c7cca38f34ec3c73a3ab93221d38be7fd955fad9fbb140ee03206a6ecf8e6"},
    {"/sdapi/v1/img2img",
     "{\"init_images\": [\"@INIT@\"], \"mask\": \"@MASK@\", \"prompt\": \"a golden statue\", \"seed\": 11, "
     "\"steps\": 9, \"mask_blur\": 3, \"inpainting_fill\": 0, \"denoising_strength\": 0.8, \"batch_size\": 2}",
     200, "7f56e986685713ae11b91f3f0983d835fefb130f0b5cdfd310985c49b7edc896"},
    {"/sdapi/v1/img2img",
     "{\"init_images\": [\"@INIT@\"], \"mask\": \"@MASK@\", \"prompt\": \"a blue door\", \"seed\": 3, \"steps\": 6, "
     "\"width\": 64, \"height\": 64, \"inpaint_full_res\": true, \"inpaint_full_res_padding\": 6, "
     "\"inpainting_fill\": 2, \"mask_blur\": 2, \"resize_mode\": 2}",
     200, "c750e24b204d01f19728232f2238ab42c3d825c8ab56e43dea7ddd0185d3fbc4"},
    {"/sdapi/v1/extra-single-image",
     "{\"image\": \"@INIT@\", \"upscaler_1\": \"R-ESRGAN 4x+\", \"upscaling_resize\": 2}", 200, "08490cfd1dbb5ea080b77ae6f5080f6d397efce1b43b38f8c7aa4029a1848ec8"},
    {"/v1/upscale-img", "{\"image\": \"@INIT@\", \"upscaler_1\": \"Lanczos\", \"upscaling_resize\": 1.5}", 200, "2ee927c95c90f5c55e34e1005799a089f5e6a8e83fc504b3abbe28b229f0e26d"},
    {"/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"sampler_name\": \"No Such Sampler\"}", 404, "190b34bad37238488ef1a0bf592b69277a5b1c74aec2891e87d4eb542f5a6e91"},
    {"/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"width\": 10}", 422, "d23cb2523ea4c363d0c34487a39152d327ed448dde83b7de0898e2b91359f539"},
    {"/sdapi/v1/img2img", "{\"init_images\": [\"aGVsbG8=\"]}", 500, "1a122a50cc599e7f6ee9fb00a34a1c29950f10fb285ae8dbb02583da887ea0ab"},
    {"/sdapi/v1/img2img", "{\"init_images\": [\"@INIT@\"], \"mask\": \"@SMALL@\", \"seed\": 1}", 422, "405629609418e346504c1e1f8189e0d9cfc0cab9a8a288f543a21c83d33bddd4"},
    {"/sdapi/v1/extra-single-image", "{\"image\": \"@INIT@\", \"upscaler_1\": \"Bicubic\"}", 400, "febe2a4923db617cf744ecf537f341d89f37e270651526f0b99193991881dda9"},
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

/* The digest of an answer body with its one clock-dependent value, info's job_timestamp (when
 * the job was made), replaced by a fixed text; every other byte is pinned. */
static void body_hex(const char *body, size_t len, char hex[65])
{
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, body, len);
    copy[len] = 0;
    char *p = strstr(copy, "job_timestamp");
    if (p != NULL) {
        while (*p && (*p < '0' || *p > '9'))
            p++;
        for (int k = 0; k < 14 && *p >= '0' && *p <= '9'; k++, p++)
            *p = 'T';
    }
    sha256_hex(copy, len, hex);
    free(copy);
}

static void test_pinned_bodies(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    const char *init = INIT_B64, *mask = MASK_B64, *small = SMALL_B64;
    const char *dump = getenv("GENAPI_DUMP_BODIES");
    int bad = 0;
    for (size_t i = 0; i < N_PINNED; i++) {
        char *body = format_body(PINNED[i].body, init, mask, small);
        genapi_http_request req = {"POST", PINNED[i].path, NULL, "application/json", body, strlen(body)};
        genapi_http_response r;
        assert_int_equal(genapi_backend_handle(b, &req, &r), GENAPI_OK);
        char hex[65];
        body_hex(r.body, r.body_len, hex);
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
    genapi_backend_free(b);
    assert_int_equal(bad, 0);
}


/* ---------------------------------------------------------------------------------------------
 * The routes as jobs */

static gs_job *begin_job(genapi_backend *b, const char *path, const char *body, genapi_http_response *r)
{
    genapi_http_request req = {"POST", path, NULL, "application/json", body, strlen(body)};
    gs_job *job = NULL;
    assert_int_equal(gs_begin(b, &req, r, &job), GENAPI_OK);
    return job;
}

/* Step every pinned request's job by hand, reading the output as it grows: the head comes at
 * the end, the bytes are the pinned ones; refused requests are answered at once. */
static void test_route_jobs_stepped(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    for (size_t i = 0; i < N_PINNED; i++) {
        char *body = format_body(PINNED[i].body, INIT_B64, MASK_B64, SMALL_B64);
        genapi_http_response r;
        gs_job *job = begin_job(b, PINNED[i].path, body, &r);
        char hex[65];
        if (PINNED[i].status != 200) {
            assert_null(job);
            assert_int_equal(r.status, PINNED[i].status);
            sha256_hex(r.body, r.body_len, hex);
            assert_string_equal(hex, PINNED[i].sha256);
            genapi_http_response_release(b, &r);
            free(body);
            continue;
        }
        assert_non_null(job);
        size_t cap = 1 << 16, len = 0;
        char *got = malloc(cap);
        assert_non_null(got);
        int steps = 0;
        while (!gs_job_done(job)) {
            assert_false(gs_job_head_ready(job));
            gs_job_step(job);
            steps++;
            char chunk[4096];
            size_t n;
            while ((n = gs_job_read(job, chunk, sizeof chunk)) > 0) {
                if (len + n > cap) {
                    cap *= 2;
                    got = realloc(got, cap);
                    assert_non_null(got);
                }
                memcpy(got + len, chunk, n);
                len += n;
            }
        }
        assert_true(steps > 3);
        assert_true(gs_job_head_ready(job));
        assert_int_equal(job->status, 200);
        assert_string_equal(job->content_type, "application/json");
        body_hex(got, len, hex);
        if (strcmp(hex, PINNED[i].sha256) != 0)
            fail_msg("request %zu stepped: %s", i, hex);
        gs_job_free(job);
        free(got);
        free(body);
    }
    genapi_backend_free(b);
}

typedef struct progress_state {
    double progress, eta;
    int job_count, job_no, sampling_step, sampling_steps;
    char job[64], textinfo[96], timestamp[32];
    int has_image;
    gi_image image; /* decoded current_image, if any */
} progress_state;

static progress_state read_progress(genapi_backend *b, const char *query)
{
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    assert_int_equal(gs_handle_progress(b, query, &r), GENAPI_OK);
    assert_int_equal(r.status, 200);
    json_object *o = json_tokener_parse(r.body);
    assert_non_null(o);
    progress_state p;
    memset(&p, 0, sizeof p);
    json_object *st = json_object_object_get(o, "state"), *v;
    p.progress = json_object_get_double(json_object_object_get(o, "progress"));
    p.eta = json_object_get_double(json_object_object_get(o, "eta_relative"));
    p.job_count = json_object_get_int(json_object_object_get(st, "job_count"));
    p.job_no = json_object_get_int(json_object_object_get(st, "job_no"));
    p.sampling_step = json_object_get_int(json_object_object_get(st, "sampling_step"));
    p.sampling_steps = json_object_get_int(json_object_object_get(st, "sampling_steps"));
    snprintf(p.job, sizeof p.job, "%s", json_object_get_string(json_object_object_get(st, "job")));
    snprintf(p.timestamp, sizeof p.timestamp, "%s", json_object_get_string(json_object_object_get(st, "job_timestamp")));
    assert_false(json_object_get_boolean(json_object_object_get(st, "skipped")));
    assert_false(json_object_get_boolean(json_object_object_get(st, "interrupted")));
    assert_true(json_object_object_get_ex(o, "textinfo", &v));
    snprintf(p.textinfo, sizeof p.textinfo, "%s", v ? json_object_get_string(v) : "");
    assert_true(json_object_object_get_ex(o, "current_image", &v));
    if (v) {
        const char *b64 = json_object_get_string(v);
        size_t cap = strlen(b64), n = 0;
        uint8_t *png = malloc(cap);
        assert_non_null(png);
        assert_int_equal(sodium_base642bin(png, cap, b64, strlen(b64), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
        assert_int_equal(gi_png_decode(&A, png, n, &p.image, NULL), GENAPI_OK);
        free(png);
        p.has_image = 1;
    }
    json_object_put(o);
    genapi_http_response_release(b, &r);
    return p;
}

static void expect_idle(genapi_backend *b)
{
    progress_state p = read_progress(b, "skip_current_image=false");
    assert_true(p.progress == 0.0 && p.eta == 0.0);
    assert_int_equal(p.job_count, 0);
    assert_string_equal(p.job, "");
    assert_string_equal(p.timestamp, "0");
    assert_false(p.has_image);
}

/* Check one reading against the expected counters; progress follows the WebUI formula and
 * never goes back. */
static void expect_progress(const progress_state *p, int job_no, int step, const char *text, double *last)
{
    assert_string_equal(p->job, "scripts_txt2img");
    assert_int_equal(p->job_count, 2);
    assert_int_equal(p->sampling_steps, 17);
    assert_int_equal(p->job_no, job_no);
    assert_int_equal(p->sampling_step, step);
    if (text)
        assert_string_equal(p->textinfo, text);
    assert_int_equal(strlen(p->timestamp), 14);
    double want = 0.01 + job_no / 2.0 + step / 17.0 / 2.0;
    want = want > 1.0 ? 1.0 : want;
    assert_true(p->progress > want - 1e-9 && p->progress < want + 1e-9);
    assert_true(p->progress >= *last);
    assert_true(p->eta >= 0.0);
    *last = p->progress;
}

/* A txt2img job stepped by hand, progress read between steps: the sampling step is the share of
 * rows done (checked against an engine job stepped alongside with the same budget), the job
 * number follows the batch, and a preview shows exactly the rows done. */
static void test_progress_while_stepping(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    expect_idle(b);
    genapi_http_response r;
    gs_job *job = begin_job(b,
                            "/sdapi/v1/txt2img",
                            "{\"prompt\": \"a windmill\", \"seed\": 99, \"steps\": 17, \"width\": 256, \"height\": 128, "
                            "\"batch_size\": 2, \"sampler_name\": \"Euler\"}",
                            &r);
    assert_non_null(job);
    expect_idle(b); /* not running before its first step */
    gi_gen_config c;
    memset(&c, 0, sizeof c);
    c.prompt = "a windmill";
    c.negative_prompt = "";
    c.seed = 99;
    c.steps = 17;
    c.cfg_scale = 6.0;
    c.sampler_name = "Euler";
    c.width = 256;
    c.height = 128;
    double last = 0.0;
    int previews = 0;
    for (int img = 0; img < 2; img++) {
        char text[64];
        gs_job_step(job);
        snprintf(text, sizeof text, "Sampling image %d of 2", img + 1);
        progress_state p = read_progress(b, NULL);
        expect_progress(&p, img, 0, text, &last);
        gi_gen_job *shadow = NULL;
        assert_int_equal(gi_gen_begin(&A, &c, (uint32_t)img, &shadow, NULL), GENAPI_OK);
        int gen_steps = 0;
        while (!gi_gen_done(shadow)) {
            gs_job_step(job);
            assert_int_equal(gi_gen_step(shadow, 0, NULL), GENAPI_OK);
            gen_steps++;
            int32_t rows = 0;
            gi_gen_image(shadow, &rows);
            int with_image = gen_steps == 3;
            p = read_progress(b, with_image ? "a=1&skip_current_image=false" : "skip_current_image=true");
            expect_progress(&p, img, rows * 17 / 128, NULL, &last);
            if (with_image) {
                /* The preview: the final rows so far, then transparent black. */
                assert_true(p.has_image);
                assert_int_equal(p.image.width, 256);
                assert_int_equal(p.image.height, 128);
                gi_image ref;
                assert_int_equal(gi_generate(&A, &c, (uint32_t)img, &ref, NULL), GENAPI_OK);
                size_t row = 256 * 4;
                assert_true(rows > 0 && rows < 128);
                assert_memory_equal(p.image.rgba, ref.rgba, (size_t)rows * row);
                for (size_t k = (size_t)rows * row; k < (size_t)128 * row; k++)
                    assert_int_equal(p.image.rgba[k], 0);
                gi_image_free(&A, &ref);
                gi_image_free(&A, &p.image);
                previews++;
            } else {
                assert_false(p.has_image);
            }
        }
        assert_true(gen_steps >= 4);
        gi_gen_free(shadow);
        snprintf(text, sizeof text, "Encoding image %d of 2", img + 1);
        assert_string_equal(p.textinfo, text);
        int png_steps = 0;
        while (strcmp(p.textinfo, text) == 0) {
            gs_job_step(job);
            png_steps++;
            p = read_progress(b, NULL);
            if (strcmp(p.textinfo, text) == 0)
                expect_progress(&p, img, 17, text, &last);
        }
        assert_true(png_steps >= 2);
        if (img == 0)
            expect_progress(&p, 1, 0, "Sampling", &last);
        else
            expect_progress(&p, 1, 17, "Writing the answer", &last);
    }
    assert_true(last == 1.0);
    assert_false(gs_job_done(job));
    gs_job_step(job);
    assert_true(gs_job_done(job));
    assert_int_equal(job->status, 200);
    expect_idle(b);
    assert_int_equal(previews, 2);
    gs_job_free(job);
    genapi_backend_free(b);
}

/* Several jobs: the most recently started running one is reported; freeing jobs part-way
 * takes them out. */
static void test_progress_several_jobs(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    genapi_http_response r;
    gs_job *a = begin_job(b, "/sdapi/v1/txt2img", "{\"prompt\": \"a\", \"seed\": 1, \"steps\": 5, \"width\": 128, \"height\": 128}", &r);
    char *body = format_body("{\"image\": \"@INIT@\", \"upscaler_1\": \"Lanczos\", \"upscaling_resize\": 3}", INIT_B64, NULL, NULL);
    gs_job *u = begin_job(b, "/sdapi/v1/extra-single-image", body, &r);
    gs_job *i2 = begin_job(b, "/sdapi/v1/img2img", "{\"init_images\": [\"x\"]}", &r);
    assert_null(i2); /* refused at once */
    genapi_http_response_release(b, &r);
    assert_non_null(a);
    assert_non_null(u);
    gs_job_step(a);
    gs_job_step(a);
    progress_state p = read_progress(b, NULL);
    assert_string_equal(p.job, "scripts_txt2img");
    gs_job_step(u);
    p = read_progress(b, "skip_current_image=false");
    assert_string_equal(p.job, "extras");
    assert_int_equal(p.job_count, 1);
    assert_int_equal(p.sampling_steps, 0);
    assert_string_equal(p.textinfo, "Upscaling");
    assert_false(p.has_image); /* nothing to show while resampling */
    assert_true(p.progress > 0.0099 && p.progress < 0.0101);
    gs_job_step(a); /* stepping the older job does not make it the one reported */
    p = read_progress(b, NULL);
    assert_string_equal(p.job, "extras");
    gs_job_free(u);
    p = read_progress(b, NULL);
    assert_string_equal(p.job, "scripts_txt2img");
    assert_int_equal(p.job_count, 1);
    gs_job_free(a);
    expect_idle(b);
    free(body);
    genapi_backend_free(b);
}

typedef struct stepper {
    gs_job *job;
    atomic_int done;
} stepper;

static void *step_to_end(void *arg)
{
    stepper *s = arg;
    while (!gs_job_done(s->job))
        gs_job_step(s->job);
    atomic_store(&s->done, 1);
    return NULL;
}

/* One thread steps an inpainting job while this one reads the progress, preview included. */
static void test_progress_from_another_thread(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    char *body = format_body("{\"init_images\": [\"@INIT@\"], \"mask\": \"@MASK@\", \"prompt\": \"a clock tower\", "
                             "\"seed\": 4, \"steps\": 30, \"width\": 384, \"height\": 256, \"batch_size\": 3, "
                             "\"mask_blur\": 6, \"inpainting_fill\": 0}",
                             INIT_B64, MASK_B64, NULL);
    genapi_http_response r;
    stepper s;
    s.job = begin_job(b, "/sdapi/v1/img2img", body, &r);
    atomic_init(&s.done, 0);
    assert_non_null(s.job);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, step_to_end, &s), 0);
    double last = 0.0;
    int reads = 0, images = 0;
    for (;;) {
        int ended = atomic_load(&s.done);
        progress_state p = read_progress(b, reads % 2 ? "skip_current_image=false" : NULL);
        reads++;
        if (p.job_count == 0) {
            if (ended || last > 0.0)
                break; /* the job has ended */
            continue;  /* not started yet */
        }
        assert_string_equal(p.job, "scripts_img2img");
        assert_int_equal(p.job_count, 3);
        assert_true(p.progress >= last);
        last = p.progress;
        if (p.has_image) {
            assert_int_equal(p.image.width, 384);
            assert_int_equal(p.image.height, 256);
            gi_image_free(&A, &p.image);
            images++;
        }
    }
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(atomic_load(&s.done));
    assert_int_equal(s.job->status, 200);
    assert_true(reads > 1);
    (void)images;
    gs_job_free(s.job);
    free(body);
    genapi_backend_free(b);
}

/* Each allocation of an image request failing in turn: the answer is the normal one or an
 * error, never a crash, and nothing is left allocated. */
static void test_route_jobs_out_of_memory(void **state)
{
    (void)state;
    static const size_t cases[] = {0, 2, 3, 4, 5, 6};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *body = format_body(PINNED[cases[k]].body, INIT_B64, MASK_B64, SMALL_B64);
        long total = -1;
        for (long at = -1; at < (total < 0 ? 1 : total); at++) {
            fa_counter f = {0};
            genapi_allocator hooks = FA_HOOKS(&f);
            genapi_backend_config cfg;
            memset(&cfg, 0, sizeof cfg);
            cfg.struct_size = sizeof cfg;
            cfg.allocator = &hooks;
            genapi_backend *b = NULL;
            assert_int_equal(genapi_backend_new(&cfg, &b, NULL), GENAPI_OK);
            long base = f.live;
            if (at >= 0)
                fa_fail_at(&f, at);
            genapi_http_request req = {"POST", PINNED[cases[k]].path, NULL, "application/json", body, strlen(body)};
            genapi_http_response r;
            memset(&r, 0, sizeof r);
            genapi_status st = genapi_backend_handle(b, &req, &r);
            if (at < 0) {
                assert_int_equal(st, GENAPI_OK);
                assert_int_equal(r.status, 200);
            }
            if (st == GENAPI_OK && r.status == 200) {
                char hex[65];
                body_hex(r.body, r.body_len, hex);
                assert_string_equal(hex, PINNED[cases[k]].sha256);
            }
            genapi_http_response_release(b, &r);
            assert_int_equal(f.live, base);
            if (at < 0) {
                /* Count the allocations of one request with a counter that never fails. */
                fa_fail_at(&f, LONG_MAX);
                genapi_http_response r2;
                assert_int_equal(genapi_backend_handle(b, &req, &r2), GENAPI_OK);
                genapi_http_response_release(b, &r2);
                total = f.count;
                assert_true(total > 10);
                if (getenv("GENAPI_DUMP_BODIES"))
                    printf("request %zu: %ld allocations\n", cases[k], total);
            }
            fa_disarm(&f);
            genapi_backend_free(b);
            assert_int_equal(f.live, 0);
        }
        free(body);
    }
}

/* Every pinned request's job freed after a number of steps, with progress read in between. */
static void test_route_jobs_freed_midway(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    static const int stops[] = {0, 1, 2, 3, 5, 9, 14, 30, 60};
    for (size_t i = 0; i < N_PINNED; i++) {
        if (PINNED[i].status != 200)
            continue;
        char *body = format_body(PINNED[i].body, INIT_B64, MASK_B64, SMALL_B64);
        for (size_t s = 0; s < sizeof stops / sizeof stops[0]; s++) {
            genapi_http_response r;
            gs_job *job = begin_job(b, PINNED[i].path, body, &r);
            assert_non_null(job);
            for (int k = 0; k < stops[s] && !gs_job_done(job); k++) {
                gs_job_step(job);
                progress_state p = read_progress(b, "skip_current_image=false");
                gi_image_free(&A, &p.image);
            }
            gs_job_free(job);
            expect_idle(b);
        }
        free(body);
    }
    genapi_backend_free(b);
}

int main(void)
{
    ga_alloc_resolve(&A, NULL);
    if (sodium_init() < 0)
        return 1;
    INIT = test_picture(150, 90, 0);
    MASK = test_picture(150, 90, 1);
    MASK_EMPTY = test_picture(150, 90, 1);
    memset(MASK_EMPTY.rgba, 0, (size_t)150 * 90 * 4);
    INIT_B64 = test_picture_b64(80, 48, 0);
    MASK_B64 = test_picture_b64(80, 48, 1);
    SMALL_B64 = test_picture_b64(40, 24, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_digests),
        cmocka_unit_test(test_generation_any_budget),
        cmocka_unit_test(test_generation_progress_exact),
        cmocka_unit_test(test_upscale_any_budget),
        cmocka_unit_test(test_png_any_budget),
        cmocka_unit_test(test_free_midway),
        cmocka_unit_test(test_pinned_bodies),
        cmocka_unit_test(test_route_jobs_stepped),
        cmocka_unit_test(test_progress_while_stepping),
        cmocka_unit_test(test_progress_several_jobs),
        cmocka_unit_test(test_progress_from_another_thread),
        cmocka_unit_test(test_route_jobs_freed_midway),
        cmocka_unit_test(test_route_jobs_out_of_memory),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(INIT.rgba);
    free(MASK.rgba);
    free(MASK_EMPTY.rgba);
    free(INIT_B64);
    free(MASK_B64);
    free(SMALL_B64);
    return rc;
}
