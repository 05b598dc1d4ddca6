/* The genapi CLI: text to stdout, diagnostics to stderr, exit codes, --json, -p, and both
 * the in-process backend and --base-url against a genapi-server child. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "test_support.h"

typedef struct run {
    int status;
    char out[65536];
    char err[8192];
} run;

/* Run the CLI with a shell command line tail; stdout and stderr captured separately. */
static void run_cli(run *r, const char *env, const char *args)
{
    char cmd[2048], dir[512], errfile[600];
    assert_int_equal(ts_scratch_dir(dir, sizeof dir), 0);
    snprintf(errfile, sizeof errfile, "%s/stderr", dir);
    snprintf(cmd, sizeof cmd, "env -u GENAPI_BASE_URL -u GENAPI_API_KEY -u GENAPI_MODEL %s '%s' %s 2>%s", env ? env : "",
             GENAPI_CLI_BIN, args, errfile);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(r->out, 1, sizeof r->out - 1, p);
    r->out[n] = '\0';
    int st = pclose(p);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    size_t len = 0;
    char *e = ts_read_file(errfile, &len);
    snprintf(r->err, sizeof r->err, "%s", e ? e : "");
    free(e);
    ts_scratch_remove(dir);
}

static void test_chat_offline(void **state)
{
    (void)state;
    run r;
    run_cli(&r, NULL, "chat Hello");
    assert_int_equal(r.status, 0);
    assert_true(strlen(r.out) > 2);
    assert_string_equal(r.err, "");
}

static void test_chat_json_and_params(void **state)
{
    (void)state;
    run r;
    run_cli(&r, NULL, "chat --json -p seed=4 -p max_tokens=6 -p ignore_eos=true -m genapi-ref 'Hello there'");
    assert_int_equal(r.status, 0);
    json_object *o = json_tokener_parse(r.out), *choices, *usage, *v;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "choices", &choices));
    assert_int_equal(json_object_array_length(choices), 1);
    assert_true(json_object_object_get_ex(o, "usage", &usage));
    assert_true(json_object_object_get_ex(usage, "completion_tokens", &v));
    assert_int_equal(json_object_get_int(v), 6);
    json_object_put(o);
}

static void test_bad_param_fails(void **state)
{
    (void)state;
    run r;
    run_cli(&r, NULL, "chat -p top_p=0 Hello");
    assert_int_not_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "top_p"));
    run_cli(&r, NULL, "chat -p not_a_param=1 Hello");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "not_a_param"));
    run_cli(&r, NULL, "chat -m missing-model Hello");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "missing-model"));
    run_cli(&r, NULL, "frobnicate");
    assert_int_equal(r.status, 2);
}

static void test_chat_over_http(void **state)
{
    (void)state;
    ts_server s;
    const char *extra[] = {"--api-key", "k-123", NULL};
    assert_int_equal(ts_server_start(&s, extra), 0);
    char args[512];
    run r;
    snprintf(args, sizeof args, "chat --base-url %s --api-key k-123 -p max_tokens=10 Hi", s.url);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    assert_true(strlen(r.out) > 1);
    char env[256];
    snprintf(env, sizeof env, "GENAPI_BASE_URL=%s/v1 GENAPI_API_KEY=k-123", s.url);
    run_cli(&r, env, "chat -p max_tokens=10 Hi");
    assert_int_equal(r.status, 0);
    snprintf(args, sizeof args, "--base-url %s --api-key wrong chat Hi", s.url);
    run_cli(&r, NULL, args);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "401"));
    assert_null(strstr(r.err, "k-123"));
    ts_server_stop(&s);
}

static void test_complete_tokenize_and_stream(void **state)
{
    (void)state;
    run a, b;
    run_cli(&a, NULL, "chat -p seed=8 -p max_tokens=20 'Tell me about bread'");
    run_cli(&b, NULL, "chat --stream -p seed=8 -p max_tokens=20 'Tell me about bread'");
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_string_equal(a.out, b.out); /* streamed text is the same reply */
    run_cli(&a, NULL, "complete -p seed=1 -p max_tokens=6 'The lighthouse'");
    assert_int_equal(a.status, 0);
    assert_true(strlen(a.out) > 1);
    run_cli(&b, NULL, "complete --json -p seed=1 -p max_tokens=6 'The lighthouse'");
    json_object *o = json_tokener_parse(b.out), *choices;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "choices", &choices));
    char expect[1024];
    snprintf(expect, sizeof expect, "%s\n", json_object_get_string(json_object_object_get(json_object_array_get_idx(choices, 0), "text")));
    assert_string_equal(a.out, expect);
    json_object_put(o);
    run_cli(&a, NULL, "tokenize 'Hello there'");
    assert_int_equal(a.status, 0);
    assert_non_null(strchr(a.out, ' ')); /* two ids */
    run_cli(&a, NULL, "tokenize --json Hello");
    o = json_tokener_parse(a.out);
    assert_non_null(o);
    assert_int_equal(json_object_get_int(json_object_object_get(o, "count")), 1);
    json_object_put(o);
    run_cli(&a, NULL, "complete");
    assert_int_equal(a.status, 2);
}

static void test_txt2img_writes_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/genapi-cli-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char args[512];
    run r;
    snprintf(args, sizeof args, "txt2img -o %s/img -p seed=2 -p batch_size=2 -p width=64 -p height=64 -p steps=3 'a red fox'", dir);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    for (int i = 0; i < 2; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/img-%d.png", dir, i);
        assert_non_null(strstr(r.out, path)); /* the file names go to stdout */
        size_t len = 0;
        char *data = ts_read_file(path, &len);
        assert_non_null(data);
        assert_true(len > 100);
        assert_int_equal(memcmp(data, "\x89PNG", 4), 0);
        free(data);
        remove(path);
    }
    rmdir(dir);
    run_cli(&r, NULL, "txt2img -p steps=0 x");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "steps"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chat_offline),
        cmocka_unit_test(test_chat_json_and_params),
        cmocka_unit_test(test_bad_param_fails),
        cmocka_unit_test(test_chat_over_http),
        cmocka_unit_test(test_complete_tokenize_and_stream),
        cmocka_unit_test(test_txt2img_writes_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
