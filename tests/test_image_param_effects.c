/* Every image parameter acts on the reference engine's pixels, in the direction its meaning
 * predicts: colour words set the palette, nouns are drawn where the detector finds them, clip_skip
 * loosens the palette, each sampler setting changes the texture or the tonal range, and the
 * detailer re-renders only the regions it detects, under each of its settings. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/image/image_internal.h"

static ga_alloc A;

static int setup(void **state)
{
    (void)state;
    return ga_alloc_resolve(&A, NULL);
}

/* The configuration the server makes with every setting at its default. */
static gi_gen_config base(const char *prompt)
{
    gi_gen_config c;
    memset(&c, 0, sizeof c);
    c.prompt = prompt;
    c.negative_prompt = "";
    c.seed = 1234;
    c.steps = 20;
    c.cfg_scale = 7.0;
    c.sampler_name = "Euler a";
    c.width = 160;
    c.height = 112;
    c.clip_skip = 1;
    c.has_sched = 1;
    c.eta = 1.0;
    c.timesteps = 1000;
    c.shift = 3.0;
    c.sigma_adjust = 1.0;
    c.sigma_adjust_min = 0.2;
    c.sigma_adjust_max = 0.8;
    c.detailer_prompt = "";
    c.detailer_negative = "";
    c.detailer_steps = 10;
    c.detailer_strength = 0.3;
    c.detailer_model = "Detailer";
    c.detailer_classes = "";
    c.detailer_conf = 0.0;
    c.detailer_max = 2;
    c.detailer_iou = 0.5;
    c.detailer_padding = 20;
    c.detailer_blur = 10;
    return c;
}

static gi_image gen(const gi_gen_config *c)
{
    gi_image im;
    genapi_error e;
    if (gi_generate(&A, c, 0, &im, &e) != GENAPI_OK)
        fail_msg("generate: %s", e.message);
    return im;
}

static int same(const gi_image *a, const gi_image *b)
{
    return a->width == b->width && a->height == b->height &&
           memcmp(a->rgba, b->rgba, (size_t)a->width * (size_t)a->height * 4) == 0;
}

static double mean_channel(const gi_image *im, int ch)
{
    double s = 0;
    for (int32_t i = 0; i < im->width * im->height; i++)
        s += im->rgba[i * 4 + ch];
    return s / (double)(im->width * im->height);
}

/* Texture: the mean absolute difference of horizontal neighbours. */
static double texture(const gi_image *im)
{
    double s = 0;
    for (int32_t y = 0; y < im->height; y++)
        for (int32_t x = 0; x + 1 < im->width; x++)
            for (int ch = 0; ch < 3; ch++)
                s += fabs((double)im->rgba[((size_t)y * (size_t)im->width + (size_t)x) * 4 + (size_t)ch] -
                          (double)im->rgba[((size_t)y * (size_t)im->width + (size_t)x + 1) * 4 + (size_t)ch]);
    return s / (double)(im->width * im->height);
}

/* Spread of the luminance (its standard deviation). */
static double spread(const gi_image *im)
{
    double s = 0, s2 = 0, n = (double)(im->width * im->height);
    for (int32_t i = 0; i < im->width * im->height; i++) {
        const uint8_t *p = im->rgba + (size_t)i * 4;
        double l = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
        s += l;
        s2 += l * l;
    }
    return sqrt(s2 / n - (s / n) * (s / n));
}

/* Mean saturation (max - min channel). */
static double saturation(const gi_image *im)
{
    double s = 0;
    for (int32_t i = 0; i < im->width * im->height; i++) {
        const uint8_t *p = im->rgba + (size_t)i * 4;
        int mx = p[0] > p[1] ? p[0] : p[1], mn = p[0] < p[1] ? p[0] : p[1];
        mx = p[2] > mx ? p[2] : mx;
        mn = p[2] < mn ? p[2] : mn;
        s += mx - mn;
    }
    return s / (double)(im->width * im->height);
}

static void test_colour_words_set_the_palette(void **state)
{
    (void)state;
    gi_gen_config c = base("a red landscape");
    gi_image red = gen(&c);
    c.prompt = "a blue landscape";
    gi_image blue = gen(&c);
    assert_true(mean_channel(&red, 0) > mean_channel(&blue, 0) + 20);
    assert_true(mean_channel(&blue, 2) > mean_channel(&red, 2) + 20);
    free(red.rgba);
    free(blue.rgba);
}

static void test_nouns_are_drawn_where_detected(void **state)
{
    (void)state;
    /* A blue palette; the house's red roof is the only strongly red thing. */
    for (uint64_t seed = 1; seed <= 3; seed++) {
        gi_gen_config c = base("a house, blue");
        c.seed = seed * 1000;
        gi_detection d[GI_MAX_DETECTIONS];
        int n = gi_gen_detections(&c, 0, d);
        assert_int_equal(n, 1);
        assert_string_equal(d[0].label, "house");
        gi_image im = gen(&c);
        int inside = 0, outside = 0;
        for (int32_t y = 0; y < im.height; y++)
            for (int32_t x = 0; x < im.width; x++) {
                const uint8_t *p = im.rgba + ((size_t)y * (size_t)im.width + (size_t)x) * 4;
                if (p[0] > 80 && p[0] > 2 * p[1] && p[0] > 2 * p[2])
                    (x >= d[0].x0 && x < d[0].x1 && y >= d[0].y0 && y < d[0].y1) ? inside++ : outside++;
            }
        assert_true(inside >= 20);
        assert_true(outside * 10 <= inside);
        free(im.rgba);
    }
    /* Another seed places it elsewhere; a negative prompt removes it. */
    gi_gen_config c = base("a house, blue");
    gi_detection d1[GI_MAX_DETECTIONS], d2[GI_MAX_DETECTIONS];
    gi_gen_detections(&c, 0, d1);
    c.seed = 99;
    gi_gen_detections(&c, 0, d2);
    assert_true(d1[0].x0 != d2[0].x0 || d1[0].y0 != d2[0].y0);
    c.negative_prompt = "house";
    assert_int_equal(gi_gen_detections(&c, 0, d2), 0);
}

static void test_clip_skip_loosens_the_palette(void **state)
{
    (void)state;
    gi_gen_config c = base("a green valley, a tree");
    gi_image a = gen(&c);
    c.clip_skip = 4;
    gi_image b = gen(&c);
    assert_false(same(&a, &b));
    assert_true(saturation(&b) < saturation(&a));
    free(a.rgba);
    free(b.rgba);
}

/* One sampler setting against the defaults: the pixels differ, and metric(with) - metric(without)
 * has the sign `dir` (0: only different). */
static void expect_effect(const char *label, gi_gen_config with, double (*metric)(const gi_image *), int dir)
{
    gi_gen_config c = base(with.prompt);
    c.sampler_name = with.sampler_name;
    gi_image a = gen(&c), b = gen(&with);
    if (same(&a, &b))
        fail_msg("%s: no change", label);
    if (metric && dir) {
        double ma = metric(&a), mb = metric(&b);
        if (!(dir > 0 ? mb > ma : mb < ma))
            fail_msg("%s: %g -> %g, expected %s", label, ma, mb, dir > 0 ? "more" : "less");
    }
    free(a.rgba);
    free(b.rgba);
}

static void test_sampler_settings_act(void **state)
{
    (void)state;
    const char *pr = "misty hills at dawn";
    gi_gen_config c;
    c = base(pr), c.eta = 0.0;
    expect_effect("scheduler_eta 0 removes the ancestral noise", c, texture, -1);
    c = base(pr), c.sampler_name = "DDIM", c.eta = 0.8;
    gi_gen_config d = base(pr);
    d.sampler_name = "DDIM", d.eta = 0.0;
    gi_image e1 = gen(&c), e0 = gen(&d);
    assert_true(texture(&e1) > texture(&e0)); /* DDIM's eta adds noise */
    free(e1.rgba);
    free(e0.rgba);
    c = base(pr), c.sampler_name = "Euler", c.solver_order = 3;
    expect_effect("schedulers_solver_order 3 converges sooner: more detail", c, texture, 1);
    c = base(pr), c.sampler_name = "Euler", c.sigma = GI_SIGMA_KARRAS;
    expect_effect("schedulers_sigma karras", c, texture, 1);
    c = base(pr), c.sigma = GI_SIGMA_FLOWMATCH;
    expect_effect("schedulers_sigma flowmatch", c, NULL, 0);
    c = base(pr), c.beta_schedule = GI_BETA_COSINE;
    expect_effect("schedulers_beta_schedule cosine: a narrower range", c, spread, -1);
    c = base(pr), c.beta_schedule = GI_BETA_SIGMOID;
    expect_effect("schedulers_beta_schedule sigmoid: a wider range", c, spread, 1);
    c = base(pr), c.rescale_betas = 1;
    expect_effect("schedulers_rescale_betas: a wider range", c, spread, 1);
    c = base(pr), c.thresholding = 1;
    expect_effect("schedulers_use_thresholding: extremes pulled in", c, spread, -1);
    c = base(pr), c.sampler_name = "Euler", c.beta_start = 0.004;
    expect_effect("schedulers_beta_start: stronger coarse structure, less fine", c, texture, -1);
    c = base(pr), c.sampler_name = "Euler", c.beta_end = 0.05;
    expect_effect("schedulers_beta_end: stronger fine detail", c, texture, 1);
    c = base(pr), c.sampler_name = "Euler", c.timesteps = 4000;
    expect_effect("schedulers_timesteps_range 4000: more detail", c, texture, 1);
    c = base(pr), c.sampler_name = "Euler", c.shift = 8.0;
    expect_effect("schedulers_shift 8: more noise left, less detail", c, texture, -1);
    c = base(pr), c.sampler_name = "Euler", c.sigma_adjust = 0.6;
    expect_effect("schedulers_sigma_adjust 0.6: sharper mid detail", c, texture, 1);
    /* The window matters: the same factor over another window gives another picture. */
    c = base(pr), c.sampler_name = "Euler", c.sigma_adjust = 0.6;
    gi_gen_config w = c;
    w.sigma_adjust_min = 0.0, w.sigma_adjust_max = 0.3;
    gi_image wa = gen(&c), wb = gen(&w);
    assert_false(same(&wa, &wb));
    free(wa.rgba);
    free(wb.rgba);
}

/* Pixels that differ between a and b: inside any of the regions, and outside all of them. */
static void diff_regions(const gi_image *a, const gi_image *b, const gi_detection *d, int n, long *in, long *out)
{
    *in = *out = 0;
    for (int32_t y = 0; y < a->height; y++)
        for (int32_t x = 0; x < a->width; x++) {
            size_t i = ((size_t)y * (size_t)a->width + (size_t)x) * 4;
            if (memcmp(a->rgba + i, b->rgba + i, 3) == 0)
                continue;
            int inside = 0;
            for (int k = 0; k < n && !inside; k++)
                inside = x >= d[k].rx0 && x < d[k].rx1 && y >= d[k].ry0 && y < d[k].ry1;
            inside ? (*in)++ : (*out)++;
        }
}

static void test_detailer_renders_detected_regions(void **state)
{
    (void)state;
    const char *pr = "a cat and a tree and a house on a hill";
    gi_gen_config off = base(pr), on = base(pr);
    on.detailer = 1;
    gi_image a = gen(&off), b = gen(&on);
    gi_detection d[GI_MAX_DETECTIONS];
    int n = gi_gen_detections(&on, 0, d);
    assert_int_equal(n, 2); /* detailer_max */
    long in, out;
    diff_regions(&a, &b, d, n, &in, &out);
    assert_true(in > 100);
    assert_int_equal(out, 0);
    /* Strength 0 skips the pass; no detection above the confidence skips it too. */
    gi_gen_config c = on;
    c.detailer_strength = 0.0;
    gi_image s0 = gen(&c);
    assert_true(same(&s0, &a));
    c = on, c.detailer_conf = 1.0;
    assert_int_equal(gi_gen_detections(&c, 0, d), 0);
    gi_image s1 = gen(&c);
    assert_true(same(&s1, &a));
    /* detailer_max 1: one region; classes: only the cat; model: a face model finds the cat only. */
    c = on, c.detailer_max = 1;
    assert_int_equal(gi_gen_detections(&c, 0, d), 1);
    c = on, c.detailer_classes = "Cat, dog";
    assert_int_equal(gi_gen_detections(&c, 0, d), 1);
    assert_string_equal(d[0].label, "cat");
    c = on, c.detailer_model = "face-yolo8n";
    assert_int_equal(gi_gen_detections(&c, 0, d), 1);
    assert_string_equal(d[0].label, "cat");
    c = on, c.detailer_model = "hand_yolov8n";
    assert_int_equal(gi_gen_detections(&c, 0, d), 0);
    /* merge: one region covering both boxes. */
    gi_detection two[GI_MAX_DETECTIONS];
    assert_int_equal(gi_gen_detections(&on, 0, two), 2);
    c = on, c.detailer_merge = 1;
    assert_int_equal(gi_gen_detections(&c, 0, d), 1);
    assert_int_equal(d[0].x0, two[0].x0 < two[1].x0 ? two[0].x0 : two[1].x0);
    assert_int_equal(d[0].x1, two[0].x1 > two[1].x1 ? two[0].x1 : two[1].x1);
    /* Each setting of the pass changes the pixels of the regions. */
    gi_gen_config v[8];
    for (int k = 0; k < 8; k++)
        v[k] = on;
    v[0].detailer_steps = 40;
    v[1].detailer_strength = 0.9;
    v[2].detailer_prompt = "purple cat";
    v[3].detailer_negative = "tree";
    v[4].detailer_padding = 60;
    v[5].detailer_blur = 0;
    v[6].hr_sampler_name = "DDIM";
    v[7].detailer_max = 1;
    for (int k = 0; k < 8; k++) {
        gi_image x = gen(&v[k]);
        if (same(&x, &b))
            fail_msg("detailer variant %d changes nothing", k);
        long xi, xo;
        diff_regions(&a, &x, d, gi_gen_detections(&v[k], 0, d), &xi, &xo);
        assert_int_equal(xo, 0);
        free(x.rgba);
    }
    /* A stronger pass moves the regions further from the picture without it. */
    gi_image strong = gen(&v[1]);
    double da = 0, ds = 0;
    for (size_t i = 0; i < (size_t)a.width * (size_t)a.height * 4; i++) {
        da += fabs((double)a.rgba[i] - (double)b.rgba[i]);
        ds += fabs((double)a.rgba[i] - (double)strong.rgba[i]);
    }
    assert_true(ds > da);
    free(strong.rgba);
    free(a.rgba);
    free(b.rgba);
    free(s0.rgba);
    free(s1.rgba);
}

static void test_detector_iou(void **state)
{
    (void)state;
    /* Two overlapping subjects: a low IoU threshold keeps only the more confident one. */
    gi_subject s[2];
    memset(s, 0, sizeof s);
    s[0] = (gi_subject){0, 50, 50, 20, 1, 30, 30, 70, 70, 0.9};
    s[1] = (gi_subject){1, 55, 55, 20, 1, 35, 35, 75, 75, 0.8};
    gi_gen_config c = base("x");
    c.width = 100;
    c.height = 100;
    gi_detection d[GI_MAX_DETECTIONS];
    c.detailer_iou = 0.9;
    assert_int_equal(gi__detect(s, 2, &c, 100, 100, d), 2);
    c.detailer_iou = 0.3;
    assert_int_equal(gi__detect(s, 2, &c, 100, 100, d), 1);
    assert_true(d[0].conf > 0.85);
    /* conf filters, and the region grows by padding and the blur's reach. */
    c.detailer_conf = 0.85;
    c.detailer_iou = 0.9;
    c.detailer_padding = 5;
    c.detailer_blur = 4;
    assert_int_equal(gi__detect(s, 2, &c, 100, 100, d), 1);
    assert_int_equal(d[0].rx0, 30 - 5 - 2 - 1);
}

/* The detailer pass is stepped as the rest: any budget gives the one-shot bytes, rows reported
 * final are never written again, and the progress only grows. */
static void test_detailer_in_steps(void **state)
{
    (void)state;
    gi_gen_config c = base("a fox and a tree and the moon");
    c.detailer = 1;
    c.detailer_max = 3;
    gi_image whole = gen(&c);
    const int64_t budgets[] = {1, 777, 20000, 0};
    for (size_t k = 0; k < sizeof budgets / sizeof budgets[0]; k++) {
        gi_gen_job *j = NULL;
        assert_int_equal(gi_gen_begin(&A, &c, 0, &j, NULL), GENAPI_OK);
        int32_t ready = 0;
        int64_t last_done = -1;
        uint8_t *snap = calloc((size_t)c.width * (size_t)c.height * 4, 1);
        while (!gi_gen_done(j)) {
            assert_int_equal(gi_gen_step(j, budgets[k], NULL), GENAPI_OK);
            int64_t done, total;
            gi_gen_progress(j, &done, &total);
            assert_true(done >= last_done);
            last_done = done;
            int32_t rows = 0;
            const gi_image *im = gi_gen_image(j, &rows);
            assert_true(rows >= ready);
            size_t row = (size_t)c.width * 4;
            if (ready > 0) /* rows final before stay as they were */
                assert_memory_equal(snap, im->rgba, (size_t)ready * row);
            if (rows > ready)
                memcpy(snap + (size_t)ready * row, im->rgba + (size_t)ready * row, (size_t)(rows - ready) * row);
            ready = rows;
        }
        gi_image out;
        assert_int_equal(gi_gen_end(j, &out, NULL), GENAPI_OK);
        assert_true(same(&out, &whole));
        free(out.rgba);
        free(snap);
    }
    free(whole.rgba);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colour_words_set_the_palette),
        cmocka_unit_test(test_nouns_are_drawn_where_detected),
        cmocka_unit_test(test_clip_skip_loosens_the_palette),
        cmocka_unit_test(test_sampler_settings_act),
        cmocka_unit_test(test_detailer_renders_detected_regions),
        cmocka_unit_test(test_detector_iou),
        cmocka_unit_test(test_detailer_in_steps),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
