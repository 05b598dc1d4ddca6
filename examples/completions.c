/* A text completion: the model continues a prompt. Two choices (n = 2) with a stop string
 * and the prompt echoed in front of each.
 * Runs on the in-process reference backend unless GENAPI_BASE_URL is set.
 *
 *     completions [PROMPT] */
#include <stdio.h>

#include <genapi/genapi.h>

int main(int argc, char **argv)
{
    const char *prompt = argc > 1 ? argv[1] : "The old lighthouse";
    genapi_client *client = NULL;
    genapi_error err;
    if (genapi_client_new(NULL, &client, &err) != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    const char *stops[] = {"."};
    genapi_text_params params = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&params, model, "genapi-ref");
    GENAPI_TEXT_SET(&params, n, 2);
    GENAPI_TEXT_SET(&params, max_tokens, 32);
    GENAPI_TEXT_SET(&params, temperature, 0.9);
    GENAPI_TEXT_SET(&params, seed, 5);
    GENAPI_TEXT_SET(&params, stop, ((genapi_strlist){stops, 1}));

    genapi_completion_request request = GENAPI_COMPLETION_REQUEST_INIT;
    request.prompt = prompt;
    request.echo = 1; /* the returned text starts with the prompt */
    request.params = &params;

    genapi_completion_result *result = NULL;
    genapi_status st = genapi_complete(client, &request, &result, &err);
    if (st != GENAPI_OK) {
        fprintf(stderr, "complete: %s: %s (param %s)\n", genapi_status_str(st), err.message, err.param);
        genapi_client_free(client);
        return 1;
    }
    for (size_t i = 0; i < result->choice_count; i++) {
        const genapi_completion_choice *c = &result->choices[i];
        printf("choice %lld (%s): %.*s\n", (long long)c->index, c->finish_reason ? c->finish_reason : "?",
               (int)c->text_len, c->text);
    }
    printf("[%lld prompt + %lld completion tokens]\n", (long long)result->usage.prompt_tokens,
           (long long)result->usage.completion_tokens);
    genapi_completion_result_free(result);
    genapi_client_free(client);
    return 0;
}
