/* Shared machinery of the parameter tables (internal). */
#ifndef GENAPI_PARAMS_INTERNAL_H
#define GENAPI_PARAMS_INTERNAL_H

#include <stddef.h>

#include <genapi/image_params.h>
#include <genapi/text_params.h>
#include <json-c/json.h>

#include "util/alloc.h"
#include "util/json_typed.h"

/* A parameter table bound to its struct type: the descriptors plus the layout of the common
 * struct header (struct_size, reserved, is_set[set_words], allocator, owned). */
typedef struct ga_param_table {
    const genapi_param_desc *descs;
    size_t count;
    size_t is_set_offset;    /* offset of the uint64_t is_set[] array in the struct */
    size_t set_words;        /* number of words in is_set[] */
    size_t struct_size;      /* sizeof the struct */
    size_t allocator_offset; /* offset of `const genapi_allocator *allocator` */
    size_t owned_offset;     /* offset of `void *owned` (a ga_arena *) */
    const char *kind;        /* "text", "txt2img", ... for messages */
    /* Cross-parameter rules run after the per-field checks; NULL when there are none. */
    genapi_status (*cross_check)(const void *s, genapi_error *err);
} ga_param_table;

/* A ga_param_table initialiser for struct type `type` (with the common header). */
#define GA_PARAM_TABLE(type, kind_text, descs_array, n, cross)                                                  \
    {(descs_array), (n), offsetof(type, is_set), sizeof(((type *)0)->is_set) / sizeof(uint64_t), sizeof(type), \
     offsetof(type, allocator), offsetof(type, owned), (kind_text), (cross)}

/* One descriptor row of struct `type` whose ids are GENAPI_<K>_PARAM_<name> (X-macro callback body). */
#define GA_DESC_OF(type, K, nm, kind, fl, lo, hi, ch, def, srv, dc)                                          \
    {#nm, #nm, GENAPI_PK_##kind, (fl), (double)(lo), (double)(hi), (ch), (def), (srv),                      \
     (uint32_t)GENAPI_##K##_PARAM_##nm, offsetof(type, nm), sizeof(((type *)0)->nm), (dc)},

extern const ga_param_table ga_text_table;
extern const ga_param_table ga_txt2img_table;
extern const ga_param_table ga_img2img_table;
extern const ga_param_table ga_upscale_table;

/* ---- generic operations on any table's struct (s points at the struct) ---- */
genapi_status ga_params_init(const ga_param_table *t, void *s, size_t struct_size);
void ga_params_clear(const ga_param_table *t, void *s);
/* The struct's owned arena, created on demand with its allocator; NULL when out of memory. */
ga_arena *ga_params_arena(const ga_param_table *t, void *s);
/* mark/is_set by a public id, with the NULL and range checks of the public functions. */
void ga_params_mark_id(const ga_param_table *t, void *s, long id, int set);
int ga_params_is_set_id(const ga_param_table *t, const void *s, long id);
/* Required parameters, per-field ranges, then t->cross_check. */
genapi_status ga_params_validate(const ga_param_table *t, const void *s, genapi_error *err);
/* Tool calling, shared by the client's checks and the reference server: at most GA_TOOLS_MAX
 * tools per request (and calls per message), and a function name is 1 to GA_TOOL_NAME_MAX of
 * a-z, A-Z, 0-9, _ and - (the OpenAI API's rules). */
#define GA_TOOLS_MAX 128
#define GA_TOOL_NAME_MAX 64
int ga_tool_name_ok(const char *name);
/* The same, except that rows the client or the server fills may be unset: with webui != 0 the
 * rows only the hosted API requires (GENAPI_RANGE_HOSTED_REQUIRED), as the WebUI servers
 * default them; and the required parameter named `defaulted` (NULL: none), which the client
 * fills with its default. */
genapi_status ga_params_validate_ex(const ga_param_table *t, const void *s, int webui, const char *defaulted,
                                    genapi_error *err);
/* ga_params_validate_ex without `defaulted`. */
genapi_status ga_params_validate_for(const ga_param_table *t, const void *s, int webui, genapi_error *err);
genapi_status ga_params_to_json(const ga_param_table *t, const void *s, char **json_out, genapi_error *err);
/* Parse a request object into s (recognised keys only; null = unset). */
genapi_status ga_params_from_object(const ga_param_table *t, void *s, json_object *root, genapi_error *err);
genapi_status ga_params_from_json(const ga_param_table *t, void *s, const char *json, genapi_error *err);
genapi_status ga_params_set_text(const ga_param_table *t, void *s, const char *name, const char *value,
                                 genapi_error *err);
/* Whether `text` is base64 image data; NULL if it is, else what is wrong (static text). */
const char *ga_base64_image_problem(const char *text);

/* The public functions of a parameter kind, as thin wrappers over the generic ones. */
#define GA_DEFINE_PARAMS_API(k, K, table)                                                                      \
    const genapi_param_desc *genapi_##k##_param_table(size_t *count)                                          \
    {                                                                                                          \
        if (count)                                                                                             \
            *count = (table).count;                                                                            \
        return (table).descs;                                                                                  \
    }                                                                                                          \
    const genapi_param_desc *genapi_##k##_param_find(const char *name) { return ga_param_find(&(table), name); } \
    size_t genapi_##k##_params_sizeof(void) { return sizeof(genapi_##k##_params); }                          \
    genapi_status genapi_##k##_params_init(genapi_##k##_params *params, size_t struct_size)                  \
    {                                                                                                          \
        return ga_params_init(&(table), params, struct_size);                                                 \
    }                                                                                                          \
    void genapi_##k##_params_mark(genapi_##k##_params *params, genapi_##k##_param_id id, int set)            \
    {                                                                                                          \
        ga_params_mark_id(&(table), params, (long)id, set);                                                   \
    }                                                                                                          \
    int genapi_##k##_params_is_set(const genapi_##k##_params *params, genapi_##k##_param_id id)              \
    {                                                                                                          \
        return ga_params_is_set_id(&(table), params, (long)id);                                               \
    }                                                                                                          \
    void genapi_##k##_params_clear(genapi_##k##_params *params) { ga_params_clear(&(table), params); }        \
    genapi_status genapi_##k##_params_validate(const genapi_##k##_params *params, genapi_error *err)         \
    {                                                                                                          \
        return ga_params_validate(&(table), params, err);                                                     \
    }                                                                                                          \
    genapi_status genapi_##k##_params_to_json(const genapi_##k##_params *params, char **json_out,            \
                                              genapi_error *err)                                               \
    {                                                                                                          \
        return ga_params_to_json(&(table), params, json_out, err);                                            \
    }                                                                                                          \
    genapi_status genapi_##k##_params_from_json(genapi_##k##_params *params, const char *json,               \
                                                genapi_error *err)                                             \
    {                                                                                                          \
        return ga_params_from_json(&(table), params, json, err);                                              \
    }                                                                                                          \
    genapi_status genapi_##k##_params_set_text(genapi_##k##_params *params, const char *name,                \
                                               const char *value, genapi_error *err)                          \
    {                                                                                                          \
        return ga_params_set_text(&(table), params, name, value, err);                                        \
    }                                                                                                          \
    _Static_assert(GENAPI_##K##_PARAM_COUNT <= 64 * GENAPI_##K##_SET_WORDS, "is_set too small")

int ga_param_is_set(const ga_param_table *t, const void *s, size_t index);
void ga_param_mark(const ga_param_table *t, void *s, size_t index, int set);
const genapi_param_desc *ga_param_find(const ga_param_table *t, const char *json_name);
/* The table's name closest to a misspelt `name` (a few edits away), or NULL. */
const char *ga_param_suggest(const ga_param_table *t, const char *name);

/* Validate one set field against its descriptor. */
genapi_status ga_param_check(const genapi_param_desc *d, const void *s, genapi_error *err);
/* Serialize every set field of s into obj. */
genapi_status ga_params_to_object(const ga_param_table *t, const void *s, json_object *obj, genapi_error *err);
/* Store `v` (not NULL, not json null) into field d of s, allocating from ar. */
genapi_status ga_param_from_json(const genapi_param_desc *d, void *s, json_object *v, ga_arena *ar,
                                 genapi_error *err);
/* The value of an ENUM field as its choice text, or NULL if out of range. */
const char *ga_param_choice(const genapi_param_desc *d, int32_t index, char *buf, size_t cap);
/* Index of `text` among d->choices, or -1. */
int32_t ga_param_choice_index(const genapi_param_desc *d, const char *text, size_t len);

/* A JSON number printed with the fewest digits that read back as x. */
json_object *ga_json_double(double x);
/* Parse a text request object into params (recognised keys only; null = unset). */
genapi_status ga_text_params_from_object(genapi_text_params *params, json_object *root, genapi_error *err);

#endif
