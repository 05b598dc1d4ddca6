/* Fixture-driven tests of the HTTP error mapping (gc_error_from_response). Every case directory
 * under <fixtures>/errors/ becomes one test: response.body and response.meta are turned into a
 * gt_response exactly as a transport fills it, and the resulting genapi_error is compared with
 * expected.json (normalized form, see the fixtures README). Plus unit tests for message
 * truncation at a UTF-8 boundary and Retry-After given as an HTTP date. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <genapi/error.h>

#include "client/client_internal.h"
#include "fixture_cases.h"
#include "transport/transport.h"
#include "test_support.h"

#define ERRORS_DIR "errors"

/* ---- helpers ----------------------------------------------------------------------------- */

/* Copy a string into a fixed gt_response field; the fixture must fit. */
static void put_field(const char *label, const char *what, char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        fail_msg("%s: %s header (%zu bytes) does not fit gt_response (%zu)", label, what, n, cap);
    memcpy(dst, src, n + 1);
}

/* Value of header `name` in meta.headers (names compared case-insensitively), or NULL. */
static const char *meta_header(json_object *meta, const char *name)
{
    json_object *h = fc_get_key(meta, "headers");
    if (h == NULL || !json_object_is_type(h, json_type_object))
        return NULL;
    json_object_object_foreach(h, k, v)
    {
        if (strcasecmp(k, name) == 0 && v != NULL && json_object_is_type(v, json_type_string))
            return json_object_get_string(v);
    }
    return NULL;
}

/* Expected nullable string: NULL stands for the empty field. */
static void check_text(const char *label, const char *what, json_object *exp, const char *act)
{
    if (exp == NULL) {
        if (act[0] != '\0')
            fail_msg("%s: %s: expected \"\" (null), got \"%s\"", label, what, act);
        return;
    }
    if (!json_object_is_type(exp, json_type_string))
        fail_msg("%s: %s: expected.json value is not a string or null", label, what);
    const char *es = json_object_get_string(exp);
    if (strcmp(es, act) != 0)
        fail_msg("%s: %s: expected \"%s\", got \"%s\"", label, what, es, act);
}

static genapi_status status_for(int http)
{
    if (http == 400 || http == 422)
        return GENAPI_E_BAD_REQUEST;
    if (http == 401 || http == 403)
        return GENAPI_E_AUTH;
    if (http == 404)
        return GENAPI_E_NOT_FOUND;
    if (http == 429)
        return GENAPI_E_RATE_LIMITED;
    if (http >= 500)
        return GENAPI_E_SERVER;
    return GENAPI_E_HTTP;
}

static int all_digits(const char *s)
{
    if (s[0] == '\0')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF, no truncated
 * sequence at the end). */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07u;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0u) != 0x80u)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* ---- fixture test ------------------------------------------------------------------------ */

static void test_error_fixture(void **state)
{
    fc_case *c = *state;
    const char *name = c->name;
    fc_case_load(c, ERRORS_DIR, name, FC_LOAD_META);

    gt_response resp;
    memset(&resp, 0, sizeof resp);
    resp.body = c->body;
    resp.body_len = c->body_len;

    json_object *st_meta = fc_get_key(c->meta, "status");
    if (st_meta == NULL || !json_object_is_type(st_meta, json_type_int))
        fail_msg("%s: response.meta has no integer status", name);
    resp.status = json_object_get_int(st_meta);
    json_object *ct = fc_get_key(c->meta, "content_type");
    if (ct != NULL && json_object_is_type(ct, json_type_string))
        put_field(name, "Content-Type", resp.content_type, sizeof resp.content_type, json_object_get_string(ct));
    const char *ra = meta_header(c->meta, "Retry-After");
    if (ra != NULL)
        put_field(name, "Retry-After", resp.retry_after, sizeof resp.retry_after, ra);
    const char *rid = meta_header(c->meta, "x-request-id");
    if (rid != NULL)
        put_field(name, "x-request-id", resp.request_id, sizeof resp.request_id, rid);

    genapi_error err;
    memset(&err, 0x5A, sizeof err); /* garbage: the function must fill every field */
    genapi_status st = gc_error_from_response(&resp, &err);

    json_object *exp = c->expected;

    /* http_status */
    json_object *hs = fc_get_key(exp, "http_status");
    if (hs == NULL || !json_object_is_type(hs, json_type_int))
        fail_msg("%s: expected.json has no integer http_status", name);
    int http = json_object_get_int(hs);
    if (http != resp.status)
        fail_msg("%s: expected.json http_status %d differs from response.meta status %d", name, http, resp.status);
    if (err.http_status != http)
        fail_msg("%s: http_status: expected %d, got %d", name, http, (int)err.http_status);

    /* mapped status, returned and recorded */
    genapi_status want = status_for(http);
    if (st != want)
        fail_msg("%s: returned status: expected %d for HTTP %d, got %d", name, (int)want, http, (int)st);
    if (err.status != (int32_t)want)
        fail_msg("%s: err.status: expected %d, got %d", name, (int)want, (int)err.status);

    /* message: all strings are NUL-terminated within their buffers */
    if (memchr(err.message, '\0', sizeof err.message) == NULL || memchr(err.type, '\0', sizeof err.type) == NULL ||
        memchr(err.param, '\0', sizeof err.param) == NULL || memchr(err.request_id, '\0', sizeof err.request_id) == NULL)
        fail_msg("%s: a genapi_error text field is not NUL-terminated", name);
    json_object *msg = fc_get_key(exp, "message");
    if (msg == NULL) {
        char num[16];
        snprintf(num, sizeof num, "%d", http);
        if (err.message[0] == '\0')
            fail_msg("%s: message: expected a generic text, got \"\"", name);
        if (strstr(err.message, num) == NULL)
            fail_msg("%s: message: generic text \"%s\" does not contain the status %s", name, err.message, num);
    } else {
        check_text(name, "message", msg, err.message);
    }
    if (err.message_truncated != 0)
        fail_msg("%s: message_truncated: expected 0, got %d", name, (int)err.message_truncated);

    check_text(name, "type", fc_get_key(exp, "type"), err.type);
    check_text(name, "param", fc_get_key(exp, "param"), err.param);

    /* code */
    json_object *code = fc_get_key(exp, "code");
    if (code == NULL) {
        if (err.server_code != 0)
            fail_msg("%s: code: expected null (server_code 0), got %d", name, (int)err.server_code);
    } else {
        if (!json_object_is_type(code, json_type_int))
            fail_msg("%s: expected.json code is not an integer", name);
        if (err.server_code != json_object_get_int(code))
            fail_msg("%s: code: expected %d, got %d", name, json_object_get_int(code), (int)err.server_code);
    }

    /* retry_after: the raw header; seconds become milliseconds */
    json_object *era = fc_get_key(exp, "retry_after");
    if (era == NULL) {
        if (err.retry_after_ms != -1)
            fail_msg("%s: retry_after: expected null (-1), got %" PRId64, name, err.retry_after_ms);
    } else {
        const char *v = json_object_get_string(era);
        if (ra == NULL || strcmp(ra, v) != 0)
            fail_msg("%s: retry_after: expected.json \"%s\" differs from the Retry-After header \"%s\"", name, v,
                     ra ? ra : "(none)");
        if (all_digits(v)) {
            int64_t want_ms = (int64_t)strtoll(v, NULL, 10) * 1000;
            if (err.retry_after_ms != want_ms)
                fail_msg("%s: retry_after: expected %" PRId64 " ms for \"%s\", got %" PRId64, name, want_ms, v,
                         err.retry_after_ms);
        } else if (err.retry_after_ms < 0) {
            /* an HTTP date: its distance from now is not fixed, but it must be understood */
            fail_msg("%s: retry_after: HTTP date \"%s\" not understood (got %" PRId64 ")", name, v, err.retry_after_ms);
        }
    }

    check_text(name, "request_id", fc_get_key(exp, "request_id"), err.request_id);
}

/* ---- unit tests -------------------------------------------------------------------------- */

/* A 3000-byte message of multi-byte characters, nested body: cut below
 * GENAPI_ERROR_MESSAGE_MAX at a character boundary, message_truncated set. Tried with 2-, 3-
 * and 4-byte characters and with ASCII prefixes that shift the cut point. */
static void test_error_message_truncated_utf8(void **state)
{
    (void)state;
    static const char *const chars[] = {"\xC3\xA9" /* é */, "\xE2\x82\xAC" /* € */,
                                        "\xF0\x9F\x98\x80" /* U+1F600 */};
    for (size_t ci = 0; ci < sizeof chars / sizeof chars[0]; ci++) {
        for (size_t prefix = 0; prefix < 4; prefix++) {
            const char *ch = chars[ci];
            size_t clen = strlen(ch);
            char msg[3100];
            size_t n = 0;
            for (size_t k = 0; k < prefix; k++)
                msg[n++] = 'a';
            while (n + clen <= prefix + 3000) {
                memcpy(msg + n, ch, clen);
                n += clen;
            }
            msg[n] = '\0';
            assert_true(n > GENAPI_ERROR_MESSAGE_MAX);

            char body[3400];
            int bl = snprintf(body, sizeof body,
                              "{\"error\":{\"message\":\"%s\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}",
                              msg);
            assert_true(bl > 0 && (size_t)bl < sizeof body);

            gt_response resp;
            memset(&resp, 0, sizeof resp);
            resp.status = 400;
            resp.body = body;
            resp.body_len = (size_t)bl;
            snprintf(resp.content_type, sizeof resp.content_type, "application/json");

            genapi_error err;
            genapi_status st = gc_error_from_response(&resp, &err);
            assert_int_equal(st, GENAPI_E_BAD_REQUEST);
            assert_int_equal(err.http_status, 400);
            assert_int_equal(err.message_truncated, 1);
            size_t len = strnlen(err.message, sizeof err.message);
            assert_true(len < GENAPI_ERROR_MESSAGE_MAX);
            if (!utf8_valid((const unsigned char *)err.message, len))
                fail_msg("truncated message (char %zu bytes, prefix %zu, %zu bytes kept) is not valid UTF-8", clen,
                         prefix, len);
            /* a prefix of the original, losing less than one character to the boundary */
            assert_memory_equal(err.message, msg, len);
            assert_true(len + clen >= GENAPI_ERROR_MESSAGE_MAX - 1);
            /* the other fields are intact */
            assert_string_equal(err.type, "BadRequestError");
            assert_string_equal(err.param, "");
            assert_int_equal(err.server_code, 400);
        }
    }
}

/* Retry-After as an HTTP date 30 s in the future. */
static void test_error_retry_after_http_date(void **state)
{
    (void)state;
    char body[] = "{\"error\":{\"message\":\"slow down\",\"type\":\"RateLimitError\",\"param\":null,\"code\":429}}";
    gt_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = 429;
    resp.body = body;
    resp.body_len = sizeof body - 1;
    snprintf(resp.content_type, sizeof resp.content_type, "application/json");

    time_t when = time(NULL) + 30;
    struct tm tm;
    assert_non_null(gmtime_r(&when, &tm));
    /* IMF-fixdate; day and month names spelled out so the C locale is not needed */
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int n = snprintf(resp.retry_after, sizeof resp.retry_after, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday],
                     tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    assert_true(n > 0 && (size_t)n < sizeof resp.retry_after);

    genapi_error err;
    genapi_status st = gc_error_from_response(&resp, &err);
    assert_int_equal(st, GENAPI_E_RATE_LIMITED);
    assert_int_equal(err.http_status, 429);
    assert_string_equal(err.message, "slow down");
    if (err.retry_after_ms < 25000 || err.retry_after_ms > 31000)
        fail_msg("Retry-After \"%s\": retry_after_ms %" PRId64 " not within [25000, 31000]", resp.retry_after,
                 err.retry_after_ms);
}

int main(void)
{
    fc_suite s;
    fc_suite_init(&s, ERRORS_DIR);
    fc_suite_add_present(&s, "error_fixtures_present");
    fc_suite_add_cases(&s, test_error_fixture, fc_case_setup, fc_case_teardown);
    fc_suite_add(&s, "error_message_truncated_utf8", test_error_message_truncated_utf8, NULL, NULL);
    fc_suite_add(&s, "error_retry_after_http_date", test_error_retry_after_http_date, NULL, NULL);
    return fc_suite_run(&s, "fixtures_errors");
}
