/* The text parameter descriptors, expanded from GENAPI_TEXT_PARAMS, their cross-parameter rules and
 * the public text functions (thin wrappers over the generic ones in param_table.c / param_json.c). */
#include <stddef.h>
#include <string.h>

#include "params/param_internal.h"
#include "util/err.h"

#define GA_DESC(nm, kind, fl, lo, hi, ch, def, srv, dc) \
    GA_DESC_OF(genapi_text_params, TEXT, nm, kind, fl, lo, hi, ch, def, srv, dc)

static const genapi_param_desc text_descs[] = {GENAPI_TEXT_PARAMS(GA_DESC)};

_Static_assert(sizeof text_descs / sizeof text_descs[0] == GENAPI_TEXT_PARAM_COUNT, "table size");

/* The cross-parameter rules of the text servers (the per-field checks are generic). */
static genapi_status text_cross_check(const void *s, genapi_error *err)
{
    const genapi_text_params *p = s;
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

const ga_param_table ga_text_table =
    GA_PARAM_TABLE(genapi_text_params, "text", text_descs, GENAPI_TEXT_PARAM_COUNT, text_cross_check);

GA_DEFINE_PARAMS_API(text, TEXT, ga_text_table);

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
