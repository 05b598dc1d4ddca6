/* The image parameter descriptors (txt2img, img2img, upscale), expanded from the tables in
 * image_params.h, their cross-parameter rules and the public functions (thin wrappers over the
 * generic ones in param_table.c / param_json.c). */
#include <stddef.h>

#include "params/param_internal.h"
#include "util/err.h"

#define GA_TXT2IMG_DESC(nm, kind, fl, lo, hi, ch, def, srv, dc) \
    GA_DESC_OF(genapi_txt2img_params, TXT2IMG, nm, kind, fl, lo, hi, ch, def, srv, dc)
#define GA_IMG2IMG_DESC(nm, kind, fl, lo, hi, ch, def, srv, dc) \
    GA_DESC_OF(genapi_img2img_params, IMG2IMG, nm, kind, fl, lo, hi, ch, def, srv, dc)
#define GA_UPSCALE_DESC(nm, kind, fl, lo, hi, ch, def, srv, dc) \
    GA_DESC_OF(genapi_upscale_params, UPSCALE, nm, kind, fl, lo, hi, ch, def, srv, dc)

static const genapi_param_desc txt2img_descs[] = {GENAPI_TXT2IMG_PARAMS(GA_TXT2IMG_DESC)};
static const genapi_param_desc img2img_descs[] = {GENAPI_IMG2IMG_PARAMS(GA_IMG2IMG_DESC)};
static const genapi_param_desc upscale_descs[] = {GENAPI_UPSCALE_PARAMS(GA_UPSCALE_DESC)};

_Static_assert(sizeof txt2img_descs / sizeof txt2img_descs[0] == GENAPI_TXT2IMG_PARAM_COUNT, "table size");
_Static_assert(sizeof img2img_descs / sizeof img2img_descs[0] == GENAPI_IMG2IMG_PARAM_COUNT, "table size");
_Static_assert(sizeof upscale_descs / sizeof upscale_descs[0] == GENAPI_UPSCALE_PARAM_COUNT, "table size");

/* SD.Next applies the sigma adjustment while min < t < max: an empty window is a mistake.
 * Shared by txt2img and img2img, whose structs have the same scheduler fields. */
#define SIGMA_WINDOW_RULE(t, K, p)                                                                           \
    if (IS(t, K, p, schedulers_sigma_adjust_min) && IS(t, K, p, schedulers_sigma_adjust_max) &&              \
        (p)->schedulers_sigma_adjust_min > (p)->schedulers_sigma_adjust_max)                                 \
        return ga_err(err, GENAPI_E_INVALID_ARG, "schedulers_sigma_adjust_min",                              \
                      "schedulers_sigma_adjust_min must be less than or equal to "                            \
                      "schedulers_sigma_adjust_max=%g, got %g.",                                               \
                      (p)->schedulers_sigma_adjust_max, (p)->schedulers_sigma_adjust_min);

#define IS(t, K, p, f) ga_param_is_set(&(t), (p), (size_t)GENAPI_##K##_PARAM_##f)

static genapi_status txt2img_cross_check(const void *s, genapi_error *err)
{
    const genapi_txt2img_params *p = s;
    SIGMA_WINDOW_RULE(ga_txt2img_table, TXT2IMG, p)
    return GENAPI_OK;
}

static genapi_status img2img_cross_check(const void *s, genapi_error *err)
{
    const genapi_img2img_params *p = s;
    /* A1111 repeats one init image over the batch, shrinks the batch to k <= batch_size images,
     * and fails with "bad number of images passed" (HTTP 500) for more. */
    int64_t batch = IS(ga_img2img_table, IMG2IMG, p, batch_size) ? p->batch_size : 1;
    if ((int64_t)p->init_images.count > batch)
        return ga_err(err, GENAPI_E_INVALID_ARG, "init_images",
                      "init_images has %zu images but batch_size is %lld; send at most batch_size images.",
                      p->init_images.count, (long long)batch);
    SIGMA_WINDOW_RULE(ga_img2img_table, IMG2IMG, p)
    return GENAPI_OK;
}

#undef IS

const ga_param_table ga_txt2img_table = GA_PARAM_TABLE(genapi_txt2img_params, "txt2img", txt2img_descs,
                                                       GENAPI_TXT2IMG_PARAM_COUNT, txt2img_cross_check);
const ga_param_table ga_img2img_table = GA_PARAM_TABLE(genapi_img2img_params, "img2img", img2img_descs,
                                                       GENAPI_IMG2IMG_PARAM_COUNT, img2img_cross_check);
const ga_param_table ga_upscale_table =
    GA_PARAM_TABLE(genapi_upscale_params, "upscale", upscale_descs, GENAPI_UPSCALE_PARAM_COUNT, NULL);

GA_DEFINE_PARAMS_API(txt2img, TXT2IMG, ga_txt2img_table);
GA_DEFINE_PARAMS_API(img2img, IMG2IMG, ga_img2img_table);
GA_DEFINE_PARAMS_API(upscale, UPSCALE, ga_upscale_table);
