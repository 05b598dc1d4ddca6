/* genapi-paramdoc: writes the reference page of one parameter table (text, txt2img, img2img, upscale). */
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
    if (f & GENAPI_RANGE_BASE64)
        n += (size_t)snprintf(buf + n, cap - n, "%sbase64 image (plain or data:image/TYPE;base64,)", n ? ", " : "");
    if (f & GENAPI_RANGE_REQUIRED)
        n += (size_t)snprintf(buf + n, cap - n, "%srequired", n ? ", " : "");
    if (n == 0)
        snprintf(buf, cap, "any");
}

static void servers(uint32_t s, char *buf, size_t cap)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{GENAPI_SERVER_APHRODITE, "Aphrodite"}, {GENAPI_SERVER_VLLM, "vLLM"}, {GENAPI_SERVER_A1111, "A1111"},
                 {GENAPI_SERVER_SDNEXT, "SD.Next"}, {GENAPI_SERVER_HOSTED, "hosted"}};
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0] && n < cap; i++)
        if (s & names[i].bit)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? " " : "", names[i].name);
}

/* One page per parameter table. */
typedef struct page {
    const char *kind;   /* command-line name */
    const char *title;  /* page heading */
    const char *anchor; /* Doxygen page label */
    const char *table;  /* X-macro name */
    const char *header; /* header file */
    const char *type;   /* struct type */
    const char *intro;  /* extra sentence(s), may be "" */
    const genapi_param_desc *(*get)(size_t *count);
} page;

static const page pages[] = {
    {"text", "Text generation parameters", "params_text", "GENAPI_TEXT_PARAMS", "text_params.h", "genapi_text_params",
     "", genapi_text_param_table},
    {"txt2img", "txt2img parameters", "params_txt2img", "GENAPI_TXT2IMG_PARAMS", "image_params.h",
     "genapi_txt2img_params", " Request body of POST /v1/txt2img and /sdapi/v1/txt2img.", genapi_txt2img_param_table},
    {"img2img", "img2img parameters", "params_img2img", "GENAPI_IMG2IMG_PARAMS", "image_params.h",
     "genapi_img2img_params", " Request body of POST /v1/img2img and /sdapi/v1/img2img.", genapi_img2img_param_table},
    {"upscale", "Upscale parameters", "params_upscale", "GENAPI_UPSCALE_PARAMS", "image_params.h",
     "genapi_upscale_params", " Request body of POST /v1/upscale-img and /sdapi/v1/extra-single-image.",
     genapi_upscale_param_table},
};

int main(int argc, char **argv)
{
    const page *pg = NULL;
    for (size_t i = 0; argc == 3 && i < sizeof pages / sizeof pages[0]; i++)
        if (strcmp(argv[1], pages[i].kind) == 0)
            pg = &pages[i];
    if (pg == NULL) {
        fprintf(stderr, "usage: genapi-paramdoc text|txt2img|img2img|upscale OUTPUT.md\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "w");
    if (f == NULL) {
        perror(argv[2]);
        return 1;
    }
    size_t n;
    const genapi_param_desc *d = pg->get(&n);
    fprintf(f, "# %s {#%s}\n\n"
               "Generated from `%s` in `include/genapi/%s` by `genapi-paramdoc`; do not "
               "edit. Each row is a field of `%s` and a key of the JSON request body. Only fields "
               "marked set are validated and sent.%s\n\n"
               "| JSON name | C type | JSON type | valid range | server default | servers | description |\n"
               "|---|---|---|---|---|---|---|\n",
            pg->title, pg->anchor, pg->table, pg->header, pg->type, pg->intro);
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
