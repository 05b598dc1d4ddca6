/* Parameter structs <-> JSON (json-c), driven by the descriptors. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "params/param_internal.h"
#include "util/err.h"

#define FIELD(s, d, type) ((type *)(void *)((char *)(s) + (d)->offset))
#define CFIELD(s, d, type) ((const type *)(const void *)((const char *)(s) + (d)->offset))

json_object *ga_json_double(double x)
{
    char buf[32];
    if (x == 0)
        x = 0; /* -0 is written as 0: "-0" would read back as the integer 0, a different double */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    if (!isfinite(x))
        return json_object_new_double(x);
    /* Keep it a JSON number that reads back as a double: 1 -> "1.0" is not needed by JSON. */
    return json_object_new_double_s(x, buf);
}

static json_object *intlist_json(const genapi_intlist *l)
{
    json_object *a = json_object_new_array_ext((int)l->count);
    for (size_t i = 0; a && i < l->count; i++)
        json_object_array_add(a, json_object_new_int64(l->items[i]));
    return a;
}

static json_object *parse_json_text(const char *text) { return ga_json_parse(text, strlen(text)); }

static json_object *value_json(const genapi_param_desc *d, const void *s)
{
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_STRING:
        return json_object_new_string(*CFIELD(s, d, char *));
    case GENAPI_PK_DOUBLE:
        return ga_json_double(*CFIELD(s, d, double));
    case GENAPI_PK_INT:
        return json_object_new_int64(*CFIELD(s, d, int64_t));
    case GENAPI_PK_BOOL:
        return json_object_new_boolean(*CFIELD(s, d, int32_t) != 0);
    case GENAPI_PK_ENUM: {
        char buf[64];
        const char *c = ga_param_choice(d, *CFIELD(s, d, int32_t), buf, sizeof buf);
        if (c == NULL)
            return NULL;
        if (strcmp(c, "true") == 0 || strcmp(c, "false") == 0)
            return json_object_new_boolean(c[0] == 't');
        return json_object_new_string(c);
    }
    case GENAPI_PK_JSON:
        return parse_json_text(*CFIELD(s, d, char *));
    case GENAPI_PK_STRLIST: {
        const genapi_strlist *l = CFIELD(s, d, genapi_strlist);
        json_object *a = json_object_new_array_ext((int)l->count);
        for (size_t i = 0; a && i < l->count; i++)
            json_object_array_add(a, json_object_new_string(l->items[i]));
        return a;
    }
    case GENAPI_PK_INTLIST:
    case GENAPI_PK_SAMPLERS:
        return intlist_json(CFIELD(s, d, genapi_intlist));
    case GENAPI_PK_INTLISTS: {
        const genapi_intlists *l = CFIELD(s, d, genapi_intlists);
        json_object *a = json_object_new_array_ext((int)l->count);
        for (size_t i = 0; a && i < l->count; i++)
            json_object_array_add(a, intlist_json(&l->items[i]));
        return a;
    }
    case GENAPI_PK_BIAS: {
        const genapi_token_biases *l = CFIELD(s, d, genapi_token_biases);
        json_object *o = json_object_new_object();
        for (size_t i = 0; o && i < l->count; i++) {
            char key[32];
            snprintf(key, sizeof key, "%lld", (long long)l->items[i].token);
            json_object_object_add(o, key, ga_json_double(l->items[i].bias));
        }
        return o;
    }
    case GENAPI_PK_BANRANGES: {
        const genapi_token_ban_ranges *l = CFIELD(s, d, genapi_token_ban_ranges);
        json_object *a = json_object_new_array_ext((int)l->count);
        for (size_t i = 0; a && i < l->count; i++) {
            json_object *t = json_object_new_array_ext(3);
            json_object_array_add(t, intlist_json(&l->items[i].tokens));
            json_object_array_add(t, json_object_new_int64(l->items[i].start));
            json_object_array_add(t, json_object_new_int64(l->items[i].length));
            json_object_array_add(a, t);
        }
        return a;
    }
    }
    return NULL;
}

genapi_status ga_params_to_object(const ga_param_table *t, const void *s, json_object *obj, genapi_error *err)
{
    for (size_t i = 0; i < t->count; i++) {
        if (!ga_param_is_set(t, s, i))
            continue;
        const genapi_param_desc *d = &t->descs[i];
        json_object *v = value_json(d, s);
        if (v == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s could not be serialized.", d->json_name);
        json_object_object_add(obj, d->json_name, v);
    }
    return GENAPI_OK;
}

genapi_status ga_params_to_json(const ga_param_table *t, const void *s, char **json_out, genapi_error *err)
{
    if (json_out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "json_out is NULL");
    *json_out = NULL;
    genapi_status st = ga_params_validate(t, s, err);
    if (st != GENAPI_OK)
        return st;
    ga_alloc a;
    if (ga_alloc_resolve(&a, *(const genapi_allocator *const *)(const void *)((const char *)s + t->allocator_offset)) != 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "allocator hooks are only partly set");
    json_object *obj = json_object_new_object();
    if (obj == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    st = ga_params_to_object(t, s, obj, err);
    if (st == GENAPI_OK) {
        size_t len;
        const char *txt = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &len);
        *json_out = txt ? ga_strndup(&a, txt, len) : NULL;
        if (*json_out == NULL)
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    json_object_put(obj);
    return st;
}

/* ---- JSON -> struct ---------------------------------------------------------------------- */

/* A JSON string as a C string (through the typed reader's text rule): refused when it holds a
 * NUL, which C strings cannot carry. */
static const char *c_string(const genapi_param_desc *d, json_object *v, ga_arena *ar, genapi_error *err)
{
    size_t len = (size_t)json_object_get_string_len(v);
    const char *s = json_object_get_string(v);
    if (memchr(s, '\0', len) != NULL) {
        ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must not contain NUL (\\u0000) characters.", d->json_name);
        return NULL;
    }
    char *c = ga_utf8_dup(ar, s, len, NULL); /* invalid UTF-8 becomes U+FFFD, as in results */
    if (c == NULL)
        ga_err(err, GENAPI_E_NOMEM, d->json_name, "out of memory");
    return c;
}

static genapi_status type_error(const genapi_param_desc *d, genapi_error *err, const char *want)
{
    return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must be %s.", d->json_name, want);
}

static genapi_status parse_intlist(const genapi_param_desc *d, json_object *v, genapi_intlist *out, ga_arena *ar,
                                   genapi_error *err, int samplers)
{
    if (!json_object_is_type(v, json_type_array))
        return type_error(d, err, samplers ? "an array of sampler ids or names" : "an array of integers");
    size_t n = json_object_array_length(v);
    int64_t *items = ga_arena_alloc(ar, (n ? n : 1) * sizeof *items);
    if (items == NULL)
        return ga_err(err, GENAPI_E_NOMEM, d->json_name, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(v, i);
        if (samplers && json_object_is_type(e, json_type_string)) {
            items[i] = genapi_sampler_id(json_object_get_string(e));
            if (items[i] < 0)
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s: unknown sampler name '%s'.", d->json_name,
                              json_object_get_string(e));
        } else if (!ga_json_int64(e, &items[i])) {
            return type_error(d, err, samplers ? "an array of sampler ids or names" : "an array of integers");
        }
    }
    out->items = items;
    out->count = n;
    return GENAPI_OK;
}

static genapi_status parse_strlist(const genapi_param_desc *d, json_object *v, genapi_strlist *out, ga_arena *ar,
                                   genapi_error *err)
{
    if (json_object_is_type(v, json_type_string)) {
        const char **items = ga_arena_alloc(ar, sizeof *items);
        if (items == NULL)
            return ga_err(err, GENAPI_E_NOMEM, d->json_name, "out of memory");
        if ((items[0] = c_string(d, v, ar, err)) == NULL)
            return err ? (genapi_status)err->status : GENAPI_E_INVALID_ARG;
        out->items = items;
        out->count = 1;
        return GENAPI_OK;
    }
    if (!json_object_is_type(v, json_type_array))
        return type_error(d, err, "a string or an array of strings");
    size_t n = json_object_array_length(v);
    const char **items = ga_arena_alloc(ar, (n ? n : 1) * sizeof *items);
    if (items == NULL)
        return ga_err(err, GENAPI_E_NOMEM, d->json_name, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(v, i);
        if (!json_object_is_type(e, json_type_string))
            return type_error(d, err, "an array of strings");
        if ((items[i] = c_string(d, e, ar, err)) == NULL)
            return err ? (genapi_status)err->status : GENAPI_E_INVALID_ARG;
    }
    out->items = items;
    out->count = n;
    return GENAPI_OK;
}

genapi_status ga_param_from_json(const genapi_param_desc *d, void *s, json_object *v, ga_arena *ar, genapi_error *err)
{
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_STRING: {
        if (!json_object_is_type(v, json_type_string))
            return type_error(d, err, "a string");
        const char *c = c_string(d, v, ar, err);
        if (c == NULL)
            return err ? (genapi_status)err->status : GENAPI_E_INVALID_ARG;
        *FIELD(s, d, const char *) = c;
        return GENAPI_OK;
    }
    case GENAPI_PK_DOUBLE:
        if (!ga_json_number(v, FIELD(s, d, double)))
            return type_error(d, err, "a number");
        return GENAPI_OK;
    case GENAPI_PK_INT:
        if (!ga_json_int64(v, FIELD(s, d, int64_t)))
            return type_error(d, err, "an integer");
        return GENAPI_OK;
    case GENAPI_PK_BOOL:
        if (!json_object_is_type(v, json_type_boolean))
            return type_error(d, err, "a boolean");
        *FIELD(s, d, int32_t) = json_object_get_boolean(v) ? 1 : 0;
        return GENAPI_OK;
    case GENAPI_PK_ENUM: {
        int32_t idx = -1;
        if (json_object_is_type(v, json_type_boolean))
            idx = ga_param_choice_index(d, json_object_get_boolean(v) ? "true" : "false", json_object_get_boolean(v) ? 4 : 5);
        else if (json_object_is_type(v, json_type_string))
            idx = ga_param_choice_index(d, json_object_get_string(v), (size_t)json_object_get_string_len(v));
        if (idx < 0)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must be one of %s.", d->json_name, d->choices);
        *FIELD(s, d, int32_t) = idx;
        return GENAPI_OK;
    }
    case GENAPI_PK_JSON: {
        size_t len;
        const char *txt = json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN, &len);
        char *c = txt ? ga_arena_strndup(ar, txt, len) : NULL;
        if (c == NULL)
            return ga_err(err, GENAPI_E_NOMEM, d->json_name, "out of memory");
        *FIELD(s, d, const char *) = c;
        return GENAPI_OK;
    }
    case GENAPI_PK_STRLIST:
        return parse_strlist(d, v, FIELD(s, d, genapi_strlist), ar, err);
    case GENAPI_PK_INTLIST:
        return parse_intlist(d, v, FIELD(s, d, genapi_intlist), ar, err, 0);
    case GENAPI_PK_SAMPLERS:
        return parse_intlist(d, v, FIELD(s, d, genapi_intlist), ar, err, 1);
    case GENAPI_PK_INTLISTS: {
        if (!json_object_is_type(v, json_type_array))
            return type_error(d, err, "an array of integer arrays");
        size_t n = json_object_array_length(v);
        genapi_intlist *items = ga_arena_alloc(ar, (n ? n : 1) * sizeof *items);
        if (items == NULL)
            return ga_err(err, GENAPI_E_NOMEM, d->json_name, "out of memory");
        for (size_t i = 0; i < n; i++) {
            genapi_status st = parse_intlist(d, json_object_array_get_idx(v, i), &items[i], ar, err, 0);
            if (st != GENAPI_OK)
                return st;
        }
        FIELD(s, d, genapi_intlists)->items = items;
        FIELD(s, d, genapi_intlists)->count = n;
        return GENAPI_OK;
    }
    case GENAPI_PK_BIAS: {
        if (!json_object_is_type(v, json_type_object))
            return type_error(d, err, "an object mapping token ids to numbers");
        size_t n = (size_t)json_object_object_length(v), i = 0;
        genapi_token_bias *items = ga_arena_alloc(ar, (n ? n : 1) * sizeof *items);
        if (items == NULL)
            return ga_err(err, GENAPI_E_NOMEM, d->json_name, "out of memory");
        json_object_object_foreach(v, key, val)
        {
            char *end;
            long long id = strtoll(key, &end, 10);
            if (end == key || *end != '\0')
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s keys must be token ids, got '%s'.",
                              d->json_name, key);
            if (!ga_json_number(val, &items[i].bias))
                return type_error(d, err, "an object mapping token ids to numbers");
            items[i].token = id;
            i++;
        }
        FIELD(s, d, genapi_token_biases)->items = items;
        FIELD(s, d, genapi_token_biases)->count = n;
        return GENAPI_OK;
    }
    case GENAPI_PK_BANRANGES: {
        if (!json_object_is_type(v, json_type_array))
            return type_error(d, err, "an array of [tokens, start, length]");
        size_t n = json_object_array_length(v);
        genapi_token_ban_range *items = ga_arena_alloc(ar, (n ? n : 1) * sizeof *items);
        if (items == NULL)
            return ga_err(err, GENAPI_E_NOMEM, d->json_name, "out of memory");
        for (size_t i = 0; i < n; i++) {
            json_object *t = json_object_array_get_idx(v, i);
            if (!json_object_is_type(t, json_type_array) || json_object_array_length(t) != 3 ||
                !ga_json_int64(json_object_array_get_idx(t, 1), &items[i].start) ||
                !ga_json_int64(json_object_array_get_idx(t, 2), &items[i].length))
                return type_error(d, err, "an array of [tokens, start, length]");
            genapi_status st = parse_intlist(d, json_object_array_get_idx(t, 0), &items[i].tokens, ar, err, 0);
            if (st != GENAPI_OK)
                return st;
        }
        FIELD(s, d, genapi_token_ban_ranges)->items = items;
        FIELD(s, d, genapi_token_ban_ranges)->count = n;
        return GENAPI_OK;
    }
    }
    return ga_err(err, GENAPI_E_INTERNAL, d->json_name, "unknown parameter kind");
}

genapi_status ga_params_from_object(const ga_param_table *t, void *s, json_object *root, genapi_error *err)
{
    if (!json_object_is_type(root, json_type_object))
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "request body must be a JSON object");
    ga_arena *ar = ga_params_arena(t, s);
    if (ar == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < t->count; i++) {
        const genapi_param_desc *d = &t->descs[i];
        json_object *v;
        if (!json_object_object_get_ex(root, d->json_name, &v) || v == NULL)
            continue; /* missing or null: the server default applies */
        genapi_status st = ga_param_from_json(d, s, v, ar, err);
        if (st != GENAPI_OK)
            return st;
        ga_param_mark(t, s, i, 1);
    }
    return GENAPI_OK;
}

genapi_status ga_text_params_from_object(genapi_text_params *params, json_object *root, genapi_error *err)
{
    return ga_params_from_object(&ga_text_table, params, root, err);
}

genapi_status ga_params_from_json(const ga_param_table *t, void *s, const char *json, genapi_error *err)
{
    if (s == NULL || *(const uint32_t *)s != (uint32_t)t->struct_size || json == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "params or json is NULL");
    json_object *root = ga_json_parse(json, strlen(json));
    if (root == NULL)
        return ga_err(err, GENAPI_E_PARSE, NULL, "request body is not valid JSON");
    genapi_status st = ga_params_from_object(t, s, root, err);
    json_object_put(root);
    return st;
}

genapi_status ga_params_set_text(const ga_param_table *t, void *s, const char *name, const char *value,
                                 genapi_error *err)
{
    if (s == NULL || *(const uint32_t *)s != (uint32_t)t->struct_size || name == NULL || value == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, name, "params, name or value is NULL");
    const genapi_param_desc *d = ga_param_find(t, name);
    if (d == NULL) {
        const char *near = ga_param_suggest(t, name);
        return ga_err(err, GENAPI_E_INVALID_ARG, name, "unknown %s parameter '%s'%s%s%s", t->kind, name,
                      near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    ga_arena *ar = ga_params_arena(t, s);
    if (ar == NULL)
        return ga_err(err, GENAPI_E_NOMEM, name, "out of memory");
    json_object *v = NULL;
    genapi_param_kind k = (genapi_param_kind)d->kind;
    if (k == GENAPI_PK_STRING || (k == GENAPI_PK_ENUM && strcmp(value, "true") && strcmp(value, "false"))) {
        v = json_object_new_string(value);
    } else if (k == GENAPI_PK_JSON) {
        v = json_object_new_string(value); /* stored verbatim below */
    } else {
        v = parse_json_text(value);
        if (v == NULL && k == GENAPI_PK_STRLIST)
            v = json_object_new_string(value); /* a single bare string */
        if (v == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, name, "%s: cannot parse '%s' as a value of this parameter.",
                          name, value);
    }
    genapi_status st;
    if (k == GENAPI_PK_JSON) {
        char *c = ga_arena_strdup(ar, value);
        st = c ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, name, "out of memory");
        if (c)
            *FIELD(s, d, const char *) = c;
    } else {
        st = ga_param_from_json(d, s, v, ar, err);
    }
    json_object_put(v);
    if (st == GENAPI_OK)
        ga_param_mark(t, s, d->index, 1);
    return st;
}
