/* Fuzz target: the stream accumulator (lib/stream/accumulate.c) fed the way the client feeds it,
 * through the event-stream decoder.
 *
 * Input: byte 0 = mode, byte 1 = allocation to fail, byte 2 = delta to stop at, then an event
 * stream ("data: {chunk}\n\n" ... "data: [DONE]\n\n"):
 *   mode bit 0: completion chunks (else chat chunks);
 *   mode bit 1: out-of-memory injection at allocation byte 1 (bit 2: that one and every later);
 *   mode bit 3: the delta callback stops the stream at delta byte 2;
 *   mode bit 4: the typed result is also built after every event (as a cancel mid-stream does).
 * Every delta and the final typed result are read whole (fuzz_walk.h) and serialized again with
 * genapi_*_result_to_json; the result must be parseable JSON. Without a stop or an injected
 * failure, the content and reasoning the deltas of choices 0..3 handed over add up to the final
 * result's. */
#include <json-c/json.h>

#include "fuzz_common.h"
#include "fuzz_walk.h"
#include "stream/accumulate.h"
#include "stream/sse.h"

typedef struct ctx {
    gacc *acc;
    gacc_kind kind;
    unsigned stop_at; /* 1-based delta number, 0: never */
    unsigned deltas;
    int snapshot;     /* build the result after every event */
    int exact;        /* no stop and no injected failure: the deltas must add up to the result */
    ga_buf text[4], reasoning[4]; /* what the deltas of choices 0..3 added */
    size_t sum;
} ctx;

static void check_result(ctx *c, int final)
{
    if (c->kind == GACC_CHAT) {
        genapi_chat_result *r = gacc_chat_result(c->acc, 200);
        if (r == NULL)
            return; /* out of memory */
        c->sum += fz_walk_chat(r);
        for (size_t i = 0; final && c->exact && i < r->choice_count; i++) {
            const genapi_chat_choice *ch = &r->choices[i];
            if (ch->index < 0 || ch->index >= 4)
                continue;
            const ga_buf *t = &c->text[ch->index], *rs = &c->reasoning[ch->index];
            FZ_CHECK(ch->content_len == t->len && (t->len == 0 || memcmp(ch->content, t->data, t->len) == 0));
            /* Reasoning is counted like content: a NUL a server escaped into it is kept. */
            FZ_CHECK(ch->reasoning_len == rs->len && (rs->len == 0 || memcmp(ch->reasoning, rs->data, rs->len) == 0));
        }
        char *json = NULL;
        if (final && genapi_chat_result_to_json(r, &json, NULL) == GENAPI_OK) {
            json_object *o = json_tokener_parse(json);
            FZ_CHECK(o != NULL);
            json_object_put(o);
            genapi_chat_result_string_free(r, json);
        }
        genapi_chat_result_free(r);
    } else {
        genapi_completion_result *r = gacc_completion_result(c->acc, 200);
        if (r == NULL)
            return;
        c->sum += fz_walk_completion(r);
        for (size_t i = 0; final && c->exact && i < r->choice_count; i++) {
            const genapi_completion_choice *ch = &r->choices[i];
            if (ch->index < 0 || ch->index >= 4)
                continue;
            const ga_buf *t = &c->text[ch->index];
            FZ_CHECK(ch->text_len == t->len && (t->len == 0 || memcmp(ch->text, t->data, t->len) == 0));
        }
        char *json = NULL;
        if (final && genapi_completion_result_to_json(r, &json, NULL) == GENAPI_OK) {
            json_object *o = json_tokener_parse(json);
            FZ_CHECK(o != NULL);
            json_object_put(o);
            genapi_completion_result_string_free(r, json);
        }
        genapi_completion_result_free(r);
    }
}

static int on_delta(const gacc_delta *d, void *user)
{
    ctx *c = user;
    c->sum += fz_bytes(d->content, d->content_len) + fz_bytes(d->reasoning, d->reasoning_len) +
              fz_str(d->finish_reason) + fz_str(d->stop_string);
    c->deltas++;
    if (d->index >= 0 && d->index < 4) {
        if (d->content_len > 0)
            ga_buf_append(&c->text[d->index], d->content, d->content_len);
        if (d->reasoning_len > 0)
            ga_buf_append(&c->reasoning[d->index], d->reasoning, d->reasoning_len);
    }
    return c->stop_at != 0 && c->deltas == c->stop_at ? 1 : 0;
}

static int on_event(const char *data, size_t len, void *user)
{
    ctx *c = user;
    int rc = gacc_event(c->acc, data, len);
    FZ_CHECK(rc == 0 || rc == 1 || rc == -1);
    if (rc == -1)
        FZ_CHECK(gacc_failure_of(c->acc) != GACC_FAIL_NONE);
    /* An event with a field of the wrong type ends the stream as a failure and tells the caller
     * of none of its deltas, but the pieces read before the bad field are already in the
     * (partial) result: from then on the deltas need not add up to it. */
    if (rc == -1 && gacc_failure_of(c->acc) == GACC_FAIL_TYPE)
        c->exact = 0;
    if (c->snapshot)
        check_result(c, 0);
    return rc == 1 ? 1 : 0; /* a non-JSON event does not end the stream, as in the client */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_touch();
    fz_walk_touch();
    fz_input in = {data, size};
    uint8_t mode = fz_byte(&in), fail_at = fz_byte(&in), stop_at = fz_byte(&in);
    ctx c = {0};
    c.kind = (mode & 1) ? GACC_COMPLETION : GACC_CHAT;
    c.stop_at = (mode & 8) ? stop_at : 0;
    c.snapshot = (mode & 16) != 0;
    c.exact = (mode & (8 | 2)) == 0;
    ga_alloc plain;
    ga_alloc_resolve(&plain, NULL);
    for (int i = 0; i < 4; i++) {
        ga_buf_init(&c.text[i], &plain);
        ga_buf_init(&c.reasoning[i], &plain);
    }

    fz_fail_reset((mode & 2) ? fail_at : -1, (mode & 4) != 0);
    c.acc = gacc_new(&fz_ga_alloc, c.kind, on_delta, &c);
    if (c.acc == NULL) {
        fz_fail_reset(-1, 0);
        return 0;
    }
    gsse_decoder d;
    gsse_init(&d, &plain, on_event, &c);
    gsse_feed(&d, (const char *)in.p, in.n);
    gsse_free(&d);

    gacc_state st = gacc_state_of(c.acc);
    FZ_CHECK(st == GACC_RUNNING || st == GACC_DONE || st == GACC_ERROR);
    if (st == GACC_ERROR) {
        const char *msg = NULL, *type = NULL;
        int64_t code = 0;
        gacc_error(c.acc, &msg, &type, &code);
        c.sum += fz_str(msg) + fz_str(type);
    }
    check_result(&c, 1);
    gacc_free(c.acc);
    fz_fail_reset(-1, 0);
    for (int i = 0; i < 4; i++) {
        ga_buf_free(&c.text[i]);
        ga_buf_free(&c.reasoning[i]);
    }
    return c.sum == 1 ? 0 : 0;
}
