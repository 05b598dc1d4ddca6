/* genapi: command-line client of libgenapi.
 *
 *   genapi [--base-url URL] [--api-key KEY] COMMAND [options] ARGS
 *
 * Without a base URL (flag or GENAPI_BASE_URL) it runs on the in-process reference backend.
 * Generated text goes to stdout, diagnostics to stderr; failures exit non-zero. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <genapi/genapi.h>

typedef struct cli {
    const char *base_url, *api_key, *model, *system, *out;
    int json, stream, webui;
    const char *command;
    const char **params; /* "NAME=VALUE" */
    size_t n_params;
    const char **args;
    size_t n_args;
    const char **inits; /* img2img --init files */
    size_t n_inits;
    const char *mask; /* img2img --mask file */
} cli;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: genapi [--base-url URL] [--api-key KEY] COMMAND [options] ARGS\n"
            "\n"
            "commands:\n"
            "  chat MESSAGE...    one chat completion; prints the reply\n"
            "  complete PROMPT... one text completion; prints the continuation\n"
            "  tokenize TEXT...   prints the token ids of TEXT\n"
            "  txt2img PROMPT...  generates images; writes OUT-0.png, … (see -o) and prints their names\n"
            "  img2img PROMPT...  redraws the --init image (PNG, JPEG or WebP; inpaints with --mask);\n"
            "                     writes OUT-0.png, … and prints their names\n"
            "  upscale FILE       upscales an image (PNG, JPEG or WebP; e.g. -p upscaler_1=Lanczos\n"
            "                     -p upscaling_resize=2); writes OUT-0.png and prints its name\n"
            "  models             list text-generation models\n"
            "  params             list every text parameter with its range\n"
            "\n"
            "options (before or after the command):\n"
            "  --base-url URL     server root or .../v1 (default: GENAPI_BASE_URL, else in-process)\n"
            "  --api-key KEY      bearer key (default: GENAPI_API_KEY)\n"
            "  -m, --model NAME   model (default: GENAPI_MODEL, else the server's first model)\n"
            "  -s, --system TEXT  system message for chat\n"
            "  -p NAME=VALUE      set any parameter of the command (repeatable), e.g. -p top_p=0.9\n"
            "                     -p stop='[\"\\n\"]'; image commands take their image parameters\n"
            "  --init FILE        img2img: the image to start from (repeatable); sent unchanged\n"
            "  --mask FILE        img2img: the inpainting mask (white is repainted); sent unchanged\n"
            "  --json             print the typed result re-serialized as JSON\n"
            "  --stream           print the reply as it is generated (chat, complete)\n"
            "  -o, --out PREFIX   image output file prefix (default: genapi)\n"
            "  --webui            image routes under /sdapi/v1 (AUTOMATIC1111 / SD.Next servers)\n"
            "  -h, --help         this help\n"
            "  --version          library version\n");
}

static int fail(genapi_status st, const genapi_error *err)
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

static int parse_args(int argc, char **argv, cli *c)
{
    memset(c, 0, sizeof *c);
    c->params = calloc((size_t)argc, sizeof *c->params);
    c->args = calloc((size_t)argc, sizeof *c->args);
    c->inits = calloc((size_t)argc, sizeof *c->inits);
    if (c->params == NULL || c->args == NULL || c->inits == NULL)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "--base-url") == 0)
            slot = &c->base_url;
        else if (strcmp(a, "--api-key") == 0)
            slot = &c->api_key;
        else if (strcmp(a, "-m") == 0 || strcmp(a, "--model") == 0)
            slot = &c->model;
        else if (strcmp(a, "-s") == 0 || strcmp(a, "--system") == 0)
            slot = &c->system;
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0)
            slot = &c->out;
        else if (strcmp(a, "-p") == 0 || strcmp(a, "--param") == 0)
            slot = &c->params[c->n_params++];
        else if (strcmp(a, "--init") == 0)
            slot = &c->inits[c->n_inits++];
        else if (strcmp(a, "--mask") == 0)
            slot = &c->mask;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "genapi: option %s needs a value\n", a);
                return -1;
            }
            *slot = argv[++i];
        } else if (strncmp(a, "--base-url=", 11) == 0) {
            c->base_url = a + 11;
        } else if (strncmp(a, "--api-key=", 10) == 0) {
            c->api_key = a + 10;
        } else if (strncmp(a, "--model=", 8) == 0) {
            c->model = a + 8;
        } else if (strcmp(a, "--json") == 0) {
            c->json = 1;
        } else if (strcmp(a, "--stream") == 0) {
            c->stream = 1;
        } else if (strcmp(a, "--webui") == 0) {
            c->webui = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--version") == 0) {
            printf("genapi %s\n", genapi_version());
            exit(0);
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc)
                c->args[c->n_args++] = argv[i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "genapi: unknown option %s (see genapi --help)\n", a);
            return -1;
        } else if (c->command == NULL) {
            c->command = a;
        } else {
            c->args[c->n_args++] = a;
        }
    }
    if (c->command == NULL) {
        usage(stderr);
        return -1;
    }
    return 0;
}

static char *join_args(const cli *c)
{
    size_t n = 1;
    for (size_t i = 0; i < c->n_args; i++)
        n += strlen(c->args[i]) + 1;
    char *s = malloc(n);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < c->n_args; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, c->args[i]);
    }
    return s;
}

/* -m, else GENAPI_MODEL, else the first model the server lists. Returns malloc'ed text. */
static char *pick_model(genapi_client *client, const cli *c, genapi_error *err, genapi_status *st)
{
    const char *m = c->model ? c->model : getenv("GENAPI_MODEL");
    if (m && m[0])
        return strdup(m);
    genapi_model_list *list = NULL;
    *st = genapi_list_text_models(client, &list, err);
    if (*st != GENAPI_OK)
        return NULL;
    char *id = list->count ? strdup(list->items[0].id) : NULL;
    genapi_model_list_free(list);
    if (id == NULL) {
        *st = GENAPI_E_NOT_FOUND;
        snprintf(err->message, sizeof err->message, "the server lists no model; pass -m NAME");
    }
    return id;
}

/* -p NAME=VALUE options into p, then the model (-m, GENAPI_MODEL, or the server's first). */
static genapi_status load_params(genapi_client *client, const cli *c, genapi_text_params *p, char **model,
                                 genapi_error *err)
{
    genapi_status st = GENAPI_OK;
    for (size_t i = 0; i < c->n_params && st == GENAPI_OK; i++) {
        const char *eq = strchr(c->params[i], '=');
        if (eq == NULL) {
            snprintf(err->message, sizeof err->message, "-p expects NAME=VALUE, got '%s'", c->params[i]);
            return GENAPI_E_INVALID_ARG;
        }
        char *name = strndup(c->params[i], (size_t)(eq - c->params[i]));
        if (name == NULL)
            return GENAPI_E_NOMEM;
        st = genapi_text_params_set_text(p, name, eq + 1, err);
        free(name);
    }
    if (st == GENAPI_OK && !genapi_text_params_is_set(p, GENAPI_TEXT_PARAM_model)) {
        *model = pick_model(client, c, err, &st);
        if (*model)
            GENAPI_TEXT_SET(p, model, *model);
    }
    return st;
}

/* --stream: print each delta of choice 0 as it arrives. */
static int print_delta(const genapi_stream_delta *d, void *user)
{
    (void)user;
    if (d->index == 0 && d->content) {
        fwrite(d->content, 1, d->content_len, stdout);
        fflush(stdout);
    }
    return 0;
}

static int cmd_chat(genapi_client *client, const cli *c)
{
    genapi_error err;
    genapi_error_clear(&err);
    if (c->n_args == 0) {
        fprintf(stderr, "genapi chat: a MESSAGE is required\n");
        return 2;
    }
    genapi_text_params p;
    genapi_text_params_init(&p, sizeof p);
    char *model = NULL, *message = NULL;
    int rc = 0;
    genapi_status st = load_params(client, c, &p, &model, &err);
    if (st == GENAPI_OK) {
        message = join_args(c);
        genapi_chat_message msgs[2];
        size_t n_msgs = 0;
        if (c->system)
            msgs[n_msgs++] = (genapi_chat_message){.role = "system", .content = c->system};
        msgs[n_msgs++] = (genapi_chat_message){.role = "user", .content = message};
        genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
        req.messages = msgs;
        req.message_count = n_msgs;
        req.params = &p;
        genapi_chat_result *res = NULL;
        if (c->stream)
            st = genapi_chat_stream(client, &req, c->json ? NULL : print_delta, NULL, &res, &err);
        else
            st = genapi_chat_complete(client, &req, &res, &err);
        if (st == GENAPI_OK && c->json) {
            char *json = NULL;
            st = genapi_chat_result_to_json(res, &json, &err);
            if (st == GENAPI_OK)
                printf("%s\n", json);
            genapi_chat_result_string_free(res, json);
        } else if (st == GENAPI_OK && c->stream) {
            fputc('\n', stdout);
        } else if (st == GENAPI_OK) {
            for (size_t i = 0; i < res->choice_count; i++) {
                const genapi_chat_choice *ch = &res->choices[i];
                if (ch->content)
                    fwrite(ch->content, 1, ch->content_len, stdout);
                fputc('\n', stdout);
            }
        }
        genapi_chat_result_free(res);
    }
    if (st != GENAPI_OK)
        rc = fail(st, &err);
    free(message);
    free(model);
    genapi_text_params_clear(&p);
    return rc;
}

static int cmd_complete(genapi_client *client, const cli *c)
{
    genapi_error err;
    genapi_error_clear(&err);
    if (c->n_args == 0) {
        fprintf(stderr, "genapi complete: a PROMPT is required\n");
        return 2;
    }
    genapi_text_params p;
    genapi_text_params_init(&p, sizeof p);
    char *model = NULL, *prompt = NULL;
    int rc = 0;
    genapi_status st = load_params(client, c, &p, &model, &err);
    if (st == GENAPI_OK) {
        prompt = join_args(c);
        genapi_completion_request req = GENAPI_COMPLETION_REQUEST_INIT;
        req.prompt = prompt;
        req.params = &p;
        genapi_completion_result *res = NULL;
        if (c->stream)
            st = genapi_complete_stream(client, &req, c->json ? NULL : print_delta, NULL, &res, &err);
        else
            st = genapi_complete(client, &req, &res, &err);
        if (st == GENAPI_OK && c->json) {
            char *json = NULL;
            st = genapi_completion_result_to_json(res, &json, &err);
            if (st == GENAPI_OK)
                printf("%s\n", json);
            genapi_completion_result_string_free(res, json);
        } else if (st == GENAPI_OK && c->stream) {
            fputc('\n', stdout);
        } else if (st == GENAPI_OK) {
            for (size_t i = 0; i < res->choice_count; i++) {
                if (res->choices[i].text)
                    fwrite(res->choices[i].text, 1, res->choices[i].text_len, stdout);
                fputc('\n', stdout);
            }
        }
        genapi_completion_result_free(res);
    }
    if (st != GENAPI_OK)
        rc = fail(st, &err);
    free(prompt);
    free(model);
    genapi_text_params_clear(&p);
    return rc;
}

/* Write bytes to path; 0 on success. */
static int write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && n == len) ? 0 : -1;
}

static const char *image_ext(int32_t format)
{
    return format == GENAPI_IMAGE_FORMAT_JPEG ? "jpg" : format == GENAPI_IMAGE_FORMAT_WEBP ? "webp" : "png";
}

/* Write each image to OUT-i.EXT and print its name (or a JSON line with --json). */
static int write_images(const cli *c, const genapi_image *images, size_t count)
{
    const char *out = c->out ? c->out : "genapi";
    for (size_t i = 0; i < count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s-%zu.%s", out, i, image_ext(images[i].format));
        if (write_file(path, images[i].data, images[i].size) != 0) {
            fprintf(stderr, "genapi: cannot write %s\n", path);
            return 1;
        }
        if (c->json)
            printf("{\"file\":\"%s\",\"width\":%d,\"height\":%d}\n", path, (int)images[i].width,
                   (int)images[i].height);
        else
            printf("%s\n", path);
    }
    return 0;
}

/* -p NAME=VALUE options through a kind's set_text; 0, or 2 after a message on stderr. */
typedef genapi_status (*set_text_fn)(void *params, const char *name, const char *value, genapi_error *err);

static genapi_status set_txt2img(void *p, const char *n, const char *v, genapi_error *e)
{
    return genapi_txt2img_params_set_text(p, n, v, e);
}

static genapi_status set_img2img(void *p, const char *n, const char *v, genapi_error *e)
{
    return genapi_img2img_params_set_text(p, n, v, e);
}

static genapi_status set_upscale(void *p, const char *n, const char *v, genapi_error *e)
{
    return genapi_upscale_params_set_text(p, n, v, e);
}

static int image_params(const cli *c, void *p, set_text_fn set, genapi_status *st, genapi_error *err)
{
    for (size_t i = 0; i < c->n_params && *st == GENAPI_OK; i++) {
        const char *eq = strchr(c->params[i], '=');
        char *name = eq ? strndup(c->params[i], (size_t)(eq - c->params[i])) : NULL;
        if (name == NULL) {
            fprintf(stderr, "genapi: -p expects NAME=VALUE, got '%s'\n", c->params[i]);
            return 2;
        }
        *st = set(p, name, eq + 1, err);
        free(name);
    }
    return 0;
}

/* A whole image file as base64 (its bytes unchanged, whatever the format); NULL and st set on
 * failure. Free with genapi_free(genapi_client_allocator(client), …). */
static char *file_base64(genapi_client *client, const char *path, genapi_status *st, genapi_error *err)
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

/* The model of image commands: -m, else GENAPI_IMAGE_MODEL, else the reference checkpoint. */
static const char *image_model(const cli *c)
{
    const char *model = c->model ? c->model : getenv("GENAPI_IMAGE_MODEL");
    return model && model[0] ? model : "genapi-ref-image";
}

/* txt2img: PROMPT... → OUT-0.png, OUT-1.png, … (file names on stdout). */
static int cmd_txt2img(genapi_client *client, const cli *c)
{
    genapi_txt2img_params p;
    genapi_txt2img_params_init(&p, sizeof p);
    genapi_error err;
    genapi_error_clear(&err);
    genapi_status st = GENAPI_OK;
    if (image_params(c, &p, set_txt2img, &st, &err) != 0) {
        genapi_txt2img_params_clear(&p);
        return 2;
    }
    char *prompt = join_args(c);
    if (st == GENAPI_OK && !genapi_txt2img_params_is_set(&p, GENAPI_TXT2IMG_PARAM_sd_model_checkpoint))
        GENAPI_TXT2IMG_SET(&p, sd_model_checkpoint, image_model(c));
    if (st == GENAPI_OK && !genapi_txt2img_params_is_set(&p, GENAPI_TXT2IMG_PARAM_prompt))
        GENAPI_TXT2IMG_SET(&p, prompt, prompt ? prompt : "");
    genapi_images_result *res = NULL;
    if (st == GENAPI_OK)
        st = genapi_txt2img(client, &p, &res, &err);
    int rc = st == GENAPI_OK ? write_images(c, res->images, res->image_count) : fail(st, &err);
    genapi_images_result_free(res);
    free(prompt);
    genapi_txt2img_params_clear(&p);
    return rc;
}

/* img2img --init FILE [--mask FILE] PROMPT... → OUT-0.png, … (file names on stdout). */
static int cmd_img2img(genapi_client *client, const cli *c)
{
    if (c->n_inits == 0) {
        fprintf(stderr, "genapi img2img: --init FILE is required\n");
        return 2;
    }
    genapi_img2img_params p;
    genapi_img2img_params_init(&p, sizeof p);
    genapi_error err;
    genapi_error_clear(&err);
    genapi_status st = GENAPI_OK;
    if (image_params(c, &p, set_img2img, &st, &err) != 0) {
        genapi_img2img_params_clear(&p);
        return 2;
    }
    const genapi_allocator *al = genapi_client_allocator(client);
    char **inits = calloc(c->n_inits, sizeof *inits), *mask = NULL;
    if (inits == NULL && st == GENAPI_OK)
        st = GENAPI_E_NOMEM;
    for (size_t i = 0; i < c->n_inits && st == GENAPI_OK; i++)
        inits[i] = file_base64(client, c->inits[i], &st, &err);
    if (c->mask && st == GENAPI_OK)
        mask = file_base64(client, c->mask, &st, &err);
    char *prompt = join_args(c);
    if (st == GENAPI_OK) {
        GENAPI_IMG2IMG_SET(&p, init_images, ((genapi_strlist){(const char *const *)inits, c->n_inits}));
        if (mask)
            GENAPI_IMG2IMG_SET(&p, mask, mask);
        if (!genapi_img2img_params_is_set(&p, GENAPI_IMG2IMG_PARAM_sd_model_checkpoint))
            GENAPI_IMG2IMG_SET(&p, sd_model_checkpoint, image_model(c));
        if (!genapi_img2img_params_is_set(&p, GENAPI_IMG2IMG_PARAM_prompt))
            GENAPI_IMG2IMG_SET(&p, prompt, prompt ? prompt : "");
    }
    genapi_images_result *res = NULL;
    if (st == GENAPI_OK)
        st = genapi_img2img(client, &p, &res, &err);
    int rc = st == GENAPI_OK ? write_images(c, res->images, res->image_count) : fail(st, &err);
    genapi_images_result_free(res);
    for (size_t i = 0; inits && i < c->n_inits; i++)
        genapi_free(al, inits[i]);
    free(inits);
    genapi_free(al, mask);
    free(prompt);
    genapi_img2img_params_clear(&p);
    return rc;
}

/* upscale FILE → OUT-0.png (the file name on stdout). */
static int cmd_upscale(genapi_client *client, const cli *c)
{
    if (c->n_args != 1) {
        fprintf(stderr, "genapi upscale: one image FILE is required\n");
        return 2;
    }
    genapi_upscale_params p;
    genapi_upscale_params_init(&p, sizeof p);
    genapi_error err;
    genapi_error_clear(&err);
    genapi_status st = GENAPI_OK;
    if (image_params(c, &p, set_upscale, &st, &err) != 0) {
        genapi_upscale_params_clear(&p);
        return 2;
    }
    char *image = st == GENAPI_OK ? file_base64(client, c->args[0], &st, &err) : NULL;
    if (st == GENAPI_OK)
        GENAPI_UPSCALE_SET(&p, image, image);
    genapi_upscale_result *res = NULL;
    if (st == GENAPI_OK)
        st = genapi_upscale(client, &p, &res, &err);
    int rc = st == GENAPI_OK ? write_images(c, &res->image, 1) : fail(st, &err);
    genapi_upscale_result_free(res);
    genapi_free(genapi_client_allocator(client), image);
    genapi_upscale_params_clear(&p);
    return rc;
}

static int cmd_tokenize(genapi_client *client, const cli *c)
{
    if (c->n_args == 0) {
        fprintf(stderr, "genapi tokenize: a TEXT is required\n");
        return 2;
    }
    char *text = join_args(c);
    genapi_tokenize_request req = GENAPI_TOKENIZE_REQUEST_INIT;
    const char *model = c->model ? c->model : getenv("GENAPI_MODEL");
    req.model = model && model[0] ? model : NULL;
    req.prompt = text;
    genapi_tokenize_result *res = NULL;
    genapi_error err;
    genapi_status st = genapi_tokenize(client, &req, &res, &err);
    if (st == GENAPI_OK) {
        if (c->json)
            printf("{\"count\":%lld,\"max_model_len\":%lld,\"tokens\":[", (long long)res->count,
                   (long long)res->max_model_len);
        for (size_t i = 0; i < res->token_count; i++)
            printf(i ? (c->json ? ",%lld" : " %lld") : "%lld", (long long)res->tokens[i]);
        printf(c->json ? "]}\n" : "\n");
    }
    genapi_tokenize_result_free(res);
    free(text);
    return st == GENAPI_OK ? 0 : fail(st, &err);
}

static int cmd_models(genapi_client *client, const cli *c)
{
    genapi_error err;
    genapi_model_list *list = NULL;
    genapi_status st = genapi_list_text_models(client, &list, &err);
    if (st != GENAPI_OK)
        return fail(st, &err);
    for (size_t i = 0; i < list->count; i++) {
        if (c->json)
            printf("{\"id\":\"%s\",\"max_model_len\":%lld}\n", list->items[i].id, (long long)list->items[i].max_model_len);
        else
            printf("%s\n", list->items[i].id);
    }
    genapi_model_list_free(list);
    return 0;
}

static int cmd_params(void)
{
    size_t n;
    const genapi_param_desc *d = genapi_text_param_table(&n);
    for (size_t i = 0; i < n; i++)
        printf("%-32s %s\n", d[i].json_name, d[i].doc);
    return 0;
}

int main(int argc, char **argv)
{
    cli c;
    if (parse_args(argc, argv, &c) != 0)
        return 2;
    int rc;
    if (strcmp(c.command, "params") == 0) {
        rc = cmd_params();
    } else if (strcmp(c.command, "chat") == 0 || strcmp(c.command, "models") == 0 ||
               strcmp(c.command, "complete") == 0 || strcmp(c.command, "tokenize") == 0 ||
               strcmp(c.command, "txt2img") == 0 || strcmp(c.command, "img2img") == 0 ||
               strcmp(c.command, "upscale") == 0) {
        genapi_client_config cfg;
        genapi_client_config_init(&cfg, sizeof cfg);
        cfg.base_url = c.base_url;
        cfg.api_key = c.api_key;
        cfg.image_api = c.webui ? GENAPI_IMAGE_API_WEBUI : GENAPI_IMAGE_API_HOSTED;
        genapi_client *client = NULL;
        genapi_error err;
        genapi_status st = genapi_client_new(&cfg, &client, &err);
        if (st != GENAPI_OK) {
            rc = fail(st, &err);
        } else {
            rc = strcmp(c.command, "chat") == 0       ? cmd_chat(client, &c)
                 : strcmp(c.command, "complete") == 0 ? cmd_complete(client, &c)
                 : strcmp(c.command, "tokenize") == 0 ? cmd_tokenize(client, &c)
                 : strcmp(c.command, "txt2img") == 0  ? cmd_txt2img(client, &c)
                 : strcmp(c.command, "img2img") == 0  ? cmd_img2img(client, &c)
                 : strcmp(c.command, "upscale") == 0  ? cmd_upscale(client, &c)
                                                      : cmd_models(client, &c);
            genapi_client_free(client);
        }
    } else {
        fprintf(stderr, "genapi: unknown command '%s' (see genapi --help)\n", c.command);
        rc = 2;
    }
    free(c.params);
    free(c.args);
    free(c.inits);
    return rc;
}
