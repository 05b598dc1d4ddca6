/*
 * The vocabulary as a flat pre-order byte trie. Nodes are laid out in depth-first order with
 * the end of each subtree recorded (skip), so a walk is one forward scan that jumps over a
 * whole subtree as soon as the automaton dies on its first byte. Special tokens, EOS and empty
 * pieces are left out (they are never reachable through bytes).
 */
#include "engine/text/guided/guided_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *p;
    size_t len;
    int32_t id;
} entry;

static int cmp_entry(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->p, b->p, n) : 0;
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id ? 1 : 0;
}

typedef struct {
    const gd_alloc_hooks *a;
    gd_trie *t;
    size_t cap;
} builder;

static int add_node(builder *b, uint8_t label, uint32_t depth)
{
    gd_trie *t = b->t;
    size_t n = t->nnodes, cap;
    if (n >= UINT32_MAX - 1u)
        return -1;
    cap = b->cap;
    if (gd_reserve(b->a, (void **)&t->label, &cap, n, n + 2, sizeof *t->label))
        return -1;
    cap = b->cap;
    if (gd_reserve(b->a, (void **)&t->depth, &cap, n, n + 2, sizeof *t->depth))
        return -1;
    cap = b->cap;
    if (gd_reserve(b->a, (void **)&t->skip, &cap, n, n + 2, sizeof *t->skip))
        return -1;
    cap = b->cap;
    if (gd_reserve(b->a, (void **)&t->tok_off, &cap, n, n + 2, sizeof *t->tok_off))
        return -1;
    b->cap = cap;
    t->label[n] = label;
    t->depth[n] = depth;
    t->skip[n] = 0;
    t->tok_off[n] = (uint32_t)t->ntok;
    t->nnodes = n + 1;
    return 0;
}

int gd_trie_build(gd_trie *t, const gd_alloc_hooks *a, const gd_vocab *v)
{
    memset(t, 0, sizeof *t);
    entry *e = gd_malloc(a, (v->n ? v->n : 1) * sizeof *e);
    uint32_t *path = NULL;
    int rc = -1;
    if (e == NULL)
        return -1;
    size_t ne = 0, maxlen = 0;
    for (size_t i = 0; i < v->n; i++) {
        if ((int64_t)i == (int64_t)v->eos_id || (v->is_special && v->is_special[i]))
            continue;
        if (v->piece[i] == NULL || v->piece_len[i] == 0 || v->piece_len[i] >= UINT32_MAX)
            continue;
        e[ne].p = (const uint8_t *)v->piece[i];
        e[ne].len = v->piece_len[i];
        e[ne].id = (int32_t)i;
        if (e[ne].len > maxlen)
            maxlen = e[ne].len;
        ne++;
    }
    qsort(e, ne, sizeof *e, cmp_entry);
    t->tok = gd_malloc(a, (ne ? ne : 1) * sizeof *t->tok);
    path = gd_malloc(a, (maxlen + 1) * sizeof *path);
    builder b = {a, t, 0};
    if (t->tok == NULL || path == NULL || add_node(&b, 0, 0))
        goto out;
    path[0] = 0;
    size_t depth = 0;
    for (size_t i = 0; i < ne; i++) {
        size_t lcp = 0;
        if (i > 0) {
            size_t lim = e[i - 1].len < e[i].len ? e[i - 1].len : e[i].len;
            while (lcp < lim && e[i - 1].p[lcp] == e[i].p[lcp])
                lcp++;
        }
        if (lcp > depth)
            lcp = depth;
        for (; depth > lcp; depth--)
            t->skip[path[depth]] = (uint32_t)t->nnodes;
        for (; depth < e[i].len; depth++) {
            path[depth + 1] = (uint32_t)t->nnodes;
            if (add_node(&b, e[i].p[depth], (uint32_t)(depth + 1)))
                goto out;
        }
        t->tok[t->ntok++] = e[i].id;
    }
    for (; depth > 0; depth--)
        t->skip[path[depth]] = (uint32_t)t->nnodes;
    t->skip[0] = (uint32_t)t->nnodes;
    t->tok_off[t->nnodes] = (uint32_t)t->ntok; /* sentinel (room was reserved) */
    t->max_depth = (uint32_t)maxlen;
    rc = 0;
out:
    gd_mfree(a, e);
    gd_mfree(a, path);
    if (rc)
        gd_trie_release(t, a);
    return rc;
}

void gd_trie_release(gd_trie *t, const gd_alloc_hooks *a)
{
    gd_mfree(a, t->label);
    gd_mfree(a, t->depth);
    gd_mfree(a, t->skip);
    gd_mfree(a, t->tok_off);
    gd_mfree(a, t->tok);
    memset(t, 0, sizeof *t);
}
