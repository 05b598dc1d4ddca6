/*
 * Building blocks of the JSON automata: whitespace, strings, and "any JSON value / object"
 * with a nesting bound.
 *
 * Output shape (documented in doc/guided.md): compact JSON where a single optional space may
 * follow ':' and ','; no other whitespace. Strings hold printable ASCII except '"' and '\\'
 * plus any well-formed non-ASCII UTF-8, never escapes: always valid JSON, and a string's length
 * in characters is simply its number of UTF-8 lead bytes.
 */
#include "engine/text/guided/guided_internal.h"

gd_frag gd_json_ws(gd_nfa *m)
{
    return gd_nfa_opt(m, gd_nfa_str(m, " "));
}

static gd_frag string_char(gd_nfa *m, void *ctx)
{
    (void)ctx;
    gd_cpset s = {0};
    gd_frag f = {-1, -1};
    if (gd_cpset_json_string_chars(m->a, &s))
        m->failed = GD_NFA_NOMEM;
    else
        f = gd_nfa_cpset(m, &s);
    gd_cpset_free(m->a, &s);
    return f;
}

gd_frag gd_json_string_any(gd_nfa *m, int64_t min_len, int64_t max_len)
{
    gd_frag f = gd_nfa_cat(m, gd_nfa_str(m, "\""), gd_nfa_repeat(m, string_char, NULL, min_len, max_len));
    return gd_nfa_cat(m, f, gd_nfa_str(m, "\""));
}

static gd_frag scalars(gd_nfa *m)
{
    gd_frag f = gd_json_string_any(m, 0, -1);
    f = gd_nfa_alt(m, f, gd_json_number_range(m, 0, 0, 0, 0, 0, 0));
    f = gd_nfa_alt(m, f, gd_nfa_str(m, "true"));
    f = gd_nfa_alt(m, f, gd_nfa_str(m, "false"));
    return gd_nfa_alt(m, f, gd_nfa_str(m, "null"));
}

/* open (item (sep item)*)? close, with one copy of item looped. */
static gd_frag container(gd_nfa *m, const char *open_s, const char *close_s, gd_frag item)
{
    gd_frag open = gd_nfa_str(m, open_s);
    gd_frag close = gd_nfa_str(m, close_s);
    gd_frag sep = gd_nfa_cat(m, gd_nfa_str(m, ","), gd_json_ws(m));
    if (!gd_frag_ok(open) || !gd_frag_ok(close) || !gd_frag_ok(sep) || !gd_frag_ok(item) || m->failed)
        return (gd_frag){-1, -1};
    int32_t s1 = gd_nfa_add(m, GD_NS_SPLIT, 0, 0, close.in, item.in);
    int32_t s2 = gd_nfa_add(m, GD_NS_SPLIT, 0, 0, close.in, sep.in);
    gd_nfa_link(m, open.out, s1);
    gd_nfa_link(m, item.out, s2);
    gd_nfa_link(m, sep.out, item.in);
    return m->failed ? (gd_frag){-1, -1} : (gd_frag){open.in, close.out};
}

gd_frag gd_json_object_any(gd_nfa *m, int depth_left)
{
    if (depth_left < 1)
        return gd_nfa_fail(m);
    gd_frag member = gd_nfa_cat(m, gd_json_string_any(m, 0, -1), gd_nfa_str(m, ":"));
    member = gd_nfa_cat(m, member, gd_json_ws(m));
    member = gd_nfa_cat(m, member, gd_json_value_any(m, depth_left - 1));
    return container(m, "{", "}", member);
}

static gd_frag array_any(gd_nfa *m, int depth_left)
{
    if (depth_left < 1)
        return gd_nfa_fail(m);
    return container(m, "[", "]", gd_json_value_any(m, depth_left - 1));
}

gd_frag gd_json_value_any(gd_nfa *m, int depth_left)
{
    gd_frag f = scalars(m);
    if (depth_left >= 1) {
        f = gd_nfa_alt(m, f, gd_json_object_any(m, depth_left));
        f = gd_nfa_alt(m, f, array_any(m, depth_left));
    }
    return f;
}

gd_frag gd_json_container(gd_nfa *m, const char *open_s, const char *close_s, gd_frag item)
{
    return container(m, open_s, close_s, item);
}
