/**
 * @file logprobs.h
 * @brief Token log-probabilities as chat and text completions return them.
 */
#ifndef GENAPI_LOGPROBS_H
#define GENAPI_LOGPROBS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief One alternative token at a position. Strings owned by the result. */
typedef struct genapi_top_logprob {
    const char *token; /**< Decoded token text. */
    double logprob;    /**< Its log-probability (servers clamp at -9999.0). */
} genapi_top_logprob;

/** @brief Log-probability of one token of the output (or of the echoed prompt). */
typedef struct genapi_token_logprob {
    const char *token;              /**< Decoded token text ("" if absent). */
    double logprob;                 /**< Log-probability; meaningful when has_logprob is 1. */
    int32_t has_logprob;            /**< 0 where the server sent null (first echoed prompt token). */
    int32_t has_top;                /**< 0 where the server sent null instead of alternatives. */
    const uint8_t *bytes;           /**< UTF-8 bytes of the token text (chat only), or NULL; as on the
                                         servers, a token holding part of a character shows U+FFFD. */
    size_t n_bytes;                 /**< Number of bytes. */
    int64_t text_offset;            /**< Character (code point) offset of the token, counted over the
                                         token strings as the servers do (completions only), else -1. */
    const genapi_top_logprob *top;  /**< Alternatives (chat: sampled token first; completions: as sent). */
    size_t top_count;               /**< Number of alternatives. */
} genapi_token_logprob;

/** @brief The log-probabilities of a choice. */
typedef struct genapi_logprobs {
    const genapi_token_logprob *items; /**< One entry per token. */
    size_t count;                      /**< Number of entries. */
} genapi_logprobs;

#ifdef __cplusplus
}
#endif
#endif
