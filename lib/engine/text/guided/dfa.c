/*
 * Lazy DFA over bytes by subset construction from the NFA.
 *
 * - Byte classes: bytes that no NFA range separates behave identically, so transitions are
 *   stored per class (typically a few dozen) instead of per byte.
 * - Distances: a 0-1 BFS on the reversed NFA gives, for every NFA state, the fewest bytes to the
 *   accepting state (GD_DIST_INF: none). States with infinite distance are dropped from every
 *   DFA state, so a DFA state exists only if acceptance is still reachable: "dead" is exactly
 *   "the empty set", a step into it returns -1, and a DFA state's distance (the min over its
 *   members) is the exact minimum number of bytes left to complete.
 * - A DFA state is the sorted set of "important" NFA states (byte ranges and the match state)
 *   in the epsilon closure; states are found again through an open-addressing hash table.
 *   Transitions are computed on first use (-2 = not computed yet).
 * - Work: distances, closures and the member scans of new transitions are counted against the
 *   constraint's work budget (d->work_limit: GD_WORK_COMPILE while compiling, GD_WORK_BUDGET
 *   after); once it is spent no new state is built.
 */
#include "engine/text/guided/guided_internal.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i32(const void *x, const void *y)
{
    int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
    return p < q ? -1 : p > q ? 1 : 0;
}

/* ---- distances -------------------------------------------------------------------------------- */

static int compute_dist(gd_dfa *d)
{
    const gd_alloc_hooks *a = d->a;
    size_t n = d->nn;
    int rc = -1;
    uint32_t *off = gd_calloc(a, n + 1, sizeof *off);
    uint32_t *pred = NULL, *cur = NULL, *next = NULL;
    size_t ncur = 0, nnext = 0, capcur = 0, capnext = 0;
    d->ndist = gd_malloc(a, (n ? n : 1) * sizeof *d->ndist);
    if (off == NULL || d->ndist == NULL)
        goto out;
    size_t nedge = 0;
    for (size_t s = 0; s < n; s++) {
        const gd_nstate *q = &d->ns[s];
        if (q->out1 >= 0) {
            off[q->out1 + 1]++;
            nedge++;
        }
        if (q->kind == GD_NS_SPLIT && q->out2 >= 0) {
            off[q->out2 + 1]++;
            nedge++;
        }
    }
    for (size_t s = 0; s < n; s++)
        off[s + 1] += off[s];
    d->work += (uint64_t)n + (uint64_t)nedge;
    pred = gd_malloc(a, (nedge ? nedge : 1) * sizeof *pred);
    uint32_t *fill = gd_calloc(a, n + 1, sizeof *fill);
    if (pred == NULL || fill == NULL) {
        gd_mfree(a, fill);
        goto out;
    }
    for (size_t s = 0; s < n; s++) {
        const gd_nstate *q = &d->ns[s];
        uint32_t w = q->kind == GD_NS_RANGE ? 1u : 0u;
        if (q->out1 >= 0)
            pred[off[q->out1] + fill[q->out1]++] = (uint32_t)s * 2u + w;
        if (q->kind == GD_NS_SPLIT && q->out2 >= 0)
            pred[off[q->out2] + fill[q->out2]++] = (uint32_t)s * 2u;
    }
    gd_mfree(a, fill);
    for (size_t s = 0; s < n; s++)
        d->ndist[s] = GD_DIST_INF;
    for (size_t s = 0; s < n; s++) {
        if (d->ns[s].kind == GD_NS_MATCH) {
            d->ndist[s] = 0;
            if (gd_reserve(a, (void **)&cur, &capcur, ncur, ncur + 1, sizeof *cur))
                goto out;
            cur[ncur++] = (uint32_t)s;
        }
    }
    /* layer k: process zero-weight predecessors within the layer, one-weight ones into k+1 */
    for (uint32_t k = 0; ncur > 0; k++) {
        while (ncur > 0) {
            uint32_t s = cur[--ncur];
            if (d->ndist[s] != k)
                continue;
            for (uint32_t e = off[s]; e < off[s + 1]; e++) {
                uint32_t p = pred[e] / 2u, w = pred[e] % 2u;
                if (w == 0 && d->ndist[p] > k) {
                    d->ndist[p] = k;
                    if (gd_reserve(a, (void **)&cur, &capcur, ncur, ncur + 1, sizeof *cur))
                        goto out;
                    cur[ncur++] = p;
                } else if (w == 1 && d->ndist[p] > k + 1u) {
                    d->ndist[p] = k + 1u;
                    if (gd_reserve(a, (void **)&next, &capnext, nnext, nnext + 1, sizeof *next))
                        goto out;
                    next[nnext++] = p;
                }
            }
        }
        uint32_t *t = cur;
        cur = next;
        next = t;
        size_t tc = capcur;
        capcur = capnext;
        capnext = tc;
        ncur = nnext;
        nnext = 0;
    }
    rc = 0;
out:
    gd_mfree(a, off);
    gd_mfree(a, pred);
    gd_mfree(a, cur);
    gd_mfree(a, next);
    return rc;
}

/* ---- closures ---------------------------------------------------------------------------------- */

static void closure_begin(gd_dfa *d)
{
    if (++d->gen == 0) {
        memset(d->mark, 0, d->nn * sizeof *d->mark);
        d->gen = 1;
    }
}

/* Returns -1 on out-of-memory. Stack holds states to expand; d->set collects members. */
static int closure_push(gd_dfa *d, size_t *nstack, int32_t s)
{
    if (s < 0 || d->mark[s] == d->gen || d->ndist[s] == GD_DIST_INF)
        return 0;
    d->mark[s] = d->gen;
    if (gd_reserve(d->a, (void **)&d->stack, &d->capstack, *nstack, *nstack + 1, sizeof *d->stack))
        return -1;
    d->stack[(*nstack)++] = s;
    return 0;
}

/* Expand the stack; returns the number of members in d->set, or -1. */
static long closure_run(gd_dfa *d, size_t nstack)
{
    size_t nset = 0;
    while (nstack > 0) {
        int32_t s = d->stack[--nstack];
        const gd_nstate q = d->ns[s];
        d->work++;
        switch (q.kind) {
        case GD_NS_RANGE:
        case GD_NS_MATCH:
            if (gd_reserve(d->a, (void **)&d->set, &d->capset, nset, nset + 1, sizeof *d->set))
                return -1;
            d->set[nset++] = s;
            break;
        case GD_NS_SPLIT:
            if (closure_push(d, &nstack, q.out2))
                return -1;
            /* fall through */
        default:
            if (closure_push(d, &nstack, q.out1))
                return -1;
            break;
        }
    }
    qsort(d->set, nset, sizeof *d->set, cmp_i32);
    return (long)nset;
}

/* ---- state table ------------------------------------------------------------------------------ */

static uint32_t hash_set(const int32_t *v, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint32_t)v[i];
        h *= 16777619u;
    }
    return h ^ (uint32_t)n;
}

static int rehash(gd_dfa *d, size_t cap)
{
    int32_t *h = gd_malloc(d->a, cap * sizeof *h);
    if (h == NULL)
        return -1;
    for (size_t i = 0; i < cap; i++)
        h[i] = -1;
    for (size_t s = 0; s < d->nst; s++) {
        size_t j = d->st[s].hash & (cap - 1);
        while (h[j] >= 0)
            j = (j + 1) & (cap - 1);
        h[j] = (int32_t)s;
    }
    gd_mfree(d->a, d->hash);
    d->hash = h;
    d->caphash = cap;
    return 0;
}

/* Find or add the state whose members are d->set[0..n-1]; -1 if it could not be added. */
static int32_t intern(gd_dfa *d, size_t n)
{
    uint32_t h = hash_set(d->set, n);
    size_t j = h & (d->caphash - 1);
    while (d->hash[j] >= 0) {
        const gd_dfa_state *st = &d->st[d->hash[j]];
        if (st->hash == h && st->mem_n == n && memcmp(d->mem + st->mem_off, d->set, n * sizeof *d->set) == 0)
            return d->hash[j];
        j = (j + 1) & (d->caphash - 1);
    }
    if (d->nst >= d->max_states || d->nmem + n > UINT32_MAX) {
        d->failed = GD_DFA_FULL;
        return -1;
    }
    if ((d->nst + 1) * 2 >= d->caphash) {
        if (rehash(d, d->caphash * 2) && d->nst + 2 >= d->caphash) {
            d->failed = GD_DFA_NOMEM;
            return -1;
        }
        j = h & (d->caphash - 1);
        while (d->hash[j] >= 0)
            j = (j + 1) & (d->caphash - 1);
    }
    if (gd_reserve(d->a, (void **)&d->st, &d->capst, d->nst, d->nst + 1, sizeof *d->st) ||
        gd_reserve(d->a, (void **)&d->mem, &d->capmem, d->nmem, d->nmem + n, sizeof *d->mem) ||
        gd_reserve(d->a, (void **)&d->trans, &d->captrans, d->nst * d->nclass, (d->nst + 1) * d->nclass,
                   sizeof *d->trans)) {
        d->failed = GD_DFA_NOMEM;
        return -1;
    }
    int32_t id = (int32_t)d->nst;
    gd_dfa_state *st = &d->st[id];
    st->mem_off = (uint32_t)d->nmem;
    st->mem_n = (uint32_t)n;
    st->hash = h;
    st->dist = GD_DIST_INF;
    st->accept = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t q = d->set[i];
        if (d->ndist[q] < st->dist)
            st->dist = d->ndist[q];
        if (d->ns[q].kind == GD_NS_MATCH)
            st->accept = 1;
    }
    memcpy(d->mem + d->nmem, d->set, n * sizeof *d->set);
    d->nmem += n;
    for (size_t c = 0; c < d->nclass; c++)
        d->trans[(size_t)id * d->nclass + c] = -2;
    d->nst++;
    d->hash[j] = id;
    return id;
}

/* ---- public ------------------------------------------------------------------------------------ */

int gd_dfa_init(gd_dfa *d, const gd_alloc_hooks *a, gd_nfa *m, int32_t start)
{
    memset(d, 0, sizeof *d);
    d->a = a;
    d->ns = m->s;
    d->nn = m->n;
    m->s = NULL;
    m->n = m->cap = 0;
    d->nfa_start = start;
    d->start = -1;
    d->work = m->work;
    d->work_limit = m->work_limit ? m->work_limit : GD_WORK_COMPILE;
    /* byte classes */
    uint8_t bnd[257];
    memset(bnd, 0, sizeof bnd);
    for (size_t s = 0; s < d->nn; s++) {
        if (d->ns[s].kind == GD_NS_RANGE) {
            bnd[d->ns[s].lo] = 1;
            bnd[(size_t)d->ns[s].hi + 1u] = 1;
        }
    }
    uint32_t c = 0;
    for (size_t b = 0; b < 256; b++) {
        if (b > 0 && bnd[b])
            c++;
        d->cls[b] = (uint8_t)c;
        if (b == 0 || bnd[b])
            d->rep[c] = (uint8_t)b;
    }
    d->nclass = c + 1u;
    d->max_states = GD_DFA_MAX_STATES;
    if (d->max_states > (64u << 20) / d->nclass)
        d->max_states = (64u << 20) / d->nclass;
    d->mark = gd_calloc(a, d->nn ? d->nn : 1, sizeof *d->mark);
    if (d->mark == NULL || compute_dist(d) || rehash(d, 64))
        return -1;
    if (d->work > d->work_limit) {
        d->failed = GD_DFA_WORK;
        return 2;
    }
    if (start < 0 || (size_t)start >= d->nn || d->ndist[start] == GD_DIST_INF)
        return 1;
    closure_begin(d);
    size_t nstack = 0;
    if (closure_push(d, &nstack, start))
        return -1;
    long n = closure_run(d, nstack);
    if (n < 0)
        return -1;
    if (n == 0)
        return 1;
    if (d->work > d->work_limit) {
        d->failed = GD_DFA_WORK;
        return 2;
    }
    d->start = intern(d, (size_t)n);
    return d->start < 0 ? -1 : 0;
}

void gd_dfa_release(gd_dfa *d)
{
    const gd_alloc_hooks *a = d->a;
    if (a == NULL)
        return;
    gd_mfree(a, d->ns);
    gd_mfree(a, d->ndist);
    gd_mfree(a, d->st);
    gd_mfree(a, d->trans);
    gd_mfree(a, d->mem);
    gd_mfree(a, d->hash);
    gd_mfree(a, d->mark);
    gd_mfree(a, d->stack);
    gd_mfree(a, d->set);
    memset(d, 0, sizeof *d);
}

int32_t gd_dfa_step(gd_dfa *d, int32_t s, uint8_t b)
{
    size_t c = d->cls[b];
    size_t slot = (size_t)s * d->nclass + c;
    int32_t t = d->trans[slot];
    if (t != -2)
        return t;
    if (d->work > d->work_limit) {
        d->failed = GD_DFA_WORK;
        return -1;
    }
    uint8_t rb = d->rep[c];
    closure_begin(d);
    size_t nstack = 0;
    const gd_dfa_state st = d->st[s];
    d->work += st.mem_n;
    for (uint32_t i = 0; i < st.mem_n; i++) {
        const gd_nstate *q = &d->ns[d->mem[st.mem_off + i]];
        if (q->kind == GD_NS_RANGE && q->lo <= rb && rb <= q->hi && closure_push(d, &nstack, q->out1)) {
            d->failed = GD_DFA_NOMEM;
            return -1;
        }
    }
    long n = closure_run(d, nstack);
    if (n < 0) {
        d->failed = GD_DFA_NOMEM;
        return -1;
    }
    if (d->work > d->work_limit) { /* this transition was the one too many: not kept */
        d->failed = GD_DFA_WORK;
        return -1;
    }
    t = n == 0 ? -1 : intern(d, (size_t)n);
    if (t < 0 && n != 0)
        return -1; /* not cached: out of states or memory */
    d->trans[slot] = t;
    return t;
}
