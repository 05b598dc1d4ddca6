/* Chat and completion generations as router jobs (see text_common.h). */
#include <string.h>

#include "server/text_common.h"
#include "util/err.h"

static void text_job_step(gs_job *j);
static void text_job_destroy(gs_job *j);
static void text_job_expire(gs_job *j, const char *msg);

static const gs_job_ops text_job_ops = {text_job_step, text_job_destroy, text_job_expire};

/* Prompt-logprob positions computed per step: each is one model evaluation (about 80 us). */
#define GS_PLP_PER_STEP 8

gs_text_job *gs_text_job_new(genapi_backend *b, const genapi_http_request *req, gs_text_answer_fn answer,
                             genapi_http_response *r, genapi_status *st)
{
    gs_text_job *t = (gs_text_job *)gs_job_new(b, &text_job_ops, sizeof *t);
    if (t == NULL) {
        *st = GENAPI_E_NOMEM;
        return NULL;
    }
    t->answer = answer;
    ga_arena_init(&t->scratch, &b->alloc);
    if (!gs_text_req_init(b, req, &t->req, r)) {
        gs_job_free(&t->job);
        *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM;
        return NULL;
    }
    *st = GENAPI_OK;
    return t;
}

genapi_status gs_text_job_prompt_logprobs(gs_text_job *t, const int32_t *ids, size_t n, size_t top, gx_logprob **out,
                                          genapi_error *err)
{
    ga_arena *ar = &t->req.ar;
    if (t->n_plp == t->cap_plp) {
        size_t cap = t->cap_plp ? t->cap_plp * 2 : 4;
        gs_plp_task *grown = ga_arena_alloc(ar, cap * sizeof *grown);
        if (grown == NULL)
            return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        if (t->n_plp)
            memcpy(grown, t->plp, t->n_plp * sizeof *grown);
        t->plp = grown;
        t->cap_plp = cap;
    }
    gx_logprob *lp = ga_arena_alloc(ar, (n ? n : 1) * sizeof *lp);
    if (lp == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    memset(lp, 0, (n ? n : 1) * sizeof *lp);
    t->plp[t->n_plp++] = (gs_plp_task){ids, n, top, 0, lp};
    *out = lp;
    return GENAPI_OK;
}

/* A few positions of the pending prompt logprobs; returns 1 once all are done, 0 while some
 * remain, or a negative status with err filled. */
static int prompt_logprobs_step(gs_text_job *t, genapi_error *err)
{
    const gx_text_engine *e = t->job.b->text;
    if (t->plp_logits == NULL) {
        t->plp_logits = ga_malloc(&t->job.b->alloc, gx_tokenizer_vocab_size(e->tok) * sizeof *t->plp_logits);
        if (t->plp_logits == NULL)
            return (int)ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    for (int k = 0; k < GS_PLP_PER_STEP && t->plp_done < t->n_plp; k++) {
        gs_plp_task *q = &t->plp[t->plp_done];
        if (q->next < q->n) {
            genapi_status st =
                gx_prompt_logprob_at(e, q->ids, q->next, q->top, t->plp_logits, &t->req.ar, &q->lp[q->next], err);
            if (st != GENAPI_OK)
                return (int)st;
            q->next++;
        }
        if (q->next >= q->n)
            t->plp_done++;
    }
    return t->plp_done == t->n_plp;
}

genapi_status gs_text_job_reserve(gs_text_job *t, size_t n_gens, genapi_error *err)
{
    t->gens = ga_arena_alloc(&t->req.ar, (n_gens ? n_gens : 1) * sizeof *t->gens);
    if (t->gens == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    t->cap_gens = n_gens;
    return GENAPI_OK;
}

genapi_status gs_text_job_add(gs_text_job *t, const gx_gen_request *gr, genapi_error *err)
{
    if (t->n_gens == t->cap_gens)
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "more generations than reserved");
    gs_text_gen *g = &t->gens[t->n_gens++];
    g->req = *gr;
    return gx_gen_begin(t->job.b->text, &g->req, &t->req.ar, &g->gen, err);
}

genapi_status gs_text_job_start(gs_text_job *t, int stream, int chat, const gs_stream_info *info, genapi_error *err)
{
    int incremental = stream && t->n_gens > 0;
    /* A choice drawn from a restricted set of tokens (a guided constraint, allowed_token_ids)
     * may end without a further token once every candidate is masked; the chunk of its newest
     * token then waits for the next one, so that it is known not to be the last. */
    int restricted = t->guided != NULL || genapi_text_params_is_set(&t->req.p, GENAPI_TEXT_PARAM_allowed_token_ids);
    for (size_t k = 0; k < t->n_gens; k++)
        incremental = incremental && gx_gen_incremental(t->gens[k].gen);
    t->per_gen = t->n_gens ? gx_gen_choice_count(t->gens[0].gen) : 0;
    t->incremental = incremental;
    if (!incremental)
        return GENAPI_OK;
    if (gs_stream_init(&t->stream, info, chat, t->n_gens * t->per_gen, restricted, &t->req.ar) != GENAPI_OK)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    gs_job_set_head(&t->job, 200, "text/event-stream", 0);
    if (chat)
        gs_stream_roles(&t->stream, &t->job.out);
    return GENAPI_OK;
}

int64_t gs_text_job_completion_tokens(const gs_text_job *t)
{
    int64_t n = 0;
    for (size_t k = 0; k < t->n_gens; k++)
        n += t->gens[k].completion_tokens;
    return n;
}

/* Choice i of the stream: choice i % n of prompt i / n, final once its generation ended. */
static const gx_choice *stream_view(void *user, size_t i, size_t *settled, int *finished)
{
    const gs_text_job *t = user;
    const gs_text_gen *g = &t->gens[i / t->per_gen];
    size_t c = i % t->per_gen;
    if (g->ended) {
        *settled = g->choices[c].n_tokens;
        *finished = 1;
        return &g->choices[c];
    }
    return gx_gen_choice(g->gen, c, settled, finished);
}

/* A failure: the error answer of a whole answer; a stream, whose head may already be sent,
 * ends with an in-band error event. */
static void fail(gs_text_job *t, const genapi_error *err)
{
    genapi_backend *b = t->job.b;
    if (err->status == GENAPI_E_NOMEM)
        t->job.failure = GENAPI_E_NOMEM;
    if (t->incremental) {
        gs_stream_error(b, &t->job.out, err);
        t->job.done = 1;
        return;
    }
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    if (gs_respond_genapi_error(b, &r, err) != GENAPI_OK && r.body == NULL) {
        gs_job_set_head(&t->job, 500, "application/json", 0);
        t->job.done = 1;
        return;
    }
    gs_job_finish_with(&t->job, &r);
}

/* Advance every running generation by one step; ended ones hand over their final choices. */
static int generate(gs_text_job *t, genapi_error *err)
{
    int all = 1;
    for (size_t k = 0; k < t->n_gens; k++) {
        gs_text_gen *g = &t->gens[k];
        if (g->ended)
            continue;
        int rc = gx_gen_step(g->gen, err);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            genapi_status st = gx_gen_end(g->gen, &g->choices, &g->n_choices, &g->completion_tokens, err);
            if (st != GENAPI_OK)
                return (int)st;
            gx_gen_free(g->gen);
            g->gen = NULL;
            g->ended = 1;
        } else {
            all = 0;
        }
    }
    return all;
}

static void text_job_step(gs_job *j)
{
    gs_text_job *t = (gs_text_job *)j;
    genapi_error err;
    genapi_error_clear(&err);
    if (t->plp_done < t->n_plp) {
        int rc = prompt_logprobs_step(t, &err);
        if (rc < 0)
            fail(t, &err);
        return; /* generation starts with the next step */
    }
    if (!t->generated) {
        int rc = generate(t, &err);
        if (rc < 0) {
            fail(t, &err);
            return;
        }
        t->generated = rc;
        if (!t->incremental)
            return; /* the whole answer is assembled in the next step */
        int complete = gs_stream_emit(&t->stream, j->b, &t->scratch, &j->out, stream_view, t);
        int lost = t->scratch.failed || j->out.failed; /* a chunk's text or logprobs, or the output */
        ga_arena_free(&t->scratch);
        t->scratch.failed = 0;
        if (lost) {
            ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
            fail(t, &err);
            return;
        }
        if (complete && t->generated) {
            t->stream.info.completion_tokens = gs_text_job_completion_tokens(t);
            gs_stream_tail(&t->stream, &j->out);
            j->done = 1;
        }
        return;
    }
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    genapi_status st = t->answer(t, &r);
    if (st != GENAPI_OK && r.body == NULL) {
        genapi_error_clear(&err);
        ga_err(&err, st, NULL, "out of memory");
        fail(t, &err);
        return;
    }
    gs_job_finish_with(j, &r);
}

/* The deadline passed: a stream (its head is out) ends with an in-band error event and [DONE];
 * a whole answer is the 504 error. */
static void text_job_expire(gs_job *j, const char *msg)
{
    gs_text_job *t = (gs_text_job *)j;
    if (!t->incremental) {
        gs_job_expire_default(j, msg);
        return;
    }
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    gs_respond_error(j->b, &r, 504, "Gateway Timeout", NULL, "%s", msg);
    if (r.body) {
        ga_buf_puts(&j->out, "data: ");
        ga_buf_append(&j->out, r.body, r.body_len);
        ga_buf_puts(&j->out, "\n\n");
    }
    genapi_http_response_release(j->b, &r);
    ga_buf_puts(&j->out, "data: [DONE]\n\n");
    j->done = 1;
}

static void text_job_destroy(gs_job *j)
{
    gs_text_job *t = (gs_text_job *)j;
    ga_free(&j->b->alloc, t->plp_logits);
    for (size_t k = 0; k < t->n_gens; k++)
        gx_gen_free(t->gens[k].gen);
    gd_free(t->guided);
    ga_arena_free(&t->scratch);
    gs_text_req_clear(&t->req);
}

genapi_status gs_text_route(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job,
                            gs_text_answer_fn answer, gs_text_prepare_fn prepare)
{
    *job = NULL;
    genapi_status st;
    gs_text_job *t = gs_text_job_new(b, req, answer, r, &st);
    if (t == NULL)
        return st;
    if (!prepare(t, r, &st)) {
        gs_job_free(&t->job);
        return st;
    }
    *job = &t->job;
    return GENAPI_OK;
}
