/* genapi-server: the reference local backend over HTTP (libmicrohttpd).
 *
 *   genapi-server [--host HOST] [--port PORT] [--api-key KEY]
 *
 * Prints "genapi-server listening on http://HOST:PORT" once it accepts connections, then
 * serves until SIGINT or SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <genapi/genapi.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: genapi-server [--host HOST] [--port PORT] [--api-key KEY]\n"
               "  --host HOST     address to bind (default 127.0.0.1)\n"
               "  --port PORT     TCP port, 0 for any free port (default 8080)\n"
               "  --api-key KEY   require 'Authorization: Bearer KEY' (default: GENAPI_SERVER_API_KEY, else none)\n");
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *key = getenv("GENAPI_SERVER_API_KEY");
    long port = 8080;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--host") == 0 || strcmp(argv[i], "--port") == 0 || strcmp(argv[i], "--api-key") == 0) &&
            i + 1 >= argc) {
            fprintf(stderr, "genapi-server: %s needs a value\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--host") == 0) {
            host = argv[++i];
        } else if (strcmp(argv[i], "--port") == 0) {
            char *end;
            port = strtol(argv[++i], &end, 10);
            if (*end != '\0' || port < 0 || port > 65535) {
                fprintf(stderr, "genapi-server: --port must be 0..65535, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--api-key") == 0) {
            key = argv[++i];
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "genapi-server: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    genapi_backend_config bc = {sizeof bc, 0, key, NULL};
    genapi_backend *backend = NULL;
    genapi_error err;
    genapi_status st = genapi_backend_new(&bc, &backend, &err);
    if (st != GENAPI_OK) {
        fprintf(stderr, "genapi-server: %s\n", err.message);
        return 1;
    }
    genapi_server *server = NULL;
    st = genapi_server_start(backend, host, (uint16_t)port, &server, &err);
    if (st != GENAPI_OK) {
        fprintf(stderr, "genapi-server: %s\n", err.message);
        genapi_backend_free(backend);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int v6 = strchr(host, ':') != NULL;
    printf("genapi-server listening on http://%s%s%s:%u\n", v6 ? "[" : "", host, v6 ? "]" : "",
           (unsigned)genapi_server_port(server));
    fflush(stdout);
    while (!stop_requested)
        pause();
    genapi_server_stop(server);
    genapi_backend_free(backend);
    return 0;
}
