/* The reference image engine (internal): a deterministic procedural generator driven by prompt,
 * seed, steps, size, sampler and CFG scale; real img2img (resize modes, denoising strength),
 * inpainting (mask, blur, fill modes, invert, full-resolution crop with padding); resampling
 * and upscaling; PNG encode/decode through libspng. Everything is seeded and reproducible. */
#ifndef GENAPI_ENGINE_IMAGE_H
#define GENAPI_ENGINE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include <genapi/error.h>

#include "util/alloc.h"

/* An 8-bit RGBA image, rows top to bottom, no padding. */
typedef struct gi_image {
    int32_t width, height;
    uint8_t *rgba; /* width * height * 4 bytes, allocated with the engine's allocator */
} gi_image;

typedef struct gi_gen_config {
    const char *prompt;           /* "" allowed */
    const char *negative_prompt;  /* NULL or "" = none */
    uint64_t seed;                /* already resolved (never -1) */
    int32_t steps;                /* >= 1 */
    double cfg_scale;             /* >= 0 */
    const char *sampler_name;     /* one of gi_sampler_names(); NULL = the default */
    int32_t width, height;        /* >= 8 */
    /* img2img (init == NULL for txt2img) */
    const gi_image *init;
    double denoising_strength;    /* 0 keeps the init image, 1 ignores it */
    int32_t resize_mode;          /* 0 stretch, 1 crop and resize, 2 resize and fill, 3 like 0 */
    const gi_image *mask;         /* NULL = whole image; white = repaint (luminance used) */
    int32_t mask_blur;            /* pixels, >= 0 */
    int32_t inpainting_fill;      /* 0 fill, 1 original, 2 latent noise, 3 latent nothing */
    int32_t inpaint_full_res;     /* 1: work on the masked region's bounding box only */
    int32_t inpaint_full_res_padding;
    int32_t inpainting_mask_invert;
    double initial_noise_multiplier; /* 0 = 1.0 */
} gi_gen_config;

/* Sampler names the engine knows ("Euler", "Euler a", "DPM++ 2M", ...); NULL-terminated. */
const char *const *gi_sampler_names(void);
/* Index of a sampler name (case-sensitive as A1111), or -1. */
int gi_sampler_index(const char *name);

/* Generate image `index` of a batch (seed + index). On failure returns a negative status with
 * err filled (e.g. GENAPI_E_INVALID_ARG naming the field). */
genapi_status gi_generate(const ga_alloc *a, const gi_gen_config *cfg, uint32_t index, gi_image *out,
                          genapi_error *err);

/* Resample to w x h (bilinear or Lanczos when shrinking/growing; document which). */
genapi_status gi_resize(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_image *out, genapi_error *err);

/* Upscale by factor (> 0, <= 8) with a named upscaler ("None", "Lanczos", "Nearest", or a
 * model-like name such as "R-ESRGAN 4x+" which applies Lanczos + unsharp mask); resize_mode 0
 * uses the factor. */
const char *const *gi_upscaler_names(void);
genapi_status gi_upscale(const ga_alloc *a, const gi_image *in, double factor, const char *upscaler, gi_image *out,
                         genapi_error *err);

/* PNG through libspng. decode accepts any PNG (converted to RGBA8); encode writes RGBA8 with a
 * "parameters" tEXt chunk when text is non-NULL. Returned bytes allocated with a. */
genapi_status gi_png_encode(const ga_alloc *a, const gi_image *img, const char *text, uint8_t **bytes, size_t *len,
                            genapi_error *err);
genapi_status gi_png_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, gi_image *out, genapi_error *err);

void gi_image_free(const ga_alloc *a, gi_image *img);

#endif
