/* Resampling and upscaling for the reference image engine.
 *
 * Every resample is separable (a horizontal pass into a double buffer, then a vertical pass)
 * driven by per-axis tap tables, all four channels treated alike (no premultiplication):
 *   - gi_resize / GI_K_AUTO: an axis that grows (or keeps its size) uses bilinear interpolation
 *     between pixel centres (edges clamped), so an unchanged size is an exact copy; an axis that
 *     shrinks uses box / area averaging: each destination pixel is the coverage-weighted mean of
 *     the source pixels its footprint overlaps (4 -> 2 averages pixel pairs exactly).
 *   - GI_K_NEAREST: the source pixel under the destination pixel centre.
 *   - GI_K_LANCZOS3: a Lanczos-3 window (sinc(x) sinc(x/3), |x| < 3), widened by the scale when
 *     shrinking, weights normalised to sum 1; sin comes from gi__sin_pi (a polynomial), so the
 *     results are the same bytes everywhere.
 * Results are rounded half up and clamped to 0..255. */
#include <math.h>
#include <string.h>

#include "engine/image/image_internal.h"
#include "util/err.h"

genapi_status gi__image_alloc(const ga_alloc *a, int32_t w, int32_t h, gi_image *out, genapi_error *err)
{
    out->width = 0;
    out->height = 0;
    out->rgba = NULL;
    if (w < 1 || h < 1 || w > GI_MAX_SIDE || h > GI_MAX_SIDE || (int64_t)w * h > GI_MAX_PIXELS)
        return ga_err(err, GENAPI_E_INVALID_ARG, "width", "Image size %dx%d out of range", (int)w, (int)h);
    uint8_t *p = ga_calloc(a, (size_t)w * (size_t)h, 4);
    if (!p)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory for a %dx%d image", (int)w, (int)h);
    out->width = w;
    out->height = h;
    out->rgba = p;
    return GENAPI_OK;
}

void gi_image_free(const ga_alloc *a, gi_image *img)
{
    if (!img)
        return;
    if (img->rgba)
        ga_free(a, img->rgba);
    img->rgba = NULL;
    img->width = 0;
    img->height = 0;
}

double gi__sin_pi(double t)
{
    double r = t - 2.0 * floor(t * 0.5); /* [0, 2) */
    double sign = 1.0;
    if (r >= 1.0) {
        r -= 1.0;
        sign = -1.0;
    }
    if (r > 0.5)
        r = 1.0 - r;
    double u = 3.14159265358979323846 * r, u2 = u * u;
    /* Taylor series of sin to u^17 on [0, pi/2] (Horner form). */
    double p = 1.0 / 355687428096000.0;
    p = p * u2 - 1.0 / 1307674368000.0;
    p = p * u2 + 1.0 / 6227020800.0;
    p = p * u2 - 1.0 / 39916800.0;
    p = p * u2 + 1.0 / 362880.0;
    p = p * u2 - 1.0 / 5040.0;
    p = p * u2 + 1.0 / 120.0;
    p = p * u2 - 1.0 / 6.0;
    p = p * u2 + 1.0;
    return sign * u * p;
}

static double sinc(double x)
{
    if (x == 0.0)
        return 1.0;
    return gi__sin_pi(x) / (3.14159265358979323846 * x);
}

static double lanczos3(double x)
{
    if (x <= -3.0 || x >= 3.0)
        return 0.0;
    return sinc(x) * sinc(x / 3.0);
}

typedef struct taps {
    int32_t max;  /* taps per destination pixel */
    int32_t *n;   /* used taps per destination pixel */
    int32_t *idx; /* dst * max source indices */
    double *w;    /* dst * max weights */
} taps;

static int32_t clampi(int64_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : (int32_t)v;
}

static int taps_build(const ga_alloc *a, taps *t, int32_t src, int32_t dst, gi_kernel k)
{
    double scale = (double)src / (double)dst;
    if (k == GI_K_NEAREST)
        t->max = 1;
    else if (k == GI_K_LANCZOS3)
        t->max = 2 * (int32_t)ceil(3.0 * (scale > 1.0 ? scale : 1.0)) + 3;
    else
        t->max = scale > 1.0 ? (int32_t)ceil(scale) + 2 : 2;
    size_t cells = (size_t)dst * (size_t)t->max;
    t->n = ga_calloc(a, (size_t)dst, sizeof *t->n);
    t->idx = ga_calloc(a, cells, sizeof *t->idx);
    t->w = ga_calloc(a, cells, sizeof *t->w);
    if (!t->n || !t->idx || !t->w)
        return -1;
    for (int32_t i = 0; i < dst; i++) {
        int32_t *ix = t->idx + (size_t)i * (size_t)t->max;
        double *wt = t->w + (size_t)i * (size_t)t->max;
        int32_t n = 0;
        if (k == GI_K_NEAREST) {
            ix[0] = clampi((int64_t)floor(((double)i + 0.5) * scale), 0, src - 1);
            wt[0] = 1.0;
            n = 1;
        } else if (k == GI_K_LANCZOS3) {
            double s = scale > 1.0 ? scale : 1.0, support = 3.0 * s;
            double c = ((double)i + 0.5) * scale - 0.5, sum = 0.0;
            int64_t j0 = (int64_t)floor(c - support) + 1, j1 = (int64_t)floor(c + support);
            for (int64_t j = j0; j <= j1 && n < t->max; j++) {
                double wv = lanczos3(((double)j - c) / s);
                if (wv == 0.0)
                    continue;
                ix[n] = clampi(j, 0, src - 1);
                wt[n] = wv;
                sum += wv;
                n++;
            }
            if (n == 0 || sum == 0.0) {
                ix[0] = clampi((int64_t)floor(c + 0.5), 0, src - 1);
                wt[0] = 1.0;
                n = 1;
            } else {
                for (int32_t q = 0; q < n; q++)
                    wt[q] /= sum;
            }
        } else if (scale > 1.0) { /* area average */
            double lo = (double)i * scale, hi = (double)(i + 1) * scale;
            if (hi > (double)src)
                hi = (double)src;
            for (int64_t j = (int64_t)floor(lo); (double)j < hi && n < t->max; j++) {
                double l = (double)j > lo ? (double)j : lo, r = (double)(j + 1) < hi ? (double)(j + 1) : hi;
                if (r <= l)
                    continue;
                ix[n] = clampi(j, 0, src - 1);
                wt[n] = (r - l) / scale;
                n++;
            }
        } else { /* bilinear */
            double c = ((double)i + 0.5) * scale - 0.5;
            double f0 = floor(c), f = c - f0;
            int64_t j = (int64_t)f0;
            ix[0] = clampi(j, 0, src - 1);
            wt[0] = 1.0 - f;
            ix[1] = clampi(j + 1, 0, src - 1);
            wt[1] = f;
            n = 2;
        }
        t->n[i] = n;
    }
    return 0;
}

static void taps_free(const ga_alloc *a, taps *t)
{
    if (t->n)
        ga_free(a, t->n);
    if (t->idx)
        ga_free(a, t->idx);
    if (t->w)
        ga_free(a, t->w);
}

static uint8_t to_u8(double v)
{
    v = floor(v + 0.5);
    return v <= 0.0 ? 0 : v >= 255.0 ? 255 : (uint8_t)v;
}

static int image_ok(const gi_image *in)
{
    return in && in->rgba && in->width > 0 && in->height > 0 && in->width <= GI_MAX_SIDE &&
           in->height <= GI_MAX_SIDE && (int64_t)in->width * in->height <= GI_MAX_PIXELS;
}

genapi_status gi__resample(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_kernel k, gi_image *out,
                           genapi_error *err)
{
    if (!image_ok(in))
        return ga_err(err, GENAPI_E_INVALID_ARG, "image", "Invalid input image");
    if (w < 1 || w > GI_MAX_SIDE)
        return ga_err(err, GENAPI_E_INVALID_ARG, "width", "width must be in 1..%d, got %d", GI_MAX_SIDE, (int)w);
    if (h < 1 || h > GI_MAX_SIDE)
        return ga_err(err, GENAPI_E_INVALID_ARG, "height", "height must be in 1..%d, got %d", GI_MAX_SIDE, (int)h);
    genapi_status st = gi__image_alloc(a, w, h, out, err);
    if (st != GENAPI_OK)
        return st;
    taps tx = {0}, ty = {0};
    double *tmp = NULL;
    if (taps_build(a, &tx, in->width, w, k) != 0 || taps_build(a, &ty, in->height, h, k) != 0 ||
        !(tmp = ga_calloc(a, (size_t)w * (size_t)in->height * 4, sizeof *tmp))) {
        taps_free(a, &tx);
        taps_free(a, &ty);
        gi_image_free(a, out);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory while resampling");
    }
    for (int32_t y = 0; y < in->height; y++) {
        const uint8_t *row = in->rgba + (size_t)y * (size_t)in->width * 4;
        double *trow = tmp + (size_t)y * (size_t)w * 4;
        for (int32_t x = 0; x < w; x++) {
            const int32_t *ix = tx.idx + (size_t)x * (size_t)tx.max;
            const double *wt = tx.w + (size_t)x * (size_t)tx.max;
            double acc[4] = {0, 0, 0, 0};
            for (int32_t q = 0; q < tx.n[x]; q++) {
                const uint8_t *p = row + (size_t)ix[q] * 4;
                for (int c = 0; c < 4; c++)
                    acc[c] += wt[q] * (double)p[c];
            }
            for (int c = 0; c < 4; c++)
                trow[(size_t)x * 4 + (size_t)c] = acc[c];
        }
    }
    for (int32_t y = 0; y < h; y++) {
        const int32_t *iy = ty.idx + (size_t)y * (size_t)ty.max;
        const double *wt = ty.w + (size_t)y * (size_t)ty.max;
        uint8_t *orow = out->rgba + (size_t)y * (size_t)w * 4;
        for (size_t x = 0; x < (size_t)w * 4; x++) {
            double acc = 0.0;
            for (int32_t q = 0; q < ty.n[y]; q++)
                acc += wt[q] * tmp[(size_t)iy[q] * (size_t)w * 4 + x];
            orow[x] = to_u8(acc);
        }
    }
    ga_free(a, tmp);
    taps_free(a, &tx);
    taps_free(a, &ty);
    return GENAPI_OK;
}

genapi_status gi_resize(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_image *out, genapi_error *err)
{
    return gi__resample(a, in, w, h, GI_K_AUTO, out, err);
}

/* ------------------------------------------------------------------------------------------ */
/* Upscalers: interpolation, and for the model-like names Lanczos-3 followed by an unsharp mask
 * (3x3 binomial blur, out = v + amount * (v - blur)) whose amount differs per name. */

typedef struct upscaler {
    const char *name;
    gi_kernel kernel;
    double sharpen;
} upscaler;

static const upscaler UPSCALERS[] = {
    {"None", GI_K_NEAREST, 0.0},        {"Nearest", GI_K_NEAREST, 0.0},
    {"Lanczos", GI_K_LANCZOS3, 0.0},    {"R-ESRGAN 4x+", GI_K_LANCZOS3, 0.8},
    {"R-ESRGAN 4x+ Anime6B", GI_K_LANCZOS3, 1.1}, {"ESRGAN_4x", GI_K_LANCZOS3, 0.6},
    {"SwinIR_4x", GI_K_LANCZOS3, 0.45}, {"SwinIR 4x", GI_K_LANCZOS3, 0.45},
    {"ScuNET GAN", GI_K_LANCZOS3, 0.7},
};
#define N_UPSCALERS (sizeof UPSCALERS / sizeof UPSCALERS[0])

static const char *const UPSCALER_NAMES[N_UPSCALERS + 1] = {
    "None", "Nearest", "Lanczos", "R-ESRGAN 4x+", "R-ESRGAN 4x+ Anime6B", "ESRGAN_4x", "SwinIR_4x", "SwinIR 4x",
    "ScuNET GAN", NULL};

const char *const *gi_upscaler_names(void)
{
    return UPSCALER_NAMES;
}

static genapi_status unsharp(const ga_alloc *a, gi_image *img, double amount, genapi_error *err)
{
    size_t w = (size_t)img->width, h = (size_t)img->height;
    uint8_t *src = ga_malloc(a, w * h * 4);
    if (!src)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory while sharpening");
    memcpy(src, img->rgba, w * h * 4);
    static const int K[3] = {1, 2, 1};
    for (size_t y = 0; y < h; y++) {
        for (size_t x = 0; x < w; x++) {
            for (size_t c = 0; c < 3; c++) {
                int sum = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    size_t yy = (dy < 0 && y == 0) ? 0 : (dy > 0 && y + 1 == h) ? y : (size_t)((int64_t)y + dy);
                    for (int dx = -1; dx <= 1; dx++) {
                        size_t xx = (dx < 0 && x == 0) ? 0 : (dx > 0 && x + 1 == w) ? x : (size_t)((int64_t)x + dx);
                        sum += K[dy + 1] * K[dx + 1] * src[(yy * w + xx) * 4 + c];
                    }
                }
                double v = (double)src[(y * w + x) * 4 + c];
                double blur = (double)sum / 16.0;
                img->rgba[(y * w + x) * 4 + c] = to_u8(v + amount * (v - blur));
            }
        }
    }
    ga_free(a, src);
    return GENAPI_OK;
}

genapi_status gi_upscale(const ga_alloc *a, const gi_image *in, double factor, const char *name, gi_image *out,
                         genapi_error *err)
{
    if (!image_ok(in))
        return ga_err(err, GENAPI_E_INVALID_ARG, "image", "Invalid input image");
    if (!(factor > 0.0 && factor <= 8.0))
        return ga_err(err, GENAPI_E_INVALID_ARG, "upscaling_resize", "upscaling_resize must be in (0, 8], got %g",
                      factor);
    if (!name)
        name = "None";
    const upscaler *u = NULL;
    for (size_t i = 0; i < N_UPSCALERS; i++)
        if (strcmp(UPSCALERS[i].name, name) == 0)
            u = &UPSCALERS[i];
    if (!u)
        return ga_err(err, GENAPI_E_INVALID_ARG, "upscaler_1",
                      "could not find upscaler named '%.200s' (valid: None, Nearest, Lanczos, R-ESRGAN 4x+, "
                      "ESRGAN_4x, SwinIR_4x, ...)",
                      name);
    double fw = floor((double)in->width * factor + 0.5), fh = floor((double)in->height * factor + 0.5);
    if (fw < 1.0)
        fw = 1.0;
    if (fh < 1.0)
        fh = 1.0;
    if (fw > (double)GI_MAX_SIDE || fh > (double)GI_MAX_SIDE || fw * fh > (double)GI_MAX_PIXELS)
        return ga_err(err, GENAPI_E_INVALID_ARG, "upscaling_resize", "Upscaled size %.0fx%.0f is too large", fw, fh);
    genapi_status st = gi__resample(a, in, (int32_t)fw, (int32_t)fh, u->kernel, out, err);
    if (st == GENAPI_OK && u->sharpen > 0.0) {
        st = unsharp(a, out, u->sharpen, err);
        if (st != GENAPI_OK)
            gi_image_free(a, out);
    }
    return st;
}
