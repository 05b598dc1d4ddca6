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

struct gx_beam_search {
    const gx_text_engine *e;
    gx_gen_request req; /* copy; what it points to is borrowed */
    ga_arena *ar;
    size_t width, vocab, T;
    double lpen;
    int early, ignore_eos;
    int64_t min_tokens;
    beam *live, *next; /* live beams and their next generation (tokens on the heap) */
    beam *done;        /* finished beams, at most width kept (tokens in the arena) */
    cand *cands;
    gx_top *top;       /* the 2 * width best next tokens of one beam */
    int32_t *ctx;
    float *logits;
    size_t n_live, n_done, step;
    int finished;
    uint64_t evaluations;
};

void gx_beam_free(gx_beam_search *b)
{
    if (b == NULL)
        return;
    const ga_alloc *a = &b->e->alloc;
    for (size_t i = 0; i < b->width; i++) {
        if (b->live) {
            ga_free(a, b->live[i].tokens);
            ga_free(a, b->live[i].lp);
        }
        if (b->next) {
            ga_free(a, b->next[i].tokens);
            ga_free(a, b->next[i].lp);
        }
    }
    ga_free(a, b->live);
    ga_free(a, b->next);
    ga_free(a, b->done);
    ga_free(a, b->cands);
    ga_free(a, b->top);
    ga_free(a, b->ctx);
    ga_free(a, b->logits);
    ga_alloc copy = *a;
    ga_free(&copy, b);
}

genapi_status gx_beam_begin(const gx_text_engine *e, const gx_gen_request *req, size_t width, ga_arena *ar,
                            gx_beam_search **out, genapi_error *err)
{
    const genapi_text_params *p = req->params;
    const ga_alloc *a = &e->alloc;
    *out = NULL;
    gx_beam_search *b = ga_calloc(a, 1, sizeof *b);
    if (b == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    b->e = e;
    b->req = *req;
    b->ar = ar;
    b->width = width;
    b->vocab = gx_tokenizer_vocab_size(e->tok);
    int64_t max_tokens = IS(p, max_tokens) ? p->max_tokens : req->default_max_tokens;
    if (max_tokens <= 0 || (uint64_t)max_tokens + req->n_prompt > e->max_model_len)
        max_tokens = (int64_t)(e->max_model_len - req->n_prompt);
    b->lpen = IS(p, length_penalty) ? p->length_penalty : 1.0;
    b->early = IS(p, early_stopping) ? p->early_stopping : 0; /* 0 false, 1 true, 2 never */
    b->ignore_eos = IS(p, ignore_eos) && p->ignore_eos;
    b->min_tokens = IS(p, min_tokens) ? p->min_tokens : 0;
    b->T = max_tokens > 0 ? (size_t)max_tokens : 0;
    size_t T = b->T;
    b->live = ga_calloc(a, width, sizeof *b->live);
    b->next = ga_calloc(a, width, sizeof *b->next);
    b->done = ga_calloc(a, width + 1, sizeof *b->done);
    b->cands = ga_malloc(a, width * 2 * width * sizeof *b->cands + sizeof *b->cands);
    b->top = ga_malloc(a, 2 * width * sizeof *b->top);
    b->ctx = ga_malloc(a, (req->n_prompt + T + 1) * sizeof *b->ctx);
    b->logits = ga_malloc(a, b->vocab * sizeof *b->logits);
    if (!b->live || !b->next || !b->done || !b->cands || !b->top || !b->ctx || !b->logits) {
        gx_beam_free(b);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    for (size_t i = 0; i < width; i++) {
        b->live[i].tokens = ga_malloc(a, (T + 1) * sizeof(int32_t));
        b->live[i].lp = ga_malloc(a, (T + 1) * sizeof(float));
        b->next[i].tokens = ga_malloc(a, (T + 1) * sizeof(int32_t));
        b->next[i].lp = ga_malloc(a, (T + 1) * sizeof(float));
        if (!b->live[i].tokens || !b->live[i].lp || !b->next[i].tokens || !b->next[i].lp) {
            gx_beam_free(b);
            return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        }
    }
    memcpy(b->ctx, req->prompt, req->n_prompt * sizeof *b->ctx);
    b->n_live = 1;
    b->n_done = 0;
    b->live[0].n = 0;
    b->live[0].cum = 0;
    b->finished = T == 0;
    *out = b;
    return GENAPI_OK;
}

int gx_beam_step(gx_beam_search *b, genapi_error *err)
{
    if (b->finished)
        return 1;
    const gx_text_engine *e = b->e;
    const gx_gen_request *req = &b->req;
    const genapi_text_params *p = req->params;
    size_t width = b->width, vocab = b->vocab;
    double lpen = b->lpen;
    float *logits = b->logits;
    cand *cands = b->cands;
    beam *live = b->live, *next = b->next, *done = b->done;
    size_t nc = 0;
    for (size_t bi = 0; bi < b->n_live; bi++) {
        memcpy(b->ctx + req->n_prompt, live[bi].tokens, live[bi].n * sizeof *b->ctx);
        gx_model_logits(e->model, b->ctx, req->n_prompt + live[bi].n, req->topic, logits);
        b->evaluations++;
        if (req->adapter)
            for (size_t v = 0; v < vocab; v++)
                logits[v] += req->adapter[v];
        if ((int64_t)live[bi].n < b->min_tokens) {
            logits[GX_TOK_EOS] = -INFINITY;
            logits[GX_TOK_IM_END] = -INFINITY;
        }
        gx_logprob lp;
        gx_fill_logprob_into(logits, vocab, 0, 2 * width, b->top, &lp);
        for (size_t k = 0; k < lp.n_top; k++)
            cands[nc++] = (cand){bi, lp.top[k].id, lp.top[k].logprob, live[bi].cum + lp.top[k].logprob};
    }
    qsort(cands, nc, sizeof *cands, by_cum_desc);
    size_t n_next = 0;
    for (size_t k = 0; k < nc && n_next < width; k++) {
        const beam *src = &live[cands[k].from];
        beam *dst = &next[n_next];
        memcpy(dst->tokens, src->tokens, src->n * sizeof(int32_t));
        memcpy(dst->lp, src->lp, src->n * sizeof(float));
        dst->n = src->n + 1;
        dst->tokens[src->n] = cands[k].tok;
        dst->lp[src->n] = cands[k].lp;
        dst->cum = cands[k].cum;
        dst->finished = 0;
        if (is_end(p, cands[k].tok, b->ignore_eos)) {
            /* A finished hypothesis: keep the best `width` of them. */
            dst->finished = 1;
            dst->stop_token = cands[k].tok;
            beam copy = *dst;
            copy.tokens = ga_arena_alloc(b->ar, copy.n * sizeof(int32_t));
            copy.lp = ga_arena_alloc(b->ar, copy.n * sizeof(float));
            if (!copy.tokens || !copy.lp)
                return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
            memcpy(copy.tokens, dst->tokens, copy.n * sizeof(int32_t));
            memcpy(copy.lp, dst->lp, copy.n * sizeof(float));
            size_t slot = b->n_done;
            if (b->n_done == width) {
                size_t worst = 0;
                for (size_t i = 1; i < b->n_done; i++)
                    if (beam_score(&done[i], lpen) < beam_score(&done[worst], lpen))
                        worst = i;
                if (beam_score(&copy, lpen) <= beam_score(&done[worst], lpen))
                    continue;
                slot = worst;
            } else {
                b->n_done++;
            }
            done[slot] = copy;
            continue;
        }
        n_next++;
    }
    b->live = next;
    b->next = live;
    live = b->live;
    b->n_live = n_next;
    b->step++;
    size_t n_live = b->n_live, n_done = b->n_done;
    if (b->step >= b->T || n_live == 0)
        b->finished = 1;
    else if (n_done == width && b->early == 1)
        b->finished = 1;
    else if (n_done == width && b->early == 0) {
        /* Stop when no live beam scores better than the worst finished one. */
        double worst = beam_score(&done[0], lpen), best_live = beam_score(&live[0], lpen);
        for (size_t i = 1; i < n_done; i++)
            worst = fmin(worst, beam_score(&done[i], lpen));
        for (size_t i = 1; i < n_live; i++)
            best_live = fmax(best_live, beam_score(&live[i], lpen));
        if (best_live <= worst)
            b->finished = 1;
    }
    return b->finished;
}

genapi_status gx_beam_finish(gx_beam_search *b, gx_choice *out, genapi_error *err)
{
    const gx_gen_request *req = &b->req;
    ga_arena *ar = b->ar;
    double lpen = b->lpen;
    size_t n_done = b->n_done, n_live = b->n_live, n_all = n_done + n_live;
    scored *all = ga_arena_alloc(ar, (n_all ? n_all : 1) * sizeof *all);
    if (all == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n_done; i++)
        all[i] = (scored){&b->done[i], beam_score(&b->done[i], lpen)};
    for (size_t i = 0; i < n_live; i++)
        all[n_done + i] = (scored){&b->live[i], beam_score(&b->live[i], lpen)};
    qsort(all, n_all, sizeof *all, by_score_desc);
    for (size_t i = 0; i < b->width; i++) {
        gx_choice *c = &out[i];
        memset(c, 0, sizeof *c);
        if (i >= n_all) {
            c->finish_reason = "length";
            c->text = "";
            continue;
        }
        const beam *bm = all[i].b;
        genapi_status st =
            gx_finish_choice(b->e, req, bm->tokens, bm->n, bm->finished ? "stop" : "length", ar, c, err);
        if (st != GENAPI_OK)
            return st;
        if (bm->finished && bm->stop_token != GX_TOK_EOS && bm->stop_token != GX_TOK_IM_END && c->stop_kind == 0) {
            c->stop_kind = 1;
            c->stop_token = bm->stop_token;
        }
        c->cum_logprob = bm->cum;
        if (req->top_logprobs >= 0) {
            c->logprobs = ga_arena_alloc(ar, (bm->n + 1) * sizeof *c->logprobs);
            if (c->logprobs == NULL)
                return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
            for (size_t k = 0; k < bm->n; k++)
                c->logprobs[k] = (gx_logprob){bm->tokens[k], bm->lp[k], 0, NULL, 0};
        }
    }
    return GENAPI_OK;
}

uint64_t gx_beam_evaluations(const gx_beam_search *b) { return b->evaluations; }
