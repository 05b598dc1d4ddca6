/* Requests the router cannot answer at once (internal): generations stepped in bounded slices.
 *
 * gs_begin() routes a request. Listings, tokenize, progress and every error are answered at
 * once in the response; a generation (chat, completions, txt2img, img2img, upscale) comes
 * back as a gs_job that the caller steps, from one thread at a time, reading its output as it
 * grows: genapi_backend_handle() steps it to the end; the in-process transport steps it inside
 * the client's poll under a time budget; genapi-server steps it on its generation workers and
 * sends the bytes as they come. Every path runs the same code.
 *
 * A job's head (status, content type, Retry-After) is known once gs_job_head_ready(): at
 * once for a stream (200 text/event-stream), at the end for a whole answer (whose status may
 * still be an error found while generating). Its body grows with each step and is read with
 * gs_job_read(). A job that is freed before it is done stops: that is how a cancel or a
 * disconnect ends a generation.
 *
 * A job has a deadline (the backend's, GS_MAX_REQUEST_S by default: limits.h), counted from its
 * first step: the step after it passed ends the job instead of doing more work (ops->expire). */
#ifndef GENAPI_SERVER_JOB_H
#define GENAPI_SERVER_JOB_H

#include <genapi/server.h>

#include "util/buf.h"

typedef struct gs_job gs_job;

typedef struct gs_job_ops {
    /* One unit of work (a token of each running choice, a band of image rows, a slice of PNG
     * encoding, the final assembly). May set the head, append to j->out, and set j->done.
     * Must never block or take long: a unit is meant to cost well under a millisecond on the
     * reference engines, a few at most. On failure it sets a 500 answer and done. */
    void (*step)(gs_job *j);
    /* Free the job's own state (the gs_job itself and j->out are freed by gs_job_free). */
    void (*destroy)(gs_job *j);
    /* End the job now, its deadline passed: an answer saying so (msg), and done. NULL: a whole
     * answer 504 {"error": {"message", "type": "Gateway Timeout", "param": null, "code": 504}},
     * or, when the head is already out, nothing more. */
    void (*expire)(gs_job *j, const char *msg);
} gs_job_ops;

struct gs_job {
    const gs_job_ops *ops;
    genapi_backend *b;
    int head_ready;          /* status, retry_after_s and content_type are final */
    int32_t status;
    int32_t retry_after_s;
    const char *content_type; /* static string */
    ga_buf out;              /* body produced so far */
    size_t out_read;         /* bytes of out already read */
    int done;                /* no more output will come */
    int image;               /* an image generation: the fields below are kept current */
    int32_t sampling_step;   /* image jobs: steps done of the current image */
    int32_t sampling_steps;  /* image jobs: steps of one image */
    int32_t job_no;          /* image jobs: image of the batch being made (0-based) */
    int32_t job_count;       /* image jobs: images in the batch */
    int64_t deadline_ns;     /* CLOCK_MONOTONIC time the job must end by; 0 before its first step */
    int64_t limit_ms;        /* the deadline it was given then (0: none) */
    int expired;             /* it ended at its deadline */
    genapi_status failure;   /* GENAPI_E_NOMEM when it ended for lack of memory (its answer is
                                the 500), so the in-process transport reports that status */
};

/* Route a request. Returns GENAPI_OK with *job NULL and the whole answer in r, or GENAPI_OK
 * with *job set (r untouched) to be stepped; GENAPI_E_NOMEM when nothing could be built. */
genapi_status gs_begin(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job);

/* Allocate a job of `size` bytes (>= sizeof(gs_job), zeroed) with ops; NULL when out of memory. */
gs_job *gs_job_new(genapi_backend *b, const gs_job_ops *ops, size_t size);

/* Set the head of a job (status, content type, Retry-After seconds or 0). */
void gs_job_set_head(gs_job *j, int32_t status, const char *content_type, int32_t retry_after_s);

/* Finish a job with a whole answer: the head from r unless one was set already, the body appended
 * (r's body is consumed). */
void gs_job_finish_with(gs_job *j, genapi_http_response *r);

/* Do one unit of work; nothing when the job is done. The first step starts the deadline; a
 * step after it ends the job (ops->expire). */
void gs_job_step(gs_job *j);

/* 1 when a job that has started is past its deadline (its next step ends it). */
int gs_job_overdue(const gs_job *j);

/* The whole answer for an expired job, in the vLLM shape: 504 "Gateway Timeout" with msg. */
void gs_job_expire_default(gs_job *j, const char *msg);

/* 1 once the head is final. */
int gs_job_head_ready(const gs_job *j);

/* 1 when no more output will come (there may still be unread bytes). */
int gs_job_done(const gs_job *j);

/* Bytes produced but not read yet. */
size_t gs_job_available(const gs_job *j);

/* Copy up to cap unread bytes into dst; returns how many. */
size_t gs_job_read(gs_job *j, char *dst, size_t cap);

/* Point at the unread bytes without copying (valid until the next step or read) and mark
 * them read. */
const char *gs_job_take(gs_job *j, size_t *len);

/* Stop (if not done) and free. NULL is ignored. */
void gs_job_free(gs_job *j);

#endif
