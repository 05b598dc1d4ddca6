/* What the library does with and without the reference backend (GENAPI_REFERENCE_BACKEND):
 * built with it, a client without a base URL runs in process and the backend and server
 * functions work; built without it (an HTTP client only), the same calls answer
 * GENAPI_E_UNSUPPORTED with a message naming the build option, and clients with a base URL
 * are unaffected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#ifndef GENAPI_TEST_REFERENCE_BACKEND
#error "GENAPI_TEST_REFERENCE_BACKEND (0 or 1) comes from the build"
#endif

static void test_client_without_base_url(void **state)
{
    (void)state;
    genapi_client_config cfg;
    assert_int_equal(genapi_client_config_init(&cfg, sizeof cfg), GENAPI_OK);
    cfg.ignore_environment = 1;
    genapi_client *c = (genapi_client *)&cfg; /* must be overwritten */
    genapi_error err;
    genapi_status st = genapi_client_new(&cfg, &c, &err);
#if GENAPI_TEST_REFERENCE_BACKEND
    assert_int_equal(st, GENAPI_OK);
    assert_non_null(c);
    assert_null(genapi_client_base_url(c));
    genapi_client_free(c);
#else
    assert_int_equal(st, GENAPI_E_UNSUPPORTED);
    assert_int_equal(err.status, GENAPI_E_UNSUPPORTED);
    assert_null(c);
    assert_string_equal(err.param, "base_url");
    assert_non_null(strstr(err.message, "GENAPI_REFERENCE_BACKEND=OFF"));
#endif
}

static void test_client_with_base_url(void **state)
{
    (void)state;
    genapi_client_config cfg;
    assert_int_equal(genapi_client_config_init(&cfg, sizeof cfg), GENAPI_OK);
    cfg.ignore_environment = 1;
    cfg.base_url = "http://127.0.0.1:9/v1";
    genapi_client *c = NULL;
    genapi_error err;
    assert_int_equal(genapi_client_new(&cfg, &c, &err), GENAPI_OK);
    assert_string_equal(genapi_client_base_url(c), "http://127.0.0.1:9");
    genapi_client_free(c);
}

static void test_backend_functions(void **state)
{
    (void)state;
    genapi_backend *b = (genapi_backend *)state; /* must be overwritten */
    genapi_error err;
    genapi_status st = genapi_backend_new(NULL, &b, &err);
    genapi_http_request req = {"GET", "/v1/models", NULL, NULL, NULL, 0};
    genapi_http_response r;
    memset(&r, 0x5a, sizeof r);
#if GENAPI_TEST_REFERENCE_BACKEND
    assert_int_equal(st, GENAPI_OK);
    assert_int_equal(genapi_backend_handle(b, &req, &r), GENAPI_OK);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "genapi-ref"));
    genapi_http_response_release(b, &r);
    assert_null(r.body);
    genapi_server *s = NULL;
    assert_int_equal(genapi_server_start(b, "127.0.0.1", 0, &s, &err), GENAPI_OK);
    assert_true(genapi_server_port(s) > 0);
    genapi_server_stop(s);
    genapi_backend_free(b);
#else
    assert_int_equal(st, GENAPI_E_UNSUPPORTED);
    assert_null(b);
    assert_string_equal(err.param, "");
    assert_non_null(strstr(err.message, "GENAPI_REFERENCE_BACKEND=OFF"));
    assert_int_equal(genapi_backend_handle(NULL, &req, &r), GENAPI_E_UNSUPPORTED);
    assert_int_equal(r.status, 0);
    assert_null(r.body);
    assert_int_equal(r.body_len, 0);
    genapi_http_response_release(NULL, &r);
    genapi_server *s = (genapi_server *)&r;
    memset(&err, 0, sizeof err);
    assert_int_equal(genapi_server_start(NULL, "127.0.0.1", 0, &s, &err), GENAPI_E_UNSUPPORTED);
    assert_null(s);
    assert_non_null(strstr(err.message, "GENAPI_REFERENCE_BACKEND=OFF"));
    assert_int_equal(genapi_server_port(NULL), 0);
    genapi_server_stop(NULL);
    genapi_backend_free(NULL);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_without_base_url),
        cmocka_unit_test(test_client_with_base_url),
        cmocka_unit_test(test_backend_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
