/* Clients and a one-message chat for the tests: test_client.h. */
#include "test_client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

genapi_client_config tc_config(const char *base_url)
{
    genapi_client_config cfg;
    assert_int_equal(genapi_client_config_init(&cfg, sizeof cfg), GENAPI_OK);
    cfg.ignore_environment = 1;
    cfg.base_url = base_url;
    return cfg;
}

genapi_client *tc_client_new(const genapi_client_config *cfg)
{
    genapi_client *c = NULL;
    genapi_error err;
    if (genapi_client_new(cfg, &c, &err) != GENAPI_OK)
        fail_msg("genapi_client_new: %s", err.message);
    return c;
}

genapi_client *tc_client(const char *base_url)
{
    genapi_client_config cfg = tc_config(base_url);
    return tc_client_new(&cfg);
}

void tc_chat_init(tc_chat *k, const char *model, const char *content)
{
    genapi_text_params_init(&k->p, sizeof k->p);
    if (model)
        GENAPI_TEXT_SET(&k->p, model, model);
    k->msg = (genapi_chat_message){.role = "user", .content = content};
    k->req = (genapi_chat_request)GENAPI_CHAT_REQUEST_INIT;
    k->req.messages = &k->msg;
    k->req.message_count = 1;
    k->req.params = &k->p;
}
