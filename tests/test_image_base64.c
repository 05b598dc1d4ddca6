/* Base64 images in results: whatever the text (canonical, with line breaks or spaces, bad
 * padding, stray characters, truncated), the parser accepts exactly what libsodium's decoder
 * accepts (ignoring CR, LF and space, padding required, unused bits zero) and returns the same
 * bytes; except that any byte from 0x80 up is refused (libsodium 1.0.18 reads such bytes as
 * digits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <sodium.h>

static genapi_client *client;

static int setup(void **state)
{
    (void)state;
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
#if !GENAPI_TEST_REFERENCE_BACKEND
    /* An HTTP-client-only library needs a base URL; these tests send nothing. */
    cfg.base_url = "http://127.0.0.1:9";
#endif
    return genapi_client_new(&cfg, &client, NULL) == GENAPI_OK && sodium_init() >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    genapi_client_free(client);
    return 0;
}

/* The reference: libsodium with the parser's rules. Returns the byte count, or -1. */
static long reference(const char *b64, size_t len, uint8_t *out, size_t cap)
{
    size_t n = 0;
    const char *end = NULL;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)b64[i] >= 0x80u)
            return -1;
    if (sodium_base642bin(out, cap, b64, len, "\r\n ", &n, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != b64 + len)
        return -1;
    return (long)n;
}

/* Parse {"images": ["<b64>"]} (CR and LF written as JSON escapes) and compare with the
 * reference. */
static void check(const char *b64, size_t len)
{
    size_t cap = len / 4 * 3 + 3;
    uint8_t *want = malloc(cap + 1);
    char *body = malloc(len * 2 + 32);
    assert_non_null(want);
    assert_non_null(body);
    long want_len = reference(b64, len, want, cap + 1);
    size_t o = (size_t)sprintf(body, "{\"images\": [\"");
    for (size_t i = 0; i < len; i++) {
        if (b64[i] == '\n' || b64[i] == '\r') {
            body[o++] = '\\';
            body[o++] = b64[i] == '\n' ? 'n' : 'r';
        } else {
            body[o++] = b64[i];
        }
    }
    o += (size_t)sprintf(body + o, "\"]}");
    genapi_images_result *r = NULL;
    genapi_error err;
    genapi_status st = genapi_images_result_parse(client, body, o, &r, &err);
    if (want_len < 0) {
        if (st != GENAPI_E_PARSE)
            fprintf(stderr, "accepted: %.*s\n", (int)len, b64);
        assert_int_equal(st, GENAPI_E_PARSE);
        assert_null(r);
    } else {
        if (st != GENAPI_OK)
            fprintf(stderr, "rejected: %.*s\n", (int)len, b64);
        assert_int_equal(st, GENAPI_OK);
        assert_int_equal(r->images[0].size, (size_t)want_len);
        if (want_len > 0)
            assert_memory_equal(r->images[0].data, want, (size_t)want_len);
        genapi_images_result_free(r);
    }
    free(want);
    free(body);
}

static void check_str(const char *s) { check(s, strlen(s)); }

static void test_chosen_texts(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "", "aGVsbG8=", "aGVsbA==", "aGVs", "aGVsbG8", "aGVsbA=", "aGVsbA", "aGVsbG9=", "aGVsbB==", "aGVsbA=A",
        "aGV=bG8=", "=aGVsbG8", "====", "aG==aG==", "aGVs\nbG8=", "aGVs\r\nbG8=", "aGVsbG8=\n", " aGVsbG8=",
        "aGVsbG8 =", "aGVsbA= =", "aGVs-G8=", "aGVs_G8=", "aGVs.G8=", "aGVsbG8==", "aGVsbG8=A", "A", "AA", "AAA",
        "AA==", "AAA=", "AAAA", "////", "++++", "/w==", "/x=="};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        check_str(texts[i]);
}

static uint64_t rng = 88172645463325252ull;
static uint32_t next_u32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

/* Every length up to 300 bytes, canonical and broken into lines; then single-character
 * mutations of each. */
static void test_every_length_and_mutations(void **state)
{
    (void)state;
    static const char swaps[] = "A/+=\n\r -_.*9z";
    for (size_t n = 0; n <= 300; n++) {
        uint8_t bin[300];
        for (size_t i = 0; i < n; i++)
            bin[i] = (uint8_t)next_u32();
        size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(cap);
        char *lines = malloc(cap * 2);
        assert_non_null(b64);
        assert_non_null(lines);
        sodium_bin2base64(b64, cap, bin, n, sodium_base64_VARIANT_ORIGINAL);
        size_t len = strlen(b64);
        check(b64, len);
        size_t l = 0;
        for (size_t i = 0; i < len; i++) {
            if (i > 0 && i % 76 == 0) {
                lines[l++] = '\r';
                lines[l++] = '\n';
            }
            lines[l++] = b64[i];
        }
        check(lines, l);
        for (int m = 0; m < 8 && len > 0; m++) {
            size_t at = next_u32() % len;
            char saved = b64[at];
            b64[at] = swaps[next_u32() % (sizeof swaps - 1)];
            check(b64, len);
            b64[at] = saved;
        }
        if (len > 0)
            check(b64, len - 1 - next_u32() % (len < 4 ? len : 4)); /* truncated */
        free(b64);
        free(lines);
    }
}

/* Every byte outside the alphabet, '=' and the skipped CR, LF and space is refused where a
 * base64 character belongs: "aGV?bG8=" for each byte 0x01..0x7F (as a JSON \u00XX escape) and
 * 0x80..0xFF (raw: JSON strings are not checked for UTF-8), and "aG??bG8=" with the UTF-8 pair
 * of U+0080..U+00FF. The same texts with an alphabet character there decode like libsodium. */
static void test_every_other_byte_refused(void **state)
{
    (void)state;
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char body[96];
    for (unsigned b = 1; b < 0x100; b++) {
        int in_alphabet = b < 0x80 && b != 0 && strchr(alphabet, (int)b) != NULL;
        int skipped = b == '\r' || b == '\n' || b == ' ';
        if (in_alphabet || skipped || b == '=')
            continue;
        if (b < 0x80)
            snprintf(body, sizeof body, "{\"images\": [\"aGV\\u%04xbG8=\"]}", b);
        else
            snprintf(body, sizeof body, "{\"images\": [\"aG\\u%04xbG8=\"]}", b);
        genapi_images_result *r = NULL;
        genapi_error err;
        genapi_status st = genapi_images_result_parse(client, body, strlen(body), &r, &err);
        if (st != GENAPI_E_PARSE)
            fail_msg("byte 0x%02X accepted in base64 (%s)", b, body);
        assert_string_equal(err.param, "images"); /* refused as base64, not as JSON */
        assert_null(r);
        if (b >= 0x80) { /* the raw byte too: JSON strings are not checked for UTF-8 */
            snprintf(body, sizeof body, "{\"images\": [\"aGV%cbG8=\"]}", (char)b);
            st = genapi_images_result_parse(client, body, strlen(body), &r, &err);
            if (st != GENAPI_E_PARSE)
                fail_msg("raw byte 0x%02X accepted in base64", b);
            assert_string_equal(err.param, "images");
            assert_null(r);
        }
    }
    for (const char *a = alphabet; *a; a++) {
        char text[9] = "aGV?bG8=";
        text[3] = *a;
        check(text, 8);
    }
}

/* A large image's worth, as servers send it. */
static void test_large(void **state)
{
    (void)state;
    size_t n = 400000 + 2;
    uint8_t *bin = malloc(n);
    assert_non_null(bin);
    for (size_t i = 0; i < n; i++)
        bin[i] = (uint8_t)next_u32();
    size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    assert_non_null(b64);
    sodium_bin2base64(b64, cap, bin, n, sodium_base64_VARIANT_ORIGINAL);
    check(b64, strlen(b64));
    b64[cap / 2] = '!';
    check(b64, strlen(b64));
    free(b64);
    free(bin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chosen_texts),
        cmocka_unit_test(test_every_length_and_mutations),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_every_other_byte_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
