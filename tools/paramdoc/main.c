/* genapi-paramdoc: writes the parameter reference page from the parameter table. */
#include <stdio.h>
#include <string.h>

#include <genapi/genapi.h>

static const char *kind_name(int32_t k)
{
    static const char *const names[] = {"string", "number", "integer", "boolean", "array of strings",
                                        "array of integers", "array of integer arrays", "object {token id: bias}",
                                        "array of sampler ids or names", "array of [tokens, start, length]",
                                        "JSON", "enum"};
    return (k >= 0 && k < (int32_t)(sizeof names / sizeof names[0])) ? names[k] : "?";
}

static const char *ctype_name(int32_t k)
{
    static const char *const names[] = {"const char *", "double", "int64_t", "int32_t (0/1)", "genapi_strlist",
                                        "genapi_intlist", "genapi_intlists", "genapi_token_biases", "genapi_intlist",
                                        "genapi_token_ban_ranges", "const char * (JSON text)", "int32_t (index)"};
    return (k >= 0 && k < (int32_t)(sizeof names / sizeof names[0])) ? names[k] : "?";
}

static void range(const genapi_param_desc *d, char *buf, size_t cap)
{
    uint32_t f = d->range_flags;
    int lo = (f & (GENAPI_RANGE_MIN | GENAPI_RANGE_MIN_OPEN)) != 0, hi = (f & (GENAPI_RANGE_MAX | GENAPI_RANGE_MAX_OPEN)) != 0;
    char lo_text[32] = "-inf", hi_text[32] = "inf";
    if (lo)
        snprintf(lo_text, sizeof lo_text, "%g", d->min);
    if (hi)
        snprintf(hi_text, sizeof hi_text, "%g", d->max);
    if (d->choices) {
        size_t n = (size_t)snprintf(buf, cap, "one of ");
        for (const char *c = d->choices; *c && n + 3 < cap; c++) {
            if (*c == '|') {
                buf[n++] = ',';
                buf[n++] = ' ';
            } else {
                buf[n++] = *c;
            }
        }
        buf[n] = '\0';
    }
    else if (lo || hi)
        snprintf(buf, cap, "%s%c%s, %s%c", (f & GENAPI_RANGE_ITEMS) ? "each item " : "",
                 (f & GENAPI_RANGE_MIN) ? '[' : '(', lo_text, hi_text, (f & GENAPI_RANGE_MAX) ? ']' : ')');
    else
        buf[0] = '\0';
    size_t n = strlen(buf);
    if (f & GENAPI_RANGE_NONZERO)
        n += (size_t)snprintf(buf + n, cap - n, "%snot 0", n ? ", " : "");
    if (f & GENAPI_RANGE_NONEMPTY)
        n += (size_t)snprintf(buf + n, cap - n, "%snon-empty", n ? ", " : "");
    if ((f & GENAPI_RANGE_ITEMS) && d->kind == GENAPI_PK_STRLIST)
        n += (size_t)snprintf(buf + n, cap - n, "%sno empty strings", n ? ", " : "");
    if (f & GENAPI_RANGE_REQUIRED)
        n += (size_t)snprintf(buf + n, cap - n, "%srequired", n ? ", " : "");
    if (n == 0)
        snprintf(buf, cap, "any");
}

static void servers(uint32_t s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s", (s & GENAPI_SERVER_APHRODITE) ? "Aphrodite " : "", (s & GENAPI_SERVER_VLLM) ? "vLLM " : "",
             (s & GENAPI_SERVER_HOSTED) ? "hosted" : "");
}

int main(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "text") != 0) {
        fprintf(stderr, "usage: genapi-paramdoc text OUTPUT.md\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "w");
    if (f == NULL) {
        perror(argv[2]);
        return 1;
    }
    size_t n;
    const genapi_param_desc *d = genapi_text_param_table(&n);
    fprintf(f, "# Text generation parameters {#params_text}\n\n"
               "Generated from `GENAPI_TEXT_PARAMS` in `include/genapi/text_params.h` by `genapi-paramdoc`; do not "
               "edit. Each row is a field of `genapi_text_params` and a key of the JSON request body. Only fields "
               "marked set are validated and sent.\n\n"
               "| JSON name | C type | JSON type | valid range | server default | servers | description |\n"
               "|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        char r[160], s[64];
        range(&d[i], r, sizeof r);
        servers(d[i].servers, s, sizeof s);
        fprintf(f, "| `%s` | `%s` | %s | %s | %s | %s | ", d[i].json_name, ctype_name(d[i].kind), kind_name(d[i].kind), r,
                d[i].default_text, s);
        for (const char *p = d[i].doc; *p; p++) {
            if (*p == '|')
                fputs("\\|", f);
            else
                fputc(*p, f);
        }
        fputs(" |\n", f);
    }
    fprintf(f, "\n%zu parameters.\n", n);
    return fclose(f) == 0 ? 0 : 1;
}
