/*
 * guided_json: a JSON Schema (subset) compiled to the byte NFA, then to the same lazy DFA as
 * regexes.
 *
 * Design choice: the schema is compiled to a plain (depth-bounded) finite automaton rather than
 * walked as a pushdown automaton. Everything downstream (dead-state pruning, exact distance to
 * completion, per-state mask caches, O(1) advance) is then shared with guided_regex. Recursion
 * is handled by a bound: a $ref target is expanded at most GD_JSON_MAX_REF_DEPTH times on any
 * path; deeper, the reference matches nothing, so optional properties / empty arrays / other
 * anyOf branches are the only ways out at that depth (a schema with no such way out is
 * reported as matching no value). If the expanded automaton is too large, compilation is
 * retried with a smaller bound (4, 3, 2, 1). "Any JSON value" ({}, true, json_object) allows
 * GD_JSON_MAX_DEPTH levels of containers, counted from the document root.
 *
 * Supported keywords: type (incl. arrays of types), properties, required,
 * additionalProperties, items, prefixItems, enum, const, minLength, maxLength, minItems,
 * maxItems, pattern, anyOf, oneOf (treated as anyOf), $ref (local "#..." JSON pointers, e.g.
 * "#/$defs/Name", "#/definitions/Name", "#"), $defs / definitions, minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum (integers: any bound; numbers: integer-valued bounds).
 * Ignored annotations: title, description, $schema, $id, default, examples, $comment,
 * readOnly, writeOnly, deprecated. Anything else is an error naming the keyword.
 *
 * Objects: properties in declared order; required ones always present, optional ones may be
 * omitted (the model chooses); only listed properties are generated whether
 * additionalProperties is absent, true or false. Required names missing from properties are
 * generated after them with the additionalProperties schema (any value if absent / true; the
 * object is unsatisfiable if false). With neither properties nor required, an
 * additionalProperties schema generates a map (free keys, possibly repeated), false generates
 * {}, otherwise any object.
 */
#include "engine/text/guided/guided_internal.h"

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JS_MAX_NEST 128     /* schema nesting (incl. reference expansions) */
#define JS_MAXI 9999999999999999.0

typedef struct js_ctx {
    gd_nfa *m;
    json_object *root;
    char *msg;
    size_t msgcap;
    int err;
    int depth;     /* containers entered so far in the generated value */
    int nest;      /* recursion of the walker */
    int ref_limit;
    int cut;       /* a reference was not expanded because of ref_limit */
    int refs_used; /* some reference was expanded */
    json_object *refs[JS_MAX_NEST];
    int nrefs;
    char path[512];
    size_t pathlen;
} js_ctx;

static const gd_frag bad = {-1, -1};

static void js_err(js_ctx *x, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void js_err(js_ctx *x, const char *fmt, ...)
{
    if (x->err)
        return;
    x->err = 1;
    if (x->msg == NULL || x->msgcap == 0)
        return;
    int n = snprintf(x->msg, x->msgcap, "guided_json: ");
    size_t off = n > 0 && (size_t)n < x->msgcap ? (size_t)n : 0;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(x->msg + off, x->msgcap - off, fmt, ap);
    va_end(ap);
    if (k > 0)
        off += (size_t)k;
    if (x->pathlen > 0 && off < x->msgcap)
        snprintf(x->msg + off, x->msgcap - off, " (at %s)", x->path);
}

/* ---- location path ------------------------------------------------------------------------ */

static size_t path_push(js_ctx *x, const char *seg)
{
    size_t old = x->pathlen;
    if (x->pathlen < sizeof x->path) {
        int n = snprintf(x->path + x->pathlen, sizeof x->path - x->pathlen, "/%s", seg);
        if (n > 0)
            x->pathlen += (size_t)n;
        if (x->pathlen >= sizeof x->path)
            x->pathlen = sizeof x->path - 1;
    }
    return old;
}

static size_t path_push_idx(js_ctx *x, const char *seg, size_t i)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%s/%zu", seg, i);
    return path_push(x, buf);
}

static void path_pop(js_ctx *x, size_t old)
{
    x->pathlen = old;
    x->path[old] = '\0';
}

/* ---- keywords -------------------------------------------------------------------------------- */

static const char *const supported[] = {
    "type",         "properties", "required",  "additionalProperties", "items",   "prefixItems",
    "enum",         "const",      "minLength", "maxLength",            "minItems", "maxItems",
    "pattern",      "anyOf",      "oneOf",     "$ref",                 "$defs",   "definitions",
    "minimum",      "maximum",    "exclusiveMinimum", "exclusiveMaximum",
};
static const char *const annotations[] = {
    "title", "description", "$schema", "$id", "default", "examples", "$comment",
    "readOnly", "writeOnly", "deprecated",
};

static int in_list(const char *k, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(k, list[i]) == 0)
            return 1;
    return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int is_annotation(const char *k)
{
    return in_list(k, annotations, NELEM(annotations)) || strcmp(k, "$defs") == 0 ||
           strcmp(k, "definitions") == 0;
}

static json_object *get(json_object *s, const char *k)
{
    json_object *v = NULL;
    return json_object_object_get_ex(s, k, &v) ? v : NULL;
}

static int has(json_object *s, const char *k)
{
    return json_object_object_get_ex(s, k, NULL);
}

/* Non-negative integer keyword (absent: def). Returns 0 or -1 (error reported). */
static int get_count(js_ctx *x, json_object *s, const char *k, int64_t def, int64_t *out)
{
    json_object *v = get(s, k);
    *out = def;
    if (v == NULL)
        return 0;
    double d;
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if (i < 0) {
            js_err(x, "'%s' must be a non-negative integer", k);
            return -1;
        }
        *out = i;
        return 0;
    }
    if (json_object_is_type(v, json_type_double) && (d = json_object_get_double(v)) >= 0 &&
        d == floor(d) && d < 9e18) {
        *out = (int64_t)d;
        return 0;
    }
    js_err(x, "'%s' must be a non-negative integer", k);
    return -1;
}

/* ---- fragments ------------------------------------------------------------------------------ */

static gd_frag js_schema(js_ctx *x, json_object *s);

static int depth_left(const js_ctx *x)
{
    int d = GD_JSON_MAX_DEPTH - x->depth;
    return d < 0 ? 0 : d;
}

static gd_frag js_literal(js_ctx *x, json_object *v)
{
    const char *lit = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (lit == NULL) {
        x->m->failed = GD_NFA_NOMEM;
        return bad;
    }
    return gd_nfa_str(x->m, lit);
}

/* Does JSON value v have JSON Schema type t? */
static int value_has_type(json_object *v, const char *t)
{
    enum json_type jt = json_object_get_type(v);
    if (strcmp(t, "null") == 0)
        return jt == json_type_null;
    if (strcmp(t, "boolean") == 0)
        return jt == json_type_boolean;
    if (strcmp(t, "string") == 0)
        return jt == json_type_string;
    if (strcmp(t, "object") == 0)
        return jt == json_type_object;
    if (strcmp(t, "array") == 0)
        return jt == json_type_array;
    if (strcmp(t, "number") == 0)
        return jt == json_type_int || jt == json_type_double;
    if (strcmp(t, "integer") == 0) {
        if (jt == json_type_int)
            return 1;
        if (jt == json_type_double) {
            double d = json_object_get_double(v);
            return isfinite(d) && d == floor(d);
        }
    }
    return 0;
}

static const char *const type_names[] = {"null", "boolean", "object", "array", "number", "integer", "string"};

/* The "type" keyword as a list; returns the count (0 when absent), -1 on error. */
static int get_types(js_ctx *x, json_object *s, const char **out)
{
    json_object *t = get(s, "type");
    if (t == NULL)
        return 0;
    int n = 0;
    if (json_object_is_type(t, json_type_string)) {
        out[n++] = json_object_get_string(t);
    } else if (json_object_is_type(t, json_type_array) && json_object_array_length(t) > 0 &&
               json_object_array_length(t) <= NELEM(type_names)) {
        for (size_t i = 0; i < json_object_array_length(t); i++) {
            json_object *e = json_object_array_get_idx(t, i);
            if (!json_object_is_type(e, json_type_string)) {
                js_err(x, "'type' must be a string or an array of strings");
                return -1;
            }
            out[n++] = json_object_get_string(e);
        }
    } else {
        js_err(x, "'type' must be a string or a non-empty array of type names");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (!in_list(out[i], type_names, NELEM(type_names))) {
            js_err(x, "unknown type '%s'", out[i]);
            return -1;
        }
    }
    return n;
}

static gd_frag js_enum(js_ctx *x, json_object *s)
{
    const char *types[NELEM(type_names)];
    int nt = get_types(x, s, types);
    if (nt < 0)
        return bad;
    int has_c = has(s, "const"); /* get() cannot tell "const": null from no const */
    json_object *c = get(s, "const");
    json_object *e = get(s, "enum");
    if (has_c && e) {
        /* both: the values of enum equal to const */
        if (!json_object_is_type(e, json_type_array)) {
            js_err(x, "'enum' must be an array");
            return bad;
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
            js_err(x, "'enum' must be an array");
            return bad;
        }
        n = json_object_array_length(e);
    }
    for (size_t i = 0; i < n && !x->m->failed; i++) {
        json_object *v = e ? json_object_array_get_idx(e, i) : c;
        int ok = nt == 0;
        for (int k = 0; k < nt && !ok; k++)
            ok = value_has_type(v, types[k]);
        if (ok)
            f = gd_nfa_alt(x->m, f, js_literal(x, v));
    }
    return f.in == -2 ? gd_nfa_fail(x->m) : f;
}

/* ---- strings ---------------------------------------------------------------------------------- */

static gd_frag js_string(js_ctx *x, json_object *s)
{
    int64_t mn, mx;
    if (get_count(x, s, "minLength", 0, &mn) || get_count(x, s, "maxLength", -1, &mx))
        return bad;
    if (mx >= 0 && mn > mx)
        return gd_nfa_fail(x->m);
    json_object *p = get(s, "pattern");
    if (p == NULL)
        return gd_json_string_any(x->m, mn, mx);
    if (!json_object_is_type(p, json_type_string)) {
        js_err(x, "'pattern' must be a string");
        return bad;
    }
    char msg[256];
    gd_frag f = gd_regex_build(x->m, json_object_get_string(p), (size_t)json_object_get_string_len(p),
                               GD_RX_JSON_STRING | GD_RX_SEARCH, msg, sizeof msg);
    if (!gd_frag_ok(f)) {
        if (!x->m->failed)
            js_err(x, "'pattern': %s", msg);
        return bad;
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
static int get_bound(js_ctx *x, json_object *s, int lower, bound *b)
{
    const char *inc = lower ? "minimum" : "maximum";
    const char *exc = lower ? "exclusiveMinimum" : "exclusiveMaximum";
    json_object *vi = get(s, inc), *ve = get(s, exc);
    b->has = 0;
    b->ex = 0;
    b->v = 0;
    if (vi) {
        if (!json_object_is_type(vi, json_type_int) && !json_object_is_type(vi, json_type_double)) {
            js_err(x, "'%s' must be a number", inc);
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
            js_err(x, "'%s' must be a number", exc);
            return -1;
        }
    }
    if (b->has && !isfinite(b->v)) {
        js_err(x, "'%s' must be finite", b->ex ? exc : inc);
        return -1;
    }
    return 0;
}

static int64_t clamp_i(double d)
{
    if (d < -JS_MAXI - 1.0)
        return -(int64_t)JS_MAXI - 1;
    if (d > JS_MAXI + 1.0)
        return (int64_t)JS_MAXI + 1;
    return (int64_t)d;
}

static gd_frag js_integer(js_ctx *x, json_object *s)
{
    bound lo, hi;
    if (get_bound(x, s, 1, &lo) || get_bound(x, s, 0, &hi))
        return bad;
    int64_t l = -(int64_t)JS_MAXI, h = (int64_t)JS_MAXI;
    if (lo.has)
        l = clamp_i(lo.ex ? floor(lo.v) + 1.0 : ceil(lo.v));
    if (hi.has)
        h = clamp_i(hi.ex ? ceil(hi.v) - 1.0 : floor(hi.v));
    return gd_json_int_range(x->m, l, h);
}

static gd_frag js_number(js_ctx *x, json_object *s)
{
    bound lo, hi;
    if (get_bound(x, s, 1, &lo) || get_bound(x, s, 0, &hi))
        return bad;
    if ((lo.has && lo.v != floor(lo.v)) || (hi.has && hi.v != floor(hi.v))) {
        js_err(x, "a non-integer bound ('%s') for type 'number' is not supported",
               (lo.has && lo.v != floor(lo.v)) ? (lo.ex ? "exclusiveMinimum" : "minimum")
                                                : (hi.ex ? "exclusiveMaximum" : "maximum"));
        return bad;
    }
    if ((lo.has && lo.v > JS_MAXI) || (hi.has && hi.v < -JS_MAXI))
        return gd_nfa_fail(x->m);
    if (lo.has && lo.v < -JS_MAXI)
        lo.has = 0;
    if (hi.has && hi.v > JS_MAXI)
        hi.has = 0;
    return gd_json_number_range(x->m, lo.has, lo.has ? (int64_t)lo.v : 0, lo.ex, hi.has,
                                hi.has ? (int64_t)hi.v : 0, hi.ex);
}

/* ---- arrays ------------------------------------------------------------------------------------ */

/* The schema of array element i (NULL: any value). */
static json_object *item_schema(json_object *prefix, json_object *items, size_t i)
{
    if (prefix && i < json_object_array_length(prefix))
        return json_object_array_get_idx(prefix, i);
    return items;
}

static gd_frag js_item(js_ctx *x, json_object *prefix, json_object *items, size_t i)
{
    json_object *sch = item_schema(prefix, items, i);
    int in_prefix = prefix && i < json_object_array_length(prefix);
    size_t old = in_prefix ? path_push_idx(x, "prefixItems", i) : path_push(x, "items");
    x->depth++;
    gd_frag f = sch ? js_schema(x, sch) : gd_json_value_any(x->m, depth_left(x));
    x->depth--;
    path_pop(x, old);
    return f;
}

static gd_frag js_array(js_ctx *x, json_object *s)
{
    gd_nfa *m = x->m;
    json_object *items = get(s, "items");
    json_object *prefix = get(s, "prefixItems");
    int64_t mn, mx;
    if (get_count(x, s, "minItems", 0, &mn) || get_count(x, s, "maxItems", -1, &mx))
        return bad;
    if (prefix && !json_object_is_type(prefix, json_type_array)) {
        js_err(x, "'prefixItems' must be an array of schemas");
        return bad;
    }
    if (items && json_object_is_type(items, json_type_array)) {
        if (prefix) {
            js_err(x, "'items' as an array together with 'prefixItems' is not supported");
            return bad;
        }
        prefix = items; /* draft 4-7 tuple form; further items are free */
        items = NULL;
    }
    size_t k = prefix ? json_object_array_length(prefix) : 0;
    if (items && json_object_is_type(items, json_type_boolean)) {
        if (!json_object_get_boolean(items) && (mx < 0 || mx > (int64_t)k))
            mx = (int64_t)k;
        items = NULL;
    } else if (items && !json_object_is_type(items, json_type_object)) {
        js_err(x, "'items' must be a schema");
        return bad;
    }
    if (mx >= 0 && mn > mx)
        return gd_nfa_fail(m);
    if (mx > (int64_t)m->limit || mn > (int64_t)m->limit) {
        m->failed = GD_NFA_TOO_BIG;
        return bad;
    }
    int64_t n_ind = mx >= 0 ? mx : (mn > (int64_t)k ? mn : (int64_t)k);
    if (mx < 0 && n_ind < 1)
        n_ind = 1;
    gd_frag open = gd_nfa_str(m, "[");
    gd_frag close = gd_nfa_str(m, "]");
    if (!gd_frag_ok(open) || !gd_frag_ok(close))
        return bad;
    int32_t frontier = open.out;
    for (int64_t i = 0; i < n_ind && !m->failed && !x->err; i++) {
        gd_frag p = i == 0 ? gd_nfa_empty(m) : gd_nfa_cat(m, gd_nfa_str(m, ","), gd_json_ws(m));
        p = gd_nfa_cat(m, p, js_item(x, prefix, items, (size_t)i));
        if (!gd_frag_ok(p))
            return bad;
        if (i >= mn)
            gd_nfa_link(m, frontier, gd_nfa_add(m, GD_NS_SPLIT, 0, 0, close.in, p.in));
        else
            gd_nfa_link(m, frontier, p.in);
        frontier = p.out;
    }
    if (mx >= 0) {
        gd_nfa_link(m, frontier, close.in);
    } else {
        gd_frag p = gd_nfa_cat(m, gd_nfa_cat(m, gd_nfa_str(m, ","), gd_json_ws(m)),
                               js_item(x, prefix, items, (size_t)n_ind));
        if (!gd_frag_ok(p))
            return bad;
        int32_t sp = gd_nfa_add(m, GD_NS_SPLIT, 0, 0, close.in, p.in);
        gd_nfa_link(m, frontier, sp);
        gd_nfa_link(m, p.out, sp);
    }
    return (m->failed || x->err) ? bad : (gd_frag){open.in, close.out};
}

/* ---- objects ------------------------------------------------------------------------------------ */

static gd_frag key_literal(js_ctx *x, const char *name)
{
    json_object *k = json_object_new_string(name);
    if (k == NULL) {
        x->m->failed = GD_NFA_NOMEM;
        return bad;
    }
    gd_frag f = js_literal(x, k);
    json_object_put(k);
    return f;
}

static int required_has(json_object *req, const char *name)
{
    if (req == NULL)
        return 0;
    for (size_t i = 0; i < json_object_array_length(req); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(req, i)), name) == 0)
            return 1;
    return 0;
}

typedef struct {
    int32_t l0, l1; /* frontiers: no property emitted yet / at least one emitted (-1: none) */
} lanes;

/* Add one property (value schema sch, NULL: any value) to the lanes. */
static void add_property(js_ctx *x, lanes *ln, const char *name, json_object *sch, int required)
{
    gd_nfa *m = x->m;
    int32_t X = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    x->depth++;
    gd_frag v = sch ? js_schema(x, sch) : gd_json_value_any(m, depth_left(x));
    x->depth--;
    if (X < 0 || !gd_frag_ok(v) || x->err)
        return;
    gd_nfa_link(m, X, v.in);
    lanes nl = {-1, -1};
    if (ln->l0 >= 0) {
        gd_frag p = gd_nfa_cat(m, gd_nfa_cat(m, key_literal(x, name), gd_nfa_str(m, ":")), gd_json_ws(m));
        if (!gd_frag_ok(p))
            return;
        gd_nfa_link(m, p.out, X);
        if (required) {
            gd_nfa_link(m, ln->l0, p.in);
        } else {
            int32_t skip = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
            gd_nfa_link(m, ln->l0, gd_nfa_add(m, GD_NS_SPLIT, 0, 0, p.in, skip));
            nl.l0 = skip;
        }
    }
    if (ln->l1 >= 0) {
        gd_frag p = gd_nfa_cat(m, gd_nfa_str(m, ","), gd_json_ws(m));
        p = gd_nfa_cat(m, p, gd_nfa_cat(m, gd_nfa_cat(m, key_literal(x, name), gd_nfa_str(m, ":")), gd_json_ws(m)));
        if (!gd_frag_ok(p))
            return;
        gd_nfa_link(m, p.out, X);
        if (required) {
            gd_nfa_link(m, ln->l1, p.in);
            nl.l1 = v.out;
        } else {
            int32_t skip = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
            int32_t join = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
            gd_nfa_link(m, ln->l1, gd_nfa_add(m, GD_NS_SPLIT, 0, 0, p.in, skip));
            gd_nfa_link(m, skip, join);
            gd_nfa_link(m, v.out, join);
            nl.l1 = join;
        }
    } else {
        nl.l1 = v.out;
    }
    *ln = nl;
}

static gd_frag js_object(js_ctx *x, json_object *s)
{
    gd_nfa *m = x->m;
    json_object *props = get(s, "properties");
    json_object *req = get(s, "required");
    json_object *ap = get(s, "additionalProperties");
    if (props && !json_object_is_type(props, json_type_object)) {
        js_err(x, "'properties' must be an object");
        return bad;
    }
    if (req) {
        int ok = json_object_is_type(req, json_type_array);
        for (size_t i = 0; ok && i < json_object_array_length(req); i++)
            ok = json_object_is_type(json_object_array_get_idx(req, i), json_type_string);
        if (!ok) {
            js_err(x, "'required' must be an array of strings");
            return bad;
        }
    }
    if (ap && !json_object_is_type(ap, json_type_boolean) && !json_object_is_type(ap, json_type_object)) {
        js_err(x, "'additionalProperties' must be a boolean or a schema");
        return bad;
    }
    int ap_false = ap && json_object_is_type(ap, json_type_boolean) && !json_object_get_boolean(ap);
    int ap_schema = ap && json_object_is_type(ap, json_type_object);
    size_t nprops = props ? (size_t)json_object_object_length(props) : 0;
    size_t nreq = req ? json_object_array_length(req) : 0;
    if (nprops == 0 && nreq == 0) {
        if (ap_false)
            return gd_nfa_str(m, "{}");
        if (!ap_schema)
            return gd_json_object_any(m, depth_left(x) > 0 ? depth_left(x) : 1);
        /* a map: free keys, values of the additionalProperties schema */
        size_t old = path_push(x, "additionalProperties");
        gd_frag member = gd_nfa_cat(m, gd_json_string_any(m, 0, -1), gd_nfa_str(m, ":"));
        member = gd_nfa_cat(m, member, gd_json_ws(m));
        x->depth++;
        member = gd_nfa_cat(m, member, js_schema(x, ap));
        x->depth--;
        path_pop(x, old);
        return gd_json_container(m, "{", "}", member);
    }
    gd_frag open = gd_nfa_str(m, "{");
    gd_frag close = gd_nfa_str(m, "}");
    if (!gd_frag_ok(open) || !gd_frag_ok(close))
        return bad;
    lanes ln = {open.out, -1};
    if (props) {
        struct json_object_iterator it = json_object_iter_begin(props), end = json_object_iter_end(props);
        for (; !json_object_iter_equal(&it, &end) && !x->err && !m->failed; json_object_iter_next(&it)) {
            const char *name = json_object_iter_peek_name(&it);
            size_t old = path_push(x, "properties");
            size_t old2 = path_push(x, name);
            add_property(x, &ln, name, json_object_iter_peek_value(&it), required_has(req, name));
            path_pop(x, old2);
            path_pop(x, old);
        }
    }
    for (size_t i = 0; i < nreq && !x->err && !m->failed; i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(req, i));
        if (props && has(props, name))
            continue;
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = strcmp(json_object_get_string(json_object_array_get_idx(req, j)), name) == 0;
        if (dup)
            continue;
        if (ap_false)
            return gd_nfa_fail(m); /* a required property that may not exist */
        size_t old = path_push(x, "additionalProperties");
        add_property(x, &ln, name, ap_schema ? ap : NULL, 1);
        path_pop(x, old);
    }
    if (x->err || m->failed)
        return bad;
    gd_nfa_link(m, ln.l0, close.in);
    gd_nfa_link(m, ln.l1, close.in);
    return m->failed ? bad : (gd_frag){open.in, close.out};
}

/* ---- references ------------------------------------------------------------------------------------ */

/* Resolve a local JSON pointer reference "#", "#/a/b" (with ~0 ~1 escapes). */
static json_object *resolve(js_ctx *x, const char *ref)
{
    if (ref[0] != '#') {
        js_err(x, "unsupported $ref '%s' (only local references starting with '#' are supported)", ref);
        return NULL;
    }
    json_object *cur = x->root;
    const char *p = ref + 1;
    if (*p == '\0')
        return cur;
    if (*p != '/') {
        js_err(x, "unsupported $ref '%s' (anchors are not supported; use a JSON pointer like '#/$defs/Name')", ref);
        return NULL;
    }
    char seg[256];
    while (*p == '/') {
        p++;
        size_t n = 0;
        while (*p && *p != '/') {
            char c = *p++;
            if (c == '~' && (*p == '0' || *p == '1'))
                c = *p++ == '0' ? '~' : '/';
            if (n + 1 >= sizeof seg) {
                js_err(x, "$ref '%s' is too long", ref);
                return NULL;
            }
            seg[n++] = c;
        }
        seg[n] = '\0';
        json_object *next = NULL;
        if (json_object_is_type(cur, json_type_object)) {
            next = get(cur, seg);
        } else if (json_object_is_type(cur, json_type_array)) {
            char *endp = NULL;
            unsigned long i = strtoul(seg, &endp, 10);
            if (n > 0 && endp && *endp == '\0' && i < json_object_array_length(cur))
                next = json_object_array_get_idx(cur, (size_t)i);
        }
        if (next == NULL) {
            js_err(x, "$ref '%s' does not resolve", ref);
            return NULL;
        }
        cur = next;
    }
    return cur;
}

static gd_frag js_ref(js_ctx *x, json_object *s)
{
    json_object *r = get(s, "$ref");
    if (!json_object_is_type(r, json_type_string)) {
        js_err(x, "'$ref' must be a string");
        return bad;
    }
    struct json_object_iterator it = json_object_iter_begin(s), end = json_object_iter_end(s);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *k = json_object_iter_peek_name(&it);
        if (strcmp(k, "$ref") != 0 && !is_annotation(k)) {
            js_err(x, "'$ref' next to other keywords ('%s') is not supported", k);
            return bad;
        }
    }
    json_object *target = resolve(x, json_object_get_string(r));
    if (target == NULL)
        return bad;
    int open = 0;
    for (int i = 0; i < x->nrefs; i++)
        open += x->refs[i] == target;
    if (open >= x->ref_limit || x->nrefs >= JS_MAX_NEST) {
        x->cut = 1;
        return gd_nfa_fail(x->m);
    }
    x->refs[x->nrefs++] = target;
    size_t old = x->pathlen;
    char saved[sizeof x->path];
    memcpy(saved, x->path, sizeof saved);
    x->pathlen = 0;
    x->path[0] = '\0';
    const char *ref = json_object_get_string(r);
    path_push(x, ref[1] == '/' ? ref + 2 : ref + 1);
    x->refs_used = 1;
    gd_frag f = js_schema(x, target);
    memcpy(x->path, saved, sizeof saved);
    x->pathlen = old;
    x->nrefs--;
    return f;
}

/* ---- schemas --------------------------------------------------------------------------------------- */

static gd_frag js_anyof(js_ctx *x, json_object *s, const char *kw)
{
    json_object *list = get(s, kw);
    if (!json_object_is_type(list, json_type_array) || json_object_array_length(list) == 0) {
        js_err(x, "'%s' must be a non-empty array of schemas", kw);
        return bad;
    }
    struct json_object_iterator it = json_object_iter_begin(s), end = json_object_iter_end(s);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *k = json_object_iter_peek_name(&it);
        if (strcmp(k, kw) != 0 && !is_annotation(k)) {
            js_err(x, "'%s' next to other keywords ('%s') is not supported", kw, k);
            return bad;
        }
    }
    gd_frag f = GD_FRAG_NONE;
    for (size_t i = 0; i < json_object_array_length(list) && !x->err && !x->m->failed; i++) {
        size_t old = path_push_idx(x, kw, i);
        f = gd_nfa_alt(x->m, f, js_schema(x, json_object_array_get_idx(list, i)));
        path_pop(x, old);
    }
    return (x->err || x->m->failed) ? bad : f;
}

static gd_frag js_type(js_ctx *x, json_object *s, const char *t)
{
    if (strcmp(t, "null") == 0)
        return gd_nfa_str(x->m, "null");
    if (strcmp(t, "boolean") == 0)
        return gd_nfa_alt(x->m, gd_nfa_str(x->m, "true"), gd_nfa_str(x->m, "false"));
    if (strcmp(t, "integer") == 0)
        return js_integer(x, s);
    if (strcmp(t, "number") == 0)
        return js_number(x, s);
    if (strcmp(t, "string") == 0)
        return js_string(x, s);
    if (strcmp(t, "array") == 0)
        return js_array(x, s);
    return js_object(x, s);
}

static gd_frag js_schema_obj(js_ctx *x, json_object *s)
{
    struct json_object_iterator it = json_object_iter_begin(s), end = json_object_iter_end(s);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *k = json_object_iter_peek_name(&it);
        if (!in_list(k, supported, NELEM(supported)) && !in_list(k, annotations, NELEM(annotations))) {
            js_err(x, "unsupported JSON Schema keyword '%s'", k);
            return bad;
        }
        if (json_object_iter_peek_value(&it) == NULL && strcmp(k, "const") != 0 &&
            in_list(k, supported, NELEM(supported))) {
            js_err(x, "'%s' must not be null", k);
            return bad;
        }
    }
    if (has(s, "$ref"))
        return js_ref(x, s);
    if (has(s, "anyOf") && has(s, "oneOf")) {
        js_err(x, "'anyOf' together with 'oneOf' is not supported");
        return bad;
    }
    if (has(s, "anyOf"))
        return js_anyof(x, s, "anyOf");
    if (has(s, "oneOf"))
        return js_anyof(x, s, "oneOf");
    if (has(s, "enum") || has(s, "const"))
        return js_enum(x, s);
    const char *types[NELEM(type_names)];
    int nt = get_types(x, s, types);
    if (nt < 0)
        return bad;
    if (nt == 0) {
        /* no type: the types the keywords present apply to, or any value */
        static const struct {
            const char *kw, *type;
        } infer[] = {
            {"properties", "object"}, {"required", "object"},   {"additionalProperties", "object"},
            {"items", "array"},       {"prefixItems", "array"}, {"minItems", "array"},
            {"maxItems", "array"},    {"pattern", "string"},    {"minLength", "string"},
            {"maxLength", "string"},  {"minimum", "number"},    {"maximum", "number"},
            {"exclusiveMinimum", "number"}, {"exclusiveMaximum", "number"},
        };
        for (size_t i = 0; i < NELEM(infer); i++) {
            if (!has(s, infer[i].kw))
                continue;
            int dup = 0;
            for (int j = 0; j < nt; j++)
                dup |= strcmp(types[j], infer[i].type) == 0;
            if (!dup)
                types[nt++] = infer[i].type;
        }
        if (nt == 0)
            return gd_json_value_any(x->m, depth_left(x));
    }
    gd_frag f = GD_FRAG_NONE;
    for (int i = 0; i < nt && !x->err && !x->m->failed; i++)
        f = gd_nfa_alt(x->m, f, js_type(x, s, types[i]));
    return (x->err || x->m->failed) ? bad : f;
}

static gd_frag js_schema(js_ctx *x, json_object *s)
{
    if (x->err || x->m->failed)
        return bad;
    if (json_object_is_type(s, json_type_boolean))
        return json_object_get_boolean(s) ? gd_json_value_any(x->m, depth_left(x)) : gd_nfa_fail(x->m);
    if (!json_object_is_type(s, json_type_object)) {
        js_err(x, "a schema must be an object or a boolean");
        return bad;
    }
    if (++x->nest > JS_MAX_NEST) {
        js_err(x, "the schema is nested too deeply");
        return bad;
    }
    gd_frag f = js_schema_obj(x, s);
    x->nest--;
    return (x->err || x->m->failed) ? bad : f;
}

gd_frag gd_json_schema_build(gd_nfa *m, const char *schema_json, int ref_depth, int *cut, char *msg,
                             size_t msgcap)
{
    js_ctx x;
    memset(&x, 0, sizeof x);
    x.m = m;
    x.msg = msg;
    x.msgcap = msgcap;
    x.ref_limit = ref_depth;
    if (msg && msgcap)
        msg[0] = '\0';
    *cut = 0;
    size_t len = strlen(schema_json);
    json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        m->failed = GD_NFA_NOMEM;
        return bad;
    }
    if (len >= (size_t)INT32_MAX) {
        json_tokener_free(tok);
        js_err(&x, "the schema is too long");
        return bad;
    }
    /* the terminating NUL is passed too, so a bare literal ("true") is known to be complete */
    json_object *root = json_tokener_parse_ex(tok, schema_json, (int)len + 1);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (jerr == json_tokener_continue && root == NULL) {
        js_err(&x, "invalid JSON in the schema: unexpected end of input");
        return bad;
    }
    if (jerr != json_tokener_success) {
        js_err(&x, "invalid JSON in the schema: %s", json_tokener_error_desc(jerr));
        json_object_put(root);
        return bad;
    }
    while (used < len && (schema_json[used] == ' ' || schema_json[used] == '\n' || schema_json[used] == '\r' ||
                          schema_json[used] == '\t'))
        used++;
    if (used < len) {
        js_err(&x, "invalid JSON in the schema: unexpected text after the schema");
        json_object_put(root);
        return bad;
    }
    if (root == NULL) { /* the JSON text "null" */
        js_err(&x, "a schema must be an object or a boolean");
        return bad;
    }
    x.root = root;
    gd_frag f = js_schema(&x, root);
    *cut = (x.cut ? 1 : 0) | (x.refs_used ? 2 : 0);
    json_object_put(root);
    return (x.err || m->failed) ? bad : f;
}

/* ---- entry points -------------------------------------------------------------------------------- */

#include "util/err.h"

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
        if (gd_frag_ok(f))
            return gd_constraint_from_nfa(&h, v, &m, f, kind,
                                          (cut & 1) ? "the schema matches no JSON value (within the recursion depth limit)"
                                              : "the schema matches no JSON value",
                                          param_name, err);
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
