/*
 * Fixed-order numeric kernels of the sampler pipeline.
 *
 * Every kernel works on blocks of 32 values split into 8 lanes (lane l takes the values
 * j*8 + l of the block); a reduction adds the 4 values of a lane in order, combines the lanes
 * pairwise ((0+1)+(2+3))+((4+5)+(6+7)) in float and adds the block results in double in
 * block order. A trailing partial block uses the same lane structure. The results are
 * therefore fixed by the input, whatever the compiler does.
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
#define RBLOCK 32
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

/* count, sum and sum of squares of the live (not -inf) values, shifted by c */
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

#if defined(__GNUC__) && !defined(GSI_SCALAR_KERNELS)

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

static inline v4i vkey(v4f x)
{
    const v4i b = (v4i)x;
    return (b & isplat(0x7fffffff)) ^ (b < isplat(0));
}

static inline v4i vmaxi(v4i a, v4i b)
{
    v4i gt = a > b;
    return (a & gt) | (b & ~gt);
}

static inline v4i vlive(v4f x)
{
    return (v4i)x != isplat((int32_t)NEG_INF_BITS);
}

static inline void store_lanes(float *out, v4f lo, v4f hi)
{
    vst(out, lo);
    vst(out + 4, hi);
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
    for (size_t j = 0; j < RBLOCK; j += LANES) {
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
    for (size_t j = 0; j < RBLOCK; j += LANES) {
        lo += vld(w + j) * (vld(x + j) - mv);
        hi += vld(w + j + 4) * (vld(x + j + 4) - mv);
    }
    float a[LANES];
    store_lanes(a, lo, hi);
    return (double)lanes_sum(a);
}

static int32_t block_max_key(const float *x)
{
    v4i lo = vkey(vld(x)), hi = vkey(vld(x + 4));
    for (size_t j = LANES; j < RBLOCK; j += LANES) {
        lo = vmaxi(vkey(vld(x + j)), lo);
        hi = vmaxi(vkey(vld(x + j + 4)), hi);
    }
    v4i m = vmaxi(lo, hi);
    int32_t r = m[0];
    for (int l = 1; l < 4; l++)
        r = m[l] > r ? m[l] : r;
    return r;
}

static void block_stats(const float *x, float c, int32_t *maxkey, float *cnt, float *sum,
                        float *sq)
{
    const v4f cv = vsplat(c);
    const v4i one = isplat((int32_t)ONE_BITS);
    v4i mlo = isplat(order_key(-INFINITY)), mhi = mlo;
    v4f clo = vsplat(0.0f), chi = clo, slo = clo, shi = clo, qlo = clo, qhi = clo;
    for (size_t j = 0; j < RBLOCK; j += LANES) {
        v4f a = vld(x + j), b = vld(x + j + 4);
        v4i la = vlive(a), lb = vlive(b);
        mlo = vmaxi(vkey(a), mlo);
        mhi = vmaxi(vkey(b), mhi);
        v4f da = (v4f)((v4i)(a - cv) & la), db = (v4f)((v4i)(b - cv) & lb);
        clo += (v4f)(one & la);
        chi += (v4f)(one & lb);
        slo += da;
        shi += db;
        qlo += da * da;
        qhi += db * db;
    }
    v4i m = vmaxi(mlo, mhi);
    int32_t r = m[0];
    for (int l = 1; l < 4; l++)
        r = m[l] > r ? m[l] : r;
    *maxkey = r;
    float t[LANES];
    store_lanes(t, clo, chi);
    *cnt = lanes_sum(t);
    store_lanes(t, slo, shi);
    *sum = lanes_sum(t);
    store_lanes(t, qlo, qhi);
    *sq = lanes_sum(t);
}

static int block_all_live(const float *x)
{
    v4i acc = isplat(-1);
    for (size_t j = 0; j < RBLOCK; j += 4)
        acc &= vlive(vld(x + j));
    return (acc[0] & acc[1] & acc[2] & acc[3]) != 0;
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
    return tail_sum(x, RBLOCK);
}

static double block_sum_wd(const float *w, const float *x, float m)
{
    return tail_sum_wd(w, x, m, RBLOCK);
}

static int32_t block_max_key(const float *x)
{
    return tail_max_key(x, RBLOCK);
}

static void block_stats(const float *x, float c, int32_t *maxkey, float *cnt, float *sum,
                        float *sq)
{
    *maxkey = tail_max_key(x, RBLOCK);
    tail_stats(x, RBLOCK, c, cnt, sum, sq);
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
    for (; i + RBLOCK <= n; i += RBLOCK)
        total += block_sum(x + i);
    if (i < n)
        total += tail_sum(x + i, n - i);
    return total;
}

double gsi_vsum_wd(const float *w, const float *x, float m, size_t n)
{
    double total = 0.0;
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK)
        total += block_sum_wd(w + i, x + i, m);
    if (i < n)
        total += tail_sum_wd(w + i, x + i, m, n - i);
    return total;
}

float gsi_vmax(const float *x, size_t n)
{
    int32_t m = order_key(-INFINITY);
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK) {
        int32_t b = block_max_key(x + i);
        m = b > m ? b : m;
    }
    if (i < n) {
        int32_t b = tail_max_key(x + i, n - i);
        m = b > m ? b : m;
    }
    return from_order_key(m);
}

void gsi_block_max(const float *x, size_t n, float *bmax)
{
    size_t b = 0, i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK)
        bmax[b++] = from_order_key(block_max_key(x + i));
    if (i < n)
        bmax[b] = from_order_key(tail_max_key(x + i, n - i));
}

void gsi_vstats(const float *x, size_t n, float c, float *bmax, gsi_stats *st)
{
    double cnt = 0.0, sum = 0.0, sq = 0.0;
    int32_t m = order_key(-INFINITY);
    size_t b = 0, i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK, b++) {
        int32_t k;
        float fc, fs, fq;
        block_stats(x + i, c, &k, &fc, &fs, &fq);
        bmax[b] = from_order_key(k);
        m = k > m ? k : m;
        cnt += (double)fc;
        sum += (double)fs;
        sq += (double)fq;
    }
    if (i < n) {
        int32_t k = tail_max_key(x + i, n - i);
        float fc, fs, fq;
        tail_stats(x + i, n - i, c, &fc, &fs, &fq);
        bmax[b] = from_order_key(k);
        m = k > m ? k : m;
        cnt += (double)fc;
        sum += (double)fs;
        sq += (double)fq;
    }
    st->count = cnt;
    st->sum = sum;
    st->sumsq = sq;
    st->max = from_order_key(m);
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
