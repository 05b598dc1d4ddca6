/* Bounded work per request on the reference backend (lib/server/limits.h): each limit refused
 * before any work with its status, shape and parameter, and a request just under it accepted;
 * guided-decoding work budgets (a pathological pattern refused at compile time, a constraint
 * that grows past its budget while generating); the per-request deadline in process, over HTTP,
 * from the environment and from genapi-server's --max-request-seconds; a client that leaves
 * cancels its job; silent and slow clients neither lock others out nor stay forever. No timing
 * is asserted beyond generous deadlines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>
#include <sodium.h>

#include "engine/image/image_engine.h"
#include "server/http_front.h"
#include "test_support.h"

#define DEADLINE_S 60

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- growing strings ------------------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        assert_non_null(b->p);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof tmp);
    sb_add(b, tmp, (size_t)n);
}

static void sb_repeat(sbuf *b, const char *s, size_t times)
{
    for (size_t i = 0; i < times; i++)
        sb_puts(b, s);
}

/* ---- the router in process ------------------------------------------------------------ */

typedef struct answer {
    int status;
    char ct[64];
    char *body;
    json_object *json; /* parsed body when it is JSON, else NULL */
} answer;

static answer call(genapi_backend *b, const char *path, const char *body)
{
    genapi_http_request req = {"POST", path, NULL, "application/json", body, strlen(body)};
    genapi_http_response r;
    assert_int_equal(genapi_backend_handle(b, &req, &r), GENAPI_OK);
    answer a;
    memset(&a, 0, sizeof a);
    a.status = r.status;
    snprintf(a.ct, sizeof a.ct, "%s", r.content_type ? r.content_type : "");
    a.body = strndup(r.body ? r.body : "", r.body_len);
    assert_non_null(a.body);
    genapi_http_response_release(b, &r);
    if (strncmp(a.ct, "application/json", 16) == 0)
        a.json = json_tokener_parse(a.body);
    return a;
}

static void answer_free(answer *a)
{
    json_object_put(a->json);
    free(a->body);
    memset(a, 0, sizeof *a);
}

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static const char *get_str(json_object *o, const char *k)
{
    json_object *v = get(o, k);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A text refusal: vLLM's {"error": {"message", "type", "param", "code"}} with the status, the
 * parameter and (when given) a piece of the message. */
static void expect_text_error(genapi_backend *b, const char *label, const char *path, const char *body, int status,
                              const char *param, const char *msg_part)
{
    answer a = call(b, path, body);
    json_object *e = get(a.json, "error");
    if (a.status != status || e == NULL)
        fail_msg("%s: want %d, got %d %.300s", label, status, a.status, a.body);
    const char *p = get_str(e, "param"), *m = get_str(e, "message");
    json_object *code = get(e, "code");
    assert_non_null(m);
    assert_non_null(get_str(e, "type"));
    assert_true(code && json_object_get_int(code) == status);
    if (status == 400)
        assert_string_equal(get_str(e, "type"), "BadRequestError");
    if (param && (p == NULL || strcmp(p, param) != 0))
        fail_msg("%s: want param %s, got %s (%s)", label, param, p ? p : "null", m);
    if (msg_part && strstr(m, msg_part) == NULL)
        fail_msg("%s: message without '%s': %s", label, msg_part, m);
    answer_free(&a);
}

/* An image refusal: FastAPI's 422 {"detail": [{"loc": ["body", PARAM], "msg", "type"}]}. */
static void expect_image_error(genapi_backend *b, const char *label, const char *path, const char *body,
                               const char *param)
{
    answer a = call(b, path, body);
    json_object *d = get(a.json, "detail");
    if (a.status != 422 || d == NULL || !json_object_is_type(d, json_type_array))
        fail_msg("%s: want 422, got %d %.300s", label, a.status, a.body);
    json_object *loc = get(json_object_array_get_idx(d, 0), "loc");
    assert_non_null(loc);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(loc, 0)), "body");
    if (strcmp(json_object_get_string(json_object_array_get_idx(loc, 1)), param) != 0)
        fail_msg("%s: want loc %s, got %s", label, param, json_object_to_json_string(loc));
    answer_free(&a);
}

static answer expect_ok(genapi_backend *b, const char *label, const char *path, const char *body)
{
    answer a = call(b, path, body);
    if (a.status != 200)
        fail_msg("%s: want 200, got %d %.300s", label, a.status, a.body);
    return a;
}

static size_t choice_count(const answer *a)
{
    json_object *c = get(a->json, "choices");
    return c ? json_object_array_length(c) : 0;
}

static genapi_backend *new_backend(uint32_t parallel)
{
    genapi_backend_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.struct_size = sizeof cfg;
    cfg.parallel = parallel;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(&cfg, &b, NULL), GENAPI_OK);
    return b;
}

static int group_setup(void **state)
{
    *state = new_backend(0);
    return 0;
}

static int group_teardown(void **state)
{
    genapi_backend_free(*state);
    return 0;
}

/* A completions prompt of n copies of token id `id`. */
static void token_prompt(sbuf *b, size_t n, int id)
{
    sb_puts(b, "[");
    for (size_t i = 0; i < n; i++)
        sb_printf(b, i ? ",%d" : "%d", id);
    sb_puts(b, "]");
}

/* ---- text limits ----------------------------------------------------------------------- */

static void test_sequences(void **state)
{
    genapi_backend *b = *state;
    expect_text_error(b, "n=129", "/v1/completions", "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"n\":129}", 400, "n",
                      "at most 128 sequences");
    expect_text_error(b, "best_of=129", "/v1/completions",
                      "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"n\":1,\"best_of\":129}", 400, "best_of", NULL);
    expect_text_error(b, "3 prompts x 50", "/v1/completions",
                      "{\"model\":\"genapi-ref\",\"prompt\":[\"a\",\"b\",\"c\"],\"n\":50}", 400, "n", "3 prompts");
    sbuf body = {0};
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"max_tokens\":1,\"prompt\":[");
    for (int i = 0; i < 129; i++)
        sb_puts(&body, i ? ",\"a\"" : "\"a\"");
    sb_puts(&body, "]}");
    expect_text_error(b, "129 prompts", "/v1/completions", body.p, 400, "prompt", NULL);
    /* Just under: 128 prompts of one sequence each. */
    memcpy(strstr(body.p, ",\"a\"]}"), "]}", 3);
    answer a = expect_ok(b, "128 prompts", "/v1/completions", body.p);
    assert_int_equal(choice_count(&a), 128);
    answer_free(&a);
    free(body.p);
}

static void test_tokens(void **state)
{
    genapi_backend *b = *state;
    expect_text_error(b, "128 x 2049", "/v1/completions",
                      "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"n\":128,\"max_tokens\":2049}", 400, "max_tokens",
                      "at most 262144 tokens");
    expect_text_error(b, "chat n=128 filling the context", "/v1/chat/completions",
                      "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":128}", 400,
                      "max_tokens", "max_tokens unset");
    expect_text_error(b, "2 prompts x 64 x 2049", "/v1/completions",
                      "{\"model\":\"genapi-ref\",\"prompt\":[\"a\",\"b\"],\"n\":64,\"max_tokens\":2049}", 400,
                      "max_tokens", NULL);
    /* Exactly the limit: 2 x 64 x 2048 asked; a one-word choice keeps it cheap to run. */
    answer a = expect_ok(b, "2 prompts x 64 x 2048", "/v1/completions",
                         "{\"model\":\"genapi-ref\",\"prompt\":[\"a\",\"b\"],\"n\":64,\"max_tokens\":2048,"
                         "\"guided_choice\":[\"yes\"]}");
    assert_int_equal(choice_count(&a), 128);
    assert_string_equal(get_str(json_object_array_get_idx(get(a.json, "choices"), 127), "text"), "yes");
    answer_free(&a);
}

static void test_logprobs(void **state)
{
    genapi_backend *b = *state;
    expect_text_error(b, "chat 2 x 2100 x 21", "/v1/chat/completions",
                      "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2,"
                      "\"max_tokens\":2100,\"logprobs\":true,\"top_logprobs\":20}",
                      400, "top_logprobs", "at most 86016 logprob entries");
    expect_text_error(b, "chat 64 x 1400 x 1", "/v1/chat/completions",
                      "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":64,"
                      "\"max_tokens\":1400,\"logprobs\":true}",
                      400, "logprobs", NULL);
    expect_text_error(b, "completions 2 x 2100 x 21", "/v1/completions",
                      "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"n\":2,\"max_tokens\":2100,\"logprobs\":20}", 400,
                      "logprobs", NULL);
    /* best_of > n holds every sequence to the end: counted whole even as a stream. */
    expect_text_error(b, "stream best_of 3 x 3000 x 21", "/v1/completions",
                      "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"n\":1,\"best_of\":3,\"max_tokens\":3000,"
                      "\"logprobs\":20,\"stream\":true}",
                      400, "logprobs", NULL);
    /* Just under: one choice filling the context with 20 alternatives. */
    answer a = expect_ok(b, "chat 1 x context x 21", "/v1/chat/completions",
                         "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                         "\"logprobs\":true,\"top_logprobs\":20,\"guided_choice\":[\"yes\"]}");
    answer_free(&a);
    /* A stream written as tokens settle builds one step's JSON at a time: only the token
     * budget applies. */
    a = expect_ok(b, "stream 3 x 3000 x 21", "/v1/chat/completions",
                  "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":3,"
                  "\"max_tokens\":3000,\"logprobs\":true,\"top_logprobs\":20,\"stream\":true,"
                  "\"guided_choice\":[\"yes\"]}");
    assert_string_equal(a.ct, "text/event-stream");
    assert_non_null(strstr(a.body, "data: [DONE]"));
    answer_free(&a);

    /* Prompt logprobs count too: 4000 prompt tokens x 21 + 96 generated x 21 = 86016. */
    sbuf body = {0};
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"max_tokens\":96,\"logprobs\":20,\"prompt_logprobs\":20,\"prompt\":");
    token_prompt(&body, 4000, 300);
    sb_puts(&body, "}");
    a = expect_ok(b, "prompt logprobs at the limit", "/v1/completions", body.p);
    json_object *plp = get(json_object_array_get_idx(get(a.json, "choices"), 0), "prompt_logprobs");
    assert_non_null(plp);
    assert_int_equal(json_object_array_length(plp), 4000);
    assert_null(json_object_array_get_idx(plp, 0));
    assert_non_null(json_object_array_get_idx(plp, 3999));
    answer_free(&a);
    char *n2 = strstr(body.p, "\"max_tokens\"");
    memmove(n2 + 6, n2, strlen(n2) + 1);
    memcpy(n2, "\"n\":2,", 6);
    expect_text_error(b, "prompt logprobs over", "/v1/completions", body.p, 400, "prompt_logprobs", NULL);
    free(body.p);
}

static void test_text_bytes(void **state)
{
    genapi_backend *b = *state;
    /* 4095 tokens of at most 16 bytes: 65,520 bytes may fit, one more cannot. */
    sbuf body = {0};
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"max_tokens\":1,\"prompt\":\"");
    size_t at = body.len;
    sb_repeat(&body, "a", 65521);
    sb_puts(&body, "\"}");
    expect_text_error(b, "65521 bytes", "/v1/completions", body.p, 400, "prompt", "at least 4096 input tokens");
    /* 65,520 bytes are tokenized: still too long, but found by the tokenizer's count. */
    memmove(body.p + at + 65520, body.p + at + 65521, strlen(body.p + at + 65521) + 1);
    answer a = call(b, "/v1/completions", body.p);
    assert_int_equal(a.status, 400);
    assert_null(strstr(a.body, "at least"));
    assert_non_null(strstr(a.body, "maximum context length"));
    answer_free(&a);
    free(body.p);

    /* With truncate_prompt_tokens a longer prompt is fine, up to 1 MiB of text. */
    memset(&body, 0, sizeof body);
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"max_tokens\":1,\"truncate_prompt_tokens\":50,\"prompt\":\"");
    sb_repeat(&body, "the river ", 20000);
    sb_puts(&body, "\"}");
    a = expect_ok(b, "200 KB truncated", "/v1/completions", body.p);
    assert_int_equal(json_object_get_int(get(get(a.json, "usage"), "prompt_tokens")), 50);
    answer_free(&a);
    free(body.p);
    memset(&body, 0, sizeof body);
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"max_tokens\":1,\"truncate_prompt_tokens\":50,\"prompt\":\"");
    sb_repeat(&body, "the river ", 110000);
    sb_puts(&body, "\"}");
    expect_text_error(b, "1.1 MB truncated", "/v1/completions", body.p, 400, "prompt", "at most 1048576 bytes");
    free(body.p);

    /* Chat: the same two checks on the messages. */
    memset(&body, 0, sizeof body);
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"");
    sb_repeat(&body, "x", 70000);
    sb_puts(&body, "\"}]}");
    expect_text_error(b, "chat 70 KB", "/v1/chat/completions", body.p, 400, "messages", "at least");
    free(body.p);
    memset(&body, 0, sizeof body);
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"truncate_prompt_tokens\":20,\"messages\":[");
    for (int i = 0; i < 2; i++) {
        sb_puts(&body, i ? ",{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\""
                         : "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"");
        sb_repeat(&body, "word ", 120000);
        sb_puts(&body, "\"}]}");
    }
    sb_puts(&body, "]}");
    expect_text_error(b, "chat 1.2 MB", "/v1/chat/completions", body.p, 400, "messages", "at most 1048576 bytes");

    /* Tokenize is not held to the context (as on the servers), only to the bytes. */
    expect_text_error(b, "tokenize 1.2 MB messages", "/v1/tokenize", body.p, 400, "messages", NULL);
    free(body.p);
    memset(&body, 0, sizeof body);
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"prompt\":\"");
    sb_repeat(&body, "the river ", 10000);
    sb_puts(&body, "\"}");
    a = expect_ok(b, "tokenize 100 KB", "/v1/tokenize", body.p);
    assert_true(json_object_get_int(get(a.json, "count")) > 4096);
    answer_free(&a);
    free(body.p);
    memset(&body, 0, sizeof body);
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"prompt\":\"");
    sb_repeat(&body, "the river ", 110000);
    sb_puts(&body, "\"}");
    expect_text_error(b, "tokenize 1.1 MB", "/v1/tokenize", body.p, 400, "prompt", NULL);
    free(body.p);
}

static void test_json_complexity(void **state)
{
    genapi_backend *b = *state;
    sbuf body = {0};
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"prompt\":[");
    sb_repeat(&body, "{},", 200000);
    sb_puts(&body, "{}]}");
    expect_text_error(b, "200k objects", "/v1/completions", body.p, 413, NULL, "too complex");
    answer a = call(b, "/sdapi/v1/txt2img", body.p);
    assert_int_equal(a.status, 413);
    answer_free(&a);
    free(body.p);
    /* 100,000 token ids parse (about 9 MB) and meet the context check. */
    memset(&body, 0, sizeof body);
    sb_puts(&body, "{\"model\":\"genapi-ref\",\"max_tokens\":1,\"prompt\":");
    token_prompt(&body, 100000, 300);
    sb_puts(&body, "}");
    a = call(b, "/v1/completions", body.p);
    assert_int_equal(a.status, 400);
    assert_non_null(strstr(a.body, "maximum context length"));
    answer_free(&a);
    free(body.p);
}

/* ---- guided decoding ------------------------------------------------------------------- */

static void test_guided_budgets(void **state)
{
    genapi_backend *b = *state;
    /* 16 bytes of pattern, 2M automaton states: about a second for its first step before. */
    double t0 = now_s();
    expect_text_error(b, "regex", "/v1/completions",
                      "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"max_tokens\":50,\"guided_regex\":\"((.?){1000}){40}\"}",
                      400, "guided_regex", "too complex");
    print_message("pathological guided_regex refused in %.1f ms\n", (now_s() - t0) * 1e3);
    expect_text_error(b, "schema pattern", "/v1/completions",
                      "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"max_tokens\":50,"
                      "\"guided_json\":{\"type\":\"string\",\"pattern\":\"((.?){1000}){40}\"}}",
                      400, "guided_json", "the constraint is too");
    expect_text_error(b, "response_format", "/v1/chat/completions",
                      "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":50,"
                      "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":"
                      "{\"type\":\"string\",\"pattern\":\"((a{1000}){1000})\"}}}}",
                      400, "response_format", NULL);
    /* A constraint cheap to start that grows past its budget while generating: the whole
     * answer is the error, a stream ends with it in band. */
    const char *grows = "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"max_tokens\":1000,\"min_tokens\":500,\"seed\":3,"
                        "\"guided_regex\":\"((.?){1000}){3}\"%s}";
    char body[512];
    snprintf(body, sizeof body, grows, "");
    expect_text_error(b, "grows", "/v1/completions", body, 400, "guided_regex", "too complex");
    snprintf(body, sizeof body, grows, ",\"stream\":true");
    answer a = call(b, "/v1/completions", body);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.ct, "text/event-stream");
    assert_non_null(strstr(a.body, "data: {\"error\":"));
    assert_non_null(strstr(a.body, "\"param\":\"guided_regex\""));
    assert_non_null(strstr(a.body, "data: [DONE]\n\n"));
    answer_free(&a);
    /* Realistic constraints are far below. */
    a = expect_ok(b, "json_object", "/v1/chat/completions",
                  "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":200,"
                  "\"response_format\":{\"type\":\"json_object\"},\"seed\":1}");
    answer_free(&a);
}

/* ---- images ---------------------------------------------------------------------------- */

/* base64 of a PNG of w x h pixels of one colour. */
static char *flat_png_b64(int32_t w, int32_t h)
{
    ga_alloc al;
    assert_int_equal(ga_alloc_resolve(&al, NULL), 0);
    gi_image img = {w, h, malloc((size_t)w * (size_t)h * 4)};
    assert_non_null(img.rgba);
    memset(img.rgba, 0x80, (size_t)w * (size_t)h * 4);
    uint8_t *png = NULL;
    size_t len = 0;
    genapi_error err;
    assert_int_equal(gi_png_encode(&al, &img, NULL, &png, &len, &err), GENAPI_OK);
    free(img.rgba);
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    assert_non_null(b64);
    sodium_bin2base64(b64, cap, png, len, sodium_base64_VARIANT_ORIGINAL);
    ga_free(&al, png);
    return b64;
}

static void test_image_limits(void **state)
{
    genapi_backend *b = *state;
    expect_image_error(b, "4096^2 x 2", "/sdapi/v1/txt2img", "{\"prompt\":\"x\",\"width\":4096,\"height\":4096,\"batch_size\":2}",
                       "batch_size");
    expect_image_error(b, "512^2 x 65", "/v1/txt2img",
                       "{\"prompt\":\"x\",\"sd_model_checkpoint\":\"genapi-ref-image\",\"width\":512,\"height\":512,"
                       "\"batch_size\":65}",
                       "batch_size");
    expect_image_error(b, "4096^2 x 51 steps", "/sdapi/v1/txt2img",
                       "{\"prompt\":\"x\",\"width\":4096,\"height\":4096,\"steps\":51}", "steps");
    char *png = flat_png_b64(2100, 2100);
    sbuf body = {0};
    sb_printf(&body, "{\"upscaler_1\":\"Lanczos\",\"upscaling_resize\":2,\"image\":\"");
    sb_puts(&body, png);
    sb_puts(&body, "\"}");
    expect_image_error(b, "upscale to 4200^2", "/sdapi/v1/extra-single-image", body.p, "upscaling_resize");

    /* Exactly at the limits: accepted by the checks, then stopped by a tiny deadline (running
     * them costs seconds). */
    genapi_backend *quick = new_backend(0);
    gs_backend_set_max_request_ms(quick, 50);
    answer a = call(quick, "/sdapi/v1/txt2img", "{\"prompt\":\"x\",\"width\":4096,\"height\":4096,\"steps\":50}");
    assert_int_equal(a.status, 504);
    answer_free(&a);
    a = call(quick, "/sdapi/v1/txt2img", "{\"prompt\":\"x\",\"width\":512,\"height\":512,\"batch_size\":64,\"steps\":50}");
    assert_int_equal(a.status, 504);
    answer_free(&a);
    free(body.p);
    memset(&body, 0, sizeof body);
    sb_puts(&body, "{\"upscaler_1\":\"Lanczos\",\"upscaling_resize\":1.95,\"image\":\"");
    sb_puts(&body, png);
    sb_puts(&body, "\"}");
    a = call(quick, "/sdapi/v1/extra-single-image", body.p); /* 4095 x 4095 */
    assert_int_equal(a.status, 504);
    answer_free(&a);
    genapi_backend_free(quick);
    free(body.p);
    free(png);
}

/* ---- the deadline ---------------------------------------------------------------------- */

static const char *const LONG_TEXT =
    "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"n\":64,\"max_tokens\":4000,\"ignore_eos\":true%s}";

static void check_timeout_json(const answer *a)
{
    assert_int_equal(a->status, 504);
    json_object *e = get(a->json, "error");
    assert_non_null(e);
    assert_string_equal(get_str(e, "type"), "Gateway Timeout");
    assert_int_equal(json_object_get_int(get(e, "code")), 504);
    assert_null(get(e, "param"));
    assert_non_null(strstr(get_str(e, "message"), "ran longer than the server's limit"));
}

static void test_deadline_in_process(void **state)
{
    (void)state;
    genapi_backend *b = new_backend(0);
    assert_int_equal(gs_backend_max_request_ms(b), (int64_t)GS_MAX_REQUEST_S * 1000);
    gs_backend_set_max_request_ms(b, 0);
    assert_int_equal(gs_backend_max_request_ms(b), 0);
    gs_backend_set_max_request_ms(b, -1);
    assert_int_equal(gs_backend_max_request_ms(b), (int64_t)GS_MAX_REQUEST_S * 1000);
    gs_backend_set_max_request_ms(b, 100);

    char body[256];
    snprintf(body, sizeof body, LONG_TEXT, "");
    double t0 = now_s();
    answer a = call(b, "/v1/completions", body);
    check_timeout_json(&a);
    answer_free(&a);
    assert_true(now_s() - t0 < DEADLINE_S);

    snprintf(body, sizeof body, LONG_TEXT, ",\"stream\":true");
    a = call(b, "/v1/completions", body);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.ct, "text/event-stream");
    const char *err = strstr(a.body, "data: {\"error\":");
    assert_non_null(err);
    assert_non_null(strstr(err, "\"code\":504"));
    assert_string_equal(err + strcspn(err, "\n"), "\n\ndata: [DONE]\n\n");
    answer_free(&a);

    a = call(b, "/v1/chat/completions",
             "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":64,"
             "\"max_tokens\":4000,\"ignore_eos\":true}");
    check_timeout_json(&a);
    answer_free(&a);

    /* Images: the WebUI's HTTPException shape. */
    a = call(b, "/sdapi/v1/txt2img", "{\"prompt\":\"x\",\"width\":2048,\"height\":2048}");
    assert_int_equal(a.status, 504);
    assert_string_equal(get_str(a.json, "error"), "HTTPException");
    assert_int_equal(json_object_get_int(get(a.json, "code")), 504);
    assert_non_null(strstr(get_str(a.json, "detail"), "ran longer"));
    answer_free(&a);

    /* Short requests are not affected. */
    a = expect_ok(b, "short", "/v1/completions", "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"max_tokens\":3}");
    answer_free(&a);
    genapi_backend_free(b);
}

/* ---- a small HTTP/1.1 client on raw sockets -------------------------------------------- */

static int tcp_open(uint16_t port, int timeout_s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {timeout_s, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* One request on a new connection with "Connection: close"; the whole reply (head and body,
 * chunked or not, as received) until the server closes. Returns the status, or -1. */
static int http_once(uint16_t port, const char *method, const char *path, const char *body, sbuf *out)
{
    int fd = tcp_open(port, DEADLINE_S);
    if (fd < 0)
        return -1;
    char head[512];
    size_t blen = body ? strlen(body) : 0;
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, blen);
    if (send_all(fd, head, (size_t)n) != 0 || (blen && send_all(fd, body, blen) != 0)) {
        close(fd);
        return -1;
    }
    char buf[16384];
    for (;;) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        sb_add(out, buf, (size_t)r);
    }
    close(fd);
    int status = -1;
    if (out->p == NULL || sscanf(out->p, "HTTP/1.%*d %d", &status) != 1)
        return -1;
    return status;
}

/* ---- the deadline over HTTP ------------------------------------------------------------ */

typedef struct front {
    genapi_backend *b;
    genapi_server *s;
    uint16_t port;
} front;

static void front_start(front *f, uint32_t parallel, int64_t deadline_ms)
{
    f->b = new_backend(parallel);
    if (deadline_ms)
        gs_backend_set_max_request_ms(f->b, deadline_ms);
    genapi_error err;
    assert_int_equal(genapi_server_start(f->b, "127.0.0.1", 0, &f->s, &err), GENAPI_OK);
    f->port = genapi_server_port(f->s);
}

static void front_stop(front *f)
{
    genapi_server_stop(f->s);
    genapi_backend_free(f->b);
    memset(f, 0, sizeof *f);
}

static gs_front_stats stats(front *f)
{
    gs_front_stats st;
    gs_front_stats_get(f->s, &st);
    return st;
}

#define ASSERT_EVENTUALLY(f, st, cond)                                                                                 \
    do {                                                                                                               \
        double until_ = now_s() + DEADLINE_S;                                                                          \
        for (;;) {                                                                                                     \
            (st) = stats(f);                                                                                           \
            if (cond)                                                                                                  \
                break;                                                                                                 \
            if (now_s() > until_)                                                                                      \
                fail_msg("timed out waiting for %s", #cond);                                                           \
            sleep_ms(5);                                                                                               \
        }                                                                                                              \
    } while (0)

/* The long request over HTTP answers 504 (whole) and ends a stream with the error event. */
static void expect_deadline_over_http(uint16_t port)
{
    char body[256];
    snprintf(body, sizeof body, LONG_TEXT, "");
    sbuf out = {0};
    assert_int_equal(http_once(port, "POST", "/v1/completions", body, &out), 504);
    assert_non_null(strstr(out.p, "\"type\":\"Gateway Timeout\""));
    free(out.p);
    memset(&out, 0, sizeof out);
    snprintf(body, sizeof body, LONG_TEXT, ",\"stream\":true");
    assert_int_equal(http_once(port, "POST", "/v1/completions", body, &out), 200);
    assert_non_null(strstr(out.p, "data: {\"error\":{\"message\":\"The request ran longer"));
    assert_non_null(strstr(out.p, "data: [DONE]\n\n"));
    free(out.p);
}

static void test_deadline_over_http(void **state)
{
    (void)state;
    front f;
    front_start(&f, 2, 200);
    expect_deadline_over_http(f.port);
    /* A stream whose client does not read: the wait for the reader ends at the deadline too. */
    int fd = tcp_open(f.port, DEADLINE_S);
    assert_true(fd >= 0);
    int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    char body[512], req[1024];
    snprintf(body, sizeof body,
             "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":8,"
             "\"max_tokens\":4000,\"ignore_eos\":true,\"logprobs\":true,\"top_logprobs\":20,\"stream\":true}");
    int n = snprintf(req, sizeof req,
                     "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
    assert_int_equal(send_all(fd, req, (size_t)n), 0);
    gs_front_stats st;
    ASSERT_EVENTUALLY(&f, st, st.started >= 3 && st.running == 0);
    assert_int_equal(st.finished, 3);
    close(fd);
    front_stop(&f);

    /* genapi_server_start reads GENAPI_SERVER_MAX_REQUEST_SECONDS. */
    setenv("GENAPI_SERVER_MAX_REQUEST_SECONDS", "1", 1);
    front_start(&f, 1, 0);
    unsetenv("GENAPI_SERVER_MAX_REQUEST_SECONDS");
    assert_int_equal(gs_backend_max_request_ms(f.b), 1000);
    front_stop(&f);

    /* genapi-server --max-request-seconds. */
    ts_server srv;
    const char *const extra[] = {"--max-request-seconds", "1", NULL};
    assert_int_equal(ts_server_start(&srv, extra), 0);
    const char *colon = strrchr(srv.url, ':');
    assert_non_null(colon);
    uint16_t port = (uint16_t)atoi(colon + 1);
    double t0 = now_s();
    expect_deadline_over_http(port);
    print_message("genapi-server --max-request-seconds 1: two requests stopped in %.1f s\n", now_s() - t0);
    ts_server_stop(&srv);
}

/* ---- clients that leave ---------------------------------------------------------------- */

static void test_disconnect_cancels(void **state)
{
    (void)state;
    front f;
    front_start(&f, 1, 0);
    char *png = flat_png_b64(1024, 1024);
    sbuf up = {0};
    sb_puts(&up, "{\"upscaler_1\":\"R-ESRGAN 4x+\",\"upscaling_resize\":4,\"image\":\"");
    sb_puts(&up, png);
    sb_puts(&up, "\"}");
    free(png);
    const char *text = "{\"model\":\"genapi-ref\",\"prompt\":\"x\",\"n\":64,\"max_tokens\":4000,\"ignore_eos\":true}";
    const struct {
        const char *path, *body;
    } jobs[] = {{"/sdapi/v1/extra-single-image", up.p}, {"/v1/completions", text}};
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
        gs_front_stats st, before = stats(&f);
        int fd = tcp_open(f.port, DEADLINE_S);
        assert_true(fd >= 0);
        char head[256];
        int n = snprintf(head, sizeof head,
                         "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                         jobs[i].path, strlen(jobs[i].body));
        assert_int_equal(send_all(fd, head, (size_t)n), 0);
        assert_int_equal(send_all(fd, jobs[i].body, strlen(jobs[i].body)), 0);
        ASSERT_EVENTUALLY(&f, st, st.started == before.started + 1);
        close(fd);
        double t0 = now_s();
        ASSERT_EVENTUALLY(&f, st, st.cancelled == before.cancelled + 1 && st.running == 0);
        assert_int_equal(st.finished, before.finished);
        print_message("%s: stopped %.1f ms after its client left\n", jobs[i].path, (now_s() - t0) * 1e3);
    }
    free(up.p);
    front_stop(&f);
}

/* ---- slow and silent clients ----------------------------------------------------------- */

enum { SILENT = 64, SLOW = 70 };

typedef struct trickle {
    int fds[SLOW];
    _Atomic int stop;
} trickle;

/* Every second, one more byte on each slow connection (a header line, or a body that never
 * ends). */
static void *trickle_main(void *arg)
{
    trickle *t = arg;
    while (!t->stop) {
        for (int i = 0; i < SLOW; i++)
            if (t->fds[i] >= 0 && send(t->fds[i], "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN)
                t->fds[i] = -t->fds[i] - 2; /* closed by the server: keep the descriptor to close */
        for (int k = 0; k < 10 && !t->stop; k++)
            sleep_ms(100);
    }
    return NULL;
}

static void test_slow_and_silent_clients(void **state)
{
    (void)state;
    front f;
    front_start(&f, 2, 0);
    int silent[SILENT];
    for (int i = 0; i < SILENT; i++) {
        silent[i] = tcp_open(f.port, 2);
        assert_true(silent[i] >= 0);
    }
    trickle t;
    memset(&t, 0, sizeof t);
    for (int i = 0; i < SLOW; i++) {
        t.fds[i] = tcp_open(f.port, 2);
        assert_true(t.fds[i] >= 0);
        /* Half never finish their head; half send a head and then a body a byte at a time. */
        const char *start = i % 2 ? "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Slow: "
                                  : "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    "Content-Length: 100000\r\n\r\n{\"model\":\"genapi-ref\",\"prompt\":\"";
        assert_int_equal(send_all(t.fds[i], start, strlen(start)), 0);
    }
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, trickle_main, &t), 0);
    gs_front_stats st;
    ASSERT_EVENTUALLY(&f, st, st.connections >= SILENT + SLOW);

    /* Everyone else is served meanwhile: listings, tokenize and generations. */
    double worst = 0, t_all = now_s();
    for (int i = 0; i < 40; i++) {
        sbuf out = {0};
        double t0 = now_s();
        int status = i % 4 == 0   ? http_once(f.port, "POST", "/v1/completions",
                                                "{\"model\":\"genapi-ref\",\"prompt\":\"The river\",\"max_tokens\":8}", &out)
                     : i % 4 == 1 ? http_once(f.port, "POST", "/v1/tokenize",
                                              "{\"model\":\"genapi-ref\",\"prompt\":\"The river\"}", &out)
                                  : http_once(f.port, "GET", "/v1/models", NULL, &out);
        double dt = now_s() - t0;
        if (dt > worst)
            worst = dt;
        if (status != 200)
            fail_msg("request %d with %d silent and %d slow clients: status %d", i, SILENT, SLOW, status);
        free(out.p);
    }
    print_message("40 requests beside %d silent and %d slow clients in %.2f s (slowest %.1f ms)\n", SILENT, SLOW,
                  now_s() - t_all, worst * 1e3);
    st = stats(&f);
    assert_true(st.connections >= SILENT + SLOW);
    assert_int_equal(st.receive_timeouts, 0);

    /* With a short receive deadline they are all closed: silent ones and those that never stop
     * sending alike. */
    gs_front_set_receive_timeout_ms(f.s, 1000);
    ASSERT_EVENTUALLY(&f, st, st.receive_timeouts >= SILENT + SLOW && st.connections == 0);
    t.stop = 1;
    pthread_join(th, NULL);
    for (int i = 0; i < SILENT; i++) {
        char c;
        ssize_t r = recv(silent[i], &c, 1, 0);
        assert_true(r <= 0); /* end of stream or reset, not a timeout of the test's own */
        if (r < 0)
            assert_true(errno == ECONNRESET || errno == EPIPE);
        close(silent[i]);
    }
    for (int i = 0; i < SLOW; i++)
        close(t.fds[i] >= 0 ? t.fds[i] : -t.fds[i] - 2);
    /* And the server serves on. */
    sbuf out = {0};
    assert_int_equal(http_once(f.port, "GET", "/v1/models", NULL, &out), 200);
    free(out.p);
    front_stop(&f);
}

int main(void)
{
    const struct CMUnitTest in_process[] = {
        cmocka_unit_test(test_sequences),       cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_logprobs),        cmocka_unit_test(test_text_bytes),
        cmocka_unit_test(test_json_complexity), cmocka_unit_test(test_guided_budgets),
        cmocka_unit_test(test_image_limits),
    };
    const struct CMUnitTest served[] = {
        cmocka_unit_test(test_deadline_in_process),
        cmocka_unit_test(test_deadline_over_http),
        cmocka_unit_test(test_disconnect_cancels),
        cmocka_unit_test(test_slow_and_silent_clients),
    };
    int failed = cmocka_run_group_tests_name("limits", in_process, group_setup, group_teardown);
    failed += cmocka_run_group_tests_name("deadline and connections", served, NULL, NULL);
    return failed;
}
