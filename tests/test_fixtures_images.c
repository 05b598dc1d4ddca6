/* Fixture-driven tests of the image result parsers: every case under <fixtures>/txt2img/,
 * <fixtures>/img2img/ (genapi_images_result_parse) and <fixtures>/extra-single-image/
 * (genapi_upscale_result_parse). Each image's format, decoded size, width, height and SHA-256
 * (libsodium) are compared with expected.json, and the decoded info document field by field. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <genapi/client.h>
#include <genapi/images.h>
#include <sodium.h>

#include "fixture_cases.h"

static const char *format_name(int32_t f)
{
    return f == GENAPI_IMAGE_FORMAT_PNG ? "png" : f == GENAPI_IMAGE_FORMAT_JPEG ? "jpeg" : f == GENAPI_IMAGE_FORMAT_WEBP ? "webp" : "unknown";
}

static void check_image(fc_cmp *cx, json_object *exp, const genapi_image *img, size_t i)
{
    FC_WHERE(cx, "images[%zu].format", i);
    fc_check_str(cx, fc_get_key(exp, "format"), format_name(img->format));
    FC_WHERE(cx, "images[%zu].bytes", i);
    fc_check_int(cx, fc_get_key(exp, "bytes"), (int64_t)img->size);
    FC_WHERE(cx, "images[%zu].width", i);
    fc_check_int(cx, fc_get_key(exp, "width"), img->width);
    FC_WHERE(cx, "images[%zu].height", i);
    fc_check_int(cx, fc_get_key(exp, "height"), img->height);
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(digest, img->data, img->size);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    FC_WHERE(cx, "images[%zu].sha256", i);
    fc_check_str(cx, fc_get_key(exp, "sha256"), hex);
}

/* An info integer: expected null <=> the field bit is clear. */
static void check_info_int(fc_cmp *cx, json_object *exp, const char *key, uint32_t fields, uint32_t bit, int64_t v)
{
    FC_WHERE(cx, "info.%s", key);
    json_object *e = fc_get_key(exp, key);
    if (e == NULL) {
        if (fields & bit)
            fail_msg("%s: %s: expected null, got %lld", cx->label, cx->where, (long long)v);
        return;
    }
    if (!(fields & bit))
        fail_msg("%s: %s: expected a value, got none", cx->label, cx->where);
    fc_check_int(cx, e, v);
}

static void check_images(const fc_case *c, const char *label, const void *result)
{
    const genapi_images_result *r = result;
    fc_cmp cxs = {label, ""};
    fc_cmp *cx = &cxs;
    json_object *exp = c->expected;
    fc_check_struct_size(label, r->struct_size, sizeof *r);
    fc_check_kind(label, exp, "images");
    FC_WHERE(cx, "image_count");
    fc_check_int(cx, fc_get_key(exp, "image_count"), (int64_t)r->image_count);
    json_object *imgs = fc_get_key(exp, "images");
    size_t n = fc_exp_array_len(cx, imgs);
    assert_int_equal(n, r->image_count);
    for (size_t i = 0; i < n; i++)
        check_image(cx, json_object_array_get_idx(imgs, i), &r->images[i], i);
    json_object *info = fc_get_key(exp, "info");
    FC_WHERE(cx, "info");
    if (info == NULL) {
        if (r->info.present)
            fail_msg("%s: info: expected null, got a document", label);
    } else {
        if (!r->info.present)
            fail_msg("%s: info: expected a document, got none", label);
        const genapi_image_info *in = &r->info;
        check_info_int(cx, info, "seed", in->fields, GENAPI_IMAGE_INFO_SEED, in->seed);
        check_info_int(cx, info, "index_of_first_image", in->fields, GENAPI_IMAGE_INFO_FIRST_INDEX, in->index_of_first_image);
        check_info_int(cx, info, "width", in->fields, GENAPI_IMAGE_INFO_WIDTH, in->width);
        check_info_int(cx, info, "height", in->fields, GENAPI_IMAGE_INFO_HEIGHT, in->height);
        check_info_int(cx, info, "steps", in->fields, GENAPI_IMAGE_INFO_STEPS, in->steps);
        FC_WHERE(cx, "info.sampler_name");
        fc_check_str(cx, fc_get_key(info, "sampler_name"), in->sampler_name);
        FC_WHERE(cx, "info.prompt");
        fc_check_str(cx, fc_get_key(info, "prompt"), in->prompt);
        FC_WHERE(cx, "info.infotexts_count");
        json_object *ic = fc_get_key(info, "infotexts_count");
        if (ic)
            fc_check_int(cx, ic, (int64_t)in->infotexts_count);
        json_object *seeds = fc_get_key(info, "all_seeds");
        FC_WHERE(cx, "info.all_seeds");
        if (seeds == NULL) {
            if (in->all_seeds != NULL)
                fail_msg("%s: info.all_seeds: expected null", label);
        } else {
            size_t ns = fc_exp_array_len(cx, seeds);
            assert_int_equal(ns, in->all_seed_count);
            for (size_t i = 0; i < ns; i++) {
                FC_WHERE(cx, "info.all_seeds[%zu]", i);
                fc_check_int(cx, json_object_array_get_idx(seeds, i), in->all_seeds[i]);
            }
        }
        assert_non_null(in->json);
    }
    json_object *ps = fc_get_key(exp, "parameters_seed");
    FC_WHERE(cx, "parameters_seed");
    if (ps == NULL)
        assert_int_equal(r->has_parameters_seed, 0);
    else {
        assert_int_equal(r->has_parameters_seed, 1);
        fc_check_int(cx, ps, r->parameters_seed);
    }
}

static void check_upscale(const fc_case *c, const char *label, const void *result)
{
    const genapi_upscale_result *r = result;
    fc_cmp cxs = {label, ""};
    fc_check_struct_size(label, r->struct_size, sizeof *r);
    fc_check_kind(label, c->expected, "extra_single_image");
    check_image(&cxs, fc_get_key(c->expected, "image"), &r->image, 0);
    FC_WHERE(&cxs, "html_info");
    fc_check_str(&cxs, fc_get_key(c->expected, "html_info"), r->html_info);
}

static genapi_status parse_images(genapi_client *cl, const char *body, size_t len, void **out, genapi_error *err)
{
    genapi_images_result *r = NULL;
    genapi_status st = genapi_images_result_parse(cl, body, len, &r, err);
    *out = r;
    return st;
}

static void free_images(void *r) { genapi_images_result_free(r); }

static genapi_status parse_upscale(genapi_client *cl, const char *body, size_t len, void **out, genapi_error *err)
{
    genapi_upscale_result *r = NULL;
    genapi_status st = genapi_upscale_result_parse(cl, body, len, &r, err);
    *out = r;
    return st;
}

static void free_upscale(void *r) { genapi_upscale_result_free(r); }

/* Listings: names, and per kind model_names / hashes, aliases, scales. */
static void check_strs(fc_cmp *cx, json_object *exp, const genapi_image_listing *l, const char *key, size_t field)
{
    json_object *arr = fc_get_key(exp, key);
    if (arr == NULL)
        return;
    size_t n = fc_exp_array_len(cx, arr);
    assert_int_equal(n, l->count);
    for (size_t i = 0; i < n; i++) {
        FC_WHERE(cx, "%s[%zu]", key, i);
        const char *act = *(const char *const *)(const void *)((const char *)&l->items[i] + field);
        fc_check_str(cx, json_object_array_get_idx(arr, i), act);
    }
}

static void check_listing(const fc_case *c, const char *label, const void *result)
{
    const genapi_image_listing *l = result;
    fc_cmp cxs = {label, ""};
    fc_cmp *cx = &cxs;
    fc_check_struct_size(label, l->struct_size, sizeof *l);
    fc_check_kind(label, c->expected, "listing");
    FC_WHERE(cx, "count");
    fc_check_int(cx, fc_get_key(c->expected, "count"), (int64_t)l->count);
    check_strs(cx, c->expected, l, "names", offsetof(genapi_image_listing_item, name));
    check_strs(cx, c->expected, l, "model_names", offsetof(genapi_image_listing_item, model_name));
    check_strs(cx, c->expected, l, "hashes", offsetof(genapi_image_listing_item, hash));
    json_object *aliases = fc_get_key(c->expected, "aliases");
    for (size_t i = 0; aliases && i < l->count; i++) {
        json_object *a = json_object_array_get_idx(aliases, i);
        size_t n = a ? json_object_array_length(a) : 0;
        assert_int_equal(n, l->items[i].alias_count);
        for (size_t k = 0; k < n; k++) {
            FC_WHERE(cx, "aliases[%zu][%zu]", i, k);
            fc_check_str(cx, json_object_array_get_idx(a, k), l->items[i].aliases[k]);
        }
    }
    json_object *scales = fc_get_key(c->expected, "scales");
    for (size_t i = 0; scales && i < l->count; i++) {
        json_object *s = json_object_array_get_idx(scales, i);
        FC_WHERE(cx, "scales[%zu]", i);
        if (s == NULL) {
            assert_int_equal(l->items[i].has_scale, 0);
        } else {
            assert_int_equal(l->items[i].has_scale, 1);
            if (json_object_get_double(s) != l->items[i].scale)
                fail_msg("%s: %s: expected %g, got %g", label, cx->where, json_object_get_double(s), l->items[i].scale);
        }
    }
}

#define LISTING_PARSER(fn, kind)                                                                                   \
    static genapi_status fn(genapi_client *cl, const char *body, size_t len, void **out, genapi_error *err)         \
    {                                                                                                              \
        genapi_image_listing *l = NULL;                                                                            \
        genapi_status st = genapi_image_listing_parse(cl, kind, body, len, &l, err);                                \
        *out = l;                                                                                                  \
        return st;                                                                                                 \
    }
LISTING_PARSER(parse_models, GENAPI_LISTING_MODELS)
LISTING_PARSER(parse_samplers, GENAPI_LISTING_SAMPLERS)
LISTING_PARSER(parse_upscalers, GENAPI_LISTING_UPSCALERS)

static void free_listing(void *l) { genapi_image_listing_free(l); }

static void test_bad_image_data(void **state)
{
    (void)state;
    genapi_client *c = fc_new_client();
    genapi_images_result *r = NULL;
    genapi_error err;
    static const char *const bad[] = {"{\"images\": [\"not base64!\"]}", "{\"images\": [5]}", "{\"images\": \"x\"}", "[]",
                                      "{\"images\": [\"data:image/png;base64\"]}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(genapi_images_result_parse(c, bad[i], strlen(bad[i]), &r, &err), GENAPI_E_PARSE);
        assert_null(r);
        assert_string_equal(err.param, "images");
    }
    /* A data URI and an unknown format are fine: the bytes come back, format unknown. */
    const char *ok = "{\"images\": [\"data:image/png;base64,aGVsbG8=\"], \"info\": \"\"}";
    assert_int_equal(genapi_images_result_parse(c, ok, strlen(ok), &r, &err), GENAPI_OK);
    assert_int_equal(r->images[0].size, 5);
    assert_int_equal(memcmp(r->images[0].data, "hello", 5), 0);
    assert_int_equal(r->images[0].format, GENAPI_IMAGE_FORMAT_UNKNOWN);
    assert_int_equal(r->info.present, 0);
    genapi_images_result_free(r);
    genapi_client_free(c);
}

int main(void)
{
    static const fc_parser images = {"genapi_images_result_parse", parse_images, free_images, check_images};
    static const fc_parser upscale = {"genapi_upscale_result_parse", parse_upscale, free_upscale, check_upscale};
    int rc = 0;
    const char *dirs[] = {"txt2img", "img2img"};
    for (int i = 0; i < 2; i++) {
        fc_suite s;
        fc_suite_init(&s, dirs[i]);
        char present[64];
        snprintf(present, sizeof present, "%s_fixtures_present", dirs[i]);
        fc_suite_add_present(&s, present);
        fc_suite_add_parse_cases(&s, &images);
        rc |= fc_suite_run(&s, dirs[i]);
    }
    static const fc_parser listings[] = {
        {"genapi_image_listing_parse", parse_models, free_listing, check_listing},
        {"genapi_image_listing_parse", parse_samplers, free_listing, check_listing},
        {"genapi_image_listing_parse", parse_upscalers, free_listing, check_listing},
    };
    const char *list_dirs[] = {"sd-models", "samplers", "upscalers"};
    for (int i = 0; i < 3; i++) {
        fc_suite ls;
        fc_suite_init(&ls, list_dirs[i]);
        char present[64];
        snprintf(present, sizeof present, "%s_fixtures_present", list_dirs[i]);
        fc_suite_add_present(&ls, present);
        fc_suite_add_parse_cases(&ls, &listings[i]);
        rc |= fc_suite_run(&ls, list_dirs[i]);
    }
    fc_suite s;
    fc_suite_init(&s, "extra-single-image");
    fc_suite_add_present(&s, "upscale_fixtures_present");
    fc_suite_add_parse_cases(&s, &upscale);
    fc_suite_add(&s, "bad_image_data", test_bad_image_data, NULL, NULL);
    rc |= fc_suite_run(&s, "extra-single-image");
    return rc;
}
