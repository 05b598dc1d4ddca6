/* API keys from files or stdin (see secret.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

char *tool_secret_read(const char *prog, const char *path)
{
    int from_stdin = strcmp(path, "-") == 0;
    const char *shown = from_stdin ? "standard input" : path;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open the API key file %s: %s\n", prog, shown, strerror(errno));
        return NULL;
    }
    char *buf = malloc(TOOL_KEY_FILE_MAX + 2);
    size_t n = buf ? fread(buf, 1, TOOL_KEY_FILE_MAX + 1, f) : 0;
    int bad = buf == NULL || ferror(f);
    if (!from_stdin)
        fclose(f);
    if (bad) {
        fprintf(stderr, "%s: cannot read the API key from %s\n", prog, shown);
        if (buf)
            wipe(buf, TOOL_KEY_FILE_MAX + 2);
        free(buf);
        return NULL;
    }
    if (n > TOOL_KEY_FILE_MAX) {
        fprintf(stderr, "%s: the API key in %s is longer than %d bytes; refused\n", prog, shown, TOOL_KEY_FILE_MAX);
        wipe(buf, TOOL_KEY_FILE_MAX + 2);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    size_t len = 0; /* the first line */
    while (len < n && buf[len] != '\n' && buf[len] != '\r')
        len++;
    int nul = memchr(buf, '\0', len) != NULL;
    while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
        len--;
    size_t start = 0;
    while (start < len && (buf[start] == ' ' || buf[start] == '\t'))
        start++;
    if (len == start || nul) {
        fprintf(stderr, "%s: %s holds no API key on its first line%s\n", prog, shown, nul ? " (a NUL byte)" : "");
        wipe(buf, TOOL_KEY_FILE_MAX + 2);
        free(buf);
        return NULL;
    }
    memmove(buf, buf + start, len - start);
    wipe(buf + (len - start), TOOL_KEY_FILE_MAX + 2 - (len - start));
    return buf;
}

void tool_secret_free(char *key)
{
    if (key == NULL)
        return;
    wipe(key, strlen(key));
    free(key);
}
