/* The choices of a request in one call: a gx_gen (gen.h) stepped to the end. */
#include "engine/text/select.h"

#include "engine/text/gen.h"

genapi_status gx_generate_choices(const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar, gx_choice **out,
                                  size_t *n_out, int64_t *completion_tokens, genapi_error *err)
{
    *completion_tokens = 0;
    gx_gen *g = NULL;
    genapi_status st = gx_gen_begin(e, req, ar, &g, err);
    if (st != GENAPI_OK)
        return st;
    int rc;
    while ((rc = gx_gen_step(g, err)) == 0) {
    }
    st = rc < 0 ? (genapi_status)rc : gx_gen_end(g, out, n_out, completion_tokens, err);
    gx_gen_free(g);
    return st;
}
