/*
 * The gd_constraint object: creation from a compiled NFA and the per-step API the engine calls
 * (gd_reset, gd_allowed, gd_advance, gd_complete, gd_min_remaining), at the constraint's own
 * position or at a gd_cursor. A constraint is used by one request at a time (not thread-safe);
 * it keeps a pointer to the vocabulary, which must outlive it.
 */
#include "engine/text/guided/guided_internal.h"

#include "util/err.h"

#include <string.h>

int gd_check_args(gd_alloc_hooks *out, const gd_alloc_hooks *a, const gd_vocab *v, const char *kind,
                  const char *param_name, genapi_error *err)
{
    if (gd_hooks_resolve(out, a)) {
        ga_err(err, GENAPI_E_INVALID_ARG, param_name,
               "%s: allocator hooks must set both malloc_fn and free_fn", kind);
        return -1;
    }
    if (v == NULL || v->n == 0 || v->n > (size_t)INT32_MAX || v->piece == NULL || v->piece_len == NULL) {
        ga_err(err, GENAPI_E_INVALID_ARG, param_name, "%s: no vocabulary", kind);
        return -1;
    }
    return 0;
}

/* The error of a constraint that needed more than `limit` units of work. */
static void work_error(const char *kind, const char *param_name, uint64_t limit, genapi_error *err)
{
    ga_err(err, GENAPI_E_INVALID_ARG, param_name,
           "%s: the constraint is too complex (its automaton needs more than %llu units of work%s); simplify it",
           kind, (unsigned long long)limit, limit == GD_WORK_COMPILE ? " to compile" : "");
}

gd_constraint *gd_build_error(const gd_nfa *m, const char *kind, const char *param_name, genapi_error *err)
{
    if (m->failed == GD_NFA_NOMEM)
        ga_err(err, GENAPI_E_NOMEM, param_name, "%s: out of memory", kind);
    else if (m->failed == GD_NFA_TOO_MUCH_WORK)
        work_error(kind, param_name, m->work_limit, err);
    else
        ga_err(err, GENAPI_E_INVALID_ARG, param_name,
               "%s: the constraint is too large to compile (over %zu automaton states)", kind, m->limit);
    return NULL;
}

gd_constraint *gd_constraint_from_nfa(const gd_alloc_hooks *a, const gd_vocab *v, gd_nfa *m, gd_frag f,
                                      const char *kind, const char *empty_msg, const char *param_name,
                                      genapi_error *err)
{
    int32_t start = gd_nfa_finish(m, f);
    if (start < 0) {
        gd_build_error(m, kind, param_name, err);
        gd_nfa_release(m);
        return NULL;
    }
    gd_constraint *c = gd_calloc(a, 1, sizeof *c);
    if (c == NULL) {
        gd_nfa_release(m);
        ga_err(err, GENAPI_E_NOMEM, param_name, "%s: out of memory", kind);
        return NULL;
    }
    c->hooks = *a;
    c->vocab = v;
    c->kind = kind;
    if (param_name) {
        size_t pl = strlen(param_name);
        if (pl >= sizeof c->param)
            pl = sizeof c->param - 1;
        memcpy(c->param, param_name, pl);
    }
    gd_mask_init(c);
    int r = gd_dfa_init(&c->dfa, &c->hooks, m, start);
    if (r == 1) {
        ga_err(err, GENAPI_E_INVALID_ARG, param_name, "%s: %s", kind, empty_msg);
        gd_free(c);
        return NULL;
    }
    if (r == 2) {
        work_error(kind, param_name, c->dfa.work_limit, err);
        gd_free(c);
        return NULL;
    }
    if (r != 0 || gd_trie_build(&c->trie, &c->hooks, v)) {
        ga_err(err, GENAPI_E_NOMEM, param_name, "%s: out of memory", kind);
        gd_free(c);
        return NULL;
    }
    c->scratch = gd_malloc(&c->hooks, v->n * sizeof *c->scratch);
    c->walk = gd_malloc(&c->hooks, ((size_t)c->trie.max_depth + 1u) * sizeof *c->walk);
    if (c->scratch == NULL || c->walk == NULL) {
        ga_err(err, GENAPI_E_NOMEM, param_name, "%s: out of memory", kind);
        gd_free(c);
        return NULL;
    }
    gd_cursor_start(c, &c->pos);
    /* The allowed tokens at the start are needed by the first step of every output: computing
     * them here puts the automaton's first and often largest piece of work under compilation,
     * so that a constraint too complex to start is refused before anything is generated. */
    uint8_t *mask = gd_malloc(&c->hooks, v->n);
    if (mask == NULL) {
        ga_err(err, GENAPI_E_NOMEM, param_name, "%s: out of memory", kind);
        gd_free(c);
        return NULL;
    }
    gd_mask_fill(c, c->dfa.start, mask);
    gd_mfree(&c->hooks, mask);
    if (gd_status(c, err) != GENAPI_OK) {
        gd_free(c);
        return NULL;
    }
    c->dfa.work_limit = GD_WORK_BUDGET; /* the generation may build the rest */
    return c;
}

genapi_status gd_status(const gd_constraint *c, genapi_error *err)
{
    const char *kind = c->kind ? c->kind : "guided decoding";
    const char *param = c->param[0] ? c->param : NULL;
    switch (c->dfa.failed) {
    case GD_DFA_OK:
        return GENAPI_OK;
    case GD_DFA_WORK:
        work_error(kind, param, c->dfa.work_limit, err);
        return GENAPI_E_INVALID_ARG;
    case GD_DFA_FULL:
        return ga_err(err, GENAPI_E_INVALID_ARG, param,
                      "%s: the constraint is too large (its automaton needs more than %zu states); simplify it", kind,
                      c->dfa.max_states);
    default:
        return ga_err(err, GENAPI_E_NOMEM, param, "%s: out of memory", kind);
    }
}

void gd_free(gd_constraint *c)
{
    if (c == NULL)
        return;
    gd_alloc_hooks h = c->hooks;
    gd_mask_cache_release(c);
    gd_trie_release(&c->trie, &h);
    gd_dfa_release(&c->dfa);
    gd_mfree(&h, c->scratch);
    gd_mfree(&h, c->walk);
    gd_mfree(&h, c);
}

void gd_cursor_start(const gd_constraint *c, gd_cursor *cur)
{
    cur->state = c->dfa.start;
    cur->finished = 0;
}

size_t gd_cursor_allowed(gd_constraint *c, const gd_cursor *cur, uint8_t *mask)
{
    if (cur->finished) {
        memset(mask, 0, c->vocab->n);
        return 0;
    }
    return gd_mask_fill(c, cur->state, mask);
}

/* State after the bytes of `token` from `cur`; -1 if not allowed, -2 for EOS. */
static int32_t token_target(gd_constraint *c, const gd_cursor *cur, int32_t token)
{
    const gd_vocab *v = c->vocab;
    if (cur->finished || token < 0 || (size_t)token >= v->n)
        return -1;
    if (token == v->eos_id)
        return c->dfa.st[cur->state].accept ? -2 : -1;
    if ((v->is_special && v->is_special[token]) || v->piece[token] == NULL || v->piece_len[token] == 0)
        return -1;
    const uint8_t *p = (const uint8_t *)v->piece[token];
    int32_t s = cur->state;
    for (size_t i = 0; i < v->piece_len[token] && s >= 0; i++)
        s = gd_dfa_step_fast(&c->dfa, s, p[i]);
    return s;
}

int gd_cursor_advance(gd_constraint *c, gd_cursor *cur, int32_t token)
{
    int32_t s = token_target(c, cur, token);
    if (s == -1)
        return -1;
    if (s == -2)
        cur->finished = 1;
    else
        cur->state = s;
    return 0;
}

int gd_cursor_complete(const gd_constraint *c, const gd_cursor *cur)
{
    return cur->finished || c->dfa.st[cur->state].accept;
}

size_t gd_cursor_min_remaining(const gd_constraint *c, const gd_cursor *cur)
{
    return cur->finished ? 0 : (size_t)c->dfa.st[cur->state].dist;
}

size_t gd_cursor_min_remaining_after(gd_constraint *c, const gd_cursor *cur, int32_t token)
{
    int32_t s = token_target(c, cur, token);
    if (s == -1)
        return SIZE_MAX;
    return s == -2 ? 0 : (size_t)c->dfa.st[s].dist;
}

/* The constraint's own position. */
void gd_reset(gd_constraint *c) { gd_cursor_start(c, &c->pos); }

size_t gd_allowed(gd_constraint *c, uint8_t *mask) { return gd_cursor_allowed(c, &c->pos, mask); }

int gd_advance(gd_constraint *c, int32_t token) { return gd_cursor_advance(c, &c->pos, token); }

int gd_complete(const gd_constraint *c) { return gd_cursor_complete(c, &c->pos); }

size_t gd_min_remaining(const gd_constraint *c) { return gd_cursor_min_remaining(c, &c->pos); }

size_t gd_min_remaining_after(gd_constraint *c, int32_t token)
{
    return gd_cursor_min_remaining_after(c, &c->pos, token);
}

void gd_get_stats(const gd_constraint *c, gd_stats *out)
{
    memset(out, 0, sizeof *out);
    out->nfa_states = c->dfa.nn;
    out->dfa_states = c->dfa.nst;
    for (size_t i = 0; i < c->capcache; i++)
        out->masks_cached += c->cache[i].kind != 0;
    out->mask_cache_bytes = c->cache_bytes;
    out->masks_computed = c->n_mask_computed;
    out->mask_cache_hits = c->n_mask_hits;
    out->dfa_overflow = c->dfa.failed;
}
