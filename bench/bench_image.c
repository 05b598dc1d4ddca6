/*
 * Cost of the reference image engine (lib/engine/image): gi_generate at 512x512 and 1024x1024
 * with 20 steps ("Euler a" and "DPM++ 2M Karras"), a 0.6-strength img2img at 512x512, and the
 * PNG encode of a generated picture. Each configuration runs RUNS times (CLOCK_MONOTONIC); the
 * report gives the median and minimum in milliseconds and the ratio to a baseline measured in
 * the same run: a memset of the RGBA buffer followed by a plain PNG encode of that flat image.
 *
 * Usage: bench_image [runs]    (default 7)
 */
#include "engine/image/image_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct result {
    double median, min;
} result;

static result summarise(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    result r = {n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0, t[0]};
    return r;
}

static ga_alloc A;

/* memset of a w x h RGBA buffer + PNG encode of the flat image. */
static result baseline(int32_t w, int32_t h, int runs, double *t)
{
    gi_image im = {w, h, malloc((size_t)w * (size_t)h * 4)};
    if (!im.rgba)
        exit(1);
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        memset(im.rgba, 0x80, (size_t)w * (size_t)h * 4);
        uint8_t *bytes;
        size_t len;
        if (gi_png_encode(&A, &im, NULL, &bytes, &len, NULL) != GENAPI_OK)
            exit(1);
        t[i] = now_ms() - t0;
        ga_free(&A, bytes);
    }
    free(im.rgba);
    return summarise(t, runs);
}

static result time_generate(const gi_gen_config *c, int runs, double *t)
{
    for (int i = 0; i < runs; i++) {
        gi_image im;
        genapi_error e;
        double t0 = now_ms();
        if (gi_generate(&A, c, 0, &im, &e) != GENAPI_OK) {
            fprintf(stderr, "gi_generate: %s\n", e.message);
            exit(1);
        }
        t[i] = now_ms() - t0;
        gi_image_free(&A, &im);
    }
    return summarise(t, runs);
}

static void report(const char *name, result r, result base)
{
    printf("%-44s median %9.2f ms  min %9.2f ms  x%7.1f baseline\n", name, r.median, r.min, r.median / base.median);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 7;
    if (runs < 1 || runs > 1000)
        runs = 7;
    ga_alloc_resolve(&A, NULL);
    double *t = malloc((size_t)runs * sizeof *t);
    if (!t)
        return 1;
    gi_gen_config c;
    memset(&c, 0, sizeof c);
    c.prompt = "a lighthouse on a rocky coast at golden hour, dramatic clouds";
    c.negative_prompt = "blurry";
    c.seed = 12345;
    c.steps = 20;
    c.cfg_scale = 7.0;
    c.sampler_name = "Euler a";

    printf("bench_image: %d runs per configuration\n", runs);
    const int32_t sizes[2] = {512, 1024};
    for (int s = 0; s < 2; s++) {
        int32_t n = sizes[s];
        char name[96];
        result base = baseline(n, n, runs, t);
        snprintf(name, sizeof name, "baseline memset + flat PNG %dx%d", (int)n, (int)n);
        report(name, base, base);
        c.width = c.height = n;
        c.sampler_name = "Euler a";
        snprintf(name, sizeof name, "txt2img %dx%d 20 steps Euler a", (int)n, (int)n);
        report(name, time_generate(&c, runs, t), base);
        c.sampler_name = "DPM++ 2M Karras";
        snprintf(name, sizeof name, "txt2img %dx%d 20 steps DPM++ 2M Karras", (int)n, (int)n);
        report(name, time_generate(&c, runs, t), base);

        gi_image im;
        if (gi_generate(&A, &c, 0, &im, NULL) != GENAPI_OK)
            return 1;
        for (int i = 0; i < runs; i++) {
            uint8_t *bytes;
            size_t len;
            double t0 = now_ms();
            if (gi_png_encode(&A, &im, "Steps: 20", &bytes, &len, NULL) != GENAPI_OK)
                return 1;
            t[i] = now_ms() - t0;
            ga_free(&A, bytes);
        }
        snprintf(name, sizeof name, "PNG encode of the %dx%d picture", (int)n, (int)n);
        report(name, summarise(t, runs), base);
        if (n == 512) {
            gi_gen_config i2i = c;
            i2i.init = &im;
            i2i.denoising_strength = 0.6;
            i2i.seed = 999;
            report("img2img 512x512 20 steps strength 0.6", time_generate(&i2i, runs, t), base);
        }
        gi_image_free(&A, &im);
    }
    free(t);
    return 0;
}
