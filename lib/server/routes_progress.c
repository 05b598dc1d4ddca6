/* GET /sdapi/v1/progress: the running image job in the WebUI shape. */
#include "server/backend_internal.h"

genapi_status gs_handle_progress(genapi_backend *b, const char *query, genapi_http_response *r)
{
    (void)query;
    json_object *state = json_object_new_object();
    json_object_object_add(state, "skipped", json_object_new_boolean(0));
    json_object_object_add(state, "interrupted", json_object_new_boolean(0));
    json_object_object_add(state, "job", json_object_new_string(""));
    json_object_object_add(state, "job_count", json_object_new_int(0));
    json_object_object_add(state, "job_timestamp", json_object_new_string("0"));
    json_object_object_add(state, "job_no", json_object_new_int(0));
    json_object_object_add(state, "sampling_step", json_object_new_int(0));
    json_object_object_add(state, "sampling_steps", json_object_new_int(0));
    json_object *o = json_object_new_object();
    json_object_object_add(o, "progress", json_object_new_double(0));
    json_object_object_add(o, "eta_relative", json_object_new_double(0));
    json_object_object_add(o, "state", state);
    json_object_object_add(o, "current_image", NULL);
    json_object_object_add(o, "textinfo", NULL);
    return gs_respond_json(b, r, 200, o);
}
