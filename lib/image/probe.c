#include "image/probe.h"

#include <stdint.h>
#include <string.h>

#include <genapi/images.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The IHDR chunk, which a PNG must start with: its length (13), type, width, height, then bit
 * depth, colour type, compression, filter and interlace methods; a header whose fields are not
 * a valid combination gives no size. (The client reads only the header, so the HTTP client
 * build needs no PNG library.) */
static void probe_png(const uint8_t *d, size_t n, int32_t *w, int32_t *h)
{
    if (n < 8 + 8 + 13 || be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
        return;
    uint32_t width = be32(d + 16), height = be32(d + 20);
    unsigned depth = d[24], colour = d[25];
    int depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    int combo_ok = (colour == 0 && depth_ok) || (colour == 3 && depth <= 8 && depth_ok) ||
                   ((colour == 2 || colour == 4 || colour == 6) && (depth == 8 || depth == 16));
    if (width == 0 || height == 0 || width > INT32_MAX || height > INT32_MAX || !combo_ok || d[26] != 0 ||
        d[27] != 0 || d[28] > 1)
        return;
    *w = (int32_t)width;
    *h = (int32_t)height;
}

/* Walk the JPEG markers to the first start-of-frame. */
static void probe_jpeg(const uint8_t *d, size_t n, int32_t *w, int32_t *h)
{
    size_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xFF) {
            i++;
            continue;
        }
        uint8_t m = d[i + 1];
        if (m == 0xFF) {
            i++;
            continue;
        }
        if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
            i += 2;
            continue;
        }
        size_t len = (size_t)d[i + 2] << 8 | d[i + 3];
        int sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof && i + 9 <= n) {
            *h = (int32_t)((uint32_t)d[i + 5] << 8 | d[i + 6]);
            *w = (int32_t)((uint32_t)d[i + 7] << 8 | d[i + 8]);
            return;
        }
        if (len < 2)
            return;
        i += 2 + len;
    }
}

static void probe_webp(const uint8_t *d, size_t n, int32_t *w, int32_t *h)
{
    if (n < 30)
        return;
    if (memcmp(d + 12, "VP8 ", 4) == 0) {
        *w = (int32_t)(((uint32_t)d[26] | (uint32_t)d[27] << 8) & 0x3FFF);
        *h = (int32_t)(((uint32_t)d[28] | (uint32_t)d[29] << 8) & 0x3FFF);
    } else if (memcmp(d + 12, "VP8L", 4) == 0 && d[20] == 0x2F) {
        uint32_t b = (uint32_t)d[21] | (uint32_t)d[22] << 8 | (uint32_t)d[23] << 16 | (uint32_t)d[24] << 24;
        *w = (int32_t)((b & 0x3FFF) + 1);
        *h = (int32_t)(((b >> 14) & 0x3FFF) + 1);
    } else if (memcmp(d + 12, "VP8X", 4) == 0) {
        *w = (int32_t)(((uint32_t)d[24] | (uint32_t)d[25] << 8 | (uint32_t)d[26] << 16) + 1);
        *h = (int32_t)(((uint32_t)d[27] | (uint32_t)d[28] << 8 | (uint32_t)d[29] << 16) + 1);
    }
}

void gi_probe(const uint8_t *d, size_t n, int32_t *format, int32_t *width, int32_t *height)
{
    *format = GENAPI_IMAGE_FORMAT_UNKNOWN;
    *width = *height = 0;
    static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (n >= 8 && memcmp(d, png_magic, 8) == 0) {
        *format = GENAPI_IMAGE_FORMAT_PNG;
        probe_png(d, n, width, height);
    } else if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        *format = GENAPI_IMAGE_FORMAT_JPEG;
        probe_jpeg(d, n, width, height);
    } else if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) {
        *format = GENAPI_IMAGE_FORMAT_WEBP;
        probe_webp(d, n, width, height);
    }
}
