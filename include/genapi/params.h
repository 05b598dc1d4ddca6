/**
 * @file params.h
 * @brief Value types used by request parameter structs, and the parameter descriptor that
 *        lets programs (the CLI, the Python binding, documentation) walk a parameter table.
 *
 * Every request kind declares its parameters once, as an X-macro list (see text_params.h and
 * image_params.h).
 * That list expands into the public struct, the descriptor table returned by
 * genapi_text_param_table(), the validator, the JSON serializer and the server's parser.
 *
 * Ownership: pointers stored in a parameter struct are borrowed. They must stay valid until
 * the call that takes the struct returns; libgenapi copies what it needs when it serializes
 * the request. Values set through genapi_text_params_set_text() are the exception: they live
 * in storage owned by the struct and released by genapi_text_params_clear().
 */
#ifndef GENAPI_PARAMS_H
#define GENAPI_PARAMS_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A borrowed list of NUL-terminated UTF-8 strings. */
typedef struct genapi_strlist {
    const char *const *items; /**< `count` strings (borrowed). */
    size_t count;             /**< Number of strings. */
} genapi_strlist;

/** @brief A borrowed list of 64-bit integers (token ids, sampler ids). */
typedef struct genapi_intlist {
    const int64_t *items; /**< `count` integers (borrowed). */
    size_t count;         /**< Number of integers. */
} genapi_intlist;

/** @brief A borrowed list of integer lists (e.g. banned token sequences). */
typedef struct genapi_intlists {
    const genapi_intlist *items; /**< `count` lists (borrowed). */
    size_t count;                /**< Number of lists. */
} genapi_intlists;

/** @brief One `logit_bias` entry: add `bias` to the logit of `token`. */
typedef struct genapi_token_bias {
    int64_t token; /**< Token id. */
    double bias;   /**< Value added to the logit, in [-100, 100]. */
} genapi_token_bias;

/** @brief A borrowed `logit_bias` map. */
typedef struct genapi_token_biases {
    const genapi_token_bias *items; /**< `count` entries (borrowed). */
    size_t count;                   /**< Number of entries. */
} genapi_token_biases;

/** @brief One `token_ban_ranges` entry: ban `tokens` while start <= output length < start + length. */
typedef struct genapi_token_ban_range {
    genapi_intlist tokens; /**< Banned token ids (borrowed). */
    int64_t start;         /**< First output position (0-based) where the ban applies. */
    int64_t length;        /**< Number of positions the ban lasts. */
} genapi_token_ban_range;

/** @brief A borrowed list of ::genapi_token_ban_range. */
typedef struct genapi_token_ban_ranges {
    const genapi_token_ban_range *items; /**< `count` ranges (borrowed). */
    size_t count;                        /**< Number of ranges. */
} genapi_token_ban_ranges;

/** @brief What C type a parameter has and how it travels in JSON. */
typedef enum genapi_param_kind {
    GENAPI_PK_STRING = 0,    /**< `const char *`, JSON string. */
    GENAPI_PK_DOUBLE = 1,    /**< `double`, JSON number. */
    GENAPI_PK_INT = 2,       /**< `int64_t`, JSON integer. */
    GENAPI_PK_BOOL = 3,      /**< `int32_t` 0/1, JSON boolean. */
    GENAPI_PK_STRLIST = 4,   /**< ::genapi_strlist, JSON array of strings (a bare string is accepted on input). */
    GENAPI_PK_INTLIST = 5,   /**< ::genapi_intlist, JSON array of integers. */
    GENAPI_PK_INTLISTS = 6,  /**< ::genapi_intlists, JSON array of integer arrays. */
    GENAPI_PK_BIAS = 7,      /**< ::genapi_token_biases, JSON object {"token id": bias}. */
    GENAPI_PK_SAMPLERS = 8,  /**< ::genapi_intlist of sampler ids; input may use names. */
    GENAPI_PK_BANRANGES = 9, /**< ::genapi_token_ban_ranges, JSON array of [tokens, start, length]. */
    GENAPI_PK_JSON = 10,     /**< `const char *` holding JSON text, sent as the parsed value. */
    GENAPI_PK_ENUM = 11      /**< `int32_t` index into the descriptor's `choices`, sent as a string
                                  (or as a boolean for the choices "false"/"true"). */
} genapi_param_kind;

/** @name Range flags of a parameter descriptor
 *  @{ */
#define GENAPI_RANGE_MIN 0x01u       /**< `min` is an inclusive lower bound. */
#define GENAPI_RANGE_MIN_OPEN 0x02u  /**< `min` is an exclusive lower bound. */
#define GENAPI_RANGE_MAX 0x04u       /**< `max` is an inclusive upper bound. */
#define GENAPI_RANGE_MAX_OPEN 0x08u  /**< `max` is an exclusive upper bound. */
#define GENAPI_RANGE_NONZERO 0x10u   /**< Zero is rejected even inside the range. */
#define GENAPI_RANGE_NONEMPTY 0x20u  /**< A list must have at least one item; a string must not be empty. */
#define GENAPI_RANGE_ITEMS 0x40u     /**< For lists, the bounds apply to each integer item;
                                          strings in a list must be non-empty. */
#define GENAPI_RANGE_REQUIRED 0x80u  /**< The request is rejected without this parameter. */
#define GENAPI_RANGE_BASE64 0x100u   /**< Strings (or each string of a list) must be non-empty base64 image
                                          data: standard base64 with padding and no whitespace, or a
                                          `data:image/TYPE;base64,` URI around it. */
#define GENAPI_RANGE_HOSTED_REQUIRED 0x200u /**< With ::GENAPI_RANGE_REQUIRED: required by the hosted
                                                 API only. The WebUI servers (A1111, SD.Next) default
                                                 it, so a client in the WebUI flavour may leave it
                                                 unset. */
/** @} */

/** @name Servers that accept a parameter (bit set)
 *  @{ */
#define GENAPI_SERVER_APHRODITE 0x1u /**< Aphrodite engine v0.10. */
#define GENAPI_SERVER_VLLM 0x2u      /**< vLLM. */
#define GENAPI_SERVER_HOSTED 0x4u    /**< The hosted API gateway (its own extensions). */
#define GENAPI_SERVER_ALL 0x7u       /**< Every text-generation server (Aphrodite, vLLM, hosted). */
#define GENAPI_SERVER_A1111 0x8u     /**< AUTOMATIC1111 stable-diffusion-webui `/sdapi/v1` (image requests). */
#define GENAPI_SERVER_SDNEXT 0x10u   /**< SD.Next (vladmandic/sdnext) `/sdapi/v1`, which the hosted image API runs. */
/** @} */

/** @cond INTERNAL */
/* Short names used in the rows of the X-macro tables. */
#define GENAPI_R_GE GENAPI_RANGE_MIN
#define GENAPI_R_GT GENAPI_RANGE_MIN_OPEN
#define GENAPI_R_LE GENAPI_RANGE_MAX
#define GENAPI_R_LT GENAPI_RANGE_MAX_OPEN
#define GENAPI_R_NZ GENAPI_RANGE_NONZERO
#define GENAPI_R_NE GENAPI_RANGE_NONEMPTY
#define GENAPI_R_IT GENAPI_RANGE_ITEMS
#define GENAPI_R_REQ GENAPI_RANGE_REQUIRED
#define GENAPI_R_B64 GENAPI_RANGE_BASE64
#define GENAPI_R_REQH GENAPI_RANGE_HOSTED_REQUIRED
/* The C type of each parameter kind, used to expand a table into a struct. */
#define GENAPI_CTYPE_STRING const char *
#define GENAPI_CTYPE_DOUBLE double
#define GENAPI_CTYPE_INT int64_t
#define GENAPI_CTYPE_BOOL int32_t
#define GENAPI_CTYPE_STRLIST genapi_strlist
#define GENAPI_CTYPE_INTLIST genapi_intlist
#define GENAPI_CTYPE_INTLISTS genapi_intlists
#define GENAPI_CTYPE_BIAS genapi_token_biases
#define GENAPI_CTYPE_SAMPLERS genapi_intlist
#define GENAPI_CTYPE_BANRANGES genapi_token_ban_ranges
#define GENAPI_CTYPE_JSON const char *
#define GENAPI_CTYPE_ENUM int32_t
/** @endcond */

/**
 * @brief Description of one parameter of a request kind, derived from its X-macro table.
 *
 * All strings are static; never free them.
 */
typedef struct genapi_param_desc {
    const char *name;         /**< C field name in the struct. */
    const char *json_name;    /**< Key in the JSON request body. */
    int32_t kind;             /**< A ::genapi_param_kind. */
    uint32_t range_flags;     /**< GENAPI_RANGE_* bits. */
    double min;               /**< Lower bound, meaningful with GENAPI_RANGE_MIN(_OPEN). */
    double max;               /**< Upper bound, meaningful with GENAPI_RANGE_MAX(_OPEN). */
    const char *choices;      /**< "a|b|c" for enums and number sets, else NULL. */
    const char *default_text; /**< The server's default, as documentation text. */
    uint32_t servers;         /**< GENAPI_SERVER_* bits. */
    uint32_t index;           /**< Position in the table (bit index in `is_set`). */
    size_t offset;            /**< Byte offset of the field in the struct. */
    size_t size;              /**< Byte size of the field. */
    const char *doc;          /**< One-line description. */
} genapi_param_desc;

/**
 * @brief Name of a sampler id used in `sampler_priority` (e.g. 7 -> "dry").
 * @param id Sampler id, 0..13.
 * @return Static lower-case name, or NULL for an unknown id.
 */
GENAPI_EXPORT const char *genapi_sampler_name(int64_t id);

/**
 * @brief Sampler id for a name, case-insensitive ("top_p_top_k", "MIN_P", …).
 * @param name Sampler name.
 * @return The id 0..13, or -1 if the name is unknown.
 */
GENAPI_EXPORT int64_t genapi_sampler_id(const char *name);

#ifdef __cplusplus
}
#endif
#endif
