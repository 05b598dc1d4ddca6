/* Logprob ranks and text offsets, exactly: the engine's rank and top-n of a hand-made logit
 * vector; prompt_logprobs ranks of the reference backend against the order of their own
 * logprobs; completions text_offset counted in characters (code points) on a non-ASCII prompt,
 * recomputed here from the token strings. */
#include <math.h>
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

#include "backend_calls.h"
#include "engine/text/engine.h"
#include "engine/text/select.h"

/* logits [1, 3, 2, 3, -inf]: log-sum-exp over the finite ones = 3 + ln(2 + e^-1 + e^-2)
 * = 3 + ln(2.503214) = 3.917574. Rank = 1 + tokens with a higher logit (ties: lower id first):
 * id 1 -> 1, id 3 -> 2 (tied with id 1, which comes first), id 2 -> 3, id 0 -> 4. Top 2: ids 1, 3.
 * The masked id 4 gets the -9999 sentinel and rank 5. */
static void test_engine_rank_and_top(void **state)
{
    (void)state;
    const float logits[] = {1.0f, 3.0f, 2.0f, 3.0f, -INFINITY};
    static const struct {
        int32_t id;
        int64_t rank;
    } want[] = {{1, 1}, {3, 2}, {2, 3}, {0, 4}, {4, 5}};
    const double lse = 3.0 + log(2.0 + exp(-1.0) + exp(-2.0));
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        gx_top top[2];
        gx_logprob lp;
        gx_fill_logprob_into(logits, 5, want[i].id, 2, top, &lp);
        assert_int_equal(lp.id, want[i].id);
        if (lp.rank != want[i].rank)
            fail_msg("id %d: rank %lld, expected %lld", (int)want[i].id, (long long)lp.rank, (long long)want[i].rank);
        if (want[i].id == 4)
            assert_true(lp.logprob == -9999.0f);
        else
            assert_true(fabs((double)lp.logprob - ((double)logits[want[i].id] - lse)) < 1e-6);
        assert_int_equal(lp.n_top, 2);
        assert_int_equal(top[0].id, 1);
        assert_int_equal(top[1].id, 3);
        assert_true(fabs((double)top[0].logprob - (3.0 - lse)) < 1e-6);
        assert_true(fabs((double)top[1].logprob - (3.0 - lse)) < 1e-6);
    }
    /* No top list asked: none filled. */
    gx_logprob lp;
    gx_fill_logprob_into(logits, 5, 2, 0, NULL, &lp);
    assert_int_equal(lp.rank, 3);
    assert_int_equal(lp.n_top, 0);
    assert_null(lp.top);
}

/* prompt_logprobs entries: {"<id>": {"logprob", "rank", "decoded_token"}}, the prompt token and
 * the N most likely. The N most likely, in descending logprob order, have ranks 1..N; the prompt
 * token's rank is 1 + the number of listed tokens more likely than it when it is among them
 * (then its entry is the same as its top entry), and more than N otherwise. */
static void test_prompt_logprob_ranks(void **state)
{
    (void)state;
    enum { N = 3 };
    json_object *root = bc_ok("/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"The river ran past the old "
                                                 "mill, and the children sang\", \"max_tokens\": 1, \"seed\": 3, "
                                                 "\"prompt_logprobs\": 3}");
    json_object *plp = json_object_object_get(bc_choice(root, 0), "prompt_logprobs");
    assert_non_null(plp);
    size_t n = json_object_array_length(plp);
    assert_true(n > 5);
    assert_null(json_object_array_get_idx(plp, 0));
    int64_t prompt_tokens =
        json_object_get_int64(json_object_object_get(json_object_object_get(root, "usage"), "prompt_tokens"));
    assert_int_equal(n, (size_t)prompt_tokens);
    /* The prompt's token ids, to know which entry is the prompt token. */
    json_object *tok = bc_ok("/v1/tokenize", "{\"model\": \"genapi-ref\", \"prompt\": \"The river ran past the old "
                                             "mill, and the children sang\"}");
    json_object *ids = json_object_object_get(tok, "tokens");
    assert_int_equal(json_object_array_length(ids), n);
    size_t outside = 0;
    for (size_t i = 1; i < n; i++) {
        json_object *d = json_object_array_get_idx(plp, i);
        char key[16];
        snprintf(key, sizeof key, "%lld", (long long)json_object_get_int64(json_object_array_get_idx(ids, i)));
        json_object *self = NULL;
        assert_true(json_object_object_get_ex(d, key, &self));
        double self_lp = json_object_get_double(json_object_object_get(self, "logprob"));
        int64_t self_rank = json_object_get_int64(json_object_object_get(self, "rank"));
        /* The other entries, sorted by logprob (descending); ranks 1..k with k = N or N - 1. */
        double lps[N + 1];
        int64_t ranks[N + 1];
        size_t k = 0, more_likely = 0;
        json_object_object_foreach(d, id, e)
        {
            double v = json_object_get_double(json_object_object_get(e, "logprob"));
            if (strcmp(id, key) != 0) {
                assert_true(k < N);
                size_t at = k++;
                while (at > 0 && lps[at - 1] < v) {
                    lps[at] = lps[at - 1];
                    ranks[at] = ranks[at - 1];
                    at--;
                }
                lps[at] = v;
                ranks[at] = json_object_get_int64(json_object_object_get(e, "rank"));
            }
            if (v > self_lp)
                more_likely++;
        }
        if (k == N) { /* the prompt token is not among the N most likely */
            if (self_rank <= N)
                fail_msg("prompt token %zu: rank %lld but not among the %d most likely", i, (long long)self_rank, N);
            outside++;
            for (size_t r = 0; r < N; r++)
                assert_int_equal(ranks[r], (int64_t)r + 1);
        } else { /* it is: the others fill the remaining ranks around it */
            assert_int_equal(k, N - 1);
            assert_int_equal(self_rank, (int64_t)more_likely + 1);
            for (size_t r = 0, want = 1; r < k; r++, want++) {
                if ((int64_t)want == self_rank)
                    want++;
                assert_int_equal(ranks[r], (int64_t)want);
            }
        }
    }
    /* The prompt is ordinary text: some tokens are among the model's favourites, some not. */
    assert_true(outside > 0 && outside < n - 1);
    json_object_put(tok);
    json_object_put(root);
}

/* Code points of s (UTF-8): the bytes that do not continue a character. */
static int64_t code_points(const char *s)
{
    int64_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0u) != 0x80u;
    return n;
}

/* text_offset counts characters: on a prompt of two-, three- and four-byte characters the
 * offsets are the running character counts of the token strings as sent (a byte token of a
 * split character is sent as U+FFFD and counts one), never their bytes. */
#define NON_ASCII_PROMPT "Cr\\u00e8me br\\u00fbl\\u00e9e \\u2014 na\\u00efve caf\\u00e9 \\ud83d\\ude00 d\\u00e9j\\u00e0 vu"
static void test_text_offset_counts_characters(void **state)
{
    (void)state;
    /* Echo with prompt logprobs: prompt and output tokens, offsets from 0. */
    json_object *root = bc_ok("/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"" NON_ASCII_PROMPT
                                                 "\", \"max_tokens\": 5, \"seed\": 4, \"echo\": true, \"logprobs\": 1, "
                                                 "\"prompt_logprobs\": 1}");
    json_object *c = bc_choice(root, 0);
    json_object *lp = json_object_object_get(c, "logprobs");
    json_object *toks = json_object_object_get(lp, "tokens"), *offs = json_object_object_get(lp, "text_offset");
    size_t n = json_object_array_length(toks);
    assert_int_equal(json_object_array_length(offs), n);
    int64_t chars = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        const char *t = json_object_get_string(json_object_array_get_idx(toks, i));
        int64_t off = json_object_get_int64(json_object_array_get_idx(offs, i));
        if (off != chars)
            fail_msg("token %zu \"%s\": text_offset %lld, expected %lld characters", i, t, (long long)off,
                     (long long)chars);
        chars += code_points(t);
        bytes += (int64_t)strlen(t);
    }
    /* The case tells bytes and characters apart: whole-character tokens (" naïve", " —") and
     * byte tokens shown as U+FFFD (3 bytes, 1 character). */
    assert_true(bytes > chars);
    json_object_put(root);

    /* Without echo: the output tokens only, offsets from 0. */
    root = bc_ok("/v1/completions", "{\"model\": \"genapi-ref\", \"prompt\": \"" NON_ASCII_PROMPT
                                    "\", \"max_tokens\": 3, \"seed\": 4, \"logprobs\": 1}");
    c = bc_choice(root, 0);
    lp = json_object_object_get(c, "logprobs");
    toks = json_object_object_get(lp, "tokens");
    offs = json_object_object_get(lp, "text_offset");
    assert_int_equal(json_object_array_length(toks), 3);
    chars = 0;
    for (size_t i = 0; i < json_object_array_length(toks); i++) {
        assert_int_equal(json_object_get_int64(json_object_array_get_idx(offs, i)), chars);
        chars += code_points(json_object_get_string(json_object_array_get_idx(toks, i)));
    }
    json_object_put(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_rank_and_top),
        cmocka_unit_test(test_prompt_logprob_ranks),
        cmocka_unit_test(test_text_offset_counts_characters),
    };
    return cmocka_run_group_tests(tests, bc_setup, bc_teardown);
}
