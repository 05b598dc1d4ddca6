/* Helpers shared by the fixture-driven tests (tests/test_fixtures_*.c): discovering the case
 * directories under <fixtures>/<endpoint>/, registering one CMocka test per case, loading a
 * case's response.body / response.meta / expected.json, and comparing typed results with
 * expected.json (normalized form, see the fixtures README) with "case: field: ..." messages. */
#ifndef GENAPI_FIXTURE_CASES_H
#define GENAPI_FIXTURE_CASES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <json-c/json.h>

#include <genapi/chat.h>
#include <genapi/client.h>
#include <genapi/logprobs.h>

/* ---- fixture discovery ------------------------------------------------------------------- */

typedef struct fc_case_list {
    char **names;
    size_t count;
} fc_case_list;

/* Sorted names of the sub-directories of <fixtures>/<endpoint> (none when it cannot be read). */
fc_case_list fc_list_cases(const char *fixtures, const char *endpoint);
void fc_free_cases(fc_case_list *l);

/* ---- one case ---------------------------------------------------------------------------- */

/* The loaded files of one case directory. */
typedef struct fc_case {
    const char *name;     /* case directory name (borrowed) */
    char *body;           /* response.body bytes, NUL-terminated */
    size_t body_len;
    json_object *meta;    /* response.meta (an object) when FC_LOAD_META was given, else NULL */
    json_object *expected; /* expected.json (an object) */
} fc_case;

enum { FC_LOAD_META = 1 };

/* Load <fixtures>/<endpoint>/<name>/: response.body, response.meta (with FC_LOAD_META) and
 * expected.json, in that order; what c held before is freed first. Fails the test ("name:
 * cannot read PATH" / "name: cannot parse PATH") on a missing file or a JSON file that is not
 * an object; what was loaded so far stays in c for fc_case_free. */
void fc_case_load(fc_case *c, const char *endpoint, const char *name, unsigned flags);
/* Frees the loaded files (c->name is kept). */
void fc_case_free(fc_case *c);

/* ---- per-test state ---------------------------------------------------------------------- */

/* For a cmocka setup: replaces *state (the test's initial_state: its case name, or NULL) with
 * a zeroed block of `size` bytes whose first member is an fc_case named after that case.
 * 0, or -1 out of memory. Free it with fc_case_free on that member, then free(). */
int fc_state_new(void **state, size_t size);

/* Setup and teardown for tests whose whole state is one fc_case. */
int fc_case_setup(void **state);
int fc_case_teardown(void **state);

/* A client on the in-process backend (environment ignored, no network); fails the test if it
 * cannot be created. */
genapi_client *fc_new_client(void);

/* ---- registration ------------------------------------------------------------------------ */

/* The tests of one executable, in the order they are added. */
typedef struct fc_suite {
    const char *endpoint;
    fc_case_list cases;
    struct CMUnitTest *tests;
    size_t count, cap;
    char **names; /* "<endpoint>/<case>", owned */
    size_t n_names;
    struct fc_parse_ref *refs; /* initial states of the parse tests, owned */
    int oom;
} fc_suite;

/* Lists the cases of <fixtures>/<endpoint> (none when the fixtures directory is missing). */
void fc_suite_init(fc_suite *s, const char *endpoint);
void fc_suite_add(fc_suite *s, const char *name, CMUnitTestFunction test, CMFixtureFunction setup,
                  CMFixtureFunction teardown);
/* The test `name` that fails when there is no case directory under <fixtures>/<endpoint>
 * (guards against a moved directory silently running nothing). */
void fc_suite_add_present(fc_suite *s, const char *name);
/* One test "<endpoint>/<case>" per case, its initial_state the case name. */
void fc_suite_add_cases(fc_suite *s, CMUnitTestFunction test, CMFixtureFunction setup, CMFixtureFunction teardown);

/* How the per-case test of a response parser reads and checks one case. */
typedef struct fc_parser {
    const char *what; /* the parse function's name, for the failure message */
    /* Parse a response body; *out receives the result (freed with free_result, even on error). */
    genapi_status (*parse)(genapi_client *client, const char *body, size_t body_len, void **out, genapi_error *err);
    void (*free_result)(void *result);
    /* Compare the parsed result with the loaded case (c->expected); failures name `label`. */
    void (*check)(const fc_case *c, const char *label, const void *result);
} fc_parser;

/* One test "<endpoint>/<case>" per case: loads response.body and
 * expected.json, parses the body with a fresh in-process client (failing "case: WHAT failed:
 * status message") and runs parser->check. The teardown frees everything, even after a failed
 * assertion. At most once per suite; `parser` must outlive fc_suite_run. */
void fc_suite_add_parse_cases(fc_suite *s, const fc_parser *parser);
/* Runs the group, frees the suite; cmocka's result, or 1 when memory ran out while adding. */
int fc_suite_run(fc_suite *s, const char *group);

/* ---- comparison helpers ------------------------------------------------------------------ */

/* Context of a comparison, for failure messages ("plain: choices[0].content"). */
typedef struct fc_cmp {
    const char *label; /* case name, plus "(round trip)" when relevant */
    char where[160];   /* field path */
} fc_cmp;

#define FC_WHERE(cx, ...) snprintf((cx)->where, sizeof (cx)->where, __VA_ARGS__)

/* Member `key` of object o; NULL when o is NULL, the key is missing or its value is null. */
json_object *fc_get_key(json_object *o, const char *key);

/* Compare a (possibly NULL) byte string with an expected JSON string or null. */
void fc_check_str_len(const fc_cmp *cx, json_object *exp, const char *act, size_t act_len);
void fc_check_str(const fc_cmp *cx, json_object *exp, const char *act);
/* The expected integer (fails when exp is not one). */
int64_t fc_exp_int(const fc_cmp *cx, json_object *exp);
void fc_check_int(const fc_cmp *cx, json_object *exp, int64_t act);
/* Length of the expected array (fails when arr is not one). */
size_t fc_exp_array_len(const fc_cmp *cx, json_object *arr);

/* struct_size of a result against sizeof its type. */
void fc_check_struct_size(const char *label, uint32_t struct_size, size_t want);
/* expected.json "kind" must be the string `kind`. */
void fc_check_kind(const char *label, json_object *exp, const char *kind);
/* http_status, id, model and created (absent => 0) of a completion result. */
void fc_check_envelope(fc_cmp *cx, json_object *exp, int64_t http_status, const char *id, const char *model,
                       int64_t created);
/* expected "choices" array against choice_count / the choices pointer; returns the array. */
json_object *fc_expect_choices(fc_cmp *cx, json_object *exp, size_t choice_count, const void *choices);
/* expected "usage" (object or null) against the typed usage. */
void fc_check_usage(fc_cmp *cx, json_object *usage, const genapi_usage *u);
/* stop_reason (int, string or null) against stop_reason_kind / stop_token / stop_string;
 * cx->where names the field. */
void fc_check_stop_reason(const fc_cmp *cx, json_object *sr, int32_t kind, int64_t stop_token,
                          const char *stop_string);

/* The two forms of logprobs in expected.json. */
typedef enum fc_logprobs_kind {
    FC_LOGPROBS_CHAT,      /* text_offset must be -1; bytes may be set */
    FC_LOGPROBS_COMPLETION /* "text_offset" array compared; bytes must be NULL/0 */
} fc_logprobs_kind;

/* logprobs of choice ci: null => NULL; else count, tokens, values (float|null, compared exactly
 * as the JSON doubles json-c reads from expected.json, which copies the body verbatim),
 * top_counts (int|null) and the per-kind fields above, entry by entry. */
void fc_check_logprobs(const char *label, size_t ci, json_object *elp, const genapi_logprobs *lp,
                       fc_logprobs_kind kind);

#endif
