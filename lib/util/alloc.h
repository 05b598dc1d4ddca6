/* Allocation through a genapi_allocator, and a bump arena for results that are freed whole. */
#ifndef GENAPI_UTIL_ALLOC_H
#define GENAPI_UTIL_ALLOC_H

#include <genapi/common.h>
#include <stddef.h>

/* A resolved allocator: never NULL hooks. */
typedef struct ga_alloc {
    void *(*malloc_fn)(size_t, void *);
    void *(*realloc_fn)(void *, size_t, void *);
    void (*free_fn)(void *, void *);
    void *user;
} ga_alloc;

/* Fill `out` from `in` (NULL or all-NULL hooks = C library). Returns 0, or -1 if the hooks
 * are only partly set. */
int ga_alloc_resolve(ga_alloc *out, const genapi_allocator *in);
void *ga_malloc(const ga_alloc *a, size_t n);
void *ga_calloc(const ga_alloc *a, size_t count, size_t size);
void *ga_realloc(const ga_alloc *a, void *p, size_t n);
void ga_free(const ga_alloc *a, void *p);
char *ga_strdup(const ga_alloc *a, const char *s);
char *ga_strndup(const ga_alloc *a, const char *s, size_t n);

/* Arena: allocations are freed together by ga_arena_free. */
typedef struct ga_arena_block ga_arena_block;
typedef struct ga_arena {
    ga_alloc alloc;
    ga_arena_block *head;
    int failed; /* an allocation from it failed (sticky until the caller clears it): builders
                   that do not check each allocation check this once at the end */
} ga_arena;

void ga_arena_init(ga_arena *ar, const ga_alloc *a);
void *ga_arena_alloc(ga_arena *ar, size_t n);          /* zeroed, 16-byte aligned */
char *ga_arena_strndup(ga_arena *ar, const char *s, size_t n);
char *ga_arena_strdup(ga_arena *ar, const char *s);
void ga_arena_free(ga_arena *ar);

#endif
