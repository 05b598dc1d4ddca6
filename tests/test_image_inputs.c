/* Image inputs in PNG, JPEG and WebP, checked against an independent decoder.
 *
 * tests/data/images holds small files written by Pillow (and, for the PNG colour types Pillow
 * cannot write, by make_images.py with zlib), each with NAME.rgba: the RGBA pixels Pillow
 * decodes from it after ImageOps.exif_transpose, as AUTOMATIC1111 reads an API input.
 * expected.txt lists FILE KIND WIDTH HEIGHT. The tests:
 *   - decode every file with gi_image_decode and compare with Pillow's pixels;
 *   - send every file through img2img (denoising 0: the output is the decoded input),
 *     inpainting (the file as init image and as mask: each output pixel is the repainted one
 *     exactly where Pillow's pixel is white enough) and upscale (Nearest x2: every input
 *     pixel, alpha included, four times), on the in-process client and on a genapi-server;
 *   - run the CLI's img2img --init FILE and upscale FILE on every file, on both transports;
 *   - refuse sizes over the limits from the header alone, and answer truncated or damaged
 *     files with the servers' 500 "Invalid encoded image" (or decode them), never crashing.
 *
 * Tolerances: PNG and lossless WebP must match exactly (both decoders are exact by
 * definition). JPEG and lossy WebP may differ by TOL_LOSSY per channel: the JPEG standard
 * leaves the IDCT's rounding and the chroma upsampling to the decoder (libjpeg-turbo's
 * accurate integer IDCT and its smooth upsampling, used here and by Pillow, match bit for bit,
 * but IJG libjpeg 9's DCT-domain upsampling or a float IDCT differ by a level or two at
 * colour edges), and libwebp changed the rounding of its YUV to RGB conversion between
 * versions. The largest difference seen is printed for each kind; with the Debian libraries
 * on both sides it is 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>
#include <sodium.h>

#include "engine/image/image_decode.h"
#include "failing_alloc.h"
#include "image/probe.h"
#include "test_support.h"
#include "util/alloc.h"

#define IMAGES_DIR GENAPI_SOURCE_DIR "/tests/data/images"
#define TOL_LOSSY 2
#define MAX_CASES 64

typedef struct tcase {
    char file[64], kind[16];
    int32_t w, h;  /* decoded size, after the EXIF orientation */
    uint8_t *bytes; /* the file */
    size_t len;
    uint8_t *rgba; /* Pillow's pixels */
    int tol;
} tcase;

typedef struct suite {
    tcase cases[MAX_CASES];
    size_t n;
    ga_alloc a;
    ts_server srv; /* the genapi-server of test_routes_over_http */
    int srv_up;
} suite;

static int group_setup(void **state)
{
    suite *s = calloc(1, sizeof *s);
    if (s == NULL || ga_alloc_resolve(&s->a, NULL) != 0)
        return -1;
    size_t mlen;
    char *manifest = ts_read_file(IMAGES_DIR "/expected.txt", &mlen);
    if (manifest == NULL) {
        fprintf(stderr, "cannot read %s\n", IMAGES_DIR "/expected.txt");
        return -1;
    }
    char *save = NULL;
    for (char *line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (s->n == MAX_CASES)
            return -1;
        tcase *c = &s->cases[s->n];
        int w, h;
        if (sscanf(line, "%63s %15s %d %d", c->file, c->kind, &w, &h) != 4)
            return -1;
        c->w = w;
        c->h = h;
        c->tol = strcmp(c->kind, "jpeg") == 0 || strcmp(c->kind, "webp-lossy") == 0 ? TOL_LOSSY : 0;
        char path[512], base[64];
        snprintf(path, sizeof path, "%s/%s", IMAGES_DIR, c->file);
        c->bytes = (uint8_t *)ts_read_file(path, &c->len);
        snprintf(base, sizeof base, "%s", c->file);
        char *dot = strrchr(base, '.');
        if (dot)
            *dot = '\0';
        snprintf(path, sizeof path, "%s/%s.rgba", IMAGES_DIR, base);
        size_t rlen = 0;
        c->rgba = (uint8_t *)ts_read_file(path, &rlen);
        if (c->bytes == NULL || c->rgba == NULL || rlen != (size_t)w * (size_t)h * 4) {
            fprintf(stderr, "bad test file %s\n", c->file);
            return -1;
        }
        s->n++;
    }
    free(manifest);
    *state = s;
    return 0;
}

static int group_teardown(void **state)
{
    suite *s = *state;
    for (size_t i = 0; s && i < s->n; i++) {
        free(s->cases[i].bytes);
        free(s->cases[i].rgba);
    }
    free(s);
    return 0;
}

/* Largest per-channel difference of n bytes. */
static int max_diff(const uint8_t *x, const uint8_t *y, size_t n)
{
    int m = 0;
    for (size_t i = 0; i < n; i++) {
        int d = abs((int)x[i] - (int)y[i]);
        if (d > m)
            m = d;
    }
    return m;
}

static int is_kind(const tcase *c, const char *kind)
{
    return strcmp(c->kind, kind) == 0;
}

/* ---------------------------------------------------------------------------------------------
 * The decoders against Pillow */

static void test_decode_matches_pillow(void **state)
{
    suite *s = *state;
    const char *kinds[] = {"png", "jpeg", "webp-lossless", "webp-lossy"};
    int worst[4] = {0, 0, 0, 0}, count[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < s->n; i++) {
        tcase *c = &s->cases[i];
        gi_image img;
        genapi_error err;
        if (gi_image_decode(&s->a, c->bytes, c->len, NULL, &img, &err) != GENAPI_OK)
            fail_msg("%s: %s", c->file, err.message);
        if (img.width != c->w || img.height != c->h)
            fail_msg("%s: %dx%d, Pillow %dx%d", c->file, (int)img.width, (int)img.height, (int)c->w, (int)c->h);
        int d = max_diff(img.rgba, c->rgba, (size_t)c->w * (size_t)c->h * 4);
        if (d > c->tol)
            fail_msg("%s: a channel differs from Pillow's by %d (tolerance %d)", c->file, d, c->tol);
        for (int k = 0; k < 4; k++)
            if (is_kind(c, kinds[k])) {
                count[k]++;
                worst[k] = d > worst[k] ? d : worst[k];
            }
        gi_image_free(&s->a, &img);
    }
    for (int k = 0; k < 4; k++)
        print_message("%-14s %2d files, largest difference from Pillow %d\n", kinds[k], count[k], worst[k]);
    /* Every colour type listed in make_images.py is there. */
    assert_true(count[0] >= 19);
    assert_true(count[1] >= 13);
    assert_true(count[2] >= 4);
    assert_true(count[3] >= 2);
}

/* The format probe reads every file's header (the stored size: before the orientation). */
static void test_probe_reads_headers(void **state)
{
    suite *s = *state;
    for (size_t i = 0; i < s->n; i++) {
        tcase *c = &s->cases[i];
        int32_t fmt, w, h;
        gi_probe(c->bytes, c->len, &fmt, &w, &h);
        int want = c->kind[0] == 'p' ? GENAPI_IMAGE_FORMAT_PNG
                   : c->kind[0] == 'j' ? GENAPI_IMAGE_FORMAT_JPEG
                                       : GENAPI_IMAGE_FORMAT_WEBP;
        if (fmt != want)
            fail_msg("%s: format %d", c->file, (int)fmt);
        int turned = strstr(c->file, "orient") != NULL || strstr(c->file, "exif") != NULL;
        if (!((w == c->w && h == c->h) || (turned && w == c->h && h == c->w)))
            fail_msg("%s: probe %dx%d", c->file, (int)w, (int)h);
    }
}

/* Orientation tags as Pillow reads them. */
static void test_exif_orientation_rules(void **state)
{
    (void)state;
    /* "II*\0", IFD at 8, n entries of 12 bytes, then a next-IFD offset. */
    uint8_t b[64];
    memset(b, 0, sizeof b);
    memcpy(b, "Exif\0\0II\x2A\0\x08\0\0\0", 14);
    uint8_t *t = b + 6; /* the TIFF block */
    t[8] = 2;           /* two entries */
    uint8_t e0[12] = {0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0};  /* Orientation SHORT 6 */
    uint8_t e1[12] = {0x0F, 0x01, 2, 0, 4, 0, 0, 0, 'a', 'b', 'c', 0}; /* Make "abc" */
    memcpy(t + 10, e1, 12);
    memcpy(t + 22, e0, 12);
    size_t n = 6 + 10 + 24 + 4;
    assert_int_equal(gi__exif_orientation(b, n, 1), 6);
    assert_int_equal(gi__exif_orientation(t, n - 6, 0), 6);
    assert_int_equal(gi__exif_orientation(b, n, 0), 1);      /* PNG eXIf: no prefix allowed */
    assert_int_equal(gi__exif_orientation(b, n - 4, 1), 6); /* next-IFD offset cut: entries kept */
    assert_int_equal(gi__exif_orientation(b, n - 5, 1), 1); /* the Orientation entry cut */
    t[2] = 0;
    t[3] = 0x2A; /* "II\0*", which Pillow accepts too */
    assert_int_equal(gi__exif_orientation(b, n, 1), 6);
    t[2] = 0x2B; /* BigTIFF: Pillow fails, so no orientation */
    t[3] = 0;
    assert_int_equal(gi__exif_orientation(b, n, 1), 1);
    t[2] = 0x2A;
    b[5] = 'X'; /* "Exif\0X": not stripped, not a TIFF header */
    assert_int_equal(gi__exif_orientation(b, n, 1), 1);
    b[5] = 0;
    t[22 + 8] = 9; /* out of range */
    assert_int_equal(gi__exif_orientation(b, n, 1), 1);
    t[22 + 2] = 4; /* LONG 8 */
    t[22 + 8] = 8;
    assert_int_equal(gi__exif_orientation(b, n, 1), 8);
    t[22 + 4] = 2; /* count 2: a tuple for Pillow, no orientation */
    assert_int_equal(gi__exif_orientation(b, n, 1), 1);
    t[22 + 4] = 1;
    memcpy(t + 10, e0, 12); /* two Orientation entries: the later one wins */
    t[10 + 8] = 3;
    assert_int_equal(gi__exif_orientation(b, n, 1), 8);
    /* Big-endian. */
    uint8_t m[32] = {'M', 'M', 0, 0x2A, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(gi__exif_orientation(m, 26, 0), 5);
    assert_int_equal(gi__exif_orientation(m, 7, 0), 1);
    assert_int_equal(gi__exif_orientation(NULL, 0, 1), 1);
}

/* ---------------------------------------------------------------------------------------------
 * Limits before decoding */

static const tcase *find_case(const suite *s, const char *file)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->cases[i].file, file) == 0)
            return &s->cases[i];
    fail_msg("no test file %s", file);
    return NULL;
}

static void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v & 0xFFFF);
}

/* A copy of a test file whose header claims w x h. */
static uint8_t *claiming(const tcase *c, uint32_t w, uint32_t h)
{
    uint8_t *d = malloc(c->len);
    assert_non_null(d);
    memcpy(d, c->bytes, c->len);
    if (c->kind[0] == 'p') { /* IHDR, CRC recomputed */
        put_be32(d + 16, w);
        put_be32(d + 20, h);
        uint32_t crc = 0xFFFFFFFFu;
        for (size_t i = 12; i < 29; i++) {
            crc ^= d[i];
            for (int k = 0; k < 8; k++)
                crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        put_be32(d + 29, crc ^ 0xFFFFFFFFu);
    } else if (c->kind[0] == 'j') { /* the SOF segment */
        size_t i = 2;
        while (i + 9 <= c->len && !(d[i] == 0xFF && (d[i + 1] == 0xC0 || d[i + 1] == 0xC2)))
            i += 2 + ((size_t)d[i + 2] << 8 | d[i + 3]);
        assert_true(i + 9 <= c->len);
        put_be16(d + i + 5, h);
        put_be16(d + i + 7, w);
    } else if (memcmp(d + 12, "VP8X", 4) == 0) { /* the canvas, 24 bits each */
        d[24] = (uint8_t)(w - 1);
        d[25] = (uint8_t)((w - 1) >> 8);
        d[26] = (uint8_t)((w - 1) >> 16);
        d[27] = (uint8_t)(h - 1);
        d[28] = (uint8_t)((h - 1) >> 8);
        d[29] = (uint8_t)((h - 1) >> 16);
    } else if (memcmp(d + 12, "VP8L", 4) == 0) { /* 14 bits each after the signature */
        uint32_t bits = (uint32_t)d[21] | (uint32_t)d[22] << 8 | (uint32_t)d[23] << 16 | (uint32_t)d[24] << 24;
        bits = (bits & ~(uint32_t)0x0FFFFFFF) | ((w - 1) & 0x3FFF) | ((h - 1) & 0x3FFF) << 14;
        d[21] = (uint8_t)bits;
        d[22] = (uint8_t)(bits >> 8);
        d[23] = (uint8_t)(bits >> 16);
        d[24] = (uint8_t)(bits >> 24);
    } else { /* VP8: 14 bits each in the key frame header */
        d[26] = (uint8_t)w;
        d[27] = (uint8_t)((w >> 8) & 0x3F);
        d[28] = (uint8_t)h;
        d[29] = (uint8_t)((h >> 8) & 0x3F);
    }
    return d;
}

static void test_limits_before_decoding(void **state)
{
    suite *s = *state;
    /* consistent = 0: the claim contradicts the rest of the header (a still WebP's canvas
     * differs from its frame), which libwebp refuses as it reads the header. */
    struct {
        const char *file;
        uint32_t w, h;
        int consistent;
    } big[] = {
        {"jpg_444.jpg", 60000, 60000, 1},           {"jpg_progressive.jpg", 60000, 60000, 1},
        {"jpg_grey.jpg", 30000, 30000, 1},          {"png_rgb8.png", 60000, 60000, 1},
        {"png_rgba8.png", 30000, 30000, 1},         {"png_pal4.png", 32768, 4097, 1},
        {"webp_lossy_rgba.webp", 16384, 16384, 0},  {"webp_animated.webp", 60000, 60000, 1},
        {"webp_lossless_rgb.webp", 16384, 16384, 1}, {"webp_lossy_rgb.webp", 16383, 16383, 1},
    };
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        const tcase *c = find_case(s, big[i].file);
        uint8_t *d = claiming(c, big[i].w, big[i].h);
        int32_t fmt, w, h;
        gi_probe(d, c->len, &fmt, &w, &h);
        assert_int_equal(w, (int32_t)big[i].w);
        assert_int_equal(h, (int32_t)big[i].h);
        fa_counter k = {0}; /* k.largest: the largest size asked for */
        genapi_allocator hooks = FA_HOOKS(&k);
        ga_alloc a;
        assert_int_equal(ga_alloc_resolve(&a, &hooks), 0);
        gi_image img;
        genapi_error err;
        genapi_status st = gi_image_decode(&a, d, c->len, NULL, &img, &err);
        if (st != GENAPI_E_INVALID_ARG)
            fail_msg("%s claiming %ux%u: status %d", c->file, big[i].w, big[i].h, (int)st);
        if (big[i].consistent ? strstr(err.message, "over the limit") == NULL
                              : strcmp(err.message, "Invalid encoded image") != 0)
            fail_msg("%s claiming %ux%u: %s", c->file, big[i].w, big[i].h, err.message);
        assert_null(img.rgba);
        if (k.largest > 4096)
            fail_msg("%s: %zu bytes allocated before refusing", c->file, k.largest);
        free(d);
    }
    /* The caller's limits, below the engine's. */
    const tcase *c = find_case(s, "jpg_444.jpg");
    gi_image img;
    genapi_error err;
    gi_decode_limits lim = {39, 0};
    assert_int_equal(gi_image_decode(&s->a, c->bytes, c->len, &lim, &img, &err), GENAPI_E_INVALID_ARG);
    lim.max_side = 40;
    lim.max_pixels = 40 * 24 - 1;
    assert_int_equal(gi_image_decode(&s->a, c->bytes, c->len, &lim, &img, &err), GENAPI_E_INVALID_ARG);
    lim.max_pixels = 40 * 24;
    assert_int_equal(gi_image_decode(&s->a, c->bytes, c->len, &lim, &img, &err), GENAPI_OK);
    gi_image_free(&s->a, &img);
}

/* A progressive JPEG whose last scan is repeated `extra` times (libjpeg decodes repeated scans,
 * only warning): each scan is a pass over the whole image, so the scans are counted. */
static uint8_t *repeated_scans(const tcase *c, size_t extra, size_t *len)
{
    size_t i = 2, last_sos = 0, eoi = 0;
    while (i + 2 <= c->len) {
        uint8_t m = c->bytes[i + 1];
        if (m == 0xD9) {
            eoi = i;
            break;
        }
        if (i + 4 > c->len)
            break;
        size_t seg = 2 + ((size_t)c->bytes[i + 2] << 8 | c->bytes[i + 3]);
        if (m == 0xDA) {
            last_sos = i;
            i += seg;
            while (i + 1 < c->len && !(c->bytes[i] == 0xFF && c->bytes[i + 1] != 0 &&
                                       !(c->bytes[i + 1] >= 0xD0 && c->bytes[i + 1] <= 0xD7)))
                i++;
        } else {
            i += seg;
        }
    }
    assert_true(last_sos > 0 && eoi > last_sos);
    size_t scan = eoi - last_sos;
    *len = c->len + extra * scan;
    uint8_t *d = malloc(*len);
    assert_non_null(d);
    memcpy(d, c->bytes, eoi);
    for (size_t k = 0; k < extra; k++)
        memcpy(d + eoi + k * scan, c->bytes + last_sos, scan);
    memcpy(d + eoi + extra * scan, c->bytes + eoi, c->len - eoi);
    return d;
}

static void test_jpeg_scan_limit(void **state)
{
    suite *s = *state;
    const tcase *c = find_case(s, "jpg_progressive.jpg");
    size_t len;
    gi_image img;
    genapi_error err;
    uint8_t *d = repeated_scans(c, GI_JPEG_MAX_SCANS - 20, &len);
    assert_int_equal(gi_image_decode(&s->a, d, len, NULL, &img, &err), GENAPI_OK);
    gi_image_free(&s->a, &img);
    free(d);
    d = repeated_scans(c, GI_JPEG_MAX_SCANS, &len);
    assert_int_equal(gi_image_decode(&s->a, d, len, NULL, &img, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.message, "Invalid encoded image");
    assert_null(img.rgba);
    free(d);
}

/* ---------------------------------------------------------------------------------------------
 * Through the routes, on both transports */

static genapi_client *new_client(const char *url, int webui)
{
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.image_api = webui ? GENAPI_IMAGE_API_WEBUI : GENAPI_IMAGE_API_HOSTED;
    cfg.max_retries = 0;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    return c;
}

/* The PNG of a result decoded; its size must be w x h. */
static void decode_result(const suite *s, const genapi_image *im, int32_t w, int32_t h, gi_image *out,
                          const char *what, const char *file)
{
    genapi_error err;
    assert_int_equal(im->format, GENAPI_IMAGE_FORMAT_PNG);
    if (gi_png_decode(&s->a, im->data, im->size, out, &err) != GENAPI_OK)
        fail_msg("%s of %s: %s", what, file, err.message);
    if (out->width != w || out->height != h)
        fail_msg("%s of %s: %dx%d, want %dx%d", what, file, (int)out->width, (int)out->height, (int)w, (int)h);
}

static void img2img_params(genapi_img2img_params *q, const char *const *init, double denoise)
{
    genapi_img2img_params_init(q, sizeof *q);
    GENAPI_IMG2IMG_SET(q, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_IMG2IMG_SET(q, prompt, "a harbour at noon");
    GENAPI_IMG2IMG_SET(q, init_images, ((genapi_strlist){init, 1}));
    GENAPI_IMG2IMG_SET(q, denoising_strength, denoise);
    GENAPI_IMG2IMG_SET(q, seed, 7);
    GENAPI_IMG2IMG_SET(q, steps, 3);
}

static void run_img2img(genapi_client *cl, const genapi_img2img_params *q, genapi_images_result **res,
                        const char *what, const char *file)
{
    genapi_error err;
    genapi_status st = genapi_img2img(cl, q, res, &err);
    if (st != GENAPI_OK)
        fail_msg("%s of %s: %s (%s)", what, file, genapi_status_str(st), err.message);
    assert_int_equal((*res)->image_count, 1);
}

/* img2img, inpainting and upscale of one test file. */
static void routes_one(const suite *s, genapi_client *cl, const tcase *c, int data_uri)
{
    const size_t npx = (size_t)c->w * (size_t)c->h;
    char *b64 = NULL, *init = NULL;
    genapi_error err;
    assert_int_equal(genapi_image_to_base64(cl, c->bytes, c->len, &b64, &err), GENAPI_OK);
    if (data_uri) {
        const char *type = c->kind[0] == 'p' ? "png" : c->kind[0] == 'j' ? "jpeg" : "webp";
        size_t n = strlen(b64) + 32;
        init = malloc(n);
        assert_non_null(init);
        snprintf(init, n, "data:image/%s;base64,%s", type, b64);
    } else {
        init = strdup(b64);
        assert_non_null(init);
    }
    genapi_free(genapi_client_allocator(cl), b64);
    const char *inits[] = {init};

    /* Denoising 0: the output's colours are the decoded input's. */
    genapi_img2img_params q;
    img2img_params(&q, inits, 0.0);
    genapi_images_result *res = NULL;
    gi_image kept, redrawn, inpainted, up;
    run_img2img(cl, &q, &res, "img2img", c->file);
    decode_result(s, &res->images[0], c->w, c->h, &kept, "img2img", c->file);
    genapi_images_result_free(res);
    for (size_t i = 0; i < npx; i++) {
        int d = max_diff(kept.rgba + i * 4, c->rgba + i * 4, 3);
        if (d > c->tol || kept.rgba[i * 4 + 3] != 255)
            fail_msg("img2img of %s: pixel %zu differs from Pillow's by %d", c->file, i, d);
    }

    /* Inpainting with the file as its own mask (no blur, original content): a pixel's colour is
     * the redrawn one (img2img at the same strength) where the mask is white, else the input's
     * (the mask's luminance threshold is 127; near it a lossy file may fall either way). */
    img2img_params(&q, inits, 0.5);
    run_img2img(cl, &q, &res, "img2img", c->file);
    decode_result(s, &res->images[0], c->w, c->h, &redrawn, "img2img", c->file);
    genapi_images_result_free(res);
    GENAPI_IMG2IMG_SET(&q, mask, init);
    GENAPI_IMG2IMG_SET(&q, mask_blur, 0);
    GENAPI_IMG2IMG_SET(&q, inpainting_fill, 1);
    GENAPI_IMG2IMG_SET(&q, inpaint_full_res, 0);
    run_img2img(cl, &q, &res, "inpainting", c->file);
    decode_result(s, &res->images[0], c->w, c->h, &inpainted, "inpainting", c->file);
    genapi_images_result_free(res);
    size_t on = 0, off = 0;
    for (size_t i = 0; i < npx; i++) {
        const uint8_t *p = c->rgba + i * 4;
        int l = (int)((299u * p[0] + 587u * p[1] + 114u * p[2] + 500u) / 1000u);
        int sure = c->tol == 0 || l < 127 - c->tol || l > 128 + c->tol;
        const uint8_t *got = inpainted.rgba + i * 4, *r = redrawn.rgba + i * 4, *k = kept.rgba + i * 4;
        int is_r = memcmp(got, r, 3) == 0, is_k = memcmp(got, k, 3) == 0;
        if (sure ? !(l > 127 ? is_r : is_k) : !(is_r || is_k))
            fail_msg("inpainting of %s: pixel %zu (mask luminance %d) is neither as masked nor as kept", c->file, i,
                     l);
        on += l > 127;
        off += l <= 127;
    }
    assert_true(on > 0 && off > 0);

    /* Upscale by 2, nearest neighbour: each input pixel (alpha too) four times. */
    genapi_upscale_params u;
    genapi_upscale_params_init(&u, sizeof u);
    GENAPI_UPSCALE_SET(&u, image, init);
    GENAPI_UPSCALE_SET(&u, upscaler_1, "Nearest");
    GENAPI_UPSCALE_SET(&u, upscaling_resize, 2.0);
    genapi_upscale_result *ur = NULL;
    genapi_status st = genapi_upscale(cl, &u, &ur, &err);
    if (st != GENAPI_OK)
        fail_msg("upscale of %s: %s (%s)", c->file, genapi_status_str(st), err.message);
    decode_result(s, &ur->image, c->w * 2, c->h * 2, &up, "upscale", c->file);
    genapi_upscale_result_free(ur);
    for (int32_t y = 0; y < up.height; y++)
        for (int32_t x = 0; x < up.width; x++) {
            const uint8_t *got = up.rgba + ((size_t)y * (size_t)up.width + (size_t)x) * 4;
            const uint8_t *want = c->rgba + ((size_t)(y / 2) * (size_t)c->w + (size_t)(x / 2)) * 4;
            int d = max_diff(got, want, 4);
            if (d > c->tol)
                fail_msg("upscale of %s: pixel (%d, %d) differs from Pillow's by %d", c->file, (int)x, (int)y, d);
        }
    gi_image_free(&s->a, &kept);
    gi_image_free(&s->a, &redrawn);
    gi_image_free(&s->a, &inpainted);
    gi_image_free(&s->a, &up);
    free(init);
}

static void routes_all(const suite *s, const char *url, int webui)
{
    genapi_client *cl = new_client(url, webui);
    for (size_t i = 0; i < s->n; i++)
        routes_one(s, cl, &s->cases[i], (int)(i % 2));
    genapi_client_free(cl);
}

static void test_routes_in_process(void **state)
{
    routes_all(*state, NULL, 0);
}

static int server_up(void **state)
{
    suite *s = *state;
    if (ts_server_start(&s->srv, NULL) != 0)
        return -1;
    s->srv_up = 1;
    return 0;
}

static int server_down(void **state)
{
    suite *s = *state;
    if (s->srv_up)
        ts_server_stop(&s->srv);
    s->srv_up = 0;
    return 0;
}

static void test_routes_over_http(void **state)
{
    suite *s = *state;
    routes_all(s, s->srv.url, 1);
}

/* ---------------------------------------------------------------------------------------------
 * Damaged files */

static uint32_t xorshift(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Bytes a file cannot lose and still decode. A PNG decoder stops once it has every row:
 * Pillow needs neither the end of the zlib stream (its checksum) nor the IDAT CRC nor IEND, the
 * last 21 bytes of these files; libspng needs the checksum, not the rest. JPEG and WebP need
 * every byte (both sides refuse a JPEG without its end marker, except that Pillow, reading
 * ahead by whole buffers, sometimes does not notice). */
static size_t needed_bytes(const tcase *c)
{
    return c->kind[0] == 'p' ? c->len - 21 : c->len;
}

/* Decoding every prefix and many damaged copies of every file: the decoder answers (the image,
 * or an error) and never reads outside the bytes it is given (ASan checks the copies, each in
 * a buffer of its exact size). */
static void test_decoders_on_damaged_files(void **state)
{
    suite *s = *state;
    uint32_t rng = 0x9E3779B9u;
    size_t decoded = 0, refused = 0;
    for (size_t i = 0; i < s->n; i++) {
        const tcase *c = &s->cases[i];
        for (size_t n = 0; n < c->len; n++) {
            uint8_t *d = malloc(n ? n : 1);
            assert_non_null(d);
            memcpy(d, c->bytes, n);
            gi_image img;
            genapi_error err;
            genapi_status st = gi_image_decode(&s->a, d, n, NULL, &img, &err);
            if (n < needed_bytes(c) && st != GENAPI_E_INVALID_ARG)
                fail_msg("%s cut to %zu of %zu bytes: status %d", c->file, n, c->len, (int)st);
            if (st == GENAPI_OK)
                gi_image_free(&s->a, &img);
            else
                assert_string_equal(err.message, "Invalid encoded image");
            free(d);
        }
        for (int k = 0; k < 300; k++) {
            uint8_t *d = malloc(c->len);
            assert_non_null(d);
            memcpy(d, c->bytes, c->len);
            int changes = 1 + (int)(xorshift(&rng) % 4);
            for (int m = 0; m < changes; m++) {
                size_t at = k < 100 ? xorshift(&rng) % (c->len < 64 ? c->len : 64) : xorshift(&rng) % c->len;
                d[at] = (uint8_t)xorshift(&rng);
            }
            gi_image img;
            genapi_error err;
            genapi_status st = gi_image_decode(&s->a, d, c->len, NULL, &img, &err);
            if (st == GENAPI_OK) {
                assert_true(img.width >= 1 && img.height >= 1);
                gi_image_free(&s->a, &img);
                decoded++;
            } else {
                assert_int_equal(st, GENAPI_E_INVALID_ARG);
                refused++;
            }
            free(d);
        }
    }
    print_message("damaged copies: %zu decoded, %zu refused\n", decoded, refused);
}

/* POST a body to the router; the answer's status, its JSON (caller puts it). */
static json_object *post(genapi_backend *b, const char *path, const char *body, int *status)
{
    genapi_http_request req = {"POST", path, NULL, "application/json", body, strlen(body)};
    genapi_http_response r;
    assert_int_equal(genapi_backend_handle(b, &req, &r), GENAPI_OK);
    *status = r.status;
    json_object *o = json_tokener_parse(r.body);
    if (o == NULL)
        fail_msg("%s: unparsable answer %d %s", path, r.status, r.body);
    genapi_http_response_release(b, &r);
    return o;
}

/* One damaged file through one of the three image inputs: the answer is the image, or A1111's
 * 500 {"error": "HTTPException", "detail": "Invalid encoded image", ...}. Returns 1 if decoded. */
static int post_damaged(genapi_backend *b, const uint8_t *d, size_t n, int route, int must_fail, const char *file,
                        const uint8_t *valid, size_t valid_len)
{
    size_t cap = sodium_base64_encoded_len(n ? n : 1, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    char *ok64 = malloc(sodium_base64_encoded_len(valid_len, sodium_base64_VARIANT_ORIGINAL));
    assert_true(b64 != NULL && ok64 != NULL);
    sodium_bin2base64(b64, cap, d, n, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(ok64, sodium_base64_encoded_len(valid_len, sodium_base64_VARIANT_ORIGINAL), valid, valid_len,
                      sodium_base64_VARIANT_ORIGINAL);
    json_object *req = json_object_new_object();
    const char *path;
    if (route == 2) {
        path = "/sdapi/v1/extra-single-image";
        json_object_object_add(req, "image", json_object_new_string(b64));
        json_object_object_add(req, "upscaler_1", json_object_new_string("Nearest"));
        json_object_object_add(req, "upscaling_resize", json_object_new_double(1.0));
    } else {
        path = "/sdapi/v1/img2img";
        json_object *inits = json_object_new_array();
        json_object_array_add(inits, json_object_new_string(route == 0 ? b64 : ok64));
        json_object_object_add(req, "init_images", inits);
        if (route == 1)
            json_object_object_add(req, "mask", json_object_new_string(b64));
        json_object_object_add(req, "denoising_strength", json_object_new_double(0.0));
        json_object_object_add(req, "steps", json_object_new_int(1));
        json_object_object_add(req, "seed", json_object_new_int(1));
    }
    int status;
    json_object *ans = post(b, path, json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN), &status);
    int decoded = status == 200;
    json_object *v;
    if (decoded) {
        if (must_fail)
            fail_msg("%s cut to %zu bytes was decoded (route %d)", file, n, route);
        assert_true(json_object_object_get_ex(ans, route == 2 ? "image" : "images", &v));
    } else if (status == 500 && json_object_object_get_ex(ans, "detail", &v) &&
               strcmp(json_object_get_string(v), "Invalid encoded image") == 0) {
        assert_true(json_object_object_get_ex(ans, "error", &v));
        assert_string_equal(json_object_get_string(v), "HTTPException");
    } else if (!(route == 1 && status == 422)) { /* a decoded mask may not match the init's size */
        fail_msg("%s (%zu bytes, route %d): %d %s", file, n, route, status, json_object_to_json_string(ans));
    }
    json_object_put(ans);
    json_object_put(req);
    free(b64);
    free(ok64);
    return decoded;
}

static void test_routes_on_damaged_files(void **state)
{
    suite *s = *state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    uint32_t rng = 0x2545F491u;
    size_t decoded = 0, refused = 0;
    for (size_t i = 0; i < s->n; i++) {
        const tcase *c = &s->cases[i];
        /* Cut: the first bytes one by one, then every 1/32 of the file, then the last bytes. */
        for (size_t n = 1; n < c->len; n = n < 24 ? n + 1 : n + 1 + c->len / 32) {
            int ok = post_damaged(b, c->bytes, n, (int)(n % 3), n < needed_bytes(c), c->file, c->bytes, c->len);
            decoded += (size_t)ok;
            refused += (size_t)!ok;
        }
        for (size_t n = c->len - 3; n < c->len; n++)
            refused += (size_t)!post_damaged(b, c->bytes, n, (int)(n % 3), n < needed_bytes(c), c->file, c->bytes,
                                             c->len);
        /* Damaged: a few bytes replaced, in the header or anywhere. */
        uint8_t *d = malloc(c->len);
        assert_non_null(d);
        for (int k = 0; k < 24; k++) {
            memcpy(d, c->bytes, c->len);
            int changes = 1 + (int)(xorshift(&rng) % 3);
            for (int m = 0; m < changes; m++) {
                size_t at = k % 2 ? xorshift(&rng) % (c->len < 48 ? c->len : 48) : xorshift(&rng) % c->len;
                d[at] = (uint8_t)xorshift(&rng);
            }
            if (k == 0)
                d[0] ^= 0x01; /* no magic: refused whatever else */
            int ok = post_damaged(b, d, c->len, k % 3, k == 0, c->file, c->bytes, c->len);
            decoded += (size_t)ok;
            refused += (size_t)!ok;
        }
        free(d);
    }
    /* A header claiming 60000 x 60000 is answered at once. */
    const tcase *c = find_case(s, "jpg_progressive.jpg");
    uint8_t *big = claiming(c, 60000, 60000);
    for (int route = 0; route < 3; route++)
        assert_int_equal(post_damaged(b, big, c->len, route, 1, c->file, c->bytes, c->len), 0);
    free(big);
    genapi_backend_free(b);
    print_message("through the routes: %zu damaged inputs decoded, %zu answered 500\n", decoded, refused);
}

/* ---------------------------------------------------------------------------------------------
 * The client sends the files unchanged */

static void test_client_sends_files_unchanged(void **state)
{
    suite *s = *state;
    genapi_client *cl = new_client(NULL, 0);
    for (size_t i = 0; i < s->n; i++) {
        const tcase *c = &s->cases[i];
        char *b64 = NULL;
        genapi_error err;
        assert_int_equal(genapi_image_to_base64(cl, c->bytes, c->len, &b64, &err), GENAPI_OK);
        uint8_t *back = malloc(c->len + 3);
        size_t n = 0;
        assert_non_null(back);
        assert_int_equal(sodium_base642bin(back, c->len + 3, b64, strlen(b64), NULL, &n, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        assert_int_equal(n, c->len);
        assert_memory_equal(back, c->bytes, n);
        free(back);
        genapi_free(genapi_client_allocator(cl), b64);
    }
    genapi_client_free(cl);
}

/* ---------------------------------------------------------------------------------------------
 * The CLI: img2img --init FILE and upscale FILE send the files unchanged */

/* Run the CLI; 0 when it exits 0 with the output file's name on stdout, copied to path. */
static int run_cli(const char *args, char *path, size_t cap)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "env -u GENAPI_BASE_URL -u GENAPI_API_KEY -u GENAPI_IMAGE_MODEL '%s' %s", GENAPI_CLI_BIN,
             args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(path, 1, cap - 1, p);
    path[n] = '\0';
    int st = pclose(p);
    char *nl = strchr(path, '\n');
    if (nl)
        *nl = '\0';
    return st == 0 && path[0] ? 0 : -1;
}

static void cli_all(const suite *s, const char *url)
{
    char dir[] = "/tmp/genapi-image-inputs-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char base[256];
    snprintf(base, sizeof base, "%s%s%s", url ? "--webui --base-url '" : "", url ? url : "", url ? "'" : "");
    for (size_t i = 0; i < s->n; i++) {
        const tcase *c = &s->cases[i];
        char args[2048], out[1024];
        /* img2img at denoising 0: the decoded input's colours. */
        snprintf(args, sizeof args, "%s img2img --init '%s/%s' -o '%s/i' -p denoising_strength=0 -p steps=2 x", base,
                 IMAGES_DIR, c->file, dir);
        if (run_cli(args, out, sizeof out) != 0)
            fail_msg("genapi %s failed", args);
        size_t len = 0;
        uint8_t *png = (uint8_t *)ts_read_file(out, &len);
        assert_non_null(png);
        gi_image img;
        genapi_error err;
        assert_int_equal(gi_png_decode(&s->a, png, len, &img, &err), GENAPI_OK);
        assert_int_equal(img.width, c->w);
        assert_int_equal(img.height, c->h);
        for (size_t k = 0; k < (size_t)c->w * (size_t)c->h; k++)
            if (max_diff(img.rgba + k * 4, c->rgba + k * 4, 3) > c->tol)
                fail_msg("genapi img2img --init %s: pixel %zu differs from Pillow's", c->file, k);
        gi_image_free(&s->a, &img);
        free(png);
        remove(out);
        /* upscale, nearest neighbour x2. */
        snprintf(args, sizeof args, "%s upscale -o '%s/u' -p upscaler_1=Nearest -p upscaling_resize=2 '%s/%s'", base, dir,
                 IMAGES_DIR, c->file);
        if (run_cli(args, out, sizeof out) != 0)
            fail_msg("genapi %s failed", args);
        png = (uint8_t *)ts_read_file(out, &len);
        assert_non_null(png);
        assert_int_equal(gi_png_decode(&s->a, png, len, &img, &err), GENAPI_OK);
        assert_int_equal(img.width, c->w * 2);
        assert_int_equal(img.height, c->h * 2);
        for (int32_t y = 0; y < img.height; y++)
            for (int32_t x = 0; x < img.width; x++)
                if (max_diff(img.rgba + ((size_t)y * (size_t)img.width + (size_t)x) * 4,
                             c->rgba + ((size_t)(y / 2) * (size_t)c->w + (size_t)(x / 2)) * 4, 4) > c->tol)
                    fail_msg("genapi upscale %s: pixel (%d, %d) differs from Pillow's", c->file, (int)x, (int)y);
        gi_image_free(&s->a, &img);
        free(png);
        remove(out);
    }
    /* With a mask: inpainting runs (the result is checked pixel by pixel above). */
    char args[2048], out[1024];
    snprintf(args, sizeof args, "%s img2img --init '%s/jpg_444.jpg' --mask '%s/webp_lossy_rgba.webp' -o '%s/m' x", base,
             IMAGES_DIR, IMAGES_DIR, dir);
    if (run_cli(args, out, sizeof out) != 0)
        fail_msg("genapi %s failed", args);
    remove(out);
    assert_int_equal(rmdir(dir), 0);
}

static void test_cli_in_process(void **state)
{
    cli_all(*state, NULL);
}

static void test_cli_over_http(void **state)
{
    suite *s = *state;
    cli_all(s, s->srv.url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_matches_pillow),
        cmocka_unit_test(test_probe_reads_headers),
        cmocka_unit_test(test_exif_orientation_rules),
        cmocka_unit_test(test_limits_before_decoding),
        cmocka_unit_test(test_jpeg_scan_limit),
        cmocka_unit_test(test_client_sends_files_unchanged),
        cmocka_unit_test(test_routes_in_process),
        cmocka_unit_test_setup_teardown(test_routes_over_http, server_up, server_down),
        cmocka_unit_test(test_cli_in_process),
        cmocka_unit_test_setup_teardown(test_cli_over_http, server_up, server_down),
        cmocka_unit_test(test_decoders_on_damaged_files),
        cmocka_unit_test(test_routes_on_damaged_files),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
