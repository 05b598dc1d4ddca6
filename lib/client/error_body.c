/* HTTP error responses -> genapi_error. Understands every error body shape the servers send:
 * nested {"error": {...}}, flat {"object": "error", ...}, {"error": "text"}, AUTOMATIC1111 /
 * SD.Next {"error", "detail", "body", "errors"[, "code"]}, FastAPI {"detail": "text" | [...]},
 * a bare JSON string, and non-JSON bodies from proxies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "util/json_typed.h"
#include "util/err.h"

static genapi_status status_for_http(int http)
{
    if (http == 400 || http == 422)
        return GENAPI_E_BAD_REQUEST;
    if (http == 401 || http == 403)
        return GENAPI_E_AUTH;
    if (http == 404)
        return GENAPI_E_NOT_FOUND;
    if (http == 429)
        return GENAPI_E_RATE_LIMITED;
    if (http >= 500)
        return GENAPI_E_SERVER;
    return GENAPI_E_HTTP;
}

static const char *str_of(json_object *o, const char *key)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

/* Copy s into dst with invalid UTF-8 replaced by U+FFFD (as in every result text). */
static void set_text(char *dst, size_t cap, const char *s, int32_t *truncated)
{
    if (s == NULL)
        return;
    size_t len = strlen(s), take = len < GENAPI_ERROR_MESSAGE_MAX ? len : GENAPI_ERROR_MESSAGE_MAX;
    char fixed[3 * GENAPI_ERROR_MESSAGE_MAX];
    int cut;
    if (ga_utf8_valid(s, len)) {
        cut = ga_copy_field(dst, cap, s, len);
    } else {
        ga_utf8_repair(s, take, fixed);
        cut = ga_copy_field(dst, cap, fixed, ga_utf8_repaired_len(s, take)) || take < len;
    }
    if (truncated && cut)
        *truncated = 1;
}

static void set_code(genapi_error *err, json_object *o)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, "code", &v)) {
        if (json_object_is_type(v, json_type_int))
            err->server_code = json_object_get_int(v);
        else if (json_object_is_type(v, json_type_string))
            err->server_code = atoi(json_object_get_string(v));
    }
}

static void set_param(genapi_error *err, json_object *o)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, "param", &v) && v) {
        if (json_object_is_type(v, json_type_string))
            set_text(err->param, sizeof err->param, json_object_get_string(v), NULL);
    }
}

static int64_t retry_after_ms(const char *v)
{
    if (v == NULL || v[0] == '\0')
        return -1;
    char *end;
    double secs = strtod(v, &end);
    if (end != v && *end == '\0' && secs >= 0) {
        /* Clamp before converting: "1e300" or "inf" must not overflow an integer. */
        if (!(secs <= 86400.0 * 365))
            secs = 86400.0 * 365;
        return (int64_t)(secs * 1000.0);
    }
    time_t when = curl_getdate(v, NULL);
    if (when < 0)
        return -1;
    time_t now = time(NULL);
    int64_t secs_left = when > now ? (int64_t)(when - now) : 0;
    return (secs_left > 86400 * 365 ? 86400 * 365 : secs_left) * 1000;
}

static void parse_body(json_object *root, genapi_error *err)
{
    if (json_object_is_type(root, json_type_string)) {
        set_text(err->message, sizeof err->message, json_object_get_string(root), &err->message_truncated);
        return;
    }
    if (!json_object_is_type(root, json_type_object))
        return;
    json_object *e, *detail;
    if (json_object_object_get_ex(root, "error", &e) && json_object_is_type(e, json_type_object)) {
        set_text(err->message, sizeof err->message, str_of(e, "message"), &err->message_truncated);
        set_text(err->type, sizeof err->type, str_of(e, "type"), NULL);
        set_param(err, e);
        set_code(err, e);
        return;
    }
    const char *obj = str_of(root, "object");
    if (obj && strcmp(obj, "error") == 0) {
        set_text(err->message, sizeof err->message, str_of(root, "message"), &err->message_truncated);
        set_text(err->type, sizeof err->type, str_of(root, "type"), NULL);
        set_param(err, root);
        set_code(err, root);
        return;
    }
    if (json_object_object_get_ex(root, "error", &e) && json_object_is_type(e, json_type_string)) {
        int webui = json_object_object_get_ex(root, "detail", NULL) || json_object_object_get_ex(root, "errors", NULL) ||
                    json_object_object_get_ex(root, "body", NULL);
        if (!webui) {
            set_text(err->message, sizeof err->message, json_object_get_string(e), &err->message_truncated);
            return;
        }
        const char *d = str_of(root, "detail"), *es = str_of(root, "errors");
        const char *msg = d && d[0] ? d : es && es[0] ? es : json_object_get_string(e);
        set_text(err->message, sizeof err->message, msg, &err->message_truncated);
        set_text(err->type, sizeof err->type, json_object_get_string(e), NULL);
        set_code(err, root);
        return;
    }
    if (json_object_object_get_ex(root, "detail", &detail)) {
        if (json_object_is_type(detail, json_type_string)) {
            set_text(err->message, sizeof err->message, json_object_get_string(detail), &err->message_truncated);
        } else if (json_object_is_type(detail, json_type_array) && json_object_array_length(detail) > 0) {
            json_object *first = json_object_array_get_idx(detail, 0), *loc;
            set_text(err->message, sizeof err->message, str_of(first, "msg"), &err->message_truncated);
            set_text(err->type, sizeof err->type, str_of(first, "type"), NULL);
            if (json_object_object_get_ex(first, "loc", &loc) && json_object_is_type(loc, json_type_array) &&
                json_object_array_length(loc) > 0) {
                json_object *last = json_object_array_get_idx(loc, json_object_array_length(loc) - 1);
                set_text(err->param, sizeof err->param, json_object_get_string(last), NULL);
            }
        }
    }
}

genapi_status gc_error_from_response(const gt_response *resp, genapi_error *err)
{
    genapi_status st = status_for_http(resp->status);
    if (err == NULL)
        return st;
    genapi_error_clear(err);
    err->status = st;
    err->http_status = resp->status;
    err->retry_after_ms = retry_after_ms(resp->retry_after);
    set_text(err->request_id, sizeof err->request_id, resp->request_id, NULL);
    json_object *root = resp->body ? ga_json_parse(resp->body, resp->body_len) : NULL;
    int was_json = root != NULL;
    if (root)
        parse_body(root, err);
    json_object_put(root);
    if (resp->status >= 300 && resp->status < 400) {
        /* Redirects are not followed (a key must not travel to another host): say where to. */
        char msg[400];
        snprintf(msg, sizeof msg, "HTTP %d redirect to '%s'; redirects are not followed, use that URL as base_url",
                 resp->status, resp->location[0] ? resp->location : "(no Location header)");
        set_text(err->message, sizeof err->message, msg, NULL);
    } else if (err->message[0] == '\0') {
        /* No message in the body (proxy page, empty body): say what happened. */
        char msg[160];
        snprintf(msg, sizeof msg, "HTTP %d from the server (%s)", resp->status,
                 was_json ? "no message in the error body" : "non-JSON body");
        set_text(err->message, sizeof err->message, msg, NULL);
    }
    return st;
}
