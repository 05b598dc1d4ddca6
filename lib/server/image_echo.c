/* The "parameters" echo of txt2img and img2img: SD.Next builds its request models from the
 * processing class's constructor, so its answer echoes every field, each with its default when
 * the request did not send it. The fields and defaults below are those of an SD.Next answer
 * (tests/data/sdnext/txt2img_parameters.json), plus the fields of the image parameter tables
 * SD.Next reads from its options (null: the option's value is used). */
#include <string.h>

#include "server/image_echo.h"

enum { T = 1, I = 2, B = 3 }; /* txt2img, img2img, both */

static const struct {
    const char *key;
    int kinds;
    const char *def; /* JSON text */
} FIELDS[] = {
    {"sd_model_checkpoint", B, "null"},
    {"prompt", B, "\"\""},
    {"negative_prompt", B, "\"\""},
    {"styles", B, "[]"},
    {"seed", B, "-1"},
    {"subseed", B, "-1"},
    {"subseed_strength", B, "0"},
    {"seed_resize_from_h", B, "-1"},
    {"seed_resize_from_w", B, "-1"},
    {"sampler_name", T, "\"Default\""},
    {"sampler_name", I, "\"UniPC\""},
    {"hr_sampler_name", B, "\"Same as primary\""},
    {"batch_size", B, "1"},
    {"n_iter", B, "1"},
    {"steps", B, "20"},
    {"clip_skip", B, "1"},
    {"width", B, "1024"},
    {"height", B, "1024"},
    {"full_quality", B, "true"},
    {"restore_faces", B, "false"},
    {"tiling", B, "false"},
    {"hidiffusion", B, "false"},
    {"do_not_save_samples", B, "true"},
    {"do_not_save_grid", B, "true"},
    {"eta", B, "null"},
    {"cfg_scale", B, "6.0"},
    {"cfg_end", B, "1.0"},
    {"diffusers_guidance_rescale", B, "0.0"},
    {"pag_scale", B, "0.0"},
    {"pag_adaptive", B, "0.5"},
    {"image_cfg_scale", B, "null"},
    {"denoising_strength", T, "0.3"},
    {"denoising_strength", I, "0.5"},
    {"init_images", I, "null"},
    {"resize_mode", I, "0"},
    {"resize_name", I, "\"None\""},
    {"resize_context", I, "\"None\""},
    {"scale_by", I, "1.0"},
    {"mask", I, "null"},
    {"mask_blur", I, "4"},
    {"inpainting_fill", I, "1"},
    {"inpaint_full_res", I, "false"},
    {"inpaint_full_res_padding", I, "0"},
    {"inpainting_mask_invert", I, "0"},
    {"initial_noise_multiplier", I, "null"},
    {"override_settings", B, "{}"},
    {"override_settings_restore_afterwards", B, "true"},
    {"enable_hr", B, "false"},
    {"hr_scale", B, "2.0"},
    {"hr_upscaler", B, "null"},
    {"hr_second_pass_steps", B, "0"},
    {"hr_resize_x", B, "0"},
    {"hr_resize_y", B, "0"},
    {"hr_denoising_strength", B, "0.0"},
    {"refiner_steps", B, "5"},
    {"refiner_start", B, "0"},
    {"refiner_prompt", B, "\"\""},
    {"refiner_negative", B, "\"\""},
    {"detailer_enabled", B, "false"},
    {"detailer_prompt", B, "\"\""},
    {"detailer_negative", B, "\"\""},
    {"detailer_steps", B, "10"},
    {"detailer_strength", B, "0.3"},
    {"detailer_model", B, "null"},
    {"detailer_classes", B, "null"},
    {"detailer_conf", B, "null"},
    {"detailer_max", B, "null"},
    {"detailer_iou", B, "null"},
    {"detailer_padding", B, "null"},
    {"detailer_blur", B, "null"},
    {"detailer_merge", B, "null"},
    {"schedulers_rescale_betas", B, "null"},
    {"schedulers_use_thresholding", B, "null"},
    {"schedulers_sigma", B, "null"},
    {"schedulers_beta_schedule", B, "null"},
    {"scheduler_eta", B, "null"},
    {"schedulers_solver_order", B, "null"},
    {"schedulers_beta_start", B, "null"},
    {"schedulers_beta_end", B, "null"},
    {"schedulers_timesteps_range", B, "null"},
    {"schedulers_shift", B, "null"},
    {"schedulers_sigma_adjust", B, "null"},
    {"schedulers_sigma_adjust_min", B, "null"},
    {"schedulers_sigma_adjust_max", B, "null"},
    {"vae_type", B, "\"Full\""},
    {"include_init_images", I, "false"},
    {"script_name", B, "\"\""},
    {"script_args", B, "[]"},
    {"alwayson_scripts", B, "{}"},
    {"send_images", B, "true"},
    {"save_images", B, "false"},
    {"extra", B, "{}"},
};

json_object *gs_image_echo(json_object *request, int img2img)
{
    json_object *o = json_object_new_object(), *v = NULL;
    if (o == NULL)
        return NULL;
    int kind = img2img ? I : T;
    int include = img2img && json_object_object_get_ex(request, "include_init_images", &v) &&
                  json_object_get_boolean(v);
    int save = json_object_object_get_ex(request, "save_images", &v) && json_object_get_boolean(v);
    for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++) {
        if (!(FIELDS[i].kinds & kind))
            continue;
        const char *k = FIELDS[i].key;
        json_object *val = NULL;
        if ((strcmp(k, "init_images") == 0 || strcmp(k, "mask") == 0) && !include) {
            val = NULL;
        } else if (json_object_object_get_ex(request, k, &v) && v != NULL) {
            val = json_object_get(v);
        } else if (strcmp(k, "do_not_save_samples") == 0 || strcmp(k, "do_not_save_grid") == 0) {
            val = json_object_new_boolean(!save);
        } else {
            val = json_tokener_parse(FIELDS[i].def); /* "null" gives NULL, the JSON null */
        }
        json_object_object_add(o, k, val);
    }
    return o;
}
