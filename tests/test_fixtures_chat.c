/* Fixture-driven tests of the chat completion parser (genapi_chat_result_parse) and of its
 * re-serialization (genapi_chat_result_to_json). Every case directory under
 * <fixtures>/chat_completions/ becomes one test; its expected.json (normalized form, see the
 * fixtures README) is compared field by field with the typed result, logprobs included. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <genapi/chat.h>
#include <genapi/client.h>
#include <genapi/logprobs.h>

#include "fixture_cases.h"
#include "test_support.h"

#define CHAT_DIR "chat_completions"

/* ---- comparison ---------------------------------------------------------------------------- */

static void check_choice(const char *label, size_t i, json_object *exp, const genapi_chat_choice *ch)
{
    fc_cmp cxs;
    fc_cmp *cx = &cxs;
    cx->label = label;

    FC_WHERE(cx, "choices[%zu].index", i);
    fc_check_int(cx, fc_get_key(exp, "index"), ch->index);

    FC_WHERE(cx, "choices[%zu].role", i);
    fc_check_str(cx, fc_get_key(exp, "role"), ch->role);

    /* content: exact bytes; "" and null differ */
    FC_WHERE(cx, "choices[%zu].content", i);
    fc_check_str_len(cx, fc_get_key(exp, "content"), ch->content, ch->content_len);

    FC_WHERE(cx, "choices[%zu].reasoning", i);
    fc_check_str_len(cx, fc_get_key(exp, "reasoning"), ch->reasoning, ch->reasoning_len);

    FC_WHERE(cx, "choices[%zu].finish_reason", i);
    fc_check_str(cx, fc_get_key(exp, "finish_reason"), ch->finish_reason);

    FC_WHERE(cx, "choices[%zu].stop_reason", i);
    fc_check_stop_reason(cx, fc_get_key(exp, "stop_reason"), ch->stop_reason_kind, ch->stop_token, ch->stop_string);

    FC_WHERE(cx, "choices[%zu].tool_calls", i);
    json_object *tcs = fc_get_key(exp, "tool_calls");
    size_t ntc = tcs ? fc_exp_array_len(cx, tcs) : 0; /* missing == null == none */
    if (ch->tool_call_count != ntc)
        fail_msg("%s: %s: expected %zu tool calls, got %zu", label, cx->where, ntc, ch->tool_call_count);
    if (ntc == 0) {
        if (ch->tool_calls != NULL)
            fail_msg("%s: %s: tool_calls must be NULL when tool_call_count is 0", label, cx->where);
    } else if (ch->tool_calls == NULL) {
        fail_msg("%s: %s: tool_calls is NULL but tool_call_count is %zu", label, cx->where, ch->tool_call_count);
    }
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
    /* values are [float] for chat; a null is still accepted as "has_logprob == 0" */
    fc_check_logprobs(label, i, fc_get_key(exp, "logprobs"), ch->logprobs, FC_LOGPROBS_CHAT);

    /* "token_ids" has no typed field in genapi_chat_choice: not compared. */
}

/* check_result compares prompt_logprobs_count with want_plc (see expected_prompt_logprobs_count). */
static void check_result(const char *label, json_object *exp, int64_t want_plc, const genapi_chat_result *r)
{
    fc_cmp cxs;
    fc_cmp *cx = &cxs;
    cx->label = label;
    assert_non_null(r);

    FC_WHERE(cx, "struct_size");
    fc_check_struct_size(label, r->struct_size, sizeof *r);

    fc_check_envelope(cx, exp, r->http_status, r->id, r->model, r->created);

    json_object *choices = fc_expect_choices(cx, exp, r->choice_count, r->choices);
    for (size_t i = 0; i < r->choice_count; i++)
        check_choice(label, i, json_object_array_get_idx(choices, i), &r->choices[i]);

    if (r->prompt_logprobs_count != want_plc)
        fail_msg("%s: prompt_logprobs_count: expected %" PRId64 ", got %" PRId64, label, want_plc,
                 r->prompt_logprobs_count);

    fc_check_usage(cx, fc_get_key(exp, "usage"), &r->usage);
}

/* Expected genapi_chat_result::prompt_logprobs_count. The "chat" kind of expected.json has no
 * such key, so unless a fixture adds "prompt_logprobs_count" (int, or null => -1) it is derived
 * from the body itself: the length of its top-level "prompt_logprobs" array, -1 when that is
 * missing or null. */
static int64_t expected_prompt_logprobs_count(const fc_case *c)
{
    json_object *v = NULL;
    if (json_object_object_get_ex(c->expected, "prompt_logprobs_count", &v)) {
        if (v == NULL)
            return -1;
        if (!json_object_is_type(v, json_type_int))
            fail_msg("%s: expected.json prompt_logprobs_count is neither int nor null", c->name);
        return json_object_get_int64(v);
    }
    json_tokener *tok = json_tokener_new();
    assert_non_null(tok);
    json_object *root = json_tokener_parse_ex(tok, c->body, (int)c->body_len);
    json_tokener_free(tok);
    if (root == NULL)
        fail_msg("%s: response.body is not JSON (cannot derive prompt_logprobs_count)", c->name);
    int64_t n = -1;
    if (json_object_object_get_ex(root, "prompt_logprobs", &v) && json_object_is_type(v, json_type_array))
        n = (int64_t)json_object_array_length(v);
    json_object_put(root);
    return n;
}

/* ---- per-case test ------------------------------------------------------------------------ */

static genapi_status parse(genapi_client *client, const char *body, size_t body_len, void **out, genapi_error *err)
{
    genapi_chat_result *r = NULL;
    genapi_status st = genapi_chat_result_parse(client, body, body_len, &r, err);
    *out = r;
    return st;
}

static void free_result(void *r)
{
    genapi_chat_result_free(r);
}

static void check(const fc_case *c, const char *label, const void *r)
{
    check_result(label, c->expected, expected_prompt_logprobs_count(c), r);
}

/* ---- round trip ---------------------------------------------------------------------------- */

/* Everything the round trip allocates lives here, so the teardown frees it even when an
 * assertion fails half-way (cmocka longjmps out of the test). */
typedef struct test_state {
    fc_case c; /* first member (fc_state_new) */
    fc_case_list cases;
    genapi_client *client;
    genapi_chat_result *first, *second;
    char *json; /* from genapi_chat_result_to_json(first) */
} test_state;

static void release_iteration(test_state *ts)
{
    if (ts->json)
        genapi_chat_result_string_free(ts->first, ts->json);
    ts->json = NULL;
    genapi_chat_result_free(ts->second);
    ts->second = NULL;
    genapi_chat_result_free(ts->first);
    ts->first = NULL;
    fc_case_free(&ts->c);
}

static int setup_state(void **state)
{
    return fc_state_new(state, sizeof(test_state));
}

static int teardown_state(void **state)
{
    test_state *ts = *state;
    if (ts == NULL)
        return 0;
    release_iteration(ts);
    genapi_client_free(ts->client);
    fc_free_cases(&ts->cases);
    free(ts);
    *state = NULL;
    return 0;
}

/* Round trip: parse, re-serialize with genapi_chat_result_to_json, parse that again; the second
 * result must still match expected.json in every compared field. Runs over every case. */
static void test_chat_roundtrip(void **state)
{
    test_state *ts = *state;
    const char *fx = ts_fixtures_dir();
    ts->cases = fc_list_cases(fx, CHAT_DIR);
    assert_true(ts->cases.count > 0);
    ts->client = fc_new_client();
    for (size_t i = 0; i < ts->cases.count; i++) {
        const char *name = ts->cases.names[i];
        char label[300];
        snprintf(label, sizeof label, "%s (round trip)", name);
        fc_case_load(&ts->c, CHAT_DIR, name, 0);

        genapi_error err;
        genapi_status st = genapi_chat_result_parse(ts->client, ts->c.body, ts->c.body_len, &ts->first, &err);
        if (st != GENAPI_OK)
            fail_msg("%s: first parse failed: %d %s", label, (int)st, err.message);

        st = genapi_chat_result_to_json(ts->first, &ts->json, &err);
        if (st != GENAPI_OK)
            fail_msg("%s: genapi_chat_result_to_json failed: %d %s", label, (int)st, err.message);
        assert_non_null(ts->json);

        st = genapi_chat_result_parse(ts->client, ts->json, strlen(ts->json), &ts->second, &err);
        if (st != GENAPI_OK)
            fail_msg("%s: re-parse failed: %d %s\n%s", label, (int)st, err.message, ts->json);

        check_result(label, ts->c.expected, expected_prompt_logprobs_count(&ts->c), ts->second);
        /* the object string survives too */
        const char *o1 = ts->first->object, *o2 = ts->second->object;
        if ((o1 == NULL) != (o2 == NULL) || (o1 && strcmp(o1, o2) != 0))
            fail_msg("%s: object: \"%s\" became \"%s\"", label, o1 ? o1 : "(null)", o2 ? o2 : "(null)");

        release_iteration(ts);
    }
}

int main(void)
{
    static const fc_parser parser = {"genapi_chat_result_parse", parse, free_result, check};
    fc_suite s;
    fc_suite_init(&s, CHAT_DIR);
    fc_suite_add_present(&s, "chat_fixtures_present");
    fc_suite_add_parse_cases(&s, &parser);
    fc_suite_add(&s, "chat_roundtrip_all_fixtures", test_chat_roundtrip, setup_state, teardown_state);
    return fc_suite_run(&s, "fixtures_chat");
}
