/**
 * @file images.h
 * @brief Image generation results (txt2img, img2img) and upscale results, as the hosted API
 *        and the AUTOMATIC1111 / SD.Next servers return them: base64 images decoded to bytes,
 *        their format and size read from the data, and the `info` document (a JSON string
 *        inside the JSON) decoded.
 */
#ifndef GENAPI_IMAGES_H
#define GENAPI_IMAGES_H

#include "client.h"
#include "image_params.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Image container format, found from the data's magic bytes. */
typedef enum genapi_image_format {
    GENAPI_IMAGE_FORMAT_UNKNOWN = 0, /**< Not recognised. */
    GENAPI_IMAGE_FORMAT_PNG = 1,     /**< PNG. */
    GENAPI_IMAGE_FORMAT_JPEG = 2,    /**< JPEG. */
    GENAPI_IMAGE_FORMAT_WEBP = 3     /**< WebP. */
} genapi_image_format;

/** @brief One decoded image. Owned by the result it came in. */
typedef struct genapi_image {
    const uint8_t *data; /**< Encoded image bytes (PNG, JPEG or WebP file contents). */
    size_t size;         /**< Number of bytes. */
    int32_t format;      /**< A ::genapi_image_format. */
    int32_t width;       /**< Width in pixels from the image header, 0 if unknown. */
    int32_t height;      /**< Height in pixels from the image header, 0 if unknown. */
    int32_t reserved;    /**< Zero. */
} genapi_image;

/** @name Bits of genapi_image_info::fields: which integer fields the server sent
 *  @{ */
#define GENAPI_IMAGE_INFO_SEED 0x1u        /**< genapi_image_info::seed is set. */
#define GENAPI_IMAGE_INFO_FIRST_INDEX 0x2u /**< genapi_image_info::index_of_first_image is set. */
#define GENAPI_IMAGE_INFO_WIDTH 0x4u       /**< genapi_image_info::width is set. */
#define GENAPI_IMAGE_INFO_HEIGHT 0x8u      /**< genapi_image_info::height is set. */
#define GENAPI_IMAGE_INFO_STEPS 0x10u      /**< genapi_image_info::steps is set. */
/** @} */

/** @brief The decoded `info` document of a generation. Strings owned by the result. */
typedef struct genapi_image_info {
    int32_t present;               /**< 1 if the response had a non-empty `info`. */
    uint32_t fields;               /**< GENAPI_IMAGE_INFO_* bits of the integers below that were sent. */
    int64_t seed;                  /**< Seed of the first image. */
    const int64_t *all_seeds;      /**< Seed of every image, or NULL. */
    size_t all_seed_count;         /**< Number of entries in all_seeds. */
    int64_t index_of_first_image;  /**< 1 when a grid image comes first. */
    int64_t width;                 /**< Width requested. */
    int64_t height;                /**< Height requested. */
    int64_t steps;                 /**< Sampling steps. */
    const char *sampler_name;      /**< Sampler used, or NULL. */
    const char *prompt;            /**< Prompt, or NULL. */
    size_t infotexts_count;        /**< Number of entries of `infotexts`. */
    const char *json;              /**< The whole decoded document, as JSON text (or NULL). */
} genapi_image_info;

/** @brief A txt2img / img2img result; free with genapi_images_result_free(). */
typedef struct genapi_images_result {
    uint32_t struct_size;        /**< sizeof(genapi_images_result). */
    int32_t http_status;         /**< HTTP status of the response. */
    const genapi_image *images;  /**< Images in server order (a grid, when made, comes first). */
    size_t image_count;          /**< Number of images. */
    genapi_image_info info;      /**< The decoded info document. */
    int32_t has_parameters_seed; /**< 1 if `parameters.seed` was sent. */
    int32_t reserved;            /**< Zero. */
    int64_t parameters_seed;     /**< `parameters.seed` as echoed (may stay -1). */
    void *internal;              /**< Private to the library. */
} genapi_images_result;

/** @brief An upscale (extra-single-image) result; free with genapi_upscale_result_free(). */
typedef struct genapi_upscale_result {
    uint32_t struct_size;   /**< sizeof(genapi_upscale_result). */
    int32_t http_status;    /**< HTTP status of the response. */
    genapi_image image;     /**< The upscaled image. */
    const char *html_info;  /**< The server's HTML description, or NULL. */
    void *internal;         /**< Private to the library. */
} genapi_upscale_result;

/**
 * @brief Parse a txt2img or img2img response body.
 * @param client Client (its allocator is used).
 * @param body Response body bytes.
 * @param body_len Length of body.
 * @param[out] out Receives the result; free with genapi_images_result_free().
 * @param err Filled on failure: ::GENAPI_E_PARSE names `images` for data that is not base64.
 * @return ::GENAPI_OK, ::GENAPI_E_PARSE or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_images_result_parse(genapi_client *client, const char *body, size_t body_len,
                                                       genapi_images_result **out, genapi_error *err);

/**
 * @brief Free an images result. NULL is ignored.
 * @param result Result to free.
 */
GENAPI_EXPORT void genapi_images_result_free(genapi_images_result *result);

/**
 * @brief Parse an upscale (`/v1/upscale-img`, `/sdapi/v1/extra-single-image`) response body.
 * @param client Client (its allocator is used).
 * @param body Response body bytes.
 * @param body_len Length of body.
 * @param[out] out Receives the result; free with genapi_upscale_result_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_PARSE or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_upscale_result_parse(genapi_client *client, const char *body, size_t body_len,
                                                        genapi_upscale_result **out, genapi_error *err);

/**
 * @brief Free an upscale result. NULL is ignored.
 * @param result Result to free.
 */
GENAPI_EXPORT void genapi_upscale_result_free(genapi_upscale_result *result);

/**
 * @brief Generate images from text (`/v1/txt2img`, or `/sdapi/v1/txt2img` with the WebUI
 *        image API). Parameters are validated first; only set ones are sent.
 * @param client Client.
 * @param params Parameters (the hosted API requires prompt, and an unset sd_model_checkpoint is
 *        the client's default, see ::genapi_client_config; in the WebUI flavour both may be
 *        unset, as the servers default them).
 * @param[out] out Receives the images; free with genapi_images_result_free().
 * @param err Filled on failure; validation errors from a WebUI server (422) name the parameter.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_txt2img(genapi_client *client, const genapi_txt2img_params *params,
                                           genapi_images_result **out, genapi_error *err);

/**
 * @brief Generate images from images (`/v1/img2img` or `/sdapi/v1/img2img`): variations and
 *        inpainting (init_images, mask, denoising_strength, …).
 * @param client Client.
 * @param params Parameters (init_images is required).
 * @param[out] out Receives the images; free with genapi_images_result_free().
 * @param err Filled on failure.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_img2img(genapi_client *client, const genapi_img2img_params *params,
                                           genapi_images_result **out, genapi_error *err);

/**
 * @brief Upscale one image (`/v1/upscale-img` or `/sdapi/v1/extra-single-image`).
 * @param client Client.
 * @param params Parameters (image is required).
 * @param[out] out Receives the upscaled image; free with genapi_upscale_result_free().
 * @param err Filled on failure.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_upscale(genapi_client *client, const genapi_upscale_params *params,
                                           genapi_upscale_result **out, genapi_error *err);

/**
 * @brief genapi_txt2img() with fields the parameter table does not type, e.g.
 *        `{"n_iter": 2, "send_images": true, "override_settings": {"CLIP_stop_at_last_layers": 2}}`
 *        (the servers accept hundreds of request fields; any of them can be sent this way).
 * @param client Client.
 * @param params Parameters, validated and serialized as by genapi_txt2img().
 * @param extra_json A JSON object whose members are added to the body last (they replace typed
 *        parameters of the same name); NULL for none.
 * @param[out] out Receives the images; free with genapi_images_result_free().
 * @param err Filled on failure; ::GENAPI_E_INVALID_ARG naming `extra_json` when it is not a
 *        JSON object.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_txt2img_ex(genapi_client *client, const genapi_txt2img_params *params,
                                              const char *extra_json, genapi_images_result **out, genapi_error *err);

/**
 * @brief genapi_img2img() with extra request fields (see genapi_txt2img_ex()), e.g.
 *        `{"include_init_images": true}`.
 * @param client Client.
 * @param params Parameters, as for genapi_img2img().
 * @param extra_json A JSON object merged into the body last; NULL for none.
 * @param[out] out Receives the images; free with genapi_images_result_free().
 * @param err Filled on failure.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_img2img_ex(genapi_client *client, const genapi_img2img_params *params,
                                              const char *extra_json, genapi_images_result **out, genapi_error *err);

/**
 * @brief genapi_upscale() with extra request fields (see genapi_txt2img_ex()), e.g.
 *        `{"upscaler_2": "Resize Nearest", "extras_upscaler_2_visibility": 0.5}`.
 * @param client Client.
 * @param params Parameters, as for genapi_upscale().
 * @param extra_json A JSON object merged into the body last; NULL for none.
 * @param[out] out Receives the upscaled image; free with genapi_upscale_result_free().
 * @param err Filled on failure.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_upscale_ex(genapi_client *client, const genapi_upscale_params *params,
                                              const char *extra_json, genapi_upscale_result **out, genapi_error *err);

/**
 * @brief Base64 text of image bytes (e.g. a PNG file) for init_images, mask or image.
 * @param client Client (its allocator is used).
 * @param bytes Image bytes.
 * @param len Number of bytes.
 * @param[out] b64_out Receives the NUL-terminated text; free with genapi_free(genapi_client_allocator(client), …).
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_image_to_base64(genapi_client *client, const uint8_t *bytes, size_t len,
                                                   char **b64_out, genapi_error *err);

/** @brief Which image listing a ::genapi_image_listing holds. */
typedef enum genapi_image_listing_kind {
    GENAPI_LISTING_MODELS = 0,    /**< `/v1/models/image-models`, `/sdapi/v1/sd-models`. */
    GENAPI_LISTING_SAMPLERS = 1,  /**< `/v1/img-samplers`, `/sdapi/v1/samplers`. */
    GENAPI_LISTING_UPSCALERS = 2  /**< `/v1/upscalers`, `/sdapi/v1/upscalers`. */
} genapi_image_listing_kind;

/** @brief One entry of an image listing. Fields a listing does not have are NULL / 0. */
typedef struct genapi_image_listing_item {
    const char *name;             /**< models: `title`; samplers and upscalers: `name`. */
    const char *model_name;       /**< models and upscalers: `model_name`, or NULL. */
    const char *hash;             /**< models: short hash, or NULL until the server computed it. */
    const char *sha256;           /**< models: full hash, or NULL. */
    const char *filename;         /**< models: `filename`, or NULL. */
    const char *const *aliases;   /**< samplers: aliases (NULL when none). */
    size_t alias_count;           /**< Number of aliases. */
    int32_t has_scale;            /**< upscalers: 1 if `scale` was sent. */
    int32_t reserved;             /**< Zero. */
    double scale;                 /**< upscalers: nominal scale. */
} genapi_image_listing_item;

/** @brief An image listing; free with genapi_image_listing_free(). */
typedef struct genapi_image_listing {
    uint32_t struct_size;                  /**< sizeof(genapi_image_listing). */
    int32_t kind;                          /**< A ::genapi_image_listing_kind. */
    const genapi_image_listing_item *items; /**< Entries in server order. */
    size_t count;                          /**< Number of entries. */
    void *internal;                        /**< Private to the library. */
} genapi_image_listing;

/**
 * @brief Fetch an image listing. The path follows the client's genapi_client_config::image_api:
 *        `/v1/…` for the hosted API, `/sdapi/v1/…` for AUTOMATIC1111 / SD.Next.
 * @param client Client.
 * @param kind Which listing.
 * @param[out] out Receives the listing; free with genapi_image_listing_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK or a negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_list_image(genapi_client *client, genapi_image_listing_kind kind,
                                              genapi_image_listing **out, genapi_error *err);

/**
 * @brief Parse a listing response body (a JSON array, or an object with a `data` array).
 * @param client Client (its allocator is used).
 * @param kind Which listing the body is.
 * @param body Response body bytes.
 * @param body_len Length of body.
 * @param[out] out Receives the listing; free with genapi_image_listing_free().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_PARSE or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_image_listing_parse(genapi_client *client, genapi_image_listing_kind kind,
                                                       const char *body, size_t body_len, genapi_image_listing **out,
                                                       genapi_error *err);

/**
 * @brief Free a listing. NULL is ignored.
 * @param listing Listing to free.
 */
GENAPI_EXPORT void genapi_image_listing_free(genapi_image_listing *listing);

/**
 * @brief Read how many generations the server runs at once for this key (`GET
 *        /v1/parallel-requests`; the hosted API's, which the reference backend also serves
 *        under `/sdapi/v1/parallel-requests`). The body is `{"parallel_requests": N}`.
 * @param client Client.
 * @param[out] parallel_out Receives N.
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_PARSE when the body has no integer `parallel_requests`, or
 *         another negative ::genapi_status.
 */
GENAPI_EXPORT genapi_status genapi_parallel_requests(genapi_client *client, int64_t *parallel_out, genapi_error *err);

/**
 * @brief Fetch the image options (`/v1/img-options`, `/sdapi/v1/options`) as raw JSON text:
 *        a flat object of hundreds of dynamically typed keys.
 * @param client Client.
 * @param[out] json_out Receives the JSON text; free with genapi_free(genapi_client_allocator(client), …).
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK or a negative ::genapi_status (::GENAPI_E_PARSE when not a JSON object).
 */
GENAPI_EXPORT genapi_status genapi_image_options(genapi_client *client, char **json_out, genapi_error *err);

#ifdef __cplusplus
}
#endif
#endif
