/* What an encoded image is: its format from the magic bytes and its size from the header
 * (PNG through libspng; JPEG and WebP from their frame headers). Internal. */
#ifndef GENAPI_IMAGE_PROBE_H
#define GENAPI_IMAGE_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* Fills format (a genapi_image_format), width and height (0 when unknown). */
void gi_probe(const uint8_t *data, size_t size, int32_t *format, int32_t *width, int32_t *height);

#endif
