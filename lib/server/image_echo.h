/* The "parameters" of an image answer: the whole request with SD.Next's defaults, as SD.Next
 * returns vars(request). */
#ifndef GENAPI_SERVER_IMAGE_ECHO_H
#define GENAPI_SERVER_IMAGE_ECHO_H

#include <json-c/json.h>

/* A new object holding every request field of txt2img (img2img != 0: img2img) in SD.Next's
 * order: the request's value where it sent one (nulls replaced by the default), else the
 * default. Fields the request sent that SD.Next does not know are left out, as pydantic drops
 * them. img2img's init_images and mask are null unless include_init_images is true. NULL when
 * out of memory. */
json_object *gs_image_echo(json_object *request, int img2img);

#endif
