/* The reference image engine (lib/engine/image): determinism, every parameter's visible effect,
 * img2img / inpainting semantics, resampling, upscaling and PNG I/O. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/image/image_engine.h"

static ga_alloc A;

static gi_gen_config base_cfg(void)
{
    gi_gen_config c;
    memset(&c, 0, sizeof c);
    c.prompt = "a quiet mountain lake at dawn";
    c.negative_prompt = NULL;
    c.seed = 1234;
    c.steps = 20;
    c.cfg_scale = 7.0;
    c.sampler_name = "Euler";
    c.width = 96;
    c.height = 64;
    return c;
}

static gi_image gen_ok(const gi_gen_config *c, uint32_t index)
{
    gi_image im;
    genapi_error e;
    memset(&e, 0, sizeof e);
    genapi_status st = gi_generate(&A, c, index, &im, &e);
    if (st != GENAPI_OK)
        fail_msg("gi_generate failed: %s (%s)", e.message, e.param);
    return im;
}

static size_t npx(const gi_image *im)
{
    return (size_t)im->width * (size_t)im->height;
}

static int same(const gi_image *a, const gi_image *b)
{
    return a->width == b->width && a->height == b->height && memcmp(a->rgba, b->rgba, npx(a) * 4) == 0;
}

static double lum_at(const gi_image *im, size_t i)
{
    const uint8_t *p = im->rgba + i * 4;
    return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
}

static void mean_rgb(const gi_image *im, double m[3])
{
    m[0] = m[1] = m[2] = 0;
    for (size_t i = 0; i < npx(im); i++)
        for (int c = 0; c < 3; c++)
            m[c] += im->rgba[i * 4 + (size_t)c];
    for (int c = 0; c < 3; c++)
        m[c] /= (double)npx(im);
}

static double lum_std(const gi_image *im)
{
    double s = 0, s2 = 0, n = (double)npx(im);
    for (size_t i = 0; i < npx(im); i++) {
        double l = lum_at(im, i);
        s += l;
        s2 += l * l;
    }
    return sqrt(s2 / n - (s / n) * (s / n));
}

/* Mean absolute luminance difference between horizontal and vertical neighbours. */
static double hf_energy(const gi_image *im)
{
    double acc = 0;
    size_t cnt = 0;
    for (int32_t y = 0; y + 1 < im->height; y++)
        for (int32_t x = 0; x + 1 < im->width; x++) {
            size_t i = (size_t)y * (size_t)im->width + (size_t)x;
            double l = lum_at(im, i);
            acc += fabs(l - lum_at(im, i + 1)) + fabs(l - lum_at(im, i + (size_t)im->width));
            cnt++;
        }
    return acc / (double)cnt;
}

static double mad(const gi_image *a, const gi_image *b)
{
    double acc = 0;
    for (size_t i = 0; i < npx(a) * 4; i++)
        if (i % 4 != 3)
            acc += fabs((double)a->rgba[i] - (double)b->rgba[i]);
    return acc / (double)(npx(a) * 3);
}

static gi_image make_image(int32_t w, int32_t h)
{
    gi_image im = {w, h, calloc((size_t)w * (size_t)h, 4)};
    assert_non_null(im.rgba);
    return im;
}

static void put(gi_image *im, int32_t x, int32_t y, uint8_t r, uint8_t g, uint8_t b)
{
    uint8_t *p = im->rgba + ((size_t)y * (size_t)im->width + (size_t)x) * 4;
    p[0] = r;
    p[1] = g;
    p[2] = b;
    p[3] = 255;
}

static const uint8_t *at(const gi_image *im, int32_t x, int32_t y)
{
    return im->rgba + ((size_t)y * (size_t)im->width + (size_t)x) * 4;
}

/* A structured init picture: dark disc on a light gradient. */
static gi_image init_picture(int32_t w, int32_t h)
{
    gi_image im = make_image(w, h);
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++) {
            int32_t dx = x - w / 2, dy = y - h / 2;
            int in = dx * dx + dy * dy < (h / 3) * (h / 3);
            uint8_t v = (uint8_t)(150 + (100 * x) / w);
            if (in)
                put(&im, x, y, 20, 30, (uint8_t)(40 + y % 50));
            else
                put(&im, x, y, v, v, (uint8_t)(255 - v / 2));
        }
    return im;
}

static void free_test_image(gi_image *im)
{
    free(im->rgba);
    im->rgba = NULL;
}

/* ------------------------------------------------------------------------------------------ */

static void test_determinism(void **state)
{
    (void)state;
    gi_gen_config c = base_cfg();
    gi_image a = gen_ok(&c, 0), b = gen_ok(&c, 0);
    assert_true(same(&a, &b));
    gi_image i1 = gen_ok(&c, 1);
    assert_false(same(&a, &i1));
    c.seed = 1235; /* seed + index: index 1 of seed 1234 is seed 1235 index 0 */
    gi_image s2 = gen_ok(&c, 0);
    assert_true(same(&i1, &s2));
    c.seed = 99;
    gi_image s3 = gen_ok(&c, 0);
    assert_false(same(&a, &s3));
    assert_true(mad(&a, &s3) > 3.0);
    gi_image_free(&A, &a);
    gi_image_free(&A, &b);
    gi_image_free(&A, &i1);
    gi_image_free(&A, &s2);
    gi_image_free(&A, &s3);
}

static void test_size_and_alpha(void **state)
{
    (void)state;
    gi_gen_config c = base_cfg();
    c.width = 72;
    c.height = 40;
    c.sampler_name = NULL; /* default */
    gi_image a = gen_ok(&c, 0);
    assert_int_equal(a.width, 72);
    assert_int_equal(a.height, 40);
    for (size_t i = 0; i < npx(&a); i++)
        assert_int_equal(a.rgba[i * 4 + 3], 255);
    gi_image_free(&A, &a);
}

static void test_prompt_palette(void **state)
{
    (void)state;
    gi_gen_config c = base_cfg();
    gi_image a = gen_ok(&c, 0);
    c.prompt = "neon cyberpunk city street in the rain";
    gi_image b = gen_ok(&c, 0);
    double ma[3], mb[3];
    mean_rgb(&a, ma);
    mean_rgb(&b, mb);
    double d = fabs(ma[0] - mb[0]) + fabs(ma[1] - mb[1]) + fabs(ma[2] - mb[2]);
    assert_true(d > 15.0);
    /* Word order does not matter; a negative prompt removes a word's influence. */
    c.prompt = "lake quiet a mountain dawn at";
    gi_image a2 = gen_ok(&c, 0);
    assert_true(same(&a, &a2));
    c.prompt = "a quiet mountain lake at dawn";
    c.negative_prompt = "blurry ugly";
    gi_image n = gen_ok(&c, 0);
    assert_false(same(&a, &n));
    gi_image_free(&A, &a);
    gi_image_free(&A, &b);
    gi_image_free(&A, &a2);
    gi_image_free(&A, &n);
}

static double chroma(const gi_image *im)
{
    double acc = 0;
    for (size_t i = 0; i < npx(im); i++) {
        const uint8_t *p = im->rgba + i * 4;
        int mx = p[0] > p[1] ? p[0] : p[1], mn = p[0] < p[1] ? p[0] : p[1];
        mx = p[2] > mx ? p[2] : mx;
        mn = p[2] < mn ? p[2] : mn;
        acc += mx - mn;
    }
    return acc / (double)npx(im);
}

/* The negative prompt's documented rules, exactly: a negative word that is in the prompt removes
 * it from the palette hash (so prompt P with negative "dawn" is byte for byte P without "dawn"
 * with any one other negative word: both hash the same kept words and divide the saturation by
 * 1 + 0.35 x 1), case-insensitively; each negative word divides the saturation by 1 + 0.35 n, so
 * the mean chroma falls strictly with 0, 1, 2 and 4 unrelated words. */
static void test_negative_desaturates(void **state)
{
    (void)state;
    gi_gen_config c = base_cfg();
    gi_image a = gen_ok(&c, 0);
    c.negative_prompt = "blurry, lowres, bad anatomy";
    gi_image b = gen_ok(&c, 0);
    assert_true(chroma(&b) < chroma(&a));
    c.negative_prompt = "DAWN";
    gi_image removed = gen_ok(&c, 0);
    c.prompt = "a quiet mountain lake at";
    c.negative_prompt = "zebra";
    gi_image without = gen_ok(&c, 0);
    assert_true(same(&removed, &without));
    assert_false(same(&removed, &a));
    c = base_cfg();
    static const char *const negs[] = {NULL, "blurry", "blurry lowres", "blurry lowres bad anatomy"};
    double prev = 0;
    for (size_t i = 0; i < sizeof negs / sizeof negs[0]; i++) {
        c.negative_prompt = negs[i];
        gi_image im = gen_ok(&c, 0);
        double ch = chroma(&im);
        if (i > 0 && !(ch < prev))
            fail_msg("%zu negative words: chroma %g, not below %g", i, ch, prev);
        prev = ch;
        gi_image_free(&A, &im);
    }
    gi_image_free(&A, &a);
    gi_image_free(&A, &b);
    gi_image_free(&A, &removed);
    gi_image_free(&A, &without);
}

static void test_cfg_contrast(void **state)
{
    (void)state;
    gi_gen_config c = base_cfg();
    c.cfg_scale = 2.0;
    gi_image lo = gen_ok(&c, 0);
    c.cfg_scale = 12.0;
    gi_image hi = gen_ok(&c, 0);
    assert_true(lum_std(&hi) > lum_std(&lo) * 1.15);
    assert_true(chroma(&hi) > chroma(&lo));
    gi_image_free(&A, &lo);
    gi_image_free(&A, &hi);
}

static void test_steps_detail(void **state)
{
    (void)state;
    gi_gen_config c = base_cfg();
    c.width = 256;
    c.height = 192;
    double prev = 0.0;
    const int32_t steps[] = {1, 3, 8, 20, 60};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        c.steps = steps[i];
        gi_image im = gen_ok(&c, 0);
        double hf = hf_energy(&im);
        assert_true(hf > prev);
        prev = hf;
        gi_image_free(&A, &im);
    }
    /* Convergence: consecutive step counts differ less and less. */
    c.steps = 10;
    gi_image s10 = gen_ok(&c, 0);
    c.steps = 11;
    gi_image s11 = gen_ok(&c, 0);
    c.steps = 100;
    gi_image s100 = gen_ok(&c, 0);
    c.steps = 101;
    gi_image s101 = gen_ok(&c, 0);
    assert_true(mad(&s100, &s101) < mad(&s10, &s11));
    gi_image_free(&A, &s10);
    gi_image_free(&A, &s11);
    gi_image_free(&A, &s100);
    gi_image_free(&A, &s101);
}

static void test_samplers(void **state)
{
    (void)state;
    const char *required[] = {"Euler", "Euler a", "DPM++ 2M", "DPM++ 2M Karras", "DPM++ SDE",
                              "DDIM",  "UniPC",   "Heun",     "LMS"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        assert_true(gi_sampler_index(required[i]) >= 0);
    /* SD.Next matches names case-insensitively and takes A1111's names too. */
    assert_int_equal(gi_sampler_index("euler"), gi_sampler_index("Euler"));
    assert_int_equal(gi_sampler_index("LMS"), gi_sampler_index("LMSD"));
    assert_int_equal(gi_sampler_index("no such sampler"), -1);
    const char *const *names = gi_sampler_names();
    size_t n = 0;
    while (names[n])
        n++;
    assert_true(n >= 9);
    gi_image *ims = calloc(n, sizeof *ims);
    assert_non_null(ims);
    gi_gen_config c = base_cfg();
    /* "Default" (the model's own scheduler) and "Same as primary" are Euler a; the others differ. */
    int euler_a = gi_sampler_index("Euler a");
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(gi_sampler_index(names[i]), (int)i);
        c.sampler_name = names[i];
        ims[i] = gen_ok(&c, 0);
        int alias = strcmp(names[i], "Default") == 0 || strcmp(names[i], "Same as primary") == 0;
        for (size_t j = 0; j < i; j++) {
            int j_alias = strcmp(names[j], "Default") == 0 || strcmp(names[j], "Same as primary") == 0;
            int same_kind = (alias || (int)i == euler_a) && (j_alias || (int)j == euler_a);
            assert_true(same(&ims[i], &ims[j]) == same_kind);
        }
    }
    /* Related: all share the composition, so they are closer to each other than to another seed. */
    c.sampler_name = "Euler";
    c.seed = 777;
    gi_image other = gen_ok(&c, 0);
    assert_true(mad(&ims[0], &ims[1]) < mad(&ims[0], &other));
    /* Ancestral noise: "Euler a" is grainier than "Euler". */
    assert_true(hf_energy(&ims[gi_sampler_index("Euler a")]) > hf_energy(&ims[gi_sampler_index("Euler")]));
    for (size_t i = 0; i < n; i++)
        gi_image_free(&A, &ims[i]);
    gi_image_free(&A, &other);
    free(ims);
}

static void expect_error(const gi_gen_config *c, const char *param)
{
    gi_image im;
    genapi_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(gi_generate(&A, c, 0, &im, &e), GENAPI_E_INVALID_ARG);
    assert_string_equal(e.param, param);
    assert_null(im.rgba);
}

static void test_validation(void **state)
{
    (void)state;
    gi_gen_config c = base_cfg();
    c.sampler_name = "Euler Ancestral Turbo";
    expect_error(&c, "sampler_name");
    {
        gi_image im;
        genapi_error e;
        memset(&e, 0, sizeof e);
        gi_generate(&A, &c, 0, &im, &e);
        assert_non_null(strstr(e.message, "Euler Ancestral Turbo"));
        assert_non_null(strstr(e.message, "DPM++ 2M"));
    }
    c = base_cfg();
    c.width = 4;
    expect_error(&c, "width");
    c = base_cfg();
    c.height = 5000;
    expect_error(&c, "height");
    c = base_cfg();
    c.steps = 0;
    expect_error(&c, "steps");
    gi_image init = init_picture(32, 32), mask = make_image(16, 32), empty = {0, 0, NULL};
    c = base_cfg();
    c.init = &init;
    c.denoising_strength = 1.5;
    expect_error(&c, "denoising_strength");
    c.denoising_strength = 0.5;
    c.mask = &mask;
    expect_error(&c, "mask");
    c.mask = NULL;
    c.init = &empty;
    expect_error(&c, "init_images");
    free_test_image(&init);
    free_test_image(&mask);
}

static void test_img2img_strength(void **state)
{
    (void)state;
    gi_image init = init_picture(120, 80);
    gi_gen_config c = base_cfg();
    gi_image txt = gen_ok(&c, 0);
    gi_image resized;
    assert_int_equal(gi_resize(&A, &init, c.width, c.height, &resized, NULL), GENAPI_OK);
    c.init = &init;
    c.denoising_strength = 0.0;
    gi_image d0 = gen_ok(&c, 0);
    assert_true(same(&d0, &resized));
    c.denoising_strength = 1.0;
    gi_image d1 = gen_ok(&c, 0);
    assert_true(same(&d1, &txt));
    c.denoising_strength = 0.5;
    gi_image d5 = gen_ok(&c, 0);
    assert_true(mad(&d5, &resized) < mad(&txt, &resized));
    assert_true(mad(&d5, &resized) > 1.0);
    /* The init's shape survives: the disc centre stays darker than the background. */
    double inside = lum_at(&d5, (size_t)(32 * 96 + 48)), outside = lum_at(&d5, (size_t)(4 * 96 + 90));
    assert_true(inside + 30.0 < outside);
    gi_image_free(&A, &txt);
    gi_image_free(&A, &resized);
    gi_image_free(&A, &d0);
    gi_image_free(&A, &d1);
    gi_image_free(&A, &d5);
    free_test_image(&init);
}

static void test_resize_modes(void **state)
{
    (void)state;
    /* 200x100: red | green | blue columns (50 | 100 | 50). */
    gi_image init = make_image(200, 100);
    for (int32_t y = 0; y < 100; y++)
        for (int32_t x = 0; x < 200; x++)
            put(&init, x, y, x < 50 ? 255 : 0, x >= 50 && x < 150 ? 255 : 0, x >= 150 ? 255 : 0);
    gi_gen_config c = base_cfg();
    c.init = &init;
    c.width = 64;
    c.height = 64;
    c.denoising_strength = 0.0;
    for (int32_t mode = 0; mode <= 3; mode++) {
        c.resize_mode = mode;
        gi_image o = gen_ok(&c, 0);
        assert_int_equal(o.width, 64);
        assert_int_equal(o.height, 64);
        if (mode == 1) { /* centre crop of the aspect-preserving cover: only green */
            for (size_t i = 0; i < npx(&o); i++) {
                assert_int_equal(o.rgba[i * 4], 0);
                assert_int_equal(o.rgba[i * 4 + 1], 255);
                assert_int_equal(o.rgba[i * 4 + 2], 0);
            }
        } else if (mode == 2) { /* fitted 64x32 band in the middle, edges extended above/below */
            assert_int_equal(at(&o, 2, 0)[0], 255);
            assert_int_equal(at(&o, 32, 0)[1], 255);
            assert_int_equal(at(&o, 61, 63)[2], 255);
            assert_memory_equal(at(&o, 32, 0), at(&o, 32, 32), 4);
        } else { /* stretched: all three bands, red left quarter */
            assert_int_equal(at(&o, 3, 10)[0], 255);
            assert_int_equal(at(&o, 32, 10)[1], 255);
            assert_int_equal(at(&o, 60, 10)[2], 255);
        }
        gi_image_free(&A, &o);
    }
    /* Aspect preserved in mode 2 on a wide target: a 100x200 image becomes a centred 32x64. */
    gi_image tall = make_image(100, 200);
    for (int32_t y = 0; y < 200; y++)
        for (int32_t x = 0; x < 100; x++)
            put(&tall, x, y, (uint8_t)(y < 100 ? 255 : 0), 0, (uint8_t)(y < 100 ? 0 : 255));
    c.init = &tall;
    c.resize_mode = 2;
    gi_image o = gen_ok(&c, 0);
    assert_int_equal(at(&o, 32, 5)[0], 255);
    assert_int_equal(at(&o, 32, 58)[2], 255);
    assert_memory_equal(at(&o, 0, 5), at(&o, 20, 5), 4); /* left border extends the edge */
    gi_image_free(&A, &o);
    free_test_image(&tall);
    free_test_image(&init);
}

static gi_image half_mask(int32_t w, int32_t h)
{
    gi_image m = make_image(w, h);
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++) {
            uint8_t v = x < w / 2 ? 255 : 0;
            put(&m, x, y, v, v, v);
        }
    return m;
}

static void test_inpaint_basic(void **state)
{
    (void)state;
    gi_image init = init_picture(96, 64), mask = half_mask(96, 64);
    gi_gen_config c = base_cfg();
    c.init = &init;
    c.mask = &mask;
    c.denoising_strength = 0.75;
    for (int fill = 0; fill <= 3; fill++) {
        c.inpainting_fill = fill;
        for (int inv = 0; inv <= 1; inv++) {
            c.inpainting_mask_invert = inv;
            gi_image o = gen_ok(&c, 0);
            size_t changed = 0, masked = 0;
            for (int32_t y = 0; y < 64; y++)
                for (int32_t x = 0; x < 96; x++) {
                    int m = (x < 48) != inv;
                    if (!m) {
                        assert_memory_equal(at(&o, x, y), at(&init, x, y), 4);
                    } else {
                        masked++;
                        changed += memcmp(at(&o, x, y), at(&init, x, y), 3) != 0;
                    }
                }
            assert_true(changed > masked * 8 / 10);
            gi_image_free(&A, &o);
        }
    }
    free_test_image(&init);
    free_test_image(&mask);
}

static void test_inpaint_fill_and_blur(void **state)
{
    (void)state;
    gi_image white = make_image(64, 64), mask = half_mask(64, 64);
    for (int32_t y = 0; y < 64; y++)
        for (int32_t x = 0; x < 64; x++)
            put(&white, x, y, 255, 255, 255);
    gi_gen_config c = base_cfg();
    c.width = 64;
    c.height = 64;
    c.init = &white;
    c.mask = &mask;
    c.denoising_strength = 0.0; /* the pre-filled picture shows through */
    c.inpainting_fill = 3;      /* latent nothing: black */
    c.mask_blur = 0;
    gi_image hard = gen_ok(&c, 0);
    size_t mid_hard = 0;
    for (size_t i = 0; i < npx(&hard); i++) {
        uint8_t v = hard.rgba[i * 4];
        mid_hard += v != 0 && v != 255;
    }
    assert_int_equal(mid_hard, 0);
    assert_int_equal(at(&hard, 10, 10)[0], 0);
    c.mask_blur = 8;
    gi_image soft = gen_ok(&c, 0);
    size_t mid_soft = 0;
    for (int32_t x = 0; x < 64; x++) {
        uint8_t v = at(&soft, x, 30)[0];
        mid_soft += v != 0 && v != 255;
    }
    assert_true(mid_soft >= 6);
    assert_int_equal(at(&soft, 2, 30)[0], 0);     /* deep inside the mask */
    assert_int_equal(at(&soft, 62, 30)[0], 255);  /* far outside */
    /* fill 0: average of the unmasked surroundings (white here) */
    c.mask_blur = 0;
    c.inpainting_fill = 0;
    gi_image avg = gen_ok(&c, 0);
    assert_int_equal(at(&avg, 10, 10)[0], 255);
    /* fill 2: noise */
    c.inpainting_fill = 2;
    gi_image noise = gen_ok(&c, 0);
    assert_true(hf_energy(&noise) > 5.0);
    gi_image_free(&A, &hard);
    gi_image_free(&A, &soft);
    gi_image_free(&A, &avg);
    gi_image_free(&A, &noise);
    free_test_image(&white);
    free_test_image(&mask);
}

/* fill 0 uses the colour around the masked area, not the whole picture's mean. */
static void test_inpaint_fill_surroundings(void **state)
{
    (void)state;
    gi_image init = make_image(160, 64), mask = make_image(160, 64);
    for (int32_t y = 0; y < 64; y++)
        for (int32_t x = 0; x < 160; x++) {
            uint8_t v = x < 60 ? 200 : 0;
            put(&init, x, y, v, (uint8_t)(v / 2), 10);
            uint8_t m = (x >= 10 && x < 20 && y >= 20 && y < 30) ? 255 : 0;
            put(&mask, x, y, m, m, m);
        }
    gi_gen_config c = base_cfg();
    c.width = 160;
    c.height = 64;
    c.init = &init;
    c.mask = &mask;
    c.denoising_strength = 0.0;
    c.inpainting_fill = 0;
    gi_image o = gen_ok(&c, 0);
    assert_memory_equal(at(&o, 15, 25), "\xc8\x64\x0a\xff", 4);
    gi_image_free(&A, &o);
    free_test_image(&init);
    free_test_image(&mask);
}

static void test_inpaint_full_res(void **state)
{
    (void)state;
    gi_image init = init_picture(128, 128), mask = make_image(128, 128);
    for (int32_t y = 0; y < 128; y++)
        for (int32_t x = 0; x < 128; x++) {
            uint8_t v = (x >= 40 && x < 56 && y >= 50 && y < 62) ? 255 : 0;
            put(&mask, x, y, v, v, v);
        }
    gi_gen_config c = base_cfg();
    c.width = 64;
    c.height = 64;
    c.init = &init;
    c.mask = &mask;
    c.denoising_strength = 0.8;
    c.inpaint_full_res = 1;
    c.inpaint_full_res_padding = 8;
    gi_image o = gen_ok(&c, 0);
    assert_int_equal(o.width, 128);
    assert_int_equal(o.height, 128);
    size_t changed = 0;
    for (int32_t y = 0; y < 128; y++)
        for (int32_t x = 0; x < 128; x++) {
            int in_box = x >= 32 && x < 64 && y >= 42 && y < 70;
            int in_mask = x >= 40 && x < 56 && y >= 50 && y < 62;
            if (!in_box)
                assert_memory_equal(at(&o, x, y), at(&init, x, y), 4);
            if (!in_mask)
                assert_memory_equal(at(&o, x, y), at(&init, x, y), 4);
            else
                changed += memcmp(at(&o, x, y), at(&init, x, y), 3) != 0;
        }
    assert_true(changed > 16 * 12 * 8 / 10);
    gi_image o2 = gen_ok(&c, 0);
    assert_true(same(&o, &o2));
    gi_image_free(&A, &o);
    gi_image_free(&A, &o2);
    free_test_image(&init);
    free_test_image(&mask);
}

static const void *find(const uint8_t *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

static void test_png_round_trip(void **state)
{
    (void)state;
    gi_gen_config c = base_cfg();
    gi_image a = gen_ok(&c, 0);
    a.rgba[3] = 17; /* a non-opaque alpha survives too */
    uint8_t *bytes = NULL;
    size_t len = 0;
    assert_int_equal(gi_png_encode(&A, &a, "Steps: 20, Sampler: Euler", &bytes, &len, NULL), GENAPI_OK);
    assert_true(len > 8);
    assert_memory_equal(bytes, "\x89PNG\r\n\x1a\n", 8);
    assert_non_null(find(bytes, len, "parameters"));
    gi_image b;
    assert_int_equal(gi_png_decode(&A, bytes, len, &b, NULL), GENAPI_OK);
    assert_true(same(&a, &b));
    gi_image_free(&A, &b);
    ga_free(&A, bytes);
    assert_int_equal(gi_png_encode(&A, &a, NULL, &bytes, &len, NULL), GENAPI_OK);
    assert_null(find(bytes, len, "parameters"));
    /* a truncated PNG and garbage fail */
    genapi_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(gi_png_decode(&A, bytes, len / 2, &b, &e), GENAPI_E_INVALID_ARG);
    assert_string_equal(e.message, "Invalid encoded image");
    assert_null(b.rgba);
    ga_free(&A, bytes);
    const uint8_t junk[] = "this is not a png at all, just some text";
    memset(&e, 0, sizeof e);
    assert_int_equal(gi_png_decode(&A, junk, sizeof junk, &b, &e), GENAPI_E_INVALID_ARG);
    assert_string_equal(e.message, "Invalid encoded image");
    assert_string_equal(e.param, "");
    gi_image_free(&A, &a);
}

static void test_resize_by_hand(void **state)
{
    (void)state;
    /* 4x4 grey values; the 2x2 result is the mean of each 2x2 block (half rounds up). */
    static const uint8_t v[16] = {10, 20, 100, 200, 30, 40, 0, 1, 255, 255, 7, 9, 253, 250, 11, 14};
    gi_image in = make_image(4, 4);
    for (int i = 0; i < 16; i++)
        put(&in, i % 4, i / 4, v[i], (uint8_t)(255 - v[i]), 128);
    gi_image out;
    assert_int_equal(gi_resize(&A, &in, 2, 2, &out, NULL), GENAPI_OK);
    /* (10+20+30+40)/4 = 25; (100+200+0+1)/4 = 75.25; (255+255+253+250)/4 = 253.25; (7+9+11+14)/4 = 10.25 */
    /* green = 255 - value: 230, 179.75 -> 180, 1.75 -> 2, 244.75 -> 245 */
    const uint8_t expect[4] = {25, 75, 253, 10}, expect_g[4] = {230, 180, 2, 245};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(out.rgba[i * 4], expect[i]);
        assert_int_equal(out.rgba[i * 4 + 1], expect_g[i]);
        assert_int_equal(out.rgba[i * 4 + 2], 128);
        assert_int_equal(out.rgba[i * 4 + 3], 255);
    }
    gi_image_free(&A, &out);
    /* Same size is an exact copy; upsizing a flat image stays flat. */
    assert_int_equal(gi_resize(&A, &in, 4, 4, &out, NULL), GENAPI_OK);
    assert_true(same(&in, &out));
    gi_image_free(&A, &out);
    gi_image flat = make_image(3, 3);
    for (int i = 0; i < 9; i++)
        put(&flat, i % 3, i / 3, 77, 88, 99);
    assert_int_equal(gi_resize(&A, &flat, 7, 5, &out, NULL), GENAPI_OK);
    for (size_t i = 0; i < npx(&out); i++)
        assert_memory_equal(out.rgba + i * 4, "\x4d\x58\x63\xff", 4);
    gi_image_free(&A, &out);
    free_test_image(&flat);
    free_test_image(&in);
}

static void test_upscale(void **state)
{
    (void)state;
    gi_gen_config c = base_cfg();
    c.width = 40;
    c.height = 24;
    gi_image src = gen_ok(&c, 0);
    const char *const *names = gi_upscaler_names();
    gi_image lanczos = {0}, esrgan = {0};
    for (size_t i = 0; names[i]; i++) {
        gi_image o;
        genapi_error e;
        assert_int_equal(gi_upscale(&A, &src, 2.0, names[i], &o, &e), GENAPI_OK);
        assert_int_equal(o.width, 80);
        assert_int_equal(o.height, 48);
        if (strcmp(names[i], "Resize Lanczos") == 0)
            lanczos = o;
        else if (strcmp(names[i], "RealESRGAN 4x+") == 0)
            esrgan = o;
        else
            gi_image_free(&A, &o);
    }
    assert_non_null(lanczos.rgba);
    assert_non_null(esrgan.rgba);
    assert_false(same(&lanczos, &esrgan));
    assert_true(hf_energy(&esrgan) > hf_energy(&lanczos));
    /* Nearest at 2x duplicates pixels */
    gi_image nn;
    assert_int_equal(gi_upscale(&A, &src, 2.0, "Nearest", &nn, NULL), GENAPI_OK);
    assert_memory_equal(at(&nn, 7, 9), at(&src, 3, 4), 4);
    gi_image_free(&A, &nn);
    assert_int_equal(gi_upscale(&A, &src, 0.5, "Lanczos", &nn, NULL), GENAPI_OK);
    assert_int_equal(nn.width, 20);
    assert_int_equal(nn.height, 12);
    gi_image_free(&A, &nn);
    genapi_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(gi_upscale(&A, &src, 2.0, "Super Resolution 9000", &nn, &e), GENAPI_E_INVALID_ARG);
    assert_string_equal(e.param, "upscaler_1");
    assert_int_equal(gi_upscale(&A, &src, 0.0, "Lanczos", &nn, &e), GENAPI_E_INVALID_ARG);
    assert_int_equal(gi_upscale(&A, &src, 8.5, "Lanczos", &nn, &e), GENAPI_E_INVALID_ARG);
    gi_image_free(&A, &lanczos);
    gi_image_free(&A, &esrgan);
    gi_image_free(&A, &src);
}

int main(void)
{
    ga_alloc_resolve(&A, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_determinism),        cmocka_unit_test(test_size_and_alpha),
        cmocka_unit_test(test_prompt_palette),     cmocka_unit_test(test_negative_desaturates),
        cmocka_unit_test(test_cfg_contrast),       cmocka_unit_test(test_steps_detail),
        cmocka_unit_test(test_samplers),           cmocka_unit_test(test_validation),
        cmocka_unit_test(test_img2img_strength),   cmocka_unit_test(test_resize_modes),
        cmocka_unit_test(test_inpaint_basic),      cmocka_unit_test(test_inpaint_fill_and_blur),
        cmocka_unit_test(test_inpaint_full_res), cmocka_unit_test(test_inpaint_fill_surroundings),   cmocka_unit_test(test_png_round_trip),
        cmocka_unit_test(test_resize_by_hand),     cmocka_unit_test(test_upscale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
