/* Helpers shared by the image engine's source files (not part of the engine's interface). */
#ifndef GENAPI_ENGINE_IMAGE_INTERNAL_H
#define GENAPI_ENGINE_IMAGE_INTERNAL_H

#include "engine/image/image_engine.h"

/* Largest side and pixel count any engine function will allocate. */
#define GI_MAX_SIDE 32768
#define GI_MAX_PIXELS ((int64_t)1 << 27)

/* Resampling kernels for gi__resample. */
typedef enum gi_kernel {
    GI_K_AUTO = 0,    /* bilinear when growing an axis, area average when shrinking it */
    GI_K_NEAREST = 1, /* nearest neighbour (pixel centres) */
    GI_K_LANCZOS3 = 2 /* Lanczos-3, widened by the scale when shrinking */
} gi_kernel;

/* Per-axis tap tables of a separable resample. */
typedef struct gi__taps {
    int32_t max;  /* taps per destination pixel */
    int32_t *n;   /* used taps per destination pixel */
    int32_t *idx; /* dst * max source indices */
    double *w;    /* dst * max weights */
} gi__taps;

/* A separable resample done in rows: every horizontal-pass row (one per source row, into a
 * double buffer), then every vertical-pass row (one per destination row). Doing the rows in
 * any grouping gives the same bytes as gi__resample, which is begin + all rows + end. */
typedef struct gi__rs {
    const ga_alloc *a;
    const gi_image *in; /* borrowed until gi__rs_end */
    gi_image *out;      /* allocated by gi__rs_begin, owned by the caller */
    gi__taps tx, ty;
    double *tmp;        /* out->width * in->height * 4 */
    int32_t h_done, v_done;
} gi__rs;

/* Validate, allocate out (w x h, not zeroed) and the tap tables; nothing else is done. On failure nothing
 * stays allocated. */
genapi_status gi__rs_begin(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_kernel k, gi__rs *rs,
                           gi_image *out, genapi_error *err);
/* Horizontal pass of source rows [h_done, h_done + n) (n clamped). */
void gi__rs_hrows(gi__rs *rs, int32_t n);
/* Vertical pass of destination rows [v_done, v_done + n) (n clamped); needs every
 * horizontal row done. */
void gi__rs_vrows(gi__rs *rs, int32_t n);
/* Work units of one horizontal / vertical row (see GI_STEP_UNITS). */
int64_t gi__rs_hcost(const gi__rs *rs);
int64_t gi__rs_vcost(const gi__rs *rs);
/* Free the tables and the double buffer (out stays with the caller). Safe on a zeroed rs. */
void gi__rs_end(gi__rs *rs);

/* Rows a step may do: budget / cost, at least 1, at most remaining; the budget is reduced. */
int32_t gi__take_rows(int64_t *budget, int64_t cost, int32_t remaining);

/* Allocate a w x h image (contents zeroed). */
genapi_status gi__image_alloc(const ga_alloc *a, int32_t w, int32_t h, gi_image *out, genapi_error *err);
/* Separable resample of in to w x h with the given kernel; out is allocated. */
genapi_status gi__resample(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_kernel k, gi_image *out,
                           genapi_error *err);
/* sin(pi * t) from + - * / and floor only (same bytes everywhere); error below 1e-12. */
double gi__sin_pi(double t);

#endif
