/* Fuzz target: every response parser of the client (lib/client/), one target dispatching on the
 * first byte of the input.
 *
 * Input: byte 0 = parser (byte % 12, the table below), byte 1 = mode, byte 2 = allocation to
 * fail, then the response body (for error bodies: two status bytes and a Retry-After value up
 * to the first LF come first).
 *    0 chat completion (genapi_chat_result_parse)     6 image models listing
 *    1 text completion (genapi_completion_result_parse) 7 samplers listing
 *    2 tokenize (genapi_tokenize_result_parse)         8 upscalers listing (genapi_image_listing_parse)
 *    3 text models listing (gc_text_models_ops.parse)  9 image options (gc_parse_image_options)
 *    4 txt2img / img2img (genapi_images_result_parse) 10 image progress (gc_progress_parse)
 *    5 upscale (genapi_upscale_result_parse)          11 HTTP error body (gc_error_from_response)
 *   mode bit 0: out-of-memory injection at the allocation of byte 2 (bit 1: and every later one).
 * Checked: a parser either succeeds with a result whose every byte is readable (fuzz_walk.h) or
 * fails with a status and a message; chat and completion results serialize back to JSON that
 * parses to the same serialization; progress stays in its documented ranges; an error body
 * always gives a message, NUL-terminated fields and a mapped status. */
#include <math.h>

#include <json-c/json.h>

#include "client/client_internal.h"
#include "client/request.h"
#include "fuzz_common.h"
#include "fuzz_walk.h"
#include "transport/transport.h"

static genapi_client *client(void)
{
    static genapi_client *c;
    if (c == NULL) {
        genapi_client_config cfg;
        genapi_client_config_init(&cfg, sizeof cfg);
        cfg.base_url = "http://127.0.0.1:9"; /* never contacted; no in-process backend */
        cfg.allocator = &fz_allocator;
        if (genapi_client_new(&cfg, &c, NULL) != GENAPI_OK)
            abort();
    }
    return c;
}

static size_t check_failure(genapi_status st, const genapi_error *err)
{
    FZ_CHECK(st < 0);
    FZ_CHECK(err->status == st);
    FZ_CHECK(err->message[0] != '\0');
    return 0;
}

/* A chat result's JSON parses again to a result with the same JSON. */
static void chat_round_trip(genapi_client *c, const genapi_chat_result *r)
{
    char *a = NULL, *b = NULL;
    if (genapi_chat_result_to_json(r, &a, NULL) != GENAPI_OK)
        return;
    genapi_chat_result *again = NULL;
    genapi_error err;
    genapi_status st = genapi_chat_result_parse(c, a, strlen(a), &again, &err);
    if (st == GENAPI_OK) {
        if (genapi_chat_result_to_json(again, &b, NULL) == GENAPI_OK) {
            FZ_CHECK(strcmp(a, b) == 0);
            genapi_chat_result_string_free(again, b);
        }
        genapi_chat_result_free(again);
    } else {
        FZ_CHECK(st == GENAPI_E_NOMEM);
    }
    genapi_chat_result_string_free(r, a);
}

static void completion_round_trip(genapi_client *c, const genapi_completion_result *r)
{
    char *a = NULL, *b = NULL;
    if (genapi_completion_result_to_json(r, &a, NULL) != GENAPI_OK)
        return;
    genapi_completion_result *again = NULL;
    genapi_error err;
    genapi_status st = genapi_completion_result_parse(c, a, strlen(a), &again, &err);
    if (st == GENAPI_OK) {
        if (genapi_completion_result_to_json(again, &b, NULL) == GENAPI_OK) {
            FZ_CHECK(strcmp(a, b) == 0);
            genapi_completion_result_string_free(again, b);
        }
        genapi_completion_result_free(again);
    } else {
        FZ_CHECK(st == GENAPI_E_NOMEM);
    }
    genapi_completion_result_string_free(r, a);
}

static size_t parse_error_body(fz_input *in)
{
    gt_response resp;
    memset(&resp, 0, sizeof resp);
    uint8_t hi = fz_byte(in), lo = fz_byte(in);
    resp.status = 100 + (int)(((unsigned)hi << 8 | lo) % 500u);
    size_t k = 0;
    while (in->n > 0 && in->p[0] != '\n' && k + 1 < sizeof resp.retry_after)
        resp.retry_after[k++] = (char)fz_byte(in);
    fz_byte(in); /* the LF */
    /* The transport hands bodies over NUL-terminated. */
    char *body = malloc(in->n + 1);
    if (body == NULL)
        return 0;
    memcpy(body, in->p, in->n);
    body[in->n] = '\0';
    resp.body = body;
    resp.body_len = in->n;
    genapi_error err;
    genapi_status st = gc_error_from_response(&resp, &err);
    FZ_CHECK(st < 0 && st == err.status && err.http_status == resp.status);
    FZ_CHECK(err.message[0] != '\0');
    FZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
    FZ_CHECK(memchr(err.type, '\0', sizeof err.type) != NULL);
    FZ_CHECK(memchr(err.param, '\0', sizeof err.param) != NULL);
    FZ_CHECK(err.retry_after_ms >= -1 && err.retry_after_ms <= 86400LL * 365 * 1000);
    free(body);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_touch();
    fz_walk_touch();
    genapi_client *c = client();
    fz_input in = {data, size};
    unsigned which = fz_byte(&in) % 12u;
    uint8_t mode = fz_byte(&in), fail_at = fz_byte(&in);
    size_t sum = 0;
    if (which == 11)
        return (int)parse_error_body(&in);
    /* The body as the transport hands it over: NUL-terminated. */
    char *body = malloc(in.n + 1);
    if (body == NULL)
        return 0;
    memcpy(body, in.p, in.n);
    body[in.n] = '\0';
    size_t len = in.n;
    gt_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    resp.body = body;
    resp.body_len = len;
    genapi_error err;
    genapi_error_clear(&err);
    genapi_status st;
    fz_fail_reset((mode & 1) ? fail_at : -1, (mode & 2) != 0);
    switch (which) {
    case 0: {
        genapi_chat_result *r = NULL;
        st = genapi_chat_result_parse(c, body, len, &r, &err);
        if (st == GENAPI_OK) {
            sum += fz_walk_chat(r);
            chat_round_trip(c, r);
            genapi_chat_result_free(r);
        }
        break;
    }
    case 1: {
        genapi_completion_result *r = NULL;
        st = genapi_completion_result_parse(c, body, len, &r, &err);
        if (st == GENAPI_OK) {
            sum += fz_walk_completion(r);
            completion_round_trip(c, r);
            genapi_completion_result_free(r);
        }
        break;
    }
    case 2: {
        genapi_tokenize_result *r = NULL;
        st = genapi_tokenize_result_parse(c, body, len, &r, &err);
        if (st == GENAPI_OK) {
            sum += fz_walk_tokenize(r);
            genapi_tokenize_result_free(r);
        }
        break;
    }
    case 3: {
        void *r = NULL;
        st = gc_text_models_ops.parse(c, &resp, &r, &err);
        if (st == GENAPI_OK) {
            sum += fz_walk_models(r);
            genapi_model_list_free(r);
        }
        break;
    }
    case 4: {
        genapi_images_result *r = NULL;
        st = genapi_images_result_parse(c, body, len, &r, &err);
        if (st == GENAPI_OK) {
            sum += fz_walk_images(r);
            genapi_images_result_free(r);
        }
        break;
    }
    case 5: {
        genapi_upscale_result *r = NULL;
        st = genapi_upscale_result_parse(c, body, len, &r, &err);
        if (st == GENAPI_OK) {
            sum += fz_walk_image(&r->image) + fz_str(r->html_info);
            genapi_upscale_result_free(r);
        }
        break;
    }
    case 6:
    case 7:
    case 8: {
        genapi_image_listing *r = NULL;
        st = genapi_image_listing_parse(c, (genapi_image_listing_kind)(which - 6), body, len, &r, &err);
        if (st == GENAPI_OK) {
            FZ_CHECK(r->kind == (int32_t)(which - 6));
            sum += fz_walk_listing(r);
            genapi_image_listing_free(r);
        }
        break;
    }
    case 9: {
        void *r = NULL;
        st = gc_parse_image_options(c, &resp, &r, &err);
        if (st == GENAPI_OK) {
            FZ_CHECK(strlen(r) <= len);
            genapi_free(genapi_client_allocator(c), r);
        }
        break;
    }
    default: {
        genapi_progress p;
        st = GENAPI_OK;
        if (gc_progress_parse(body, len, &p) == 1) {
            FZ_CHECK(p.progress >= 0 && p.progress <= 1);
            FZ_CHECK(p.eta_relative >= 0 && isfinite(p.eta_relative));
            FZ_CHECK(p.job_count > 0);
        }
        break;
    }
    }
    fz_fail_reset(-1, 0);
    if (st != GENAPI_OK)
        sum += check_failure(st, &err);
    free(body);
    return sum == 1 ? 0 : 0;
}
