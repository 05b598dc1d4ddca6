/*
 * Allowed-token masks. For a DFA state, the allowed tokens are those whose bytes can all be
 * consumed without reaching the dead state. They are found by walking the flat vocabulary trie
 * together with the DFA (one DFA step per live trie node, whole subtrees skipped on death), and
 * cached per DFA state: as an id list when few tokens are allowed, as a bitset otherwise. EOS is
 * added separately (allowed iff the state is accepting); special tokens never appear.
 */
#include "engine/text/guided/guided_internal.h"

#include <string.h>

#define GD_MASK_CACHE_MAX_BYTES ((size_t)256 << 20)

enum { MASK_NONE = 0, MASK_LIST = 1, MASK_BITS = 2 };

/* Collect the allowed tokens of DFA state s into c->scratch; returns how many. */
static size_t walk(gd_constraint *c, int32_t s)
{
    const gd_trie *t = &c->trie;
    gd_dfa *d = &c->dfa;
    int32_t *w = c->walk;
    int32_t *out = c->scratch;
    size_t n = 0;
    w[0] = s;
    const size_t nn = t->nnodes;
    size_t i = 1;
    while (i < nn) {
        int32_t nx = gd_dfa_step_fast(d, w[t->depth[i] - 1u], t->label[i]);
        if (nx < 0) {
            i = t->skip[i];
            continue;
        }
        w[t->depth[i]] = nx;
        for (uint32_t k = t->tok_off[i]; k < t->tok_off[i + 1]; k++)
            out[n++] = t->tok[k];
        i++;
    }
    return n;
}

static int ensure_cache(gd_constraint *c, size_t nstates)
{
    if (nstates <= c->capcache)
        return 0;
    size_t old = c->capcache;
    if (gd_reserve(&c->hooks, (void **)&c->cache, &c->capcache, old, nstates, sizeof *c->cache))
        return -1;
    memset(c->cache + old, 0, (c->capcache - old) * sizeof *c->cache);
    return 0;
}

/* Store the walk result for state s; returns 0, or -1 if it was not cached. */
static int store(gd_constraint *c, int32_t s, size_t n)
{
    size_t nv = c->vocab->n;
    if (ensure_cache(c, (size_t)s + 1))
        return -1;
    gd_mask_entry *e = &c->cache[s];
    size_t list_bytes = n * sizeof(int32_t), bits_bytes = (nv + 63) / 64 * sizeof(uint64_t);
    size_t bytes = list_bytes < bits_bytes ? list_bytes : bits_bytes;
    if (c->cache_bytes + bytes > GD_MASK_CACHE_MAX_BYTES)
        return -1;
    void *data = gd_malloc(&c->hooks, bytes);
    if (data == NULL)
        return -1;
    if (list_bytes < bits_bytes) {
        memcpy(data, c->scratch, list_bytes);
        e->kind = MASK_LIST;
    } else {
        uint64_t *bits = data;
        memset(bits, 0, bits_bytes);
        for (size_t i = 0; i < n; i++) {
            uint32_t id = (uint32_t)c->scratch[i];
            bits[id / 64] |= (uint64_t)1 << (id % 64);
        }
        e->kind = MASK_BITS;
    }
    e->data = data;
    e->count = (uint32_t)n;
    c->cache_bytes += bytes;
    return 0;
}

void gd_mask_init(gd_constraint *c)
{
    for (unsigned b = 0; b < 256; b++) {
        uint8_t bytes[8];
        for (unsigned j = 0; j < 8; j++)
            bytes[j] = (uint8_t)((b >> j) & 1u);
        memcpy(&c->spread[b], bytes, 8);
    }
}

/* Bitset -> one byte per token, 8 tokens per table lookup. */
static void expand_bits(const gd_constraint *c, const uint64_t *bits, size_t nv, uint8_t *mask)
{
    size_t nw = nv / 64;
    for (size_t wi = 0; wi < nw; wi++) {
        uint64_t x = bits[wi];
        uint8_t *m = mask + wi * 64;
        if (x == 0) {
            memset(m, 0, 64);
            continue;
        }
        for (int j = 0; j < 8; j++)
            memcpy(m + 8 * j, &c->spread[(x >> (8 * j)) & 0xFFu], 8);
    }
    for (size_t i = nw * 64; i < nv; i++)
        mask[i] = (uint8_t)((bits[i / 64] >> (i % 64)) & 1u);
}

size_t gd_mask_fill(gd_constraint *c, int32_t s, uint8_t *mask)
{
    const gd_vocab *v = c->vocab;
    size_t nv = v->n;
    size_t count;
    gd_mask_entry *e = ((size_t)s < c->capcache) ? &c->cache[s] : NULL;
    if (e == NULL || e->kind == MASK_NONE) {
        int failed_before = c->dfa.failed;
        size_t n = walk(c, s);
        c->n_mask_computed++;
        if (failed_before || c->dfa.failed || store(c, s, n)) {
            memset(mask, 0, nv);
            for (size_t i = 0; i < n; i++)
                mask[c->scratch[i]] = 1;
            count = n;
            goto eos;
        }
        e = &c->cache[s];
    } else {
        c->n_mask_hits++;
    }
    if (e->kind == MASK_LIST) {
        const int32_t *ids = e->data;
        memset(mask, 0, nv);
        for (uint32_t i = 0; i < e->count; i++)
            mask[ids[i]] = 1;
    } else {
        expand_bits(c, e->data, nv, mask);
    }
    count = e->count;
eos:
    if (v->eos_id >= 0 && (size_t)v->eos_id < nv) {
        mask[v->eos_id] = c->dfa.st[s].accept;
        count += c->dfa.st[s].accept;
    }
    return count;
}

void gd_mask_cache_release(gd_constraint *c)
{
    for (size_t i = 0; i < c->capcache; i++)
        gd_mfree(&c->hooks, c->cache[i].data);
    gd_mfree(&c->hooks, c->cache);
    c->cache = NULL;
    c->capcache = 0;
    c->cache_bytes = 0;
}
