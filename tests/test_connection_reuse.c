/* Connections over HTTP are kept across requests: every request of a client, blocking or
 * pumped, one after another, goes over the same TCP connection (the client holds exactly one
 * connection to the server after each, with the same local port); a cancelled transfer closes its
 * connection, the next request opens one, and the request after that reuses it again (the
 * easy handle the cancelled transfer leaves for reuse does not keep "do not reuse"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "test_client.h"
#include "test_support.h"

typedef struct fixture {
    ts_server s;
    genapi_client *c;
    tc_chat chat;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(ts_server_start(&f->s, NULL), 0);
    f->c = tc_client(f->s.url);
    tc_chat_init(&f->chat, "genapi-ref", "Say hello.");
    GENAPI_TEXT_SET(&f->chat.p, seed, 7);
    GENAPI_TEXT_SET(&f->chat.p, max_tokens, 3);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    genapi_client_free(f->c);
    genapi_text_params_clear(&f->chat.p);
    ts_server_stop(&f->s);
    free(f);
    return 0;
}

/* The client's connections to the server: its established TCP sockets (found through
 * /proc/self/fd) whose remote port is the server's, read from /proc/net/tcp. Returns how many
 * there are and puts the local port of the last one in *port. Kept connections stay open
 * between requests, so this is read after a request has ended, without racing it. */
static int client_connections(const fixture *f, unsigned *port)
{
    const char *colon = strrchr(f->s.url, ':');
    assert_non_null(colon);
    unsigned server_port = (unsigned)atoi(colon + 1);
    unsigned long inodes[256];
    size_t n_inodes = 0;
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL && n_inodes < 256;) {
        char path[300], link[64];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(path, link, sizeof link - 1);
        if (len > 0) {
            link[len] = '\0';
            unsigned long ino;
            if (sscanf(link, "socket:[%lu]", &ino) == 1)
                inodes[n_inodes++] = ino;
        }
    }
    closedir(d);
    FILE *tcp = fopen("/proc/net/tcp", "r");
    assert_non_null(tcp);
    char line[512];
    int n = 0;
    assert_non_null(fgets(line, sizeof line, tcp)); /* the header */
    while (fgets(line, sizeof line, tcp)) {
        unsigned lport, rport, st;
        unsigned long ino;
        if (sscanf(line, " %*d: %*x:%x %*x:%x %x %*x:%*x %*x:%*x %*x %*u %*u %lu", &lport, &rport, &st, &ino) != 4)
            continue;
        if (rport != server_port || st != 1 /* ESTABLISHED */)
            continue;
        for (size_t i = 0; i < n_inodes; i++)
            if (inodes[i] == ino) {
                n++;
                *port = lport;
            }
    }
    fclose(tcp);
    return n;
}

/* The one connection the client holds now (the test fails if it holds none or several). */
static unsigned the_connection(const fixture *f)
{
    unsigned port = 0;
    assert_int_equal(client_connections(f, &port), 1);
    assert_int_not_equal(port, 0);
    return port;
}

/* One pumped chat request to its end (a game's loop: genapi_poll with no wait, then a pause);
 * returns the local port of the connection the client holds afterwards. */
static unsigned pumped_request(fixture *f)
{
    genapi_request *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_start(f->c, &f->chat.req, NULL, &r, &err), GENAPI_OK);
    for (int i = 0; i < 100000 && !genapi_request_done(r); i++) {
        assert_int_equal(genapi_poll(f->c, 0), GENAPI_OK);
        nanosleep(&(struct timespec){0, 100 * 1000}, NULL);
    }
    assert_true(genapi_request_done(r));
    assert_int_equal(genapi_request_status(r, &err), GENAPI_OK);
    genapi_chat_result *res = NULL;
    assert_int_equal(genapi_request_take_chat(r, &res), GENAPI_OK);
    assert_int_equal(res->choice_count, 1);
    genapi_chat_result_free(res);
    genapi_request_release(r);
    return the_connection(f);
}

/* One blocking chat request; returns the port of the connection held afterwards. */
static unsigned blocking_request(fixture *f)
{
    genapi_chat_result *res = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_complete(f->c, &f->chat.req, &res, &err), GENAPI_OK);
    assert_int_equal(res->choice_count, 1);
    genapi_chat_result_free(res);
    return the_connection(f);
}

static void test_requests_share_one_connection(void **state)
{
    fixture *f = *state;
    unsigned first = pumped_request(f);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(blocking_request(f), first);
        assert_int_equal(blocking_request(f), first);
        assert_int_equal(pumped_request(f), first);
    }
}

static int count_deltas(const genapi_stream_delta *d, void *user)
{
    (void)d;
    (*(int *)user)++;
    return 0;
}

static void test_cancel_closes_then_reuse_resumes(void **state)
{
    fixture *f = *state;
    unsigned before = pumped_request(f);
    /* A long stream, cancelled once it flows. */
    genapi_text_params p;
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "genapi-ref");
    GENAPI_TEXT_SET(&p, max_tokens, 4000);
    GENAPI_TEXT_SET(&p, ignore_eos, 1);
    genapi_chat_request long_req = f->chat.req;
    long_req.params = &p;
    int deltas = 0;
    genapi_callbacks cb = {.on_delta = count_deltas, .user = &deltas};
    genapi_request *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_stream_start(f->c, &long_req, &cb, &r, &err), GENAPI_OK);
    for (int i = 0; i < 2000 && deltas < 3 && !genapi_request_done(r); i++)
        assert_int_equal(genapi_poll(f->c, 5), GENAPI_OK);
    assert_true(deltas >= 3);
    assert_int_equal(the_connection(f), before); /* the stream goes over the kept connection */
    genapi_request_cancel(r);
    for (int i = 0; i < 200 && !genapi_request_done(r); i++)
        assert_int_equal(genapi_poll(f->c, 5), GENAPI_OK);
    assert_int_equal(genapi_request_status(r, &err), GENAPI_E_CANCELLED);
    genapi_request_release(r);
    genapi_text_params_clear(&p);

    unsigned after = pumped_request(f);
    assert_int_not_equal(after, before); /* the cancelled stream's connection was closed */
    assert_int_equal(blocking_request(f), after); /* and the new one is kept again */
    assert_int_equal(pumped_request(f), after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_requests_share_one_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_closes_then_reuse_resumes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
