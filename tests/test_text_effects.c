/* Every text parameter has a visible, checked effect on the reference backend (through its
 * router, as a server receives requests), and the tokenize / completions / logprobs shapes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>

#include "backend_calls.h"

/* A completion of PROMPT with extra fields; returns choice 0. Caller puts the root. */
#define PROMPT "The river ran past the old mill, and the children"
static json_object *complete(const char *extra, json_object **root)
{
    char body[4096];
    snprintf(body, sizeof body,
             "{\"model\": \"genapi-ref\", \"prompt\": \"" PROMPT "\", \"max_tokens\": 40, \"seed\": 7%s%s}",
             extra[0] ? ", " : "", extra);
    *root = bc_ok("/v1/completions", body);
    return bc_choice(*root, 0);
}

static const char *text_of(json_object *choice)
{
    json_object *t;
    assert_true(json_object_object_get_ex(choice, "text", &t));
    return json_object_get_string(t);
}

static int64_t token_id(const char *piece)
{
    char body[256];
    snprintf(body, sizeof body, "{\"model\": \"genapi-ref\", \"prompt\": \"%s\"}", piece);
    json_object *o = bc_ok("/v1/tokenize", body), *toks;
    assert_true(json_object_object_get_ex(o, "tokens", &toks));
    assert_int_equal(json_object_array_length(toks), 1);
    int64_t id = json_object_get_int64(json_object_array_get_idx(toks, 0));
    json_object_put(o);
    return id;
}

/* A prompt that repeats itself, and a DRY setting, for the DRY cases. */
#define REP "\"prompt\": \"the river ran to the sea and the river ran to the sea and the river ran to the\""
#define DRY "\"dry_multiplier\": 1.0, \"dry_max_ngram\": 4"
#define REP2 "\"prompt\": \"the sea and the river and the sea and the\""
#define DRY5 "\"dry_multiplier\": 5.0, \"dry_max_ngram\": 4"
#define DRY_SMALL "\"dry_multiplier\": 0.01, \"dry_max_ngram\": 4"

/* Replace "%the%" in s by the token id of " the". */
static const char *with_ids(const char *s, char *buf, size_t cap)
{
    const char *at = strstr(s, "%the%");
    if (at == NULL)
        return s;
    snprintf(buf, cap, "%.*s%lld%s", (int)(at - s), s, (long long)token_id(" the"), at + 5);
    return buf;
}

/* Sampler settings that must change a seeded 40-token output relative to a baseline. */
static void test_each_sampler_changes_the_output(void **state)
{
    (void)state;
    static const struct {
        const char *base, *with;
    } cases[] = {
        {"", "\"temperature\": 0.3"},
        {"", "\"top_k\": 3"},
        {"", "\"top_p\": 0.3"},
        {"", "\"min_p\": 0.3"},
        {"", "\"top_a\": 0.5"},
        {"", "\"tfs\": 0.3"},
        {"", "\"eta_cutoff\": 0.05"},
        {"", "\"epsilon_cutoff\": 0.05"},
        {"", "\"typical_p\": 0.3"},
        {"", "\"dynatemp_min\": 0.1, \"dynatemp_max\": 0.4"},
        {"\"dynatemp_min\": 0.1, \"dynatemp_max\": 2.0", "\"dynatemp_min\": 0.1, \"dynatemp_max\": 2.0, \"dynatemp_exponent\": 4"},
        {"", "\"smoothing_factor\": 2.0"},
        {"\"smoothing_factor\": 0.3", "\"smoothing_factor\": 0.3, \"smoothing_curve\": 3.0"},
        {"", "\"xtc_probability\": 1.0, \"xtc_threshold\": 0.05"},
        {"\"xtc_probability\": 1.0", "\"xtc_probability\": 1.0, \"xtc_threshold\": 0.02"},
        {"", "\"nsigma\": 0.5"},
        {"", "\"skew\": 3.0"},
        {"", "\"mirostat_mode\": 2, \"mirostat_tau\": 1.0, \"mirostat_eta\": 0.5"},
        {"\"mirostat_mode\": 2, \"mirostat_tau\": 1.0, \"mirostat_eta\": 0.5",
         "\"mirostat_mode\": 2, \"mirostat_tau\": 6.0, \"mirostat_eta\": 0.5"},
        {"\"mirostat_mode\": 2, \"mirostat_tau\": 3.0, \"mirostat_eta\": 0.0",
         "\"mirostat_mode\": 2, \"mirostat_tau\": 3.0, \"mirostat_eta\": 1.0"},
        {"", "\"presence_penalty\": 2.0"},
        {"", "\"frequency_penalty\": 2.0"},
        {"", "\"repetition_penalty\": 3.0"},
        {"", "\"no_repeat_ngram_size\": 1"},
        {REP, REP ", \"dry_multiplier\": 0.8"},
        {REP ", " DRY_SMALL, REP ", " DRY_SMALL ", \"dry_base\": 30.0"},
        {REP ", " DRY, REP ", " DRY ", \"dry_allowed_length\": 6"},
        {REP ", " DRY, REP ", " DRY ", \"dry_range\": 3"},
        {REP ", " DRY, REP ", " DRY ", \"dry_max_ngram\": 1"},
        {REP ", " DRY, REP ", " DRY ", \"dry_max_occurrences\": 1"},
        {REP2 ", " DRY5, REP2 ", " DRY5 ", \"dry_early_exit_match_len\": 1"},
        {REP ", " DRY, REP ", " DRY ", \"dry_sequence_breakers\": [\" the\", \" river\"]"},
        {REP ", " DRY, REP ", " DRY ", \"dry_sequence_breaker_ids\": [%the%]"},
        {"\"temperature\": 2.0, \"min_p\": 0.3", "\"temperature\": 2.0, \"min_p\": 0.3, \"temperature_last\": true"},
        {"\"temperature\": 2.0, \"min_p\": 0.3",
         "\"temperature\": 2.0, \"min_p\": 0.3, \"sampler_priority\": [\"min_p\", \"dry\", \"penalties\", "
         "\"no_repeat_ngram\", \"temperature\", \"top_nsigma\", \"top_p_top_k\", \"top_a\", \"tfs\", \"eta_cutoff\", "
         "\"epsilon_cutoff\", \"typical_p\", \"quadratic\", \"xtc\"]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_object *r1, *r2;
        char buf[1024];
        const char *base = text_of(complete(cases[i].base, &r1));
        const char *with = text_of(complete(with_ids(cases[i].with, buf, sizeof buf), &r2));
        if (strcmp(base, with) == 0)
            fail_msg("{%s} gives the same output as {%s}: %s", cases[i].with, cases[i].base, base);
        json_object_put(r1);
        json_object_put(r2);
    }
}


/* Each truncation sampler's own rule holds for every sampled token, against the model's raw
 * logprobs that "logprobs": 5 reports (the sampled token and the 5 most likely, before any
 * sampler): with p the sampled token's probability, pmax the most likely one's, and "better"
 * the listed tokens more likely than the sampled one:
 *   top_k 3          fewer than 3 better tokens
 *   top_p 0.3        the better tokens' probabilities sum to less than 0.3 (checked when all of
 *                    them are listed: fewer than 5)
 *   min_p 0.3        p >= 0.3 pmax
 *   top_a 0.5        p >= 0.5 pmax^2
 *   epsilon .05      p >= 0.05, or the sampled token is the most likely
 * (1e-5 of slack in log space for the float rounding of the reported values). */
static void test_truncation_rules_hold_per_token(void **state)
{
    (void)state;
    static const char *const cases[] = {"\"top_k\": 3", "\"top_p\": 0.3", "\"min_p\": 0.3", "\"top_a\": 0.5",
                                        "\"epsilon_cutoff\": 0.05"};
    const double slack = 1e-5;
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        char extra[256];
        snprintf(extra, sizeof extra, "%s, \"logprobs\": 5, \"max_tokens\": 40, \"ignore_eos\": true", cases[ci]);
        json_object *root;
        json_object *lp = json_object_object_get(complete(extra, &root), "logprobs");
        json_object *vals = json_object_object_get(lp, "token_logprobs"), *tops = json_object_object_get(lp, "top_logprobs");
        size_t n = json_object_array_length(vals), checked = 0;
        assert_int_equal(n, 40);
        for (size_t i = 0; i < n; i++) {
            double lv = json_object_get_double(json_object_array_get_idx(vals, i)), pmax = lv, better_sum = 0;
            size_t better = 0;
            json_object_object_foreach(json_object_array_get_idx(tops, i), tok, v)
            {
                (void)tok;
                double x = json_object_get_double(v);
                if (x > pmax)
                    pmax = x;
                if (x > lv + slack) {
                    better++;
                    better_sum += exp(x);
                }
            }
            int ok = 1;
            switch (ci) {
            case 0: ok = better < 3; break;
            case 1: ok = better >= 5 || better_sum < 0.3 + slack; checked += better < 5; break;
            case 2: ok = lv >= log(0.3) + pmax - slack; break;
            case 3: ok = lv >= log(0.5) + 2 * pmax - slack; break;
            default: ok = lv >= log(0.05) - slack || lv >= pmax - slack; break;
            }
            if (ci != 1)
                checked++;
            if (!ok)
                fail_msg("{%s} token %zu: logprob %g breaks the rule (most likely %g, %zu more likely, their p sum %g)",
                         cases[ci], i, lv, pmax, better, better_sum);
        }
        assert_true(checked >= n / 2);
        json_object_put(root);
    }
}
static void test_logit_bias_forces_and_bans(void **state)
{
    (void)state;
    int64_t the = token_id(" the");
    char extra[256];
    snprintf(extra, sizeof extra, "\"logit_bias\": {\"%lld\": 100}, \"ignore_eos\": true, \"max_tokens\": 8",
             (long long)the);
    json_object *root;
    assert_string_equal(text_of(complete(extra, &root)), " the the the the the the the the");
    json_object_put(root);
    snprintf(extra, sizeof extra, "\"logit_bias\": {\"%lld\": -100}, \"max_tokens\": 200, \"ignore_eos\": true",
             (long long)the);
    assert_null(strstr(text_of(complete(extra, &root)), " the "));
    json_object_put(root);
}

static int only_words(const char *text, const char *const *words, size_t n)
{
    const char *p = text;
    while (*p) {
        int matched = 0;
        for (size_t i = 0; i < n && !matched; i++)
            if (strncmp(p, words[i], strlen(words[i])) == 0) {
                p += strlen(words[i]);
                matched = 1;
            }
        if (!matched)
            return 0;
    }
    return 1;
}

static void test_allowed_token_ids_confine_output(void **state)
{
    (void)state;
    const char *words[] = {" the", " cat", " sat"};
    char extra[256];
    snprintf(extra, sizeof extra, "\"allowed_token_ids\": [%lld, %lld, %lld], \"ignore_eos\": true",
             (long long)token_id(words[0]), (long long)token_id(words[1]), (long long)token_id(words[2]));
    json_object *root;
    const char *t = text_of(complete(extra, &root));
    assert_true(strlen(t) > 40);
    if (!only_words(t, words, 3))
        fail_msg("output leaves the allowed tokens: %s", t);
    json_object_put(root);
}

static void test_bans_remove_tokens_and_phrases(void **state)
{
    (void)state;
    int64_t the = token_id(" the"), of = token_id(" of");
    char extra[256];
    json_object *root;
    const char *base_extra = "\"max_tokens\": 300, \"ignore_eos\": true";
    assert_non_null(strstr(text_of(complete(base_extra, &root)), " the "));
    json_object_put(root);
    const char *bans[] = {"\"bad_words\": [\"the\"]", "\"custom_token_bans\": [%lld]", "\"token_ban_ranges\": [[[%lld], 0, 1000]]"};
    for (size_t i = 0; i < 3; i++) {
        char ban[128];
        snprintf(ban, sizeof ban, bans[i], (long long)the);
        snprintf(extra, sizeof extra, "%s, %s", base_extra, ban);
        const char *t = text_of(complete(extra, &root));
        if (strstr(t, " the ") != NULL)
            fail_msg("{%s} still produced ' the ': %s", ban, t);
        json_object_put(root);
    }
    /* A range that has ended allows the token again. */
    snprintf(extra, sizeof extra, "%s, \"token_ban_ranges\": [[[%lld], 0, 3]]", base_extra, (long long)the);
    assert_non_null(strstr(text_of(complete(extra, &root)), " the "));
    json_object_put(root);
    /* Phrases: the sequence " of the" never appears, either form. */
    assert_non_null(strstr(text_of(complete(base_extra, &root)), " of the"));
    json_object_put(root);
    snprintf(extra, sizeof extra, "%s, \"banned_phrases_token_ids\": [[%lld, %lld]]", base_extra, (long long)of,
             (long long)the);
    assert_null(strstr(text_of(complete(extra, &root)), " of the"));
    json_object_put(root);
    snprintf(extra, sizeof extra, "%s, \"banned_phrases\": [\"of the\"]", base_extra);
    assert_null(strstr(text_of(complete(extra, &root)), " of the"));
    json_object_put(root);
}

static void test_stop_token_ids_and_eos_rules(void **state)
{
    (void)state;
    int64_t the = token_id(" the");
    char extra[256];
    json_object *root;
    snprintf(extra, sizeof extra, "\"stop_token_ids\": [%lld], \"max_tokens\": 300, \"ignore_eos\": true", (long long)the);
    json_object *c = complete(extra, &root), *v;
    assert_string_equal(bc_str_member(c, "finish_reason"), "stop");
    assert_true(json_object_object_get_ex(c, "stop_reason", &v));
    assert_int_equal(json_object_get_int64(v), the);
    /* The stop token's text is kept (it is not a special token). */
    const char *t = text_of(c);
    assert_string_equal(t + strlen(t) - 4, " the");
    json_object_put(root);
    /* EOS made almost certain: stops at once; ignore_eos and min_tokens keep it going. */
    c = complete("\"logit_bias\": {\"2\": 100}", &root);
    assert_string_equal(bc_str_member(c, "finish_reason"), "stop");
    assert_string_equal(text_of(c), "");
    json_object_put(root);
    c = complete("\"logit_bias\": {\"2\": 100}, \"ignore_eos\": true, \"max_tokens\": 5", &root);
    assert_string_equal(bc_str_member(c, "finish_reason"), "length");
    json_object_put(root);
    c = complete("\"logit_bias\": {\"2\": 8}, \"min_tokens\": 12, \"max_tokens\": 12", &root);
    json_object *usage;
    assert_true(json_object_object_get_ex(root, "usage", &usage));
    assert_true(json_object_object_get_ex(usage, "completion_tokens", &v));
    assert_int_equal(json_object_get_int(v), 12);
    assert_string_equal(bc_str_member(c, "finish_reason"), "length");
    json_object_put(root);
}

static void test_special_token_output(void **state)
{
    (void)state;
    json_object *root;
    const char *base = "\"logit_bias\": {\"2\": 100}, \"ignore_eos\": true, \"max_tokens\": 2";
    char extra[256];
    snprintf(extra, sizeof extra, "%s, \"skip_special_tokens\": false", base);
    assert_string_equal(text_of(complete(extra, &root)), "<|im_end|> <|im_end|>");
    json_object_put(root);
    snprintf(extra, sizeof extra, "%s, \"skip_special_tokens\": false, \"spaces_between_special_tokens\": false", base);
    assert_string_equal(text_of(complete(extra, &root)), "<|im_end|><|im_end|>");
    json_object_put(root);
    assert_string_equal(text_of(complete(base, &root)), "");
    json_object_put(root);
    json_object *c = complete("\"detokenize\": false", &root), *usage, *v;
    assert_string_equal(text_of(c), "");
    assert_true(json_object_object_get_ex(root, "usage", &usage));
    assert_true(json_object_object_get_ex(usage, "completion_tokens", &v));
    assert_true(json_object_get_int(v) > 0);
    json_object_put(root);
}

static void test_n_best_of_and_seeds(void **state)
{
    (void)state;
    json_object *root, *single[4];
    double best = -INFINITY;
    const char *best_text = NULL;
    for (int i = 0; i < 4; i++) {
        char extra[128];
        snprintf(extra, sizeof extra, "\"seed\": %d, \"logprobs\": 0, \"max_tokens\": 12", 100 + i);
        char body[512];
        snprintf(body, sizeof body, "{\"model\": \"genapi-ref\", \"prompt\": \"" PROMPT "\", %s}", extra);
        single[i] = bc_ok("/v1/completions", body);
        json_object *c = bc_choice(single[i], 0);
        json_object *lps = json_object_object_get(json_object_object_get(c, "logprobs"), "token_logprobs");
        double sum = 0;
        for (size_t k = 0; k < json_object_array_length(lps); k++)
            sum += json_object_get_double(json_object_array_get_idx(lps, k));
        if (sum > best) {
            best = sum;
            best_text = text_of(c);
        }
    }
    /* n = 4 with seed 100 gives the same four samples (seed + i). */
    char body[512];
    snprintf(body, sizeof body, "{\"model\": \"genapi-ref\", \"prompt\": \"" PROMPT "\", \"seed\": 100, \"n\": 4, \"max_tokens\": 12}");
    root = bc_ok("/v1/completions", body);
    json_object *choices = json_object_object_get(root, "choices");
    for (int i = 0; i < 4; i++)
        assert_string_equal(text_of(json_object_array_get_idx(choices, (size_t)i)),
                            text_of(bc_choice(single[i], 0)));
    json_object_put(root);
    /* best_of 4, n 1: the most likely of those four. */
    snprintf(body, sizeof body, "{\"model\": \"genapi-ref\", \"prompt\": \"" PROMPT "\", \"seed\": 100, \"best_of\": 4, \"max_tokens\": 12}");
    root = bc_ok("/v1/completions", body);
    choices = json_object_object_get(root, "choices");
    assert_int_equal(json_object_array_length(choices), 1);
    assert_string_equal(text_of(json_object_array_get_idx(choices, 0)), best_text);
    json_object_put(root);
    for (int i = 0; i < 4; i++)
        json_object_put(single[i]);
}

static void test_beam_search(void **state)
{
    (void)state;
    const char *body = "{\"model\": \"genapi-ref\", \"prompt\": \"" PROMPT "\", \"use_beam_search\": true, \"n\": 3, "
                       "\"max_tokens\": 10, \"ignore_eos\": true, \"logprobs\": 0, \"seed\": %d%s}";
    char b1[512], b2[512];
    snprintf(b1, sizeof b1, body, 1, "");
    snprintf(b2, sizeof b2, body, 2, "");
    json_object *r1 = bc_ok("/v1/completions", b1), *r2 = bc_ok("/v1/completions", b2);
    json_object *c1 = json_object_object_get(r1, "choices"), *c2 = json_object_object_get(r2, "choices");
    assert_int_equal(json_object_array_length(c1), 3);
    /* Deterministic whatever the seed, beams sorted by score, and distinct. */
    double prev = INFINITY;
    for (size_t i = 0; i < 3; i++) {
        json_object *a = json_object_array_get_idx(c1, i);
        assert_string_equal(text_of(a), text_of(json_object_array_get_idx(c2, i)));
        json_object *lps = json_object_object_get(json_object_object_get(a, "logprobs"), "token_logprobs");
        double sum = 0;
        for (size_t k = 0; k < json_object_array_length(lps); k++)
            sum += json_object_get_double(json_object_array_get_idx(lps, k));
        assert_true(sum <= prev + 1e-9);
        prev = sum;
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(text_of(a), text_of(json_object_array_get_idx(c1, k)));
    }
    /* The best beam is at least as likely as greedy decoding of the same length. */
    json_object *best_lps = json_object_object_get(
        json_object_object_get(json_object_array_get_idx(c1, 0), "logprobs"), "token_logprobs");
    double beam_sum = 0;
    for (size_t k = 0; k < json_object_array_length(best_lps); k++)
        beam_sum += json_object_get_double(json_object_array_get_idx(best_lps, k));
    json_object *groot;
    json_object *g = complete("\"temperature\": 0, \"max_tokens\": 10, \"ignore_eos\": true, \"logprobs\": 0", &groot);
    json_object *glps = json_object_object_get(json_object_object_get(g, "logprobs"), "token_logprobs");
    double greedy_sum = 0;
    for (size_t k = 0; k < json_object_array_length(glps); k++)
        greedy_sum += json_object_get_double(json_object_array_get_idx(glps, k));
    assert_true(beam_sum >= greedy_sum - 1e-6);
    json_object_put(groot);
    json_object_put(r1);
    json_object_put(r2);
    /* length_penalty and early_stopping are only accepted with beam search. */
    bc_expect_error(NULL, "/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"hi\", \"length_penalty\": 2.0}", 400, NULL);
    bc_expect_error(NULL, "/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"hi\", \"early_stopping\": true}", 400, NULL);
    json_object *e = bc_ok("/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"" PROMPT "\", \"use_beam_search\": true, "
                              "\"n\": 2, \"length_penalty\": 0.5, \"early_stopping\": \"never\", \"max_tokens\": 6}");
    assert_int_equal(json_object_array_length(json_object_object_get(e, "choices")), 2);
    json_object_put(e);
}

static void test_truncate_models_adapter_deepconf(void **state)
{
    (void)state;
    json_object *root, *v;
    complete("\"truncate_prompt_tokens\": 3", &root);
    assert_int_equal(json_object_get_int(json_object_object_get(json_object_object_get(root, "usage"), "prompt_tokens")), 3);
    json_object_put(root);
    complete("\"multi_models\": [\"genapi-ref-lora\"]", &root);
    assert_string_equal(bc_str_member(root, "model"), "genapi-ref-lora");
    json_object_put(root);
    bc_expect_error(NULL, "/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"x\", \"multi_models\": [\"nope\"]}", 404, NULL);
    /* The LoRA adapter favours nature words; the multiplier scales it. */
    int counts[2] = {0, 0};
    const char *mult[2] = {"0.5", "4"};
    for (int m = 0; m < 2; m++)
        for (int seed = 0; seed < 6; seed++) {
            char body[512];
            snprintf(body, sizeof body, "{\"model\": \"genapi-ref-lora\", \"prompt\": \"" PROMPT "\", \"seed\": %d, "
                     "\"max_tokens\": 60, \"ignore_eos\": true, \"multiplier\": %s}", seed, mult[m]);
            json_object *r = bc_ok("/v1/completions", body);
            const char *t = text_of(bc_choice(r, 0));
            const char *words[] = {" sea", " river", " rain", " garden", " tree", " bird", " wind", " water", " sun"};
            for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
                for (const char *p = strstr(t, words[w]); p; p = strstr(p + 1, words[w]))
                    counts[m]++;
            json_object_put(r);
        }
    assert_true(counts[1] > counts[0] * 2);
    /* DeepConf: a window of 4 with a threshold no step reaches stops after 4 tokens. */
    json_object *c = complete("\"enable_deepconf\": true, \"deepconf_window_size\": 4, \"deepconf_threshold\": 100, "
                              "\"ignore_eos\": true", &root);
    assert_string_equal(bc_str_member(c, "finish_reason"), "stop");
    assert_true(json_object_object_get_ex(c, "stop_reason", &v));
    assert_string_equal(json_object_get_string(v), "<deepconf-100>");
    assert_int_equal(json_object_get_int(json_object_object_get(json_object_object_get(root, "usage"), "completion_tokens")), 4);
    json_object_put(root);
    c = complete("\"enable_deepconf\": true, \"deepconf_window_size\": 4, \"deepconf_threshold\": 0, \"ignore_eos\": true", &root);
    assert_string_equal(bc_str_member(c, "finish_reason"), "length");
    json_object_put(root);
    bc_expect_error(NULL, "/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"x\", \"logits_processors\": [\"my.proc\"]}", 400, "logits_processors");
}

static void test_tokenize(void **state)
{
    (void)state;
    json_object *a = bc_ok("/v1/tokenize", "{\"model\": \"genapi-ref\", \"prompt\": \"Hello there, river\", \"return_token_strs\": true}");
    json_object *toks = json_object_object_get(a, "tokens"), *strs = json_object_object_get(a, "token_strs");
    assert_int_equal(json_object_get_int(json_object_object_get(a, "count")), (int)json_object_array_length(toks));
    assert_int_equal(json_object_get_int(json_object_object_get(a, "max_model_len")), 4096);
    char joined[256] = "";
    for (size_t i = 0; i < json_object_array_length(strs); i++)
        strcat(joined, json_object_get_string(json_object_array_get_idx(strs, i)));
    assert_string_equal(joined, "Hello there, river");
    json_object *m = bc_ok("/v1/tokenize", "{\"model\": \"genapi-ref\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello there, river\"}]}");
    assert_true(json_object_get_int(json_object_object_get(m, "count")) > json_object_get_int(json_object_object_get(a, "count")) + 3);
    assert_null(json_object_object_get(m, "token_strs"));
    json_object *mn = bc_ok("/v1/tokenize", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello there, river\"}], \"add_generation_prompt\": false}");
    assert_true(json_object_get_int(json_object_object_get(mn, "count")) < json_object_get_int(json_object_object_get(m, "count")));
    /* Completions from the token ids equal completions from the text. */
    char body[1024];
    int n = snprintf(body, sizeof body, "{\"model\": \"genapi-ref\", \"seed\": 3, \"max_tokens\": 15, \"prompt\": %s}",
                     json_object_to_json_string(toks));
    assert_true(n > 0);
    json_object *from_ids = bc_ok("/v1/completions", body);
    json_object *from_text = bc_ok("/v1/completions", "{\"model\": \"genapi-ref\", \"seed\": 3, \"max_tokens\": 15, \"prompt\": \"Hello there, river\"}");
    assert_string_equal(text_of(bc_choice(from_ids, 0)),
                        text_of(bc_choice(from_text, 0)));
    bc_expect_error(NULL, "/v1/tokenize", "{\"model\": \"nope\", \"prompt\": \"x\"}", 404, NULL);
    bc_expect_error(NULL, "/v1/tokenize", "{\"model\": \"genapi-ref\"}", 400, NULL);
    bc_expect_error(NULL, "/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": [99999999]}", 400, NULL);
    bc_expect_error(NULL, "/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"\"}", 400, NULL);
    bc_expect_error(NULL, "/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"x\", \"suffix\": \"y\"}", 400, NULL);
    json_object_put(a);
    json_object_put(m);
    json_object_put(mn);
    json_object_put(from_ids);
    json_object_put(from_text);
}

static void test_logprobs_formats(void **state)
{
    (void)state;
    json_object *root;
    json_object *c = complete("\"logprobs\": 3, \"echo\": true, \"prompt_logprobs\": 2, \"max_tokens\": 6", &root);
    json_object *lp = json_object_object_get(c, "logprobs");
    json_object *toks = json_object_object_get(lp, "tokens"), *vals = json_object_object_get(lp, "token_logprobs"),
                *tops = json_object_object_get(lp, "top_logprobs"), *offs = json_object_object_get(lp, "text_offset");
    size_t n = json_object_array_length(toks);
    int64_t prompt_tokens = json_object_get_int64(json_object_object_get(json_object_object_get(root, "usage"), "prompt_tokens"));
    assert_int_equal(n, (size_t)prompt_tokens + 6);
    assert_null(json_object_array_get_idx(vals, 0)); /* the first prompt token has no logprob */
    assert_null(json_object_array_get_idx(tops, 0));
    /* Text offsets walk the echoed text token by token. */
    const char *text = text_of(c);
    for (size_t i = 0; i < n; i++) {
        const char *t = json_object_get_string(json_object_array_get_idx(toks, i));
        int64_t off = json_object_get_int64(json_object_array_get_idx(offs, i));
        assert_int_equal(strncmp(text + off, t, strlen(t)), 0);
        if (i > 0) {
            double v = json_object_get_double(json_object_array_get_idx(vals, i));
            assert_true(v <= 0.0);
            json_object *d = json_object_array_get_idx(tops, i);
            assert_true(json_object_object_length(d) >= 1 && json_object_object_length(d) <= 4);
            json_object *self;
            assert_true(json_object_object_get_ex(d, t, &self));
            assert_true(fabs(json_object_get_double(self) - v) < 1e-6);
        }
    }
    json_object *plp = json_object_object_get(c, "prompt_logprobs");
    assert_int_equal(json_object_array_length(plp), (size_t)prompt_tokens);
    assert_null(json_object_array_get_idx(plp, 0));
    json_object_put(root);

    /* Chat: logprobs true + top_logprobs N, sampled token first in each top list. */
    json_object *r = bc_ok("/v1/chat/completions", "{\"model\": \"genapi-ref\", \"seed\": 9, \"max_tokens\": 8, \"logprobs\": true, "
                                                "\"top_logprobs\": 3, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}");
    json_object *ch = bc_choice(r, 0);
    json_object *content = json_object_object_get(json_object_object_get(ch, "logprobs"), "content");
    int64_t ct = json_object_get_int64(json_object_object_get(json_object_object_get(r, "usage"), "completion_tokens"));
    assert_int_equal(json_object_array_length(content), (size_t)ct);
    for (size_t i = 0; i < json_object_array_length(content); i++) {
        json_object *e = json_object_array_get_idx(content, i);
        json_object *top = json_object_object_get(e, "top_logprobs");
        assert_int_equal(json_object_array_length(top), 3);
        assert_string_equal(bc_str_member(json_object_array_get_idx(top, 0), "token"), bc_str_member(e, "token"));
        double prev = 0.0;
        for (size_t k = 1; k < 3; k++) {
            double v = json_object_get_double(json_object_object_get(json_object_array_get_idx(top, k), "logprob"));
            assert_true(v <= 0 && (k == 1 || v <= prev));
            prev = v;
        }
        json_object *bytes = json_object_object_get(e, "bytes");
        assert_int_equal(json_object_array_length(bytes), strlen(bc_str_member(e, "token")));
    }
    json_object_put(r);
    bc_expect_error(NULL, "/v1/chat/completions", "{\"model\": \"genapi-ref\", \"top_logprobs\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", 400, "top_logprobs");
}

/* The finish reasons and texts of a completion's choices, joined. */
static void choices_summary(json_object *root, char *out, size_t cap)
{
    json_object *choices = json_object_object_get(root, "choices");
    out[0] = '\0';
    for (size_t i = 0; i < json_object_array_length(choices); i++) {
        json_object *c = json_object_array_get_idx(choices, i);
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "[%s|%s]", bc_str_member(c, "finish_reason"), text_of(c));
    }
}

static void test_beam_length_penalty_and_early_stopping(void **state)
{
    (void)state;
    const char *tmpl = "{\"model\": \"genapi-ref\", \"use_beam_search\": true, \"n\": 2, \"max_tokens\": 60, "
                       "\"prompt\": \"" PROMPT "\", \"length_penalty\": %s, \"early_stopping\": %s}";
    char body[512], a[4096], b[4096];
    /* length_penalty changes which finished beams rank first. */
    snprintf(body, sizeof body, tmpl, "0.0", "false");
    json_object *r = bc_ok("/v1/completions", body);
    choices_summary(r, a, sizeof a);
    json_object_put(r);
    snprintf(body, sizeof body, tmpl, "2.0", "false");
    r = bc_ok("/v1/completions", body);
    choices_summary(r, b, sizeof b);
    json_object_put(r);
    assert_string_not_equal(a, b);
    /* early_stopping true stops at n finished beams; "never" searches on to max_tokens. */
    snprintf(body, sizeof body, tmpl, "0.0", "true");
    r = bc_ok("/v1/completions", body);
    choices_summary(r, a, sizeof a);
    json_object_put(r);
    snprintf(body, sizeof body, tmpl, "0.0", "\"never\"");
    r = bc_ok("/v1/completions", body);
    choices_summary(r, b, sizeof b);
    json_object_put(r);
    assert_string_not_equal(a, b);
}

static void test_accepted_without_effect_on_this_backend(void **state)
{
    (void)state;
    /* The servers ignore these; so does the reference backend, which says so in its docs. */
    json_object *r0, *r1;
    const char *base = text_of(complete("", &r0));
    const char *with = text_of(complete("\"guided_decoding_backend\": \"xgrammar\", \"guided_whitespace_pattern\": \" ?\", "
                                        "\"extra_args\": {\"custom\": 1}, \"logits_processors\": []", &r1));
    assert_string_equal(base, with);
    json_object_put(r0);
    json_object_put(r1);
    /* guided_decoding (the engine-level alias) constrains like structured_outputs. */
    for (int seed = 0; seed < 5; seed++) {
        char extra[256];
        snprintf(extra, sizeof extra, "\"seed\": %d, \"guided_decoding\": {\"choice\": [\"north\", \"south\"]}", seed);
        const char *t = text_of(complete(extra, &r0));
        assert_true(strcmp(t, "north") == 0 || strcmp(t, "south") == 0);
        json_object_put(r0);
    }
}

static void test_bad_values_are_400_naming_the_parameter(void **state)
{
    (void)state;
    static const struct {
        const char *extra, *param;
    } cases[] = {
        {"\"top_p\": 0", "top_p"},
        {"\"dry_base\": 1", "dry_base"},
        {"\"sampler_priority\": [7, 6, 8, 5, 9, 0, 1, 2, 3, 10, 11, 4, 12]", "sampler_priority"},
        {"\"mirostat_mode\": 1", "mirostat_mode"},
        {"\"n\": 3, \"best_of\": 2", "best_of"},
        {"\"guided_regex\": \"[^\\\\x00-\\\\x{10FFFF}]\"", "guided_regex"},
        {"\"temperature\": -0.5", "temperature"},
        {"\"stop\": [\"\"]", "stop"},
        {"\"n\": 1000", "n"},
        {"\"use_beam_search\": true, \"guided_choice\": [\"a\", \"b\"]", "use_beam_search"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[512];
        snprintf(body, sizeof body, "{\"model\": \"genapi-ref\", \"prompt\": \"x\", %s}", cases[i].extra);
        bc_expect_error(cases[i].extra, "/v1/completions", body, 400, cases[i].param);
    }
}

/* Concatenate the choice-0 texts of the events of a stream; counts events and checks [DONE]. */
static void read_stream(const char *sse, const char *field, int cumulative, char *out, size_t cap, int *events,
                        const char **finish)
{
    out[0] = '\0';
    *events = 0;
    *finish = NULL;
    static char finish_buf[32];
    const char *p = sse;
    int done = 0;
    while ((p = strstr(p, "data: ")) != NULL) {
        p += 6;
        const char *end = strstr(p, "\n\n");
        assert_non_null(end);
        if (strncmp(p, "[DONE]", 6) == 0) {
            done = 1;
            break;
        }
        char *ev = strndup(p, (size_t)(end - p));
        json_object *o = json_tokener_parse(ev), *choices, *c, *v;
        assert_non_null(o);
        (*events)++;
        if (json_object_object_get_ex(o, "choices", &choices) && json_object_array_length(choices) > 0) {
            c = json_object_array_get_idx(choices, 0);
            json_object *holder = c;
            if (strcmp(field, "content") == 0)
                assert_true(json_object_object_get_ex(c, "delta", &holder));
            if (json_object_object_get_ex(holder, field, &v) && v) {
                if (cumulative) {
                    assert_int_equal(strncmp(json_object_get_string(v), out, strlen(out)), 0); /* grows */
                    out[0] = '\0';
                }
                strncat(out, json_object_get_string(v), cap - strlen(out) - 1);
            }
            if (json_object_object_get_ex(c, "finish_reason", &v) && v) {
                snprintf(finish_buf, sizeof finish_buf, "%s", json_object_get_string(v));
                *finish = finish_buf;
            }
        }
        json_object_put(o);
        free(ev);
        p = end;
    }
    assert_true(done);
}

static void test_streams_and_output_kind(void **state)
{
    (void)state;
    const char *chat = "{\"model\": \"genapi-ref\", \"seed\": 5, \"max_tokens\": 20, \"ignore_eos\": true, "
                       "\"messages\": [{\"role\": \"user\", \"content\": \"Tell me about rain\"}]%s}";
    char body[1024], joined[4096], ct[64];
    int status, events;
    const char *finish;
    snprintf(body, sizeof body, chat, "");
    json_object *whole = bc_ok("/v1/chat/completions", body);
    const char *content = bc_chat_content(whole);
    snprintf(body, sizeof body, chat, ", \"stream\": true, \"stream_options\": {\"include_usage\": true}");
    char *sse = bc_post_raw("/v1/chat/completions", body, &status, ct, sizeof ct);
    assert_int_equal(status, 200);
    assert_string_equal(ct, "text/event-stream");
    read_stream(sse, "content", 0, joined, sizeof joined, &events, &finish);
    assert_string_equal(joined, content);
    assert_string_equal(finish, "length");
    assert_non_null(strstr(sse, "\"choices\":[],\"usage\":{"));
    int delta_events = events;
    free(sse);
    snprintf(body, sizeof body, chat, ", \"stream\": true, \"output_kind\": \"final_only\"");
    sse = bc_post_raw("/v1/chat/completions", body, &status, ct, sizeof ct);
    read_stream(sse, "content", 0, joined, sizeof joined, &events, &finish);
    assert_string_equal(joined, content);
    assert_int_equal(events, 2); /* the role chunk and one chunk with everything */
    assert_true(delta_events > events + 5);
    free(sse);
    /* Completions, cumulative: every chunk repeats the text so far, the last is all of it. */
    const char *cmpl = "{\"model\": \"genapi-ref\", \"seed\": 5, \"max_tokens\": 12, \"prompt\": \"" PROMPT "\"%s}";
    snprintf(body, sizeof body, cmpl, "");
    json_object *cw = bc_ok("/v1/completions", body);
    const char *ctext = text_of(bc_choice(cw, 0));
    snprintf(body, sizeof body, cmpl, ", \"stream\": true, \"output_kind\": \"cumulative\"");
    sse = bc_post_raw("/v1/completions", body, &status, ct, sizeof ct);
    read_stream(sse, "text", 1, joined, sizeof joined, &events, &finish);
    assert_string_equal(joined, ctext);
    free(sse);
    snprintf(body, sizeof body, cmpl, ", \"stream\": true");
    sse = bc_post_raw("/v1/completions", body, &status, ct, sizeof ct);
    read_stream(sse, "text", 0, joined, sizeof joined, &events, &finish);
    assert_string_equal(joined, ctext);
    assert_null(strstr(sse, "\"usage\":{")); /* no usage chunk unless asked */
    free(sse);
    json_object_put(cw);
    json_object_put(whole);
    /* Misuse. */
    snprintf(body, sizeof body, cmpl, ", \"stream_options\": {\"include_usage\": true}");
    bc_expect_error(NULL, "/v1/completions", body, 400, "stream_options");
    snprintf(body, sizeof body, cmpl, ", \"stream\": true, \"prompt_logprobs\": 1");
    bc_expect_error(NULL, "/v1/completions", body, 400, NULL);
}

/* Temperature 0 is greedy with dynatemp on too: the same text as plain temperature 0 for every
 * seed, and the same text whatever the seed. */
static void test_temperature_zero_with_dynatemp_is_greedy(void **state)
{
    (void)state;
    json_object *greedy_root, *root;
    const char *greedy = text_of(complete("\"temperature\": 0", &greedy_root));
    for (int seed = 1; seed <= 4; seed++) {
        char extra[160];
        snprintf(extra, sizeof extra,
                 "\"temperature\": 0, \"dynatemp_min\": 0.5, \"dynatemp_max\": 1.5, \"seed\": %d", seed);
        /* A later "seed" key replaces the helper's in json-c's parse. */
        assert_string_equal(text_of(complete(extra, &root)), greedy);
        json_object_put(root);
    }
    json_object_put(greedy_root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_sampler_changes_the_output),
        cmocka_unit_test(test_truncation_rules_hold_per_token),
        cmocka_unit_test(test_logit_bias_forces_and_bans),
        cmocka_unit_test(test_allowed_token_ids_confine_output),
        cmocka_unit_test(test_bans_remove_tokens_and_phrases),
        cmocka_unit_test(test_stop_token_ids_and_eos_rules),
        cmocka_unit_test(test_special_token_output),
        cmocka_unit_test(test_n_best_of_and_seeds),
        cmocka_unit_test(test_beam_search),
        cmocka_unit_test(test_truncate_models_adapter_deepconf),
        cmocka_unit_test(test_tokenize),
        cmocka_unit_test(test_logprobs_formats),
        cmocka_unit_test(test_streams_and_output_kind),
        cmocka_unit_test(test_beam_length_penalty_and_early_stopping),
        cmocka_unit_test(test_accepted_without_effect_on_this_backend),
        cmocka_unit_test(test_bad_values_are_400_naming_the_parameter),
        cmocka_unit_test(test_temperature_zero_with_dynatemp_is_greedy),
    };
    return cmocka_run_group_tests(tests, bc_setup, bc_teardown);
}
