#include "test_support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *ts_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        char *p = realloc(buf, cap + 1);
        if (p == NULL) {
            free(buf);
            buf = NULL;
        }
        buf = p;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = n;
    }
    return buf;
}

const char *ts_fixtures_dir(void)
{
    static const char *const dir = GENAPI_SOURCE_DIR "/tests/data/fixtures";
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : NULL;
}

int ts_unused_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int port = ntohs(a.sin_port);
    close(fd);
    return port;
}

int ts_server_start(ts_server *s, const char *const *argv_extra)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    const char *argv[16] = {GENAPI_SERVER_BIN, "--host", "127.0.0.1", "--port", "0"};
    size_t n = 5;
    for (size_t i = 0; argv_extra && argv_extra[i] && n < 15; i++)
        argv[n++] = argv_extra[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(GENAPI_SERVER_BIN, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    s->pid = pid;
    FILE *f = fdopen(fds[0], "r");
    char line[256];
    int ok = -1;
    if (f && fgets(line, sizeof line, f)) {
        const char *u = strstr(line, "http://");
        if (u) {
            snprintf(s->url, sizeof s->url, "%s", u);
            s->url[strcspn(s->url, "\r\n")] = '\0';
            ok = 0;
        }
    }
    if (f)
        fclose(f);
    else
        close(fds[0]);
    if (ok != 0)
        ts_server_stop(s);
    return ok;
}

void ts_server_stop(ts_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        int status;
        while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {
        }
        s->pid = 0;
    }
}
