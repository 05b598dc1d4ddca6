/* genapi: reading arguments, standard input and files; printing errors and JSON. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

int cli_fail(genapi_status st, const genapi_error *err)
{
    fprintf(stderr, "genapi: error: %s", genapi_status_str(st));
    if (err && err->message[0])
        fprintf(stderr, ": %s", err->message);
    if (err && err->param[0])
        fprintf(stderr, " (param: %s)", err->param);
    if (err && err->http_status)
        fprintf(stderr, " [HTTP %d]", (int)err->http_status);
    fputc('\n', stderr);
    return 1;
}

/* All of standard input, at most CLI_STDIN_MAX bytes; NULL after a message. */
static char *read_stdin(const char *what, int *rc)
{
    size_t len = 0, cap = 0;
    char *s = NULL;
    for (;;) {
        if (cap - len < 65536) {
            size_t ncap = cap ? cap * 2 : 65536;
            if (ncap > CLI_STDIN_MAX + 2)
                ncap = CLI_STDIN_MAX + 2;
            char *t = realloc(s, ncap);
            if (t == NULL) {
                free(s);
                fprintf(stderr, "genapi: out of memory reading the %s from standard input\n", what);
                *rc = 1;
                return NULL;
            }
            s = t;
            cap = ncap;
        }
        size_t n = fread(s + len, 1, cap - len - 1, stdin);
        len += n;
        if (len > CLI_STDIN_MAX) {
            free(s);
            fprintf(stderr, "genapi: the %s on standard input is larger than %u MiB; refused\n", what,
                    CLI_STDIN_MAX / (1024u * 1024u));
            *rc = 2;
            return NULL;
        }
        if (n == 0)
            break;
    }
    if (ferror(stdin)) {
        free(s);
        fprintf(stderr, "genapi: cannot read the %s from standard input\n", what);
        *rc = 1;
        return NULL;
    }
    if (memchr(s, '\0', len) != NULL) {
        free(s);
        fprintf(stderr, "genapi: the %s on standard input contains a NUL byte; refused\n", what);
        *rc = 2;
        return NULL;
    }
    if (len > 0 && s[len - 1] == '\n')
        len--;
    if (len > 0 && s[len - 1] == '\r')
        len--;
    s[len] = '\0';
    return s;
}

char *cli_text_arg(const cli *c, const char *what, int *rc)
{
    int from_stdin = c->n_args == 0 || (c->n_args == 1 && strcmp(c->args[0], "-") == 0);
    if (from_stdin) {
        if (c->stdin_taken) {
            fprintf(stderr, "genapi %s: standard input carries the API key, so the %s must be given as arguments\n",
                    c->command, what);
            *rc = 2;
            return NULL;
        }
        char *s = read_stdin(what, rc);
        if (s && s[0] == '\0') {
            free(s);
            fprintf(stderr, "genapi %s: a %s is required (as arguments, or on standard input)\n", c->command, what);
            *rc = 2;
            return NULL;
        }
        return s;
    }
    size_t n = 1;
    for (size_t i = 0; i < c->n_args; i++)
        n += strlen(c->args[i]) + 1;
    char *s = malloc(n), *p = s;
    if (s == NULL) {
        fprintf(stderr, "genapi: out of memory\n");
        *rc = 1;
        return NULL;
    }
    for (size_t i = 0; i < c->n_args; i++) {
        size_t l = strlen(c->args[i]);
        if (i)
            *p++ = ' ';
        memcpy(p, c->args[i], l);
        p += l;
    }
    *p = '\0';
    return s;
}

int cli_apply_params(const cli *c, void *params, cli_set_fn set, genapi_status *st, genapi_error *err)
{
    for (size_t i = 0; i < c->n_params && *st == GENAPI_OK; i++) {
        const char *eq = strchr(c->params[i], '=');
        if (eq == NULL || eq == c->params[i]) {
            fprintf(stderr, "genapi: -p expects NAME=VALUE, got '%s'\n", c->params[i]);
            return 2;
        }
        char *name = malloc((size_t)(eq - c->params[i]) + 1);
        if (name == NULL) {
            fprintf(stderr, "genapi: out of memory\n");
            return 2;
        }
        memcpy(name, c->params[i], (size_t)(eq - c->params[i]));
        name[eq - c->params[i]] = '\0';
        *st = set(params, name, eq + 1, err);
        free(name);
    }
    return 0;
}

char *cli_file_base64(genapi_client *client, const char *path, genapi_status *st, genapi_error *err)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t len = 0, cap = 0;
    int ok = f != NULL;
    while (ok) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            uint8_t *d = realloc(data, ncap);
            if (d == NULL) {
                ok = 0;
                break;
            }
            data = d;
            cap = ncap;
        }
        size_t n = fread(data + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            ok = !ferror(f);
            break;
        }
    }
    if (f)
        fclose(f);
    char *b64 = NULL;
    if (!ok) {
        *st = GENAPI_E_INVALID_ARG;
        snprintf(err->message, sizeof err->message, "cannot read %s", path);
    } else {
        *st = genapi_image_to_base64(client, data, len, &b64, err);
    }
    free(data);
    return b64;
}

void cli_print_json(struct json_object *o)
{
    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    printf("%s\n", s ? s : "null");
    json_object_put(o);
}
