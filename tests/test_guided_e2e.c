/* Guided decoding through the reference server: every output of guided_choice is a choice,
 * every guided_regex output matches (checked with POSIX regex), every guided_json /
 * response_format / structured_outputs output parses and validates against its schema
 * (checked by a validator written here, independent of the library's). */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>

#include "backend_calls.h"

/* The body of a chat completion with `extra` fields. */
static void chat_body(char *body, size_t cap, const char *extra, int seed)
{
    snprintf(body, cap,
             "{\"model\": \"genapi-ref\", \"seed\": %d, \"max_tokens\": 120, \"messages\": [{\"role\": \"user\", "
             "\"content\": \"Tell me about a person and a city\"}], %s}",
             seed, extra);
}

/* One chat completion with `extra` fields; returns the content (malloc'ed), or NULL when the
 * status is not 200. */
static char *chat(const char *extra, int seed, int *status)
{
    char body[8192];
    chat_body(body, sizeof body, extra, seed);
    json_object *o = bc_post("/v1/chat/completions", body, status);
    char *out = NULL;
    if (*status == 200) {
        out = strdup(bc_chat_content(o));
        assert_non_null(out);
    }
    json_object_put(o);
    return out;
}

static void test_choice_outputs_are_choices(void **state)
{
    (void)state;
    const char *choices[] = {"yes", "no", "maybe later", "Lyon, France"};
    int seen[4] = {0};
    for (int seed = 0; seed < 40; seed++) {
        int status;
        char *out = chat("\"temperature\": 1.5, \"guided_choice\": [\"yes\", \"no\", \"maybe later\", \"Lyon, France\"]", seed,
                         &status);
        assert_int_equal(status, 200);
        int found = 0;
        for (int k = 0; k < 4; k++)
            if (strcmp(out, choices[k]) == 0) {
                found = 1;
                seen[k]++;
            }
        if (!found)
            fail_msg("seed %d: '%s' is not one of the choices", seed, out);
        free(out);
    }
    assert_true((seen[0] > 0) + (seen[1] > 0) + (seen[2] > 0) + (seen[3] > 0) >= 2); /* not stuck on one */
}

static void test_regex_outputs_match(void **state)
{
    (void)state;
    static const struct {
        const char *ours, *posix;
    } pats[] = {
        {"[0-9]{3}-[0-9]{4}", "^[0-9]{3}-[0-9]{4}$"},
        {"(yes|no|[A-Z][a-z]+)!", "^(yes|no|[A-Z][a-z]+)!$"},
        {"[a-z]+@[a-z]+\\\\.(org|com)", "^[a-z]+@[a-z]+\\.(org|com)$"},
        {"\\\\d{4}-\\\\d{2}-\\\\d{2}", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        {"(the [a-z]+ ){1,3}ends\\\\.", "^(the [a-z]+ ){1,3}ends\\.$"},
    };
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        regex_t re;
        assert_int_equal(regcomp(&re, pats[i].posix, REG_EXTENDED | REG_NOSUB), 0);
        for (int seed = 0; seed < 12; seed++) {
            char extra[256];
            snprintf(extra, sizeof extra, "\"guided_regex\": \"%s\"", pats[i].ours);
            int status;
            char *out = chat(extra, seed, &status);
            assert_int_equal(status, 200);
            if (regexec(&re, out, 0, NULL, 0) != 0)
                fail_msg("pattern %s, seed %d: '%s' does not match", pats[i].ours, seed, out);
            free(out);
        }
        regfree(&re);
    }
}

/* ---- an independent validator for the schema subset ------------------------------------ */

static int validate(json_object *schema, json_object *v, json_object *root, char *why, size_t cap);

static json_object *resolve(json_object *schema, json_object *root)
{
    json_object *ref;
    if (!json_object_object_get_ex(schema, "$ref", &ref))
        return schema;
    const char *r = json_object_get_string(ref);
    const char *name = strncmp(r, "#/$defs/", 8) == 0 ? r + 8 : strncmp(r, "#/definitions/", 14) == 0 ? r + 14 : NULL;
    json_object *defs, *target = NULL;
    if (name && (json_object_object_get_ex(root, "$defs", &defs) || json_object_object_get_ex(root, "definitions", &defs)))
        json_object_object_get_ex(defs, name, &target);
    return target;
}

static int type_ok(const char *t, json_object *v)
{
    json_type jt = json_object_get_type(v);
    if (strcmp(t, "object") == 0)
        return jt == json_type_object;
    if (strcmp(t, "array") == 0)
        return jt == json_type_array;
    if (strcmp(t, "string") == 0)
        return jt == json_type_string;
    if (strcmp(t, "integer") == 0)
        return jt == json_type_int;
    if (strcmp(t, "number") == 0)
        return jt == json_type_int || jt == json_type_double;
    if (strcmp(t, "boolean") == 0)
        return jt == json_type_boolean;
    if (strcmp(t, "null") == 0)
        return jt == json_type_null || v == NULL;
    return 0;
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int validate(json_object *schema, json_object *v, json_object *root, char *why, size_t cap)
{
    schema = resolve(schema, root);
    if (schema == NULL)
        return snprintf(why, cap, "unresolvable $ref"), 0;
    json_object *k;
    if (json_object_object_get_ex(schema, "anyOf", &k)) {
        for (size_t i = 0; i < json_object_array_length(k); i++)
            if (validate(json_object_array_get_idx(k, i), v, root, why, cap))
                return 1;
        return snprintf(why, cap, "no anyOf branch matches"), 0;
    }
    if (json_object_object_get_ex(schema, "type", &k)) {
        int ok = 0;
        if (json_object_is_type(k, json_type_array)) {
            for (size_t i = 0; i < json_object_array_length(k); i++)
                ok |= type_ok(json_object_get_string(json_object_array_get_idx(k, i)), v);
        } else {
            ok = type_ok(json_object_get_string(k), v);
        }
        if (!ok)
            return snprintf(why, cap, "type mismatch for %s", json_object_to_json_string(v)), 0;
    }
    if (json_object_object_get_ex(schema, "const", &k) && !json_object_equal(k, v))
        return snprintf(why, cap, "const mismatch"), 0;
    if (json_object_object_get_ex(schema, "enum", &k)) {
        int ok = 0;
        for (size_t i = 0; i < json_object_array_length(k); i++)
            ok |= json_object_equal(json_object_array_get_idx(k, i), v);
        if (!ok)
            return snprintf(why, cap, "not in enum: %s", json_object_to_json_string(v)), 0;
    }
    if (json_object_is_type(v, json_type_string)) {
        size_t len = utf8_len(json_object_get_string(v));
        if (json_object_object_get_ex(schema, "minLength", &k) && len < (size_t)json_object_get_int(k))
            return snprintf(why, cap, "string too short"), 0;
        if (json_object_object_get_ex(schema, "maxLength", &k) && len > (size_t)json_object_get_int(k))
            return snprintf(why, cap, "string too long"), 0;
        if (json_object_object_get_ex(schema, "pattern", &k)) {
            regex_t re;
            char anchored[256];
            snprintf(anchored, sizeof anchored, "^(%s)$", json_object_get_string(k));
            assert_int_equal(regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB), 0);
            int m = regexec(&re, json_object_get_string(v), 0, NULL, 0);
            regfree(&re);
            if (m != 0)
                return snprintf(why, cap, "pattern mismatch: %s", json_object_get_string(v)), 0;
        }
    }
    if (json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        if (json_object_object_get_ex(schema, "minItems", &k) && n < (size_t)json_object_get_int(k))
            return snprintf(why, cap, "too few items"), 0;
        if (json_object_object_get_ex(schema, "maxItems", &k) && n > (size_t)json_object_get_int(k))
            return snprintf(why, cap, "too many items"), 0;
        if (json_object_object_get_ex(schema, "items", &k))
            for (size_t i = 0; i < n; i++)
                if (!validate(k, json_object_array_get_idx(v, i), root, why, cap))
                    return 0;
    }
    if (json_object_is_type(v, json_type_object)) {
        json_object *props = NULL, *req;
        json_object_object_get_ex(schema, "properties", &props);
        if (json_object_object_get_ex(schema, "required", &req))
            for (size_t i = 0; i < json_object_array_length(req); i++)
                if (!json_object_object_get_ex(v, json_object_get_string(json_object_array_get_idx(req, i)), NULL))
                    return snprintf(why, cap, "missing required %s", json_object_get_string(json_object_array_get_idx(req, i))), 0;
        json_object *ap;
        int closed = json_object_object_get_ex(schema, "additionalProperties", &ap) && json_object_is_type(ap, json_type_boolean) &&
                     !json_object_get_boolean(ap);
        json_object_object_foreach(v, key, val)
        {
            json_object *ps = NULL;
            if (props && json_object_object_get_ex(props, key, &ps)) {
                if (!validate(ps, val, root, why, cap))
                    return 0;
            } else if (closed) {
                return snprintf(why, cap, "additional property %s", key), 0;
            }
        }
    }
    return 1;
}

static void check_schema_outputs(const char *schema_text, const char *how, int seeds)
{
    json_object *schema = json_tokener_parse(schema_text);
    assert_non_null(schema);
    for (int seed = 0; seed < seeds; seed++) {
        char extra[4096];
        if (strcmp(how, "guided_json") == 0)
            snprintf(extra, sizeof extra, "\"guided_json\": %s", schema_text);
        else if (strcmp(how, "response_format") == 0)
            snprintf(extra, sizeof extra, "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": %s}}", schema_text);
        else
            snprintf(extra, sizeof extra, "\"structured_outputs\": {\"json\": %s}", schema_text);
        int status;
        char *out = chat(extra, seed, &status);
        if (status != 200)
            fail_msg("%s seed %d: status %d", how, seed, status);
        json_object *v = json_tokener_parse(out);
        if (v == NULL)
            fail_msg("%s seed %d: output is not JSON: %s", how, seed, out);
        char why[256] = "";
        if (!validate(schema, v, schema, why, sizeof why))
            fail_msg("%s seed %d: %s does not validate: %s", how, seed, out, why);
        json_object_put(v);
        free(out);
    }
    json_object_put(schema);
}

static void test_json_outputs_validate(void **state)
{
    (void)state;
    check_schema_outputs("{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": 1, "
                         "\"maxLength\": 20}, \"age\": {\"type\": \"integer\"}, \"city\": {\"enum\": [\"Lyon\", \"Oslo\", "
                         "\"Kyoto\"]}}, \"required\": [\"name\", \"age\", \"city\"], \"additionalProperties\": false}",
                         "guided_json", 12);
    check_schema_outputs("{\"$defs\": {\"pet\": {\"type\": \"object\", \"properties\": {\"kind\": {\"const\": \"cat\"}, "
                         "\"legs\": {\"type\": \"integer\"}}, \"required\": [\"kind\", \"legs\"], \"additionalProperties\": false}}, "
                         "\"type\": \"object\", \"properties\": {\"pets\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/pet\"}, "
                         "\"minItems\": 1, \"maxItems\": 3}, \"ok\": {\"type\": \"boolean\"}, \"note\": {\"anyOf\": [{\"type\": \"null\"}, "
                         "{\"type\": \"string\", \"pattern\": \"[a-z]{2,5}\"}]}}, \"required\": [\"pets\", \"ok\", \"note\"], "
                         "\"additionalProperties\": false}",
                         "response_format", 10);
    check_schema_outputs("{\"type\": \"array\", \"items\": {\"type\": \"number\"}, \"minItems\": 2, \"maxItems\": 4}",
                         "structured_outputs", 10);
}

static void test_json_object_mode(void **state)
{
    (void)state;
    for (int seed = 0; seed < 10; seed++) {
        int status;
        char *out = chat("\"response_format\": {\"type\": \"json_object\"}", seed, &status);
        assert_int_equal(status, 200);
        json_object *v = json_tokener_parse(out);
        if (v == NULL || !json_object_is_type(v, json_type_object))
            fail_msg("seed %d: not a JSON object: %s", seed, out);
        json_object_put(v);
        free(out);
    }
}

static void test_bad_constraints_are_400_naming_the_parameter(void **state)
{
    (void)state;
    static const struct {
        const char *extra, *param;
    } cases[] = {
        {"\"guided_regex\": \"a{3,2}\"", "guided_regex"},
        {"\"guided_regex\": \"(a)\\\\1\"", "guided_regex"},
        {"\"guided_json\": {\"type\": \"object\", \"patternProperties\": {}}", "guided_json"},
        {"\"guided_json\": {\"type\": \"string\", \"format\": \"email\"}", "guided_json"},
        {"\"guided_json\": {\"not\": {}}", "guided_json"},
        {"\"structured_outputs\": {\"json\": {\"type\": \"string\"}, \"regex\": \"x\"}", "structured_outputs"},
        {"\"structured_outputs\": {\"grammar\": \"root ::= x\"}", "structured_outputs"},
        {"\"response_format\": {\"type\": \"json_schema\"}", "response_format"},
        {"\"guided_regex\": \"x\", \"response_format\": {\"type\": \"json_object\"}", "response_format"},
        {"\"guided_regex\": \"x\", \"guided_choice\": [\"a\"]", NULL},
        {"\"guided_choice\": []", "guided_choice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[8192];
        chat_body(body, sizeof body, cases[i].extra, 1);
        bc_expect_error(cases[i].extra, "/v1/chat/completions", body, 400, cases[i].param);
    }
}

/* A constraint that max_tokens cannot hold is cut by it, as the servers cut it: 200, finish_reason
 * "length", exactly max_tokens tokens, and the text a prefix of the language (here: a JSON string
 * of at least 50 characters, so a quote and no closing quote yet). */
static void test_budget_too_small_is_cut_at_length(void **state)
{
    (void)state;
    for (int seed = 0; seed < 5; seed++) {
        char body[8192];
        snprintf(body, sizeof body,
                 "{\"model\": \"genapi-ref\", \"seed\": %d, \"max_tokens\": 5, \"messages\": [{\"role\": \"user\", "
                 "\"content\": \"A long word.\"}], \"guided_json\": {\"type\": \"string\", \"minLength\": 50}}",
                 seed);
        json_object *o = bc_ok("/v1/chat/completions", body), *usage, *ct;
        json_object *ch = bc_choice(o, 0);
        assert_string_equal(bc_str_member(ch, "finish_reason"), "length");
        assert_true(json_object_object_get_ex(o, "usage", &usage) &&
                    json_object_object_get_ex(usage, "completion_tokens", &ct));
        assert_int_equal(json_object_get_int(ct), 5);
        const char *text = bc_chat_content(o);
        assert_true(text[0] == '"');
        assert_null(strchr(text + 1, '"'));
        assert_true(strlen(text) < 51);
        json_object_put(o);
    }
}

/* With a budget that barely fits, the output still validates against the schema: an object of
 * exactly "a" (a string) and "b" (an array of integers), nothing else. */
static void test_tight_budget_still_completes(void **state)
{
    (void)state;
#define TIGHT_SCHEMA                                                                                                   \
    "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}, \"b\": {\"type\": \"array\", "                 \
    "\"items\": {\"type\": \"integer\"}}}, \"required\": [\"a\", \"b\"], \"additionalProperties\": false}"
    json_object *schema = json_tokener_parse(TIGHT_SCHEMA);
    assert_non_null(schema);
    for (int seed = 0; seed < 10; seed++) {
        int status;
        char *out = chat("\"max_tokens\": 30, \"temperature\": 1.5, \"guided_json\": " TIGHT_SCHEMA, seed, &status);
        assert_int_equal(status, 200);
        json_object *v = json_tokener_parse(out);
        if (v == NULL)
            fail_msg("seed %d: budget of 30 tokens left invalid JSON: %s", seed, out);
        char why[256] = "";
        if (!validate(schema, v, schema, why, sizeof why))
            fail_msg("seed %d: %s does not validate: %s", seed, out, why);
        /* The validator's own reading, spelled out: two members, a string and integers. */
        assert_int_equal(json_object_object_length(v), 2);
        json_object *a = NULL, *b = NULL;
        assert_true(json_object_object_get_ex(v, "a", &a) && json_object_is_type(a, json_type_string));
        assert_true(json_object_object_get_ex(v, "b", &b) && json_object_is_type(b, json_type_array));
        for (size_t i = 0; i < json_object_array_length(b); i++)
            assert_true(json_object_is_type(json_object_array_get_idx(b, i), json_type_int));
        json_object_put(v);
        free(out);
    }
    json_object_put(schema);
#undef TIGHT_SCHEMA
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choice_outputs_are_choices),
        cmocka_unit_test(test_regex_outputs_match),
        cmocka_unit_test(test_json_outputs_validate),
        cmocka_unit_test(test_json_object_mode),
        cmocka_unit_test(test_bad_constraints_are_400_naming_the_parameter),
        cmocka_unit_test(test_budget_too_small_is_cut_at_length),
        cmocka_unit_test(test_tight_budget_still_completes),
    };
    return cmocka_run_group_tests(tests, bc_setup, bc_teardown);
}
