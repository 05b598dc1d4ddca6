/* The text parameter descriptors, expanded from GENAPI_TEXT_PARAMS. */
#include <stddef.h>
#include <string.h>

#include "params/param_internal.h"
#include "util/err.h"

#define GA_DESC(nm, kind, fl, lo, hi, ch, def, srv, dc)                                         \
    {#nm, #nm, GENAPI_PK_##kind, (fl), (double)(lo), (double)(hi), (ch), (def), (srv),           \
     (uint32_t)GENAPI_TEXT_PARAM_##nm, offsetof(genapi_text_params, nm),                          \
     sizeof(((genapi_text_params *)0)->nm), (dc)},

static const genapi_param_desc text_descs[] = {GENAPI_TEXT_PARAMS(GA_DESC)};

_Static_assert(sizeof text_descs / sizeof text_descs[0] == GENAPI_TEXT_PARAM_COUNT, "table size");
_Static_assert(GENAPI_TEXT_PARAM_COUNT <= 64 * GENAPI_TEXT_SET_WORDS, "is_set too small");

const ga_param_table ga_text_table = {text_descs, GENAPI_TEXT_PARAM_COUNT, offsetof(genapi_text_params, is_set)};

const genapi_param_desc *genapi_text_param_table(size_t *count)
{
    if (count)
        *count = GENAPI_TEXT_PARAM_COUNT;
    return text_descs;
}

const genapi_param_desc *genapi_text_param_find(const char *name) { return ga_param_find(&ga_text_table, name); }

size_t genapi_text_params_sizeof(void) { return sizeof(genapi_text_params); }

genapi_status genapi_text_params_init(genapi_text_params *params, size_t struct_size)
{
    if (params == NULL || struct_size != sizeof(genapi_text_params))
        return GENAPI_E_INVALID_ARG;
    memset(params, 0, sizeof *params);
    params->struct_size = (uint32_t)sizeof *params;
    return GENAPI_OK;
}

void genapi_text_params_mark(genapi_text_params *params, genapi_text_param_id id, int set)
{
    if (params && (unsigned)id < GENAPI_TEXT_PARAM_COUNT)
        ga_param_mark(&ga_text_table, params, (size_t)id, set);
}

int genapi_text_params_is_set(const genapi_text_params *params, genapi_text_param_id id)
{
    if (params == NULL || (unsigned)id >= GENAPI_TEXT_PARAM_COUNT)
        return 0;
    return ga_param_is_set(&ga_text_table, params, (size_t)id);
}

ga_arena *ga_text_params_arena(genapi_text_params *p)
{
    if (p->owned)
        return p->owned;
    ga_alloc a;
    if (ga_alloc_resolve(&a, p->allocator) != 0)
        return NULL;
    ga_arena *ar = ga_malloc(&a, sizeof *ar);
    if (ar == NULL)
        return NULL;
    ga_arena_init(ar, &a);
    p->owned = ar;
    return ar;
}

void genapi_text_params_clear(genapi_text_params *params)
{
    if (params == NULL)
        return;
    const genapi_allocator *keep = params->allocator;
    ga_arena *ar = params->owned;
    if (ar) {
        ga_alloc a = ar->alloc;
        ga_arena_free(ar);
        ga_free(&a, ar);
    }
    genapi_text_params_init(params, sizeof *params);
    params->allocator = keep;
}

genapi_status genapi_text_params_validate(const genapi_text_params *p, genapi_error *err)
{
    if (p == NULL || p->struct_size != sizeof *p)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "genapi_text_params is NULL or not initialised");
    for (size_t i = 0; i < GENAPI_TEXT_PARAM_COUNT; i++) {
        const genapi_param_desc *d = &text_descs[i];
        if (!ga_param_is_set(&ga_text_table, p, i)) {
            if (d->range_flags & GENAPI_RANGE_REQUIRED)
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s is required", d->json_name);
            continue;
        }
        genapi_status st = ga_param_check(d, p, err);
        if (st != GENAPI_OK)
            return st;
    }
#define IS(f) genapi_text_params_is_set(p, GENAPI_TEXT_PARAM_##f)
    if (IS(min_tokens) && IS(max_tokens) && p->min_tokens > p->max_tokens)
        return ga_err(err, GENAPI_E_INVALID_ARG, "min_tokens",
                      "min_tokens must be less than or equal to max_tokens=%lld, got %lld.",
                      (long long)p->max_tokens, (long long)p->min_tokens);
    int64_t n = IS(n) ? p->n : 1;
    if (IS(best_of) && p->best_of < n)
        return ga_err(err, GENAPI_E_INVALID_ARG, "best_of",
                      "best_of must be greater than or equal to n, got n=%lld and best_of=%lld.", (long long)n,
                      (long long)p->best_of);
    int beam = IS(use_beam_search) && p->use_beam_search;
    if (!beam && IS(length_penalty) && p->length_penalty != 1.0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "length_penalty",
                      "length_penalty is not effective and must be the default value of 1.0 when not using "
                      "beam search, got %g.", p->length_penalty);
    if (!beam && IS(early_stopping) && p->early_stopping != 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "early_stopping",
                      "early_stopping is not effective and must be False when not using beam search.");
    if (IS(sampler_priority)) {
        uint32_t seen = 0;
        for (size_t i = 0; i < p->sampler_priority.count; i++)
            seen |= 1u << (unsigned)p->sampler_priority.items[i];
        for (int64_t id = 0; id < 14; id++)
            if (!(seen & (1u << (unsigned)id)))
                return ga_err(err, GENAPI_E_INVALID_ARG, "sampler_priority",
                              "sampler_priority must list all 14 samplers; missing %lld (%s).", (long long)id,
                              genapi_sampler_name(id));
    }
    if (IS(stop) && p->stop.count > 0 && IS(detokenize) && !p->detokenize)
        return ga_err(err, GENAPI_E_INVALID_ARG, "stop", "stop strings are only supported when detokenize is True. "
                      "Set detokenize=True to use stop.");
    int guided = IS(guided_json) + IS(guided_regex) + IS(guided_choice);
    if (guided > 1)
        return ga_err(err, GENAPI_E_INVALID_ARG, IS(guided_regex) ? "guided_regex" : "guided_choice",
                      "You can only use one kind of guided decoding ('guided_json', 'guided_regex' or "
                      "'guided_choice').");
#undef IS
    return GENAPI_OK;
}

static const char *const sampler_names[14] = {
    "top_p_top_k", "top_a", "min_p", "tfs", "typical_p", "temperature", "penalties",
    "dry", "no_repeat_ngram", "top_nsigma", "eta_cutoff", "epsilon_cutoff", "quadratic", "xtc"};

const char *genapi_sampler_name(int64_t id) { return (id >= 0 && id < 14) ? sampler_names[id] : NULL; }

int64_t genapi_sampler_id(const char *name)
{
    if (name == NULL)
        return -1;
    for (int64_t i = 0; i < 14; i++) {
        const char *a = sampler_names[i], *b = name;
        while (*a && *b) {
            char c = *b;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != *a)
                break;
            a++, b++;
        }
        if (*a == '\0' && *b == '\0')
            return i;
    }
    return -1;
}
