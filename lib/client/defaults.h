/* Default models (internal): what a request without a model uses.
 *
 * A chat or completion without `model`, and a hosted-API txt2img / img2img without
 * `sd_model_checkpoint`, are sent with the client's default: GENAPI_MODEL / GENAPI_IMAGE_MODEL
 * (read once by genapi_client_new unless ignore_environment), else the first model the server
 * lists, fetched once per client and kept. A request whose default is not known yet is started
 * anyway (its start never blocks); the lifecycle (request.c) first runs the listing request
 * as a step of the same request, caches the first id, writes it into the body, then sends the
 * request itself. Clients made for one blocking call share their parent's cache. */
#ifndef GENAPI_CLIENT_DEFAULTS_H
#define GENAPI_CLIENT_DEFAULTS_H

#include <pthread.h>

#include <genapi/error.h>
#include <json-c/json.h>

#include "util/alloc.h"

typedef enum {
    GC_RESOLVE_NONE = 0,
    GC_RESOLVE_TEXT = 1, /* "model" from GET /v1/models/textgen-models */
    GC_RESOLVE_IMAGE = 2 /* "sd_model_checkpoint" from the image model listing */
} gc_resolve;

/* Longest default model name kept (a longer listed id is refused, not cut). */
#define GC_MODEL_NAME_MAX 1024

typedef struct gc_defaults {
    pthread_mutex_t mu;
    char *model[3]; /* by gc_resolve; NULL = not known yet */
    int from_env[3]; /* model[k] came from the environment */
} gc_defaults;

/* Create the cache, seeded from the environment unless ignore_env. NULL when out of memory. */
gc_defaults *gc_defaults_new(const ga_alloc *a, int ignore_env);
void gc_defaults_free(const ga_alloc *a, gc_defaults *d);

/* The JSON key a kind fills. */
const char *gc_resolve_key(gc_resolve kind);

/* Copy of the known default of `kind` into buf (cap bytes); 1 if known, 0 if not. */
int gc_defaults_get(gc_defaults *d, gc_resolve kind, char *buf, size_t cap);
/* The same, for a default the environment gave only (GENAPI_MODEL, GENAPI_IMAGE_MODEL). */
int gc_defaults_get_env(gc_defaults *d, gc_resolve kind, char *buf, size_t cap);
/* Remember `name` as the default of `kind` (the first listing wins). 0, or -1 out of memory. */
int gc_defaults_set(gc_defaults *d, const ga_alloc *a, gc_resolve kind, const char *name);

/* Give body its default of `kind` when it has no such key: the known default is added at once
 * (GC_RESOLVE_NONE returned); when none is known yet, `kind` is returned and the request
 * resolves it before it is sent. */
gc_resolve gc_defaults_apply(gc_defaults *d, gc_resolve kind, json_object *body);

/* A copy of the JSON object text `body` with "key": value added first. NULL when out of memory. */
char *gc_body_with(const ga_alloc *a, const char *body, const char *key, const char *value);

#endif
