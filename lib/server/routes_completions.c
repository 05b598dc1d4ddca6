/* POST /v1/completions: prompt as text, a list of texts, token ids, or a list of token-id lists. */
#include <string.h>
#include <time.h>

#include "engine/text/select.h"
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

static int parse_prompts(genapi_backend *b, json_object *root, ga_arena *ar, prompt **out, size_t *n_out,
                         genapi_http_response *r)
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
    prompt *ps = ga_arena_alloc(ar, count * sizeof *ps);
    if (ps == NULL)
        return gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory"), 0;
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
                gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory");
                return 0;
            }
            int32_t *copy = ga_arena_alloc(ar, (n ? n : 1) * sizeof *ids);
            if (copy == NULL) {
                ga_free(&b->alloc, ids);
                gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory");
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

static genapi_status run_completion(genapi_backend *b, json_object *root, genapi_text_params *p, ga_arena *ar,
                                    genapi_http_response *r, genapi_error *err)
{
    json_object *v;
    if (json_object_object_get_ex(root, "suffix", &v) && v != NULL)
        return gs_respond_error(b, r, 400, "BadRequestError", "suffix", "suffix is not currently supported");
    const char *model;
    if (!gs_text_params(b, root, p, r, &model))
        return GENAPI_OK;
    int echo = json_object_object_get_ex(root, "echo", &v) && json_object_get_boolean(v);
    int stream = json_object_object_get_ex(root, "stream", &v) && json_object_get_boolean(v), include_usage;
    if (!gs_stream_options(b, root, stream, &include_usage, r))
        return GENAPI_OK;
    if (stream && IS(p, prompt_logprobs) && p->prompt_logprobs != 0)
        return gs_respond_error(b, r, 400, "BadRequestError", "prompt_logprobs",
                                "`prompt_logprobs` are not available when `stream=True`.");
    if (IS(p, logprobs) && p->logprobs < 0)
        return gs_respond_error(b, r, 400, "BadRequestError", "logprobs", "`logprobs` must be a positive value.");
    prompt *ps = NULL;
    size_t n_prompts = 0;
    if (!parse_prompts(b, root, ar, &ps, &n_prompts, r))
        return GENAPI_OK;
    gx_text_engine *e = b->text;
    int64_t n = IS(p, n) ? p->n : 1;
    int64_t top = IS(p, logprobs) ? p->logprobs : -1;
    uint64_t seed = gs_resolve_seed(p);
    json_object *choices = json_object_new_array();
    int64_t prompt_tokens = 0, completion_tokens = 0;
    genapi_status st = GENAPI_OK;
    /* Every choice of every prompt, kept for a stream. */
    size_t total = n_prompts * (size_t)n, n_acc = 0;
    gx_choice *acc = ga_arena_alloc(ar, total * sizeof *acc);
    int64_t *acc_index = ga_arena_alloc(ar, total * sizeof *acc_index);
    size_t *acc_prefix = ga_arena_alloc(ar, total * sizeof *acc_prefix);
    const char **acc_prompt = ga_arena_alloc(ar, total * sizeof *acc_prompt);
    if (!acc || !acc_index || !acc_prefix || !acc_prompt)
        st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    gd_constraint *guided = NULL;
    if (st == GENAPI_OK)
        st = gx_guided_compile(e, p, &guided, err);
    for (size_t k = 0; k < n_prompts && st == GENAPI_OK; k++) {
        ps[k].n = gx_truncate_prompt(e, p, &ps[k].ids, ps[k].n);
        st = gx_check_request(e, p, ps[k].n, err);
        if (st != GENAPI_OK)
            break;
        size_t vocab = gx_tokenizer_vocab_size(e->tok);
        uint8_t *topic = ga_arena_alloc(ar, vocab);
        if (topic && ps[k].text)
            gx_mark_topic(e, ps[k].text, topic);
        gx_logprob *plp = NULL;
        if (IS(p, prompt_logprobs) || (echo && top >= 0))
            st = gx_prompt_logprobs(e, ps[k].ids, ps[k].n,
                                    IS(p, prompt_logprobs) ? (p->prompt_logprobs < 0 ? 20 : (size_t)p->prompt_logprobs)
                                                           : (size_t)top,
                                    ar, &plp, err);
        gx_gen_request gr = {ps[k].ids, ps[k].n, p, 16, topic, seed, top, 0, gs_adapter(b, p, model, ar), guided};
        prompt_tokens += (int64_t)ps[k].n;
        gx_choice *cs = NULL;
        size_t n_choices = 0;
        int64_t used = 0;
        if (st == GENAPI_OK)
            st = gx_generate_choices(e, &gr, ar, &cs, &n_choices, &used, err);
        completion_tokens += used;
        for (size_t i = 0; i < n_choices && st == GENAPI_OK; i++) {
            gx_choice c = cs[i];
            acc[n_acc] = c;
            acc_index[n_acc] = (int64_t)k * n + (int64_t)i;
            acc_prefix[n_acc] = echo ? ps[k].text_len : 0;
            acc_prompt[n_acc++] = ps[k].text;
            ga_buf text;
            ga_buf_init(&text, &ar->alloc);
            if (echo)
                ga_buf_append(&text, ps[k].text, ps[k].text_len);
            ga_buf_append(&text, c.text, c.text_len);
            json_object *ch = json_object_new_object();
            json_object_object_add(ch, "index", json_object_new_int64((int64_t)k * n + (int64_t)i));
            json_object_object_add(ch, "text", json_object_new_string_len(text.data ? text.data : "", (int)text.len));
            ga_buf_free(&text);
            json_object *lp = NULL;
            if (c.logprobs) {
                if (echo && plp) {
                    /* Prompt tokens first (the first without a logprob), then the output. */
                    gx_logprob *all = ga_arena_alloc(ar, (ps[k].n + c.n_tokens + 1) * sizeof *all);
                    if (all) {
                        memcpy(all, plp, ps[k].n * sizeof *all);
                        memcpy(all + ps[k].n, c.logprobs, c.n_tokens * sizeof *all);
                        lp = gs_completion_logprobs(e, all, ps[k].n + c.n_tokens, 0, ar);
                    }
                } else {
                    lp = gs_completion_logprobs(e, c.logprobs, c.n_tokens,
                                                echo ? gs_utf8_chars(ps[k].text, ps[k].text_len) : 0, ar);
                }
            }
            json_object_object_add(ch, "logprobs", lp);
            json_object_object_add(ch, "finish_reason", json_object_new_string(c.finish_reason));
            json_object_object_add(ch, "stop_reason",
                                   c.stop_kind == 1   ? json_object_new_int64(c.stop_token)
                                   : c.stop_kind == 2 ? json_object_new_string(c.stop_string)
                                                      : NULL);
            json_object_object_add(ch, "token_ids", NULL);
            json_object_object_add(ch, "prompt_logprobs",
                                   plp && IS(p, prompt_logprobs) ? gs_prompt_logprobs(e, plp, ps[k].n, ar) : NULL);
            json_object_object_add(ch, "prompt_token_ids", NULL);
            json_object_array_add(choices, ch);
        }
    }
    gd_free(guided);
    if (st != GENAPI_OK) {
        json_object_put(choices);
        return gs_respond_genapi_error(b, r, err);
    }
    char id[64];
    gs_random_id(id, sizeof id, "cmpl-");
    int whole = (IS(p, use_beam_search) && p->use_beam_search) || (IS(p, best_of) && p->best_of > n);
    if (stream && !whole) {
        json_object_put(choices);
        gs_stream_info info = {id, (int64_t)time(NULL), model, top,
                               IS(p, output_kind) ? (int)p->output_kind : GS_OUTPUT_DELTA, include_usage,
                               prompt_tokens, completion_tokens, acc_prefix, echo ? acc_prompt : NULL};
        return gs_stream_completions(b, r, &info, acc, acc_index, n_acc, ar);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "object", json_object_new_string("text_completion"));
    json_object_object_add(o, "created", json_object_new_int64((int64_t)time(NULL)));
    json_object_object_add(o, "model", json_object_new_string(model));
    json_object_object_add(o, "choices", choices);
    json_object_object_add(o, "service_tier", NULL);
    json_object_object_add(o, "system_fingerprint", NULL);
    json_object_object_add(o, "usage", gs_usage(prompt_tokens, completion_tokens));
    json_object_object_add(o, "kv_transfer_params", NULL);
    return stream ? gs_respond_fake_stream(b, r, o) : gs_respond_json(b, r, 200, o);
}

genapi_status gs_handle_completions(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job)
{
    *job = NULL;
    return gs_run_text_route(b, req, r, run_completion);
}
