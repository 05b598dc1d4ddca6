/*
 * Internals of guided decoding, shared by the files of lib/engine/text/guided/.
 *
 * Pipeline: front end (regex_parse.c + regex_nfa.c, choice.c, json_schema*.c + json_value.c +
 * json_number.c) -> one Thompson NFA over bytes (nfa.c; character sets via cpset.c and utf8.c)
 * -> lazily built DFA (dfa.c: subset construction on demand, states pruned of NFA states that
 * cannot reach acceptance, exact distance to acceptance per state) -> per-DFA-state token masks
 * computed by walking a flat pre-order trie of the vocabulary together with the DFA
 * (vocab_trie.c, vocab_mask.c). compile.c holds the gd_compile_* entry points, constraint.c the
 * per-step API, mem.c the allocation helpers over gd_alloc_hooks.
 */
#ifndef GENAPI_ENGINE_GUIDED_INTERNAL_H
#define GENAPI_ENGINE_GUIDED_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/text/guided/guided.h"

/* ---- limits ------------------------------------------------------------------------------ */
#define GD_NFA_MAX_STATES (2u * 1024u * 1024u) /* compile error above this */
#define GD_DFA_MAX_STATES (1u << 20)           /* lazily built; a step above it counts as dead */
#define GD_REGEX_MAX_REPEAT 1000               /* largest {m,n} bound accepted by the parser */
#define GD_REGEX_MAX_NEST 200                  /* group nesting */
#define GD_JSON_MAX_DEPTH 8                    /* nesting of containers in "any JSON value" */
#define GD_JSON_MAX_REF_DEPTH 6                /* same $ref target open at most this many times */
#define GD_JSON_INT_DIGITS 16                  /* integers have at most 16 digits */
#define GD_JSON_FRAC_DIGITS 6                  /* numbers have at most 6 fraction digits */
/* Automaton work, in units of 20-25 ns on the reference machine: one NFA state built, one NFA
 * state or edge visited (distances, epsilon closures, the members of a DFA state scanned for a
 * new transition). Compilation, which includes the allowed-token mask of the start state, may
 * spend GD_WORK_COMPILE (about 0.1 s); a constraint's whole life, the lazily built states of
 * the generation included, GD_WORK_BUDGET (about 0.4 s). Above either, compilation fails, or
 * the step that crossed it (gd_status). Realistic constraints stay far below: "any JSON object"
 * takes 0.35M units to compile, a string of at most 10,000 characters 1.7M. */
#define GD_WORK_COMPILE ((uint64_t)4 << 20)
#define GD_WORK_BUDGET ((uint64_t)16 << 20)
#define GD_DIST_INF UINT32_MAX

/* ---- memory (mem.c) ----------------------------------------------------------------------- */
/* Copy `in` into `out`, using the C library when in is NULL or has no hooks. Returns 0, or -1
 * if only one of the two hooks is set. */
int gd_hooks_resolve(gd_alloc_hooks *out, const gd_alloc_hooks *in);
void *gd_malloc(const gd_alloc_hooks *a, size_t n);
void *gd_calloc(const gd_alloc_hooks *a, size_t count, size_t size); /* zeroed, overflow-checked */
void gd_mfree(const gd_alloc_hooks *a, void *p);
/* Make room for `need` elements of `elem` bytes in *p (capacity *cap, `used` of them in use,
 * which are kept). Returns 0 or -1 (out of memory / overflow; *p is then unchanged). */
int gd_reserve(const gd_alloc_hooks *a, void **p, size_t *cap, size_t used, size_t need, size_t elem);

/* Bump arena: zeroed, 16-byte aligned allocations freed together. */
typedef struct gd_arena_block gd_arena_block;
typedef struct gd_arena {
    const gd_alloc_hooks *a;
    gd_arena_block *head;
} gd_arena;
void gd_arena_init(gd_arena *ar, const gd_alloc_hooks *a);
void *gd_arena_alloc(gd_arena *ar, size_t n);
void gd_arena_free(gd_arena *ar);

/* ---- UTF-8 (utf8.c) ----------------------------------------------------------------------- */
#define GD_MAX_CP 0x10FFFFu
/* Encode cp (<= 0x10FFFF, not a surrogate) into out; returns the length 1..4. */
int gd_utf8_encode(uint32_t cp, uint8_t out[4]);
/* Decode one well-formed sequence at s[0..n-1]; returns its length, or -1 if malformed. */
int gd_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);
/* Call cb once per byte-range sequence covering exactly the UTF-8 encodings of [lo, hi] (no
 * surrogates in the range): sequence i has bytes in [blo[j], bhi[j]] for j < len. Returns 0, or
 * the first non-zero value returned by cb. */
typedef int (*gd_utf8_seq_fn)(void *ctx, const uint8_t *blo, const uint8_t *bhi, int len);
int gd_utf8_sequences(uint32_t lo, uint32_t hi, gd_utf8_seq_fn cb, void *ctx);

/* ---- code point sets (cpset.c) ------------------------------------------------------------ */
typedef struct gd_cprange {
    uint32_t lo, hi;
} gd_cprange;
typedef struct gd_cpset {
    gd_cprange *r;
    size_t n, cap;
} gd_cpset;
int gd_cpset_add(const gd_alloc_hooks *a, gd_cpset *s, uint32_t lo, uint32_t hi);
int gd_cpset_add_set(const gd_alloc_hooks *a, gd_cpset *s, const gd_cpset *t);
/* Sort, merge, clamp to [0, 0x10FFFF] and drop the surrogates D800-DFFF. Returns 0 or -1. */
int gd_cpset_normalize(const gd_alloc_hooks *a, gd_cpset *s);
/* Replace by its complement among the Unicode scalar values. Returns 0 or -1. */
int gd_cpset_negate(const gd_alloc_hooks *a, gd_cpset *s);
/* Keep only what is also in t (both normalized). Returns 0 or -1. */
int gd_cpset_intersect(const gd_alloc_hooks *a, gd_cpset *s, const gd_cpset *t);
void gd_cpset_free(const gd_alloc_hooks *a, gd_cpset *s);
/* The characters a JSON string may hold unescaped in our output: printable ASCII except '"'
 * and '\\', and every non-ASCII scalar value. Returns 0 or -1. */
int gd_cpset_json_string_chars(const gd_alloc_hooks *a, gd_cpset *s);

/* ---- NFA (nfa.c) -------------------------------------------------------------------------- */
enum { GD_NS_EPS = 0, GD_NS_SPLIT = 1, GD_NS_RANGE = 2, GD_NS_MATCH = 3 };
typedef struct gd_nstate {
    uint8_t kind;
    uint8_t lo, hi;   /* GD_NS_RANGE: byte range */
    int32_t out1;     /* -1: dangling (dead end unless patched) */
    int32_t out2;     /* GD_NS_SPLIT only */
} gd_nstate;

/* A fragment with one entry and one exit; `out` is a GD_NS_EPS state whose out1 is unset.
 * {-1,-1} means "building failed" (see gd_nfa.failed). A fragment whose entry cannot reach its
 * exit matches nothing (gd_nfa_fail). */
typedef struct gd_frag {
    int32_t in, out;
} gd_frag;

enum { GD_NFA_OK = 0, GD_NFA_NOMEM = 1, GD_NFA_TOO_BIG = 2, GD_NFA_TOO_MUCH_WORK = 3 };
typedef struct gd_nfa {
    const gd_alloc_hooks *a;
    gd_nstate *s;
    size_t n, cap;
    size_t limit; /* maximum number of states */
    int failed;   /* GD_NFA_* */
    uint64_t work;       /* units spent (see GD_WORK_BUDGET): one per state added */
    uint64_t work_limit; /* GD_WORK_COMPILE unless set otherwise after gd_nfa_init */
} gd_nfa;

void gd_nfa_init(gd_nfa *m, const gd_alloc_hooks *a, size_t limit);
void gd_nfa_release(gd_nfa *m);
int32_t gd_nfa_add(gd_nfa *m, uint8_t kind, uint8_t lo, uint8_t hi, int32_t out1, int32_t out2);
/* Set the (unset) out1 of EPS state `from` to `to`; ignores negative ids. */
void gd_nfa_link(gd_nfa *m, int32_t from, int32_t to);
int gd_frag_ok(gd_frag f);
gd_frag gd_nfa_empty(gd_nfa *m);                 /* matches "" */
gd_frag gd_nfa_fail(gd_nfa *m);                  /* matches nothing */
gd_frag gd_nfa_range(gd_nfa *m, uint8_t lo, uint8_t hi);
gd_frag gd_nfa_bytes(gd_nfa *m, const void *bytes, size_t n);
gd_frag gd_nfa_str(gd_nfa *m, const char *s);
gd_frag gd_nfa_cat(gd_nfa *m, gd_frag a, gd_frag b);
gd_frag gd_nfa_alt(gd_nfa *m, gd_frag a, gd_frag b); /* a | b; a may be {-2,-2} = "none yet" */
gd_frag gd_nfa_opt(gd_nfa *m, gd_frag a);
gd_frag gd_nfa_star(gd_nfa *m, gd_frag a);
gd_frag gd_nfa_cpset(gd_nfa *m, const gd_cpset *s); /* one character of the (normalized) set */
#define GD_FRAG_NONE ((gd_frag){-2, -2})
/* Build `count` of something: the builder is called once per copy (fragments cannot be shared
 * because each copy needs its own exit). */
typedef gd_frag (*gd_frag_builder)(gd_nfa *m, void *ctx);
/* x{min,max} (max < 0: unbounded). */
gd_frag gd_nfa_repeat(gd_nfa *m, gd_frag_builder b, void *ctx, int64_t min, int64_t max);
/* The fragment f restricted to strings of [min, max] characters (max < 0: unbounded), counting
 * UTF-8 lead bytes; built as a product of f's states with a counter. */
gd_frag gd_nfa_len_limit(gd_nfa *m, gd_frag f, int64_t min, int64_t max);
/* Append the accepting state after f; returns the start state id or -1. */
int32_t gd_nfa_finish(gd_nfa *m, gd_frag f);

/* ---- regex (regex_parse.c, regex_nfa.c) ---------------------------------------------------- */
enum {
    GD_RX_JSON_STRING = 1 /* keep only characters a JSON string may hold unescaped */
};
typedef enum { GD_RX_EMPTY, GD_RX_SET, GD_RX_CAT, GD_RX_ALT, GD_RX_REP } gd_rx_kind;
typedef struct gd_rx_node gd_rx_node;
struct gd_rx_node {
    gd_rx_kind kind;
    gd_cpset set;          /* GD_RX_SET (arena-owned ranges) */
    gd_rx_node **kid;      /* GD_RX_CAT / GD_RX_ALT / GD_RX_REP (one) */
    size_t nkid;
    int64_t min, max;      /* GD_RX_REP; max < 0: unbounded */
};
/* Parse `pattern` into an AST allocated from `ar`. On error returns NULL and writes a message
 * (without prefix) into msg; *nomem is set to 1 if the error was running out of memory. */
gd_rx_node *gd_regex_parse(gd_arena *ar, const char *pattern, size_t len, char *msg, size_t msgcap,
                           int *nomem);
/* Parse and add to m; returns the fragment, or {-1,-1} with msg set (parse error) or m->failed. */
gd_frag gd_regex_build(gd_nfa *m, const char *pattern, size_t len, unsigned flags, char *msg,
                       size_t msgcap);

/* ---- choice (choice.c) -------------------------------------------------------------------- */
/* The finite language {choices[i]} built as a byte trie. */
gd_frag gd_choice_build(gd_nfa *m, const char *const *choices, size_t n);

/* ---- JSON (json_value.c, json_number.c, json_schema.c) ----------------------------------- */
gd_frag gd_json_ws(gd_nfa *m);                      /* optional single space */
gd_frag gd_json_string_any(gd_nfa *m, int64_t min_len, int64_t max_len);
gd_frag gd_json_value_any(gd_nfa *m, int depth_left); /* any JSON value, <= depth_left nesting */
gd_frag gd_json_object_any(gd_nfa *m, int depth_left);
/* open (item (',' ws item)*)? close with a single looped copy of item. */
gd_frag gd_json_container(gd_nfa *m, const char *open_s, const char *close_s, gd_frag item);
/* Integers in [lo, hi] (clamped to 16 digits), canonical decimal. */
gd_frag gd_json_int_range(gd_nfa *m, int64_t lo, int64_t hi);
/* Numbers -?I(.F)? with integer-valued bounds; has_lo/has_hi say whether bounds apply;
 * ex_lo/ex_hi make them exclusive. */
gd_frag gd_json_number_range(gd_nfa *m, int has_lo, int64_t lo, int ex_lo, int has_hi, int64_t hi,
                             int ex_hi);
/* Build the NFA of a JSON Schema document, expanding each $ref target at most ref_depth times
 * on any path (deeper expansions match nothing). *cut gets bit 0 if that bound was hit, bit 1
 * if any reference was expanded. On
 * error returns {-1,-1} with msg set (full message with the "guided_json: " prefix), or with
 * m->failed set. */
gd_frag gd_json_schema_build(gd_nfa *m, const char *schema_json, int ref_depth, int *cut, char *msg,
                             size_t msgcap);

/* ---- DFA (dfa.c) -------------------------------------------------------------------------- */
typedef struct gd_dfa_state {
    uint32_t mem_off, mem_n; /* members: important NFA states, sorted */
    uint32_t dist;           /* bytes to the nearest accepting state */
    uint32_t hash;
    uint8_t accept;
} gd_dfa_state;

typedef struct gd_dfa {
    const gd_alloc_hooks *a;
    /* NFA (owned) */
    gd_nstate *ns;
    size_t nn;
    int32_t nfa_start;
    uint32_t *ndist; /* per NFA state: bytes to accept (GD_DIST_INF: dead) */
    /* byte classes */
    uint8_t cls[256];
    uint8_t rep[256];
    uint32_t nclass;
    /* states */
    gd_dfa_state *st;
    size_t nst, capst;
    int32_t *trans; /* nst * nclass; -2 unknown, -1 dead */
    size_t captrans;
    int32_t *mem;   /* member pool */
    size_t nmem, capmem;
    int32_t *hash;  /* open addressing over state ids, -1 empty */
    size_t caphash;
    /* scratch for closures */
    uint32_t *mark;
    uint32_t gen;
    int32_t *stack, *set;
    size_t capstack, capset;
    size_t max_states;
    int failed; /* GD_DFA_* once the state cap, memory or the work budget ran out */
    int32_t start;
    uint64_t work, work_limit; /* units spent (the NFA's included) and allowed (see GD_WORK_BUDGET) */
} gd_dfa;

enum { GD_DFA_OK = 0, GD_DFA_FULL = 1, GD_DFA_WORK = 2, GD_DFA_NOMEM = 3 };

/* Take ownership of m's states (m is emptied, its work carried over), compute distances and the
 * start state. Returns 0, -1 (out of memory), 1 (the language is empty) or 2 (the work budget
 * ran out). */
int gd_dfa_init(gd_dfa *d, const gd_alloc_hooks *a, gd_nfa *m, int32_t start);
void gd_dfa_release(gd_dfa *d);
/* Next state after byte b; -1: dead (or cap, memory or work budget exhausted: d->failed is then
 * set). */
int32_t gd_dfa_step(gd_dfa *d, int32_t s, uint8_t b);
static inline int32_t gd_dfa_step_fast(gd_dfa *d, int32_t s, uint8_t b)
{
    int32_t t = d->trans[(size_t)s * d->nclass + d->cls[b]];
    return t != -2 ? t : gd_dfa_step(d, s, b);
}

/* ---- vocabulary trie and masks (vocab_trie.c, vocab_mask.c) ------------------------------ */
/* Pre-order flat trie: node i (i >= 1; node 0 is the root) has byte label[i], depth[i] >= 1,
 * its subtree spans [i, skip[i]), and tokens tok[tok_off[i] .. tok_off[i+1]) end there. */
typedef struct gd_trie {
    size_t nnodes;
    uint8_t *label;
    uint32_t *depth;
    uint32_t *skip;
    uint32_t *tok_off; /* nnodes + 1 */
    int32_t *tok;
    size_t ntok;
    uint32_t max_depth;
} gd_trie;
int gd_trie_build(gd_trie *t, const gd_alloc_hooks *a, const gd_vocab *v);
void gd_trie_release(gd_trie *t, const gd_alloc_hooks *a);

typedef struct gd_mask_entry {
    uint32_t count; /* allowed non-EOS tokens */
    uint8_t kind;   /* 0: not computed, 1: id list, 2: bitset */
    void *data;
} gd_mask_entry;

/* ---- the constraint (constraint.c) ------------------------------------------------------- */
struct gd_constraint {
    gd_alloc_hooks hooks;
    const gd_vocab *vocab;
    gd_dfa dfa;
    gd_trie trie;
    gd_mask_entry *cache; /* per DFA state */
    size_t capcache;
    size_t cache_bytes;
    int32_t *scratch;     /* token ids collected by a trie walk */
    size_t capscratch;
    int32_t *walk;        /* DFA state per trie depth */
    gd_cursor pos;        /* the position gd_reset / gd_allowed / gd_advance use */
    uint64_t n_mask_computed, n_mask_hits;
    uint64_t spread[256]; /* byte b -> 8 mask bytes (0/1), for expanding cached bitsets */
    const char *kind;     /* "guided_regex", "guided_json", ... (static) */
    char param[64];       /* the request parameter it came from */
};

/* Fill c->spread (once, at creation). */
void gd_mask_init(gd_constraint *c);
/* Compute (or fetch) the allowed-token set of DFA state s and write the mask. */
size_t gd_mask_fill(gd_constraint *c, int32_t s, uint8_t *mask);
void gd_mask_cache_release(gd_constraint *c);

/* Check the common compile arguments and resolve the hooks; 0, or -1 with err filled. */
int gd_check_args(gd_alloc_hooks *out, const gd_alloc_hooks *a, const gd_vocab *v, const char *kind,
                  const char *param_name, genapi_error *err);
/* Report an NFA build failure (m->failed) as an error; returns NULL. */
gd_constraint *gd_build_error(const gd_nfa *m, const char *kind, const char *param_name, genapi_error *err);
/* Create a constraint from the NFA fragment f (the NFA is consumed). `empty_msg` completes the
 * error "<kind>: <empty_msg>" when the language is empty. On failure fills err, returns NULL. */
gd_constraint *gd_constraint_from_nfa(const gd_alloc_hooks *a, const gd_vocab *v, gd_nfa *m, gd_frag f,
                                      const char *kind, const char *empty_msg, const char *param_name,
                                      genapi_error *err);

#endif
