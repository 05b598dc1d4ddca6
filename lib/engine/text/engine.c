#include "util/detmath.h"
#include "engine/text/engine.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/text/samplers/samplers.h"
#include "engine/text/select.h"
#include "engine/text/seq.h"
#include "util/buf.h"
#include "util/err.h"

extern const unsigned char genapi_corpus_data[];
extern const size_t genapi_corpus_size;

#define GX_MAX_VOCAB 4000

gx_text_engine *gx_text_engine_new(const ga_alloc *a)
{
    gx_text_engine *e = ga_calloc(a, 1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->alloc = *a;
    e->max_model_len = GX_MAX_MODEL_LEN;
    const char *corpus = (const char *)genapi_corpus_data;
    e->tok = gx_tokenizer_new(a, corpus, genapi_corpus_size, GX_MAX_VOCAB);
    e->model = e->tok ? gx_model_new(a, e->tok, corpus, genapi_corpus_size) : NULL;
    if (e->model == NULL) {
        gx_text_engine_free(e);
        return NULL;
    }
    size_t vocab = gx_tokenizer_vocab_size(e->tok);
    e->adapter = ga_calloc(a, vocab, sizeof *e->adapter);
    if (e->adapter == NULL) {
        gx_text_engine_free(e);
        return NULL;
    }
    e->gd_pieces = ga_calloc(a, vocab, sizeof *e->gd_pieces);
    e->gd_piece_len = ga_calloc(a, vocab, sizeof *e->gd_piece_len);
    e->gd_special = ga_calloc(a, vocab, 1);
    if (e->gd_pieces == NULL || e->gd_piece_len == NULL || e->gd_special == NULL) {
        gx_text_engine_free(e);
        return NULL;
    }
    for (size_t v = 0; v < vocab; v++) {
        e->gd_pieces[v] = gx_tokenizer_piece(e->tok, (int32_t)v, &e->gd_piece_len[v]);
        e->gd_special[v] = (uint8_t)gx_tokenizer_is_special(e->tok, (int32_t)v);
    }
    e->gd_vocab = (gd_vocab){vocab, e->gd_pieces, e->gd_piece_len, e->gd_special, GX_TOK_IM_END};
    static const char *const words[] = {"sea", "river", "forest", "rain", "garden", "tree", "trees", "bird", "birds",
                                        "leaves", "wind", "sun", "moon", "flowers", "water", "hill", "snow", "stars",
                                        "lake", "waves", "grass", "fox", "pond", "storm", "clouds", "meadow"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        char spaced[32];
        snprintf(spaced, sizeof spaced, " %s", words[i]);
        int32_t ids[2] = {gx_tokenizer_lookup(e->tok, words[i], strlen(words[i])),
                          gx_tokenizer_lookup(e->tok, spaced, strlen(spaced))};
        for (int k = 0; k < 2; k++)
            if (ids[k] >= 0)
                e->adapter[ids[k]] = 1.5f;
    }
    return e;
}

const float *gx_adapter_weights(const gx_text_engine *e) { return e->adapter; }

void gx_text_engine_free(gx_text_engine *e)
{
    if (e == NULL)
        return;
    gx_model_free(e->model);
    gx_tokenizer_free(e->tok);
    ga_free(&e->alloc, e->adapter);
    ga_free(&e->alloc, e->gd_pieces);
    ga_free(&e->alloc, e->gd_piece_len);
    ga_free(&e->alloc, e->gd_special);
    ga_alloc a = e->alloc;
    ga_free(&a, e);
}

static int push_id(const ga_alloc *a, int32_t **ids, size_t *n, size_t *cap, int32_t id)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        int32_t *p = ga_realloc(a, *ids, nc * sizeof *p);
        if (p == NULL)
            return -1;
        *ids = p;
        *cap = nc;
    }
    (*ids)[(*n)++] = id;
    return 0;
}

int gx_apply_chat_template(const gx_text_engine *e, const gx_message *msgs, size_t n, int add_generation_prompt,
                           int32_t **ids, size_t *n_ids, size_t *cap)
{
    for (size_t i = 0; i < n; i++) {
        const char *content = msgs[i].content ? msgs[i].content : "";
        if (push_id(&e->alloc, ids, n_ids, cap, GX_TOK_IM_START) ||
            gx_tokenize(e->tok, msgs[i].role, strlen(msgs[i].role), ids, n_ids, cap) ||
            gx_tokenize(e->tok, "\n", 1, ids, n_ids, cap) ||
            gx_tokenize(e->tok, content, strlen(content), ids, n_ids, cap) ||
            push_id(&e->alloc, ids, n_ids, cap, GX_TOK_IM_END) || gx_tokenize(e->tok, "\n", 1, ids, n_ids, cap))
            return -1;
    }
    if (add_generation_prompt &&
        (push_id(&e->alloc, ids, n_ids, cap, GX_TOK_IM_START) ||
         gx_tokenize(e->tok, "assistant\n", 10, ids, n_ids, cap)))
        return -1;
    return 0;
}

int gx_mark_topic(const gx_text_engine *e, const char *text, uint8_t *topic)
{
    int32_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc = gx_tokenize(e->tok, text, strlen(text), &ids, &n, &cap);
    if (rc == 0)
        for (size_t i = 0; i < n; i++)
            if (ids[i] >= GX_TOK_BYTE0 + 256 && gx_model_unigram(e->model, ids[i]) < 2e-3)
                topic[ids[i]] = 1;
    ga_free(&e->alloc, ids);
    return rc == 0 ? 0 : -1;
}

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

static genapi_status check_ids(const genapi_intlist *l, size_t vocab, const char *name, genapi_error *err)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i] < 0 || (uint64_t)l->items[i] >= vocab)
            return ga_err(err, GENAPI_E_INVALID_ARG, name, "%s contains out-of-vocab token id %lld. Vocabulary size: %zu",
                          name, (long long)l->items[i], vocab);
    return GENAPI_OK;
}

size_t gx_truncate_prompt(const gx_text_engine *e, const genapi_text_params *p, const int32_t **prompt, size_t n)
{
    if (!IS(p, truncate_prompt_tokens))
        return n;
    size_t k = p->truncate_prompt_tokens < 0 ? e->max_model_len : (size_t)p->truncate_prompt_tokens;
    if (n > k) {
        *prompt += n - k;
        n = k;
    }
    return n;
}

genapi_status gx_check_request(const gx_text_engine *e, const genapi_text_params *p, size_t n_prompt, genapi_error *err)
{
    size_t vocab = gx_tokenizer_vocab_size(e->tok);
    genapi_status st = GENAPI_OK;
    if (IS(p, allowed_token_ids) && (st = check_ids(&p->allowed_token_ids, vocab, "allowed_token_ids", err)))
        return st;
    if (IS(p, stop_token_ids) && (st = check_ids(&p->stop_token_ids, vocab, "stop_token_ids", err)))
        return st;
    if (IS(p, custom_token_bans) && (st = check_ids(&p->custom_token_bans, vocab, "custom_token_bans", err)))
        return st;
    if (IS(p, dry_sequence_breaker_ids) &&
        (st = check_ids(&p->dry_sequence_breaker_ids, vocab, "dry_sequence_breaker_ids", err)))
        return st;
    if (IS(p, logit_bias))
        for (size_t i = 0; i < p->logit_bias.count; i++)
            if ((uint64_t)p->logit_bias.items[i].token >= vocab)
                return ga_err(err, GENAPI_E_INVALID_ARG, "logit_bias",
                              "token_id(s) [%lld] in logit_bias contain out-of-vocab token ids. Vocabulary size: %zu",
                              (long long)p->logit_bias.items[i].token, vocab);
    if (IS(p, banned_phrases_token_ids))
        for (size_t i = 0; i < p->banned_phrases_token_ids.count; i++)
            if ((st = check_ids(&p->banned_phrases_token_ids.items[i], vocab, "banned_phrases_token_ids", err)))
                return st;
    if (IS(p, token_ban_ranges))
        for (size_t i = 0; i < p->token_ban_ranges.count; i++)
            if ((st = check_ids(&p->token_ban_ranges.items[i].tokens, vocab, "token_ban_ranges", err)))
                return st;
    if (IS(p, truncate_prompt_tokens) && p->truncate_prompt_tokens > (int64_t)e->max_model_len)
        return ga_err(err, GENAPI_E_INVALID_ARG, "truncate_prompt_tokens",
                      "truncate_prompt_tokens value (%lld) is greater than max_model_len (%zu). Please, select a "
                      "smaller truncation size.", (long long)p->truncate_prompt_tokens, e->max_model_len);
    if (n_prompt >= e->max_model_len)
        return ga_err(err, GENAPI_E_INVALID_ARG, "messages",
                      "This model's maximum context length is %zu tokens. However, your request has %zu input "
                      "tokens. Please reduce the length of the input messages.", e->max_model_len, n_prompt);
    if (IS(p, max_tokens) && (uint64_t)p->max_tokens + n_prompt > e->max_model_len)
        return ga_err(err, GENAPI_E_INVALID_ARG, "max_tokens",
                      "'max_tokens' or 'max_completion_tokens' is too large: %lld. This model's maximum context "
                      "length is %zu tokens and your request has %zu input tokens (%lld > %zu - %zu).",
                      (long long)p->max_tokens, e->max_model_len, n_prompt, (long long)p->max_tokens,
                      e->max_model_len, n_prompt);
    return GENAPI_OK;
}

/* int64 list -> int32 array in the arena. */
static const int32_t *ids32(ga_arena *ar, const genapi_intlist *l)
{
    int32_t *o = ga_arena_alloc(ar, (l->count ? l->count : 1) * sizeof *o);
    if (o)
        for (size_t i = 0; i < l->count; i++)
            o[i] = (int32_t)l->items[i];
    return o;
}

static int add_seq(const gx_text_engine *e, ga_arena *ar, gsamp_seq *seqs, size_t *n, const char *text)
{
    int32_t *ids = NULL;
    size_t k = 0, cap = 0;
    if (gx_tokenize(e->tok, text, strlen(text), &ids, &k, &cap) != 0) {
        ga_free(&e->alloc, ids);
        return -1;
    }
    int32_t *copy = k ? ga_arena_alloc(ar, k * sizeof *copy) : NULL;
    if (k && copy == NULL) {
        ga_free(&e->alloc, ids);
        return -1;
    }
    if (k) {
        memcpy(copy, ids, k * sizeof *copy);
        seqs[*n].ids = copy;
        seqs[*n].n = k;
        (*n)++;
    }
    ga_free(&e->alloc, ids);
    return 0;
}

/* Last token of encode("a" + s): how a DRY breaker string becomes a token id (*id = -1 when
 * there is none). Returns -1 when out of memory, else 0. */
static int breaker_id(const gx_text_engine *e, const char *s, int32_t *id)
{
    size_t n = strlen(s);
    *id = -1;
    char *buf = ga_malloc(&e->alloc, n + 2);
    if (buf == NULL)
        return -1;
    buf[0] = 'a';
    memcpy(buf + 1, s, n + 1);
    int32_t *ids = NULL;
    size_t k = 0, cap = 0;
    int rc = gx_tokenize(e->tok, buf, n + 1, &ids, &k, &cap);
    if (rc == 0 && k > 0)
        *id = ids[k - 1];
    ga_free(&e->alloc, ids);
    ga_free(&e->alloc, buf);
    return rc == 0 ? 0 : -1;
}

static genapi_status build_config(const gx_text_engine *e, const genapi_text_params *p, ga_arena *ar,
                                  gsamp_config *c, genapi_error *err)
{
    gsamp_config_defaults(c);
#define D(f) if (IS(p, f)) c->f = p->f
    D(temperature); D(dynatemp_min); D(dynatemp_max); D(dynatemp_exponent); D(top_k); D(top_p); D(min_p);
    D(top_a); D(tfs); D(eta_cutoff); D(epsilon_cutoff); D(typical_p); D(smoothing_factor); D(smoothing_curve);
    D(xtc_threshold); D(xtc_probability); D(nsigma); D(skew); D(mirostat_tau); D(mirostat_eta);
    D(presence_penalty); D(frequency_penalty); D(repetition_penalty); D(no_repeat_ngram_size);
    D(dry_multiplier); D(dry_base); D(dry_allowed_length); D(dry_range); D(dry_max_ngram);
    D(dry_max_occurrences); D(dry_early_exit_match_len); D(min_tokens);
#undef D
    if (IS(p, temperature_last))
        c->temperature_last = p->temperature_last != 0;
    if (IS(p, mirostat_mode))
        c->mirostat_mode = (int)p->mirostat_mode;
    if (IS(p, sampler_priority)) {
        c->order = ids32(ar, &p->sampler_priority);
        c->n_order = p->sampler_priority.count;
    }
    if (IS(p, allowed_token_ids)) {
        c->allowed = ids32(ar, &p->allowed_token_ids);
        c->n_allowed = p->allowed_token_ids.count;
    }
    if (IS(p, logit_bias)) {
        int32_t *ids = ga_arena_alloc(ar, (p->logit_bias.count + 1) * sizeof *ids);
        float *vals = ga_arena_alloc(ar, (p->logit_bias.count + 1) * sizeof *vals);
        if (ids == NULL || vals == NULL)
            return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        for (size_t i = 0; i < p->logit_bias.count; i++) {
            ids[i] = (int32_t)p->logit_bias.items[i].token;
            vals[i] = (float)p->logit_bias.items[i].bias;
        }
        c->bias_ids = ids;
        c->bias_values = vals;
        c->n_bias = p->logit_bias.count;
    }
    size_t n_seq_max = 0;
    if (IS(p, bad_words))
        n_seq_max += 2 * p->bad_words.count;
    if (IS(p, banned_phrases))
        n_seq_max += 4 * p->banned_phrases.count;
    if (IS(p, banned_phrases_token_ids))
        n_seq_max += p->banned_phrases_token_ids.count;
    if (n_seq_max) {
        gsamp_seq *seqs = ga_arena_alloc(ar, n_seq_max * sizeof *seqs);
        size_t n = 0;
        if (seqs == NULL)
            return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        /* Each word or phrase is banned as given and with a leading space. */
        const genapi_strlist *lists[2] = {IS(p, bad_words) ? &p->bad_words : NULL,
                                          IS(p, banned_phrases) ? &p->banned_phrases : NULL};
        for (size_t l = 0; l < 2; l++)
            for (size_t i = 0; lists[l] && i < lists[l]->count; i++) {
                const char *w = lists[l]->items[i];
                char *spaced = ga_arena_alloc(ar, strlen(w) + 2);
                if (spaced == NULL)
                    return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
                spaced[0] = ' ';
                memcpy(spaced + 1, w, strlen(w) + 1);
                if (add_seq(e, ar, seqs, &n, w) || add_seq(e, ar, seqs, &n, spaced))
                    return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
            }
        for (size_t i = 0; IS(p, banned_phrases_token_ids) && i < p->banned_phrases_token_ids.count; i++) {
            seqs[n].ids = ids32(ar, &p->banned_phrases_token_ids.items[i]);
            seqs[n].n = p->banned_phrases_token_ids.items[i].count;
            n++;
        }
        c->banned_seqs = seqs;
        c->n_banned_seqs = n;
    }
    if (IS(p, custom_token_bans)) {
        c->custom_bans = ids32(ar, &p->custom_token_bans);
        c->n_custom_bans = p->custom_token_bans.count;
    }
    if (IS(p, token_ban_ranges)) {
        gsamp_ban_range *r = ga_arena_alloc(ar, (p->token_ban_ranges.count + 1) * sizeof *r);
        if (r == NULL)
            return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        for (size_t i = 0; i < p->token_ban_ranges.count; i++) {
            r[i].tokens = ids32(ar, &p->token_ban_ranges.items[i].tokens);
            r[i].n_tokens = p->token_ban_ranges.items[i].tokens.count;
            r[i].start = p->token_ban_ranges.items[i].start;
            r[i].length = p->token_ban_ranges.items[i].length;
        }
        c->ban_ranges = r;
        c->n_ban_ranges = p->token_ban_ranges.count;
    }
    /* DRY breakers: explicit ids, else strings, else the server default. */
    if (IS(p, dry_sequence_breaker_ids)) {
        c->dry_breakers = ids32(ar, &p->dry_sequence_breaker_ids);
        c->n_dry_breakers = p->dry_sequence_breaker_ids.count;
    } else {
        static const char *const defaults[] = {"\n", ":", "\"", "*"};
        const char *const *items = defaults;
        size_t n = 4;
        if (IS(p, dry_sequence_breakers)) {
            items = p->dry_sequence_breakers.items;
            n = p->dry_sequence_breakers.count;
        }
        int32_t *b = ga_arena_alloc(ar, (n + 1) * sizeof *b);
        if (b == NULL)
            return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            int32_t id;
            if (breaker_id(e, items[i], &id) != 0)
                return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
            if (id >= 0)
                b[k++] = id;
        }
        c->dry_breakers = b;
        c->n_dry_breakers = k;
    }
    /* Stop ids masked by min_tokens: EOS, end of turn, and stop_token_ids. */
    size_t n_stop = 2 + (IS(p, stop_token_ids) ? p->stop_token_ids.count : 0);
    int32_t *stop = ga_arena_alloc(ar, n_stop * sizeof *stop);
    if (stop == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    stop[0] = GX_TOK_EOS;
    stop[1] = GX_TOK_IM_END;
    for (size_t i = 2; i < n_stop; i++)
        stop[i] = (int32_t)p->stop_token_ids.items[i - 2];
    c->stop_ids = stop;
    c->n_stop_ids = n_stop;
    c->ignore_eos = IS(p, ignore_eos) && p->ignore_eos;
    c->eos_id = GX_TOK_IM_END;
    return GENAPI_OK;
}

/* log-softmax of `logits` at `id`, its rank and the n_top best tokens (ties: lower id first). */
void gx_fill_logprob_into(const float *logits, size_t vocab, int32_t id, size_t n_top, gx_top *top, gx_logprob *out)
{
    float mx = -INFINITY;
    for (size_t v = 0; v < vocab; v++)
        if (logits[v] > mx)
            mx = logits[v];
    double sum = 0;
    for (size_t v = 0; v < vocab; v++)
        if (logits[v] > -INFINITY)
            sum += ga_exp((double)logits[v] - (double)mx);
    double lse = (double)mx + ga_log(sum);
    out->id = id;
    out->logprob = logits[id] > -INFINITY ? (float)((double)logits[id] - lse) : -9999.0f;
    int64_t rank = 1;
    for (size_t v = 0; v < vocab; v++)
        if (logits[v] > logits[id] || (logits[v] == logits[id] && (int32_t)v < id))
            rank++;
    out->rank = rank;
    out->n_top = 0;
    out->top = NULL;
    if (n_top == 0)
        return;
    out->top = top;
    size_t k = 0;
    for (size_t v = 0; v < vocab; v++) {
        float l = logits[v];
        if (!(l > -INFINITY))
            continue;
        if (k == n_top && l <= top[k - 1].logprob)
            continue;
        size_t pos = k < n_top ? k++ : k - 1;
        while (pos > 0 && top[pos - 1].logprob < l) {
            top[pos] = top[pos - 1];
            pos--;
        }
        top[pos].id = (int32_t)v;
        top[pos].logprob = l;
    }
    for (size_t i = 0; i < k; i++)
        top[i].logprob = (float)((double)top[i].logprob - lse);
    out->n_top = k;
}

int gx_fill_logprob(const float *logits, size_t vocab, int32_t id, size_t n_top, ga_arena *ar, gx_logprob *out)
{
    gx_top *top = NULL;
    if (n_top > 0 && (top = ga_arena_alloc(ar, n_top * sizeof *top)) == NULL)
        return -1;
    gx_fill_logprob_into(logits, vocab, id, n_top, top, out);
    return 0;
}

genapi_status gx_prompt_logprob_at(const gx_text_engine *e, const int32_t *prompt, size_t i, size_t n_top,
                                   float *logits, ga_arena *ar, gx_logprob *out, genapi_error *err)
{
    if (i == 0) {
        *out = (gx_logprob){prompt[0], 0.0f, -1, NULL, 0}; /* nothing precedes it: no logprob */
        return GENAPI_OK;
    }
    gx_model_logits(e->model, prompt, i, NULL, logits);
    if (gx_fill_logprob(logits, gx_tokenizer_vocab_size(e->tok), prompt[i], n_top, ar, out) != 0)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    return GENAPI_OK;
}

genapi_status gx_prompt_logprobs(const gx_text_engine *e, const int32_t *prompt, size_t n, size_t n_top, ga_arena *ar,
                                 gx_logprob **out, genapi_error *err)
{
    size_t vocab = gx_tokenizer_vocab_size(e->tok);
    gx_logprob *lp = ga_arena_alloc(ar, (n ? n : 1) * sizeof *lp);
    float *logits = ga_malloc(&e->alloc, vocab * sizeof *logits);
    if (lp == NULL || logits == NULL) {
        ga_free(&e->alloc, logits);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        genapi_status st = gx_prompt_logprob_at(e, prompt, i, n_top, logits, ar, &lp[i], err);
        if (st != GENAPI_OK) {
            ga_free(&e->alloc, logits);
            return st;
        }
    }
    ga_free(&e->alloc, logits);
    *out = lp;
    return GENAPI_OK;
}

char *gx_token_text(const gx_text_engine *e, int32_t id, ga_arena *ar)
{
    size_t n;
    const char *p = gx_tokenizer_piece(e->tok, id, &n);
    char *o = ga_arena_alloc(ar, n * 3 + 1);
    if (o == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)p[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        int ok = len > 0 && i + len <= n;
        for (size_t j = 1; ok && j < len; j++)
            ok = ((unsigned char)p[i + j] & 0xC0) == 0x80;
        if (ok) {
            memcpy(o + k, p + i, len);
            k += len;
            i += len;
        } else {
            memcpy(o + k, "\xEF\xBF\xBD", 3); /* U+FFFD */
            k += 3;
            i++;
        }
    }
    o[k] = '\0';
    return o;
}

static int is_stop_token(const genapi_text_params *p, int32_t tok)
{
    if (!IS(p, stop_token_ids))
        return 0;
    for (size_t i = 0; i < p->stop_token_ids.count; i++)
        if (p->stop_token_ids.items[i] == tok)
            return 1;
    return 0;
}

/* Earliest occurrence of any stop string in text[from..len); returns its index in `stop`,
 * with *at set to its byte offset, or -1. */
static int find_stop(const genapi_strlist *stop, const char *text, size_t len, size_t from, size_t *at)
{
    int best = -1;
    size_t best_at = 0;
    for (size_t i = 0; i < stop->count; i++) {
        size_t sl = strlen(stop->items[i]);
        if (sl == 0 || sl > len)
            continue;
        for (size_t j = from; j + sl <= len; j++)
            if (memcmp(text + j, stop->items[i], sl) == 0) {
                if (best < 0 || j < best_at) {
                    best = (int)i;
                    best_at = j;
                }
                break;
            }
    }
    *at = best_at;
    return best;
}

static void append_token(const gx_text_engine *e, gx_detok *d, ga_buf *text, int32_t tok)
{
    if (!d->detokenize)
        return;
    int special = gx_tokenizer_is_special(e->tok, tok);
    if (special && d->skip_special)
        return;
    if (d->spaces && text->len > 0 && (special || d->prev_special))
        ga_buf_append(text, " ", 1);
    size_t pl;
    const char *piece = gx_tokenizer_piece(e->tok, tok, &pl);
    ga_buf_append(text, piece, pl);
    d->prev_special = special;
}

static gx_detok detok_of(const genapi_text_params *p)
{
    return (gx_detok){!IS(p, detokenize) || p->detokenize, !IS(p, skip_special_tokens) || p->skip_special_tokens,
                      !IS(p, spaces_between_special_tokens) || p->spaces_between_special_tokens, 0};
}

/* DeepConf: confidence of a step is minus the mean logprob of the alternatives that were not
 * drawn; generation stops once the mean over a full window falls below the threshold. */
static double step_confidence(const gx_logprob *lp)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < lp->n_top; i++)
        if (lp->top[i].id != lp->id) {
            sum += lp->top[i].logprob;
            k++;
        }
    return k ? -sum / (double)k : 0.0;
}

static genapi_status nomem(genapi_error *err) { return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory"); }

void gx_run_release(gx_run *r)
{
    const ga_alloc *a = &r->e->alloc;
    if (r->ws)
        gsamp_workspace_free(r->ws);
    ga_free(a, r->logits);
    ga_free(a, r->raw);
    ga_free(a, r->mask);
    r->ws = NULL;
    r->logits = NULL;
    r->raw = NULL;
    r->mask = NULL;
}

genapi_status gx_run_init(gx_run *r, const gx_text_engine *e, const gx_gen_request *req, ga_arena *ar,
                          genapi_error *err)
{
    memset(r, 0, sizeof *r);
    r->e = e;
    r->req = *req;
    r->ar = ar;
    const genapi_text_params *p = req->params;
    genapi_status st = build_config(e, p, ar, &r->cfg, err);
    if (st != GENAPI_OK)
        return st;
    size_t vocab = gx_tokenizer_vocab_size(e->tok);
    r->vocab = vocab;
    int64_t max_tokens = IS(p, max_tokens) ? p->max_tokens : req->default_max_tokens;
    if (max_tokens <= 0 || (uint64_t)max_tokens + req->n_prompt > e->max_model_len)
        max_tokens = (int64_t)(e->max_model_len - req->n_prompt);
    r->max_tokens = max_tokens;
    r->detok = detok_of(p);
    r->include_stop = IS(p, include_stop_str_in_output) && p->include_stop_str_in_output;
    r->ignore_eos = IS(p, ignore_eos) && p->ignore_eos;
    r->min_tokens = IS(p, min_tokens) ? p->min_tokens : 0;
    for (size_t i = 0; IS(p, stop) && i < p->stop.count; i++)
        if (strlen(p->stop.items[i]) > r->longest_stop)
            r->longest_stop = strlen(p->stop.items[i]);
    r->deepconf = IS(p, enable_deepconf) && p->enable_deepconf;
    r->dc_window = IS(p, deepconf_window_size) ? p->deepconf_window_size : 2048;
    r->dc_threshold = IS(p, deepconf_threshold) ? p->deepconf_threshold : 17.0;
    /* Only the last dc_window confidences are ever read again. */
    int64_t ring = r->dc_window < max_tokens ? r->dc_window : max_tokens;
    r->dc_ring = ring > 1 ? (size_t)ring : 1;
    /* Alternatives recorded per token: what logprobs asks for, at least 5 for DeepConf. */
    r->n_top = req->top_logprobs;
    if (r->deepconf && r->n_top < 5)
        r->n_top = 5;
    r->need_lp = r->n_top >= 0 || req->score;
    r->logits = ga_malloc(&e->alloc, vocab * sizeof *r->logits);
    r->raw = r->need_lp ? ga_malloc(&e->alloc, vocab * sizeof *r->raw) : NULL;
    r->mask = req->guided ? ga_malloc(&e->alloc, vocab) : NULL;
    r->ws = gsamp_workspace_new(vocab, e->alloc.malloc_fn, e->alloc.free_fn, e->alloc.user);
    if (r->logits == NULL || r->ws == NULL || (r->need_lp && r->raw == NULL) || (req->guided && r->mask == NULL)) {
        gx_run_release(r);
        return nomem(err);
    }
    /* A constraint longer than max_tokens is cut by it, finish_reason "length", as the servers
     * end it (no refusal up front). */
    return GENAPI_OK;
}

void gx_seq_release(gx_run *r, gx_seq *s)
{
    const ga_alloc *a = &r->e->alloc;
    ga_buf_free(&s->text);
    ga_free(a, s->ctx);
    ga_free(a, s->lps);
    ga_free(a, s->ends);
    ga_free(a, s->conf);
    s->ctx = NULL;
    s->lps = NULL;
    s->ends = NULL;
    s->conf = NULL;
    s->cap = 0;
}

/* Room for `cap` output tokens in ctx, lps and ends. */
static int seq_reserve(gx_run *r, gx_seq *s, size_t cap)
{
    const ga_alloc *a = &r->e->alloc;
    int32_t *ctx = ga_realloc(a, s->ctx, (r->req.n_prompt + cap + 1) * sizeof *ctx);
    if (ctx == NULL)
        return -1;
    s->ctx = ctx;
    size_t *ends = ga_realloc(a, s->ends, (cap + 1) * sizeof *ends);
    if (ends == NULL)
        return -1;
    s->ends = ends;
    if (r->need_lp) {
        gx_logprob *lps = ga_realloc(a, s->lps, (cap + 1) * sizeof *lps);
        if (lps == NULL)
            return -1;
        s->lps = lps;
    }
    s->cap = cap;
    return 0;
}

#define GX_SEQ_FIRST_CAP 64

genapi_status gx_seq_begin(gx_run *r, gx_seq *s, uint64_t index, genapi_error *err)
{
    const gx_text_engine *e = r->e;
    memset(s, 0, sizeof *s);
    s->index = index;
    ga_buf_init(&s->text, &e->alloc);
    s->detok = r->detok;
    size_t max = r->max_tokens > 0 ? (size_t)r->max_tokens : 0;
    if (seq_reserve(r, s, max < GX_SEQ_FIRST_CAP ? max : GX_SEQ_FIRST_CAP) != 0 ||
        (r->deepconf && (s->conf = ga_calloc(&e->alloc, r->dc_ring, sizeof *s->conf)) == NULL)) {
        gx_seq_release(r, s);
        return nomem(err);
    }
    memcpy(s->ctx, r->req.prompt, r->req.n_prompt * sizeof *s->ctx);
    if (r->req.guided)
        gd_cursor_start(r->req.guided, &s->guided);
    gsamp_state_init(&s->state, &r->cfg, r->req.seed + index);
    s->out.finish_reason = "length";
    s->done = max == 0;
    return GENAPI_OK;
}

/* One iteration of the generation loop: the next token and the rules that may end the
 * sequence there. */
static genapi_status seq_step(gx_run *r, gx_seq *s, genapi_error *err)
{
    const gx_text_engine *e = r->e;
    const gx_gen_request *req = &r->req;
    const genapi_text_params *p = req->params;
    gd_constraint *g = req->guided;
    size_t vocab = r->vocab, n_prompt = req->n_prompt;
    float *logits = r->logits;
    if (s->n_out == s->cap) {
        size_t cap = s->cap * 2 > (size_t)r->max_tokens ? (size_t)r->max_tokens : s->cap * 2;
        if (seq_reserve(r, s, cap) != 0)
            return nomem(err);
    }
    gx_model_logits(e->model, s->ctx, n_prompt + s->n_out, req->topic, logits);
    r->evaluations++;
    if (req->adapter)
        for (size_t v = 0; v < vocab; v++)
            logits[v] += req->adapter[v];
    if (r->raw)
        memcpy(r->raw, logits, vocab * sizeof *r->raw);
    if (g) {
        /* Only tokens that keep the output a prefix of the language, and, near the end of
         * the budget, that still leave room to complete it (one byte per token at worst). When
         * the budget cannot hold the rest at all, the output is cut at max_tokens. */
        uint8_t *mask = r->mask;
        gd_cursor_allowed(g, &s->guided, mask);
        size_t left = (size_t)(r->max_tokens - s->step) - 1;
        size_t need = gd_cursor_min_remaining(g, &s->guided);
        if (need + 32 >= left && need <= left + 1)
            for (size_t v = 0; v < vocab; v++)
                if (mask[v] && (int32_t)v != GX_TOK_IM_END &&
                    gd_cursor_min_remaining_after(g, &s->guided, (int32_t)v) > left)
                    mask[v] = 0;
        /* A constraint whose automaton could not grow gives incomplete masks: fail instead. */
        genapi_status gst = gd_status(g, err);
        if (gst != GENAPI_OK)
            return gst;
        for (size_t v = 0; v < vocab; v++)
            if (!mask[v])
                logits[v] = -INFINITY;
    }
    gsamp_history hist = {s->ctx, n_prompt, s->ctx + n_prompt, s->n_out};
    int32_t tok = gsamp_sample(&r->cfg, &s->state, logits, vocab, &hist, r->ws, NULL);
    gx_choice *out = &s->out;
    ga_buf *text = &s->text;
    if (tok < 0) {
        out->finish_reason = "stop"; /* every token was masked: nothing can follow */
        s->done = 1;
        return GENAPI_OK;
    }
    if (r->need_lp) {
        /* Raw logprobs of the model, before the samplers changed the logits. */
        if (gx_fill_logprob(r->raw, vocab, tok, r->n_top > 0 ? (size_t)r->n_top : 0, r->ar, &s->lps[s->n_out]) != 0)
            return nomem(err);
        out->cum_logprob += s->lps[s->n_out].logprob;
    }
    s->ctx[n_prompt + s->n_out++] = tok;
    size_t n_out = s->n_out;
    if (g && tok != GX_TOK_IM_END && gd_cursor_advance(g, &s->guided, tok) != 0)
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "guided decoding rejected a token it allowed");
    if ((tok == GX_TOK_EOS || tok == GX_TOK_IM_END) && (!r->ignore_eos || g)) {
        out->finish_reason = "stop";
        s->ends[n_out - 1] = text->len;
        s->done = 1;
        return GENAPI_OK;
    }
    if (is_stop_token(p, tok)) {
        out->finish_reason = "stop";
        out->stop_kind = 1;
        out->stop_token = tok;
        append_token(e, &s->detok, text, tok);
        s->ends[n_out - 1] = text->len;
        s->done = 1;
        return GENAPI_OK;
    }
    size_t before = text->len;
    append_token(e, &s->detok, text, tok);
    s->ends[n_out - 1] = text->len;
    if (IS(p, stop) && (int64_t)n_out > r->min_tokens && text->len > before) {
        size_t longest = r->longest_stop;
        size_t from = before + 1 > longest ? before + 1 - longest : 0;
        size_t at;
        int which = find_stop(&p->stop, text->data ? text->data : "", text->len, from, &at);
        if (which >= 0) {
            const char *stop = p->stop.items[which];
            text->len = r->include_stop ? at + strlen(stop) : at;
            if (text->data)
                text->data[text->len] = '\0';
            out->finish_reason = "stop";
            out->stop_kind = 2;
            out->stop_string = ga_arena_strdup(r->ar, stop);
            s->done = 1;
            return GENAPI_OK;
        }
    }
    if (r->deepconf) {
        double c = step_confidence(&s->lps[n_out - 1]);
        size_t slot = (n_out - 1) % r->dc_ring;
        double old = s->conf[slot]; /* the confidence of token n_out - 1 - dc_window, once there is one */
        s->conf[slot] = c;
        s->conf_sum += c;
        if ((int64_t)n_out > r->dc_window)
            s->conf_sum -= old;
        if ((int64_t)n_out >= r->dc_window && s->conf_sum / (double)r->dc_window < r->dc_threshold) {
            char reason[64];
            snprintf(reason, sizeof reason, "<deepconf-%g>", r->dc_threshold);
            out->finish_reason = "stop";
            out->stop_kind = 2;
            out->stop_string = ga_arena_strdup(r->ar, reason);
            s->done = 1;
            return GENAPI_OK;
        }
    }
    if (++s->step >= r->max_tokens)
        s->done = 1; /* finish_reason stays "length" */
    return GENAPI_OK;
}

genapi_status gx_seq_step(gx_run *r, gx_seq *s, genapi_error *err)
{
    if (s->done)
        return GENAPI_OK;
    genapi_status st = seq_step(r, s, err);
    if (st != GENAPI_OK)
        return st;
    if (s->done) {
        s->settled = s->n_out;
        return GENAPI_OK;
    }
    /* A stop string found later starts at or after text_len + 1 - longest: tokens whose text
     * ends there or before keep their span. */
    size_t limit = SIZE_MAX;
    if (r->longest_stop > 0)
        limit = s->text.len + 1 >= r->longest_stop ? s->text.len + 1 - r->longest_stop : 0;
    while (s->settled < s->n_out && s->ends[s->settled] <= limit)
        s->settled++;
    return GENAPI_OK;
}

void gx_seq_view(const gx_run *r, const gx_seq *s, gx_choice *view)
{
    memset(view, 0, sizeof *view);
    view->tokens = s->ctx ? s->ctx + r->req.n_prompt : NULL;
    view->n_tokens = s->n_out;
    view->text = s->text.data ? s->text.data : "";
    view->text_len = s->text.len;
    view->logprobs = r->req.top_logprobs >= 0 ? s->lps : NULL;
    view->text_ends = s->ends;
    view->cum_logprob = s->out.cum_logprob;
}

genapi_status gx_seq_finish(gx_run *r, const gx_seq *s, gx_choice *out, genapi_error *err)
{
    ga_arena *ar = r->ar;
    size_t n_out = s->n_out;
    *out = s->out;
    if (s->text.failed)
        return nomem(err);
    out->tokens = ga_arena_alloc(ar, (n_out ? n_out : 1) * sizeof *out->tokens);
    out->text = ga_arena_strndup(ar, s->text.data ? s->text.data : "", s->text.len);
    size_t *ends = ga_arena_alloc(ar, (n_out + 1) * sizeof *ends);
    gx_logprob *lps = r->req.top_logprobs >= 0 ? ga_arena_alloc(ar, (n_out + 1) * sizeof *lps) : NULL;
    if (out->tokens == NULL || out->text == NULL || ends == NULL || (r->req.top_logprobs >= 0 && lps == NULL) ||
        (out->stop_kind == 2 && out->stop_string == NULL))
        return nomem(err);
    memcpy(out->tokens, s->ctx + r->req.n_prompt, n_out * sizeof *out->tokens);
    out->n_tokens = n_out;
    out->text_len = s->text.len;
    if (lps)
        memcpy(lps, s->lps, n_out * sizeof *lps);
    out->logprobs = lps;
    for (size_t i = 0; i < n_out; i++)
        ends[i] = s->ends[i] > s->text.len ? s->text.len : s->ends[i]; /* a stop string cut the text */
    out->text_ends = ends;
    return GENAPI_OK;
}

genapi_status gx_generate(const gx_text_engine *e, const gx_gen_request *req, uint64_t index, ga_arena *ar,
                          gx_choice *out, genapi_error *err)
{
    memset(out, 0, sizeof *out);
    gx_run r;
    genapi_status st = gx_run_init(&r, e, req, ar, err);
    if (st != GENAPI_OK)
        return st;
    gx_seq s;
    st = gx_seq_begin(&r, &s, index, err);
    if (st == GENAPI_OK) {
        while (st == GENAPI_OK && !s.done)
            st = gx_seq_step(&r, &s, err);
        if (st == GENAPI_OK)
            st = gx_seq_finish(&r, &s, out, err);
        gx_seq_release(&r, &s);
    }
    gx_run_release(&r);
    return st;
}

genapi_status gx_finish_choice(const gx_text_engine *e, const gx_gen_request *req, const int32_t *tokens, size_t n,
                               const char *finish_reason, ga_arena *ar, gx_choice *c, genapi_error *err)
{
    const genapi_text_params *p = req->params;
    gx_detok dt = detok_of(p);
    ga_buf text;
    ga_buf_init(&text, &e->alloc);
    size_t *ends = ga_arena_alloc(ar, (n ? n : 1) * sizeof *ends);
    if (ends == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        append_token(e, &dt, &text, tokens[i]);
        ends[i] = text.len;
    }
    c->finish_reason = finish_reason;
    if (IS(p, stop) && text.len > 0) {
        size_t at;
        int which = find_stop(&p->stop, text.data, text.len, 0, &at);
        if (which >= 0) {
            int include = IS(p, include_stop_str_in_output) && p->include_stop_str_in_output;
            text.len = include ? at + strlen(p->stop.items[which]) : at;
            c->finish_reason = "stop";
            c->stop_kind = 2;
            c->stop_string = p->stop.items[which];
        }
    }
    c->text = text.failed ? NULL : ga_arena_strndup(ar, text.data ? text.data : "", text.len);
    c->text_len = text.len;
    c->tokens = ga_arena_alloc(ar, (n ? n : 1) * sizeof *c->tokens);
    ga_buf_free(&text);
    if (c->text == NULL || c->tokens == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    memcpy(c->tokens, tokens, n * sizeof *tokens);
    c->n_tokens = n;
    for (size_t i = 0; i < n; i++)
        if (ends[i] > c->text_len)
            ends[i] = c->text_len;
    c->text_ends = ends;
    return GENAPI_OK;
}
