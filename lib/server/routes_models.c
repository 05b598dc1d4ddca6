/* GET /v1/models/textgen-models (and /v1/models): the OpenAI list shape. */
#include <time.h>

#include "server/backend_internal.h"

genapi_status gs_handle_textgen_models(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r)
{
    (void)req;
    json_object *data = json_object_new_array();
    for (size_t i = 0; i < gs_model_count; i++) {
        json_object *m = json_object_new_object();
        json_object_object_add(m, "id", json_object_new_string(gs_models[i].id));
        json_object_object_add(m, "object", json_object_new_string("model"));
        json_object_object_add(m, "created", json_object_new_int64((int64_t)time(NULL)));
        json_object_object_add(m, "owned_by", json_object_new_string("genapi"));
        json_object_object_add(m, "root", json_object_new_string(gs_models[i].parent ? gs_models[i].parent : gs_models[i].id));
        json_object_object_add(m, "parent", gs_models[i].parent ? json_object_new_string(gs_models[i].parent) : NULL);
        json_object_object_add(m, "max_model_len", json_object_new_int64((int64_t)b->text->max_model_len));
        json_object_object_add(m, "engine", json_object_new_string("genapi-reference"));
        json_object_array_add(data, m);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "object", json_object_new_string("list"));
    json_object_object_add(o, "data", data);
    return gs_respond_json(b, r, 200, o);
}
