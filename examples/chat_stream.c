/* A streamed chat reply: each piece of text is printed as soon as it is generated, then the
 * accumulated result (the same text, with the finish reason and token counts).
 * Runs on the in-process reference backend unless GENAPI_BASE_URL is set.
 *
 *     chat_stream [QUESTION] */
#include <stdio.h>

#include <genapi/genapi.h>

/* Called for every delta, on the thread that drives the client (here: the caller's). Return
 * non-zero to stop the stream early. */
static int print_delta(const genapi_stream_delta *delta, void *user)
{
    size_t *pieces = user;
    if (delta->content_len > 0) {
        fwrite(delta->content, 1, delta->content_len, stdout);
        fflush(stdout);
        (*pieces)++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *question = argc > 1 ? argv[1] : "Tell me about the lighthouse keeper.";
    genapi_client *client = NULL;
    genapi_error err;
    if (genapi_client_new(NULL, &client, &err) != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    genapi_text_params params = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&params, model, "genapi-ref");
    GENAPI_TEXT_SET(&params, max_tokens, 48);
    GENAPI_TEXT_SET(&params, seed, 3);

    genapi_chat_message messages[] = {{.role = "user", .content = question}};
    genapi_chat_request request = GENAPI_CHAT_REQUEST_INIT;
    request.messages = messages;
    request.message_count = 1;
    request.params = &params;

    size_t pieces = 0;
    genapi_chat_result *result = NULL;
    genapi_status st = genapi_chat_stream(client, &request, print_delta, &pieces, &result, &err);
    printf("\n");
    if (st != GENAPI_OK) {
        fprintf(stderr, "stream: %s: %s\n", genapi_status_str(st), err.message);
        genapi_chat_result_free(result); /* may hold what arrived before the failure */
        genapi_client_free(client);
        return 1;
    }
    printf("[%zu pieces, finish: %s, %lld completion tokens]\n", pieces, result->choices[0].finish_reason,
           (long long)result->usage.completion_tokens);
    genapi_chat_result_free(result);
    genapi_client_free(client);
    return 0;
}
