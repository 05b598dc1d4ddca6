/*
 * no_repeat_ngram_size N over S = prompt ++ output: every token that would complete an
 * N-gram already present in S, given the last N-1 tokens of S, is removed. N = 1 removes
 * every token of S.
 */
#include "engine/text/samplers/samplers_internal.h"

void gsi_no_repeat_ngram(gsamp_workspace *ws, const gsamp_config *cfg, const gsamp_history *h)
{
    const int64_t n = cfg->no_repeat_ngram_size;
    const size_t len = gsi_hist_len(h);
    if (n <= 0 || (uint64_t)n > (uint64_t)len)
        return;
    const size_t pre = (size_t)n - 1;
    const size_t tail = len - pre; /* S[tail..len) is the current prefix */
    for (size_t i = 0; i + pre < len; i++) {
        size_t j = 0;
        while (j < pre && gsi_hist_at(h, i + j) == gsi_hist_at(h, tail + j))
            j++;
        if (j == pre)
            gsi_ban(ws, gsi_hist_at(h, i + pre));
    }
    gsi_prune(ws);
}
