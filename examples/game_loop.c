/* A 60 Hz game loop that never waits for the library: an NPC's line of dialogue streams into a
 * text box while a 512x512 portrait generates, both on the in-process reference backend and both
 * advanced by one genapi_poll(client, 0) per frame. The loop measures the time spent inside
 * genapi_poll on every frame (CLOCK_MONOTONIC) and ends with
 *
 *     worst frame: X ms, p99: Y ms over N frames
 *
 * Usage: example_game_loop [--frames N] [--out FILE.png]
 *   --frames N    stop after at most N frames (default 3600, one minute); exit 1 if the
 *                 requests have not finished by then
 *   --out FILE    write the portrait there */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <genapi/genapi.h>

#define FRAME_NS 16666667LL /* 60 Hz */
#define FRAMES_AFTER_DONE 30 /* keep measuring this long once both requests ended */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(int64_t t_ns)
{
    struct timespec ts = {(time_t)(t_ns / 1000000000LL), (long)(t_ns % 1000000000LL)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

/* ---- game state the callbacks write (they run inside genapi_poll, on this thread) ---------- */

typedef struct text_box {
    char text[4096];
    size_t len;
    int64_t first_frame; /* frame of the first words, -1 before */
} text_box;

typedef struct npc {
    text_box box;
    genapi_request *line;     /* the streamed line of dialogue */
    genapi_request *portrait; /* the portrait */
    int line_done, portrait_done;
    double progress; /* of the portrait, 0..1 */
    int progress_calls;
    int64_t frame; /* the frame being run */
} npc;

static int on_line_delta(const genapi_stream_delta *d, void *user)
{
    npc *g = user;
    if (d->content_len == 0)
        return 0;
    if (g->box.first_frame < 0)
        g->box.first_frame = g->frame;
    size_t room = sizeof g->box.text - 1 - g->box.len;
    size_t n = d->content_len < room ? d->content_len : room; /* a full box keeps its first words */
    memcpy(g->box.text + g->box.len, d->content, n);
    g->box.len += n;
    g->box.text[g->box.len] = '\0';
    return 0;
}

static void on_line_done(genapi_request *r, void *user)
{
    (void)r;
    ((npc *)user)->line_done = 1;
}

static void on_portrait_progress(const genapi_progress *p, void *user)
{
    npc *g = user;
    g->progress = p->progress;
    g->progress_calls++;
}

static void on_portrait_done(genapi_request *r, void *user)
{
    (void)r;
    ((npc *)user)->portrait_done = 1;
}

/* ---- the loop ------------------------------------------------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int usage(void)
{
    fprintf(stderr, "usage: example_game_loop [--frames N] [--out FILE.png]\n");
    return 2;
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t w = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || w != size) {
        fprintf(stderr, "%s: write failed\n", path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long max_frames = 3600;
    const char *out_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
            char *end;
            max_frames = strtol(argv[++i], &end, 10);
            if (*end != '\0' || max_frames <= 0 || max_frames > 10000000)
                return usage();
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_path = argv[++i];
        } else {
            return usage();
        }
    }

    int rc = 1;
    genapi_client *client = NULL;
    genapi_chat_result *line = NULL;
    genapi_images_result *portrait = NULL;
    int64_t *poll_ns = malloc((size_t)max_frames * sizeof *poll_ns);
    npc g;
    memset(&g, 0, sizeof g);
    g.box.first_frame = -1;
    if (poll_ns == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }

    genapi_error err;
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1; /* no base URL: the in-process reference backend */
    if (genapi_client_new(&cfg, &client, &err) != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        goto out;
    }

    /* The NPC's line, streamed into the text box as it is generated. */
    genapi_text_params tp = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&tp, model, "genapi-ref");
    GENAPI_TEXT_SET(&tp, temperature, 0.8);
    GENAPI_TEXT_SET(&tp, seed, 7);
    GENAPI_TEXT_SET(&tp, max_tokens, 60);
    genapi_chat_message msgs[] = {
        {.role = "system", .content = "You are Brenna, the blacksmith of a mountain village. Answer in one line."},
        {.role = "user", .content = "Good morning! What can you forge for a traveller like me?"},
    };
    genapi_chat_request chat = GENAPI_CHAT_REQUEST_INIT;
    chat.messages = msgs;
    chat.message_count = 2;
    chat.params = &tp;
    genapi_callbacks line_cb = {on_line_done, on_line_delta, NULL, &g, 0, 0};
    if (genapi_chat_stream_start(client, &chat, &line_cb, &g.line, &err) != GENAPI_OK) {
        fprintf(stderr, "chat: %s: %s\n", genapi_status_str(err.status), err.message);
        goto out;
    }

    /* Her portrait, with a progress bar. */
    genapi_txt2img_params ip;
    genapi_txt2img_params_init(&ip, sizeof ip);
    GENAPI_TXT2IMG_SET(&ip, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_TXT2IMG_SET(&ip, prompt, "portrait of a blacksmith woman, soot, warm forge light");
    GENAPI_TXT2IMG_SET(&ip, seed, 21);
    GENAPI_TXT2IMG_SET(&ip, steps, 20);
    GENAPI_TXT2IMG_SET(&ip, width, 512);
    GENAPI_TXT2IMG_SET(&ip, height, 512);
    genapi_callbacks portrait_cb = {on_portrait_done, NULL, on_portrait_progress, &g, 0, 0};
    if (genapi_txt2img_start(client, &ip, &portrait_cb, &g.portrait, &err) != GENAPI_OK) {
        fprintf(stderr, "txt2img: %s: %s\n", genapi_status_str(err.status), err.message);
        goto out;
    }

    /* One genapi_poll per frame; the rest of the frame belongs to the game (here: sleeping). */
    long frames = 0, after_done = 0;
    int64_t line_frame = -1, portrait_frame = -1;
    int64_t next_frame = now_ns();
    while (frames < max_frames && after_done < FRAMES_AFTER_DONE) {
        g.frame = frames;
        int64_t t0 = now_ns();
        genapi_poll(client, 0);
        poll_ns[frames] = now_ns() - t0;
        frames++;
        if (g.line_done && line_frame < 0)
            line_frame = frames;
        if (g.portrait_done && portrait_frame < 0)
            portrait_frame = frames;
        if (g.line_done && g.portrait_done)
            after_done++;
        /* update and render would go here */
        next_frame += FRAME_NS;
        int64_t now = now_ns();
        if (next_frame < now)
            next_frame = now; /* a late frame does not make the next ones rush */
        else
            sleep_until(next_frame);
    }

    if (!g.line_done || !g.portrait_done) {
        fprintf(stderr, "the requests did not finish within %ld frames\n", frames);
        goto out;
    }
    genapi_status st = genapi_request_status(g.line, &err);
    if (st != GENAPI_OK || genapi_request_take_chat(g.line, &line) != GENAPI_OK || line->choice_count == 0) {
        fprintf(stderr, "chat: %s: %s\n", genapi_status_str(st), err.message);
        goto out;
    }
    st = genapi_request_status(g.portrait, &err);
    if (st != GENAPI_OK || genapi_request_take_images(g.portrait, &portrait) != GENAPI_OK ||
        portrait->image_count == 0) {
        fprintf(stderr, "txt2img: %s: %s\n", genapi_status_str(st), err.message);
        goto out;
    }
    const genapi_image *img = &portrait->images[0];
    if (out_path && write_file(out_path, img->data, img->size) != 0)
        goto out;
    /* The text box holds what the deltas brought; the typed result must say the same. */
    const char *final = line->choices[0].content ? line->choices[0].content : "";
    if (strlen(final) < sizeof g.box.text - 1 && strcmp(final, g.box.text) != 0) {
        fprintf(stderr, "the streamed text differs from the final line\n");
        goto out;
    }

    printf("Brenna: %s\n", g.box.text);
    printf("line: first words at frame %lld, done at frame %lld\n", (long long)g.box.first_frame,
           (long long)line_frame);
    printf("portrait: %dx%d %s, %zu bytes, progress %.0f%% (%d updates), done at frame %lld\n", (int)img->width,
           (int)img->height, img->format == GENAPI_IMAGE_FORMAT_PNG ? "PNG" : "image", img->size, g.progress * 100.0,
           g.progress_calls, (long long)portrait_frame);

    qsort(poll_ns, (size_t)frames, sizeof *poll_ns, cmp_i64);
    size_t p99 = (size_t)((99 * frames + 99) / 100); /* nearest rank */
    printf("worst frame: %.2f ms, p99: %.2f ms over %ld frames\n", (double)poll_ns[frames - 1] / 1e6,
           (double)poll_ns[p99 - 1] / 1e6, frames);
    rc = 0;

out:
    genapi_chat_result_free(line);
    genapi_images_result_free(portrait);
    genapi_request_release(g.line);
    genapi_request_release(g.portrait);
    genapi_client_free(client);
    free(poll_ns);
    return rc;
}
