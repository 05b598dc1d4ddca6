#include "fake_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct fake_http {
    int fd;
    pthread_t thread;
    const fh_response *script;
    size_t n;
    pthread_mutex_t lock;
    int requests;
    int stop;
};

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
            const fh_response *r = &f->script[i];
            char head[1024];
            int n = snprintf(head, sizeof head,
                             "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                             "Connection: close\r\n%s\r\n",
                             r->status, strlen(r->body), r->headers ? r->headers : "");
            pthread_mutex_lock(&f->lock);
            f->requests++;
            pthread_mutex_unlock(&f->lock);
            if (send(c, head, (size_t)n, MSG_NOSIGNAL) < 0 || send(c, r->body, strlen(r->body), MSG_NOSIGNAL) < 0) {
                /* the client went away; nothing to do */
            }
        }
        close(c);
    }
}

fake_http *fh_start(const fh_response *script, size_t n, char *url, size_t url_cap)
{
    fake_http *f = calloc(1, sizeof *f);
    if (f == NULL || n == 0)
        return free(f), NULL;
    f->script = script;
    f->n = n;
    pthread_mutex_init(&f->lock, NULL);
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(f->fd, 16) != 0 ||
        getsockname(f->fd, (struct sockaddr *)&a, &len) != 0 || pthread_create(&f->thread, NULL, serve, f) != 0) {
        if (f->fd >= 0)
            close(f->fd);
        free(f);
        return NULL;
    }
    snprintf(url, url_cap, "http://127.0.0.1:%d", ntohs(a.sin_port));
    return f;
}

int fh_requests(fake_http *f)
{
    pthread_mutex_lock(&f->lock);
    int n = f->requests;
    pthread_mutex_unlock(&f->lock);
    return n;
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
    pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
