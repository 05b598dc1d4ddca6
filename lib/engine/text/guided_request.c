/* Guided decoding requests: which constraint a request asks for (guided_json, guided_regex,
 * guided_choice, guided_decoding, structured_outputs, response_format) compiled against the
 * reference vocabulary. */
#include <string.h>

#include "engine/text/engine.h"
#include "params/param_internal.h"
#include "util/err.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

static void *hook_malloc(size_t n, void *user)
{
    const ga_alloc *a = user;
    return ga_malloc(a, n);
}

static void hook_free(void *ptr, void *user)
{
    const ga_alloc *a = user;
    ga_free(a, ptr);
}

/* A schema given as an object, or as a string holding one. Returns JSON text owned by obj. */
static const char *schema_text(json_object *v)
{
    if (json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

/* {json | regex | choice | json_object | grammar | structural_tag} objects. */
static gd_constraint *compile_object(const gx_text_engine *e, const gd_alloc_hooks *h, json_object *o,
                                     const char *param, genapi_error *err)
{
    static const char *const kinds[] = {"json", "regex", "choice", "json_object", "grammar", "structural_tag"};
    json_object *found = NULL, *v;
    const char *kind = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (!json_object_object_get_ex(o, kinds[i], &v) || v == NULL ||
            (json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v)))
            continue;
        if (found) {
            ga_err(err, GENAPI_E_INVALID_ARG, param,
                   "%s: You can only use one kind of constraints for structured outputs ('json', 'regex' or 'choice').",
                   param);
            return NULL;
        }
        found = v;
        kind = kinds[i];
    }
    if (found == NULL) {
        ga_err(err, GENAPI_E_INVALID_ARG, param, "%s must set one of 'json', 'regex', 'choice' or 'json_object'.", param);
        return NULL;
    }
    if (strcmp(kind, "json") == 0)
        return gd_compile_json_schema(h, &e->gd_vocab, schema_text(found), param, err);
    if (strcmp(kind, "regex") == 0) {
        if (!json_object_is_type(found, json_type_string)) {
            ga_err(err, GENAPI_E_INVALID_ARG, param, "%s.regex must be a string.", param);
            return NULL;
        }
        return gd_compile_regex(h, &e->gd_vocab, json_object_get_string(found), param, err);
    }
    if (strcmp(kind, "choice") == 0) {
        if (!json_object_is_type(found, json_type_array) || json_object_array_length(found) == 0) {
            ga_err(err, GENAPI_E_INVALID_ARG, param, "%s.choice must be a non-empty array of strings.", param);
            return NULL;
        }
        size_t n = json_object_array_length(found);
        const char *items[256];
        if (n > sizeof items / sizeof items[0]) {
            ga_err(err, GENAPI_E_INVALID_ARG, param, "%s.choice has %zu choices; at most 256 are supported.", param, n);
            return NULL;
        }
        for (size_t i = 0; i < n; i++) {
            json_object *c = json_object_array_get_idx(found, i);
            if (!json_object_is_type(c, json_type_string)) {
                ga_err(err, GENAPI_E_INVALID_ARG, param, "%s.choice must be a non-empty array of strings.", param);
                return NULL;
            }
            items[i] = json_object_get_string(c);
        }
        return gd_compile_choice(h, &e->gd_vocab, items, n, param, err);
    }
    if (strcmp(kind, "json_object") == 0)
        return gd_compile_json_object(h, &e->gd_vocab, param, err);
    ga_err(err, GENAPI_E_INVALID_ARG, param, "%s: '%s' constraints are not supported by the reference backend.", param,
           kind);
    return NULL;
}

static gd_constraint *compile_response_format(const gx_text_engine *e, const gd_alloc_hooks *h, json_object *o,
                                              int *none, genapi_error *err)
{
    json_object *type, *js, *schema;
    const char *t = json_object_object_get_ex(o, "type", &type) ? json_object_get_string(type) : NULL;
    if (t && strcmp(t, "text") == 0) {
        *none = 1;
        return NULL;
    }
    if (t && strcmp(t, "json_object") == 0)
        return gd_compile_json_object(h, &e->gd_vocab, "response_format", err);
    if (t && strcmp(t, "json_schema") == 0) {
        if (!json_object_object_get_ex(o, "json_schema", &js) || !json_object_object_get_ex(js, "schema", &schema) ||
            schema == NULL) {
            ga_err(err, GENAPI_E_INVALID_ARG, "response_format",
                   "response_format of type json_schema needs json_schema.schema.");
            return NULL;
        }
        return gd_compile_json_schema(h, &e->gd_vocab, schema_text(schema), "response_format", err);
    }
    ga_err(err, GENAPI_E_INVALID_ARG, "response_format",
           "response_format.type must be 'text', 'json_object' or 'json_schema', got '%s'.", t ? t : "(none)");
    return NULL;
}

genapi_status gx_guided_compile(const gx_text_engine *e, const genapi_text_params *p, gd_constraint **out,
                                genapi_error *err)
{
    *out = NULL;
    const char *sources[6];
    size_t n_sources = 0;
    if (IS(p, structured_outputs))
        sources[n_sources++] = "structured_outputs";
    if (IS(p, guided_decoding))
        sources[n_sources++] = "guided_decoding";
    if (IS(p, guided_json))
        sources[n_sources++] = "guided_json";
    if (IS(p, guided_regex))
        sources[n_sources++] = "guided_regex";
    if (IS(p, guided_choice))
        sources[n_sources++] = "guided_choice";
    if (IS(p, response_format))
        sources[n_sources++] = "response_format";
    if (n_sources == 0)
        return GENAPI_OK;
    if (n_sources > 1)
        return ga_err(err, GENAPI_E_INVALID_ARG, sources[1],
                      "%s and %s both constrain the output; use only one kind of structured output.", sources[0],
                      sources[1]);
    gd_alloc_hooks h = {hook_malloc, hook_free, (void *)&e->alloc};
    const char *src = sources[0];
    gd_constraint *c = NULL;
    if (strcmp(src, "guided_regex") == 0) {
        c = gd_compile_regex(&h, &e->gd_vocab, p->guided_regex, src, err);
    } else if (strcmp(src, "guided_choice") == 0) {
        c = gd_compile_choice(&h, &e->gd_vocab, p->guided_choice.items, p->guided_choice.count, src, err);
    } else {
        const char *text = strcmp(src, "structured_outputs") == 0 ? p->structured_outputs
                           : strcmp(src, "guided_decoding") == 0  ? p->guided_decoding
                           : strcmp(src, "guided_json") == 0      ? p->guided_json
                                                                  : p->response_format;
        json_object *o = ga_json_parse(text, strlen(text));
        if (o == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, src, "%s is not valid JSON.", src);
        int none = 0;
        if (strcmp(src, "guided_json") == 0)
            c = gd_compile_json_schema(&h, &e->gd_vocab, schema_text(o), src, err);
        else if (strcmp(src, "response_format") == 0)
            c = compile_response_format(e, &h, o, &none, err);
        else
            c = compile_object(e, &h, o, src, err);
        json_object_put(o);
        if (none)
            return GENAPI_OK;
    }
    if (c == NULL)
        return err && err->status ? (genapi_status)err->status : GENAPI_E_INVALID_ARG;
    *out = c;
    return GENAPI_OK;
}

genapi_status gx_guided_compile_schema(const gx_text_engine *e, const char *schema_json, const char *param,
                                       gd_constraint **out, genapi_error *err)
{
    gd_alloc_hooks h = {hook_malloc, hook_free, (void *)&e->alloc};
    *out = gd_compile_json_schema(&h, &e->gd_vocab, schema_json, param, err);
    if (*out == NULL)
        return err && err->status ? (genapi_status)err->status : GENAPI_E_INVALID_ARG;
    return GENAPI_OK;
}
