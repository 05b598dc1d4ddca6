/* The text model listing, the image options and the progress fixtures against their
 * expected.json: genapi_list_text_models and genapi_image_options read each response body
 * from a scripted HTTP server; a progress body goes through the client's progress reader
 * (gc_progress_parse), which the image requests use while they poll. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>

#include "client/request.h"
#include "fake_http.h"
#include "fixture_cases.h"
#include "test_support.h"

/* A client of the scripted server that answers every request with `body`. */
typedef struct served {
    fh_response script[1];
    fake_http *http;
    genapi_client *client;
} served;

static void serve_body(served *s, const char *body)
{
    s->script[0] = (fh_response){200, NULL, body};
    char url[64];
    s->http = fh_start(s->script, 1, url, sizeof url);
    assert_non_null(s->http);
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    cfg.base_url = url;
    cfg.max_retries = -1;
    assert_int_equal(genapi_client_new(&cfg, &s->client, NULL), GENAPI_OK);
}

static void served_free(served *s)
{
    genapi_client_free(s->client);
    fh_stop(s->http);
}

/* ---- models: ids, owned_by, parent, max_model_len (null => 0) ------------------------------- */

static void test_models_case(void **state)
{
    fc_case *c = *state;
    fc_case_load(c, "models", c->name, 0);
    fc_check_kind(c->name, c->expected, "model_list");
    served s;
    serve_body(&s, c->body);
    genapi_model_list *l = NULL;
    genapi_error err;
    genapi_status st = genapi_list_text_models(s.client, &l, &err);
    if (st != GENAPI_OK)
        fail_msg("%s: genapi_list_text_models failed: %d %s", c->name, (int)st, err.message);
    fc_cmp cx = {c->name, ""};
    json_object *ids = fc_get_key(c->expected, "ids"), *models = fc_get_key(c->expected, "models");
    FC_WHERE(&cx, "ids");
    assert_int_equal(fc_exp_array_len(&cx, ids), l->count);
    FC_WHERE(&cx, "models");
    assert_int_equal(fc_exp_array_len(&cx, models), l->count);
    for (size_t i = 0; i < l->count; i++) {
        json_object *m = json_object_array_get_idx(models, i);
        FC_WHERE(&cx, "ids[%zu]", i);
        fc_check_str(&cx, json_object_array_get_idx(ids, i), l->items[i].id);
        FC_WHERE(&cx, "models[%zu].id", i);
        fc_check_str(&cx, fc_get_key(m, "id"), l->items[i].id);
        FC_WHERE(&cx, "models[%zu].owned_by", i);
        fc_check_str(&cx, fc_get_key(m, "owned_by"), l->items[i].owned_by);
        FC_WHERE(&cx, "models[%zu].parent", i);
        fc_check_str(&cx, fc_get_key(m, "parent"), l->items[i].parent);
        FC_WHERE(&cx, "models[%zu].max_model_len", i);
        json_object *len = fc_get_key(m, "max_model_len");
        if (len == NULL)
            assert_int_equal(l->items[i].max_model_len, 0);
        else
            fc_check_int(&cx, len, l->items[i].max_model_len);
    }
    genapi_model_list_free(l);
    served_free(&s);
}

/* The listing shapes servers differ in: a bare array of ids, "name" for the id, "max_context"
 * for the context length; entries without an id and non-objects are left out; a body that is
 * neither an array nor an object with a data array is a parse error, and so is a field of the
 * wrong type (strict results: never success with the field missing). */
static void test_models_shapes(void **state)
{
    (void)state;
    served s;
    serve_body(&s, "[\"alpha\", {\"name\": \"beta\", \"max_context\": 4096, \"engine\": \"vllm\"}, {\"owned_by\": \"x\"}, 5, "
                   "{\"id\": \"gamma\", \"name\": \"ignored\"}]");
    genapi_model_list *l = NULL;
    genapi_error err;
    assert_int_equal(genapi_list_text_models(s.client, &l, &err), GENAPI_OK);
    assert_int_equal(l->count, 3);
    assert_string_equal(l->items[0].id, "alpha");
    assert_null(l->items[0].owned_by);
    assert_int_equal(l->items[0].max_model_len, 0);
    assert_string_equal(l->items[1].id, "beta");
    assert_string_equal(l->items[1].engine, "vllm");
    assert_int_equal(l->items[1].max_model_len, 4096);
    assert_string_equal(l->items[2].id, "gamma");
    assert_int_equal(l->items[2].max_model_len, 0);
    genapi_model_list_free(l);
    served_free(&s);
    serve_body(&s, "[{\"id\": \"gamma\", \"max_model_len\": \"big\"}]");
    l = NULL;
    assert_int_equal(genapi_list_text_models(s.client, &l, &err), GENAPI_E_PARSE);
    assert_null(l);
    assert_non_null(strstr(err.param, "max_model_len"));
    served_free(&s);
    static const char *const bad[] = {"{\"data\": 5}", "{\"models\": []}", "\"text\"", "not json"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        serve_body(&s, bad[i]);
        l = NULL;
        assert_int_equal(genapi_list_text_models(s.client, &l, &err), GENAPI_E_PARSE);
        assert_null(l);
        served_free(&s);
    }
    serve_body(&s, "{\"data\": []}");
    assert_int_equal(genapi_list_text_models(s.client, &l, &err), GENAPI_OK);
    assert_int_equal(l->count, 0);
    genapi_model_list_free(l);
    served_free(&s);
}

/* ---- options: the raw JSON text, key count and the listed values ---------------------------- */

static void test_options_case(void **state)
{
    fc_case *c = *state;
    fc_case_load(c, "options", c->name, 0);
    fc_check_kind(c->name, c->expected, "options");
    served s;
    serve_body(&s, c->body);
    char *json = NULL;
    genapi_error err;
    genapi_status st = genapi_image_options(s.client, &json, &err);
    if (st != GENAPI_OK)
        fail_msg("%s: genapi_image_options failed: %d %s", c->name, (int)st, err.message);
    json_object *got = json_tokener_parse(json);
    assert_non_null(got);
    assert_true(json_object_is_type(got, json_type_object));
    fc_cmp cx = {c->name, "key_count"};
    fc_check_int(&cx, fc_get_key(c->expected, "key_count"), json_object_object_length(got));
    json_object *values = fc_get_key(c->expected, "values");
    assert_non_null(values);
    json_object_object_foreach(values, key, want)
    {
        json_object *have = NULL;
        if (!json_object_object_get_ex(got, key, &have))
            fail_msg("%s: values.%s: missing", c->name, key);
        if (!json_object_equal(want, have))
            fail_msg("%s: values.%s: expected %s, got %s", c->name, key, json_object_to_json_string(want),
                     json_object_to_json_string(have));
    }
    json_object_put(got);
    genapi_free(genapi_client_allocator(s.client), json);
    served_free(&s);
}

/* ---- progress: every number of the expected state; idle reports nothing --------------------- */

static void check_double(const char *label, const char *field, json_object *exp, double act)
{
    if (exp == NULL || json_object_get_double(exp) != act)
        fail_msg("%s: %s: expected %s, got %g", label, field, exp ? json_object_to_json_string(exp) : "null", act);
}

static void test_progress_case(void **state)
{
    fc_case *c = *state;
    fc_case_load(c, "progress", c->name, 0);
    fc_check_kind(c->name, c->expected, "progress");
    genapi_progress p;
    int rc = gc_progress_parse(c->body, c->body_len, &p);
    json_object *st = fc_get_key(c->expected, "state");
    fc_cmp cx = {c->name, ""};
    check_double(c->name, "progress", fc_get_key(c->expected, "progress"), p.progress);
    check_double(c->name, "eta_relative", fc_get_key(c->expected, "eta_relative"), p.eta_relative);
    FC_WHERE(&cx, "state.sampling_step");
    fc_check_int(&cx, fc_get_key(st, "sampling_step"), p.sampling_step);
    FC_WHERE(&cx, "state.sampling_steps");
    fc_check_int(&cx, fc_get_key(st, "sampling_steps"), p.sampling_steps);
    FC_WHERE(&cx, "state.job_no");
    fc_check_int(&cx, fc_get_key(st, "job_no"), p.job_no);
    FC_WHERE(&cx, "state.job_count");
    fc_check_int(&cx, fc_get_key(st, "job_count"), p.job_count);
    /* A job runs when job_count > 0; an idle server's numbers are never reported. */
    assert_int_equal(rc, p.job_count > 0 ? 1 : 0);
}

/* A running job (hand-written body): the fields a progress callback receives. */
static void test_progress_running(void **state)
{
    (void)state;
    static const char body[] =
        "{\"progress\":0.375,\"eta_relative\":2.5,\"state\":{\"job\":\"txt2img\",\"job_count\":2,\"job_no\":1,"
        "\"sampling_step\":3,\"sampling_steps\":20},\"current_image\":null,\"textinfo\":null}";
    genapi_progress p;
    assert_int_equal(gc_progress_parse(body, sizeof body - 1, &p), 1);
    assert_true(p.progress == 0.375);
    assert_true(p.eta_relative == 2.5);
    assert_int_equal(p.sampling_step, 3);
    assert_int_equal(p.sampling_steps, 20);
    assert_int_equal(p.job_no, 1);
    assert_int_equal(p.job_count, 2);
    /* Not a progress object: no state. */
    assert_int_equal(gc_progress_parse("{\"progress\":0.5}", 16, &p), -1);
    assert_int_equal(gc_progress_parse("[1]", 3, &p), -1);
    assert_int_equal(gc_progress_parse("{\"state\":[]}", 12, &p), -1);
    assert_int_equal(p.job_count, 0);
}

int main(void)
{
    int rc = 0;
    static const struct {
        const char *endpoint;
        CMUnitTestFunction test;
    } groups[] = {{"models", test_models_case}, {"options", test_options_case}, {"progress", test_progress_case}};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        fc_suite s;
        fc_suite_init(&s, groups[i].endpoint);
        char present[64];
        snprintf(present, sizeof present, "%s_fixtures_present", groups[i].endpoint);
        fc_suite_add_present(&s, present);
        fc_suite_add_cases(&s, groups[i].test, fc_case_setup, fc_case_teardown);
        if (i == 0)
            fc_suite_add(&s, "models_shapes", test_models_shapes, NULL, NULL);
        if (i == 2)
            fc_suite_add(&s, "progress_running", test_progress_running, NULL, NULL);
        rc |= fc_suite_run(&s, groups[i].endpoint);
    }
    return rc;
}
