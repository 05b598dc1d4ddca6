#include "util/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_malloc(size_t n, void *u) { (void)u; return malloc(n); }
static void *libc_realloc(void *p, size_t n, void *u) { (void)u; return realloc(p, n); }
static void libc_free(void *p, void *u) { (void)u; free(p); }

int ga_alloc_resolve(ga_alloc *out, const genapi_allocator *in)
{
    if (in == NULL || (in->malloc_fn == NULL && in->realloc_fn == NULL && in->free_fn == NULL)) {
        out->malloc_fn = libc_malloc;
        out->realloc_fn = libc_realloc;
        out->free_fn = libc_free;
        out->user = NULL;
        return 0;
    }
    if (in->malloc_fn == NULL || in->realloc_fn == NULL || in->free_fn == NULL)
        return -1;
    out->malloc_fn = in->malloc_fn;
    out->realloc_fn = in->realloc_fn;
    out->free_fn = in->free_fn;
    out->user = in->user;
    return 0;
}

void *ga_malloc(const ga_alloc *a, size_t n) { return a->malloc_fn(n ? n : 1, a->user); }

void *ga_calloc(const ga_alloc *a, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = ga_malloc(a, count * size);
    if (p)
        memset(p, 0, (count * size) != 0 ? count * size : 1);
    return p;
}

void *ga_realloc(const ga_alloc *a, void *p, size_t n) { return a->realloc_fn(p, n ? n : 1, a->user); }

void ga_free(const ga_alloc *a, void *p)
{
    if (p)
        a->free_fn(p, a->user);
}

char *ga_strndup(const ga_alloc *a, const char *s, size_t n)
{
    char *d = ga_malloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *ga_strdup(const ga_alloc *a, const char *s) { return s ? ga_strndup(a, s, strlen(s)) : NULL; }

struct ga_arena_block {
    ga_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void ga_arena_init(ga_arena *ar, const ga_alloc *a)
{
    ar->alloc = *a;
    ar->head = NULL;
    ar->failed = 0;
}

void *ga_arena_alloc(ga_arena *ar, size_t n)
{
    if (n > SIZE_MAX - 64) {
        ar->failed = 1;
        return NULL;
    }
    size_t need = (n + 15u) & ~(size_t)15u;
    ga_arena_block *b = ar->head;
    if (b == NULL || b->cap - b->used < need) {
        size_t cap = need > 4096 ? need : 4096;
        b = ga_malloc(&ar->alloc, sizeof(ga_arena_block) + cap);
        if (b == NULL) {
            ar->failed = 1;
            return NULL;
        }
        b->next = ar->head;
        b->used = 0;
        b->cap = cap;
        ar->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, need ? need : 0);
    return p;
}

char *ga_arena_strndup(ga_arena *ar, const char *s, size_t n)
{
    char *d = ga_arena_alloc(ar, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *ga_arena_strdup(ga_arena *ar, const char *s) { return s ? ga_arena_strndup(ar, s, strlen(s)) : NULL; }

void ga_arena_free(ga_arena *ar)
{
    ga_arena_block *b = ar->head;
    while (b) {
        ga_arena_block *next = b->next;
        ga_free(&ar->alloc, b);
        b = next;
    }
    ar->head = NULL;
}
