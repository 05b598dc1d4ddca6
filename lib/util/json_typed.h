/* Strict typed reading of JSON (json-c) values: the one place where a JSON value becomes a C
 * value. The client's result parsers, the stream accumulator, the parameter readers and the
 * reference server all read through it, so they agree on what a wrong type is and on text.
 *
 * Rules:
 * - A member that is absent or JSON null is "not there" (the servers send null for unset
 *   fields); a member of another JSON type is an error naming the field by its path, e.g.
 *   `choices[0].message.content must be a string, not a number`.
 * - Integers: a JSON integer within int64, or a number with no fraction within int64.
 * - Text: every string is copied with each invalid UTF-8 sequence (a maximal ill-formed
 *   subpart, as the WHATWG decoder counts them) replaced by U+FFFD, so callers only ever see
 *   valid UTF-8. Valid strings are copied unchanged. */
#ifndef GENAPI_UTIL_JSON_TYPED_H
#define GENAPI_UTIL_JSON_TYPED_H

#include <stddef.h>
#include <stdint.h>

#include <genapi/error.h>
#include <json-c/json.h>

#include "util/alloc.h"

/* ---- single values (no context) ---- */

/* Parse JSON text strictly (the whole input, only whitespace after the value); NULL on error. */
json_object *ga_json_parse(const char *text, size_t len);
/* The same with a tokener the caller keeps across documents (reset here): a stream of small
 * documents then costs no tokener allocation each. */
json_object *ga_json_parse_with(json_tokener *tok, const char *text, size_t len);
/* The member `key` of object o: NULL when o is not an object, the member is absent, or it is
 * JSON null (as json_object_object_get_ex, faster for the small objects of a stream). */
json_object *ga_json_member(json_object *o, const char *key);
/* An exact integer: a JSON integer within int64, or an integral number within int64. 1 if so. */
int ga_json_int64(json_object *v, int64_t *out);
/* A JSON number (integer or not). 1 if so. */
int ga_json_number(json_object *v, double *out);
/* "a string", "a number", "an object", ... for messages; "null" for NULL. */
const char *ga_json_type_name(json_object *v);

/* Length of s[0..len) once each invalid UTF-8 sequence is replaced by U+FFFD (3 bytes). */
size_t ga_utf8_repaired_len(const char *s, size_t len);
/* Write the repaired text of s[0..len) into out (ga_utf8_repaired_len bytes, no terminator). */
void ga_utf8_repair(const char *s, size_t len, char *out);
/* 1 when s[0..len) is valid UTF-8. */
int ga_utf8_valid(const char *s, size_t len);
/* A NUL-terminated, repaired copy of s[0..len) in ar (its length in *out_len if not NULL);
 * NULL when out of memory. */
char *ga_utf8_dup(ga_arena *ar, const char *s, size_t len, size_t *out_len);

/* ---- reading members with a sticky failure and a field path ---- */

/* One piece of a path: its printf format and the one value it formats ("%zu" an index, "%s" a
 * name), kept unformatted; a piece with any other conversion is formatted at once into text. */
typedef struct ga_jt_seg {
    const char *fmt;
    const char *s;
    size_t i;
    char text[40];
} ga_jt_seg;

/* Deepest path kept; pieces pushed beyond it are left out of messages. */
#define GA_JT_DEPTH 8

typedef struct ga_jt {
    ga_arena *ar;             /* strings are copied here */
    genapi_error *err;        /* the first failure is written here (may be NULL) */
    genapi_status st;         /* GENAPI_OK until the first failure; later reads do nothing */
    genapi_status type_status;/* status of a wrong type: GENAPI_E_PARSE (responses) or
                                 GENAPI_E_INVALID_ARG (requests) */
    const char *what;         /* what is being read, for messages ("chat completion response") */
    /* Path of the current object, e.g. "choices[0]" ".message"; none = the root. The pieces are
     * formatted only when a message names a field (readers set the path for every object, on
     * the hot path of streams). */
    ga_jt_seg seg[GA_JT_DEPTH];
    size_t depth;             /* pieces pushed (may exceed GA_JT_DEPTH) */
} ga_jt;

/* A reader copying strings into ar, reporting into err; wrong types give type_status. */
void ga_jt_init(ga_jt *t, ga_arena *ar, genapi_error *err, genapi_status type_status, const char *what);
/* Set the path of the object the next reads look into (printf format, not empty: the root is
 * ga_jt_root). Names passed for "%s" must live until the reading is over and not be empty. */
void ga_jt_at(ga_jt *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Append to the path (printf format, e.g. ".message" or "[%zu]"); returns a mark to hand to
 * ga_jt_pop. */
size_t ga_jt_push(ga_jt *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Cut the path back to a mark ga_jt_push or ga_jt_mark returned. */
void ga_jt_pop(ga_jt *t, size_t mark);
/* The current path's mark (to return to it with ga_jt_pop). */
size_t ga_jt_mark(const ga_jt *t);
/* Make the root the current path. */
void ga_jt_root(ga_jt *t);
/* 1 when the path is the root (no piece). */
int ga_jt_at_root(const ga_jt *t);
/* The path written out, e.g. "choices[0].message" ("" at the root), in out (cap bytes). */
void ga_jt_path(const ga_jt *t, char *out, size_t cap);
/* Record a failure (the first one wins) naming the field `key` under the current path
 * (NULL: the current object itself); returns t->st. */
genapi_status ga_jt_fail(ga_jt *t, genapi_status st, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* A type failure for `key` under the current path (NULL: the current object): "<field> must be
 * <want>, not <what v is>". */
void ga_jt_type_fail(ga_jt *t, const char *key, json_object *v, const char *want);
/* Out of memory (GENAPI_E_NOMEM); returns t->st. */
genapi_status ga_jt_nomem(ga_jt *t);

/* Member `key` of o when it has JSON type `type`; NULL when o is NULL, the member is absent or
 * null, or a failure was recorded; a member of another type records a type failure. */
json_object *ga_jt_get(ga_jt *t, json_object *o, const char *key, json_type type);
/* A string member, copied and repaired; NULL when absent (or on failure). *len gets its length. */
const char *ga_jt_str(ga_jt *t, json_object *o, const char *key, size_t *len);
/* A string value v (a member or an array element, named `name` for messages), copied and
 * repaired; NULL when v is NULL or JSON null. */
const char *ga_jt_text(ga_jt *t, json_object *v, const char *name, size_t *len);
/* An integer member into *out; 1 when present, 0 when absent (then *out is unchanged). */
int ga_jt_i64(ga_jt *t, json_object *o, const char *key, int64_t *out);
/* An integer value v named `name`; same rules. */
int ga_jt_int_value(ga_jt *t, json_object *v, const char *name, int64_t *out);
/* A number member into *out; 1 when present. */
int ga_jt_num(ga_jt *t, json_object *o, const char *key, double *out);
/* A boolean member into *out (0/1); 1 when present. */
int ga_jt_bool(ga_jt *t, json_object *o, const char *key, int *out);

#endif
