/* Built instead of the reference backend (lib/server, lib/engine, lib/transport/inproc.c) when
 * GENAPI_REFERENCE_BACKEND is OFF: the library is then an HTTP client only. The backend's public
 * functions stay exported, so programs and bindings link against either build, and answer
 * GENAPI_E_UNSUPPORTED. */
#include <string.h>

#include <genapi/server.h>

#include "transport/transport.h"
#include "util/err.h"

#define NO_BACKEND "this libgenapi was built without the reference backend (GENAPI_REFERENCE_BACKEND=OFF)"

genapi_status genapi_backend_new(const genapi_backend_config *config, genapi_backend **out, genapi_error *err)
{
    (void)config;
    if (out)
        *out = NULL;
    return ga_err(err, GENAPI_E_UNSUPPORTED, NULL, NO_BACKEND);
}

void genapi_backend_free(genapi_backend *backend) { (void)backend; }

genapi_status genapi_backend_handle(genapi_backend *backend, const genapi_http_request *request,
                                    genapi_http_response *response)
{
    (void)backend;
    (void)request;
    if (response)
        memset(response, 0, sizeof *response);
    return GENAPI_E_UNSUPPORTED;
}

void genapi_http_response_release(genapi_backend *backend, genapi_http_response *response)
{
    (void)backend;
    if (response) {
        response->body = NULL;
        response->body_len = 0;
    }
}

genapi_status genapi_server_start(genapi_backend *backend, const char *host, uint16_t port, genapi_server **out,
                                  genapi_error *err)
{
    (void)backend;
    (void)host;
    (void)port;
    if (out)
        *out = NULL;
    return ga_err(err, GENAPI_E_UNSUPPORTED, NULL, NO_BACKEND);
}

uint16_t genapi_server_port(const genapi_server *server)
{
    (void)server;
    return 0;
}

void genapi_server_stop(genapi_server *server) { (void)server; }

/* No backend can exist, so the client never asks for this transport. */
gt_transport *gt_inproc_new(const ga_alloc *a, genapi_backend *backend)
{
    (void)a;
    (void)backend;
    return NULL;
}
