/* HTTP transport over libcurl's multi interface: every transfer of a client shares one multi
 * handle, so connections, TLS sessions and the DNS cache are reused across requests. The
 * multi is driven with curl_multi_socket_action: libcurl reports the sockets it wants watched
 * (socket callback) and one timer (timer callback); pump() polls those sockets without waiting
 * and hands readiness to libcurl. The same table is what a foreign event loop waits on.
 *
 * One pump() is bounded by its deadline: libcurl keeps running a transfer whose reads fill
 * its buffer (and every other one due meanwhile) inside a single curl_multi_socket_action, so
 * a transfer that receives data after the deadline is paused before its bytes are handed
 * over ("held") and resumed at the start of the next pump(). */
#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <sodium.h>

#include "transport/transport.h"
#include "util/buf.h"
#include "util/err.h"

typedef struct hx hx;

/* Easy handles kept after their transfer for the next ones (curl_easy_reset keeps its
 * allocations); beyond this many finished at once, the rest are freed. */
#define GT_IDLE_EASY 8

typedef struct sock {
    curl_socket_t fd;
    int what; /* CURL_POLL_IN / OUT / INOUT */
} sock;

typedef struct http {
    gt_transport base;
    ga_alloc alloc;
    gt_http_config cfg;
    CURLM *multi;
    sock *socks;
    size_t n_socks, cap_socks;
    int64_t timer_ns; /* when libcurl wants CURL_SOCKET_TIMEOUT, -1 for never */
    int64_t deadline_ns; /* while pump() runs: data arriving after it is held; else -1 */
    hx *held;            /* transfers paused at a deadline, oldest first */
    hx *held_tail;
    hx *resuming;        /* the held transfer resumed whatever the deadline */
    CURL *idle[GT_IDLE_EASY]; /* easy handles of finished transfers, kept for the next ones */
    size_t n_idle;
    struct curl_slist *head_lists[4]; /* request headers by [stream][has body], built once */
} http;

struct hx {
    gt_xfer *x;
    http *h;
    CURL *easy;
    ga_buf body;
    ga_buf url;
    char errbuf[CURL_ERROR_SIZE];
    size_t received; /* body bytes after content decoding */
    int too_large;
    int in_head; /* a response head has begun and its blank line has not come yet */
    int paused; /* by the receiver (GT_DATA_PAUSE) */
    int held;   /* by a pump's deadline */
    hx *held_next, *held_prev;
};

int64_t gt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void gt_url_for_display(const char *url, char *out, size_t cap)
{
    if (cap == 0)
        return;
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    size_t auth = strcspn(host, "/?#");
    const char *at = memchr(host, '@', auth);
    const char *rest = at ? at + 1 : host;
    snprintf(out, cap, "%.*s%s", (int)(host - url), url, rest);
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *user, void *socketp)
{
    (void)easy;
    (void)socketp;
    http *h = user;
    for (size_t i = 0; i < h->n_socks; i++)
        if (h->socks[i].fd == fd) {
            if (what == CURL_POLL_REMOVE)
                h->socks[i] = h->socks[--h->n_socks];
            else
                h->socks[i].what = what;
            return 0;
        }
    if (what == CURL_POLL_REMOVE)
        return 0;
    if (h->n_socks == h->cap_socks) {
        size_t cap = h->cap_socks ? h->cap_socks * 2 : 16;
        sock *s = ga_realloc(&h->alloc, h->socks, cap * sizeof *s);
        if (s == NULL)
            return -1;
        h->socks = s;
        h->cap_socks = cap;
    }
    h->socks[h->n_socks].fd = fd;
    h->socks[h->n_socks].what = what;
    h->n_socks++;
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *user)
{
    (void)multi;
    http *h = user;
    h->timer_ns = timeout_ms < 0 ? -1 : gt_now_ns() + (int64_t)timeout_ms * 1000000;
    return 0;
}

static void hold(hx *t)
{
    http *h = t->h;
    t->held = 1;
    t->held_next = NULL;
    t->held_prev = h->held_tail;
    if (h->held_tail)
        h->held_tail->held_next = t;
    else
        h->held = t;
    h->held_tail = t;
}

static void unhold(hx *t)
{
    http *h = t->h;
    if (!t->held)
        return;
    if (t->held_prev)
        t->held_prev->held_next = t->held_next;
    else
        h->held = t->held_next;
    if (t->held_next)
        t->held_next->held_prev = t->held_prev;
    else
        h->held_tail = t->held_prev;
    t->held = 0;
    t->held_next = t->held_prev = NULL;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    hx *t = user;
    gt_xfer *x = t->x;
    size_t n = size * nmemb;
    if (!t->held && t != t->h->resuming && t->h->deadline_ns >= 0 && gt_now_ns() >= t->h->deadline_ns) {
        hold(t); /* libcurl keeps these bytes and hands them over again after the resume */
        return CURL_WRITEFUNC_PAUSE;
    }
    if (t->received + n > t->h->cfg.max_response) { /* streamed or not, decoded size */
        t->too_large = 1;
        return 0;
    }
    t->received += n;
    if (x->stream) {
        long code = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
        if (code >= 200 && code < 300) {
            x->resp.delivered = 1;
            int rc = x->on_data(x, data, n);
            if (rc == GT_DATA_STOP) {
                x->resp.stopped = 1;
                return 0;
            }
            if (rc == GT_DATA_PAUSE && !t->paused) {
                t->paused = 1;
                curl_easy_pause(t->easy, CURLPAUSE_RECV);
            }
            return n;
        }
    }
    return ga_buf_append(&t->body, data, n) == 0 ? n : 0;
}

/* Copy the value of header `name` (lower case, nl bytes) if `line` is that header. */
static void header_value(const char *line, size_t n, const char *name, size_t nl, char *dst, size_t cap)
{
    if (n <= nl || line[nl] != ':' || (line[0] | 0x20) != name[0] || strncasecmp(line, name, nl) != 0)
        return;
    const char *v = line + nl + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    ga_copy_field(dst, cap, v, (size_t)(end - v));
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *user)
{
    hx *t = user;
    gt_response *r = &t->x->resp;
    size_t n = size * nmemb;
    t->in_head = !(n <= 2 && (line[0] == '\r' || line[0] == '\n'));
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) { /* a new response (redirect, 100-continue) */
        r->retry_after[0] = '\0';
        r->request_id[0] = '\0';
        r->location[0] = '\0';
    }
#define HEADER_VALUE(name, dst) header_value(line, n, name, sizeof name - 1, dst, sizeof dst)
    HEADER_VALUE("retry-after", r->retry_after);
    HEADER_VALUE("x-request-id", r->request_id);
    HEADER_VALUE("location", r->location);
#undef HEADER_VALUE
    return n;
}

static genapi_status map_curl_error(CURLcode rc, const char *errbuf, const char *full_url, genapi_error *err)
{
    char url[512];
    gt_url_for_display(full_url, url, sizeof url);
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return ga_err(err, GENAPI_E_TIMEOUT, NULL, "request to %s timed out: %s", url, detail);
    case CURLE_OUT_OF_MEMORY:
        return ga_err(err, GENAPI_E_NOMEM, NULL, "libcurl ran out of memory");
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return ga_err(err, GENAPI_E_CONNECT, NULL, "cannot reach %s: %s", url, detail);
    case CURLE_UNSUPPORTED_PROTOCOL: /* protocols are limited to http(s): this is a reply without an HTTP head */
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
        /* Not retried: the server answered, but not in HTTP. */
        return ga_err(err, GENAPI_E_PARSE, NULL, "the reply from %s is not a valid HTTP response: %s", url, detail);
    default:
        return ga_err(err, GENAPI_E_CONNECT, NULL, "request to %s failed: %s", url, detail);
    }
}

/* Zero header strings (they may hold the key) before libcurl frees them. */
static void free_headers(struct curl_slist *hd)
{
    for (struct curl_slist *p = hd; p; p = p->next)
        sodium_memzero(p->data, strlen(p->data));
    curl_slist_free_all(hd);
}

/* The request headers for a transfer: Accept by kind, Content-Type with a body, the key. Built
 * at the first transfer of each kind and kept until the transport goes. */
static struct curl_slist *request_headers(http *h, int stream, int has_body)
{
    struct curl_slist **slot = &h->head_lists[(stream ? 2 : 0) + (has_body ? 1 : 0)];
    if (*slot)
        return *slot;
    struct curl_slist *l = curl_slist_append(NULL, stream ? "Accept: text/event-stream, application/json"
                                                         : "Accept: application/json");
    if (l && has_body) {
        struct curl_slist *n = curl_slist_append(l, "Content-Type: application/json");
        l = n ? n : (free_headers(l), NULL);
    }
    if (l && h->cfg.api_key) {
        size_t len = strlen(h->cfg.api_key) + sizeof "Authorization: Bearer ";
        char *line = sodium_malloc(len);
        struct curl_slist *n = NULL;
        if (line) {
            snprintf(line, len, "Authorization: Bearer %s", h->cfg.api_key);
            n = curl_slist_append(l, line);
            sodium_free(line);
        }
        l = n ? n : (free_headers(l), NULL);
    }
    *slot = l;
    return l;
}

static void hx_free(hx *t)
{
    if (t == NULL)
        return;
    http *h = t->h;
    unhold(t);
    if (t->easy) {
        curl_multi_remove_handle(h->multi, t->easy);
        if (h->n_idle < GT_IDLE_EASY) {
            curl_easy_reset(t->easy); /* every option back to its default; connections stay in the multi */
            h->idle[h->n_idle++] = t->easy;
        } else {
            curl_easy_cleanup(t->easy);
        }
    }
    ga_buf_free(&t->body);
    ga_buf_free(&t->url);
    t->x->priv = NULL;
    ga_free(&h->alloc, t);
}

static genapi_status http_begin(gt_transport *tr, gt_xfer *x, genapi_error *err)
{
    http *h = (http *)tr;
    memset(&x->resp, 0, sizeof x->resp);
    hx *t = ga_calloc(&h->alloc, 1, sizeof *t);
    if (t == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    t->x = x;
    t->h = h;
    ga_buf_init(&t->body, &h->alloc);
    ga_buf_init(&t->url, &h->alloc);
    ga_buf_puts(&t->url, h->cfg.base_url);
    ga_buf_puts(&t->url, x->path);
    x->priv = t;
    t->easy = h->n_idle ? h->idle[--h->n_idle] : curl_easy_init();
    struct curl_slist *headers = request_headers(h, x->stream, x->body != NULL);
    if (t->url.failed || t->easy == NULL || headers == NULL) {
        int internal = t->easy == NULL;
        hx_free(t);
        return ga_err(err, internal ? GENAPI_E_INTERNAL : GENAPI_E_NOMEM, NULL, "could not set up the transfer");
    }
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, t->url.data);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, h->cfg.user_agent);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->cfg.connect_timeout_ms);
    long timeout = h->cfg.timeout_ms;
    if (x->timeout_ms > 0 && (timeout <= 0 || x->timeout_ms < timeout))
        timeout = (long)x->timeout_ms;
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
    if (h->cfg.idle_timeout_s > 0) {
        /* Less than one byte a second for idle_timeout_s seconds: the server went silent. */
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, h->cfg.idle_timeout_s);
    }
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    if (strcmp(x->method, "POST") == 0) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body ? x->body : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len);
    } else if (strcmp(x->method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
    }
    if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
        hx_free(t);
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "curl_multi_add_handle failed");
    }
    return GENAPI_OK;
}

static void http_cancel(gt_transport *tr, gt_xfer *x)
{
    (void)tr;
    hx *t = x->priv;
    if (t == NULL)
        return;
    /* An unfinished response cannot be reused anyway; say so, so the connection is closed and
     * the server sees the client leave. */
    curl_easy_setopt(t->easy, CURLOPT_FORBID_REUSE, 1L);
    hx_free(t);
}

static void complete(http *h, hx *t, CURLcode rc);

static void http_resume(gt_transport *tr, gt_xfer *x)
{
    (void)tr;
    hx *t = x->priv;
    if (t && t->paused) {
        t->paused = 0;
        CURLcode rc = curl_easy_pause(t->easy, CURLPAUSE_CONT);
        if (rc != CURLE_OK) /* refused while handing over the held bytes (see resume_held) */
            complete(t->h, t, rc);
    }
}

/* A finished transfer: fill the response, free the handle, tell the owner. */
static void complete(http *h, hx *t, CURLcode rc)
{
    gt_xfer *x = t->x;
    genapi_error err;
    genapi_error_clear(&err);
    genapi_status st = GENAPI_OK;
    long code = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK && x->resp.stopped) {
        x->resp.status = (int)code; /* the receiver stopped the stream; it reports why */
    } else if (t->too_large) {
        /* also when libcurl reports success: a refusal on the last decoded piece may not reach it */
        char shown[512];
        gt_url_for_display(t->url.data, shown, sizeof shown);
        st = ga_err(&err, GENAPI_E_PARSE, NULL, "the response from %s is larger than %zu bytes (max_response_bytes)",
                    shown, h->cfg.max_response);
    } else if (rc == CURLE_OUT_OF_MEMORY && t->in_head) {
        /* libcurl 7.x refuses a header line over CURL_MAX_HTTP_HEADER (100 KiB) as "out of
         * memory"; in the middle of a response head that is what it is. */
        char shown[512];
        gt_url_for_display(t->url.data, shown, sizeof shown);
        st = ga_err(&err, GENAPI_E_PARSE, NULL, "the response head from %s has a header line larger than libcurl accepts",
                    shown);
    } else if (rc != CURLE_OK) {
        st = map_curl_error(rc, t->errbuf, t->url.data, &err);
    } else if (t->body.failed) {
        st = ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory while reading the response");
    } else {
        char *ct = NULL;
        curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ct);
        x->resp.status = (int)code;
        if (ct)
            ga_copy_field(x->resp.content_type, sizeof x->resp.content_type, ct, strlen(ct));
        x->resp.body = ga_buf_take(&t->body, &x->resp.body_len);
        if (x->resp.body == NULL)
            st = ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    (void)h;
    hx_free(t);
    x->on_done(x, st, &err);
}

static void drain_done(http *h)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        hx *t = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        CURLcode rc = m->data.result;
        if (t)
            complete(h, t, rc); /* may start new transfers: the message is read before */
    }
}

/* Resume the transfers held by earlier pumps, oldest first: the oldest in any case (so every
 * pump moves something), the others while the deadline allows. libcurl hands each one's held
 * bytes over at once; one the deadline reaches again is held again, at the back. */
static void resume_held(http *h)
{
    hx *last = h->held_tail;
    for (int first = 1; h->held && (first || gt_now_ns() < h->deadline_ns); first = 0) {
        hx *t = h->held;
        int was_last = t == last;
        unhold(t);
        if (!t->paused) {
            h->resuming = first ? t : NULL;
            CURLcode rc = curl_easy_pause(t->easy, CURLPAUSE_CONT);
            h->resuming = NULL;
            /* The held bytes are handed over inside curl_easy_pause: a refusal there (the size
             * cap, a stopped stream) is its return value, not the transfer's, so end it here. */
            if (rc != CURLE_OK)
                complete(h, t, rc);
        }
        if (was_last)
            break;
    }
}

/* Hand one descriptor's readiness to libcurl. */
static void act_on(http *h, int fd, short revents, int *running)
{
    int mask = ((revents & (POLLIN | POLLHUP)) ? CURL_CSELECT_IN : 0) | ((revents & POLLOUT) ? CURL_CSELECT_OUT : 0) |
               ((revents & (POLLERR | POLLNVAL)) ? CURL_CSELECT_ERR : 0);
    curl_multi_socket_action(h->multi, fd, mask, running);
}

/* Whether libcurl waits to write on some socket (a connect in progress, a send that blocked). */
static int wants_out(const http *h)
{
    for (size_t i = 0; i < h->n_socks; i++)
        if (h->socks[i].what & CURL_POLL_OUT)
            return 1;
    return 0;
}

static void http_pump(gt_transport *tr, int64_t deadline_ns, const struct pollfd *seen, size_t n_seen)
{
    http *h = (http *)tr;
    int running = 0;
    h->deadline_ns = deadline_ns;
    resume_held(h);
    for (int round = 0; round < 64; round++) {
        int acted = 0;
        size_t n = h->n_socks;
        if (round == 0 && seen != NULL) {
            /* The caller's wait has just polled these: act on what it found. */
            for (size_t i = 0; i < n_seen; i++)
                if (seen[i].revents != 0) {
                    act_on(h, seen[i].fd, seen[i].revents, &running);
                    acted = 1;
                }
        } else if (n) {
            struct pollfd stack[64];
            struct pollfd *p = n <= 64 ? stack : ga_malloc(&h->alloc, n * sizeof *p);
            if (p == NULL)
                break;
            for (size_t i = 0; i < n; i++) {
                p[i].fd = h->socks[i].fd;
                p[i].events = (short)(((h->socks[i].what & CURL_POLL_IN) ? POLLIN : 0) |
                                      ((h->socks[i].what & CURL_POLL_OUT) ? POLLOUT : 0));
                p[i].revents = 0;
            }
            if (poll(p, (nfds_t)n, 0) > 0) {
                for (size_t i = 0; i < n; i++) {
                    if (p[i].revents == 0)
                        continue;
                    act_on(h, p[i].fd, p[i].revents, &running);
                    acted = 1;
                }
            }
            if (p != stack)
                ga_free(&h->alloc, p);
        }
        if (h->timer_ns >= 0 && gt_now_ns() >= h->timer_ns) {
            h->timer_ns = -1;
            curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
            /* A timer that started a transfer on a kept connection has sent its request: the
             * answer cannot be there yet, so polling again is a wasted system call. One that
             * began a connect looks once more, so a fast connect sends within this pump. */
            acted = acted || wants_out(h);
        }
        drain_done(h);
        if (!acted || gt_now_ns() >= deadline_ns)
            break;
    }
    h->deadline_ns = -1;
}

static int64_t http_timeout_ms(gt_transport *tr)
{
    http *h = (http *)tr;
    if (h->held)
        return 0; /* held transfers resume at the next pump */
    if (h->timer_ns < 0)
        return -1;
    int64_t left = h->timer_ns - gt_now_ns();
    return left <= 0 ? 0 : (left + 999999) / 1000000;
}

static size_t http_fds(gt_transport *tr, genapi_pollfd *out, size_t cap)
{
    http *h = (http *)tr;
    for (size_t i = 0; i < h->n_socks && i < cap; i++) {
        out[i].fd = (int)h->socks[i].fd;
        out[i].events = ((h->socks[i].what & CURL_POLL_IN) ? GENAPI_POLL_IN : 0) |
                        ((h->socks[i].what & CURL_POLL_OUT) ? GENAPI_POLL_OUT : 0);
    }
    return h->n_socks;
}

static void http_destroy(gt_transport *tr)
{
    http *h = (http *)tr;
    if (h->multi)
        curl_multi_cleanup(h->multi);
    for (size_t i = 0; i < h->n_idle; i++)
        curl_easy_cleanup(h->idle[i]);
    for (size_t i = 0; i < 4; i++)
        free_headers(h->head_lists[i]);
    ga_alloc a = h->alloc;
    ga_free(&a, h->socks);
    ga_free(&a, h);
}

gt_transport *gt_http_new(const ga_alloc *a, const gt_http_config *cfg)
{
    http *h = ga_calloc(a, 1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->base.begin = http_begin;
    h->base.cancel = http_cancel;
    h->base.resume = http_resume;
    h->base.pump = http_pump;
    h->base.timeout_ms = http_timeout_ms;
    h->base.fds = http_fds;
    h->base.destroy = http_destroy;
    h->alloc = *a;
    h->cfg = *cfg;
    h->timer_ns = -1;
    h->deadline_ns = -1;
    h->multi = curl_multi_init();
    if (h->multi == NULL) {
        ga_free(a, h);
        return NULL;
    }
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    /* Idle connections kept for reuse. */
    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, 64L);
    return &h->base;
}

void gt_response_free(const ga_alloc *a, gt_response *r)
{
    if (r) {
        ga_free(a, r->body);
        r->body = NULL;
    }
}
