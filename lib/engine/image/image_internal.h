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
    float *w;     /* dst * max weights (single precision: the passes run in float) */
} gi__taps;

/* A separable resample done in destination rows: each needs the horizontal pass of the few
 * source rows it reads, kept in a small ring (recomputed if ever dropped), then the vertical
 * pass. Doing the rows in any grouping gives the same bytes as gi__resample, which is begin +
 * all rows + end. */
typedef struct gi__rs {
    const ga_alloc *a;
    const gi_image *in; /* borrowed until gi__rs_end */
    gi_image *out;      /* allocated by gi__rs_begin, owned by the caller */
    gi__taps tx, ty;
    float *ring;        /* ring_rows horizontal-pass rows of out->width * 4 */
    float *srcf;        /* one source row as floats, in->width * 4 (scratch) */
    int32_t *slot_row;  /* source row held by each ring slot, or -1 */
    const float **src;  /* ty.max row pointers (scratch) */
    int32_t ring_rows;
    int32_t v_done;     /* destination rows done */
    int h_round;        /* horizontal-pass results rounded to 0..255 integers (Lanczos, as Pillow) */
} gi__rs;

/* Validate, allocate out (w x h, not zeroed), the tap tables and the ring; nothing else is
 * done. On failure nothing stays allocated. */
genapi_status gi__rs_begin(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_kernel k, gi__rs *rs,
                           gi_image *out, genapi_error *err);
/* Destination rows [v_done, v_done + n) (n clamped). */
void gi__rs_rows(gi__rs *rs, int32_t n);
/* Work units of one destination row, on average (see GI_STEP_UNITS). */
int64_t gi__rs_row_cost(const gi__rs *rs);
/* Free the tables and the ring (out stays with the caller). Safe on a zeroed rs. */
void gi__rs_end(gi__rs *rs);

/* Rows a step may do: budget / cost, at least 1, at most remaining; the budget is reduced. */
int32_t gi__take_rows(int64_t *budget, int64_t cost, int32_t remaining);

/* Allocate a w x h image (contents zeroed). */
genapi_status gi__image_alloc(const ga_alloc *a, int32_t w, int32_t h, gi_image *out, genapi_error *err);
/* The same, contents not zeroed (for images whose every byte is written before it is read). */
genapi_status gi__image_alloc_raw(const ga_alloc *a, int32_t w, int32_t h, gi_image *out, genapi_error *err);
/* Separable resample of in to w x h with the given kernel; out is allocated. */
genapi_status gi__resample(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_kernel k, gi_image *out,
                           genapi_error *err);
/* How a sampler shapes the picture (image_samplers.c). */
typedef struct sampler_info {
    const char *name;
    double gain;       /* persistence of the detail octaves */
    double lacunarity; /* cell size ratio between octaves */
    double rate;       /* convergence speed in steps */
    double grain;      /* ancestral per-pixel noise amplitude (0..1 scale) */
    uint64_t salt;
    int order;         /* solver order it uses by default (multistep samplers: 2 or 3) */
    int eta;           /* 1: eta sets its noise (ancestral, SDE, DDIM, DDPM) */
} sampler_info;

/* The sampler at an index of gi_sampler_names(). */
const sampler_info *gi__sampler(int index);

/* An RGB colour with channels in [0, 1]. */
typedef struct gi_rgb {
    double r, g, b;
} gi_rgb;

/* FNV-1a hash of a word, lower-cased (ASCII), as the prompt's words are hashed. */
uint64_t gi__word_hash(const char *w, size_t n);

/* ---- subjects: the nouns of the prompt drawn as simple shapes (image_shapes.c) ---- */

#define GI_MAX_SUBJECTS 8

typedef struct gi_subject {
    int kind;                   /* index in the noun table */
    double cx, cy, size;        /* centre and half-size in pixels */
    double flip;                /* 1 or -1: mirrored */
    int32_t bx0, by0, bx1, by1; /* bounding box [bx0, bx1) x [by0, by1), inside the image */
    double conf;                /* confidence the detailer's detector gives it */
} gi_subject;

/* Place one subject per distinct noun among words[0..n) (in prompt order, at most
 * GI_MAX_SUBJECTS), positions and sizes drawn from the layout stream `ls`; returns the count. */
int gi__subjects_place(const uint64_t *words, size_t n, uint64_t ls, double W, double H, double horizon,
                       gi_subject *out);
/* Paint subject s at pixel centre (X, Y): returns its coverage in [0, 1] and sets *col (the
 * colour where covered). `soft` is the edge width in pixels (>= 1); `accent` colours the parts
 * drawn in the palette's accent. */
double gi__subject_paint(const gi_subject *s, double X, double Y, double soft, gi_rgb accent, gi_rgb *col);
/* The class label of a subject kind ("cat", "tree", ...). */
const char *gi__subject_label(int kind);
/* Whether a detector model finds subjects of this kind: face and eye models find the subjects
 * with a face, person models the people, hand models nothing the engine draws, any other name
 * (yolo11m, Detailer, ...) every subject. */
int gi__subject_detectable(int kind, const char *model);

/* The detailer's detector over the subjects drawn (image_detailer.c): see gi_gen_detections. */
int gi__detect(const gi_subject *subj, int n, const gi_gen_config *cfg, int32_t W, int32_t H, gi_detection *out);

/* A colour word's hue, saturation and value; 0 when the word is not a colour. */
int gi__colour_word(uint64_t word, double *h, double *s, double *v);

/* sin(pi * t) from + - * / and floor only (same bytes everywhere); error below 1e-12. */
double gi__sin_pi(double t);

#endif
