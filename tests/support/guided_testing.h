/* Helpers shared by the guided-decoding unit tests (tests/test_guided_{regex,json,choice}.c):
 * a synthetic vocabulary, a seeded random driver that walks a constraint to EOS while checking
 * every mask, byte-wise acceptance, the error of a compile that must fail. (Allocation hooks:
 * failing_alloc.h.) */
#ifndef GENAPI_GUIDED_TESTING_H
#define GENAPI_GUIDED_TESTING_H

#include <stddef.h>
#include <stdint.h>

#include "engine/text/guided/guided.h"

/* Synthetic vocabulary: EOS (id 0), the 256 single bytes (ids 1..256), one non-EOS special token
 * "<|pad|>" (257) and GDT_NWORDS multi-byte words from GDT_WORD0 on, in this order:
 * "true", "false", "null", "{\"", "\":", "abc", "12", " the", "\"}", ", \"", "\xc3\xa9", "ab",
 * "a1", "--", "x\xc3". */
#define GDT_NWORDS 15
enum { GDT_EOS = 0, GDT_BYTE0 = 1, GDT_SPECIAL = 257, GDT_WORD0 = 258, GDT_N = GDT_WORD0 + GDT_NWORDS };

typedef struct gdt_tvocab {
    gd_vocab v; /* points into the arrays below: do not copy a gdt_tvocab */
    char bytes[256];
    const char *piece[GDT_N];
    size_t len[GDT_N];
    uint8_t special[GDT_N];
} gdt_tvocab;

void gdt_tvocab_init(gdt_tvocab *t);

/* splitmix64 step. */
uint64_t gdt_rng_next(uint64_t *s);

/* Drive c (built over v, a gdt_tvocab's vocabulary) to EOS with seeded random choices among the
 * allowed tokens for `budget` steps, then greedily towards completion. Every step checks the mask
 * against gd_min_remaining_after, EOS against gd_complete, the special token is never allowed, a
 * disallowed token is refused without effect, and gd_min_remaining matches the prediction.
 * Returns the malloc'ed output (NUL-terminated), its length in *len. */
char *gdt_drive(gd_constraint *c, const gd_vocab *v, uint64_t seed, size_t budget, size_t *len);

/* Reset c and feed s[0..n) byte by byte; 1 if the whole string is accepted (and complete). */
int gdt_accepts(gd_constraint *c, const char *s, size_t n);

/* c and err are what a compile that must fail returned: c is NULL (else the test fails naming
 * `what`, the pattern or schema, and needle), err->status is GENAPI_E_INVALID_ARG, err->param is
 * `param`, and err->message contains needle and "<param>: ". */
void gdt_expect_compile_error(gd_constraint *c, const genapi_error *err, const char *param, const char *what,
                              const char *needle);

#endif
