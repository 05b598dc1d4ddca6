/* Generic, table-driven operations on parameter structs: init, clear, the owned arena, set bits
 * by public id, and validation. Every request kind's public functions wrap these. */
#include <string.h>

#include "params/param_internal.h"
#include "util/err.h"

#define AT(s, off, type) ((type *)(void *)((char *)(s) + (off)))
#define CAT(s, off, type) ((const type *)(const void *)((const char *)(s) + (off)))

genapi_status ga_params_init(const ga_param_table *t, void *s, size_t struct_size)
{
    if (s == NULL || struct_size != t->struct_size)
        return GENAPI_E_INVALID_ARG;
    memset(s, 0, t->struct_size);
    *AT(s, 0, uint32_t) = (uint32_t)t->struct_size;
    return GENAPI_OK;
}

static int initialised(const ga_param_table *t, const void *s)
{
    return s != NULL && *CAT(s, 0, uint32_t) == (uint32_t)t->struct_size;
}

ga_arena *ga_params_arena(const ga_param_table *t, void *s)
{
    void **owned = AT(s, t->owned_offset, void *);
    if (*owned)
        return (ga_arena *)*owned;
    ga_alloc a;
    if (ga_alloc_resolve(&a, *AT(s, t->allocator_offset, const genapi_allocator *)) != 0)
        return NULL;
    ga_arena *ar = ga_malloc(&a, sizeof *ar);
    if (ar == NULL)
        return NULL;
    ga_arena_init(ar, &a);
    *owned = ar;
    return ar;
}

void ga_params_clear(const ga_param_table *t, void *s)
{
    if (s == NULL)
        return;
    const genapi_allocator *keep = *AT(s, t->allocator_offset, const genapi_allocator *);
    ga_arena *ar = (ga_arena *)*AT(s, t->owned_offset, void *);
    if (ar) {
        ga_alloc a = ar->alloc;
        ga_arena_free(ar);
        ga_free(&a, ar);
    }
    ga_params_init(t, s, t->struct_size);
    *AT(s, t->allocator_offset, const genapi_allocator *) = keep;
}

void ga_params_mark_id(const ga_param_table *t, void *s, long id, int set)
{
    if (s && id >= 0 && (size_t)id < t->count)
        ga_param_mark(t, s, (size_t)id, set);
}

int ga_params_is_set_id(const ga_param_table *t, const void *s, long id)
{
    if (s == NULL || id < 0 || (size_t)id >= t->count)
        return 0;
    return ga_param_is_set(t, s, (size_t)id);
}

genapi_status ga_params_validate(const ga_param_table *t, const void *s, genapi_error *err)
{
    return ga_params_validate_ex(t, s, 0, NULL, err);
}

genapi_status ga_params_validate_for(const ga_param_table *t, const void *s, int webui, genapi_error *err)
{
    return ga_params_validate_ex(t, s, webui, NULL, err);
}

genapi_status ga_params_validate_ex(const ga_param_table *t, const void *s, int webui, const char *defaulted,
                                    genapi_error *err)
{
    if (!initialised(t, s))
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "genapi_%s_params is NULL or not initialised", t->kind);
    for (size_t i = 0; i < t->count; i++) {
        const genapi_param_desc *d = &t->descs[i];
        if (!ga_param_is_set(t, s, i)) {
            if ((d->range_flags & GENAPI_RANGE_REQUIRED) &&
                !(webui && (d->range_flags & GENAPI_RANGE_HOSTED_REQUIRED)) &&
                !(defaulted && strcmp(defaulted, d->json_name) == 0))
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s is required", d->json_name);
            continue;
        }
        genapi_status st = ga_param_check(d, s, err);
        if (st != GENAPI_OK)
            return st;
    }
    return t->cross_check ? t->cross_check(s, err) : GENAPI_OK;
}
