/* Resampling and upscaling for the reference image engine.
 *
 * Every resample is separable (a horizontal pass into float rows, then a vertical pass) driven
 * by per-axis tap tables computed once per destination column and row, all four channels
 * treated alike (no premultiplication). It runs one destination row at a time, keeping only
 * the few horizontal-pass rows that row reads, so it can be split into steps
 * (gi_upscale_begin / step / end) without changing a byte:
 *   - gi_resize / GI_K_AUTO: an axis that grows (or keeps its size) uses bilinear interpolation
 *     between pixel centres (edges clamped), so an unchanged size is an exact copy; an axis that
 *     shrinks uses box / area averaging: each destination pixel is the coverage-weighted mean of
 *     the source pixels its footprint overlaps (4 -> 2 averages pixel pairs exactly).
 *   - GI_K_NEAREST: the source pixel under the destination pixel centre.
 *   - GI_K_LANCZOS3: a Lanczos-3 window (sinc(x) sinc(x/3), |x| < 3), widened by the scale when
 *     shrinking; taps that fall outside the image are dropped and the others normalised to sum
 *     1 (Pillow's Image.LANCZOS does the same, so the results match it to within rounding:
 *     tests/test_image_lanczos.c). sin comes from gi__sin_pi (a polynomial), so the tables are
 *     the same bytes everywhere.
 * The passes run in single precision on 4-float pixels (GCC/Clang vector extensions where
 * available, the same operations in the same order otherwise, so the same bytes), with
 * -ffp-contract=off; results are rounded half up and clamped to 0..255. */
#include <math.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/image/image_internal.h"
#include "util/err.h"

/* A w x h image, zeroed or not. */
static genapi_status image_alloc(const ga_alloc *a, int32_t w, int32_t h, int zero, gi_image *out, genapi_error *err)
{
    out->width = 0;
    out->height = 0;
    out->rgba = NULL;
    if (w < 1 || h < 1 || w > GI_MAX_SIDE || h > GI_MAX_SIDE || (int64_t)w * h > GI_MAX_PIXELS)
        return ga_err(err, GENAPI_E_INVALID_ARG, "width", "Image size %dx%d out of range", (int)w, (int)h);
    uint8_t *p = zero ? ga_calloc(a, (size_t)w * (size_t)h, 4) : ga_malloc(a, (size_t)w * (size_t)h * 4);
    if (!p)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory for a %dx%d image", (int)w, (int)h);
    out->width = w;
    out->height = h;
    out->rgba = p;
    return GENAPI_OK;
}

genapi_status gi__image_alloc(const ga_alloc *a, int32_t w, int32_t h, gi_image *out, genapi_error *err)
{
    return image_alloc(a, w, h, 1, out, err);
}

genapi_status gi__image_alloc_raw(const ga_alloc *a, int32_t w, int32_t h, gi_image *out, genapi_error *err)
{
    return image_alloc(a, w, h, 0, out, err);
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

typedef gi__taps taps;

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
        float *wt = t->w + (size_t)i * (size_t)t->max;
        int32_t n = 0;
        if (k == GI_K_NEAREST) {
            ix[0] = clampi((int64_t)floor(((double)i + 0.5) * scale), 0, src - 1);
            wt[0] = 1.0f;
            n = 1;
        } else if (k == GI_K_LANCZOS3) {
            double s = scale > 1.0 ? scale : 1.0, support = 3.0 * s;
            double c = ((double)i + 0.5) * scale - 0.5, sum = 0.0;
            int64_t j0 = (int64_t)floor(c - support) + 1, j1 = (int64_t)floor(c + support);
            if (j0 < 0)
                j0 = 0;
            if (j1 > src - 1)
                j1 = src - 1;
            if (j1 - j0 + 1 > t->max)
                j1 = j0 + t->max - 1;
            for (int64_t j = j0; j <= j1; j++)
                sum += lanczos3(((double)j - c) / s);
            if (sum == 0.0) {
                ix[0] = clampi((int64_t)floor(c + 0.5), 0, src - 1);
                wt[0] = 1.0f;
                n = 1;
            } else {
                for (int64_t j = j0; j <= j1; j++, n++) {
                    ix[n] = (int32_t)j;
                    wt[n] = (float)(lanczos3(((double)j - c) / s) / sum);
                }
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
                wt[n] = (float)((r - l) / scale);
                n++;
            }
        } else { /* bilinear */
            double c = ((double)i + 0.5) * scale - 0.5;
            double f0 = floor(c), f = c - f0;
            int64_t j = (int64_t)f0;
            ix[0] = clampi(j, 0, src - 1);
            wt[0] = (float)(1.0 - f);
            ix[1] = clampi(j + 1, 0, src - 1);
            wt[1] = (float)f;
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
    if (v <= 0.0)
        return 0;
    if (v >= 255.0)
        return 255;
    return (uint8_t)v;
}

static int image_ok(const gi_image *in)
{
    return in && in->rgba && in->width > 0 && in->height > 0 && in->width <= GI_MAX_SIDE &&
           in->height <= GI_MAX_SIDE && (int64_t)in->width * in->height <= GI_MAX_PIXELS;
}

/* Work units per tap and channel of a resampling pass, times 2 (calibrated so that a unit is
 * about a nanosecond on the reference machine: Lanczos 512x512 -> 2048x2048 counts 105 M units
 * and takes 60-80 ms on one core). */
#define RS_UNITS_PER_TAP2 1

genapi_status gi__rs_begin(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_kernel k, gi__rs *rs,
                           gi_image *out, genapi_error *err)
{
    memset(rs, 0, sizeof *rs);
    if (!image_ok(in))
        return ga_err(err, GENAPI_E_INVALID_ARG, "image", "Invalid input image");
    if (w < 1 || w > GI_MAX_SIDE)
        return ga_err(err, GENAPI_E_INVALID_ARG, "width", "width must be in 1..%d, got %d", GI_MAX_SIDE, (int)w);
    if (h < 1 || h > GI_MAX_SIDE)
        return ga_err(err, GENAPI_E_INVALID_ARG, "height", "height must be in 1..%d, got %d", GI_MAX_SIDE, (int)h);
    /* The output is not zeroed: every byte is written before it is read. */
    genapi_status st = image_alloc(a, w, h, 0, out, err);
    if (st != GENAPI_OK)
        return st;
    rs->a = a;
    rs->in = in;
    rs->out = out;
    rs->h_round = k == GI_K_LANCZOS3;
    if (taps_build(a, &rs->tx, in->width, w, k) != 0 || taps_build(a, &rs->ty, in->height, h, k) != 0) {
        gi__rs_end(rs);
        gi_image_free(a, out);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory while resampling");
    }
    /* A destination row reads at most ty.max consecutive source rows (clamped at the edges), so
     * a ring of ty.max + 1 horizontal-pass rows holds all it needs. */
    rs->ring_rows = rs->ty.max + 1;
    rs->ring = ga_malloc(a, (size_t)rs->ring_rows * (size_t)w * 4 * sizeof *rs->ring);
    rs->slot_row = ga_malloc(a, (size_t)rs->ring_rows * sizeof *rs->slot_row);
    rs->src = ga_malloc(a, (size_t)rs->ty.max * sizeof *rs->src);
    rs->srcf = ga_malloc(a, (size_t)in->width * 4 * sizeof *rs->srcf);
    if (!rs->ring || !rs->slot_row || !rs->src || !rs->srcf) {
        gi__rs_end(rs);
        gi_image_free(a, out);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory while resampling");
    }
    for (int32_t i = 0; i < rs->ring_rows; i++)
        rs->slot_row[i] = -1;
    return GENAPI_OK;
}

/* Pixels of 4 floats. */
#if defined(__GNUC__)
typedef float px4 __attribute__((vector_size(16)));
static inline px4 px_load(const float *p)
{
    px4 v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void px_store(float *p, px4 v)
{
    memcpy(p, &v, sizeof v);
}
#define PX_ZERO ((px4){0.0f, 0.0f, 0.0f, 0.0f})
#define PX_MADD(acc, w, v) ((acc) + (w) * (v))
typedef int32_t px4i __attribute__((vector_size(16)));
/* Rounded half up to an integer and clamped to 0..255 (the sums stay far inside int32). */
static inline px4i px_round8i(px4 v)
{
    const px4i k255 = {255, 255, 255, 255};
    px4i i = __builtin_convertvector(v + 0.5f, px4i); /* truncation: floor for v + 0.5 >= 0 */
    i &= ~(i < 0);                                     /* comparisons give 0 / -1 lanes */
    px4i over = i > k255;
    return (i & ~over) | (k255 & over);
}
static inline px4 px_round8(px4 v)
{
    return __builtin_convertvector(px_round8i(v), px4);
}
/* Two pixels rounded and stored as 8 bytes. */
static inline void px_store8(uint8_t *out, px4 a, px4 b)
{
#if defined(__SSE2__)
    __m128i w = _mm_packs_epi32((__m128i)px_round8i(a), (__m128i)px_round8i(b)); /* exact: 0..255 */
    _mm_storel_epi64((__m128i *)(void *)out, _mm_packus_epi16(w, w));
#else
    px4i x = px_round8i(a), y = px_round8i(b);
    for (int c = 0; c < 4; c++) {
        out[c] = (uint8_t)x[c];
        out[4 + c] = (uint8_t)y[c];
    }
#endif
}
#else
typedef struct px4 {
    float v[4];
} px4;
static inline px4 px_load(const float *p)
{
    px4 r;
    memcpy(r.v, p, sizeof r.v);
    return r;
}
static inline void px_store(float *p, px4 v)
{
    memcpy(p, v.v, sizeof v.v);
}
static inline px4 px_madd(px4 acc, float w, px4 v)
{
    for (int c = 0; c < 4; c++)
        acc.v[c] = acc.v[c] + w * v.v[c];
    return acc;
}
#define PX_ZERO ((px4){{0.0f, 0.0f, 0.0f, 0.0f}})
#define PX_MADD(acc, w, v) px_madd((acc), (w), (v))
static inline px4 px_round8(px4 v);
static inline void px_store8(uint8_t *out, px4 a, px4 b)
{
    px4 x = px_round8(a), y = px_round8(b);
    for (int c = 0; c < 4; c++) {
        out[c] = (uint8_t)x.v[c];
        out[4 + c] = (uint8_t)y.v[c];
    }
}
static inline px4 px_round8(px4 v)
{
    for (int c = 0; c < 4; c++) {
        int32_t i = (int32_t)(v.v[c] + 0.5f);
        v.v[c] = (float)(i < 0 ? 0 : i > 255 ? 255 : i);
    }
    return v;
}
#endif

/* The horizontal pass of source row y, in the ring (computed again if it was dropped). */
static const float *rs_hrow(gi__rs *rs, int32_t y)
{
    int32_t w = rs->out->width, slot = y % rs->ring_rows;
    float *trow = rs->ring + (size_t)slot * (size_t)w * 4;
    if (rs->slot_row[slot] == y)
        return trow;
    const taps *tx = &rs->tx;
    size_t n4 = (size_t)rs->in->width * 4;
    const uint8_t *row = rs->in->rgba + (size_t)y * n4;
    float *f = rs->srcf;
    for (size_t i = 0; i < n4; i++)
        f[i] = (float)row[i];
    for (int32_t x = 0; x < w; x++) {
        const int32_t *ix = tx->idx + (size_t)x * (size_t)tx->max;
        const float *wt = tx->w + (size_t)x * (size_t)tx->max;
        px4 acc = PX_ZERO;
        for (int32_t q = 0; q < tx->n[x]; q++)
            acc = PX_MADD(acc, wt[q], px_load(f + (size_t)ix[q] * 4));
        px_store(trow + (size_t)x * 4, rs->h_round ? px_round8(acc) : acc);
    }
    rs->slot_row[slot] = y;
    return trow;
}

void gi__rs_rows(gi__rs *rs, int32_t n)
{
    gi_image *out = rs->out;
    int32_t w = out->width, end = rs->v_done + n > out->height ? out->height : rs->v_done + n;
    const taps *ty = &rs->ty;
    for (int32_t y = rs->v_done; y < end; y++) {
        const int32_t *iy = ty->idx + (size_t)y * (size_t)ty->max;
        const float *wt = ty->w + (size_t)y * (size_t)ty->max;
        uint8_t *orow = out->rgba + (size_t)y * (size_t)w * 4;
        int32_t nt = ty->n[y];
        /* Source rows in increasing order, so each is computed once in the common case. */
        int32_t lo = iy[0], hi = iy[0];
        for (int32_t q = 1; q < nt; q++) {
            lo = iy[q] < lo ? iy[q] : lo;
            hi = iy[q] > hi ? iy[q] : hi;
        }
        for (int32_t r = lo; r <= hi; r++)
            rs_hrow(rs, r);
        const float **src = rs->src;
        for (int32_t q = 0; q < nt; q++)
            src[q] = rs_hrow(rs, iy[q]);
        /* Two pixels at a time (independent sums), then the odd one. */
        size_t x = 0, n4 = (size_t)w * 4;
        for (; x + 8 <= n4; x += 8) {
            px4 a0 = PX_ZERO, a1 = PX_ZERO;
            for (int32_t q = 0; q < nt; q++) {
                a0 = PX_MADD(a0, wt[q], px_load(src[q] + x));
                a1 = PX_MADD(a1, wt[q], px_load(src[q] + x + 4));
            }
            px_store8(orow + x, a0, a1);
        }
        for (; x < n4; x += 4) {
            px4 a0 = PX_ZERO;
            for (int32_t q = 0; q < nt; q++)
                a0 = PX_MADD(a0, wt[q], px_load(src[q] + x));
            float v[4];
            px_store(v, px_round8(a0));
            for (int c = 0; c < 4; c++)
                orow[x + (size_t)c] = (uint8_t)v[c];
        }
    }
    rs->v_done = end;
}

int64_t gi__rs_row_cost(const gi__rs *rs)
{
    int64_t w4 = (int64_t)rs->out->width * 4;
    int64_t h = w4 * (rs->tx.max + 1) * rs->in->height / rs->out->height;
    return (w4 * (rs->ty.max + 1) + h) * RS_UNITS_PER_TAP2 / 2;
}

void gi__rs_end(gi__rs *rs)
{
    if (rs->a) {
        taps_free(rs->a, &rs->tx);
        taps_free(rs->a, &rs->ty);
        if (rs->ring)
            ga_free(rs->a, rs->ring);
        if (rs->slot_row)
            ga_free(rs->a, rs->slot_row);
        if (rs->src)
            ga_free(rs->a, (void *)rs->src);
        if (rs->srcf)
            ga_free(rs->a, rs->srcf);
    }
    memset(rs, 0, sizeof *rs);
}

int32_t gi__take_rows(int64_t *budget, int64_t cost, int32_t remaining)
{
    if (remaining <= 0)
        return 0;
    int64_t n = cost > 0 ? *budget / cost : remaining;
    if (n < 1)
        n = 1;
    if (n > remaining)
        n = remaining;
    *budget -= n * cost;
    return (int32_t)n;
}

genapi_status gi__resample(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_kernel k, gi_image *out,
                           genapi_error *err)
{
    gi__rs rs;
    genapi_status st = gi__rs_begin(a, in, w, h, k, &rs, out, err);
    if (st != GENAPI_OK)
        return st;
    gi__rs_rows(&rs, h);
    gi__rs_end(&rs);
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

/* SD.Next's names first (they are the listing), then AUTOMATIC1111's for the same upscalers. */
static const upscaler UPSCALERS[] = {
    {"None", GI_K_NEAREST, 0.0},
    {"Resize Nearest", GI_K_NEAREST, 0.0},
    {"Resize Lanczos", GI_K_LANCZOS3, 0.0},
    {"Resize Bicubic", GI_K_LANCZOS3, 0.15},
    {"Resize Bilinear", GI_K_AUTO, 0.0},
    {"Resize Hamming", GI_K_AUTO, 0.1},
    {"Resize Box", GI_K_NEAREST, 0.05},
    {"ESRGAN 4x Ultrasharp", GI_K_LANCZOS3, 0.9},
    {"ESRGAN 4x Remacri", GI_K_LANCZOS3, 0.6},
    {"RealESRGAN 4x+", GI_K_LANCZOS3, 0.8},
    {"RealESRGAN 4x+ Anime6B", GI_K_LANCZOS3, 1.1},
    {"RealESRGAN 2x+", GI_K_LANCZOS3, 0.5},
    {"SwinIR 4x GAN", GI_K_LANCZOS3, 0.45},
    {"SCUNet GAN", GI_K_LANCZOS3, 0.7},
    /* AUTOMATIC1111 */
    {"Nearest", GI_K_NEAREST, 0.0},
    {"Lanczos", GI_K_LANCZOS3, 0.0},
    {"R-ESRGAN 4x+", GI_K_LANCZOS3, 0.8},
    {"R-ESRGAN 4x+ Anime6B", GI_K_LANCZOS3, 1.1},
    {"ESRGAN_4x", GI_K_LANCZOS3, 0.6},
    {"SwinIR_4x", GI_K_LANCZOS3, 0.45},
    {"SwinIR 4x", GI_K_LANCZOS3, 0.45},
    {"ScuNET GAN", GI_K_LANCZOS3, 0.7},
};
#define N_UPSCALERS (sizeof UPSCALERS / sizeof UPSCALERS[0])
#define N_LISTED 14 /* the SD.Next names */

static const char *const UPSCALER_NAMES[N_LISTED + 1] = {
    "None", "Resize Nearest", "Resize Lanczos", "Resize Bicubic", "Resize Bilinear", "Resize Hamming", "Resize Box",
    "ESRGAN 4x Ultrasharp", "ESRGAN 4x Remacri", "RealESRGAN 4x+", "RealESRGAN 4x+ Anime6B", "RealESRGAN 2x+",
    "SwinIR 4x GAN", "SCUNet GAN", NULL};

static int same_ci(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
        if (x == 0)
            return 1;
    }
}

const char *gi_upscaler_canonical(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_UPSCALERS; i++)
        if (same_ci(UPSCALERS[i].name, name))
            return UPSCALERS[i].name;
    return NULL;
}

const char *const *gi_upscaler_names(void)
{
    return UPSCALER_NAMES;
}

/* Unsharp mask, in place, of rows [y0, y1) of img (rows before y0 already done, in order):
 * prev holds the original of row y0 - 1, cur receives the original of each row before it is
 * overwritten; the alpha channel is kept. */
static void unsharp_rows(gi_image *img, double amount, uint8_t **prev, uint8_t **cur, int32_t y0, int32_t y1)
{
    size_t w = (size_t)img->width, h = (size_t)img->height;
    static const int K[3] = {1, 2, 1};
    for (size_t y = (size_t)y0; y < (size_t)y1; y++) {
        uint8_t *row = img->rgba + y * w * 4;
        memcpy(*cur, row, w * 4);
        const uint8_t *rows[3] = {y == 0 ? *cur : *prev, *cur, y + 1 == h ? *cur : row + w * 4};
        for (size_t x = 0; x < w; x++) {
            for (size_t c = 0; c < 3; c++) {
                int sum = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    const uint8_t *sr = rows[dy + 1];
                    for (int dx = -1; dx <= 1; dx++) {
                        size_t xx = (dx < 0 && x == 0) ? 0 : (dx > 0 && x + 1 == w) ? x : (size_t)((int64_t)x + dx);
                        sum += K[dy + 1] * K[dx + 1] * sr[xx * 4 + c];
                    }
                }
                double v = (double)(*cur)[x * 4 + c];
                double blur = (double)sum / 16.0;
                row[x * 4 + c] = to_u8(v + amount * (v - blur));
            }
        }
        uint8_t *t = *prev;
        *prev = *cur;
        *cur = t;
    }
}

/* Work units of one pixel of the unsharp mask. */
#define UNSHARP_UNITS 40

struct gi_upscale_job {
    const ga_alloc *a;
    gi__rs rs;
    gi_image r;          /* the result (resampled, then sharpened in place) */
    uint8_t *prev, *cur; /* original rows kept while sharpening */
    double sharpen;
    int phase;           /* 0 resampling, 1 sharpening, 2 done */
    int32_t sharp_done;
    int64_t done_units, total_units;
};

genapi_status gi_upscale_begin(const ga_alloc *a, const gi_image *in, double factor, const char *name,
                               gi_upscale_job **job, genapi_error *err)
{
    if (job)
        *job = NULL;
    if (!a || !job)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "gi_upscale_begin: NULL argument");
    if (!image_ok(in))
        return ga_err(err, GENAPI_E_INVALID_ARG, "image", "Invalid input image");
    if (!(factor > 0.0 && factor <= 8.0))
        return ga_err(err, GENAPI_E_INVALID_ARG, "upscaling_resize", "upscaling_resize must be in (0, 8], got %g",
                      factor);
    if (!name)
        name = "None";
    const upscaler *u = NULL;
    for (size_t i = 0; i < N_UPSCALERS; i++)
        if (same_ci(UPSCALERS[i].name, name))
            u = &UPSCALERS[i];
    if (!u)
        return ga_err(err, GENAPI_E_INVALID_ARG, "upscaler_1",
                      "could not find upscaler named '%.200s' (valid: None, Resize Nearest, Resize Lanczos, "
                      "RealESRGAN 4x+, SwinIR 4x GAN, ...)",
                      name);
    double fw = floor((double)in->width * factor + 0.5), fh = floor((double)in->height * factor + 0.5);
    if (fw < 1.0)
        fw = 1.0;
    if (fh < 1.0)
        fh = 1.0;
    if (fw > (double)GI_MAX_SIDE || fh > (double)GI_MAX_SIDE || fw * fh > (double)GI_MAX_PIXELS)
        return ga_err(err, GENAPI_E_INVALID_ARG, "upscaling_resize", "Upscaled size %.0fx%.0f is too large", fw, fh);
    gi_upscale_job *j = ga_calloc(a, 1, sizeof *j);
    if (!j)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory");
    j->a = a;
    j->sharpen = u->sharpen;
    genapi_status st = gi__rs_begin(a, in, (int32_t)fw, (int32_t)fh, u->kernel, &j->rs, &j->r, err);
    if (st == GENAPI_OK && j->sharpen > 0.0) {
        j->prev = ga_malloc(a, (size_t)j->r.width * 4);
        j->cur = ga_malloc(a, (size_t)j->r.width * 4);
        if (!j->prev || !j->cur)
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory");
    }
    if (st != GENAPI_OK) {
        gi_upscale_free(j);
        return st;
    }
    j->total_units = gi__rs_row_cost(&j->rs) * j->r.height;
    if (j->sharpen > 0.0)
        j->total_units += (int64_t)j->r.width * UNSHARP_UNITS * j->r.height;
    *job = j;
    return GENAPI_OK;
}

int gi_upscale_step(gi_upscale_job *j, int64_t budget)
{
    if (budget <= 0)
        budget = GI_STEP_UNITS;
    int64_t left = budget;
    while (left > 0 && j->phase < 2) {
        if (j->phase == 0) {
            int64_t c = gi__rs_row_cost(&j->rs);
            int32_t n = gi__take_rows(&left, c, j->r.height - j->rs.v_done);
            gi__rs_rows(&j->rs, n);
            j->done_units += c * n;
            if (j->rs.v_done == j->r.height) {
                gi__rs_end(&j->rs);
                j->phase = j->sharpen > 0.0 ? 1 : 2;
            }
        } else {
            int64_t c = (int64_t)j->r.width * UNSHARP_UNITS;
            int32_t n = gi__take_rows(&left, c, j->r.height - j->sharp_done);
            unsharp_rows(&j->r, j->sharpen, &j->prev, &j->cur, j->sharp_done, j->sharp_done + n);
            j->sharp_done += n;
            j->done_units += c * n;
            if (j->sharp_done == j->r.height)
                j->phase = 2;
        }
    }
    return j->phase == 2;
}

int gi_upscale_done(const gi_upscale_job *j)
{
    return j->phase == 2;
}

void gi_upscale_progress(const gi_upscale_job *j, int64_t *done, int64_t *total)
{
    *done = j->done_units;
    *total = j->total_units;
}

genapi_status gi_upscale_end(gi_upscale_job *j, gi_image *out, genapi_error *err)
{
    if (out) {
        out->width = 0;
        out->height = 0;
        out->rgba = NULL;
    }
    if (!j || !out) {
        gi_upscale_free(j);
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "gi_upscale_end: NULL argument");
    }
    while (!gi_upscale_step(j, INT64_MAX))
        ;
    *out = j->r;
    j->r.rgba = NULL;
    gi_upscale_free(j);
    return GENAPI_OK;
}

void gi_upscale_free(gi_upscale_job *j)
{
    if (!j)
        return;
    gi__rs_end(&j->rs);
    gi_image_free(j->a, &j->r);
    if (j->prev)
        ga_free(j->a, j->prev);
    if (j->cur)
        ga_free(j->a, j->cur);
    ga_free(j->a, j);
}

genapi_status gi_upscale(const ga_alloc *a, const gi_image *in, double factor, const char *name, gi_image *out,
                         genapi_error *err)
{
    if (out) {
        out->width = 0;
        out->height = 0;
        out->rgba = NULL;
    }
    gi_upscale_job *j = NULL;
    genapi_status st = gi_upscale_begin(a, in, factor, name, &j, err);
    if (st != GENAPI_OK)
        return st;
    return gi_upscale_end(j, out, err);
}
