/* POST txt2img, img2img and upscale on the reference image engine, under /v1 and /sdapi/v1.
 * Requests are parsed and validated with the image parameter tables; validation errors are
 * FastAPI's 422 {"detail": [{"loc": ["body", PARAM], "msg", "type"}]}, unknown models and
 * samplers SD.Next's 404 {"error": "HTTPException", "code": 404, "detail", ...}, undecodable
 * images A1111's 500 "Invalid encoded image".
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
#include <string.h>

#include <genapi/image_params.h>
#include <sodium.h>

#include "engine/image/image_engine.h"
#include "params/param_internal.h"
#include "server/backend_internal.h"
#include "server/job.h"
#include "server/limits.h"
#include "server/progress.h"
#include "server/text_common.h"
#include "util/buf.h"
#include "util/err.h"

extern const char *const gs_image_model_title;
extern const char *const gs_image_model_name;


static genapi_status detail_error(genapi_backend *b, genapi_http_response *r, const char *param, const char *msg)
{
    json_object *loc = json_object_new_array(), *item = json_object_new_object(), *list = json_object_new_array();
    json_object_array_add(loc, json_object_new_string("body"));
    if (param && param[0])
        json_object_array_add(loc, json_object_new_string(param));
    json_object_object_add(item, "loc", loc);
    json_object_object_add(item, "msg", json_object_new_string(msg));
    json_object_object_add(item, "type", json_object_new_string("value_error"));
    json_object_array_add(list, item);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "detail", list);
    return gs_respond_json(b, r, 422, o);
}

static genapi_status webui_error(genapi_backend *b, genapi_http_response *r, int status, const char *detail)
{
    char errors[512];
    snprintf(errors, sizeof errors, "%d: %s", status, detail);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "error", json_object_new_string("HTTPException"));
    if (status != 500)
        json_object_object_add(o, "code", json_object_new_int(status));
    json_object_object_add(o, "detail", json_object_new_string(detail));
    json_object_object_add(o, "body", json_object_new_string(""));
    json_object_object_add(o, "errors", json_object_new_string(status == 500 ? "" : errors));
    return gs_respond_json(b, r, status, o);
}

static int known_model(const char *m)
{
    return strcmp(m, gs_image_model_title) == 0 || strcmp(m, gs_image_model_name) == 0 ||
           strcmp(m, "genapi-ref-image.safetensors") == 0;
}

/* base64 (optionally a data: URI) → decoded image (PNG, JPEG or WebP, gi_image_decode); 0 and a
 * 500 written when it is not one, or has more than GS_LIMIT_INPUT_PIXELS pixels. */
static int decode_b64_image(genapi_backend *b, const char *text, gi_image *out, genapi_http_response *r)
{
    size_t len = strlen(text);
    if (strncmp(text, "data:", 5) == 0) {
        const char *comma = strchr(text, ',');
        if (comma == NULL) {
            webui_error(b, r, 500, "Invalid encoded image");
            return 0;
        }
        len -= (size_t)(comma + 1 - text);
        text = comma + 1;
    }
    size_t cap = len / 4 * 3 + 3, n = 0;
    uint8_t *bytes = ga_malloc(&b->alloc, cap ? cap : 1);
    if (bytes == NULL) {
        gs_respond_nomem(b, r);
        return 0;
    }
    genapi_error err;
    /* Larger inputs are refused from their header, before any pixel is allocated, as an image
     * the servers cannot decode is (PIL's decompression-bomb check on A1111). */
    const gi_decode_limits input_limits = {0, GS_LIMIT_INPUT_PIXELS};
    genapi_status st = GENAPI_E_INVALID_ARG;
    if (sodium_base642bin(bytes, cap, text, len, "\r\n ", &n, NULL, sodium_base64_VARIANT_ORIGINAL) == 0)
        st = gi_image_decode(&b->alloc, bytes, n, &input_limits, out, &err);
    ga_free(&b->alloc, bytes);
    if (st == GENAPI_E_NOMEM)
        gs_respond_nomem(b, r);
    else if (st != GENAPI_OK)
        webui_error(b, r, 500, "Invalid encoded image");
    return st == GENAPI_OK;
}

/* Fields txt2img and img2img share, read from either struct through its table. */
typedef struct common {
    const char *model, *prompt, *negative, *sampler;
    int64_t steps, width, height, seed, batch;
    double cfg;
} common;

#define READ_COMMON(P, kind, KIND, c)                                                                                    \
    do {                                                                                                           \
        (c)->model = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_sd_model_checkpoint)                    \
                         ? (P)->sd_model_checkpoint                                                                \
                         : gs_image_model_title;                                                                   \
        (c)->prompt = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_prompt) ? (P)->prompt : "";            \
        (c)->negative =                                                                                            \
            genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_negative_prompt) ? (P)->negative_prompt : "";    \
        (c)->sampler = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_sampler_name) ? (P)->sampler_name     \
                                                                                             : "Euler a";          \
        (c)->steps = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_steps) ? (P)->steps : 20;               \
        (c)->width = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_width) ? (P)->width : 512;              \
        (c)->height = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_height) ? (P)->height : 512;           \
        (c)->seed = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_seed) ? (P)->seed : -1;                  \
        (c)->batch = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_batch_size) ? (P)->batch_size : 1;      \
        (c)->cfg = genapi_##kind##_params_is_set(P, GENAPI_##KIND##_PARAM_cfg_scale) ? (P)->cfg_scale : 6.0;        \
    } while (0)

/* Parse + validate with a table; 0 and a 422 (or the out-of-memory 500) written on failure. */
static int parse_params(genapi_backend *b, const ga_param_table *t, void *p, json_object *root, genapi_http_response *r)
{
    genapi_error err;
    genapi_error_clear(&err);
    if (ga_params_from_object(t, p, root, &err) != GENAPI_OK || ga_params_validate(t, p, &err) != GENAPI_OK) {
        if (err.status == GENAPI_E_NOMEM)
            gs_respond_nomem(b, r); /* not the 422 of a bad parameter */
        else
            detail_error(b, r, err.param, err.message);
        return 0;
    }
    return 1;
}

/* The WebUI routes do not require what the hosted API requires: fill in the defaults first. */
static void webui_defaults(json_object *root, int webui, const char *const *keys, const char *const *values, size_t n)
{
    for (size_t i = 0; webui && i < n; i++)
        if (!json_object_object_get_ex(root, keys[i], NULL))
            json_object_object_add(root, keys[i], json_object_new_string(values[i]));
}

/* ---------------------------------------------------------------------------------------------
 * Image jobs */

enum { KIND_TXT2IMG = 1, KIND_IMG2IMG, KIND_UPSCALE };
enum { ST_GEN_BEGIN, ST_GEN, ST_UPSCALE, ST_PNG, ST_FINISH };

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
    char info[2048];        /* its infotext */
    gi_png_job *png;
    size_t png_used;        /* PNG bytes already in the body as base64 */
    char *b64;              /* scratch for one piece */
    ga_buf body;            /* the answer, moved to the job's output at the end */
    double factor;
    const char *upscaler;
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

/* The generation of the current image is over: its infotext, then its PNG. */
static void image_made(img_job *j)
{
    const common *c = &j->c;
    snprintf(j->info, sizeof j->info,
             "%s\nNegative prompt: %s\nSteps: %lld, Sampler: %s, CFG scale: %g, Seed: %llu, "
             "Size: %lldx%lld, Model: %s",
             c->prompt, c->negative, (long long)c->steps, c->sampler, c->cfg,
             (unsigned long long)(j->seed + (uint64_t)j->index), (long long)c->width, (long long)c->height,
             gs_image_model_name);
    char text[64];
    snprintf(text, sizeof text, "Encoding image %lld of %lld", (long long)j->index + 1, (long long)c->batch);
    gs_progress_set(j->base.b->progress, &j->prog, (int32_t)j->index, (int32_t)c->steps, text, &j->img,
                    j->img.height);
    start_png(j, j->info);
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
    json_object_array_add(j->infotexts, json_object_new_string(j->info));
    j->index++;
    gs_progress_set(b->progress, &j->prog, (int32_t)(j->index < j->c.batch ? j->index : j->index - 1),
                    j->index < j->c.batch ? 0 : (int32_t)j->c.steps,
                    j->index < j->c.batch ? "Sampling" : "Writing the answer", NULL, 0);
    gi_image_free(&b->alloc, &j->img);
    j->stage = j->index < j->c.batch ? ST_GEN_BEGIN : ST_FINISH;
}

/* The rest of the body after the images, the head, and the end of the job. */
static void finish(img_job *j)
{
    const common *c = &j->c;
    if (j->kind == KIND_UPSCALE) {
        ga_buf_puts(&j->body, "}");
    } else {
        json_object *info = json_object_new_object();
        json_object_object_add(info, "prompt", json_object_new_string(c->prompt));
        json_object_object_add(info, "all_prompts", NULL);
        json_object_object_add(info, "negative_prompt", json_object_new_string(c->negative));
        json_object_object_add(info, "seed", json_object_new_int64((int64_t)j->seed));
        json_object_object_add(info, "all_seeds", j->seeds);
        j->seeds = NULL;
        json_object_object_add(info, "width", json_object_new_int64(c->width));
        json_object_object_add(info, "height", json_object_new_int64(c->height));
        json_object_object_add(info, "sampler_name", json_object_new_string(c->sampler));
        json_object_object_add(info, "cfg_scale", ga_json_double(c->cfg));
        json_object_object_add(info, "steps", json_object_new_int64(c->steps));
        json_object_object_add(info, "batch_size", json_object_new_int64(c->batch));
        json_object_object_add(info, "sd_model_name", json_object_new_string(gs_image_model_name));
        json_object_object_add(info, "index_of_first_image", json_object_new_int(0));
        json_object_object_add(info, "infotexts", j->infotexts);
        j->infotexts = NULL;
        json_object *info_str = json_object_new_string(json_object_to_json_string_ext(info, JSON_C_TO_STRING_PLAIN));
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
            detail_error(b, &r, err.param, err.message);
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
            detail_error(b, &r, err.param, err.message);
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
        gs_progress_set(b->progress, &j->prog, 0, 0, "Encoding", &j->img, j->img.height);
        start_png(j, NULL);
        return;
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
    webui_error(jb->b, &r, 504, msg);
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

/* The checks that answer at once for a generation, then the job's first state. `request` is
 * echoed as "parameters". Returns 1 when the job is ready, 0 with r answered. */
static int generation_ready(genapi_backend *b, img_job *j, json_object *request, genapi_http_response *r)
{
    const common *c = &j->c;
    if (!known_model(c->model)) {
        webui_error(b, r, 404, "Model not found");
        return 0;
    }
    if (gi_sampler_index(c->sampler) < 0) {
        webui_error(b, r, 404, "Sampler not found");
        return 0;
    }
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
        detail_error(b, r, too_many ? (c->batch > 1 ? "batch_size" : "width") : "steps", msg);
        return 0;
    }
    j->seed = c->seed >= 0 ? (uint64_t)c->seed : (uint64_t)randombytes_uniform(4294967294u);
    gi_gen_config *cfg = &j->cfg;
    cfg->prompt = c->prompt;
    cfg->negative_prompt = c->negative;
    cfg->seed = j->seed;
    cfg->steps = (int32_t)c->steps;
    cfg->cfg_scale = c->cfg;
    cfg->sampler_name = c->sampler;
    cfg->width = (int32_t)c->width;
    cfg->height = (int32_t)c->height;
    genapi_error err;
    genapi_error_clear(&err);
    if (gi_gen_validate(cfg, &err) != GENAPI_OK) {
        detail_error(b, r, err.param, err.message);
        return 0;
    }
    j->request = json_object_get(request);
    ga_buf_puts(&j->body, "{\"images\":[");
    j->stage = ST_GEN_BEGIN;
    return 1;
}

static int txt2img(genapi_backend *b, img_job *j, json_object *root, int webui, genapi_http_response *r)
{
    const char *keys[] = {"sd_model_checkpoint", "prompt"}, *values[] = {gs_image_model_title, ""};
    webui_defaults(root, webui, keys, values, 2);
    genapi_txt2img_params *p = &j->t;
    if (!parse_params(b, &ga_txt2img_table, p, root, r))
        return 0;
    READ_COMMON(p, txt2img, TXT2IMG, &j->c);
    return generation_ready(b, j, root, r);
}

static int img2img(genapi_backend *b, img_job *j, json_object *root, int webui, genapi_http_response *r)
{
    const char *keys[] = {"sd_model_checkpoint", "prompt"}, *values[] = {gs_image_model_title, ""};
    webui_defaults(root, webui, keys, values, 2);
    genapi_img2img_params *p = &j->i;
    if (!parse_params(b, &ga_img2img_table, p, root, r) || !decode_b64_image(b, p->init_images.items[0], &j->init, r) ||
        (genapi_img2img_params_is_set(p, GENAPI_IMG2IMG_PARAM_mask) && !decode_b64_image(b, p->mask, &j->mask, r)))
        return 0;
    common *c = &j->c;
    READ_COMMON(p, img2img, IMG2IMG, c);
    if (!genapi_img2img_params_is_set(p, GENAPI_IMG2IMG_PARAM_width))
        c->width = j->init.width;
    if (!genapi_img2img_params_is_set(p, GENAPI_IMG2IMG_PARAM_height))
        c->height = j->init.height;
    gi_gen_config *cfg = &j->cfg;
    cfg->init = &j->init;
    cfg->mask = j->mask.rgba ? &j->mask : NULL;
#define OPT(f, dflt) (genapi_img2img_params_is_set(p, GENAPI_IMG2IMG_PARAM_##f) ? p->f : (dflt))
    cfg->denoising_strength = OPT(denoising_strength, 0.75);
    cfg->resize_mode = (int32_t)OPT(resize_mode, 0);
    cfg->mask_blur = (int32_t)OPT(mask_blur, 4);
    cfg->inpainting_fill = (int32_t)OPT(inpainting_fill, 1);
    cfg->inpaint_full_res = OPT(inpaint_full_res, 0);
    cfg->inpaint_full_res_padding = (int32_t)OPT(inpaint_full_res_padding, 0);
    cfg->inpainting_mask_invert = (int32_t)OPT(inpainting_mask_invert, 0);
    cfg->initial_noise_multiplier = OPT(initial_noise_multiplier, 1.0);
#undef OPT
    /* The images are not echoed back (include_init_images is false). */
    json_object_object_add(root, "init_images", NULL);
    json_object_object_add(root, "mask", NULL);
    return generation_ready(b, j, root, r);
}

static int upscale(genapi_backend *b, img_job *j, json_object *root, genapi_http_response *r)
{
    genapi_upscale_params *p = &j->u;
    if (!parse_params(b, &ga_upscale_table, p, root, r) || !decode_b64_image(b, p->image, &j->init, r))
        return 0;
    j->upscaler = genapi_upscale_params_is_set(p, GENAPI_UPSCALE_PARAM_upscaler_1) ? p->upscaler_1 : "None";
    j->factor = genapi_upscale_params_is_set(p, GENAPI_UPSCALE_PARAM_upscaling_resize) ? p->upscaling_resize : 2.0;
    /* The output's size as the upscaler rounds it, before any work. */
    double ow = floor((double)j->init.width * j->factor + 0.5), oh = floor((double)j->init.height * j->factor + 0.5);
    if (ow * oh > (double)GS_LIMIT_UPSCALE_PIXELS) {
        char msg[200];
        snprintf(msg, sizeof msg, "the upscaled image would be %.0f x %.0f; the reference backend makes at most %ld "
                 "pixels (4096 x 4096)", ow, oh, GS_LIMIT_UPSCALE_PIXELS);
        detail_error(b, r, "upscaling_resize", msg);
        return 0;
    }
    genapi_error err;
    genapi_error_clear(&err);
    genapi_status st = gi_upscale_begin(&b->alloc, &j->init, j->factor, j->upscaler, &j->up, &err);
    if (st == GENAPI_E_INVALID_ARG) {
        webui_error(b, r, 404, "Upscaler not found");
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
    char info[256];
    snprintf(info, sizeof info, "<p>Postprocess upscale by: %g, Postprocess upscaler: %s</p>", j->factor, j->upscaler);
    json_object *html = json_object_new_string(info);
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
