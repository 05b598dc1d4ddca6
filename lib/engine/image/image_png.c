/* PNG encode / decode through libspng. The encoded bytes are written through a stream callback
 * into a buffer grown with the engine's allocator; decoded pixels go straight into an
 * allocator-owned buffer (libspng's own small working state uses its default allocator). */
#include <spng.h>
#include <string.h>

#include "engine/image/image_internal.h"
#include "util/err.h"

typedef struct sink {
    const ga_alloc *a;
    uint8_t *data;
    size_t len, cap;
    int failed;
} sink;

static int sink_write(spng_ctx *ctx, void *user, void *src, size_t length)
{
    (void)ctx;
    sink *s = user;
    if (length > SIZE_MAX - s->len) {
        s->failed = 1;
        return SPNG_IO_ERROR;
    }
    if (s->len + length > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + length)
            cap = cap > SIZE_MAX / 2 ? s->len + length : cap * 2;
        uint8_t *p = ga_realloc(s->a, s->data, cap);
        if (!p) {
            s->failed = 1;
            return SPNG_IO_ERROR;
        }
        s->data = p;
        s->cap = cap;
    }
    memcpy(s->data + s->len, src, length);
    s->len += length;
    return 0;
}

genapi_status gi_png_encode(const ga_alloc *a, const gi_image *img, const char *text, uint8_t **bytes, size_t *len,
                            genapi_error *err)
{
    if (bytes)
        *bytes = NULL;
    if (len)
        *len = 0;
    if (!img || !img->rgba || img->width < 1 || img->height < 1 || img->width > GI_MAX_SIDE ||
        img->height > GI_MAX_SIDE || !bytes || !len)
        return ga_err(err, GENAPI_E_INVALID_ARG, "image", "Invalid image to encode");
    spng_ctx *ctx = spng_ctx_new(SPNG_CTX_ENCODER);
    if (!ctx)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory creating the PNG encoder");
    sink s = {a, NULL, 0, 0, 0};
    struct spng_ihdr ihdr;
    memset(&ihdr, 0, sizeof ihdr);
    ihdr.width = (uint32_t)img->width;
    ihdr.height = (uint32_t)img->height;
    ihdr.bit_depth = 8;
    ihdr.color_type = SPNG_COLOR_TYPE_TRUECOLOR_ALPHA;
    int rc = spng_set_png_stream(ctx, sink_write, &s);
    if (!rc)
        rc = spng_set_ihdr(ctx, &ihdr);
    if (!rc && text) {
        struct spng_text t;
        memset(&t, 0, sizeof t);
        memcpy(t.keyword, "parameters", sizeof "parameters");
        t.type = SPNG_TEXT;
        t.length = strlen(text);
        t.text = (char *)(uintptr_t)text; /* libspng only reads it when encoding */
        rc = spng_set_text(ctx, &t, 1);
    }
    if (!rc) {
        size_t n = (size_t)img->width * (size_t)img->height * 4;
        rc = spng_encode_image(ctx, img->rgba, n, SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
    }
    spng_ctx_free(ctx);
    if (rc || s.failed) {
        if (s.data)
            ga_free(a, s.data);
        if (s.failed)
            return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory while encoding PNG");
        return ga_err(err, GENAPI_E_INVALID_ARG, "image", "PNG encoding failed: %s", spng_strerror(rc));
    }
    *bytes = s.data;
    *len = s.len;
    return GENAPI_OK;
}

genapi_status gi_png_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, gi_image *out, genapi_error *err)
{
    if (out) {
        out->width = 0;
        out->height = 0;
        out->rgba = NULL;
    }
    if (!out)
        return ga_err(err, GENAPI_E_INVALID_ARG, "", "Invalid encoded image");
    if (!bytes || len < 8)
        return ga_err(err, GENAPI_E_INVALID_ARG, "", "Invalid encoded image");
    spng_ctx *ctx = spng_ctx_new(0);
    if (!ctx)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory creating the PNG decoder");
    struct spng_ihdr ihdr;
    size_t need = 0;
    genapi_status st = GENAPI_OK;
    spng_set_crc_action(ctx, SPNG_CRC_USE, SPNG_CRC_USE);
    spng_set_chunk_limits(ctx, (size_t)64 << 20, (size_t)64 << 20);
    int rc = spng_set_png_buffer(ctx, bytes, len);
    if (!rc)
        rc = spng_set_image_limits(ctx, GI_MAX_SIDE, GI_MAX_SIDE);
    if (!rc)
        rc = spng_get_ihdr(ctx, &ihdr);
    if (!rc && (uint64_t)ihdr.width * ihdr.height > (uint64_t)GI_MAX_PIXELS)
        rc = SPNG_EWIDTH;
    if (!rc)
        rc = spng_decoded_image_size(ctx, SPNG_FMT_RGBA8, &need);
    if (!rc) {
        st = gi__image_alloc(a, (int32_t)ihdr.width, (int32_t)ihdr.height, out, err);
        if (st == GENAPI_OK && need != (size_t)out->width * (size_t)out->height * 4)
            rc = SPNG_EINTERNAL;
    }
    if (!rc && st == GENAPI_OK)
        rc = spng_decode_image(ctx, out->rgba, need, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS);
    spng_ctx_free(ctx);
    if (st != GENAPI_OK)
        return st;
    if (rc) {
        gi_image_free(a, out);
        return ga_err(err, GENAPI_E_INVALID_ARG, "", "Invalid encoded image");
    }
    return GENAPI_OK;
}
