/*
 * UTF-8 for byte-level automata: encode/decode one scalar value, and turn a code point range
 * into byte-range sequences (so '.', negated classes and JSON string characters only ever
 * accept well-formed UTF-8).
 *
 * Range splitting: first split at the encoded-length boundaries (7F, 7FF, FFFF); then, for a
 * range whose values all encode to n bytes, look at the low 6*i bits for i = 1..n-1: if lo and
 * hi differ above those bits, the low bits of lo must be all zeros and those of hi all ones,
 * otherwise split there. When no split is needed, each byte position independently spans
 * [byte of lo, byte of hi], and the product of those byte ranges is exactly the range.
 */
#include "engine/text/guided/guided_internal.h"

int gd_utf8_encode(uint32_t cp, uint8_t out[4])
{
    if (cp < 0x80u) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800u) {
        out[0] = (uint8_t)(0xC0u | (cp >> 6));
        out[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        out[0] = (uint8_t)(0xE0u | (cp >> 12));
        out[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        out[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    out[0] = (uint8_t)(0xF0u | (cp >> 18));
    out[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
    out[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
    out[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
    return 4;
}

int gd_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return -1;
    uint8_t b = s[0];
    int len;
    uint32_t v, min;
    if (b < 0x80u) {
        *cp = b;
        return 1;
    } else if (b >= 0xC2u && b <= 0xDFu) {
        len = 2;
        v = b & 0x1Fu;
        min = 0x80u;
    } else if (b >= 0xE0u && b <= 0xEFu) {
        len = 3;
        v = b & 0x0Fu;
        min = 0x800u;
    } else if (b >= 0xF0u && b <= 0xF4u) {
        len = 4;
        v = b & 0x07u;
        min = 0x10000u;
    } else {
        return -1;
    }
    if (n < (size_t)len)
        return -1;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return -1;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > GD_MAX_CP || (v >= 0xD800u && v <= 0xDFFFu))
        return -1;
    *cp = v;
    return len;
}

static int utf8_len(uint32_t cp)
{
    return cp < 0x80u ? 1 : cp < 0x800u ? 2 : cp < 0x10000u ? 3 : 4;
}

int gd_utf8_sequences(uint32_t lo, uint32_t hi, gd_utf8_seq_fn cb, void *ctx)
{
    static const uint32_t len_max[3] = {0x7Fu, 0x7FFu, 0xFFFFu};
    if (lo > hi)
        return 0;
    for (int i = 0; i < 3; i++) {
        if (lo <= len_max[i] && hi > len_max[i]) {
            int r = gd_utf8_sequences(lo, len_max[i], cb, ctx);
            return r ? r : gd_utf8_sequences(len_max[i] + 1u, hi, cb, ctx);
        }
    }
    int n = utf8_len(lo);
    for (int i = 1; i < n; i++) {
        uint32_t m = (1u << (6 * i)) - 1u;
        if ((lo & ~m) != (hi & ~m)) {
            if ((lo & m) != 0) {
                int r = gd_utf8_sequences(lo, lo | m, cb, ctx);
                return r ? r : gd_utf8_sequences((lo | m) + 1u, hi, cb, ctx);
            }
            if ((hi & m) != m) {
                int r = gd_utf8_sequences(lo, (hi & ~m) - 1u, cb, ctx);
                return r ? r : gd_utf8_sequences(hi & ~m, hi, cb, ctx);
            }
        }
    }
    uint8_t blo[4], bhi[4];
    gd_utf8_encode(lo, blo);
    gd_utf8_encode(hi, bhi);
    return cb(ctx, blo, bhi, n);
}
