/*
 * Regex parser for guided_regex and JSON Schema "pattern": pattern text (UTF-8) -> AST.
 *
 * Supported: literals (any UTF-8 character), escapes \d \w \s \D \W \S (ASCII meanings, as
 * Python's re.ASCII), \n \t \r \f \v \0 \xHH \x{H...} \uHHHH \UHHHHHHHH, escaped punctuation;
 * classes [...] / [^...] with ranges, escapes and POSIX [:name:] items; '.' (any character but
 * '\n'); groups (...), (?:...), (?P<n>...), (?<n>...), (?>...), comments (?#...); alternation;
 * quantifiers * + ? {m} {m,} {m,n} {,n} (a following '?' or '+' -- lazy / possessive -- is
 * accepted and treated as greedy); anchors ^ \A at the start and $ \Z \z at the end of a
 * top-level branch. Rejected with a message naming the construct: backreferences, lookahead /
 * lookbehind, word boundaries, inline flags, conditionals, Unicode property escapes, anchors
 * elsewhere. The empty assertions (?=) and (?!) are the idioms "always" and "never".
 *
 * The root is always a GD_RX_ALT whose children are the top-level branches.
 */
#include "engine/text/guided/guided_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    gd_arena *ar;
    const gd_alloc_hooks *a;
    const uint8_t *p, *end;
    const uint8_t *start;
    char *msg;
    size_t msgcap;
    int failed;
    int nomem;
    int nest;
} rx_parser;

static void perr(rx_parser *ps, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void perr(rx_parser *ps, const char *fmt, ...)
{
    if (ps->failed)
        return;
    ps->failed = 1;
    if (ps->msg && ps->msgcap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->msg, ps->msgcap, fmt, ap);
        va_end(ap);
    }
}

static void oom(rx_parser *ps)
{
    if (!ps->failed)
        ps->nomem = 1;
    perr(ps, "out of memory");
}

static gd_rx_node *new_node(rx_parser *ps, gd_rx_kind kind)
{
    gd_rx_node *n = gd_arena_alloc(ps->ar, sizeof *n);
    if (n == NULL) {
        oom(ps);
        return NULL;
    }
    n->kind = kind;
    return n;
}

/* A SET node owning an arena copy of the (normalized) heap set s; s is freed. */
static gd_rx_node *set_node(rx_parser *ps, gd_cpset *s)
{
    gd_rx_node *n = NULL;
    if (gd_cpset_normalize(ps->a, s)) {
        oom(ps);
        goto out;
    }
    n = new_node(ps, GD_RX_SET);
    if (n == NULL)
        goto out;
    n->set.n = n->set.cap = s->n;
    if (s->n) {
        n->set.r = gd_arena_alloc(ps->ar, s->n * sizeof *s->r);
        if (n->set.r == NULL) {
            oom(ps);
            n = NULL;
            goto out;
        }
        memcpy(n->set.r, s->r, s->n * sizeof *s->r);
    }
out:
    gd_cpset_free(ps->a, s);
    return n;
}

static gd_rx_node *char_node(rx_parser *ps, uint32_t cp)
{
    gd_cpset s = {0};
    if (gd_cpset_add(ps->a, &s, cp, cp)) {
        oom(ps);
        return NULL;
    }
    return set_node(ps, &s);
}

/* Children collected on the heap, then moved into the arena. */
typedef struct {
    gd_rx_node **v;
    size_t n, cap;
} kids;

static int kids_push(rx_parser *ps, kids *k, gd_rx_node *n)
{
    if (gd_reserve(ps->a, (void **)&k->v, &k->cap, k->n, k->n + 1, sizeof *k->v)) {
        oom(ps);
        return -1;
    }
    k->v[k->n++] = n;
    return 0;
}

static gd_rx_node *kids_node(rx_parser *ps, gd_rx_kind kind, kids *k)
{
    gd_rx_node *n = new_node(ps, kind);
    if (n && k->n) {
        n->kid = gd_arena_alloc(ps->ar, k->n * sizeof *n->kid);
        if (n->kid == NULL) {
            oom(ps);
            n = NULL;
        } else {
            memcpy(n->kid, k->v, k->n * sizeof *n->kid);
            n->nkid = k->n;
        }
    }
    gd_mfree(ps->a, k->v);
    k->v = NULL;
    k->n = k->cap = 0;
    return n;
}

/* ---- shorthand and POSIX classes ---------------------------------------------------------- */

static int add_shorthand(rx_parser *ps, gd_cpset *s, char c)
{
    gd_cpset t = {0};
    int neg = (c == 'D' || c == 'W' || c == 'S');
    int r = 0;
    switch (c) {
    case 'd':
    case 'D':
        r = gd_cpset_add(ps->a, &t, '0', '9');
        break;
    case 'w':
    case 'W':
        r = gd_cpset_add(ps->a, &t, '0', '9') || gd_cpset_add(ps->a, &t, 'A', 'Z') ||
            gd_cpset_add(ps->a, &t, 'a', 'z') || gd_cpset_add(ps->a, &t, '_', '_');
        break;
    default: /* s / S: space, \t \n \v \f \r */
        r = gd_cpset_add(ps->a, &t, ' ', ' ') || gd_cpset_add(ps->a, &t, 0x09u, 0x0Du);
        break;
    }
    if (!r && neg)
        r = gd_cpset_negate(ps->a, &t);
    if (!r)
        r = gd_cpset_add_set(ps->a, s, &t);
    gd_cpset_free(ps->a, &t);
    if (r)
        oom(ps);
    return r ? -1 : 0;
}

static int add_posix(rx_parser *ps, gd_cpset *s, const char *name, size_t len)
{
    static const struct {
        const char *name;
        const char *ranges; /* pairs lo,hi */
    } tab[] = {
        {"alpha", "AZaz"},  {"digit", "09"},         {"alnum", "09AZaz"},     {"upper", "AZ"},
        {"lower", "az"},    {"xdigit", "09AFaf"},    {"word", "09AZaz__"},    {"blank", "  \t\t"},
        {"space", "  \t\r"}, {"punct", "!/:@[`{~"},  {"print", " ~"},         {"graph", "!~"},
        {"cntrl", "\x01\x1f\x7f\x7f"},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        if (strlen(tab[i].name) != len || memcmp(tab[i].name, name, len) != 0)
            continue;
        const char *r = tab[i].ranges;
        for (size_t j = 0; r[j] && r[j + 1]; j += 2)
            if (gd_cpset_add(ps->a, s, (uint8_t)r[j], (uint8_t)r[j + 1])) {
                oom(ps);
                return -1;
            }
        if (strcmp(tab[i].name, "cntrl") == 0 && gd_cpset_add(ps->a, s, 0, 0)) {
            oom(ps);
            return -1;
        }
        return 0;
    }
    perr(ps, "unknown POSIX character class '[:%.*s:]'", (int)len, name);
    return -1;
}

/* ---- escapes -------------------------------------------------------------------------------- */

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_hex(rx_parser *ps, int ndig, uint32_t *cp)
{
    uint32_t v = 0;
    for (int i = 0; i < ndig; i++) {
        if (ps->p >= ps->end || hexval(*ps->p) < 0) {
            perr(ps, "incomplete hexadecimal escape");
            return -1;
        }
        v = v * 16u + (uint32_t)hexval(*ps->p++);
        if (v > GD_MAX_CP) {
            perr(ps, "hexadecimal escape out of the Unicode range");
            return -1;
        }
    }
    *cp = v;
    return 0;
}

/* After a backslash. Returns 1 and *cp for a single character, 2 when a shorthand class was
 * added to `set` (only if set != NULL), 3 for an anchor (\A \Z \z, in *cp as '^' or '$'),
 * -1 on error. */
static int parse_escape(rx_parser *ps, uint32_t *cp, gd_cpset *set, int in_class)
{
    if (ps->p >= ps->end) {
        perr(ps, "pattern ends with a lone backslash");
        return -1;
    }
    uint8_t c = *ps->p++;
    switch (c) {
    case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
        if (set == NULL)
            return -1;
        return add_shorthand(ps, set, (char)c) ? -1 : 2;
    case 'n': *cp = '\n'; return 1;
    case 't': *cp = '\t'; return 1;
    case 'r': *cp = '\r'; return 1;
    case 'f': *cp = '\f'; return 1;
    case 'v': *cp = '\v'; return 1;
    case 'a': *cp = 0x07u; return 1;
    case '0': *cp = 0; return 1;
    case 'x':
        if (ps->p < ps->end && *ps->p == '{') {
            ps->p++;
            uint32_t v = 0;
            int nd = 0;
            while (ps->p < ps->end && hexval(*ps->p) >= 0) {
                v = v * 16u + (uint32_t)hexval(*ps->p++);
                if (v > GD_MAX_CP || ++nd > 8) {
                    perr(ps, "hexadecimal escape out of the Unicode range");
                    return -1;
                }
            }
            if (nd == 0 || ps->p >= ps->end || *ps->p != '}') {
                perr(ps, "malformed \\x{...} escape");
                return -1;
            }
            ps->p++;
            *cp = v;
            return 1;
        }
        return read_hex(ps, 2, cp) ? -1 : 1;
    case 'u': return read_hex(ps, 4, cp) ? -1 : 1;
    case 'U': return read_hex(ps, 8, cp) ? -1 : 1;
    case 'b':
        if (in_class) {
            *cp = 0x08u;
            return 1;
        }
        perr(ps, "word boundary assertion '\\b' is not supported");
        return -1;
    case 'B':
        perr(ps, "word boundary assertion '\\B' is not supported");
        return -1;
    case 'A':
        if (in_class)
            break;
        *cp = '^';
        return 3;
    case 'Z':
    case 'z':
        if (in_class)
            break;
        *cp = '$';
        return 3;
    case 'p':
    case 'P':
        perr(ps, "Unicode property escape '\\%c' is not supported", c);
        return -1;
    case 'g':
    case 'k':
        perr(ps, "backreference '\\%c' is not supported", c);
        return -1;
    default:
        break;
    }
    if (c >= '1' && c <= '9') {
        perr(ps, "backreference '\\%c' is not supported", c);
        return -1;
    }
    if (c < 0x80u && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        *cp = c; /* escaped punctuation, space, etc. */
        return 1;
    }
    if (c >= 0x80u) {
        ps->p--;
        int n = gd_utf8_decode(ps->p, (size_t)(ps->end - ps->p), cp);
        if (n < 0) {
            perr(ps, "invalid UTF-8 in the pattern");
            return -1;
        }
        ps->p += n;
        return 1;
    }
    perr(ps, "unknown escape '\\%c'", c);
    return -1;
}

static int read_char(rx_parser *ps, uint32_t *cp)
{
    int n = gd_utf8_decode(ps->p, (size_t)(ps->end - ps->p), cp);
    if (n < 0) {
        perr(ps, "invalid UTF-8 in the pattern");
        return -1;
    }
    ps->p += n;
    return 0;
}

/* ---- classes -------------------------------------------------------------------------------- */

/* One class item: returns 1 with *cp for a single character, 2 if a set was added, -1 error. */
static int class_atom(rx_parser *ps, gd_cpset *s, uint32_t *cp)
{
    if (*ps->p == '[' && ps->p + 1 < ps->end && ps->p[1] == ':') {
        const uint8_t *q = ps->p + 2;
        while (q + 1 < ps->end && !(q[0] == ':' && q[1] == ']'))
            q++;
        if (q + 1 < ps->end) {
            const char *name = (const char *)ps->p + 2;
            size_t len = (size_t)(q - (ps->p + 2));
            ps->p = q + 2;
            return add_posix(ps, s, name, len) ? -1 : 2;
        }
    }
    if (*ps->p == '\\') {
        ps->p++;
        int r = parse_escape(ps, cp, s, 1);
        return r;
    }
    return read_char(ps, cp) ? -1 : 1;
}

static gd_rx_node *parse_class(rx_parser *ps)
{
    /* ps->p is just after '[' */
    gd_cpset s = {0};
    int neg = 0;
    if (ps->p < ps->end && *ps->p == '^') {
        neg = 1;
        ps->p++;
    }
    int first = 1;
    for (;;) {
        if (ps->p >= ps->end) {
            perr(ps, "unterminated character class");
            goto fail;
        }
        if (*ps->p == ']' && !first) {
            ps->p++;
            break;
        }
        first = 0;
        uint32_t lo = 0, hi = 0;
        int r = class_atom(ps, &s, &lo);
        if (r < 0)
            goto fail;
        if (r == 2) {
            if (ps->p + 1 < ps->end && *ps->p == '-' && ps->p[1] != ']') {
                perr(ps, "bad character range: a class shorthand cannot bound a range");
                goto fail;
            }
            continue;
        }
        hi = lo;
        if (ps->p + 1 < ps->end && *ps->p == '-' && ps->p[1] != ']') {
            ps->p++;
            gd_cpset dummy = {0};
            int r2 = class_atom(ps, &dummy, &hi);
            gd_cpset_free(ps->a, &dummy);
            if (r2 < 0)
                goto fail;
            if (r2 == 2) {
                perr(ps, "bad character range: a class shorthand cannot bound a range");
                goto fail;
            }
            if (hi < lo) {
                perr(ps, "bad character range (end before start)");
                goto fail;
            }
        }
        if (gd_cpset_add(ps->a, &s, lo, hi)) {
            oom(ps);
            goto fail;
        }
    }
    if (neg && gd_cpset_negate(ps->a, &s)) {
        oom(ps);
        goto fail;
    }
    return set_node(ps, &s);
fail:
    gd_cpset_free(ps->a, &s);
    return NULL;
}

/* ---- structure ------------------------------------------------------------------------------ */

static gd_rx_node *parse_alt(rx_parser *ps, int top);

static gd_rx_node *parse_group(rx_parser *ps)
{
    /* ps->p is just after '(' */
    if (ps->p < ps->end && *ps->p == '?') {
        const uint8_t *q = ps->p + 1;
        if (q >= ps->end) {
            perr(ps, "unterminated group");
            return NULL;
        }
        if (*q == ':' || *q == '>') {
            ps->p = q + 1;
        } else if ((*q == '=' || *q == '!') && q + 1 < ps->end && q[1] == ')') {
            /* the idioms (?=) "always" and (?!) "never" */
            ps->p = q + 2;
            if (*q == '=')
                return new_node(ps, GD_RX_EMPTY);
            gd_cpset none = {0};
            return set_node(ps, &none);
        } else if (*q == '=' || *q == '!') {
            perr(ps, "lookahead assertion '(?%c' is not supported", *q);
            return NULL;
        } else if (*q == '<' && q + 1 < ps->end && (q[1] == '=' || q[1] == '!')) {
            perr(ps, "lookbehind assertion '(?<%c' is not supported", q[1]);
            return NULL;
        } else if (*q == 'P' && q + 1 < ps->end && q[1] == '=') {
            perr(ps, "backreference '(?P=' is not supported");
            return NULL;
        } else if (*q == '#') {
            while (q < ps->end && *q != ')')
                q++;
            if (q >= ps->end) {
                perr(ps, "unterminated comment");
                return NULL;
            }
            ps->p = q + 1;
            return new_node(ps, GD_RX_EMPTY);
        } else if ((*q == 'P' && q + 1 < ps->end && q[1] == '<') || *q == '<') {
            q += (*q == 'P') ? 2 : 1;
            const uint8_t *name = q;
            while (q < ps->end && *q != '>')
                q++;
            if (q >= ps->end || q == name) {
                perr(ps, "malformed group name");
                return NULL;
            }
            ps->p = q + 1;
        } else if (*q == '(') {
            perr(ps, "conditional group '(?(' is not supported");
            return NULL;
        } else {
            perr(ps, "inline flags '(?%c' are not supported", *q);
            return NULL;
        }
    }
    if (++ps->nest > GD_REGEX_MAX_NEST) {
        perr(ps, "groups nested too deeply");
        return NULL;
    }
    gd_rx_node *n = parse_alt(ps, 0);
    ps->nest--;
    if (n == NULL)
        return NULL;
    if (ps->p >= ps->end || *ps->p != ')') {
        perr(ps, "missing ')': unterminated group");
        return NULL;
    }
    ps->p++;
    return n;
}

/* Quantifier at ps->p: returns 1 (and min/max) if one was consumed, 0 if none, -1 on error. */
static int parse_quant(rx_parser *ps, int64_t *min, int64_t *max)
{
    if (ps->p >= ps->end)
        return 0;
    uint8_t c = *ps->p;
    if (c == '*' || c == '+' || c == '?') {
        ps->p++;
        *min = (c == '+') ? 1 : 0;
        *max = (c == '?') ? 1 : -1;
    } else if (c == '{') {
        const uint8_t *q = ps->p + 1;
        int64_t m = -1, n = -1;
        int comma = 0;
        while (q < ps->end && *q >= '0' && *q <= '9') {
            m = (m < 0 ? 0 : m) * 10 + (*q++ - '0');
            if (m > 1000000)
                m = 1000000;
        }
        if (q < ps->end && *q == ',') {
            comma = 1;
            q++;
            while (q < ps->end && *q >= '0' && *q <= '9') {
                n = (n < 0 ? 0 : n) * 10 + (*q++ - '0');
                if (n > 1000000)
                    n = 1000000;
            }
        }
        if (q >= ps->end || *q != '}' || (m < 0 && n < 0))
            return 0; /* not a quantifier: '{' is a literal */
        ps->p = q + 1;
        if (m < 0)
            m = 0;
        if (!comma)
            n = m;
        if (m > GD_REGEX_MAX_REPEAT || n > GD_REGEX_MAX_REPEAT) {
            perr(ps, "repetition count too large (the limit is %d)", GD_REGEX_MAX_REPEAT);
            return -1;
        }
        *min = m;
        *max = n; /* n < 0: unbounded; n < m: matches nothing */
    } else {
        return 0;
    }
    if (ps->p < ps->end && (*ps->p == '?' || *ps->p == '+'))
        ps->p++; /* lazy / possessive: treated as greedy */
    return 1;
}

static int at_branch_end(const rx_parser *ps)
{
    return ps->p >= ps->end || *ps->p == '|' || *ps->p == ')';
}

/* One branch: a sequence of quantified atoms. */
static gd_rx_node *parse_branch(rx_parser *ps, int top)
{
    kids k = {0};
    gd_rx_node *br;
    if (top) {
        while (ps->p < ps->end) {
            if (*ps->p == '^') {
                ps->p++;
            } else if (*ps->p == '\\' && ps->p + 1 < ps->end && ps->p[1] == 'A') {
                ps->p += 2;
            } else {
                break;
            }
        }
    }
    while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')') {
        const uint8_t *at = ps->p;
        uint8_t c = *ps->p++;
        gd_rx_node *atom = NULL;
        if (c == '(') {
            atom = parse_group(ps);
        } else if (c == '[') {
            atom = parse_class(ps);
        } else if (c == '.') {
            gd_cpset s = {0};
            if (gd_cpset_add(ps->a, &s, '\n', '\n') || gd_cpset_negate(ps->a, &s)) {
                gd_cpset_free(ps->a, &s);
                oom(ps);
            } else {
                atom = set_node(ps, &s);
            }
        } else if (c == '^' || c == '$') {
            if (c == '$' && top && at_branch_end(ps))
                continue; /* anchors are no-ops under full-match semantics */
            perr(ps, "anchor '%c' is only supported at the %s of the pattern", c,
                 c == '^' ? "start" : "end");
        } else if (c == '*' || c == '+' || c == '?') {
            perr(ps, "nothing to repeat before '%c'", c);
        } else if (c == '{') {
            ps->p = at;
            int64_t mn, mx;
            int q = parse_quant(ps, &mn, &mx);
            if (q == 1)
                perr(ps, "nothing to repeat before '{'");
            else if (q == 0) {
                ps->p = at + 1;
                atom = char_node(ps, '{');
            }
        } else if (c == '\\') {
            gd_cpset s = {0};
            uint32_t cp = 0;
            int r = parse_escape(ps, &cp, &s, 0);
            if (r == 1) {
                atom = char_node(ps, cp);
            } else if (r == 2) {
                atom = set_node(ps, &s);
            } else if (r == 3) {
                if (!(cp == '$' && top && at_branch_end(ps))) {
                    perr(ps, "anchor '\\%c' is only supported at the %s of the pattern", at[1],
                         cp == '^' ? "start" : "end");
                }
            }
            gd_cpset_free(ps->a, &s);
            if (r == 3 && !ps->failed)
                continue;
        } else {
            ps->p = at;
            uint32_t cp;
            if (read_char(ps, &cp) == 0)
                atom = char_node(ps, cp);
        }
        if (atom == NULL || ps->failed)
            goto fail;
        int64_t mn, mx;
        int q, stacked = 0;
        while ((q = parse_quant(ps, &mn, &mx)) == 1) {
            if (++stacked + ps->nest > GD_REGEX_MAX_NEST) {
                perr(ps, "too many stacked quantifiers");
                goto fail;
            }
            gd_rx_node *rep = new_node(ps, GD_RX_REP);
            if (rep == NULL)
                goto fail;
            rep->kid = gd_arena_alloc(ps->ar, sizeof *rep->kid);
            if (rep->kid == NULL) {
                oom(ps);
                goto fail;
            }
            rep->kid[0] = atom;
            rep->nkid = 1;
            rep->min = mn;
            rep->max = mx;
            atom = rep;
        }
        if (q < 0)
            goto fail;
        if (kids_push(ps, &k, atom))
            goto fail;
    }
    br = kids_node(ps, GD_RX_CAT, &k);
    return br;
fail:
    gd_mfree(ps->a, k.v);
    return NULL;
}

static gd_rx_node *parse_alt(rx_parser *ps, int top)
{
    kids k = {0};
    for (;;) {
        gd_rx_node *b = parse_branch(ps, top);
        if (b == NULL || kids_push(ps, &k, b)) {
            gd_mfree(ps->a, k.v);
            return NULL;
        }
        if (ps->p < ps->end && *ps->p == '|') {
            ps->p++;
            continue;
        }
        break;
    }
    if (!top && k.n == 1) {
        gd_rx_node *only = k.v[0];
        gd_mfree(ps->a, k.v);
        return only;
    }
    return kids_node(ps, GD_RX_ALT, &k);
}

gd_rx_node *gd_regex_parse(gd_arena *ar, const char *pattern, size_t len, char *msg, size_t msgcap,
                           int *nomem)
{
    rx_parser ps;
    memset(&ps, 0, sizeof ps);
    ps.ar = ar;
    ps.a = ar->a;
    ps.start = ps.p = (const uint8_t *)pattern;
    ps.end = ps.p + len;
    ps.msg = msg;
    ps.msgcap = msgcap;
    if (msg && msgcap)
        msg[0] = '\0';
    gd_rx_node *root = parse_alt(&ps, 1);
    if (root && ps.p < ps.end) {
        perr(&ps, "unbalanced parenthesis ')'");
        root = NULL;
    }
    *nomem = ps.nomem;
    return ps.failed ? NULL : root;
}
