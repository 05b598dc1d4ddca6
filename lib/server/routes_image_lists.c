/* Image listings and options of the reference backend, under /v1 and /sdapi/v1 (same bodies):
 * models (sd-models / models/image-models), samplers, upscalers, options, parallel-requests. */
#include <string.h>

#include "engine/image/image_engine.h"
#include "server/backend_internal.h"

/* The one image checkpoint the reference engine serves. */
const char *const gs_image_model_title = "genapi-ref-image.safetensors [0c7a5e1f42]";
const char *const gs_image_model_name = "genapi-ref-image";
const char *const gs_image_model_hash = "0c7a5e1f42";

static genapi_status models(genapi_backend *b, genapi_http_response *r)
{
    json_object *a = json_object_new_array(), *m = json_object_new_object();
    json_object_object_add(m, "title", json_object_new_string(gs_image_model_title));
    json_object_object_add(m, "model_name", json_object_new_string(gs_image_model_name));
    json_object_object_add(m, "hash", json_object_new_string(gs_image_model_hash));
    json_object_object_add(m, "sha256", NULL);
    json_object_object_add(m, "filename", json_object_new_string("genapi-ref-image.safetensors"));
    json_object_object_add(m, "config", NULL);
    json_object_object_add(m, "type", json_object_new_string("safetensors"));
    json_object_array_add(a, m);
    return gs_respond_json(b, r, 200, a);
}

static genapi_status samplers(genapi_backend *b, genapi_http_response *r)
{
    json_object *a = json_object_new_array();
    for (const char *const *n = gi_sampler_names(); *n; n++) {
        json_object *s = json_object_new_object();
        json_object_object_add(s, "name", json_object_new_string(*n));
        json_object_object_add(s, "aliases", json_object_new_array());
        json_object_object_add(s, "options", json_object_new_object());
        json_object_array_add(a, s);
    }
    return gs_respond_json(b, r, 200, a);
}

static genapi_status upscalers(genapi_backend *b, genapi_http_response *r)
{
    json_object *a = json_object_new_array();
    for (const char *const *n = gi_upscaler_names(); *n; n++) {
        json_object *s = json_object_new_object();
        int model = strcmp(*n, "None") != 0 && strncmp(*n, "Resize ", 7) != 0;
        json_object_object_add(s, "name", json_object_new_string(*n));
        json_object_object_add(s, "model_name", model ? json_object_new_string(*n) : NULL);
        json_object_object_add(s, "model_path", NULL);
        json_object_object_add(s, "model_url", NULL);
        json_object_object_add(s, "scale", json_object_new_double(4.0));
        json_object_array_add(a, s);
    }
    return gs_respond_json(b, r, 200, a);
}

static genapi_status options(genapi_backend *b, genapi_http_response *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "sd_model_checkpoint", json_object_new_string(gs_image_model_title));
    json_object_object_add(o, "samples_format", json_object_new_string("png"));
    json_object_object_add(o, "CLIP_stop_at_last_layers", json_object_new_int(1));
    json_object_object_add(o, "enable_pnginfo", json_object_new_boolean(1));
    json_object_object_add(o, "return_grid", json_object_new_boolean(0));
    json_object_object_add(o, "initial_noise_multiplier", json_object_new_double(1.0));
    json_object_object_add(o, "upscaler_for_img2img", NULL);
    json_object_object_add(o, "scheduler_eta", json_object_new_double(1.0));
    json_object_object_add(o, "schedulers_sigma", json_object_new_string("default"));
    return gs_respond_json(b, r, 200, o);
}

static genapi_status parallel(genapi_backend *b, genapi_http_response *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "parallel_requests", json_object_new_int64((int64_t)b->parallel));
    return gs_respond_json(b, r, 200, o);
}

int gs_route_image_list(genapi_backend *b, const char *path, genapi_http_response *r, genapi_status *st)
{
    static const struct {
        const char *hosted, *webui;
        genapi_status (*fn)(genapi_backend *, genapi_http_response *);
    } routes[] = {
        {"/v1/models/image-models", "/sdapi/v1/sd-models", models},
        {"/v1/img-samplers", "/sdapi/v1/samplers", samplers},
        {"/v1/upscalers", "/sdapi/v1/upscalers", upscalers},
        {"/v1/img-options", "/sdapi/v1/options", options},
        {"/v1/parallel-requests", "/sdapi/v1/parallel-requests", parallel},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(path, routes[i].hosted) == 0 || (routes[i].webui && strcmp(path, routes[i].webui) == 0)) {
            *st = routes[i].fn(b, r);
            return 1;
        }
    return 0;
}
