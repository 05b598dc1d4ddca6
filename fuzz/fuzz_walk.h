/* Reading every byte a typed result points to (doc/fuzzing.md): under AddressSanitizer a
 * dangling, short or unterminated string or array in a result is then a finding. The sums are
 * returned so the reads cannot be optimised away. Also the invariants every result keeps
 * (choices sorted by index, counts matching their arrays, documented ranges). */
#ifndef GENAPI_FUZZ_WALK_H
#define GENAPI_FUZZ_WALK_H

#include <genapi/genapi.h>

#include "fuzz_common.h"

static size_t fz_str(const char *s) { return s ? strlen(s) : 0; }

static size_t fz_bytes(const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t sum = 0;
    FZ_CHECK(n == 0 || p != NULL);
    for (size_t i = 0; i < n; i++)
        sum += b[i];
    return sum;
}

/* A counted string of a result (content, reasoning, text): its bytes, then its terminating NUL; a NULL
 * one has length 0. */
static size_t fz_counted(const char *s, size_t n)
{
    if (s == NULL) {
        FZ_CHECK(n == 0);
        return 0;
    }
    size_t sum = fz_bytes(s, n);
    FZ_CHECK(s[n] == '\0');
    return sum;
}

static size_t fz_walk_logprobs(const genapi_logprobs *lp)
{
    if (lp == NULL)
        return 0;
    size_t sum = 0;
    FZ_CHECK(lp->count == 0 || lp->items != NULL);
    for (size_t i = 0; i < lp->count; i++) {
        const genapi_token_logprob *t = &lp->items[i];
        sum += fz_str(t->token) + fz_bytes(t->bytes, t->n_bytes);
        FZ_CHECK(t->top_count == 0 || t->top != NULL);
        for (size_t k = 0; k < t->top_count; k++)
            sum += fz_str(t->top[k].token);
    }
    return sum;
}

static size_t fz_walk_usage(const genapi_usage *u)
{
    FZ_CHECK(u->present == 0 || u->present == 1);
    if (!u->present)
        FZ_CHECK(u->prompt_tokens == 0 && u->completion_tokens == 0 && u->total_tokens == 0);
    return 0;
}

static size_t fz_walk_chat(const genapi_chat_result *r)
{
    size_t sum = fz_str(r->id) + fz_str(r->object) + fz_str(r->model) + fz_str(r->request_id) + fz_walk_usage(&r->usage);
    FZ_CHECK(r->choice_count == 0 || r->choices != NULL);
    for (size_t i = 0; i < r->choice_count; i++) {
        const genapi_chat_choice *c = &r->choices[i];
        if (i > 0)
            FZ_CHECK(r->choices[i - 1].index <= c->index);
        sum += fz_str(c->role) + fz_str(c->finish_reason) + fz_str(c->stop_string) +
               fz_counted(c->content, c->content_len) + fz_counted(c->reasoning, c->reasoning_len);
        FZ_CHECK(c->tool_call_count == 0 || c->tool_calls != NULL);
        for (size_t k = 0; k < c->tool_call_count; k++) {
            const genapi_tool_call *t = &c->tool_calls[k];
            sum += fz_str(t->id) + fz_str(t->type) + fz_str(t->name) + fz_str(t->arguments);
        }
        sum += fz_walk_logprobs(c->logprobs);
    }
    return sum;
}

static size_t fz_walk_completion(const genapi_completion_result *r)
{
    size_t sum = fz_str(r->id) + fz_str(r->object) + fz_str(r->model) + fz_str(r->request_id) + fz_walk_usage(&r->usage);
    FZ_CHECK(r->choice_count == 0 || r->choices != NULL);
    for (size_t i = 0; i < r->choice_count; i++) {
        const genapi_completion_choice *c = &r->choices[i];
        if (i > 0)
            FZ_CHECK(r->choices[i - 1].index <= c->index);
        sum += fz_str(c->finish_reason) + fz_str(c->stop_string) + fz_counted(c->text, c->text_len);
        sum += fz_walk_logprobs(c->logprobs);
    }
    return sum;
}

static size_t fz_walk_image(const genapi_image *im) { return fz_bytes(im->data, im->size); }

static size_t fz_walk_images(const genapi_images_result *r)
{
    size_t sum = 0;
    FZ_CHECK(r->image_count == 0 || r->images != NULL);
    for (size_t i = 0; i < r->image_count; i++)
        sum += fz_walk_image(&r->images[i]);
    const genapi_image_info *info = &r->info;
    FZ_CHECK(info->all_seed_count == 0 || info->all_seeds != NULL);
    sum += fz_bytes(info->all_seeds, info->all_seed_count * sizeof *info->all_seeds);
    sum += fz_str(info->sampler_name) + fz_str(info->prompt) + fz_str(info->json);
    return sum;
}

static size_t fz_walk_listing(const genapi_image_listing *l)
{
    size_t sum = 0;
    FZ_CHECK(l->count == 0 || l->items != NULL);
    for (size_t i = 0; i < l->count; i++) {
        const genapi_image_listing_item *it = &l->items[i];
        sum += fz_str(it->name) + fz_str(it->model_name) + fz_str(it->hash) + fz_str(it->sha256) + fz_str(it->filename);
        FZ_CHECK(it->alias_count == 0 || it->aliases != NULL);
        for (size_t k = 0; k < it->alias_count; k++)
            sum += fz_str(it->aliases[k]);
    }
    return sum;
}

static size_t fz_walk_models(const genapi_model_list *l)
{
    size_t sum = 0;
    FZ_CHECK(l->count == 0 || l->items != NULL);
    for (size_t i = 0; i < l->count; i++) {
        const genapi_model_info *m = &l->items[i];
        FZ_CHECK(m->id != NULL);
        sum += fz_str(m->id) + fz_str(m->owned_by) + fz_str(m->parent) + fz_str(m->engine);
    }
    return sum;
}

static size_t fz_walk_tokenize(const genapi_tokenize_result *r)
{
    size_t sum = fz_bytes(r->tokens, r->token_count * sizeof *r->tokens);
    if (r->token_strs)
        for (size_t i = 0; i < r->token_count; i++)
            sum += fz_str(r->token_strs[i]);
    return sum;
}

/* Use every walker at least once per target (no unused-function warnings). */
static inline void fz_walk_touch(void)
{
    (void)fz_walk_chat;
    (void)fz_walk_completion;
    (void)fz_walk_images;
    (void)fz_walk_listing;
    (void)fz_walk_models;
    (void)fz_walk_tokenize;
    (void)fz_walk_image;
}

#endif
