/* The parameter table test: every text parameter serializes, round-trips through the
 * server's parser, is rejected out of range by the client validator AND by the reference
 * server (400 naming it), and unset parameters are never sent. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>

#include "param_testing.h"
#include "params/param_internal.h"

#define FIELD(s, d, type) ((type *)(void *)((char *)(s) + (d)->offset))

static const char *const str_items[] = {"alpha", "beta"};
static const int64_t int_items[] = {1, 2};
static const int64_t all_samplers[] = {7, 6, 8, 5, 9, 0, 1, 2, 3, 10, 11, 4, 12, 13};
static const genapi_intlist seqs[] = {{int_items, 2}, {int_items, 1}};
static const genapi_token_bias biases[] = {{5, 1.5}};
static const genapi_token_ban_range ranges[] = {{{int_items, 2}, 0, 3}};

static int has(const genapi_param_desc *d, uint32_t f) { return (d->range_flags & f) != 0; }

/* A valid value for d, stored into p (not marked). */
static void set_valid(const genapi_param_desc *d, genapi_text_params *p)
{
    double lo = d->min, hi = d->max;
    int has_lo = has(d, GENAPI_RANGE_MIN | GENAPI_RANGE_MIN_OPEN), has_hi = has(d, GENAPI_RANGE_MAX | GENAPI_RANGE_MAX_OPEN);
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_DOUBLE:
        *FIELD(p, d, double) = d->choices ? strtod(d->choices, NULL) : has_lo && has_hi ? (lo + hi) / 2 : has_lo ? lo + 1 : 1.0;
        break;
    case GENAPI_PK_INT: {
        int64_t v = d->choices ? strtoll(d->choices, NULL, 10)
                    : has_lo && has_hi ? (int64_t)floor((lo + hi) / 2)
                    : has_lo ? (int64_t)lo + 1
                             : 42;
        if (has(d, GENAPI_RANGE_NONZERO) && v == 0)
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
        *FIELD(p, d, const char *) = strcmp(d->json_name, "model") == 0 ? "genapi-ref" : "abc";
        break;
    case GENAPI_PK_JSON:
        *FIELD(p, d, const char *) = strcmp(d->json_name, "logits_processors") == 0 ? "[]" : "{\"k\":1}";
        break;
    case GENAPI_PK_STRLIST:
        *FIELD(p, d, genapi_strlist) = (genapi_strlist){str_items, 2};
        break;
    case GENAPI_PK_INTLIST:
        *FIELD(p, d, genapi_intlist) = (genapi_intlist){int_items, 2};
        break;
    case GENAPI_PK_SAMPLERS:
        *FIELD(p, d, genapi_intlist) = (genapi_intlist){all_samplers, 14};
        break;
    case GENAPI_PK_INTLISTS:
        *FIELD(p, d, genapi_intlists) = (genapi_intlists){seqs, 2};
        break;
    case GENAPI_PK_BIAS:
        *FIELD(p, d, genapi_token_biases) = (genapi_token_biases){biases, 1};
        break;
    case GENAPI_PK_BANRANGES:
        *FIELD(p, d, genapi_token_ban_ranges) = (genapi_token_ban_ranges){ranges, 1};
        break;
    }
}

static void test_table_has_every_seed_row(void **state)
{
    (void)state;
    size_t n;
    const genapi_param_desc *d = genapi_text_param_table(&n);
    assert_int_equal(n, GENAPI_TEXT_PARAM_COUNT);
    assert_true(n >= 75);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(d[i].index, i);
        assert_non_null(d[i].doc);
        assert_true(strlen(d[i].doc) > 10);
        assert_ptr_equal(genapi_text_param_find(d[i].json_name), &d[i]);
        assert_true(d[i].offset + d[i].size <= sizeof(genapi_text_params));
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(d[i].json_name, d[k].json_name);
    }
    /* The 75 rows of the seed's Text Generation table, by name. */
    static const char *const seed_rows[] = {
        "model", "multi_models", "multiplier", "n", "min_tokens", "presence_penalty", "frequency_penalty",
        "repetition_penalty", "no_repeat_ngram_size", "temperature", "top_p", "top_k", "top_a", "min_p", "tfs",
        "eta_cutoff", "epsilon_cutoff", "typical_p", "dynatemp_min", "dynatemp_max", "dynatemp_exponent",
        "smoothing_factor", "smoothing_curve", "seed", "length_penalty", "stop", "stop_token_ids",
        "include_stop_str_in_output", "ignore_eos", "max_tokens", "logprobs", "prompt_logprobs", "detokenize",
        "skip_special_tokens", "spaces_between_special_tokens", "logits_processors", "logit_bias",
        "truncate_prompt_tokens", "xtc_threshold", "xtc_probability", "guided_json", "guided_regex", "guided_choice",
        "guided_decoding_backend", "guided_whitespace_pattern", "nsigma", "dry_multiplier", "dry_base",
        "dry_allowed_length", "dry_sequence_breaker_ids", "dry_range", "skew", "sampler_priority",
        "allowed_token_ids", "bad_words", "banned_phrases_token_ids", "best_of", "custom_token_bans",
        "deepconf_threshold", "deepconf_window_size", "dry_early_exit_match_len", "dry_max_ngram",
        "dry_max_occurrences", "early_stopping", "enable_deepconf", "extra_args", "guided_decoding", "mirostat_eta",
        "mirostat_mode", "mirostat_tau", "output_kind", "structured_outputs", "temperature_last", "token_ban_ranges",
        "use_beam_search"};
    assert_int_equal(sizeof seed_rows / sizeof seed_rows[0], 75);
    for (size_t i = 0; i < 75; i++) {
        if (genapi_text_param_find(seed_rows[i]) == NULL)
            fail_msg("seed parameter %s is missing from the table", seed_rows[i]);
    }
}

/* Every parameter: set alone (with model) -> JSON has exactly it -> server parser gives the same value. */
static void test_every_param_round_trips(void **state)
{
    (void)state;
    size_t n;
    const genapi_param_desc *d = genapi_text_param_table(&n);
    for (size_t i = 0; i < n; i++) {
        genapi_text_params p;
        genapi_text_params_init(&p, sizeof p);
        GENAPI_TEXT_SET(&p, model, "genapi-ref");
        set_valid(&d[i], &p);
        genapi_text_params_mark(&p, (genapi_text_param_id)i, 1);
        genapi_error err;
        char *json = NULL;
        if (genapi_text_params_to_json(&p, &json, &err) != GENAPI_OK)
            fail_msg("%s: valid value rejected: %s", d[i].json_name, err.message);
        json_object *o = json_tokener_parse(json);
        assert_non_null(o);
        assert_int_equal(json_object_object_length(o), strcmp(d[i].json_name, "model") == 0 ? 1 : 2);
        assert_true(json_object_object_get_ex(o, d[i].json_name, NULL));
        json_object_put(o);

        genapi_text_params back;
        genapi_text_params_init(&back, sizeof back);
        if (genapi_text_params_from_json(&back, json, &err) != GENAPI_OK)
            fail_msg("%s: server parser rejected %s: %s", d[i].json_name, json, err.message);
        assert_true(genapi_text_params_is_set(&back, (genapi_text_param_id)i));
        assert_int_equal(genapi_text_params_validate(&back, &err), GENAPI_OK);
        pt_assert_same_value(&d[i], &p, &back);
        for (size_t k = 0; k < n; k++)
            if (k != i && k != GENAPI_TEXT_PARAM_model)
                assert_false(genapi_text_params_is_set(&back, (genapi_text_param_id)k));
        genapi_text_params_clear(&back);
        genapi_free(NULL, json);
    }
}

/* An invalid C value for d; returns 0 when the C type cannot hold one (only seed: any int64). */
static int set_invalid(const genapi_param_desc *d, genapi_text_params *p)
{
    static const char *const empty_item[] = {"a", ""};
    static const char *const null_item[] = {"a", NULL};
    static const int64_t negative[] = {-1};
    static const int64_t incomplete[] = {0, 1, 2};
    static const genapi_intlist bad_seqs[] = {{negative, 1}};
    static const genapi_token_bias bad_bias[] = {{5, 500.0}};
    static const genapi_token_ban_range bad_range[] = {{{int_items, 1}, -1, 2}};
    int has_lo = has(d, GENAPI_RANGE_MIN | GENAPI_RANGE_MIN_OPEN), has_hi = has(d, GENAPI_RANGE_MAX | GENAPI_RANGE_MAX_OPEN);
    double bad = d->choices ? 3.0 : has_lo ? (has(d, GENAPI_RANGE_MIN) ? d->min - 1 : d->min) : has_hi ? d->max + 1 : NAN;
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_DOUBLE:
        *FIELD(p, d, double) = bad;
        return 1;
    case GENAPI_PK_INT:
        if (d->choices)
            *FIELD(p, d, int64_t) = 1;
        else if (has(d, GENAPI_RANGE_NONZERO))
            *FIELD(p, d, int64_t) = 0;
        else if (has_lo || has_hi)
            *FIELD(p, d, int64_t) = (int64_t)bad;
        else
            return 0;
        return 1;
    case GENAPI_PK_BOOL:
        *FIELD(p, d, int32_t) = 2;
        return 1;
    case GENAPI_PK_ENUM:
        *FIELD(p, d, int32_t) = 99;
        return 1;
    case GENAPI_PK_STRING:
        *FIELD(p, d, const char *) = NULL;
        return 1;
    case GENAPI_PK_JSON:
        *FIELD(p, d, const char *) = "{not json";
        return 1;
    case GENAPI_PK_STRLIST:
        if (has(d, GENAPI_RANGE_NONEMPTY))
            *FIELD(p, d, genapi_strlist) = (genapi_strlist){NULL, 0};
        else
            *FIELD(p, d, genapi_strlist) = (genapi_strlist){has(d, GENAPI_RANGE_ITEMS) ? empty_item : null_item, 2};
        return 1;
    case GENAPI_PK_INTLIST:
        *FIELD(p, d, genapi_intlist) = (genapi_intlist){negative, 1};
        return 1;
    case GENAPI_PK_SAMPLERS:
        *FIELD(p, d, genapi_intlist) = (genapi_intlist){incomplete, 3};
        return 1;
    case GENAPI_PK_INTLISTS:
        *FIELD(p, d, genapi_intlists) = (genapi_intlists){bad_seqs, 1};
        return 1;
    case GENAPI_PK_BIAS:
        *FIELD(p, d, genapi_token_biases) = (genapi_token_biases){bad_bias, 1};
        return 1;
    case GENAPI_PK_BANRANGES:
        *FIELD(p, d, genapi_token_ban_ranges) = (genapi_token_ban_ranges){bad_range, 1};
        return 1;
    }
    return 0;
}

static void test_every_param_rejected_out_of_range_by_client(void **state)
{
    (void)state;
    size_t n, without = 0;
    const genapi_param_desc *d = genapi_text_param_table(&n);
    for (size_t i = 0; i < n; i++) {
        genapi_text_params p;
        genapi_text_params_init(&p, sizeof p);
        GENAPI_TEXT_SET(&p, model, "genapi-ref");
        if (!set_invalid(&d[i], &p)) {
            assert_string_equal(d[i].json_name, "seed"); /* the only unbounded integer */
            without++;
            continue;
        }
        genapi_text_params_mark(&p, (genapi_text_param_id)i, 1);
        genapi_error err;
        genapi_status st = genapi_text_params_validate(&p, &err);
        if (st != GENAPI_E_INVALID_ARG)
            fail_msg("%s: invalid value accepted", d[i].json_name);
        assert_string_equal(err.param, d[i].json_name);
        assert_non_null(strstr(err.message, d[i].json_name));
        char *json = NULL;
        assert_int_equal(genapi_text_params_to_json(&p, &json, &err), GENAPI_E_INVALID_ARG);
        assert_null(json);
    }
    assert_int_equal(without, 1);
}

#if GENAPI_TEST_REFERENCE_BACKEND
/* An invalid JSON value of d as the server receives it. */
static const char *invalid_json(const genapi_param_desc *d, char *buf, size_t cap)
{
    int has_lo = has(d, GENAPI_RANGE_MIN | GENAPI_RANGE_MIN_OPEN), has_hi = has(d, GENAPI_RANGE_MAX | GENAPI_RANGE_MAX_OPEN);
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_DOUBLE:
    case GENAPI_PK_INT:
        if (d->choices)
            return "3";
        if (has(d, GENAPI_RANGE_NONZERO))
            return "0";
        if (has_lo)
            snprintf(buf, cap, "%g", has(d, GENAPI_RANGE_MIN) ? d->min - 1 : d->min);
        else if (has_hi)
            snprintf(buf, cap, "%g", d->max + 1);
        else
            return d->kind == GENAPI_PK_INT ? "1e30" : "\"high\"";
        return buf;
    case GENAPI_PK_BOOL:
        return "\"yes\"";
    case GENAPI_PK_ENUM:
        return "\"bogus\"";
    case GENAPI_PK_STRING:
        return "5";
    case GENAPI_PK_JSON:
        return strcmp(d->json_name, "logits_processors") == 0 ? "{}" : "5";
    case GENAPI_PK_STRLIST:
        return has(d, GENAPI_RANGE_NONEMPTY) ? "[]" : has(d, GENAPI_RANGE_ITEMS) ? "[\"a\", \"\"]" : "[1]";
    case GENAPI_PK_INTLIST:
        return "[-1]";
    case GENAPI_PK_SAMPLERS:
        return "[\"dry\", 6, 8]";
    case GENAPI_PK_INTLISTS:
        return "[[-1]]";
    case GENAPI_PK_BIAS:
        return "{\"5\": 500}";
    case GENAPI_PK_BANRANGES:
        return "[[[1], -1, 2]]";
    }
    return "null";
}

static void test_every_param_rejected_by_server(void **state)
{
    (void)state;
    genapi_backend *b = NULL;
    assert_int_equal(genapi_backend_new(NULL, &b, NULL), GENAPI_OK);
    size_t n;
    const genapi_param_desc *d = genapi_text_param_table(&n);
    for (size_t i = 0; i < n; i++) {
        char val[64], body[512];
        const char *v = invalid_json(&d[i], val, sizeof val);
        if (strcmp(d[i].json_name, "model") == 0)
            snprintf(body, sizeof body, "{\"model\": %s, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", v);
        else
            snprintf(body, sizeof body,
                     "{\"model\": \"genapi-ref\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"%s\": %s}",
                     d[i].json_name, v);
        genapi_http_request req = {"POST", "/v1/chat/completions", NULL, "application/json", body, strlen(body)};
        genapi_http_response r;
        assert_int_equal(genapi_backend_handle(b, &req, &r), GENAPI_OK);
        json_object *o = json_tokener_parse(r.body), *e = NULL, *param = NULL;
        if (r.status != 400)
            fail_msg("%s = %s: status %d, body %s", d[i].json_name, v, (int)r.status, r.body);
        assert_true(json_object_object_get_ex(o, "error", &e));
        assert_true(json_object_object_get_ex(e, "param", &param));
        if (param == NULL || strcmp(json_object_get_string(param), d[i].json_name) != 0)
            fail_msg("%s = %s: 400 does not name the parameter: %s", d[i].json_name, v, r.body);
        json_object_put(o);
        genapi_http_response_release(b, &r);
    }
    genapi_backend_free(b);
}
#endif

static void test_unset_is_not_sent_and_zero_is(void **state)
{
    (void)state;
    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, model, "genapi-ref");
    GENAPI_TEXT_SET(&p, temperature, 0.0);
    GENAPI_TEXT_SET(&p, presence_penalty, 0.0);
    p.top_p = 0.5; /* assigned but not marked: must not be sent */
    char *json = NULL;
    assert_int_equal(genapi_text_params_to_json(&p, &json, NULL), GENAPI_OK);
    json_object *o = json_tokener_parse(json), *v;
    assert_true(json_object_object_get_ex(o, "temperature", &v));
    assert_true(json_object_get_double(v) == 0.0);
    assert_true(json_object_object_get_ex(o, "presence_penalty", NULL));
    assert_false(json_object_object_get_ex(o, "top_p", NULL));
    assert_int_equal(json_object_object_length(o), 3);
    json_object_put(o);
    genapi_free(NULL, json);
    genapi_text_params_mark(&p, GENAPI_TEXT_PARAM_temperature, 0);
    assert_int_equal(genapi_text_params_to_json(&p, &json, NULL), GENAPI_OK);
    assert_null(strstr(json, "temperature"));
    genapi_free(NULL, json);
}

static void test_set_text_parses_every_kind(void **state)
{
    (void)state;
    genapi_text_params p;
    genapi_text_params_init(&p, sizeof p);
    genapi_error err;
    assert_int_equal(genapi_text_params_set_text(&p, "top_p", "0.9", &err), GENAPI_OK);
    assert_true(p.top_p == 0.9);
    assert_int_equal(genapi_text_params_set_text(&p, "top_k", "40", &err), GENAPI_OK);
    assert_int_equal(p.top_k, 40);
    assert_int_equal(genapi_text_params_set_text(&p, "ignore_eos", "true", &err), GENAPI_OK);
    assert_int_equal(p.ignore_eos, 1);
    assert_int_equal(genapi_text_params_set_text(&p, "stop", "END", &err), GENAPI_OK);
    assert_int_equal(p.stop.count, 1);
    assert_string_equal(p.stop.items[0], "END");
    assert_int_equal(genapi_text_params_set_text(&p, "stop", "[\"a\",\"b\"]", &err), GENAPI_OK);
    assert_int_equal(p.stop.count, 2);
    assert_int_equal(genapi_text_params_set_text(&p, "sampler_priority",
                                                 "[\"DRY\",\"penalties\",8,5,9,0,1,2,3,10,11,4,12,\"xtc\"]", &err),
                     GENAPI_OK);
    assert_int_equal(p.sampler_priority.items[0], 7);
    assert_int_equal(p.sampler_priority.items[13], 13);
    assert_int_equal(genapi_text_params_set_text(&p, "logit_bias", "{\"12\": -100}", &err), GENAPI_OK);
    assert_int_equal(p.logit_bias.items[0].token, 12);
    assert_true(p.logit_bias.items[0].bias == -100.0);
    assert_int_equal(genapi_text_params_set_text(&p, "early_stopping", "never", &err), GENAPI_OK);
    assert_int_equal(p.early_stopping, 2);
    assert_int_equal(genapi_text_params_set_text(&p, "guided_json", "{\"type\":\"object\"}", &err), GENAPI_OK);
    assert_string_equal(p.guided_json, "{\"type\":\"object\"}");
    assert_int_equal(genapi_text_params_set_text(&p, "token_ban_ranges", "[[[1,2],0,5]]", &err), GENAPI_OK);
    assert_int_equal(p.token_ban_ranges.items[0].length, 5);
    assert_int_equal(genapi_text_params_set_text(&p, "no_such_param", "1", &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "no_such_param");
    assert_int_equal(genapi_text_params_set_text(&p, "top_k", "forty", &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "top_k");
    assert_int_equal(genapi_text_params_set_text(&p, "sampler_priority", "[\"warp\"]", &err), GENAPI_E_INVALID_ARG);
    genapi_text_params_clear(&p);
    assert_false(genapi_text_params_is_set(&p, GENAPI_TEXT_PARAM_top_p));
}

static void test_cross_parameter_rules(void **state)
{
    (void)state;
    genapi_text_params p;
    genapi_error err;
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    GENAPI_TEXT_SET(&p, n, 3);
    GENAPI_TEXT_SET(&p, best_of, 2);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "best_of");
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    GENAPI_TEXT_SET(&p, min_tokens, 10);
    GENAPI_TEXT_SET(&p, max_tokens, 5);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "min_tokens");
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    GENAPI_TEXT_SET(&p, length_penalty, 2.0);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "length_penalty");
    GENAPI_TEXT_SET(&p, use_beam_search, 1);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_OK);
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, top_p, 0.5);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "model");
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    GENAPI_TEXT_SET(&p, top_p, 0.0);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "top_p");
    assert_non_null(strstr(err.message, "(0, 1]"));
    /* An enum index outside its choices is refused, below as above. */
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    GENAPI_TEXT_SET(&p, early_stopping, -1);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "early_stopping");
    GENAPI_TEXT_SET(&p, early_stopping, 3);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    GENAPI_TEXT_SET(&p, early_stopping, 2);
    GENAPI_TEXT_SET(&p, use_beam_search, 1); /* early_stopping is a beam-search setting */
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_OK);
    /* Stop strings need detokenize: explicitly true or left unset is fine, false is refused. */
    static const char *const stops[] = {"\n\n"};
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    GENAPI_TEXT_SET(&p, stop, ((genapi_strlist){stops, 1}));
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_OK);
    GENAPI_TEXT_SET(&p, detokenize, 1);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_OK);
    GENAPI_TEXT_SET(&p, detokenize, 0);
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "stop");
}

static void test_values_json_cannot_carry_are_refused(void **state)
{
    (void)state;
    genapi_text_params p;
    genapi_error err;
    /* A NUL inside a string would be cut by C: refused, naming the parameter. */
    genapi_text_params_init(&p, sizeof p);
    assert_int_equal(genapi_text_params_from_json(&p, "{\"model\": \"a\\u0000b\"}", &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "model");
    genapi_text_params_clear(&p);
    assert_int_equal(genapi_text_params_from_json(&p, "{\"stop\": [\"x\", \"y\\u0000\"]}", &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "stop");
    genapi_text_params_clear(&p);
    /* Integers beyond int64 are refused, not clamped. */
    assert_int_equal(genapi_text_params_from_json(&p, "{\"seed\": 18446744073709551616}", &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "seed");
    genapi_text_params_clear(&p);
    assert_int_equal(genapi_text_params_from_json(&p, "{\"seed\": -9223372036854775808}", &err), GENAPI_OK);
    assert_true(p.seed == INT64_MIN);
    genapi_text_params_clear(&p);
    /* JSON text with anything after the value is not JSON. */
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    GENAPI_TEXT_SET(&p, guided_json, "{\"type\": \"object\"} xyz");
    assert_int_equal(genapi_text_params_validate(&p, &err), GENAPI_E_INVALID_ARG);
    assert_string_equal(err.param, "guided_json");
    /* Numbers are sent with the fewest digits that read back exactly. */
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    GENAPI_TEXT_SET(&p, top_p, 0.9);
    GENAPI_TEXT_SET(&p, temperature, 1.0 / 3.0);
    char *json = NULL;
    assert_int_equal(genapi_text_params_to_json(&p, &json, NULL), GENAPI_OK);
    assert_non_null(strstr(json, "\"top_p\":0.9,") ? json : strstr(json, "\"top_p\":0.9}"));
    json_object *o = json_tokener_parse(json), *v;
    assert_true(json_object_object_get_ex(o, "temperature", &v));
    assert_true(json_object_get_double(v) == 1.0 / 3.0);
    json_object_put(o);
    genapi_free(NULL, json);
}

/* early_stopping's choices "false" and "true" are JSON booleans on the wire, "never" a string;
 * from_json refuses a struct of another size. */
static void test_boolean_choices_and_from_json_size(void **state)
{
    (void)state;
    static const char *const want[] = {"false", "true", "\"never\""};
    for (int32_t i = 0; i < 3; i++) {
        genapi_text_params p;
        genapi_text_params_init(&p, sizeof p);
        GENAPI_TEXT_SET(&p, model, "m");
        GENAPI_TEXT_SET(&p, use_beam_search, 1);
        GENAPI_TEXT_SET(&p, early_stopping, i);
        char *json = NULL;
        genapi_error err;
        assert_int_equal(genapi_text_params_to_json(&p, &json, &err), GENAPI_OK);
        char key[64];
        snprintf(key, sizeof key, "\"early_stopping\":%s", want[i]);
        if (strstr(json, key) == NULL)
            fail_msg("early_stopping %d: %s not in %s", (int)i, key, json);
        genapi_free(p.allocator, json);
        genapi_text_params_clear(&p);
    }
    genapi_text_params p;
    genapi_error err;
    genapi_text_params_init(&p, sizeof p);
    assert_int_equal(genapi_text_params_from_json(&p, "{\"top_k\": 4}", &err), GENAPI_OK);
    assert_int_equal(p.top_k, 4);
    genapi_text_params_clear(&p);
    genapi_text_params_init(&p, sizeof p);
    p.struct_size += 8;
    assert_int_equal(genapi_text_params_from_json(&p, "{\"top_k\": 4}", &err), GENAPI_E_INVALID_ARG);
    p.struct_size -= 8;
    assert_int_equal(genapi_text_params_from_json(&p, NULL, &err), GENAPI_E_INVALID_ARG);
    assert_int_equal(genapi_text_params_from_json(NULL, "{}", &err), GENAPI_E_INVALID_ARG);
    genapi_text_params_clear(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_has_every_seed_row),
        cmocka_unit_test(test_every_param_round_trips),
        cmocka_unit_test(test_every_param_rejected_out_of_range_by_client),
#if GENAPI_TEST_REFERENCE_BACKEND
        cmocka_unit_test(test_every_param_rejected_by_server),
#endif
        cmocka_unit_test(test_unset_is_not_sent_and_zero_is),
        cmocka_unit_test(test_set_text_parses_every_kind),
        cmocka_unit_test(test_cross_parameter_rules),
        cmocka_unit_test(test_boolean_choices_and_from_json_size),
        cmocka_unit_test(test_values_json_cannot_carry_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
