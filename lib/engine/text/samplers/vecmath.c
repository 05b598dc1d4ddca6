/*
 * Fixed-order numeric kernels of the sampler pipeline.
 *
 * Reductions work on blocks of 256 values split into 8 lanes (lane l takes the values
 * j*8 + l of the block): each lane adds its 32 values in order, the lanes are combined
 * pairwise ((0+1)+(2+3))+((4+5)+(6+7)) in float and the block results are added in double
 * in block order. A trailing partial block uses the same lane structure. Maxima are taken
 * per block of 32 (GSI_BLOCK); max is exact, so its grouping does not matter (only the sign
 * of a zero maximum may differ, which no caller can observe). The results are therefore
 * fixed by the input, whatever the compiler does.
 *
 * With GCC or Clang the blocks are written with portable vector extensions (two 4-lane
 * vectors per block; SSE2 on x86-64, NEON on arm64), plus the SSE2 max and sign-mask
 * instructions where available; elsewhere, or with GSI_SCALAR_KERNELS defined, plain loops
 * perform the same operations in the same order and give the same bits. gsi_expf uses only
 * IEEE-754 +, *, and exact bit manipulation, so it is identical on every platform (no libm
 * variation). Inputs are finite or -inf (never NaN); max is "a > b ? a : b" everywhere.
 */
#include "engine/text/samplers/samplers_internal.h"

#include <float.h>

#define LANES 8
#define RBLOCK 32   /* maxima, masks, element-wise kernels */
#define SBLOCK 256  /* sums */
#define NEG_INF_BITS 0xff800000u
#define ONE_BITS 0x3f800000u

#define EXP_LOG2E 1.44269504088896341f
#define EXP_LN2_HI 0.693359375f     /* 9 significant bits: k * EXP_LN2_HI is exact */
#define EXP_LN2_LO -2.12194440e-4f  /* ln2 - EXP_LN2_HI */
#define EXP_SHIFTER 12582912.0f     /* 1.5 * 2^23: (x + S) - S rounds x to an integer */
#define EXP_LIMIT_BITS 0x42ae0000u  /* 87.0f */
#define EXP_FLOOR_BITS 0xc2ae0000u  /* -87.0f */

_Static_assert(GSI_BLOCK == RBLOCK, "block maxima use the kernel block size");

static inline uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline float lanes_sum(const float *a)
{
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/* exp(x) for -87 <= x <= 87; 0 when |x| > 87 (callers pass x <= 0, so this is the underflow
 * of large negative x) and for NaN. x = k ln2 + r with |r| <= ln2/2; e^r by its degree-7
 * Taylor polynomial (truncation error < 6e-9 relative); 2^k built in the exponent field. */
float gsi_expf(float x)
{
    const uint32_t b = f2u(x);
    const uint32_t out = 0u - (uint32_t)((b & 0x7fffffffu) > EXP_LIMIT_BITS);
    const float xc = u2f((b & ~out) | (EXP_FLOOR_BITS & out));
    const float k = (xc * EXP_LOG2E + EXP_SHIFTER) - EXP_SHIFTER; /* integer in [-126, 126] */
    const float r = (xc - k * EXP_LN2_HI) - k * EXP_LN2_LO;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const float scale = u2f((uint32_t)((int32_t)k + 127) << 23);
    return u2f(f2u(p * scale) & ~out);
}

/* ---- partial blocks (shared by both implementations) ---- */

static double tail_sum(const float *x, size_t n)
{
    float acc[LANES] = {0};
    for (size_t j = 0; j < n; j++)
        acc[j % LANES] += x[j];
    return (double)lanes_sum(acc);
}

static double tail_sum_wd(const float *w, const float *x, float m, size_t n)
{
    float acc[LANES] = {0};
    for (size_t j = 0; j < n; j++)
        acc[j % LANES] += w[j] * (x[j] - m);
    return (double)lanes_sum(acc);
}

static inline float fmax2(float a, float b)
{
    return a > b ? a : b;
}

/* lanes combined as max(max(max(l0,l1),max(l2,l3)), max(max(l4,l5),max(l6,l7))) */
static inline float lanes_max(const float *a)
{
    return fmax2(fmax2(fmax2(a[0], a[1]), fmax2(a[2], a[3])),
                 fmax2(fmax2(a[4], a[5]), fmax2(a[6], a[7])));
}

static float tail_max(const float *x, size_t n)
{
    float acc[LANES];
    for (size_t l = 0; l < LANES; l++)
        acc[l] = -INFINITY;
    for (size_t j = 0; j < n; j++)
        acc[j % LANES] = fmax2(x[j], acc[j % LANES]);
    return lanes_max(acc);
}

/* bit j set when x[j] >= t */
static uint32_t tail_ge_mask(const float *x, size_t n, float t)
{
    uint32_t m = 0;
    for (size_t j = 0; j < n; j++)
        m |= (uint32_t)(x[j] >= t) << j;
    return m;
}

/* count, sum and sum of squares of the live (not -inf) values of x - c */
static void tail_stats(const float *x, size_t n, float c, float *cnt, float *sum, float *sq)
{
    float ac[LANES] = {0}, as[LANES] = {0}, aq[LANES] = {0};
    for (size_t j = 0; j < n; j++) {
        uint32_t live = 0u - (uint32_t)(f2u(x[j]) != NEG_INF_BITS);
        float d = u2f(f2u(x[j] - c) & live);
        ac[j % LANES] += u2f(ONE_BITS & live);
        as[j % LANES] += d;
        aq[j % LANES] += d * d;
    }
    *cnt = lanes_sum(ac);
    *sum = lanes_sum(as);
    *sq = lanes_sum(aq);
}

/* sum and sum of squares of x - c, no -inf expected (a -inf makes the sums non-finite) */
static void tail_stats_fast(const float *x, size_t n, float c, float *sum, float *sq)
{
    float as[LANES] = {0}, aq[LANES] = {0};
    for (size_t j = 0; j < n; j++) {
        float d = x[j] - c;
        as[j % LANES] += d;
        aq[j % LANES] += d * d;
    }
    *sum = lanes_sum(as);
    *sq = lanes_sum(aq);
}

#if defined(__GNUC__) && !defined(GSI_SCALAR_KERNELS)

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

static inline v4f vld(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void vst(float *p, v4f v)
{
    memcpy(p, &v, sizeof v);
}

static inline v4f vsplat(float f)
{
    v4f v = {f, f, f, f};
    return v;
}

static inline v4i isplat(int32_t i)
{
    v4i v = {i, i, i, i};
    return v;
}

static inline void store_lanes(float *out, v4f lo, v4f hi)
{
    vst(out, lo);
    vst(out + 4, hi);
}

/* per lane: a > b ? a : b */
static inline v4f vmax(v4f a, v4f b)
{
#if defined(__SSE2__)
    return _mm_max_ps(a, b);
#else
    v4i gt = a > b;
    return (v4f)(((v4i)a & gt) | ((v4i)b & ~gt));
#endif
}

/* bit l set when lane l of the comparison result is true */
static inline uint32_t vmask(v4i m)
{
#if defined(__SSE2__)
    return (uint32_t)_mm_movemask_ps((__m128)m);
#else
    return ((uint32_t)m[0] >> 31) | (((uint32_t)m[1] >> 31) << 1) |
           (((uint32_t)m[2] >> 31) << 2) | (((uint32_t)m[3] >> 31) << 3);
#endif
}

/* max over the 8 lanes lo[0..3], hi[0..3] (max is exact: any grouping gives the same value) */
static inline float hmax8(v4f lo, v4f hi)
{
#if defined(__SSE2__)
    __m128 v = _mm_max_ps(lo, hi);
    v = _mm_max_ps(v, _mm_movehl_ps(v, v));
    v = _mm_max_ss(v, _mm_shuffle_ps(v, v, 1));
    return _mm_cvtss_f32(v);
#else
    float a[LANES];
    store_lanes(a, lo, hi);
    return lanes_max(a);
#endif
}

static inline v4i vlive(v4f x)
{
    return (v4i)x != isplat((int32_t)NEG_INF_BITS);
}

static inline v4f vexp(v4f x)
{
    const v4i b = (v4i)x;
    const v4i out = (b & isplat(0x7fffffff)) > isplat((int32_t)EXP_LIMIT_BITS);
    const v4f xc = (v4f)((b & ~out) | (isplat((int32_t)EXP_FLOOR_BITS) & out));
    const v4f k = (xc * vsplat(EXP_LOG2E) + vsplat(EXP_SHIFTER)) - vsplat(EXP_SHIFTER);
    const v4f r = (xc - k * vsplat(EXP_LN2_HI)) - k * vsplat(EXP_LN2_LO);
    v4f p = vsplat(1.0f / 5040.0f);
    p = p * r + vsplat(1.0f / 720.0f);
    p = p * r + vsplat(1.0f / 120.0f);
    p = p * r + vsplat(1.0f / 24.0f);
    p = p * r + vsplat(1.0f / 6.0f);
    p = p * r + vsplat(0.5f);
    p = p * r + vsplat(1.0f);
    p = p * r + vsplat(1.0f);
    const v4i ki = __builtin_convertvector(k, v4i);
    const v4f scale = (v4f)((ki + isplat(127)) << 23);
    return (v4f)((v4i)(p * scale) & ~out);
}

static void block_exp(const float *x, float m, float *out)
{
    const v4f mv = vsplat(m);
    for (size_t j = 0; j < RBLOCK; j += 4)
        vst(out + j, vexp(vld(x + j) - mv));
}

static double block_sum(const float *x)
{
    v4f lo = vsplat(0.0f), hi = vsplat(0.0f);
    for (size_t j = 0; j < SBLOCK; j += LANES) {
        lo += vld(x + j);
        hi += vld(x + j + 4);
    }
    float a[LANES];
    store_lanes(a, lo, hi);
    return (double)lanes_sum(a);
}

static double block_sum_wd(const float *w, const float *x, float m)
{
    const v4f mv = vsplat(m);
    v4f lo = vsplat(0.0f), hi = vsplat(0.0f);
    for (size_t j = 0; j < SBLOCK; j += LANES) {
        lo += vld(w + j) * (vld(x + j) - mv);
        hi += vld(w + j + 4) * (vld(x + j + 4) - mv);
    }
    float a[LANES];
    store_lanes(a, lo, hi);
    return (double)lanes_sum(a);
}

static float block_max(const float *x)
{
    v4f lo = vsplat(-INFINITY), hi = lo;
    for (size_t j = 0; j < RBLOCK; j += LANES) {
        lo = vmax(vld(x + j), lo);
        hi = vmax(vld(x + j + 4), hi);
    }
    return hmax8(lo, hi);
}

static float group8_max(const float *x)
{
    return hmax8(vld(x), vld(x + 4));
}

/* One SBLOCK: maxima of its 32-value blocks into bmax, lane sums of x - c and (x - c)^2. */
static void block_stats_fast(const float *x, float c, float *bmax, float *sum, float *sq)
{
    const v4f cv = vsplat(c);
    v4f slo = vsplat(0.0f), shi = slo, qlo = slo, qhi = slo;
    float t[LANES];
    for (size_t s0 = 0; s0 < SBLOCK; s0 += RBLOCK) {
        v4f mlo = vsplat(-INFINITY), mhi = mlo;
        for (size_t j = s0; j < s0 + RBLOCK; j += LANES) {
            v4f a = vld(x + j), b = vld(x + j + 4);
            mlo = vmax(a, mlo);
            mhi = vmax(b, mhi);
            v4f da = a - cv, db = b - cv;
            slo += da;
            shi += db;
            qlo += da * da;
            qhi += db * db;
        }
        bmax[s0 / RBLOCK] = hmax8(mlo, mhi);
    }
    store_lanes(t, slo, shi);
    *sum = lanes_sum(t);
    store_lanes(t, qlo, qhi);
    *sq = lanes_sum(t);
}

/* One SBLOCK, -inf values excluded: count, sum and sum of squares of x - c. */
static void block_stats(const float *x, float c, float *cnt, float *sum, float *sq)
{
    const v4f cv = vsplat(c);
    const v4i one = isplat((int32_t)ONE_BITS);
    v4f clo = vsplat(0.0f), chi = clo, slo = clo, shi = clo, qlo = clo, qhi = clo;
    for (size_t j = 0; j < SBLOCK; j += LANES) {
        v4f a = vld(x + j), b = vld(x + j + 4);
        v4i la = vlive(a), lb = vlive(b);
        v4f da = (v4f)((v4i)(a - cv) & la), db = (v4f)((v4i)(b - cv) & lb);
        clo += (v4f)(one & la);
        chi += (v4f)(one & lb);
        slo += da;
        shi += db;
        qlo += da * da;
        qhi += db * db;
    }
    float t[LANES];
    store_lanes(t, clo, chi);
    *cnt = lanes_sum(t);
    store_lanes(t, slo, shi);
    *sum = lanes_sum(t);
    store_lanes(t, qlo, qhi);
    *sq = lanes_sum(t);
}

static uint32_t block_ge_mask(const float *x, float t)
{
    const v4f tv = vsplat(t);
    uint32_t m = 0;
    for (size_t j = 0; j < RBLOCK; j += 4)
        m |= vmask(vld(x + j) >= tv) << j;
    return m;
}

static int block_all_live(const float *x)
{
    v4i acc = isplat(-1);
    for (size_t j = 0; j < RBLOCK; j += 4)
        acc &= vlive(vld(x + j));
    return vmask(acc) == 0xfu;
}

static void block_div(float *x, float t)
{
    const v4f tv = vsplat(t);
    for (size_t j = 0; j < RBLOCK; j += 4)
        vst(x + j, vld(x + j) / tv);
}

#else /* scalar kernels: the same operations in the same order */

static void block_exp(const float *x, float m, float *out)
{
    for (size_t j = 0; j < RBLOCK; j++)
        out[j] = gsi_expf(x[j] - m);
}

static double block_sum(const float *x)
{
    return tail_sum(x, SBLOCK);
}

static double block_sum_wd(const float *w, const float *x, float m)
{
    return tail_sum_wd(w, x, m, SBLOCK);
}

static float block_max(const float *x)
{
    return tail_max(x, RBLOCK);
}

static float group8_max(const float *x)
{
    return tail_max(x, 8);
}

static void block_stats_fast(const float *x, float c, float *bmax, float *sum, float *sq)
{
    for (size_t s0 = 0; s0 < SBLOCK; s0 += RBLOCK)
        bmax[s0 / RBLOCK] = tail_max(x + s0, RBLOCK);
    tail_stats_fast(x, SBLOCK, c, sum, sq);
}

static void block_stats(const float *x, float c, float *cnt, float *sum, float *sq)
{
    tail_stats(x, SBLOCK, c, cnt, sum, sq);
}

static uint32_t block_ge_mask(const float *x, float t)
{
    return tail_ge_mask(x, RBLOCK, t);
}

static int block_all_live(const float *x)
{
    int all = 1;
    for (size_t j = 0; j < RBLOCK; j++)
        all &= f2u(x[j]) != NEG_INF_BITS;
    return all;
}

static void block_div(float *x, float t)
{
    for (size_t j = 0; j < RBLOCK; j++)
        x[j] = x[j] / t;
}

#endif

/* ---- public kernels ---- */

void gsi_vexp(const float *x, float m, float *out, size_t n)
{
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK)
        block_exp(x + i, m, out + i);
    for (; i < n; i++)
        out[i] = gsi_expf(x[i] - m);
}

double gsi_vsum(const float *x, size_t n)
{
    double total = 0.0;
    size_t i = 0;
    for (; i + SBLOCK <= n; i += SBLOCK)
        total += block_sum(x + i);
    if (i < n)
        total += tail_sum(x + i, n - i);
    return total;
}

double gsi_vsum_wd(const float *w, const float *x, float m, size_t n)
{
    double total = 0.0;
    size_t i = 0;
    for (; i + SBLOCK <= n; i += SBLOCK)
        total += block_sum_wd(w + i, x + i, m);
    if (i < n)
        total += tail_sum_wd(w + i, x + i, m, n - i);
    return total;
}

float gsi_vmax(const float *x, size_t n)
{
    float m = -INFINITY;
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK)
        m = fmax2(block_max(x + i), m);
    if (i < n)
        m = fmax2(tail_max(x + i, n - i), m);
    return m;
}

void gsi_group8_max(const float *x, size_t n, float *gmax, float *bmax)
{
    size_t g = 0, b = 0, i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK) {
        const float a = group8_max(x + i), c = group8_max(x + i + 8);
        const float d = group8_max(x + i + 16), e = group8_max(x + i + 24);
        gmax[g] = a;
        gmax[g + 1] = c;
        gmax[g + 2] = d;
        gmax[g + 3] = e;
        g += 4;
        bmax[b++] = fmax2(fmax2(a, c), fmax2(d, e));
    }
    if (i < n) {
        bmax[b] = tail_max(x + i, n - i);
        for (size_t j = i; j < n; j += 8)
            gmax[g++] = tail_max(x + j, n - j < 8 ? n - j : 8);
    }
}

void gsi_block_max(const float *x, size_t n, float *bmax)
{
    size_t b = 0, i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK)
        bmax[b++] = block_max(x + i);
    if (i < n)
        bmax[b] = tail_max(x + i, n - i);
}

/* Unmasked pass first (the usual case: no -inf); a -inf anywhere makes its sums non-finite,
 * and the masked pass is run instead. Both give identical sums on -inf-free input. */
void gsi_vstats(const float *x, size_t n, float c, float *bmax, gsi_stats *st)
{
    double sum = 0.0, sq = 0.0;
    size_t i = 0;
    for (; i + SBLOCK <= n; i += SBLOCK) {
        float fs, fq;
        block_stats_fast(x + i, c, bmax + i / RBLOCK, &fs, &fq);
        sum += (double)fs;
        sq += (double)fq;
    }
    if (i < n) {
        float fs, fq;
        gsi_block_max(x + i, n - i, bmax + i / RBLOCK);
        tail_stats_fast(x + i, n - i, c, &fs, &fq);
        sum += (double)fs;
        sq += (double)fq;
    }
    st->max = gsi_vmax(bmax, (n + RBLOCK - 1) / RBLOCK);
    if (isfinite(sum) && isfinite(sq)) {
        st->count = (double)n;
        st->sum = sum;
        st->sumsq = sq;
        return;
    }
    double cnt = 0.0;
    sum = sq = 0.0;
    for (i = 0; i + SBLOCK <= n; i += SBLOCK) {
        float fc, fs, fq;
        block_stats(x + i, c, &fc, &fs, &fq);
        cnt += (double)fc;
        sum += (double)fs;
        sq += (double)fq;
    }
    if (i < n) {
        float fc, fs, fq;
        tail_stats(x + i, n - i, c, &fc, &fs, &fq);
        cnt += (double)fc;
        sum += (double)fs;
        sq += (double)fq;
    }
    st->count = cnt;
    st->sum = sum;
    st->sumsq = sq;
}

uint32_t gsi_block_ge_mask(const float *x, size_t n, float t)
{
    return n == RBLOCK ? block_ge_mask(x, t) : tail_ge_mask(x, n, t);
}

int gsi_block_all_live(const float *x)
{
    return block_all_live(x);
}

void gsi_vdiv(float *x, size_t n, float t)
{
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK)
        block_div(x + i, t);
    for (; i < n; i++)
        x[i] = x[i] / t;
}

float gsi_float_ceil(double t)
{
    if (t != t)
        return INFINITY; /* nothing passes a NaN threshold */
    if (t > (double)FLT_MAX)
        return INFINITY;
    if (t < -(double)FLT_MAX)
        return -FLT_MAX;
    float f = (float)t;
    if ((double)f < t)
        f = nextafterf(f, INFINITY);
    return f;
}
