/*
 * The client's own CPU cost beside a bare json-c parse of the same bytes, measured in the same
 * run (no network, no server):
 *
 *   P2a  validate + serialize a chat request with every text parameter set
 *        (genapi_chat_request_to_json) beside json_tokener_parse_ex of the body it produces;
 *   P2b  parse a typical chat response into the typed result (genapi_chat_result_parse, then
 *        genapi_chat_result_free) beside the bare parse (and json_object_put) of the same body;
 *   P3   SSE decode + accumulation of 100,000 realistic chat chunks (the stream fed in 1,400-byte
 *        pieces to the SSE decoder, each event folded by the accumulator, the typed result built
 *        at the end) beside the bare parse of the 100,000 payloads.
 *
 * The bare parse reuses one json_tokener (json_tokener_reset between documents), the cheapest
 * way to use json-c. The two sides are interleaved finely (P2 in batches of 500 calls, P3 in
 * 20 slices of the stream, the order alternating), so both see the same machine conditions;
 * the report gives per-operation medians over the rounds and the median of the per-round
 * ratios. Goals: P2b <= 1.5x, P3 <= 1.2x; P2a is reported. "TABLE|" lines feed run_all.sh.
 *
 * Usage: bench_client [rounds]    (default 7)
 */
#include <genapi/genapi.h>

#include "stream/accumulate.h"
#include "stream/sse.h"
#include "util/alloc.h"

#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define P2_ITERS 20000
#define P2_BATCH 500
#define P3_CHUNKS 100000
#define P3_PIECE 1400

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static void die(const char *what, const genapi_error *e)
{
    fprintf(stderr, "bench_client: %s: %s\n", what, e ? e->message : "failed");
    exit(1);
}

/* ---- the bare parse ------------------------------------------------------------------------ */

static json_tokener *TOK;

static void bare_parse(const char *s, size_t len)
{
    json_tokener_reset(TOK);
    json_object *o = json_tokener_parse_ex(TOK, s, (int)len);
    if (!o || json_tokener_get_error(TOK) != json_tokener_success) {
        fprintf(stderr, "bench_client: bare parse failed\n");
        exit(1);
    }
    json_object_put(o);
}

/* ---- P2a: every parameter ------------------------------------------------------------------ */

static const char *const STR_ITEMS[] = {"alpha", "beta"};
static const int64_t INT_ITEMS[] = {1, 2};
static const int64_t ALL_SAMPLERS[] = {7, 6, 8, 5, 9, 0, 1, 2, 3, 10, 11, 4, 12, 13};
static const genapi_intlist SEQS[] = {{INT_ITEMS, 2}, {INT_ITEMS, 1}};
static const genapi_token_bias BIASES[] = {{5, 1.5}, {17, -2.0}};
static const genapi_token_ban_range RANGES[] = {{{INT_ITEMS, 2}, 0, 3}};

#define FIELD(s, d, type) ((type *)(void *)((char *)(s) + (d)->offset))

/* A valid value for parameter d. */
static void set_valid(const genapi_param_desc *d, genapi_text_params *p)
{
    const int has_lo = (d->range_flags & (GENAPI_RANGE_MIN | GENAPI_RANGE_MIN_OPEN)) != 0;
    const int has_hi = (d->range_flags & (GENAPI_RANGE_MAX | GENAPI_RANGE_MAX_OPEN)) != 0;
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_DOUBLE:
        *FIELD(p, d, double) = d->choices ? strtod(d->choices, NULL)
                               : has_lo && has_hi ? (d->min + d->max) / 2
                               : has_lo           ? d->min + 1
                                                  : 1.0;
        break;
    case GENAPI_PK_INT: {
        int64_t v = d->choices ? strtoll(d->choices, NULL, 10)
                    : has_lo && has_hi ? (int64_t)((d->min + d->max) / 2)
                    : has_lo           ? (int64_t)d->min + 1
                                       : 42;
        if ((d->range_flags & GENAPI_RANGE_NONZERO) && v == 0)
            v = 1;
        *FIELD(p, d, int64_t) = v;
        break;
    }
    case GENAPI_PK_BOOL:
        *FIELD(p, d, int32_t) = 1;
        break;
    case GENAPI_PK_ENUM:
        *FIELD(p, d, int32_t) = 0;
        break;
    case GENAPI_PK_STRING:
        *FIELD(p, d, const char *) = strcmp(d->json_name, "model") == 0 ? "Mistral-Nemo-12B-Instruct-2407" : "abc";
        break;
    case GENAPI_PK_JSON:
        *FIELD(p, d, const char *) = strcmp(d->json_name, "logits_processors") == 0 ? "[]" : "{\"k\":1}";
        break;
    case GENAPI_PK_STRLIST:
        *FIELD(p, d, genapi_strlist) = (genapi_strlist){STR_ITEMS, 2};
        break;
    case GENAPI_PK_INTLIST:
        *FIELD(p, d, genapi_intlist) = (genapi_intlist){INT_ITEMS, 2};
        break;
    case GENAPI_PK_SAMPLERS:
        *FIELD(p, d, genapi_intlist) = (genapi_intlist){ALL_SAMPLERS, 14};
        break;
    case GENAPI_PK_INTLISTS:
        *FIELD(p, d, genapi_intlists) = (genapi_intlists){SEQS, 2};
        break;
    case GENAPI_PK_BIAS:
        *FIELD(p, d, genapi_token_biases) = (genapi_token_biases){BIASES, 2};
        break;
    case GENAPI_PK_BANRANGES:
        *FIELD(p, d, genapi_token_ban_ranges) = (genapi_token_ban_ranges){RANGES, 1};
        break;
    }
}

/* Every parameter set; those the validator rejects in combination are unset again (printed). */
static size_t all_params(genapi_text_params *p)
{
    size_t n;
    const genapi_param_desc *d = genapi_text_param_table(&n);
    genapi_text_params_init(p, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        set_valid(&d[i], p);
        genapi_text_params_mark(p, (genapi_text_param_id)i, 1);
    }
    size_t set = n;
    for (int tries = 0; tries < (int)n; tries++) {
        genapi_error e;
        if (genapi_text_params_validate(p, &e) == GENAPI_OK)
            break;
        const genapi_param_desc *bad = e.param[0] ? genapi_text_param_find(e.param) : NULL;
        if (!bad)
            die("every parameter set: rejected without a field", &e);
        printf("  (left unset: %s: %s)\n", bad->json_name, e.message);
        genapi_text_params_mark(p, (genapi_text_param_id)bad->index, 0);
        set--;
    }
    return set;
}

/* ---- P3: a realistic stream ---------------------------------------------------------------- */

static const char *const WORDS[] = {" the", " capital", " of", " Australia", " is", " Canberra", ".",
                                    " It", " was", " chosen", " in", " 1908", " as", " a", " compromise",
                                    " between", " Sydney", " and", " Melbourne", ",", " Sure", "!", " Here",
                                    "'s", " café", " — ", " \\\"quoted\\\"", "\\n"};
#define N_WORDS (sizeof WORDS / sizeof WORDS[0])

typedef struct stream {
    char *bytes;
    size_t len;
    const char **payload; /* each event's JSON, for the bare parse */
    size_t *payload_len;
    size_t events;
} stream;

static stream make_stream(size_t chunks)
{
    stream s;
    s.bytes = malloc(chunks * 360 + 1024);
    s.payload = malloc((chunks + 2) * sizeof *s.payload);
    s.payload_len = malloc((chunks + 2) * sizeof *s.payload_len);
    if (!s.bytes || !s.payload || !s.payload_len)
        exit(1);
    s.len = 0;
    s.events = 0;
    const char *head = "{\"id\":\"chatcmpl-a8ffd1b22c61f5fe151cbb467a10c534\",\"object\":\"chat.completion.chunk\","
                       "\"created\":1764080001,\"model\":\"Mistral-Nemo-12B-Instruct-2407\",\"choices\":[{\"index\":0,";
    for (size_t i = 0; i < chunks; i++) {
        char ev[512];
        int n;
        if (i == 0)
            n = snprintf(ev, sizeof ev,
                         "%s\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],"
                         "\"prompt_token_ids\":null}",
                         head);
        else if (i + 1 == chunks)
            n = snprintf(ev, sizeof ev,
                         "%s\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,"
                         "\"token_ids\":null}],\"usage\":{\"prompt_tokens\":23,\"total_tokens\":%zu,"
                         "\"completion_tokens\":%zu}}",
                         head, chunks + 22, chunks - 1);
        else
            n = snprintf(ev, sizeof ev,
                         "%s\"delta\":{\"content\":\"%s\"},\"logprobs\":null,\"finish_reason\":null,\"token_ids\":null}]}",
                         head, WORDS[(i * 7919) % N_WORDS]);
        memcpy(s.bytes + s.len, "data: ", 6);
        s.len += 6;
        s.payload[s.events] = s.bytes + s.len;
        s.payload_len[s.events++] = (size_t)n;
        memcpy(s.bytes + s.len, ev, (size_t)n);
        s.len += (size_t)n;
        memcpy(s.bytes + s.len, "\n\n", 2);
        s.len += 2;
    }
    memcpy(s.bytes + s.len, "data: [DONE]\n\n", 14);
    s.len += 14;
    return s;
}

static int on_event(const char *data, size_t len, void *user)
{
    return gacc_event((gacc *)user, data, len) < 0 ? 1 : 0;
}

/* One pass over the stream, interleaved in SLICES slices of bytes: the client decodes and
 * accumulates a slice, then the bare parse takes the payloads that start in it (the order
 * alternates), so both sides see the same machine conditions. Times in seconds. */
#define SLICES 20
static void p3_run(const ga_alloc *a, const stream *s, int flip, double *client_s, double *bare_s,
                   size_t *content_len)
{
    double tc = 0.0, tb = 0.0;
    double t0 = now_s();
    gacc *acc = gacc_new(a, GACC_CHAT, NULL, NULL);
    gsse_decoder d;
    gsse_init(&d, a, on_event, acc);
    tc += now_s() - t0;
    size_t ev = 0;
    for (int k = 0; k < SLICES; k++) {
        size_t lo = s->len * (size_t)k / SLICES, hi = s->len * (size_t)(k + 1) / SLICES;
        for (int side = 0; side < 2; side++) {
            if ((side == 0) == ((k + flip) % 2 == 0)) {
                t0 = now_s();
                for (size_t off = lo; off < hi; off += P3_PIECE)
                    if (gsse_feed(&d, s->bytes + off, hi - off < P3_PIECE ? hi - off : P3_PIECE) != 0) {
                        fprintf(stderr, "bench_client: SSE decoding failed\n");
                        exit(1);
                    }
                tc += now_s() - t0;
            } else {
                t0 = now_s();
                for (; ev < s->events && (size_t)(s->payload[ev] - s->bytes) < hi; ev++)
                    bare_parse(s->payload[ev], s->payload_len[ev]);
                tb += now_s() - t0;
            }
        }
    }
    t0 = now_s();
    genapi_chat_result *r = gacc_chat_result(acc, 200);
    tc += now_s() - t0;
    if (!r || ev != s->events || gacc_state_of(acc) != GACC_DONE || r->choice_count != 1 ||
        gacc_json_events(acc) != s->events) {
        fprintf(stderr, "bench_client: the stream did not accumulate\n");
        exit(1);
    }
    *content_len = r->choices[0].content_len;
    genapi_chat_result_free(r);
    gsse_free(&d);
    gacc_free(acc);
    *client_s = tc;
    *bare_s = tb;
}

/* ---- the run ------------------------------------------------------------------------------- */

static const char *const CHAT_RESPONSE =
    "{\"id\":\"chatcmpl-4c54371370db3c953f1b3b9cf4a10b18\",\"object\":\"chat.completion\",\"created\":1764079201,"
    "\"model\":\"Mistral-Nemo-12B-Instruct-2407\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
    "\"content\":\"The capital of Australia is Canberra. It was chosen in 1908 as a compromise between Sydney and "
    "Melbourne.\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_calls\":[],"
    "\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":null,\"token_ids\":null}],"
    "\"service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":23,\"total_tokens\":49,"
    "\"completion_tokens\":26,\"prompt_tokens_details\":null},\"prompt_logprobs\":null,\"prompt_token_ids\":null,"
    "\"kv_transfer_params\":null}";

static void table_row(const char *metric, double ours_us, double base_us, const char *unit, double ratio,
                      const char *goal, double limit)
{
    printf("TABLE|%s|%.2f %s|bare json-c parse %.2f %s|%.3f|%s|%s\n", metric, ours_us, unit, base_us, unit, ratio,
           goal, limit <= 0.0 ? "yes" : ratio <= limit ? "yes" : "NO");
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 7;
    if (rounds < 1 || rounds > 100)
        rounds = 7;
    TOK = json_tokener_new();
    genapi_client_config cc;
    genapi_client_config_init(&cc, sizeof cc);
    cc.ignore_environment = 1;
    cc.base_url = "http://127.0.0.1:9"; /* never contacted */
    genapi_client *client = NULL;
    genapi_error e;
    if (!TOK || genapi_client_new(&cc, &client, &e) != GENAPI_OK)
        die("client", &e);
    ga_alloc A;
    ga_alloc_resolve(&A, NULL);

    genapi_text_params params;
    printf("bench_client: %d rounds\n", rounds);
    size_t nset = all_params(&params);
    const genapi_chat_message msgs[] = {
        {.role = "system", .content = "You are a helpful assistant."},
        {.role = "user", .content = "What is the capital of Australia? Answer in one sentence."},
    };
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = msgs;
    req.message_count = 2;
    req.params = &params;
    char *body = NULL;
    if (genapi_chat_request_to_json(client, &req, &body, &e) != GENAPI_OK)
        die("request with every parameter", &e);
    const size_t body_len = strlen(body);
    printf("P2a request: %zu parameters set, body %zu bytes\n", nset, body_len);
    const size_t resp_len = strlen(CHAT_RESPONSE);
    stream s = make_stream(P3_CHUNKS);
    printf("P3 stream: %zu events, %zu bytes, fed in %d-byte pieces\n", s.events, s.len, P3_PIECE);

    double *r2a = malloc(sizeof(double) * (size_t)rounds * 9), *r2b = r2a + rounds, *r3 = r2b + rounds;
    double *t2a = r3 + rounds, *b2a = t2a + rounds, *t2b = b2a + rounds, *b2b = t2b + rounds;
    double *t3 = b2b + rounds, *b3 = t3 + rounds;
    if (!r2a)
        return 1;
    size_t content_len = 0;
    for (int r = 0; r < rounds; r++) {
        /* P2: batches of P2_BATCH, the two sides alternating */
        double sa = 0, sb = 0, pa = 0, pb = 0;
        for (int k = 0; k < P2_ITERS / P2_BATCH; k++) {
            for (int side = 0; side < 2; side++) {
                double t0 = now_s();
                if ((side == 0) == ((k + r) % 2 == 0)) {
                    for (int i = 0; i < P2_BATCH; i++) {
                        char *j = NULL;
                        if (genapi_chat_request_to_json(client, &req, &j, &e) != GENAPI_OK)
                            die("serialize", &e);
                        genapi_free(genapi_client_allocator(client), j);
                    }
                    sa += now_s() - t0;
                    t0 = now_s();
                    for (int i = 0; i < P2_BATCH; i++) {
                        genapi_chat_result *res = NULL;
                        if (genapi_chat_result_parse(client, CHAT_RESPONSE, resp_len, &res, &e) != GENAPI_OK)
                            die("parse", &e);
                        genapi_chat_result_free(res);
                    }
                    pa += now_s() - t0;
                } else {
                    for (int i = 0; i < P2_BATCH; i++)
                        bare_parse(body, body_len);
                    sb += now_s() - t0;
                    t0 = now_s();
                    for (int i = 0; i < P2_BATCH; i++)
                        bare_parse(CHAT_RESPONSE, resp_len);
                    pb += now_s() - t0;
                }
            }
        }
        t2a[r] = sa / P2_ITERS * 1e6;
        b2a[r] = sb / P2_ITERS * 1e6;
        t2b[r] = pa / P2_ITERS * 1e6;
        b2b[r] = pb / P2_ITERS * 1e6;
        double c3, bb3;
        p3_run(&A, &s, r % 2, &c3, &bb3, &content_len);
        t3[r] = c3 * 1e3;
        b3[r] = bb3 * 1e3;
        r2a[r] = t2a[r] / b2a[r];
        r2b[r] = t2b[r] / b2b[r];
        r3[r] = t3[r] / b3[r];
        printf("round %d: P2a %.2f / %.2f us (%.3f)  P2b %.2f / %.2f us (%.3f)  P3 %.1f / %.1f ms (%.3f)\n", r + 1,
               t2a[r], b2a[r], r2a[r], t2b[r], b2b[r], r2b[r], t3[r], b3[r], r3[r]);
    }
    double m2a = median(r2a, rounds), m2b = median(r2b, rounds), m3 = median(r3, rounds);
    double mt2a = median(t2a, rounds), mb2a = median(b2a, rounds), mt2b = median(t2b, rounds),
           mb2b = median(b2b, rounds), mt3 = median(t3, rounds), mb3 = median(b3, rounds);
    printf("\nmedians (ratio = median of the per-round ratios)\n");
    printf("P2a validate + serialize, every parameter: %.2f us vs bare parse of the body %.2f us: %.3fx\n", mt2a,
           mb2a, m2a);
    printf("P2b parse a chat response:                 %.2f us vs bare parse %.2f us: %.3fx (goal <= 1.5)\n", mt2b,
           mb2b, m2b);
    printf("P3 SSE decode + accumulate, %zu chunks: %.1f ms vs bare parse of the payloads %.1f ms: %.3fx "
           "(goal <= 1.2); %zu content bytes\n",
           s.events, mt3, mb3, m3, content_len);
    char metric[128];
    snprintf(metric, sizeof metric, "P2a validate + serialize a chat request (%zu parameters)", nset);
    table_row(metric, mt2a, mb2a, "µs", m2a, "report", 0.0);
    table_row("P2b parse a chat response", mt2b, mb2b, "µs", m2b, "≤ 1.5", 1.5);
    table_row("P3 SSE decode + accumulate 100k chunks", mt3, mb3, "ms", m3, "≤ 1.2", 1.2);
    free(r2a);
    free(s.bytes);
    free(s.payload);
    free(s.payload_len);
    genapi_free(genapi_client_allocator(client), body);
    genapi_client_free(client);
    json_tokener_free(TOK);
    return 0;
}
