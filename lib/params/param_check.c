/* Generic, descriptor-driven access and range checks for parameter structs. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "params/param_internal.h"
#include "util/err.h"

#define FIELD(s, d, type) ((type *)(void *)((char *)(s) + (d)->offset))
#define CFIELD(s, d, type) ((const type *)(const void *)((const char *)(s) + (d)->offset))

int ga_param_is_set(const ga_param_table *t, const void *s, size_t index)
{
    const uint64_t *bits = (const uint64_t *)(const void *)((const char *)s + t->is_set_offset);
    return (int)((bits[index / 64] >> (index % 64)) & 1u);
}

void ga_param_mark(const ga_param_table *t, void *s, size_t index, int set)
{
    uint64_t *bits = (uint64_t *)(void *)((char *)s + t->is_set_offset);
    uint64_t bit = (uint64_t)1 << (index % 64);
    if (set)
        bits[index / 64] |= bit;
    else
        bits[index / 64] &= ~bit;
}

const genapi_param_desc *ga_param_find(const ga_param_table *t, const char *json_name)
{
    if (json_name == NULL)
        return NULL;
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->descs[i].json_name, json_name) == 0)
            return &t->descs[i];
    return NULL;
}

int32_t ga_param_choice_index(const genapi_param_desc *d, const char *text, size_t len)
{
    if (d->choices == NULL)
        return -1;
    const char *c = d->choices;
    for (int32_t i = 0;; i++) {
        const char *end = strchr(c, '|');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (n == len && memcmp(c, text, n) == 0)
            return i;
        if (end == NULL)
            return -1;
        c = end + 1;
    }
}

const char *ga_param_choice(const genapi_param_desc *d, int32_t index, char *buf, size_t cap)
{
    if (d->choices == NULL || index < 0)
        return NULL;
    const char *c = d->choices;
    for (int32_t i = 0; i < index; i++) {
        c = strchr(c, '|');
        if (c == NULL)
            return NULL;
        c++;
    }
    const char *end = strchr(c, '|');
    size_t n = end ? (size_t)(end - c) : strlen(c);
    if (n + 1 > cap)
        return NULL;
    memcpy(buf, c, n);
    buf[n] = '\0';
    return buf;
}

/* "[0, 1]", "(0, 1]", ">= 1", "> 1", "<= 5" … */
static void range_text(const genapi_param_desc *d, char *buf, size_t cap)
{
    uint32_t f = d->range_flags;
    int lo = (f & (GENAPI_RANGE_MIN | GENAPI_RANGE_MIN_OPEN)) != 0;
    int hi = (f & (GENAPI_RANGE_MAX | GENAPI_RANGE_MAX_OPEN)) != 0;
    if (lo && hi)
        snprintf(buf, cap, "in %c%g, %g%c", (f & GENAPI_RANGE_MIN_OPEN) ? '(' : '[', d->min, d->max,
                 (f & GENAPI_RANGE_MAX_OPEN) ? ')' : ']');
    else if (lo)
        snprintf(buf, cap, "%s %g", (f & GENAPI_RANGE_MIN_OPEN) ? ">" : ">=", d->min);
    else if (hi)
        snprintf(buf, cap, "%s %g", (f & GENAPI_RANGE_MAX_OPEN) ? "<" : "<=", d->max);
    else
        snprintf(buf, cap, "finite");
    if (f & GENAPI_RANGE_NONZERO) {
        size_t n = strlen(buf);
        snprintf(buf + n, cap - n, " and not 0");
    }
}

static int in_range(const genapi_param_desc *d, double v)
{
    uint32_t f = d->range_flags;
    if (!isfinite(v))
        return 0;
    if ((f & GENAPI_RANGE_MIN) && v < d->min)
        return 0;
    if ((f & GENAPI_RANGE_MIN_OPEN) && v <= d->min)
        return 0;
    if ((f & GENAPI_RANGE_MAX) && v > d->max)
        return 0;
    if ((f & GENAPI_RANGE_MAX_OPEN) && v >= d->max)
        return 0;
    if ((f & GENAPI_RANGE_NONZERO) && v == 0)
        return 0;
    return 1;
}

static genapi_status range_error(const genapi_param_desc *d, genapi_error *err, const char *what, double v)
{
    char r[96];
    range_text(d, r, sizeof r);
    return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s%s must be %s, got %.17g.", d->json_name, what, r, v);
}

static int number_in_choices(const genapi_param_desc *d, double v)
{
    const char *c = d->choices;
    while (c && *c) {
        char *end;
        double x = strtod(c, &end);
        if (end != c && x == v)
            return 1;
        c = strchr(c, '|');
        if (c)
            c++;
    }
    return 0;
}

static genapi_status check_number(const genapi_param_desc *d, double v, genapi_error *err)
{
    if (d->choices) {
        if (!number_in_choices(d, v))
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must be one of %s, got %.17g.", d->json_name,
                          d->choices, v);
        return GENAPI_OK;
    }
    if (!in_range(d, v))
        return range_error(d, err, "", v);
    return GENAPI_OK;
}

static genapi_status check_intlist(const genapi_param_desc *d, const genapi_intlist *l, genapi_error *err,
                                   const char *what)
{
    if (l->count > 0 && l->items == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s%s has %zu items but no item array.", d->json_name,
                      what, l->count);
    if (d->range_flags & GENAPI_RANGE_ITEMS)
        for (size_t i = 0; i < l->count; i++)
            if (!in_range(d, (double)l->items[i])) {
                char r[96];
                range_text(d, r, sizeof r);
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s%s[%zu] must be %s, got %lld.",
                              d->json_name, what, i, r, (long long)l->items[i]);
            }
    return GENAPI_OK;
}

static genapi_status check_json_text(const genapi_param_desc *d, const char *text, genapi_error *err)
{
    if (text == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s is set but NULL.", d->json_name);
    json_object *v = ga_json_parse(text, strlen(text));
    if (v == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must be valid JSON text (one value, nothing after it).",
                      d->json_name);
    genapi_status st = GENAPI_OK;
    int want_array = strcmp(d->json_name, "logits_processors") == 0;
    json_type t = json_object_get_type(v);
    if (strcmp(d->json_name, "guided_json") == 0 && t == json_type_string) {
        /* A schema may be sent as a string holding the JSON object. */
        json_object *inner = ga_json_parse(json_object_get_string(v), (size_t)json_object_get_string_len(v));
        t = inner ? json_object_get_type(inner) : json_type_null;
        json_object_put(inner);
    }
    if (want_array && t != json_type_array)
        st = ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must be a JSON array.", d->json_name);
    else if (!want_array && t != json_type_object)
        st = ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must be a JSON object.", d->json_name);
    json_object_put(v);
    return st;
}

/* Base64 image data as the image servers decode it: an optional `data:image/TYPE;base64,` prefix,
 * then standard base64 with padding. The alphabet and padding are checked by decoding with
 * libsodium into a scratch buffer, chunk by chunk (the decoded bytes are thrown away). */
const char *ga_base64_image_problem(const char *text)
{
    if (text == NULL || text[0] == '\0')
        return "must not be empty";
    const char *b64 = text;
    if (strncmp(text, "data:", 5) == 0) {
        if (strncmp(text, "data:image/", 11) != 0)
            return "is a data URI without an image/ media type";
        const char *semi = strchr(text + 11, ';');
        if (semi == NULL || semi == text + 11 || strncmp(semi, ";base64,", 8) != 0 || memchr(text, ',', (size_t)(semi - text)))
            return "is a data URI that is not data:image/TYPE;base64,DATA";
        b64 = semi + 8;
        if (b64[0] == '\0')
            return "is a data URI without data";
    }
    size_t len = strlen(b64);
    /* Base64 text is ASCII; libsodium's decoder (1.0.18) reads bytes from 0x80 up as digits. */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)b64[i] >= 0x80u)
            return "is not valid base64 (a character outside A-Z a-z 0-9 + / or bad padding)";
    if (len % 4 != 0)
        return "is not valid base64 (the length is not a multiple of 4: missing or extra padding?)";
    enum { CHUNK = 4096 }; /* a multiple of 4: chunks decode independently */
    unsigned char scratch[CHUNK / 4 * 3];
    for (size_t off = 0; off < len; off += CHUNK) {
        size_t n = len - off < CHUNK ? len - off : CHUNK, bin_len = 0;
        if (off + n < len && memchr(b64 + off, '=', n) != NULL)
            return "is not valid base64 (padding before the end)";
        if (sodium_base642bin(scratch, sizeof scratch, b64 + off, n, NULL, &bin_len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0)
            return "is not valid base64 (a character outside A-Z a-z 0-9 + / or bad padding)";
    }
    return NULL;
}

genapi_status ga_param_check(const genapi_param_desc *d, const void *s, genapi_error *err)
{
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_DOUBLE:
        return check_number(d, *CFIELD(s, d, double), err);
    case GENAPI_PK_INT:
        return check_number(d, (double)*CFIELD(s, d, int64_t), err);
    case GENAPI_PK_BOOL: {
        int32_t v = *CFIELD(s, d, int32_t);
        if (v != 0 && v != 1)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must be 0 or 1, got %d.", d->json_name, (int)v);
        return GENAPI_OK;
    }
    case GENAPI_PK_ENUM: {
        char buf[64];
        if (ga_param_choice(d, *CFIELD(s, d, int32_t), buf, sizeof buf) == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must be one of %s (index), got %d.",
                          d->json_name, d->choices, (int)*CFIELD(s, d, int32_t));
        return GENAPI_OK;
    }
    case GENAPI_PK_STRING: {
        const char *v = *CFIELD(s, d, char *);
        if (v == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s is set but NULL.", d->json_name);
        if ((d->range_flags & GENAPI_RANGE_NONEMPTY) && v[0] == '\0')
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must not be empty.", d->json_name);
        if (d->range_flags & GENAPI_RANGE_BASE64) {
            const char *problem = ga_base64_image_problem(v);
            if (problem)
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s %s.", d->json_name, problem);
        }
        return GENAPI_OK;
    }
    case GENAPI_PK_JSON:
        return check_json_text(d, *CFIELD(s, d, char *), err);
    case GENAPI_PK_STRLIST: {
        const genapi_strlist *l = CFIELD(s, d, genapi_strlist);
        if ((d->range_flags & GENAPI_RANGE_NONEMPTY) && l->count == 0)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must not be empty.", d->json_name);
        if (l->count > 0 && l->items == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s has %zu items but no item array.",
                          d->json_name, l->count);
        for (size_t i = 0; i < l->count; i++) {
            if (l->items[i] == NULL)
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s[%zu] is NULL.", d->json_name, i);
            if ((d->range_flags & GENAPI_RANGE_ITEMS) && l->items[i][0] == '\0')
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s cannot contain an empty string.",
                              d->json_name);
            if (d->range_flags & GENAPI_RANGE_BASE64) {
                const char *problem = ga_base64_image_problem(l->items[i]);
                if (problem)
                    return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s[%zu] %s.", d->json_name, i, problem);
            }
        }
        return GENAPI_OK;
    }
    case GENAPI_PK_INTLIST:
    case GENAPI_PK_SAMPLERS: {
        const genapi_intlist *l = CFIELD(s, d, genapi_intlist);
        if ((d->range_flags & GENAPI_RANGE_NONEMPTY) && l->count == 0)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s must not be empty.", d->json_name);
        return check_intlist(d, l, err, "");
    }
    case GENAPI_PK_INTLISTS: {
        const genapi_intlists *l = CFIELD(s, d, genapi_intlists);
        if (l->count > 0 && l->items == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s has %zu items but no item array.",
                          d->json_name, l->count);
        for (size_t i = 0; i < l->count; i++) {
            if (l->items[i].count == 0)
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s[%zu] must not be empty.", d->json_name, i);
            genapi_status st = check_intlist(d, &l->items[i], err, "[i]");
            if (st != GENAPI_OK)
                return st;
        }
        return GENAPI_OK;
    }
    case GENAPI_PK_BIAS: {
        const genapi_token_biases *l = CFIELD(s, d, genapi_token_biases);
        if (l->count > 0 && l->items == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s has %zu items but no item array.",
                          d->json_name, l->count);
        for (size_t i = 0; i < l->count; i++) {
            if (l->items[i].token < 0)
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s token ids must be >= 0, got %lld.",
                              d->json_name, (long long)l->items[i].token);
            if (!in_range(d, l->items[i].bias))
                return range_error(d, err, " values", l->items[i].bias);
        }
        return GENAPI_OK;
    }
    case GENAPI_PK_BANRANGES: {
        const genapi_token_ban_ranges *l = CFIELD(s, d, genapi_token_ban_ranges);
        if (l->count > 0 && l->items == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name, "%s has %zu items but no item array.",
                          d->json_name, l->count);
        for (size_t i = 0; i < l->count; i++) {
            const genapi_token_ban_range *r = &l->items[i];
            if (r->start < 0 || r->length < 0)
                return ga_err(err, GENAPI_E_INVALID_ARG, d->json_name,
                              "%s[%zu] start and length must be >= 0, got %lld and %lld.", d->json_name, i,
                              (long long)r->start, (long long)r->length);
            genapi_status st = check_intlist(d, &r->tokens, err, "[i].tokens");
            if (st != GENAPI_OK)
                return st;
        }
        return GENAPI_OK;
    }
    }
    return ga_err(err, GENAPI_E_INTERNAL, d->json_name, "unknown parameter kind %d", (int)d->kind);
}

int ga_tool_name_ok(const char *n)
{
    size_t len = n ? strlen(n) : 0;
    if (len == 0 || len > GA_TOOL_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = n[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '-'))
            return 0;
    }
    return 1;
}
