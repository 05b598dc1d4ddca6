/* A skipped CMocka test makes the executable exit with TS_SKIP_EXIT (77), which ctest reports
 * as "Skipped" (SKIP_RETURN_CODE in CMakeLists.txt); .ci/run fails on any skip. CMocka's skip()
 * otherwise leaves the exit status 0 and the test reads "Passed".
 *
 * Both entry points are interposed: a test executable's calls to _skip and
 * _cmocka_run_group_tests bind to these definitions, which forward to libcmocka's. A failure
 * wins over a skip: the group's failure count is returned unchanged when it is not zero. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"

typedef void (*skip_fn)(const char *, int);
typedef int (*run_fn)(const char *, const struct CMUnitTest *, size_t, CMFixtureFunction, CMFixtureFunction);

/* Test-process state: whether any test of this executable was skipped. */
static int ts_skipped;

/* libcmocka's definition of `name` (dlsym returns an object pointer: copied, not cast). */
static void lookup_next(const char *name, void *fn, size_t size)
{
    void *sym = dlsym(RTLD_NEXT, name);
    if (sym == NULL || size != sizeof sym) {
        fprintf(stderr, "test support: cannot find CMocka's %s\n", name);
        abort();
    }
    memcpy(fn, &sym, size);
}

void _skip(const char *const file, const int line)
{
    skip_fn next;
    lookup_next("_skip", &next, sizeof next);
    ts_skipped = 1;
    next(file, line);
    abort(); /* not reached: CMocka's _skip leaves the test */
}

int _cmocka_run_group_tests(const char *group_name, const struct CMUnitTest *const tests, const size_t num_tests,
                            CMFixtureFunction group_setup, CMFixtureFunction group_teardown)
{
    run_fn next;
    lookup_next("_cmocka_run_group_tests", &next, sizeof next);
    int failed = next(group_name, tests, num_tests, group_setup, group_teardown);
    return failed == 0 && ts_skipped ? TS_SKIP_EXIT : failed;
}
