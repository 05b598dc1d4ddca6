/* Errors and retries. Every call returns a genapi_status and fills a genapi_error: the status
 * says what kind of failure it was, the record says which parameter, what HTTP status and
 * what the server said. Three failures are shown:
 *   1. a parameter out of range, refused before anything is sent;
 *   2. the server refusing a request (an unknown model: HTTP 404);
 *   3. a transport failure (nothing listens at the URL), retried as configured, then reported.
 * The client retries connection failures, timeouts and HTTP 408/409/429/5xx by itself
 * (max_retries, waits doubling up to retry_max_delay_ms, Retry-After honoured); 4xx are not.
 *
 *     errors_retries [UNREACHABLE_URL]      (default http://127.0.0.1:9) */
#include <stdio.h>

#include <genapi/genapi.h>

static void print_error(const char *what, genapi_status st, const genapi_error *err)
{
    printf("%s: %s (%d)\n  message: %s\n  param: '%s'  HTTP: %d", what, genapi_status_str(st), (int)st,
           err->message, err->param, (int)err->http_status);
    if (err->request_id[0] != '\0')
        printf("  request id: %s", err->request_id);
    printf("\n");
    /* How a program might react, by kind of failure. */
    switch (st) {
    case GENAPI_E_INVALID_ARG:
    case GENAPI_E_BAD_REQUEST:
        printf("  -> fix parameter '%s'\n", err->param);
        break;
    case GENAPI_E_CONNECT:
    case GENAPI_E_TIMEOUT:
    case GENAPI_E_SERVER:
    case GENAPI_E_RATE_LIMITED:
        printf("  -> transient: already retried by the client; try again later\n");
        break;
    default:
        printf("  -> not retryable\n");
        break;
    }
}

/* One chat call with the given parameters; returns its status and fills err. */
static genapi_status ask(genapi_client *client, const genapi_text_params *params, genapi_error *err)
{
    genapi_chat_message messages[] = {{.role = "user", .content = "Hello?"}};
    genapi_chat_request request = GENAPI_CHAT_REQUEST_INIT;
    request.messages = messages;
    request.message_count = 1;
    request.params = params;
    genapi_chat_result *result = NULL;
    genapi_status st = genapi_chat_complete(client, &request, &result, err);
    genapi_chat_result_free(result);
    return st;
}

int main(int argc, char **argv)
{
    const char *unreachable = argc > 1 ? argv[1] : "http://127.0.0.1:9";
    int unexpected = 0;
    genapi_error err;

    /* The in-process backend, whatever GENAPI_BASE_URL says. */
    genapi_client_config config;
    genapi_client_config_init(&config, sizeof config);
    config.ignore_environment = 1;
    genapi_client *local = NULL;
    if (genapi_client_new(&config, &local, &err) != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    genapi_text_params params = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&params, model, "genapi-ref");
    GENAPI_TEXT_SET(&params, max_tokens, 8);

    /* 1. Out of range: caught by the client's validation, HTTP status 0. */
    GENAPI_TEXT_SET(&params, temperature, -1.0);
    genapi_status st = ask(local, &params, &err);
    print_error("invalid parameter", st, &err);
    unexpected += st != GENAPI_E_INVALID_ARG;
    genapi_text_params_mark(&params, GENAPI_TEXT_PARAM_temperature, 0); /* unset it again */

    /* 2. The server's refusal, with its message. */
    GENAPI_TEXT_SET(&params, model, "no-such-model");
    st = ask(local, &params, &err);
    print_error("unknown model", st, &err);
    unexpected += st != GENAPI_E_NOT_FOUND || err.http_status != 404;
    GENAPI_TEXT_SET(&params, model, "genapi-ref");
    genapi_client_free(local);

    /* 3. Nothing listening: short timeouts and one quick retry, so this takes well under a second. */
    config.base_url = unreachable;
    config.connect_timeout_ms = 500;   /* per connection attempt */
    config.timeout_ms = 3000;          /* the whole call, retries included */
    config.max_retries = 1;            /* 0 = the default (2); negative = never retry */
    config.retry_max_delay_ms = 200;   /* longest wait between attempts */
    genapi_client *remote = NULL;
    if (genapi_client_new(&config, &remote, &err) != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    st = ask(remote, &params, &err);
    print_error("unreachable server", st, &err);
    unexpected += st != GENAPI_E_CONNECT && st != GENAPI_E_TIMEOUT;
    genapi_client_free(remote);

    if (unexpected) {
        fprintf(stderr, "%d failure(s) were not of the expected kind\n", unexpected);
        return 1;
    }
    return 0;
}
