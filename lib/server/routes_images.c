/* POST txt2img, img2img and upscale on the reference image engine, under /v1 and /sdapi/v1,
 * answering as SD.Next does. Requests are parsed and validated with the image parameter tables;
 * numbers sent as strings ("1000") are taken as pydantic takes them, and validation errors are
 * FastAPI's 422 {"detail": [{"type", "loc": ["body", PARAM], "msg", "input"}]}; unknown samplers
 * SD.Next's 404 {"error": "HTTPException", "code": 404, "detail", "body", "errors"}, undecodable
 * images its 500 "Invalid encoded image", img2img without init_images its 400
 * {"error": "Init image is none"}, an unknown checkpoint on /sdapi/v1 its aborted run (200, no
 * images, info ""); the hosted routes answer 404 for it (they route requests by model).
 * Answers carry "parameters" (image_echo.c) and an "info" with every key of SD.Next's.
 *
 * Everything a request can be refused for is checked at once (parsing, validation, decoding of
 * the input images, the engine's own checks) and answered without a job. A valid request
 * becomes a job whose steps are the engine's steps: for each image of the batch, generation in
 * bands of rows, then PNG encoding a few rows at a time with the base64 text following the
 * bytes as they come; a last step writes the rest of the JSON body and sets the head (200).
 * The body is the one json-c writes for the same values (JSON_C_TO_STRING_PLAIN, no slash
 * escapes), written piece by piece: "images" strings are base64 only, the other values are
 * serialised by json-c. The job reports its progress (progress.h) as it goes. */
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <string.h>

#include <genapi/image_params.h>
#include <sodium.h>

#include "engine/image/image_engine.h"
#include "params/param_internal.h"
#include "server/backend_internal.h"
#include "server/image_echo.h"
#include "server/image_request.h"
#include "server/job.h"
#include "server/limits.h"
#include "server/progress.h"
#include "server/text_common.h"
#include "util/buf.h"
#include "util/err.h"

extern const char *const gs_image_model_title;
extern const char *const gs_image_model_name;
extern const char *const gs_image_model_hash;


/* Fields txt2img and img2img share, read from either struct through its table. */
typedef struct common {
    const char *model, *prompt, *negative, *sampler;
    int64_t steps, width, height, seed, batch, clip_skip;
    double cfg;
    int model_set;
} common;

#define READ_COMMON(P, kind, KIND, c)                                                                                    \
    do {                                                                                                           \
        (c)->model_set = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_sd_model_checkpoint);               \
        (c)->model = (c)->model_set ? (P)->sd_model_checkpoint : gs_image_model_title;                             \
        (c)->prompt = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_prompt) ? (P)->prompt : "";            \
        (c)->negative =                                                                                            \
            genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_negative_prompt) ? (P)->negative_prompt : "";    \
        (c)->sampler = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_sampler_name) ? (P)->sampler_name     \
                                                                                             : default_sampler;    \
        (c)->steps = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_steps) ? (P)->steps : 20;               \
        (c)->width = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_width) ? (P)->width : 1024;             \
        (c)->height = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_height) ? (P)->height : 1024;          \
        (c)->clip_skip = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_clip_skip) ? (P)->clip_skip : 1;    \
        (c)->seed = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_seed) ? (P)->seed : -1;                  \
        (c)->batch = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_batch_size) ? (P)->batch_size : 1;      \
        (c)->cfg = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_cfg_scale) ? (P)->cfg_scale : 6.0;        \
    } while (0)

/* The detailer and sampler settings both tables have, into the engine's config with SD.Next's
 * defaults (its option values). */
#define READ_PASSES(P, kind, KIND, cfg)                                                                               \
    do {                                                                                                              \
        (cfg)->has_sched = 1;                                                                                         \
        (cfg)->eta = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_scheduler_eta) ? (P)->scheduler_eta : 1.0;                          \
        (cfg)->solver_order = (int32_t)(genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_solver_order) ? (P)->schedulers_solver_order : 0); \
        (cfg)->sigma = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_sigma) ? (P)->schedulers_sigma : (cfg)->sigma;          \
        (cfg)->beta_schedule = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_beta_schedule) ? (P)->schedulers_beta_schedule : 0; \
        (cfg)->rescale_betas = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_rescale_betas) && (P)->schedulers_rescale_betas; \
        (cfg)->thresholding = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_use_thresholding) && (P)->schedulers_use_thresholding; \
        (cfg)->beta_start = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_beta_start) ? (P)->schedulers_beta_start : 0.0;   \
        (cfg)->beta_end = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_beta_end) ? (P)->schedulers_beta_end : 0.0;         \
        (cfg)->timesteps = (int32_t)(genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_timesteps_range) ? (P)->schedulers_timesteps_range : 1000); \
        (cfg)->shift = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_shift) ? (P)->schedulers_shift : 3.0;                  \
        (cfg)->sigma_adjust = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_sigma_adjust) ? (P)->schedulers_sigma_adjust : 1.0; \
        (cfg)->sigma_adjust_min = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_sigma_adjust_min) ? (P)->schedulers_sigma_adjust_min : 0.2; \
        (cfg)->sigma_adjust_max = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_schedulers_sigma_adjust_max) ? (P)->schedulers_sigma_adjust_max : 0.8; \
        (cfg)->detailer = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_enabled) && (P)->detailer_enabled;                    \
        (cfg)->detailer_prompt = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_prompt) ? (P)->detailer_prompt : "";           \
        (cfg)->detailer_negative = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_negative) ? (P)->detailer_negative : "";     \
        (cfg)->detailer_steps = (int32_t)(genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_steps) ? (P)->detailer_steps : 10);   \
        (cfg)->detailer_strength = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_strength) ? (P)->detailer_strength : 0.3;    \
        (cfg)->detailer_model = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_model) ? (P)->detailer_model : "Detailer";      \
        (cfg)->detailer_classes = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_classes) ? (P)->detailer_classes : "";        \
        (cfg)->detailer_conf = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_conf) ? (P)->detailer_conf : 0.6;                \
        (cfg)->detailer_max = (int32_t)(genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_max) ? (P)->detailer_max : 2);          \
        (cfg)->detailer_iou = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_iou) ? (P)->detailer_iou : 0.5;                   \
        (cfg)->detailer_padding = (int32_t)(genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_padding) ? (P)->detailer_padding : 20); \
        (cfg)->detailer_blur = (int32_t)(genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_blur) ? (P)->detailer_blur : 10);      \
        (cfg)->detailer_merge = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_detailer_merge) && (P)->detailer_merge;                  \
    } while (0)

/* ---------------------------------------------------------------------------------------------
 * Image jobs */

enum { KIND_TXT2IMG = 1, KIND_IMG2IMG, KIND_UPSCALE };
enum { ST_GEN_BEGIN, ST_GEN, ST_UPSCALE, ST_CROP, ST_PNG, ST_FINISH };

/* Input bytes turned into base64 per piece (a multiple of 3, so pieces join without padding). */
#define B64_PIECE (3 * 16384)

typedef struct img_job {
    gs_job base;
    int kind, stage;
    genapi_allocator hooks;
    genapi_txt2img_params t;
    genapi_img2img_params i;
    genapi_upscale_params u;
    int t_init, i_init, u_init;
    common c;
    gi_gen_config cfg;
    gi_image init, mask;    /* decoded inputs (img2img: init and mask; upscale: init) */
    json_object *request;   /* echoed as "parameters" */
    json_object *seeds, *infotexts;
    uint64_t seed;
    int64_t index;          /* image of the batch being made */
    gi_gen_job *gen;
    gi_upscale_job *up;
    gi_image img;           /* the finished image being encoded */
    ga_buf info;            /* its infotext */
    char *dprompt;          /* the detailer's prompts, [PROMPT] replaced */
    char *dnegative;
    int aborted;            /* unknown checkpoint on /sdapi/v1: SD.Next's aborted run */
    int sampler_sigma;      /* the schedule an A1111 "... Karras" name asked for */
    int32_t crop_w, crop_h, crop_row; /* upscale resize_mode 1 with upscaling_crop */
    gi_image cropped;
    char html[512];         /* upscale: html_info */
    gi_png_job *png;
    size_t png_used;        /* PNG bytes already in the body as base64 */
    char *b64;              /* scratch for one piece */
    ga_buf body;            /* the answer, moved to the job's output at the end */
    double factor;
    const char *upscaler;
    uint64_t subseed;
    char timestamp[16];     /* job_timestamp: when the job was made, YYYYMMDDhhmmss (UTC) */
    gs_progress_entry prog;
} img_job;

static void img_destroy(gs_job *jb)
{
    img_job *j = (img_job *)jb;
    genapi_backend *b = jb->b;
    /* Leave the progress record first: it may point at an image freed below. */
    gs_progress_stop(b->progress, &j->prog);
    gi_gen_free(j->gen);
    gi_upscale_free(j->up);
    gi_png_encode_free(j->png);
    gi_image_free(&b->alloc, &j->img);
    gi_image_free(&b->alloc, &j->init);
    gi_image_free(&b->alloc, &j->mask);
    gi_image_free(&b->alloc, &j->cropped);
    ga_buf_free(&j->info);
    if (j->dprompt)
        ga_free(&b->alloc, j->dprompt);
    if (j->dnegative)
        ga_free(&b->alloc, j->dnegative);
    json_object_put(j->request);
    json_object_put(j->seeds);
    json_object_put(j->infotexts);
    ga_buf_free(&j->body);
    if (j->b64)
        ga_free(&b->alloc, j->b64);
    if (j->t_init)
        genapi_txt2img_params_clear(&j->t);
    if (j->i_init)
        genapi_img2img_params_clear(&j->i);
    if (j->u_init)
        genapi_upscale_params_clear(&j->u);
}

/* End the job with an error answer built by one of the helpers into r. */
static void fail_with(img_job *j, genapi_http_response *r)
{
    if (r->status == 0) { /* not even the error body could be built */
        r->status = 500;
        r->content_type = "application/json";
    }
    gs_progress_stop(j->base.b->progress, &j->prog);
    gs_job_finish_with(&j->base, r);
}

static void fail_nomem(img_job *j)
{
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    gs_respond_nomem(j->base.b, &r);
    fail_with(j, &r);
}

/* Append the JSON text json-c writes for a value. */
static void body_json(img_job *j, json_object *v)
{
    size_t len = 0;
    const char *txt = json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    ga_buf_append(&j->body, txt, len);
}

/* Append the base64 of the PNG bytes written so far: whole triples, or all with `last`. */
static void body_b64(img_job *j, int last)
{
    size_t len = 0;
    const uint8_t *png = gi_png_encode_data(j->png, &len);
    while (j->png_used < len) {
        size_t n = len - j->png_used;
        if (n > B64_PIECE)
            n = B64_PIECE;
        else if (!last)
            n -= n % 3;
        if (n == 0)
            break;
        sodium_bin2base64(j->b64, sodium_base64_encoded_len(B64_PIECE, sodium_base64_VARIANT_ORIGINAL),
                          png + j->png_used, n, sodium_base64_VARIANT_ORIGINAL);
        ga_buf_append(&j->body, j->b64, strlen(j->b64));
        j->png_used += n;
    }
}

static const char *job_name(const img_job *j)
{
    return j->kind == KIND_TXT2IMG ? "scripts_txt2img" : j->kind == KIND_IMG2IMG ? "scripts_img2img" : "extras";
}

static void start_png(img_job *j, const char *text)
{
    genapi_backend *b = j->base.b;
    if (gi_png_encode_begin(&b->alloc, &j->img, text, 0, &j->png, NULL) != GENAPI_OK) {
        fail_nomem(j);
        return;
    }
    j->png_used = 0;
    if (j->kind != KIND_UPSCALE)
        ga_buf_puts(&j->body, j->index > 0 ? ",\"" : "\"");
    j->stage = ST_PNG;
}

/* The generation of the current image is over: its infotext (as SD.Next writes it: the
 * settings that differ from the defaults are listed), then its PNG. */
static void image_made(img_job *j)
{
    const common *c = &j->c;
    const gi_gen_config *g = &j->cfg;
    ga_buf *t = &j->info;
    t->len = 0;
    if (t->data)
        t->data[0] = 0;
    ga_buf_printf(t, "%s\nNegative prompt: %s\nSteps: %lld, Sampler: %s, CFG scale: %g, Seed: %llu, Size: %lldx%lld, "
                  "Model: %s",
                  c->prompt, c->negative, (long long)c->steps, c->sampler, c->cfg,
                  (unsigned long long)(j->seed + (uint64_t)j->index), (long long)c->width, (long long)c->height,
                  gs_image_model_name);
    if (j->kind == KIND_IMG2IMG)
        ga_buf_printf(t, ", Denoising strength: %g", g->denoising_strength);
    if (c->clip_skip > 1)
        ga_buf_printf(t, ", Clip skip: %lld", (long long)c->clip_skip);
    static const char *const SIGMA[] = {"default", "karras", "betas", "exponential", "lambdas", "flowmatch"};
    static const char *const BETA[] = {"default", "linear", "scaled", "cosine", "sigmoid"};
    if (g->eta != 1.0)
        ga_buf_printf(t, ", Sampler eta: %g", g->eta);
    if (g->sigma > 0 && g->sigma < 6)
        ga_buf_printf(t, ", Sampler sigma: %s", SIGMA[g->sigma]);
    if (g->solver_order > 0)
        ga_buf_printf(t, ", Sampler order: %d", (int)g->solver_order);
    if (g->beta_schedule > 0 && g->beta_schedule < 5)
        ga_buf_printf(t, ", Sampler beta schedule: %s", BETA[g->beta_schedule]);
    if (g->thresholding)
        ga_buf_puts(t, ", Sampler dynamic: True");
    if (g->rescale_betas)
        ga_buf_puts(t, ", Sampler rescale: True");
    if (g->beta_start > 0.0)
        ga_buf_printf(t, ", Sampler beta start: %g", g->beta_start);
    if (g->beta_end > 0.0)
        ga_buf_printf(t, ", Sampler beta end: %g", g->beta_end);
    if (g->timesteps != 1000)
        ga_buf_printf(t, ", Sampler range: %d", (int)g->timesteps);
    if (g->shift != 3.0)
        ga_buf_printf(t, ", Sampler shift: %g", g->shift);
    if (g->sigma_adjust != 1.0)
        ga_buf_printf(t, ", Sigma adjust: %g, Sigma adjust min: %g, Sigma adjust max: %g", g->sigma_adjust,
                      g->sigma_adjust_min, g->sigma_adjust_max);
    if (g->detailer) {
        ga_buf_printf(t, ", Detailer: %s, Detailer steps: %d, Detailer strength: %g", g->detailer_model,
                      (int)(g->detailer_steps > 0 ? g->detailer_steps : (int32_t)c->steps), g->detailer_strength);
        if (j->dprompt && j->dprompt[0])
            ga_buf_printf(t, ", Detailer prompt: \"%s\"", j->dprompt);
        if (j->dnegative && j->dnegative[0])
            ga_buf_printf(t, ", Detailer negative: \"%s\"", j->dnegative);
        ga_buf_printf(t, ", Detailer conf: %g, Detailer max: %d, Detailer iou: %g, Detailer padding: %d, "
                      "Detailer blur: %d%s",
                      g->detailer_conf, (int)g->detailer_max, g->detailer_iou, (int)g->detailer_padding,
                      (int)g->detailer_blur, g->detailer_merge ? ", Detailer merge: True" : "");
        if (g->detailer_classes && g->detailer_classes[0])
            ga_buf_printf(t, ", Detailer classes: \"%s\"", g->detailer_classes);
        if (g->hr_sampler_name)
            ga_buf_printf(t, ", Detailer sampler: %s", g->hr_sampler_name);
    }
    if (t->failed) {
        fail_nomem(j);
        return;
    }
    char text[64];
    snprintf(text, sizeof text, "Encoding image %lld of %lld", (long long)j->index + 1, (long long)c->batch);
    gs_progress_set(j->base.b->progress, &j->prog, (int32_t)j->index, (int32_t)c->steps, text, &j->img,
                    j->img.height);
    start_png(j, t->data);
}

/* The PNG of the current image is written. */
static void png_made(img_job *j)
{
    genapi_backend *b = j->base.b;
    body_b64(j, 1);
    ga_buf_puts(&j->body, "\"");
    gi_png_encode_free(j->png);
    j->png = NULL;
    if (j->kind == KIND_UPSCALE) {
        gs_progress_set(b->progress, &j->prog, 0, 0, "Writing the answer", NULL, 0);
        gi_image_free(&b->alloc, &j->img);
        j->stage = ST_FINISH;
        return;
    }
    json_object_array_add(j->seeds, json_object_new_int64((int64_t)(j->seed + (uint64_t)j->index)));
    json_object_array_add(j->infotexts, json_object_new_string(j->info.data));
    j->index++;
    gs_progress_set(b->progress, &j->prog, (int32_t)(j->index < j->c.batch ? j->index : j->index - 1),
                    j->index < j->c.batch ? 0 : (int32_t)j->c.steps,
                    j->index < j->c.batch ? "Sampling" : "Writing the answer", NULL, 0);
    gi_image_free(&b->alloc, &j->img);
    j->stage = j->index < j->c.batch ? ST_GEN_BEGIN : ST_FINISH;
}

/* A value of the echoed request (every field is there, with its default). */
static json_object *req_value(const img_job *j, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(j->request, key, &v);
    return v;
}

static json_object *repeat_string(const char *s, int64_t n)
{
    json_object *a = json_object_new_array();
    for (int64_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(s));
    return a;
}

/* "info": every key of SD.Next's Processed.js(), in its order, with the values of this run. */
static json_object *build_info(img_job *j)
{
    const common *c = &j->c;
    const gi_gen_config *g = &j->cfg;
    json_object *info = json_object_new_object(), *v;
    json_object_object_add(info, "prompt", json_object_new_string(c->prompt));
    json_object_object_add(info, "all_prompts", repeat_string(c->prompt, c->batch));
    json_object_object_add(info, "negative_prompt", json_object_new_string(c->negative));
    json_object_object_add(info, "all_negative_prompts", repeat_string(c->negative, c->batch));
    json_object_object_add(info, "seed", json_object_new_int64((int64_t)j->seed));
    json_object_object_add(info, "all_seeds", j->seeds);
    j->seeds = NULL;
    json_object *all_sub = json_object_new_array();
    for (int64_t i = 0; i < c->batch; i++)
        json_object_array_add(all_sub, json_object_new_int64((int64_t)(j->subseed + (uint64_t)i)));
    json_object_object_add(info, "subseed", json_object_new_int64((int64_t)j->subseed));
    json_object_object_add(info, "all_subseeds", all_sub);
    v = req_value(j, "subseed_strength");
    json_object_object_add(info, "subseed_strength", v ? json_object_get(v) : json_object_new_int(0));
    json_object_object_add(info, "width", json_object_new_int64(c->width));
    json_object_object_add(info, "height", json_object_new_int64(c->height));
    json_object_object_add(info, "sampler_name", json_object_new_string(c->sampler));
    json_object_object_add(info, "cfg_scale", ga_json_double(c->cfg));
    v = req_value(j, "cfg_end");
    json_object_object_add(info, "cfg_end", v ? json_object_get(v) : ga_json_double(1.0));
    json_object_object_add(info, "steps", json_object_new_int64(c->steps));
    json_object_object_add(info, "batch_size", json_object_new_int64(c->batch));
    json_object_object_add(info, "sd_model_name", json_object_new_string(gs_image_model_name));
    json_object_object_add(info, "sd_model_hash", json_object_new_string(gs_image_model_hash));
    v = req_value(j, "seed_resize_from_w");
    json_object_object_add(info, "seed_resize_from_w", v ? json_object_get(v) : json_object_new_int(-1));
    v = req_value(j, "seed_resize_from_h");
    json_object_object_add(info, "seed_resize_from_h", v ? json_object_get(v) : json_object_new_int(-1));
    v = req_value(j, "denoising_strength");
    json_object_object_add(info, "denoising_strength",
                           j->kind == KIND_IMG2IMG ? ga_json_double(g->denoising_strength)
                                                   : v ? json_object_get(v) : ga_json_double(0.3));
    json_object *extra = json_object_new_object();
    if (g->detailer) {
        json_object_object_add(extra, "Detailer", json_object_new_string(g->detailer_model));
        json_object_object_add(extra, "Detailer steps",
                               json_object_new_int(g->detailer_steps > 0 ? g->detailer_steps : (int32_t)c->steps));
        json_object_object_add(extra, "Detailer strength", ga_json_double(g->detailer_strength));
    }
    json_object_object_add(info, "extra_generation_params", extra);
    json_object_object_add(info, "index_of_first_image", json_object_new_int(0));
    json_object_object_add(info, "infotexts", j->infotexts);
    j->infotexts = NULL;
    v = req_value(j, "styles");
    json_object_object_add(info, "styles", v ? json_object_get(v) : json_object_new_array());
    json_object_object_add(info, "job_timestamp", json_object_new_string(j->timestamp));
    json_object_object_add(info, "clip_skip", json_object_new_int64(c->clip_skip));
    json_object_object_add(info, "is_using_inpainting_conditioning", json_object_new_boolean(0));
    json_object_object_add(info, "detailer", json_object_new_boolean(g->detailer));
    json_object_object_add(info, "detailer_model", g->detailer ? json_object_new_string(g->detailer_model) : NULL);
    return info;
}

/* The rest of the body after the images, the head, and the end of the job. */
static void finish(img_job *j)
{
    if (j->kind == KIND_UPSCALE) {
        ga_buf_puts(&j->body, "}");
    } else {
        json_object *info = j->aborted ? NULL : build_info(j);
        json_object *info_str =
            json_object_new_string(info ? json_object_to_json_string_ext(info, JSON_C_TO_STRING_PLAIN) : "");
        json_object_put(info);
        ga_buf_puts(&j->body, "],\"parameters\":");
        body_json(j, j->request);
        ga_buf_puts(&j->body, ",\"info\":");
        body_json(j, info_str);
        ga_buf_puts(&j->body, "}");
        json_object_put(info_str);
    }
    gs_progress_stop(j->base.b->progress, &j->prog);
    if (j->body.failed) {
        fail_nomem(j);
        return;
    }
    gs_job_set_head(&j->base, 200, "application/json", 0);
    if (j->base.out.len == 0 && j->base.out_read == 0) {
        /* Hand the body over whole rather than copy it (it is megabytes for large images). */
        ga_buf empty = j->base.out;
        j->base.out = j->body;
        j->body = empty;
    } else {
        ga_buf_append(&j->base.out, j->body.data, j->body.len);
    }
    j->base.done = 1;
}

static void img_step_once(gs_job *jb)
{
    img_job *j = (img_job *)jb;
    genapi_backend *b = jb->b;
    genapi_error err;
    genapi_error_clear(&err);
    if (!j->prog.listed && j->stage != ST_FINISH) /* the first step: the job is running now */
        gs_progress_start(b->progress, &j->prog, job_name(j), j->kind == KIND_UPSCALE ? 1 : (int32_t)j->c.batch,
                          j->kind == KIND_UPSCALE ? 0 : (int32_t)j->c.steps);
    switch (j->stage) {
    case ST_GEN_BEGIN:
        if (gi_gen_begin(&b->alloc, &j->cfg, (uint32_t)j->index, &j->gen, &err) != GENAPI_OK) {
            if (err.status == GENAPI_E_NOMEM) {
                fail_nomem(j);
                return;
            }
            genapi_http_response r;
            memset(&r, 0, sizeof r);
            gs_img_detail_error(b, &r, err.param, err.message);
            fail_with(j, &r);
            return;
        }
        {
            char text[64];
            snprintf(text, sizeof text, "Sampling image %lld of %lld", (long long)j->index + 1, (long long)j->c.batch);
            gs_progress_set(b->progress, &j->prog, (int32_t)j->index, 0, text, NULL, 0);
        }
        j->stage = ST_GEN;
        return;
    case ST_GEN: {
        if (gi_gen_step(j->gen, 0, &err) != GENAPI_OK) {
            if (err.status == GENAPI_E_NOMEM) {
                fail_nomem(j);
                return;
            }
            genapi_http_response r;
            memset(&r, 0, sizeof r);
            gs_img_detail_error(b, &r, err.param, err.message);
            fail_with(j, &r);
            return;
        }
        int32_t rows = 0;
        const gi_image *im = gi_gen_image(j->gen, &rows);
        gs_progress_set(b->progress, &j->prog, (int32_t)j->index, gi_gen_sampling_step(j->gen), NULL, im, rows);
        if (!gi_gen_done(j->gen))
            return;
        /* The image keeps its buffer: the record may point at it until image_made replaces it. */
        genapi_status st = gi_gen_end(j->gen, &j->img, &err);
        j->gen = NULL;
        if (st != GENAPI_OK) {
            fail_nomem(j);
            return;
        }
        image_made(j);
        return;
    }
    case ST_UPSCALE:
        if (!gi_upscale_step(j->up, 0)) {
            gs_progress_set(b->progress, &j->prog, 0, 0, "Upscaling", NULL, 0);
            return;
        }
        if (gi_upscale_end(j->up, &j->img, &err) != GENAPI_OK) {
            j->up = NULL;
            fail_nomem(j);
            return;
        }
        j->up = NULL;
        if (j->crop_w > 0) {
            j->stage = ST_CROP;
            return;
        }
        gs_progress_set(b->progress, &j->prog, 0, 0, "Encoding", &j->img, j->img.height);
        start_png(j, NULL);
        return;
    case ST_CROP: {
        /* The centre crop of resize_mode 1, about a megabyte of rows per step. */
        if (j->cropped.rgba == NULL) {
            j->cropped.rgba = ga_malloc(&b->alloc, (size_t)j->crop_w * (size_t)j->crop_h * 4);
            if (j->cropped.rgba == NULL) {
                fail_nomem(j);
                return;
            }
            j->cropped.width = j->crop_w;
            j->cropped.height = j->crop_h;
        }
        int32_t ox = (j->img.width - j->crop_w) / 2, oy = (j->img.height - j->crop_h) / 2;
        size_t row = (size_t)j->crop_w * 4;
        int32_t n = (int32_t)(((size_t)1 << 20) / row) + 1;
        for (int32_t y = j->crop_row; y < j->crop_h && n > 0; y++, n--, j->crop_row++)
            memcpy(j->cropped.rgba + (size_t)y * row,
                   j->img.rgba + (((size_t)(y + oy) * (size_t)j->img.width) + (size_t)ox) * 4, row);
        if (j->crop_row < j->crop_h)
            return;
        gi_image_free(&b->alloc, &j->img);
        j->img = j->cropped;
        j->cropped = (gi_image){0, 0, NULL};
        gs_progress_set(b->progress, &j->prog, 0, 0, "Encoding", &j->img, j->img.height);
        start_png(j, NULL);
        return;
    }
    case ST_PNG:
        if (gi_png_encode_step(j->png, 0, &err) != GENAPI_OK) {
            fail_nomem(j);
            return;
        }
        body_b64(j, 0);
        if (gi_png_encode_done(j->png))
            png_made(j);
        return;
    default:
        finish(j);
        return;
    }
}

/* One step, then the job's own progress fields (what an in-process caller reads) follow the
 * record's entry. */
static void img_step(gs_job *jb)
{
    img_job *j = (img_job *)jb;
    img_step_once(jb);
    if (j->kind == KIND_UPSCALE)
        return;
    jb->image = 1;
    jb->job_count = (int32_t)j->c.batch;
    jb->sampling_steps = (int32_t)j->c.steps;
    if (jb->done) {
        jb->job_no = jb->job_count > 0 ? jb->job_count - 1 : 0;
        jb->sampling_step = jb->sampling_steps;
    } else if (j->prog.listed) {
        jb->job_no = j->prog.job_no;
        jb->sampling_step = j->prog.sampling_step;
    }
}

/* The deadline passed: the error answer in the WebUI's HTTPException shape (504). */
static void img_expire(gs_job *jb, const char *msg)
{
    img_job *j = (img_job *)jb;
    genapi_http_response r;
    memset(&r, 0, sizeof r);
    gs_img_webui_error(jb->b, &r, 504, msg);
    fail_with(j, &r);
}

static const gs_job_ops IMG_OPS = {img_step, img_destroy, img_expire};

/* A new job for kind, its parameters ready to be parsed with the backend's allocator. */
static img_job *img_job_new(genapi_backend *b, int kind)
{
    img_job *j = (img_job *)gs_job_new(b, &IMG_OPS, sizeof *j);
    if (j == NULL)
        return NULL;
    j->base.image = 1;
    j->kind = kind;
    j->hooks = (genapi_allocator){b->alloc.malloc_fn, b->alloc.realloc_fn, b->alloc.free_fn, b->alloc.user};
    ga_buf_init(&j->body, &b->alloc);
    ga_buf_init(&j->info, &b->alloc);
    if (kind == KIND_TXT2IMG) {
        genapi_txt2img_params_init(&j->t, sizeof j->t);
        j->t.allocator = &j->hooks;
        j->t_init = 1;
    } else if (kind == KIND_IMG2IMG) {
        genapi_img2img_params_init(&j->i, sizeof j->i);
        j->i.allocator = &j->hooks;
        j->i_init = 1;
    } else {
        genapi_upscale_params_init(&j->u, sizeof j->u);
        j->u.allocator = &j->hooks;
        j->u_init = 1;
    }
    j->b64 = ga_malloc(&b->alloc, sodium_base64_encoded_len(B64_PIECE, sodium_base64_VARIANT_ORIGINAL));
    j->seeds = json_object_new_array();
    j->infotexts = json_object_new_array();
    if (j->b64 == NULL || j->seeds == NULL || j->infotexts == NULL) {
        gs_job_free(&j->base);
        return NULL;
    }
    return j;
}

/* detailer_prompt as SD.Next reads it: the first line (line i is for detailer model i; the
 * engine has one), [PROMPT] or [prompt] replaced by the main prompt. Allocated; NULL when out
 * of memory. */
static char *detailer_text(genapi_backend *b, const char *tmpl, const char *prompt)
{
    ga_buf o;
    ga_buf_init(&o, &b->alloc);
    size_t n = strcspn(tmpl, "\n");
    for (size_t i = 0; i < n;) {
        if (n - i >= 8 && (strncmp(tmpl + i, "[PROMPT]", 8) == 0 || strncmp(tmpl + i, "[prompt]", 8) == 0)) {
            ga_buf_puts(&o, prompt);
            i += 8;
        } else {
            ga_buf_append(&o, tmpl + i, 1);
            i++;
        }
    }
    ga_buf_append(&o, "", 0);
    if (o.failed) {
        ga_buf_free(&o);
        return NULL;
    }
    if (o.data == NULL)
        return ga_strndup(&b->alloc, "", 0);
    return ga_buf_take(&o, NULL);
}

/* The checks that answer at once for a generation, then the job's first state. `request` is
 * the body as sent (numbers already taken from strings); its echo is "parameters". Returns 1
 * when the job is ready, 0 with r answered. */
static int generation_ready(genapi_backend *b, img_job *j, json_object *request, int webui, genapi_http_response *r)
{
    common *c = &j->c;
    j->request = gs_image_echo(request, j->kind == KIND_IMG2IMG);
    if (j->request == NULL) {
        gs_respond_nomem(b, r);
        return 0;
    }
    if (!gs_img_known_model(c->model)) {
        if (!webui) {
            gs_img_webui_error(b, r, 404, "Model not found");
            return 0;
        }
        /* SD.Next logs 'model "..." not found', aborts the run and answers with no images. */
        j->aborted = 1;
        ga_buf_puts(&j->body, "{\"images\":[");
        j->stage = ST_FINISH;
        return 1;
    }
    int32_t sigma = GI_SIGMA_DEFAULT;
    int si = gi_sampler_resolve(c->sampler, &sigma);
    if (si < 0) {
        gs_img_webui_error(b, r, 404, "Sampler not found");
        return 0;
    }
    c->sampler = gi_sampler_names()[si]; /* SD.Next reports the name as it spells it */
    /* The work of the batch, before any of it is done. */
    uint64_t pixels = (uint64_t)c->width * (uint64_t)c->height * (uint64_t)c->batch;
    if (pixels > (uint64_t)GS_LIMIT_IMAGE_PIXELS || pixels * (uint64_t)c->steps > (uint64_t)GS_LIMIT_IMAGE_PIXEL_STEPS) {
        int too_many = pixels > (uint64_t)GS_LIMIT_IMAGE_PIXELS;
        char msg[300];
        if (too_many)
            snprintf(msg, sizeof msg,
                     "width x height x batch_size is %llu pixels; the reference backend makes at most %ld per "
                     "request (one 4096 x 4096 image, or 64 of 512 x 512)",
                     (unsigned long long)pixels, GS_LIMIT_IMAGE_PIXELS);
        else
            snprintf(msg, sizeof msg,
                     "width x height x batch_size x steps is %llu; the reference backend allows at most %ld per "
                     "request (one 4096 x 4096 image at 50 steps)",
                     (unsigned long long)(pixels * (uint64_t)c->steps), GS_LIMIT_IMAGE_PIXEL_STEPS);
        gs_img_detail_error(b, r, too_many ? (c->batch > 1 ? "batch_size" : "width") : "steps", msg);
        return 0;
    }
    j->seed = c->seed >= 0 ? (uint64_t)c->seed : (uint64_t)randombytes_uniform(4294967294u);
    json_object *sub = NULL;
    json_object_object_get_ex(j->request, "subseed", &sub);
    int64_t subseed = sub && json_object_is_type(sub, json_type_int) ? json_object_get_int64(sub) : -1;
    /* SD.Next draws an unset subseed at random; the engine makes no variations from it, so it is
     * derived from the seed here, and the answers for one seed stay the same. */
    j->subseed = subseed >= 0 ? (uint64_t)subseed : (j->seed * 2654435761ULL + 12345ULL) % 4294967294ULL;
    gi_gen_config *cfg = &j->cfg;
    cfg->prompt = c->prompt;
    cfg->negative_prompt = c->negative;
    cfg->seed = j->seed;
    cfg->steps = (int32_t)c->steps;
    cfg->cfg_scale = c->cfg;
    cfg->sampler_name = c->sampler;
    cfg->width = (int32_t)c->width;
    cfg->height = (int32_t)c->height;
    cfg->clip_skip = (int32_t)c->clip_skip;
    if (cfg->sigma == GI_SIGMA_DEFAULT && !j->sampler_sigma)
        cfg->sigma = sigma; /* "DPM++ 2M Karras": the schedule from the name unless set */
    if (cfg->detailer) {
        j->dprompt = detailer_text(b, cfg->detailer_prompt ? cfg->detailer_prompt : "", c->prompt);
        j->dnegative = detailer_text(b, cfg->detailer_negative ? cfg->detailer_negative : "", c->negative);
        if (j->dprompt == NULL || j->dnegative == NULL) {
            gs_respond_nomem(b, r);
            return 0;
        }
        cfg->detailer_prompt = j->dprompt;
        cfg->detailer_negative = j->dnegative;
    }
    genapi_error err;
    genapi_error_clear(&err);
    if (gi_gen_validate(cfg, &err) != GENAPI_OK) {
        gs_img_detail_error(b, r, err.param, err.message);
        return 0;
    }
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(j->timestamp, sizeof j->timestamp, "%Y%m%d%H%M%S", &tmv);
    ga_buf_puts(&j->body, "{\"images\":[");
    j->stage = ST_GEN_BEGIN;
    return 1;
}

static int txt2img(genapi_backend *b, img_job *j, json_object *root, int webui, genapi_http_response *r)
{
    genapi_txt2img_params *p = &j->t;
    if (!gs_img_parse_params(b, &ga_txt2img_table, p, root, webui, r))
        return 0;
    const char *default_sampler = "Default";
    READ_COMMON(p, txt2img, TXT2IMG, &j->c);
    j->sampler_sigma = genapi_txt2img_params_is_set(p, GENAPI_TXT2IMG_PARAM_schedulers_sigma);
    READ_PASSES(p, txt2img, TXT2IMG, &j->cfg);
    if (genapi_txt2img_params_is_set(p, GENAPI_TXT2IMG_PARAM_hr_sampler_name))
        j->cfg.hr_sampler_name = p->hr_sampler_name;
    return generation_ready(b, j, root, webui, r);
}

static int img2img(genapi_backend *b, img_job *j, json_object *root, int webui, genapi_http_response *r)
{
    json_object *ii = NULL;
    if (!json_object_object_get_ex(root, "init_images", &ii) || ii == NULL) {
        /* SD.Next checks this first, outside its error middleware. */
        json_object *o = json_object_new_object();
        json_object_object_add(o, "error", json_object_new_string("Init image is none"));
        gs_respond_json(b, r, 400, o);
        return 0;
    }
    genapi_img2img_params *p = &j->i;
    if (!gs_img_parse_params(b, &ga_img2img_table, p, root, webui, r) || !gs_img_decode_b64(b, p->init_images.items[0], &j->init, r) ||
        (genapi_img2img_params_is_set(p, GENAPI_IMG2IMG_PARAM_mask) && !gs_img_decode_b64(b, p->mask, &j->mask, r)))
        return 0;
    common *c = &j->c;
    const char *default_sampler = "UniPC";
    READ_COMMON(p, img2img, IMG2IMG, c);
    j->sampler_sigma = genapi_img2img_params_is_set(p, GENAPI_IMG2IMG_PARAM_schedulers_sigma);
    READ_PASSES(p, img2img, IMG2IMG, &j->cfg);
    if (!genapi_img2img_params_is_set(p, GENAPI_IMG2IMG_PARAM_width))
        c->width = j->init.width;
    if (!genapi_img2img_params_is_set(p, GENAPI_IMG2IMG_PARAM_height))
        c->height = j->init.height;
    gi_gen_config *cfg = &j->cfg;
    cfg->init = &j->init;
    cfg->mask = j->mask.rgba ? &j->mask : NULL;
#define OPT(f, dflt) (genapi_img2img_params_is_set(p, GENAPI_IMG2IMG_PARAM_##f) ? p->f : (dflt))
    cfg->denoising_strength = OPT(denoising_strength, 0.5);
    cfg->resize_mode = (int32_t)OPT(resize_mode, 0);
    cfg->mask_blur = (int32_t)OPT(mask_blur, 4);
    cfg->inpainting_fill = (int32_t)OPT(inpainting_fill, 1);
    cfg->inpaint_full_res = OPT(inpaint_full_res, 0);
    cfg->inpaint_full_res_padding = (int32_t)OPT(inpaint_full_res_padding, 0);
    cfg->inpainting_mask_invert = (int32_t)OPT(inpainting_mask_invert, 0);
    cfg->initial_noise_multiplier = OPT(initial_noise_multiplier, 1.0);
#undef OPT
    return generation_ready(b, j, root, webui, r);
}

/* Upscale as SD.Next's extras: upscaler_1 None (or unset) leaves the image as it is; resize_mode
 * 1 scales to cover upscaling_resize_w x upscaling_resize_h and, with upscaling_crop (default),
 * crops the centre to exactly that size. An unknown upscaler is its 400 listing the names. */
static int upscale(genapi_backend *b, img_job *j, json_object *root, genapi_http_response *r)
{
    genapi_upscale_params *p = &j->u;
    if (!gs_img_parse_params(b, &ga_upscale_table, p, root, 0, r) || !gs_img_decode_b64(b, p->image, &j->init, r))
        return 0;
#define UOPT(f, dflt) (genapi_upscale_params_is_set(p, GENAPI_UPSCALE_PARAM_##f) ? p->f : (dflt))
    const char *name = UOPT(upscaler_1, "None");
    j->upscaler = gi_upscaler_canonical(name);
    if (j->upscaler == NULL) {
        char msg[1024] = "Invalid upscaler, needs to be one of these: ";
        for (const char *const *n = gi_upscaler_names(); *n; n++) {
            if (n != gi_upscaler_names())
                strncat(msg, " , ", sizeof msg - strlen(msg) - 1);
            strncat(msg, *n, sizeof msg - strlen(msg) - 1);
        }
        gs_img_webui_error(b, r, 400, msg);
        return 0;
    }
    int64_t mode = UOPT(resize_mode, 0), tw = UOPT(upscaling_resize_w, 512), th = UOPT(upscaling_resize_h, 512);
    int crop = UOPT(upscaling_crop, 1) != 0;
    j->factor = UOPT(upscaling_resize, 2.0);
#undef UOPT
    if (mode == 1) {
        double fx = (double)tw / (double)j->init.width, fy = (double)th / (double)j->init.height;
        j->factor = fx > fy ? fx : fy;
    }
    int none = strcmp(j->upscaler, "None") == 0;
    /* The output's size as the upscaler rounds it, before any work. */
    double f = none ? 1.0 : j->factor;
    double ow = floor((double)j->init.width * f + 0.5), oh = floor((double)j->init.height * f + 0.5);
    if (ow * oh > (double)GS_LIMIT_UPSCALE_PIXELS || f > 8.0) {
        char msg[200];
        snprintf(msg, sizeof msg, "the upscaled image would be %.0f x %.0f (factor %g); the reference backend makes "
                 "at most %ld pixels (4096 x 4096) and scales by at most 8", ow, oh, f, GS_LIMIT_UPSCALE_PIXELS);
        gs_img_detail_error(b, r, mode == 1 ? "upscaling_resize_w" : "upscaling_resize", msg);
        return 0;
    }
    if (none) {
        snprintf(j->html, sizeof j->html, "<p></p>");
        j->factor = 1.0;
    } else if (mode == 1 && crop) {
        snprintf(j->html, sizeof j->html,
                 "<p>Postprocess upscale to: %lldx%lld, Postprocess crop to: %lldx%lld, Postprocess upscaler: %s</p>",
                 (long long)tw, (long long)th, (long long)tw, (long long)th, j->upscaler);
        j->crop_w = (int32_t)((double)tw < ow ? (double)tw : ow);
        j->crop_h = (int32_t)((double)th < oh ? (double)th : oh);
    } else if (mode == 1) {
        snprintf(j->html, sizeof j->html, "<p>Postprocess upscale to: %lldx%lld, Postprocess upscaler: %s</p>",
                 (long long)tw, (long long)th, j->upscaler);
    } else {
        snprintf(j->html, sizeof j->html, "<p>Postprocess upscale by: %g, Postprocess upscaler: %s</p>", j->factor,
                 j->upscaler);
    }
    genapi_error err;
    genapi_error_clear(&err);
    genapi_status st = gi_upscale_begin(&b->alloc, &j->init, none ? 1.0 : j->factor, none ? "Resize Nearest" : j->upscaler,
                                        &j->up, &err);
    if (st == GENAPI_E_INVALID_ARG) {
        gs_img_detail_error(b, r, err.param, err.message);
        return 0;
    }
    if (st == GENAPI_E_NOMEM) {
        gs_respond_nomem(b, r);
        return 0;
    }
    if (st != GENAPI_OK) {
        gs_respond_error(b, r, 500, "InternalServerError", NULL, "%s", err.message);
        return 0;
    }
    json_object *html = json_object_new_string(j->html);
    ga_buf_puts(&j->body, "{\"html_info\":");
    body_json(j, html);
    ga_buf_puts(&j->body, ",\"image\":\"");
    json_object_put(html);
    j->stage = ST_UPSCALE;
    return 1;
}

int gs_route_image_post(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job,
                        genapi_status *st)
{
    *job = NULL;
    const char *path = req->path;
    int webui = strncmp(path, "/sdapi/v1/", 10) == 0;
    const char *name = webui ? path + 10 : strncmp(path, "/v1/", 4) == 0 ? path + 4 : NULL;
    if (name == NULL)
        return 0;
    int which = strcmp(name, "txt2img") == 0   ? KIND_TXT2IMG
                : strcmp(name, "img2img") == 0 ? KIND_IMG2IMG
                : (webui ? strcmp(name, "extra-single-image") : strcmp(name, "upscale-img")) == 0 ? KIND_UPSCALE
                                                                                                   : 0;
    if (which == 0)
        return 0;
    json_object *root = gs_parse_body(b, req, r);
    if (root == NULL) {
        *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM;
        return 1;
    }
    img_job *j = img_job_new(b, which);
    int ready = 0;
    if (j == NULL)
        gs_respond_nomem(b, r);
    else if (which == KIND_TXT2IMG)
        ready = txt2img(b, j, root, webui, r);
    else if (which == KIND_IMG2IMG)
        ready = img2img(b, j, root, webui, r);
    else
        ready = upscale(b, j, root, r);
    json_object_put(root);
    if (ready && !j->body.failed) {
        *job = &j->base;
        *st = GENAPI_OK;
        return 1;
    }
    if (ready) /* the body could not start: nothing was answered yet */
        gs_respond_nomem(b, r);
    if (j)
        gs_job_free(&j->base);
    *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM;
    return 1;
}
