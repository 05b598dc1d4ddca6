/* The reference image engine (internal): a deterministic procedural generator driven by prompt,
 * seed, steps, size, sampler and CFG scale; real img2img (resize modes, denoising strength),
 * inpainting (mask, blur, fill modes, invert, full-resolution crop with padding); resampling
 * and upscaling; PNG encode/decode through libspng; decoding of PNG, JPEG and WebP inputs.
 * Everything is seeded and reproducible. */
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
    /* Prompt understanding: clip_skip > 1 skips final text-encoder layers, so the prompt is
     * followed more loosely (a less saturated palette, softer subject outlines). 0 or 1 = none. */
    int32_t clip_skip;
    /* SD.Next's sampler settings; read only when has_sched (else every one keeps its default). */
    int32_t has_sched;
    double eta;                   /* 1: the sampler's own noise; 0: none (samplers with an eta) */
    int32_t solver_order;         /* 0 = the sampler's own (2 for 2M, 3 for 3M, ...) */
    int32_t sigma;                /* GI_SIGMA_*; A1111's "... Karras" names set it too */
    int32_t beta_schedule;        /* GI_BETA_* */
    int32_t rescale_betas;        /* zero terminal SNR: a wider tonal range */
    int32_t thresholding;         /* dynamic thresholding: extremes compressed */
    double beta_start, beta_end;  /* 0 = the model's (0.00085, 0.012) */
    int32_t timesteps;            /* training timesteps, 0 = 1000 */
    double shift;                 /* flow shift, 3 = neutral, 0 = resolution-dependent */
    double sigma_adjust, sigma_adjust_min, sigma_adjust_max; /* factor (1 = off) and window */
    /* The detailer: after the picture, the subjects the engine drew (gi__subject) are detected,
     * filtered and re-rendered in place. Read only when detailer != 0. */
    int32_t detailer;
    const char *detailer_prompt;   /* the pass's prompt, already resolved (empty = the prompt) */
    const char *detailer_negative; /* NULL or "" = the negative prompt */
    int32_t detailer_steps;        /* 0 = steps */
    double detailer_strength;      /* 0 skips the pass */
    const char *detailer_model;    /* which subjects are found (gi__subject_detectable) */
    const char *detailer_classes;  /* comma-separated labels to keep; NULL or "" = all */
    double detailer_conf, detailer_iou;
    int32_t detailer_max, detailer_padding, detailer_blur, detailer_merge;
    const char *hr_sampler_name;   /* sampler of the detailer pass; NULL = sampler_name */
} gi_gen_config;

/* Sigma schedules (schedulers_sigma) and beta schedules (schedulers_beta_schedule). */
enum { GI_SIGMA_DEFAULT, GI_SIGMA_KARRAS, GI_SIGMA_BETAS, GI_SIGMA_EXPONENTIAL, GI_SIGMA_LAMBDAS, GI_SIGMA_FLOWMATCH };
enum { GI_BETA_DEFAULT, GI_BETA_LINEAR, GI_BETA_SCALED, GI_BETA_COSINE, GI_BETA_SIGMOID };

/* Sampler names the engine knows: SD.Next's list ("Default", "UniPC", "Euler a", "Euler FlowMatch",
 * "DPM++ 2M", ...); NULL-terminated. */
const char *const *gi_sampler_names(void);
/* Index (in gi_sampler_names()) of a sampler name, matched case-insensitively as SD.Next does;
 * A1111's names are accepted too ("LMS" is "LMSD", "DPM2 a" is "KDPM2 a", "PLMS" is "PNDM",
 * k-diffusion aliases such as "k_euler_a"), and a " Karras" or " Exponential" suffix sets
 * *sigma (when not NULL; else GI_SIGMA_DEFAULT). -1 when unknown. */
int gi_sampler_resolve(const char *name, int32_t *sigma);
/* gi_sampler_resolve without the schedule. */
int gi_sampler_index(const char *name);

/* The detections the detailer would re-render, after its filters (classes, confidence, NMS
 * by detailer_iou, at most detailer_max in confidence order; merged into one box with
 * detailer_merge). Boxes include the padding and the blur's reach. Returns the count. */
typedef struct gi_detection {
    const char *label;
    double conf;
    int32_t x0, y0, x1, y1;  /* the detection box */
    int32_t rx0, ry0, rx1, ry1; /* the region re-rendered: the box + padding + blur, clipped */
} gi_detection;
#define GI_MAX_DETECTIONS 8
int gi_gen_detections(const gi_gen_config *cfg, uint32_t index, gi_detection *out);

/* Generate image `index` of a batch (seed + index). On failure returns a negative status with
 * err filled (e.g. GENAPI_E_INVALID_ARG naming the field). The same as gi_gen_begin, steps to
 * the end and gi_gen_end. */
genapi_status gi_generate(const ga_alloc *a, const gi_gen_config *cfg, uint32_t index, gi_image *out,
                          genapi_error *err);

/* ---------------------------------------------------------------------------------------------
 * Work in bounded steps
 *
 * Generation, upscaling and PNG encoding can also be done a little at a time: begin, then
 * step until done, then end (which hands over the result and frees the job; it finishes any
 * remaining work itself). A step is given a budget of work units and does whole rows until it
 * is spent, at least one row; a unit is about a nanosecond of work on the reference machine,
 * and a budget of 0 means GI_STEP_UNITS. The bytes are the same whatever the budgets, and the
 * same as the one-shot calls, which are these jobs run to the end. A job may be freed at any
 * point. Jobs are not thread-safe, but different jobs run on different threads at once.
 *
 * Measured at 512x512 with the default budget (x86-64, one core, RelWithDebInfo; numbers from
 * bench/bench_image.c): a generation step renders 9 rows of txt2img (fewer for img2img and
 * inpainting, whose fitting, mask blur and pre-fill are steps too) and costs 0.2-0.3 ms, at
 * most about 0.45 ms; gi_gen_begin costs about 0.18 ms (palette, layout, ridge lines; it grows
 * with the width, not with steps). A PNG step encodes 8 rows of a 512-wide image (after one
 * step that checks the alpha channel): about 0.1 ms at the median, more for grainy pictures;
 * gi_png_encode_begin only copies the text. An upscale step costs about 0.05-0.1 ms at the
 * median (the units overestimate the vectorised passes); gi_upscale_begin (tap tables, the
 * output allocation) 0.15-0.3 ms. */
#define GI_STEP_UNITS 250000

typedef struct gi_gen_job gi_gen_job;

/* Validate cfg (the same errors as gi_generate, all found here) and set up the generator
 * (palette, layout, ridge lines; the noise lattices are allocated and filled row by row as
 * rendering reaches them). Every pixel-sized piece of work (fitting the init image
 * and the mask, the mask blur, the pre-fill, rendering, compositing) is left to the steps.
 * cfg's strings are read here only; cfg->init and cfg->mask are borrowed until the job ends. */
genapi_status gi_gen_begin(const ga_alloc *a, const gi_gen_config *cfg, uint32_t index, gi_gen_job **job,
                           genapi_error *err);
/* The checks gi_gen_begin makes, alone (cheap): GENAPI_OK means begin can only fail for want of
 * memory. */
genapi_status gi_gen_validate(const gi_gen_config *cfg, genapi_error *err);
/* Do about `budget` units of work. Fails only when a buffer cannot be allocated (the job is
 * then failed; free it). */
genapi_status gi_gen_step(gi_gen_job *j, int64_t budget, genapi_error *err);
int gi_gen_done(const gi_gen_job *j);
/* Work done and total work, in units (done only grows; done == total at the end). */
void gi_gen_progress(const gi_gen_job *j, int64_t *done, int64_t *total);
/* floor(done / total * steps): the sampling step the work done corresponds to (cfg->steps at
 * the end). The engine has no sampler loop; the steps only set the detail in closed form. */
int32_t gi_gen_sampling_step(const gi_gen_job *j);
/* The output image as it is being produced and how many of its top rows are final (the other
 * rows are not meaningful yet; final rows are never written again). Valid until the job ends;
 * width and height are 0 until the output exists. */
const gi_image *gi_gen_image(const gi_gen_job *j, int32_t *rows_ready);
/* Finish any remaining work, hand over the image, free the job (also on failure). */
genapi_status gi_gen_end(gi_gen_job *j, gi_image *out, genapi_error *err);
void gi_gen_free(gi_gen_job *j);

/* Resample to w x h (bilinear or Lanczos when shrinking/growing; document which). */
genapi_status gi_resize(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_image *out, genapi_error *err);

/* Upscale by factor (> 0, <= 8) with a named upscaler ("None", "Lanczos", "Nearest", or a
 * model-like name such as "R-ESRGAN 4x+" which applies Lanczos + unsharp mask); resize_mode 0
 * uses the factor. */
const char *const *gi_upscaler_names(void);
/* The engine's spelling of an upscaler name matched case-insensitively (SD.Next's names, and
 * A1111's "Lanczos", "Nearest", "R-ESRGAN 4x+", ...), or NULL. */
const char *gi_upscaler_canonical(const char *name);
genapi_status gi_upscale(const ga_alloc *a, const gi_image *in, double factor, const char *upscaler, gi_image *out,
                         genapi_error *err);

/* Upscaling in steps: begin validates (the same errors as gi_upscale) and builds the tap
 * tables; the steps do the horizontal pass (one row per source row), the vertical pass (one
 * row per output row) and the sharpening (one row per output row). `in` is borrowed until the
 * job ends. gi_upscale_step returns 1 when done. */
typedef struct gi_upscale_job gi_upscale_job;
genapi_status gi_upscale_begin(const ga_alloc *a, const gi_image *in, double factor, const char *upscaler,
                               gi_upscale_job **job, genapi_error *err);
int gi_upscale_step(gi_upscale_job *j, int64_t budget);
int gi_upscale_done(const gi_upscale_job *j);
void gi_upscale_progress(const gi_upscale_job *j, int64_t *done, int64_t *total);
genapi_status gi_upscale_end(gi_upscale_job *j, gi_image *out, genapi_error *err);
void gi_upscale_free(gi_upscale_job *j);

/* PNG through libspng. decode accepts any PNG (converted to RGBA8); encode writes RGB8 when
 * every alpha byte is 255 and RGBA8 otherwise, with a "parameters" tEXt chunk when text is
 * non-NULL. Returned bytes allocated with a. */
genapi_status gi_png_encode(const ga_alloc *a, const gi_image *img, const char *text, uint8_t **bytes, size_t *len,
                            genapi_error *err);
genapi_status gi_png_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, gi_image *out, genapi_error *err);

/* PNG encoding in steps (libspng's progressive encoder). The first steps check the alpha
 * channel (RGB when the image is opaque, stopping at the first translucent pixel); then the
 * signature, IHDR and text chunk are written and each step encodes whole rows; the bytes are
 * gi_png_encode's. The image data is deflated at level 1 with the Sub filter on every row
 * (chosen for speed: the servers' PNGs are decoded once; doc/performance.md gives the sizes);
 * with fast != 0 (progress previews) the deflate is Huffman-only: about a third faster and
 * 13 % larger. `img` is borrowed until the job ends; text is copied. */
typedef struct gi_png_job gi_png_job;
genapi_status gi_png_encode_begin(const ga_alloc *a, const gi_image *img, const char *text, int fast, gi_png_job **job,
                                  genapi_error *err);
genapi_status gi_png_encode_step(gi_png_job *j, int64_t budget, genapi_error *err);
int gi_png_encode_done(const gi_png_job *j);
/* The bytes written so far (they only grow; valid until the next step or the end). */
const uint8_t *gi_png_encode_data(const gi_png_job *j, size_t *len);
/* Finish, hand over the bytes (allocated with the job's allocator), free the job. */
genapi_status gi_png_encode_end(gi_png_job *j, uint8_t **bytes, size_t *len, genapi_error *err);
void gi_png_encode_free(gi_png_job *j);

/* ---------------------------------------------------------------------------------------------
 * Image inputs
 *
 * gi_image_decode reads an encoded image into 8-bit RGBA, its format told by the magic bytes:
 *   - PNG through libspng: every colour type and bit depth (grey 1-16 bits, palette 1-8 bits,
 *     RGB, grey + alpha, RGBA, interlaced or not); tRNS becomes alpha, 16-bit samples keep
 *     their most significant byte;
 *   - JPEG through libjpeg-turbo: baseline or progressive, grey, YCbCr at any subsampling, RGB,
 *     and CMYK / YCCK converted as Pillow converts them (Adobe polarity); a file cut short is
 *     refused, other damage the library recovers from is decoded as it recovers;
 *   - WebP through libwebp: lossy, lossless, with or without alpha, and the first frame of an
 *     animation composed on its canvas.
 * The EXIF orientation of a JPEG (APP1), PNG (eXIf) or WebP (EXIF chunk) is applied, as
 * AUTOMATIC1111 applies ImageOps.exif_transpose to API inputs. Before any pixel buffer is
 * allocated, the width x height of the header is checked against the limits. Errors: anything
 * undecodable (any other format, damage, a size over the limits) is GENAPI_E_INVALID_ARG, its
 * message "Invalid encoded image" or one naming the size; GENAPI_E_NOMEM when an allocation
 * failed. */
typedef struct gi_decode_limits {
    int32_t max_side;   /* largest width or height; <= 0: the engine's (32768) */
    int64_t max_pixels; /* largest width * height; <= 0: the engine's (2^27) */
} gi_decode_limits;

/* lim may be NULL (the engine's limits); out is allocated with a. */
genapi_status gi_image_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, const gi_decode_limits *lim,
                              gi_image *out, genapi_error *err);

void gi_image_free(const ga_alloc *a, gi_image *img);

#endif
