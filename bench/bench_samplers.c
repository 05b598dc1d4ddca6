/*
 * Cost per sampled token of the sampler pipeline (lib/engine/text/samplers).
 *
 * Logits: N(0, 3^2) from a fixed-seed generator, a pool of distinct vectors generated before
 * any timing and cycled, so every token sees fresh logits (the copy into the working buffer
 * is outside the timed region). Each token is timed on its own with CLOCK_MONOTONIC; the
 * report gives median and mean microseconds per token and the ratio to a plain
 * "full softmax + draw" baseline measured in the same run.
 *
 * Usage: bench_samplers [scale] [only]    tokens per configuration = 2000 * scale (default 1);
 *        only: run the baseline and the chains whose name contains this text, e.g. "(c1)"
 *
 * Chain (c1) is also compared with a reference written here that runs llama.cpp's algorithm
 * for the same chain (see llama_ref_sample); "TABLE|" lines feed bench/run_all.sh.
 */
#include "engine/text/samplers/samplers.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL 32
#define HIST 64
#define WARMUP 50

typedef struct {
    const char *name;
    gsamp_config cfg;
    int baseline; /* 1: full softmax + draw; 2: the llama.cpp-style top-k reference */
} chain;

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static double next_unit(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return ((double)(rng_state >> 11) + 0.5) * 0x1.0p-53;
}

static float next_normal(double sd)
{
    double u1 = next_unit(), u2 = next_unit();
    return (float)(sd * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The reference point: max, exp of every logit, sum, one uniform, cumulative scan. */
static int32_t baseline_sample(const float *l, size_t n, float *p, double u)
{
    float m = l[0];
    for (size_t i = 1; i < n; i++)
        m = l[i] > m ? l[i] : m;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        p[i] = expf(l[i] - m);
        sum += (double)p[i];
    }
    double target = u * sum, acc = 0.0;
    for (size_t i = 0; i < n; i++) {
        acc += (double)p[i];
        if (acc > target)
            return (int32_t)i;
    }
    return (int32_t)(n - 1);
}

/* ---------------------------------------------------------------------------------------------
 * Reference for chain (c1): the algorithm llama.cpp runs for a top-k 1000 + dist chain, written
 * here in C (llama.cpp is not a dependency): fill a candidate array {id, logit, p} for the
 * whole vocabulary; top-k with k > 128 is a bucket partial sort (128 buckets over logits
 * [-10, 10], the buckets above the one where the count from the top reaches k are gathered
 * and sorted, the crossing bucket partially sorted); then softmax over the k sorted
 * candidates (expf) and a draw by cumulative scan. The sorts are typed (no qsort callback),
 * introsort-like quicksort with insertion sort for short ranges, heap selection for the
 * partial sort, as std::sort / std::partial_sort do. */
typedef struct cand {
    int32_t id;
    float logit, p;
} cand;

static void cand_swap(cand *a, cand *b)
{
    cand t = *a;
    *a = *b;
    *b = t;
}

static void cand_insertion(cand *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        cand v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1].logit < v.logit; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static void cand_sort(cand *a, size_t n) /* logit descending */
{
    while (n > 16) {
        size_t m = n / 2;
        if (a[m].logit > a[0].logit)
            cand_swap(&a[m], &a[0]);
        if (a[n - 1].logit > a[0].logit)
            cand_swap(&a[n - 1], &a[0]);
        if (a[n - 1].logit > a[m].logit)
            cand_swap(&a[n - 1], &a[m]);
        const float pv = a[m].logit;
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i].logit > pv)
                i++;
            while (a[j].logit < pv)
                j--;
            if (i >= j)
                break;
            cand_swap(&a[i++], &a[j--]);
        }
        /* recurse into the smaller side */
        if (j + 1 < n - j - 1) {
            cand_sort(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            cand_sort(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    cand_insertion(a, n);
}

static void heap_down(cand *h, size_t n, size_t i) /* min-heap on logit */
{
    for (;;) {
        size_t l = 2 * i + 1, s = i;
        if (l < n && h[l].logit < h[s].logit)
            s = l;
        if (l + 1 < n && h[l + 1].logit < h[s].logit)
            s = l + 1;
        if (s == i)
            return;
        cand_swap(&h[i], &h[s]);
        i = s;
    }
}

static void cand_partial_sort(cand *a, size_t m, size_t n) /* the m largest first, sorted */
{
    if (m == 0)
        return;
    for (size_t i = m / 2; i-- > 0;)
        heap_down(a, m, i);
    for (size_t i = m; i < n; i++)
        if (a[i].logit > a[0].logit) {
            cand_swap(&a[i], &a[0]);
            heap_down(a, m, 0);
        }
    for (size_t e = m; e > 1; e--) { /* sort_heap: smallest to the end */
        cand_swap(&a[0], &a[e - 1]);
        heap_down(a, e - 1, 0);
    }
}

typedef struct llama_ref {
    cand *all, *tmp;
    int32_t *bucket;
} llama_ref;

static int32_t llama_ref_sample(llama_ref *r, const float *logits, size_t n, size_t k, double u)
{
    enum { NB = 128 };
    const float scale = (float)NB / 20.0f, inter = 10.0f * scale;
    for (size_t i = 0; i < n; i++)
        r->all[i] = (cand){(int32_t)i, logits[i], 0.0f};
    int histo[NB] = {0};
    for (size_t i = 0; i < n; i++) {
        int ib = (int)(scale * r->all[i].logit + inter);
        ib = ib < 0 ? 0 : ib > NB - 1 ? NB - 1 : ib;
        r->bucket[i] = ib;
        histo[ib]++;
    }
    size_t nhave = 0;
    int ib = NB - 1;
    for (; ib >= 0; ib--) {
        nhave += (size_t)histo[ib];
        if (nhave >= k)
            break;
    }
    if (ib < 0)
        ib = 0;
    cand *ptrs[NB], *p = r->tmp;
    for (int j = NB - 1; j >= ib; j--) {
        ptrs[j] = p;
        p += histo[j];
    }
    for (size_t i = 0; i < n; i++)
        if (r->bucket[i] >= ib)
            *ptrs[r->bucket[i]]++ = r->all[i];
    p = r->tmp;
    size_t done = 0;
    for (int j = NB - 1; j > ib; j--) {
        cand_sort(p, (size_t)histo[j]);
        p += histo[j];
        done += (size_t)histo[j];
    }
    cand_partial_sort(p, k - done, (size_t)histo[ib]);
    memcpy(r->all, r->tmp, k * sizeof *r->all);
    /* softmax over the sorted k, then the draw */
    const float m = r->all[0].logit;
    float sum = 0.0f;
    for (size_t i = 0; i < k; i++) {
        r->all[i].p = expf(r->all[i].logit - m);
        sum += r->all[i].p;
    }
    for (size_t i = 0; i < k; i++)
        r->all[i].p /= sum;
    double target = u, acc = 0.0;
    for (size_t i = 0; i < k; i++) {
        acc += (double)r->all[i].p;
        if (acc > target)
            return r->all[i].id;
    }
    return r->all[k - 1].id;
}

static void penalties(gsamp_config *c)
{
    c->repetition_penalty = 1.1;
    c->frequency_penalty = 0.1;
    c->presence_penalty = 0.1;
}

static const int32_t ORDER_B[GSAMP_COUNT] = {
    GSAMP_PENALTIES,   GSAMP_TOP_NSIGMA, GSAMP_TOP_P_TOP_K,     GSAMP_MIN_P,
    GSAMP_TYPICAL_P,   GSAMP_XTC,        GSAMP_TEMPERATURE,     GSAMP_DRY,
    GSAMP_NO_REPEAT_NGRAM, GSAMP_TOP_A,  GSAMP_TFS,             GSAMP_ETA_CUTOFF,
    GSAMP_EPSILON_CUTOFF, GSAMP_QUADRATIC,
};

static size_t make_chains(chain *ch)
{
    size_t n = 0;
    gsamp_config c;

    gsamp_config_defaults(&c);
    ch[n++] = (chain){"baseline: full softmax + draw", c, 1};

    gsamp_config_defaults(&c);
    penalties(&c);
    c.top_k = 40;
    c.top_p = 0.95;
    c.min_p = 0.05;
    c.temperature = 0.8;
    c.temperature_last = 1;
    ch[n++] = (chain){"(a) pen > top_k 40 > top_p .95 > min_p .05 > temp .8", c, 0};

    gsamp_config_defaults(&c);
    penalties(&c);
    c.nsigma = 2.0;
    c.top_p = 0.95;
    c.min_p = 0.05;
    c.typical_p = 0.95;
    c.xtc_threshold = 0.1;
    c.xtc_probability = 0.5;
    c.dynatemp_min = 0.5;
    c.dynatemp_max = 1.1;
    c.dynatemp_exponent = 1.0;
    c.order = ORDER_B;
    c.n_order = GSAMP_COUNT;
    ch[n++] = (chain){"(b) pen > nsigma 2 > top_p > min_p > typical > xtc > dynatemp", c, 0};

    gsamp_config_defaults(&c);
    c.top_k = 1000;
    ch[n++] = (chain){"(c1) top_k 1000", c, 0};
    ch[n++] = (chain){"(c1) reference: llama.cpp-style top_k 1000 + dist", c, 2};

    gsamp_config_defaults(&c);
    c.top_p = 0.9;
    ch[n++] = (chain){"(c2) top_p 0.9", c, 0};

    gsamp_config_defaults(&c);
    c.mirostat_mode = 2;
    c.mirostat_tau = 5.0;
    c.mirostat_eta = 0.1;
    ch[n++] = (chain){"(d) mirostat v2 tau 5 eta .1", c, 0};
    return n;
}

typedef struct {
    double median, mean, survivors;
} stats;

static stats run_chain(const chain *ch, float *const *pool, size_t nv, size_t tokens,
                       gsamp_workspace *ws, float *work, float *probs, llama_ref *lr, double *times)
{
    gsamp_state st;
    gsamp_state_init(&st, &ch->cfg, 1234);
    int32_t hist[HIST];
    for (size_t i = 0; i < HIST; i++)
        hist[i] = (int32_t)((i * 2654435761u) % nv);
    gsamp_history h = {NULL, 0, hist, HIST};
    double survivors = 0.0;
    for (size_t t = 0; t < tokens + WARMUP; t++) {
        memcpy(work, pool[t % POOL], nv * sizeof *work);
        int32_t tok;
        double t0 = now_ns();
        if (ch->baseline == 1) {
            tok = baseline_sample(work, nv, probs, gsamp_uniform(1234, t, 0));
        } else if (ch->baseline == 2) {
            tok = llama_ref_sample(lr, work, nv, (size_t)ch->cfg.top_k, gsamp_uniform(1234, t, 0));
        } else {
            tok = gsamp_sample(&ch->cfg, &st, work, nv, &h, ws, NULL);
        }
        double t1 = now_ns();
        if (tok < 0) {
            fprintf(stderr, "%s: no token sampled\n", ch->name);
            exit(1);
        }
        if (t >= WARMUP) {
            times[t - WARMUP] = (t1 - t0) / 1e3;
            if (!ch->baseline)
                survivors += (double)gsamp_workspace_candidates(ws, NULL, NULL);
        }
        memmove(hist, hist + 1, (HIST - 1) * sizeof *hist);
        hist[HIST - 1] = tok;
    }
    stats s;
    s.mean = 0.0;
    for (size_t i = 0; i < tokens; i++)
        s.mean += times[i];
    s.mean /= (double)tokens;
    qsort(times, tokens, sizeof *times, cmp_double);
    s.median = tokens % 2 ? times[tokens / 2] : 0.5 * (times[tokens / 2 - 1] + times[tokens / 2]);
    s.survivors = ch->baseline == 1 ? (double)nv : ch->baseline == 2 ? (double)ch->cfg.top_k : survivors / (double)tokens;
    return s;
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    if (!(scale > 0.0))
        scale = 1.0;
    const char *only = argc > 2 ? argv[2] : NULL;
    size_t tokens = (size_t)(2000.0 * scale);
    if (tokens < 10)
        tokens = 10;
    const size_t vocabs[] = {32000, 128000};
    chain chains[8];
    size_t n_chains = make_chains(chains);
    double *times = malloc(tokens * sizeof *times);
    if (!times)
        return 1;
    printf("bench_samplers: %zu tokens per configuration (+%d warm-up), logits N(0, 3^2), "
           "pool of %d vectors, history of %d tokens\n\n",
           tokens, WARMUP, POOL, HIST);
    printf("%-7s %-64s %10s %10s %8s %8s %10s\n", "vocab", "chain", "median_us", "mean_us",
           "x_base", "x_base", "final_n");
    printf("%-7s %-64s %10s %10s %8s %8s %10s\n", "", "", "", "", "(med)", "(mean)", "(avg)");
    for (size_t v = 0; v < sizeof vocabs / sizeof vocabs[0]; v++) {
        const size_t nv = vocabs[v];
        float *pool[POOL];
        for (size_t i = 0; i < POOL; i++) {
            pool[i] = malloc(nv * sizeof *pool[i]);
            if (!pool[i])
                return 1;
            for (size_t j = 0; j < nv; j++)
                pool[i][j] = next_normal(3.0);
        }
        float *work = malloc(nv * sizeof *work), *probs = malloc(nv * sizeof *probs);
        gsamp_workspace *ws = gsamp_workspace_new(nv, NULL, NULL, NULL);
        llama_ref lr = {malloc(nv * sizeof(cand)), malloc(nv * sizeof(cand)), malloc(nv * sizeof(int32_t))};
        if (!work || !probs || !ws || !lr.all || !lr.tmp || !lr.bucket)
            return 1;
        stats base = {0, 0, 0}, c1 = {0, 0, 0}, ref = {0, 0, 0}, b = {0, 0, 0};
        for (size_t c = 0; c < n_chains; c++) {
            if (only && chains[c].baseline != 1 && !strstr(chains[c].name, only))
                continue;
            stats s = run_chain(&chains[c], pool, nv, tokens, ws, work, probs, &lr, times);
            if (chains[c].baseline == 1)
                base = s;
            else if (chains[c].baseline == 2)
                ref = s;
            else if (strncmp(chains[c].name, "(c1)", 4) == 0)
                c1 = s;
            else if (strncmp(chains[c].name, "(b)", 3) == 0)
                b = s;
            printf("%-7zu %-64s %10.2f %10.2f %8.3f %8.3f %10.1f\n", nv, chains[c].name,
                   s.median, s.mean, s.median / base.median, s.mean / base.mean, s.survivors);
        }
        if (c1.median > 0.0 && ref.median > 0.0) {
            double r = c1.median / ref.median;
            printf("%-7zu (c1) / llama.cpp-style reference: median %.3f, mean %.3f\n", nv, r, c1.mean / ref.mean);
            printf("TABLE|top_k 1000 of %zuk, chain (c1), µs/token|%.1f µs|llama.cpp-style reference %.1f µs|%.3f|%s|%s\n",
                   nv / 1000, c1.median, ref.median, r, nv == 32000 ? "≤ 0.25" : "report",
                   nv != 32000 || r <= 0.25 ? "yes" : "NO");
        }
        if (b.median > 0.0 && nv == 128000)
            printf("TABLE|chain (b) at 128k, µs/token|%.1f µs|full softmax + draw %.1f µs|%.3f|≤ 100 µs|%s\n", b.median,
                   base.median, b.median / base.median, b.median <= 100.0 ? "yes" : "NO");
        printf("\n");
        free(lr.all);
        free(lr.tmp);
        free(lr.bucket);
        gsamp_workspace_free(ws);
        free(work);
        free(probs);
        for (size_t i = 0; i < POOL; i++)
            free(pool[i]);
    }
    free(times);
    return 0;
}
