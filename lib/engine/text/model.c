#include "util/detmath.h"
#include "engine/text/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A context (previous 1 or 2 tokens) and the tokens that followed it in the corpus. */
typedef struct ctx_entry {
    uint64_t key;        /* 0 = empty slot */
    uint32_t first;      /* index into followers */
    uint32_t n_followers;
    uint32_t total;      /* number of observations */
} ctx_entry;

typedef struct follower {
    int32_t token;
    uint32_t count;
} follower;

struct gx_model {
    ga_alloc alloc;
    size_t vocab;
    double *unigram;     /* smoothed P1 */
    ctx_entry *ctx;      /* open addressing */
    size_t n_ctx_slots;
    follower *followers;
    size_t n_followers;
};

/* Keys: order-2 context (a) and order-3 context (a, b), never 0. */
static uint64_t key1(int32_t a) { return ((uint64_t)(uint32_t)a << 1) | 1u | (1ull << 62); }
static uint64_t key2(int32_t a, int32_t b)
{
    return (((uint64_t)(uint32_t)a << 31) ^ (uint64_t)(uint32_t)b) << 1 | 1u | (1ull << 63);
}
static uint64_t key3(int32_t a, int32_t b, int32_t c)
{
    return ((((uint64_t)(uint32_t)a << 42) ^ ((uint64_t)(uint32_t)b << 21) ^ (uint64_t)(uint32_t)c) << 1) | 1u |
           (3ull << 61);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static const ctx_entry *find_ctx(const gx_model *m, uint64_t key)
{
    size_t mask = m->n_ctx_slots - 1;
    for (size_t i = (size_t)mix(key) & mask;; i = (i + 1) & mask) {
        if (m->ctx[i].key == key)
            return &m->ctx[i];
        if (m->ctx[i].key == 0)
            return NULL;
    }
}

typedef struct triple {
    uint64_t key;
    int32_t token;
} triple;

static int by_key_token(const void *pa, const void *pb)
{
    const triple *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->token > b->token) - (a->token < b->token);
}

gx_model *gx_model_new(const ga_alloc *a, const gx_tokenizer *tok, const char *corpus, size_t len)
{
    gx_model *m = ga_calloc(a, 1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->alloc = *a;
    m->vocab = gx_tokenizer_vocab_size(tok);
    int32_t *ids = NULL;
    size_t n = 0, cap = 0;
    /* Each corpus line becomes "<|im_start|>assistant\n" line "<|im_end|>". */
    int32_t *head = NULL;
    size_t n_head = 0, cap_head = 0;
    int fail = gx_tokenize(tok, "assistant\n", 10, &head, &n_head, &cap_head) != 0;
    for (size_t i = 0; !fail && i < len;) {
        const char *nl = memchr(corpus + i, '\n', len - i);
        size_t line = nl ? (size_t)(nl - (corpus + i)) : len - i;
        if (line > 0) {
            size_t need = n + line + n_head + 2;
            if (need > cap) {
                size_t nc = cap ? cap : 4096;
                while (nc < need)
                    nc *= 2;
                int32_t *p = ga_realloc(a, ids, nc * sizeof *p);
                if (p == NULL) {
                    fail = 1;
                    break;
                }
                ids = p;
                cap = nc;
            }
            /* Prose lines open an assistant turn; data lines (JSON, key: value) only teach
             * continuations, so replies do not start with a data record. */
            if (corpus[i] != '{') {
                ids[n++] = GX_TOK_IM_START;
                memcpy(ids + n, head, n_head * sizeof *ids);
                n += n_head;
            }
            fail = gx_tokenize(tok, corpus + i, line, &ids, &n, &cap) != 0;
            if (!fail) {
                if (n == cap) {
                    int32_t *p = ga_realloc(a, ids, (cap * 2) * sizeof *p);
                    if (p == NULL) {
                        fail = 1;
                        break;
                    }
                    ids = p;
                    cap *= 2;
                }
                ids[n++] = GX_TOK_IM_END;
            }
        }
        i += line + 1;
    }
    ga_free(a, head);
    m->unigram = ga_calloc(a, m->vocab, sizeof *m->unigram);
    triple *tr = ga_calloc(a, n * 3 + 1, sizeof *tr);
    if (fail || m->unigram == NULL || tr == NULL) {
        ga_free(a, ids);
        ga_free(a, tr);
        gx_model_free(m);
        return NULL;
    }
    /* Unigram with add-0.1 smoothing; specials other than IM_END never predicted. */
    for (size_t i = 0; i < n; i++)
        m->unigram[ids[i]] += 1.0;
    m->unigram[GX_TOK_IM_START] = 0;
    m->unigram[GX_TOK_PAD] = 0;
    m->unigram[GX_TOK_EOS] = 0;
    double sum = 0;
    for (size_t v = 0; v < m->vocab; v++) {
        if (v != GX_TOK_IM_START && v != GX_TOK_PAD && v != GX_TOK_EOS)
            m->unigram[v] += 0.1;
        sum += m->unigram[v];
    }
    for (size_t v = 0; v < m->vocab; v++)
        m->unigram[v] /= sum;
    /* Higher orders: collect (context, next) pairs, sort, compress. */
    size_t nt = 0;
    for (size_t i = 1; i < n; i++) {
        if (ids[i] == GX_TOK_IM_START)
            continue; /* never predict the start of the next turn */
        tr[nt].key = key1(ids[i - 1]);
        tr[nt++].token = ids[i];
        if (i >= 2 && ids[i - 1] != GX_TOK_IM_START) {
            tr[nt].key = key2(ids[i - 2], ids[i - 1]);
            tr[nt++].token = ids[i];
        }
        if (i >= 3 && ids[i - 1] != GX_TOK_IM_START && ids[i - 2] != GX_TOK_IM_START) {
            tr[nt].key = key3(ids[i - 3], ids[i - 2], ids[i - 1]);
            tr[nt++].token = ids[i];
        }
    }
    ga_free(a, ids);
    qsort(tr, nt, sizeof *tr, by_key_token);
    size_t n_ctx = 0, n_fol = 0;
    for (size_t i = 0; i < nt; i++) {
        if (i == 0 || tr[i].key != tr[i - 1].key)
            n_ctx++;
        if (i == 0 || tr[i].key != tr[i - 1].key || tr[i].token != tr[i - 1].token)
            n_fol++;
    }
    m->n_ctx_slots = 16;
    while (m->n_ctx_slots < n_ctx * 2)
        m->n_ctx_slots <<= 1;
    m->ctx = ga_calloc(a, m->n_ctx_slots, sizeof *m->ctx);
    m->followers = ga_calloc(a, n_fol ? n_fol : 1, sizeof *m->followers);
    if (m->ctx == NULL || m->followers == NULL) {
        ga_free(a, tr);
        gx_model_free(m);
        return NULL;
    }
    size_t mask = m->n_ctx_slots - 1;
    ctx_entry *cur = NULL;
    for (size_t i = 0; i < nt; i++) {
        if (i == 0 || tr[i].key != tr[i - 1].key) {
            size_t s = (size_t)mix(tr[i].key) & mask;
            while (m->ctx[s].key != 0)
                s = (s + 1) & mask;
            cur = &m->ctx[s];
            cur->key = tr[i].key;
            cur->first = (uint32_t)m->n_followers;
        }
        if (i == 0 || tr[i].key != tr[i - 1].key || tr[i].token != tr[i - 1].token) {
            m->followers[m->n_followers].token = tr[i].token;
            m->followers[m->n_followers].count = 0;
            m->n_followers++;
            cur->n_followers++;
        }
        m->followers[m->n_followers - 1].count++;
        cur->total++;
    }
    ga_free(a, tr);
    return m;
}

void gx_model_free(gx_model *m)
{
    if (m == NULL)
        return;
    ga_alloc a = m->alloc;
    ga_free(&a, m->unigram);
    ga_free(&a, m->ctx);
    ga_free(&a, m->followers);
    ga_free(&a, m);
}

double gx_model_unigram(const gx_model *m, int32_t id)
{
    return (id >= 0 && (size_t)id < m->vocab) ? m->unigram[id] : 0.0;
}

/* p <- (1-lambda) p + lambda * followers/total, Witten-Bell lambda = total/(total+distinct). */
static void interpolate(const gx_model *m, const ctx_entry *c, double *p)
{
    if (c == NULL)
        return;
    double lambda = (double)c->total / ((double)c->total + (double)c->n_followers);
    double keep = 1.0 - lambda;
    for (size_t v = 0; v < m->vocab; v++)
        p[v] *= keep;
    for (uint32_t i = 0; i < c->n_followers; i++) {
        const follower *f = &m->followers[c->first + i];
        p[f->token] += lambda * (double)f->count / (double)c->total;
    }
}

void gx_model_logits(const gx_model *m, const int32_t *ctx, size_t n, const uint8_t *topic, float *logits)
{
    /* The work buffer lives on the logits array's storage in double precision steps. */
    double stack[4096];
    double *p = m->vocab <= 4096 ? stack : ga_malloc(&m->alloc, m->vocab * sizeof *p);
    if (p == NULL) {
        for (size_t v = 0; v < m->vocab; v++)
            logits[v] = (float)ga_log(m->unigram[v] > 0 ? m->unigram[v] : 1e-30);
        return;
    }
    memcpy(p, m->unigram, m->vocab * sizeof *p);
    if (n >= 1)
        interpolate(m, find_ctx(m, key1(ctx[n - 1])), p);
    if (n >= 2)
        interpolate(m, find_ctx(m, key2(ctx[n - 2], ctx[n - 1])), p);
    if (n >= 3)
        interpolate(m, find_ctx(m, key3(ctx[n - 3], ctx[n - 2], ctx[n - 1])), p);
    for (size_t v = 0; v < m->vocab; v++) {
        double l = p[v] > 0 ? ga_log(p[v]) : -1e30;
        if (topic && topic[v])
            l += 1.0;
        logits[v] = p[v] > 0 ? (float)l : -INFINITY;
    }
    if (p != stack)
        ga_free(&m->alloc, p);
}
