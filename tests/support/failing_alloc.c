/* Counting allocation hooks that fail a chosen allocation: failing_alloc.h. */
#include "failing_alloc.h"

#include <stdlib.h>

void fa_fail_at(fa_counter *f, long at)
{
    f->armed = 1;
    f->from_on = 0;
    f->fail_at = at;
    f->count = 0;
}

void fa_fail_from(fa_counter *f, long at)
{
    fa_fail_at(f, at);
    f->from_on = 1;
}

void fa_disarm(fa_counter *f) { f->armed = 0; }

/* Counts one allocation of n bytes; 1 if it is to fail. */
static int refused(fa_counter *f, size_t n)
{
    if (n > f->largest)
        f->largest = n;
    if (!f->armed)
        return 0;
    long k = f->count++;
    return k == f->fail_at || (f->from_on && k > f->fail_at);
}

void *fa_malloc(size_t n, void *user)
{
    fa_counter *f = user;
    if (refused(f, n))
        return NULL;
    void *p = malloc(n);
    if (p) {
        f->live++;
        f->blocks++;
    }
    return p;
}

void *fa_realloc(void *p, size_t n, void *user)
{
    fa_counter *f = user;
    if (refused(f, n))
        return NULL;
    void *q = realloc(p, n);
    if (q && p == NULL) {
        f->live++;
        f->blocks++;
    }
    return q;
}

void fa_free(void *p, void *user)
{
    fa_counter *f = user;
    if (p)
        f->live--;
    free(p);
}
