/* Images end to end: typed params -> validation -> JSON -> transport -> reference image engine
 * -> base64 PNG -> typed result, in-process and over HTTP, with both path families (hosted /v1
 * and WebUI /sdapi/v1), plus listings, options and the error shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "backend_calls.h"
#include "test_support.h"

static genapi_client *client(const char *url, int webui)
{
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.image_api = webui ? GENAPI_IMAGE_API_WEBUI : GENAPI_IMAGE_API_HOSTED;
    cfg.retry_max_delay_ms = 20;
    genapi_client *c = NULL;
    assert_int_equal(genapi_client_new(&cfg, &c, NULL), GENAPI_OK);
    return c;
}

static void txt2img_params(genapi_txt2img_params *p, int64_t seed)
{
    genapi_txt2img_params_init(p, sizeof *p);
    GENAPI_TXT2IMG_SET(p, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_TXT2IMG_SET(p, prompt, "a lighthouse at dusk, oil painting");
    GENAPI_TXT2IMG_SET(p, seed, seed);
    GENAPI_TXT2IMG_SET(p, steps, 10);
    GENAPI_TXT2IMG_SET(p, width, 96);
    GENAPI_TXT2IMG_SET(p, height, 64);
    GENAPI_TXT2IMG_SET(p, batch_size, 2);
    GENAPI_TXT2IMG_SET(p, sampler_name, "DPM++ 2M");
}

static void round_trip(genapi_client *c, int webui)
{
    genapi_txt2img_params p;
    txt2img_params(&p, 5);
    genapi_images_result *a = NULL, *b = NULL;
    genapi_error err;
    if (genapi_txt2img(c, &p, &a, &err) != GENAPI_OK)
        fail_msg("txt2img: %s", err.message);
    assert_int_equal(a->image_count, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(a->images[i].format, GENAPI_IMAGE_FORMAT_PNG);
        assert_int_equal(a->images[i].width, 96);
        assert_int_equal(a->images[i].height, 64);
    }
    assert_true(a->info.present);
    assert_int_equal(a->info.seed, 5);
    assert_int_equal(a->info.all_seed_count, 2);
    assert_int_equal(a->info.all_seeds[1], 6);
    assert_int_equal(a->info.steps, 10);
    assert_string_equal(a->info.sampler_name, "DPM++ 2M");
    assert_int_equal(a->info.infotexts_count, 2);
    assert_true(a->has_parameters_seed);
    assert_int_equal(a->parameters_seed, 5);
    /* The same seed gives the same bytes; the two images of a batch differ. */
    assert_int_equal(genapi_txt2img(c, &p, &b, &err), GENAPI_OK);
    assert_int_equal(a->images[0].size, b->images[0].size);
    assert_int_equal(memcmp(a->images[0].data, b->images[0].data, a->images[0].size), 0);
    assert_true(a->images[0].size != a->images[1].size ||
                memcmp(a->images[0].data, a->images[1].data, a->images[0].size) != 0);
    genapi_images_result_free(b);
    b = NULL;

    /* img2img from the first image, with and without a mask. */
    char *init = NULL;
    assert_int_equal(genapi_image_to_base64(c, a->images[0].data, a->images[0].size, &init, &err), GENAPI_OK);
    const char *inits[] = {init};
    genapi_img2img_params q;
    genapi_img2img_params_init(&q, sizeof q);
    GENAPI_IMG2IMG_SET(&q, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_IMG2IMG_SET(&q, prompt, "a lighthouse at night");
    GENAPI_IMG2IMG_SET(&q, init_images, ((genapi_strlist){inits, 1}));
    GENAPI_IMG2IMG_SET(&q, denoising_strength, 0.5);
    GENAPI_IMG2IMG_SET(&q, seed, 9);
    genapi_images_result *v = NULL;
    if (genapi_img2img(c, &q, &v, &err) != GENAPI_OK)
        fail_msg("img2img: %s", err.message);
    assert_int_equal(v->image_count, 1);
    assert_int_equal(v->images[0].width, 96); /* the init image's size when none is asked */
    assert_int_equal(v->images[0].height, 64);
    genapi_images_result_free(v);
    GENAPI_IMG2IMG_SET(&q, mask, init);
    GENAPI_IMG2IMG_SET(&q, mask_blur, 2);
    assert_int_equal(genapi_img2img(c, &q, &v, &err), GENAPI_OK);
    genapi_images_result_free(v);

    /* Upscale by 2 with Lanczos. */
    genapi_upscale_params u;
    genapi_upscale_params_init(&u, sizeof u);
    GENAPI_UPSCALE_SET(&u, image, init);
    GENAPI_UPSCALE_SET(&u, upscaler_1, "Lanczos");
    GENAPI_UPSCALE_SET(&u, upscaling_resize, 2.0);
    genapi_upscale_result *up = NULL;
    if (genapi_upscale(c, &u, &up, &err) != GENAPI_OK)
        fail_msg("upscale: %s", err.message);
    assert_int_equal(up->image.width, 192);
    assert_int_equal(up->image.height, 128);
    assert_non_null(strstr(up->html_info, "Lanczos"));
    genapi_upscale_result_free(up);

    /* Errors: refused before sending, and the server's own answers. */
    GENAPI_TXT2IMG_SET(&p, steps, 0);
    assert_int_equal(genapi_txt2img(c, &p, &b, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "steps");
    assert_null(b);
    GENAPI_TXT2IMG_SET(&p, steps, 10);
    GENAPI_TXT2IMG_SET(&p, sampler_name, "No Such Sampler");
    assert_int_equal(genapi_txt2img(c, &p, &b, &err), GENAPI_E_NOT_FOUND);
    assert_string_equal(err.message, "Sampler not found");
    GENAPI_TXT2IMG_SET(&p, sampler_name, "Euler");
    GENAPI_TXT2IMG_SET(&p, sd_model_checkpoint, "missing-model");
    if (webui) { /* SD.Next aborts the run: 200, no images, info "" */
        assert_int_equal(genapi_txt2img(c, &p, &b, &err), GENAPI_OK);
        assert_int_equal(b->image_count, 0);
        assert_false(b->info.present);
        genapi_images_result_free(b);
    } else { /* the hosted API routes by model */
        assert_int_equal(genapi_txt2img(c, &p, &b, &err), GENAPI_E_NOT_FOUND);
    }
    /* SD.Next's 400 listing the upscalers */
    GENAPI_UPSCALE_SET(&u, upscaler_1, "Bogus");
    assert_int_equal(genapi_upscale(c, &u, &up, &err), GENAPI_E_BAD_REQUEST);
    assert_non_null(strstr(err.message, "Invalid upscaler, needs to be one of these: None , Resize Nearest"));
    genapi_free(genapi_client_allocator(c), init);
    genapi_images_result_free(a);
}

static void listings(genapi_client *c)
{
    genapi_image_listing *l = NULL;
    genapi_error err;
    assert_int_equal(genapi_list_image(c, GENAPI_LISTING_MODELS, &l, &err), GENAPI_OK);
    assert_int_equal(l->count, 1);
    assert_string_equal(l->items[0].model_name, "genapi-ref-image");
    genapi_image_listing_free(l);
    assert_int_equal(genapi_list_image(c, GENAPI_LISTING_SAMPLERS, &l, &err), GENAPI_OK);
    assert_true(l->count >= 9);
    genapi_image_listing_free(l);
    assert_int_equal(genapi_list_image(c, GENAPI_LISTING_UPSCALERS, &l, &err), GENAPI_OK);
    int lanczos = 0;
    for (size_t i = 0; i < l->count; i++)
        lanczos |= strcmp(l->items[i].name, "Resize Lanczos") == 0; /* SD.Next's names */
    assert_true(lanczos);
    genapi_image_listing_free(l);
    char *opts = NULL;
    assert_int_equal(genapi_image_options(c, &opts, &err), GENAPI_OK);
    assert_non_null(strstr(opts, "sd_model_checkpoint"));
    genapi_free(genapi_client_allocator(c), opts);
}

static void test_in_process_hosted_paths(void **state)
{
    (void)state;
    genapi_client *c = client(NULL, 0);
    round_trip(c, 0);
    listings(c);
    genapi_client_free(c);
}

static void test_over_http_webui_paths(void **state)
{
    (void)state;
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    genapi_client *c = client(s.url, 1);
    round_trip(c, 1);
    listings(c);
    genapi_client_free(c);
    ts_server_stop(&s);
}

static void test_server_validation_and_shapes(void **state)
{
    (void)state;
    int status;
    /* FastAPI's 422 with the parameter in loc; the client maps it to BAD_REQUEST + param. */
    json_object *e = bc_post("/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"width\": 10}", &status);
    assert_int_equal(status, 422);
    json_object *loc = json_object_object_get(json_object_array_get_idx(json_object_object_get(e, "detail"), 0), "loc");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(loc, 1)), "width");
    json_object_put(e);
    /* The hosted API requires the checkpoint; the WebUI route fills it in. */
    e = bc_post("/v1/txt2img", "{\"prompt\": \"x\", \"width\": 64, \"height\": 64}", &status);
    assert_int_equal(status, 422);
    json_object_put(e);
    e = bc_post("/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"width\": 64, \"height\": 64, \"steps\": 2}", &status);
    assert_int_equal(status, 200);
    json_object_put(e);
    /* An init image that is not an image: SD.Next's 500 in its middleware's shape. */
    e = bc_post("/sdapi/v1/img2img", "{\"init_images\": [\"aGVsbG8=\"]}", &status);
    assert_int_equal(status, 500);
    assert_string_equal(bc_str_member(e, "detail"), "Invalid encoded image");
    assert_string_equal(bc_str_member(e, "errors"), "500: Invalid encoded image");
    assert_int_equal(json_object_get_int(json_object_object_get(e, "code")), 500);
    json_object_put(e);
    /* img2img without init_images: SD.Next's 400 outside its error middleware. */
    e = bc_post("/sdapi/v1/img2img", "{\"prompt\": \"x\"}", &status);
    assert_int_equal(status, 400);
    assert_string_equal(bc_str_member(e, "error"), "Init image is none");
    json_object_put(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_process_hosted_paths),
        cmocka_unit_test(test_over_http_webui_paths),
        cmocka_unit_test_setup_teardown(test_server_validation_and_shapes, bc_setup, bc_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
