/* Tokenizer of the reference text engine: special tokens, 256 byte tokens, and word pieces
 * learned from the corpus; greedy longest match with byte fallback, so every byte string
 * round-trips. */
#ifndef GENAPI_ENGINE_TOKENIZER_H
#define GENAPI_ENGINE_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "util/alloc.h"

enum {
    GX_TOK_EOS = 0,       /* <|endoftext|> */
    GX_TOK_IM_START = 1,  /* <|im_start|> */
    GX_TOK_IM_END = 2,    /* <|im_end|> : ends an assistant turn */
    GX_TOK_PAD = 3,       /* <|pad|> */
    GX_TOK_SPECIALS = 4,
    GX_TOK_BYTE0 = 4      /* byte b is token GX_TOK_BYTE0 + b */
};

typedef struct gx_tokenizer gx_tokenizer;

/* Learn the vocabulary from corpus text (one paragraph per line). */
gx_tokenizer *gx_tokenizer_new(const ga_alloc *a, const char *corpus, size_t len, size_t max_vocab);
void gx_tokenizer_free(gx_tokenizer *t);

size_t gx_tokenizer_vocab_size(const gx_tokenizer *t);
int gx_tokenizer_is_special(const gx_tokenizer *t, int32_t id);
/* Bytes of a token (raw vocabulary entry; specials give their marker text). */
const char *gx_tokenizer_piece(const gx_tokenizer *t, int32_t id, size_t *len);

/* Append the tokens of `text` to *ids (grown with the tokenizer's allocator). Special-token
 * markers in the text are NOT turned into special tokens. Returns 0 or -1 (no memory). */
int gx_tokenize(const gx_tokenizer *t, const char *text, size_t len, int32_t **ids, size_t *n, size_t *cap);

/* Bytes of the longest non-special token: a text of L bytes is at least ceil(L / this) tokens. */
size_t gx_tokenizer_max_piece(const gx_tokenizer *t);

/* Token id of a whole piece, or -1. */
int32_t gx_tokenizer_lookup(const gx_tokenizer *t, const char *piece, size_t len);

#endif
