/*
 * DRY ("don't repeat yourself") over S = (prompt ++ output), limited to its last dry_range
 * tokens when dry_range > 0.
 *
 *  - nothing happens when |S| < 2 or the last token is a sequence breaker;
 *  - g = number of non-breaker tokens at the tail, scanning at most min(|S|, max_ngram+1)
 *    positions (when no breaker is met, g is one less than the scanned count); nothing
 *    happens unless g > allowed_length;
 *  - for the earlier occurrences i of the last token, most recent first (at most
 *    max_occurrences of them; 0 = no limit): the match length mu is the number of tokens
 *    before i that equal the tokens before the last one (at most min(i, g), stopping at a
 *    breaker); if mu > 0 the token y = S[i+1] that followed gets len[y] = max(len[y], mu+1),
 *    and the scan stops once mu+1 >= early_exit_match_len;
 *  - every such y: l_y -= multiplier * base^(len[y] - allowed_length).
 * Cost: O(|S|) per step plus O(max_occurrences * max_ngram).
 */
#include "util/detmath.h"
#include "engine/text/samplers/samplers_internal.h"

struct seqv {
    const gsamp_history *h;
    size_t start;
};

static int32_t at(const struct seqv *s, size_t i)
{
    return gsi_hist_at(s->h, s->start + i);
}

static int is_breaker(const gsamp_workspace *ws, int32_t t)
{
    return gsi_valid_id(ws, t) && (ws->tok[t] & GSI_TOK_FLAG);
}

static void record(gsamp_workspace *ws, int32_t y, uint32_t len)
{
    if (!gsi_valid_id(ws, y))
        return;
    if (ws->tok[y] == 0)
        ws->touched[ws->n_touched++] = y;
    if ((ws->tok[y] & GSI_TOK_VAL) < len)
        ws->tok[y] = (ws->tok[y] & GSI_TOK_FLAG) | len;
}

static void scan(gsamp_workspace *ws, const gsamp_config *cfg, const struct seqv *s, size_t n)
{
    const int32_t last = at(s, n - 1);
    if (is_breaker(ws, last))
        return;
    const int64_t max_ngram = cfg->dry_max_ngram > 0 ? cfg->dry_max_ngram : 0;
    const size_t lim = (uint64_t)max_ngram + 1 < (uint64_t)n ? (size_t)max_ngram + 1 : n;
    size_t g = 0;
    while (g < lim && !is_breaker(ws, at(s, n - 1 - g)))
        g++;
    if (g == lim)
        g = lim - 1;
    const int64_t allowed = cfg->dry_allowed_length;
    if (allowed >= 0 && (uint64_t)g <= (uint64_t)allowed)
        return;
    const int64_t max_occ = cfg->dry_max_occurrences;
    const int64_t early = cfg->dry_early_exit_match_len;
    int64_t found = 0;
    for (size_t i = n - 1; i-- > 0;) {
        if (at(s, i) != last)
            continue;
        if (max_occ > 0 && ++found > max_occ)
            break;
        size_t ulim = i < g ? i : g, mu = 0;
        for (size_t u = 1; u <= ulim; u++) {
            int32_t t = at(s, i - u);
            if (is_breaker(ws, t) || t != at(s, n - 1 - u))
                break;
            mu = u;
        }
        if (mu == 0)
            continue;
        uint32_t len = (uint32_t)(mu + 1);
        record(ws, at(s, i + 1), len);
        if ((int64_t)len >= early)
            break;
    }
}

void gsi_dry(gsamp_workspace *ws, const gsamp_config *cfg, const gsamp_history *h)
{
    if (!(cfg->dry_multiplier > 1e-5) || !h)
        return;
    const size_t total = gsi_hist_len(h);
    struct seqv s = {h, 0};
    if (cfg->dry_range > 0 && (uint64_t)cfg->dry_range < (uint64_t)total)
        s.start = total - (size_t)cfg->dry_range;
    const size_t n = total - s.start;
    if (n < 2)
        return;
    for (size_t i = 0; i < cfg->n_dry_breakers; i++)
        if (gsi_valid_id(ws, cfg->dry_breakers[i]))
            gsi_mark(ws, cfg->dry_breakers[i], GSI_TOK_FLAG);
    scan(ws, cfg, &s, n);
    const double m = cfg->dry_multiplier, base = cfg->dry_base;
    const double allowed = (double)cfg->dry_allowed_length;
    for (size_t i = 0; i < ws->n_touched; i++) {
        int32_t t = ws->touched[i];
        uint32_t len = ws->tok[t] & GSI_TOK_VAL;
        if (len == 0)
            continue;
        float *p = gsi_find(ws, t);
        if (p)
            gsi_set(ws, p, gsi_to_float((double)*p - m * ga_pow(base, (double)len - allowed)));
    }
    gsi_mark_reset(ws);
    gsi_prune(ws);
}
