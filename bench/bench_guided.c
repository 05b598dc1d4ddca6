/*
 * Cost per generated token of guided_json masking (lib/engine/text/guided).
 *
 * Vocabulary: EOS (id 0, special), the 256 single bytes (so every state can always complete),
 * then random byte strings of length 1..8 from a fixed-seed generator, 32,000 non-special
 * tokens in all. Two byte distributions: "random" (uniform bytes 0..255) and "text" (90%
 * printable ASCII, 10% any byte), the latter having far more live trie nodes per state.
 *
 * Schema: an object with string / integer / enum / array-of-strings / number / boolean
 * properties and one $ref to a $defs object (city string + zip pattern).
 *
 * Each run drives a fresh output: at each step, seeded random choice among the allowed tokens
 * (steered to completion with gd_min_remaining_after over the single-byte tokens after a
 * budget of 64 steps). Each step's gd_allowed + gd_advance is timed on its own with
 * CLOCK_MONOTONIC; a step is "first visit" if gd_allowed had to walk the vocabulary (the DFA
 * state's mask was not cached yet) and "cached" otherwise. Baseline: the same number of steps
 * of a plain memset of the mask, in the same run.
 *
 * Usage: bench_guided [runs]   (default 200 generations per vocabulary)
 */
#include "engine/text/guided/guided.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NV_TOKENS 32000 /* non-special tokens */
#define NV (NV_TOKENS + 1)
#define BUDGET 64

static const char schema[] =
    "{\"$defs\":{\"addr\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":20},"
    "\"zip\":{\"type\":\"string\",\"pattern\":\"^[0-9]{5}$\"}},\"required\":[\"city\",\"zip\"]}},"
    "\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":40},"
    "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":130},"
    "\"role\":{\"enum\":[\"admin\",\"user\",\"guest\"]},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":12},\"maxItems\":5},"
    "\"address\":{\"$ref\":\"#/$defs/addr\"},\"score\":{\"type\":\"number\"},\"active\":{\"type\":\"boolean\"}},"
    "\"required\":[\"name\",\"age\",\"role\",\"tags\",\"address\"],\"additionalProperties\":false}";

static uint64_t rng(uint64_t *s)
{
    uint64_t x = *s += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

typedef struct {
    double *v;
    size_t n, cap;
} series;

static void push(series *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (s->v == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    s->v[s->n++] = x;
}

static void stats(series *s, double *median, double *mean)
{
    *median = *mean = 0;
    if (s->n == 0)
        return;
    qsort(s->v, s->n, sizeof *s->v, cmp_d);
    *median = s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += s->v[i];
    *mean = sum / (double)s->n;
}

static void run_vocab(const char *label, int text_like, int runs)
{
    static char store[NV * 8];
    static const char *piece[NV];
    static size_t len[NV];
    static uint8_t special[NV];
    uint64_t rs = 20240601u;
    piece[0] = "<|endoftext|>";
    len[0] = strlen(piece[0]);
    special[0] = 1;
    for (size_t i = 1; i < NV; i++) {
        char *p = store + i * 8;
        size_t l = i <= 256 ? 1 : 1 + rng(&rs) % 8;
        for (size_t j = 0; j < l; j++) {
            if (i <= 256)
                p[j] = (char)(i - 1);
            else if (text_like && rng(&rs) % 10 != 0)
                p[j] = (char)(0x20 + rng(&rs) % 95);
            else
                p[j] = (char)(rng(&rs) % 256);
        }
        piece[i] = p;
        len[i] = l;
        special[i] = 0;
    }
    gd_vocab v = {NV, piece, len, special, 0};

    genapi_error err;
    double t0 = now_us();
    gd_constraint *c = gd_compile_json_schema(NULL, &v, schema, "guided_json", &err);
    double compile_us = now_us() - t0;
    if (c == NULL) {
        fprintf(stderr, "compile failed: %s\n", err.message);
        exit(1);
    }
    uint8_t *mask = malloc(NV);
    int32_t *cand = malloc(NV * sizeof *cand);
    if (mask == NULL || cand == NULL)
        exit(1);
    series first = {0}, cached = {0}, base = {0};
    size_t steps = 0, allowed_sum = 0, out_bytes = 0;
    uint64_t rs2 = 7;
    for (int r = 0; r < runs; r++) {
        gd_reset(c);
        for (int step = 0;; step++) {
            gd_stats before, after;
            gd_get_stats(c, &before);
            double a = now_us();
            size_t na = gd_allowed(c, mask);
            double b = now_us();
            gd_get_stats(c, &after);
            /* choose (untimed) */
            int32_t tok = -1;
            if (step < BUDGET) {
                if (mask[0] && rng(&rs2) % 4 == 0) {
                    tok = 0;
                } else {
                    size_t nc = 0;
                    for (size_t t = 1; t < NV; t++)
                        if (mask[t])
                            cand[nc++] = (int32_t)t;
                    tok = nc ? cand[rng(&rs2) % nc] : 0;
                }
            } else if (mask[0]) {
                tok = 0;
            } else {
                size_t best = SIZE_MAX, nc = 0;
                for (int32_t t = 1; t <= 256; t++) {
                    size_t d = mask[t] ? gd_min_remaining_after(c, t) : SIZE_MAX;
                    if (d < best) {
                        best = d;
                        nc = 0;
                    }
                    if (d == best && d != SIZE_MAX)
                        cand[nc++] = t;
                }
                tok = cand[rng(&rs2) % nc];
            }
            double e = now_us();
            int rc = gd_advance(c, tok);
            double f = now_us();
            if (rc != 0 || na == 0) {
                fprintf(stderr, "unexpected: advance %d, allowed %zu\n", rc, na);
                exit(1);
            }
            double us = (b - a) + (f - e);
            if (after.masks_computed > before.masks_computed)
                push(&first, us);
            else
                push(&cached, us);
            /* baseline: one pass that just clears the mask */
            double g = now_us();
            memset(mask, 0, NV);
            __asm__ volatile("" : : "r"(mask) : "memory");
            double h = now_us();
            push(&base, h - g);
            steps++;
            allowed_sum += na;
            if (tok == 0)
                break;
            out_bytes += len[tok];
        }
    }
    gd_stats st;
    gd_get_stats(c, &st);
    double fm, fa, cm, ca, bm, ba;
    size_t nfirst = first.n, ncached = cached.n;
    stats(&first, &fm, &fa);
    stats(&cached, &cm, &ca);
    stats(&base, &bm, &ba);
    printf("vocabulary: %s (%d tokens + EOS), schema compile %.1f ms, NFA %zu states\n", label, NV_TOKENS,
           compile_us / 1000.0, st.nfa_states);
    printf("  %d generations, %zu steps, %.1f output bytes/generation, %.0f allowed tokens/step on average\n",
           runs, steps, (double)out_bytes / runs, (double)allowed_sum / (double)steps);
    printf("  DFA states built %zu, masks cached %zu (%.1f KiB)\n", st.dfa_states, st.masks_cached,
           (double)st.mask_cache_bytes / 1024.0);
    printf("  %-34s %8s %10s %10s\n", "per step (gd_allowed+gd_advance)", "steps", "median us", "mean us");
    printf("  %-34s %8zu %10.2f %10.2f\n", "first visit (vocabulary walk)", nfirst, fm, fa);
    printf("  %-34s %8zu %10.2f %10.2f\n", "cached", ncached, cm, ca);
    printf("  %-34s %8zu %10.2f %10.2f\n", "baseline memset of the mask", base.n, bm, ba);
    printf("  ratio cached/baseline: median %.1fx, mean %.1fx; first-visit/baseline: median %.0fx\n\n",
           bm > 0 ? cm / bm : 0, ba > 0 ? ca / ba : 0, bm > 0 ? fm / bm : 0);
    printf("TABLE|guided_json mask per token, cached state (%s vocabulary)|%.2f µs|memset of the mask %.2f µs|%.2f|"
           "report|yes\n",
           label, cm, bm, bm > 0 ? cm / bm : 0);
    free(first.v);
    free(cached.v);
    free(base.v);
    free(mask);
    free(cand);
    gd_free(c);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 200;
    if (runs < 1)
        runs = 1;
    printf("bench_guided: guided_json mask cost per token\n\n");
    run_vocab("random bytes", 0, runs);
    run_vocab("text-like bytes", 1, runs);
    return 0;
}
