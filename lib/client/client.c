#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "client/client_internal.h"
#include "util/err.h"

/* The sizes genapi_client_config has had: the first release's (up to retry_max_delay_ms) and
 * this one's. A caller's struct of an earlier size is read as a prefix, the rest as zero. */
#define GC_CONFIG_SIZE_V1 offsetof(genapi_client_config, log_fn)

static int known_config_size(size_t n) { return n == GC_CONFIG_SIZE_V1 || n == sizeof(genapi_client_config); }

genapi_status genapi_client_config_init(genapi_client_config *config, size_t struct_size)
{
    if (config == NULL || !known_config_size(struct_size))
        return GENAPI_E_INVALID_ARG;
    memset(config, 0, struct_size);
    config->struct_size = (uint32_t)struct_size;
    return GENAPI_OK;
}

/* Strip trailing slashes and one trailing "/v1"; require http:// or https://. */
static genapi_status normalise_url(const ga_alloc *a, const char *in, char **out, genapi_error *err)
{
    char shown[512];
    gt_url_for_display(in, shown, sizeof shown);
    if (strncmp(in, "http://", 7) != 0 && strncmp(in, "https://", 8) != 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "base_url", "base_url must start with http:// or https://, got '%s'",
                      shown);
    size_t n = strlen(in);
    while (n > 0 && in[n - 1] == '/')
        n--;
    if (n >= 3 && strncmp(in + n - 3, "/v1", 3) == 0)
        n -= 3;
    while (n > 0 && in[n - 1] == '/')
        n--;
    size_t scheme = in[4] == 's' ? 8 : 7;
    if (n <= scheme)
        return ga_err(err, GENAPI_E_INVALID_ARG, "base_url", "base_url '%s' has no host", shown);
    *out = ga_strndup(a, in, n);
    return *out ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
}

genapi_status genapi_client_new(const genapi_client_config *config, genapi_client **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "out is NULL");
    *out = NULL;
    genapi_client_config defaults;
    if (config == NULL) {
        genapi_client_config_init(&defaults, sizeof defaults);
        config = &defaults;
    }
    if (!known_config_size(config->struct_size))
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "genapi_client_config has an unknown struct_size %u",
                      (unsigned)config->struct_size);
    genapi_client_config full; /* an earlier, shorter struct: the fields it lacks are zero */
    memset(&full, 0, sizeof full);
    memcpy(&full, config, config->struct_size);
    config = &full;
    if (config->log_level < 0 || config->log_level > GENAPI_LOG_DEBUG)
        return ga_err(err, GENAPI_E_INVALID_ARG, "log_level", "log_level must be 0..4 (0 = GENAPI_LOG_INFO)");
    if (config->retry_max_delay_ms < 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "retry_max_delay_ms", "retry_max_delay_ms must be >= 0 (0 = default)");
    if (config->connect_timeout_ms < 0 || config->timeout_ms < 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, config->timeout_ms < 0 ? "timeout_ms" : "connect_timeout_ms",
                      "timeouts must be >= 0 (0 = default)");
    if (config->max_response_bytes < 0 || config->max_response_bytes > (int64_t)GT_MAX_RESPONSE)
        return ga_err(err, GENAPI_E_INVALID_ARG, "max_response_bytes",
                      "max_response_bytes must be in [0, %u] (0 = the default, %u)", GT_MAX_RESPONSE, GT_MAX_RESPONSE);
    if (config->image_api != GENAPI_IMAGE_API_HOSTED && config->image_api != GENAPI_IMAGE_API_WEBUI)
        return ga_err(err, GENAPI_E_INVALID_ARG, "image_api", "image_api must be GENAPI_IMAGE_API_HOSTED or _WEBUI");
    ga_alloc a;
    if (ga_alloc_resolve(&a, config->allocator) != 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "allocator", "allocator hooks must be all set or all NULL");
    if (sodium_init() < 0)
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "libsodium failed to initialise");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "libcurl failed to initialise");
    genapi_client *c = ga_calloc(&a, 1, sizeof *c);
    if (c == NULL) {
        curl_global_cleanup();
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    c->alloc = a;
    c->hooks.malloc_fn = a.malloc_fn;
    c->hooks.realloc_fn = a.realloc_fn;
    c->hooks.free_fn = a.free_fn;
    c->hooks.user = a.user;
    c->image_api = config->image_api;
    c->max_retries = config->max_retries == 0 ? 2 : config->max_retries < 0 ? 0 : config->max_retries;
    c->retry_max_delay_ms = config->retry_max_delay_ms > 0 ? config->retry_max_delay_ms : 8000;
    /* 0 = 10 min; at most 30 days, so deadlines in nanoseconds cannot overflow. */
    c->timeout_ms = config->timeout_ms ? config->timeout_ms : 600000;
    if (c->timeout_ms > 30LL * 86400 * 1000)
        c->timeout_ms = 30LL * 86400 * 1000;
    c->log_fn = config->log_fn;
    c->log_user = config->log_user;
    c->log_level = config->log_level ? config->log_level : GENAPI_LOG_INFO;
    c->defaults = gc_defaults_new(&a, config->ignore_environment);
    genapi_status st = c->defaults ? gc_loop_init(c, err) : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    if (st != GENAPI_OK) {
        gc_defaults_free(&a, c->defaults);
        ga_free(&a, c);
        curl_global_cleanup();
        return st;
    }
    const char *url = config->base_url;
    const char *key = config->api_key;
    if (!config->ignore_environment) {
        if (url == NULL && getenv("GENAPI_BASE_URL") && getenv("GENAPI_BASE_URL")[0])
            url = getenv("GENAPI_BASE_URL");
        if (key == NULL && getenv("GENAPI_API_KEY") && getenv("GENAPI_API_KEY")[0])
            key = getenv("GENAPI_API_KEY");
    }
    if (url && url[0])
        st = normalise_url(&a, url, &c->base_url, err);
    if (st == GENAPI_OK && key && key[0]) {
        size_t n = strlen(key);
        c->api_key = sodium_malloc(n + 1);
        if (c->api_key == NULL) {
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        } else {
            memcpy(c->api_key, key, n + 1);
            sodium_mprotect_readonly(c->api_key);
        }
    }
    if (st == GENAPI_OK) {
        char ua[64];
        snprintf(ua, sizeof ua, "libgenapi/%s", genapi_version());
        c->user_agent = ga_strdup(&a, config->user_agent ? config->user_agent : ua);
        if (c->user_agent == NULL)
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    if (st == GENAPI_OK && c->base_url) {
        gt_http_config hc = {c->base_url, c->api_key, c->user_agent,
                             config->connect_timeout_ms ? (long)config->connect_timeout_ms : 10000L,
                             config->timeout_ms ? (long)config->timeout_ms : 600000L,
                             config->idle_timeout_s == 0 ? 60L : config->idle_timeout_s < 0 ? 0L
                                                                                             : (long)config->idle_timeout_s,
                             config->max_response_bytes ? (size_t)config->max_response_bytes : (size_t)GT_MAX_RESPONSE};
        c->http_cfg = hc;
        c->transport = gt_http_new(&a, &hc);
        if (c->transport == NULL)
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    } else if (st == GENAPI_OK) {
        genapi_backend_config bc = {sizeof bc, 0, NULL, &c->hooks};
        st = genapi_backend_new(&bc, &c->backend, err);
        if (st == GENAPI_E_UNSUPPORTED)
            ga_err(err, st, "base_url",
                   "no base URL (config or GENAPI_BASE_URL), and this libgenapi was built without the in-process "
                   "reference backend (GENAPI_REFERENCE_BACKEND=OFF)");
        if (st == GENAPI_OK) {
            c->transport = gt_inproc_new(&a, c->backend);
            if (c->transport == NULL)
                st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        }
    }
    if (st != GENAPI_OK) {
        genapi_client_free(c);
        return st;
    }
    *out = c;
    return GENAPI_OK;
}

void genapi_client_free(genapi_client *c)
{
    if (c == NULL)
        return;
    /* Every request still running ends here with GENAPI_E_CANCELLED (callbacks run here). */
    gc_loop_shutdown(c);
    if (c->transport)
        c->transport->destroy(c->transport);
    genapi_backend_free(c->backend);
    if (c->api_key)
        sodium_free(c->api_key);
    ga_alloc a = c->alloc;
    gc_defaults_free(&a, c->defaults);
    ga_free(&a, c->base_url);
    ga_free(&a, c->user_agent);
    ga_free(&a, c);
    curl_global_cleanup();
}

const char *genapi_client_base_url(const genapi_client *c) { return c ? c->base_url : NULL; }

const genapi_allocator *genapi_client_allocator(const genapi_client *c) { return c ? &c->hooks : NULL; }

genapi_client *gc_blocking_client(genapi_client *c)
{
    if (c == NULL)
        return NULL;
    pthread_mutex_lock(&c->mu);
    int beside_poller = c->pumped && !pthread_equal(c->poller, pthread_self()) && !c->worker_running;
    pthread_mutex_unlock(&c->mu);
    if (!beside_poller)
        return c;
    genapi_client *p = ga_calloc(&c->alloc, 1, sizeof *p);
    if (p == NULL)
        return c; /* then the call waits for the polling thread */
    p->alloc = c->alloc;
    p->hooks = c->hooks;
    p->base_url = c->base_url;
    p->api_key = c->api_key;
    p->user_agent = c->user_agent;
    p->image_api = c->image_api;
    p->backend = c->backend;
    p->http_cfg = c->http_cfg;
    p->borrowed = 1;
    p->max_retries = c->max_retries;
    p->retry_max_delay_ms = c->retry_max_delay_ms;
    p->timeout_ms = c->timeout_ms;
    p->defaults = c->defaults;
    p->log_fn = c->log_fn;
    p->log_user = c->log_user;
    p->log_level = c->log_level;
    if (gc_loop_init(p, NULL) != GENAPI_OK) {
        ga_free(&c->alloc, p);
        return c;
    }
    p->transport = c->base_url ? gt_http_new(&p->alloc, &p->http_cfg) : gt_inproc_new(&p->alloc, c->backend);
    if (p->transport == NULL) {
        gc_loop_shutdown(p);
        ga_free(&c->alloc, p);
        return c;
    }
    return p;
}

void gc_blocking_client_done(genapi_client *bc)
{
    if (bc == NULL || !bc->borrowed)
        return;
    gc_loop_shutdown(bc);
    bc->transport->destroy(bc->transport);
    ga_alloc a = bc->alloc;
    ga_free(&a, bc);
}
