/* JPEG decoding through libjpeg-turbo's libjpeg API.
 *
 * The header is read first (jpeg_read_header, which allocates no pixel memory) and its size
 * checked against the limits; only then is decompression started and the RGBA image allocated
 * with the engine's allocator. libjpeg's own working memory (Huffman tables, the coefficient
 * buffer of a progressive file) comes from its default allocator and is released by
 * jpeg_destroy_decompress on every path.
 *
 * Decoding settings are the library's defaults, which are also Pillow's: the accurate integer
 * IDCT and smooth (fancy) chroma upsampling. Grey, YCbCr and RGB files are converted to RGBA by
 * libjpeg-turbo itself; CMYK and YCCK files are read as CMYK and converted as Pillow converts
 * them (Adobe polarity, then cmyk2rgb). The first APP1 "Exif" segment gives the orientation.
 *
 * Errors leave libjpeg through longjmp back to the one function that called setjmp; all its
 * state lives in a struct reached through a pointer, so nothing it reads after the jump is an
 * automatic variable changed since setjmp. A file cut short (libjpeg's "premature end of data"
 * warning) is an error, as Pillow refuses a truncated file; other warnings (damaged entropy
 * data that libjpeg recovers from) are ignored, as Pillow ignores them. A progressive file with
 * more than GI_JPEG_MAX_SCANS scans is refused. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "engine/image/image_decode.h"
#include "util/err.h"

typedef struct jpeg_run {
    struct jpeg_decompress_struct d;
    struct jpeg_error_mgr pub;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    /* inputs */
    const ga_alloc *a;
    const uint8_t *bytes;
    size_t len;
    const gi_decode_limits *lim;
    genapi_error *err;
    /* outputs and state */
    gi_image *out;
    uint8_t *cmyk_row; /* one CMYK row, for CMYK and YCCK files */
    int created;
    int orientation;
    genapi_status st; /* set before any jump that is not a libjpeg error */
} jpeg_run;

static void on_error_exit(j_common_ptr c)
{
    jpeg_run *r = (jpeg_run *)(void *)c->client_data;
    longjmp(r->jump, 1);
}

static void on_emit_message(j_common_ptr c, int level)
{
    /* level -1 is a warning; a truncated file is refused, other warnings are ignored. */
    if (level < 0 && c->err->msg_code == JWRN_JPEG_EOF) {
        jpeg_run *r = (jpeg_run *)(void *)c->client_data;
        longjmp(r->jump, 1);
    }
}

static void on_output_message(j_common_ptr c)
{
    (void)c; /* nothing is printed */
}

static void on_progress(j_common_ptr c)
{
    if (c->is_decompressor && ((j_decompress_ptr)(void *)c)->input_scan_number > GI_JPEG_MAX_SCANS) {
        jpeg_run *r = (jpeg_run *)(void *)c->client_data;
        longjmp(r->jump, 1);
    }
}

/* Pillow's MULDIV255: a * b / 255, rounded. */
static uint32_t muldiv255(uint32_t a, uint32_t b)
{
    uint32_t t = a * b + 128;
    return ((t >> 8) + t) >> 8;
}

/* One row of CMYK as libjpeg gives it (Adobe files store the inks inverted; Pillow reads every
 * CMYK JPEG as "CMYK;I") to RGBA as Pillow's cmyk2rgb: nk = 255 - K, R = nk - C * nk / 255. */
static void cmyk_to_rgba(const uint8_t *in, uint8_t *out, int32_t w)
{
    for (int32_t x = 0; x < w; x++, in += 4, out += 4) {
        uint32_t nk = in[3]; /* 255 - K with K = 255 - stored */
        for (int ch = 0; ch < 3; ch++) {
            uint32_t ink = 255u - in[ch];
            uint32_t v = muldiv255(ink, nk);
            out[ch] = (uint8_t)(v > nk ? 0 : nk - v);
        }
        out[3] = 255;
    }
}

/* The orientation of the first saved APP1 segment that starts with "Exif\0" (Pillow's test). */
static int saved_orientation(j_decompress_ptr d)
{
    for (jpeg_saved_marker_ptr m = d->marker_list; m != NULL; m = m->next)
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 5 && memcmp(m->data, "Exif\0", 5) == 0)
            return gi__exif_orientation(m->data, m->data_length, 1);
    return 1;
}

/* Everything between setjmp and the end of decoding; returns 0 when decoded, -1 otherwise
 * (r->st says why when it is not a libjpeg error). */
static int run(jpeg_run *r)
{
    if (setjmp(r->jump))
        return -1;
    r->d.err = jpeg_std_error(&r->pub);
    r->pub.error_exit = on_error_exit;
    r->pub.emit_message = on_emit_message;
    r->pub.output_message = on_output_message;
    r->d.client_data = r;
    jpeg_create_decompress(&r->d);
    r->created = 1;
    r->progress.progress_monitor = on_progress;
    r->d.progress = &r->progress;
    jpeg_mem_src(&r->d, r->bytes, (unsigned long)r->len);
    jpeg_save_markers(&r->d, JPEG_APP0 + 1, 0xFFFF);
    if (jpeg_read_header(&r->d, TRUE) != JPEG_HEADER_OK)
        return -1;
    r->st = gi__decode_check_size(r->lim, r->d.image_width, r->d.image_height, r->err);
    if (r->st != GENAPI_OK)
        return -1;
    r->orientation = saved_orientation(&r->d);
    int cmyk = r->d.jpeg_color_space == JCS_CMYK || r->d.jpeg_color_space == JCS_YCCK;
    r->d.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
    jpeg_start_decompress(&r->d);
    if (r->d.output_width != r->d.image_width || r->d.output_height != r->d.image_height ||
        r->d.output_components != 4)
        return -1;
    r->st = gi__image_alloc_raw(r->a, (int32_t)r->d.output_width, (int32_t)r->d.output_height, r->out, r->err);
    if (r->st != GENAPI_OK)
        return -1;
    size_t stride = (size_t)r->out->width * 4;
    if (cmyk) {
        r->cmyk_row = ga_malloc(r->a, stride);
        if (r->cmyk_row == NULL) {
            r->st = ga_err(r->err, GENAPI_E_NOMEM, NULL, "Out of memory decoding a JPEG");
            return -1;
        }
    }
    while (r->d.output_scanline < r->d.output_height) {
        uint8_t *dst = r->out->rgba + (size_t)r->d.output_scanline * stride;
        JSAMPROW row = cmyk ? r->cmyk_row : dst;
        if (jpeg_read_scanlines(&r->d, &row, 1) != 1)
            return -1;
        if (cmyk)
            cmyk_to_rgba(r->cmyk_row, dst, r->out->width);
    }
    jpeg_finish_decompress(&r->d);
    return 0;
}

genapi_status gi__jpeg_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, const gi_decode_limits *lim,
                              gi_image *out, int *orientation, genapi_error *err)
{
    out->width = 0;
    out->height = 0;
    out->rgba = NULL;
    *orientation = 1;
    if (!bytes || len < 4 || (size_t)(unsigned long)len != len)
        return gi__decode_invalid(err);
    jpeg_run *r = ga_calloc(a, 1, sizeof *r);
    if (r == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory creating the JPEG decoder");
    r->a = a;
    r->bytes = bytes;
    r->len = len;
    r->lim = lim;
    r->err = err;
    r->out = out;
    r->st = GENAPI_OK;
    int rc = run(r);
    if (r->created)
        jpeg_destroy_decompress(&r->d);
    genapi_status st = r->st;
    if (rc == 0)
        *orientation = r->orientation;
    else if (st == GENAPI_OK)
        st = gi__decode_invalid(err);
    if (r->cmyk_row)
        ga_free(a, r->cmyk_row);
    ga_free(a, r);
    if (st != GENAPI_OK)
        gi_image_free(a, out);
    return st;
}
