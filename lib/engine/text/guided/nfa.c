/*
 * Thompson NFA over bytes. Fragments have one entry and one exit (an EPS state whose out1 is
 * patched by the next construction), so front ends compose them like regex operators. Every
 * state is an index into one growable array; a failed allocation, the state cap or the work
 * budget sets m->failed and makes every later construction return {-1,-1}.
 */
#include "engine/text/guided/guided_internal.h"

#include <stdlib.h>
#include <string.h>

void gd_nfa_init(gd_nfa *m, const gd_alloc_hooks *a, size_t limit)
{
    memset(m, 0, sizeof *m);
    m->a = a;
    m->limit = limit ? limit : GD_NFA_MAX_STATES;
    m->work_limit = GD_WORK_COMPILE;
}

void gd_nfa_release(gd_nfa *m)
{
    gd_mfree(m->a, m->s);
    m->s = NULL;
    m->n = m->cap = 0;
}

int32_t gd_nfa_add(gd_nfa *m, uint8_t kind, uint8_t lo, uint8_t hi, int32_t out1, int32_t out2)
{
    if (m->failed)
        return -1;
    if (m->n >= m->limit || m->n >= (size_t)INT32_MAX) {
        m->failed = GD_NFA_TOO_BIG;
        return -1;
    }
    if (++m->work > m->work_limit) {
        m->failed = GD_NFA_TOO_MUCH_WORK;
        return -1;
    }
    if (gd_reserve(m->a, (void **)&m->s, &m->cap, m->n, m->n + 1, sizeof *m->s)) {
        m->failed = GD_NFA_NOMEM;
        return -1;
    }
    gd_nstate *s = &m->s[m->n];
    s->kind = kind;
    s->lo = lo;
    s->hi = hi;
    s->out1 = out1;
    s->out2 = out2;
    return (int32_t)m->n++;
}

void gd_nfa_link(gd_nfa *m, int32_t from, int32_t to)
{
    if (from < 0 || to < 0 || m->failed)
        return;
    m->s[from].out1 = to;
}

int gd_frag_ok(gd_frag f)
{
    return f.in >= 0 && f.out >= 0;
}

static const gd_frag bad = {-1, -1};

gd_frag gd_nfa_empty(gd_nfa *m)
{
    int32_t e = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    return e < 0 ? bad : (gd_frag){e, e};
}

gd_frag gd_nfa_fail(gd_nfa *m)
{
    int32_t i = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    int32_t o = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    return (i < 0 || o < 0) ? bad : (gd_frag){i, o};
}

gd_frag gd_nfa_range(gd_nfa *m, uint8_t lo, uint8_t hi)
{
    int32_t o = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    int32_t r = gd_nfa_add(m, GD_NS_RANGE, lo, hi, o, -1);
    return (o < 0 || r < 0) ? bad : (gd_frag){r, o};
}

gd_frag gd_nfa_bytes(gd_nfa *m, const void *bytes, size_t n)
{
    const uint8_t *b = bytes;
    int32_t o = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    int32_t next = o;
    for (size_t i = n; i-- > 0 && next >= 0;)
        next = gd_nfa_add(m, GD_NS_RANGE, b[i], b[i], next, -1);
    return (o < 0 || next < 0) ? bad : (gd_frag){next, o};
}

gd_frag gd_nfa_str(gd_nfa *m, const char *s)
{
    return gd_nfa_bytes(m, s, strlen(s));
}

gd_frag gd_nfa_cat(gd_nfa *m, gd_frag a, gd_frag b)
{
    if (!gd_frag_ok(a) || !gd_frag_ok(b) || m->failed)
        return bad;
    gd_nfa_link(m, a.out, b.in);
    return (gd_frag){a.in, b.out};
}

gd_frag gd_nfa_alt(gd_nfa *m, gd_frag a, gd_frag b)
{
    if (a.in == -2)
        return b;
    if (!gd_frag_ok(a) || !gd_frag_ok(b) || m->failed)
        return bad;
    int32_t s = gd_nfa_add(m, GD_NS_SPLIT, 0, 0, a.in, b.in);
    if (s < 0)
        return bad;
    gd_nfa_link(m, b.out, a.out);
    return (gd_frag){s, a.out};
}

gd_frag gd_nfa_opt(gd_nfa *m, gd_frag a)
{
    return gd_nfa_alt(m, a, gd_nfa_empty(m));
}

gd_frag gd_nfa_star(gd_nfa *m, gd_frag a)
{
    if (!gd_frag_ok(a) || m->failed)
        return bad;
    int32_t o = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    int32_t s = gd_nfa_add(m, GD_NS_SPLIT, 0, 0, a.in, o);
    if (o < 0 || s < 0)
        return bad;
    gd_nfa_link(m, a.out, s);
    return (gd_frag){s, o};
}

typedef struct {
    gd_nfa *m;
    gd_frag acc;
} seq_ctx;

static int add_sequence(void *ctx, const uint8_t *blo, const uint8_t *bhi, int len)
{
    seq_ctx *c = ctx;
    int32_t o = gd_nfa_add(c->m, GD_NS_EPS, 0, 0, -1, -1);
    int32_t next = o;
    for (int i = len; i-- > 0 && next >= 0;)
        next = gd_nfa_add(c->m, GD_NS_RANGE, blo[i], bhi[i], next, -1);
    if (o < 0 || next < 0)
        return -1;
    c->acc = gd_nfa_alt(c->m, c->acc, (gd_frag){next, o});
    return gd_frag_ok(c->acc) ? 0 : -1;
}

gd_frag gd_nfa_cpset(gd_nfa *m, const gd_cpset *s)
{
    seq_ctx c = {m, GD_FRAG_NONE};
    for (size_t i = 0; i < s->n; i++)
        if (gd_utf8_sequences(s->r[i].lo, s->r[i].hi, add_sequence, &c))
            return bad;
    return c.acc.in == -2 ? gd_nfa_fail(m) : c.acc;
}

gd_frag gd_nfa_repeat(gd_nfa *m, gd_frag_builder b, void *ctx, int64_t min, int64_t max)
{
    if (max >= 0 && min > max)
        return gd_nfa_fail(m);
    gd_frag r = gd_nfa_empty(m);
    for (int64_t i = 0; i < min && gd_frag_ok(r); i++)
        r = gd_nfa_cat(m, r, b(m, ctx));
    if (max < 0)
        return gd_nfa_cat(m, r, gd_nfa_star(m, b(m, ctx)));
    /* optional copies nested as (x(x(x)?)?)? so there is one way to match each count */
    gd_frag t = GD_FRAG_NONE;
    for (int64_t i = min; i < max && !m->failed; i++) {
        gd_frag x = b(m, ctx);
        if (t.in != -2)
            x = gd_nfa_cat(m, x, t);
        t = gd_nfa_opt(m, x);
    }
    return t.in == -2 ? r : gd_nfa_cat(m, r, t);
}

/* ---- length limit: product of a fragment with a character counter ---------------------------- */

static int32_t find_local(const int32_t *sorted, size_t n, int32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < n && sorted[lo] == id) ? (int32_t)lo : -1;
}

static int cmp_i32(const void *x, const void *y)
{
    int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
    return p < q ? -1 : p > q ? 1 : 0;
}

gd_frag gd_nfa_len_limit(gd_nfa *m, gd_frag f, int64_t min, int64_t max)
{
    if (!gd_frag_ok(f) || m->failed)
        return bad;
    if (max >= 0 && min > max)
        return gd_nfa_fail(m);
    const gd_alloc_hooks *a = m->a;
    gd_frag res = bad;
    uint8_t *seen = gd_calloc(a, m->n / 8 + 1, 1);
    int32_t *sub = NULL, *stack = NULL, *ids = NULL, *work = NULL;
    size_t nsub = 0, capsub = 0, nstack = 0, capstack = 0, nwork = 0, capwork = 0;
    if (seen == NULL)
        goto nomem;
    /* states of f */
    if (gd_reserve(a, (void **)&stack, &capstack, 0, 16, sizeof *stack))
        goto nomem;
    stack[nstack++] = f.in;
    seen[(size_t)f.in / 8] |= (uint8_t)(1u << ((uint32_t)f.in % 8u));
    while (nstack) {
        int32_t q = stack[--nstack];
        if (gd_reserve(a, (void **)&sub, &capsub, nsub, nsub + 1, sizeof *sub))
            goto nomem;
        sub[nsub++] = q;
        int32_t outs[2] = {m->s[q].out1, m->s[q].kind == GD_NS_SPLIT ? m->s[q].out2 : -1};
        for (int i = 0; i < 2; i++) {
            int32_t t = outs[i];
            if (t < 0 || ((unsigned)seen[(size_t)t / 8] >> ((uint32_t)t % 8u)) & 1u)
                continue;
            seen[(size_t)t / 8] |= (uint8_t)(1u << ((uint32_t)t % 8u));
            if (gd_reserve(a, (void **)&stack, &capstack, nstack, nstack + 1, sizeof *stack))
                goto nomem;
            stack[nstack++] = t;
        }
    }
    qsort(sub, nsub, sizeof *sub, cmp_i32);
    uint64_t K = (uint64_t)(max >= 0 ? max : min);
    if ((uint64_t)nsub * (K + 1u) > m->limit) {
        m->failed = GD_NFA_TOO_BIG;
        goto out;
    }
    size_t nid = nsub * (size_t)(K + 1u);
    ids = gd_malloc(a, nid * sizeof *ids);
    if (ids == NULL)
        goto nomem;
    for (size_t i = 0; i < nid; i++)
        ids[i] = -1;
    int32_t exit_state = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    int32_t in_local = find_local(sub, nsub, f.in);
    int32_t start = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    if (exit_state < 0 || start < 0)
        goto out;
    ids[(size_t)in_local * (K + 1u)] = start;
    /* work items: local index * (K+1) + k */
    if (gd_reserve(a, (void **)&work, &capwork, 0, 16, sizeof *work))
        goto nomem;
    work[nwork++] = (int32_t)((size_t)in_local * (K + 1u));
    while (nwork && !m->failed) {
        size_t key = (size_t)work[--nwork];
        size_t ql = key / (K + 1u);
        uint64_t k = key % (K + 1u);
        int32_t q = sub[ql];
        int32_t me = ids[key];
        gd_nstate old = m->s[q];
        int32_t targets[2] = {old.out1, old.kind == GD_NS_SPLIT ? old.out2 : -1};
        uint64_t k2 = k;
        int drop = 0;
        if (old.kind == GD_NS_RANGE && !(old.lo >= 0x80u && old.hi <= 0xBFu)) {
            k2 = k + 1u;
            if (k2 > K) {
                if (max >= 0)
                    drop = 1;
                else
                    k2 = K;
            }
        }
        int32_t newt[2] = {-1, -1};
        for (int i = 0; i < 2; i++) {
            if (targets[i] < 0 || drop)
                continue;
            int32_t tl = find_local(sub, nsub, targets[i]);
            size_t tkey = (size_t)tl * (K + 1u) + (size_t)k2;
            if (ids[tkey] < 0) {
                ids[tkey] = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
                if (ids[tkey] < 0)
                    goto out;
                if (gd_reserve(a, (void **)&work, &capwork, nwork, nwork + 1, sizeof *work))
                    goto nomem;
                work[nwork++] = (int32_t)tkey;
            }
            newt[i] = ids[tkey];
        }
        gd_nstate *ns = &m->s[me];
        ns->kind = old.kind;
        ns->lo = old.lo;
        ns->hi = old.hi;
        ns->out1 = newt[0];
        ns->out2 = newt[1];
        if (q == f.out && k >= (uint64_t)min) {
            ns->kind = GD_NS_EPS;
            ns->out1 = exit_state;
        }
    }
    if (!m->failed)
        res = (gd_frag){start, exit_state};
    goto out;
nomem:
    m->failed = GD_NFA_NOMEM;
out:
    gd_mfree(a, seen);
    gd_mfree(a, sub);
    gd_mfree(a, stack);
    gd_mfree(a, ids);
    gd_mfree(a, work);
    return res;
}

int32_t gd_nfa_finish(gd_nfa *m, gd_frag f)
{
    if (!gd_frag_ok(f) || m->failed)
        return -1;
    int32_t match = gd_nfa_add(m, GD_NS_MATCH, 0, 0, -1, -1);
    gd_nfa_link(m, f.out, match);
    return m->failed ? -1 : f.in;
}
