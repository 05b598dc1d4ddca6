/* Allocation hooks for the tests that watch what code allocates: they count blocks and calls and
 * fail the allocation a test chooses (or every one from it on). The hooks have the signatures of
 * genapi_allocator's, so they fit a genapi_allocator, a ga_alloc, a gd_alloc_hooks or a gsamp
 * workspace; `user` is an fa_counter. */
#ifndef GENAPI_TEST_FAILING_ALLOC_H
#define GENAPI_TEST_FAILING_ALLOC_H

#include <stddef.h>

/* What the hooks saw. A zeroed fa_counter fails nothing and counts blocks. */
typedef struct fa_counter {
    int armed;      /* fa_fail_at / fa_fail_from were called, fa_disarm not since */
    int from_on;    /* armed: every allocation from fail_at on fails, not only fail_at */
    long fail_at;   /* armed: the allocation that fails, 0-based in `count` */
    long count;     /* allocation calls (malloc and realloc hooks) since armed; failed ones too */
    long live;      /* blocks handed out (by malloc, or realloc of NULL) and not freed */
    long blocks;    /* blocks handed out in all */
    size_t largest; /* the largest size asked for */
} fa_counter;

/* Arm: count from 0, and fail allocation `at` (LONG_MAX: none, the calls are only counted). */
void fa_fail_at(fa_counter *f, long at);
/* Arm: count from 0, and fail allocation `at` and every later one (a budget of `at`). */
void fa_fail_from(fa_counter *f, long at);
/* Disarm: nothing fails, count keeps the calls made while armed. */
void fa_disarm(fa_counter *f);

void *fa_malloc(size_t n, void *user);
void *fa_realloc(void *p, size_t n, void *user);
void fa_free(void *p, void *user); /* accepts NULL */

/* Initialiser of a genapi_allocator or a ga_alloc over the counter at address f. */
#define FA_HOOKS(f) {fa_malloc, fa_realloc, fa_free, (f)}

#endif
