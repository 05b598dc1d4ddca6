/*
 * Memory for guided decoding: everything goes through the caller's gd_alloc_hooks (the C
 * library when none are given). The hooks have no realloc, so growth is malloc + copy + free.
 */
#include "engine/text/guided/guided_internal.h"

#include <stdlib.h>
#include <string.h>

static void *std_malloc(size_t n, void *user)
{
    (void)user;
    return malloc(n);
}

static void std_free(void *p, void *user)
{
    (void)user;
    free(p);
}

int gd_hooks_resolve(gd_alloc_hooks *out, const gd_alloc_hooks *in)
{
    if (in == NULL || (in->malloc_fn == NULL && in->free_fn == NULL)) {
        out->malloc_fn = std_malloc;
        out->free_fn = std_free;
        out->user = NULL;
        return 0;
    }
    if (in->malloc_fn == NULL || in->free_fn == NULL)
        return -1;
    *out = *in;
    return 0;
}

void *gd_malloc(const gd_alloc_hooks *a, size_t n)
{
    return a->malloc_fn(n ? n : 1, a->user);
}

void *gd_calloc(const gd_alloc_hooks *a, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    size_t total = count * size;
    void *p = gd_malloc(a, total);
    if (p && total)
        memset(p, 0, total);
    return p;
}

void gd_mfree(const gd_alloc_hooks *a, void *p)
{
    if (p)
        a->free_fn(p, a->user);
}

int gd_reserve(const gd_alloc_hooks *a, void **p, size_t *cap, size_t used, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (elem != 0 && ncap > SIZE_MAX / elem)
        return -1;
    void *np = gd_malloc(a, ncap * elem);
    if (np == NULL)
        return -1;
    if (used && *p)
        memcpy(np, *p, used * elem);
    gd_mfree(a, *p);
    *p = np;
    *cap = ncap;
    return 0;
}

/* ---- arena ---------------------------------------------------------------------------------- */
struct gd_arena_block {
    gd_arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

#define GD_ARENA_BLOCK 16384u

void gd_arena_init(gd_arena *ar, const gd_alloc_hooks *a)
{
    ar->a = a;
    ar->head = NULL;
}

void *gd_arena_alloc(gd_arena *ar, size_t n)
{
    if (n > SIZE_MAX - 15u)
        return NULL;
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0)
        n = 16;
    gd_arena_block *b = ar->head;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > GD_ARENA_BLOCK ? n : GD_ARENA_BLOCK;
        if (size > SIZE_MAX - sizeof *b)
            return NULL;
        b = gd_malloc(ar->a, sizeof *b + size);
        if (b == NULL)
            return NULL;
        b->next = ar->head;
        b->used = 0;
        b->size = size;
        ar->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

void gd_arena_free(gd_arena *ar)
{
    gd_arena_block *b = ar->head;
    while (b) {
        gd_arena_block *next = b->next;
        gd_mfree(ar->a, b);
        b = next;
    }
    ar->head = NULL;
}
