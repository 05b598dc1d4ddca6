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
 * This file: keyword checks, $ref resolution and expansion, anyOf/oneOf, type dispatch and the
 * document parse; json_schema_scalar.c and json_schema_container.c build the typed values.
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
#include "engine/text/guided/json_schema_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gdjs_err(gdjs_ctx *x, const char *fmt, ...)
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

size_t gdjs_path_push(gdjs_ctx *x, const char *seg)
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

size_t gdjs_path_push_idx(gdjs_ctx *x, const char *seg, size_t i)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%s/%zu", seg, i);
    return gdjs_path_push(x, buf);
}

void gdjs_path_pop(gdjs_ctx *x, size_t old)
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

static int is_annotation(const char *k)
{
    return in_list(k, annotations, GDJS_NELEM(annotations)) || strcmp(k, "$defs") == 0 ||
           strcmp(k, "definitions") == 0;
}

json_object *gdjs_get(json_object *s, const char *k)
{
    json_object *v = NULL;
    return json_object_object_get_ex(s, k, &v) ? v : NULL;
}

int gdjs_has(json_object *s, const char *k)
{
    return json_object_object_get_ex(s, k, NULL);
}

/* Non-negative integer keyword (absent: def). Returns 0 or -1 (error reported). */
int gdjs_get_count(gdjs_ctx *x, json_object *s, const char *k, int64_t def, int64_t *out)
{
    json_object *v = gdjs_get(s, k);
    *out = def;
    if (v == NULL)
        return 0;
    double d;
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if (i < 0) {
            gdjs_err(x, "'%s' must be a non-negative integer", k);
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
    gdjs_err(x, "'%s' must be a non-negative integer", k);
    return -1;
}

/* ---- fragments ------------------------------------------------------------------------------ */

int gdjs_depth_left(const gdjs_ctx *x)
{
    int d = GD_JSON_MAX_DEPTH - x->depth;
    return d < 0 ? 0 : d;
}

gd_frag gdjs_literal(gdjs_ctx *x, json_object *v)
{
    const char *lit =
        json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (lit == NULL) {
        x->m->failed = GD_NFA_NOMEM;
        return GDJS_BAD;
    }
    return gd_nfa_str(x->m, lit);
}

/* Does JSON value v have JSON Schema type t? */
int gdjs_value_has_type(json_object *v, const char *t)
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

const char *const gdjs_type_names[7] = {"null", "boolean", "object", "array", "number", "integer", "string"};

/* The "type" keyword as a list; returns the count (0 when absent), -1 on error. */
int gdjs_get_types(gdjs_ctx *x, json_object *s, const char **out)
{
    json_object *t = gdjs_get(s, "type");
    if (t == NULL)
        return 0;
    int n = 0;
    if (json_object_is_type(t, json_type_string)) {
        out[n++] = json_object_get_string(t);
    } else if (json_object_is_type(t, json_type_array) && json_object_array_length(t) > 0 &&
               json_object_array_length(t) <= GDJS_NELEM(gdjs_type_names)) {
        for (size_t i = 0; i < json_object_array_length(t); i++) {
            json_object *e = json_object_array_get_idx(t, i);
            if (!json_object_is_type(e, json_type_string)) {
                gdjs_err(x, "'type' must be a string or an array of strings");
                return -1;
            }
            out[n++] = json_object_get_string(e);
        }
    } else {
        gdjs_err(x, "'type' must be a string or a non-empty array of type names");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (!in_list(out[i], gdjs_type_names, GDJS_NELEM(gdjs_type_names))) {
            gdjs_err(x, "unknown type '%s'", out[i]);
            return -1;
        }
    }
    return n;
}

/* ---- references ------------------------------------------------------------------------------------ */

/* Resolve a local JSON pointer reference "#", "#/a/b" (with ~0 ~1 escapes). */
static json_object *resolve(gdjs_ctx *x, const char *ref)
{
    if (ref[0] != '#') {
        gdjs_err(x, "unsupported $ref '%s' (only local references starting with '#' are supported)", ref);
        return NULL;
    }
    json_object *cur = x->root;
    const char *p = ref + 1;
    if (*p == '\0')
        return cur;
    if (*p != '/') {
        gdjs_err(x, "unsupported $ref '%s' (anchors are not supported; use a JSON pointer like "
                    "'#/$defs/Name')", ref);
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
                gdjs_err(x, "$ref '%s' is too long", ref);
                return NULL;
            }
            seg[n++] = c;
        }
        seg[n] = '\0';
        json_object *next = NULL;
        if (json_object_is_type(cur, json_type_object)) {
            next = gdjs_get(cur, seg);
        } else if (json_object_is_type(cur, json_type_array)) {
            char *endp = NULL;
            unsigned long i = strtoul(seg, &endp, 10);
            if (n > 0 && endp && *endp == '\0' && i < json_object_array_length(cur))
                next = json_object_array_get_idx(cur, (size_t)i);
        }
        if (next == NULL) {
            gdjs_err(x, "$ref '%s' does not resolve", ref);
            return NULL;
        }
        cur = next;
    }
    return cur;
}

static gd_frag js_ref(gdjs_ctx *x, json_object *s)
{
    json_object *r = gdjs_get(s, "$ref");
    if (!json_object_is_type(r, json_type_string)) {
        gdjs_err(x, "'$ref' must be a string");
        return GDJS_BAD;
    }
    struct json_object_iterator it = json_object_iter_begin(s), end = json_object_iter_end(s);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *k = json_object_iter_peek_name(&it);
        if (strcmp(k, "$ref") != 0 && !is_annotation(k)) {
            gdjs_err(x, "'$ref' next to other keywords ('%s') is not supported", k);
            return GDJS_BAD;
        }
    }
    json_object *target = resolve(x, json_object_get_string(r));
    if (target == NULL)
        return GDJS_BAD;
    int open = 0;
    for (int i = 0; i < x->nrefs; i++)
        open += x->refs[i] == target;
    if (open >= x->ref_limit || x->nrefs >= GDJS_MAX_NEST) {
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
    gdjs_path_push(x, ref[1] == '/' ? ref + 2 : ref + 1);
    x->refs_used = 1;
    gd_frag f = gdjs_schema(x, target);
    memcpy(x->path, saved, sizeof saved);
    x->pathlen = old;
    x->nrefs--;
    return f;
}

/* ---- schemas --------------------------------------------------------------------------------------- */

static gd_frag js_anyof(gdjs_ctx *x, json_object *s, const char *kw)
{
    json_object *list = gdjs_get(s, kw);
    if (!json_object_is_type(list, json_type_array) || json_object_array_length(list) == 0) {
        gdjs_err(x, "'%s' must be a non-empty array of schemas", kw);
        return GDJS_BAD;
    }
    struct json_object_iterator it = json_object_iter_begin(s), end = json_object_iter_end(s);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *k = json_object_iter_peek_name(&it);
        if (strcmp(k, kw) != 0 && !is_annotation(k)) {
            gdjs_err(x, "'%s' next to other keywords ('%s') is not supported", kw, k);
            return GDJS_BAD;
        }
    }
    gd_frag f = GD_FRAG_NONE;
    for (size_t i = 0; i < json_object_array_length(list) && !x->err && !x->m->failed; i++) {
        size_t old = gdjs_path_push_idx(x, kw, i);
        f = gd_nfa_alt(x->m, f, gdjs_schema(x, json_object_array_get_idx(list, i)));
        gdjs_path_pop(x, old);
    }
    return (x->err || x->m->failed) ? GDJS_BAD : f;
}

static gd_frag js_type(gdjs_ctx *x, json_object *s, const char *t)
{
    if (strcmp(t, "null") == 0)
        return gd_nfa_str(x->m, "null");
    if (strcmp(t, "boolean") == 0)
        return gd_nfa_alt(x->m, gd_nfa_str(x->m, "true"), gd_nfa_str(x->m, "false"));
    if (strcmp(t, "integer") == 0)
        return gdjs_integer(x, s);
    if (strcmp(t, "number") == 0)
        return gdjs_number(x, s);
    if (strcmp(t, "string") == 0)
        return gdjs_string(x, s);
    if (strcmp(t, "array") == 0)
        return gdjs_array(x, s);
    return gdjs_object(x, s);
}

static gd_frag js_schema_obj(gdjs_ctx *x, json_object *s)
{
    struct json_object_iterator it = json_object_iter_begin(s), end = json_object_iter_end(s);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *k = json_object_iter_peek_name(&it);
        if (!in_list(k, supported, GDJS_NELEM(supported)) &&
            !in_list(k, annotations, GDJS_NELEM(annotations))) {
            gdjs_err(x, "unsupported JSON Schema keyword '%s'", k);
            return GDJS_BAD;
        }
        if (json_object_iter_peek_value(&it) == NULL && strcmp(k, "const") != 0 &&
            in_list(k, supported, GDJS_NELEM(supported))) {
            gdjs_err(x, "'%s' must not be null", k);
            return GDJS_BAD;
        }
    }
    if (gdjs_has(s, "$ref"))
        return js_ref(x, s);
    if (gdjs_has(s, "anyOf") && gdjs_has(s, "oneOf")) {
        gdjs_err(x, "'anyOf' together with 'oneOf' is not supported");
        return GDJS_BAD;
    }
    if (gdjs_has(s, "anyOf"))
        return js_anyof(x, s, "anyOf");
    if (gdjs_has(s, "oneOf"))
        return js_anyof(x, s, "oneOf");
    if (gdjs_has(s, "enum") || gdjs_has(s, "const"))
        return gdjs_enum(x, s);
    const char *types[GDJS_NELEM(gdjs_type_names)];
    int nt = gdjs_get_types(x, s, types);
    if (nt < 0)
        return GDJS_BAD;
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
        for (size_t i = 0; i < GDJS_NELEM(infer); i++) {
            if (!gdjs_has(s, infer[i].kw))
                continue;
            int dup = 0;
            for (int j = 0; j < nt; j++)
                dup |= strcmp(types[j], infer[i].type) == 0;
            if (!dup)
                types[nt++] = infer[i].type;
        }
        if (nt == 0)
            return gd_json_value_any(x->m, gdjs_depth_left(x));
    }
    gd_frag f = GD_FRAG_NONE;
    for (int i = 0; i < nt && !x->err && !x->m->failed; i++)
        f = gd_nfa_alt(x->m, f, js_type(x, s, types[i]));
    return (x->err || x->m->failed) ? GDJS_BAD : f;
}

gd_frag gdjs_schema(gdjs_ctx *x, json_object *s)
{
    if (x->err || x->m->failed)
        return GDJS_BAD;
    if (json_object_is_type(s, json_type_boolean))
        return json_object_get_boolean(s) ? gd_json_value_any(x->m, gdjs_depth_left(x)) : gd_nfa_fail(x->m);
    if (!json_object_is_type(s, json_type_object)) {
        gdjs_err(x, "a schema must be an object or a boolean");
        return GDJS_BAD;
    }
    if (++x->nest > GDJS_MAX_NEST) {
        gdjs_err(x, "the schema is nested too deeply");
        return GDJS_BAD;
    }
    gd_frag f = js_schema_obj(x, s);
    x->nest--;
    return (x->err || x->m->failed) ? GDJS_BAD : f;
}

gd_frag gd_json_schema_build(gd_nfa *m, const char *schema_json, int ref_depth, int *cut, char *msg,
                             size_t msgcap)
{
    gdjs_ctx x;
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
        return GDJS_BAD;
    }
    if (len >= (size_t)INT32_MAX) {
        json_tokener_free(tok);
        gdjs_err(&x, "the schema is too long");
        return GDJS_BAD;
    }
    /* the terminating NUL is passed too, so a bare literal ("true") is known to be complete */
    json_object *root = json_tokener_parse_ex(tok, schema_json, (int)len + 1);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (jerr == json_tokener_continue && root == NULL) {
        gdjs_err(&x, "invalid JSON in the schema: unexpected end of input");
        return GDJS_BAD;
    }
    if (jerr != json_tokener_success) {
        gdjs_err(&x, "invalid JSON in the schema: %s", json_tokener_error_desc(jerr));
        json_object_put(root);
        return GDJS_BAD;
    }
    while (used < len && strchr(" \t\r\n", schema_json[used]) != NULL)
        used++;
    if (used < len) {
        gdjs_err(&x, "invalid JSON in the schema: unexpected text after the schema");
        json_object_put(root);
        return GDJS_BAD;
    }
    if (root == NULL) { /* the JSON text "null" */
        gdjs_err(&x, "a schema must be an object or a boolean");
        return GDJS_BAD;
    }
    x.root = root;
    gd_frag f = gdjs_schema(&x, root);
    *cut = (x.cut ? 1 : 0) | (x.refs_used ? 2 : 0);
    json_object_put(root);
    return (x.err || m->failed) ? GDJS_BAD : f;
}

