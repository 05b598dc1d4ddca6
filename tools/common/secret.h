/* Reading an API key from a file or standard input, for genapi and genapi-server. */
#ifndef GENAPI_TOOLS_SECRET_H
#define GENAPI_TOOLS_SECRET_H

#include <stddef.h>

/* Longest key file read (a key is its first line, without trailing whitespace). */
#define TOOL_KEY_FILE_MAX 4096

/* Read the key from `path` ("-" = standard input). Returns a malloc'ed NUL-terminated key, or
 * NULL after writing a message that names `prog` and the path (never the file's content) to
 * stderr. Free it with tool_secret_free(). */
char *tool_secret_read(const char *prog, const char *path);

/* Overwrite and free a key from tool_secret_read(). NULL is ignored. */
void tool_secret_free(char *key);

#endif
