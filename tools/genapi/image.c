/* genapi: the image commands (txt2img, img2img, upscale, listings, options), their output
 * files and the progress bar. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

/* ---- output files ------------------------------------------------------------------------- */

static const char *image_ext(int32_t format)
{
    return format == GENAPI_IMAGE_FORMAT_JPEG ? "jpg" : format == GENAPI_IMAGE_FORMAT_WEBP ? "webp" : "png";
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && n == len) ? 0 : -1;
}

/* Where image i of count goes: -o PATH is that file for one image; a batch numbers it before
 * the extension (out.png → out-0.png, out-1.png; out → out-0.png). Without -o: genapi.EXT. */
static int image_path(const cli *c, const genapi_image *img, size_t i, size_t count, char *path, size_t cap)
{
    const char *out = c->out;
    int n;
    if (count == 1 && out)
        n = snprintf(path, cap, "%s", out);
    else if (out == NULL)
        n = count == 1 ? snprintf(path, cap, "genapi.%s", image_ext(img->format))
                       : snprintf(path, cap, "genapi-%zu.%s", i, image_ext(img->format));
    else {
        const char *slash = strrchr(out, '/'), *dot = strrchr(out, '.');
        if (dot && (slash == NULL || dot > slash + 1))
            n = snprintf(path, cap, "%.*s-%zu%s", (int)(dot - out), out, i, dot);
        else
            n = snprintf(path, cap, "%s-%zu.%s", out, i, image_ext(img->format));
    }
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Write the images and print their names (--json: one JSON document with each file, its size
 * and format, and the rest of the result in `extra`, consumed). */
static int write_images(const cli *c, const genapi_image *images, size_t count, json_object *extra)
{
    json_object *files = c->json ? json_object_new_array() : NULL;
    for (size_t i = 0; i < count; i++) {
        char path[4096];
        if (image_path(c, &images[i], i, count, path, sizeof path) != 0 ||
            write_file(path, images[i].data, images[i].size) != 0) {
            fprintf(stderr, "genapi: cannot write %s\n", path);
            json_object_put(files);
            json_object_put(extra);
            return 1;
        }
        if (!c->json) {
            printf("%s\n", path);
            continue;
        }
        json_object *f = json_object_new_object();
        json_object_object_add(f, "file", json_object_new_string(path));
        json_object_object_add(f, "format", json_object_new_string(image_ext(images[i].format)));
        json_object_object_add(f, "width", json_object_new_int(images[i].width));
        json_object_object_add(f, "height", json_object_new_int(images[i].height));
        json_object_object_add(f, "bytes", json_object_new_int64((int64_t)images[i].size));
        json_object_array_add(files, f);
    }
    if (c->json) {
        json_object *o = extra ? extra : json_object_new_object();
        json_object_object_add(o, "images", files);
        cli_print_json(o);
    } else {
        json_object_put(extra);
    }
    return 0;
}

/* The rest of an images result for --json: the decoded info document and the echoed seed. */
static json_object *images_extra(const genapi_images_result *res)
{
    json_object *o = json_object_new_object();
    json_object *info = res->info.json ? json_tokener_parse(res->info.json) : NULL;
    json_object_object_add(o, "info", info);
    if (res->has_parameters_seed)
        json_object_object_add(o, "parameters_seed", json_object_new_int64(res->parameters_seed));
    return o;
}

/* ---- progress ----------------------------------------------------------------------------- */

/* A bar on stderr, drawn only when stderr is a terminal. */
typedef struct bar {
    int shown;
} bar;

static void draw_bar(const genapi_progress *p, void *user)
{
    bar *b = user;
    enum { WIDTH = 30 };
    int filled = (int)(p->progress * WIDTH + 0.5);
    char cells[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++)
        cells[i] = i < filled ? '#' : '.';
    cells[WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %3d%%", cells, (int)(p->progress * 100 + 0.5));
    if (p->sampling_steps > 0)
        fprintf(stderr, "  step %d/%d", (int)p->sampling_step, (int)p->sampling_steps);
    if (p->job_count > 1)
        fprintf(stderr, "  image %d/%d", (int)p->job_no + 1, (int)p->job_count);
    fflush(stderr);
    b->shown = 1;
}

typedef genapi_status (*start_fn)(genapi_client *client, const void *params, const genapi_callbacks *cb,
                                  genapi_request **out, genapi_error *err);

static genapi_status start_txt2img(genapi_client *cl, const void *p, const genapi_callbacks *cb, genapi_request **o,
                                   genapi_error *e)
{
    return genapi_txt2img_start(cl, p, cb, o, e);
}

static genapi_status start_img2img(genapi_client *cl, const void *p, const genapi_callbacks *cb, genapi_request **o,
                                   genapi_error *e)
{
    return genapi_img2img_start(cl, p, cb, o, e);
}

/* Run a generation through the non-blocking API so its progress can be drawn while this
 * thread waits (the callbacks run here, inside the wait). */
static genapi_status generate(genapi_client *client, start_fn start, const void *params, genapi_images_result **res,
                              genapi_error *err)
{
    bar b = {0};
    genapi_callbacks cb = {0};
    int tty = isatty(STDERR_FILENO);
    if (tty) {
        cb.on_progress = draw_bar;
        cb.user = &b;
    }
    genapi_request *r = NULL;
    genapi_status st = start(client, params, tty ? &cb : NULL, &r, err);
    if (st != GENAPI_OK)
        return st;
    st = genapi_request_wait(r, -1);
    if (st == GENAPI_OK)
        st = genapi_request_take_images(r, res);
    if (st != GENAPI_OK)
        st = genapi_request_status(r, err);
    genapi_request_release(r);
    if (b.shown) {
        fputs("\r\033[K", stderr); /* the bar leaves no trace */
        fflush(stderr);
    }
    return st;
}

/* ---- commands ----------------------------------------------------------------------------- */

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

int cli_txt2img(genapi_client *client, const cli *c)
{
    genapi_txt2img_params p;
    genapi_txt2img_params_init(&p, sizeof p);
    genapi_error err;
    genapi_error_clear(&err);
    genapi_status st = GENAPI_OK;
    if (cli_apply_params(c, &p, set_txt2img, &st, &err) != 0) {
        genapi_txt2img_params_clear(&p);
        return 2;
    }
    int rc = 0;
    char *prompt = NULL;
    if (st == GENAPI_OK && !genapi_txt2img_params_is_set(&p, GENAPI_TXT2IMG_PARAM_prompt)) {
        prompt = cli_text_arg(c, "PROMPT", &rc);
        if (prompt == NULL) {
            genapi_txt2img_params_clear(&p);
            return rc;
        }
        GENAPI_TXT2IMG_SET(&p, prompt, prompt);
    }
    /* No -m: the library's default (GENAPI_IMAGE_MODEL, else the server's first image model). */
    if (st == GENAPI_OK && c->model && !genapi_txt2img_params_is_set(&p, GENAPI_TXT2IMG_PARAM_sd_model_checkpoint))
        GENAPI_TXT2IMG_SET(&p, sd_model_checkpoint, c->model);
    genapi_images_result *res = NULL;
    if (st == GENAPI_OK)
        st = generate(client, start_txt2img, &p, &res, &err);
    rc = st == GENAPI_OK ? write_images(c, res->images, res->image_count, images_extra(res)) : cli_fail(st, &err);
    genapi_images_result_free(res);
    free(prompt);
    genapi_txt2img_params_clear(&p);
    return rc;
}

int cli_img2img(genapi_client *client, const cli *c)
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
    if (cli_apply_params(c, &p, set_img2img, &st, &err) != 0) {
        genapi_img2img_params_clear(&p);
        return 2;
    }
    int rc = 0;
    char *prompt = NULL;
    if (st == GENAPI_OK && !genapi_img2img_params_is_set(&p, GENAPI_IMG2IMG_PARAM_prompt)) {
        prompt = cli_text_arg(c, "PROMPT", &rc);
        if (prompt == NULL) {
            genapi_img2img_params_clear(&p);
            return rc;
        }
        GENAPI_IMG2IMG_SET(&p, prompt, prompt);
    }
    const genapi_allocator *al = genapi_client_allocator(client);
    char **inits = calloc(c->n_inits, sizeof *inits), *mask = NULL;
    if (inits == NULL && st == GENAPI_OK)
        st = GENAPI_E_NOMEM;
    for (size_t i = 0; i < c->n_inits && st == GENAPI_OK; i++)
        inits[i] = cli_file_base64(client, c->inits[i], &st, &err);
    if (c->mask && st == GENAPI_OK)
        mask = cli_file_base64(client, c->mask, &st, &err);
    if (st == GENAPI_OK) {
        GENAPI_IMG2IMG_SET(&p, init_images, ((genapi_strlist){(const char *const *)inits, c->n_inits}));
        if (mask)
            GENAPI_IMG2IMG_SET(&p, mask, mask);
        if (c->model && !genapi_img2img_params_is_set(&p, GENAPI_IMG2IMG_PARAM_sd_model_checkpoint))
            GENAPI_IMG2IMG_SET(&p, sd_model_checkpoint, c->model);
    }
    genapi_images_result *res = NULL;
    if (st == GENAPI_OK)
        st = generate(client, start_img2img, &p, &res, &err);
    rc = st == GENAPI_OK ? write_images(c, res->images, res->image_count, images_extra(res)) : cli_fail(st, &err);
    genapi_images_result_free(res);
    for (size_t i = 0; inits && i < c->n_inits; i++)
        genapi_free(al, inits[i]);
    free(inits);
    genapi_free(al, mask);
    free(prompt);
    genapi_img2img_params_clear(&p);
    return rc;
}

/* --scale, --upscaler and --to WxH as the upscale parameters they stand for. */
static int upscale_options(const cli *c, genapi_upscale_params *p, genapi_status *st, genapi_error *err)
{
    if (c->scale && c->to) {
        fprintf(stderr, "genapi upscale: give --scale or --to, not both\n");
        return 2;
    }
    if (c->upscaler && *st == GENAPI_OK)
        *st = genapi_upscale_params_set_text(p, "upscaler_1", c->upscaler, err);
    if (c->scale && *st == GENAPI_OK) {
        *st = genapi_upscale_params_set_text(p, "resize_mode", "0", err);
        if (*st == GENAPI_OK)
            *st = genapi_upscale_params_set_text(p, "upscaling_resize", c->scale, err);
    }
    if (c->to && *st == GENAPI_OK) {
        char w[16], h[16], extra;
        if (sscanf(c->to, "%15[0-9]x%15[0-9]%c", w, h, &extra) != 2) {
            fprintf(stderr, "genapi upscale: --to expects WIDTHxHEIGHT (e.g. 1024x768), got '%s'\n", c->to);
            return 2;
        }
        *st = genapi_upscale_params_set_text(p, "resize_mode", "1", err);
        if (*st == GENAPI_OK)
            *st = genapi_upscale_params_set_text(p, "upscaling_resize_w", w, err);
        if (*st == GENAPI_OK)
            *st = genapi_upscale_params_set_text(p, "upscaling_resize_h", h, err);
    }
    return 0;
}

int cli_upscale(genapi_client *client, const cli *c)
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
    if (cli_apply_params(c, &p, set_upscale, &st, &err) != 0 || upscale_options(c, &p, &st, &err) != 0) {
        genapi_upscale_params_clear(&p);
        return 2;
    }
    char *image = st == GENAPI_OK ? cli_file_base64(client, c->args[0], &st, &err) : NULL;
    if (st == GENAPI_OK)
        GENAPI_UPSCALE_SET(&p, image, image);
    genapi_upscale_result *res = NULL;
    if (st == GENAPI_OK)
        st = genapi_upscale(client, &p, &res, &err);
    json_object *extra = NULL;
    if (st == GENAPI_OK && c->json) {
        extra = json_object_new_object();
        json_object_object_add(extra, "html_info", res->html_info ? json_object_new_string(res->html_info) : NULL);
    }
    int rc = st == GENAPI_OK ? write_images(c, &res->image, 1, extra) : cli_fail(st, &err);
    genapi_upscale_result_free(res);
    genapi_free(genapi_client_allocator(client), image);
    genapi_upscale_params_clear(&p);
    return rc;
}

/* ---- listings ----------------------------------------------------------------------------- */

static json_object *opt_str(const char *s) { return s ? json_object_new_string(s) : NULL; }

static int listing(genapi_client *client, const cli *c, genapi_image_listing_kind kind)
{
    genapi_error err;
    genapi_image_listing *l = NULL;
    genapi_status st = genapi_list_image(client, kind, &l, &err);
    if (st != GENAPI_OK)
        return cli_fail(st, &err);
    for (size_t i = 0; i < l->count; i++) {
        const genapi_image_listing_item *it = &l->items[i];
        if (!c->json) {
            printf("%s\n", it->name ? it->name : "");
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, kind == GENAPI_LISTING_MODELS ? "title" : "name", opt_str(it->name));
        if (kind != GENAPI_LISTING_SAMPLERS)
            json_object_object_add(o, "model_name", opt_str(it->model_name));
        if (kind == GENAPI_LISTING_MODELS) {
            json_object_object_add(o, "hash", opt_str(it->hash));
            json_object_object_add(o, "sha256", opt_str(it->sha256));
            json_object_object_add(o, "filename", opt_str(it->filename));
        } else if (kind == GENAPI_LISTING_SAMPLERS) {
            json_object *a = json_object_new_array();
            for (size_t k = 0; k < it->alias_count; k++)
                json_object_array_add(a, opt_str(it->aliases[k]));
            json_object_object_add(o, "aliases", a);
        } else {
            json_object_object_add(o, "scale", it->has_scale ? json_object_new_double(it->scale) : NULL);
        }
        cli_print_json(o);
    }
    genapi_image_listing_free(l);
    return 0;
}

int cli_image_models(genapi_client *client, const cli *c) { return listing(client, c, GENAPI_LISTING_MODELS); }

int cli_samplers(genapi_client *client, const cli *c) { return listing(client, c, GENAPI_LISTING_SAMPLERS); }

int cli_upscalers(genapi_client *client, const cli *c) { return listing(client, c, GENAPI_LISTING_UPSCALERS); }

int cli_options(genapi_client *client, const cli *c)
{
    genapi_error err;
    char *json = NULL;
    genapi_status st = genapi_image_options(client, &json, &err);
    if (st != GENAPI_OK)
        return cli_fail(st, &err);
    json_object *o = json_tokener_parse(json);
    genapi_free(genapi_client_allocator(client), json);
    if (o == NULL || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        fprintf(stderr, "genapi options: the server's options are not a JSON object\n");
        return 1;
    }
    if (c->n_args == 0 && c->json) {
        cli_print_json(o);
        return 0;
    }
    int rc = 0;
    if (c->n_args > 0) { /* only the options named, in that order */
        json_object *picked = json_object_new_object();
        for (size_t i = 0; i < c->n_args; i++) {
            json_object *v = NULL;
            if (!json_object_object_get_ex(o, c->args[i], &v)) {
                fprintf(stderr, "genapi options: the server has no option '%s'\n", c->args[i]);
                rc = 1;
                continue;
            }
            json_object_object_add(picked, c->args[i], json_object_get(v));
        }
        json_object_put(o);
        o = picked;
        if (c->json) {
            cli_print_json(o);
            return rc;
        }
    }
    /* One "key value" line per option, the value as JSON. */
    json_object_object_foreach(o, key, val)
    {
        printf("%s %s\n", key,
               val ? json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
                   : "null");
    }
    json_object_put(o);
    return rc;
}
