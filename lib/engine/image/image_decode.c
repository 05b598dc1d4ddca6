/* Image inputs: the format from the magic bytes, the limits, the EXIF orientation.
 *
 * gi_image_decode hands the bytes to the format's decoder (image_png.c, image_jpeg.c,
 * image_webp.c), each of which checks the header's size against the limits before allocating
 * pixels, then applies the orientation the file's EXIF block asks for. The orientation is read
 * the way Pillow reads it (Exif.load: a TIFF header, the first IFD; ImageOps.exif_transpose:
 * tag 0x0112 with a single value 2..8), so a block Pillow cannot read leaves the picture as
 * stored, as AUTOMATIC1111's fix_image does when exif_transpose raises. */
#include <string.h>

#include "engine/image/image_decode.h"
#include "util/err.h"

void gi__decode_limits(const gi_decode_limits *lim, int32_t *max_side, int64_t *max_pixels)
{
    *max_side = GI_MAX_SIDE;
    *max_pixels = GI_MAX_PIXELS;
    if (lim && lim->max_side > 0 && lim->max_side < *max_side)
        *max_side = lim->max_side;
    if (lim && lim->max_pixels > 0 && lim->max_pixels < *max_pixels)
        *max_pixels = lim->max_pixels;
}

genapi_status gi__decode_check_size(const gi_decode_limits *lim, uint64_t w, uint64_t h, genapi_error *err)
{
    int32_t side;
    int64_t pixels;
    gi__decode_limits(lim, &side, &pixels);
    if (w < 1 || h < 1)
        return gi__decode_invalid(err);
    if (w > (uint64_t)side || h > (uint64_t)side || w * h > (uint64_t)pixels)
        return ga_err(err, GENAPI_E_INVALID_ARG, "",
                      "Invalid encoded image: %llux%llu pixels is over the limit (sides up to %ld, %lld pixels)",
                      (unsigned long long)w, (unsigned long long)h, (long)side, (long long)pixels);
    return GENAPI_OK;
}

genapi_status gi__decode_invalid(genapi_error *err)
{
    return ga_err(err, GENAPI_E_INVALID_ARG, "", "Invalid encoded image");
}

/* ---------------------------------------------------------------------------------------------
 * EXIF orientation */

static uint32_t rd16(const uint8_t *p, int le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 : (uint32_t)p[0] << 8 | (uint32_t)p[1];
}

static uint32_t rd32(const uint8_t *p, int le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
              : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int gi__exif_orientation(const uint8_t *d, size_t n, int strip_prefix)
{
    if (d == NULL)
        return 1;
    if (strip_prefix && n >= 6 && memcmp(d, "Exif\0\0", 6) == 0) {
        d += 6;
        n -= 6;
    }
    /* Pillow's accepted TIFF headers, BigTIFF aside (its 8-byte offset is not in the 8 bytes
     * Pillow reads, so Pillow fails on it). */
    if (n < 8)
        return 1;
    int le;
    if (memcmp(d, "II\x2A\0", 4) == 0 || memcmp(d, "II\0\x2A", 4) == 0)
        le = 1;
    else if (memcmp(d, "MM\0\x2A", 4) == 0 || memcmp(d, "MM\x2A\0", 4) == 0)
        le = 0;
    else
        return 1;
    uint32_t ifd = rd32(d + 4, le);
    if (ifd > n || n - ifd < 2)
        return 1;
    uint32_t count = rd16(d + ifd, le);
    size_t avail = (n - ifd - 2) / 12; /* whole entries in the block */
    int orientation = 1;
    for (uint32_t i = 0; i < count && i < avail; i++) {
        const uint8_t *e = d + ifd + 2 + (size_t)i * 12;
        if (rd16(e, le) != 0x0112 || rd32(e + 4, le) != 1)
            continue;
        uint32_t type = rd16(e + 2, le);
        int64_t v;
        if (type == 3) /* SHORT */
            v = rd16(e + 8, le);
        else if (type == 8) /* SSHORT */
            v = (int16_t)rd16(e + 8, le);
        else if (type == 4) /* LONG */
            v = rd32(e + 8, le);
        else if (type == 9) /* SLONG */
            v = (int32_t)rd32(e + 8, le);
        else
            continue;
        orientation = v >= 2 && v <= 8 ? (int)v : 1; /* a later entry replaces an earlier one */
    }
    return orientation;
}

/* Swap the 4-byte pixels at p and q. */
static void swap_px(uint8_t *p, uint8_t *q)
{
    uint8_t t[4];
    memcpy(t, p, 4);
    memcpy(p, q, 4);
    memcpy(q, t, 4);
}

genapi_status gi__orient(const ga_alloc *a, gi_image *img, int orientation, genapi_error *err)
{
    if (orientation < 2 || orientation > 8)
        return GENAPI_OK;
    int32_t w = img->width, h = img->height;
    uint8_t *px = img->rgba;
    size_t stride = (size_t)w * 4;
    if (orientation <= 4) {
        /* Mirror, rotate 180 or flip: pixels swap in pairs, in place. */
        if (orientation != 4)
            for (int32_t y = 0; y < h; y++) {
                uint8_t *row = px + (size_t)y * stride;
                for (int32_t x = 0; x < w / 2; x++)
                    swap_px(row + (size_t)x * 4, row + (size_t)(w - 1 - x) * 4);
            }
        if (orientation != 2)
            for (int32_t y = 0; y < h / 2; y++) {
                uint8_t *r0 = px + (size_t)y * stride, *r1 = px + (size_t)(h - 1 - y) * stride;
                for (size_t i = 0; i < stride; i += 4)
                    swap_px(r0 + i, r1 + i);
            }
        return GENAPI_OK;
    }
    /* The others swap the sides: output (x, y), x < h, y < w, reads source (sx, sy). */
    gi_image t;
    genapi_status st = gi__image_alloc_raw(a, h, w, &t, err);
    if (st != GENAPI_OK)
        return st;
    for (int32_t y = 0; y < w; y++)
        for (int32_t x = 0; x < h; x++) {
            int32_t sx, sy;
            switch (orientation) {
            case 5: /* transpose */
                sx = y;
                sy = x;
                break;
            case 6: /* rotate 90 clockwise */
                sx = y;
                sy = h - 1 - x;
                break;
            case 7: /* transverse */
                sx = w - 1 - y;
                sy = h - 1 - x;
                break;
            default: /* 8: rotate 90 counter-clockwise */
                sx = w - 1 - y;
                sy = x;
                break;
            }
            memcpy(t.rgba + ((size_t)y * (size_t)h + (size_t)x) * 4, px + (size_t)sy * stride + (size_t)sx * 4, 4);
        }
    gi_image_free(a, img);
    *img = t;
    return GENAPI_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Dispatch */

genapi_status gi_image_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, const gi_decode_limits *lim,
                              gi_image *out, genapi_error *err)
{
    if (out) {
        out->width = 0;
        out->height = 0;
        out->rgba = NULL;
    }
    if (!a || !out || !bytes)
        return gi__decode_invalid(err);
    static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    int orientation = 1;
    genapi_status st;
    if (len >= 8 && memcmp(bytes, png_magic, 8) == 0)
        st = gi__png_decode(a, bytes, len, lim, out, &orientation, err);
    else if (len >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        st = gi__jpeg_decode(a, bytes, len, lim, out, &orientation, err);
    else if (len >= 12 && memcmp(bytes, "RIFF", 4) == 0 && memcmp(bytes + 8, "WEBP", 4) == 0)
        st = gi__webp_decode(a, bytes, len, lim, out, &orientation, err);
    else
        st = gi__decode_invalid(err);
    if (st == GENAPI_OK) {
        st = gi__orient(a, out, orientation, err);
        if (st != GENAPI_OK)
            gi_image_free(a, out);
    }
    return st;
}
