/* The reference backend's image answers in SD.Next's shapes (tests/data/sdnext and the
 * jpeg_sdnext fixture): info keys, the parameters echo with its defaults and include_init_images,
 * the listings' names and item keys, the edges (numbers sent as strings, init_images missing,
 * unknown checkpoint, upscale None / resize_mode 1 / upscaling_resize below 1), and the client's
 * WebUI flavour, extra_json and parallel-requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>
#include <sodium.h>

#include "backend_calls.h"
#include "engine/image/image_engine.h"
#include "test_support.h"
#include "util/alloc.h"

static json_object *read_json(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/%s", GENAPI_SOURCE_DIR, rel);
    size_t len = 0;
    char *text = ts_read_file(path, &len);
    assert_non_null(text);
    json_object *o = json_tokener_parse(text);
    free(text);
    assert_non_null(o);
    return o;
}

static int has_key(json_object *o, const char *k)
{
    return json_object_object_get_ex(o, k, NULL);
}

/* A small PNG (base64) made by the engine. */
static char *png_b64(int32_t w, int32_t h)
{
    ga_alloc a;
    ga_alloc_resolve(&a, NULL);
    gi_image im = {w, h, malloc((size_t)w * (size_t)h * 4)};
    for (int32_t i = 0; i < w * h; i++) {
        im.rgba[i * 4] = (uint8_t)(i * 7);
        im.rgba[i * 4 + 1] = (uint8_t)(i / 3);
        im.rgba[i * 4 + 2] = (uint8_t)(200 - i % 50);
        im.rgba[i * 4 + 3] = 255;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    assert_int_equal(gi_png_encode(&a, &im, NULL, &bytes, &len, NULL), GENAPI_OK);
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    sodium_bin2base64(b64, cap, bytes, len, sodium_base64_VARIANT_ORIGINAL);
    ga_free(&a, bytes);
    free(im.rgba);
    return b64;
}

static gi_image decode_b64(const char *b64)
{
    ga_alloc a;
    ga_alloc_resolve(&a, NULL);
    size_t len = strlen(b64), n = 0;
    uint8_t *bytes = malloc(len);
    assert_int_equal(sodium_base642bin(bytes, len, b64, len, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
    gi_image im;
    assert_int_equal(gi_png_decode(&a, bytes, n, &im, NULL), GENAPI_OK);
    free(bytes);
    return im;
}

static void test_info_has_every_processed_js_key(void **state)
{
    (void)state;
    json_object *r = bc_ok("/sdapi/v1/txt2img", "{\"prompt\": \"a cat\", \"seed\": 4, \"steps\": 3, \"width\": 64, "
                                                 "\"height\": 64, \"batch_size\": 2}");
    json_object *info = json_tokener_parse(bc_str_member(r, "info"));
    assert_non_null(info);
    /* Every key of SD.Next's Processed.js(), and exactly the keys of a real SD.Next answer. */
    json_object *keys = read_json("sdnext/processed_js_keys.json");
    for (size_t i = 0; i < json_object_array_length(keys); i++)
        assert_true(has_key(info, json_object_get_string(json_object_array_get_idx(keys, i))));
    json_object *real = read_json("fixtures/txt2img/jpeg_sdnext/response.body");
    json_object *real_info = json_tokener_parse(bc_str_member(real, "info"));
    assert_int_equal(json_object_object_length(info), json_object_object_length(real_info));
    json_object_object_foreach(real_info, k, v) {
        (void)v;
        assert_true(has_key(info, k));
    }
    /* True values. */
    assert_int_equal(json_object_array_length(json_object_object_get(info, "all_prompts")), 2);
    assert_int_equal(json_object_array_length(json_object_object_get(info, "all_negative_prompts")), 2);
    json_object *subs = json_object_object_get(info, "all_subseeds");
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(subs, 1)),
                     json_object_get_int64(json_object_object_get(info, "subseed")) + 1);
    assert_string_equal(bc_str_member(info, "sd_model_hash"), "0c7a5e1f42");
    assert_int_equal(strlen(bc_str_member(info, "job_timestamp")), 14);
    assert_int_equal(json_object_get_int(json_object_object_get(info, "clip_skip")), 1);
    assert_false(json_object_get_boolean(json_object_object_get(info, "detailer")));
    assert_string_equal(bc_str_member(info, "sampler_name"), "Default");
    /* parameters: every field of SD.Next's txt2img answer and every row of the table. */
    json_object *params = json_object_object_get(r, "parameters");
    json_object *real_params = json_object_object_get(real, "parameters");
    json_object_object_foreach(real_params, pk, pv) {
        (void)pv;
        assert_true(has_key(params, pk));
    }
    size_t n = 0;
    const genapi_param_desc *d = genapi_txt2img_param_table(&n);
    for (size_t i = 0; i < n; i++) /* the rows SD.Next takes (not the hosted API's own "stream") */
        assert_true(!(d[i].servers & GENAPI_SERVER_SDNEXT) || has_key(params, d[i].json_name));
    assert_int_equal(json_object_get_int(json_object_object_get(params, "n_iter")), 1);
    assert_string_equal(bc_str_member(params, "hr_sampler_name"), "Same as primary");
    assert_true(json_object_get_boolean(json_object_object_get(params, "send_images")));
    json_object_put(keys);
    json_object_put(real_info);
    json_object_put(real);
    json_object_put(info);
    json_object_put(r);
}

static void test_img2img_parameters_and_include_init_images(void **state)
{
    (void)state;
    char *img = png_b64(40, 30), body[8192];
    snprintf(body, sizeof body, "{\"init_images\": [\"%s\"], \"steps\": 2, \"seed\": 1}", img);
    json_object *r = bc_ok("/sdapi/v1/img2img", body);
    json_object *params = json_object_object_get(r, "parameters");
    json_object *keys = read_json("sdnext/img2img_parameter_keys.json");
    for (size_t i = 0; i < json_object_array_length(keys); i++)
        assert_true(has_key(params, json_object_get_string(json_object_array_get_idx(keys, i))));
    size_t n = 0;
    const genapi_param_desc *d = genapi_img2img_param_table(&n);
    for (size_t i = 0; i < n; i++) /* the rows SD.Next takes (not the hosted API's own "stream") */
        assert_true(!(d[i].servers & GENAPI_SERVER_SDNEXT) || has_key(params, d[i].json_name));
    assert_null(json_object_object_get(params, "init_images")); /* not echoed by default */
    assert_string_equal(bc_str_member(params, "sampler_name"), "UniPC");
    json_object_put(r);
    snprintf(body, sizeof body, "{\"init_images\": [\"%s\"], \"steps\": 2, \"include_init_images\": true}", img);
    r = bc_ok("/sdapi/v1/img2img", body);
    json_object *ii = json_object_object_get(json_object_object_get(r, "parameters"), "init_images");
    assert_true(json_object_is_type(ii, json_type_array));
    assert_string_equal(json_object_get_string(json_object_array_get_idx(ii, 0)), img);
    json_object_put(r);
    json_object_put(keys);
    free(img);
}

/* The listing's names, in order, and each item's keys, are the fixture's. */
static void check_listing(const char *path, const char *fixture)
{
    json_object *want = read_json(fixture);
    genapi_http_request req = {"GET", path, NULL, NULL, NULL, 0};
    genapi_http_response resp;
    assert_int_equal(genapi_backend_handle(bc_backend, &req, &resp), GENAPI_OK);
    assert_int_equal(resp.status, 200);
    json_object *list = json_tokener_parse(resp.body);
    genapi_http_response_release(bc_backend, &resp);
    assert_int_equal(json_object_array_length(list), json_object_array_length(want));
    for (size_t i = 0; i < json_object_array_length(want); i++) {
        json_object *w = json_object_array_get_idx(want, i), *g = json_object_array_get_idx(list, i);
        assert_string_equal(bc_str_member(g, "name"), bc_str_member(w, "name"));
        assert_int_equal(json_object_object_length(g), json_object_object_length(w));
        json_object_object_foreach(w, k, v) {
            (void)v;
            assert_true(has_key(g, k));
        }
    }
    json_object_put(list);
    json_object_put(want);
}

static void test_listings_use_sdnext_names(void **state)
{
    (void)state;
    check_listing("/sdapi/v1/samplers", "sdnext/samplers.json");
    check_listing("/v1/img-samplers", "sdnext/samplers.json");
    check_listing("/sdapi/v1/upscalers", "sdnext/upscalers.json");
    /* A1111's names are accepted too, and reported as SD.Next spells them. */
    json_object *r = bc_ok("/sdapi/v1/txt2img",
                           "{\"prompt\": \"x\", \"steps\": 2, \"width\": 64, \"height\": 64, \"sampler_name\": \"dpm++ 2m karras\"}");
    json_object *info = json_tokener_parse(bc_str_member(r, "info"));
    assert_string_equal(bc_str_member(info, "sampler_name"), "DPM++ 2M");
    assert_non_null(strstr(json_object_get_string(json_object_array_get_idx(json_object_object_get(info, "infotexts"), 0)),
                           "Sampler sigma: karras"));
    json_object_put(info);
    json_object_put(r);
}

static void test_edges_as_sdnext_answers(void **state)
{
    (void)state;
    int status = 0;
    /* A number sent as a string is taken (pydantic's lax mode), and echoed as the number. */
    json_object *r = bc_post("/sdapi/v1/txt2img",
                             "{\"prompt\": \"x\", \"steps\": \"2\", \"width\": \"64\", \"height\": 64, "
                             "\"schedulers_timesteps_range\": \"1000\", \"detailer_enabled\": \"false\"}",
                             &status);
    assert_int_equal(status, 200);
    json_object *p = json_object_object_get(r, "parameters");
    assert_true(json_object_is_type(json_object_object_get(p, "schedulers_timesteps_range"), json_type_int));
    assert_int_equal(json_object_get_int(json_object_object_get(p, "steps")), 2);
    json_object_put(r);
    /* Text that is not a number: pydantic's 422 naming the field, with the input. */
    r = bc_post("/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"steps\": \"many\"}", &status);
    assert_int_equal(status, 422);
    json_object *item = json_object_array_get_idx(json_object_object_get(r, "detail"), 0);
    assert_string_equal(bc_str_member(item, "type"), "int_parsing");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(json_object_object_get(item, "loc"), 1)), "steps");
    assert_string_equal(bc_str_member(item, "input"), "many");
    json_object_put(r);
    /* An unknown checkpoint: SD.Next aborts the run (200, no images, info ""); the hosted API 404. */
    r = bc_post("/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"sd_model_checkpoint\": \"nope\"}", &status);
    assert_int_equal(status, 200);
    assert_int_equal(json_object_array_length(json_object_object_get(r, "images")), 0);
    assert_string_equal(bc_str_member(r, "info"), "");
    assert_string_equal(bc_str_member(json_object_object_get(r, "parameters"), "sd_model_checkpoint"), "nope");
    json_object_put(r);
    r = bc_post("/v1/txt2img", "{\"prompt\": \"x\", \"sd_model_checkpoint\": \"nope\"}", &status);
    assert_int_equal(status, 404);
    assert_int_equal(json_object_get_int(json_object_object_get(r, "code")), 404);
    json_object_put(r);
}

static void test_upscale_edges(void **state)
{
    (void)state;
    char *img = png_b64(40, 30), body[8192];
    int status = 0;
    /* upscaler_1 unset or "None": the image comes back as it is. */
    const char *none[] = {"", ", \"upscaler_1\": \"None\", \"upscaling_resize\": 3"};
    for (size_t k = 0; k < 2; k++) {
        snprintf(body, sizeof body, "{\"image\": \"%s\"%s}", img, none[k]);
        json_object *r = bc_ok("/sdapi/v1/extra-single-image", body);
        gi_image in = decode_b64(img), out = decode_b64(bc_str_member(r, "image"));
        assert_int_equal(out.width, 40);
        assert_int_equal(out.height, 30);
        assert_memory_equal(in.rgba, out.rgba, 40 * 30 * 4);
        assert_string_equal(bc_str_member(r, "html_info"), "<p></p>");
        free(in.rgba);
        free(out.rgba);
        json_object_put(r);
    }
    /* resize_mode 1: to cover w x h, then the centre crop of exactly that size. */
    snprintf(body, sizeof body, "{\"image\": \"%s\", \"upscaler_1\": \"resize lanczos\", \"resize_mode\": 1, "
             "\"upscaling_resize_w\": 100, \"upscaling_resize_h\": 60}", img);
    json_object *r = bc_ok("/sdapi/v1/extra-single-image", body);
    gi_image out = decode_b64(bc_str_member(r, "image"));
    assert_int_equal(out.width, 100);
    assert_int_equal(out.height, 60);
    assert_non_null(strstr(bc_str_member(r, "html_info"), "Postprocess crop to: 100x60"));
    free(out.rgba);
    json_object_put(r);
    snprintf(body, sizeof body, "{\"image\": \"%s\", \"upscaler_1\": \"Resize Lanczos\", \"resize_mode\": 1, "
             "\"upscaling_resize_w\": 100, \"upscaling_resize_h\": 60, \"upscaling_crop\": false}", img);
    r = bc_ok("/sdapi/v1/extra-single-image", body);
    out = decode_b64(bc_str_member(r, "image"));
    assert_int_equal(out.width, 100); /* 40 x 30 scaled by max(100/40, 60/30) = 2.5 */
    assert_int_equal(out.height, 75);
    free(out.rgba);
    json_object_put(r);
    /* Below 1 is refused as SD.Next's request model refuses it. */
    snprintf(body, sizeof body, "{\"image\": \"%s\", \"upscaler_1\": \"Resize Lanczos\", \"upscaling_resize\": 0.5}", img);
    r = bc_post("/sdapi/v1/extra-single-image", body, &status);
    assert_int_equal(status, 422);
    json_object_put(r);
    free(img);
}

static void test_client_webui_flavour_extra_json_parallel(void **state)
{
    (void)state;
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.image_api = GENAPI_IMAGE_API_WEBUI;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    genapi_txt2img_params p;
    genapi_txt2img_params_init(&p, sizeof p);
    GENAPI_TXT2IMG_SET(&p, steps, 2);
    GENAPI_TXT2IMG_SET(&p, width, 64);
    GENAPI_TXT2IMG_SET(&p, height, 64);
    genapi_images_result *res = NULL;
    genapi_error err;
    /* No checkpoint, no prompt: the servers default them. extra_json carries untyped fields. */
    assert_int_equal(genapi_txt2img_ex(c, &p, "{\"styles\": [\"cinematic\"], \"n_iter\": 1}", &res, &err), GENAPI_OK);
    assert_int_equal(res->image_count, 1);
    assert_non_null(strstr(res->info.json, "\"styles\":[\"cinematic\"]"));
    genapi_images_result_free(res);
    assert_int_equal(genapi_txt2img_ex(c, &p, "[1]", &res, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "extra_json");
    int64_t n = 0;
    assert_int_equal(genapi_parallel_requests(c, &n, &err), GENAPI_OK);
    assert_true(n >= 1);
    genapi_request *req = NULL;
    assert_int_equal(genapi_parallel_requests_start(c, NULL, &req, &err), GENAPI_OK);
    assert_int_equal(genapi_request_wait(req, -1), GENAPI_OK);
    int64_t m = 0;
    assert_int_equal(genapi_request_take_parallel_requests(req, &m), GENAPI_OK);
    assert_int_equal(m, n);
    genapi_request_release(req);
    genapi_client_free(c);
    /* The hosted flavour requires the prompt (an unset checkpoint is the client's default). */
    cfg.image_api = GENAPI_IMAGE_API_HOSTED;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    assert_int_equal(genapi_txt2img(c, &p, &res, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "prompt");
    genapi_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_has_every_processed_js_key),
        cmocka_unit_test(test_img2img_parameters_and_include_init_images),
        cmocka_unit_test(test_listings_use_sdnext_names),
        cmocka_unit_test(test_edges_as_sdnext_answers),
        cmocka_unit_test(test_upscale_edges),
        cmocka_unit_test(test_client_webui_flavour_extra_json_parallel),
    };
    return cmocka_run_group_tests(tests, bc_setup, bc_teardown);
}
