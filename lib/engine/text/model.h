/* The reference language model: an interpolated (Witten-Bell) token 4-gram model trained at
 * start-up on the embedded corpus, plus a prompt-topic boost. Deterministic; read-only after
 * training, so one model serves every thread. */
#ifndef GENAPI_ENGINE_MODEL_H
#define GENAPI_ENGINE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/text/tokenizer.h"

typedef struct gx_model gx_model;

/* Train on the corpus (one paragraph per line; each is one assistant turn). */
gx_model *gx_model_new(const ga_alloc *a, const gx_tokenizer *tok, const char *corpus, size_t len);
void gx_model_free(gx_model *m);

/* Raw next-token logits (natural-log probabilities) for the context ctx[0..n-1], written to
 * logits[0..vocab-1]. `topic` (may be NULL) marks tokens of the user's prompt that get a boost. */
void gx_model_logits(const gx_model *m, const int32_t *ctx, size_t n, const uint8_t *topic, float *logits);

/* Unigram probability of a token (used to decide which prompt tokens are topical). */
double gx_model_unigram(const gx_model *m, int32_t id);

#endif
