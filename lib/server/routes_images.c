/* POST txt2img, img2img and upscale on the reference image engine, under /v1 and /sdapi/v1.
 * Requests are parsed and validated with the image parameter tables; validation errors are
 * FastAPI's 422 {"detail": [{"loc": ["body", PARAM], "msg", "type"}]}, unknown models and
 * samplers SD.Next's 404 {"error": "HTTPException", "code": 404, "detail", ...}, undecodable
 * images A1111's 500 "Invalid encoded image". */
#include <stdio.h>
#include <string.h>

#include <genapi/image_params.h>
#include <sodium.h>

#include "engine/image/image_engine.h"
#include "params/param_internal.h"
#include "server/backend_internal.h"
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

/* base64 (optionally a data: URI) → decoded image; 0 and a 500 written when it is not one. */
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
        gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory");
        return 0;
    }
    genapi_error err;
    int ok = sodium_base642bin(bytes, cap, text, len, "\r\n ", &n, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
             gi_png_decode(&b->alloc, bytes, n, out, &err) == GENAPI_OK;
    ga_free(&b->alloc, bytes);
    if (!ok)
        webui_error(b, r, 500, "Invalid encoded image");
    return ok;
}

/* PNG + base64 of an image, with the infotext in a "parameters" chunk. */
static json_object *encode_b64_png(genapi_backend *b, const gi_image *img, const char *infotext)
{
    uint8_t *png = NULL;
    size_t len = 0;
    genapi_error err;
    if (gi_png_encode(&b->alloc, img, infotext, &png, &len, &err) != GENAPI_OK)
        return NULL;
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = ga_malloc(&b->alloc, cap);
    json_object *s = NULL;
    if (b64) {
        sodium_bin2base64(b64, cap, png, len, sodium_base64_VARIANT_ORIGINAL);
        s = json_object_new_string(b64);
    }
    ga_free(&b->alloc, b64);
    ga_free(&b->alloc, png);
    return s;
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

/* Generate the batch and answer in the WebUI shape. `request` is echoed as "parameters". */
static genapi_status generate(genapi_backend *b, const common *c, gi_gen_config *cfg, json_object *request,
                              genapi_http_response *r)
{
    if (!known_model(c->model))
        return webui_error(b, r, 404, "Model not found");
    if (gi_sampler_index(c->sampler) < 0)
        return webui_error(b, r, 404, "Sampler not found");
    uint64_t seed = c->seed >= 0 ? (uint64_t)c->seed : (uint64_t)randombytes_uniform(4294967294u);
    cfg->prompt = c->prompt;
    cfg->negative_prompt = c->negative;
    cfg->seed = seed;
    cfg->steps = (int32_t)c->steps;
    cfg->cfg_scale = c->cfg;
    cfg->sampler_name = c->sampler;
    cfg->width = (int32_t)c->width;
    cfg->height = (int32_t)c->height;
    json_object *images = json_object_new_array(), *seeds = json_object_new_array(), *infotexts = json_object_new_array();
    genapi_status st = GENAPI_OK;
    for (int64_t i = 0; i < c->batch && st == GENAPI_OK; i++) {
        gi_image img = {0, 0, NULL};
        genapi_error err;
        genapi_error_clear(&err);
        st = gi_generate(&b->alloc, cfg, (uint32_t)i, &img, &err);
        if (st != GENAPI_OK) {
            json_object_put(images);
            json_object_put(seeds);
            json_object_put(infotexts);
            return detail_error(b, r, err.param, err.message);
        }
        char info[2048];
        snprintf(info, sizeof info, "%s\nNegative prompt: %s\nSteps: %lld, Sampler: %s, CFG scale: %g, Seed: %llu, "
                 "Size: %lldx%lld, Model: %s", c->prompt, c->negative, (long long)c->steps, c->sampler, c->cfg,
                 (unsigned long long)(seed + (uint64_t)i), (long long)c->width, (long long)c->height,
                 gs_image_model_name);
        json_object *png = encode_b64_png(b, &img, info);
        gi_image_free(&b->alloc, &img);
        if (png == NULL)
            st = GENAPI_E_NOMEM;
        json_object_array_add(images, png);
        json_object_array_add(seeds, json_object_new_int64((int64_t)(seed + (uint64_t)i)));
        json_object_array_add(infotexts, json_object_new_string(info));
    }
    if (st != GENAPI_OK) {
        json_object_put(images);
        json_object_put(seeds);
        json_object_put(infotexts);
        return gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory");
    }
    json_object *info = json_object_new_object();
    json_object_object_add(info, "prompt", json_object_new_string(c->prompt));
    json_object_object_add(info, "all_prompts", NULL);
    json_object_object_add(info, "negative_prompt", json_object_new_string(c->negative));
    json_object_object_add(info, "seed", json_object_new_int64((int64_t)seed));
    json_object_object_add(info, "all_seeds", seeds);
    json_object_object_add(info, "width", json_object_new_int64(c->width));
    json_object_object_add(info, "height", json_object_new_int64(c->height));
    json_object_object_add(info, "sampler_name", json_object_new_string(c->sampler));
    json_object_object_add(info, "cfg_scale", ga_json_double(c->cfg));
    json_object_object_add(info, "steps", json_object_new_int64(c->steps));
    json_object_object_add(info, "batch_size", json_object_new_int64(c->batch));
    json_object_object_add(info, "sd_model_name", json_object_new_string(gs_image_model_name));
    json_object_object_add(info, "index_of_first_image", json_object_new_int(0));
    json_object_object_add(info, "infotexts", infotexts);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "images", images);
    json_object_object_add(o, "parameters", json_object_get(request));
    json_object_object_add(o, "info", json_object_new_string(json_object_to_json_string_ext(info, JSON_C_TO_STRING_PLAIN)));
    json_object_put(info);
    return gs_respond_json(b, r, 200, o);
}

/* Parse + validate with a table; 0 and a 422 written on failure. */
static int parse_params(genapi_backend *b, const ga_param_table *t, void *p, json_object *root, genapi_http_response *r)
{
    genapi_error err;
    genapi_error_clear(&err);
    if (ga_params_from_object(t, p, root, &err) != GENAPI_OK || ga_params_validate(t, p, &err) != GENAPI_OK) {
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

static genapi_status txt2img(genapi_backend *b, json_object *root, int webui, genapi_http_response *r)
{
    const char *keys[] = {"sd_model_checkpoint", "prompt"}, *values[] = {gs_image_model_title, ""};
    webui_defaults(root, webui, keys, values, 2);
    genapi_txt2img_params p;
    genapi_txt2img_params_init(&p, sizeof p);
    genapi_allocator hooks = {b->alloc.malloc_fn, b->alloc.realloc_fn, b->alloc.free_fn, b->alloc.user};
    p.allocator = &hooks;
    genapi_status st = GENAPI_OK;
    if (parse_params(b, &ga_txt2img_table, &p, root, r)) {
        common c;
        READ_COMMON(&p, txt2img, TXT2IMG, &c);
        gi_gen_config cfg;
        memset(&cfg, 0, sizeof cfg);
        st = generate(b, &c, &cfg, root, r);
    }
    genapi_txt2img_params_clear(&p);
    return st;
}

static genapi_status img2img(genapi_backend *b, json_object *root, int webui, genapi_http_response *r)
{
    const char *keys[] = {"sd_model_checkpoint", "prompt"}, *values[] = {gs_image_model_title, ""};
    webui_defaults(root, webui, keys, values, 2);
    genapi_img2img_params p;
    genapi_img2img_params_init(&p, sizeof p);
    genapi_allocator hooks = {b->alloc.malloc_fn, b->alloc.realloc_fn, b->alloc.free_fn, b->alloc.user};
    p.allocator = &hooks;
    genapi_status st = GENAPI_OK;
    gi_image init = {0, 0, NULL}, mask = {0, 0, NULL};
    if (parse_params(b, &ga_img2img_table, &p, root, r) && decode_b64_image(b, p.init_images.items[0], &init, r) &&
        (!genapi_img2img_params_is_set(&p, GENAPI_IMG2IMG_PARAM_mask) || decode_b64_image(b, p.mask, &mask, r))) {
        common c;
        READ_COMMON(&p, img2img, IMG2IMG, &c);
        if (!genapi_img2img_params_is_set(&p, GENAPI_IMG2IMG_PARAM_width))
            c.width = init.width;
        if (!genapi_img2img_params_is_set(&p, GENAPI_IMG2IMG_PARAM_height))
            c.height = init.height;
        gi_gen_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.init = &init;
        cfg.mask = mask.rgba ? &mask : NULL;
#define OPT(f, dflt) (genapi_img2img_params_is_set(&p, GENAPI_IMG2IMG_PARAM_##f) ? p.f : (dflt))
        cfg.denoising_strength = OPT(denoising_strength, 0.75);
        cfg.resize_mode = (int32_t)OPT(resize_mode, 0);
        cfg.mask_blur = (int32_t)OPT(mask_blur, 4);
        cfg.inpainting_fill = (int32_t)OPT(inpainting_fill, 1);
        cfg.inpaint_full_res = OPT(inpaint_full_res, 0);
        cfg.inpaint_full_res_padding = (int32_t)OPT(inpaint_full_res_padding, 0);
        cfg.inpainting_mask_invert = (int32_t)OPT(inpainting_mask_invert, 0);
        cfg.initial_noise_multiplier = OPT(initial_noise_multiplier, 1.0);
#undef OPT
        /* The images are not echoed back (include_init_images is false). */
        json_object *echo = json_object_get(root);
        json_object_object_add(echo, "init_images", NULL);
        json_object_object_add(echo, "mask", NULL);
        st = generate(b, &c, &cfg, echo, r);
        json_object_put(echo);
    }
    gi_image_free(&b->alloc, &init);
    gi_image_free(&b->alloc, &mask);
    genapi_img2img_params_clear(&p);
    return st;
}

static genapi_status upscale(genapi_backend *b, json_object *root, genapi_http_response *r)
{
    genapi_upscale_params p;
    genapi_upscale_params_init(&p, sizeof p);
    genapi_allocator hooks = {b->alloc.malloc_fn, b->alloc.realloc_fn, b->alloc.free_fn, b->alloc.user};
    p.allocator = &hooks;
    genapi_status st = GENAPI_OK;
    gi_image in = {0, 0, NULL}, out = {0, 0, NULL};
    if (parse_params(b, &ga_upscale_table, &p, root, r) && decode_b64_image(b, p.image, &in, r)) {
        const char *name = genapi_upscale_params_is_set(&p, GENAPI_UPSCALE_PARAM_upscaler_1) ? p.upscaler_1 : "None";
        double factor = genapi_upscale_params_is_set(&p, GENAPI_UPSCALE_PARAM_upscaling_resize) ? p.upscaling_resize : 2.0;
        genapi_error err;
        genapi_error_clear(&err);
        st = gi_upscale(&b->alloc, &in, factor, name, &out, &err);
        if (st == GENAPI_E_INVALID_ARG) {
            st = webui_error(b, r, 404, "Upscaler not found");
        } else if (st != GENAPI_OK) {
            st = gs_respond_error(b, r, 500, "InternalServerError", NULL, "%s", err.message);
        } else {
            char info[256];
            snprintf(info, sizeof info, "<p>Postprocess upscale by: %g, Postprocess upscaler: %s</p>", factor, name);
            json_object *png = encode_b64_png(b, &out, NULL);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "html_info", json_object_new_string(info));
            json_object_object_add(o, "image", png);
            st = png ? gs_respond_json(b, r, 200, o)
                     : (json_object_put(o), gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory"));
        }
    }
    gi_image_free(&b->alloc, &in);
    gi_image_free(&b->alloc, &out);
    genapi_upscale_params_clear(&p);
    return st;
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
    int which = strcmp(name, "txt2img") == 0   ? 1
                : strcmp(name, "img2img") == 0 ? 2
                : (webui ? strcmp(name, "extra-single-image") : strcmp(name, "upscale-img")) == 0 ? 3
                                                                                                   : 0;
    if (which == 0)
        return 0;
    json_object *root = gs_parse_body(b, req, r);
    if (root == NULL) {
        *st = r->body ? GENAPI_OK : GENAPI_E_NOMEM;
        return 1;
    }
    *st = which == 1 ? txt2img(b, root, webui, r) : which == 2 ? img2img(b, root, webui, r) : upscale(b, root, r);
    json_object_put(root);
    return 1;
}
