/*
 * Fixed-order numeric kernels of the sampler pipeline.
 *
 * Every reduction has a fixed association order (8 float lanes over blocks of 32 values,
 * block results added in double in index order), so results do not depend on the compiler's
 * vectorisation choices. The loops are written branch-free so that they vectorise.
 * gsi_expf uses only IEEE-754 +, *, and exact bit manipulation, so it gives the same bits on
 * every platform (no libm variation).
 */
#include "engine/text/samplers/samplers_internal.h"

#include <float.h>

#define LANES 8
#define RBLOCK 32 /* values per float block of a reduction */

/* exp(x) for x in [-87, 88]; 0 below -87 (and for NaN); clamped above 88.
 * Range reduction x = k*ln2 + r with |r| <= ln2/2 (Cody-Waite split of ln2, k*LN2_HI exact),
 * e^r by its degree-7 Taylor polynomial (relative error < 6e-9 on the interval),
 * 2^k assembled in the exponent field. */
float gsi_expf(float x)
{
    const float LOG2E = 1.44269504088896341f;
    const float LN2_HI = 0.693359375f;           /* 9 significant bits: k*LN2_HI is exact */
    const float LN2_LO = -2.12194440e-4f;        /* ln2 - LN2_HI */
    const float SHIFTER = 12582912.0f;           /* 1.5 * 2^23: round-to-nearest integer */
    float xc = !(x >= -87.0f) ? -87.0f : x;      /* NaN lands here too */
    xc = xc > 88.0f ? 88.0f : xc;
    float k = (xc * LOG2E + SHIFTER) - SHIFTER;  /* integer in [-126, 127] */
    float r = (xc - k * LN2_HI) - k * LN2_LO;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t ki = (int32_t)k;
    uint32_t bits = (uint32_t)(ki + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float res = p * scale;
    return x >= -87.0f ? res : 0.0f;
}

void gsi_vexp(const float *x, float m, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = gsi_expf(x[i] - m);
}

static float lanes_sum(const float *acc)
{
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

double gsi_vsum(const float *x, size_t n)
{
    double total = 0.0;
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK) {
        float acc[LANES] = {0};
        for (size_t j = 0; j < RBLOCK; j += LANES)
            for (size_t l = 0; l < LANES; l++)
                acc[l] += x[i + j + l];
        total += (double)lanes_sum(acc);
    }
    for (; i < n; i++)
        total += (double)x[i];
    return total;
}

double gsi_vsum_wd(const float *w, const float *x, float m, size_t n)
{
    double total = 0.0;
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK) {
        float acc[LANES] = {0};
        for (size_t j = 0; j < RBLOCK; j += LANES)
            for (size_t l = 0; l < LANES; l++)
                acc[l] += w[i + j + l] * (x[i + j + l] - m);
        total += (double)lanes_sum(acc);
    }
    for (; i < n; i++)
        total += (double)(w[i] * (x[i] - m));
    return total;
}

static float block_max1(const float *x, size_t n)
{
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

static float block_max32(const float *x)
{
    float acc[LANES];
    for (size_t l = 0; l < LANES; l++)
        acc[l] = x[l];
    for (size_t j = LANES; j < RBLOCK; j += LANES)
        for (size_t l = 0; l < LANES; l++)
            acc[l] = x[j + l] > acc[l] ? x[j + l] : acc[l];
    return block_max1(acc, LANES);
}

float gsi_vmax(const float *x, size_t n)
{
    float m = -INFINITY;
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK) {
        float b = block_max32(x + i);
        m = b > m ? b : m;
    }
    float t = block_max1(x + i, n - i);
    return t > m ? t : m;
}

void gsi_block_max(const float *x, size_t n, float *bmax)
{
    size_t b = 0, i = 0;
    for (; i + GSI_BLOCK <= n; i += GSI_BLOCK)
        bmax[b++] = block_max32(x + i);
    if (i < n)
        bmax[b] = block_max1(x + i, n - i);
}

void gsi_vmoments(const float *x, size_t n, double *count, double *sum)
{
    double c = 0.0, s = 0.0;
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK) {
        float ac[LANES] = {0}, as[LANES] = {0};
        for (size_t j = 0; j < RBLOCK; j += LANES)
            for (size_t l = 0; l < LANES; l++) {
                float v = x[i + j + l];
                int fin = v > -INFINITY;
                ac[l] += fin ? 1.0f : 0.0f;
                as[l] += fin ? v : 0.0f;
            }
        c += (double)lanes_sum(ac);
        s += (double)lanes_sum(as);
    }
    for (; i < n; i++)
        if (x[i] > -INFINITY) {
            c += 1.0;
            s += (double)x[i];
        }
    *count = c;
    *sum = s;
}

double gsi_vsqdev(const float *x, size_t n, double mean)
{
    const float mf = (float)mean;
    double total = 0.0;
    size_t i = 0;
    for (; i + RBLOCK <= n; i += RBLOCK) {
        float acc[LANES] = {0};
        for (size_t j = 0; j < RBLOCK; j += LANES)
            for (size_t l = 0; l < LANES; l++) {
                float v = x[i + j + l];
                float d = v > -INFINITY ? v - mf : 0.0f;
                acc[l] += d * d;
            }
        total += (double)lanes_sum(acc);
    }
    for (; i < n; i++)
        if (x[i] > -INFINITY) {
            double d = (double)x[i] - (double)mf;
            total += d * d;
        }
    return total;
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
