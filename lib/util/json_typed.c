/* Strict typed reading of JSON values (rules in json_typed.h). */
#include "util/json_typed.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

/* ---- single values ----------------------------------------------------------------------- */

json_object *ga_json_parse_with(json_tokener *tok, const char *text, size_t len)
{
    if (text == NULL || len > (size_t)INT32_MAX)
        return NULL;
    json_tokener_reset(tok);
    json_object *v = json_tokener_parse_ex(tok, text, (int)len);
    size_t consumed = json_tokener_get_parse_end(tok);
    if (v == NULL && json_tokener_get_error(tok) == json_tokener_continue)
        v = json_tokener_parse_ex(tok, "", 1); /* end of input: finishes a trailing number */
    else
        consumed = json_tokener_get_parse_end(tok);
    if (json_tokener_get_error(tok) != json_tokener_success) {
        json_object_put(v);
        v = NULL;
    } else if (consumed < len) {
        /* trailing bytes after the value: only whitespace is allowed */
        for (size_t i = consumed; i < len; i++)
            if (text[i] != ' ' && text[i] != '\n' && text[i] != '\r' && text[i] != '\t') {
                json_object_put(v);
                v = NULL;
                break;
            }
    }
    return v;
}

json_object *ga_json_parse(const char *text, size_t len)
{
    json_tokener *tok = json_tokener_new();
    if (tok == NULL)
        return NULL;
    json_object *v = ga_json_parse_with(tok, text, len);
    json_tokener_free(tok);
    return v;
}

int ga_json_int64(json_object *v, int64_t *out)
{
    if (json_object_is_type(v, json_type_int)) {
        /* json-c clamps out-of-range integers to the int64 limits: only a value at a limit
         * can be a clamped one, and its text tells (then refused). */
        int64_t x0 = json_object_get_int64(v);
        if (x0 != INT64_MAX && x0 != INT64_MIN) {
            *out = x0;
            return 1;
        }
        const char *txt = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
        char *end;
        errno = 0;
        long long x = strtoll(txt, &end, 10);
        if (errno == ERANGE || end == txt)
            return 0;
        *out = (int64_t)x;
        return 1;
    }
    if (json_object_is_type(v, json_type_double)) {
        double x = json_object_get_double(v);
        if (isfinite(x) && x == floor(x) && fabs(x) < 9.2e18) {
            *out = (int64_t)x;
            return 1;
        }
    }
    return 0;
}

int ga_json_number(json_object *v, double *out)
{
    if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) {
        *out = json_object_get_double(v);
        return 1;
    }
    return 0;
}

const char *ga_json_type_name(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double:
    case json_type_int: return "a number";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    }
    return "an unknown JSON value";
}

/* ---- UTF-8 ------------------------------------------------------------------------------- */

/* Length of the well-formed sequence at s[i] (1..4), or 0 when it is ill-formed; then *skip
 * is the length of its maximal ill-formed subpart (at least 1), replaced by one U+FFFD. */
static size_t utf8_seq(const unsigned char *s, size_t len, size_t i, size_t *skip)
{
    unsigned char b = s[i];
    if (b < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F; /* no UTF-16 surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F; /* nothing past U+10FFFF */
    } else {
        *skip = 1;
        return 0;
    }
    size_t j = i + 1;
    for (size_t k = 0; k < need; k++, j++) {
        if (j >= len || s[j] < lo || s[j] > hi) {
            *skip = j - i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

int ga_utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t skip;
    for (size_t i = 0; i < len;) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq(u, len, i, &skip);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

size_t ga_utf8_repaired_len(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t out = 0, skip;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(u, len, i, &skip);
        if (n == 0) {
            out += 3;
            i += skip;
        } else {
            out += n;
            i += n;
        }
    }
    return out;
}

void ga_utf8_repair(const char *s, size_t len, char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, skip;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(u, len, i, &skip);
        if (n == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += skip;
        } else {
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
        }
    }
}

char *ga_utf8_dup(ga_arena *ar, const char *s, size_t len, size_t *out_len)
{
    if (ga_utf8_valid(s, len)) {
        if (out_len)
            *out_len = len;
        return ga_arena_strndup(ar, s, len);
    }
    size_t n = ga_utf8_repaired_len(s, len);
    char *d = ga_arena_alloc(ar, n + 1);
    if (d == NULL)
        return NULL;
    ga_utf8_repair(s, len, d);
    d[n] = '\0';
    if (out_len)
        *out_len = n;
    return d;
}

/* ---- the reader -------------------------------------------------------------------------- */

void ga_jt_init(ga_jt *t, ga_arena *ar, genapi_error *err, genapi_status type_status, const char *what)
{
    t->ar = ar;
    t->err = err;
    t->st = GENAPI_OK;
    t->type_status = type_status;
    t->what = what;
    t->depth = 0;
}

/* Take one path piece: "%zu" and "%s" formats keep their value to format later; literal text
 * keeps only the format; any other conversion is formatted now. */
static void seg_set(ga_jt_seg *g, const char *fmt, va_list ap)
{
    g->fmt = fmt;
    g->s = NULL;
    g->i = 0;
    const char *pc = strchr(fmt, '%');
    if (pc == NULL)
        return;
    if (pc[1] == 'z' && pc[2] == 'u' && strchr(pc + 3, '%') == NULL) {
        g->i = va_arg(ap, size_t);
    } else if (pc[1] == 's' && strchr(pc + 2, '%') == NULL) {
        g->s = va_arg(ap, const char *);
    } else {
        vsnprintf(g->text, sizeof g->text, fmt, ap);
        g->fmt = NULL; /* the text is the piece */
    }
}

static void push_seg(ga_jt *t, const char *fmt, va_list ap)
{
    if (t->depth < GA_JT_DEPTH)
        seg_set(&t->seg[t->depth], fmt, ap);
    t->depth++;
}

void ga_jt_at(ga_jt *t, const char *fmt, ...)
{
    t->depth = 0;
    va_list ap;
    va_start(ap, fmt);
    push_seg(t, fmt, ap);
    va_end(ap);
}

size_t ga_jt_push(ga_jt *t, const char *fmt, ...)
{
    size_t mark = t->depth;
    va_list ap;
    va_start(ap, fmt);
    push_seg(t, fmt, ap);
    va_end(ap);
    return mark;
}

void ga_jt_pop(ga_jt *t, size_t mark)
{
    if (mark < t->depth)
        t->depth = mark;
}

size_t ga_jt_mark(const ga_jt *t) { return t->depth; }

void ga_jt_root(ga_jt *t) { t->depth = 0; }

int ga_jt_at_root(const ga_jt *t) { return t->depth == 0; }

void ga_jt_path(const ga_jt *t, char *out, size_t cap)
{
    if (cap == 0)
        return;
    size_t n = 0;
    out[0] = '\0';
    size_t depth = t->depth < GA_JT_DEPTH ? t->depth : GA_JT_DEPTH;
    for (size_t k = 0; k < depth && n + 1 < cap; k++) {
        const ga_jt_seg *g = &t->seg[k];
        int w;
        if (g->fmt == NULL)
            w = snprintf(out + n, cap - n, "%s", g->text);
        else if (g->s != NULL)
            w = snprintf(out + n, cap - n, g->fmt, g->s);
        else if (strstr(g->fmt, "%zu") != NULL)
            w = snprintf(out + n, cap - n, g->fmt, g->i);
        else
            w = snprintf(out + n, cap - n, "%s", g->fmt);
        if (w < 0)
            break;
        n += (size_t)w < cap - n ? (size_t)w : cap - n - 1;
    }
}

/* "path.key", "key" at the root, or the path alone when key is NULL. */
static void field_name(const ga_jt *t, const char *key, char *out, size_t cap)
{
    char at[96];
    ga_jt_path(t, at, sizeof at);
    if (key == NULL)
        snprintf(out, cap, "%s", at);
    else if (at[0] == '\0' || key[0] == '[')
        snprintf(out, cap, "%s%s", at, key);
    else
        snprintf(out, cap, "%s.%s", at, key);
}

genapi_status ga_jt_fail(ga_jt *t, genapi_status st, const char *key, const char *fmt, ...)
{
    if (t->st != GENAPI_OK)
        return t->st;
    t->st = st;
    char field[GENAPI_ERROR_FIELD_MAX], msg[GENAPI_ERROR_MESSAGE_MAX];
    field_name(t, key, field, sizeof field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (t->what)
        ga_err(t->err, st, field[0] ? field : NULL, "%s: %s", t->what, msg);
    else
        ga_err(t->err, st, field[0] ? field : NULL, "%s", msg);
    return t->st;
}

genapi_status ga_jt_nomem(ga_jt *t)
{
    if (t->st != GENAPI_OK)
        return t->st;
    t->st = GENAPI_E_NOMEM;
    ga_err(t->err, GENAPI_E_NOMEM, NULL, "out of memory");
    return t->st;
}

void ga_jt_type_fail(ga_jt *t, const char *key, json_object *v, const char *want)
{
    char field[GENAPI_ERROR_FIELD_MAX];
    field_name(t, key, field, sizeof field);
    ga_jt_fail(t, t->type_status, key, "%s must be %s, not %s", field[0] ? field : "the value", want,
               ga_json_type_name(v));
}

static const char *want_of(json_type type)
{
    switch (type) {
    case json_type_boolean: return "a boolean";
    case json_type_double:
    case json_type_int: return "a number";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    case json_type_null: break;
    }
    return "null";
}

/* Objects of up to this many members are searched by comparing keys in order instead of
 * hashing the key: most objects of a stream chunk hold one to five members, and hashing costs
 * more than a few comparisons. Same answer either way (json-c keeps one entry per key). */
#define GA_JT_SCAN_MEMBERS 8

json_object *ga_json_member(json_object *o, const char *key)
{
    if (o == NULL || !json_object_is_type(o, json_type_object))
        return NULL;
    struct lh_table *tbl = json_object_get_object(o);
    if (tbl != NULL && tbl->count <= GA_JT_SCAN_MEMBERS) {
        for (struct lh_entry *e = tbl->head; e != NULL; e = e->next) {
            const char *k = (const char *)lh_entry_k(e);
            if (k[0] == key[0] && strcmp(k, key) == 0)
                return (json_object *)lh_entry_v(e);
        }
        return NULL;
    }
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return NULL;
    return v;
}

/* The member, or NULL when o is not an object, the member is absent or null, or t failed. */
static json_object *member(ga_jt *t, json_object *o, const char *key)
{
    return t->st != GENAPI_OK ? NULL : ga_json_member(o, key);
}

json_object *ga_jt_get(ga_jt *t, json_object *o, const char *key, json_type type)
{
    json_object *v = member(t, o, key);
    if (v == NULL)
        return NULL;
    int ok = json_object_is_type(v, type) ||
             ((type == json_type_double || type == json_type_int) && json_object_is_type(v, json_type_int)) ||
             (type == json_type_double && json_object_is_type(v, json_type_double));
    if (!ok) {
        ga_jt_type_fail(t, key, v, want_of(type));
        return NULL;
    }
    return v;
}

const char *ga_jt_text(ga_jt *t, json_object *v, const char *name, size_t *len)
{
    if (t->st != GENAPI_OK || v == NULL)
        return NULL;
    if (!json_object_is_type(v, json_type_string)) {
        ga_jt_type_fail(t, name, v, "a string");
        return NULL;
    }
    const char *s = ga_utf8_dup(t->ar, json_object_get_string(v), (size_t)json_object_get_string_len(v), len);
    if (s == NULL)
        ga_jt_nomem(t);
    return s;
}

const char *ga_jt_str(ga_jt *t, json_object *o, const char *key, size_t *len)
{
    return ga_jt_text(t, member(t, o, key), key, len);
}

int ga_jt_int_value(ga_jt *t, json_object *v, const char *name, int64_t *out)
{
    if (t->st != GENAPI_OK || v == NULL)
        return 0;
    if (!ga_json_int64(v, out)) {
        ga_jt_type_fail(t, name, v, "an integer");
        return 0;
    }
    return 1;
}

int ga_jt_i64(ga_jt *t, json_object *o, const char *key, int64_t *out)
{
    return ga_jt_int_value(t, member(t, o, key), key, out);
}

int ga_jt_num(ga_jt *t, json_object *o, const char *key, double *out)
{
    json_object *v = member(t, o, key);
    if (v == NULL)
        return 0;
    if (!ga_json_number(v, out)) {
        ga_jt_type_fail(t, key, v, "a number");
        return 0;
    }
    return 1;
}

int ga_jt_bool(ga_jt *t, json_object *o, const char *key, int *out)
{
    json_object *v = member(t, o, key);
    if (v == NULL)
        return 0;
    if (!json_object_is_type(v, json_type_boolean)) {
        ga_jt_type_fail(t, key, v, "a boolean");
        return 0;
    }
    *out = json_object_get_boolean(v) ? 1 : 0;
    return 1;
}
