/* Fixture-driven tests of the text completion parser (genapi_completion_result_parse). Every
 * case directory under <fixtures>/completions/ becomes one test; its expected.json (normalized
 * form "completion", see the fixtures README) is compared field by field with the typed result,
 * logprobs included. There is no genapi_completion_result_to_json, hence no round-trip test. */
#include <inttypes.h>
#include <stdio.h>

#include <genapi/client.h>
#include <genapi/completions.h>
#include <genapi/logprobs.h>

#include "fixture_cases.h"

#define COMPLETIONS_DIR "completions"

/* ---- comparison ---------------------------------------------------------------------------- */

static void check_choice(const char *label, size_t i, json_object *exp, const genapi_completion_choice *ch)
{
    fc_cmp cxs;
    fc_cmp *cx = &cxs;
    cx->label = label;

    FC_WHERE(cx, "choices[%zu].index", i);
    fc_check_int(cx, fc_get_key(exp, "index"), ch->index);

    /* text: exact bytes */
    FC_WHERE(cx, "choices[%zu].text", i);
    fc_check_str_len(cx, fc_get_key(exp, "text"), ch->text, ch->text_len);

    FC_WHERE(cx, "choices[%zu].finish_reason", i);
    fc_check_str(cx, fc_get_key(exp, "finish_reason"), ch->finish_reason);

    FC_WHERE(cx, "choices[%zu].stop_reason", i);
    fc_check_stop_reason(cx, fc_get_key(exp, "stop_reason"), ch->stop_reason_kind, ch->stop_token, ch->stop_string);

    FC_WHERE(cx, "choices[%zu].reserved", i);
    if (ch->reserved != 0)
        fail_msg("%s: %s: expected 0, got %d", label, cx->where, (int)ch->reserved);

    /* logprobs: count, tokens, values (float|null), top_counts (int|null) and text_offset */
    fc_check_logprobs(label, i, fc_get_key(exp, "logprobs"), ch->logprobs, FC_LOGPROBS_COMPLETION);

    /* prompt_logprobs_count: int, or null => -1 */
    FC_WHERE(cx, "choices[%zu].prompt_logprobs_count", i);
    json_object *plc = fc_get_key(exp, "prompt_logprobs_count");
    if (plc == NULL) {
        if (ch->prompt_logprobs_count != -1)
            fail_msg("%s: %s: expected null (-1), got %" PRId64, label, cx->where, ch->prompt_logprobs_count);
    } else {
        fc_check_int(cx, plc, ch->prompt_logprobs_count);
    }

    /* "token_ids" has no typed field in genapi_completion_choice: not compared. */
}

static void check_result(const char *label, json_object *exp, const genapi_completion_result *r)
{
    fc_cmp cxs;
    fc_cmp *cx = &cxs;
    cx->label = label;
    assert_non_null(r);

    fc_check_struct_size(label, r->struct_size, sizeof *r);
    fc_check_kind(label, exp, "completion");

    fc_check_envelope(cx, exp, r->http_status, r->id, r->model, r->created);

    FC_WHERE(cx, "request_id");
    if (r->request_id != NULL)
        fail_msg("%s: request_id: expected NULL from a parsed body, got \"%s\"", label, r->request_id);

    json_object *choices = fc_expect_choices(cx, exp, r->choice_count, r->choices);
    for (size_t i = 0; i < r->choice_count; i++)
        check_choice(label, i, json_object_array_get_idx(choices, i), &r->choices[i]);

    fc_check_usage(cx, fc_get_key(exp, "usage"), &r->usage);
}

/* ---- tests --------------------------------------------------------------------------------- */

static genapi_status parse(genapi_client *client, const char *body, size_t body_len, void **out, genapi_error *err)
{
    genapi_completion_result *r = NULL;
    genapi_status st = genapi_completion_result_parse(client, body, body_len, &r, err);
    *out = r;
    return st;
}

static void free_result(void *r)
{
    genapi_completion_result_free(r);
}

static void check(const fc_case *c, const char *label, const void *r)
{
    check_result(label, c->expected, r);
}

int main(void)
{
    static const fc_parser parser = {"genapi_completion_result_parse", parse, free_result, check};
    fc_suite s;
    fc_suite_init(&s, COMPLETIONS_DIR);
    fc_suite_add_present(&s, "completion_fixtures_present");
    fc_suite_add_parse_cases(&s, &parser);
    return fc_suite_run(&s, "fixtures_completions");
}
