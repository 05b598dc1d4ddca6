/* Reading an image request and the error answers of the image routes (image_request.c). */
#ifndef GENAPI_SERVER_IMAGE_REQUEST_H
#define GENAPI_SERVER_IMAGE_REQUEST_H

#include <json-c/json.h>

#include "engine/image/image_engine.h"
#include "params/param_internal.h"
#include "server/backend_internal.h"

/* FastAPI's 422 {"detail": [{"type", "loc": ["body", param], "msg", "input"}]}; input is taken. */
genapi_status gs_img_detail_error_typed(genapi_backend *b, genapi_http_response *r, const char *type,
                                        const char *param, const char *msg, json_object *input);
/* The same with type "value_error" and no input. */
genapi_status gs_img_detail_error(genapi_backend *b, genapi_http_response *r, const char *param, const char *msg);
/* SD.Next's {"error": "HTTPException", "code", "detail", "body": "", "errors": "CODE: detail"}. */
genapi_status gs_img_webui_error(genapi_backend *b, genapi_http_response *r, int status, const char *detail);
/* Whether m names the one image checkpoint (title, name or file name). */
int gs_img_known_model(const char *m);
/* base64 (optionally a data: URI) -> decoded image; 0 and a 500 "Invalid encoded image" written
 * when it is not one, or has more than GS_LIMIT_INPUT_PIXELS pixels. */
int gs_img_decode_b64(genapi_backend *b, const char *text, gi_image *out, genapi_http_response *r);
/* Numbers sent as strings taken, then parse + validate with a table (webui: the hosted API's
 * own required rows may be unset); 0 and a 422 written on failure. */
int gs_img_parse_params(genapi_backend *b, const ga_param_table *t, void *p, json_object *root, int webui,
                        genapi_http_response *r);

#endif
