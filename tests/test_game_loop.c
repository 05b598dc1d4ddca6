/* The game-loop example as a program: it finishes, ends with its frame-time line in the
 * documented format, and writes the 512x512 PNG portrait it generated. The millisecond figures
 * are only checked for consistency (timing is measured by the example and the benchmarks). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_support.h"

#ifndef GENAPI_GAME_LOOP_BIN
#error "GENAPI_GAME_LOOP_BIN must name the built example_game_loop"
#endif

typedef struct run {
    char *out; /* stdout, NUL-terminated */
    size_t len;
    int status; /* exit status, -1 when it did not exit normally */
} run;

/* Run the example with argv (NULL-terminated, argv[0] excluded), collecting its stdout. */
static void run_example(run *r, const char *const *args)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *argv[16];
        size_t n = 0;
        argv[n++] = (char *)GENAPI_GAME_LOOP_BIN;
        for (; args[n - 1] && n < 15; n++)
            argv[n] = (char *)args[n - 1];
        argv[n] = NULL;
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(GENAPI_GAME_LOOP_BIN, argv);
        _exit(127);
    }
    close(fds[1]);
    size_t cap = 4096;
    r->out = malloc(cap);
    r->len = 0;
    assert_non_null(r->out);
    for (;;) {
        if (r->len + 1024 > cap) {
            cap *= 2;
            r->out = realloc(r->out, cap);
            assert_non_null(r->out);
        }
        ssize_t got = read(fds[0], r->out + r->len, cap - r->len - 1);
        if (got <= 0)
            break;
        r->len += (size_t)got;
    }
    r->out[r->len] = '\0';
    close(fds[0]);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The last non-empty line of s (modified in place). */
static const char *last_line(char *s, size_t len)
{
    while (len > 0 && s[len - 1] == '\n')
        s[--len] = '\0';
    char *nl = strrchr(s, '\n');
    return nl ? nl + 1 : s;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void test_runs_and_reports(void **state)
{
    (void)state;
    char png_path[] = "/tmp/genapi-game-loop-XXXXXX";
    int fd = mkstemp(png_path);
    assert_true(fd >= 0);
    close(fd);

    run r;
    const char *const args[] = {"--frames", "15000", "--out", png_path, NULL};
    run_example(&r, args);
    if (r.status != 0)
        fprintf(stderr, "example output:\n%s\n", r.out);
    assert_int_equal(r.status, 0);

    /* The last line: worst frame: X ms, p99: Y ms over N frames */
    const char *line = last_line(r.out, r.len);
    double worst = -1, p99 = -1;
    long frames = 0;
    int used = 0;
    assert_int_equal(sscanf(line, "worst frame: %lf ms, p99: %lf ms over %ld frames%n", &worst, &p99, &frames, &used),
                     3);
    assert_int_equal((size_t)used, strlen(line));
    assert_true(frames > 0);
    assert_true(p99 >= 0);
    assert_true(worst >= p99);
    /* Two decimals for each figure. */
    const char *dot = strchr(line, '.');
    assert_non_null(dot);
    assert_memory_equal(dot + 3, " ms, p99: ", 10);
    dot = strchr(strstr(line, "p99: "), '.');
    assert_non_null(dot);
    assert_memory_equal(dot + 3, " ms over ", 9);

    /* The portrait: a 512x512 PNG. */
    size_t len = 0;
    unsigned char *png = (unsigned char *)ts_read_file(png_path, &len);
    assert_non_null(png);
    assert_true(len > 33);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_memory_equal(png, sig, 8);
    assert_memory_equal(png + 12, "IHDR", 4);
    assert_int_equal(be32(png + 16), 512);
    assert_int_equal(be32(png + 20), 512);
    /* The example reports the same byte count. */
    char want[64];
    snprintf(want, sizeof want, "512x512 PNG, %zu bytes", len);
    assert_non_null(strstr(r.out, want));

    free(png);
    free(r.out);
    remove(png_path);
}

/* Stopped before the requests end: a failure, and everything released (checked under ASan). */
static void test_too_few_frames_fail(void **state)
{
    (void)state;
    run r;
    const char *const args[] = {"--frames", "2", NULL};
    run_example(&r, args);
    assert_int_equal(r.status, 1);
    free(r.out);
}

static void test_bad_arguments_fail(void **state)
{
    (void)state;
    run r;
    const char *const args[] = {"--frames", "zero", NULL};
    run_example(&r, args);
    assert_int_not_equal(r.status, 0);
    free(r.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_and_reports),
        cmocka_unit_test(test_too_few_frames_fail),
        cmocka_unit_test(test_bad_arguments_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
