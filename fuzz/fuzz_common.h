/* Shared by the fuzz targets (doc/fuzzing.md): reading choices from the front of an input, and
 * an allocator that fails on request so the out-of-memory paths are fuzzed too.
 *
 * A fuzz target is a process of its own, so the fault injector's counters are plain statics:
 * each input sets them before it runs. */
#ifndef GENAPI_FUZZ_COMMON_H
#define GENAPI_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <genapi/common.h>

#include "util/alloc.h"

/* A property every input must keep; a violation aborts (a finding), whatever NDEBUG says. */
#define FZ_CHECK(cond)                                                                      \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);         \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

/* Every target defines the libFuzzer entry point. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An input consumed from the front. */
typedef struct fz_input {
    const uint8_t *p;
    size_t n;
} fz_input;

/* The next byte, 0 when the input is used up. */
static inline uint8_t fz_byte(fz_input *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

/* ---- fault injection ---------------------------------------------------------------------- */

/* Allocation number fz_fail_at (counted from 0 since fz_fail_reset) fails, and every later one
 * too when fz_fail_sticky; fz_fail_at < 0: none fails. */
static long fz_fail_at = -1;
static int fz_fail_sticky;
static long fz_alloc_count;

static inline void fz_fail_reset(long at, int sticky)
{
    fz_fail_at = at;
    fz_fail_sticky = sticky;
    fz_alloc_count = 0;
}

static inline int fz_should_fail(void)
{
    long n = fz_alloc_count++;
    if (fz_fail_at < 0)
        return 0;
    return fz_fail_sticky ? n >= fz_fail_at : n == fz_fail_at;
}

static void *fz_malloc(size_t size, void *user)
{
    (void)user;
    return fz_should_fail() ? NULL : malloc(size);
}

static void *fz_realloc(void *p, size_t size, void *user)
{
    (void)user;
    return fz_should_fail() ? NULL : realloc(p, size);
}

static void fz_free(void *p, void *user)
{
    (void)user;
    free(p);
}

/* The failing allocator as the public hooks and as the library's resolved form. */
static const genapi_allocator fz_allocator = {fz_malloc, fz_realloc, fz_free, NULL};
static const ga_alloc fz_ga_alloc = {fz_malloc, fz_realloc, fz_free, NULL};

/* Use every helper at least once in each target (no unused-function warnings). */
static inline void fz_touch(void)
{
    (void)fz_allocator;
    (void)fz_ga_alloc;
}

#endif
