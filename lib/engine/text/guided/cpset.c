/*
 * Sets of Unicode code points as sorted, disjoint ranges: what a regex class, '.', a shorthand
 * escape or the JSON string alphabet denotes before it is turned into UTF-8 byte automata.
 */
#include "engine/text/guided/guided_internal.h"

#include <stdlib.h>

int gd_cpset_add(const gd_alloc_hooks *a, gd_cpset *s, uint32_t lo, uint32_t hi)
{
    if (lo > hi)
        return 0;
    if (gd_reserve(a, (void **)&s->r, &s->cap, s->n, s->n + 1, sizeof *s->r))
        return -1;
    s->r[s->n].lo = lo;
    s->r[s->n].hi = hi;
    s->n++;
    return 0;
}

int gd_cpset_add_set(const gd_alloc_hooks *a, gd_cpset *s, const gd_cpset *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (gd_cpset_add(a, s, t->r[i].lo, t->r[i].hi))
            return -1;
    return 0;
}

static int cmp_range(const void *x, const void *y)
{
    const gd_cprange *p = x, *q = y;
    return p->lo < q->lo ? -1 : p->lo > q->lo ? 1 : 0;
}

int gd_cpset_normalize(const gd_alloc_hooks *a, gd_cpset *s)
{
    if (s->n == 0)
        return 0;
    qsort(s->r, s->n, sizeof *s->r, cmp_range);
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        gd_cprange r = s->r[i];
        if (r.lo > GD_MAX_CP)
            continue;
        if (r.hi > GD_MAX_CP)
            r.hi = GD_MAX_CP;
        if (w > 0 && r.lo <= s->r[w - 1].hi + 1u) {
            if (r.hi > s->r[w - 1].hi)
                s->r[w - 1].hi = r.hi;
        } else {
            s->r[w++] = r;
        }
    }
    s->n = w;
    /* drop the surrogates (at most one range straddles them after merging) */
    for (size_t i = 0; i < s->n; i++) {
        gd_cprange r = s->r[i];
        if (r.hi < 0xD800u || r.lo > 0xDFFFu)
            continue;
        if (r.lo < 0xD800u && r.hi > 0xDFFFu) {
            if (gd_cpset_add(a, s, 0xE000u, r.hi))
                return -1;
            s->r[i].hi = 0xD7FFu;
        } else if (r.lo < 0xD800u) {
            s->r[i].hi = 0xD7FFu;
        } else if (r.hi > 0xDFFFu) {
            s->r[i].lo = 0xE000u;
        } else {
            s->r[i].lo = 1u;
            s->r[i].hi = 0u; /* empty: removed below */
        }
    }
    w = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->r[i].lo <= s->r[i].hi)
            s->r[w++] = s->r[i];
    s->n = w;
    qsort(s->r, s->n, sizeof *s->r, cmp_range);
    return 0;
}

int gd_cpset_negate(const gd_alloc_hooks *a, gd_cpset *s)
{
    if (gd_cpset_normalize(a, s))
        return -1;
    gd_cpset out = {0};
    uint32_t next = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->r[i].lo > next && gd_cpset_add(a, &out, next, s->r[i].lo - 1u))
            goto fail;
        next = s->r[i].hi + 1u;
    }
    if (next <= GD_MAX_CP && gd_cpset_add(a, &out, next, GD_MAX_CP))
        goto fail;
    gd_cpset_free(a, s);
    *s = out;
    return gd_cpset_normalize(a, s);
fail:
    gd_cpset_free(a, &out);
    return -1;
}

int gd_cpset_intersect(const gd_alloc_hooks *a, gd_cpset *s, const gd_cpset *t)
{
    gd_cpset out = {0};
    size_t i = 0, j = 0;
    while (i < s->n && j < t->n) {
        uint32_t lo = s->r[i].lo > t->r[j].lo ? s->r[i].lo : t->r[j].lo;
        uint32_t hi = s->r[i].hi < t->r[j].hi ? s->r[i].hi : t->r[j].hi;
        if (lo <= hi && gd_cpset_add(a, &out, lo, hi)) {
            gd_cpset_free(a, &out);
            return -1;
        }
        if (s->r[i].hi < t->r[j].hi)
            i++;
        else
            j++;
    }
    gd_cpset_free(a, s);
    *s = out;
    return 0;
}

void gd_cpset_free(const gd_alloc_hooks *a, gd_cpset *s)
{
    gd_mfree(a, s->r);
    s->r = NULL;
    s->n = s->cap = 0;
}

int gd_cpset_json_string_chars(const gd_alloc_hooks *a, gd_cpset *s)
{
    if (gd_cpset_add(a, s, 0x20u, 0x21u) || gd_cpset_add(a, s, 0x23u, 0x5Bu) ||
        gd_cpset_add(a, s, 0x5Du, 0x7Eu) || gd_cpset_add(a, s, 0x80u, GD_MAX_CP))
        return -1;
    return gd_cpset_normalize(a, s);
}
