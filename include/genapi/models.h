/**
 * @file models.h
 * @brief Model listings: `GET /v1/models/textgen-models`.
 */
#ifndef GENAPI_MODELS_H
#define GENAPI_MODELS_H

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief One text-generation model. Strings owned by the list. */
typedef struct genapi_model_info {
    const char *id;        /**< Model id (from `id`, else `name`). */
    const char *owned_by;  /**< Owner, or NULL. */
    const char *parent;    /**< Base model of a LoRA adapter, or NULL. */
    const char *engine;    /**< "aphrodite", "vllm", … or NULL. */
    int64_t max_model_len; /**< Context length, 0 if not reported. */
    const char *root;      /**< `root`: the model it was loaded from (vLLM, Aphrodite), or NULL. */
    const char *object;    /**< `object` ("model"), or NULL. */
    int64_t created;       /**< `created` (Unix time), 0 if not reported. */
} genapi_model_info;

/** @brief A model listing; free with genapi_model_list_free(). */
typedef struct genapi_model_list {
    uint32_t struct_size;           /**< sizeof(genapi_model_list). */
    uint32_t reserved;              /**< Zero. */
    const genapi_model_info *items; /**< Models in server order. */
    size_t count;                   /**< Number of models. */
    void *internal;                 /**< Private to the library. */
} genapi_model_list;

/**
 * @brief List text-generation models (`GET /v1/models/textgen-models`).
 *
 * Accepts a bare JSON array or an object with a `data` array, as servers differ.
 *
 * @param client Client.
 * @param[out] out Receives the list; free with genapi_model_list_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_list_text_models(genapi_client *client, genapi_model_list **out,
                                                    genapi_error *err);

/**
 * @brief Free a model list. NULL is ignored.
 * @param list List to free.
 */
GENAPI_EXPORT void genapi_model_list_free(genapi_model_list *list);

#ifdef __cplusplus
}
#endif
#endif
