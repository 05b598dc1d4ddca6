/* The client's own work per request, for bench/client_cost.sh: N blocking chat completions
 * (genapi_chat_complete, one thread, one kept connection) against URL, the same small request
 * bench_async sends (max_tokens 2, seed 42). The script runs this under callgrind collecting
 * only inside genapi_chat_complete, so the count is the library's (and libcurl's, json-c's and
 * libc's on its behalf) instructions per request, free of the machine's load.
 *
 *   bench_request_cost URL N */
#include <stdio.h>
#include <stdlib.h>

#include <genapi/genapi.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_request_cost URL N\n");
        return 2;
    }
    long n = atol(argv[2]);
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = argv[1];
    genapi_client *c = NULL;
    genapi_error err;
    if (genapi_client_new(&cfg, &c, &err) != GENAPI_OK) {
        fprintf(stderr, "bench_request_cost: %s\n", err.message);
        return 1;
    }
    genapi_text_params p;
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "genapi-ref");
    GENAPI_TEXT_SET(&p, seed, 42);
    GENAPI_TEXT_SET(&p, max_tokens, 2);
    genapi_chat_message msg = {.role = "user", .content = "Say hello."};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &msg;
    req.message_count = 1;
    req.params = &p;
    long ok = 0;
    for (long i = 0; i < n; i++) {
        genapi_chat_result *res = NULL;
        if (genapi_chat_complete(c, &req, &res, &err) != GENAPI_OK) {
            fprintf(stderr, "bench_request_cost: %s\n", err.message);
            break;
        }
        ok += res->choice_count == 1;
        genapi_chat_result_free(res);
    }
    genapi_text_params_clear(&p);
    genapi_client_free(c);
    printf("%ld requests\n", ok);
    return ok == n ? 0 : 1;
}
