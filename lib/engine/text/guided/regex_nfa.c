/*
 * Regex AST -> NFA fragment. Repetition re-emits the child for every copy (a fragment has a
 * single exit, so it cannot be shared). With GD_RX_JSON_STRING every character set is first
 * intersected with the characters a JSON string holds unescaped.
 */
#include "engine/text/guided/guided_internal.h"

#include <string.h>

typedef struct {
    gd_nfa *m;
    const gd_cpset *restrict_to; /* NULL: no restriction */
} rx_build;

static gd_frag build(rx_build *b, const gd_rx_node *n);

typedef struct {
    rx_build *b;
    const gd_rx_node *n;
} rep_ctx;

static gd_frag rep_builder(gd_nfa *m, void *ctx)
{
    rep_ctx *r = ctx;
    (void)m;
    return build(r->b, r->n);
}

static gd_frag build_set(rx_build *b, const gd_cpset *s)
{
    if (b->restrict_to == NULL)
        return gd_nfa_cpset(b->m, s);
    gd_cpset t = {0};
    gd_frag f = {-1, -1};
    if (gd_cpset_add_set(b->m->a, &t, s) || gd_cpset_intersect(b->m->a, &t, b->restrict_to))
        b->m->failed = GD_NFA_NOMEM;
    else
        f = gd_nfa_cpset(b->m, &t);
    gd_cpset_free(b->m->a, &t);
    return f;
}

static gd_frag build(rx_build *b, const gd_rx_node *n)
{
    gd_nfa *m = b->m;
    switch (n->kind) {
    case GD_RX_EMPTY:
        return gd_nfa_empty(m);
    case GD_RX_SET:
        return build_set(b, &n->set);
    case GD_RX_CAT: {
        gd_frag f = gd_nfa_empty(m);
        for (size_t i = 0; i < n->nkid && gd_frag_ok(f); i++)
            f = gd_nfa_cat(m, f, build(b, n->kid[i]));
        return f;
    }
    case GD_RX_ALT: {
        gd_frag f = GD_FRAG_NONE;
        for (size_t i = 0; i < n->nkid && !m->failed; i++)
            f = gd_nfa_alt(m, f, build(b, n->kid[i]));
        return f.in == -2 ? gd_nfa_fail(m) : f;
    }
    case GD_RX_REP: {
        rep_ctx r = {b, n->kid[0]};
        return gd_nfa_repeat(m, rep_builder, &r, n->min, n->max);
    }
    }
    return (gd_frag){-1, -1};
}

gd_frag gd_regex_build(gd_nfa *m, const char *pattern, size_t len, unsigned flags, char *msg,
                       size_t msgcap)
{
    gd_arena ar;
    gd_arena_init(&ar, m->a);
    gd_cpset strchars = {0};
    gd_frag res = {-1, -1};
    int nomem = 0;
    gd_rx_node *root = gd_regex_parse(&ar, pattern, len, msg, msgcap, &nomem);
    if (root == NULL) {
        if (nomem)
            m->failed = GD_NFA_NOMEM;
        goto out;
    }
    rx_build b = {m, NULL};
    if (flags & GD_RX_JSON_STRING) {
        if (gd_cpset_json_string_chars(m->a, &strchars)) {
            m->failed = GD_NFA_NOMEM;
            goto out;
        }
        b.restrict_to = &strchars;
    }
    res = build(&b, root);
out:
    gd_cpset_free(m->a, &strchars);
    gd_arena_free(&ar);
    return m->failed ? (gd_frag){-1, -1} : res;
}
