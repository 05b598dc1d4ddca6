#include "fake_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FH_MAX_TIMES 64

struct fake_http {
    int fd;
    pthread_t thread;
    fh_step *script; /* owned copy */
    size_t n;
    pthread_mutex_t lock;
    int requests;
    double times[FH_MAX_TIMES];
    int stop;
    int thread_started;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int stopping(fake_http *f)
{
    pthread_mutex_lock(&f->lock);
    int s = f->stop;
    pthread_mutex_unlock(&f->lock);
    return s;
}

/* Read one request (headers, then Content-Length bytes of body). */
static int read_request(int c)
{
    char buf[65536];
    size_t len = 0;
    long body = -1;
    for (;;) {
        ssize_t got = recv(c, buf + len, sizeof buf - 1 - len, 0);
        if (got <= 0)
            return -1;
        len += (size_t)got;
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end == NULL)
            continue;
        if (body < 0) {
            const char *cl = strstr(buf, "Content-Length:");
            if (cl == NULL)
                cl = strstr(buf, "content-length:");
            body = cl ? atol(cl + 15) : 0;
        }
        if (len >= (size_t)(end + 4 - buf) + (size_t)body)
            return 0;
        if (len >= sizeof buf - 1)
            return -1;
    }
}

static int send_all(int c, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(c, p, n, MSG_NOSIGNAL);
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Wait up to ms for the client to leave (or the server to stop); 1 when it left or we stop. */
static int client_left(fake_http *f, int c, int ms)
{
    struct pollfd p = {c, POLLIN, 0};
    if (stopping(f))
        return 1;
    if (poll(&p, 1, ms) > 0) {
        char b[256];
        ssize_t k = recv(c, b, sizeof b, MSG_DONTWAIT);
        if (k <= 0)
            return 1;
    }
    return stopping(f);
}

static void send_head(int c, const fh_step *r, const char *framing)
{
    char head[1024];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: %s\r\n%sConnection: close\r\n%s\r\n", r->answer.status,
                     r->content_type ? r->content_type : "application/json", framing,
                     r->answer.headers ? r->answer.headers : "");
    send_all(c, head, (size_t)n);
}

static void answer(fake_http *f, int c, const fh_step *r)
{
    size_t blen = r->body_len ? r->body_len : r->answer.body ? strlen(r->answer.body) : 0;
    const char *body = r->answer.body ? r->answer.body : "";
    char framing[64];
    snprintf(framing, sizeof framing, "Content-Length: %zu\r\n", blen);
    switch (r->fault) {
    case FH_NORMAL:
        send_head(c, r, framing);
        send_all(c, body, blen);
        break;
    case FH_CLOSE:
        break;
    case FH_RESET_MID: {
        send_head(c, r, framing);
        send_all(c, body, blen / 2);
        struct linger lg = {1, 0}; /* close with a reset, not a FIN */
        setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        break;
    }
    case FH_RAW:
        send_all(c, body, blen);
        break;
    case FH_CHUNKED_CUT: {
        send_head(c, r, "Transfer-Encoding: chunked\r\n");
        char size[32];
        int n = snprintf(size, sizeof size, "%zx\r\n", blen);
        send_all(c, size, (size_t)n);
        send_all(c, body, blen);
        send_all(c, "\r\n", 2); /* ... and no terminating 0-size chunk */
        break;
    }
    case FH_TRICKLE:
        send_head(c, r, framing);
        for (size_t i = 0; i < blen; i++)
            if (send_all(c, body + i, 1) != 0 || client_left(f, c, (int)r->param))
                break;
        break;
    case FH_STALL: {
        send_head(c, r, framing);
        send_all(c, body, (size_t)r->param < blen ? (size_t)r->param : blen);
        for (int waited = 0; waited < 60000 && !client_left(f, c, 50); waited += 50) {
        }
        break;
    }
    case FH_ENDLESS: {
        char size[32];
        int n = snprintf(size, sizeof size, "%zx\r\n", blen);
        if (r->param == 1) { /* a Content-Length it never reaches, instead of chunks */
            send_head(c, r, "Content-Length: 999999999999\r\n");
            while (!stopping(f))
                if (send_all(c, body, blen) != 0)
                    break;
            break;
        }
        send_head(c, r, "Transfer-Encoding: chunked\r\n");
        while (!stopping(f))
            if (send_all(c, size, (size_t)n) != 0 || send_all(c, body, blen) != 0 || send_all(c, "\r\n", 2) != 0)
                break;
        break;
    }
    case FH_HUGE_HEADER: {
        char head[256];
        int n = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n%sX-Huge: ", r->answer.status,
                         framing);
        if (send_all(c, head, (size_t)n) != 0)
            break;
        char fill[4096];
        memset(fill, 'a', sizeof fill);
        for (long left = r->param; left > 0; left -= (long)sizeof fill)
            if (send_all(c, fill, left < (long)sizeof fill ? (size_t)left : sizeof fill) != 0)
                break;
        if (send_all(c, "\r\n\r\n", 4) == 0)
            send_all(c, body, blen);
        break;
    }
    }
}

static void *serve(void *arg)
{
    fake_http *f = arg;
    for (;;) {
        int c = accept(f->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        pthread_mutex_lock(&f->lock);
        int stop = f->stop;
        size_t i = (size_t)f->requests < f->n ? (size_t)f->requests : f->n - 1;
        pthread_mutex_unlock(&f->lock);
        if (stop) {
            close(c);
            return NULL;
        }
        if (read_request(c) == 0) {
            pthread_mutex_lock(&f->lock);
            if (f->requests < FH_MAX_TIMES)
                f->times[f->requests] = now_s();
            f->requests++;
            pthread_mutex_unlock(&f->lock);
            answer(f, c, &f->script[i]);
        }
        close(c);
    }
}

fake_http *fh_bind(const fh_step *script, size_t n, char *url, size_t url_cap)
{
    fake_http *f = calloc(1, sizeof *f);
    if (f == NULL || n == 0 || (f->script = malloc(n * sizeof *script)) == NULL) {
        free(f);
        return NULL;
    }
    memcpy(f->script, script, n * sizeof *script);
    f->n = n;
    pthread_mutex_init(&f->lock, NULL);
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(f->fd, (struct sockaddr *)&a, &len) != 0) {
        if (f->fd >= 0)
            close(f->fd);
        pthread_mutex_destroy(&f->lock);
        free(f->script);
        free(f);
        return NULL;
    }
    snprintf(url, url_cap, "http://127.0.0.1:%d", ntohs(a.sin_port));
    return f;
}

int fh_listen(fake_http *f)
{
    if (listen(f->fd, 16) != 0 || pthread_create(&f->thread, NULL, serve, f) != 0)
        return -1;
    f->thread_started = 1;
    return 0;
}

fake_http *fh_start_steps(const fh_step *script, size_t n, char *url, size_t url_cap)
{
    fake_http *f = fh_bind(script, n, url, url_cap);
    if (f != NULL && fh_listen(f) != 0) {
        fh_stop(f);
        return NULL;
    }
    return f;
}

fake_http *fh_start(const fh_response *script, size_t n, char *url, size_t url_cap)
{
    if (n == 0)
        return NULL;
    fh_step *steps = calloc(n, sizeof *steps);
    if (steps == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        steps[i].answer = script[i];
    fake_http *f = fh_start_steps(steps, n, url, url_cap);
    free(steps);
    return f;
}

int fh_requests(fake_http *f)
{
    pthread_mutex_lock(&f->lock);
    int n = f->requests;
    pthread_mutex_unlock(&f->lock);
    return n;
}

double fh_request_time(fake_http *f, int i)
{
    pthread_mutex_lock(&f->lock);
    double t = i >= 0 && i < f->requests && i < FH_MAX_TIMES ? f->times[i] : -1;
    pthread_mutex_unlock(&f->lock);
    return t;
}

void fh_stop(fake_http *f)
{
    if (f == NULL)
        return;
    pthread_mutex_lock(&f->lock);
    f->stop = 1;
    pthread_mutex_unlock(&f->lock);
    shutdown(f->fd, SHUT_RDWR);
    close(f->fd);
    if (f->thread_started)
        pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->lock);
    free(f->script);
    free(f);
}
