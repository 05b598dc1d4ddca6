/*
 * Throughput and memory of the non-blocking client (include/genapi/async.h) against the
 * reference server (genapi-server) and the in-process backend.
 *
 * Throughput: one genapi-server (--parallel P) serves, in the same run and alternating which
 * goes first each round,
 *   (a) wrk: POST /v1/chat/completions, C connections, T threads, D seconds, sending the
 *       client's own request: the bench captures the bytes the client sends (one request to
 *       a socket of its own) and writes their method, headers and body to a temporary Lua
 *       script (wrk adds Host and Content-Length itself);
 *   (b) the pumped client: one thread calling genapi_poll(), keeping C genapi_chat_start()
 *       requests in flight for D seconds (the default max_active of 64 covers C = 64), a new
 *       request started from each completion callback, each result taken and freed. A fresh
 *       client each round, as wrk opens fresh connections each run.
 * Both rates count the requests that completed within the D seconds, divided by D. Per round
 * the bench prints both rates, the ratio client / wrk, the CPU time per request of the load
 * generator (the bench process for the client, wrk as a child process) and of the server, and
 * the TCP connections opened meanwhile (ActiveOpens of /proc/net/snmp: every connect() in
 * this network namespace, so other programs' connections count too). The summary gives the
 * median ratio.
 *
 * Memory: N streamed chat requests (ignore_eos, max_tokens M, so each one runs for seconds)
 * started at once on one client and pumped for H seconds, once per configuration: over HTTP
 * (a second genapi-server with --parallel 64, so 64 streams generate at once and the rest
 * wait in the server) and in process, each with max_active 64 and with max_active N. Each
 * configuration runs in a fresh process (the bench re-executes itself), so memory freed by
 * an earlier phase cannot hide the growth. The baseline is taken after the client exists and
 * one short stream has completed (libcurl, json-c, the in-process engine initialised). The
 * peak is the largest resident set (/proc/self/statm) sampled after every genapi_poll() while
 * all N are pending. Also reported: the bytes the library holds through the client's
 * allocator (counting hooks), the established connections to the server, and the CPU time of
 * the costliest genapi_poll(). Then every request is cancelled and pumped until
 * genapi_pending() is 0; the library's bytes must come back to the baseline once the handles
 * are released (but for the capacity its tables grew to) and to 0 after genapi_client_free().
 * The server's memory is not included (another process).
 *
 * Usage: bench_async [--rounds R] [--seconds D] [--connections C] [--threads T]
 *                    [--parallel P] [--requests N] [--hold H] [--max-tokens M]
 *                    [--server PATH] [--wrk PATH] [--only throughput|memory] [--blocking]
 * --blocking: the throughput rounds compare the blocking client (genapi_chat_complete in a
 * loop, one thread) with wrk -c1 -t1 instead of the pumped client with wrk -cC.
 * Defaults: 5 rounds of 5 s, 64 connections, 2 wrk threads, --parallel 2 (one generation
 * worker per core of a 2-core machine: the tiny generations are CPU-bound, more workers only
 * add runnable threads competing with the load generator); 1000 streams of 4000 tokens
 * held 3 s. The exit status is non-zero when a stream fails or a memory configuration does
 * not free everything.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <genapi/genapi.h>

#ifndef GENAPI_SERVER_BIN
#define GENAPI_SERVER_BIN "bin/genapi-server"
#endif

#define MAX_ROUNDS 64

/* ---- small helpers ------------------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_async: %s\n", what);
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Resident set of this process in bytes. */
static size_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

static double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

/* CPU seconds of the calling thread. */
static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of this process, or of its waited-for children. */
static double cpu_s(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds of another process (utime + stime from /proc/PID/stat). */
static double proc_cpu_s(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (p == NULL)
        return 0;
    unsigned long utime = 0, stime = 0;
    /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return 0;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static void raise_fd_limit(rlim_t want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
        want = rl.rlim_max;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        rl.rlim_cur = want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* ---- TCP connections ------------------------------------------------------------------------ */

/* Established connections from this host to `port` (client side, /proc/net/tcp). */
static size_t tcp_established_to(unsigned port)
{
    size_t n = 0;
    FILE *f = fopen("/proc/net/tcp", "r");
    if (f == NULL)
        return 0;
    char line[512];
    if (fgets(line, sizeof line, f) != NULL) /* header */
        while (fgets(line, sizeof line, f)) {
            unsigned lp, rp, st;
            if (sscanf(line, " %*u: %*8X:%4X %*8X:%4X %2X", &lp, &rp, &st) == 3 && rp == port && st == 0x01)
                n++;
        }
    fclose(f);
    return n;
}

/* TCP connections opened in this network namespace so far (ActiveOpens of /proc/net/snmp).
 * Both ends are on this host, so the difference over a phase is the number of connections
 * the load generator opened, plus any other program's connections meanwhile. */
static long tcp_active_opens(void)
{
    FILE *f = fopen("/proc/net/snmp", "r");
    if (f == NULL)
        return -1;
    char names[1024], values[1024];
    long result = -1;
    while (fgets(names, sizeof names, f)) {
        if (strncmp(names, "Tcp:", 4) != 0)
            continue;
        if (fgets(values, sizeof values, f) == NULL)
            break;
        char *sn = NULL, *sv = NULL;
        char *n = strtok_r(names, " \n", &sn), *v = strtok_r(values, " \n", &sv);
        while (n && v) {
            if (strcmp(n, "ActiveOpens") == 0) {
                result = strtol(v, NULL, 10);
                break;
            }
            n = strtok_r(NULL, " \n", &sn);
            v = strtok_r(NULL, " \n", &sv);
        }
        break;
    }
    fclose(f);
    return result;
}

/* ---- the reference server ----------------------------------------------------------------- */

typedef struct server {
    pid_t pid;
    char url[128];
    unsigned port;
} server;

static const char *server_path = GENAPI_SERVER_BIN;
static const char *wrk_path = "wrk";

static void server_start(server *s, int parallel)
{
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe failed");
    char par[16];
    snprintf(par, sizeof par, "%d", parallel);
    pid_t pid = fork();
    if (pid < 0)
        die("fork failed");
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDERR_FILENO); /* libmicrohttpd logs every connection a client cancels */
        execl(server_path, server_path, "--host", "127.0.0.1", "--port", "0", "--parallel", par, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    s->pid = pid;
    FILE *f = fdopen(fds[0], "r");
    char line[256];
    const char *u = NULL;
    if (f && fgets(line, sizeof line, f))
        u = strstr(line, "http://");
    if (u == NULL) {
        fprintf(stderr, "bench_async: %s did not start (pass --server PATH)\n", server_path);
        kill(pid, SIGTERM);
        exit(1);
    }
    snprintf(s->url, sizeof s->url, "%s", u);
    s->url[strcspn(s->url, "\r\n")] = '\0';
    const char *colon = strrchr(s->url, ':');
    s->port = colon ? (unsigned)atoi(colon + 1) : 0;
    fclose(f);
}

static void server_stop(server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR) {
        }
        s->pid = 0;
    }
}

/* ---- the request both load generators send ------------------------------------------------ */

typedef struct chat_req {
    genapi_text_params p;
    genapi_chat_message msg;
    genapi_chat_request chat;
} chat_req;

static void chat_req_init(chat_req *k, int64_t max_tokens, int stream_long)
{
    genapi_text_params_init(&k->p, sizeof k->p);
    GENAPI_TEXT_SET(&k->p, model, "genapi-ref");
    GENAPI_TEXT_SET(&k->p, seed, 42);
    GENAPI_TEXT_SET(&k->p, max_tokens, max_tokens);
    if (stream_long)
        GENAPI_TEXT_SET(&k->p, ignore_eos, 1);
    k->msg = (genapi_chat_message){.role = "user", .content = "Say hello."};
    k->chat = (genapi_chat_request)GENAPI_CHAT_REQUEST_INIT;
    k->chat.messages = &k->msg;
    k->chat.message_count = 1;
    k->chat.params = &k->p;
}

static genapi_client *client_new(const char *url, const genapi_allocator *alloc)
{
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.allocator = alloc;
    genapi_client *c = NULL;
    genapi_error err;
    if (genapi_client_new(&cfg, &c, &err) != GENAPI_OK) {
        fprintf(stderr, "bench_async: client: %s\n", err.message);
        exit(1);
    }
    return c;
}

/* ---- (a) wrk ------------------------------------------------------------------------------ */

typedef struct phase {
    double rate;       /* requests per second */
    long requests;     /* completed within the duration */
    long errors;       /* failed requests or non-2xx answers */
    double gen_cpu;    /* CPU seconds of the load generator */
    double server_cpu; /* CPU seconds of the server */
    long conns;        /* TCP connections opened meanwhile */
} phase;

static char lua_path[64];

/* The request the client sends, as bytes: one request sent to a listening socket of this
 * process that answers 500 (no retries). `out` receives the request head and body. */
static void capture_request(const chat_req *req, char *out, size_t cap)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 1) != 0 ||
        getsockname(ls, (struct sockaddr *)&a, &alen) != 0)
        die("cannot listen on 127.0.0.1");
    fcntl(ls, F_SETFL, fcntl(ls, F_GETFL) | O_NONBLOCK);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.max_retries = -1;
    genapi_client *c = NULL;
    genapi_request *r = NULL;
    if (genapi_client_new(&cfg, &c, NULL) != GENAPI_OK || genapi_chat_start(c, &req->chat, NULL, &r, NULL) != GENAPI_OK)
        die("cannot start the request to capture");
    int cs = -1;
    size_t len = 0;
    int complete = 0;
    double until = now_s() + 10;
    while (!complete && now_s() < until) {
        genapi_poll(c, 5);
        if (cs < 0 && (cs = accept(ls, NULL, NULL)) >= 0)
            fcntl(cs, F_SETFL, fcntl(cs, F_GETFL) | O_NONBLOCK);
        ssize_t n;
        while (cs >= 0 && len + 1 < cap && (n = recv(cs, out + len, cap - 1 - len, 0)) > 0)
            len += (size_t)n;
        out[len] = '\0';
        const char *end = strstr(out, "\r\n\r\n"), *cl = strstr(out, "Content-Length:");
        complete = end && cl && (size_t)(end + 4 - out) + (size_t)strtoul(cl + 15, NULL, 10) <= len;
    }
    if (!complete)
        die("the client's request did not arrive");
    static const char answer[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    if (send(cs, answer, sizeof answer - 1, 0) < 0)
        die("send failed");
    close(cs);
    close(ls);
    genapi_request_wait(r, 10000);
    genapi_request_release(r);
    genapi_client_free(c);
}

/* A wrk script sending exactly the client's request: its method, body and headers (wrk adds
 * Host and Content-Length itself). */
static void write_lua(const char *request)
{
    snprintf(lua_path, sizeof lua_path, "/tmp/bench_async_XXXXXX");
    int fd = mkstemp(lua_path);
    if (fd < 0)
        die("mkstemp failed");
    FILE *f = fdopen(fd, "w");
    if (f == NULL)
        die("fdopen failed");
    const char *head_end = strstr(request, "\r\n\r\n");
    const char *body = head_end + 4;
    if (strstr(body, "]==]") || strncmp(request, "POST ", 5) != 0)
        die("the request cannot be written for wrk");
    fprintf(f, "wrk.method = \"POST\"\nwrk.body = [==[%s]==]\n", body);
    const char *line = strstr(request, "\r\n") + 2;
    while (line < head_end) {
        const char *eol = strstr(line, "\r\n"), *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon && strncasecmp(line, "Host:", 5) != 0 && strncasecmp(line, "Content-Length:", 15) != 0) {
            const char *v = colon + 1;
            while (*v == ' ')
                v++;
            fprintf(f, "wrk.headers[\"%.*s\"] = \"%.*s\"\n", (int)(colon - line), line, (int)(eol - v), v);
        }
        line = eol + 2;
    }
    fclose(f);
}

static phase run_wrk(const server *s, int conns, int threads, int seconds)
{
    phase ph = {0};
    char url[192], c_arg[16], t_arg[16], d_arg[16];
    snprintf(url, sizeof url, "%s/v1/chat/completions", s->url);
    snprintf(c_arg, sizeof c_arg, "-c%d", conns);
    snprintf(t_arg, sizeof t_arg, "-t%d", threads);
    snprintf(d_arg, sizeof d_arg, "-d%ds", seconds);
    long opens0 = tcp_active_opens();
    double srv0 = proc_cpu_s(s->pid), ch0 = cpu_s(RUSAGE_CHILDREN);
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe failed");
    pid_t pid = fork();
    if (pid < 0)
        die("fork failed");
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execlp(wrk_path, wrk_path, c_arg, t_arg, d_arg, "-s", lua_path, url, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char out[8192];
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], out + len, sizeof out - 1 - len)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            len += (size_t)n;
    out[len] = '\0';
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ph.gen_cpu = cpu_s(RUSAGE_CHILDREN) - ch0;
    ph.server_cpu = proc_cpu_s(s->pid) - srv0;
    const char *r = strstr(out, "Requests/sec:");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || r == NULL) {
        fprintf(stderr, "bench_async: wrk failed (pass --wrk PATH):\n%s\n", out);
        exit(1);
    }
    ph.rate = strtod(r + strlen("Requests/sec:"), NULL);
    const char *q = strstr(out, " requests in ");
    if (q) {
        const char *b = q;
        while (b > out && b[-1] != '\n' && b[-1] != ' ')
            b--;
        ph.requests = strtol(b, NULL, 10);
    }
    const char *e = strstr(out, "Non-2xx or 3xx responses:");
    if (e)
        ph.errors += strtol(e + strlen("Non-2xx or 3xx responses:"), NULL, 10);
    e = strstr(out, "Socket errors:");
    if (e)
        ph.errors++; /* any socket error is reported, the line says which */
    if (e)
        fprintf(stderr, "bench_async: wrk: %.*s\n", (int)strcspn(e, "\n"), e);
    ph.conns = tcp_active_opens() - opens0;
    return ph;
}

/* ---- (b) the pumped client ---------------------------------------------------------------- */

typedef struct pump_ctx {
    genapi_client *c;
    const chat_req *req;
    double deadline;
    long counted, ok, failed, in_flight;
    size_t content_bytes;
    genapi_error first_err;
} pump_ctx;

static void pump_done(genapi_request *r, void *user);

static void pump_start(pump_ctx *x)
{
    genapi_callbacks cb = {pump_done, NULL, NULL, x, 0, 0};
    genapi_request *r = NULL;
    genapi_error err;
    if (genapi_chat_start(x->c, &x->req->chat, &cb, &r, &err) != GENAPI_OK) {
        fprintf(stderr, "bench_async: genapi_chat_start: %s\n", err.message);
        exit(1);
    }
    x->in_flight++;
}

static void pump_done(genapi_request *r, void *user)
{
    pump_ctx *x = user;
    double t = now_s();
    genapi_chat_result *res = NULL;
    genapi_status st = genapi_request_take_chat(r, &res);
    if (st == GENAPI_OK && res && res->choice_count == 1) {
        x->ok++;
        x->content_bytes += res->choices[0].content_len;
        if (t <= x->deadline)
            x->counted++;
    } else {
        if (x->failed++ == 0)
            genapi_request_status(r, &x->first_err);
    }
    genapi_chat_result_free(res);
    genapi_request_release(r);
    x->in_flight--;
    if (t < x->deadline)
        pump_start(x);
}

static phase run_client(const server *s, const chat_req *req, int conns, int seconds)
{
    phase ph = {0};
    long opens0 = tcp_active_opens();
    double srv0 = proc_cpu_s(s->pid), cpu0 = cpu_s(RUSAGE_SELF);
    pump_ctx x;
    memset(&x, 0, sizeof x);
    x.c = client_new(s->url, NULL);
    x.req = req;
    double t0 = now_s();
    x.deadline = t0 + seconds;
    for (int i = 0; i < conns; i++)
        pump_start(&x);
    while (x.in_flight > 0)
        genapi_poll(x.c, 100);
    genapi_client_free(x.c); /* closes the connections */
    ph.gen_cpu = cpu_s(RUSAGE_SELF) - cpu0;
    ph.server_cpu = proc_cpu_s(s->pid) - srv0;
    ph.requests = x.counted;
    ph.errors = x.failed;
    ph.rate = (double)x.counted / (double)seconds;
    if (x.failed)
        fprintf(stderr, "bench_async: %ld requests failed, first: %s\n", x.failed, x.first_err.message);
    ph.conns = tcp_active_opens() - opens0;
    return ph;
}

/* ---- (c) the blocking client ---------------------------------------------------------------- */

/* genapi_chat_complete() in a loop on one thread for D seconds (one request at a time, so one
 * connection, kept across requests). Compared with wrk -c1. */
static phase run_blocking(const server *s, const chat_req *req, int seconds)
{
    phase ph = {0};
    long opens0 = tcp_active_opens();
    double srv0 = proc_cpu_s(s->pid), cpu0 = cpu_s(RUSAGE_SELF);
    genapi_client *c = client_new(s->url, NULL);
    double t0 = now_s(), deadline = t0 + seconds;
    long ok = 0, failed = 0;
    while (now_s() < deadline) {
        genapi_chat_result *res = NULL;
        genapi_error err;
        if (genapi_chat_complete(c, &req->chat, &res, &err) == GENAPI_OK && res && res->choice_count == 1) {
            if (now_s() <= deadline)
                ok++;
        } else if (failed++ == 0) {
            fprintf(stderr, "bench_async: genapi_chat_complete: %s\n", err.message);
        }
        genapi_chat_result_free(res);
    }
    genapi_client_free(c);
    ph.gen_cpu = cpu_s(RUSAGE_SELF) - cpu0;
    ph.server_cpu = proc_cpu_s(s->pid) - srv0;
    ph.requests = ok;
    ph.errors = failed;
    ph.rate = (double)ok / (double)seconds;
    ph.conns = tcp_active_opens() - opens0;
    return ph;
}

/* ---- throughput --------------------------------------------------------------------------- */

typedef struct opts {
    int rounds, seconds, conns, threads, parallel, requests, hold, max_tokens;
    int do_throughput, do_memory;
    int blocking; /* the blocking client (genapi_chat_complete) instead of the pumped one; -c1 */
} opts;

static double throughput(const opts *o, double *median_ratio)
{
    server s;
    server_start(&s, o->parallel);
    chat_req req;
    chat_req_init(&req, 2, 0);
    genapi_client *c = client_new(s.url, NULL);
    char *body = NULL;
    genapi_error err;
    if (genapi_chat_request_to_json(c, &req.chat, &body, &err) != GENAPI_OK)
        die(err.message);
    static char request[8192];
    capture_request(&req, request, sizeof request);
    if (strcmp(strstr(request, "\r\n\r\n") + 4, body) != 0)
        die("the client sent another body than genapi_chat_request_to_json() builds");
    write_lua(request);
    printf("throughput: POST %s/v1/chat/completions, genapi-server --parallel %d\n", s.url, o->parallel);
    printf("  the same request for both (but Host; wrk adds Host and Content-Length itself):\n");
    for (const char *line = request; *line;) {
        size_t n = strcspn(line, "\r\n");
        if (strncasecmp(line, "Host:", 5) != 0)
            printf("    %.*s\n", (int)n, line);
        line += n;
        line += *line == '\r' ? 1 : 0;
        line += *line == '\n' ? 1 : 0;
    }
    if (o->blocking)
        printf("  wrk -c1 -t1 -d%ds; client: one thread, genapi_chat_complete() in a loop for %d s\n\n", o->seconds,
               o->seconds);
    else
        printf("  wrk -c%d -t%d -d%ds; client: one thread, genapi_poll(), %d chat requests in flight for %d s\n\n",
               o->conns, o->threads, o->seconds, o->conns, o->seconds);
    genapi_free(genapi_client_allocator(c), body);
    genapi_client_free(c);

    /* Warm up the server (and the page cache of both programs). */
    (void)run_wrk(&s, o->conns, o->threads, 1);

    printf("  %-5s %-6s %10s %10s %7s %10s %10s %10s %10s %7s %7s\n", "round", "first", "wrk req/s", "client",
           "ratio", "wrk cpu", "client cpu", "srv cpu", "srv cpu", "wrk", "client");
    printf("  %-5s %-6s %10s %10s %7s %10s %10s %10s %10s %7s %7s\n", "", "", "", "req/s", "", "us/req", "us/req",
           "(wrk)", "(client)", "conns", "conns");
    double ratios[MAX_ROUNDS], wrk_rates[MAX_ROUNDS], cl_rates[MAX_ROUNDS];
    for (int i = 0; i < o->rounds; i++) {
        phase w, k;
        int wrk_first = i % 2 == 0;
        if (wrk_first)
            w = run_wrk(&s, o->conns, o->threads, o->seconds);
        k = o->blocking ? run_blocking(&s, &req, o->seconds) : run_client(&s, &req, o->conns, o->seconds);
        if (!wrk_first)
            w = run_wrk(&s, o->conns, o->threads, o->seconds);
        ratios[i] = w.rate > 0 ? k.rate / w.rate : 0;
        wrk_rates[i] = w.rate;
        cl_rates[i] = k.rate;
        double wr = w.requests > 0 ? (double)w.requests : 1, kr = k.requests > 0 ? (double)k.requests : 1;
        printf("  %-5d %-6s %10.0f %10.0f %7.3f %10.1f %10.1f %10.1f %10.1f %7ld %7ld%s\n", i + 1,
               wrk_first ? "wrk" : "client", w.rate, k.rate, ratios[i], w.gen_cpu / wr * 1e6, k.gen_cpu / kr * 1e6,
               w.server_cpu / wr * 1e6, k.server_cpu / kr * 1e6, w.conns, k.conns,
               w.errors || k.errors ? "  (errors)" : "");
        fflush(stdout);
    }
    double mr = median(ratios, o->rounds);
    double mw = median(wrk_rates, o->rounds), mc = median(cl_rates, o->rounds);
    printf("\n  median: wrk %.0f req/s, client %.0f req/s, ratio client/wrk %.3f (goal >= 0.9: %s)\n\n", mw, mc, mr,
           mr >= 0.9 ? "met" : "NOT met");
    printf("TABLE|%s client vs wrk -c%d, chat completions req/s|%.0f req/s|wrk %.0f req/s|%.3f|%s|%s\n",
           o->blocking ? "blocking" : "non-blocking", o->conns, mc, mw, mr, o->blocking ? "≥ 0.9" : "report",
           !o->blocking || mr >= 0.9 ? "yes" : "NO");
    unlink(lua_path);
    server_stop(&s);
    *median_ratio = mr;
    return mr;
}

/* ---- memory ------------------------------------------------------------------------------- */

/* Allocation hooks that count the bytes the library holds. */
static _Atomic long long live_bytes;

typedef union hdr {
    size_t size;
    max_align_t align;
} hdr;

static void *count_malloc(size_t n, void *user)
{
    (void)user;
    hdr *h = malloc(sizeof *h + n);
    if (h == NULL)
        return NULL;
    h->size = n;
    atomic_fetch_add(&live_bytes, (long long)n);
    return h + 1;
}

static void count_free(void *p, void *user)
{
    (void)user;
    if (p == NULL)
        return;
    hdr *h = (hdr *)p - 1;
    atomic_fetch_sub(&live_bytes, (long long)h->size);
    free(h);
}

static void *count_realloc(void *p, size_t n, void *user)
{
    if (p == NULL)
        return count_malloc(n, user);
    hdr *h = (hdr *)p - 1;
    size_t old = h->size;
    hdr *g = realloc(h, sizeof *g + n);
    if (g == NULL)
        return NULL;
    g->size = n;
    atomic_fetch_add(&live_bytes, (long long)n - (long long)old);
    return g + 1;
}

typedef struct mem_ctx {
    long streaming; /* requests that received at least one delta */
    long deltas, ok, cancelled, failed;
    genapi_error first_err;
} mem_ctx;

typedef struct mem_req {
    mem_ctx *m;
    genapi_request *r;
    int seen;
} mem_req;

static int mem_delta(const genapi_stream_delta *d, void *user)
{
    (void)d;
    mem_req *q = user;
    if (!q->seen) {
        q->seen = 1;
        q->m->streaming++;
    }
    q->m->deltas++;
    return 0;
}

static void mem_done(genapi_request *r, void *user)
{
    mem_req *q = user;
    genapi_status st = genapi_request_status(r, NULL);
    if (st == GENAPI_OK)
        q->m->ok++;
    else if (st == GENAPI_E_CANCELLED)
        q->m->cancelled++;
    else if (q->m->failed++ == 0)
        genapi_request_status(r, &q->m->first_err);
}

/* One memory configuration, in its own process; prints one line starting with "mem ". */
static int mem_child(const char *url, int max_active, int n, int hold, int max_tokens, unsigned port)
{
    raise_fd_limit((rlim_t)n + 256);
    genapi_allocator alloc = {count_malloc, count_realloc, count_free, NULL};
    genapi_client *c = client_new(url, &alloc);
    if (genapi_client_set_max_active(c, max_active) != GENAPI_OK)
        die("genapi_client_set_max_active failed");

    /* One short stream first, so libraries and the engine are initialised. */
    chat_req warm;
    chat_req_init(&warm, 4, 1);
    genapi_request *w = NULL;
    genapi_error err;
    if (genapi_chat_stream_start(c, &warm.chat, NULL, &w, &err) != GENAPI_OK)
        die(err.message);
    if (genapi_request_wait(w, 60000) != GENAPI_OK)
        die("the warm-up stream failed");
    genapi_request_release(w);

    chat_req req;
    chat_req_init(&req, max_tokens, 1);
    mem_ctx m;
    memset(&m, 0, sizeof m);
    mem_req *qs = calloc((size_t)n, sizeof *qs);
    if (qs == NULL)
        die("out of memory");
    size_t rss0 = rss_bytes();
    long long live0 = atomic_load(&live_bytes);
    long opens0 = tcp_active_opens();

    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        qs[i].m = &m;
        genapi_callbacks cb = {mem_done, mem_delta, NULL, &qs[i], 0, 0};
        if (genapi_chat_stream_start(c, &req.chat, &cb, &qs[i].r, &err) != GENAPI_OK)
            die(err.message);
    }
    double started_ms = (now_s() - t0) * 1e3;
    size_t rss_start = rss_bytes(), rss_peak = rss_start;
    long long live_peak = atomic_load(&live_bytes);
    size_t min_pending = genapi_pending(c);
    double longest_poll = 0; /* CPU seconds of the costliest genapi_poll() */
    while (now_s() < t0 + hold) {
        double cpu0 = thread_cpu_s();
        genapi_poll(c, 10);
        double spent = thread_cpu_s() - cpu0;
        if (spent > longest_poll)
            longest_poll = spent;
        size_t r = rss_bytes();
        if (r > rss_peak)
            rss_peak = r;
        long long l = atomic_load(&live_bytes);
        if (l > live_peak)
            live_peak = l;
        size_t p = genapi_pending(c);
        if (p < min_pending)
            min_pending = p;
    }
    size_t established = url ? tcp_established_to(port) : 0;
    long opened = tcp_active_opens() - opens0;
    long streaming = m.streaming;

    double c0 = now_s();
    for (int i = 0; i < n; i++)
        genapi_request_cancel(qs[i].r);
    while (genapi_pending(c) > 0)
        genapi_poll(c, 10);
    double cancel_ms = (now_s() - c0) * 1e3;
    size_t pending_after = genapi_pending(c);
    for (int i = 0; i < n; i++)
        genapi_request_release(qs[i].r);
    long long live_after = atomic_load(&live_bytes);
    size_t rss_after = rss_bytes();
    genapi_client_free(c);
    long long live_final = atomic_load(&live_bytes);
    free(qs);

    printf("mem %s %d %d %.1f %zu %zu %zu %lld %lld %lld %lld %ld %ld %zu %zu %.1f %zu %ld %ld %ld %ld %zu %.3f\n",
           url ? "http" : "inproc", max_active, n, started_ms, rss0, rss_start, rss_peak, live0, live_peak,
           live_after, live_final, streaming, m.deltas, min_pending, established, cancel_ms, pending_after,
           m.cancelled, m.ok, m.failed, url ? opened : 0L, rss_after, longest_poll * 1e3);
    if (m.failed)
        fprintf(stderr, "bench_async: %ld streams failed, first: %s\n", m.failed, m.first_err.message);
    fflush(stdout);
    return m.failed || pending_after ? 1 : 0;
}

typedef struct mem_result {
    char where[8];
    int max_active, n;
    double started_ms, cancel_ms, longest_poll_ms;
    size_t rss0, rss_start, rss_peak, min_pending, established, pending_after, rss_after;
    long long live0, live_peak, live_after, live_final;
    long streaming, deltas, cancelled, ok, failed, conns;
    int valid;
} mem_result;

static mem_result run_mem(const char *self, const char *url, unsigned port, int max_active, const opts *o)
{
    mem_result res;
    memset(&res, 0, sizeof res);
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe failed");
    char a_ma[16], a_n[16], a_h[16], a_t[16], a_port[16];
    snprintf(a_ma, sizeof a_ma, "%d", max_active);
    snprintf(a_n, sizeof a_n, "%d", o->requests);
    snprintf(a_h, sizeof a_h, "%d", o->hold);
    snprintf(a_t, sizeof a_t, "%d", o->max_tokens);
    snprintf(a_port, sizeof a_port, "%u", port);
    pid_t pid = fork();
    if (pid < 0)
        die("fork failed");
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(self, self, "--mem-child", url ? url : "-", a_ma, a_n, a_h, a_t, a_port, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "mem ", 4) != 0) {
            fputs(line, stdout);
            continue;
        }
        int k = sscanf(line + 4,
                       "%7s %d %d %lf %zu %zu %zu %lld %lld %lld %lld %ld %ld %zu %zu %lf %zu %ld %ld %ld %ld %zu %lf",
                       res.where, &res.max_active, &res.n, &res.started_ms, &res.rss0, &res.rss_start, &res.rss_peak,
                       &res.live0, &res.live_peak, &res.live_after, &res.live_final, &res.streaming, &res.deltas,
                       &res.min_pending, &res.established, &res.cancel_ms, &res.pending_after, &res.cancelled,
                       &res.ok, &res.failed, &res.conns, &res.rss_after, &res.longest_poll_ms);
        res.valid = k == 23;
    }
    if (f)
        fclose(f);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        res.valid = 0;
    return res;
}

static int memory(const char *self, const opts *o)
{
    server s;
    server_start(&s, 64);
    printf("memory: %d streamed chat requests (max_tokens %d, ignore_eos) started at once on one client, pumped "
           "%d s;\n  HTTP against genapi-server --parallel 64 (%s); resident set of the client process only\n\n",
           o->requests, o->max_tokens, o->hold, s.url);
    printf("  %-6s %6s %8s %8s %7s %8s %7s %9s %7s %8s %8s %7s %7s %8s %7s %9s  %s\n", "where", "max", "RSS base",
           "RSS peak", "growth", "lib peak", "pending", "streaming", "deltas", "TCP est.", "longest", "cancel",
           "pending", "lib", "lib end", "RSS after", "status");
    printf("  %-6s %6s %8s %8s %7s %8s %7s %9s %7s %8s %8s %7s %7s %8s %7s %9s\n", "", "active", "MiB", "MiB", "MiB",
           "MiB", "(min)", "(>=1 d.)", "", "(conns)", "poll ms", "ms", "after", "after B", "B", "MiB");
    int worst = 0;
    const int configs[4][2] = {{1, 64}, {1, o->requests}, {0, 64}, {0, o->requests}};
    for (int i = 0; i < 4; i++) {
        int http = configs[i][0], ma = configs[i][1];
        if (ma > 4096)
            ma = 4096;
        mem_result r = run_mem(self, http ? s.url : NULL, s.port, ma, o);
        if (!r.valid) {
            printf("  %-7s %6d  failed\n", http ? "http" : "inproc", ma);
            worst = 1;
            continue;
        }
        double growth = (double)r.rss_peak - (double)r.rss0;
        int in_flight = r.min_pending == (size_t)r.n && r.failed == 0;
        int freed = r.pending_after == 0 && r.live_final == 0;
        int small = growth <= 64.0 * 1024 * 1024;
        if (!freed || r.failed)
            worst = 1;
        printf("  %-6s %6d %8.1f %8.1f %7.1f %8.1f %7zu %9ld %7ld %8zu %8.2f %7.0f %7zu %8lld %7lld %9.1f  %s%s%s\n",
               r.where, r.max_active, mib((double)r.rss0), mib((double)r.rss_peak), mib(growth),
               mib((double)(r.live_peak - r.live0)), r.min_pending, r.streaming, r.deltas, r.established,
               r.longest_poll_ms, r.cancel_ms, r.pending_after, r.live_after - r.live0, r.live_final,
               mib((double)r.rss_after),
               small ? "<=64MiB" : ">64MiB", freed ? " freed" : " NOT-FREED", in_flight ? "" : " NOT-ALL-IN-FLIGHT");
        fflush(stdout);
    }
    printf("\n  growth = RSS peak - RSS base (goal <= 64 MiB); lib peak = bytes held through the client's allocator\n"
           "  at the peak minus the baseline; longest poll = CPU time of the costliest genapi_poll() while all are in\n"
           "  flight; lib after = bytes held once all are cancelled and released, minus the baseline (what is left is\n"
           "  the capacity the client's tables grew to); lib end = bytes still held after genapi_client_free()\n\n");
    server_stop(&s);
    return worst;
}

/* ---- main --------------------------------------------------------------------------------- */

static int int_arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        die("an option needs a value");
    return atoi(argv[++*i]);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc == 8 && strcmp(argv[1], "--mem-child") == 0)
        return mem_child(strcmp(argv[2], "-") == 0 ? NULL : argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]),
                         atoi(argv[6]), (unsigned)atoi(argv[7]));
    opts o = {5, 5, 64, 2, 2, 1000, 3, 4000, 1, 1, 0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rounds") == 0)
            o.rounds = int_arg(argc, argv, &i);
        else if (strcmp(argv[i], "--seconds") == 0)
            o.seconds = int_arg(argc, argv, &i);
        else if (strcmp(argv[i], "--connections") == 0)
            o.conns = int_arg(argc, argv, &i);
        else if (strcmp(argv[i], "--threads") == 0)
            o.threads = int_arg(argc, argv, &i);
        else if (strcmp(argv[i], "--parallel") == 0)
            o.parallel = int_arg(argc, argv, &i);
        else if (strcmp(argv[i], "--requests") == 0)
            o.requests = int_arg(argc, argv, &i);
        else if (strcmp(argv[i], "--hold") == 0)
            o.hold = int_arg(argc, argv, &i);
        else if (strcmp(argv[i], "--max-tokens") == 0)
            o.max_tokens = int_arg(argc, argv, &i);
        else if (strcmp(argv[i], "--blocking") == 0)
            o.blocking = 1;
        else if (strcmp(argv[i], "--server") == 0 && i + 1 < argc)
            server_path = argv[++i];
        else if (strcmp(argv[i], "--wrk") == 0 && i + 1 < argc)
            wrk_path = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            i++;
            o.do_throughput = strcmp(argv[i], "throughput") == 0;
            o.do_memory = strcmp(argv[i], "memory") == 0;
        } else {
            fprintf(stderr, "usage: bench_async [--rounds R] [--seconds D] [--connections C] [--threads T] "
                            "[--parallel P]\n  [--requests N] [--hold H] [--max-tokens M] [--server PATH] "
                            "[--wrk PATH] [--only throughput|memory] [--blocking]\n");
            return 2;
        }
    }
    if (o.rounds < 1 || o.rounds > MAX_ROUNDS || o.seconds < 1 || o.conns < 1 || o.conns > 4096 || o.threads < 1 ||
        o.parallel < 1 || o.parallel > 64 || o.requests < 1 || o.hold < 1 || o.max_tokens < 1)
        die("an option is out of range");
    if (o.blocking) { /* one request at a time against one wrk connection */
        o.conns = 1;
        o.threads = 1;
    }
    raise_fd_limit(4096);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        die("cannot find this program (/proc/self/exe)");
    self[n] = '\0';
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("bench_async: %ld online CPUs, libgenapi %s\n\n", cores, genapi_version());
    int rc = 0;
    double mr = 0;
    if (o.do_throughput)
        throughput(&o, &mr);
    if (o.do_memory)
        rc |= memory(self, &o);
    return rc;
}
