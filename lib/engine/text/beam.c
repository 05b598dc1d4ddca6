/* Beam search over the reference model (use_beam_search): width = n beams, candidates scored by
 * cumulative raw logprob, finished beams ranked by cum_logprob / length^length_penalty (the end
 * token not counted in the length). Samplers do not apply, as on the servers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/detmath.h"
#include "engine/text/select.h"
#include "util/buf.h"
#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

typedef struct beam {
    int32_t *tokens;
    float *lp;     /* logprob of each token */
    size_t n;
    double cum;
    int finished;  /* 1: ended by an end/stop token */
    int32_t stop_token;
} beam;

typedef struct cand {
    size_t from;
    int32_t tok;
    float lp;
    double cum;
} cand;

static int by_cum_desc(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->cum != y->cum)
        return x->cum > y->cum ? -1 : 1;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return (x->tok > y->tok) - (x->tok < y->tok);
}

static double beam_score(const beam *b, double length_penalty)
{
    size_t len = b->finished ? b->n - 1 : b->n;
    if (len == 0)
        return b->cum;
    return b->cum / ga_pow((double)len, length_penalty);
}

static int is_end(const genapi_text_params *p, int32_t tok, int ignore_eos)
{
    if ((tok == GX_TOK_EOS || tok == GX_TOK_IM_END) && !ignore_eos)
        return 1;
    if (IS(p, stop_token_ids))
        for (size_t i = 0; i < p->stop_token_ids.count; i++)
            if (p->stop_token_ids.items[i] == tok)
                return 1;
    return 0;
}

typedef struct scored {
    beam *b;
    double score;
} scored;

static int by_score_desc(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    return (x->score < y->score) - (x->score > y->score);
}

genapi_status gx_beam_search(const gx_text_engine *e, const gx_gen_request *req, size_t width, ga_arena *ar,
                             gx_choice *out, genapi_error *err)
{
    const genapi_text_params *p = req->params;
    size_t vocab = gx_tokenizer_vocab_size(e->tok);
    int64_t max_tokens = IS(p, max_tokens) ? p->max_tokens : req->default_max_tokens;
    if (max_tokens <= 0 || (uint64_t)max_tokens + req->n_prompt > e->max_model_len)
        max_tokens = (int64_t)(e->max_model_len - req->n_prompt);
    double lpen = IS(p, length_penalty) ? p->length_penalty : 1.0;
    int early = IS(p, early_stopping) ? p->early_stopping : 0; /* 0 false, 1 true, 2 never */
    int ignore_eos = IS(p, ignore_eos) && p->ignore_eos;
    int64_t min_tokens = IS(p, min_tokens) ? p->min_tokens : 0;
    size_t T = (size_t)max_tokens;
    /* live beams, their next generation, and finished beams (at most width kept) */
    beam *live = ga_arena_alloc(ar, width * sizeof *live), *next = ga_arena_alloc(ar, width * sizeof *next);
    beam *done = ga_arena_alloc(ar, (width + 1) * sizeof *done);
    cand *cands = ga_arena_alloc(ar, width * 2 * width * sizeof *cands + sizeof *cands);
    int32_t *ctx = ga_malloc(&e->alloc, (req->n_prompt + T + 1) * sizeof *ctx);
    float *logits = ga_malloc(&e->alloc, vocab * sizeof *logits);
    genapi_status st = GENAPI_OK;
    if (!live || !next || !done || !cands || !ctx || !logits) {
        st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        goto out_free;
    }
    for (size_t i = 0; i < width; i++) {
        live[i].tokens = ga_arena_alloc(ar, (T + 1) * sizeof(int32_t));
        live[i].lp = ga_arena_alloc(ar, (T + 1) * sizeof(float));
        next[i].tokens = ga_arena_alloc(ar, (T + 1) * sizeof(int32_t));
        next[i].lp = ga_arena_alloc(ar, (T + 1) * sizeof(float));
        if (!live[i].tokens || !live[i].lp || !next[i].tokens || !next[i].lp) {
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
            goto out_free;
        }
    }
    memcpy(ctx, req->prompt, req->n_prompt * sizeof *ctx);
    size_t n_live = 1, n_done = 0;
    live[0].n = 0;
    live[0].cum = 0;
    for (size_t step = 0; step < T && n_live > 0; step++) {
        size_t nc = 0;
        for (size_t bi = 0; bi < n_live; bi++) {
            memcpy(ctx + req->n_prompt, live[bi].tokens, live[bi].n * sizeof *ctx);
            gx_model_logits(e->model, ctx, req->n_prompt + live[bi].n, req->topic, logits);
            if (req->adapter)
                for (size_t v = 0; v < vocab; v++)
                    logits[v] += req->adapter[v];
            if ((int64_t)live[bi].n < min_tokens) {
                logits[GX_TOK_EOS] = -INFINITY;
                logits[GX_TOK_IM_END] = -INFINITY;
            }
            gx_logprob lp;
            if (gx_fill_logprob(logits, vocab, 0, 2 * width, ar, &lp) != 0) {
                st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
                goto out_free;
            }
            for (size_t k = 0; k < lp.n_top; k++)
                cands[nc++] = (cand){bi, lp.top[k].id, lp.top[k].logprob, live[bi].cum + lp.top[k].logprob};
        }
        qsort(cands, nc, sizeof *cands, by_cum_desc);
        size_t n_next = 0;
        for (size_t k = 0; k < nc && n_next < width; k++) {
            const beam *src = &live[cands[k].from];
            beam *dst = n_next < width ? &next[n_next] : NULL;
            memcpy(dst->tokens, src->tokens, src->n * sizeof(int32_t));
            memcpy(dst->lp, src->lp, src->n * sizeof(float));
            dst->n = src->n + 1;
            dst->tokens[src->n] = cands[k].tok;
            dst->lp[src->n] = cands[k].lp;
            dst->cum = cands[k].cum;
            dst->finished = 0;
            if (is_end(p, cands[k].tok, ignore_eos)) {
                /* A finished hypothesis: keep the best `width` of them. */
                dst->finished = 1;
                dst->stop_token = cands[k].tok;
                beam copy = *dst;
                copy.tokens = ga_arena_alloc(ar, copy.n * sizeof(int32_t));
                copy.lp = ga_arena_alloc(ar, copy.n * sizeof(float));
                if (!copy.tokens || !copy.lp) {
                    st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
                    goto out_free;
                }
                memcpy(copy.tokens, dst->tokens, copy.n * sizeof(int32_t));
                memcpy(copy.lp, dst->lp, copy.n * sizeof(float));
                size_t slot = n_done;
                if (n_done == width) {
                    size_t worst = 0;
                    for (size_t i = 1; i < n_done; i++)
                        if (beam_score(&done[i], lpen) < beam_score(&done[worst], lpen))
                            worst = i;
                    if (beam_score(&copy, lpen) <= beam_score(&done[worst], lpen))
                        continue;
                    slot = worst;
                } else {
                    n_done++;
                }
                done[slot] = copy;
                continue;
            }
            n_next++;
        }
        beam *tmp = live;
        live = next;
        next = tmp;
        n_live = n_next;
        if (n_done == width && early == 1)
            break;
        if (n_done == width && early == 0 && n_live > 0) {
            /* Stop when no live beam scores better than the worst finished one. */
            double worst = beam_score(&done[0], lpen), best_live = beam_score(&live[0], lpen);
            for (size_t i = 1; i < n_done; i++)
                worst = fmin(worst, beam_score(&done[i], lpen));
            for (size_t i = 1; i < n_live; i++)
                best_live = fmax(best_live, beam_score(&live[i], lpen));
            if (best_live <= worst)
                break;
        }
    }
    {
        size_t n_all = n_done + n_live;
        scored *all = ga_arena_alloc(ar, (n_all ? n_all : 1) * sizeof *all);
        if (all == NULL) {
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
            goto out_free;
        }
        for (size_t i = 0; i < n_done; i++)
            all[i] = (scored){&done[i], beam_score(&done[i], lpen)};
        for (size_t i = 0; i < n_live; i++)
            all[n_done + i] = (scored){&live[i], beam_score(&live[i], lpen)};
        qsort(all, n_all, sizeof *all, by_score_desc);
        for (size_t i = 0; i < width; i++) {
            gx_choice *c = &out[i];
            memset(c, 0, sizeof *c);
            if (i >= n_all) {
                c->finish_reason = "length";
                c->text = "";
                continue;
            }
            const beam *b = all[i].b;
            st = gx_finish_choice(e, req, b->tokens, b->n, b->finished ? "stop" : "length", ar, c, err);
            if (st != GENAPI_OK)
                goto out_free;
            if (b->finished && b->stop_token != GX_TOK_EOS && b->stop_token != GX_TOK_IM_END && c->stop_kind == 0) {
                c->stop_kind = 1;
                c->stop_token = b->stop_token;
            }
            c->cum_logprob = b->cum;
            if (req->top_logprobs >= 0) {
                c->logprobs = ga_arena_alloc(ar, (b->n + 1) * sizeof *c->logprobs);
                if (c->logprobs == NULL) {
                    st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
                    goto out_free;
                }
                for (size_t k = 0; k < b->n; k++)
                    c->logprobs[k] = (gx_logprob){b->tokens[k], b->lp[k], 0, NULL, 0};
            }
        }
    }
out_free:
    ga_free(&e->alloc, ctx);
    ga_free(&e->alloc, logits);
    return st;
}
