/* Fuzz target: the reference backend's router (lib/server/backend.c gs_begin) and the jobs it
 * hands back, stepped the way genapi-server steps them.
 *
 * Input: byte 0 = mode, then four lines (LF-terminated) and the body:
 *   METHOD \n PATH(?QUERY) \n AUTHORIZATION \n CONTENT-TYPE \n BODY...
 * A header line that is exactly "-" is absent (NULL); missing lines are empty / absent.
 *   mode bit 0: the job is freed after (mode >> 1) & 15 steps (a client that disconnects);
 *   otherwise it is stepped to its end.
 * The backend requires the key "fuzz-key" (Authorization: Bearer fuzz-key).
 *
 * Bounded work: a generation's deadline is 2 ms of stepping (gs_backend_set_max_request_ms), so
 * one input costs at most its parsing and validation (bounded by limits.h), 2 ms and one step;
 * a job past its deadline ends through its expire path, which is fuzzed with the rest.
 *
 * Checked: an HTTP status in 100..599 and a content type; a JSON answer (application/json) is
 * one JSON value; an event stream's events are each JSON or "[DONE]" and [DONE] comes last. */
#include <json-c/json.h>

#include "fuzz_common.h"
#include "server/backend_internal.h"
#include "server/job.h"
#include "server/limits.h"
#include "stream/sse.h"
#include "util/buf.h"

static genapi_backend *backend(void)
{
    static genapi_backend *b;
    if (b == NULL) {
        genapi_backend_config cfg = {0};
        cfg.struct_size = (uint32_t)sizeof cfg;
        cfg.api_key = "fuzz-key";
        if (genapi_backend_new(&cfg, &b, NULL) != GENAPI_OK)
            abort();
        gs_backend_set_max_request_ms(b, 2);
    }
    return b;
}

/* The next line of the input, NUL-terminated in buf (cut to fit). */
static void next_line(fz_input *in, char *buf, size_t cap)
{
    size_t k = 0;
    while (in->n > 0 && in->p[0] != '\n') {
        uint8_t ch = fz_byte(in);
        if (k + 1 < cap)
            buf[k++] = ch ? (char)ch : '?';
    }
    fz_byte(in); /* the LF */
    buf[k] = '\0';
}

typedef struct stream_check {
    int done_seen;
    size_t events;
} stream_check;

static int on_event(const char *data, size_t len, void *user)
{
    stream_check *s = user;
    FZ_CHECK(!s->done_seen); /* [DONE] is last */
    s->events++;
    if (len == 6 && memcmp(data, "[DONE]", 6) == 0) {
        s->done_seen = 1;
        return 0;
    }
    json_tokener *tok = json_tokener_new();
    json_object *o = json_tokener_parse_ex(tok, data, (int)len);
    FZ_CHECK(o != NULL && json_tokener_get_error(tok) == json_tokener_success);
    json_object_put(o);
    json_tokener_free(tok);
    return 0;
}

static void check_answer(int32_t status, const char *content_type, const char *body, size_t len, int whole)
{
    FZ_CHECK(status >= 100 && status <= 599);
    FZ_CHECK(content_type != NULL);
    if (!whole)
        return;
    if (strncmp(content_type, "application/json", 16) == 0) {
        json_tokener *tok = json_tokener_new();
        json_object *o = json_tokener_parse_ex(tok, body, (int)len);
        FZ_CHECK(o != NULL && json_tokener_get_error(tok) == json_tokener_success);
        json_object_put(o);
        json_tokener_free(tok);
    } else if (strncmp(content_type, "text/event-stream", 17) == 0) {
        ga_alloc a;
        ga_alloc_resolve(&a, NULL);
        stream_check s = {0};
        gsse_decoder d;
        gsse_init(&d, &a, on_event, &s);
        FZ_CHECK(gsse_feed(&d, body, len) == 0);
        gsse_free(&d);
        FZ_CHECK(s.done_seen);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_touch();
    genapi_backend *b = backend();
    fz_input in = {data, size};
    uint8_t mode = fz_byte(&in);
    char method[16], path[256], auth[128], ctype[64];
    next_line(&in, method, sizeof method);
    next_line(&in, path, sizeof path);
    next_line(&in, auth, sizeof auth);
    next_line(&in, ctype, sizeof ctype);
    genapi_http_request req = {0};
    req.method = method;
    req.path = path;
    req.authorization = strcmp(auth, "-") == 0 ? NULL : auth;
    req.content_type = strcmp(ctype, "-") == 0 ? NULL : ctype;
    /* The front hands bodies over as received: not NUL-terminated. */
    char *body = in.n ? malloc(in.n) : NULL;
    if (body)
        memcpy(body, in.p, in.n);
    req.body = body;
    req.body_len = body ? in.n : 0;

    genapi_http_response r = {0};
    gs_job *job = NULL;
    genapi_status st = gs_begin(b, &req, &r, &job);
    FZ_CHECK(st == GENAPI_OK || st == GENAPI_E_NOMEM);
    if (st == GENAPI_OK && job == NULL) {
        check_answer(r.status, r.content_type, r.body, r.body_len, 1);
        genapi_http_response_release(b, &r);
    } else if (job != NULL) {
        ga_alloc a;
        ga_alloc_resolve(&a, NULL);
        ga_buf out;
        ga_buf_init(&out, &a);
        unsigned max_steps = (mode & 1) ? (mode >> 1) & 15u : ~0u;
        unsigned steps = 0;
        while (!gs_job_done(job) && steps < max_steps) {
            gs_job_step(job);
            steps++;
            size_t n = 0;
            const char *p = gs_job_take(job, &n);
            ga_buf_append(&out, p, n);
        }
        size_t n = 0;
        const char *p = gs_job_take(job, &n);
        ga_buf_append(&out, p, n);
        if (gs_job_done(job)) {
            FZ_CHECK(gs_job_head_ready(job));
            check_answer(job->status, job->content_type, out.data ? out.data : "", out.len, 1);
        } else if (gs_job_head_ready(job)) {
            check_answer(job->status, job->content_type, NULL, 0, 0);
        }
        gs_job_free(job);
        ga_buf_free(&out);
    }
    free(body);
    return 0;
}
