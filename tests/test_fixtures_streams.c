/* Fixture-driven tests of streamed responses: every case directory under
 * <fixtures>/chat_completions_stream/ and <fixtures>/completions_stream/ is decoded with the SSE
 * decoder (lib/stream/sse.c), folded with the accumulator (lib/stream/accumulate.c) and compared
 * field by field with its expected.json (kinds "chat_stream" / "completion_stream", see the
 * fixtures README): id, model, choices (content / text as exact bytes, reasoning, tool calls,
 * finish_reason, stop_reason, logprobs), usage, termination, in-band error and json_events. Each
 * transcript is fed whole and again one byte at a time. The deltas handed to the callback must
 * add up to the final text, and report each finished choice once.
 *
 * Inline cases in the same normalized form cover what the recorded fixtures do not: logprobs
 * concatenated over chunks, a second terminal chunk, "reasoning" instead of
 * "reasoning_content", repeated tool-call ids, complete "text_completion" objects in the stream,
 * an error-only stream, events after [DONE]. Direct tests cover a non-JSON event, the delta
 * callback's stop value and running out of memory at every allocation. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <genapi/chat.h>
#include <genapi/completions.h>
#include <genapi/logprobs.h>

#include "failing_alloc.h"
#include "fixture_cases.h"
#include "params/param_internal.h"
#include "stream/accumulate.h"
#include "stream/sse.h"
#include "test_support.h"
#include "util/alloc.h"

#define CHAT_DIR "chat_completions_stream"
#define COMPLETION_DIR "completions_stream"

/* ---- per-test state ------------------------------------------------------------------------ */

/* Text the deltas of one choice added up to, and how many deltas finished it. */
typedef struct delta_sum {
    int64_t index;
    char *content, *reasoning;
    size_t content_len, reasoning_len;
    size_t finishes;
    char *finish_reason;
    size_t tool_pieces;
    char *targs[8]; /* per tool call index < 8: the argument pieces of its deltas, joined */
    size_t targs_len[8];
} delta_sum;

/* Everything one test owns, so that the teardown frees it after a failed assertion too. */
typedef struct stream_state {
    fc_case c; /* first (fc_state_new) */
    ga_alloc alloc;
    gacc *acc;
    gsse_decoder sse;
    int sse_live;
    genapi_chat_result *chat;
    genapi_completion_result *cmpl;
    delta_sum *sums;
    size_t n_sums;
    int event_rc; /* first non-zero gacc_event result */
} stream_state;

static void sums_free(stream_state *s)
{
    for (size_t i = 0; i < s->n_sums; i++) {
        free(s->sums[i].content);
        free(s->sums[i].reasoning);
        free(s->sums[i].finish_reason);
        for (size_t k = 0; k < 8; k++)
            free(s->sums[i].targs[k]);
    }
    free(s->sums);
    s->sums = NULL;
    s->n_sums = 0;
}

/* Free what one decoding run made (not the loaded case). */
static void run_free(stream_state *s)
{
    if (s->sse_live)
        gsse_free(&s->sse);
    s->sse_live = 0;
    gacc_free(s->acc);
    s->acc = NULL;
    genapi_chat_result_free(s->chat);
    s->chat = NULL;
    genapi_completion_result_free(s->cmpl);
    s->cmpl = NULL;
    sums_free(s);
    s->event_rc = 0;
}

static int stream_setup(void **state)
{
    if (fc_state_new(state, sizeof(stream_state)) != 0)
        return -1;
    stream_state *s = *state;
    return ga_alloc_resolve(&s->alloc, NULL);
}

static int stream_teardown(void **state)
{
    stream_state *s = *state;
    if (s == NULL)
        return 0;
    run_free(s);
    fc_case_free(&s->c);
    free(s);
    *state = NULL;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------------------ */

static void append(char **dst, size_t *len, const char *src, size_t n)
{
    char *p = realloc(*dst, *len + n + 1);
    assert_non_null(p);
    memcpy(p + *len, src, n);
    *len += n;
    p[*len] = '\0';
    *dst = p;
}

static int on_delta(const gacc_delta *d, void *user)
{
    stream_state *s = user;
    delta_sum *sum = NULL;
    for (size_t i = 0; i < s->n_sums; i++)
        if (s->sums[i].index == d->index)
            sum = &s->sums[i];
    if (sum == NULL) {
        delta_sum *p = realloc(s->sums, (s->n_sums + 1) * sizeof *p);
        assert_non_null(p);
        s->sums = p;
        sum = &s->sums[s->n_sums++];
        memset(sum, 0, sizeof *sum);
        sum->index = d->index;
    }
    if (d->tool_call_index >= 0) {
        /* a piece of a tool call comes alone, and names a call the choice has */
        assert_null(d->content);
        assert_null(d->reasoning);
        assert_null(d->finish_reason);
        sum->tool_pieces++;
        assert_true(d->tool_call_index < 8);
        size_t k = (size_t)d->tool_call_index;
        if (d->tool_call_arguments)
            append(&sum->targs[k], &sum->targs_len[k], d->tool_call_arguments, d->tool_call_arguments_len);
        else if (sum->targs[k] == NULL)
            append(&sum->targs[k], &sum->targs_len[k], "", 0);
        return 0;
    }
    if (d->content == NULL && d->reasoning == NULL && d->finish_reason == NULL)
        fail_msg("a delta for choice %" PRId64 " that adds nothing", d->index);
    if (d->content != NULL)
        append(&sum->content, &sum->content_len, d->content, d->content_len);
    if (d->reasoning != NULL)
        append(&sum->reasoning, &sum->reasoning_len, d->reasoning, d->reasoning_len);
    if (d->finish_reason != NULL) {
        sum->finishes++;
        free(sum->finish_reason);
        sum->finish_reason = strdup(d->finish_reason);
        assert_non_null(sum->finish_reason);
    }
    return 0;
}

static int on_event(const char *data, size_t len, void *user)
{
    stream_state *s = user;
    int rc = gacc_event(s->acc, data, len);
    if (rc != 0 && s->event_rc == 0)
        s->event_rc = rc;
    return rc;
}

/* Decode body fed in pieces of `step` bytes (0: whole) into s->acc. */
static void run_stream(stream_state *s, gacc_kind kind, const char *label, const char *body, size_t len, size_t step)
{
    run_free(s);
    s->acc = gacc_new(&s->alloc, kind, on_delta, s);
    assert_non_null(s->acc);
    gsse_init(&s->sse, &s->alloc, on_event, s);
    s->sse_live = 1;
    int rc = 0;
    if (step == 0) {
        rc = gsse_feed(&s->sse, body, len);
    } else {
        for (size_t i = 0; i < len && rc == 0; i += step)
            rc = gsse_feed(&s->sse, body + i, len - i < step ? len - i : step);
    }
    gsse_free(&s->sse);
    s->sse_live = 0;
    if (rc != 0)
        fail_msg("%s: gsse_feed returned %d (gacc_event: %d)", label, rc, s->event_rc);
}

/* ---- comparison ---------------------------------------------------------------------------- */

/* termination, error and json_events of the accumulator. */
static void check_stream_state(fc_cmp *cx, json_object *exp, const gacc *acc)
{
    const char *label = cx->label;
    FC_WHERE(cx, "termination");
    json_object *t = fc_get_key(exp, "termination");
    if (t == NULL || !json_object_is_type(t, json_type_string))
        fail_msg("%s: expected.json termination is not a string", label);
    const char *term = json_object_get_string(t);
    gacc_state want = GACC_RUNNING;
    if (strcmp(term, "done") == 0)
        want = GACC_DONE;
    else if (strcmp(term, "error") == 0)
        want = GACC_ERROR;
    else if (strcmp(term, "truncated") != 0)
        fail_msg("%s: unknown termination \"%s\"", label, term);
    if (gacc_state_of(acc) != want)
        fail_msg("%s: termination: expected %s (state %d), got state %d", label, term, (int)want,
                 (int)gacc_state_of(acc));

    const char *message = NULL, *type = NULL;
    int64_t code = 0;
    gacc_error(acc, &message, &type, &code);
    json_object *e = fc_get_key(exp, "error");
    if (e == NULL) {
        if (message != NULL || type != NULL || code != 0)
            fail_msg("%s: error: expected null, got \"%s\"", label, message ? message : "(null)");
    } else {
        FC_WHERE(cx, "error.message");
        fc_check_str(cx, fc_get_key(e, "message"), message);
        FC_WHERE(cx, "error.type");
        fc_check_str(cx, fc_get_key(e, "type"), type);
        FC_WHERE(cx, "error.code");
        json_object *ec = fc_get_key(e, "code");
        if (ec == NULL) {
            if (code != 0)
                fail_msg("%s: error.code: expected null (0), got %" PRId64, label, code);
        } else {
            fc_check_int(cx, ec, code);
        }
    }
    if (gacc_failure_of(acc) != GACC_FAIL_NONE)
        fail_msg("%s: gacc_failure_of is %d", label, (int)gacc_failure_of(acc));

    FC_WHERE(cx, "json_events");
    fc_check_int(cx, fc_get_key(exp, "json_events"), (int64_t)gacc_json_events(acc));
}

/* The deltas of choice `index` add up to its text, and finished it once iff it is finished. */
static void check_deltas(const stream_state *s, const char *label, int64_t index, const char *text, size_t text_len,
                         const char *reasoning, size_t reasoning_len, const char *finish_reason)
{
    const delta_sum *sum = NULL;
    for (size_t i = 0; i < s->n_sums; i++)
        if (s->sums[i].index == index)
            sum = &s->sums[i];
    size_t dlen = sum ? sum->content_len : 0;
    if (dlen != text_len || (dlen > 0 && memcmp(sum->content, text, dlen) != 0))
        fail_msg("%s: choice %" PRId64 ": the content deltas do not add up to the text", label, index);
    size_t rlen = sum ? sum->reasoning_len : 0;
    if (rlen != reasoning_len || (rlen > 0 && memcmp(sum->reasoning, reasoning, rlen) != 0))
        fail_msg("%s: choice %" PRId64 ": the reasoning deltas do not add up to the reasoning", label, index);
    size_t finishes = sum ? sum->finishes : 0;
    if (finishes != (finish_reason != NULL ? 1u : 0u))
        fail_msg("%s: choice %" PRId64 ": %zu finishing deltas", label, index, finishes);
    if (finish_reason != NULL && strcmp(sum->finish_reason, finish_reason) != 0)
        fail_msg("%s: choice %" PRId64 ": delta finish_reason \"%s\", result \"%s\"", label, index,
                 sum->finish_reason, finish_reason);
}

/* The tool-call pieces of choice ch's deltas add up to each call's arguments. */
static void check_tool_deltas(const stream_state *s, const char *label, const genapi_chat_choice *ch)
{
    const delta_sum *sum = NULL;
    for (size_t i = 0; i < s->n_sums; i++)
        if (s->sums[i].index == ch->index)
            sum = &s->sums[i];
    for (size_t k = 0; k < ch->tool_call_count; k++) {
        const genapi_tool_call *t = &ch->tool_calls[k];
        assert_true(t->index >= 0 && t->index < 8);
        const char *got = sum ? sum->targs[t->index] : NULL;
        if (got == NULL)
            fail_msg("%s: choice %" PRId64 ": no delta for tool call %" PRId64, label, ch->index, t->index);
        if (strcmp(got, t->arguments ? t->arguments : "") != 0)
            fail_msg("%s: choice %" PRId64 ": tool call %" PRId64 " pieces \"%s\", arguments \"%s\"", label,
                     ch->index, t->index, got, t->arguments ? t->arguments : "(null)");
    }
    if (ch->tool_call_count == 0 && sum && sum->tool_pieces)
        fail_msg("%s: choice %" PRId64 ": tool-call deltas but no tool call", label, ch->index);
}

static void check_tool_calls(fc_cmp *cx, size_t i, json_object *tcs, const genapi_chat_choice *ch)
{
    const char *label = cx->label;
    FC_WHERE(cx, "choices[%zu].tool_calls", i);
    size_t ntc = tcs ? fc_exp_array_len(cx, tcs) : 0; /* missing == null == none */
    if (ch->tool_call_count != ntc)
        fail_msg("%s: %s: expected %zu tool calls, got %zu", label, cx->where, ntc, ch->tool_call_count);
    if (ntc == 0 && ch->tool_calls != NULL)
        fail_msg("%s: %s: tool_calls must be NULL when tool_call_count is 0", label, cx->where);
    if (ntc > 0 && ch->tool_calls == NULL)
        fail_msg("%s: %s: tool_calls is NULL but tool_call_count is %zu", label, cx->where, ntc);
    for (size_t k = 0; k < ntc; k++) {
        json_object *et = json_object_array_get_idx(tcs, k);
        const genapi_tool_call *t = &ch->tool_calls[k];
        FC_WHERE(cx, "choices[%zu].tool_calls[%zu].index", i, k);
        fc_check_int(cx, fc_get_key(et, "index"), t->index);
        FC_WHERE(cx, "choices[%zu].tool_calls[%zu].id", i, k);
        fc_check_str(cx, fc_get_key(et, "id"), t->id);
        FC_WHERE(cx, "choices[%zu].tool_calls[%zu].type", i, k);
        fc_check_str(cx, fc_get_key(et, "type"), t->type);
        FC_WHERE(cx, "choices[%zu].tool_calls[%zu].name", i, k);
        fc_check_str(cx, fc_get_key(et, "name"), t->name);
        FC_WHERE(cx, "choices[%zu].tool_calls[%zu].arguments", i, k);
        fc_check_str(cx, fc_get_key(et, "arguments"), t->arguments);
    }
}

static void check_common(fc_cmp *cx, json_object *exp, int32_t http_status, const char *id, const char *model)
{
    FC_WHERE(cx, "http_status");
    fc_check_int(cx, fc_get_key(exp, "http_status"), http_status);
    FC_WHERE(cx, "id");
    fc_check_str(cx, fc_get_key(exp, "id"), id);
    FC_WHERE(cx, "model");
    fc_check_str(cx, fc_get_key(exp, "model"), model);
}

static void check_chat(const stream_state *s, const char *label, json_object *exp, const genapi_chat_result *r)
{
    fc_cmp cxs;
    fc_cmp *cx = &cxs;
    cx->label = label;
    assert_non_null(r);
    fc_check_struct_size(label, r->struct_size, sizeof *r);
    if (r->internal == NULL)
        fail_msg("%s: internal is NULL", label);
    check_common(cx, exp, r->http_status, r->id, r->model);
    if (r->prompt_logprobs_count != -1)
        fail_msg("%s: prompt_logprobs_count: expected -1, got %" PRId64, label, r->prompt_logprobs_count);
    json_object *choices = fc_expect_choices(cx, exp, r->choice_count, r->choices);
    for (size_t i = 0; i < r->choice_count; i++) {
        json_object *ec = json_object_array_get_idx(choices, i);
        const genapi_chat_choice *ch = &r->choices[i];
        FC_WHERE(cx, "choices[%zu].index", i);
        fc_check_int(cx, fc_get_key(ec, "index"), ch->index);
        if (i > 0 && ch->index <= r->choices[i - 1].index)
            fail_msg("%s: choices are not sorted by index", label);
        /* content: exact bytes; "" when no content delta came */
        FC_WHERE(cx, "choices[%zu].content", i);
        fc_check_str_len(cx, fc_get_key(ec, "content"), ch->content, ch->content_len);
        /* reasoning: "" in the normalized form; NULL in the result when no reasoning delta came */
        FC_WHERE(cx, "choices[%zu].reasoning", i);
        fc_check_str_len(cx, fc_get_key(ec, "reasoning"), ch->reasoning != NULL ? ch->reasoning : "",
                         ch->reasoning_len);
        check_tool_calls(cx, i, fc_get_key(ec, "tool_calls"), ch);
        FC_WHERE(cx, "choices[%zu].finish_reason", i);
        fc_check_str(cx, fc_get_key(ec, "finish_reason"), ch->finish_reason);
        FC_WHERE(cx, "choices[%zu].stop_reason", i);
        fc_check_stop_reason(cx, fc_get_key(ec, "stop_reason"), ch->stop_reason_kind, ch->stop_token,
                             ch->stop_string);
        if (ch->reserved != 0)
            fail_msg("%s: choices[%zu].reserved is %d", label, i, (int)ch->reserved);
        fc_check_logprobs(label, i, fc_get_key(ec, "logprobs"), ch->logprobs, FC_LOGPROBS_CHAT);
        check_deltas(s, label, ch->index, ch->content, ch->content_len, ch->reasoning, ch->reasoning_len,
                     ch->finish_reason);
        check_tool_deltas(s, label, ch);
    }
    fc_check_usage(cx, fc_get_key(exp, "usage"), &r->usage);
}

static void check_completion(const stream_state *s, const char *label, json_object *exp,
                             const genapi_completion_result *r)
{
    fc_cmp cxs;
    fc_cmp *cx = &cxs;
    cx->label = label;
    assert_non_null(r);
    fc_check_struct_size(label, r->struct_size, sizeof *r);
    if (r->internal == NULL)
        fail_msg("%s: internal is NULL", label);
    check_common(cx, exp, r->http_status, r->id, r->model);
    json_object *choices = fc_expect_choices(cx, exp, r->choice_count, r->choices);
    for (size_t i = 0; i < r->choice_count; i++) {
        json_object *ec = json_object_array_get_idx(choices, i);
        const genapi_completion_choice *ch = &r->choices[i];
        FC_WHERE(cx, "choices[%zu].index", i);
        fc_check_int(cx, fc_get_key(ec, "index"), ch->index);
        if (i > 0 && ch->index <= r->choices[i - 1].index)
            fail_msg("%s: choices are not sorted by index", label);
        FC_WHERE(cx, "choices[%zu].text", i);
        fc_check_str_len(cx, fc_get_key(ec, "text"), ch->text, ch->text_len);
        FC_WHERE(cx, "choices[%zu].finish_reason", i);
        fc_check_str(cx, fc_get_key(ec, "finish_reason"), ch->finish_reason);
        FC_WHERE(cx, "choices[%zu].stop_reason", i);
        fc_check_stop_reason(cx, fc_get_key(ec, "stop_reason"), ch->stop_reason_kind, ch->stop_token,
                             ch->stop_string);
        fc_check_logprobs(label, i, fc_get_key(ec, "logprobs"), ch->logprobs, FC_LOGPROBS_COMPLETION);
        if (ch->prompt_logprobs_count != -1)
            fail_msg("%s: choices[%zu].prompt_logprobs_count: expected -1, got %" PRId64, label, i,
                     ch->prompt_logprobs_count);
        check_deltas(s, label, ch->index, ch->text, ch->text_len, NULL, 0, ch->finish_reason);
    }
    fc_check_usage(cx, fc_get_key(exp, "usage"), &r->usage);
}

/* Decode + accumulate body whole and byte by byte; compare each with exp. The result is
 * checked after the accumulator is freed (it owns its storage). */
static void run_and_check(stream_state *s, gacc_kind kind, const char *name, json_object *exp, const char *body,
                          size_t len, int http_status)
{
    fc_check_kind(name, exp, kind == GACC_CHAT ? "chat_stream" : "completion_stream");
    for (size_t step = 0; step <= 1; step++) {
        char label[256];
        snprintf(label, sizeof label, "%s%s", name, step ? " (byte by byte)" : "");
        run_stream(s, kind, label, body, len, step);
        fc_cmp cxs = {label, ""};
        check_stream_state(&cxs, exp, s->acc);
        if (kind == GACC_CHAT) {
            s->chat = gacc_chat_result(s->acc, http_status);
            gacc_free(s->acc);
            s->acc = NULL;
            check_chat(s, label, exp, s->chat);
        } else {
            s->cmpl = gacc_completion_result(s->acc, http_status);
            gacc_free(s->acc);
            s->acc = NULL;
            check_completion(s, label, exp, s->cmpl);
        }
        run_free(s);
    }
}

/* ---- fixture cases ------------------------------------------------------------------------- */

static void run_fixture(void **state, const char *endpoint, gacc_kind kind)
{
    stream_state *s = *state;
    fc_case_load(&s->c, endpoint, s->c.name, FC_LOAD_META);
    json_object *status = fc_get_key(s->c.meta, "status");
    if (status == NULL || !json_object_is_type(status, json_type_int))
        fail_msg("%s: response.meta has no integer status", s->c.name);
    json_object *ct = fc_get_key(s->c.meta, "content_type");
    if (ct == NULL || strncmp(json_object_get_string(ct), "text/event-stream", 17) != 0)
        fail_msg("%s: response.meta content_type is not text/event-stream", s->c.name);
    run_and_check(s, kind, s->c.name, s->c.expected, s->c.body, s->c.body_len, json_object_get_int(status));
}

static void test_chat_case(void **state)
{
    run_fixture(state, CHAT_DIR, GACC_CHAT);
}

static void test_completion_case(void **state)
{
    run_fixture(state, COMPLETION_DIR, GACC_COMPLETION);
}

/* ---- inline cases -------------------------------------------------------------------------- */

typedef struct inline_case {
    const char *name;
    gacc_kind kind;
    const char *body;
    const char *expected;
} inline_case;

static const inline_case inline_cases[] = {
    {"inline/chat_logprobs_tools_second_terminal", GACC_CHAT,
     "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,"
     "\"delta\":{\"role\":\"assistant\"},\"logprobs\":{\"content\":[{\"token\":\"A\",\"logprob\":-0.5,\"bytes\":[65],"
     "\"top_logprobs\":[{\"token\":\"A\",\"logprob\":-0.5},{\"token\":\"B\",\"logprob\":-1.25}]}]}}]}\n\n"
     "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\",\"reasoning\":\"th\"},"
     "\"logprobs\":{\"content\":[{\"token\":\"b\",\"logprob\":-9999.0,\"bytes\":[98],\"top_logprobs\":[]}]},"
     "\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}\n\n"
     ": keep-alive\n\n"
     "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"ink\",\"tool_calls\":[{\"index\":1,"
     "\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}\n\n"
     "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"t1\",\"type\":"
     "\"function\",\"function\":{\"name\":\"f\",\"arguments\":\":1}\"}}]},\"finish_reason\":\"tool_calls\","
     "\"stop_reason\":7}],\"usage\":null}\n\n"
     "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ignored\"},\"finish_reason\":\"stop\"}]}\n\n"
     "data: {\"id\":\"c1\",\"choices\":[{\"index\":2,\"delta\":{}}]}\n\n"
     "data: [DONE]\n\n"
     "data: {\"id\":\"after-done\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n",
     "{\"kind\":\"chat_stream\",\"http_status\":200,\"id\":\"c1\",\"model\":\"m\",\"choices\":["
     "{\"index\":0,\"content\":\"A\",\"reasoning\":\"think\",\"tool_calls\":[{\"index\":1,\"id\":\"t1\",\"type\":"
     "\"function\",\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}],\"finish_reason\":\"tool_calls\",\"stop_reason\":7,"
     "\"logprobs\":{\"count\":2,\"tokens\":[\"A\",\"b\"],\"values\":[-0.5,-9999.0],\"top_counts\":[2,0]}},"
     "{\"index\":2,\"content\":\"\",\"reasoning\":\"\",\"tool_calls\":[],\"finish_reason\":null,\"stop_reason\":null,"
     "\"logprobs\":null}],"
     "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},\"termination\":\"done\","
     "\"error\":null,\"json_events\":6}"},
    {"inline/chat_error_only", GACC_CHAT,
     "data: {\"error\":{\"message\":\"boom\",\"type\":null,\"code\":null}}\r\n\r\ndata: [DONE]\r\n\r\n",
     "{\"kind\":\"chat_stream\",\"http_status\":200,\"id\":null,\"model\":null,\"choices\":[],\"usage\":null,"
     "\"termination\":\"error\",\"error\":{\"message\":\"boom\",\"type\":null,\"code\":null},\"json_events\":1}"},
    {"inline/chat_truncated_mid_line", GACC_CHAT,
     "data: {\"id\":\"c2\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\u00e9\\ud83d\\uddfc\"},"
     "\"finish_reason\":null}]}\r\n\r\ndata: {\"id\":",
     "{\"kind\":\"chat_stream\",\"http_status\":200,\"id\":\"c2\",\"model\":\"m\",\"choices\":[{\"index\":0,"
     "\"content\":\"\\u00e9\\ud83d\\uddfc\",\"reasoning\":\"\",\"tool_calls\":[],\"finish_reason\":null,"
     "\"stop_reason\":null,\"logprobs\":null}],\"usage\":null,\"termination\":\"truncated\",\"error\":null,"
     "\"json_events\":1}"},
    {"inline/completion_logprobs_concatenated", GACC_COMPLETION,
     "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":9,\"model\":\"m\",\"choices\":[{\"index\":0,"
     "\"text\":\" Hi\",\"logprobs\":{\"tokens\":[\" Hi\"],\"token_logprobs\":[null],\"top_logprobs\":[null],"
     "\"text_offset\":[0]},\"finish_reason\":null}],\"usage\":null}\n\n"
     "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":9,\"model\":\"m\",\"choices\":[{\"index\":0,"
     "\"text\":\" there\",\"logprobs\":{\"tokens\":[\" there\",\"!\"],\"token_logprobs\":[-0.25,-9999.0],"
     "\"top_logprobs\":[{\" there\":-0.25,\" here\":-2.0},{\"!\":-9999.0}],\"text_offset\":[3,9]},"
     "\"finish_reason\":\"length\",\"stop_reason\":null}],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,"
     "\"total_tokens\":5}}\n\n"
     "data: [DONE]\n\n",
     "{\"kind\":\"completion_stream\",\"http_status\":200,\"id\":\"cmpl-1\",\"model\":\"m\",\"choices\":[{\"index\":0,"
     "\"text\":\" Hi there\",\"finish_reason\":\"length\",\"stop_reason\":null,\"logprobs\":{\"count\":3,"
     "\"tokens\":[\" Hi\",\" there\",\"!\"],\"values\":[null,-0.25,-9999.0],\"top_counts\":[null,2,1],"
     "\"text_offset\":[0,3,9]}}],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5},"
     "\"termination\":\"done\",\"error\":null,\"json_events\":2}"},
    {"inline/completion_full_object", GACC_COMPLETION,
     "data: {\"id\":\"cmpl-2\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":["
     "{\"index\":1,\"text\":\"b\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":\"\\n\"},"
     "{\"index\":0,\"text\":\"a\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}],"
     "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n"
     "data: [DONE]\n\n",
     "{\"kind\":\"completion_stream\",\"http_status\":200,\"id\":\"cmpl-2\",\"model\":\"m\",\"choices\":["
     "{\"index\":0,\"text\":\"a\",\"finish_reason\":\"length\",\"stop_reason\":null,\"logprobs\":null},"
     "{\"index\":1,\"text\":\"b\",\"finish_reason\":\"stop\",\"stop_reason\":\"\\n\",\"logprobs\":null}],"
     "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5},\"termination\":\"done\","
     "\"error\":null,\"json_events\":1}"},
};

static void test_inline_case(void **state)
{
    stream_state *s = *state;
    const inline_case *ic = NULL;
    for (size_t i = 0; i < sizeof inline_cases / sizeof inline_cases[0]; i++)
        if (strcmp(inline_cases[i].name, s->c.name) == 0)
            ic = &inline_cases[i];
    assert_non_null(ic);
    s->c.expected = ga_json_parse(ic->expected, strlen(ic->expected));
    if (s->c.expected == NULL)
        fail_msg("%s: the inline expected JSON does not parse", ic->name);
    run_and_check(s, ic->kind, ic->name, s->c.expected, ic->body, strlen(ic->body), 200);
}

/* ---- direct tests -------------------------------------------------------------------------- */

static int count_deltas(const gacc_delta *d, void *user)
{
    (void)d;
    size_t *n = user;
    (*n)++;
    return 0;
}

static void test_not_json(void **state)
{
    stream_state *s = *state;
    size_t deltas = 0;
    s->acc = gacc_new(&s->alloc, GACC_CHAT, count_deltas, &deltas);
    assert_non_null(s->acc);
    static const char bad[] = "{\"id\":";
    assert_int_equal(gacc_event(s->acc, bad, sizeof bad - 1), -1);
    assert_int_equal(gacc_failure_of(s->acc), GACC_FAIL_NOT_JSON);
    assert_int_equal(gacc_state_of(s->acc), GACC_ERROR);
    const char *message = NULL, *type = NULL;
    int64_t code = 1;
    gacc_error(s->acc, &message, &type, &code);
    assert_non_null(message);
    assert_string_equal(type, "invalid_json");
    assert_int_equal(code, 0);
    assert_int_equal(gacc_json_events(s->acc), 0);
    /* later events are still applied */
    static const char ok[] = "{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}";
    assert_int_equal(gacc_event(s->acc, ok, sizeof ok - 1), 0);
    assert_int_equal(gacc_failure_of(s->acc), GACC_FAIL_NONE);
    assert_int_equal(gacc_json_events(s->acc), 1);
    assert_int_equal(deltas, 1);
    s->chat = gacc_chat_result(s->acc, 200);
    assert_non_null(s->chat);
    assert_int_equal(s->chat->choice_count, 1);
    assert_string_equal(s->chat->choices[0].content, "hi");
    assert_null(s->chat->choices[0].role);
    assert_null(s->chat->choices[0].reasoning);
    assert_null(s->chat->choices[0].finish_reason);
}

static int stop_at_first(const gacc_delta *d, void *user)
{
    (void)d;
    size_t *n = user;
    (*n)++;
    return 9;
}

static void test_delta_stop(void **state)
{
    stream_state *s = *state;
    size_t calls = 0;
    s->acc = gacc_new(&s->alloc, GACC_COMPLETION, stop_at_first, &calls);
    assert_non_null(s->acc);
    static const char ev[] = "{\"id\":\"x\",\"choices\":[{\"index\":0,\"text\":\"a\"},{\"index\":1,\"text\":\"b\"}]}";
    assert_int_equal(gacc_event(s->acc, ev, sizeof ev - 1), 9);
    assert_int_equal(calls, 1);
    /* the whole event was applied before the callback stopped it */
    s->cmpl = gacc_completion_result(s->acc, 200);
    assert_non_null(s->cmpl);
    assert_int_equal(s->cmpl->choice_count, 2);
    assert_string_equal(s->cmpl->choices[0].text, "a");
    assert_string_equal(s->cmpl->choices[1].text, "b");
    assert_string_equal(s->cmpl->object, "text_completion");
}

/* Event callback of the out-of-memory test: the accumulator, and the first failure. */
typedef struct oom_run {
    gacc *acc;
    int rc;
} oom_run;

static int oom_event(const char *data, size_t len, void *user)
{
    oom_run *o = user;
    int rc = gacc_event(o->acc, data, len);
    if (rc != 0) {
        o->rc = rc;
        assert_int_equal(rc, -1);
        assert_int_equal(gacc_failure_of(o->acc), GACC_FAIL_NOMEM);
        assert_int_equal(gacc_event(o->acc, "[DONE]", 6), -1); /* final */
    }
    return rc;
}

static void test_out_of_memory(void **state)
{
    (void)state;
    const inline_case *ic = &inline_cases[0]; /* every kind of storage: tools, logprobs, two choices */
    fa_counter b = {0}; /* a budget of n allocations, then failures */
    ga_alloc a = FA_HOOKS(&b);
    int succeeded = 0;
    for (size_t n = 0; n < 400 && !succeeded; n++) {
        fa_fail_from(&b, (long)n);
        oom_run o = {gacc_new(&a, GACC_CHAT, NULL, NULL), 0};
        if (o.acc == NULL)
            continue;
        gsse_decoder d;
        gsse_init(&d, &a, oom_event, &o);
        int rc = gsse_feed(&d, ic->body, strlen(ic->body));
        gsse_free(&d);
        if (rc == 0) {
            genapi_chat_result *r = gacc_chat_result(o.acc, 200);
            if (r != NULL) {
                assert_int_equal(r->choice_count, 2);
                assert_string_equal(r->choices[0].tool_calls[0].arguments, "{\"a\":1}");
                assert_int_equal(r->choices[0].logprobs->count, 2);
                succeeded = 1;
            }
            genapi_chat_result_free(r);
        } else {
            assert_int_equal(rc, -1);
        }
        gacc_free(o.acc);
    }
    assert_true(succeeded);
}

/* ---- registration -------------------------------------------------------------------------- */

int main(void)
{
    fc_suite chat, cmpl;
    fc_suite_init(&chat, CHAT_DIR);
    fc_suite_add_present(&chat, "chat_stream_fixtures_present");
    fc_suite_add_cases(&chat, test_chat_case, stream_setup, stream_teardown);
    for (size_t i = 0; i < sizeof inline_cases / sizeof inline_cases[0]; i++) {
        /* initial_state: the case name (fc_state_new) */
        fc_suite_add(&chat, inline_cases[i].name, test_inline_case, stream_setup, stream_teardown);
        if (!chat.oom)
            chat.tests[chat.count - 1].initial_state = (void *)(uintptr_t)inline_cases[i].name;
    }
    fc_suite_add(&chat, "not_json_event", test_not_json, stream_setup, stream_teardown);
    fc_suite_add(&chat, "delta_callback_stop", test_delta_stop, stream_setup, stream_teardown);
    fc_suite_add(&chat, "out_of_memory", test_out_of_memory, NULL, NULL);
    int rc = fc_suite_run(&chat, "fixtures_streams_chat");

    fc_suite_init(&cmpl, COMPLETION_DIR);
    fc_suite_add_present(&cmpl, "completion_stream_fixtures_present");
    fc_suite_add_cases(&cmpl, test_completion_case, stream_setup, stream_teardown);
    rc |= fc_suite_run(&cmpl, "fixtures_streams_completions");
    return rc;
}
