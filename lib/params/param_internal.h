/* Shared machinery of the parameter tables (internal). */
#ifndef GENAPI_PARAMS_INTERNAL_H
#define GENAPI_PARAMS_INTERNAL_H

#include <genapi/text_params.h>
#include <json-c/json.h>

#include "util/alloc.h"

/* A parameter table bound to its struct type: the descriptors plus where the set bits live. */
typedef struct ga_param_table {
    const genapi_param_desc *descs;
    size_t count;
    size_t is_set_offset; /* offset of the uint64_t is_set[] array in the struct */
} ga_param_table;

extern const ga_param_table ga_text_table;

int ga_param_is_set(const ga_param_table *t, const void *s, size_t index);
void ga_param_mark(const ga_param_table *t, void *s, size_t index, int set);
const genapi_param_desc *ga_param_find(const ga_param_table *t, const char *json_name);

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
/* Parse JSON text strictly (whole input, no trailing garbage); NULL on error. */
json_object *ga_json_parse(const char *text, size_t len);
/* Parse a request object into params (recognised keys only; null = unset). */
genapi_status ga_text_params_from_object(genapi_text_params *params, json_object *root, genapi_error *err);

/* The owned arena of a text params struct, created on demand. */
ga_arena *ga_text_params_arena(genapi_text_params *p);

#endif
