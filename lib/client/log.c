/* The client's log hook: level filter, formatting, and the API key kept out of every line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "client/client_internal.h"

/* Longest line handed to the hook (a body is cut to GC_LOG_BODY_MAX first). */
#define GC_LOG_LINE_MAX (GC_LOG_BODY_MAX + 512)

int gc_log_on(const genapi_client *c, int32_t level) { return c && c->log_fn && level <= c->log_level; }

/* Replace every occurrence of the key in line (in place, it only gets shorter or equal). */
void gc_redact(const genapi_client *c, char *line)
{
    if (c->api_key == NULL || c->api_key[0] == '\0')
        return;
    static const char MARK[] = "[REDACTED]";
    size_t kl = strlen(c->api_key);
    char *p = line;
    while ((p = strstr(p, c->api_key)) != NULL) {
        if (kl >= sizeof MARK - 1) {
            memcpy(p, MARK, sizeof MARK - 1);
            memmove(p + sizeof MARK - 1, p + kl, strlen(p + kl) + 1);
            p += sizeof MARK - 1;
        } else { /* a key shorter than the mark: mask it in place */
            memset(p, '*', kl);
            p += kl;
        }
    }
}

static void emit(const genapi_client *c, int32_t level, char *line)
{
    gc_redact(c, line);
    c->log_fn(level, line, c->log_user);
}

void gc_log(const genapi_client *c, int32_t level, const char *fmt, ...)
{
    if (!gc_log_on(c, level))
        return;
    char line[GC_LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    emit(c, level, line);
}

void gc_log_body(const genapi_client *c, const char *what, const char *method, const char *path, const char *body,
                 size_t len)
{
    if (!gc_log_on(c, GENAPI_LOG_DEBUG) || body == NULL)
        return;
    char line[GC_LOG_LINE_MAX];
    size_t shown = len > GC_LOG_BODY_MAX ? GC_LOG_BODY_MAX : len;
    int n = snprintf(line, sizeof line, "%s %s %s (%zu bytes): ", method, path, what, len);
    if (n < 0)
        return;
    size_t at = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, body_at = at;
    for (size_t i = 0; i < shown && at + 1 < sizeof line; i++) {
        unsigned char ch = (unsigned char)body[i];
        line[at++] = ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : ch < 0x20 ? '?' : (char)ch;
    }
    line[at] = '\0';
    /* A cut body must not end in the first bytes of the key either. */
    size_t kl = c->api_key ? strlen(c->api_key) : 0;
    for (size_t j = kl > 1 ? kl - 1 : 0; shown < len && j > 0; j--) {
        if (at - body_at >= j && memcmp(line + at - j, c->api_key, j) == 0) {
            memset(line + at - j, '*', j);
            break;
        }
    }
    if (shown < len)
        snprintf(line + at, sizeof line - at, " … (%zu more bytes)", len - shown);
    emit(c, GENAPI_LOG_DEBUG, line);
}
