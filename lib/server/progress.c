/* The image progress record (see progress.h). */
#include "server/progress.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct gs_progress {
    ga_alloc alloc;
    pthread_mutex_t mu;
    gs_progress_entry *newest;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

gs_progress *gs_progress_new(const ga_alloc *a)
{
    gs_progress *p = ga_calloc(a, 1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->alloc = *a;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        ga_free(a, p);
        return NULL;
    }
    return p;
}

void gs_progress_free(gs_progress *p)
{
    if (p == NULL)
        return;
    pthread_mutex_destroy(&p->mu);
    ga_alloc a = p->alloc;
    ga_free(&a, p);
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void gs_progress_start(gs_progress *p, gs_progress_entry *e, const char *job, int32_t job_count,
                       int32_t sampling_steps)
{
    if (p == NULL || e->listed)
        return;
    time_t t = time(NULL);
    struct tm tm;
    char stamp[sizeof e->job_timestamp] = "0";
    if (localtime_r(&t, &tm) != NULL)
        strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    double started = now_s();
    pthread_mutex_lock(&p->mu);
    copy_text(e->job, sizeof e->job, job);
    memcpy(e->job_timestamp, stamp, sizeof stamp);
    e->textinfo[0] = '\0';
    e->started = started;
    e->job_count = job_count;
    e->job_no = 0;
    e->sampling_step = 0;
    e->sampling_steps = sampling_steps;
    e->rgba = NULL;
    e->width = e->height = e->rows_ready = 0;
    e->older = p->newest;
    e->newer = NULL;
    if (p->newest)
        p->newest->newer = e;
    p->newest = e;
    e->listed = 1;
    pthread_mutex_unlock(&p->mu);
}

void gs_progress_set(gs_progress *p, gs_progress_entry *e, int32_t job_no, int32_t sampling_step,
                     const char *textinfo, const gi_image *img, int32_t rows_ready)
{
    if (p == NULL || !e->listed)
        return;
    pthread_mutex_lock(&p->mu);
    e->job_no = job_no;
    e->sampling_step = sampling_step;
    if (textinfo)
        copy_text(e->textinfo, sizeof e->textinfo, textinfo);
    if (img && img->rgba) {
        e->rgba = img->rgba;
        e->width = img->width;
        e->height = img->height;
        e->rows_ready = rows_ready < 0 ? 0 : rows_ready > img->height ? img->height : rows_ready;
    } else {
        e->rgba = NULL;
        e->width = e->height = e->rows_ready = 0;
    }
    pthread_mutex_unlock(&p->mu);
}

void gs_progress_stop(gs_progress *p, gs_progress_entry *e)
{
    if (p == NULL || !e->listed)
        return;
    pthread_mutex_lock(&p->mu);
    if (e->newer)
        e->newer->older = e->older;
    else
        p->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    e->older = e->newer = NULL;
    e->listed = 0;
    e->rgba = NULL;
    pthread_mutex_unlock(&p->mu);
}

int gs_progress_read(gs_progress *p, gs_progress_view *v, int want_image)
{
    memset(v, 0, sizeof *v);
    if (p == NULL)
        return 0;
    int rc = 0;
    double now = now_s();
    pthread_mutex_lock(&p->mu);
    const gs_progress_entry *e = p->newest;
    if (e) {
        v->running = 1;
        v->e = *e;
        v->e.older = v->e.newer = NULL;
        v->e.rgba = NULL;
        v->elapsed = now - e->started;
        if (want_image && e->rgba) {
            /* Only the final rows are read: the job may be writing the others right now. */
            size_t row = (size_t)e->width * 4;
            v->preview.rgba = ga_calloc(&p->alloc, (size_t)e->height, row);
            if (v->preview.rgba) {
                v->preview.width = e->width;
                v->preview.height = e->height;
                memcpy(v->preview.rgba, e->rgba, (size_t)e->rows_ready * row);
            } else {
                rc = -1;
            }
        }
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}
