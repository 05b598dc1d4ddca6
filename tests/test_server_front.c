/* genapi-server's front (lib/server/http_front.c) over real sockets: hundreds of keep-alive
 * connections served at once, `--parallel` reported and validated, streams sent as they are
 * generated, a client that leaves cancels its generation (text or image), more generations
 * than workers queue and all complete, output held for a slow reader stays bounded, the body
 * cap, and a stop while generations run. No timing is asserted beyond generous deadlines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "server/http_front.h"
#include "test_support.h"

#define DEADLINE_S 30
#define MANY 200

/* ---- an in-process server ------------------------------------------------------------ */

typedef struct front {
    genapi_backend *b;
    genapi_server *s;
    uint16_t port;
} front;

static void front_start(front *f, uint32_t parallel)
{
    genapi_backend_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.struct_size = sizeof cfg;
    cfg.parallel = parallel;
    genapi_error err;
    assert_int_equal(genapi_backend_new(&cfg, &f->b, &err), GENAPI_OK);
    assert_int_equal(genapi_server_start(f->b, "127.0.0.1", 0, &f->s, &err), GENAPI_OK);
    f->port = genapi_server_port(f->s);
    assert_true(f->port > 0);
}

static void front_stop(front *f)
{
    genapi_server_stop(f->s);
    genapi_backend_free(f->b);
    memset(f, 0, sizeof *f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static gs_front_stats stats(front *f)
{
    gs_front_stats st;
    gs_front_stats_get(f->s, &st);
    return st;
}

/* Poll the counters into st until cond holds; fail after the deadline. */
#define ASSERT_EVENTUALLY(f, st, cond)                                                                                 \
    do {                                                                                                               \
        double until_ = now_s() + DEADLINE_S;                                                                          \
        for (;;) {                                                                                                     \
            (st) = stats(f);                                                                                           \
            if (cond)                                                                                                  \
                break;                                                                                                 \
            if (now_s() > until_)                                                                                      \
                fail_msg("timed out waiting for %s", #cond);                                                           \
            sleep_ms(5);                                                                                               \
        }                                                                                                              \
    } while (0)

/* ---- a small HTTP/1.1 client on raw sockets ------------------------------------------ */

typedef struct conn {
    int fd;
    char *buf; /* received, not consumed */
    size_t len, pos, cap;
} conn;

typedef struct reply {
    int status;
    char head[4096];
    char *body;
    size_t body_len;
} reply;

static int conn_open(conn *c, uint16_t port, int rcvbuf)
{
    memset(c, 0, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0)
        return -1;
    if (rcvbuf > 0)
        setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct timeval tv = {DEADLINE_S, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    c->cap = 1 << 16;
    c->buf = malloc(c->cap);
    return c->buf ? 0 : -1;
}

static void conn_close(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int conn_send(conn *c, const char *method, const char *path, const char *body)
{
    char head[512];
    size_t blen = body ? strlen(body) : 0;
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     method, path, blen);
    if (send_all(c->fd, head, (size_t)n) != 0)
        return -1;
    return blen ? send_all(c->fd, body, blen) : 0;
}

/* Receive more bytes; >0 got some, 0 end of stream, <0 error or timeout. */
static ssize_t conn_fill(conn *c)
{
    if (c->pos > 0) {
        memmove(c->buf, c->buf + c->pos, c->len - c->pos);
        c->len -= c->pos;
        c->pos = 0;
    }
    if (c->len == c->cap) {
        char *nb = realloc(c->buf, c->cap * 2);
        if (nb == NULL)
            return -1;
        c->buf = nb;
        c->cap *= 2;
    }
    ssize_t r;
    do
        r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
    while (r < 0 && errno == EINTR);
    if (r > 0)
        c->len += (size_t)r;
    return r;
}

/* One CRLF-terminated line (without CRLF) into line; 0 or -1. */
static int conn_line(conn *c, char *line, size_t cap)
{
    for (;;) {
        char *end = memchr(c->buf + c->pos, '\n', c->len - c->pos);
        if (end) {
            size_t n = (size_t)(end - (c->buf + c->pos));
            size_t keep = n > 0 && end[-1] == '\r' ? n - 1 : n;
            if (keep >= cap)
                keep = cap - 1;
            memcpy(line, c->buf + c->pos, keep);
            line[keep] = '\0';
            c->pos += n + 1;
            return 0;
        }
        if (conn_fill(c) <= 0)
            return -1;
    }
}

/* Exactly n bytes appended to *dst (realloc'ed); 0 or -1. */
static int conn_bytes(conn *c, size_t n, char **dst, size_t *dst_len)
{
    char *d = realloc(*dst, *dst_len + n + 1);
    if (d == NULL)
        return -1;
    *dst = d;
    while (n > 0) {
        if (c->pos == c->len && conn_fill(c) <= 0)
            return -1;
        size_t take = c->len - c->pos < n ? c->len - c->pos : n;
        memcpy(d + *dst_len, c->buf + c->pos, take);
        c->pos += take;
        *dst_len += take;
        n -= take;
    }
    d[*dst_len] = '\0';
    return 0;
}

static int head_has(const reply *r, const char *needle)
{
    char low[sizeof r->head];
    size_t i = 0;
    for (; r->head[i] && i + 1 < sizeof low; i++)
        low[i] = (char)((r->head[i] >= 'A' && r->head[i] <= 'Z') ? r->head[i] + 32 : r->head[i]);
    low[i] = '\0';
    return strstr(low, needle) != NULL;
}

/* Status line and headers; 0 or -1. */
static int read_head(conn *c, reply *r)
{
    memset(r, 0, sizeof *r);
    char line[2048];
    if (conn_line(c, line, sizeof line) != 0 || sscanf(line, "HTTP/1.%*d %d", &r->status) != 1)
        return -1;
    size_t used = 0;
    for (;;) {
        if (conn_line(c, line, sizeof line) != 0)
            return -1;
        if (line[0] == '\0')
            return 0;
        int n = snprintf(r->head + used, sizeof r->head - used, "%s\n", line);
        if (n > 0 && (size_t)n < sizeof r->head - used)
            used += (size_t)n;
    }
}

/* Read one chunk of a chunked body (appended to r->body); 1 got one, 0 the last, -1 error. */
static int read_chunk(conn *c, reply *r)
{
    char line[256];
    if (conn_line(c, line, sizeof line) != 0)
        return -1;
    size_t n = (size_t)strtoul(line, NULL, 16);
    if (n == 0) {
        do /* trailers, then the empty line */
            if (conn_line(c, line, sizeof line) != 0)
                return -1;
        while (line[0] != '\0');
        return 0;
    }
    if (conn_bytes(c, n, &r->body, &r->body_len) != 0 || conn_line(c, line, sizeof line) != 0)
        return -1;
    return 1;
}

/* A whole reply (Content-Length or chunked); 0 or -1. Free r->body. */
static int read_reply(conn *c, reply *r)
{
    if (read_head(c, r) != 0)
        return -1;
    if (head_has(r, "transfer-encoding: chunked")) {
        int k;
        while ((k = read_chunk(c, r)) == 1) {
        }
        return k;
    }
    const char *cl = strstr(r->head, "ontent-Length:");
    if (cl == NULL)
        cl = strstr(r->head, "ontent-length:");
    size_t n = cl ? (size_t)strtoull(cl + 14, NULL, 10) : 0;
    if (conn_bytes(c, n, &r->body, &r->body_len) != 0)
        return -1;
    if (r->body == NULL)
        r->body = calloc(1, 1);
    return 0;
}

static void request_ok(conn *c, const char *method, const char *path, const char *body, reply *r)
{
    assert_int_equal(conn_send(c, method, path, body), 0);
    assert_int_equal(read_reply(c, r), 0);
}

static char *chat_body(int stream, int max_tokens, int seed, int top_logprobs)
{
    char *b = malloc(512);
    assert_non_null(b);
    char lp[64] = "";
    if (top_logprobs > 0)
        snprintf(lp, sizeof lp, ",\"logprobs\":true,\"top_logprobs\":%d", top_logprobs);
    snprintf(b, 512,
             "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the harbour\"}],"
             "\"max_tokens\":%d,\"ignore_eos\":true,\"seed\":%d,\"stream\":%s%s}",
             max_tokens, seed, stream ? "true" : "false", lp);
    return b;
}

static int ends_with_done(const reply *r)
{
    static const char done[] = "data: [DONE]\n\n";
    return r->body_len >= sizeof done - 1 && memcmp(r->body + r->body_len - (sizeof done - 1), done, sizeof done - 1) == 0;
}

/* ---- tests --------------------------------------------------------------------------- */

/* MANY connections open at once, each answered, twice (keep-alive). */
static void test_many_connections(void **state)
{
    (void)state;
    front f;
    front_start(&f, 2);
    gs_front_stats st = stats(&f);
    assert_true(st.connection_limit >= MANY);
    assert_int_equal(st.workers, 2);
    static conn cs[MANY];
    for (int i = 0; i < MANY; i++)
        assert_int_equal(conn_open(&cs[i], f.port, 0), 0);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < MANY; i++)
            assert_int_equal(conn_send(&cs[i], "GET", i % 2 ? "/v1/models" : "/health", NULL), 0);
        for (int i = 0; i < MANY; i++) {
            reply r;
            assert_int_equal(read_reply(&cs[i], &r), 0);
            assert_int_equal(r.status, 200);
            if (i % 2)
                assert_non_null(strstr(r.body, "genapi-ref"));
            free(r.body);
        }
    }
    for (int i = 0; i < MANY; i++)
        conn_close(&cs[i]);
    front_stop(&f);
}

/* `parallel` as the backend setting, on both path families; genapi-server --parallel N, and
 * its validation. */
static void test_parallel_setting(void **state)
{
    (void)state;
    front f;
    front_start(&f, 3);
    const char *paths[] = {"/v1/parallel-requests", "/sdapi/v1/parallel-requests"};
    for (size_t i = 0; i < 2; i++) {
        conn c;
        assert_int_equal(conn_open(&c, f.port, 0), 0);
        reply r;
        request_ok(&c, "GET", paths[i], NULL, &r);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.body, "{\"parallel_requests\":3}");
        free(r.body);
        conn_close(&c);
    }
    assert_int_equal(stats(&f).workers, 3);
    front_stop(&f);

    ts_server s;
    const char *const extra[] = {"--parallel", "5", NULL};
    assert_int_equal(ts_server_start(&s, extra), 0);
    const char *colon = strrchr(s.url, ':');
    assert_non_null(colon);
    conn c;
    assert_int_equal(conn_open(&c, (uint16_t)atoi(colon + 1), 0), 0);
    reply r;
    request_ok(&c, "GET", "/v1/parallel-requests", NULL, &r);
    assert_string_equal(r.body, "{\"parallel_requests\":5}");
    free(r.body);
    conn_close(&c);
    ts_server_stop(&s);

    const char *bad[] = {"0", "65", "four", "-1", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int errp[2];
        assert_int_equal(pipe(errp), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            dup2(errp[1], STDERR_FILENO);
            close(errp[0]);
            close(errp[1]);
            execl(GENAPI_SERVER_BIN, GENAPI_SERVER_BIN, "--port", "0", "--parallel", bad[i], (char *)NULL);
            _exit(127);
        }
        close(errp[1]);
        char msg[512] = "";
        size_t got = 0;
        ssize_t n;
        while ((n = read(errp[0], msg + got, sizeof msg - 1 - got)) > 0)
            got += (size_t)n;
        msg[got] = '\0';
        close(errp[0]);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 2);
        assert_non_null(strstr(msg, "--parallel"));
        assert_non_null(strstr(msg, "1..64"));
    }
}

/* A stream's first event arrives while it is still being generated; a client that reads it
 * and leaves cancels the generation. */
static void test_stream_cancelled_when_client_leaves(void **state)
{
    (void)state;
    front f;
    front_start(&f, 2);
    char *body = chat_body(1, 2000, 11, 5);

    /* The whole stream, for comparison. */
    conn c;
    assert_int_equal(conn_open(&c, f.port, 0), 0);
    double t0 = now_s();
    reply whole;
    request_ok(&c, "POST", "/v1/chat/completions", body, &whole);
    double t_whole = now_s() - t0;
    assert_int_equal(whole.status, 200);
    assert_true(ends_with_done(&whole));
    free(whole.body);
    conn_close(&c);
    gs_front_stats st;
    ASSERT_EVENTUALLY(&f, st, st.running == 0);
    gs_front_stats before = stats(&f);
    assert_int_equal(before.finished, before.started); /* 1 when chat runs as a job */

    /* The same request, left after its first event. */
    assert_int_equal(conn_open(&c, f.port, 0), 0);
    t0 = now_s();
    assert_int_equal(conn_send(&c, "POST", "/v1/chat/completions", body), 0);
    reply r;
    assert_int_equal(read_head(&c, &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(head_has(&r, "content-type: text/event-stream"));
    assert_true(head_has(&r, "transfer-encoding: chunked"));
    while (r.body == NULL || strstr(r.body, "\n\n") == NULL)
        assert_int_equal(read_chunk(&c, &r), 1);
    double t_first = now_s() - t0;
    assert_true(strncmp(r.body, "data: {", 7) == 0);
    st = stats(&f);
    conn_close(&c);
    free(r.body);
    print_message("first event after %.1f ms; whole stream %.1f ms (%s)\n", t_first * 1e3, t_whole * 1e3,
                  st.running ? "generation still running at the first event" : "generation already over");

    ASSERT_EVENTUALLY(&f, st, st.cancelled == before.cancelled + 1 && st.running == 0);
    assert_int_equal(st.started, before.started + 1);
    assert_int_equal(st.finished, before.finished);
    assert_int_equal(st.queued, 0);
    free(body);
    front_stop(&f);
}

/* A client that leaves while waiting for a whole answer (its connection suspended, nothing
 * written yet) cancels the generation too. */
static void test_whole_answer_cancelled_when_client_leaves(void **state)
{
    (void)state;
    front f;
    front_start(&f, 1);
    char *body = chat_body(0, 3000, 12, 20);
    conn c;
    assert_int_equal(conn_open(&c, f.port, 0), 0);
    assert_int_equal(conn_send(&c, "POST", "/v1/chat/completions", body), 0);
    gs_front_stats st;
    ASSERT_EVENTUALLY(&f, st, st.started == 1);
    conn_close(&c);
    ASSERT_EVENTUALLY(&f, st, st.cancelled == 1 && st.running == 0);
    assert_int_equal(st.finished, 0);
    /* The server goes on serving. */
    assert_int_equal(conn_open(&c, f.port, 0), 0);
    reply r;
    request_ok(&c, "GET", "/v1/models", NULL, &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    conn_close(&c);
    free(body);
    front_stop(&f);
}

/* Image generations are jobs too: a small one completes as a whole answer; a large one is
 * cancelled when its client leaves, and progress is answered while it runs. */
static void test_images_as_jobs(void **state)
{
    (void)state;
    front f;
    front_start(&f, 1);
    conn c;
    assert_int_equal(conn_open(&c, f.port, 0), 0);
    reply r;
    request_ok(&c, "POST", "/sdapi/v1/txt2img", "{\"prompt\":\"mountains\",\"steps\":5,\"width\":64,\"height\":64,\"seed\":5}",
               &r);
    assert_int_equal(r.status, 200);
    assert_true(head_has(&r, "content-length:"));
    assert_non_null(strstr(r.body, "\"images\""));
    free(r.body);
    gs_front_stats st;
    ASSERT_EVENTUALLY(&f, st, st.finished == 1 && st.running == 0);
    assert_int_equal(st.admitted, 1);

    assert_int_equal(conn_send(&c, "POST", "/sdapi/v1/txt2img",
                               "{\"prompt\":\"mountains\",\"steps\":50,\"width\":1024,\"height\":1024,\"batch_size\":2,"
                               "\"seed\":6}"),
                     0);
    ASSERT_EVENTUALLY(&f, st, st.started == 2);
    conn p;
    assert_int_equal(conn_open(&p, f.port, 0), 0);
    request_ok(&p, "GET", "/sdapi/v1/progress", NULL, &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    conn_close(&p);
    conn_close(&c);
    ASSERT_EVENTUALLY(&f, st, st.cancelled == 1 && st.running == 0);
    assert_int_equal(st.finished, 1);
    front_stop(&f);
}

/* More generations than workers: they queue, never more than `parallel` run, all complete,
 * and a listing is answered meanwhile. */
static void test_jobs_queue_and_complete(void **state)
{
    (void)state;
    enum { STREAMS = 24, WHOLE = 6 };
    front f;
    front_start(&f, 2);
    static conn cs[STREAMS + WHOLE];
    for (int i = 0; i < STREAMS + WHOLE; i++) {
        assert_int_equal(conn_open(&cs[i], f.port, 0), 0);
        char *body = chat_body(i < STREAMS, 300, 100 + i, 0);
        assert_int_equal(conn_send(&cs[i], "POST", "/v1/chat/completions", body), 0);
        free(body);
    }
    gs_front_stats st;
    ASSERT_EVENTUALLY(&f, st, st.admitted == STREAMS + WHOLE);
    print_message("%u queued, %u running right after admission\n", st.queued, st.running);

    /* Generations do not hold up other requests. */
    conn l;
    assert_int_equal(conn_open(&l, f.port, 0), 0);
    reply r;
    request_ok(&l, "GET", "/v1/models", NULL, &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    conn_close(&l);

    for (int i = 0; i < STREAMS + WHOLE; i++) {
        assert_int_equal(read_reply(&cs[i], &r), 0);
        assert_int_equal(r.status, 200);
        if (i < STREAMS)
            assert_true(ends_with_done(&r));
        else
            assert_non_null(strstr(r.body, "\"object\":\"chat.completion\""));
        free(r.body);
        /* keep-alive: the connection serves another request */
        request_ok(&cs[i], "GET", "/health", NULL, &r);
        assert_int_equal(r.status, 200);
        free(r.body);
        conn_close(&cs[i]);
    }
    ASSERT_EVENTUALLY(&f, st, st.running == 0 && st.finished == STREAMS + WHOLE);
    assert_int_equal(st.queued, 0);
    assert_int_equal(st.cancelled, 0);
    assert_int_equal(st.started, STREAMS + WHOLE);
    assert_true(st.peak_running >= 1 && st.peak_running <= 2);
    front_stop(&f);
}

/* A client that does not read: its generation pauses with a bounded amount held for it,
 * and goes on to a complete stream once read. */
static void test_slow_reader_bounded(void **state)
{
    (void)state;
    front f;
    front_start(&f, 1);
    /* Far more output than the socket buffers hold: 3 choices, 20 alternatives per token. */
    char *body = chat_body(1, 3000, 5, 20);
    char *n3 = strstr(body, "\"seed\"");
    assert_non_null(n3);
    memmove(n3 + 6, n3, strlen(n3) + 1);
    memcpy(n3, "\"n\":3,", 6);
    conn c;
    assert_int_equal(conn_open(&c, f.port, 4096), 0);
    assert_int_equal(conn_send(&c, "POST", "/v1/chat/completions", body), 0);
    gs_front_stats st;
    ASSERT_EVENTUALLY(&f, st, st.throttled == 1); /* not reading */
    assert_int_equal(st.running, 1);
    assert_int_equal(st.finished, 0);
    reply r;
    assert_int_equal(read_reply(&c, &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(ends_with_done(&r));
    conn_close(&c);
    ASSERT_EVENTUALLY(&f, st, st.running == 0);
    print_message("stream of %zu bytes; at most %llu held for the client\n", r.body_len,
                  (unsigned long long)st.peak_unread);
    free(r.body);
    assert_int_equal(st.finished, 1);
    assert_int_equal(st.throttled, 0);
    /* The bound plus what one slice can add. */
    assert_true(st.peak_unread > 0 && st.peak_unread <= GS_UNREAD_MAX + 2 * GS_SLICE_BYTES + 256 * 1024);
    free(body);
    front_stop(&f);
}

/* Bodies above the cap are refused with 413 and the connection survives to say so. */
static void test_body_cap(void **state)
{
    (void)state;
    front f;
    front_start(&f, 1);
    conn c;
    assert_int_equal(conn_open(&c, f.port, 0), 0);
    size_t total = (size_t)GS_MAX_BODY + 1;
    char head[256];
    int n = snprintf(head, sizeof head,
                     "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     total);
    assert_int_equal(send_all(c.fd, head, (size_t)n), 0);
    size_t chunk = 1 << 20;
    char *zeros = calloc(1, chunk);
    assert_non_null(zeros);
    for (size_t sent = 0; sent < total;) {
        size_t k = total - sent < chunk ? total - sent : chunk;
        assert_int_equal(send_all(c.fd, zeros, k), 0);
        sent += k;
    }
    free(zeros);
    reply r;
    assert_int_equal(read_reply(&c, &r), 0);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr(r.body, "exceeds"));
    free(r.body);
    conn_close(&c);
    front_stop(&f);
}

/* Stopping the server while generations run and wait: it returns, and every client sees its
 * connection end. */
static void test_stop_while_generating(void **state)
{
    (void)state;
    enum { N = 4 };
    front f;
    front_start(&f, 1);
    conn cs[N];
    for (int i = 0; i < N; i++) {
        assert_int_equal(conn_open(&cs[i], f.port, 0), 0);
        char *body = chat_body(i % 2 == 0, 2000, 30 + i, 5);
        assert_int_equal(conn_send(&cs[i], "POST", "/v1/chat/completions", body), 0);
        free(body);
    }
    gs_front_stats st;
    ASSERT_EVENTUALLY(&f, st, st.admitted == N);
    reply r;
    assert_int_equal(read_head(&cs[0], &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(read_chunk(&cs[0], &r), 1);
    free(r.body);
    genapi_server_stop(f.s);
    genapi_backend_free(f.b);
    for (int i = 0; i < N; i++) {
        ssize_t k;
        while ((k = conn_fill(&cs[i])) > 0)
            cs[i].pos = cs[i].len;
        assert_true(k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK));
        conn_close(&cs[i]);
    }
}

static int raise_fd_limit(void **state)
{
    (void)state;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 4096) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 4096 ? 4096 : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_connections),
        cmocka_unit_test(test_parallel_setting),
        cmocka_unit_test(test_stream_cancelled_when_client_leaves),
        cmocka_unit_test(test_whole_answer_cancelled_when_client_leaves),
        cmocka_unit_test(test_images_as_jobs),
        cmocka_unit_test(test_jobs_queue_and_complete),
        cmocka_unit_test(test_slow_reader_bounded),
        cmocka_unit_test(test_body_cap),
        cmocka_unit_test(test_stop_while_generating),
    };
    return cmocka_run_group_tests(tests, raise_fd_limit, NULL);
}
