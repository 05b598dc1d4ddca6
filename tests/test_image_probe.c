/* Image format and size from the header bytes (lib/image/probe.c), on hand-built headers:
 * the JPEG marker walk (fill bytes, RST and TEM markers without a length, a segment skipped by
 * its length, a stray byte, the first start-of-frame; DHT is not a frame; a length below 2 or
 * a cut frame header gives no size), the three WebP chunk kinds and PNG through libspng. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/images.h>

#include "image/probe.h"

static void expect(const uint8_t *d, size_t n, int32_t format, int32_t w, int32_t h)
{
    int32_t f = -1, ww = -1, hh = -1;
    gi_probe(d, n, &f, &ww, &hh);
    assert_int_equal(f, format);
    assert_int_equal(ww, w);
    assert_int_equal(hh, h);
}

static void test_jpeg_marker_walk(void **state)
{
    (void)state;
    /* FF D8 | FF FF fill | FF D0 (RST0) | FF 01 (TEM) | FF E0 len 4 (2 data bytes) | 00 stray |
     * FF C4 (DHT, len 4) | FF C0 SOF0 len 11, precision 8, height 300 (01 2C), width 400 (01 90) */
    const uint8_t jpg[] = {0xFF, 0xD8, 0xFF, 0xFF, 0xD0, 0xFF, 0x01, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB,
                           0x00, 0xFF, 0xC4, 0x00, 0x04, 0x01, 0x02, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x01,
                           0x2C, 0x01, 0x90, 0x03, 0x01, 0x22, 0x00};
    expect(jpg, sizeof jpg, GENAPI_IMAGE_FORMAT_JPEG, 400, 300);
    /* SOF2 (progressive) counts too. */
    const uint8_t prog[] = {0xFF, 0xD8, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x20, 0x03};
    expect(prog, sizeof prog, GENAPI_IMAGE_FORMAT_JPEG, 32, 16);
    /* The frame header cut before its width: format known, size not. */
    expect(prog, 10, GENAPI_IMAGE_FORMAT_JPEG, 0, 0);
    /* A segment length below 2 stops the walk. */
    const uint8_t bad[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x20};
    expect(bad, sizeof bad, GENAPI_IMAGE_FORMAT_JPEG, 0, 0);
}

static void webp(uint8_t d[30], const char *chunk)
{
    memset(d, 0, 30);
    memcpy(d, "RIFF", 4);
    memcpy(d + 8, "WEBP", 4);
    memcpy(d + 12, chunk, 4);
}

static void test_webp_chunks(void **state)
{
    (void)state;
    uint8_t d[30];
    /* VP8 (lossy): 14-bit width and height at 26 and 28, the top two bits are scale. */
    webp(d, "VP8 ");
    d[26] = 0x90;
    d[27] = 0x41; /* 0x4190 & 0x3FFF = 400 */
    d[28] = 0x2C;
    d[29] = 0xC1; /* 0xC12C & 0x3FFF = 300 */
    expect(d, 30, GENAPI_IMAGE_FORMAT_WEBP, 400, 300);
    expect(d, 29, GENAPI_IMAGE_FORMAT_WEBP, 0, 0); /* too short for a size */
    /* VP8L (lossless): signature 0x2F, then 14 bits width - 1 and 14 bits height - 1. */
    webp(d, "VP8L");
    d[20] = 0x2F;
    uint32_t b = (400u - 1) | (300u - 1) << 14;
    d[21] = (uint8_t)b;
    d[22] = (uint8_t)(b >> 8);
    d[23] = (uint8_t)(b >> 16);
    d[24] = (uint8_t)(b >> 24);
    expect(d, 30, GENAPI_IMAGE_FORMAT_WEBP, 400, 300);
    d[20] = 0x2E; /* no signature: no size */
    expect(d, 30, GENAPI_IMAGE_FORMAT_WEBP, 0, 0);
    /* VP8X (extended): 24-bit width - 1 at 24, height - 1 at 27. */
    webp(d, "VP8X");
    d[24] = 0x0F;
    d[25] = 0x27; /* 0x270F + 1 = 10000 */
    d[27] = 0x01;
    d[28] = 0x00;
    d[29] = 0x01; /* 0x010001 + 1 = 65538 */
    expect(d, 30, GENAPI_IMAGE_FORMAT_WEBP, 10000, 65538);
    webp(d, "ALPH");
    expect(d, 30, GENAPI_IMAGE_FORMAT_WEBP, 0, 0);
}

static void test_png_and_unknown(void **state)
{
    (void)state;
    /* PNG signature and an IHDR of 3 x 2, 8-bit RGBA (CRC-32 of "IHDR" + data: 0x9D74661A). */
    const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 3,
                           0, 0, 0, 2, 8, 6, 0, 0, 0, 0x9D, 0x74, 0x66, 0x1A};
    expect(png, sizeof png, GENAPI_IMAGE_FORMAT_PNG, 3, 2);
    expect(png, 16, GENAPI_IMAGE_FORMAT_PNG, 0, 0); /* cut inside the IHDR */
    const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0};
    expect(gif, sizeof gif, GENAPI_IMAGE_FORMAT_UNKNOWN, 0, 0);
    expect(gif, 0, GENAPI_IMAGE_FORMAT_UNKNOWN, 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jpeg_marker_walk),
        cmocka_unit_test(test_webp_chunks),
        cmocka_unit_test(test_png_and_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
