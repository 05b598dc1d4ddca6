/* Streamed chat and text completions: request with stream=true, decode the event stream as it
 * arrives, fold the chunks into the typed result, hand deltas to the caller. */
#include <string.h>

#include <genapi/stream.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "client/json_write.h"
#include "stream/accumulate.h"
#include "util/err.h"

/* The request body with the stream fields added, as text; NULL when out of memory. */
static char *stream_body(genapi_client *c, json_object *body)
{
    json_object_object_add(body, "stream", json_object_new_boolean(1));
    json_object *so = json_object_new_object();
    json_object_object_add(so, "include_usage", json_object_new_boolean(1));
    json_object_object_add(body, "stream_options", so);
    char *text = jw_text(&c->alloc, body);
    json_object_put(body);
    return text;
}

static genapi_status start_stream(genapi_client *c, genapi_status body_st, json_object *body, const gc_kind_ops *ops,
                                  const char *path, gacc_kind kind, const genapi_callbacks *cb, genapi_request **out,
                                  genapi_error *err)
{
    if (body_st != GENAPI_OK)
        return body_st;
    int resolve = (int)gc_defaults_apply(c->defaults, GC_RESOLVE_TEXT, body);
    char *text = stream_body(c, body);
    if (text == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    return gc_start_resolving(c, ops, "POST", path, text, 1 + (int)kind, 0, resolve, cb, out, err);
}

genapi_status genapi_chat_stream_start(genapi_client *c, const genapi_chat_request *req, const genapi_callbacks *cb,
                                       genapi_request **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    json_object *body = NULL;
    genapi_status st = gc_chat_body(req, &body, err);
    return start_stream(c, st, body, &gc_chat_ops, "/v1/chat/completions", GACC_CHAT, cb, out, err);
}

genapi_status genapi_complete_stream_start(genapi_client *c, const genapi_completion_request *req,
                                           const genapi_callbacks *cb, genapi_request **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL || out == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client or out is NULL");
    *out = NULL;
    json_object *body = NULL;
    genapi_status st = gc_completion_body(req, &body, err);
    return start_stream(c, st, body, &gc_completion_ops, "/v1/completions", GACC_COMPLETION, cb, out, err);
}

genapi_status genapi_chat_stream(genapi_client *c, const genapi_chat_request *req, genapi_stream_fn on_delta,
                                 void *user, genapi_chat_result **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (out)
        *out = NULL;
    if (c == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client is NULL");
    genapi_callbacks cb = {NULL, on_delta, NULL, user, 0, 0};
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_chat_stream_start(bc, req, &cb, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}

genapi_status genapi_complete_stream(genapi_client *c, const genapi_completion_request *req,
                                     genapi_stream_fn on_delta, void *user, genapi_completion_result **out,
                                     genapi_error *err)
{
    genapi_error_clear(err);
    if (out)
        *out = NULL;
    if (c == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client is NULL");
    genapi_callbacks cb = {NULL, on_delta, NULL, user, 0, 0};
    genapi_request *r = NULL;
    genapi_client *bc = gc_blocking_client(c);
    genapi_status st = genapi_complete_stream_start(bc, req, &cb, &r, err);
    return gc_finish_blocking(bc, st, r, (void **)out, err);
}
