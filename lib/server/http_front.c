/* genapi_server: libmicrohttpd in front of the reference backend's router. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "server/backend_internal.h"
#include "util/buf.h"
#include "util/err.h"

#define GS_MAX_BODY (64u * 1024u * 1024u)
/* One thread per connection: bound how many run at once. */
#define GS_MAX_CONNECTIONS 64

struct genapi_server {
    genapi_backend *backend;
    struct MHD_Daemon *daemon;
    uint16_t port;
};

typedef struct conn_state {
    ga_buf body;
    int too_large;
} conn_state;

static enum MHD_Result send_response(struct MHD_Connection *c, genapi_backend *b, genapi_http_response *r)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(r->body_len, r->body, MHD_RESPMEM_MUST_COPY);
    genapi_http_response_release(b, r);
    if (resp == NULL)
        return MHD_NO;
    if (r->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    if (r->retry_after_s > 0) {
        char v[16];
        snprintf(v, sizeof v, "%d", (int)r->retry_after_s);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned int)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    genapi_server *s = cls;
    conn_state *st = *con_cls;
    if (st == NULL) {
        st = ga_calloc(&s->backend->alloc, 1, sizeof *st);
        if (st == NULL)
            return MHD_NO;
        ga_buf_init(&st->body, &s->backend->alloc);
        *con_cls = st;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (st->body.len + *upload_size > GS_MAX_BODY)
            st->too_large = 1;
        else
            ga_buf_append(&st->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    if (st->too_large) {
        gs_respond_error(s->backend, &r, 413, "Payload Too Large", NULL, "Request body exceeds %u bytes.", GS_MAX_BODY);
        return send_response(c, s->backend, &r);
    }
    if (st->body.failed) {
        gs_respond_error(s->backend, &r, 500, "InternalServerError", NULL, "out of memory");
        return send_response(c, s->backend, &r);
    }
    genapi_http_request req = {
        method, url, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE), st->body.data, st->body.len};
    if (genapi_backend_handle(s->backend, &req, &r) != GENAPI_OK && r.body == NULL)
        return MHD_NO;
    return send_response(c, s->backend, &r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    genapi_server *s = cls;
    conn_state *st = *con_cls;
    if (st) {
        ga_buf_free(&st->body);
        ga_free(&s->backend->alloc, st);
        *con_cls = NULL;
    }
}

genapi_status genapi_server_start(genapi_backend *backend, const char *host, uint16_t port, genapi_server **out,
                                  genapi_error *err)
{
    if (backend == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "backend or out is NULL");
    *out = NULL;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char portbuf[8];
    snprintf(portbuf, sizeof portbuf, "%u", (unsigned)port);
    int gai = getaddrinfo(host ? host : "127.0.0.1", portbuf, &hints, &res);
    if (gai != 0 || res == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, "host", "cannot resolve host '%s': %s", host ? host : "127.0.0.1",
                      gai_strerror(gai));
    memcpy(&ss, res->ai_addr, res->ai_addrlen);
    int ipv6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    genapi_server *s = ga_calloc(&backend->alloc, 1, sizeof *s);
    if (s == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    s->backend = backend;
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(flags, port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT,
                                 (unsigned int)120, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)GS_MAX_CONNECTIONS,
                                 MHD_OPTION_END);
    if (s->daemon == NULL) {
        ga_free(&backend->alloc, s);
        return ga_err(err, GENAPI_E_CONNECT, "port", "cannot listen on %s:%u (address in use or not permitted)",
                      host ? host : "127.0.0.1", (unsigned)port);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    *out = s;
    return GENAPI_OK;
}

uint16_t genapi_server_port(const genapi_server *s) { return s ? s->port : 0; }

void genapi_server_stop(genapi_server *s)
{
    if (s == NULL)
        return;
    MHD_stop_daemon(s->daemon);
    ga_alloc a = s->backend->alloc;
    ga_free(&a, s);
}
