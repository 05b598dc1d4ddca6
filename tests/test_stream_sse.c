/* Unit tests of the server-sent events decoder (lib/stream/sse.c): every stream transcript of
 * the shared fixtures yields the same events however it is cut into feeds (whole, byte by
 * byte, every chunk size 1..17); line endings (LF, CRLF, CR, a CRLF cut between feeds);
 * comments; "data:" with and without the space; multi-line data; ignored fields; the event
 * left unterminated at the end is discarded; data bytes pass unchanged (NUL, split UTF-8); the
 * callback's stop value comes back from gsse_feed; running out of memory returns -1 and leaks
 * nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <json-c/json.h>

#include "failing_alloc.h"
#include "fixture_cases.h"
#include "params/param_internal.h"
#include "stream/sse.h"
#include "test_support.h"
#include "util/alloc.h"

/* ---- collecting events --------------------------------------------------------------------- */

/* The events one decoding produced, in order. */
typedef struct ev_list {
    char **data;
    size_t *len;
    size_t count, cap;
    size_t stop_at; /* return stop_value from the callback for event number stop_at (1-based; 0: never) */
    int stop_value;
} ev_list;

static void ev_free(ev_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->data[i]);
    free(l->data);
    free(l->len);
    memset(l, 0, sizeof *l);
}

static int collect(const char *data, size_t len, void *user)
{
    ev_list *l = user;
    if (data[len] != '\0')
        fail_msg("event data is not NUL-terminated");
    if (l->count == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        char **d = realloc(l->data, ncap * sizeof *d);
        assert_non_null(d);
        l->data = d;
        size_t *n = realloc(l->len, ncap * sizeof *n);
        assert_non_null(n);
        l->len = n;
        l->cap = ncap;
    }
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, data, len + 1);
    l->data[l->count] = copy;
    l->len[l->count] = len;
    l->count++;
    return l->stop_at != 0 && l->count == l->stop_at ? l->stop_value : 0;
}

/* Decode `len` bytes fed in pieces of `step` bytes (0: all at once) into *out; returns the
 * first non-zero gsse_feed result, else 0. */
static int decode(const ga_alloc *a, const char *bytes, size_t len, size_t step, ev_list *out)
{
    gsse_decoder d;
    gsse_init(&d, a, collect, out);
    int rc = 0;
    if (step == 0) {
        rc = gsse_feed(&d, bytes, len);
    } else {
        for (size_t i = 0; i < len && rc == 0; i += step)
            rc = gsse_feed(&d, bytes + i, len - i < step ? len - i : step);
    }
    gsse_free(&d);
    return rc;
}

static void expect_same(const char *label, const ev_list *want, const ev_list *got)
{
    if (want->count != got->count)
        fail_msg("%s: expected %zu events, got %zu", label, want->count, got->count);
    for (size_t i = 0; i < want->count; i++)
        if (want->len[i] != got->len[i] || memcmp(want->data[i], got->data[i], want->len[i]) != 0)
            fail_msg("%s: event %zu differs: expected \"%s\" (%zu bytes), got \"%s\" (%zu bytes)", label, i,
                     want->data[i], want->len[i], got->data[i], got->len[i]);
}

/* Decode `text` (length len) whole, byte by byte and in every chunk size 1..17, and check each
 * way yields exactly the events `want` (count n). */
static void expect_events(const char *text, size_t len, const char *const *want, const size_t *want_len, size_t n)
{
    ga_alloc a;
    assert_int_equal(ga_alloc_resolve(&a, NULL), 0);
    for (size_t step = 0; step <= 17; step++) {
        ev_list got;
        memset(&got, 0, sizeof got);
        assert_int_equal(decode(&a, text, len, step, &got), 0);
        char label[64];
        snprintf(label, sizeof label, "chunk size %zu", step);
        if (got.count != n) {
            size_t gc = got.count;
            ev_free(&got);
            fail_msg("%s: expected %zu events, got %zu", label, n, gc);
        }
        for (size_t i = 0; i < n; i++) {
            size_t wl = want_len != NULL ? want_len[i] : strlen(want[i]);
            if (got.len[i] != wl || memcmp(got.data[i], want[i], wl) != 0)
                fail_msg("%s: event %zu: expected \"%s\" (%zu bytes), got \"%s\" (%zu bytes)", label, i, want[i], wl,
                         got.data[i], got.len[i]);
        }
        ev_free(&got);
    }
}

#define EXPECT(text, ...)                                                                                          \
    do {                                                                                                           \
        static const char *const want_[] = {__VA_ARGS__};                                                          \
        expect_events(text, sizeof(text) - 1, want_, NULL, sizeof want_ / sizeof want_[0]);                       \
    } while (0)
#define EXPECT_NONE(text) expect_events(text, sizeof(text) - 1, NULL, NULL, 0)

/* ---- fixture transcripts ------------------------------------------------------------------- */

/* Per-test state of the fixture test: what must be freed even after a failed assertion. */
typedef struct fx_state {
    fc_case_list cases;
    char *body;
    json_object *expected;
    ev_list ref, got;
} fx_state;

static int fx_setup(void **state)
{
    fx_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return -1;
    *state = s;
    return 0;
}

static int fx_teardown(void **state)
{
    fx_state *s = *state;
    if (s == NULL)
        return 0;
    fc_free_cases(&s->cases);
    free(s->body);
    json_object_put(s->expected);
    ev_free(&s->ref);
    ev_free(&s->got);
    free(s);
    *state = NULL;
    return 0;
}

/* One transcript: the reference decoding (whole) holds one event per JSON chunk (json_events of
 * expected.json, each a JSON value) plus at most one "[DONE]"; every other chunking agrees. */
static void check_transcript(fx_state *s, const char *endpoint, const char *name)
{
    const char *fx = ts_fixtures_dir();
    char path[1024], label[256];
    snprintf(label, sizeof label, "%s/%s", endpoint, name);
    snprintf(path, sizeof path, "%s/%s/%s/response.body", fx, endpoint, name);
    size_t len = 0;
    s->body = ts_read_file(path, &len);
    if (s->body == NULL)
        fail_msg("%s: cannot read %s", label, path);
    snprintf(path, sizeof path, "%s/%s/%s/expected.json", fx, endpoint, name);
    s->expected = json_object_from_file(path);
    if (s->expected == NULL)
        fail_msg("%s: cannot parse %s", label, path);

    ga_alloc a;
    assert_int_equal(ga_alloc_resolve(&a, NULL), 0);
    assert_int_equal(decode(&a, s->body, len, 0, &s->ref), 0);

    size_t json_events = 0, done = 0;
    for (size_t i = 0; i < s->ref.count; i++) {
        if (s->ref.len[i] == 6 && memcmp(s->ref.data[i], "[DONE]", 6) == 0) {
            done++;
            continue;
        }
        json_object *v = ga_json_parse(s->ref.data[i], s->ref.len[i]);
        if (v == NULL)
            fail_msg("%s: event %zu is not JSON: %s", label, i, s->ref.data[i]);
        json_object_put(v);
        json_events++;
    }
    json_object *ej = NULL;
    if (!json_object_object_get_ex(s->expected, "json_events", &ej) || !json_object_is_type(ej, json_type_int))
        fail_msg("%s: expected.json has no integer json_events", label);
    if ((int64_t)json_events != json_object_get_int64(ej))
        fail_msg("%s: %zu JSON events decoded, expected.json says %lld", label, json_events,
                 (long long)json_object_get_int64(ej));
    if (done > 1)
        fail_msg("%s: %zu [DONE] events", label, done);

    for (size_t step = 1; step <= 17; step++) {
        char what[300];
        snprintf(what, sizeof what, "%s: chunks of %zu bytes", label, step);
        assert_int_equal(decode(&a, s->body, len, step, &s->got), 0);
        expect_same(what, &s->ref, &s->got);
        ev_free(&s->got);
    }
    ev_free(&s->ref);
    free(s->body);
    s->body = NULL;
    json_object_put(s->expected);
    s->expected = NULL;
}

static void test_fixture_transcripts(void **state)
{
    fx_state *s = *state;
    static const char *const endpoints[] = {"chat_completions_stream", "completions_stream"};
    const char *fx = ts_fixtures_dir();
    for (size_t e = 0; e < sizeof endpoints / sizeof endpoints[0]; e++) {
        s->cases = fc_list_cases(fx, endpoints[e]);
        if (s->cases.count == 0)
            fail_msg("no case directories under %s/%s", fx, endpoints[e]);
        for (size_t i = 0; i < s->cases.count; i++)
            check_transcript(s, endpoints[e], s->cases.names[i]);
        fc_free_cases(&s->cases);
    }
}

/* ---- line endings, fields, comments -------------------------------------------------------- */

static void test_line_endings(void **state)
{
    (void)state;
    EXPECT("data: lf\n\n", "lf");
    EXPECT("data: crlf\r\n\r\n", "crlf");
    EXPECT("data: x\rdata: y\r\rdata: z\r\r", "x\ny", "z"); /* CR alone */
    /* mixed: LF then CR is two line ends (a blank line), not one */
    EXPECT("data: a\n\rdata: b\r\n\ndata: c\r\r\n", "a", "b", "c");
    EXPECT_NONE("\r\n\n\r");
}

static void test_crlf_split_across_feeds(void **state)
{
    (void)state;
    ga_alloc a;
    assert_int_equal(ga_alloc_resolve(&a, NULL), 0);
    ev_list got;
    memset(&got, 0, sizeof got);
    gsse_decoder d;
    gsse_init(&d, &a, collect, &got);
    /* the LF after a CR at the end of a feed belongs to that CR: one event "a\nb" */
    assert_int_equal(gsse_feed(&d, "data: a\r", 8), 0);
    assert_int_equal(gsse_feed(&d, "\ndata: b\r", 9), 0);
    assert_int_equal(gsse_feed(&d, "\n", 1), 0); /* completes the CRLF: not a blank line */
    assert_int_equal(got.count, 0);
    assert_int_equal(gsse_feed(&d, "\r", 1), 0); /* the blank line */
    assert_int_equal(got.count, 1);
    assert_int_equal(gsse_feed(&d, "\n", 1), 0); /* the LF of that CRLF: nothing more */
    assert_int_equal(got.count, 1);
    assert_string_equal(got.data[0], "a\nb");
    /* a CR ending a feed followed by something else: the CR alone ended the line */
    assert_int_equal(gsse_feed(&d, "data: c\r", 8), 0);
    assert_int_equal(gsse_feed(&d, "\r", 1), 0);
    assert_int_equal(got.count, 2);
    assert_string_equal(got.data[1], "c");
    /* empty feeds change nothing */
    assert_int_equal(gsse_feed(&d, "data: d\r", 8), 0);
    assert_int_equal(gsse_feed(&d, "", 0), 0);
    assert_int_equal(gsse_feed(&d, "\n\n", 2), 0);
    assert_int_equal(got.count, 3);
    assert_string_equal(got.data[2], "d");
    gsse_free(&d);
    ev_free(&got);
}

static void test_comments(void **state)
{
    (void)state;
    EXPECT(": keep-alive\n\n: ping - 2025-01-01\r\n\r\ndata: a\n: between\ndata: b\n\n", "a\nb");
    EXPECT_NONE(":\n\n: only comments\n\n");
    EXPECT(":data: not data\ndata: real\n\n", "real");
}

static void test_data_space(void **state)
{
    (void)state;
    EXPECT("data:a\n\n", "a");
    EXPECT("data:  two\n\n", " two"); /* only one leading space is removed */
    EXPECT("data:\n\n", "");          /* an empty data field still makes an event */
    EXPECT("data\n\n", "");           /* a field name without colon: empty value */
    EXPECT("data: a:b: c\n\n", "a:b: c");
    EXPECT("data:\tx\n\n", "\tx");
}

static void test_multiline_data(void **state)
{
    (void)state;
    EXPECT("data: {\ndata: \"k\": 1\ndata: }\n\n", "{\n\"k\": 1\n}");
    EXPECT("data:\ndata:\n\n", "\n");
    EXPECT("data: a\n\n\n\ndata: b\n\n", "a", "b"); /* extra blank lines dispatch nothing */
}

static void test_ignored_fields(void **state)
{
    (void)state;
    EXPECT("event: message\nid: 7\nretry: 1000\ndata: a\nfoo: bar\nData: no\ndata : no\n\n", "a");
    EXPECT_NONE("event: only\nid: 1\n\n");
}

static void test_unterminated_event_discarded(void **state)
{
    (void)state;
    EXPECT("data: a\n\ndata: b\n", "a");
    EXPECT("data: a\n\ndata: b", "a");
    EXPECT("data: a\n\ndata: b\r", "a");
    EXPECT("data: a\n\ndata: b\r\n", "a");
    EXPECT_NONE("data: {\"id\":");
}

static void test_bytes_unchanged(void **state)
{
    (void)state;
    /* NUL bytes and multi-byte UTF-8 (cut by the small chunk sizes) pass through */
    static const char text[] = "data: caf\xC3\xA9 \xF0\x9F\x97\xBC a\0b\n\n";
    static const char want0[] = "caf\xC3\xA9 \xF0\x9F\x97\xBC a\0b";
    static const char *const want[] = {want0};
    static const size_t want_len[] = {sizeof want0 - 1};
    expect_events(text, sizeof text - 1, want, want_len, 1);
}

/* ---- callback stop, allocation failure ----------------------------------------------------- */

static void test_callback_stop(void **state)
{
    (void)state;
    ga_alloc a;
    assert_int_equal(ga_alloc_resolve(&a, NULL), 0);
    static const char text[] = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
    for (size_t step = 0; step <= 5; step++) {
        ev_list got;
        memset(&got, 0, sizeof got);
        got.stop_at = 2;
        got.stop_value = 42;
        assert_int_equal(decode(&a, text, sizeof text - 1, step, &got), 42);
        assert_int_equal(got.count, 2); /* the third event was not decoded */
        ev_free(&got);
    }
}

static void test_out_of_memory(void **state)
{
    (void)state;
    fa_counter b = {0}; /* a budget of allocations, then failures: none granted first */
    fa_fail_from(&b, 0);
    ga_alloc a = FA_HOOKS(&b);
    ev_list got;
    memset(&got, 0, sizeof got);
    gsse_decoder d;
    gsse_init(&d, &a, collect, &got);
    assert_int_equal(gsse_feed(&d, "data: x\n\n", 9), -1);
    assert_int_equal(gsse_feed(&d, "data: y\n\n", 9), -1); /* stays failed */
    assert_int_equal(got.count, 0);
    gsse_free(&d);

    /* every budget: either -1, or all events; never a leak or a wrong event */
    static const char text[] = "data: {\"a\":\ndata: 1}\r\n\r\n: c\ndata: " /* long line */
                               "0123456789012345678901234567890123456789012345678901234567890123456789"
                               "0123456789012345678901234567890123456789012345678901234567890123456789"
                               "0123456789012345678901234567890123456789012345678901234567890123456789"
                               "0123456789012345678901234567890123456789012345678901234567890123456789\n\n";
    ga_alloc std;
    assert_int_equal(ga_alloc_resolve(&std, NULL), 0);
    ev_list ref;
    memset(&ref, 0, sizeof ref);
    assert_int_equal(decode(&std, text, sizeof text - 1, 7, &ref), 0);
    assert_int_equal(ref.count, 2);
    int succeeded = 0;
    for (size_t budget_n = 0; budget_n < 64 && !succeeded; budget_n++) {
        for (size_t step = 0; step <= 7; step += 7) {
            fa_fail_from(&b, (long)budget_n);
            int rc = decode(&a, text, sizeof text - 1, step, &got);
            if (rc == 0) {
                expect_same("budget", &ref, &got);
                succeeded = 1;
            } else {
                assert_int_equal(rc, -1);
                assert_true(got.count <= ref.count);
            }
            ev_free(&got);
        }
    }
    ev_free(&ref);
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fixture_transcripts, fx_setup, fx_teardown),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_crlf_split_across_feeds),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_data_space),
        cmocka_unit_test(test_multiline_data),
        cmocka_unit_test(test_ignored_fields),
        cmocka_unit_test(test_unterminated_event_discarded),
        cmocka_unit_test(test_bytes_unchanged),
        cmocka_unit_test(test_callback_stop),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests_name("stream_sse", tests, NULL, NULL);
}
