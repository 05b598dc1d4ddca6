/* GET /sdapi/v1/progress: the running image job in the WebUI shape (ProgressResponse):
 *   {"progress", "eta_relative", "state": {"skipped", "interrupted", "job", "job_count",
 *    "job_timestamp", "job_no", "sampling_step", "sampling_steps"}, "current_image", "textinfo"}
 * progress = 0.01 + job_no / job_count + sampling_step / sampling_steps / job_count, at most 1,
 * and eta_relative = elapsed / progress - elapsed, as the WebUI computes them; idle: 0 and 0.
 * The job reported is the most recently started one still running (see progress.h).
 * current_image is a PNG (base64) of the image so far, rows not produced yet transparent, when
 * the query says skip_current_image=false; it is encoded here, at deflate level 1 (a few ms at
 * 512x512). Otherwise it is null. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "engine/image/image_engine.h"
#include "server/backend_internal.h"
#include "server/progress.h"

/* 1 when the query string has skip_current_image set to a false value (FastAPI's booleans). */
static int wants_image(const char *query)
{
    static const char key[] = "skip_current_image=";
    for (const char *q = query; q && *q;) {
        const char *end = strchr(q, '&');
        size_t len = end ? (size_t)(end - q) : strlen(q);
        if (len >= sizeof key - 1 && strncmp(q, key, sizeof key - 1) == 0) {
            const char *v = q + sizeof key - 1;
            size_t vn = len - (sizeof key - 1);
            static const char *const no[] = {"false", "0", "off", "no", "f", "n"};
            for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
                if (vn == strlen(no[i]) && strncasecmp(v, no[i], vn) == 0)
                    return 1;
            return 0;
        }
        q = end ? end + 1 : NULL;
    }
    return 0;
}

/* base64 PNG of the preview, or NULL. */
static json_object *preview_png(genapi_backend *b, const gi_image *img)
{
    gi_png_job *pj = NULL;
    uint8_t *png = NULL;
    size_t len = 0;
    if (gi_png_encode_begin(&b->alloc, img, NULL, 1, &pj, NULL) != GENAPI_OK ||
        gi_png_encode_end(pj, &png, &len, NULL) != GENAPI_OK)
        return NULL;
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = ga_malloc(&b->alloc, cap);
    json_object *s = NULL;
    if (b64) {
        sodium_bin2base64(b64, cap, png, len, sodium_base64_VARIANT_ORIGINAL);
        s = json_object_new_string(b64);
        ga_free(&b->alloc, b64);
    }
    ga_free(&b->alloc, png);
    return s;
}

genapi_status gs_handle_progress(genapi_backend *b, const char *query, genapi_http_response *r)
{
    gs_progress_view v;
    gs_progress_read(b->progress, &v, wants_image(query));
    double progress = 0.0, eta = 0.0;
    if (v.running && v.e.job_count > 0) {
        progress = 0.01 + (double)v.e.job_no / (double)v.e.job_count;
        if (v.e.sampling_steps > 0)
            progress += (double)v.e.sampling_step / (double)v.e.sampling_steps / (double)v.e.job_count;
        if (progress > 1.0)
            progress = 1.0;
        eta = v.elapsed / progress - v.elapsed;
    }
    json_object *state = json_object_new_object();
    json_object_object_add(state, "skipped", json_object_new_boolean(0));
    json_object_object_add(state, "interrupted", json_object_new_boolean(0));
    json_object_object_add(state, "job", json_object_new_string(v.running ? v.e.job : ""));
    json_object_object_add(state, "job_count", json_object_new_int(v.running ? v.e.job_count : 0));
    json_object_object_add(state, "job_timestamp", json_object_new_string(v.running ? v.e.job_timestamp : "0"));
    json_object_object_add(state, "job_no", json_object_new_int(v.running ? v.e.job_no : 0));
    json_object_object_add(state, "sampling_step", json_object_new_int(v.running ? v.e.sampling_step : 0));
    json_object_object_add(state, "sampling_steps", json_object_new_int(v.running ? v.e.sampling_steps : 0));
    json_object *o = json_object_new_object();
    json_object_object_add(o, "progress", json_object_new_double(progress));
    json_object_object_add(o, "eta_relative", json_object_new_double(eta));
    json_object_object_add(o, "state", state);
    json_object_object_add(o, "current_image", v.preview.rgba ? preview_png(b, &v.preview) : NULL);
    json_object_object_add(o, "textinfo",
                           v.running && v.e.textinfo[0] ? json_object_new_string(v.e.textinfo) : NULL);
    gi_image_free(&b->alloc, &v.preview);
    return gs_respond_json(b, r, 200, o);
}
