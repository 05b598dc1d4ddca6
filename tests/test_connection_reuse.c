/* Connections over HTTP are kept across requests: every request of a client, blocking or
 * pumped, one after another, goes over the same TCP connection (the same local port, seen
 * through genapi_poll_fds while a request is on the wire); a cancelled transfer closes its
 * connection, the next request opens one, and the request after that reuses it again (the
 * easy handle the cancelled transfer leaves for reuse does not keep "do not reuse"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "test_support.h"

typedef struct fixture {
    ts_server s;
    genapi_client *c;
    genapi_text_params p;
    genapi_chat_message msg;
    genapi_chat_request req;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(ts_server_start(&f->s, NULL), 0);
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = f->s.url;
    genapi_error err;
    assert_int_equal(genapi_client_new(&cfg, &f->c, &err), GENAPI_OK);
    genapi_text_params_init(&f->p, sizeof f->p);
    GENAPI_TEXT_SET(&f->p, model, "genapi-ref");
    GENAPI_TEXT_SET(&f->p, seed, 7);
    GENAPI_TEXT_SET(&f->p, max_tokens, 3);
    f->msg = (genapi_chat_message){.role = "user", .content = "Say hello."};
    f->req = (genapi_chat_request)GENAPI_CHAT_REQUEST_INIT;
    f->req.messages = &f->msg;
    f->req.message_count = 1;
    f->req.params = &f->p;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    genapi_client_free(f->c);
    genapi_text_params_clear(&f->p);
    ts_server_stop(&f->s);
    free(f);
    return 0;
}

/* The local TCP port of the client's socket to the server, or 0 when none is open now. The
 * last descriptor genapi_poll_fds lists is the client's wake-up pipe. */
static unsigned local_port(genapi_client *c)
{
    genapi_pollfd fds[8];
    size_t n = genapi_poll_fds(c, fds, 8);
    assert_true(n >= 1 && n <= 8);
    for (size_t i = 0; i + 1 < n; i++) {
        struct sockaddr_in a;
        socklen_t len = sizeof a;
        if (getsockname(fds[i].fd, (struct sockaddr *)&a, &len) == 0 && a.sin_family == AF_INET)
            return ntohs(a.sin_port);
    }
    return 0;
}

/* One pumped chat request to its end; returns the local port it went over. */
static unsigned pumped_request(fixture *f)
{
    genapi_request *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_start(f->c, &f->req, NULL, &r, &err), GENAPI_OK);
    unsigned port = 0;
    for (int i = 0; i < 2000 && !genapi_request_done(r); i++) {
        assert_int_equal(genapi_poll(f->c, 5), GENAPI_OK);
        unsigned p = local_port(f->c);
        if (p != 0) {
            if (port != 0)
                assert_int_equal(p, port); /* one connection for the whole request */
            port = p;
        }
    }
    assert_true(genapi_request_done(r));
    assert_int_equal(genapi_request_status(r, &err), GENAPI_OK);
    genapi_chat_result *res = NULL;
    assert_int_equal(genapi_request_take_chat(r, &res), GENAPI_OK);
    assert_int_equal(res->choice_count, 1);
    genapi_chat_result_free(res);
    genapi_request_release(r);
    assert_int_not_equal(port, 0);
    return port;
}

static void blocking_request(fixture *f)
{
    genapi_chat_result *res = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_complete(f->c, &f->req, &res, &err), GENAPI_OK);
    assert_int_equal(res->choice_count, 1);
    genapi_chat_result_free(res);
}

static void test_requests_share_one_connection(void **state)
{
    fixture *f = *state;
    unsigned first = pumped_request(f);
    for (int i = 0; i < 5; i++) {
        blocking_request(f);
        blocking_request(f);
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
    genapi_chat_request long_req = f->req;
    long_req.params = &p;
    int deltas = 0;
    genapi_callbacks cb = {.on_delta = count_deltas, .user = &deltas};
    genapi_request *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_stream_start(f->c, &long_req, &cb, &r, &err), GENAPI_OK);
    for (int i = 0; i < 2000 && deltas < 3 && !genapi_request_done(r); i++)
        assert_int_equal(genapi_poll(f->c, 5), GENAPI_OK);
    assert_true(deltas >= 3);
    assert_int_equal(local_port(f->c), before); /* the stream went over the kept connection */
    genapi_request_cancel(r);
    for (int i = 0; i < 200 && !genapi_request_done(r); i++)
        assert_int_equal(genapi_poll(f->c, 5), GENAPI_OK);
    assert_int_equal(genapi_request_status(r, &err), GENAPI_E_CANCELLED);
    genapi_request_release(r);
    genapi_text_params_clear(&p);

    unsigned after = pumped_request(f);
    assert_int_not_equal(after, before); /* the cancelled stream's connection was closed */
    blocking_request(f);
    assert_int_equal(pumped_request(f), after); /* and the new one is kept again */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_requests_share_one_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_closes_then_reuse_resumes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
