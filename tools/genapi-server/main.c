/* genapi-server: the reference local backend over HTTP (libmicrohttpd).
 *
 *   genapi-server [--host HOST] [--port PORT] [--api-key-file PATH | --api-key-stdin | --api-key KEY]
 *                 [--parallel N] [--max-request-seconds N]
 *
 * Prints "genapi-server listening on http://HOST:PORT" once it accepts connections, then
 * serves until SIGINT or SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <genapi/genapi.h>

#include "../common/secret.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: genapi-server [--host HOST] [--port PORT] [--api-key-file PATH | --api-key-stdin | --api-key KEY]\n"
               "                     [--parallel N] [--max-request-seconds N]\n"
               "  --host HOST     address to bind (default 127.0.0.1)\n"
               "  --port PORT     TCP port, 0 for any free port (default 8080)\n"
               "  --api-key-file PATH\n"
               "                  require 'Authorization: Bearer KEY' with KEY the first line of PATH\n"
               "                  ('-': standard input)\n"
               "  --api-key-stdin the same, KEY read from standard input\n"
               "  --api-key KEY   the same with KEY itself; other users of this machine can read it in ps /\n"
               "                  /proc: prefer --api-key-file or GENAPI_SERVER_API_KEY (default: that variable,\n"
               "                  else no key)\n"
               "  --parallel N    generations that run at once, 1..64; more wait their turn (default 4)\n"
               "  --max-request-seconds N\n"
               "                  a generation running longer is stopped: 504, or an error event in a stream;\n"
               "                  0 for no limit (default 300; GENAPI_SERVER_MAX_REQUEST_SECONDS)\n");
}

/* The server keeps up to 1024 connections open: make sure the descriptor limit allows it
 * (the soft limit is raised toward the hard one; the server adapts to whatever remains). */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = 4096;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
        want = rl.rlim_max;
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = want;
    setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *key = getenv("GENAPI_SERVER_API_KEY"), *key_file = NULL, *key_flag = NULL;
    long port = 8080, parallel = 0;
    int key_sources = 0;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--host") == 0 || strcmp(argv[i], "--port") == 0 || strcmp(argv[i], "--api-key") == 0 ||
             strcmp(argv[i], "--api-key-file") == 0 || strcmp(argv[i], "--parallel") == 0 ||
             strcmp(argv[i], "--max-request-seconds") == 0) &&
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
        } else if (strcmp(argv[i], "--parallel") == 0) {
            char *end;
            parallel = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || parallel < 1 || parallel > 64) {
                fprintf(stderr, "genapi-server: --parallel must be 1..64, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--max-request-seconds") == 0) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v < 0 || v > 31L * 24 * 3600) {
                fprintf(stderr, "genapi-server: --max-request-seconds must be 0..2678400, got '%s'\n", argv[i]);
                return 2;
            }
            /* genapi_server_start reads it from the environment. */
            if (setenv("GENAPI_SERVER_MAX_REQUEST_SECONDS", argv[i], 1) != 0) {
                fprintf(stderr, "genapi-server: cannot set the request deadline\n");
                return 1;
            }
        } else if (strcmp(argv[i], "--api-key") == 0) {
            key_flag = argv[++i];
            key_sources++;
        } else if (strcmp(argv[i], "--api-key-file") == 0) {
            key_file = argv[++i];
            key_sources++;
        } else if (strcmp(argv[i], "--api-key-stdin") == 0) {
            key_file = "-";
            key_sources++;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "genapi-server: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (key_sources > 1) {
        fprintf(stderr, "genapi-server: give one of --api-key, --api-key-file and --api-key-stdin\n");
        return 2;
    }
    char *file_key = NULL;
    if (key_file) {
        file_key = tool_secret_read("genapi-server", key_file);
        if (file_key == NULL)
            return 2;
        key = file_key;
    } else if (key_flag) {
        key = key_flag;
    }
    raise_fd_limit();
    genapi_backend_config bc = {.struct_size = sizeof bc, .parallel = (uint32_t)parallel, .api_key = key};
    genapi_backend *backend = NULL;
    genapi_error err;
    genapi_status st = genapi_backend_new(&bc, &backend, &err);
    tool_secret_free(file_key); /* the backend keeps its own copy */
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
