/*
 * Cost of the reference image engine (lib/engine/image): gi_generate at 512x512 and 1024x1024
 * with 20 steps ("Euler a" and "DPM++ 2M Karras"), a 0.6-strength img2img at 512x512, and the
 * PNG encode of a generated picture. Each configuration runs RUNS times (CLOCK_MONOTONIC); the
 * report gives the median and minimum in milliseconds and the ratio to a baseline measured in
 * the same run: a memset of the RGBA buffer followed by a plain PNG encode of that flat image.
 *
 * The second part measures the same work in bounded steps (default budget): the cost of begin,
 * the median and largest step and the number of steps, for generation (txt2img, img2img,
 * inpainting, full-resolution inpainting), PNG encoding and upscaling; and the steps of the
 * reference server's image route jobs (generation, PNG, base64, the JSON body at the end).
 *
 * The third part runs Pillow (Debian python3-pil) on the same pixels in the same run: Lanczos
 * 512x512 -> 2048x2048 against Image.resize(..., Image.LANCZOS) (time ratio and PSNR of our
 * output against Pillow's), and the PNG encode of a 512x512 txt2img against its generation time
 * and against Pillow's save(..., compress_level=1). Lines starting "TABLE|" feed
 * bench/run_all.sh.
 *
 * Usage: bench_image [runs] [--pillow-only] [--python PATH]    (default 7 runs, /usr/bin/python3)
 */
#include "engine/image/image_engine.h"
#include "server/job.h"

#include <sodium.h>

#include <math.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct result {
    double median, min;
} result;

static result summarise(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    result r = {n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0, t[0]};
    return r;
}

static ga_alloc A;

/* memset of a w x h RGBA buffer + PNG encode of the flat image. */
static result baseline(int32_t w, int32_t h, int runs, double *t)
{
    gi_image im = {w, h, malloc((size_t)w * (size_t)h * 4)};
    if (!im.rgba)
        exit(1);
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        memset(im.rgba, 0x80, (size_t)w * (size_t)h * 4);
        uint8_t *bytes;
        size_t len;
        if (gi_png_encode(&A, &im, NULL, &bytes, &len, NULL) != GENAPI_OK)
            exit(1);
        t[i] = now_ms() - t0;
        ga_free(&A, bytes);
    }
    free(im.rgba);
    return summarise(t, runs);
}

static result time_generate(const gi_gen_config *c, int runs, double *t)
{
    for (int i = 0; i < runs; i++) {
        gi_image im;
        genapi_error e;
        double t0 = now_ms();
        if (gi_generate(&A, c, 0, &im, &e) != GENAPI_OK) {
            fprintf(stderr, "gi_generate: %s\n", e.message);
            exit(1);
        }
        t[i] = now_ms() - t0;
        gi_image_free(&A, &im);
    }
    return summarise(t, runs);
}

typedef struct steps_result {
    double begin, median, p99, max, total;
    int n;
} steps_result;

static double *step_times;
static int step_cap;

static void add_step(int *n, double t)
{
    if (*n == step_cap) {
        step_cap = step_cap ? step_cap * 2 : 1024;
        step_times = realloc(step_times, (size_t)step_cap * sizeof *step_times);
        if (!step_times)
            exit(1);
    }
    step_times[(*n)++] = t;
}

static steps_result steps_summary(double begin, int n, double end)
{
    steps_result r = {begin, 0, 0, 0, begin + end, n};
    for (int i = 0; i < n; i++) {
        r.total += step_times[i];
        if (step_times[i] > r.max)
            r.max = step_times[i];
    }
    qsort(step_times, (size_t)n, sizeof *step_times, cmp_double);
    r.median = n ? step_times[n / 2] : 0.0;
    r.p99 = n ? step_times[(n * 99) / 100] : 0.0;
    return r;
}

static steps_result steps_generate(const gi_gen_config *c)
{
    int n = 0;
    double t0 = now_ms();
    gi_gen_job *j;
    if (gi_gen_begin(&A, c, 0, &j, NULL) != GENAPI_OK)
        exit(1);
    double begin = now_ms() - t0;
    while (!gi_gen_done(j)) {
        double t = now_ms();
        if (gi_gen_step(j, 0, NULL) != GENAPI_OK)
            exit(1);
        add_step(&n, now_ms() - t);
    }
    gi_image im;
    t0 = now_ms();
    gi_gen_end(j, &im, NULL);
    double end = now_ms() - t0;
    gi_image_free(&A, &im);
    return steps_summary(begin, n, end);
}

static steps_result steps_png(const gi_image *im)
{
    int n = 0;
    double t0 = now_ms();
    gi_png_job *j;
    if (gi_png_encode_begin(&A, im, "Steps: 20", 0, &j, NULL) != GENAPI_OK)
        exit(1);
    double begin = now_ms() - t0;
    while (!gi_png_encode_done(j)) {
        double t = now_ms();
        if (gi_png_encode_step(j, 0, NULL) != GENAPI_OK)
            exit(1);
        add_step(&n, now_ms() - t);
    }
    uint8_t *bytes;
    size_t len;
    t0 = now_ms();
    gi_png_encode_end(j, &bytes, &len, NULL);
    double end = now_ms() - t0;
    ga_free(&A, bytes);
    return steps_summary(begin, n, end);
}

static steps_result steps_upscale(const gi_image *in, double factor, const char *name)
{
    int n = 0;
    double t0 = now_ms();
    gi_upscale_job *j;
    if (gi_upscale_begin(&A, in, factor, name, &j, NULL) != GENAPI_OK)
        exit(1);
    double begin = now_ms() - t0;
    while (!gi_upscale_done(j)) {
        double t = now_ms();
        gi_upscale_step(j, 0);
        add_step(&n, now_ms() - t);
    }
    gi_image im;
    t0 = now_ms();
    gi_upscale_end(j, &im, NULL);
    double end = now_ms() - t0;
    gi_image_free(&A, &im);
    return steps_summary(begin, n, end);
}

/* A route job through the reference backend; begin is the routing (parse, validate, decode). */
static steps_result steps_route(genapi_backend *b, const char *path, const char *body)
{
    int n = 0;
    genapi_http_request req = {"POST", path, NULL, "application/json", body, strlen(body)};
    genapi_http_response r;
    gs_job *job = NULL;
    double t0 = now_ms();
    if (gs_begin(b, &req, &r, &job) != GENAPI_OK || job == NULL) {
        fprintf(stderr, "%s: not a job (%d)\n", path, (int)r.status);
        exit(1);
    }
    double begin = now_ms() - t0;
    while (!gs_job_done(job)) {
        double t = now_ms();
        gs_job_step(job);
        add_step(&n, now_ms() - t);
    }
    if (job->status != 200)
        exit(1);
    t0 = now_ms();
    gs_job_free(job);
    return steps_summary(begin, n, now_ms() - t0);
}

static void report_steps(const char *name, steps_result r)
{
    printf("%-40s begin %6.3f ms  step median %5.3f p99 %5.3f max %5.3f ms  %4d steps  total %6.2f ms\n", name,
           r.begin, r.median, r.p99, r.max, r.n, r.total);
}

static void report(const char *name, result r, result base)
{
    printf("%-44s median %9.2f ms  min %9.2f ms  x%7.1f baseline\n", name, r.median, r.min, r.median / base.median);
}

/* ------------------------------------------------------------------------------------------
 * Against Pillow (Debian python3-pil) on the same pixels, in the same run: Lanczos 512x512 ->
 * 2048x2048 (Image.resize(..., Image.LANCZOS)) and PNG encoding (save(..., compress_level=1)).
 * Pillow runs in a child Python process driven through pipes, one operation per command, so
 * its runs interleave with ours (alternating which goes first) and both see the same machine
 * conditions; it times its own calls with time.perf_counter. */

static const char *PILLOW_SCRIPT =
    "import sys, time, io\n"
    "from PIL import Image\n"
    "d, w, h, W, H = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])\n"
    "im = Image.frombytes('RGB', (w, h), open(d + '/in.rgb', 'rb').read())\n"
    "out = None\n"
    "for line in sys.stdin:\n"
    "    c = line.strip()\n"
    "    if c == 'r':\n"
    "        t0 = time.perf_counter(); out = im.resize((W, H), Image.LANCZOS); t = time.perf_counter() - t0\n"
    "        print('%.4f 0' % (t * 1e3), flush=True)\n"
    "    elif c == 'p':\n"
    "        b = io.BytesIO(); t0 = time.perf_counter(); im.save(b, 'PNG', compress_level=1)\n"
    "        t = time.perf_counter() - t0\n"
    "        print('%.4f %d' % (t * 1e3, len(b.getvalue())), flush=True)\n"
    "    elif c == 'w':\n"
    "        open(d + '/out.rgb', 'wb').write(out.tobytes()); print('0 0', flush=True)\n"
    "    else:\n"
    "        break\n";

typedef struct pillow {
    pid_t pid;
    FILE *to, *from;
    char dir[64];
} pillow;

static int pillow_start(pillow *p, const char *python, const gi_image *in, int32_t W, int32_t H)
{
    char path[512];
    snprintf(p->dir, sizeof p->dir, "/tmp/bench_image_XXXXXX");
    if (!mkdtemp(p->dir))
        return -1;
    snprintf(path, sizeof path, "%s/pillow.py", p->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(PILLOW_SCRIPT, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/in.rgb", p->dir);
    f = fopen(path, "wb");
    if (!f)
        return -1;
    for (size_t i = 0; i < (size_t)in->width * (size_t)in->height; i++)
        fwrite(in->rgba + i * 4, 1, 3, f);
    fclose(f);
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0)
        return -1;
    p->pid = fork();
    if (p->pid < 0)
        return -1;
    if (p->pid == 0) {
        dup2(down[0], 0);
        dup2(up[1], 1);
        close(down[1]);
        close(up[0]);
        char script[512], a[4][16];
        snprintf(script, sizeof script, "%s/pillow.py", p->dir);
        snprintf(a[0], 16, "%d", (int)in->width);
        snprintf(a[1], 16, "%d", (int)in->height);
        snprintf(a[2], 16, "%d", (int)W);
        snprintf(a[3], 16, "%d", (int)H);
        execl(python, python, script, p->dir, a[0], a[1], a[2], a[3], (char *)NULL);
        _exit(127);
    }
    close(down[0]);
    close(up[1]);
    p->to = fdopen(down[1], "w");
    p->from = fdopen(up[0], "r");
    return p->to && p->from ? 0 : -1;
}

/* One command; its time in ms (and a byte count), or -1 when Pillow is not there. */
static double pillow_cmd(pillow *p, const char *cmd, long *bytes)
{
    double ms;
    long n;
    if (fprintf(p->to, "%s\n", cmd) < 0 || fflush(p->to) != 0 || fscanf(p->from, "%lf %ld", &ms, &n) != 2)
        return -1.0;
    if (bytes)
        *bytes = n;
    return ms;
}

/* Stops the child; the output pixels (W x H RGB, malloc'ed) when `out` is non-NULL. */
static int pillow_stop(pillow *p, int32_t W, int32_t H, uint8_t **out)
{
    int ok = 1;
    if (out) {
        *out = NULL;
        ok = pillow_cmd(p, "w", NULL) >= 0.0;
        char path[512];
        snprintf(path, sizeof path, "%s/out.rgb", p->dir);
        size_t n = (size_t)W * (size_t)H * 3;
        FILE *f = ok ? fopen(path, "rb") : NULL;
        *out = malloc(n);
        if (!f || !*out || fread(*out, 1, n, f) != n)
            ok = 0;
        if (f)
            fclose(f);
    }
    if (p->to) {
        fputs("q\n", p->to);
        fclose(p->to);
    }
    if (p->from)
        fclose(p->from);
    if (p->pid > 0)
        waitpid(p->pid, NULL, 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", p->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", p->dir);
    return ok ? 0 : -1;
}

/* PSNR of the RGB channels of an RGBA image against packed RGB. */
static double psnr_rgb(const gi_image *a, const uint8_t *rgb)
{
    double se = 0.0;
    size_t n = (size_t)a->width * (size_t)a->height;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < 3; c++) {
            double d = (double)a->rgba[i * 4 + c] - (double)rgb[i * 3 + c];
            se += d * d;
        }
    double mse = se / (double)(n * 3);
    return mse == 0.0 ? 999.0 : 10.0 * log10(255.0 * 255.0 / mse);
}

/* One line of the summary table that bench/run_all.sh collects. */
static void table_row(const char *metric, const char *value, const char *baseline, double ratio, const char *goal,
                      int met)
{
    printf("TABLE|%s|%s|%s|%.3f|%s|%s\n", metric, value, baseline, ratio, goal, met ? "yes" : "NO");
}

static int against_pillow(const char *python, int runs, double *t)
{
    gi_gen_config c;
    memset(&c, 0, sizeof c);
    c.prompt = "a lighthouse on a rocky coast at golden hour, dramatic clouds";
    c.negative_prompt = "blurry";
    c.seed = 12345;
    c.steps = 20;
    c.cfg_scale = 7.0;
    c.sampler_name = "Euler a";
    c.width = c.height = 512;
    gi_image pic;
    if (gi_generate(&A, &c, 0, &pic, NULL) != GENAPI_OK)
        return 1;
    pillow py;
    memset(&py, 0, sizeof py);
    if (pillow_start(&py, python, &pic, 2048, 2048) != 0 || pillow_cmd(&py, "r", NULL) < 0.0) {
        fprintf(stderr, "bench_image: Pillow (%s with python3-pil) did not run\n", python);
        pillow_stop(&py, 0, 0, NULL);
        gi_image_free(&A, &pic);
        return 1;
    }
    double *tp = malloc((size_t)runs * 4 * sizeof *tp), *tg = tp + runs, *tpp = tg + runs, *tpng = tpp + runs;
    if (!tp)
        return 1;
    gi_image up = {0, 0, NULL};
    size_t png_len = 0;
    long pil_png = 0;
    for (int i = 0; i < runs; i++) {
        for (int side = 0; side < 2; side++) {
            if ((side == 0) == (i % 2 == 0)) {
                gi_image_free(&A, &up);
                double t0 = now_ms();
                if (gi_upscale(&A, &pic, 4.0, "Lanczos", &up, NULL) != GENAPI_OK)
                    return 1;
                t[i] = now_ms() - t0;
                gi_image g;
                t0 = now_ms();
                if (gi_generate(&A, &c, 0, &g, NULL) != GENAPI_OK)
                    return 1;
                tg[i] = now_ms() - t0;
                gi_image_free(&A, &g);
                uint8_t *bytes;
                t0 = now_ms();
                if (gi_png_encode(&A, &pic, NULL, &bytes, &png_len, NULL) != GENAPI_OK)
                    return 1;
                tpng[i] = now_ms() - t0;
                ga_free(&A, bytes);
            } else {
                tp[i] = pillow_cmd(&py, "r", NULL);
                tpp[i] = pillow_cmd(&py, "p", &pil_png);
                if (tp[i] < 0.0 || tpp[i] < 0.0)
                    return 1;
            }
        }
    }
    uint8_t *pil_out = NULL;
    if (pillow_stop(&py, 2048, 2048, &pil_out) != 0)
        return 1;
    result lz = summarise(t, runs), pl = summarise(tp, runs), gen = summarise(tg, runs), png = summarise(tpng, runs),
           ppng = summarise(tpp, runs);
    double psnr = psnr_rgb(&up, pil_out);
    gi_image_free(&A, &up);
    printf("\nagainst Pillow (same pixels, same run, interleaved, median of %d)\n", runs);
    printf("Lanczos 512x512 -> 2048x2048: ours %.2f ms, Pillow %.2f ms, ratio %.3f; PSNR against Pillow %.2f dB\n",
           lz.median, pl.median, lz.median / pl.median, psnr);
    printf("PNG 512x512 picture: ours %.2f ms %zu bytes, Pillow compress_level=1 %.2f ms %ld bytes; generation %.2f ms\n",
           png.median, png_len, ppng.median, pil_png, gen.median);
    char v[64], b[64];
    snprintf(v, sizeof v, "%.1f ms", lz.median);
    snprintf(b, sizeof b, "Pillow %.1f ms", pl.median);
    table_row("Lanczos 512² → 2048² RGB, one thread", v, b, lz.median / pl.median, "≤ 1.0", lz.median <= pl.median);
    snprintf(v, sizeof v, "%.1f dB", psnr);
    table_row("Lanczos PSNR against Pillow", v, "Pillow's output", psnr / 45.0, "≥ 45 dB", psnr >= 45.0);
    snprintf(v, sizeof v, "%.1f ms", png.median);
    snprintf(b, sizeof b, "txt2img %.1f ms", gen.median);
    table_row("PNG encode of a 512² txt2img", v, b, png.median / gen.median, "≤ 1.0", png.median <= gen.median);
    snprintf(v, sizeof v, "%.1f ms, %zu B", png.median, png_len);
    snprintf(b, sizeof b, "Pillow level 1: %.1f ms, %ld B", ppng.median, pil_png);
    table_row("PNG encode against Pillow (time)", v, b, png.median / ppng.median, "report", 1);
    free(pil_out);
    free(tp);
    gi_image_free(&A, &pic);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = 7, only_pillow = 0;
    const char *python = "/usr/bin/python3";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pillow-only") == 0)
            only_pillow = 1;
        else if (strcmp(argv[i], "--python") == 0 && i + 1 < argc)
            python = argv[++i];
        else
            runs = atoi(argv[i]);
    }
    if (runs < 1 || runs > 1000)
        runs = 7;
    ga_alloc_resolve(&A, NULL);
    double *t = malloc((size_t)runs * sizeof *t);
    if (!t)
        return 1;
    if (only_pillow) {
        int rc = against_pillow(python, runs, t);
        free(t);
        return rc;
    }
    gi_gen_config c;
    memset(&c, 0, sizeof c);
    c.prompt = "a lighthouse on a rocky coast at golden hour, dramatic clouds";
    c.negative_prompt = "blurry";
    c.seed = 12345;
    c.steps = 20;
    c.cfg_scale = 7.0;
    c.sampler_name = "Euler a";

    printf("bench_image: %d runs per configuration\n", runs);
    const int32_t sizes[2] = {512, 1024};
    for (int s = 0; s < 2; s++) {
        int32_t n = sizes[s];
        char name[96];
        result base = baseline(n, n, runs, t);
        snprintf(name, sizeof name, "baseline memset + flat PNG %dx%d", (int)n, (int)n);
        report(name, base, base);
        c.width = c.height = n;
        c.sampler_name = "Euler a";
        snprintf(name, sizeof name, "txt2img %dx%d 20 steps Euler a", (int)n, (int)n);
        report(name, time_generate(&c, runs, t), base);
        c.sampler_name = "DPM++ 2M Karras";
        snprintf(name, sizeof name, "txt2img %dx%d 20 steps DPM++ 2M Karras", (int)n, (int)n);
        report(name, time_generate(&c, runs, t), base);

        gi_image im;
        if (gi_generate(&A, &c, 0, &im, NULL) != GENAPI_OK)
            return 1;
        for (int i = 0; i < runs; i++) {
            uint8_t *bytes;
            size_t len;
            double t0 = now_ms();
            if (gi_png_encode(&A, &im, "Steps: 20", &bytes, &len, NULL) != GENAPI_OK)
                return 1;
            t[i] = now_ms() - t0;
            ga_free(&A, bytes);
        }
        snprintf(name, sizeof name, "PNG encode of the %dx%d picture", (int)n, (int)n);
        report(name, summarise(t, runs), base);
        if (n == 512) {
            gi_gen_config i2i = c;
            i2i.init = &im;
            i2i.denoising_strength = 0.6;
            i2i.seed = 999;
            report("img2img 512x512 20 steps strength 0.6", time_generate(&i2i, runs, t), base);
        }
        gi_image_free(&A, &im);
    }

    printf("\nin steps (budget GI_STEP_UNITS = %d units)\n", GI_STEP_UNITS);
    c.width = c.height = 512;
    c.sampler_name = "Euler a";
    report_steps("txt2img 512x512 20 steps Euler a", steps_generate(&c));
    c.steps = 150;
    report_steps("txt2img 512x512 150 steps Euler a", steps_generate(&c));
    c.steps = 20;
    {
        /* the subjects and the detailer pass (SD.Next's defaults but every subject detected) */
        gi_gen_config d = c;
        d.prompt = "a cat and a house by a tree, a fox";
        report_steps("txt2img 512x512 20 steps, 4 subjects", steps_generate(&d));
        d.detailer = 1;
        d.detailer_prompt = d.detailer_negative = d.detailer_classes = "";
        d.detailer_model = "Detailer";
        d.detailer_steps = 10;
        d.detailer_strength = 0.3;
        d.detailer_conf = 0.0;
        d.detailer_max = 4;
        d.detailer_iou = 0.5;
        d.detailer_padding = 20;
        d.detailer_blur = 10;
        report_steps("txt2img 512x512 + detailer, 4 regions", steps_generate(&d));
    }
    gi_image pic, mask = {512, 512, calloc((size_t)512 * 512, 4)};
    if (gi_generate(&A, &c, 0, &pic, NULL) != GENAPI_OK || !mask.rgba)
        return 1;
    for (int32_t y = 100; y < 300; y++)
        memset(mask.rgba + ((size_t)y * 512 + 150) * 4, 255, 200 * 4);
    gi_gen_config i2i = c;
    i2i.init = &pic;
    i2i.denoising_strength = 0.6;
    i2i.seed = 999;
    report_steps("img2img 512x512 strength 0.6", steps_generate(&i2i));
    i2i.resize_mode = 1;
    i2i.width = 448;
    report_steps("img2img 512x512 -> 448x512 crop", steps_generate(&i2i));
    i2i.width = 512;
    i2i.resize_mode = 0;
    i2i.mask = &mask;
    i2i.mask_blur = 8;
    i2i.inpainting_fill = 0;
    report_steps("inpainting 512x512 fill 0 blur 8", steps_generate(&i2i));
    i2i.inpainting_fill = 2;
    report_steps("inpainting 512x512 fill 2 blur 8", steps_generate(&i2i));
    i2i.inpaint_full_res = 1;
    i2i.inpaint_full_res_padding = 32;
    report_steps("inpainting full-res 512x512 fill 2", steps_generate(&i2i));
    report_steps("PNG encode 512x512", steps_png(&pic));
    gi_image small;
    if (gi_resize(&A, &pic, 128, 128, &small, NULL) != GENAPI_OK)
        return 1;
    report_steps("upscale 512x512 x2 Lanczos", steps_upscale(&pic, 2.0, "Lanczos"));
    report_steps("upscale 128x128 x4 R-ESRGAN 4x+", steps_upscale(&small, 4.0, "R-ESRGAN 4x+"));
    report_steps("upscale 512x512 x0.25 SwinIR_4x", steps_upscale(&pic, 0.25, "SwinIR_4x"));
    gi_image_free(&A, &small);

    printf("\nreference server route jobs (begin = routing: parse, validate, decode inputs)\n");
    genapi_backend *b = NULL;
    if (genapi_backend_new(NULL, &b, NULL) != GENAPI_OK)
        return 1;
    report_steps("POST txt2img 512x512 20 steps",
                 steps_route(b, "/sdapi/v1/txt2img",
                             "{\"prompt\": \"a lighthouse\", \"seed\": 1, \"steps\": 20, \"width\": 512, "
                             "\"height\": 512}"));
    uint8_t *png = NULL;
    size_t png_len = 0;
    if (gi_png_encode(&A, &pic, NULL, &png, &png_len, NULL) != GENAPI_OK)
        return 1;
    size_t cap = sodium_base64_encoded_len(png_len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap), *req = malloc(cap + 256);
    if (!b64 || !req)
        return 1;
    sodium_bin2base64(b64, cap, png, png_len, sodium_base64_VARIANT_ORIGINAL);
    snprintf(req, cap + 256, "{\"init_images\": [\"%s\"], \"prompt\": \"a castle\", \"seed\": 2, \"steps\": 20}",
             b64);
    report_steps("POST img2img 512x512 20 steps", steps_route(b, "/sdapi/v1/img2img", req));
    snprintf(req, cap + 256, "{\"image\": \"%s\", \"upscaler_1\": \"R-ESRGAN 4x+\", \"upscaling_resize\": 2}",
             b64);
    report_steps("POST extra-single-image 512x512 x2", steps_route(b, "/sdapi/v1/extra-single-image", req));
    genapi_backend_free(b);
    free(b64);
    free(req);
    ga_free(&A, png);
    gi_image_free(&A, &pic);
    free(mask.rgba);
    free(step_times);
    if (against_pillow(python, runs, t) != 0)
        return 1;
    free(t);
    return 0;
}
