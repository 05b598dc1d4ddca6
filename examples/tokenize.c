/* Tokenization: the token ids and texts of a prompt, and how many tokens a chat conversation
 * takes once the model's chat template is applied (useful to budget a context window).
 * Runs on the in-process reference backend unless GENAPI_BASE_URL is set.
 *
 *     tokenize [TEXT] */
#include <stdio.h>

#include <genapi/genapi.h>

int main(int argc, char **argv)
{
    const char *text = argc > 1 ? argv[1] : "Keep basil in a sunny window.";
    genapi_client *client = NULL;
    genapi_error err;
    if (genapi_client_new(NULL, &client, &err) != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }

    genapi_tokenize_request request = GENAPI_TOKENIZE_REQUEST_INIT;
    request.model = "genapi-ref";
    request.prompt = text;
    request.return_token_strs = 1; /* also each token's text */
    genapi_tokenize_result *tokens = NULL;
    genapi_status st = genapi_tokenize(client, &request, &tokens, &err);
    if (st != GENAPI_OK) {
        fprintf(stderr, "tokenize: %s: %s\n", genapi_status_str(st), err.message);
        genapi_client_free(client);
        return 1;
    }
    printf("%zu tokens (context %lld):\n", tokens->token_count, (long long)tokens->max_model_len);
    for (size_t i = 0; i < tokens->token_count; i++)
        printf("  %6lld  '%s'\n", (long long)tokens->tokens[i], tokens->token_strs[i]);
    genapi_tokenize_result_free(tokens);

    /* The same text as a chat message: the template adds role markers and the assistant header. */
    genapi_chat_message messages[] = {{.role = "user", .content = text}};
    genapi_tokenize_request chat = GENAPI_TOKENIZE_REQUEST_INIT;
    chat.model = "genapi-ref";
    chat.messages = messages;
    chat.message_count = 1;
    st = genapi_tokenize(client, &chat, &tokens, &err);
    if (st != GENAPI_OK) {
        fprintf(stderr, "tokenize chat: %s: %s\n", genapi_status_str(st), err.message);
        genapi_client_free(client);
        return 1;
    }
    printf("as a chat message: %lld tokens\n", (long long)tokens->count);
    genapi_tokenize_result_free(tokens);
    genapi_client_free(client);
    return 0;
}
