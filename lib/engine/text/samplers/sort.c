/*
 * Stable sorts of candidate indices: LSD radix sort on 32-bit keys (8-bit digits for short
 * inputs, 11-bit digits for long ones; digits on which every key agrees are skipped),
 * insertion sort for very short inputs.
 */
#include "engine/text/samplers/samplers_internal.h"

#define SMALL_SORT 32

/* Maps a float to a key whose unsigned ascending order is the float's descending order
 * (-0.0 is folded onto +0.0 so that equal logits get equal keys). */
static uint32_t desc_key(float f)
{
    f += 0.0f;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
    return ~u;
}

static void insertion_sort(uint32_t *key, int32_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t k = key[i];
        int32_t v = idx[i];
        size_t j = i;
        while (j > 0 && key[j - 1] > k) {
            key[j] = key[j - 1];
            idx[j] = idx[j - 1];
            j--;
        }
        key[j] = k;
        idx[j] = v;
    }
}

/* Sorts (key[i], idx[i]) pairs by key ascending, stable. key == ws->k1, idx any buffer
 * other than ws->i2. */
static void radix_sort(gsamp_workspace *ws, uint32_t *key, int32_t *idx, size_t n)
{
    if (n <= SMALL_SORT) {
        insertion_sort(key, idx, n);
        return;
    }
    const unsigned bits = n < 4096 ? 8u : GSI_RADIX_BITS;
    const unsigned passes = (32u + bits - 1u) / bits;
    const uint32_t size = 1u << bits, mask = size - 1u;
    uint32_t *h = ws->hist;
    memset(h, 0, (size_t)passes * size * sizeof *h);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = key[i];
        for (unsigned p = 0; p < passes; p++)
            h[p * size + ((k >> (p * bits)) & mask)]++;
    }
    uint32_t *ka = key, *kb = ws->k2;
    int32_t *ia = idx, *ib = ws->i2;
    for (unsigned pass = 0; pass < passes; pass++) {
        uint32_t *ph = h + pass * size;
        const unsigned shift = pass * bits;
        if (ph[(ka[0] >> shift) & mask] == (uint32_t)n)
            continue; /* every key has the same digit */
        uint32_t sum = 0;
        for (uint32_t d = 0; d < size; d++) {
            uint32_t c = ph[d];
            ph[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            uint32_t pos = ph[(ka[i] >> shift) & mask]++;
            kb[pos] = ka[i];
            ib[pos] = ia[i];
        }
        uint32_t *kt = ka;
        ka = kb;
        kb = kt;
        int32_t *it = ia;
        ia = ib;
        ib = it;
    }
    if (ia != idx) {
        memcpy(idx, ia, n * sizeof *idx);
        memcpy(key, ka, n * sizeof *key);
    }
}

void gsi_sort_desc(gsamp_workspace *ws, const float *val, int32_t *idx, size_t n)
{
    if (n < 2)
        return;
    uint32_t *key = ws->k1;
    for (size_t i = 0; i < n; i++)
        key[i] = desc_key(val[idx[i]]);
    radix_sort(ws, key, idx, n);
}

size_t gsi_sort_unique_ids(gsamp_workspace *ws, int32_t *a, size_t n)
{
    if (n < 2)
        return n;
    uint32_t *key = ws->k1;
    for (size_t i = 0; i < n; i++)
        key[i] = (uint32_t)a[i];
    radix_sort(ws, key, a, n);
    size_t m = 1;
    for (size_t i = 1; i < n; i++)
        if (a[i] != a[m - 1])
            a[m++] = a[i];
    return m;
}
