/* Reading an image request as SD.Next reads it, and its error answers: FastAPI's 422 in
 * pydantic's shape, SD.Next's HTTPException shape, base64 images decoded as its helpers decode
 * them, numbers sent as strings taken as pydantic's lax mode takes them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "params/param_internal.h"
#include "server/backend_internal.h"
#include "server/image_request.h"
#include "server/limits.h"
#include "util/err.h"

extern const char *const gs_image_model_title;
extern const char *const gs_image_model_name;

genapi_status gs_img_detail_error_typed(genapi_backend *b, genapi_http_response *r, const char *type, const char *param,
                                       const char *msg, json_object *input)
{
    json_object *loc = json_object_new_array(), *item = json_object_new_object(), *list = json_object_new_array();
    json_object_array_add(loc, json_object_new_string("body"));
    if (param && param[0])
        json_object_array_add(loc, json_object_new_string(param));
    json_object_object_add(item, "type", json_object_new_string(type));
    json_object_object_add(item, "loc", loc);
    json_object_object_add(item, "msg", json_object_new_string(msg));
    json_object_object_add(item, "input", input);
    json_object_array_add(list, item);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "detail", list);
    return gs_respond_json(b, r, 422, o);
}

genapi_status gs_img_detail_error(genapi_backend *b, genapi_http_response *r, const char *param, const char *msg)
{
    return gs_img_detail_error_typed(b, r, "value_error", param, msg, NULL);
}

genapi_status gs_img_webui_error(genapi_backend *b, genapi_http_response *r, int status, const char *detail)
{
    char errors[512];
    snprintf(errors, sizeof errors, "%d: %s", status, detail);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "error", json_object_new_string("HTTPException"));
    json_object_object_add(o, "code", json_object_new_int(status));
    json_object_object_add(o, "detail", json_object_new_string(detail));
    json_object_object_add(o, "body", json_object_new_string(""));
    json_object_object_add(o, "errors", json_object_new_string(errors));
    return gs_respond_json(b, r, status, o);
}

int gs_img_known_model(const char *m)
{
    return strcmp(m, gs_image_model_title) == 0 || strcmp(m, gs_image_model_name) == 0 ||
           strcmp(m, "genapi-ref-image.safetensors") == 0;
}

/* base64 (optionally a data: URI) → decoded image (PNG, JPEG or WebP, gi_image_decode); 0 and a
 * 500 written when it is not one, or has more than GS_LIMIT_INPUT_PIXELS pixels. */
int gs_img_decode_b64(genapi_backend *b, const char *text, gi_image *out, genapi_http_response *r)
{
    size_t len = strlen(text);
    if (strncmp(text, "data:", 5) == 0) {
        const char *comma = strchr(text, ',');
        if (comma == NULL) {
            gs_img_webui_error(b, r, 500, "Invalid encoded image");
            return 0;
        }
        len -= (size_t)(comma + 1 - text);
        text = comma + 1;
    }
    size_t cap = len / 4 * 3 + 3, n = 0;
    uint8_t *bytes = ga_malloc(&b->alloc, cap ? cap : 1);
    if (bytes == NULL) {
        gs_respond_nomem(b, r);
        return 0;
    }
    genapi_error err;
    /* Larger inputs are refused from their header, before any pixel is allocated, as an image
     * the servers cannot decode is (PIL's decompression-bomb check on A1111). */
    const gi_decode_limits input_limits = {0, GS_LIMIT_INPUT_PIXELS};
    genapi_status st = GENAPI_E_INVALID_ARG;
    if (sodium_base642bin(bytes, cap, text, len, "\r\n ", &n, NULL, sodium_base64_VARIANT_ORIGINAL) == 0)
        st = gi_image_decode(&b->alloc, bytes, n, &input_limits, out, &err);
    ga_free(&b->alloc, bytes);
    if (st == GENAPI_E_NOMEM)
        gs_respond_nomem(b, r);
    else if (st != GENAPI_OK)
        gs_img_webui_error(b, r, 500, "Invalid encoded image");
    return st == GENAPI_OK;
}

/* Pydantic's lax mode: a number or boolean sent as a string ("1000", " 7.5", "true") is taken
 * as the value it spells; anything else there is its 422 (int_parsing, float_parsing,
 * bool_parsing) naming the field. 0 and the answer written on failure. */
static int coerce_strings(genapi_backend *b, const ga_param_table *t, json_object *root, genapi_http_response *r)
{
    for (size_t i = 0; i < t->count; i++) {
        const genapi_param_desc *d = &t->descs[i];
        json_object *v;
        if ((d->kind != GENAPI_PK_INT && d->kind != GENAPI_PK_DOUBLE && d->kind != GENAPI_PK_BOOL) ||
            !json_object_object_get_ex(root, d->json_name, &v) || !json_object_is_type(v, json_type_string))
            continue;
        const char *txt = json_object_get_string(v);
        while (*txt == ' ')
            txt++;
        char *end = NULL;
        json_object *nv = NULL;
        if (d->kind == GENAPI_PK_BOOL) {
            static const char *const YES[] = {"true", "1", "yes", "on", "y", "t"}, *const NO[] = {"false", "0", "no", "off", "n", "f"};
            for (size_t k = 0; k < 6 && nv == NULL; k++) {
                if (strcasecmp(txt, YES[k]) == 0)
                    nv = json_object_new_boolean(1);
                else if (strcasecmp(txt, NO[k]) == 0)
                    nv = json_object_new_boolean(0);
            }
        } else if (d->kind == GENAPI_PK_INT) {
            long long n = strtoll(txt, &end, 10);
            if (end != txt && *txt && (*end == 0 || *end == ' '))
                nv = json_object_new_int64((int64_t)n);
        } else {
            double x = strtod(txt, &end);
            if (end != txt && *txt && (*end == 0 || *end == ' ') && isfinite(x))
                nv = json_object_new_double(x);
        }
        if (nv == NULL) {
            const char *type = d->kind == GENAPI_PK_INT ? "int_parsing" : d->kind == GENAPI_PK_BOOL ? "bool_parsing"
                                                                                                   : "float_parsing";
            const char *msg = d->kind == GENAPI_PK_INT    ? "Input should be a valid integer, unable to parse string as an integer"
                              : d->kind == GENAPI_PK_BOOL ? "Input should be a valid boolean, unable to interpret input"
                                                          : "Input should be a valid number, unable to parse string as a number";
            gs_img_detail_error_typed(b, r, type, d->json_name, msg, json_object_get(v));
            return 0;
        }
        json_object_object_add(root, d->json_name, nv);
    }
    return 1;
}

/* Parse + validate with a table; 0 and a 422 written on failure. */
int gs_img_parse_params(genapi_backend *b, const ga_param_table *t, void *p, json_object *root, int webui,
                        genapi_http_response *r)
{
    genapi_error err;
    genapi_error_clear(&err);
    if (!coerce_strings(b, t, root, r))
        return 0;
    if (ga_params_from_object(t, p, root, &err) != GENAPI_OK || ga_params_validate_for(t, p, webui, &err) != GENAPI_OK) {
        if (err.status == GENAPI_E_NOMEM)
            gs_respond_nomem(b, r); /* not the 422 of a bad parameter */
        else
            gs_img_detail_error(b, r, err.param, err.message);
        return 0;
    }
    return 1;
}


