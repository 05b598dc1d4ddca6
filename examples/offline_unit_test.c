/* Using the offline backend in your own unit tests. A client with no base URL (and the
 * environment ignored) answers from the in-process reference backend: no network, no key,
 * and with a fixed seed the same answer every time, so tests can assert on it.
 *
 * The code under test here is classify(), an application function that asks the model to
 * label a review; guided_choice constrains the answer to the labels. The test checks that the
 * label is one of them, that a fixed seed gives the same label again, and that a bad model
 * name is reported as a typed error. Exit status 0 = all passed.
 *
 *     offline_unit_test */
#include <stdio.h>
#include <string.h>

#include <genapi/genapi.h>

/* ---- the application code under test ---------------------------------------------------- */

/* Labels a review "positive" or "negative" into label (capacity cap). Returns the status. */
static genapi_status classify(genapi_client *client, const char *model, const char *review, int64_t seed,
                              char *label, size_t cap, genapi_error *err)
{
    static const char *const labels[] = {"positive", "negative"};
    genapi_text_params params = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&params, model, model);
    GENAPI_TEXT_SET(&params, seed, seed);
    GENAPI_TEXT_SET(&params, guided_choice, ((genapi_strlist){labels, 2}));
    genapi_chat_message messages[] = {
        {.role = "system", .content = "Label the review as positive or negative."},
        {.role = "user", .content = review},
    };
    genapi_chat_request request = GENAPI_CHAT_REQUEST_INIT;
    request.messages = messages;
    request.message_count = 2;
    request.params = &params;
    genapi_chat_result *result = NULL;
    genapi_status st = genapi_chat_complete(client, &request, &result, err);
    if (st == GENAPI_OK)
        snprintf(label, cap, "%s", result->choices[0].content ? result->choices[0].content : "");
    genapi_chat_result_free(result);
    return st;
}

/* ---- the unit test ------------------------------------------------------------------------- */

static int failures = 0;
#define EXPECT(cond)                                                                 \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                              \
        }                                                                            \
    } while (0)

int main(void)
{
    genapi_client_config config;
    genapi_client_config_init(&config, sizeof config);
    config.ignore_environment = 1; /* never a real server, even if GENAPI_BASE_URL is set */
    genapi_client *client = NULL;
    genapi_error err;
    if (genapi_client_new(&config, &client, &err) != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }

    char first[64] = "", again[64] = "";
    const char *review = "The basil arrived wilted and the pot was cracked.";
    EXPECT(classify(client, "genapi-ref", review, 1234, first, sizeof first, &err) == GENAPI_OK);
    EXPECT(strcmp(first, "positive") == 0 || strcmp(first, "negative") == 0);
    EXPECT(classify(client, "genapi-ref", review, 1234, again, sizeof again, &err) == GENAPI_OK);
    EXPECT(strcmp(first, again) == 0); /* fixed seed: the same answer */
    printf("label: %s (twice)\n", first);

    char none[64] = "";
    EXPECT(classify(client, "missing-model", review, 1, none, sizeof none, &err) == GENAPI_E_NOT_FOUND);
    EXPECT(strcmp(err.param, "model") == 0);
    EXPECT(none[0] == '\0');

    genapi_client_free(client);
    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
