/* Generation in bounded steps: the first step runs the whole generation. */
#include "engine/text/gen.h"

#include "engine/text/select.h"
#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

struct gx_gen {
    const gx_text_engine *e;
    gx_gen_request req;
    ga_arena *ar;
    size_t n;
    int incremental;
    int done;
    gx_choice *choices;
    size_t n_choices;
    int64_t completion_tokens;
    gx_choice empty;
};

genapi_status gx_gen_begin(const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar, gx_gen **out,
                           genapi_error *err)
{
    const genapi_text_params *p = req->params;
    gx_gen *g = ga_calloc(&e->alloc, 1, sizeof *g);
    if (g == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    g->e = e;
    g->req = *req;
    g->ar = ar;
    g->n = IS(p, n) ? (size_t)p->n : 1;
    size_t best_of = IS(p, best_of) ? (size_t)p->best_of : g->n;
    g->incremental = !(IS(p, use_beam_search) && p->use_beam_search) && best_of <= g->n;
    g->empty.finish_reason = NULL;
    g->empty.text = "";
    *out = g;
    return GENAPI_OK;
}

int gx_gen_step(gx_gen *g, genapi_error *err)
{
    if (g->done)
        return 1;
    genapi_status st =
        gx_generate_choices(g->e, &g->req, g->ar, &g->choices, &g->n_choices, &g->completion_tokens, err);
    if (st != GENAPI_OK)
        return (int)st;
    g->done = 1;
    return 1;
}

int gx_gen_incremental(const gx_gen *g) { return g->incremental; }

size_t gx_gen_choice_count(const gx_gen *g) { return g->n; }

const gx_choice *gx_gen_choice(const gx_gen *g, size_t i, size_t *settled, int *finished)
{
    if (!g->done || i >= g->n_choices) {
        *settled = 0;
        *finished = 0;
        return &g->empty;
    }
    *settled = g->choices[i].n_tokens;
    *finished = 1;
    return &g->choices[i];
}

genapi_status gx_gen_end(gx_gen *g, gx_choice **out, size_t *n_out, int64_t *completion_tokens, genapi_error *err)
{
    if (!g->done)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "the generation is not finished");
    *out = g->choices;
    *n_out = g->n_choices;
    *completion_tokens = g->completion_tokens;
    return GENAPI_OK;
}

void gx_gen_free(gx_gen *g)
{
    if (g == NULL)
        return;
    ga_alloc a = g->e->alloc;
    ga_free(&a, g);
}
