/*
 * History-based samplers: repetition / frequency / presence penalties, no_repeat_ngram and
 * DRY. Expected logits are worked out by hand in the comments.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sampler_testing.h"

/* ---------------------------------------------------------------- penalties */

/* logits [2, -1, .5, 3, 1, -2]; prompt [3, 5]; output [0, 0, 1, 4];
 * repetition 2, frequency .5, presence .25:
 *   id0 (output x2): 2/2 = 1,   - .5*2 = 0,   - .25 = -0.25
 *   id1 (output x1): -1*2 = -2, - .5 = -2.5,  - .25 = -2.75
 *   id2 (unseen):    .5
 *   id3 (prompt):    3/2 = 1.5 (no frequency/presence: prompt only)
 *   id4 (output x1): 1/2 = .5,  - .5 = 0,     - .25 = -0.25
 *   id5 (prompt):    -2*2 = -4
 * Applied once: a second application would give e.g. id3 = 0.75. */
static void test_penalties_values(void **state)
{
    (void)state;
    const float l[] = {2.0f, -1.0f, 0.5f, 3.0f, 1.0f, -2.0f};
    const int32_t prompt[] = {3, 5}, out[] = {0, 0, 1, 4};
    gsamp_history h = samp_history(prompt, 2, out, 4);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.repetition_penalty = 2.0;
    c.frequency_penalty = 0.5;
    c.presence_penalty = 0.25;
    c.temperature = 0.0;
    samp_result r = samp_run(&c, l, 6, &h);
    const double want[] = {-0.25, -2.75, 0.5, 1.5, -0.25, -4.0};
    samp_expect_logits(&r, want, 6);
    assert_int_equal(r.token, 3);
}

/* The same penalties on a compacted set (top_k 4 runs first through a custom order):
 * top_k 4 of [2,-1,.5,3,1,-2] keeps ids {0,2,3,4}; then the penalties give
 * id0 -0.25, id2 .5, id3 1.5, id4 -0.25. */
static void test_penalties_after_truncation(void **state)
{
    (void)state;
    const float l[] = {2.0f, -1.0f, 0.5f, 3.0f, 1.0f, -2.0f};
    const int32_t prompt[] = {3, 5}, out[] = {0, 0, 1, 4};
    gsamp_history h = samp_history(prompt, 2, out, 4);
    const int32_t order[] = {GSAMP_TOP_P_TOP_K, GSAMP_PENALTIES, GSAMP_DRY, GSAMP_NO_REPEAT_NGRAM,
                             GSAMP_TEMPERATURE, GSAMP_TOP_NSIGMA, GSAMP_TOP_A, GSAMP_MIN_P,
                             GSAMP_TFS, GSAMP_ETA_CUTOFF, GSAMP_EPSILON_CUTOFF, GSAMP_TYPICAL_P,
                             GSAMP_QUADRATIC, GSAMP_XTC};
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.order = order;
    c.n_order = SAMP_NELEM(order);
    c.top_k = 4;
    c.repetition_penalty = 2.0;
    c.frequency_penalty = 0.5;
    c.presence_penalty = 0.25;
    samp_result r = samp_run(&c, l, 6, &h);
    const int32_t ids[] = {0, 2, 3, 4};
    samp_expect_ids(&r, ids, 4);
    const double want[] = {-0.25, 0.5, 1.5, -0.25};
    samp_expect_logits(&r, want, 4);
}

/* ---------------------------------------------------------------- no_repeat_ngram */

/* S = prompt [1,2,3] ++ output [4,1,2].
 * n=3: last 2 tokens [1,2]; earlier windows [1,2] at position 0 -> follower 3 banned.
 * n=1: every token of S banned -> {0, 5} remain.
 * n=7 > |S|: no-op; n = |S| checked below. */
static void test_no_repeat_ngram(void **state)
{
    (void)state;
    const float l[6] = {0};
    const int32_t prompt[] = {1, 2, 3}, out[] = {4, 1, 2};
    gsamp_history h = samp_history(prompt, 3, out, 3);
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.no_repeat_ngram_size = 3;
    samp_result r = samp_run(&c, l, 6, &h);
    const int32_t a[] = {0, 1, 2, 4, 5};
    samp_expect_ids(&r, a, 5);
    c.no_repeat_ngram_size = 1;
    r = samp_run(&c, l, 6, &h);
    const int32_t b[] = {0, 5};
    samp_expect_ids(&r, b, 2);
    c.no_repeat_ngram_size = 7;
    r = samp_run(&c, l, 6, &h);
    assert_int_equal(r.n, 6);
    /* n = |S|: S = [5,5,5], n = 3: the last 2 tokens [5,5] also start S, whose 3-gram ends in
     * 5 -> 5 banned. n = 4 > |S|: no-op. */
    const int32_t fives[] = {5, 5, 5};
    h = samp_history(fives, 3, NULL, 0);
    c.no_repeat_ngram_size = 3;
    r = samp_run(&c, l, 6, &h);
    const int32_t d[] = {0, 1, 2, 3, 4};
    samp_expect_ids(&r, d, 5);
    c.no_repeat_ngram_size = 4;
    r = samp_run(&c, l, 6, &h);
    assert_int_equal(r.n, 6);
}

/* ---------------------------------------------------------------- DRY */

static gsamp_config dry_cfg(double mult, double base, int64_t allowed)
{
    gsamp_config c;
    gsamp_config_defaults(&c);
    c.dry_multiplier = mult;
    c.dry_base = base;
    c.dry_allowed_length = allowed;
    return c;
}

/* S = prompt [1,2,3,4] ++ output [5,1,2,3] (n = 8, last = 3), no breakers.
 * Tail scan: min(8, 12+1) = 8 positions, no breaker -> g = 7 > allowed 2.
 * Earlier occurrence of 3 at i=2: S[1]=2=S[6], S[0]=1=S[5] -> match 2 -> token S[3]=4 gets
 * length 3 -> penalty 1 * 2^(3-2) = 2 -> l4 = -2; everything else stays 0.
 * allowed 4: same match, penalty 2^(3-4) = 0.5 (shorter matches still get a fraction). */
static void test_dry_basic_penalty(void **state)
{
    (void)state;
    const float l[10] = {0};
    const int32_t prompt[] = {1, 2, 3, 4}, out[] = {5, 1, 2, 3};
    gsamp_history h = samp_history(prompt, 4, out, 4);
    gsamp_config c = dry_cfg(1.0, 2.0, 2);
    samp_result r = samp_run(&c, l, 10, &h);
    double want[10] = {0};
    want[4] = -2.0;
    samp_expect_logits(&r, want, 10);
    c.dry_allowed_length = 4;
    r = samp_run(&c, l, 10, &h);
    want[4] = -0.5;
    samp_expect_logits(&r, want, 10);
}

/* Same S with breaker {2}: the tail is [.., 2, 3] -> g = 1 <= allowed 2 -> no penalty.
 * With allowed 0: g = 1 > 0, but the match at i=2 stops at S[1] = 2 (a breaker) -> match 0
 * -> still no penalty. */
static void test_dry_breakers(void **state)
{
    (void)state;
    const float l[10] = {0};
    const int32_t prompt[] = {1, 2, 3, 4}, out[] = {5, 1, 2, 3}, br[] = {2};
    gsamp_history h = samp_history(prompt, 4, out, 4);
    gsamp_config c = dry_cfg(1.0, 2.0, 2);
    c.dry_breakers = br;
    c.n_dry_breakers = 1;
    const double zero[10] = {0};
    samp_result r = samp_run(&c, l, 10, &h);
    samp_expect_logits(&r, zero, 10);
    c.dry_allowed_length = 0;
    r = samp_run(&c, l, 10, &h);
    samp_expect_logits(&r, zero, 10);
}

/* S = [5,3,1, 6,5,3,2, 0,6,5,3] (n = 11, last = 3), multiplier .5, base 3, allowed 1.
 * g = 10. Occurrences of 3 before the end: i=5 and i=1, most recent first:
 *   i=5: S[4]=5=S[9], S[3]=6=S[8], S[2]=1 != S[7]=0 -> match 2 -> token S[6]=2, length 3
 *   i=1: limited to min(1, g) = 1: S[0]=5=S[9] -> match 1 -> token S[2]=1, length 2
 * penalties: l2 -= .5 * 3^(3-1) = 4.5; l1 -= .5 * 3^(2-1) = 1.5.
 * max_occurrences 1: only i=5 -> l1 = 0.
 * early_exit 3: scanning stops after i=5 (3 >= 3) -> l1 = 0; early_exit 4: both.
 * range 6: S' = [3,2,0,6,5,3], the only earlier 3 is at i=0 -> match 0 -> nothing.
 * range 7: S' = [5,3,2,0,6,5,3], i=1: S'[0]=5=S'[5] -> match 1 -> token 2, length 2 ->
 *   l2 -= .5 * 3^1 = 1.5.
 * max_ngram 1: tail scan over min(11, 2) positions -> g = 1 <= allowed -> nothing. */
static void test_dry_lengths_and_limits(void **state)
{
    (void)state;
    const float l[10] = {0};
    const int32_t seq[] = {5, 3, 1, 6, 5, 3, 2, 0, 6, 5, 3};
    gsamp_history h = samp_history(seq, 6, seq + 6, 5);
    gsamp_config c = dry_cfg(0.5, 3.0, 1);
    double want[10] = {0};
    samp_result r = samp_run(&c, l, 10, &h);
    want[2] = -4.5;
    want[1] = -1.5;
    samp_expect_logits(&r, want, 10);

    c.dry_max_occurrences = 1;
    r = samp_run(&c, l, 10, &h);
    want[1] = 0.0;
    samp_expect_logits(&r, want, 10);
    c.dry_max_occurrences = 8;

    c.dry_early_exit_match_len = 3;
    r = samp_run(&c, l, 10, &h);
    samp_expect_logits(&r, want, 10);
    c.dry_early_exit_match_len = 4;
    r = samp_run(&c, l, 10, &h);
    want[1] = -1.5;
    samp_expect_logits(&r, want, 10);
    c.dry_early_exit_match_len = 8;

    const double zero[10] = {0};
    c.dry_range = 6;
    r = samp_run(&c, l, 10, &h);
    samp_expect_logits(&r, zero, 10);
    c.dry_range = 7;
    r = samp_run(&c, l, 10, &h);
    double want7[10] = {0};
    want7[2] = -1.5;
    samp_expect_logits(&r, want7, 10);
    c.dry_range = 0;

    c.dry_max_ngram = 1;
    r = samp_run(&c, l, 10, &h);
    samp_expect_logits(&r, zero, 10);
}

/* DRY on a compact set (allowed_token_ids makes the set compact from the start): same
 * sequence as above, allowed {1, 2, 7}: l1 = -1.5, l2 = -4.5, l7 = 0. */
static void test_dry_on_compact_set(void **state)
{
    (void)state;
    const float l[10] = {0};
    const int32_t seq[] = {5, 3, 1, 6, 5, 3, 2, 0, 6, 5, 3}, allowed[] = {7, 2, 1};
    gsamp_history h = samp_history(seq, 6, seq + 6, 5);
    gsamp_config c = dry_cfg(0.5, 3.0, 1);
    c.allowed = allowed;
    c.n_allowed = 3;
    samp_result r = samp_run(&c, l, 10, &h);
    const int32_t ids[] = {1, 2, 7};
    samp_expect_ids(&r, ids, 3);
    const double want[] = {-1.5, -4.5, 0.0};
    samp_expect_logits(&r, want, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_penalties_values),
        cmocka_unit_test(test_penalties_after_truncation),
        cmocka_unit_test(test_no_repeat_ngram),
        cmocka_unit_test(test_dry_basic_penalty),
        cmocka_unit_test(test_dry_breakers),
        cmocka_unit_test(test_dry_lengths_and_limits),
        cmocka_unit_test(test_dry_on_compact_set),
    };
    return cmocka_run_group_tests_name("samplers_penalties", tests, NULL, NULL);
}
