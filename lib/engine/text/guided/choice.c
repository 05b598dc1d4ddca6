/*
 * guided_choice: the finite language {c1, ..., cn} as a byte trie inside the NFA. Choices are
 * sorted and deduplicated, then inserted along a path stack; every trie node is an EPS state
 * whose outgoing alternatives hang off a chain of SPLIT states (the "tail" is where the next one
 * goes). The end of each choice links to the common exit, so a choice that is a prefix of
 * another is both complete (EOS allowed) and extendable, as with the regex (c1|c2|...).
 */
#include "engine/text/guided/guided_internal.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Hang alternative `alt` off the node whose free tail is *tail. */
static void attach(gd_nfa *m, int32_t *tail, int32_t alt)
{
    int32_t nt = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    int32_t s = gd_nfa_add(m, GD_NS_SPLIT, 0, 0, alt, nt);
    gd_nfa_link(m, *tail, s);
    *tail = nt;
}

gd_frag gd_choice_build(gd_nfa *m, const char *const *choices, size_t n)
{
    const gd_alloc_hooks *a = m->a;
    gd_frag res = {-1, -1};
    const char **sorted = gd_malloc(a, (n ? n : 1) * sizeof *sorted);
    int32_t *tails = NULL;
    if (sorted == NULL) {
        m->failed = GD_NFA_NOMEM;
        return res;
    }
    size_t maxlen = 0;
    for (size_t i = 0; i < n; i++) {
        sorted[i] = choices[i] ? choices[i] : "";
        size_t l = strlen(sorted[i]);
        if (l > maxlen)
            maxlen = l;
    }
    qsort(sorted, n, sizeof *sorted, cmp_str);
    tails = gd_malloc(a, (maxlen + 1) * sizeof *tails);
    int32_t root = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    int32_t exit_state = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    if (tails == NULL) {
        m->failed = GD_NFA_NOMEM;
        goto out;
    }
    if (root < 0 || exit_state < 0)
        goto out;
    tails[0] = root;
    const char *prev = NULL;
    for (size_t i = 0; i < n && !m->failed; i++) {
        const char *s = sorted[i];
        if (prev && strcmp(prev, s) == 0)
            continue;
        size_t lcp = 0;
        if (prev)
            while (prev[lcp] && prev[lcp] == s[lcp])
                lcp++;
        size_t len = strlen(s);
        for (size_t d = lcp; d < len && !m->failed; d++) {
            int32_t node = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
            int32_t edge = gd_nfa_add(m, GD_NS_RANGE, (uint8_t)s[d], (uint8_t)s[d], node, -1);
            attach(m, &tails[d], edge);
            tails[d + 1] = node;
        }
        attach(m, &tails[len], exit_state);
        prev = s;
    }
    if (!m->failed)
        res = (gd_frag){root, exit_state};
out:
    gd_mfree(a, sorted);
    gd_mfree(a, tails);
    return res;
}
