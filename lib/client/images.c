/* Image generation and upscale results: base64 images decoded (a table for the canonical
 * shape, libsodium for the rest), probed, and the `info` JSON-in-a-string decoded. */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <genapi/images.h>
#include <json-c/json.h>
#include <sodium.h>

#include "client/client_internal.h"
#include "client/json_write.h"
#include "image/probe.h"
#include "params/param_internal.h"
#include "util/err.h"

typedef GA_RESULT_HOLDER(genapi_images_result) images_holder;
typedef GA_RESULT_HOLDER(genapi_upscale_result) upscale_holder;

/* Value of each base64 character (standard alphabet); 255 for any other byte. */
static const uint8_t B64_VALUE[256] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,  62, 255, 255, 255,  63,
     52,  53,  54,  55,  56,  57,  58,  59,  60,  61, 255, 255, 255, 255, 255, 255,
    255,   0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,  14,
     15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25, 255, 255, 255, 255, 255,
    255,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
     41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

/* Decode canonical padded base64 without line breaks through a table: the shape every server
 * sends, about five times faster than libsodium's constant-time decoder (image data is not
 * secret). Returns 0 when the text is not exactly that shape, or its padding bits are not zero,
 * and the caller decodes it with libsodium, which decides what is accepted. */
static int b64_decode_fast(const char *b64, size_t len, uint8_t *out, size_t *out_len)
{
    if (len == 0 || len % 4 != 0)
        return 0;
    const unsigned char *in = (const unsigned char *)b64;
    size_t quads = len / 4 - 1, o = 0;
    uint32_t bad = 0;
    for (size_t i = 0; i < quads; i++, in += 4) {
        uint32_t a = B64_VALUE[in[0]], b = B64_VALUE[in[1]], c = B64_VALUE[in[2]], d = B64_VALUE[in[3]];
        bad |= a | b | c | d;
        uint32_t v = a << 18 | b << 12 | c << 6 | d;
        out[o] = (uint8_t)(v >> 16);
        out[o + 1] = (uint8_t)(v >> 8);
        out[o + 2] = (uint8_t)v;
        o += 3;
    }
    if (bad & 0xC0u)
        return 0;
    uint32_t a = B64_VALUE[in[0]], b = B64_VALUE[in[1]];
    if ((a | b) & 0xC0u)
        return 0;
    out[o++] = (uint8_t)(a << 2 | b >> 4);
    if (in[2] == '=') {
        if (in[3] != '=' || (b & 0x0Fu) != 0)
            return 0;
    } else {
        uint32_t c = B64_VALUE[in[2]];
        if (c & 0xC0u)
            return 0;
        out[o++] = (uint8_t)((b & 0x0Fu) << 4 | c >> 2);
        if (in[3] == '=') {
            if ((c & 0x03u) != 0)
                return 0;
        } else {
            uint32_t d = B64_VALUE[in[3]];
            if (d & 0xC0u)
                return 0;
            out[o++] = (uint8_t)((c & 0x03u) << 6 | d);
        }
    }
    *out_len = o;
    return 1;
}

/* Base64 text is ASCII. libsodium's decoder (1.0.18) reads bytes from 0x80 up as base64
 * digits, so they are refused before it sees them. */
static int ascii_only(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80u)
            return 0;
    return 1;
}

/* Decode one base64 image (a data: URI prefix is accepted) into img. */
static genapi_status decode_image(ga_arena *ar, const char *b64, size_t len, const char *field, genapi_image *img,
                                  genapi_error *err)
{
    if (len > 5 && strncmp(b64, "data:", 5) == 0) {
        const char *comma = memchr(b64, ',', len);
        if (comma == NULL)
            return ga_err(err, GENAPI_E_PARSE, field, "%s: a data URI without a comma", field);
        len -= (size_t)(comma + 1 - b64);
        b64 = comma + 1;
    }
    size_t cap = len / 4 * 3 + 3, n = 0;
    uint8_t *bytes = ga_arena_alloc(ar, cap ? cap : 1);
    if (bytes == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    const char *end = NULL;
    if (!b64_decode_fast(b64, len, bytes, &n) &&
        (!ascii_only(b64, len) ||
         sodium_base642bin(bytes, cap, b64, len, "\r\n ", &n, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
         end != b64 + len))
        return ga_err(err, GENAPI_E_PARSE, field, "%s holds data that is not base64", field);
    img->data = bytes;
    img->size = n;
    gi_probe(bytes, n, &img->format, &img->width, &img->height);
    return GENAPI_OK;
}

static void read_info(ga_jt *t, json_object *root, genapi_image_info *info)
{
    json_object *v, *doc = NULL;
    if (t->st != GENAPI_OK || !json_object_object_get_ex(root, "info", &v) || v == NULL)
        return;
    if (json_object_is_type(v, json_type_string)) {
        if (json_object_get_string_len(v) == 0)
            return;
        doc = ga_json_parse(json_object_get_string(v), (size_t)json_object_get_string_len(v));
    } else if (json_object_is_type(v, json_type_object)) {
        doc = json_object_get(v);
    }
    if (doc == NULL || !json_object_is_type(doc, json_type_object)) {
        /* the info document is advisory: one that is not an object is left out */
        json_object_put(doc);
        return;
    }
    ga_jt_at(t, "info");
    info->present = 1;
    static const struct {
        const char *key;
        uint32_t bit;
        size_t offset;
    } ints[] = {{"seed", GENAPI_IMAGE_INFO_SEED, offsetof(genapi_image_info, seed)},
                {"index_of_first_image", GENAPI_IMAGE_INFO_FIRST_INDEX, offsetof(genapi_image_info, index_of_first_image)},
                {"width", GENAPI_IMAGE_INFO_WIDTH, offsetof(genapi_image_info, width)},
                {"height", GENAPI_IMAGE_INFO_HEIGHT, offsetof(genapi_image_info, height)},
                {"steps", GENAPI_IMAGE_INFO_STEPS, offsetof(genapi_image_info, steps)}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (ga_jt_i64(t, doc, ints[i].key, (int64_t *)(void *)((char *)info + ints[i].offset)))
            info->fields |= ints[i].bit;
    if ((v = ga_jt_get(t, doc, "all_seeds", json_type_array)) != NULL) {
        size_t n = json_object_array_length(v);
        int64_t *seeds = ga_arena_alloc(t->ar, (n ? n : 1) * sizeof *seeds);
        if (seeds == NULL) {
            ga_jt_nomem(t);
        } else {
            char name[40];
            for (size_t i = 0; i < n; i++) {
                snprintf(name, sizeof name, "all_seeds[%zu]", i);
                json_object *e = json_object_array_get_idx(v, i);
                if (e == NULL || !ga_jt_int_value(t, e, name, &seeds[i]))
                    ga_jt_type_fail(t, name, e, "an integer seed");
            }
            info->all_seeds = seeds;
            info->all_seed_count = n;
        }
    }
    info->sampler_name = ga_jt_str(t, doc, "sampler_name", NULL);
    info->prompt = ga_jt_str(t, doc, "prompt", NULL);
    if ((v = ga_jt_get(t, doc, "infotexts", json_type_array)) != NULL)
        info->infotexts_count = json_object_array_length(v);
    if (t->st == GENAPI_OK) {
        char *text = jw_text(&t->ar->alloc, doc);
        /* keep it in the arena so the result frees it */
        info->json = text ? ga_utf8_dup(t->ar, text, strlen(text), NULL) : NULL;
        ga_free(&t->ar->alloc, text);
        if (info->json == NULL)
            ga_jt_nomem(t);
    }
    ga_jt_root(t);
    json_object_put(doc);
}

genapi_status genapi_images_result_parse(genapi_client *c, const char *body, size_t len, genapi_images_result **out,
                                         genapi_error *err)
{
    if (c == NULL || body == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client, body or out is NULL");
    *out = NULL;
    json_object *root = ga_json_parse(body, len), *arr;
    if (root == NULL || !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "images", &arr) || !json_object_is_type(arr, json_type_array)) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_PARSE, "images", "image response has no images array");
    }
    images_holder *h = ga_calloc(&c->alloc, 1, sizeof *h);
    if (h == NULL) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    ga_arena_init(&h->ar, &c->alloc);
    genapi_images_result *r = &h->pub;
    r->struct_size = (uint32_t)sizeof *r;
    r->internal = h;
    r->http_status = 200;
    size_t n = json_object_array_length(arr);
    genapi_image *imgs = ga_arena_alloc(&h->ar, (n ? n : 1) * sizeof *imgs);
    genapi_status st = imgs ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; st == GENAPI_OK && i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(e, json_type_string)) {
            st = ga_err(err, GENAPI_E_PARSE, "images", "images[%zu] is not a base64 string", i);
            break;
        }
        st = decode_image(&h->ar, json_object_get_string(e), (size_t)json_object_get_string_len(e), "images", &imgs[i],
                          err);
    }
    if (st == GENAPI_OK) {
        r->images = imgs;
        r->image_count = n;
        ga_jt t;
        ga_jt_init(&t, &h->ar, err, GENAPI_E_PARSE, "image response");
        read_info(&t, root, &r->info);
        json_object *params = ga_jt_get(&t, root, "parameters", json_type_object);
        ga_jt_at(&t, "parameters");
        r->has_parameters_seed = ga_jt_i64(&t, params, "seed", &r->parameters_seed);
        st = t.st;
    }
    json_object_put(root);
    if (st != GENAPI_OK) {
        genapi_images_result_free(r);
        return st;
    }
    *out = r;
    return GENAPI_OK;
}

void genapi_images_result_free(genapi_images_result *r)
{
    if (r != NULL)
        ga_result_holder_free(r->internal, offsetof(images_holder, ar));
}

genapi_status genapi_upscale_result_parse(genapi_client *c, const char *body, size_t len, genapi_upscale_result **out,
                                          genapi_error *err)
{
    if (c == NULL || body == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client, body or out is NULL");
    *out = NULL;
    json_object *root = ga_json_parse(body, len), *img;
    if (root == NULL || !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "image", &img) || !json_object_is_type(img, json_type_string)) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_PARSE, "image", "upscale response has no image string");
    }
    upscale_holder *h = ga_calloc(&c->alloc, 1, sizeof *h);
    if (h == NULL) {
        json_object_put(root);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    ga_arena_init(&h->ar, &c->alloc);
    genapi_upscale_result *r = &h->pub;
    r->struct_size = (uint32_t)sizeof *r;
    r->internal = h;
    r->http_status = 200;
    genapi_status st = decode_image(&h->ar, json_object_get_string(img), (size_t)json_object_get_string_len(img),
                                    "image", &r->image, err);
    if (st == GENAPI_OK) {
        ga_jt t;
        ga_jt_init(&t, &h->ar, err, GENAPI_E_PARSE, "upscale response");
        r->html_info = ga_jt_str(&t, root, "html_info", NULL);
        st = t.st;
    }
    json_object_put(root);
    if (st != GENAPI_OK) {
        genapi_upscale_result_free(r);
        return st;
    }
    *out = r;
    return GENAPI_OK;
}

void genapi_upscale_result_free(genapi_upscale_result *r)
{
    if (r != NULL)
        ga_result_holder_free(r->internal, offsetof(upscale_holder, ar));
}

genapi_status genapi_image_to_base64(genapi_client *c, const uint8_t *bytes, size_t len, char **b64_out,
                                     genapi_error *err)
{
    if (c == NULL || b64_out == NULL || (bytes == NULL && len > 0))
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client, bytes or b64_out is NULL");
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    *b64_out = ga_malloc(&c->alloc, cap);
    if (*b64_out == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    sodium_bin2base64(*b64_out, cap, bytes, len, sodium_base64_VARIANT_ORIGINAL);
    return GENAPI_OK;
}

/* Validate + serialize params with their table (in the WebUI flavour the rows only the hosted API
 * requires may be unset), merge extra_json last, and start the request on the flavour's path. */
static genapi_status start_params(genapi_client *c, const gc_kind_ops *ops, const ga_param_table *t, const void *params,
                                  const char *extra_json, const char *hosted, const char *webui, int image,
                                  const genapi_callbacks *cb, genapi_request **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    if (params == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "params is NULL");
    /* txt2img / img2img may leave sd_model_checkpoint unset: the client sends its default
     * (defaults.h); in the WebUI flavour prompt and sd_model_checkpoint may both be unset, as the
     * servers default them to their loaded model. */
    int is_webui = c->image_api == GENAPI_IMAGE_API_WEBUI;
    int generation = t != &ga_upscale_table;
    genapi_status st =
        ga_params_validate_ex(t, params, is_webui, generation ? "sd_model_checkpoint" : NULL, err);
    if (st != GENAPI_OK)
        return st;
    json_object *body = json_object_new_object();
    if (body == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    st = ga_params_to_object(t, params, body, err);
    if (st == GENAPI_OK)
        st = jw_merge_extra(body, extra_json, err);
    int resolve = GC_RESOLVE_NONE;
    if (st == GENAPI_OK && generation) {
        resolve = (int)gc_defaults_apply(c->defaults, GC_RESOLVE_IMAGE, body);
        if (is_webui)
            resolve = GC_RESOLVE_NONE;
    }
    char *text = st == GENAPI_OK ? jw_text(&c->alloc, body) : NULL;
    json_object_put(body);
    if (st != GENAPI_OK)
        return st;
    if (text == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    return gc_start_resolving(c, ops, "POST", is_webui ? webui : hosted, text, 0, image, resolve, cb, out, err);
}

static genapi_status parse_images(genapi_client *c, const gt_response *resp, void **out, genapi_error *err)
{
    genapi_status st = genapi_images_result_parse(c, resp->body, resp->body_len, (genapi_images_result **)out, err);
    if (st == GENAPI_OK)
        ((genapi_images_result *)*out)->http_status = resp->status;
    return st;
}

static void free_images(void *result, const ga_alloc *a)
{
    (void)a;
    genapi_images_result_free(result);
}

static genapi_status parse_upscale(genapi_client *c, const gt_response *resp, void **out, genapi_error *err)
{
    genapi_status st = genapi_upscale_result_parse(c, resp->body, resp->body_len, (genapi_upscale_result **)out, err);
    if (st == GENAPI_OK)
        ((genapi_upscale_result *)*out)->http_status = resp->status;
    return st;
}

static void free_upscale(void *result, const ga_alloc *a)
{
    (void)a;
    genapi_upscale_result_free(result);
}

static const gc_kind_ops images_ops = {GENAPI_REQ_IMAGES, parse_images, free_images};
static const gc_kind_ops upscale_ops = {GENAPI_REQ_UPSCALE, parse_upscale, free_upscale};

genapi_status genapi_txt2img_start_ex(genapi_client *c, const genapi_txt2img_params *params, const char *extra_json,
                                      const genapi_callbacks *cb, genapi_request **out, genapi_error *err)
{
    return start_params(c, &images_ops, &ga_txt2img_table, params, extra_json, "/v1/txt2img", "/sdapi/v1/txt2img", 1,
                        cb, out, err);
}

genapi_status genapi_img2img_start_ex(genapi_client *c, const genapi_img2img_params *params, const char *extra_json,
                                      const genapi_callbacks *cb, genapi_request **out, genapi_error *err)
{
    return start_params(c, &images_ops, &ga_img2img_table, params, extra_json, "/v1/img2img", "/sdapi/v1/img2img", 1,
                        cb, out, err);
}

genapi_status genapi_upscale_start_ex(genapi_client *c, const genapi_upscale_params *params, const char *extra_json,
                                      const genapi_callbacks *cb, genapi_request **out, genapi_error *err)
{
    return start_params(c, &upscale_ops, &ga_upscale_table, params, extra_json, "/v1/upscale-img",
                        "/sdapi/v1/extra-single-image", 0, cb, out, err);
}

genapi_status genapi_txt2img_start(genapi_client *c, const genapi_txt2img_params *params, const genapi_callbacks *cb,
                                   genapi_request **out, genapi_error *err)
{
    return genapi_txt2img_start_ex(c, params, NULL, cb, out, err);
}

genapi_status genapi_img2img_start(genapi_client *c, const genapi_img2img_params *params, const genapi_callbacks *cb,
                                   genapi_request **out, genapi_error *err)
{
    return genapi_img2img_start_ex(c, params, NULL, cb, out, err);
}

genapi_status genapi_upscale_start(genapi_client *c, const genapi_upscale_params *params, const genapi_callbacks *cb,
                                   genapi_request **out, genapi_error *err)
{
    return genapi_upscale_start_ex(c, params, NULL, cb, out, err);
}

genapi_status genapi_txt2img_ex(genapi_client *c, const genapi_txt2img_params *params, const char *extra_json,
                                genapi_images_result **out, genapi_error *err)
{
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_txt2img_start_ex(bc, params, extra_json, NULL, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}

genapi_status genapi_img2img_ex(genapi_client *c, const genapi_img2img_params *params, const char *extra_json,
                                genapi_images_result **out, genapi_error *err)
{
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_img2img_start_ex(bc, params, extra_json, NULL, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}

genapi_status genapi_upscale_ex(genapi_client *c, const genapi_upscale_params *params, const char *extra_json,
                                genapi_upscale_result **out, genapi_error *err)
{
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_upscale_start_ex(bc, params, extra_json, NULL, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}

genapi_status genapi_txt2img(genapi_client *c, const genapi_txt2img_params *params, genapi_images_result **out,
                             genapi_error *err)
{
    return genapi_txt2img_ex(c, params, NULL, out, err);
}

genapi_status genapi_img2img(genapi_client *c, const genapi_img2img_params *params, genapi_images_result **out,
                             genapi_error *err)
{
    return genapi_img2img_ex(c, params, NULL, out, err);
}

genapi_status genapi_upscale(genapi_client *c, const genapi_upscale_params *params, genapi_upscale_result **out,
                             genapi_error *err)
{
    return genapi_upscale_ex(c, params, NULL, out, err);
}
