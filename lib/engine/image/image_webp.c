/* WebP decoding through libwebp.
 *
 * WebPGetFeatures reads the header (the frame header of a simple file, the canvas of an
 * extended one) without decoding; its size is checked against the limits before any pixel
 * memory exists. A still image (lossy, lossless, with or without an ALPH chunk) is then decoded
 * straight into the engine-allocated RGBA image (WebPDecodeRGBAInto: straight, not
 * premultiplied, alpha; 255 where the file has none). An animation gives its first frame
 * composed on the canvas by libwebpdemux's WebPAnimDecoder, which is how Pillow opens every
 * WebP file; libwebp's own buffers are released before returning. The first EXIF chunk of an
 * extended file gives the orientation. */
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>

#include "engine/image/image_decode.h"
#include "util/err.h"

/* The payload of the first EXIF chunk of a RIFF/WEBP file (NULL when none). */
static const uint8_t *webp_exif(const uint8_t *d, size_t n, size_t *len)
{
    size_t i = 12;
    while (n - i >= 8) {
        size_t clen = (size_t)d[i + 4] | (size_t)d[i + 5] << 8 | (size_t)d[i + 6] << 16 | (size_t)d[i + 7] << 24;
        if (clen > n - i - 8)
            break;
        if (memcmp(d + i, "EXIF", 4) == 0) {
            *len = clen;
            return d + i + 8;
        }
        i += 8 + clen;
        if (clen & 1) { /* chunks are padded to an even size */
            if (i >= n)
                break;
            i++;
        }
    }
    *len = 0;
    return NULL;
}

/* The first frame of an animation, composed on its canvas, copied into out. */
static genapi_status first_frame(const uint8_t *bytes, size_t len, gi_image *out, genapi_error *err)
{
    WebPAnimDecoderOptions opt;
    if (!WebPAnimDecoderOptionsInit(&opt))
        return gi__decode_invalid(err);
    opt.color_mode = MODE_RGBA;
    opt.use_threads = 0;
    WebPData data = {bytes, len};
    WebPAnimDecoder *dec = WebPAnimDecoderNew(&data, &opt);
    if (dec == NULL)
        return gi__decode_invalid(err);
    WebPAnimInfo info;
    uint8_t *canvas = NULL;
    int ts = 0;
    genapi_status st = GENAPI_OK;
    if (!WebPAnimDecoderGetInfo(dec, &info) || info.canvas_width != (uint32_t)out->width ||
        info.canvas_height != (uint32_t)out->height || !WebPAnimDecoderGetNext(dec, &canvas, &ts) || canvas == NULL)
        st = gi__decode_invalid(err);
    else
        memcpy(out->rgba, canvas, (size_t)out->width * (size_t)out->height * 4);
    WebPAnimDecoderDelete(dec);
    return st;
}

genapi_status gi__webp_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, const gi_decode_limits *lim,
                              gi_image *out, int *orientation, genapi_error *err)
{
    out->width = 0;
    out->height = 0;
    out->rgba = NULL;
    *orientation = 1;
    WebPBitstreamFeatures f;
    if (!bytes || len < 12 || WebPGetFeatures(bytes, len, &f) != VP8_STATUS_OK)
        return gi__decode_invalid(err);
    genapi_status st = gi__decode_check_size(lim, (uint64_t)(f.width > 0 ? f.width : 0),
                                             (uint64_t)(f.height > 0 ? f.height : 0), err);
    if (st == GENAPI_OK)
        st = gi__image_alloc_raw(a, f.width, f.height, out, err);
    if (st != GENAPI_OK)
        return st;
    size_t stride = (size_t)out->width * 4, size = stride * (size_t)out->height;
    if (f.has_animation)
        st = first_frame(bytes, len, out, err);
    else if (WebPDecodeRGBAInto(bytes, len, out->rgba, size, (int)stride) == NULL)
        st = gi__decode_invalid(err);
    if (st != GENAPI_OK) {
        gi_image_free(a, out);
        return st;
    }
    size_t exif_len;
    const uint8_t *exif = webp_exif(bytes, len, &exif_len);
    *orientation = gi__exif_orientation(exif, exif_len, 1);
    return GENAPI_OK;
}
