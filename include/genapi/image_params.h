/**
 * @file image_params.h
 * @brief The image-generation parameter tables (txt2img, img2img, upscale) and the typed
 *        structs derived from them.
 *
 * ::GENAPI_TXT2IMG_PARAMS, ::GENAPI_IMG2IMG_PARAMS and ::GENAPI_UPSCALE_PARAMS declare every
 * parameter of the hosted API's POST /txt2img, /img2img and /upscale-img (the same bodies as
 * SD.Next's and A1111's `/sdapi/v1/txt2img`, `img2img` and `extra-single-image`), one row each,
 * in the order of the hosted API's tables (img2img adds `resize_mode` at the end). Rows use
 * the format of text_params.h:
 *
 *     X(name, kind, range_flags, min, max, choices, default, servers, doc)
 *
 * Each table expands into a struct with the header of ::genapi_text_params (struct_size,
 * reserved, is_set, allocator, owned) followed by one field per row, an id enum, a descriptor
 * table, validation, JSON serialization and parsing, and the generated pages
 * `doc/params-txt2img.md`, `doc/params-img2img.md` and `doc/params-upscale.md`.
 *
 * Where the servers differ (defaults, accepted fields), the descriptor's `servers` bits and
 * default text say so: ::GENAPI_SERVER_A1111, ::GENAPI_SERVER_SDNEXT, ::GENAPI_SERVER_HOSTED.
 * Ranges follow the SD.Next option ranges where they exist, otherwise a bound no real request
 * exceeds. Base64 fields (::GENAPI_RANGE_BASE64) must hold standard padded base64 without
 * whitespace, optionally inside a `data:image/TYPE;base64,` URI; URLs are not accepted.
 *
 * Unset and zero differ: only parameters marked set are validated and sent.
 */
#ifndef GENAPI_IMAGE_PARAMS_H
#define GENAPI_IMAGE_PARAMS_H

#include "params.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @cond INTERNAL */
#define GENAPI_S_IMG (GENAPI_SERVER_A1111 | GENAPI_SERVER_SDNEXT | GENAPI_SERVER_HOSTED)
#define GENAPI_S_SDN (GENAPI_SERVER_SDNEXT | GENAPI_SERVER_HOSTED)
#define GENAPI_S_IHOST GENAPI_SERVER_HOSTED
/** @endcond */

/**
 * @brief Rows shared by txt2img and img2img: the model and the prompt (the hosted API's
 *        required fields).
 */
#define GENAPI_IMAGE_MODEL_PARAMS(X) \
    X(sd_model_checkpoint, STRING, GENAPI_R_REQ | GENAPI_R_REQH | GENAPI_R_NE, 0, 0, NULL, "(required by the hosted API)", GENAPI_S_SDN, \
      "Model checkpoint name (GET /models/image-models); required by the hosted API, SD.Next defaults to the loaded model (A1111 takes it in override_settings).") \
    X(prompt, STRING, GENAPI_R_REQ | GENAPI_R_REQH, 0, 0, NULL, "(required by the hosted API; servers: \"\")", GENAPI_S_IMG, \
      "The text prompt; required by the hosted API (the servers default to an empty prompt).")

/**
 * @brief Rows shared by txt2img and img2img: the basic generation settings.
 */
#define GENAPI_IMAGE_BASE_PARAMS(X) \
    X(negative_prompt, STRING, 0, 0, 0, NULL, "\"\"", GENAPI_S_IMG, \
      "The negative prompt: what the image should not show.") \
    X(steps, INT, GENAPI_R_GE | GENAPI_R_LE, 1, 150, NULL, "50 (SD.Next: 20)", GENAPI_S_IMG, \
      "Number of sampling steps.") \
    X(sampler_name, STRING, 0, 0, 0, NULL, "Euler (SD.Next: Default)", GENAPI_S_IMG, \
      "Sampler name from GET /img-samplers; unknown names give 404 (A1111 1.9+ silently uses the default).") \
    X(width, INT, GENAPI_R_GE | GENAPI_R_LE, 64, 4096, NULL, "512 (SD.Next: 1024)", GENAPI_S_IMG, \
      "Image width in pixels; the servers round it to the model's multiple (8 or 16).") \
    X(height, INT, GENAPI_R_GE | GENAPI_R_LE, 64, 4096, NULL, "512 (SD.Next: 1024)", GENAPI_S_IMG, \
      "Image height in pixels; the servers round it to the model's multiple (8 or 16).") \
    X(clip_skip, INT, GENAPI_R_GE | GENAPI_R_LE, 1, 12, NULL, "1", GENAPI_S_SDN, \
      "Number of final CLIP layers to skip, 1 = none (A1111: option CLIP_stop_at_last_layers).") \
    X(seed, INT, 0, 0, 0, NULL, "-1", GENAPI_S_IMG, \
      "Random seed; -1 picks one at random (the seed used is reported in info, not in parameters).") \
    X(cfg_scale, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 30, NULL, "7 (SD.Next: 6)", GENAPI_S_IMG, \
      "Classifier-free guidance scale: how strongly the image follows the prompt.") \
    X(stream, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_IHOST, \
      "Ask the hosted API to stream progress; the servers have no such field and answer with one JSON body.") \
    X(batch_size, INT, GENAPI_R_GE | GENAPI_R_LE, 1, 64, NULL, "1", GENAPI_S_IMG, \
      "Number of images generated in one batch.")

/**
 * @brief Rows shared by txt2img and img2img: SD.Next's detailer (detect regions, then inpaint
 *        each one again).
 */
#define GENAPI_IMAGE_DETAILER_PARAMS(X) \
    X(detailer_enabled, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_SDN, \
      "Run the detailer: detect regions (faces, hands...) and inpaint each with its own prompt and strength.") \
    X(detailer_prompt, STRING, 0, 0, 0, NULL, "\"\"", GENAPI_S_SDN, \
      "Prompt of the detailer pass; empty reuses the main prompt, [PROMPT] is replaced by it, line i goes to model i.") \
    X(detailer_negative, STRING, 0, 0, 0, NULL, "\"\"", GENAPI_S_SDN, \
      "Negative prompt of the detailer pass, same rules as detailer_prompt.") \
    X(detailer_steps, INT, GENAPI_R_GE | GENAPI_R_LE, 0, 99, NULL, "10", GENAPI_S_SDN, \
      "Sampling steps of the detailer pass; 0 uses the main steps.") \
    X(detailer_strength, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0.3", GENAPI_S_SDN, \
      "Denoising strength of the detailer pass; 0 skips the pass.") \
    X(detailer_model, STRING, 0, 0, 0, NULL, "Detailer", GENAPI_S_SDN, \
      "Detailer implementation or detection model (e.g. face-yolo8n, hand_yolov8n, person_yolov8n-seg, yolo11m).") \
    X(detailer_classes, STRING, 0, 0, 0, NULL, "\"\"", GENAPI_S_SDN, \
      "Comma-separated class labels to keep (case-insensitive); empty keeps every class.") \
    X(detailer_conf, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0.6", GENAPI_S_SDN, \
      "Minimum detection confidence.") \
    X(detailer_max, INT, GENAPI_R_GE | GENAPI_R_LE, 1, 10, NULL, "2", GENAPI_S_SDN, \
      "Maximum number of detections processed, in model output order.") \
    X(detailer_iou, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0.5", GENAPI_S_SDN, \
      "Maximum overlap (IoU threshold of non-maximum suppression) between kept detections.") \
    X(detailer_padding, INT, GENAPI_R_GE | GENAPI_R_LE, 0, 100, NULL, "20", GENAPI_S_SDN, \
      "Pixels of context around each detection (the pass's inpaint_full_res_padding).") \
    X(detailer_blur, INT, GENAPI_R_GE | GENAPI_R_LE, 0, 100, NULL, "10", GENAPI_S_SDN, \
      "Blur of each detection's mask edge in pixels (the pass's mask_blur).") \
    X(detailer_merge, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_SDN, \
      "Merge all detections of one model into a single mask and inpaint once.")

/**
 * @brief Rows shared by txt2img and img2img: SD.Next's sampler settings applied to the
 *        diffusers scheduler (each is a no-op for schedulers without that setting).
 */
#define GENAPI_IMAGE_SCHEDULER_PARAMS(X) \
    X(schedulers_rescale_betas, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_SDN, \
      "Rescale betas to zero terminal SNR (for v-prediction models).") \
    X(schedulers_use_thresholding, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_SDN, \
      "Dynamic thresholding (Imagen); unsuitable for latent models such as SD.") \
    X(schedulers_sigma, ENUM, 0, 0, 0, "default|karras|betas|exponential|lambdas|flowmatch", "default", GENAPI_S_SDN, \
      "Sigma schedule; the hosted API docs call it a number, but SD.Next takes one of these names.") \
    X(schedulers_beta_schedule, ENUM, 0, 0, 0, "default|linear|scaled|cosine|sigmoid", "default", GENAPI_S_SDN, \
      "Beta schedule: linear, scaled (scaled_linear), cosine (squaredcos_cap_v2) or sigmoid.") \
    X(scheduler_eta, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "1", GENAPI_S_SDN, \
      "Eta (DDIM noise): 0 deterministic, 1 fully stochastic.") \
    X(schedulers_solver_order, INT, GENAPI_R_GE | GENAPI_R_LE, 0, 5, NULL, "0", GENAPI_S_SDN, \
      "Solver order of multistep samplers (DPM-Solver, UniPC, DEIS); 0 keeps the sampler's default.") \
    X(schedulers_beta_start, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0", GENAPI_S_SDN, \
      "First beta of the schedule; 0 keeps the model's (SD: 0.00085).") \
    X(schedulers_beta_end, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0", GENAPI_S_SDN, \
      "Last beta of the schedule; 0 keeps the model's (SD: 0.012).") \
    X(schedulers_timesteps_range, INT, GENAPI_R_GE | GENAPI_R_LE, 250, 4000, NULL, "1000", GENAPI_S_SDN, \
      "Number of training timesteps; the hosted API docs call it a string, SD.Next takes (and is sent) an integer.") \
    X(schedulers_shift, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 10, NULL, "3", GENAPI_S_SDN, \
      "Sigma shift of flow-matching samplers (SD3, Flux); 0 turns on resolution-dependent dynamic shifting.") \
    X(schedulers_sigma_adjust, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0.5, 1.5, NULL, "1", GENAPI_S_SDN, \
      "Factor on the next sigma inside the adjust window, 1 = off; the hosted API docs call it a boolean, SD.Next a number.") \
    X(schedulers_sigma_adjust_min, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0.2", GENAPI_S_SDN, \
      "Start of the sigma adjust window, as a fraction of the timesteps; at most schedulers_sigma_adjust_max.") \
    X(schedulers_sigma_adjust_max, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0.8", GENAPI_S_SDN, \
      "End of the sigma adjust window, as a fraction of the timesteps.")

/**
 * @brief The txt2img parameter table (X-macro): POST /txt2img and /sdapi/v1/txt2img.
 */
#define GENAPI_TXT2IMG_PARAMS(X) \
    GENAPI_IMAGE_MODEL_PARAMS(X) \
    GENAPI_IMAGE_BASE_PARAMS(X) \
    X(hr_sampler_name, STRING, 0, 0, 0, NULL, "none (SD.Next: Same as primary)", GENAPI_S_IMG, \
      "Sampler of the hires-fix pass, only used with enable_hr; SD.Next also runs the detailer with it.") \
    GENAPI_IMAGE_DETAILER_PARAMS(X) \
    GENAPI_IMAGE_SCHEDULER_PARAMS(X)

/**
 * @brief The img2img parameter table (X-macro): POST /img2img and /sdapi/v1/img2img.
 */
#define GENAPI_IMG2IMG_PARAMS(X) \
    GENAPI_IMAGE_MODEL_PARAMS(X) \
    X(init_images, STRLIST, GENAPI_R_REQ | GENAPI_R_NE | GENAPI_R_B64, 0, 0, NULL, "(required)", GENAPI_S_IMG, \
      "Base64 images to start from; one is repeated over the batch, and there may be at most batch_size.") \
    GENAPI_IMAGE_BASE_PARAMS(X) \
    X(denoising_strength, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0.75 (SD.Next: 0.5)", GENAPI_S_IMG, \
      "How much of the image is re-noised and redrawn: 0 keeps it, 1 ignores it.") \
    X(mask, STRING, GENAPI_R_B64, 0, 0, NULL, "none", GENAPI_S_IMG, \
      "Base64 inpainting mask of the init image's size: white is repainted, black kept.") \
    X(mask_blur, INT, GENAPI_R_GE | GENAPI_R_LE, 0, 256, NULL, "4", GENAPI_S_IMG, \
      "Gaussian blur of the mask in pixels (both directions).") \
    X(inpainting_fill, INT, 0, 0, 0, "0|1|2|3", "0 (SD.Next: 1, ignored)", GENAPI_S_IMG, \
      "Masked content before sampling: 0 fill, 1 original, 2 latent noise, 3 latent nothing.") \
    X(inpaint_full_res, BOOL, 0, 0, 0, NULL, "true (SD.Next: false)", GENAPI_S_IMG, \
      "Inpaint only the masked area at full resolution (crop, upscale, paste back) instead of the whole picture.") \
    X(inpaint_full_res_padding, INT, GENAPI_R_GE | GENAPI_R_LE, 0, 4096, NULL, "0", GENAPI_S_IMG, \
      "Pixels of context added around the mask's bounding box with inpaint_full_res.") \
    X(inpainting_mask_invert, INT, 0, 0, 0, "0|1", "0", GENAPI_S_IMG, \
      "1 inverts the mask (black is repainted), 0 keeps it.") \
    X(initial_noise_multiplier, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 2, NULL, "1 (server option)", GENAPI_S_IMG, \
      "Factor on the initial noise (useful range 0.5 to 1.5); unused by SD.Next's diffusers backend.") \
    GENAPI_IMAGE_DETAILER_PARAMS(X) \
    GENAPI_IMAGE_SCHEDULER_PARAMS(X) \
    X(resize_mode, INT, 0, 0, 0, "0|1|2|3", "0", GENAPI_S_IMG, \
      "Fitting the init images to width x height: 0 just resize, 1 crop and resize, 2 resize and fill, 3 latent upscale.")

/**
 * @brief The upscale parameter table (X-macro): POST /upscale-img and /sdapi/v1/extra-single-image.
 */
#define GENAPI_UPSCALE_PARAMS(X) \
    X(image, STRING, GENAPI_R_REQ | GENAPI_R_B64, 0, 0, NULL, "(required)", GENAPI_S_IMG, \
      "The base64 image to upscale.") \
    X(upscaler_1, STRING, 0, 0, 0, NULL, "None", GENAPI_S_IMG, \
      "Upscaler name from GET /upscalers (case-insensitive); None returns the image unchanged, an unknown name gives an error.") \
    X(resize_mode, INT, 0, 0, 0, "0|1", "0", GENAPI_S_IMG, \
      "0 scales by upscaling_resize; 1 scales to upscaling_resize_w x upscaling_resize_h.") \
    X(upscaling_resize, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 1, 8, NULL, "2", GENAPI_S_IMG, \
      "Scale factor of resize_mode 0, 1 to 8 as SD.Next requires (A1111 takes any factor above 0).") \
    X(upscaling_resize_w, INT, GENAPI_R_GE | GENAPI_R_LE, 1, 32768, NULL, "512", GENAPI_S_SDN, \
      "Target width of resize_mode 1.") \
    X(upscaling_resize_h, INT, GENAPI_R_GE | GENAPI_R_LE, 1, 32768, NULL, "512", GENAPI_S_SDN, \
      "Target height of resize_mode 1.") \
    X(upscaling_crop, BOOL, 0, 0, 0, NULL, "true", GENAPI_S_SDN, \
      "resize_mode 1: scale to cover upscaling_resize_w x upscaling_resize_h and centre-crop to exactly that size; false keeps the covering size.")

/** @cond INTERNAL */
#define GENAPI_TXT2IMG_X_ID(name, kind, fl, lo, hi, ch, def, srv, doc) GENAPI_TXT2IMG_PARAM_##name,
#define GENAPI_TXT2IMG_X_FIELD(name, kind, fl, lo, hi, ch, def, srv, doc) GENAPI_CTYPE_##kind name;
/** @endcond */

/** @brief Index of each txt2img parameter in its table: `GENAPI_TXT2IMG_PARAM_<name>`. */
typedef enum genapi_txt2img_param_id {
    GENAPI_TXT2IMG_PARAMS(GENAPI_TXT2IMG_X_ID)
    GENAPI_TXT2IMG_PARAM_COUNT /**< Number of txt2img parameters. */
} genapi_txt2img_param_id;

/** Number of 64-bit words in genapi_txt2img_params::is_set. */
#define GENAPI_TXT2IMG_SET_WORDS 1

/**
 * @brief Every txt2img parameter of POST /txt2img (/sdapi/v1/txt2img), typed. One field per row of
 *        ::GENAPI_TXT2IMG_PARAMS, named as the row, in the same order.
 *
 * Initialise with genapi_txt2img_params_init() (or ::GENAPI_TXT2IMG_PARAMS_INIT), then set fields
 * with GENAPI_TXT2IMG_SET() so they are marked as set. Pointers are borrowed (see params.h).
 */
typedef struct genapi_txt2img_params {
    uint32_t struct_size;                   /**< sizeof(genapi_txt2img_params), set by init. */
    uint32_t reserved;                      /**< Zero. */
    uint64_t is_set[GENAPI_TXT2IMG_SET_WORDS]; /**< Bit `GENAPI_TXT2IMG_PARAM_<name>` set = send it. */
    const genapi_allocator *allocator;      /**< Hooks for owned storage; NULL = malloc/free. Borrowed. */
    void *owned;                            /**< Storage of values set by set_text()/from_json(); internal. */
    GENAPI_TXT2IMG_PARAMS(GENAPI_TXT2IMG_X_FIELD)
} genapi_txt2img_params;

/** Static initialiser equivalent to genapi_txt2img_params_init(). */
#define GENAPI_TXT2IMG_PARAMS_INIT GENAPI_SIZED_INIT(genapi_txt2img_params)

/**
 * @brief Assign a field and mark it set, e.g. `GENAPI_TXT2IMG_SET(&p, cfg_scale, 7.5);`.
 */
#define GENAPI_TXT2IMG_SET(params, field, value) \
    ((params)->field = (value), genapi_txt2img_params_mark((params), GENAPI_TXT2IMG_PARAM_##field, 1))

/**
 * @brief Zero a txt2img parameter struct and record its size. Nothing is set afterwards.
 * @param params Struct to initialise.
 * @param struct_size sizeof(genapi_txt2img_params) as the caller knows it.
 * @return ::GENAPI_OK, or ::GENAPI_E_INVALID_ARG for NULL or an unknown size.
 */
GENAPI_EXPORT genapi_status genapi_txt2img_params_init(genapi_txt2img_params *params, size_t struct_size);

/**
 * @brief Mark a txt2img parameter set (sent) or unset (omitted) without touching its value.
 * @param params Parameter struct.
 * @param id Which parameter.
 * @param set Non-zero to mark set, zero to mark unset.
 */
GENAPI_EXPORT void genapi_txt2img_params_mark(genapi_txt2img_params *params, genapi_txt2img_param_id id, int set);

/**
 * @brief Whether a txt2img parameter is marked set.
 * @param params Parameter struct.
 * @param id Which parameter.
 * @return 1 if set, 0 if not (or if params is NULL or id out of range).
 */
GENAPI_EXPORT int genapi_txt2img_params_is_set(const genapi_txt2img_params *params, genapi_txt2img_param_id id);

/**
 * @brief Set a txt2img parameter by JSON name from text, as the CLI's `-p NAME=VALUE` does.
 *
 * Numbers, integers and booleans are parsed from their text ("7.5", "512", "true"); strings
 * and enum names are taken as they are; a string list takes a JSON array or a single bare
 * string. The value is copied into storage owned by `params` (released by
 * genapi_txt2img_params_clear()). Range checks are not done here: see genapi_txt2img_params_validate().
 *
 * @param params Initialised parameter struct.
 * @param name JSON name of the parameter.
 * @param value Text of the value.
 * @param err Filled on failure (unknown name, unparsable value); may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_txt2img_params_set_text(genapi_txt2img_params *params, const char *name,
                                                       const char *value, genapi_error *err);

/**
 * @brief Release storage made by genapi_txt2img_params_set_text() or genapi_txt2img_params_from_json()
 *        and re-initialise the struct (the allocator is kept).
 * @param params Parameter struct; NULL is ignored.
 */
GENAPI_EXPORT void genapi_txt2img_params_clear(genapi_txt2img_params *params);

/**
 * @brief Check the required parameters, every set parameter against its range, and the
 *        cross-parameter rules (schedulers_sigma_adjust_min <= schedulers_sigma_adjust_max).
 * @param params Parameter struct.
 * @param err On failure: ::GENAPI_E_INVALID_ARG, genapi_error::param names the parameter
 *            and genapi_error::message states the allowed range. May be NULL.
 * @return ::GENAPI_OK or ::GENAPI_E_INVALID_ARG.
 */
GENAPI_EXPORT genapi_status genapi_txt2img_params_validate(const genapi_txt2img_params *params, genapi_error *err);

/**
 * @brief Serialize the set txt2img parameters as a JSON object (text).
 * @param params Parameter struct (validated first).
 * @param[out] json_out Receives a NUL-terminated string allocated with genapi_txt2img_params::allocator;
 *                      free it with genapi_free() and the same allocator.
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_txt2img_params_to_json(const genapi_txt2img_params *params, char **json_out,
                                                      genapi_error *err);

/**
 * @brief Parse a txt2img JSON request body into a parameter struct, as a server does.
 *
 * Recognised keys are parsed and marked set; unknown keys and nulls are ignored (as the real
 * servers do). Values are stored in memory owned by `params`: release with
 * genapi_txt2img_params_clear(). Ranges are not checked here: call genapi_txt2img_params_validate().
 *
 * @param params Initialised, empty parameter struct.
 * @param json Request body text.
 * @param err On failure names the parameter whose value has the wrong type; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG (wrong type) or ::GENAPI_E_PARSE (not JSON).
 */
GENAPI_EXPORT genapi_status genapi_txt2img_params_from_json(genapi_txt2img_params *params, const char *json,
                                                        genapi_error *err);

/**
 * @brief The descriptor table of the txt2img parameters.
 * @param[out] count Receives ::GENAPI_TXT2IMG_PARAM_COUNT; may be NULL.
 * @return Static array of descriptors in table order; never free it.
 */
GENAPI_EXPORT const genapi_param_desc *genapi_txt2img_param_table(size_t *count);

/**
 * @brief Find a txt2img parameter descriptor by JSON name.
 * @param name JSON name, e.g. "sd_model_checkpoint".
 * @return The descriptor, or NULL if there is no such parameter.
 */
GENAPI_EXPORT const genapi_param_desc *genapi_txt2img_param_find(const char *name);

/**
 * @brief sizeof(genapi_txt2img_params) as compiled into the library (for FFI layout checks).
 * @return The size in bytes.
 */
GENAPI_EXPORT size_t genapi_txt2img_params_sizeof(void);

/** @cond INTERNAL */
#define GENAPI_IMG2IMG_X_ID(name, kind, fl, lo, hi, ch, def, srv, doc) GENAPI_IMG2IMG_PARAM_##name,
#define GENAPI_IMG2IMG_X_FIELD(name, kind, fl, lo, hi, ch, def, srv, doc) GENAPI_CTYPE_##kind name;
/** @endcond */

/** @brief Index of each img2img parameter in its table: `GENAPI_IMG2IMG_PARAM_<name>`. */
typedef enum genapi_img2img_param_id {
    GENAPI_IMG2IMG_PARAMS(GENAPI_IMG2IMG_X_ID)
    GENAPI_IMG2IMG_PARAM_COUNT /**< Number of img2img parameters. */
} genapi_img2img_param_id;

/** Number of 64-bit words in genapi_img2img_params::is_set. */
#define GENAPI_IMG2IMG_SET_WORDS 1

/**
 * @brief Every img2img parameter of POST /img2img (/sdapi/v1/img2img), typed. One field per row of
 *        ::GENAPI_IMG2IMG_PARAMS, named as the row, in the same order.
 *
 * Initialise with genapi_img2img_params_init() (or ::GENAPI_IMG2IMG_PARAMS_INIT), then set fields
 * with GENAPI_IMG2IMG_SET() so they are marked as set. Pointers are borrowed (see params.h).
 */
typedef struct genapi_img2img_params {
    uint32_t struct_size;                   /**< sizeof(genapi_img2img_params), set by init. */
    uint32_t reserved;                      /**< Zero. */
    uint64_t is_set[GENAPI_IMG2IMG_SET_WORDS]; /**< Bit `GENAPI_IMG2IMG_PARAM_<name>` set = send it. */
    const genapi_allocator *allocator;      /**< Hooks for owned storage; NULL = malloc/free. Borrowed. */
    void *owned;                            /**< Storage of values set by set_text()/from_json(); internal. */
    GENAPI_IMG2IMG_PARAMS(GENAPI_IMG2IMG_X_FIELD)
} genapi_img2img_params;

/** Static initialiser equivalent to genapi_img2img_params_init(). */
#define GENAPI_IMG2IMG_PARAMS_INIT GENAPI_SIZED_INIT(genapi_img2img_params)

/**
 * @brief Assign a field and mark it set, e.g. `GENAPI_IMG2IMG_SET(&p, denoising_strength, 0.5);`.
 */
#define GENAPI_IMG2IMG_SET(params, field, value) \
    ((params)->field = (value), genapi_img2img_params_mark((params), GENAPI_IMG2IMG_PARAM_##field, 1))

/**
 * @brief Zero a img2img parameter struct and record its size. Nothing is set afterwards.
 * @param params Struct to initialise.
 * @param struct_size sizeof(genapi_img2img_params) as the caller knows it.
 * @return ::GENAPI_OK, or ::GENAPI_E_INVALID_ARG for NULL or an unknown size.
 */
GENAPI_EXPORT genapi_status genapi_img2img_params_init(genapi_img2img_params *params, size_t struct_size);

/**
 * @brief Mark a img2img parameter set (sent) or unset (omitted) without touching its value.
 * @param params Parameter struct.
 * @param id Which parameter.
 * @param set Non-zero to mark set, zero to mark unset.
 */
GENAPI_EXPORT void genapi_img2img_params_mark(genapi_img2img_params *params, genapi_img2img_param_id id, int set);

/**
 * @brief Whether a img2img parameter is marked set.
 * @param params Parameter struct.
 * @param id Which parameter.
 * @return 1 if set, 0 if not (or if params is NULL or id out of range).
 */
GENAPI_EXPORT int genapi_img2img_params_is_set(const genapi_img2img_params *params, genapi_img2img_param_id id);

/**
 * @brief Set a img2img parameter by JSON name from text, as the CLI's `-p NAME=VALUE` does.
 *
 * Numbers, integers and booleans are parsed from their text ("7.5", "512", "true"); strings
 * and enum names are taken as they are; a string list takes a JSON array or a single bare
 * string. The value is copied into storage owned by `params` (released by
 * genapi_img2img_params_clear()). Range checks are not done here: see genapi_img2img_params_validate().
 *
 * @param params Initialised parameter struct.
 * @param name JSON name of the parameter.
 * @param value Text of the value.
 * @param err Filled on failure (unknown name, unparsable value); may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_img2img_params_set_text(genapi_img2img_params *params, const char *name,
                                                       const char *value, genapi_error *err);

/**
 * @brief Release storage made by genapi_img2img_params_set_text() or genapi_img2img_params_from_json()
 *        and re-initialise the struct (the allocator is kept).
 * @param params Parameter struct; NULL is ignored.
 */
GENAPI_EXPORT void genapi_img2img_params_clear(genapi_img2img_params *params);

/**
 * @brief Check the required parameters, every set parameter against its range, and the
 *        cross-parameter rules (a non-empty init_images of valid base64 images, no more init_images than batch_size, schedulers_sigma_adjust_min <= schedulers_sigma_adjust_max).
 * @param params Parameter struct.
 * @param err On failure: ::GENAPI_E_INVALID_ARG, genapi_error::param names the parameter
 *            and genapi_error::message states the allowed range. May be NULL.
 * @return ::GENAPI_OK or ::GENAPI_E_INVALID_ARG.
 */
GENAPI_EXPORT genapi_status genapi_img2img_params_validate(const genapi_img2img_params *params, genapi_error *err);

/**
 * @brief Serialize the set img2img parameters as a JSON object (text).
 * @param params Parameter struct (validated first).
 * @param[out] json_out Receives a NUL-terminated string allocated with genapi_img2img_params::allocator;
 *                      free it with genapi_free() and the same allocator.
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_img2img_params_to_json(const genapi_img2img_params *params, char **json_out,
                                                      genapi_error *err);

/**
 * @brief Parse a img2img JSON request body into a parameter struct, as a server does.
 *
 * Recognised keys are parsed and marked set; unknown keys and nulls are ignored (as the real
 * servers do). Values are stored in memory owned by `params`: release with
 * genapi_img2img_params_clear(). Ranges are not checked here: call genapi_img2img_params_validate().
 *
 * @param params Initialised, empty parameter struct.
 * @param json Request body text.
 * @param err On failure names the parameter whose value has the wrong type; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG (wrong type) or ::GENAPI_E_PARSE (not JSON).
 */
GENAPI_EXPORT genapi_status genapi_img2img_params_from_json(genapi_img2img_params *params, const char *json,
                                                        genapi_error *err);

/**
 * @brief The descriptor table of the img2img parameters.
 * @param[out] count Receives ::GENAPI_IMG2IMG_PARAM_COUNT; may be NULL.
 * @return Static array of descriptors in table order; never free it.
 */
GENAPI_EXPORT const genapi_param_desc *genapi_img2img_param_table(size_t *count);

/**
 * @brief Find a img2img parameter descriptor by JSON name.
 * @param name JSON name, e.g. "sd_model_checkpoint".
 * @return The descriptor, or NULL if there is no such parameter.
 */
GENAPI_EXPORT const genapi_param_desc *genapi_img2img_param_find(const char *name);

/**
 * @brief sizeof(genapi_img2img_params) as compiled into the library (for FFI layout checks).
 * @return The size in bytes.
 */
GENAPI_EXPORT size_t genapi_img2img_params_sizeof(void);

/** @cond INTERNAL */
#define GENAPI_UPSCALE_X_ID(name, kind, fl, lo, hi, ch, def, srv, doc) GENAPI_UPSCALE_PARAM_##name,
#define GENAPI_UPSCALE_X_FIELD(name, kind, fl, lo, hi, ch, def, srv, doc) GENAPI_CTYPE_##kind name;
/** @endcond */

/** @brief Index of each upscale parameter in its table: `GENAPI_UPSCALE_PARAM_<name>`. */
typedef enum genapi_upscale_param_id {
    GENAPI_UPSCALE_PARAMS(GENAPI_UPSCALE_X_ID)
    GENAPI_UPSCALE_PARAM_COUNT /**< Number of upscale parameters. */
} genapi_upscale_param_id;

/** Number of 64-bit words in genapi_upscale_params::is_set. */
#define GENAPI_UPSCALE_SET_WORDS 1

/**
 * @brief Every upscale parameter of POST /upscale-img (/sdapi/v1/extra-single-image), typed. One field per row of
 *        ::GENAPI_UPSCALE_PARAMS, named as the row, in the same order.
 *
 * Initialise with genapi_upscale_params_init() (or ::GENAPI_UPSCALE_PARAMS_INIT), then set fields
 * with GENAPI_UPSCALE_SET() so they are marked as set. Pointers are borrowed (see params.h).
 */
typedef struct genapi_upscale_params {
    uint32_t struct_size;                   /**< sizeof(genapi_upscale_params), set by init. */
    uint32_t reserved;                      /**< Zero. */
    uint64_t is_set[GENAPI_UPSCALE_SET_WORDS]; /**< Bit `GENAPI_UPSCALE_PARAM_<name>` set = send it. */
    const genapi_allocator *allocator;      /**< Hooks for owned storage; NULL = malloc/free. Borrowed. */
    void *owned;                            /**< Storage of values set by set_text()/from_json(); internal. */
    GENAPI_UPSCALE_PARAMS(GENAPI_UPSCALE_X_FIELD)
} genapi_upscale_params;

/** Static initialiser equivalent to genapi_upscale_params_init(). */
#define GENAPI_UPSCALE_PARAMS_INIT GENAPI_SIZED_INIT(genapi_upscale_params)

/**
 * @brief Assign a field and mark it set, e.g. `GENAPI_UPSCALE_SET(&p, upscaling_resize, 4.0);`.
 */
#define GENAPI_UPSCALE_SET(params, field, value) \
    ((params)->field = (value), genapi_upscale_params_mark((params), GENAPI_UPSCALE_PARAM_##field, 1))

/**
 * @brief Zero a upscale parameter struct and record its size. Nothing is set afterwards.
 * @param params Struct to initialise.
 * @param struct_size sizeof(genapi_upscale_params) as the caller knows it.
 * @return ::GENAPI_OK, or ::GENAPI_E_INVALID_ARG for NULL or an unknown size.
 */
GENAPI_EXPORT genapi_status genapi_upscale_params_init(genapi_upscale_params *params, size_t struct_size);

/**
 * @brief Mark a upscale parameter set (sent) or unset (omitted) without touching its value.
 * @param params Parameter struct.
 * @param id Which parameter.
 * @param set Non-zero to mark set, zero to mark unset.
 */
GENAPI_EXPORT void genapi_upscale_params_mark(genapi_upscale_params *params, genapi_upscale_param_id id, int set);

/**
 * @brief Whether a upscale parameter is marked set.
 * @param params Parameter struct.
 * @param id Which parameter.
 * @return 1 if set, 0 if not (or if params is NULL or id out of range).
 */
GENAPI_EXPORT int genapi_upscale_params_is_set(const genapi_upscale_params *params, genapi_upscale_param_id id);

/**
 * @brief Set a upscale parameter by JSON name from text, as the CLI's `-p NAME=VALUE` does.
 *
 * Numbers, integers and booleans are parsed from their text ("7.5", "512", "true"); strings
 * and enum names are taken as they are; a string list takes a JSON array or a single bare
 * string. The value is copied into storage owned by `params` (released by
 * genapi_upscale_params_clear()). Range checks are not done here: see genapi_upscale_params_validate().
 *
 * @param params Initialised parameter struct.
 * @param name JSON name of the parameter.
 * @param value Text of the value.
 * @param err Filled on failure (unknown name, unparsable value); may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_upscale_params_set_text(genapi_upscale_params *params, const char *name,
                                                       const char *value, genapi_error *err);

/**
 * @brief Release storage made by genapi_upscale_params_set_text() or genapi_upscale_params_from_json()
 *        and re-initialise the struct (the allocator is kept).
 * @param params Parameter struct; NULL is ignored.
 */
GENAPI_EXPORT void genapi_upscale_params_clear(genapi_upscale_params *params);

/**
 * @brief Check the required parameters, every set parameter against its range, and the
 *        cross-parameter rules (a valid base64 image).
 * @param params Parameter struct.
 * @param err On failure: ::GENAPI_E_INVALID_ARG, genapi_error::param names the parameter
 *            and genapi_error::message states the allowed range. May be NULL.
 * @return ::GENAPI_OK or ::GENAPI_E_INVALID_ARG.
 */
GENAPI_EXPORT genapi_status genapi_upscale_params_validate(const genapi_upscale_params *params, genapi_error *err);

/**
 * @brief Serialize the set upscale parameters as a JSON object (text).
 * @param params Parameter struct (validated first).
 * @param[out] json_out Receives a NUL-terminated string allocated with genapi_upscale_params::allocator;
 *                      free it with genapi_free() and the same allocator.
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_upscale_params_to_json(const genapi_upscale_params *params, char **json_out,
                                                      genapi_error *err);

/**
 * @brief Parse a upscale JSON request body into a parameter struct, as a server does.
 *
 * Recognised keys are parsed and marked set; unknown keys and nulls are ignored (as the real
 * servers do). Values are stored in memory owned by `params`: release with
 * genapi_upscale_params_clear(). Ranges are not checked here: call genapi_upscale_params_validate().
 *
 * @param params Initialised, empty parameter struct.
 * @param json Request body text.
 * @param err On failure names the parameter whose value has the wrong type; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG (wrong type) or ::GENAPI_E_PARSE (not JSON).
 */
GENAPI_EXPORT genapi_status genapi_upscale_params_from_json(genapi_upscale_params *params, const char *json,
                                                        genapi_error *err);

/**
 * @brief The descriptor table of the upscale parameters.
 * @param[out] count Receives ::GENAPI_UPSCALE_PARAM_COUNT; may be NULL.
 * @return Static array of descriptors in table order; never free it.
 */
GENAPI_EXPORT const genapi_param_desc *genapi_upscale_param_table(size_t *count);

/**
 * @brief Find a upscale parameter descriptor by JSON name.
 * @param name JSON name, e.g. "image".
 * @return The descriptor, or NULL if there is no such parameter.
 */
GENAPI_EXPORT const genapi_param_desc *genapi_upscale_param_find(const char *name);

/**
 * @brief sizeof(genapi_upscale_params) as compiled into the library (for FFI layout checks).
 * @return The size in bytes.
 */
GENAPI_EXPORT size_t genapi_upscale_params_sizeof(void);

#ifdef __cplusplus
}
#endif
#endif
