/* HTTP transport over libcurl's easy interface (blocking). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <sodium.h>

#include "transport/transport.h"
#include "util/buf.h"
#include "util/err.h"

typedef struct http {
    gt_transport base;
    ga_alloc alloc;
    gt_http_config cfg;
} http;

typedef struct collect {
    ga_buf body;
    gt_response *resp;
    int too_large;
    CURL *curl;
    const gt_request *req;
} collect;

/* Larger responses are refused rather than buffered without bound. */
#define GT_MAX_RESPONSE (512u * 1024u * 1024u)

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    collect *c = user;
    size_t n = size * nmemb;
    if (c->req->on_data) {
        long code = 0;
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
        if (code >= 200 && code < 300) {
            c->resp->delivered = 1;
            if (c->req->on_data(data, n, c->req->user) != 0) {
                c->resp->stopped = 1;
                return 0;
            }
            return n;
        }
    }
    if (c->body.len + n > GT_MAX_RESPONSE) {
        c->too_large = 1;
        return 0;
    }
    return ga_buf_append(&c->body, data, n) == 0 ? n : 0;
}

/* Copy the value of header `name` if `line` is that header. */
static void header_value(const char *line, size_t n, const char *name, char *dst, size_t cap)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
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
    collect *c = user;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) { /* a new response (redirect, 100-continue) */
        c->resp->retry_after[0] = '\0';
        c->resp->request_id[0] = '\0';
    }
    header_value(line, n, "retry-after", c->resp->retry_after, sizeof c->resp->retry_after);
    header_value(line, n, "x-request-id", c->resp->request_id, sizeof c->resp->request_id);
    return n;
}

static genapi_status map_curl_error(CURLcode rc, const char *errbuf, const char *url, genapi_error *err)
{
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return ga_err(err, GENAPI_E_TIMEOUT, NULL, "request to %s timed out: %s", url, detail);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return ga_err(err, GENAPI_E_CONNECT, NULL, "cannot reach %s: %s", url, detail);
    case CURLE_OUT_OF_MEMORY:
        return ga_err(err, GENAPI_E_NOMEM, NULL, "libcurl ran out of memory");
    default:
        return ga_err(err, GENAPI_E_CONNECT, NULL, "request to %s failed: %s", url, detail);
    }
}

/* Zero header strings (they may hold the key) before libcurl frees them. */
static void free_headers(struct curl_slist *h)
{
    for (struct curl_slist *p = h; p; p = p->next)
        sodium_memzero(p->data, strlen(p->data));
    curl_slist_free_all(h);
}

static genapi_status http_send(gt_transport *t, const gt_request *req, gt_response *resp, genapi_error *err)
{
    http *h = (http *)t;
    memset(resp, 0, sizeof *resp);
    ga_buf url;
    ga_buf_init(&url, &h->alloc);
    ga_buf_puts(&url, h->cfg.base_url);
    ga_buf_puts(&url, req->path);
    if (url.failed)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        ga_buf_free(&url);
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "curl_easy_init failed");
    }
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Accept: application/json");
    if (req->body)
        headers = curl_slist_append(headers, "Content-Type: application/json");
    if (h->cfg.api_key) {
        size_t n = strlen(h->cfg.api_key) + sizeof "Authorization: Bearer ";
        char *line = sodium_malloc(n);
        if (line) {
            snprintf(line, n, "Authorization: Bearer %s", h->cfg.api_key);
            headers = curl_slist_append(headers, line);
            sodium_free(line);
        }
    }
    char errbuf[CURL_ERROR_SIZE];
    errbuf[0] = '\0';
    collect c;
    ga_buf_init(&c.body, &h->alloc);
    c.resp = resp;
    c.too_large = 0;
    c.curl = curl;
    c.req = req;
    curl_easy_setopt(curl, CURLOPT_URL, url.data);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, h->cfg.user_agent);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, h->cfg.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, h->cfg.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &c);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &c);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    if (strcmp(req->method, "POST") == 0) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    } else if (strcmp(req->method, "GET") != 0) {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
    }
    CURLcode rc = curl_easy_perform(curl);
    genapi_status st = GENAPI_OK;
    if (rc != CURLE_OK && resp->stopped) {
        st = GENAPI_OK; /* the receiver stopped the stream; it reports why */
        long code = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        resp->status = (int)code;
    } else if (rc != CURLE_OK && c.too_large) {
        st = ga_err(err, GENAPI_E_PARSE, NULL, "the response from %s is larger than %u bytes", url.data, GT_MAX_RESPONSE);
    } else if (rc != CURLE_OK) {
        st = map_curl_error(rc, errbuf, url.data, err);
    } else if (c.body.failed) {
        st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory while reading the response");
    } else {
        long code = 0;
        char *ct = NULL;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct);
        resp->status = (int)code;
        if (ct)
            ga_copy_field(resp->content_type, sizeof resp->content_type, ct, strlen(ct));
        resp->body = ga_buf_take(&c.body, &resp->body_len);
        if (resp->body == NULL)
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    ga_buf_free(&c.body);
    free_headers(headers);
    curl_easy_cleanup(curl);
    ga_buf_free(&url);
    return st;
}

static void http_destroy(gt_transport *t)
{
    http *h = (http *)t;
    ga_alloc a = h->alloc;
    ga_free(&a, h);
}

gt_transport *gt_http_new(const ga_alloc *a, const gt_http_config *cfg)
{
    http *h = ga_calloc(a, 1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->base.send = http_send;
    h->base.destroy = http_destroy;
    h->alloc = *a;
    h->cfg = *cfg;
    return &h->base;
}
