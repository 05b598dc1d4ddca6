/*
 * Compile entry points for guided_regex and guided_choice (JSON ones are in json_schema.c).
 */
#include "engine/text/guided/guided_internal.h"

#include "util/err.h"

#include <string.h>

gd_constraint *gd_compile_regex(const gd_alloc_hooks *a, const gd_vocab *v, const char *pattern,
                                const char *param_name, genapi_error *err)
{
    static const char kind[] = "guided_regex";
    gd_alloc_hooks h;
    if (gd_check_args(&h, a, v, kind, param_name, err))
        return NULL;
    if (pattern == NULL) {
        ga_err(err, GENAPI_E_INVALID_ARG, param_name, "%s: no pattern", kind);
        return NULL;
    }
    gd_nfa m;
    gd_nfa_init(&m, &h, 0);
    char msg[256];
    gd_frag f = gd_regex_build(&m, pattern, strlen(pattern), 0, msg, sizeof msg);
    if (!gd_frag_ok(f)) {
        if (m.failed)
            gd_build_error(&m, kind, param_name, err);
        else
            ga_err(err, GENAPI_E_INVALID_ARG, param_name, "%s: %s", kind, msg);
        gd_nfa_release(&m);
        return NULL;
    }
    return gd_constraint_from_nfa(&h, v, &m, f, kind, "the pattern matches no string", param_name, err);
}

gd_constraint *gd_compile_choice(const gd_alloc_hooks *a, const gd_vocab *v, const char *const *choices,
                                 size_t n, const char *param_name, genapi_error *err)
{
    static const char kind[] = "guided_choice";
    gd_alloc_hooks h;
    if (gd_check_args(&h, a, v, kind, param_name, err))
        return NULL;
    if (n == 0 || choices == NULL) {
        ga_err(err, GENAPI_E_INVALID_ARG, param_name, "%s: the list of choices is empty", kind);
        return NULL;
    }
    gd_nfa m;
    gd_nfa_init(&m, &h, 0);
    gd_frag f = gd_choice_build(&m, choices, n);
    if (!gd_frag_ok(f)) {
        gd_build_error(&m, kind, param_name, err);
        gd_nfa_release(&m);
        return NULL;
    }
    return gd_constraint_from_nfa(&h, v, &m, f, kind, "no choice is possible", param_name, err);
}
