/* The smallest useful program: one chat completion with two sampling parameters.
 * Runs on the in-process reference backend unless GENAPI_BASE_URL is set. */
#include <stdio.h>

#include <genapi/genapi.h>

int main(int argc, char **argv)
{
    const char *question = argc > 1 ? argv[1] : "How do I keep basil alive on a windowsill?";
    genapi_client *client = NULL;
    genapi_error err;
    genapi_status st = genapi_client_new(NULL, &client, &err); /* NULL config: defaults + environment */
    if (st != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    genapi_text_params params = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&params, model, "genapi-ref");
    GENAPI_TEXT_SET(&params, temperature, 0.8);
    GENAPI_TEXT_SET(&params, top_p, 0.95);
    GENAPI_TEXT_SET(&params, max_tokens, 80);

    genapi_chat_message messages[] = {
        {.role = "system", .content = "You are a helpful gardener."},
        {.role = "user", .content = question},
    };
    genapi_chat_request request = GENAPI_CHAT_REQUEST_INIT;
    request.messages = messages;
    request.message_count = 2;
    request.params = &params;

    genapi_chat_result *result = NULL;
    st = genapi_chat_complete(client, &request, &result, &err);
    if (st != GENAPI_OK) {
        fprintf(stderr, "chat: %s: %s (param %s, HTTP %d)\n", genapi_status_str(st), err.message, err.param,
                (int)err.http_status);
        genapi_client_free(client);
        return 1;
    }
    printf("%s\n", result->choices[0].content ? result->choices[0].content : "");
    fprintf(stderr, "[%s, %lld tokens, finish: %s]\n", result->model, (long long)result->usage.total_tokens,
            result->choices[0].finish_reason ? result->choices[0].finish_reason : "?");
    genapi_chat_result_free(result);
    genapi_client_free(client);
    return 0;
}
