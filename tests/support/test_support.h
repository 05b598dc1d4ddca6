/* Helpers shared by the tests: fixture files and a genapi-server child process. */
#ifndef GENAPI_TEST_SUPPORT_H
#define GENAPI_TEST_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

/* Read a whole file; returns malloc'ed NUL-terminated data or NULL. */
char *ts_read_file(const char *path, size_t *len);

/* Path of the fixtures directory (tests/data/fixtures in the source tree), or NULL
 * when it is not there. */
const char *ts_fixtures_dir(void);

/* A running genapi-server child. */
typedef struct ts_server {
    pid_t pid;
    char url[128];
} ts_server;

/* Start the genapi-server binary on a free port (extra args, e.g. "--api-key", "k", may be
 * NULL-terminated in argv_extra). Waits for its "listening on URL" line. 0 on success. */
int ts_server_start(ts_server *s, const char *const *argv_extra);
void ts_server_stop(ts_server *s);

/* A TCP port on 127.0.0.1 where nothing listens (bound then closed). */
int ts_unused_port(void);

#endif
