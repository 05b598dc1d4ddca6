/* The Lanczos resampler against Pillow: tests/data/lanczos/in.png (48x32 RGB with hard edges,
 * thin lines, a checkerboard, gradients and noise dots) resized to each size of expected.txt,
 * compared with the pixels of Pillow 9.4's Image.resize(..., Image.LANCZOS) of the same file
 * (made once by make_lanczos.py beside the data, checked in). Each output must reach a PSNR of
 * 45 dB over the RGB channels and no sample may be more than MAX_ERR levels away; a resampler
 * with a narrower window (2 lobes instead of 3), other edge handling or a wrong centre fails
 * both. Upscaling by 2 also goes through gi_upscale("Lanczos"), the upscaler the routes use. */
#include <math.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/image/image_internal.h"
#include "test_support.h"

#define DIR GENAPI_SOURCE_DIR "/tests/data/lanczos"
#define MIN_PSNR 45.0
#define MAX_ERR 3

static ga_alloc A;

static gi_image load_png(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DIR, name);
    size_t len = 0;
    uint8_t *bytes = (uint8_t *)ts_read_file(path, &len);
    if (bytes == NULL)
        fail_msg("cannot read %s", path);
    gi_image im;
    genapi_error e;
    if (gi_png_decode(&A, bytes, len, &im, &e) != GENAPI_OK)
        fail_msg("%s: %s", path, e.message);
    free(bytes);
    return im;
}

/* PSNR over R, G, B and the largest difference of one sample. */
static double compare(const gi_image *a, const gi_image *b, int *max_err)
{
    assert_int_equal(a->width, b->width);
    assert_int_equal(a->height, b->height);
    double se = 0.0;
    int mx = 0;
    size_t n = (size_t)a->width * (size_t)a->height;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < 3; c++) {
            int d = abs((int)a->rgba[i * 4 + c] - (int)b->rgba[i * 4 + c]);
            se += (double)d * d;
            mx = d > mx ? d : mx;
        }
    *max_err = mx;
    double mse = se / (double)(n * 3);
    return mse == 0.0 ? 999.0 : 10.0 * log10(255.0 * 255.0 / mse);
}

static void check(const char *what, const gi_image *ours, const gi_image *pillow)
{
    int mx = 0;
    double psnr = compare(ours, pillow, &mx);
    printf("%-32s %4dx%-4d PSNR %6.2f dB, max error %d\n", what, (int)ours->width, (int)ours->height, psnr, mx);
    if (psnr < MIN_PSNR || mx > MAX_ERR)
        fail_msg("%s: PSNR %.2f dB (at least %.0f), max error %d (at most %d)", what, psnr, MIN_PSNR, mx, MAX_ERR);
    /* Opaque in, opaque out. */
    for (size_t i = 0; i < (size_t)ours->width * (size_t)ours->height; i++)
        assert_int_equal(ours->rgba[i * 4 + 3], 255);
}

static void test_against_pillow(void **state)
{
    (void)state;
    assert_int_equal(ga_alloc_resolve(&A, NULL), 0);
    gi_image in = load_png("in.png");
    assert_int_equal(in.width, 48);
    assert_int_equal(in.height, 32);
    size_t mlen = 0;
    char *manifest = ts_read_file(DIR "/expected.txt", &mlen);
    assert_non_null(manifest);
    int cases = 0;
    char *save = NULL;
    for (char *line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char file[128];
        int w, h;
        assert_int_equal(sscanf(line, "%127s %d %d", file, &w, &h), 3);
        gi_image want = load_png(file);
        assert_int_equal(want.width, w);
        assert_int_equal(want.height, h);
        gi_image got;
        genapi_error e;
        assert_int_equal(gi__resample(&A, &in, w, h, GI_K_LANCZOS3, &got, &e), GENAPI_OK);
        check(file, &got, &want);
        gi_image_free(&A, &got);
        if (w == 2 * in.width && h == 2 * in.height) {
            assert_int_equal(gi_upscale(&A, &in, 2.0, "Lanczos", &got, &e), GENAPI_OK);
            check("gi_upscale Lanczos x2", &got, &want);
            gi_image_free(&A, &got);
        }
        gi_image_free(&A, &want);
        cases++;
    }
    assert_int_equal(cases, 5);
    free(manifest);
    gi_image_free(&A, &in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_pillow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
