/* Default models: the environment, then the server's first listed model (see defaults.h). */
#include <stdlib.h>
#include <string.h>

#include "client/defaults.h"

static const char *const ENV_NAME[3] = {NULL, "GENAPI_MODEL", "GENAPI_IMAGE_MODEL"};
static const char *const KEY[3] = {NULL, "model", "sd_model_checkpoint"};

const char *gc_resolve_key(gc_resolve kind) { return kind == GC_RESOLVE_TEXT || kind == GC_RESOLVE_IMAGE ? KEY[kind] : NULL; }

gc_defaults *gc_defaults_new(const ga_alloc *a, int ignore_env)
{
    gc_defaults *d = ga_calloc(a, 1, sizeof *d);
    if (d == NULL)
        return NULL;
    pthread_mutex_init(&d->mu, NULL);
    for (int k = GC_RESOLVE_TEXT; !ignore_env && k <= GC_RESOLVE_IMAGE; k++) {
        const char *v = getenv(ENV_NAME[k]);
        if (v && v[0] && strlen(v) < GC_MODEL_NAME_MAX) {
            if (gc_defaults_set(d, a, (gc_resolve)k, v) != 0) {
                gc_defaults_free(a, d);
                return NULL;
            }
            d->from_env[k] = 1;
        }
    }
    return d;
}

void gc_defaults_free(const ga_alloc *a, gc_defaults *d)
{
    if (d == NULL)
        return;
    for (int k = 0; k < 3; k++)
        ga_free(a, d->model[k]);
    pthread_mutex_destroy(&d->mu);
    ga_free(a, d);
}

static int get(gc_defaults *d, gc_resolve kind, char *buf, size_t cap, int env_only)
{
    if (d == NULL || gc_resolve_key(kind) == NULL || cap == 0)
        return 0;
    pthread_mutex_lock(&d->mu);
    const char *m = env_only && !d->from_env[kind] ? NULL : d->model[kind];
    int known = m != NULL && strlen(m) < cap;
    if (known)
        memcpy(buf, m, strlen(m) + 1);
    pthread_mutex_unlock(&d->mu);
    return known;
}

int gc_defaults_get(gc_defaults *d, gc_resolve kind, char *buf, size_t cap) { return get(d, kind, buf, cap, 0); }

int gc_defaults_get_env(gc_defaults *d, gc_resolve kind, char *buf, size_t cap) { return get(d, kind, buf, cap, 1); }

int gc_defaults_set(gc_defaults *d, const ga_alloc *a, gc_resolve kind, const char *name)
{
    if (d == NULL || gc_resolve_key(kind) == NULL)
        return 0;
    char *copy = ga_strdup(a, name);
    if (copy == NULL)
        return -1;
    pthread_mutex_lock(&d->mu);
    if (d->model[kind] == NULL) {
        d->model[kind] = copy;
        copy = NULL;
    }
    pthread_mutex_unlock(&d->mu);
    ga_free(a, copy);
    return 0;
}

gc_resolve gc_defaults_apply(gc_defaults *d, gc_resolve kind, json_object *body)
{
    const char *key = gc_resolve_key(kind);
    if (key == NULL || json_object_object_get_ex(body, key, NULL))
        return GC_RESOLVE_NONE;
    char name[GC_MODEL_NAME_MAX];
    if (!gc_defaults_get(d, kind, name, sizeof name))
        return kind;
    json_object_object_add(body, key, json_object_new_string(name));
    return GC_RESOLVE_NONE;
}

char *gc_body_with(const ga_alloc *a, const char *body, const char *key, const char *value)
{
    json_object *k = json_object_new_string(key), *v = json_object_new_string(value);
    size_t kl = 0, vl = 0;
    const char *ks = k ? json_object_to_json_string_length(k, JSON_C_TO_STRING_PLAIN, &kl) : NULL;
    const char *vs = v ? json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN, &vl) : NULL;
    char *out = NULL;
    const char *rest = body ? strchr(body, '{') : NULL;
    if (ks && vs && rest) {
        rest++;
        while (*rest == ' ' || *rest == '\n' || *rest == '\t' || *rest == '\r')
            rest++;
        size_t rl = strlen(rest);
        int empty = *rest == '}';
        out = ga_malloc(a, 1 + kl + 1 + vl + 1 + rl + 1);
        if (out) {
            char *p = out;
            *p++ = '{';
            memcpy(p, ks, kl);
            p += kl;
            *p++ = ':';
            memcpy(p, vs, vl);
            p += vl;
            if (!empty)
                *p++ = ',';
            memcpy(p, rest, rl + 1);
        }
    }
    json_object_put(k);
    json_object_put(v);
    return out;
}
