/* Generation in bounded steps: n sampled sequences advanced round robin (one token each per
 * step), best_of sequences sampled the same way and ranked at the end, or a beam search
 * advanced one beam step at a time. */
#include "engine/text/gen.h"

#include <stdlib.h>
#include <string.h>

#include "engine/text/select.h"
#include "engine/text/seq.h"
#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

enum { GEN_SAMPLE, GEN_BEST_OF, GEN_BEAM };

struct gx_gen {
    const gx_text_engine *e;
    ga_arena *ar;
    int kind;
    size_t n;              /* choices returned */
    size_t n_seq;          /* sequences sampled: n, or best_of */
    size_t n_begun;        /* sequences holding state (to release) */
    size_t n_running;      /* sequences not finished yet */
    int run_ready;
    gx_run run;
    gx_seq *seqs;          /* n_seq */
    uint8_t *finished;     /* n_seq: 1 once finals[i] is set and seqs[i] released */
    gx_choice *finals;     /* n_seq, in the arena: the choice of each finished sequence */
    gx_choice *views;      /* n_seq partial views (plain sampling only) */
    gx_beam_search *beam;
    uint64_t beam_evaluations;
    gx_choice *choices;    /* the n results, once done */
    int64_t completion_tokens;
    int done;
    int failed;            /* the error status a step returned, or 0 */
    gx_choice empty;       /* the view of a choice not known yet */
};

void gx_gen_free(gx_gen *g)
{
    if (g == NULL)
        return;
    const ga_alloc *a = &g->e->alloc;
    for (size_t i = 0; i < g->n_begun; i++)
        if (!g->finished[i])
            gx_seq_release(&g->run, &g->seqs[i]);
    if (g->run_ready)
        gx_run_release(&g->run);
    gx_beam_free(g->beam);
    ga_free(a, g->seqs);
    ga_free(a, g->finished);
    ga_free(a, g->views);
    ga_alloc copy = *a;
    ga_free(&copy, g);
}

static genapi_status nomem(genapi_error *err) { return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory"); }

genapi_status gx_gen_begin(const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar, gx_gen **out,
                           genapi_error *err)
{
    const genapi_text_params *p = req->params;
    const ga_alloc *a = &e->alloc;
    *out = NULL;
    gx_gen *g = ga_calloc(a, 1, sizeof *g);
    if (g == NULL)
        return nomem(err);
    g->e = e;
    g->ar = ar;
    g->n = IS(p, n) ? (size_t)p->n : 1;
    g->empty.text = "";
    genapi_status st = GENAPI_OK;
    if (IS(p, use_beam_search) && p->use_beam_search) {
        g->kind = GEN_BEAM;
        if (req->guided)
            st = ga_err(err, GENAPI_E_INVALID_ARG, "use_beam_search",
                        "beam search cannot be combined with guided decoding on the reference backend.");
        else
            st = gx_beam_begin(e, req, g->n, ar, &g->beam, err);
    } else {
        size_t best_of = IS(p, best_of) ? (size_t)p->best_of : g->n;
        gx_gen_request r = *req;
        g->kind = GEN_SAMPLE;
        g->n_seq = g->n;
        if (best_of > g->n) {
            /* Sample best_of sequences (seed + i) and keep the n most likely. */
            g->kind = GEN_BEST_OF;
            g->n_seq = best_of;
            r.score = 1;
        }
        st = gx_run_init(&g->run, e, &r, ar, err);
        g->run_ready = st == GENAPI_OK;
        if (st == GENAPI_OK) {
            g->seqs = ga_calloc(a, g->n_seq, sizeof *g->seqs);
            g->finished = ga_calloc(a, g->n_seq, 1);
            g->finals = ga_arena_alloc(ar, g->n_seq * sizeof *g->finals);
            if (g->kind == GEN_SAMPLE)
                g->views = ga_calloc(a, g->n_seq, sizeof *g->views);
            if (g->seqs == NULL || g->finished == NULL || g->finals == NULL ||
                (g->kind == GEN_SAMPLE && g->views == NULL))
                st = nomem(err);
        }
        for (size_t i = 0; st == GENAPI_OK && i < g->n_seq; i++) {
            st = gx_seq_begin(&g->run, &g->seqs[i], i, err);
            if (st != GENAPI_OK)
                break;
            g->n_begun++;
            g->n_running++;
            if (g->views)
                gx_seq_view(&g->run, &g->seqs[i], &g->views[i]);
        }
    }
    if (st != GENAPI_OK) {
        gx_gen_free(g);
        return st;
    }
    *out = g;
    return GENAPI_OK;
}

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

/* Every sequence finished: the n results. */
static genapi_status complete(gx_gen *g, genapi_error *err)
{
    if (g->kind == GEN_SAMPLE) {
        g->choices = g->finals;
    } else {
        ranked *all = ga_arena_alloc(g->ar, g->n_seq * sizeof *all);
        g->choices = ga_arena_alloc(g->ar, g->n * sizeof *g->choices);
        if (all == NULL || g->choices == NULL)
            return nomem(err);
        for (size_t i = 0; i < g->n_seq; i++)
            all[i] = (ranked){g->finals[i], i};
        qsort(all, g->n_seq, sizeof *all, by_cum_desc);
        for (size_t i = 0; i < g->n; i++)
            g->choices[i] = all[i].c;
    }
    gx_run_release(&g->run); /* the scratch; the counters stay */
    return GENAPI_OK;
}

static int step_beam(gx_gen *g, genapi_error *err)
{
    int rc = gx_beam_step(g->beam, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return 0;
    g->choices = ga_arena_alloc(g->ar, g->n * sizeof *g->choices);
    if (g->choices == NULL)
        return nomem(err);
    genapi_status st = gx_beam_finish(g->beam, g->choices, err);
    if (st != GENAPI_OK)
        return st;
    for (size_t i = 0; i < g->n; i++)
        g->completion_tokens += (int64_t)g->choices[i].n_tokens;
    g->beam_evaluations = gx_beam_evaluations(g->beam);
    gx_beam_free(g->beam);
    g->beam = NULL;
    return 1;
}

static int step_sampled(gx_gen *g, genapi_error *err)
{
    for (size_t i = 0; i < g->n_seq; i++) {
        if (g->finished[i])
            continue;
        gx_seq *s = &g->seqs[i];
        genapi_status st = gx_seq_step(&g->run, s, err);
        if (st != GENAPI_OK)
            return st;
        if (!s->done) {
            if (g->views)
                gx_seq_view(&g->run, s, &g->views[i]);
            continue;
        }
        st = gx_seq_finish(&g->run, s, &g->finals[i], err);
        if (st != GENAPI_OK)
            return st;
        gx_seq_release(&g->run, s);
        g->finished[i] = 1;
        g->n_running--;
        g->completion_tokens += (int64_t)g->finals[i].n_tokens;
    }
    if (g->n_running > 0)
        return 0;
    genapi_status st = complete(g, err);
    return st != GENAPI_OK ? st : 1;
}

int gx_gen_step(gx_gen *g, genapi_error *err)
{
    if (g->failed)
        return ga_err(err, (genapi_status)g->failed, NULL, "the generation failed at an earlier step");
    if (g->done)
        return 1;
    int rc = g->kind == GEN_BEAM ? step_beam(g, err) : step_sampled(g, err);
    if (rc < 0)
        g->failed = rc;
    else if (rc == 1)
        g->done = 1;
    return rc;
}

int gx_gen_incremental(const gx_gen *g) { return g->kind == GEN_SAMPLE; }

size_t gx_gen_choice_count(const gx_gen *g) { return g->n; }

const gx_choice *gx_gen_choice(const gx_gen *g, size_t i, size_t *settled, int *finished)
{
    *settled = 0;
    *finished = 0;
    if (i >= g->n)
        return NULL;
    if (g->done) {
        *settled = g->choices[i].n_tokens;
        *finished = 1;
        return &g->choices[i];
    }
    if (g->kind != GEN_SAMPLE)
        return &g->empty;
    if (g->finished[i]) {
        *settled = g->finals[i].n_tokens;
        *finished = 1;
        return &g->finals[i];
    }
    if (i >= g->n_begun)
        return &g->empty;
    *settled = g->seqs[i].settled;
    return &g->views[i];
}

uint64_t gx_gen_evaluations(const gx_gen *g)
{
    if (g->kind == GEN_BEAM)
        return g->beam ? gx_beam_evaluations(g->beam) : g->beam_evaluations;
    return g->run.evaluations;
}

genapi_status gx_gen_end(gx_gen *g, gx_choice **out, size_t *n_out, int64_t *completion_tokens, genapi_error *err)
{
    if (!g->done)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "the generation is not finished");
    *out = g->choices;
    *n_out = g->n;
    *completion_tokens = g->completion_tokens;
    return GENAPI_OK;
}
