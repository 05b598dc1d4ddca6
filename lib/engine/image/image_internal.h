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

/* Allocate a w x h image (contents zeroed). */
genapi_status gi__image_alloc(const ga_alloc *a, int32_t w, int32_t h, gi_image *out, genapi_error *err);
/* Separable resample of in to w x h with the given kernel; out is allocated. */
genapi_status gi__resample(const ga_alloc *a, const gi_image *in, int32_t w, int32_t h, gi_kernel k, gi_image *out,
                           genapi_error *err);
/* sin(pi * t) from + - * / and floor only (same bytes everywhere); error below 1e-12. */
double gi__sin_pi(double t);

#endif
