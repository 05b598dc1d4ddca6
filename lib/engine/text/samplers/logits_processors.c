/*
 * Logits processors, run before any ordered sampler, in this order:
 *   allowed_token_ids -> banned sequences (bad_words, banned phrases) -> custom_token_bans or
 *   token_ban_ranges -> min_tokens -> logit_bias.
 * Masking sets a token to -inf (removes it); logit_bias adds to the logit.
 */
#include "engine/text/samplers/samplers_internal.h"

/* Only the allowed ids survive: the set becomes compact right away. */
static void apply_allowed(gsamp_workspace *ws, const gsamp_config *cfg)
{
    int32_t *ids = ws->i1;
    size_t m = 0;
    for (size_t i = 0; i < cfg->n_allowed; i++)
        if (gsi_valid_id(ws, cfg->allowed[i]))
            ids[m++] = cfg->allowed[i];
    m = gsi_sort_unique_ids(ws, ids, m);
    size_t n = 0;
    for (size_t i = 0; i < m; i++) {
        float l = ws->dl[ids[i]];
        if (l > -INFINITY) {
            ws->id[n] = ids[i];
            ws->lg[n++] = l;
        }
    }
    ws->n = n;
    ws->dense = 0;
    ws->dirty = 0;
}

/* A sequence s[0..n) bans s[n-1] when the output ends with s[0..n-1). */
static void apply_banned_seqs(gsamp_workspace *ws, const gsamp_config *cfg,
                              const gsamp_history *h)
{
    const int32_t *out = h ? h->output : NULL;
    const size_t n_out = h ? h->n_output : 0;
    for (size_t s = 0; s < cfg->n_banned_seqs; s++) {
        const gsamp_seq *q = &cfg->banned_seqs[s];
        if (!q->ids || q->n == 0)
            continue;
        size_t pre = q->n - 1;
        if (pre > n_out)
            continue;
        size_t base = n_out - pre;
        size_t j = 0;
        while (j < pre && out[base + j] == q->ids[j])
            j++;
        if (j == pre)
            gsi_ban(ws, q->ids[pre]);
    }
}

static void apply_bans(gsamp_workspace *ws, const gsamp_config *cfg, int64_t n_out)
{
    if (cfg->ban_ranges && cfg->n_ban_ranges > 0) {
        /* ranges present: they replace custom_token_bans */
        for (size_t r = 0; r < cfg->n_ban_ranges; r++) {
            const gsamp_ban_range *br = &cfg->ban_ranges[r];
            if (n_out < br->start || n_out - br->start >= br->length)
                continue;
            for (size_t i = 0; i < br->n_tokens; i++)
                gsi_ban(ws, br->tokens[i]);
        }
        return;
    }
    for (size_t i = 0; i < cfg->n_custom_bans; i++)
        gsi_ban(ws, cfg->custom_bans[i]);
}

void gsi_logits_processors(gsamp_workspace *ws, const gsamp_config *cfg, const gsamp_history *h)
{
    const int64_t n_out = h ? (int64_t)h->n_output : 0;
    if (cfg->allowed)
        apply_allowed(ws, cfg);
    if (cfg->banned_seqs)
        apply_banned_seqs(ws, cfg, h);
    apply_bans(ws, cfg, n_out);
    if (n_out < cfg->min_tokens && cfg->stop_ids)
        for (size_t i = 0; i < cfg->n_stop_ids; i++)
            gsi_ban(ws, cfg->stop_ids[i]);
    if (cfg->bias_ids && cfg->bias_values)
        for (size_t i = 0; i < cfg->n_bias; i++) {
            float *p = gsi_find(ws, cfg->bias_ids[i]);
            if (p)
                gsi_set(ws, p, *p + cfg->bias_values[i]);
        }
    gsi_prune(ws);
}
