/* Decoding of image inputs, shared by the per-format decoders (internal to the image engine).
 *
 * Each decoder reads its format's header first, refuses a size over the limits before any
 * pixel buffer exists, then decodes into an 8-bit RGBA image allocated with the engine's
 * allocator, and reports the EXIF orientation the file carries (1 when none). Undecodable
 * input is GENAPI_E_INVALID_ARG "Invalid encoded image" (param ""), whatever went wrong;
 * GENAPI_E_NOMEM only when an allocation failed. On failure nothing stays allocated. */
#ifndef GENAPI_ENGINE_IMAGE_DECODE_H
#define GENAPI_ENGINE_IMAGE_DECODE_H

#include "engine/image/image_internal.h"

/* Scans a progressive JPEG may have (a file with more is refused: each scan is a pass over the
 * whole coefficient buffer, so a small file with very many scans costs unbounded time). */
#define GI_JPEG_MAX_SCANS 500

/* The limits in force: lim's fields, or the engine's own (GI_MAX_SIDE, GI_MAX_PIXELS) where
 * lim is NULL or a field is <= 0; never above the engine's. */
void gi__decode_limits(const gi_decode_limits *lim, int32_t *max_side, int64_t *max_pixels);
/* GENAPI_OK when a w x h image is within the limits; else GENAPI_E_INVALID_ARG with err
 * naming the size. */
genapi_status gi__decode_check_size(const gi_decode_limits *lim, uint64_t w, uint64_t h, genapi_error *err);
/* The "Invalid encoded image" error. */
genapi_status gi__decode_invalid(genapi_error *err);

genapi_status gi__png_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, const gi_decode_limits *lim,
                             gi_image *out, int *orientation, genapi_error *err);
genapi_status gi__jpeg_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, const gi_decode_limits *lim,
                              gi_image *out, int *orientation, genapi_error *err);
genapi_status gi__webp_decode(const ga_alloc *a, const uint8_t *bytes, size_t len, const gi_decode_limits *lim,
                              gi_image *out, int *orientation, genapi_error *err);

/* The Orientation tag (0x0112) of an EXIF block (a TIFF header and its first IFD), read as
 * Pillow's Exif.load + ImageOps.exif_transpose read it: 2..8, or 1 for none or any other value.
 * With strip_prefix, a leading "Exif\0\0" is skipped (JPEG APP1, WebP EXIF; not PNG eXIf, whose
 * payload Pillow itself prefixes). Entries past the end of the block are not read; a cut
 * entry keeps the ones before it, as Pillow does. */
int gi__exif_orientation(const uint8_t *d, size_t n, int strip_prefix);

/* Apply an EXIF orientation to img (2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90
 * clockwise, 7 transverse, 8 rotate 90 counter-clockwise; 5..8 swap width and height), as
 * Pillow's transposes do. On failure (memory) img is unchanged. */
genapi_status gi__orient(const ga_alloc *a, gi_image *img, int orientation, genapi_error *err);

#endif
