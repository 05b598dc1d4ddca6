/* Streamed chat and text completions: request with stream=true, decode the event stream as it
 * arrives, fold the chunks into the typed result, hand deltas to the caller. */
#include <string.h>

#include <genapi/stream.h>
#include <json-c/json.h>

#include "client/client_internal.h"
#include "client/json_read.h"
#include "stream/accumulate.h"
#include "stream/sse.h"
#include "util/err.h"

typedef struct run {
    gsse_decoder sse;
    gacc *acc;
    genapi_stream_fn on_delta;
    void *user;
    int cancelled; /* the caller's callback asked to stop */
    int failed;    /* an event was not JSON, or memory ran out */
} run;

static int forward(const gacc_delta *d, void *user)
{
    run *r = user;
    if (r->on_delta == NULL)
        return 0;
    genapi_stream_delta out = {d->index,       d->content,          d->content_len, d->reasoning,
                               d->reasoning_len, d->finish_reason, d->stop_reason_kind, 0,
                               d->stop_token,  d->stop_string};
    if (r->on_delta(&out, r->user) != 0) {
        r->cancelled = 1;
        return 1;
    }
    return 0;
}

static int on_event(const char *data, size_t len, void *user)
{
    run *r = user;
    int rc = gacc_event(r->acc, data, len);
    if (rc < 0)
        r->failed = 1;
    return rc;
}

static int on_data(const char *bytes, size_t len, void *user)
{
    run *r = user;
    int rc = gsse_feed(&r->sse, bytes, len);
    if (rc < 0)
        r->failed = 1;
    return rc;
}

/* Send `body` (with stream fields added) to path and fold the stream; *st_out reports. */
static genapi_status stream_request(genapi_client *c, const char *path, json_object *body, gacc_kind kind,
                                    genapi_stream_fn on_delta, void *user, gacc **acc_out, int *http_status,
                                    genapi_error *err)
{
    json_object_object_add(body, "stream", json_object_new_boolean(1));
    json_object *so = json_object_new_object();
    json_object_object_add(so, "include_usage", json_object_new_boolean(1));
    json_object_object_add(body, "stream_options", so);
    char *text = jw_text(&c->alloc, body);
    if (text == NULL)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    run r;
    memset(&r, 0, sizeof r);
    r.on_delta = on_delta;
    r.user = user;
    r.acc = gacc_new(&c->alloc, kind, forward, &r);
    if (r.acc == NULL) {
        ga_free(&c->alloc, text);
        return ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    gsse_init(&r.sse, &c->alloc, on_event, &r);
    gt_response resp;
    memset(&resp, 0, sizeof resp);
    genapi_status st = gc_post_stream(c, path, text, on_data, &r, &resp, err);
    if (st != GENAPI_OK && resp.delivered && err) {
        /* The connection failed after part of the stream arrived: a broken stream. */
        err->status = GENAPI_E_STREAM;
        st = GENAPI_E_STREAM;
    } else if (st != GENAPI_OK && resp.delivered) {
        st = GENAPI_E_STREAM;
    }
    ga_free(&c->alloc, text);
    gsse_free(&r.sse);
    *http_status = st == GENAPI_OK ? resp.status : 0;
    if (st == GENAPI_OK)
        gt_response_free(&c->alloc, &resp);
    *acc_out = r.acc;
    if (st != GENAPI_OK)
        return st;
    if (r.cancelled)
        return ga_err(err, GENAPI_E_CANCELLED, NULL, "the stream was stopped by the delta callback");
    if (r.failed)
        return ga_err(err, GENAPI_E_STREAM, NULL, "the stream carried an event that is not JSON (or memory ran out)");
    if (gacc_state_of(r.acc) == GACC_ERROR) {
        const char *message = NULL, *type = NULL;
        int64_t code = 0;
        gacc_error(r.acc, &message, &type, &code);
        ga_err(err, GENAPI_E_STREAM, NULL, "%s", message ? message : "the server reported an error inside the stream");
        if (err) {
            if (type)
                ga_copy_field(err->type, sizeof err->type, type, strlen(type));
            err->server_code = (int32_t)code;
            err->http_status = *http_status;
        }
        return GENAPI_E_STREAM;
    }
    if (gacc_state_of(r.acc) != GACC_DONE)
        return ga_err(err, GENAPI_E_STREAM, NULL, "the stream ended without [DONE]");
    return GENAPI_OK;
}

/* The typed result of an accumulator (chat or completion). */
typedef void *(*result_fn)(const gacc *acc, int http_status);

static void *chat_result(const gacc *acc, int http_status) { return gacc_chat_result(acc, http_status); }

static void *completion_result(const gacc *acc, int http_status) { return gacc_completion_result(acc, http_status); }

/* Stream `body` (built with body_st) to path; *out, when asked, receives the accumulated result
 * on success and on a broken or cancelled stream. */
static genapi_status stream_call(genapi_client *c, const char *path, genapi_status body_st, json_object *body,
                                 gacc_kind kind, genapi_stream_fn on_delta, void *user, result_fn make, void **out,
                                 genapi_error *err)
{
    if (body_st != GENAPI_OK)
        return body_st;
    gacc *acc = NULL;
    int http = 0;
    genapi_status st = stream_request(c, path, body, kind, on_delta, user, &acc, &http, err);
    json_object_put(body);
    if (out && acc && (st == GENAPI_OK || st == GENAPI_E_STREAM || st == GENAPI_E_CANCELLED)) {
        *out = make(acc, http);
        if (*out == NULL && st == GENAPI_OK)
            st = ga_err(err, GENAPI_E_NOMEM, NULL, "out of memory");
    }
    gacc_free(acc);
    return st;
}

genapi_status genapi_chat_stream(genapi_client *c, const genapi_chat_request *req, genapi_stream_fn on_delta,
                                 void *user, genapi_chat_result **out, genapi_error *err)
{
    genapi_error_clear(err);
    if (out)
        *out = NULL;
    if (c == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client is NULL");
    json_object *body = NULL;
    genapi_status st = gc_chat_body(req, &body, err);
    void *res = NULL;
    st = stream_call(c, "/v1/chat/completions", st, body, GACC_CHAT, on_delta, user, chat_result, out ? &res : NULL,
                     err);
    if (out)
        *out = res;
    return st;
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
    json_object *body = NULL;
    genapi_status st = gc_completion_body(req, &body, err);
    void *res = NULL;
    st = stream_call(c, "/v1/completions", st, body, GACC_COMPLETION, on_delta, user, completion_result,
                     out ? &res : NULL, err);
    if (out)
        *out = res;
    return st;
}
