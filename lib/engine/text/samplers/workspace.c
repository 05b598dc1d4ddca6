/*
 * Workspace: every scratch buffer of a step, carved out of one allocation made through the
 * caller's hooks, so gsamp_sample never allocates.
 */
#include "engine/text/samplers/samplers_internal.h"

#include <stdlib.h>

static void *default_alloc(size_t n, void *user)
{
    (void)user;
    return malloc(n);
}

static void default_free(void *p, void *user)
{
    (void)user;
    free(p);
}

/* Lays the buffers out from base (NULL: only measures); returns the bytes needed. */
static size_t layout(gsamp_workspace *ws, unsigned char *base, size_t nv)
{
    size_t off = 0;
#define CARVE(field, count)                                                                   \
    do {                                                                                      \
        off = (off + 63u) & ~(size_t)63u;                                                     \
        if (base)                                                                             \
            ws->field = (void *)(base + off);                                                 \
        off += (size_t)(count) * sizeof *ws->field;                                           \
    } while (0)
    const size_t nblk = (nv + GSI_BLOCK - 1) / GSI_BLOCK;
    const size_t ndraw = (nv + GSI_DRAW_BLOCK - 1) / GSI_DRAW_BLOCK;
    CARVE(id, nv);
    CARVE(lg, nv);
    CARVE(bmax, nblk + 1);
    CARVE(w, nv);
    CARVE(fkey, nv);
    CARVE(k1, nv);
    CARVE(k2, nv);
    CARVE(i1, nv);
    CARVE(i2, nv);
    CARVE(bkt, nv);
    CARVE(bmass, GSI_NBUCKETS);
    CARVE(hist, 3 * GSI_RADIX_SIZE);
    CARVE(dsum, ndraw + 1);
    CARVE(tok, nv);
    CARVE(touched, nv);
#undef CARVE
    return off;
}

gsamp_workspace *gsamp_workspace_new(size_t n_vocab, void *(*alloc_fn)(size_t, void *),
                                     void (*free_fn)(void *, void *), void *user)
{
    if (n_vocab == 0 || n_vocab > (size_t)INT32_MAX)
        return NULL;
    if (!alloc_fn || !free_fn) {
        alloc_fn = default_alloc;
        free_fn = default_free;
        user = NULL;
    }
    gsamp_workspace tmp;
    memset(&tmp, 0, sizeof tmp);
    size_t bytes = layout(&tmp, NULL, n_vocab);
    gsamp_workspace *ws = alloc_fn(sizeof *ws, user);
    if (!ws)
        return NULL;
    memset(ws, 0, sizeof *ws);
    unsigned char *raw = alloc_fn(bytes + 63u, user);
    if (!raw) {
        free_fn(ws, user);
        return NULL;
    }
    ws->block = raw;
    ws->n_vocab = n_vocab;
    ws->alloc_fn = alloc_fn;
    ws->free_fn = free_fn;
    ws->user = user;
    unsigned char *base = raw + ((64u - ((uintptr_t)raw & 63u)) & 63u);
    layout(ws, base, n_vocab);
    memset(ws->tok, 0, n_vocab * sizeof *ws->tok);
    ws->n = 0;
    ws->dense = 0;
    return ws;
}

void gsamp_workspace_free(gsamp_workspace *ws)
{
    if (!ws)
        return;
    void (*free_fn)(void *, void *) = ws->free_fn;
    void *user = ws->user;
    free_fn(ws->block, user);
    free_fn(ws, user);
}

size_t gsamp_workspace_candidates(const gsamp_workspace *ws, const int32_t **ids,
                                  const float **logits)
{
    if (!ws || ws->dense) {
        if (ids)
            *ids = NULL;
        if (logits)
            *logits = NULL;
        return 0;
    }
    if (ids)
        *ids = ws->id;
    if (logits)
        *logits = ws->lg;
    return ws->n;
}
