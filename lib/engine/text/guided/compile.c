/*
 * Compile entry points: front end -> NFA fragment -> gd_constraint_from_nfa.
 */
#include "engine/text/guided/guided_internal.h"

#include "util/err.h"

#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

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

/* ---- guided_json / json_object ---------------------------------------------------------- */

gd_constraint *gd_compile_json_schema(const gd_alloc_hooks *a, const gd_vocab *v, const char *schema_json,
                                      const char *param_name, genapi_error *err)
{
    static const char kind[] = "guided_json";
    static const int ref_depths[] = {GD_JSON_MAX_REF_DEPTH, 4, 3, 2, 1};
    gd_alloc_hooks h;
    if (gd_check_args(&h, a, v, kind, param_name, err))
        return NULL;
    if (schema_json == NULL) {
        ga_err(err, GENAPI_E_INVALID_ARG, param_name, "%s: no schema", kind);
        return NULL;
    }
    char msg[512];
    for (size_t i = 0; i < NELEM(ref_depths); i++) {
        gd_nfa m;
        gd_nfa_init(&m, &h, 0);
        int cut = 0;
        gd_frag f = gd_json_schema_build(&m, schema_json, ref_depths[i], &cut, msg, sizeof msg);
        if (gd_frag_ok(f)) {
            const char *empty = (cut & 1)
                                    ? "the schema matches no JSON value (within the recursion depth limit)"
                                    : "the schema matches no JSON value";
            return gd_constraint_from_nfa(&h, v, &m, f, kind, empty, param_name, err);
        }
        int retry = m.failed == GD_NFA_TOO_BIG && (cut & 2) && i + 1 < NELEM(ref_depths);
        if (m.failed == 0) {
            ga_err(err, GENAPI_E_INVALID_ARG, param_name, "%s", msg);
            retry = 0;
        } else if (!retry) {
            gd_build_error(&m, kind, param_name, err);
        }
        gd_nfa_release(&m);
        if (!retry)
            return NULL;
    }
    return NULL;
}

gd_constraint *gd_compile_json_object(const gd_alloc_hooks *a, const gd_vocab *v, const char *param_name,
                                      genapi_error *err)
{
    static const char kind[] = "json_object";
    gd_alloc_hooks h;
    if (gd_check_args(&h, a, v, kind, param_name, err))
        return NULL;
    gd_nfa m;
    gd_nfa_init(&m, &h, 0);
    gd_frag f = gd_json_object_any(&m, GD_JSON_MAX_DEPTH);
    if (!gd_frag_ok(f)) {
        gd_build_error(&m, kind, param_name, err);
        gd_nfa_release(&m);
        return NULL;
    }
    return gd_constraint_from_nfa(&h, v, &m, f, kind, "no JSON object is possible", param_name, err);
}
