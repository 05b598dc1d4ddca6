/* Helpers shared by the tests: fixture files and a genapi-server child process. */
#ifndef GENAPI_TEST_SUPPORT_H
#define GENAPI_TEST_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

/* Exit status of a test executable in which a test was skipped and none failed (ctest's
 * SKIP_RETURN_CODE): see skip_exit.c. */
#define TS_SKIP_EXIT 77

/* Read a whole file; returns malloc'ed NUL-terminated data or NULL. */
char *ts_read_file(const char *path, size_t *len);

/* Path of the fixtures directory (tests/data/fixtures in the source tree). Tests never skip:
 * when a file is missing there, the test reading it fails. */
const char *ts_fixtures_dir(void);

/* A running genapi-server child. */
typedef struct ts_server {
    pid_t pid;
    char url[128];
} ts_server;

/* Start the genapi-server binary with --port 0 (the kernel picks a free port, the server
 * prints the one it bound: no bind-close-reuse race) and extra args (e.g. "--api-key", "k",
 * NULL-terminated in argv_extra, may be NULL). Waits for its "listening on URL" line and
 * fills s->url. 0 on success. The child is killed when the test process ends for any reason
 * (PR_SET_PDEATHSIG, plus an atexit guard), so a failed assertion before ts_server_stop
 * never leaves it running. */
int ts_server_start(ts_server *s, const char *const *argv_extra);
void ts_server_stop(ts_server *s);

/* A TCP port on 127.0.0.1 where connections are refused: a socket bound to it and not
 * listening, held in *held_fd until the caller closes it (so no other process can take the
 * port meanwhile). -1 on failure. */
int ts_refused_port(int *held_fd);

#endif
