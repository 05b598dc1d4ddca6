#include <genapi/common.h>

#include "util/alloc.h"

#define GA_STR2(x) #x
#define GA_STR(x) GA_STR2(x)

const char *genapi_version(void)
{
    return GA_STR(GENAPI_VERSION_MAJOR) "." GA_STR(GENAPI_VERSION_MINOR) "." GA_STR(GENAPI_VERSION_PATCH);
}

int genapi_abi_version(void) { return GENAPI_ABI_VERSION; }

void genapi_free(const genapi_allocator *allocator, void *ptr)
{
    ga_alloc a;
    if (ptr == NULL || ga_alloc_resolve(&a, allocator) != 0)
        return;
    ga_free(&a, ptr);
}

const char *genapi_status_str(genapi_status status)
{
    switch (status) {
    case GENAPI_OK: return "ok";
    case GENAPI_E_INVALID_ARG: return "invalid argument";
    case GENAPI_E_NOMEM: return "out of memory";
    case GENAPI_E_CONNECT: return "connection failed";
    case GENAPI_E_TIMEOUT: return "timed out";
    case GENAPI_E_HTTP: return "HTTP error";
    case GENAPI_E_BAD_REQUEST: return "bad request";
    case GENAPI_E_AUTH: return "unauthorized";
    case GENAPI_E_NOT_FOUND: return "not found";
    case GENAPI_E_RATE_LIMITED: return "rate limited";
    case GENAPI_E_SERVER: return "server error";
    case GENAPI_E_PARSE: return "unparsable response";
    case GENAPI_E_CANCELLED: return "cancelled";
    case GENAPI_E_STREAM: return "stream error";
    case GENAPI_E_UNSUPPORTED: return "unsupported";
    case GENAPI_E_INTERNAL: return "internal error";
    case GENAPI_E_AGAIN: return "not ready yet";
    case GENAPI_E_BUSY: return "busy";
    case GENAPI_E_END: return "end of stream";
    }
    return "unknown status";
}
