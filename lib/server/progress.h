/* The image progress record (internal): what GET /sdapi/v1/progress reports.
 *
 * The backend owns one record, guarded by a mutex. Image jobs (txt2img, img2img, upscale) enter
 * it when they start running, update it after each step from the thread stepping them, and
 * leave it when they end or are freed. Progress is global on the real servers (they run one
 * job at a time); several jobs may run at once here, and the record reports the one that
 * started most recently among those still running.
 *
 * An entry may point at the image its job is producing, with the number of its top rows that
 * are final: those rows are never written again while the entry points at them, so a reader
 * holding the mutex may copy them while the job keeps stepping. A job clears the pointer (or
 * leaves) before it frees or hands over that image. */
#ifndef GENAPI_SERVER_PROGRESS_H
#define GENAPI_SERVER_PROGRESS_H

#include <stdint.h>

#include "engine/image/image_engine.h"
#include "util/alloc.h"

typedef struct gs_progress gs_progress;

/* One running job's state; lives inside the job. All fields are written through the functions
 * below only. */
typedef struct gs_progress_entry {
    struct gs_progress_entry *older, *newer;
    int listed;
    double started;          /* CLOCK_MONOTONIC seconds */
    char job[32];
    char job_timestamp[16];  /* local time, %Y%m%d%H%M%S, as the WebUI */
    char textinfo[96];
    int32_t job_count, job_no, sampling_step, sampling_steps;
    const uint8_t *rgba;     /* the image being produced, or NULL */
    int32_t width, height, rows_ready;
} gs_progress_entry;

/* NULL when out of memory. */
gs_progress *gs_progress_new(const ga_alloc *a);
void gs_progress_free(gs_progress *p);

/* A job starts running (it becomes the one reported). p may be NULL (nothing is recorded). */
void gs_progress_start(gs_progress *p, gs_progress_entry *e, const char *job, int32_t job_count,
                       int32_t sampling_steps);
/* Counters, text (NULL keeps it) and the image (NULL clears it; rows_ready top rows final). */
void gs_progress_set(gs_progress *p, gs_progress_entry *e, int32_t job_no, int32_t sampling_step,
                     const char *textinfo, const gi_image *img, int32_t rows_ready);
/* The job ends (or is freed). Safe on an entry that never started. */
void gs_progress_stop(gs_progress *p, gs_progress_entry *e);

/* A copy of the reported entry. */
typedef struct gs_progress_view {
    int running;             /* 0: idle, nothing else is set */
    double elapsed;          /* seconds since the job started */
    gs_progress_entry e;     /* copy (list links and image pointer cleared) */
    gi_image preview;        /* with want_image: the image so far (rows not final are zero),
                              * allocated with the record's allocator; rgba NULL if none */
} gs_progress_view;

/* Copy the reported job (and, with want_image, its image so far). Returns 0, or -1 when the
 * preview could not be allocated (the rest is filled). Free the preview with gi_image_free. */
int gs_progress_read(gs_progress *p, gs_progress_view *v, int want_image);

#endif
