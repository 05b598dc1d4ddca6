/* The image parameter table tests (txt2img, img2img, upscale), mirroring test_params_table.c:
 * every row of the hosted API's tables is declared, every parameter serializes alone (with the
 * required ones) and round-trips through the parser, every invalid value is rejected naming the
 * parameter, unset parameters are never sent, set_text parses each kind, and the base64 image
 * checks work. The reference backend has no image routes, so there is no server-side test. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "param_testing.h"
#include <genapi/genapi.h>
#include <json-c/json.h>

#include "params/param_internal.h"

#define FIELD(s, d, type) ((type *)(void *)((char *)(s) + (d)->offset))

/* The 8 bytes of the PNG signature, base64. */
#define PNG_B64 "iVBORw0KGgo="

/* Room for any of the three structs. */
typedef union any_params {
    genapi_txt2img_params txt2img;
    genapi_img2img_params img2img;
    genapi_upscale_params upscale;
} any_params;

/* One request kind, seen through void pointers so the checks below are written once. */
typedef struct kind_ops {
    const char *name;
    const genapi_param_desc *(*table)(size_t *count);
    const genapi_param_desc *(*find)(const char *name);
    size_t (*size)(void);
    genapi_status (*init)(void *p, size_t size);
    void (*mark)(void *p, size_t id, int set);
    int (*is_set)(const void *p, size_t id);
    genapi_status (*validate)(const void *p, genapi_error *err);
    genapi_status (*to_json)(const void *p, char **json, genapi_error *err);
    genapi_status (*from_json)(void *p, const char *json, genapi_error *err);
    genapi_status (*set_text)(void *p, const char *name, const char *value, genapi_error *err);
    void (*clear)(void *p);
    const char *const *seed_rows; /* the rows of the hosted API's table, in its order */
    size_t seed_count;
    size_t expected_count; /* rows in our table (seed rows plus documented extras) */
} kind_ops;

#define KIND_WRAPPERS(k)                                                                                       \
    static genapi_status k##_init(void *p, size_t n) { return genapi_##k##_params_init(p, n); }                \
    static void k##_mark(void *p, size_t id, int set) { genapi_##k##_params_mark(p, (genapi_##k##_param_id)id, set); } \
    static int k##_is_set(const void *p, size_t id) { return genapi_##k##_params_is_set(p, (genapi_##k##_param_id)id); } \
    static genapi_status k##_validate(const void *p, genapi_error *e) { return genapi_##k##_params_validate(p, e); } \
    static genapi_status k##_to_json(const void *p, char **j, genapi_error *e)                                 \
    {                                                                                                          \
        return genapi_##k##_params_to_json(p, j, e);                                                           \
    }                                                                                                          \
    static genapi_status k##_from_json(void *p, const char *j, genapi_error *e)                                \
    {                                                                                                          \
        return genapi_##k##_params_from_json(p, j, e);                                                         \
    }                                                                                                          \
    static genapi_status k##_set_text(void *p, const char *n, const char *v, genapi_error *e)                  \
    {                                                                                                          \
        return genapi_##k##_params_set_text(p, n, v, e);                                                       \
    }                                                                                                          \
    static void k##_clear(void *p) { genapi_##k##_params_clear(p); }

KIND_WRAPPERS(txt2img)
KIND_WRAPPERS(img2img)
KIND_WRAPPERS(upscale)

#define SEED_DETAILER                                                                                          \
    "detailer_enabled", "detailer_prompt", "detailer_negative", "detailer_steps", "detailer_strength",        \
        "detailer_model", "detailer_classes", "detailer_conf", "detailer_max", "detailer_iou", "detailer_padding", \
        "detailer_blur", "detailer_merge"
#define SEED_SCHEDULERS                                                                                        \
    "schedulers_rescale_betas", "schedulers_use_thresholding", "schedulers_sigma", "schedulers_beta_schedule",  \
        "scheduler_eta", "schedulers_solver_order", "schedulers_beta_start", "schedulers_beta_end",            \
        "schedulers_timesteps_range", "schedulers_shift", "schedulers_sigma_adjust", "schedulers_sigma_adjust_min", \
        "schedulers_sigma_adjust_max"

/* The seed's POST /txt2img table (39 rows). */
static const char *const txt2img_seed[] = {
    "sd_model_checkpoint", "prompt", "negative_prompt", "steps", "sampler_name", "width", "height", "clip_skip",
    "seed", "cfg_scale", "stream", "batch_size", "hr_sampler_name", SEED_DETAILER, SEED_SCHEDULERS};
/* The seed's POST /img2img table (47 rows). */
static const char *const img2img_seed[] = {
    "sd_model_checkpoint", "prompt", "init_images", "negative_prompt", "steps", "sampler_name", "width", "height",
    "clip_skip", "seed", "cfg_scale", "stream", "batch_size", "denoising_strength", "mask", "mask_blur",
    "inpainting_fill", "inpaint_full_res", "inpaint_full_res_padding", "inpainting_mask_invert",
    "initial_noise_multiplier", SEED_DETAILER, SEED_SCHEDULERS};
/* The seed's POST /upscale-img table (4 rows). */
static const char *const upscale_seed[] = {"image", "upscaler_1", "resize_mode", "upscaling_resize"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const kind_ops kinds[] = {
    {"txt2img", genapi_txt2img_param_table, genapi_txt2img_param_find, genapi_txt2img_params_sizeof, txt2img_init,
     txt2img_mark, txt2img_is_set, txt2img_validate, txt2img_to_json, txt2img_from_json, txt2img_set_text,
     txt2img_clear, txt2img_seed, N(txt2img_seed), 39},
    {"img2img", genapi_img2img_param_table, genapi_img2img_param_find, genapi_img2img_params_sizeof, img2img_init,
     img2img_mark, img2img_is_set, img2img_validate, img2img_to_json, img2img_from_json, img2img_set_text,
     img2img_clear, img2img_seed, N(img2img_seed), 48 /* + resize_mode (spec §1.3) */},
    {"upscale", genapi_upscale_param_table, genapi_upscale_param_find, genapi_upscale_params_sizeof, upscale_init,
     upscale_mark, upscale_is_set, upscale_validate, upscale_to_json, upscale_from_json, upscale_set_text,
     upscale_clear, upscale_seed, N(upscale_seed), 7 /* + upscaling_resize_w/_h, upscaling_crop (spec §3) */},
};

static const char *const b64_items[] = {PNG_B64};

static int has(const genapi_param_desc *d, uint32_t f) { return (d->range_flags & f) != 0; }

/* A valid value for d, stored into p (not marked). */
static void set_valid(const genapi_param_desc *d, void *p)
{
    double lo = d->min, hi = d->max;
    int has_lo = has(d, GENAPI_RANGE_MIN | GENAPI_RANGE_MIN_OPEN), has_hi = has(d, GENAPI_RANGE_MAX | GENAPI_RANGE_MAX_OPEN);
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_DOUBLE:
        *FIELD(p, d, double) = d->choices ? strtod(d->choices, NULL) : has_lo && has_hi ? (lo + hi) / 2 : has_lo ? lo + 1 : 1.0;
        break;
    case GENAPI_PK_INT:
        *FIELD(p, d, int64_t) = d->choices ? strtoll(d->choices, NULL, 10)
                                : has_lo && has_hi ? (int64_t)floor((lo + hi) / 2)
                                : has_lo ? (int64_t)lo + 1
                                         : 42;
        break;
    case GENAPI_PK_BOOL:
        *FIELD(p, d, int32_t) = 1;
        break;
    case GENAPI_PK_ENUM:
        *FIELD(p, d, int32_t) = 1;
        break;
    case GENAPI_PK_STRING:
        *FIELD(p, d, const char *) = has(d, GENAPI_RANGE_BASE64) ? PNG_B64 : "abc";
        break;
    case GENAPI_PK_STRLIST:
        assert_true(has(d, GENAPI_RANGE_BASE64)); /* the only string list of the image tables */
        *FIELD(p, d, genapi_strlist) = (genapi_strlist){b64_items, 1};
        break;
    default:
        fail_msg("%s: kind %d is not used by the image tables", d->json_name, (int)d->kind);
    }
}

/* Set (valid) and mark every required parameter; returns how many there are. */
static size_t set_required(const kind_ops *k, void *p)
{
    size_t n, req = 0;
    const genapi_param_desc *d = k->table(&n);
    for (size_t i = 0; i < n; i++)
        if (has(&d[i], GENAPI_RANGE_REQUIRED)) {
            set_valid(&d[i], p);
            k->mark(p, i, 1);
            req++;
        }
    return req;
}

static void test_tables_have_every_seed_row(void **state)
{
    (void)state;
    for (size_t ki = 0; ki < N(kinds); ki++) {
        const kind_ops *k = &kinds[ki];
        size_t n;
        const genapi_param_desc *d = k->table(&n);
        assert_int_equal(n, k->expected_count);
        assert_true(k->seed_count <= n);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(d[i].index, i);
            assert_non_null(d[i].doc);
            assert_true(strlen(d[i].doc) > 10);
            assert_non_null(d[i].default_text);
            assert_true(d[i].servers & GENAPI_SERVER_HOSTED);
            assert_false(d[i].servers & (GENAPI_SERVER_APHRODITE | GENAPI_SERVER_VLLM));
            assert_ptr_equal(k->find(d[i].json_name), &d[i]);
            assert_true(d[i].offset + d[i].size <= k->size());
            for (size_t j = 0; j < i; j++)
                assert_string_not_equal(d[i].json_name, d[j].json_name);
        }
        /* Every seed row, and in the seed's order (extras come after). */
        for (size_t i = 0; i < k->seed_count; i++) {
            const genapi_param_desc *row = k->find(k->seed_rows[i]);
            if (row == NULL)
                fail_msg("%s: seed parameter %s is missing from the table", k->name, k->seed_rows[i]);
            assert_int_equal(row->index, i);
        }
        assert_null(k->find("no_such_param"));
    }
    assert_int_equal(N(txt2img_seed), 39);
    assert_int_equal(N(img2img_seed), 47);
    assert_int_equal(N(upscale_seed), 4);
    /* The hosted API's required fields. */
    assert_true(has(genapi_txt2img_param_find("sd_model_checkpoint"), GENAPI_RANGE_REQUIRED));
    assert_true(has(genapi_txt2img_param_find("prompt"), GENAPI_RANGE_REQUIRED));
    assert_true(has(genapi_img2img_param_find("sd_model_checkpoint"), GENAPI_RANGE_REQUIRED));
    assert_true(has(genapi_img2img_param_find("prompt"), GENAPI_RANGE_REQUIRED));
    assert_true(has(genapi_img2img_param_find("init_images"), GENAPI_RANGE_REQUIRED | GENAPI_RANGE_NONEMPTY));
    assert_true(has(genapi_upscale_param_find("image"), GENAPI_RANGE_REQUIRED));
    assert_true(has(genapi_img2img_param_find("mask"), GENAPI_RANGE_BASE64));
}

static void test_struct_layout_matches_text_header(void **state)
{
    (void)state;
    assert_int_equal(genapi_txt2img_params_sizeof(), sizeof(genapi_txt2img_params));
    assert_int_equal(genapi_img2img_params_sizeof(), sizeof(genapi_img2img_params));
    assert_int_equal(genapi_upscale_params_sizeof(), sizeof(genapi_upscale_params));
    assert_int_equal(offsetof(genapi_txt2img_params, is_set), offsetof(genapi_text_params, is_set));
    assert_int_equal(offsetof(genapi_img2img_params, allocator), offsetof(genapi_img2img_params, is_set) + 8);
    assert_int_equal(offsetof(genapi_upscale_params, owned), offsetof(genapi_upscale_params, allocator) + sizeof(void *));
    assert_int_equal(offsetof(genapi_txt2img_params, sd_model_checkpoint), offsetof(genapi_txt2img_params, owned) + sizeof(void *));
    assert_int_equal(offsetof(genapi_upscale_params, image), offsetof(genapi_upscale_params, owned) + sizeof(void *));
    genapi_txt2img_params t = GENAPI_TXT2IMG_PARAMS_INIT;
    assert_int_equal(t.struct_size, sizeof t);
    assert_int_equal(genapi_txt2img_params_init(&t, sizeof t - 1), GENAPI_E_INVALID_ARG);
    assert_int_equal(genapi_txt2img_params_init(NULL, sizeof t), GENAPI_E_INVALID_ARG);
    genapi_txt2img_params_mark(&t, GENAPI_TXT2IMG_PARAM_COUNT, 1); /* out of range: ignored */
    assert_int_equal(genapi_txt2img_params_is_set(&t, GENAPI_TXT2IMG_PARAM_COUNT), 0);
    assert_int_equal(genapi_txt2img_params_is_set(NULL, GENAPI_TXT2IMG_PARAM_seed), 0);
    genapi_upscale_params u;
    memset(&u, 0, sizeof u); /* not initialised */
    genapi_error err;
    assert_int_equal(genapi_upscale_params_validate(&u, &err), GENAPI_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "genapi_upscale_params"));
}

/* Every parameter: set alone (with the required ones) -> JSON has exactly those -> the parser gives
 * the same value back, and nothing else is set. */
static void test_every_param_round_trips(void **state)
{
    (void)state;
    for (size_t ki = 0; ki < N(kinds); ki++) {
        const kind_ops *k = &kinds[ki];
        size_t n;
        const genapi_param_desc *d = k->table(&n);
        for (size_t i = 0; i < n; i++) {
            any_params p, back;
            assert_int_equal(k->init(&p, k->size()), GENAPI_OK);
            size_t req = set_required(k, &p);
            set_valid(&d[i], &p);
            k->mark(&p, i, 1);
            genapi_error err;
            char *json = NULL;
            if (k->to_json(&p, &json, &err) != GENAPI_OK)
                fail_msg("%s.%s: valid value rejected: %s", k->name, d[i].json_name, err.message);
            json_object *o = json_tokener_parse(json);
            assert_non_null(o);
            assert_int_equal(json_object_object_length(o), req + (has(&d[i], GENAPI_RANGE_REQUIRED) ? 0 : 1));
            assert_true(json_object_object_get_ex(o, d[i].json_name, NULL));
            json_object_put(o);

            assert_int_equal(k->init(&back, k->size()), GENAPI_OK);
            if (k->from_json(&back, json, &err) != GENAPI_OK)
                fail_msg("%s.%s: parser rejected %s: %s", k->name, d[i].json_name, json, err.message);
            assert_true(k->is_set(&back, i));
            assert_int_equal(k->validate(&back, &err), GENAPI_OK);
            pt_assert_same_value(&d[i], &p, &back);
            for (size_t j = 0; j < n; j++)
                if (j != i && !has(&d[j], GENAPI_RANGE_REQUIRED))
                    assert_false(k->is_set(&back, j));
            k->clear(&back);
            genapi_free(NULL, json);
        }
    }
}

/* An invalid C value for d; returns 0 when the C type cannot hold one (only seed: any int64,
 * -1 meaning random, the same exception as the text table's seed). */
static int set_invalid(const genapi_param_desc *d, void *p)
{
    int has_lo = has(d, GENAPI_RANGE_MIN | GENAPI_RANGE_MIN_OPEN), has_hi = has(d, GENAPI_RANGE_MAX | GENAPI_RANGE_MAX_OPEN);
    double bad = has_lo ? (has(d, GENAPI_RANGE_MIN) ? d->min - 1 : d->min) : has_hi ? d->max + 1 : NAN;
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_DOUBLE:
        *FIELD(p, d, double) = d->choices ? 99.0 : bad;
        return 1;
    case GENAPI_PK_INT:
        if (d->choices)
            *FIELD(p, d, int64_t) = 99;
        else if (has_lo || has_hi)
            *FIELD(p, d, int64_t) = (int64_t)bad;
        else
            return 0;
        return 1;
    case GENAPI_PK_BOOL:
        *FIELD(p, d, int32_t) = 2;
        return 1;
    case GENAPI_PK_ENUM:
        *FIELD(p, d, int32_t) = 99;
        return 1;
    case GENAPI_PK_STRING:
        *FIELD(p, d, const char *) = has(d, GENAPI_RANGE_BASE64) ? "not base64!" : NULL;
        return 1;
    case GENAPI_PK_STRLIST:
        *FIELD(p, d, genapi_strlist) = (genapi_strlist){NULL, 0};
        return 1;
    default:
        return 0;
    }
}

static void test_every_param_rejected_when_invalid(void **state)
{
    (void)state;
    for (size_t ki = 0; ki < N(kinds); ki++) {
        const kind_ops *k = &kinds[ki];
        size_t n, without = 0;
        const genapi_param_desc *d = k->table(&n);
        for (size_t i = 0; i < n; i++) {
            any_params p;
            k->init(&p, k->size());
            set_required(k, &p);
            if (!set_invalid(&d[i], &p)) {
                assert_string_equal(d[i].json_name, "seed"); /* the only unbounded integer */
                without++;
                continue;
            }
            k->mark(&p, i, 1);
            genapi_error err;
            if (k->validate(&p, &err) != GENAPI_E_INVALID_ARG)
                fail_msg("%s.%s: invalid value accepted", k->name, d[i].json_name);
            if (strcmp(err.param, d[i].json_name) != 0)
                fail_msg("%s.%s: error names %s: %s", k->name, d[i].json_name, err.param, err.message);
            assert_non_null(strstr(err.message, d[i].json_name));
            char *json = NULL;
            assert_int_equal(k->to_json(&p, &json, &err), GENAPI_E_INVALID_ARG);
            assert_null(json);
        }
        assert_int_equal(without, strcmp(k->name, "upscale") == 0 ? 0 : 1);
    }
}

/* A JSON value of the wrong type for d, as a server receives it. */
static const char *wrong_type_json(const genapi_param_desc *d)
{
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_DOUBLE:
    case GENAPI_PK_INT:
        return "\"high\"";
    case GENAPI_PK_BOOL:
        return "\"yes\"";
    case GENAPI_PK_ENUM:
        return "\"bogus\"";
    case GENAPI_PK_STRING:
        return "5";
    case GENAPI_PK_STRLIST:
        return "[1]";
    default:
        return "null";
    }
}

static void test_every_param_wrong_type_refused_by_parser(void **state)
{
    (void)state;
    for (size_t ki = 0; ki < N(kinds); ki++) {
        const kind_ops *k = &kinds[ki];
        size_t n;
        const genapi_param_desc *d = k->table(&n);
        for (size_t i = 0; i < n; i++) {
            char body[256];
            snprintf(body, sizeof body, "{\"%s\": %s}", d[i].json_name, wrong_type_json(&d[i]));
            any_params p;
            k->init(&p, k->size());
            genapi_error err;
            if (k->from_json(&p, body, &err) != GENAPI_E_INVALID_ARG)
                fail_msg("%s: %s accepted", k->name, body);
            assert_string_equal(err.param, d[i].json_name);
            k->clear(&p);
        }
    }
}

static void test_unset_is_not_sent_and_zero_is(void **state)
{
    (void)state;
    genapi_txt2img_params p = GENAPI_TXT2IMG_PARAMS_INIT;
    GENAPI_TXT2IMG_SET(&p, sd_model_checkpoint, "model-a");
    GENAPI_TXT2IMG_SET(&p, prompt, "a cat");
    GENAPI_TXT2IMG_SET(&p, cfg_scale, 0.0);
    GENAPI_TXT2IMG_SET(&p, seed, 0);
    GENAPI_TXT2IMG_SET(&p, detailer_enabled, 0);
    p.width = 512; /* assigned but not marked: must not be sent */
    char *json = NULL;
    assert_int_equal(genapi_txt2img_params_to_json(&p, &json, NULL), GENAPI_OK);
    json_object *o = json_tokener_parse(json), *v;
    assert_true(json_object_object_get_ex(o, "cfg_scale", &v));
    assert_true(json_object_get_double(v) == 0.0);
    assert_true(json_object_object_get_ex(o, "seed", &v));
    assert_int_equal(json_object_get_int64(v), 0);
    assert_true(json_object_object_get_ex(o, "detailer_enabled", &v));
    assert_true(json_object_is_type(v, json_type_boolean));
    assert_false(json_object_object_get_ex(o, "width", NULL));
    assert_int_equal(json_object_object_length(o), 5);
    json_object_put(o);
    genapi_free(NULL, json);
    genapi_txt2img_params_mark(&p, GENAPI_TXT2IMG_PARAM_cfg_scale, 0);
    assert_int_equal(genapi_txt2img_params_to_json(&p, &json, NULL), GENAPI_OK);
    assert_null(strstr(json, "cfg_scale"));
    genapi_free(NULL, json);

    genapi_upscale_params u = GENAPI_UPSCALE_PARAMS_INIT;
    GENAPI_UPSCALE_SET(&u, image, PNG_B64);
    GENAPI_UPSCALE_SET(&u, resize_mode, 0);
    assert_int_equal(genapi_upscale_params_to_json(&u, &json, NULL), GENAPI_OK);
    assert_string_equal(json, "{\"image\":\"" PNG_B64 "\",\"resize_mode\":0}");
    genapi_free(NULL, json);
}

static void test_set_text_parses_every_kind(void **state)
{
    (void)state;
    genapi_error err;
    genapi_txt2img_params t;
    genapi_txt2img_params_init(&t, sizeof t);
    assert_int_equal(genapi_txt2img_params_set_text(&t, "sd_model_checkpoint", "model-a", &err), GENAPI_OK);
    assert_int_equal(genapi_txt2img_params_set_text(&t, "prompt", "a cat, 4k", &err), GENAPI_OK);
    assert_string_equal(t.prompt, "a cat, 4k");
    assert_int_equal(genapi_txt2img_params_set_text(&t, "width", "768", &err), GENAPI_OK);
    assert_int_equal(t.width, 768);
    assert_int_equal(genapi_txt2img_params_set_text(&t, "seed", "-1", &err), GENAPI_OK);
    assert_int_equal(t.seed, -1);
    assert_int_equal(genapi_txt2img_params_set_text(&t, "cfg_scale", "7.5", &err), GENAPI_OK);
    assert_true(t.cfg_scale == 7.5);
    assert_int_equal(genapi_txt2img_params_set_text(&t, "detailer_enabled", "true", &err), GENAPI_OK);
    assert_int_equal(t.detailer_enabled, 1);
    assert_int_equal(genapi_txt2img_params_set_text(&t, "sampler_name", "Euler a", &err), GENAPI_OK);
    assert_string_equal(t.sampler_name, "Euler a");
    assert_int_equal(genapi_txt2img_params_set_text(&t, "schedulers_beta_schedule", "cosine", &err), GENAPI_OK);
    assert_int_equal(t.schedulers_beta_schedule, 3);
    assert_int_equal(genapi_txt2img_params_set_text(&t, "schedulers_sigma", "karras", &err), GENAPI_OK);
    assert_int_equal(t.schedulers_sigma, 1);
    char *json = NULL;
    assert_int_equal(genapi_txt2img_params_to_json(&t, &json, &err), GENAPI_OK);
    assert_non_null(strstr(json, "\"schedulers_beta_schedule\":\"cosine\""));
    assert_non_null(strstr(json, "\"schedulers_sigma\":\"karras\""));
    genapi_free(NULL, json);
    assert_int_equal(genapi_txt2img_params_set_text(&t, "schedulers_sigma", "polyexp", &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "schedulers_sigma");
    assert_int_equal(genapi_txt2img_params_set_text(&t, "steps", "forty", &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "steps");
    assert_int_equal(genapi_txt2img_params_set_text(&t, "init_images", PNG_B64, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "init_images");
    assert_non_null(strstr(err.message, "txt2img"));
    genapi_txt2img_params_clear(&t);
    assert_false(genapi_txt2img_params_is_set(&t, GENAPI_TXT2IMG_PARAM_width));

    genapi_img2img_params i;
    genapi_img2img_params_init(&i, sizeof i);
    assert_int_equal(genapi_img2img_params_set_text(&i, "init_images", PNG_B64, &err), GENAPI_OK);
    assert_int_equal(i.init_images.count, 1);
    assert_string_equal(i.init_images.items[0], PNG_B64);
    assert_int_equal(genapi_img2img_params_set_text(&i, "init_images", "[\"" PNG_B64 "\", \"data:image/png;base64,"
                                                    PNG_B64 "\"]", &err), GENAPI_OK);
    assert_int_equal(i.init_images.count, 2);
    assert_int_equal(genapi_img2img_params_set_text(&i, "inpainting_fill", "2", &err), GENAPI_OK);
    assert_int_equal(i.inpainting_fill, 2);
    assert_int_equal(genapi_img2img_params_set_text(&i, "denoising_strength", "0.35", &err), GENAPI_OK);
    assert_true(i.denoising_strength == 0.35);
    assert_int_equal(genapi_img2img_params_set_text(&i, "inpaint_full_res", "false", &err), GENAPI_OK);
    assert_int_equal(i.inpaint_full_res, 0);
    assert_true(genapi_img2img_params_is_set(&i, GENAPI_IMG2IMG_PARAM_inpaint_full_res));
    genapi_img2img_params_clear(&i);

    genapi_upscale_params u;
    genapi_upscale_params_init(&u, sizeof u);
    assert_int_equal(genapi_upscale_params_set_text(&u, "upscaling_resize", "2.5", &err), GENAPI_OK);
    assert_true(u.upscaling_resize == 2.5);
    assert_int_equal(genapi_upscale_params_set_text(&u, "image", "data:image/png;base64," PNG_B64, &err), GENAPI_OK);
    assert_int_equal(genapi_upscale_params_set_text(&u, "upscaler_1", "R-ESRGAN 4x+", &err), GENAPI_OK);
    assert_int_equal(genapi_upscale_params_validate(&u, &err), GENAPI_OK);
    assert_int_equal(genapi_upscale_params_set_text(&u, "resize_mode", "2", &err), GENAPI_OK);
    assert_int_equal(genapi_upscale_params_validate(&u, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "resize_mode");
    assert_non_null(strstr(err.message, "0|1"));
    genapi_upscale_params_clear(&u);
}

static void test_base64_checks(void **state)
{
    (void)state;
    /* Valid: plain, data URIs of image types, a long one spanning several decode chunks. */
    assert_null(ga_base64_image_problem(PNG_B64));
    assert_null(ga_base64_image_problem("iVBORw0KGg=="));
    assert_null(ga_base64_image_problem("data:image/png;base64," PNG_B64));
    assert_null(ga_base64_image_problem("data:image/jpeg;base64,/9j/4AAQ"));
    size_t big = 3 * 4096 + 12;
    char *long_b64 = malloc(big + 1);
    assert_non_null(long_b64);
    for (size_t i = 0; i < big; i++)
        long_b64[i] = "AB+/"[i % 4];
    long_b64[big] = '\0';
    assert_null(ga_base64_image_problem(long_b64));
    /* Invalid alphabet (including whitespace and URL-safe characters). */
    assert_non_null(ga_base64_image_problem("iVBO$w0KGgo="));
    assert_non_null(ga_base64_image_problem("iVBO w0KGgo="));
    assert_non_null(ga_base64_image_problem("iVBO-w0KGgo="));
    assert_non_null(ga_base64_image_problem("iVBORw0KGgo=\n"));
    assert_non_null(ga_base64_image_problem("aG\xc2\x80" "bG8=")); /* U+0080: libsodium 1.0.18 takes it */
    assert_non_null(ga_base64_image_problem("aGVsbG8\xff"));
    /* Bad padding: missing, too much, in the middle, in an early chunk. */
    assert_non_null(ga_base64_image_problem("iVBORw0KGgo"));
    assert_non_null(ga_base64_image_problem("iVBORw0KGgo=="));
    assert_non_null(ga_base64_image_problem("iVBO=w0KGgo="));
    assert_non_null(ga_base64_image_problem("===="));
    long_b64[10] = '=';
    long_b64[11] = '=';
    assert_non_null(ga_base64_image_problem(long_b64));
    /* Padding that ends a 4096-character decode chunk: each chunk alone is valid base64 (the
     * decoder sees "...AB==" then a fresh chunk), so only the check for '=' before the last
     * chunk rejects it. At the ends of the first, second and third chunk, and one '=' alone. */
    static const size_t chunk_ends[] = {4096, 2 * 4096, 3 * 4096};
    for (size_t k = 0; k < sizeof chunk_ends / sizeof chunk_ends[0]; k++) {
        for (size_t i = 0; i < big; i++)
            long_b64[i] = "AB+/"[i % 4];
        long_b64[chunk_ends[k] - 3] = 'A'; /* "AA==" decodes to one zero byte: valid padding */
        long_b64[chunk_ends[k] - 2] = '=';
        long_b64[chunk_ends[k] - 1] = '=';
        assert_non_null(ga_base64_image_problem(long_b64));
        long_b64[chunk_ends[k] - 2] = 'A';
        long_b64[chunk_ends[k] - 1] = '='; /* "AAA=" */
        assert_non_null(ga_base64_image_problem(long_b64));
    }
    /* The same padding at the very end is valid: exactly two chunks, then 8192 + 4. */
    for (size_t i = 0; i < big; i++)
        long_b64[i] = "AB+/"[i % 4];
    long_b64[2 * 4096 - 3] = 'A';
    long_b64[2 * 4096 - 2] = '=';
    long_b64[2 * 4096 - 1] = '=';
    long_b64[2 * 4096] = '\0';
    assert_null(ga_base64_image_problem(long_b64));
    memcpy(long_b64 + 2 * 4096 - 4, "AB+/AA==", 9);
    assert_null(ga_base64_image_problem(long_b64));
    free(long_b64);
    /* Enum choices by index: in range, below, above, and a buffer too small for the name. */
    genapi_param_desc ed;
    memset(&ed, 0, sizeof ed);
    ed.kind = GENAPI_PK_ENUM;
    ed.choices = "false|true|never";
    char cbuf[8];
    assert_string_equal(ga_param_choice(&ed, 0, cbuf, sizeof cbuf), "false");
    assert_string_equal(ga_param_choice(&ed, 2, cbuf, sizeof cbuf), "never");
    assert_null(ga_param_choice(&ed, -1, cbuf, sizeof cbuf));
    assert_null(ga_param_choice(&ed, 3, cbuf, sizeof cbuf));
    assert_null(ga_param_choice(&ed, 2, cbuf, 5)); /* "never" needs 6 bytes */
    ed.choices = NULL;
    assert_null(ga_param_choice(&ed, 0, cbuf, sizeof cbuf));
    /* Empty, and data URIs the servers do not strip. */
    assert_non_null(ga_base64_image_problem(""));
    assert_non_null(ga_base64_image_problem("data:image/png;base64,"));
    assert_non_null(ga_base64_image_problem("data:application/octet-stream;base64," PNG_B64));
    assert_non_null(ga_base64_image_problem("data:image/png," PNG_B64));
    assert_non_null(ga_base64_image_problem("data:image/;png;base64," PNG_B64)); /* empty type */
    assert_null(ga_base64_image_problem("data:image/x;base64," PNG_B64));       /* one-letter type */
    assert_non_null(ga_base64_image_problem("base64," PNG_B64));
    assert_non_null(ga_base64_image_problem("https://example.com/cat.png"));

    /* Through validate: the field is named, with the item index for lists. */
    genapi_error err;
    genapi_upscale_params u = GENAPI_UPSCALE_PARAMS_INIT;
    GENAPI_UPSCALE_SET(&u, image, "iVBO$w0KGgo=");
    assert_int_equal(genapi_upscale_params_validate(&u, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "image");
    assert_non_null(strstr(err.message, "base64"));
    GENAPI_UPSCALE_SET(&u, image, "");
    assert_int_equal(genapi_upscale_params_validate(&u, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "image");
    GENAPI_UPSCALE_SET(&u, image, "data:image/webp;base64,UklGRg==");
    assert_int_equal(genapi_upscale_params_validate(&u, &err), GENAPI_OK);

    static const char *const second_bad[] = {PNG_B64, "iVBORw0KGgo"};
    genapi_img2img_params p = GENAPI_IMG2IMG_PARAMS_INIT;
    GENAPI_IMG2IMG_SET(&p, sd_model_checkpoint, "m");
    GENAPI_IMG2IMG_SET(&p, prompt, "p");
    GENAPI_IMG2IMG_SET(&p, batch_size, 2);
    GENAPI_IMG2IMG_SET(&p, init_images, ((genapi_strlist){second_bad, 2}));
    assert_int_equal(genapi_img2img_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "init_images");
    assert_non_null(strstr(err.message, "init_images[1]"));
    GENAPI_IMG2IMG_SET(&p, init_images, ((genapi_strlist){second_bad, 1}));
    GENAPI_IMG2IMG_SET(&p, mask, "data:image/png;base64,");
    assert_int_equal(genapi_img2img_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "mask");
    GENAPI_IMG2IMG_SET(&p, mask, PNG_B64);
    assert_int_equal(genapi_img2img_params_validate(&p, &err), GENAPI_OK);
}

static void test_cross_parameter_rules(void **state)
{
    (void)state;
    genapi_error err;
    /* Required fields, each named. */
    genapi_txt2img_params t = GENAPI_TXT2IMG_PARAMS_INIT;
    GENAPI_TXT2IMG_SET(&t, prompt, "p");
    assert_int_equal(genapi_txt2img_params_validate(&t, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "sd_model_checkpoint");
    GENAPI_TXT2IMG_SET(&t, sd_model_checkpoint, "m");
    genapi_txt2img_params_mark(&t, GENAPI_TXT2IMG_PARAM_prompt, 0);
    assert_int_equal(genapi_txt2img_params_validate(&t, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "prompt");
    /* An empty prompt is a prompt (the servers generate from it); an empty checkpoint is not one. */
    GENAPI_TXT2IMG_SET(&t, prompt, "");
    assert_int_equal(genapi_txt2img_params_validate(&t, &err), GENAPI_OK);
    GENAPI_TXT2IMG_SET(&t, sd_model_checkpoint, "");
    assert_int_equal(genapi_txt2img_params_validate(&t, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "sd_model_checkpoint");
    GENAPI_TXT2IMG_SET(&t, sd_model_checkpoint, "m");
    GENAPI_TXT2IMG_SET(&t, prompt, "p");
    assert_int_equal(genapi_txt2img_params_validate(&t, &err), GENAPI_OK);
    /* The sigma adjust window must not be empty. */
    GENAPI_TXT2IMG_SET(&t, schedulers_sigma_adjust_min, 0.7);
    GENAPI_TXT2IMG_SET(&t, schedulers_sigma_adjust_max, 0.3);
    assert_int_equal(genapi_txt2img_params_validate(&t, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "schedulers_sigma_adjust_min");
    GENAPI_TXT2IMG_SET(&t, schedulers_sigma_adjust_max, 0.7);
    assert_int_equal(genapi_txt2img_params_validate(&t, &err), GENAPI_OK);
    /* Boundaries given by the spec are inclusive. */
    GENAPI_TXT2IMG_SET(&t, width, 4096);
    GENAPI_TXT2IMG_SET(&t, height, 64);
    GENAPI_TXT2IMG_SET(&t, detailer_iou, 1.0);
    GENAPI_TXT2IMG_SET(&t, detailer_conf, 0.0);
    assert_int_equal(genapi_txt2img_params_validate(&t, &err), GENAPI_OK);
    GENAPI_TXT2IMG_SET(&t, width, 4097);
    assert_int_equal(genapi_txt2img_params_validate(&t, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "width");
    assert_non_null(strstr(err.message, "[64, 4096]"));

    /* img2img: init_images required, non-empty, and at most batch_size of them. */
    static const char *const two[] = {PNG_B64, PNG_B64};
    genapi_img2img_params i = GENAPI_IMG2IMG_PARAMS_INIT;
    GENAPI_IMG2IMG_SET(&i, sd_model_checkpoint, "m");
    GENAPI_IMG2IMG_SET(&i, prompt, "p");
    assert_int_equal(genapi_img2img_params_validate(&i, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "init_images");
    GENAPI_IMG2IMG_SET(&i, init_images, ((genapi_strlist){two, 0}));
    assert_int_equal(genapi_img2img_params_validate(&i, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "init_images");
    GENAPI_IMG2IMG_SET(&i, init_images, ((genapi_strlist){two, 2}));
    assert_int_equal(genapi_img2img_params_validate(&i, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "init_images");
    assert_non_null(strstr(err.message, "batch_size"));
    GENAPI_IMG2IMG_SET(&i, batch_size, 2);
    assert_int_equal(genapi_img2img_params_validate(&i, &err), GENAPI_OK);
    GENAPI_IMG2IMG_SET(&i, schedulers_sigma_adjust_min, 0.9);
    GENAPI_IMG2IMG_SET(&i, schedulers_sigma_adjust_max, 0.1);
    assert_int_equal(genapi_img2img_params_validate(&i, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "schedulers_sigma_adjust_min");

    /* upscale: image required; upscaling_resize in [1, 8] as SD.Next requires. */
    genapi_upscale_params u = GENAPI_UPSCALE_PARAMS_INIT;
    GENAPI_UPSCALE_SET(&u, upscaling_resize, 2.0);
    assert_int_equal(genapi_upscale_params_validate(&u, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "image");
    GENAPI_UPSCALE_SET(&u, image, PNG_B64);
    GENAPI_UPSCALE_SET(&u, upscaling_resize, 8.0);
    assert_int_equal(genapi_upscale_params_validate(&u, &err), GENAPI_OK);
    GENAPI_UPSCALE_SET(&u, upscaling_resize, 0.5);
    assert_int_equal(genapi_upscale_params_validate(&u, &err), GENAPI_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "[1, 8]"));
}

static void test_from_json_ignores_unknown_and_null(void **state)
{
    (void)state;
    genapi_img2img_params p;
    genapi_img2img_params_init(&p, sizeof p);
    genapi_error err;
    assert_int_equal(genapi_img2img_params_from_json(&p,
                                                     "{\"sd_model_checkpoint\": \"m\", \"prompt\": \"p\", "
                                                     "\"init_images\": [\"" PNG_B64 "\"], \"mask\": null, "
                                                     "\"override_settings\": {}, \"schedulers_sigma\": \"flowmatch\"}",
                                                     &err),
                     GENAPI_OK);
    assert_false(genapi_img2img_params_is_set(&p, GENAPI_IMG2IMG_PARAM_mask));
    assert_int_equal(p.schedulers_sigma, 5);
    assert_int_equal(genapi_img2img_params_validate(&p, &err), GENAPI_OK);
    genapi_img2img_params_clear(&p);
    assert_int_equal(genapi_img2img_params_from_json(&p, "[1]", &err), GENAPI_E_INVALID_ARG);
    assert_int_equal(genapi_img2img_params_from_json(&p, "{", &err), GENAPI_E_PARSE);
    genapi_img2img_params_clear(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_have_every_seed_row),
        cmocka_unit_test(test_struct_layout_matches_text_header),
        cmocka_unit_test(test_every_param_round_trips),
        cmocka_unit_test(test_every_param_rejected_when_invalid),
        cmocka_unit_test(test_every_param_wrong_type_refused_by_parser),
        cmocka_unit_test(test_unset_is_not_sent_and_zero_is),
        cmocka_unit_test(test_set_text_parses_every_kind),
        cmocka_unit_test(test_base64_checks),
        cmocka_unit_test(test_cross_parameter_rules),
        cmocka_unit_test(test_from_json_ignores_unknown_and_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
