/* POST /v1/completions: prompt as text, a list of texts, token ids, or a list of token-id lists. */
#include <string.h>
#include <time.h>

#include "server/limits.h"
#include "server/stream.h"
#include "server/text_common.h"
#include "util/buf.h"
#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

typedef struct prompt {
    const int32_t *ids;
    size_t n;
    const char *text; /* for echo */
    size_t text_len;
} prompt;

/* Decode token ids as the output text would show them. */
static char *detok(const gx_text_engine *e, const int32_t *ids, size_t n, ga_arena *ar, size_t *len)
{
    ga_buf buf;
    ga_buf_init(&buf, &ar->alloc);
    for (size_t i = 0; i < n; i++) {
        if (gx_tokenizer_is_special(e->tok, ids[i]))
            continue;
        size_t pl;
        const char *p = gx_tokenizer_piece(e->tok, ids[i], &pl);
        ga_buf_append(&buf, p, pl);
    }
    char *s = ga_arena_strndup(ar, buf.data ? buf.data : "", buf.len);
    *len = buf.len;
    ga_buf_free(&buf);
    return s;
}

static int parse_prompts(genapi_backend *b, json_object *root, const genapi_text_params *p, ga_arena *ar, prompt **out,
                         size_t *n_out, genapi_http_response *r)
{
    json_object *pr;
    const char *empty = "Either prompt or prompt_embeds must be provided and non-empty.";
    if (!json_object_object_get_ex(root, "prompt", &pr) || pr == NULL) {
        gs_respond_error(b, r, 400, "BadRequestError", "prompt", "%s", empty);
        return 0;
    }
    gx_text_engine *e = b->text;
    json_object *single = NULL;
    size_t count = 1;
    int list_of_lists = 0;
    if (json_object_is_type(pr, json_type_string)) {
        single = pr;
    } else if (json_object_is_type(pr, json_type_array) && json_object_array_length(pr) > 0) {
        json_object *first = json_object_array_get_idx(pr, 0);
        if (json_object_is_type(first, json_type_int)) {
            single = pr;
        } else {
            count = json_object_array_length(pr);
            list_of_lists = 1;
        }
    } else {
        gs_respond_error(b, r, 400, "BadRequestError", "prompt", "%s", empty);
        return 0;
    }
    /* What the prompts ask for, before any is tokenized: the sequences of all of them, the text
     * of all of them, and for each text whether it can fit the context at all. */
    if (!gs_check_sequences(b, p, count, r))
        return 0;
    size_t text_bytes = 0;
    for (size_t i = 0; i < count; i++) {
        json_object *item = list_of_lists ? json_object_array_get_idx(pr, i) : single;
        if (!json_object_is_type(item, json_type_string))
            continue;
        size_t len = (size_t)json_object_get_string_len(item);
        text_bytes += len;
        if (!gs_check_text_bytes(b, text_bytes, "prompt", r) ||
            !gs_check_prompt_fits(b, p, gs_min_tokens(b, len), len, "prompt", r))
            return 0;
    }
    prompt *ps = ga_arena_alloc(ar, count * sizeof *ps);
    if (ps == NULL)
        return gs_respond_nomem(b, r), 0;
    for (size_t i = 0; i < count; i++) {
        json_object *item = list_of_lists ? json_object_array_get_idx(pr, i) : single;
        if (json_object_is_type(item, json_type_string)) {
            size_t len = (size_t)json_object_get_string_len(item);
            if (len == 0) {
                gs_respond_error(b, r, 400, "BadRequestError", "prompt", "%s", empty);
                return 0;
            }
            int32_t *ids = NULL;
            size_t n = 0, cap = 0;
            if (gx_tokenize(e->tok, json_object_get_string(item), len, &ids, &n, &cap) != 0) {
                ga_free(&b->alloc, ids);
                gs_respond_nomem(b, r);
                return 0;
            }
            int32_t *copy = ga_arena_alloc(ar, (n ? n : 1) * sizeof *ids);
            if (copy == NULL) {
                ga_free(&b->alloc, ids);
                gs_respond_nomem(b, r);
                return 0;
            }
            memcpy(copy, ids, n * sizeof *ids);
            ps[i].ids = copy;
            ga_free(&b->alloc, ids);
            ps[i].n = n;
            ps[i].text = json_object_get_string(item);
            ps[i].text_len = len;
        } else if (json_object_is_type(item, json_type_array) && json_object_array_length(item) > 0) {
            int32_t *ids = NULL;
            if (!gs_token_array(b, item, ar, &ids, &ps[i].n, "prompt", r))
                return 0;
            ps[i].ids = ids;
            ps[i].text = detok(e, ps[i].ids, ps[i].n, ar, &ps[i].text_len);
        } else {
            gs_respond_error(b, r, 400, "BadRequestError", "prompt",
                             "prompt must be a string, a list of strings, a list of token ids or a list of such lists.");
            return 0;
        }
    }
    *out = ps;
    *n_out = count;
    return 1;
}

/* What the completions answer needs beyond the job's parameters and generations. */
typedef struct cmpl_state {
    const char *model;
    prompt *ps;
    size_t n_prompts;
    gx_logprob **plp;     /* per prompt: prompt logprobs (prompt_logprobs, or echo with logprobs), or NULL */
    int echo, stream;
    int64_t n, top;       /* top: -1 without logprobs */
    int64_t prompt_tokens;
    int64_t created;
    char id[64];
} cmpl_state;

/* One choice of the whole answer: choice i of prompt k. */
static json_object *choice_json(gs_text_job *t, size_t k, const gx_choice *c, int64_t index)
{
    const cmpl_state *cs = t->route;
    const genapi_text_params *p = &t->req.p;
    gx_text_engine *e = t->job.b->text;
    ga_arena *ar = &t->req.ar;
    const prompt *pk = &cs->ps[k];
    gx_logprob *plp = cs->plp[k];
    ga_buf text;
    ga_buf_init(&text, &ar->alloc);
    if (cs->echo)
        ga_buf_append(&text, pk->text, pk->text_len);
    ga_buf_append(&text, c->text, c->text_len);
    if (text.failed)
        ar->failed = 1; /* reported by completion_answer */
    json_object *ch = json_object_new_object();
    json_object_object_add(ch, "index", json_object_new_int64(index));
    json_object_object_add(ch, "text", json_object_new_string_len(text.data ? text.data : "", (int)text.len));
    ga_buf_free(&text);
    json_object *lp = NULL;
    if (c->logprobs) {
        if (cs->echo && plp) {
            /* Prompt tokens first (the first without a logprob), then the output. */
            gx_logprob *all = ga_arena_alloc(ar, (pk->n + c->n_tokens + 1) * sizeof *all);
            if (all) { /* (a failure is the arena's: reported by completion_answer) */
                memcpy(all, plp, pk->n * sizeof *all);
                memcpy(all + pk->n, c->logprobs, c->n_tokens * sizeof *all);
                lp = gs_completion_logprobs(e, all, pk->n + c->n_tokens, 0, ar);
            }
        } else {
            lp = gs_completion_logprobs(e, c->logprobs, c->n_tokens,
                                        cs->echo ? gs_utf8_chars(pk->text, pk->text_len) : 0, ar);
        }
    }
    json_object_object_add(ch, "logprobs", lp);
    json_object_object_add(ch, "finish_reason", json_object_new_string(c->finish_reason));
    json_object_object_add(ch, "stop_reason",
                           c->stop_kind == 1   ? json_object_new_int64(c->stop_token)
                           : c->stop_kind == 2 ? json_object_new_string(c->stop_string)
                                               : NULL);
    json_object_object_add(ch, "token_ids", NULL);
    json_object_object_add(ch, "prompt_logprobs",
                           plp && IS(p, prompt_logprobs) ? gs_prompt_logprobs(e, plp, pk->n, ar) : NULL);
    json_object_object_add(ch, "prompt_token_ids", NULL);
    return ch;
}

/* The whole answer: a text_completion, or one event holding it for a stream that is not
 * incremental (best_of > n, beam search). */
static genapi_status completion_answer(gs_text_job *t, genapi_http_response *r)
{
    genapi_backend *b = t->job.b;
    const cmpl_state *cs = t->route;
    t->req.ar.failed = 0; /* the pieces below (texts, logprobs) are checked once, at the end */
    json_object *choices = json_object_new_array();
    for (size_t k = 0; k < t->n_gens; k++)
        for (size_t i = 0; i < t->gens[k].n_choices; i++)
            json_object_array_add(choices,
                                  choice_json(t, k, &t->gens[k].choices[i], (int64_t)k * cs->n + (int64_t)i));
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(cs->id));
    json_object_object_add(o, "object", json_object_new_string("text_completion"));
    json_object_object_add(o, "created", json_object_new_int64(cs->created));
    json_object_object_add(o, "model", json_object_new_string(cs->model));
    json_object_object_add(o, "choices", choices);
    json_object_object_add(o, "service_tier", NULL);
    json_object_object_add(o, "system_fingerprint", NULL);
    json_object_object_add(o, "usage", gs_usage(cs->prompt_tokens, gs_text_job_completion_tokens(t)));
    json_object_object_add(o, "kv_transfer_params", NULL);
    if (t->req.ar.failed) {
        json_object_put(o);
        return gs_respond_nomem(b, r);
    }
    return cs->stream ? gs_respond_fake_stream(b, r, o) : gs_respond_json(b, r, 200, o);
}

/* Everything before the first token: parsing, checks, each prompt's tokens, logprobs and
 * generation start. Returns 1 when the job may run, else 0 with the answer in r and its
 * status in *st. */
static int prepare_completion(gs_text_job *t, genapi_http_response *r, genapi_status *st)
{
    genapi_backend *b = t->job.b;
    json_object *root = t->req.root;
    genapi_text_params *p = &t->req.p;
    ga_arena *ar = &t->req.ar;
    genapi_error err;
    genapi_error_clear(&err);
    json_object *v;
    if (json_object_object_get_ex(root, "suffix", &v) && v != NULL) {
        *st = gs_respond_error(b, r, 400, "BadRequestError", "suffix", "suffix is not currently supported");
        return 0;
    }
    cmpl_state *cs = ga_arena_alloc(ar, sizeof *cs);
    if (cs == NULL) {
        *st = gs_respond_nomem(b, r);
        return 0;
    }
    t->route = cs;
    if (!gs_text_params(b, root, p, r, &cs->model))
        return *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM, 0;
    int include_usage;
    if (!gs_bool_member(b, root, "echo", 0, &cs->echo, r) || !gs_bool_member(b, root, "stream", 0, &cs->stream, r) ||
        !gs_stream_options(b, root, cs->stream, &include_usage, r))
        return *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM, 0;
    if (cs->stream && IS(p, prompt_logprobs) && p->prompt_logprobs != 0) {
        *st = gs_respond_error(b, r, 400, "BadRequestError", "prompt_logprobs",
                               "`prompt_logprobs` are not available when `stream=True`.");
        return 0;
    }
    if (IS(p, logprobs) && p->logprobs < 0) {
        *st = gs_respond_error(b, r, 400, "BadRequestError", "logprobs", "`logprobs` must be a positive value.");
        return 0;
    }
    if (!parse_prompts(b, root, p, ar, &cs->ps, &cs->n_prompts, r))
        return *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM, 0;
    gx_text_engine *e = b->text;
    prompt *ps = cs->ps;
    cs->n = IS(p, n) ? p->n : 1;
    cs->top = IS(p, logprobs) ? p->logprobs : -1;
    cs->created = (int64_t)time(NULL);
    gs_random_id(cs->id, sizeof cs->id, "cmpl-");
    uint64_t seed = gs_resolve_seed(p);
    const float *adapter = gs_adapter(b, p, cs->model, ar);
    cs->plp = ga_arena_alloc(ar, cs->n_prompts * sizeof *cs->plp);
    genapi_status s = cs->plp ? gs_text_job_reserve(t, cs->n_prompts, &err)
                              : ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
    if (s != GENAPI_OK) {
        *st = gs_respond_genapi_error(b, r, &err);
        return 0;
    }
    /* Every prompt checked, and the work they ask for together, before any of it is done. */
    int64_t plp_top = IS(p, prompt_logprobs) ? (p->prompt_logprobs < 0 ? 20 : p->prompt_logprobs)
                      : cs->echo && cs->top >= 0 ? cs->top
                                                 : -1;
    gs_budget budget = {0, 0};
    for (size_t k = 0; k < cs->n_prompts; k++) {
        cs->plp[k] = NULL;
        ps[k].n = gx_truncate_prompt(e, p, &ps[k].ids, ps[k].n);
        if (gx_check_request(e, p, ps[k].n, &err) != GENAPI_OK) {
            *st = gs_respond_genapi_error(b, r, &err);
            return 0;
        }
        if (!gs_budget_add(b, &budget, p, ps[k].n, 16, gs_answer_is_whole(p, cs->stream), cs->top, "logprobs",
                           plp_top, IS(p, prompt_logprobs) ? "prompt_logprobs" : "logprobs", r))
            return *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM, 0;
    }
    /* One constraint for every prompt (each sequence keeps its own cursor on it). */
    s = gx_guided_compile(e, p, &t->guided, &err);
    for (size_t k = 0; k < cs->n_prompts && s == GENAPI_OK; k++) {
        size_t vocab = gx_tokenizer_vocab_size(e->tok);
        uint8_t *topic = ga_arena_alloc(ar, vocab);
        if (topic == NULL || (ps[k].text && gx_mark_topic(e, ps[k].text, topic) != 0)) {
            s = ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
            break;
        }
        /* Prompt logprobs are computed by the job's first steps. */
        if (plp_top >= 0)
            s = gs_text_job_prompt_logprobs(t, ps[k].ids, ps[k].n, (size_t)plp_top, &cs->plp[k], &err);
        gx_gen_request gr = {ps[k].ids, ps[k].n, p, 16, topic, seed, cs->top, 0, adapter, t->guided};
        cs->prompt_tokens += (int64_t)ps[k].n;
        if (s == GENAPI_OK)
            s = gs_text_job_add(t, &gr, &err);
    }
    /* Per choice of the stream: the prompt text echo puts first. */
    size_t total = cs->n_prompts * (size_t)cs->n;
    size_t *prefix = ga_arena_alloc(ar, total * sizeof *prefix);
    const char **texts = ga_arena_alloc(ar, total * sizeof *texts);
    if (s == GENAPI_OK && (prefix == NULL || texts == NULL))
        s = ga_err(&err, GENAPI_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; s == GENAPI_OK && i < total; i++) {
        prefix[i] = cs->echo ? ps[i / (size_t)cs->n].text_len : 0;
        texts[i] = ps[i / (size_t)cs->n].text;
    }
    gs_stream_info info = {cs->id, cs->created, cs->model, cs->top,
                           IS(p, output_kind) ? (int)p->output_kind : GS_OUTPUT_DELTA, include_usage,
                           cs->prompt_tokens, 0, prefix, cs->echo ? texts : NULL, NULL};
    if (s == GENAPI_OK)
        s = gs_text_job_start(t, cs->stream, 0, &info, &err);
    if (s != GENAPI_OK) {
        *st = gs_respond_genapi_error(b, r, &err);
        return 0;
    }
    return 1;
}

genapi_status gs_handle_completions(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job)
{
    return gs_text_route(b, req, r, job, completion_answer, prepare_completion);
}
