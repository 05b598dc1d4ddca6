/*
 * guided_json / json_object: property tests. For many schemas and seeds the constraint is
 * driven by seeded random choices among the allowed tokens until EOS; the output must parse
 * with json-c (the whole text, nothing after it) and pass an independent validator written
 * here (type, properties, required, additionalProperties, enum, const, min/maxLength,
 * pattern as a full POSIX regex match, items, prefixItems, min/maxItems, anyOf, oneOf as "exactly
 * one", $ref, minimum/maximum/exclusive*). Also: the output is well-formed UTF-8 with the
 * documented whitespace, unsupported keywords and invalid schemas are errors naming the
 * keyword, unsatisfiable schemas are reported.
 *
 * The synthetic vocabulary and the random driver come from tests/support/guided_testing.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/text/guided/guided.h"
#include "failing_alloc.h"
#include "guided_testing.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- independent validator ------------------------------------------------------------------- */

static json_object *jget(json_object *o, const char *k)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static int jhas(json_object *o, const char *k)
{
    return json_object_object_get_ex(o, k, NULL);
}

static json_object *resolve_ref(json_object *root, const char *ref)
{
    if (strcmp(ref, "#") == 0)
        return root;
    assert_true(strncmp(ref, "#/", 2) == 0);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", ref + 2);
    json_object *cur = root;
    for (char *save = NULL, *seg = strtok_r(buf, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        cur = jget(cur, seg);
        assert_non_null(cur);
    }
    return cur;
}

static size_t cp_count(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0u) != 0x80u;
    return k;
}

static int type_ok(json_object *v, const char *t)
{
    enum json_type jt = json_object_get_type(v);
    if (!strcmp(t, "null"))
        return jt == json_type_null;
    if (!strcmp(t, "boolean"))
        return jt == json_type_boolean;
    if (!strcmp(t, "string"))
        return jt == json_type_string;
    if (!strcmp(t, "object"))
        return jt == json_type_object;
    if (!strcmp(t, "array"))
        return jt == json_type_array;
    if (!strcmp(t, "number"))
        return jt == json_type_int || jt == json_type_double;
    if (!strcmp(t, "integer"))
        return jt == json_type_int ||
               (jt == json_type_double && json_object_get_double(v) == floor(json_object_get_double(v)));
    fail_msg("unknown type %s", t);
    return 0;
}

static int valid(json_object *root, json_object *s, json_object *v);

static int valid_all(json_object *root, json_object *s, json_object *v)
{
    if (json_object_is_type(s, json_type_boolean))
        return json_object_get_boolean(s);
    json_object *k;
    if ((k = jget(s, "$ref")))
        return valid(root, resolve_ref(root, json_object_get_string(k)), v);
    if ((k = jget(s, "anyOf"))) {
        for (size_t i = 0; i < json_object_array_length(k); i++)
            if (valid(root, json_object_array_get_idx(k, i), v))
                return 1;
        return 0;
    }
    if ((k = jget(s, "oneOf"))) {
        int n = 0;
        for (size_t i = 0; i < json_object_array_length(k); i++)
            n += valid(root, json_object_array_get_idx(k, i), v);
        return n == 1;
    }
    if (jhas(s, "const") && !json_object_equal(jget(s, "const"), v))
        return 0;
    if ((k = jget(s, "enum"))) {
        int found = 0;
        for (size_t i = 0; i < json_object_array_length(k); i++)
            found |= json_object_equal(json_object_array_get_idx(k, i), v);
        if (!found)
            return 0;
    }
    if ((k = jget(s, "type"))) {
        int ok = 0;
        if (json_object_is_type(k, json_type_string))
            ok = type_ok(v, json_object_get_string(k));
        else
            for (size_t i = 0; i < json_object_array_length(k); i++)
                ok |= type_ok(v, json_object_get_string(json_object_array_get_idx(k, i)));
        if (!ok)
            return 0;
    }
    enum json_type jt = json_object_get_type(v);
    if (jt == json_type_string) {
        const char *str = json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v), cps = cp_count(str, n);
        if ((k = jget(s, "minLength")) && cps < (size_t)json_object_get_int64(k))
            return 0;
        if ((k = jget(s, "maxLength")) && cps > (size_t)json_object_get_int64(k))
            return 0;
        if ((k = jget(s, "pattern"))) {
            /* JSON Schema only asks for a match somewhere in the string; the documented
             * behaviour (as outlines / xgrammar / llama.cpp) is that the whole string matches,
             * which implies it, so the stronger full match is checked */
            char anchored[512];
            snprintf(anchored, sizeof anchored, "^(%s)$", json_object_get_string(k));
            regex_t re;
            assert_int_equal(regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB), 0);
            int m = regexec(&re, str, 0, NULL, 0) == 0;
            regfree(&re);
            if (!m)
                return 0;
        }
    }
    if (jt == json_type_int || jt == json_type_double) {
        double d = json_object_get_double(v);
        json_object *ex;
        if ((k = jget(s, "minimum")) && d < json_object_get_double(k))
            return 0;
        if ((k = jget(s, "maximum")) && d > json_object_get_double(k))
            return 0;
        if ((ex = jget(s, "exclusiveMinimum"))) {
            if (json_object_is_type(ex, json_type_boolean)) { /* draft 4 */
                if (json_object_get_boolean(ex) && d <= json_object_get_double(jget(s, "minimum")))
                    return 0;
            } else if (d <= json_object_get_double(ex)) {
                return 0;
            }
        }
        if ((ex = jget(s, "exclusiveMaximum"))) {
            if (json_object_is_type(ex, json_type_boolean)) {
                if (json_object_get_boolean(ex) && d >= json_object_get_double(jget(s, "maximum")))
                    return 0;
            } else if (d >= json_object_get_double(ex)) {
                return 0;
            }
        }
    }
    if (jt == json_type_object) {
        json_object *props = jget(s, "properties"), *ap = jget(s, "additionalProperties");
        if ((k = jget(s, "required")))
            for (size_t i = 0; i < json_object_array_length(k); i++)
                if (!jhas(v, json_object_get_string(json_object_array_get_idx(k, i))))
                    return 0;
        json_object_object_foreach(v, key, val)
        {
            json_object *ps = props ? jget(props, key) : NULL;
            if (props && jhas(props, key)) {
                if (!valid(root, ps, val))
                    return 0;
            } else if (ap && !valid(root, ap, val)) {
                return 0;
            }
        }
    }
    if (jt == json_type_array) {
        size_t n = json_object_array_length(v);
        json_object *pre = jget(s, "prefixItems"), *items = jget(s, "items");
        if (items && json_object_is_type(items, json_type_array)) { /* draft 4-7 tuple */
            pre = items;
            items = NULL;
        }
        size_t npre = pre ? json_object_array_length(pre) : 0;
        if ((k = jget(s, "minItems")) && n < (size_t)json_object_get_int64(k))
            return 0;
        if ((k = jget(s, "maxItems")) && n > (size_t)json_object_get_int64(k))
            return 0;
        for (size_t i = 0; i < n; i++) {
            json_object *e = json_object_array_get_idx(v, i);
            if (i < npre) {
                if (!valid(root, json_object_array_get_idx(pre, i), e))
                    return 0;
            } else if (items && !valid(root, items, e)) {
                return 0;
            }
        }
    }
    return 1;
}

static int valid(json_object *root, json_object *s, json_object *v)
{
    return valid_all(root, s, v);
}

/* Well-formed UTF-8 (independent decoder): 1 if ok. */
static int utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > n)
            return 0;
        unsigned long cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        for (size_t j = 1; j < len; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        static const unsigned long minv[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < minv[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* Outside strings, a space only ever follows ':' or ','; no other whitespace. */
static int layout_ok(const char *s, size_t n)
{
    int in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"')
            in_str = 1;
        else if (c == ' ' && (i == 0 || (s[i - 1] != ':' && s[i - 1] != ',')))
            return 0;
        else if (c == '\n' || c == '\t' || c == '\r')
            return 0;
    }
    return 1;
}

/* Parse the whole text (s is NUL-terminated, n bytes); 1 if it is one JSON value. */
static int parse_all(const char *s, size_t n, json_object **out)
{
    json_tokener *tok = json_tokener_new();
    json_object *o = json_tokener_parse_ex(tok, s, (int)n + 1);
    int ok = json_tokener_get_error(tok) == json_tokener_success && json_tokener_get_parse_end(tok) == n;
    json_tokener_free(tok);
    if (!ok) {
        json_object_put(o);
        o = NULL;
    }
    *out = o;
    return ok;
}

/* ---- property tests ---------------------------------------------------------------------------- */

static const char *const schemas[] = {
    /* 0: a typical object */
    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8},"
    "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":150},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":[\"a\",\"b\",\"c\"]},\"maxItems\":3},"
    "\"ok\":{\"type\":\"boolean\"}},\"required\":[\"name\",\"age\"],\"additionalProperties\":false}",
    /* 1: type array with lengths */
    "{\"type\":[\"string\",\"null\"],\"minLength\":2,\"maxLength\":4}",
    /* 2: anyOf of ranges, booleans, a const object */
    "{\"anyOf\":[{\"type\":\"integer\",\"minimum\":10,\"maximum\":20},{\"type\":\"boolean\"},"
    "{\"const\":{\"x\":[1,2]}}]}",
    /* 3: oneOf with disjoint branches */
    "{\"oneOf\":[{\"type\":\"string\",\"pattern\":\"^[a-c]{2}$\"},"
    "{\"type\":\"number\",\"exclusiveMinimum\":0,\"maximum\":5}]}",
    /* 4: recursive $ref through $defs */
    "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},"
    "\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"},\"maxItems\":2}},\"required\":[\"v\"]}},"
    "\"$ref\":\"#/$defs/node\"}",
    /* 5: definitions + prefixItems */
    "{\"definitions\":{\"p\":{\"type\":\"string\",\"pattern\":\"x+y\"}},\"type\":\"array\","
    "\"prefixItems\":[{\"$ref\":\"#/definitions/p\"},{\"type\":\"boolean\"}],\"items\":{\"type\":\"null\"},"
    "\"minItems\":1,\"maxItems\":4}",
    /* 6: number bounds */
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\",\"minimum\":-3,\"maximum\":7},"
    "\"b\":{\"type\":\"number\",\"exclusiveMinimum\":-2,\"exclusiveMaximum\":0},"
    "\"c\":{\"type\":\"integer\",\"exclusiveMinimum\":-1000,\"maximum\":-5},"
    "\"d\":{\"type\":\"integer\",\"minimum\":95,\"maximum\":12345}},\"required\":[\"a\",\"b\",\"c\",\"d\"]}",
    /* 7: enum of mixed values */
    "{\"enum\":[\"red\",1,null,true,{\"k\":\"v\"},[1,\"x\"],\"q\\\"uote\"]}",
    /* 8: nested objects without "type", optional properties, any value */
    "{\"properties\":{\"x\":{\"properties\":{\"y\":{\"type\":\"boolean\"}}},\"z\":{}},\"title\":\"T\"}",
    /* 9: any object */
    "{\"type\":\"object\"}",
    /* 10: map */
    "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":9}}",
    /* 11: pattern with lengths */
    "{\"type\":\"string\",\"pattern\":\"^[a-z]+[0-9]*$\",\"minLength\":3,\"maxLength\":6}",
    /* 12: unanchored pattern with a non-ASCII character */
    "{\"type\":\"string\",\"pattern\":\"\xc3\xa9+\",\"maxLength\":5}",
    /* 13: required name that is not among the properties */
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"null\"}},\"required\":[\"b\"]}",
    /* 14: true schema and annotations */
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"x\",\"description\":\"d\","
    "\"default\":1,\"examples\":[1],\"$comment\":\"c\"}",
    /* 15: array of objects with minItems, and a const string */
    "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"kind\":{\"const\":\"k\"}},\"required\":[\"id\",\"kind\"]},\"minItems\":2,\"maxItems\":3}",
    /* 16: the benchmark schema */
    "{\"$defs\":{\"addr\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":20},"
    "\"zip\":{\"type\":\"string\",\"pattern\":\"^[0-9]{5}$\"}},\"required\":[\"city\",\"zip\"]}},"
    "\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":40},"
    "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":130},"
    "\"role\":{\"enum\":[\"admin\",\"user\",\"guest\"]},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":12},\"maxItems\":5},"
    "\"address\":{\"$ref\":\"#/$defs/addr\"},\"score\":{\"type\":\"number\"},\"active\":{\"type\":\"boolean\"}},"
    "\"required\":[\"name\",\"age\",\"role\",\"tags\",\"address\"],\"additionalProperties\":false}",
    /* 17: boolean schema */
    "true",
    /* 18: recursion through "#" with an anyOf base case */
    "{\"type\":\"object\",\"properties\":{\"next\":{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"null\"}]}},"
    "\"required\":[\"next\"]}",
    /* 19: const null, nullable enum, draft-4 exclusive bound, tuple "items" */
    "{\"properties\":{\"x\":{\"const\":null},\"y\":{\"enum\":[null,\"s\"]},"
    "\"z\":{\"type\":\"integer\",\"minimum\":3,\"exclusiveMinimum\":true,\"maximum\":6},"
    "\"t\":{\"type\":\"array\",\"items\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"maxItems\":2}},"
    "\"required\":[\"x\",\"y\",\"z\",\"t\"]}",
};

static void check_output(json_object *schema, const char *s, size_t n, const char *what, int seed)
{
    if (!utf8_ok((const unsigned char *)s, n))
        fail_msg("%s seed %d: invalid UTF-8 in '%s'", what, seed, s);
    if (!layout_ok(s, n))
        fail_msg("%s seed %d: unexpected whitespace in '%s'", what, seed, s);
    json_object *o;
    if (!parse_all(s, n, &o))
        fail_msg("%s seed %d: output does not parse as JSON: '%s'", what, seed, s);
    if (schema && !valid(schema, schema, o))
        fail_msg("%s seed %d: output does not validate: '%s'", what, seed, s);
    json_object_put(o);
}

static void test_outputs_validate(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    for (size_t i = 0; i < NELEM(schemas); i++) {
        genapi_error err;
        gd_constraint *c = gd_compile_json_schema(NULL, &tv.v, schemas[i], "guided_json", &err);
        if (c == NULL)
            fail_msg("schema %zu: %s", i, err.message);
        json_object *schema = json_tokener_parse(schemas[i]);
        assert_non_null(schema);
        for (int seed = 1; seed <= 40; seed++) {
            size_t n;
            char *s = gdt_drive(c, &tv.v, (uint64_t)(seed * 31 + (int)i), (size_t)(seed % 50), &n);
            char what[32];
            snprintf(what, sizeof what, "schema %zu", i);
            check_output(schema, s, n, what, seed);
            free(s);
        }
        json_object_put(schema);
        gd_free(c);
    }
}

static void test_json_object_mode(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    genapi_error err;
    gd_constraint *c = gd_compile_json_object(NULL, &tv.v, "response_format", &err);
    assert_non_null(c);
    assert_int_equal(gd_min_remaining(c), 2); /* {} */
    for (int seed = 1; seed <= 60; seed++) {
        size_t n;
        char *s = gdt_drive(c, &tv.v, (uint64_t)seed, (size_t)(seed % 80), &n);
        check_output(NULL, s, n, "json_object", seed);
        json_object *o;
        assert_true(parse_all(s, n, &o));
        assert_true(json_object_is_type(o, json_type_object));
        json_object_put(o);
        free(s);
    }
    gd_free(c);
}

static void test_optional_properties_and_order(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    const char *schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"boolean\"},"
                         "\"c\":{\"type\":\"null\"}},\"required\":[\"b\"]}";
    genapi_error err;
    gd_constraint *c = gd_compile_json_schema(NULL, &tv.v, schema, "guided_json", &err);
    assert_non_null(c);
    assert_int_equal(gd_min_remaining(c), strlen("{\"b\":true}"));
    int with_a = 0, without_a = 0, with_c = 0;
    for (int seed = 1; seed <= 200; seed++) {
        size_t n;
        char *s = gdt_drive(c, &tv.v, (uint64_t)seed, (size_t)(seed % 40), &n);
        json_object *o;
        assert_true(parse_all(s, n, &o));
        json_object_object_foreach(o, key, val)
        {
            (void)val;
            assert_true(!strcmp(key, "a") || !strcmp(key, "b") || !strcmp(key, "c"));
        }
        with_a += jhas(o, "a");
        without_a += !jhas(o, "a");
        with_c += jhas(o, "c");
        /* declared order */
        const char *pa = strstr(s, "\"a\""), *pb = strstr(s, "\"b\""), *pc = strstr(s, "\"c\"");
        assert_non_null(pb);
        assert_true(pa == NULL || pa < pb);
        assert_true(pc == NULL || pc > pb);
        json_object_put(o);
        free(s);
    }
    assert_true(with_a > 0);
    assert_true(without_a > 0);
    assert_true(with_c > 0);
    gd_free(c);
}

static void test_recursion_depth(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    genapi_error err;
    /* a linked list that must end in null after at most the depth bound */
    gd_constraint *c = gd_compile_json_schema(NULL, &tv.v, schemas[18], "guided_json", &err);
    assert_non_null(c);
    gd_reset(c);
    /* keep descending: {"next":{"next":... is allowed a bounded number of times */
    int levels = 0;
    for (;;) {
        const char *open = levels == 0 ? "{\"next\":" : "{\"next\":";
        int ok = 1;
        for (const char *p = open; *p && ok; p++)
            ok = gd_advance(c, GDT_BYTE0 + (uint8_t)*p) == 0;
        if (!ok)
            break;
        levels++;
        assert_true(levels < 100);
    }
    assert_true(levels >= 6);
    gd_free(c);
}

/* ---- errors ------------------------------------------------------------------------------------------ */

static void expect_error(const gdt_tvocab *tv, const char *schema, const char *needle)
{
    genapi_error err;
    memset(&err, 0, sizeof err);
    gd_constraint *c = gd_compile_json_schema(NULL, &tv->v, schema, "guided_json", &err);
    gdt_expect_compile_error(c, &err, "guided_json", schema, needle);
}

static void test_unsupported_keywords(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    static const char *const kws[] = {"patternProperties", "if", "then", "else", "not", "dependentSchemas",
                                      "uniqueItems", "format", "multipleOf", "contains", "propertyNames",
                                      "unevaluatedProperties", "allOf", "minProperties", "$anchor"};
    for (size_t i = 0; i < NELEM(kws); i++) {
        char schema[256], needle[128];
        snprintf(schema, sizeof schema, "{\"type\":\"object\",\"%s\":{}}", kws[i]);
        snprintf(needle, sizeof needle, "guided_json: unsupported JSON Schema keyword '%s'", kws[i]);
        expect_error(&tv, schema, needle);
        /* nested: the message also says where */
        snprintf(schema, sizeof schema, "{\"type\":\"object\",\"properties\":{\"p\":{\"%s\":true}}}", kws[i]);
        expect_error(&tv, schema, needle);
        expect_error(&tv, schema, "/properties/p");
    }
    genapi_error err;
    memset(&err, 0, sizeof err);
    assert_null(gd_compile_json_schema(NULL, &tv.v, "{\"patternProperties\":{}}", "guided_json", &err));
    assert_string_equal(err.message, "guided_json: unsupported JSON Schema keyword 'patternProperties'");
}

static void test_invalid_and_unsatisfiable(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    expect_error(&tv, "{\"type\":", "invalid JSON");
    expect_error(&tv, "{\"type\":\"object\"} x", "invalid JSON");
    expect_error(&tv, "[1,2]", "a schema must be an object or a boolean");
    expect_error(&tv, "null", "a schema must be an object or a boolean");
    expect_error(&tv, "{\"type\":\"strin\"}", "unknown type 'strin'");
    expect_error(&tv, "{\"type\":\"string\",\"minLength\":-1}", "'minLength' must be a non-negative integer");
    expect_error(&tv, "{\"$ref\":\"http://example.com/s.json\"}", "only local references");
    expect_error(&tv, "{\"$ref\":\"#/$defs/missing\"}", "does not resolve");
    expect_error(&tv, "{\"$ref\":\"#/$defs/a\",\"type\":\"string\",\"$defs\":{\"a\":{}}}", "'$ref' next to other keywords");
    expect_error(&tv, "{\"type\":\"number\",\"minimum\":0.5}", "non-integer bound");
    expect_error(&tv, "{\"type\":\"string\",\"pattern\":\"(a)\\\\1\"}", "backreference");
    expect_error(&tv, "{\"type\":\"string\",\"pattern\":\"(?=a)\"}", "lookahead");
    expect_error(&tv, "{\"anyOf\":[]}", "'anyOf' must be a non-empty array");
    expect_error(&tv, "{\"type\":null}", "'type' must not be null");
    /* unsatisfiable */
    expect_error(&tv, "{\"type\":\"string\",\"minLength\":5,\"maxLength\":2}", "the schema matches no JSON value");
    expect_error(&tv, "{\"enum\":[]}", "the schema matches no JSON value");
    expect_error(&tv, "false", "the schema matches no JSON value");
    expect_error(&tv, "{\"type\":\"integer\",\"minimum\":5,\"maximum\":4}", "the schema matches no JSON value");
    expect_error(&tv, "{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}", "the schema matches no JSON value");
    expect_error(&tv, "{\"type\":\"object\",\"required\":[\"x\"],\"additionalProperties\":false}",
                 "the schema matches no JSON value");
    expect_error(&tv, "{\"enum\":[1,2],\"type\":\"string\"}", "the schema matches no JSON value");
    expect_error(&tv,
                 "{\"$defs\":{\"a\":{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}},"
                 "\"required\":[\"x\"]}},\"$ref\":\"#/$defs/a\"}",
                 "recursion depth limit");
}

static void test_number_shapes(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    genapi_error err;
    gd_constraint *c = gd_compile_json_schema(NULL, &tv.v, "{\"type\":\"number\"}", "guided_json", &err);
    assert_non_null(c);
    static const char *const yes[] = {"0", "-1", "12.5", "9999999999999999", "-0.000001", "3.141592"};
    static const char *const no[] = {"01", "1.", ".5", "1e5", "+1", "-0", "1.1234567", "10000000000000000", "--1"};
    for (size_t i = 0; i < NELEM(yes); i++)
        if (!gdt_accepts(c, yes[i], strlen(yes[i])))
            fail_msg("number should accept %s", yes[i]);
    for (size_t i = 0; i < NELEM(no); i++)
        if (gdt_accepts(c, no[i], strlen(no[i])))
            fail_msg("number should reject %s", no[i]);
    gd_free(c);
    c = gd_compile_json_schema(NULL, &tv.v, "{\"type\":\"integer\",\"minimum\":-15,\"maximum\":107}", "guided_json", &err);
    assert_non_null(c);
    for (int v = -200; v <= 200; v++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", v);
        assert_int_equal(gdt_accepts(c, buf, strlen(buf)), v >= -15 && v <= 107);
    }
    gd_free(c);
    c = gd_compile_json_schema(NULL, &tv.v, "{\"type\":\"number\",\"exclusiveMinimum\":-2,\"maximum\":3}", "guided_json", &err);
    assert_non_null(c);
    static const char *const y2[] = {"-1.999999", "-1", "0", "2.999", "3", "3.000", "-0.5"};
    static const char *const n2[] = {"-2", "-2.0", "3.001", "4", "-2.5"};
    for (size_t i = 0; i < NELEM(y2); i++)
        if (!gdt_accepts(c, y2[i], strlen(y2[i])))
            fail_msg("(-2,3] should accept %s", y2[i]);
    for (size_t i = 0; i < NELEM(n2); i++)
        if (gdt_accepts(c, n2[i], strlen(n2[i])))
            fail_msg("(-2,3] should reject %s", n2[i]);
    gd_free(c);
}

static void test_string_chars(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    genapi_error err;
    gd_constraint *c = gd_compile_json_schema(NULL, &tv.v, "{\"type\":\"string\",\"maxLength\":3}", "guided_json", &err);
    assert_non_null(c);
    assert_true(gdt_accepts(c, "\"\xc3\xa9\xe6\x97\xa5x\"", 8)); /* 3 characters, 6 bytes */
    assert_false(gdt_accepts(c, "\"abcd\"", 6));
    assert_false(gdt_accepts(c, "\"a\\n\"", 5)); /* no escapes generated */
    assert_false(gdt_accepts(c, "\"a\nb\"", 5)); /* no control characters */
    assert_false(gdt_accepts(c, "\"\xff\"", 3));
    gd_free(c);
}

/* ---- allocation failures ------------------------------------------------------------------------ */

static void test_alloc_failures(void **state)
{
    (void)state;
    gdt_tvocab tv;
    gdt_tvocab_init(&tv);
    const char *schema = schemas[4]; /* recursive $ref, arrays, objects, integers */
    fa_counter k = {0};
    fa_fail_at(&k, LONG_MAX); /* counting the calls */
    gd_alloc_hooks h = {fa_malloc, fa_free, &k};
    genapi_error err;
    gd_constraint *c = gd_compile_json_schema(&h, &tv.v, schema, "guided_json", &err);
    assert_non_null(c);
    size_t n;
    free(gdt_drive(c, &tv.v, 3, 20, &n));
    gd_free(c);
    assert_int_equal(k.live, 0);
    long total = k.count, stride = total / 150 + 1;
    for (long f = 0; f < total; f += stride) {
        fa_counter k2 = {0};
        fa_fail_at(&k2, f);
        gd_alloc_hooks h2 = {fa_malloc, fa_free, &k2};
        c = gd_compile_json_schema(&h2, &tv.v, schema, "guided_json", &err);
        if (c) {
            uint8_t mask[GDT_N];
            gd_allowed(c, mask);
            gd_advance(c, GDT_BYTE0 + '{');
            gd_allowed(c, mask);
            gd_free(c);
        } else {
            assert_int_equal(err.status, GENAPI_E_NOMEM);
            assert_non_null(strstr(err.message, "out of memory"));
        }
        assert_int_equal(k2.live, 0);
    }
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outputs_validate),
        cmocka_unit_test(test_json_object_mode),
        cmocka_unit_test(test_optional_properties_and_order),
        cmocka_unit_test(test_recursion_depth),
        cmocka_unit_test(test_unsupported_keywords),
        cmocka_unit_test(test_invalid_and_unsatisfiable),
        cmocka_unit_test(test_number_shapes),
        cmocka_unit_test(test_string_chars),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
