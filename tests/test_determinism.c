/* Determinism: the engine's elementary functions match libm closely while being the same bytes
 * everywhere, and fixed requests give pinned outputs. The pinned strings below change only when
 * the model, the corpus or a sampler deliberately changes; on any platform they must be equal. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "util/detmath.h"

static void assert_close(double got, double want, double rel)
{
    if (isinf(want) || want == 0) {
        assert_true(got == want);
        return;
    }
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("got %.17g, libm %.17g", got, want);
}

static void test_elementary_functions(void **state)
{
    (void)state;
    /* Accuracy against libm over many magnitudes (a few units in the last place). */
    for (double x = 1e-300; x < 1e300; x *= 1.37)
        assert_close(ga_log(x), log(x), 4e-16 + 1e-300 / x);
    for (double x = -740; x < 709; x += 0.731)
        assert_close(ga_exp(x), exp(x), 2e-15);
    for (double a = 0.01; a < 50; a *= 1.9)
        for (double b = -6; b < 6; b += 0.77)
            assert_close(ga_pow(a, b), pow(a, b), 1e-13);
    /* Exact cases and edges. */
    assert_true(ga_log(1.0) == 0.0);
    assert_true(ga_exp(0.0) == 1.0);
    assert_true(ga_pow(2.0, 10.0) > 1023.9999999 && ga_pow(2.0, 10.0) < 1024.0000001);
    assert_true(isinf(ga_log(0.0)) && ga_log(0.0) < 0);
    assert_true(isnan(ga_log(-1.0)));
    assert_true(ga_exp(-1000.0) == 0.0);
    assert_true(isinf(ga_exp(1000.0)));
    assert_true(ga_pow(0.0, 2.0) == 0.0 && ga_pow(5.0, 0.0) == 1.0 && isnan(ga_pow(-2.0, 0.5)));
}

static char *complete(genapi_client *c, const char *prompt, genapi_text_params *p, double *first_logprobs)
{
    genapi_completion_request req = GENAPI_COMPLETION_REQUEST_INIT;
    req.prompt = prompt;
    req.params = p;
    genapi_completion_result *r = NULL;
    genapi_error err;
    if (genapi_complete(c, &req, &r, &err) != GENAPI_OK)
        fail_msg("%s", err.message);
    char *text = strdup(r->choices[0].text);
    for (size_t i = 0; first_logprobs && i < 4; i++)
        first_logprobs[i] = r->choices[0].logprobs->items[i].logprob;
    genapi_completion_result_free(r);
    return text;
}

static void test_pinned_outputs(void **state)
{
    (void)state;
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);

    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, model, "genapi-ref");
    GENAPI_TEXT_SET(&p, seed, 7);
    GENAPI_TEXT_SET(&p, max_tokens, 24);
    GENAPI_TEXT_SET(&p, temperature, 1.0);
    GENAPI_TEXT_SET(&p, top_p, 0.95);
    GENAPI_TEXT_SET(&p, min_p, 0.02);
    GENAPI_TEXT_SET(&p, logprobs, 1);
    double lp[4];
    char *text = complete(c, "The river ran past the old mill", &p, lp);
    assert_string_equal(text, " \": \"The shop signs flicker on, and the river ran west. In a high notes.");
    char printed[128];
    snprintf(printed, sizeof printed, "%.6f %.6f %.6f %.6f", lp[0], lp[1], lp[2], lp[3]);
    assert_string_equal(printed, "-3.647813 -0.439245 -2.686595 -0.089545");
    free(text);

    genapi_text_params q = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&q, model, "genapi-ref");
    GENAPI_TEXT_SET(&q, seed, 12);
    GENAPI_TEXT_SET(&q, max_tokens, 30);
    GENAPI_TEXT_SET(&q, dry_multiplier, 0.8);
    GENAPI_TEXT_SET(&q, typical_p, 0.9);
    GENAPI_TEXT_SET(&q, xtc_probability, 0.5);
    GENAPI_TEXT_SET(&q, ignore_eos, 1);
    genapi_chat_message msg = {.role = "user", .content = "Tell me about rain"};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &msg;
    req.message_count = 1;
    req.params = &q;
    genapi_chat_result *r = NULL;
    assert_int_equal(genapi_chat_complete(c, &req, &r, NULL), GENAPI_OK);
    assert_string_equal(r->choices[0].content,
                        "\"Do robots dream?\" asked the youngest child for the tenth time. \"And a lake,\" said the man "
                        "by the window.");
    genapi_chat_result_free(r);
    genapi_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elementary_functions),
        cmocka_unit_test(test_pinned_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
