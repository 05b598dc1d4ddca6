/*
 * JSON Schema containers.
 *
 * Arrays: "[" items "]" with "," and an optional space between items; prefixItems (or the
 * draft 4-7 array form of items) give the first items' schemas, items the rest (false: no
 * more). Each position up to max(minItems, prefix) -- or up to maxItems when it is set -- is
 * its own copy of the item automaton; past that one copy loops.
 *
 * Objects: properties in declared order. Two "lanes" of frontier states track whether a
 * property has been written yet (so the next one needs a leading comma or not); an optional
 * property can be skipped in either lane, a required one closes lane 0. Each value automaton
 * is built once and shared by both lanes. See json_schema.c for the additionalProperties
 * choices.
 */
#include "engine/text/guided/json_schema_internal.h"

#include <string.h>

/* ---- arrays ------------------------------------------------------------------------------------ */

/* The schema of array element i (NULL: any value). */
static json_object *item_schema(json_object *prefix, json_object *items, size_t i)
{
    if (prefix && i < json_object_array_length(prefix))
        return json_object_array_get_idx(prefix, i);
    return items;
}

static gd_frag js_item(gdjs_ctx *x, json_object *prefix, json_object *items, size_t i)
{
    json_object *sch = item_schema(prefix, items, i);
    int in_prefix = prefix && i < json_object_array_length(prefix);
    size_t old = in_prefix ? gdjs_path_push_idx(x, "prefixItems", i) : gdjs_path_push(x, "items");
    x->depth++;
    gd_frag f = sch ? gdjs_schema(x, sch) : gd_json_value_any(x->m, gdjs_depth_left(x));
    x->depth--;
    gdjs_path_pop(x, old);
    return f;
}

gd_frag gdjs_array(gdjs_ctx *x, json_object *s)
{
    gd_nfa *m = x->m;
    json_object *items = gdjs_get(s, "items");
    json_object *prefix = gdjs_get(s, "prefixItems");
    int64_t mn, mx;
    if (gdjs_get_count(x, s, "minItems", 0, &mn) || gdjs_get_count(x, s, "maxItems", -1, &mx))
        return GDJS_BAD;
    if (prefix && !json_object_is_type(prefix, json_type_array)) {
        gdjs_err(x, "'prefixItems' must be an array of schemas");
        return GDJS_BAD;
    }
    if (items && json_object_is_type(items, json_type_array)) {
        if (prefix) {
            gdjs_err(x, "'items' as an array together with 'prefixItems' is not supported");
            return GDJS_BAD;
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
        gdjs_err(x, "'items' must be a schema");
        return GDJS_BAD;
    }
    if (mx >= 0 && mn > mx)
        return gd_nfa_fail(m);
    if (mx > (int64_t)m->limit || mn > (int64_t)m->limit) {
        m->failed = GD_NFA_TOO_BIG;
        return GDJS_BAD;
    }
    int64_t n_ind = mx >= 0 ? mx : (mn > (int64_t)k ? mn : (int64_t)k);
    if (mx < 0 && n_ind < 1)
        n_ind = 1;
    gd_frag open = gd_nfa_str(m, "[");
    gd_frag close = gd_nfa_str(m, "]");
    if (!gd_frag_ok(open) || !gd_frag_ok(close))
        return GDJS_BAD;
    int32_t frontier = open.out;
    for (int64_t i = 0; i < n_ind && !m->failed && !x->err; i++) {
        gd_frag p = i == 0 ? gd_nfa_empty(m) : gd_nfa_cat(m, gd_nfa_str(m, ","), gd_json_ws(m));
        p = gd_nfa_cat(m, p, js_item(x, prefix, items, (size_t)i));
        if (!gd_frag_ok(p))
            return GDJS_BAD;
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
            return GDJS_BAD;
        int32_t sp = gd_nfa_add(m, GD_NS_SPLIT, 0, 0, close.in, p.in);
        gd_nfa_link(m, frontier, sp);
        gd_nfa_link(m, p.out, sp);
    }
    return (m->failed || x->err) ? GDJS_BAD : (gd_frag){open.in, close.out};
}

/* ---- objects ------------------------------------------------------------------------------------ */

static gd_frag key_literal(gdjs_ctx *x, const char *name)
{
    json_object *k = json_object_new_string(name);
    if (k == NULL) {
        x->m->failed = GD_NFA_NOMEM;
        return GDJS_BAD;
    }
    gd_frag f = gdjs_literal(x, k);
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
static void add_property(gdjs_ctx *x, lanes *ln, const char *name, json_object *sch, int required)
{
    gd_nfa *m = x->m;
    int32_t X = gd_nfa_add(m, GD_NS_EPS, 0, 0, -1, -1);
    x->depth++;
    gd_frag v = sch ? gdjs_schema(x, sch) : gd_json_value_any(m, gdjs_depth_left(x));
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
        gd_frag key = gd_nfa_cat(m, gd_nfa_cat(m, key_literal(x, name), gd_nfa_str(m, ":")), gd_json_ws(m));
        p = gd_nfa_cat(m, p, key);
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

gd_frag gdjs_object(gdjs_ctx *x, json_object *s)
{
    gd_nfa *m = x->m;
    json_object *props = gdjs_get(s, "properties");
    json_object *req = gdjs_get(s, "required");
    json_object *ap = gdjs_get(s, "additionalProperties");
    if (props && !json_object_is_type(props, json_type_object)) {
        gdjs_err(x, "'properties' must be an object");
        return GDJS_BAD;
    }
    if (req) {
        int ok = json_object_is_type(req, json_type_array);
        for (size_t i = 0; ok && i < json_object_array_length(req); i++)
            ok = json_object_is_type(json_object_array_get_idx(req, i), json_type_string);
        if (!ok) {
            gdjs_err(x, "'required' must be an array of strings");
            return GDJS_BAD;
        }
    }
    if (ap && !json_object_is_type(ap, json_type_boolean) && !json_object_is_type(ap, json_type_object)) {
        gdjs_err(x, "'additionalProperties' must be a boolean or a schema");
        return GDJS_BAD;
    }
    int ap_false = ap && json_object_is_type(ap, json_type_boolean) && !json_object_get_boolean(ap);
    int ap_schema = ap && json_object_is_type(ap, json_type_object);
    size_t nprops = props ? (size_t)json_object_object_length(props) : 0;
    size_t nreq = req ? json_object_array_length(req) : 0;
    if (nprops == 0 && nreq == 0) {
        if (ap_false)
            return gd_nfa_str(m, "{}");
        if (!ap_schema)
            return gd_json_object_any(m, gdjs_depth_left(x) > 0 ? gdjs_depth_left(x) : 1);
        /* a map: free keys, values of the additionalProperties schema */
        size_t old = gdjs_path_push(x, "additionalProperties");
        gd_frag member = gd_nfa_cat(m, gd_json_string_any(m, 0, -1), gd_nfa_str(m, ":"));
        member = gd_nfa_cat(m, member, gd_json_ws(m));
        x->depth++;
        member = gd_nfa_cat(m, member, gdjs_schema(x, ap));
        x->depth--;
        gdjs_path_pop(x, old);
        return gd_json_container(m, "{", "}", member);
    }
    gd_frag open = gd_nfa_str(m, "{");
    gd_frag close = gd_nfa_str(m, "}");
    if (!gd_frag_ok(open) || !gd_frag_ok(close))
        return GDJS_BAD;
    lanes ln = {open.out, -1};
    if (props) {
        struct json_object_iterator it = json_object_iter_begin(props), end = json_object_iter_end(props);
        for (; !json_object_iter_equal(&it, &end) && !x->err && !m->failed; json_object_iter_next(&it)) {
            const char *name = json_object_iter_peek_name(&it);
            size_t old = gdjs_path_push(x, "properties");
            size_t old2 = gdjs_path_push(x, name);
            add_property(x, &ln, name, json_object_iter_peek_value(&it), required_has(req, name));
            gdjs_path_pop(x, old2);
            gdjs_path_pop(x, old);
        }
    }
    for (size_t i = 0; i < nreq && !x->err && !m->failed; i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(req, i));
        if (props && gdjs_has(props, name))
            continue;
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = strcmp(json_object_get_string(json_object_array_get_idx(req, j)), name) == 0;
        if (dup)
            continue;
        if (ap_false)
            return gd_nfa_fail(m); /* a required property that may not exist */
        size_t old = gdjs_path_push(x, "additionalProperties");
        add_property(x, &ln, name, ap_schema ? ap : NULL, 1);
        gdjs_path_pop(x, old);
    }
    if (x->err || m->failed)
        return GDJS_BAD;
    gd_nfa_link(m, ln.l0, close.in);
    gd_nfa_link(m, ln.l1, close.in);
    return m->failed ? GDJS_BAD : (gd_frag){open.in, close.out};
}

