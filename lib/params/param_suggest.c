/* "Did you mean": the parameter name closest to a misspelt one (edit distance over the table). */
#include <string.h>

#include "params/param_internal.h"

/* Names longer than this get no suggestion (the work per name stays bounded). */
#define GA_SUGGEST_MAX_LEN 64

/* Levenshtein distance of a and b (both at most GA_SUGGEST_MAX_LEN bytes), one row at a time;
 * a transposition of two neighbours counts as one edit (optimal string alignment). */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t prev2[GA_SUGGEST_MAX_LEN + 1], prev[GA_SUGGEST_MAX_LEN + 1], cur[GA_SUGGEST_MAX_LEN + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = prev2[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        memcpy(prev2, prev, (lb + 1) * sizeof *prev);
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *ga_param_suggest(const ga_param_table *t, const char *name)
{
    size_t ln = name ? strlen(name) : 0;
    if (ln == 0 || ln > GA_SUGGEST_MAX_LEN)
        return NULL;
    /* Close enough to be a typo: at most 2 edits, or a third of the name for long ones. */
    size_t limit = ln / 3 > 2 ? ln / 3 : 2, best_d = limit + 1;
    const char *best = NULL;
    for (size_t i = 0; i < t->count; i++) {
        const char *cand = t->descs[i].json_name;
        size_t lc = strlen(cand);
        if (lc > GA_SUGGEST_MAX_LEN || (lc > ln ? lc - ln : ln - lc) > limit)
            continue;
        size_t d = distance(name, ln, cand, lc);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    return best;
}
