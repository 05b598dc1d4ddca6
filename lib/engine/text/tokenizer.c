#include "engine/text/tokenizer.h"

#include <stdlib.h>
#include <string.h>

static const char *const special_text[GX_TOK_SPECIALS] = {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"};

struct gx_tokenizer {
    ga_alloc alloc;
    size_t n_vocab;
    char **piece;        /* piece[id], NUL-terminated */
    size_t *piece_len;
    int32_t *slots;      /* open addressing: token id or -1 */
    size_t n_slots;      /* power of two */
    size_t max_piece;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

int32_t gx_tokenizer_lookup(const gx_tokenizer *t, const char *piece, size_t len)
{
    size_t mask = t->n_slots - 1;
    for (size_t i = (size_t)hash_bytes(piece, len) & mask;; i = (i + 1) & mask) {
        int32_t id = t->slots[i];
        if (id < 0)
            return -1;
        if (t->piece_len[id] == len && memcmp(t->piece[id], piece, len) == 0)
            return id;
    }
}

static void index_piece(gx_tokenizer *t, int32_t id)
{
    size_t mask = t->n_slots - 1;
    size_t i = (size_t)hash_bytes(t->piece[id], t->piece_len[id]) & mask;
    while (t->slots[i] >= 0)
        i = (i + 1) & mask;
    t->slots[i] = id;
}

static int is_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; }

/* Length of the pre-token starting at s[0]: an optional space followed by a run of letters
 * (UTF-8 bytes count as letters), else one byte. */
static size_t chunk_len(const char *s, size_t n)
{
    size_t i = 0;
    if (s[0] == ' ' && n > 1 && is_letter((unsigned char)s[1]))
        i = 1;
    if (i < n && is_letter((unsigned char)s[i])) {
        while (i < n && is_letter((unsigned char)s[i]))
            i++;
        return i;
    }
    return 1;
}

/* Word counting during training. */
typedef struct word_count {
    const char *s;
    size_t len;
    uint32_t count;
} word_count;

static int by_count_then_text(const void *pa, const void *pb)
{
    const word_count *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    if (c)
        return c;
    return a->len < b->len ? -1 : (a->len > b->len);
}

gx_tokenizer *gx_tokenizer_new(const ga_alloc *a, const char *corpus, size_t len, size_t max_vocab)
{
    /* Count word chunks of 2+ bytes in the chat template's role names and the corpus. */
    static const char roles[] = "assistant\nuser\nsystem\ntool\ndeveloper\n";
    size_t wcap = 1u << 15, wn = 0;
    word_count *table = ga_calloc(a, wcap, sizeof *table);
    if (table == NULL)
        return NULL;
    for (size_t pass = 0; pass < 2; pass++) {
    const char *text = pass == 0 ? roles : corpus;
    size_t text_len = pass == 0 ? sizeof roles - 1 : len;
    for (size_t i = 0; i < text_len;) {
        size_t n = chunk_len(text + i, text_len - i);
        if (n >= 2 && n <= 48) {
            size_t h = (size_t)hash_bytes(text + i, n) & (wcap - 1);
            while (table[h].s && !(table[h].len == n && memcmp(table[h].s, text + i, n) == 0))
                h = (h + 1) & (wcap - 1);
            if (table[h].s == NULL && wn * 2 < wcap) { /* past half full, new words are skipped */
                table[h].s = text + i;
                table[h].len = n;
                wn++;
            }
            if (table[h].s != NULL)
                table[h].count++;
        }
        i += n;
    }
    }
    word_count *words = ga_calloc(a, wn ? wn : 1, sizeof *words);
    if (words == NULL) {
        ga_free(a, table);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < wcap; i++)
        if (table[i].s)
            words[k++] = table[i];
    ga_free(a, table);
    qsort(words, k, sizeof *words, by_count_then_text);
    size_t base = GX_TOK_SPECIALS + 256;
    if (max_vocab > base && k > max_vocab - base)
        k = max_vocab - base;

    gx_tokenizer *t = ga_calloc(a, 1, sizeof *t);
    if (t == NULL) {
        ga_free(a, words);
        return NULL;
    }
    t->alloc = *a;
    t->n_vocab = base + k;
    t->piece = ga_calloc(a, t->n_vocab, sizeof *t->piece);
    t->piece_len = ga_calloc(a, t->n_vocab, sizeof *t->piece_len);
    t->n_slots = 1;
    while (t->n_slots < t->n_vocab * 2)
        t->n_slots <<= 1;
    t->slots = ga_malloc(a, t->n_slots * sizeof *t->slots);
    if (t->piece == NULL || t->piece_len == NULL || t->slots == NULL) {
        ga_free(a, words);
        gx_tokenizer_free(t);
        return NULL;
    }
    memset(t->slots, 0xff, t->n_slots * sizeof *t->slots);
    for (size_t id = 0; id < t->n_vocab; id++) {
        const char *src;
        size_t n;
        char byte;
        if (id < GX_TOK_SPECIALS) {
            src = special_text[id];
            n = strlen(src);
        } else if (id < base) {
            byte = (char)(unsigned char)(id - GX_TOK_BYTE0);
            src = &byte;
            n = 1;
        } else {
            src = words[id - base].s;
            n = words[id - base].len;
        }
        t->piece[id] = ga_strndup(a, src, n);
        if (t->piece[id] == NULL) {
            ga_free(a, words);
            gx_tokenizer_free(t);
            return NULL;
        }
        t->piece_len[id] = n;
        if (n > t->max_piece && id >= GX_TOK_SPECIALS)
            t->max_piece = n;
        if (id >= GX_TOK_SPECIALS)
            index_piece(t, (int32_t)id);
    }
    ga_free(a, words);
    return t;
}

void gx_tokenizer_free(gx_tokenizer *t)
{
    if (t == NULL)
        return;
    if (t->piece)
        for (size_t i = 0; i < t->n_vocab; i++)
            ga_free(&t->alloc, t->piece[i]);
    ga_free(&t->alloc, t->piece);
    ga_free(&t->alloc, t->piece_len);
    ga_free(&t->alloc, t->slots);
    ga_alloc a = t->alloc;
    ga_free(&a, t);
}

size_t gx_tokenizer_vocab_size(const gx_tokenizer *t) { return t->n_vocab; }

size_t gx_tokenizer_max_piece(const gx_tokenizer *t) { return t->max_piece; }

int gx_tokenizer_is_special(const gx_tokenizer *t, int32_t id) { (void)t; return id >= 0 && id < GX_TOK_SPECIALS; }

const char *gx_tokenizer_piece(const gx_tokenizer *t, int32_t id, size_t *len)
{
    if (id < 0 || (size_t)id >= t->n_vocab) {
        *len = 0;
        return "";
    }
    *len = t->piece_len[id];
    return t->piece[id];
}

static int push(const gx_tokenizer *t, int32_t **ids, size_t *n, size_t *cap, int32_t id)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        int32_t *p = ga_realloc(&t->alloc, *ids, nc * sizeof *p);
        if (p == NULL)
            return -1;
        *ids = p;
        *cap = nc;
    }
    (*ids)[(*n)++] = id;
    return 0;
}

int gx_tokenize(const gx_tokenizer *t, const char *text, size_t len, int32_t **ids, size_t *n, size_t *cap)
{
    size_t i = 0;
    while (i < len) {
        size_t c = chunk_len(text + i, len - i);
        size_t end = i + c;
        while (i < end) {
            size_t try_len = end - i < t->max_piece ? end - i : t->max_piece;
            int32_t id = -1;
            for (; try_len >= 2 && id < 0; try_len--)
                id = gx_tokenizer_lookup(t, text + i, try_len);
            if (id < 0) {
                id = (int32_t)(GX_TOK_BYTE0 + (unsigned char)text[i]);
                try_len = 1;
            } else {
                try_len++; /* undo the loop's last decrement */
            }
            if (push(t, ids, n, cap, id) != 0)
                return -1;
            i += try_len;
        }
    }
    return 0;
}
