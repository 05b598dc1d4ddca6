/* The client configuration's checks (each bad field named), every status's text, and the
 * growable buffer's formatted appends past its stack fast path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "failing_alloc.h"
#include "test_client.h"
#include "util/alloc.h"
#include "util/buf.h"

static void test_config_errors_name_the_field(void **state)
{
    (void)state;
    genapi_client *c = NULL;
    genapi_error err;
    genapi_client_config cfg = tc_config(NULL);
    cfg.struct_size -= 8;
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "struct_size"));
    assert_null(c);
    assert_int_equal(genapi_client_new(&cfg, NULL, &err), GENAPI_E_INVALID_ARG);

    static const struct {
        const char *param;
        int which;
    } cases[] = {{"retry_max_delay_ms", 0}, {"timeout_ms", 1}, {"connect_timeout_ms", 2}, {"image_api", 3},
                 {"allocator", 4}};
    fa_counter unused = {0};
    genapi_allocator half = {fa_malloc, NULL, NULL, &unused};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cfg = tc_config(NULL);
        switch (cases[i].which) {
        case 0: cfg.retry_max_delay_ms = -1; break;
        case 1: cfg.timeout_ms = -1; break;
        case 2: cfg.connect_timeout_ms = -1; break;
        case 3: cfg.image_api = (genapi_image_api)7; break;
        default: cfg.allocator = &half; break;
        }
        assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_E_INVALID_ARG);
        assert_string_equal(err.param, cases[i].param);
        assert_null(c);
    }
    /* NULL config: the defaults. */
    assert_int_equal(genapi_client_new(NULL, &c, &err), GENAPI_OK);
    genapi_client_free(c);
}

static void test_every_status_has_its_text(void **state)
{
    (void)state;
    static const struct {
        genapi_status st;
        const char *text;
    } cases[] = {
        {GENAPI_OK, "ok"},
        {GENAPI_E_INVALID_ARG, "invalid argument"},
        {GENAPI_E_NOMEM, "out of memory"},
        {GENAPI_E_CONNECT, "connection failed"},
        {GENAPI_E_TIMEOUT, "timed out"},
        {GENAPI_E_HTTP, "HTTP error"},
        {GENAPI_E_BAD_REQUEST, "bad request"},
        {GENAPI_E_AUTH, "unauthorized"},
        {GENAPI_E_NOT_FOUND, "not found"},
        {GENAPI_E_RATE_LIMITED, "rate limited"},
        {GENAPI_E_SERVER, "server error"},
        {GENAPI_E_PARSE, "unparsable response"},
        {GENAPI_E_CANCELLED, "cancelled"},
        {GENAPI_E_STREAM, "stream error"},
        {GENAPI_E_UNSUPPORTED, "unsupported"},
        {GENAPI_E_INTERNAL, "internal error"},
        {GENAPI_E_AGAIN, "not ready yet"},
        {GENAPI_E_BUSY, "busy"},
        {GENAPI_E_END, "end of stream"},
        {(genapi_status)-999, "unknown status"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(genapi_status_str(cases[i].st), cases[i].text);
}

/* Formatted appends shorter and longer than the 256-byte stack buffer give the same bytes as
 * snprintf; take hands over the data and resets the buffer. */
static void test_buf_printf_long(void **state)
{
    (void)state;
    ga_alloc a;
    ga_alloc_resolve(&a, NULL);
    ga_buf b;
    ga_buf_init(&b, &a);
    char want[2048], big[700];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(ga_buf_printf(&b, "%s=%d;", "short", 42), 0);
    assert_int_equal(ga_buf_printf(&b, "[%s|%05d]", big, 7), 0);
    assert_int_equal(ga_buf_puts(&b, "end"), 0);
    int n = snprintf(want, sizeof want, "short=42;[%s|00007]end", big);
    size_t len = 0;
    char *got = ga_buf_take(&b, &len);
    assert_non_null(got);
    assert_int_equal(len, (size_t)n);
    assert_memory_equal(got, want, len);
    assert_int_equal(got[len], '\0');
    ga_free(&a, got);
    assert_int_equal(b.len, 0);
    /* An empty buffer still hands over an empty string. */
    got = ga_buf_take(&b, &len);
    assert_non_null(got);
    assert_int_equal(len, 0);
    assert_string_equal(got, "");
    ga_free(&a, got);
    ga_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_errors_name_the_field),
        cmocka_unit_test(test_every_status_has_its_text),
        cmocka_unit_test(test_buf_printf_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
