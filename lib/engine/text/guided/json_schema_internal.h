/*
 * Shared by the JSON Schema compiler files (json_schema.c: keywords, references, dispatch;
 * json_schema_scalar.c: enum/const, strings, numbers; json_schema_container.c: arrays,
 * objects).
 */
#ifndef GENAPI_ENGINE_GUIDED_JSON_SCHEMA_INTERNAL_H
#define GENAPI_ENGINE_GUIDED_JSON_SCHEMA_INTERNAL_H

#include <json-c/json.h>

#include "engine/text/guided/guided_internal.h"

#define GDJS_MAX_NEST 128     /* schema nesting (incl. reference expansions) */
#define GDJS_MAXI 9999999999999999.0

typedef struct gdjs_ctx {
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
    json_object *refs[GDJS_MAX_NEST];
    int nrefs;
    char path[512];
    size_t pathlen;
} gdjs_ctx;

#define GDJS_BAD ((gd_frag){-1, -1})
#define GDJS_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Record the first error: "guided_json: <message>" plus " (at <path>)" below the root. */
void gdjs_err(gdjs_ctx *x, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Location of the schema being compiled, as a JSON pointer (for messages). push returns the
 * length to give back to pop. */
size_t gdjs_path_push(gdjs_ctx *x, const char *seg);
size_t gdjs_path_push_idx(gdjs_ctx *x, const char *seg, size_t i);
void gdjs_path_pop(gdjs_ctx *x, size_t old);

/* Keyword value (NULL if absent or JSON null) / presence. */
json_object *gdjs_get(json_object *s, const char *k);
int gdjs_has(json_object *s, const char *k);
/* Non-negative integer keyword (absent: def). Returns 0 or -1 (error reported). */
int gdjs_get_count(gdjs_ctx *x, json_object *s, const char *k, int64_t def, int64_t *out);
/* The "type" keyword as a list of names; returns the count (0 when absent), -1 on error. */
int gdjs_get_types(gdjs_ctx *x, json_object *s, const char **out);
extern const char *const gdjs_type_names[7];
/* Does the JSON value v have JSON Schema type t? */
int gdjs_value_has_type(json_object *v, const char *t);
/* Container levels "any JSON value" may still use here. */
int gdjs_depth_left(const gdjs_ctx *x);
/* The compact serialization of v as a literal. */
gd_frag gdjs_literal(gdjs_ctx *x, json_object *v);

/* The fragment of a value valid against schema s. */
gd_frag gdjs_schema(gdjs_ctx *x, json_object *s);
gd_frag gdjs_enum(gdjs_ctx *x, json_object *s);
gd_frag gdjs_string(gdjs_ctx *x, json_object *s);
gd_frag gdjs_integer(gdjs_ctx *x, json_object *s);
gd_frag gdjs_number(gdjs_ctx *x, json_object *s);
gd_frag gdjs_array(gdjs_ctx *x, json_object *s);
gd_frag gdjs_object(gdjs_ctx *x, json_object *s);

#endif
