#include "engine/text/select.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

typedef struct ranked {
    gx_choice c;
    uint64_t sample;
} ranked;

static int by_cum_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->c.cum_logprob != y->c.cum_logprob)
        return x->c.cum_logprob > y->c.cum_logprob ? -1 : 1;
    return (x->sample > y->sample) - (x->sample < y->sample);
}

genapi_status gx_generate_choices(const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar, gx_choice **out,
                                  size_t *n_out, int64_t *completion_tokens, genapi_error *err)
{
    const genapi_text_params *p = req->params;
    size_t n = IS(p, n) ? (size_t)p->n : 1;
    gx_choice *choices = ga_arena_alloc(ar, n * sizeof *choices);
    if (choices == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    *completion_tokens = 0;
    genapi_status st = GENAPI_OK;
    if (IS(p, use_beam_search) && p->use_beam_search) {
        if (req->guided)
            return ga_err(err, GENAPI_E_INVALID_ARG, "use_beam_search",
                          "beam search cannot be combined with guided decoding on the reference backend.");
        st = gx_beam_search(e, req, n, ar, choices, err);
        for (size_t i = 0; st == GENAPI_OK && i < n; i++)
            *completion_tokens += (int64_t)choices[i].n_tokens;
    } else {
        size_t best_of = IS(p, best_of) ? (size_t)p->best_of : n;
        if (best_of <= n) {
            for (size_t i = 0; i < n && st == GENAPI_OK; i++) {
                st = gx_generate(e, req, i, ar, &choices[i], err);
                *completion_tokens += (int64_t)choices[i].n_tokens;
            }
        } else {
            /* Sample best_of sequences (seed + i) and keep the n most likely. */
            ranked *all = ga_arena_alloc(ar, best_of * sizeof *all);
            if (all == NULL)
                return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
            gx_gen_request scored = *req;
            scored.score = 1;
            for (size_t i = 0; i < best_of && st == GENAPI_OK; i++) {
                st = gx_generate(e, &scored, i, ar, &all[i].c, err);
                all[i].sample = i;
                *completion_tokens += (int64_t)all[i].c.n_tokens;
            }
            if (st == GENAPI_OK) {
                qsort(all, best_of, sizeof *all, by_cum_desc);
                for (size_t i = 0; i < n; i++)
                    choices[i] = all[i].c;
            }
        }
    }
    if (st != GENAPI_OK)
        return st;
    *out = choices;
    *n_out = n;
    return GENAPI_OK;
}
