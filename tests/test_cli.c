/* The genapi CLI: text to stdout, diagnostics to stderr, exit codes, --json, -p, per-command
 * help, standard input, output file names, the progress bar on a terminal only, image
 * listings, upscale options, --timeout, the log, keys from files and stdin (never printed),
 * and both the in-process backend and --base-url against a genapi-server child. */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "test_support.h"

/* A distinctive key: it must never show up in any output. */
#define SECRET "sk-genapi-test-7Qx9Zr2Lw5"

typedef struct run {
    int status;
    char out[262144];
    char err[65536];
} run;

/* A temporary directory of one test, removed with its files by tmp_done(). */
typedef struct tmp {
    char dir[64];
} tmp;

static void tmp_make(tmp *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/genapi-cli-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
}

static void tmp_path(const tmp *t, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", t->dir, name);
}

static void tmp_write(const tmp *t, const char *name, const char *text)
{
    char p[256];
    tmp_path(t, name, p, sizeof p);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void tmp_done(tmp *t)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
}

/* Run the CLI with a shell command line tail; stdout and stderr captured separately; stdin
 * from in_path (NULL: /dev/null, so a command never waits on the terminal). */
static void run_cli_in(run *r, const char *env, const char *args, const char *in_path)
{
    char errfile[] = "/tmp/genapi-cli-err-XXXXXX";
    int fd = mkstemp(errfile);
    assert_true(fd >= 0);
    close(fd);
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "env -u GENAPI_BASE_URL -u GENAPI_API_KEY -u GENAPI_MODEL -u GENAPI_IMAGE_MODEL -u GENAPI_LOG %s '%s' %s "
             "<'%s' 2>'%s'",
             env ? env : "", GENAPI_CLI_BIN, args, in_path ? in_path : "/dev/null", errfile);
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
    remove(errfile);
}

static void run_cli(run *r, const char *env, const char *args) { run_cli_in(r, env, args, NULL); }

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

/* A misspelt parameter or command names the nearest real one. */
static void test_did_you_mean(void **state)
{
    (void)state;
    run r;
    run_cli(&r, NULL, "chat -p temperatur=0.5 Hello");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "did you mean 'temperature'?"));
    run_cli(&r, NULL, "txt2img -p stesp=4 x");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "did you mean 'steps'?"));
    run_cli(&r, NULL, "upscale -p upscaler_2=Lanczos x.png");
    assert_non_null(strstr(r.err, "did you mean 'upscaler_1'?"));
    run_cli(&r, NULL, "chat -p zzzzzzzzzz=1 Hello"); /* nothing near: no suggestion */
    assert_int_equal(r.status, 1);
    assert_null(strstr(r.err, "did you mean"));
    run_cli(&r, NULL, "tokenise Hello");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "did you mean 'tokenize'?"));
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
    run_cli(&a, NULL, "complete");
    assert_int_equal(a.status, 2); /* no prompt: neither arguments nor standard input */
    assert_non_null(strstr(a.err, "PROMPT is required"));
}

/* --stream --json: one JSON object per delta, nothing else; together they are the reply. */
static void test_stream_json_is_ndjson(void **state)
{
    (void)state;
    run plain, nd;
    run_cli(&plain, NULL, "chat -p seed=3 -p max_tokens=12 -p ignore_eos=true 'Tell me about rivers'");
    run_cli(&nd, NULL, "chat --stream --json -p seed=3 -p max_tokens=12 -p ignore_eos=true 'Tell me about rivers'");
    assert_int_equal(plain.status, 0);
    assert_int_equal(nd.status, 0);
    char joined[4096] = "";
    size_t lines = 0, finished = 0;
    for (char *line = strtok(nd.out, "\n"); line; line = strtok(NULL, "\n")) {
        json_object *o = json_tokener_parse(line), *v;
        if (o == NULL || !json_object_is_type(o, json_type_object))
            fail_msg("not a JSON object line: %s", line);
        assert_true(json_object_object_get_ex(o, "index", &v));
        assert_int_equal(json_object_get_int(v), 0);
        if (json_object_object_get_ex(o, "content", &v) && json_object_is_type(v, json_type_string))
            strncat(joined, json_object_get_string(v), sizeof joined - strlen(joined) - 1);
        if (json_object_object_get_ex(o, "finish_reason", &v) && json_object_is_type(v, json_type_string)) {
            assert_string_equal(json_object_get_string(v), "length");
            finished++;
        }
        json_object_put(o);
        lines++;
    }
    assert_true(lines >= 2);
    assert_int_equal(finished, 1); /* the last delta finishes the choice; no summary follows */
    strncat(joined, "\n", sizeof joined - strlen(joined) - 1);
    assert_string_equal(joined, plain.out);
    run_cli(&nd, NULL, "complete --stream --json -p seed=1 -p max_tokens=5 'The lighthouse'");
    assert_int_equal(nd.status, 0);
    for (char *line = strtok(nd.out, "\n"); line; line = strtok(NULL, "\n")) {
        json_object *o = json_tokener_parse(line);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "content", NULL));
        json_object_put(o);
    }
}

/* A message or prompt comes from standard input when none is given, or "-" is. */
static void test_stdin_message(void **state)
{
    (void)state;
    tmp t;
    tmp_make(&t);
    tmp_write(&t, "msg", "Tell me about bread\n");
    char in[256];
    tmp_path(&t, "msg", in, sizeof in);
    run a, b, c;
    run_cli(&a, NULL, "chat -p seed=8 -p max_tokens=10 'Tell me about bread'");
    run_cli_in(&b, NULL, "chat -p seed=8 -p max_tokens=10", in);
    run_cli_in(&c, NULL, "chat -p seed=8 -p max_tokens=10 -", in);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_int_equal(c.status, 0);
    assert_string_equal(a.out, b.out);
    assert_string_equal(a.out, c.out);
    run_cli(&a, NULL, "tokenize --json 'Tell me about bread'");
    run_cli_in(&b, NULL, "tokenize --json", in);
    assert_int_equal(b.status, 0);
    assert_string_equal(a.out, b.out);
    /* Bounded: more than 16 MiB is refused with a clear error, before anything is sent. */
    char big[256];
    tmp_path(&t, "big", big, sizeof big);
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 16 * 1024 * 1024 + 1), 0);
    close(fd);
    run_cli_in(&a, NULL, "-v chat", big);
    assert_int_equal(a.status, 2);
    assert_non_null(strstr(a.err, "larger than 16 MiB"));
    assert_null(strstr(a.err, "POST")); /* nothing was sent */
    /* Exactly 16 MiB of NUL bytes passes the bound and is refused for what it is. */
    fd = open(big, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 16 * 1024 * 1024), 0);
    close(fd);
    run_cli_in(&a, NULL, "chat", big);
    assert_int_equal(a.status, 2);
    assert_non_null(strstr(a.err, "NUL"));
    tmp_done(&t);
}

/* Per-command help; the global help lists every command. */
static void test_command_help(void **state)
{
    (void)state;
    run r;
    run_cli(&r, NULL, "chat --help");
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "usage: genapi chat", 18) == 0);
    assert_non_null(strstr(r.out, "--system"));
    run_cli(&r, NULL, "upscale -h");
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "usage: genapi upscale", 21) == 0);
    assert_non_null(strstr(r.out, "--to WxH"));
    assert_null(strstr(r.out, "--system"));
    run_cli(&r, NULL, "help txt2img");
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "usage: genapi txt2img", 21) == 0);
    run_cli(&r, NULL, "--help");
    assert_int_equal(r.status, 0);
    const char *cmds[] = {"chat", "complete", "tokenize", "txt2img", "img2img", "upscale", "models",
                          "image-models", "samplers", "upscalers", "options", "params"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "\n  %s ", cmds[i]);
        if (strstr(r.out, line) == NULL)
            fail_msg("genapi --help does not list %s", cmds[i]);
        char args[64];
        snprintf(args, sizeof args, "%s --help", cmds[i]);
        run c;
        run_cli(&c, NULL, args);
        assert_int_equal(c.status, 0);
        snprintf(line, sizeof line, "usage: genapi %s", cmds[i]);
        assert_true(strncmp(c.out, line, strlen(line)) == 0);
    }
    assert_non_null(strstr(r.out, "other users of this machine can read it")); /* --api-key's warning */
}

/* -o PATH: exactly PATH for one image; a batch numbered before the extension. */
static void test_output_names(void **state)
{
    (void)state;
    tmp t;
    tmp_make(&t);
    char args[512], path[256];
    run r;
    snprintf(args, sizeof args, "txt2img -o %s/fox.png -p seed=2 -p width=64 -p height=64 -p steps=3 'a red fox'", t.dir);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    tmp_path(&t, "fox.png", path, sizeof path);
    char expect[300];
    snprintf(expect, sizeof expect, "%s\n", path);
    assert_string_equal(r.out, expect);
    size_t len = 0;
    char *data = ts_read_file(path, &len);
    assert_non_null(data);
    assert_int_equal(memcmp(data, "\x89PNG", 4), 0);
    free(data);
    snprintf(args, sizeof args,
             "txt2img -o %s/batch.png -p seed=2 -p batch_size=2 -p width=64 -p height=64 -p steps=3 'a red fox'", t.dir);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    for (int i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, "batch-%d.png", i);
        tmp_path(&t, name, path, sizeof path);
        assert_non_null(strstr(r.out, path)); /* the file names go to stdout */
        data = ts_read_file(path, &len);
        assert_non_null(data);
        assert_true(len > 100);
        assert_int_equal(memcmp(data, "\x89PNG", 4), 0);
        free(data);
    }
    tmp_path(&t, "batch.png", path, sizeof path);
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
    /* No extension given: a batch gets the image format's. */
    snprintf(args, sizeof args, "txt2img -o %s/img -p seed=2 -p batch_size=2 -p width=64 -p height=64 -p steps=3 x",
             t.dir);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    tmp_path(&t, "img-1.png", path, sizeof path);
    assert_int_equal(stat(path, &sb), 0);
    /* --json: one document with every file and the info. */
    snprintf(args, sizeof args, "txt2img --json -o %s/j.png -p seed=5 -p width=64 -p height=64 -p steps=2 x", t.dir);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    json_object *o = json_tokener_parse(r.out), *images, *info;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "images", &images));
    assert_int_equal(json_object_array_length(images), 1);
    json_object *im = json_object_array_get_idx(images, 0);
    assert_int_equal(json_object_get_int(json_object_object_get(im, "width")), 64);
    assert_true(json_object_object_get_ex(o, "info", &info));
    assert_true(json_object_is_type(info, json_type_object));
    assert_int_equal(json_object_get_int64(json_object_object_get(info, "seed")), 5);
    json_object_put(o);
    run_cli(&r, NULL, "txt2img -p steps=0 x");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "steps"));
    tmp_done(&t);
}

/* The progress bar: drawn on stderr when it is a terminal, nothing when it is not. */
static void test_progress_only_on_a_terminal(void **state)
{
    (void)state;
    tmp t;
    tmp_make(&t);
    char out[256];
    tmp_path(&t, "p.png", out, sizeof out);
    /* Not a terminal (a file): stderr stays empty. */
    char args[512];
    snprintf(args, sizeof args, "txt2img -o '%s' -p seed=1 -p width=128 -p height=128 -p steps=8 'a lighthouse'", out);
    run r;
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    /* A pseudo-terminal as stderr: the bar is drawn, and cleared at the end. */
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(m >= 0);
    assert_int_equal(grantpt(m), 0);
    assert_int_equal(unlockpt(m), 0);
    char slave[128];
    snprintf(slave, sizeof slave, "%s", ptsname(m));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int s = open(slave, O_RDWR | O_NOCTTY);
        int devnull = open("/dev/null", O_RDWR);
        if (s < 0 || devnull < 0)
            _exit(126);
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        dup2(s, STDERR_FILENO);
        close(m);
        unsetenv("GENAPI_BASE_URL");
        unsetenv("GENAPI_LOG");
        execl(GENAPI_CLI_BIN, GENAPI_CLI_BIN, "txt2img", "-o", out, "-p", "seed=1", "-p", "width=128", "-p",
              "height=128", "-p", "steps=8", "a lighthouse", (char *)NULL);
        _exit(127);
    }
    char tty[16384];
    size_t n = 0;
    for (;;) {
        ssize_t k = read(m, tty + n, sizeof tty - 1 - n);
        if (k > 0) {
            n += (size_t)k;
            if (n >= sizeof tty - 1)
                break;
        } else if (k < 0 && errno == EINTR) {
            continue;
        } else {
            break; /* EIO once the child closed its side */
        }
    }
    tty[n] = '\0';
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(m);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_non_null(strstr(tty, "100%"));
    assert_non_null(strstr(tty, "[##"));
    assert_non_null(strstr(tty, "step "));
    assert_non_null(strstr(tty, "\033[K")); /* cleared */
    tmp_done(&t);
}

/* Image listings and options, in process and over HTTP (WebUI routes). */
static void listings_on(const char *base)
{
    char args[512];
    run r;
    const char *kinds[] = {"image-models", "samplers", "upscalers"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "%s %s", base, kinds[i]);
        run_cli(&r, NULL, args);
        assert_int_equal(r.status, 0);
        assert_true(strlen(r.out) > 2);
        snprintf(args, sizeof args, "%s %s --json", base, kinds[i]);
        run_cli(&r, NULL, args);
        assert_int_equal(r.status, 0);
        size_t lines = 0;
        for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n"), lines++) {
            json_object *o = json_tokener_parse(line);
            assert_non_null(o);
            assert_true(json_object_object_get_ex(o, i == 0 ? "title" : "name", NULL));
            json_object_put(o);
        }
        assert_true(lines >= 1);
    }
    snprintf(args, sizeof args, "%s image-models", base);
    run_cli(&r, NULL, args);
    assert_non_null(strstr(r.out, "genapi-ref-image"));
    snprintf(args, sizeof args, "%s upscalers", base);
    run_cli(&r, NULL, args);
    assert_non_null(strstr(r.out, "Lanczos"));
    snprintf(args, sizeof args, "%s options sd_model_checkpoint", base);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "sd_model_checkpoint \"genapi-ref-image", 37) == 0);
    snprintf(args, sizeof args, "%s options --json", base);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    json_object *o = json_tokener_parse(r.out);
    assert_non_null(o);
    assert_true(json_object_object_length(o) > 5);
    json_object_put(o);
    snprintf(args, sizeof args, "%s options no_such_option", base);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "no_such_option"));
}

static void test_image_listings(void **state)
{
    (void)state;
    listings_on("");
    ts_server s;
    assert_int_equal(ts_server_start(&s, NULL), 0);
    char base[256];
    snprintf(base, sizeof base, "--webui --base-url %s", s.url);
    listings_on(base);
    snprintf(base, sizeof base, "--base-url %s", s.url);
    listings_on(base);
    ts_server_stop(&s);
}

/* upscale --scale and --upscaler act; bad values are refused with the parameter named. */
static void test_upscale_options(void **state)
{
    (void)state;
    tmp t;
    tmp_make(&t);
    char args[1024], src[256], dst[256];
    tmp_path(&t, "src.png", src, sizeof src);
    tmp_path(&t, "up.png", dst, sizeof dst);
    run r;
    snprintf(args, sizeof args, "txt2img -o '%s' -p seed=3 -p width=64 -p height=80 -p steps=2 x", src);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    snprintf(args, sizeof args, "upscale --json --scale 2 --upscaler Lanczos -o '%s' '%s'", dst, src);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    json_object *o = json_tokener_parse(r.out), *images, *html;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "images", &images));
    json_object *im = json_object_array_get_idx(images, 0);
    assert_string_equal(json_object_get_string(json_object_object_get(im, "file")), dst);
    assert_int_equal(json_object_get_int(json_object_object_get(im, "width")), 128);
    assert_int_equal(json_object_get_int(json_object_object_get(im, "height")), 160);
    assert_true(json_object_object_get_ex(o, "html_info", &html));
    assert_non_null(strstr(json_object_get_string(html), "Lanczos"));
    json_object_put(o);
    /* --to scales to cover 100x120 and crops the centre (resize_mode 1): 64x80 -> exactly 100x120,
     * and with the aspect changed (96x96 from 64x80: scaled to 96x120, cropped to 96x96). */
    snprintf(args, sizeof args, "upscale --json --to 100x120 --upscaler Lanczos -o '%s' '%s'", dst, src);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    o = json_tokener_parse(r.out);
    assert_non_null(o);
    im = json_object_array_get_idx(json_object_object_get(o, "images"), 0);
    assert_int_equal(json_object_get_int(json_object_object_get(im, "width")), 100);
    assert_int_equal(json_object_get_int(json_object_object_get(im, "height")), 120);
    json_object_put(o);
    snprintf(args, sizeof args, "upscale --json --to 96x96 --upscaler Lanczos -o '%s' '%s'", dst, src);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    o = json_tokener_parse(r.out);
    assert_non_null(o);
    im = json_object_array_get_idx(json_object_object_get(o, "images"), 0);
    assert_int_equal(json_object_get_int(json_object_object_get(im, "width")), 96);
    assert_int_equal(json_object_get_int(json_object_object_get(im, "height")), 96);
    json_object_put(o);
    snprintf(args, sizeof args, "upscale --scale 9 -o '%s' '%s'", dst, src);
    run_cli(&r, NULL, args);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "upscaling_resize"));
    snprintf(args, sizeof args, "upscale --upscaler NoSuchUpscaler -o '%s' '%s'", dst, src);
    run_cli(&r, NULL, args);
    assert_int_not_equal(r.status, 0);
    snprintf(args, sizeof args, "upscale --to 100 -o '%s' '%s'", dst, src);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "WIDTHxHEIGHT"));
    snprintf(args, sizeof args, "upscale --to 100x100 --scale 2 -o '%s' '%s'", dst, src);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 2);
    tmp_done(&t);
}

/* --timeout bounds a call; bad values are usage errors. */
static void test_timeout(void **state)
{
    (void)state;
    run r;
    run_cli(&r, NULL, "--timeout 0 chat Hello");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--timeout"));
    run_cli(&r, NULL, "--timeout soon chat Hello");
    assert_int_equal(r.status, 2);
    run_cli(&r, NULL, "--timeout 30 chat -p max_tokens=4 Hello");
    assert_int_equal(r.status, 0);
    /* A generation far longer than the bound: the call ends with a timeout. */
    run_cli(&r, NULL, "--timeout 0.05 txt2img -p width=1024 -p height=1024 -p steps=150 -p batch_size=4 x");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "timeout_ms"));
}

/* -v / -vv / GENAPI_LOG: the log on stderr; nothing without them. */
static void test_log(void **state)
{
    (void)state;
    run r;
    run_cli(&r, NULL, "-v chat -m genapi-ref -p max_tokens=3 Hello");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "genapi: info: POST /v1/chat/completions: HTTP 200 in "));
    assert_null(strstr(r.err, "debug"));
    run_cli(&r, NULL, "-vv chat -m genapi-ref -p max_tokens=3 Hello");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "genapi: debug: POST /v1/chat/completions request body"));
    assert_non_null(strstr(r.err, "\"messages\""));
    assert_non_null(strstr(r.err, "response body"));
    run_cli(&r, "GENAPI_LOG=debug", "chat -m genapi-ref -p max_tokens=3 Hello");
    assert_non_null(strstr(r.err, "genapi: debug: "));
    run_cli(&r, "GENAPI_LOG=warn", "chat -m genapi-ref -p max_tokens=3 Hello");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    run_cli(&r, "GENAPI_LOG=loud", "chat Hello");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "GENAPI_LOG"));
    run_cli(&r, NULL, "chat -p max_tokens=3 Hello");
    assert_string_equal(r.err, "");
    /* Streams: each event at debug level. */
    run_cli(&r, NULL, "-vv chat --stream -m genapi-ref -p max_tokens=3 Hello");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "stream event"));
}

/* Both programs take the key from a file or stdin; the key never appears in an error, a --json
 * output or a log line, whatever the verbosity. */
static void test_keys_from_files_and_stdin(void **state)
{
    (void)state;
    tmp t;
    tmp_make(&t);
    tmp_write(&t, "key", SECRET "\n");
    tmp_write(&t, "wrong", SECRET "-wrong\n");
    tmp_write(&t, "empty", "\n");
    char key[256], wrong[256], empty[256];
    tmp_path(&t, "key", key, sizeof key);
    tmp_path(&t, "wrong", wrong, sizeof wrong);
    tmp_path(&t, "empty", empty, sizeof empty);
    /* genapi-server --api-key-file */
    ts_server s;
    const char *extra[] = {"--api-key-file", key, NULL};
    assert_int_equal(ts_server_start(&s, extra), 0);
    char args[1024];
    run r;
    snprintf(args, sizeof args, "--base-url %s --api-key-file '%s' chat -p max_tokens=4 Hi", s.url, key);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    snprintf(args, sizeof args, "--base-url %s --api-key-stdin chat -p max_tokens=4 Hi", s.url);
    run_cli_in(&r, NULL, args, key);
    assert_int_equal(r.status, 0);
    snprintf(args, sizeof args, "--base-url %s --api-key-file - -vv models", s.url);
    run_cli_in(&r, NULL, args, key);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.err, SECRET));
    assert_null(strstr(r.err, "Authorization"));
    /* stdin carries the key: the message cannot come from it too */
    snprintf(args, sizeof args, "--base-url %s --api-key-stdin chat", s.url);
    run_cli_in(&r, NULL, args, key);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "must be given as arguments"));
    /* A rejected key, every way of giving it, with -vv and --json: never printed. */
    const char *ways[] = {"--api-key-file '%s'", "--api-key " SECRET "-wrong", NULL};
    for (size_t w = 0; ways[w]; w++) {
        char keyarg[512];
        snprintf(keyarg, sizeof keyarg, ways[w], wrong);
        const char *cmds[] = {"chat --json -p max_tokens=4 Hi", "chat --stream --json -p max_tokens=4 Hi",
                              "complete --json -m genapi-ref Hi", "models --json", "tokenize --json Hi",
                              "txt2img --json -p steps=1 x", "image-models --json", NULL};
        for (size_t k = 0; cmds[k]; k++) {
            snprintf(args, sizeof args, "--base-url %s %s -vv %s", s.url, keyarg, cmds[k]);
            run_cli(&r, NULL, args);
            assert_int_equal(r.status, 1);
            assert_non_null(strstr(r.err, "401"));
            if (strstr(r.out, SECRET) || strstr(r.err, SECRET) || strstr(r.err, "Authorization") ||
                strstr(r.err, "7Qx9Zr2Lw5"))
                fail_msg("the key shows in the output of: genapi %s", args);
        }
    }
    /* The same on a successful call with every log line on. */
    snprintf(args, sizeof args, "--base-url %s --api-key-file '%s' -vv chat --json -p max_tokens=4 Hi", s.url, key);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "request body"));
    assert_null(strstr(r.err, "7Qx9Zr2Lw5"));
    assert_null(strstr(r.out, "7Qx9Zr2Lw5"));
    /* Bad key files: named, never shown. */
    snprintf(args, sizeof args, "--base-url %s --api-key-file '%s' models", s.url, empty);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no API key"));
    snprintf(args, sizeof args, "--base-url %s --api-key-file '%s/missing' models", s.url, t.dir);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "cannot open"));
    snprintf(args, sizeof args, "--base-url %s --api-key-file '%s' --api-key x models", s.url, key);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 2);
    ts_server_stop(&s);
    /* genapi-server --api-key-stdin: its standard input is the key file. */
    int saved = dup(STDIN_FILENO), kfd = open(key, O_RDONLY);
    assert_true(saved >= 0 && kfd >= 0);
    dup2(kfd, STDIN_FILENO);
    const char *extra_stdin[] = {"--api-key-stdin", NULL};
    int started = ts_server_start(&s, extra_stdin);
    dup2(saved, STDIN_FILENO);
    close(saved);
    close(kfd);
    assert_int_equal(started, 0);
    snprintf(args, sizeof args, "--base-url %s --api-key-file '%s' models", s.url, key);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 0);
    snprintf(args, sizeof args, "--base-url %s models", s.url);
    run_cli(&r, NULL, args);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "401"));
    ts_server_stop(&s);
    /* genapi-server refuses an empty key file and two key sources. */
    snprintf(args, sizeof args, "'%s' --api-key-file '%s' 2>&1", GENAPI_SERVER_BIN, empty);
    FILE *p = popen(args, "r");
    assert_non_null(p);
    char line[512] = "";
    size_t n = fread(line, 1, sizeof line - 1, p);
    line[n] = '\0';
    assert_int_equal(WEXITSTATUS(pclose(p)), 2);
    assert_non_null(strstr(line, "no API key"));
    snprintf(args, sizeof args, "'%s' --api-key-file '%s' --api-key x 2>&1", GENAPI_SERVER_BIN, key);
    p = popen(args, "r");
    assert_non_null(p);
    n = fread(line, 1, sizeof line - 1, p);
    line[n] = '\0';
    assert_int_equal(WEXITSTATUS(pclose(p)), 2);
    assert_non_null(strstr(line, "give one of"));
    tmp_done(&t);
}

/* --json is the whole result: models carry owned_by, root and parent; tokenize its token_strs. */
static void test_json_whole_results(void **state)
{
    (void)state;
    run r;
    run_cli(&r, NULL, "models --json");
    assert_int_equal(r.status, 0);
    size_t lines = 0, with_parent = 0;
    for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        json_object *o = json_tokener_parse(line), *v;
        assert_non_null(o);
        const char *keys[] = {"id", "object", "created", "owned_by", "root", "parent", "max_model_len"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!json_object_object_get_ex(o, keys[k], NULL))
                fail_msg("models --json lacks %s", keys[k]);
        assert_true(json_object_object_get_ex(o, "owned_by", &v) && json_object_is_type(v, json_type_string));
        assert_true(json_object_object_get_ex(o, "root", &v) && json_object_is_type(v, json_type_string));
        if (json_object_object_get_ex(o, "parent", &v) && json_object_is_type(v, json_type_string))
            with_parent++;
        json_object_put(o);
    }
    assert_true(lines >= 2);
    assert_true(with_parent >= 1); /* the LoRA adapter names its base */
    run_cli(&r, NULL, "tokenize --json 'Hello there'");
    assert_int_equal(r.status, 0);
    json_object *o = json_tokener_parse(r.out), *toks, *strs;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "tokens", &toks));
    assert_true(json_object_object_get_ex(o, "token_strs", &strs));
    assert_int_equal(json_object_array_length(toks), json_object_array_length(strs));
    char joined[256] = "";
    for (size_t i = 0; i < json_object_array_length(strs); i++)
        strncat(joined, json_object_get_string(json_object_array_get_idx(strs, i)), sizeof joined - strlen(joined) - 1);
    assert_non_null(strstr(joined, "Hello"));
    json_object_put(o);
}

/* Without -m the library's defaults apply: GENAPI_MODEL wins over the server's first model,
 * GENAPI_IMAGE_MODEL over the first image model. */
static void test_default_models(void **state)
{
    (void)state;
    run r;
    run_cli(&r, NULL, "chat --json -p max_tokens=3 Hello");
    assert_int_equal(r.status, 0);
    json_object *o = json_tokener_parse(r.out);
    assert_non_null(o);
    assert_string_equal(json_object_get_string(json_object_object_get(o, "model")), "genapi-ref");
    json_object_put(o);
    run_cli(&r, "GENAPI_MODEL=genapi-ref-lora", "chat --json -p max_tokens=3 Hello");
    assert_int_equal(r.status, 0);
    o = json_tokener_parse(r.out);
    assert_non_null(o);
    assert_string_equal(json_object_get_string(json_object_object_get(o, "model")), "genapi-ref-lora");
    json_object_put(o);
    run_cli(&r, "GENAPI_MODEL=no-such-model", "chat -p max_tokens=3 Hello");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "no-such-model"));
    run_cli(&r, "GENAPI_IMAGE_MODEL=no-such-checkpoint", "txt2img -o /dev/null -p steps=1 x");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "ot found"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chat_offline),
        cmocka_unit_test(test_chat_json_and_params),
        cmocka_unit_test(test_bad_param_fails),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_chat_over_http),
        cmocka_unit_test(test_complete_tokenize_and_stream),
        cmocka_unit_test(test_stream_json_is_ndjson),
        cmocka_unit_test(test_stdin_message),
        cmocka_unit_test(test_command_help),
        cmocka_unit_test(test_output_names),
        cmocka_unit_test(test_progress_only_on_a_terminal),
        cmocka_unit_test(test_image_listings),
        cmocka_unit_test(test_upscale_options),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_log),
        cmocka_unit_test(test_keys_from_files_and_stdin),
        cmocka_unit_test(test_json_whole_results),
        cmocka_unit_test(test_default_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
