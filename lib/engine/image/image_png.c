/* PNG encode / decode through libspng. Encoding is progressive (rows handed over one at a time,
 * so it can be split into steps); gi_png_encode is the same encoder run to the end. The encoded
 * bytes are written through a stream callback into a buffer grown with the engine's allocator;
 * decoded pixels go straight into an allocator-owned buffer (libspng's own small working state
 * uses its default allocator), once the header's size is within the limits; every colour type
 * and bit depth becomes RGBA8 (tRNS as alpha, 16-bit samples to their high byte), and the eXIf
 * chunk's orientation is reported to gi_image_decode. */
#include <spng.h>
#include <string.h>
#include <zlib.h>

#include "engine/image/image_decode.h"
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

/* Work units of one pixel of PNG encoding (filter + deflate at level 1): about 35 ns a pixel
 * for a generated picture, up to about 60 for grainy ones; the budget assumes the latter. The
 * Huffman-only encoding of previews costs about two thirds of that. The alpha scan that comes
 * first reads one byte in four: one unit covers 8 pixels. */
#define PNG_UNITS 60
#define PNG_UNITS_FAST 40
#define PNG_SCAN_PIXELS_PER_UNIT 8

struct gi_png_job {
    const ga_alloc *a;
    spng_ctx *ctx;
    sink s;
    const gi_image *img; /* borrowed until the job ends */
    char *text;          /* a copy of the "parameters" text, or NULL */
    uint8_t *rgb;        /* one RGB row when the image is opaque */
    int32_t scanned;     /* rows whose alpha has been checked */
    int32_t row;         /* rows encoded */
    int opaque;          /* every alpha seen so far is 255 */
    int fast;
    genapi_status failed;
};

static genapi_status png_fail(gi_png_job *j, int rc, genapi_error *err)
{
    if (j->s.failed || rc == SPNG_EMEM) {
        j->failed = GENAPI_E_NOMEM;
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory while encoding PNG");
    }
    j->failed = GENAPI_E_INVALID_ARG;
    return ga_err(err, GENAPI_E_INVALID_ARG, "image", "PNG encoding failed: %s", spng_strerror(rc));
}

genapi_status gi_png_encode_begin(const ga_alloc *a, const gi_image *img, const char *text, int fast, gi_png_job **job,
                                  genapi_error *err)
{
    if (job)
        *job = NULL;
    if (!a || !img || !img->rgba || img->width < 1 || img->height < 1 || img->width > GI_MAX_SIDE ||
        img->height > GI_MAX_SIDE || !job)
        return ga_err(err, GENAPI_E_INVALID_ARG, "image", "Invalid image to encode");
    gi_png_job *j = ga_calloc(a, 1, sizeof *j);
    if (!j)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory creating the PNG encoder");
    j->a = a;
    j->img = img;
    j->fast = fast;
    j->opaque = 1;
    j->s.a = a;
    if (text) {
        size_t n = strlen(text);
        j->text = ga_malloc(a, n + 1);
        if (!j->text) {
            gi_png_encode_free(j);
            return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory creating the PNG encoder");
        }
        memcpy(j->text, text, n + 1);
    }
    *job = j;
    return GENAPI_OK;
}

/* Whether every alpha byte of rows [y0, y1) is 255. */
static int rows_opaque(const gi_image *img, int32_t y0, int32_t y1)
{
    const uint8_t *p = img->rgba + (size_t)y0 * (size_t)img->width * 4;
    size_t n = (size_t)(y1 - y0) * (size_t)img->width;
    unsigned acc = 255;
    for (size_t i = 0; i < n; i++)
        acc &= p[i * 4 + 3];
    return acc == 255;
}

/* Once the alpha scan is over: the encoder, its header (RGB when opaque), options and text
 * chunk; writes the signature, IHDR and tEXt. */
static genapi_status png_start(gi_png_job *j, genapi_error *err)
{
    const gi_image *img = j->img;
    if (j->opaque) {
        j->rgb = ga_malloc(j->a, (size_t)img->width * 3);
        if (!j->rgb) {
            j->failed = GENAPI_E_NOMEM;
            return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory creating the PNG encoder");
        }
    }
    j->ctx = spng_ctx_new(SPNG_CTX_ENCODER);
    if (!j->ctx) {
        j->failed = GENAPI_E_NOMEM;
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory creating the PNG encoder");
    }
    struct spng_ihdr ihdr;
    memset(&ihdr, 0, sizeof ihdr);
    ihdr.width = (uint32_t)img->width;
    ihdr.height = (uint32_t)img->height;
    ihdr.bit_depth = 8;
    ihdr.color_type = j->opaque ? SPNG_COLOR_TYPE_TRUECOLOR : SPNG_COLOR_TYPE_TRUECOLOR_ALPHA;
    int rc = spng_set_png_stream(j->ctx, sink_write, &j->s);
    if (!rc)
        rc = spng_set_ihdr(j->ctx, &ihdr);
    if (!rc)
        rc = spng_set_option(j->ctx, SPNG_IMG_COMPRESSION_LEVEL, 1);
    if (!rc)
        rc = spng_set_option(j->ctx, SPNG_IMG_COMPRESSION_STRATEGY, j->fast ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY);
    if (!rc)
        rc = spng_set_option(j->ctx, SPNG_FILTER_CHOICE, SPNG_FILTER_CHOICE_SUB);
    if (!rc && j->text) {
        struct spng_text t;
        memset(&t, 0, sizeof t);
        memcpy(t.keyword, "parameters", sizeof "parameters");
        t.type = SPNG_TEXT;
        t.length = strlen(j->text);
        t.text = j->text;
        rc = spng_set_text(j->ctx, &t, 1);
    }
    if (!rc)
        rc = spng_encode_image(j->ctx, NULL, 0, SPNG_FMT_PNG, SPNG_ENCODE_PROGRESSIVE | SPNG_ENCODE_FINALIZE);
    if (rc || j->s.failed)
        return png_fail(j, rc, err);
    return GENAPI_OK;
}

genapi_status gi_png_encode_step(gi_png_job *j, int64_t budget, genapi_error *err)
{
    if (!j)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "gi_png_encode_step: NULL job");
    if (j->failed != GENAPI_OK)
        return ga_err(err, j->failed, NULL, "PNG encoding failed");
    if (budget <= 0)
        budget = GI_STEP_UNITS;
    const gi_image *img = j->img;
    if (!j->ctx) {
        /* The alpha scan, in rows; it stops at the first translucent pixel. */
        int64_t cost = (img->width + PNG_SCAN_PIXELS_PER_UNIT - 1) / PNG_SCAN_PIXELS_PER_UNIT;
        int32_t n = gi__take_rows(&budget, cost, img->height - j->scanned);
        if (!rows_opaque(img, j->scanned, j->scanned + n))
            j->opaque = 0;
        j->scanned = j->opaque ? j->scanned + n : img->height;
        if (j->scanned < img->height)
            return GENAPI_OK;
        genapi_status st = png_start(j, err);
        if (st != GENAPI_OK || budget <= 0)
            return st;
    }
    size_t row_len = (size_t)img->width * 4;
    int32_t n = gi__take_rows(&budget, (int64_t)img->width * (j->fast ? PNG_UNITS_FAST : PNG_UNITS), img->height - j->row);
    for (int32_t i = 0; i < n; i++, j->row++) {
        const uint8_t *src = img->rgba + (size_t)j->row * row_len;
        size_t len = row_len;
        if (j->opaque) {
            for (size_t x = 0; x < (size_t)img->width; x++) {
                j->rgb[x * 3] = src[x * 4];
                j->rgb[x * 3 + 1] = src[x * 4 + 1];
                j->rgb[x * 3 + 2] = src[x * 4 + 2];
            }
            src = j->rgb;
            len = (size_t)img->width * 3;
        }
        int rc = spng_encode_row(j->ctx, src, len);
        if (rc == SPNG_EOI && j->row == img->height - 1 && !j->s.failed)
            continue; /* the last row: the image data and IEND are written */
        if (rc || j->s.failed)
            return png_fail(j, rc, err);
    }
    return GENAPI_OK;
}

int gi_png_encode_done(const gi_png_job *j)
{
    return j->failed == GENAPI_OK && j->row >= j->img->height;
}

const uint8_t *gi_png_encode_data(const gi_png_job *j, size_t *len)
{
    static const uint8_t none[1] = {0};
    *len = j->s.len;
    return j->s.data ? j->s.data : none; /* nothing yet during the alpha scan: still a valid pointer */
}

genapi_status gi_png_encode_end(gi_png_job *j, uint8_t **bytes, size_t *len, genapi_error *err)
{
    if (bytes)
        *bytes = NULL;
    if (len)
        *len = 0;
    if (!j || !bytes || !len) {
        gi_png_encode_free(j);
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "gi_png_encode_end: NULL argument");
    }
    genapi_status st = GENAPI_OK;
    while (st == GENAPI_OK && !gi_png_encode_done(j))
        st = gi_png_encode_step(j, INT64_MAX, err);
    if (st == GENAPI_OK) {
        *bytes = j->s.data;
        *len = j->s.len;
        j->s.data = NULL;
    }
    gi_png_encode_free(j);
    return st;
}

void gi_png_encode_free(gi_png_job *j)
{
    if (!j)
        return;
    if (j->ctx)
        spng_ctx_free(j->ctx);
    if (j->s.data)
        ga_free(j->a, j->s.data);
    if (j->text)
        ga_free(j->a, j->text);
    if (j->rgb)
        ga_free(j->a, j->rgb);
    ga_free(j->a, j);
}

genapi_status gi_png_encode(const ga_alloc *a, const gi_image *img, const char *text, uint8_t **bytes, size_t *len,
                            genapi_error *err)
{
    if (bytes)
        *bytes = NULL;
    if (len)
        *len = 0;
    if (!bytes || !len)
        return ga_err(err, GENAPI_E_INVALID_ARG, "image", "Invalid image to encode");
    gi_png_job *j = NULL;
    genapi_status st = gi_png_encode_begin(a, img, text, 0, &j, err);
    if (st != GENAPI_OK)
        return st;
    return gi_png_encode_end(j, bytes, len, err);
}

/* The payload of the first eXIf chunk, found by walking the chunk list (NULL when none). */
static const uint8_t *png_exif(const uint8_t *d, size_t n, size_t *len)
{
    size_t i = 8;
    while (n - i >= 12) {
        size_t clen = (size_t)d[i] << 24 | (size_t)d[i + 1] << 16 | (size_t)d[i + 2] << 8 | d[i + 3];
        if (clen > n - i - 12)
            break;
        if (memcmp(d + i + 4, "eXIf", 4) == 0) {
            *len = clen;
            return d + i + 8;
        }
        if (memcmp(d + i + 4, "IEND", 4) == 0)
            break;
        i += 12 + clen;
    }
    *len = 0;
    return NULL;
}

genapi_status gi__png_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, const gi_decode_limits *lim,
                             gi_image *out, int *orientation, genapi_error *err)
{
    out->width = 0;
    out->height = 0;
    out->rgba = NULL;
    *orientation = 1;
    if (!bytes || len < 8)
        return gi__decode_invalid(err);
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
        rc = spng_get_ihdr(ctx, &ihdr);
    if (!rc)
        st = gi__decode_check_size(lim, ihdr.width, ihdr.height, err);
    if (!rc && st == GENAPI_OK)
        rc = spng_decoded_image_size(ctx, SPNG_FMT_RGBA8, &need);
    if (!rc && st == GENAPI_OK) {
        st = gi__image_alloc_raw(a, (int32_t)ihdr.width, (int32_t)ihdr.height, out, err);
        if (st == GENAPI_OK && need != (size_t)out->width * (size_t)out->height * 4)
            rc = SPNG_EINTERNAL;
    }
    if (!rc && st == GENAPI_OK)
        rc = spng_decode_image(ctx, out->rgba, need, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS);
    spng_ctx_free(ctx);
    if (st == GENAPI_OK && rc)
        st = gi__decode_invalid(err);
    if (st != GENAPI_OK) {
        gi_image_free(a, out);
        return st;
    }
    size_t exif_len;
    const uint8_t *exif = png_exif(bytes, len, &exif_len);
    *orientation = gi__exif_orientation(exif, exif_len, 0);
    return GENAPI_OK;
}

genapi_status gi_png_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, gi_image *out, genapi_error *err)
{
    if (out) {
        out->width = 0;
        out->height = 0;
        out->rgba = NULL;
    }
    if (!a || !out)
        return gi__decode_invalid(err);
    int orientation;
    return gi__png_decode(a, bytes, len, NULL, out, &orientation, err);
}
