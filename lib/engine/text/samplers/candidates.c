/*
 * The candidate set of one step (see samplers_internal.h): dense/compact representation,
 * lookups, removal, threshold filters, weights and canonical-order selection.
 */
#include "util/detmath.h"
#include "engine/text/samplers/samplers_internal.h"

#include <float.h>

void gsi_begin(gsamp_workspace *ws, float *logits, size_t n_vocab)
{
    ws->dense = 1;
    ws->dl = logits;
    ws->nd = n_vocab;
    ws->n = 0;
    ws->dirty = 0;
    ws->nblk = (n_vocab + GSI_BLOCK - 1) / GSI_BLOCK;
    ws->bmax_ok = 0;
}

static unsigned lowest_bit(uint32_t m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctz(m);
#else
    unsigned i = 0;
    while (!(m & 1u)) {
        m >>= 1;
        i++;
    }
    return i;
#endif
}

void gsi_ensure_bmax(gsamp_workspace *ws)
{
    if (!ws->bmax_ok) {
        gsi_block_max(ws->dl, ws->nd, ws->bmax);
        ws->bmax_ok = 1;
    }
}

float gsi_max_logit(gsamp_workspace *ws)
{
    if (!ws->dense)
        return gsi_vmax(ws->lg, ws->n);
    gsi_ensure_bmax(ws);
    return gsi_vmax(ws->bmax, ws->nblk);
}

void gsi_compact_all(gsamp_workspace *ws)
{
    if (!ws->dense)
        return;
    const float *x = ws->dl;
    int32_t *id = ws->id;
    float *lg = ws->lg;
    size_t n = 0, i = 0, nd = ws->nd;
    for (; i + GSI_BLOCK <= nd; i += GSI_BLOCK) {
        if (gsi_block_all_live(x + i)) {
            for (size_t j = 0; j < GSI_BLOCK; j++) {
                id[n + j] = (int32_t)(i + j);
                lg[n + j] = x[i + j];
            }
            n += GSI_BLOCK;
        } else {
            for (size_t j = i; j < i + GSI_BLOCK; j++)
                if (x[j] > -INFINITY) {
                    id[n] = (int32_t)j;
                    lg[n++] = x[j];
                }
        }
    }
    for (; i < nd; i++)
        if (x[i] > -INFINITY) {
            id[n] = (int32_t)i;
            lg[n++] = x[i];
        }
    ws->n = n;
    ws->dense = 0;
    ws->dirty = 0;
}

float *gsi_find(gsamp_workspace *ws, int32_t id)
{
    if (!gsi_valid_id(ws, id))
        return NULL;
    if (ws->dense)
        return ws->dl[id] > -INFINITY ? &ws->dl[id] : NULL;
    size_t lo = 0, hi = ws->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ws->id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < ws->n && ws->id[lo] == id && ws->lg[lo] > -INFINITY)
        return &ws->lg[lo];
    return NULL;
}

void gsi_set(gsamp_workspace *ws, float *slot, float value)
{
    *slot = value;
    if (ws->dense)
        ws->bmax_ok = 0;
    else if (!(value > -INFINITY))
        ws->dirty = 1;
}

void gsi_ban(gsamp_workspace *ws, int32_t id)
{
    float *p = gsi_find(ws, id);
    if (p)
        gsi_set(ws, p, -INFINITY);
}

void gsi_prune(gsamp_workspace *ws)
{
    if (ws->dense || !ws->dirty)
        return;
    size_t m = 0;
    for (size_t i = 0; i < ws->n; i++)
        if (ws->lg[i] > -INFINITY) {
            ws->id[m] = ws->id[i];
            ws->lg[m++] = ws->lg[i];
        }
    ws->n = m;
    ws->dirty = 0;
}

void gsi_keep_ge(gsamp_workspace *ws, float t)
{
    if (!(t >= -FLT_MAX))
        t = -FLT_MAX; /* never keep removed (-inf) entries */
    if (!ws->dense) {
        size_t m = 0;
        for (size_t i = 0; i < ws->n; i++) { /* no branch: copied, kept if it passes */
            const float l = ws->lg[i];
            ws->id[m] = ws->id[i];
            ws->lg[m] = l;
            m += l >= t;
        }
        ws->n = m;
        ws->dirty = 0;
        return;
    }
    /* dense: only blocks whose maximum reaches t can hold survivors; both levels are
     * scanned through bit masks (no per-block branch) */
    gsi_ensure_bmax(ws);
    const float *x = ws->dl;
    size_t n = 0;
    for (size_t g = 0; g < ws->nblk; g += 32) {
        const size_t ng = ws->nblk - g < 32 ? ws->nblk - g : 32;
        for (uint32_t bm = gsi_block_ge_mask(ws->bmax + g, ng, t); bm; bm &= bm - 1) {
            const size_t base = (g + lowest_bit(bm)) * GSI_BLOCK;
            const size_t len = ws->nd - base < GSI_BLOCK ? ws->nd - base : GSI_BLOCK;
            for (uint32_t m = gsi_block_ge_mask(x + base, len, t); m; m &= m - 1) {
                size_t i = base + lowest_bit(m);
                ws->id[n] = (int32_t)i;
                ws->lg[n++] = x[i];
            }
        }
    }
    ws->n = n;
    ws->dense = 0;
    ws->dirty = 0;
}

void gsi_keep_ge_groups(gsamp_workspace *ws, float t, const float *gmax)
{
    if (!ws->dense) {
        gsi_keep_ge(ws, t);
        return;
    }
    if (!(t >= -FLT_MAX))
        t = -FLT_MAX;
    const float *x = ws->dl;
    const size_t nd = ws->nd, ng = (nd + 7) / 8;
    int32_t *id = ws->id;
    float *lg = ws->lg;
    size_t n = 0;
    for (size_t g = 0; g < ng; g += 32) {
        const size_t len = ng - g < 32 ? ng - g : 32;
        for (uint32_t bm = gsi_block_ge_mask(gmax + g, len, t); bm; bm &= bm - 1) {
            const size_t base = (g + lowest_bit(bm)) * 8, end = nd - base < 8 ? nd : base + 8;
            for (size_t i = base; i < end; i++) { /* no branch: written, kept if it passes */
                id[n] = (int32_t)i;
                lg[n] = x[i];
                n += x[i] >= t;
            }
        }
    }
    ws->n = n;
    ws->dense = 0;
    ws->dirty = 0;
}

void gsi_keep_prefix(gsamp_workspace *ws, gsi_cutpoint e)
{
    gsi_keep_ge(ws, e.l); /* everything before e in canonical order, plus later ties */
    size_t m = 0;
    for (size_t i = 0; i < ws->n; i++)
        if (!(ws->lg[i] == e.l && ws->id[i] > e.id)) {
            ws->id[m] = ws->id[i];
            ws->lg[m++] = ws->lg[i];
        }
    ws->n = m;
}

size_t gsi_argmax(const gsamp_workspace *ws)
{
    size_t best = 0;
    for (size_t i = 1; i < ws->n; i++)
        if (ws->lg[i] > ws->lg[best])
            best = i;
    return best;
}

double gsi_weights(gsamp_workspace *ws, float *m_out)
{
    float m = gsi_vmax(ws->lg, ws->n);
    gsi_vexp(ws->lg, m, ws->w, ws->n);
    *m_out = m;
    return gsi_vsum(ws->w, ws->n);
}

double gsi_entropy(const gsamp_workspace *ws, double sum, float m)
{
    /* H = -sum p ln p with p = w/S and ln p = (l - m) - ln S */
    double h = ga_log(sum) - gsi_vsum_wd(ws->w, ws->lg, m, ws->n) / sum;
    return h > 0.0 ? h : 0.0;
}

void gsi_mark_reset(gsamp_workspace *ws)
{
    for (size_t i = 0; i < ws->n_touched; i++)
        ws->tok[ws->touched[i]] = 0;
    ws->n_touched = 0;
}
