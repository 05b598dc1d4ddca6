/*
 * JSON Schema scalars: enum/const (compact literals of the listed values, filtered by "type";
 * other keywords next to enum/const are not applied), strings (printable ASCII but '"' and
 * '\\', any non-ASCII character, no escapes; minLength/maxLength in characters; the whole
 * string matches "pattern", as in outlines / xgrammar / llama.cpp -- a subset of JSON
 * Schema's "contains a match" semantics, so outputs always validate), integers and
 * numbers with minimum / maximum / exclusiveMinimum / exclusiveMaximum (draft-4 boolean form
 * too). Integer bounds may be any numbers (rounded inwards); number bounds must be integers.
 */
#include "engine/text/guided/json_schema_internal.h"

#include <math.h>
#include <string.h>

gd_frag gdjs_enum(gdjs_ctx *x, json_object *s)
{
    const char *types[GDJS_NELEM(gdjs_type_names)];
    int nt = gdjs_get_types(x, s, types);
    if (nt < 0)
        return GDJS_BAD;
    int has_c = gdjs_has(s, "const"); /* gdjs_get() cannot tell "const": null from no const */
    json_object *c = gdjs_get(s, "const");
    json_object *e = gdjs_get(s, "enum");
    if (has_c && e) {
        /* both: the values of enum equal to const */
        if (!json_object_is_type(e, json_type_array)) {
            gdjs_err(x, "'enum' must be an array");
            return GDJS_BAD;
        }
        int found = 0;
        for (size_t i = 0; i < json_object_array_length(e); i++)
            found |= json_object_equal(json_object_array_get_idx(e, i), c);
        if (!found)
            return gd_nfa_fail(x->m);
        e = NULL;
    }
    gd_frag f = GD_FRAG_NONE;
    size_t n = has_c ? 1 : 0;
    if (e) {
        if (!json_object_is_type(e, json_type_array)) {
            gdjs_err(x, "'enum' must be an array");
            return GDJS_BAD;
        }
        n = json_object_array_length(e);
    }
    for (size_t i = 0; i < n && !x->m->failed; i++) {
        json_object *v = e ? json_object_array_get_idx(e, i) : c;
        int ok = nt == 0;
        for (int k = 0; k < nt && !ok; k++)
            ok = gdjs_value_has_type(v, types[k]);
        if (ok)
            f = gd_nfa_alt(x->m, f, gdjs_literal(x, v));
    }
    return f.in == -2 ? gd_nfa_fail(x->m) : f;
}

/* ---- strings ---------------------------------------------------------------------------------- */

gd_frag gdjs_string(gdjs_ctx *x, json_object *s)
{
    int64_t mn, mx;
    if (gdjs_get_count(x, s, "minLength", 0, &mn) || gdjs_get_count(x, s, "maxLength", -1, &mx))
        return GDJS_BAD;
    if (mx >= 0 && mn > mx)
        return gd_nfa_fail(x->m);
    json_object *p = gdjs_get(s, "pattern");
    if (p == NULL)
        return gd_json_string_any(x->m, mn, mx);
    if (!json_object_is_type(p, json_type_string)) {
        gdjs_err(x, "'pattern' must be a string");
        return GDJS_BAD;
    }
    char msg[256];
    gd_frag f = gd_regex_build(x->m, json_object_get_string(p), (size_t)json_object_get_string_len(p),
                               GD_RX_JSON_STRING, msg, sizeof msg);
    if (!gd_frag_ok(f)) {
        if (!x->m->failed)
            gdjs_err(x, "'pattern': %s", msg);
        return GDJS_BAD;
    }
    if (mn > 0 || mx >= 0)
        f = gd_nfa_len_limit(x->m, f, mn, mx);
    f = gd_nfa_cat(x->m, gd_nfa_str(x->m, "\""), f);
    return gd_nfa_cat(x->m, f, gd_nfa_str(x->m, "\""));
}

/* ---- numbers ---------------------------------------------------------------------------------- */

typedef struct {
    int has;
    double v;
    int ex;
} bound;

/* Reads minimum/exclusiveMinimum (lower) or maximum/exclusiveMaximum; keeps the tighter. */
static int get_bound(gdjs_ctx *x, json_object *s, int lower, bound *b)
{
    const char *inc = lower ? "minimum" : "maximum";
    const char *exc = lower ? "exclusiveMinimum" : "exclusiveMaximum";
    json_object *vi = gdjs_get(s, inc), *ve = gdjs_get(s, exc);
    b->has = 0;
    b->ex = 0;
    b->v = 0;
    if (vi) {
        if (!json_object_is_type(vi, json_type_int) && !json_object_is_type(vi, json_type_double)) {
            gdjs_err(x, "'%s' must be a number", inc);
            return -1;
        }
        b->has = 1;
        b->v = json_object_get_double(vi);
    }
    if (ve) {
        if (json_object_is_type(ve, json_type_boolean)) { /* draft 4 */
            if (json_object_get_boolean(ve) && b->has)
                b->ex = 1;
        } else if (json_object_is_type(ve, json_type_int) || json_object_is_type(ve, json_type_double)) {
            double d = json_object_get_double(ve);
            if (!b->has || (lower ? d >= b->v : d <= b->v)) {
                b->has = 1;
                b->v = d;
                b->ex = 1;
            }
        } else {
            gdjs_err(x, "'%s' must be a number", exc);
            return -1;
        }
    }
    if (b->has && !isfinite(b->v)) {
        gdjs_err(x, "'%s' must be finite", b->ex ? exc : inc);
        return -1;
    }
    return 0;
}

static int64_t clamp_i(double d)
{
    if (d < -GDJS_MAXI - 1.0)
        return -(int64_t)GDJS_MAXI - 1;
    if (d > GDJS_MAXI + 1.0)
        return (int64_t)GDJS_MAXI + 1;
    return (int64_t)d;
}

gd_frag gdjs_integer(gdjs_ctx *x, json_object *s)
{
    bound lo, hi;
    if (get_bound(x, s, 1, &lo) || get_bound(x, s, 0, &hi))
        return GDJS_BAD;
    int64_t l = -(int64_t)GDJS_MAXI, h = (int64_t)GDJS_MAXI;
    if (lo.has)
        l = clamp_i(lo.ex ? floor(lo.v) + 1.0 : ceil(lo.v));
    if (hi.has)
        h = clamp_i(hi.ex ? ceil(hi.v) - 1.0 : floor(hi.v));
    return gd_json_int_range(x->m, l, h);
}

gd_frag gdjs_number(gdjs_ctx *x, json_object *s)
{
    bound lo, hi;
    if (get_bound(x, s, 1, &lo) || get_bound(x, s, 0, &hi))
        return GDJS_BAD;
    if ((lo.has && lo.v != floor(lo.v)) || (hi.has && hi.v != floor(hi.v))) {
        gdjs_err(x, "a non-integer bound ('%s') for type 'number' is not supported",
               (lo.has && lo.v != floor(lo.v)) ? (lo.ex ? "exclusiveMinimum" : "minimum")
                                                : (hi.ex ? "exclusiveMaximum" : "maximum"));
        return GDJS_BAD;
    }
    if ((lo.has && lo.v > GDJS_MAXI) || (hi.has && hi.v < -GDJS_MAXI))
        return gd_nfa_fail(x->m);
    if (lo.has && lo.v < -GDJS_MAXI)
        lo.has = 0;
    if (hi.has && hi.v > GDJS_MAXI)
        hi.has = 0;
    return gd_json_number_range(x->m, lo.has, lo.has ? (int64_t)lo.v : 0, lo.ex, hi.has,
                                hi.has ? (int64_t)hi.v : 0, hi.ex);
}

