/* Writing request bodies and results back as JSON (internal); reading is util/json_typed.h
 * and util/result_read.h. */
#ifndef GENAPI_CLIENT_JSON_WRITE_H
#define GENAPI_CLIENT_JSON_WRITE_H

#include <genapi/chat.h>
#include <genapi/completions.h>
#include <genapi/logprobs.h>
#include <json-c/json.h>

#include "util/result_read.h"

/* Write logprobs back in the format they came in (chat when bytes were present). */
json_object *jw_logprobs(const genapi_logprobs *lp, int chat_format);

/* Request bodies (validated) of chat and text completions. */
genapi_status gc_chat_body(const genapi_chat_request *req, json_object **out, genapi_error *err);
genapi_status gc_completion_body(const genapi_completion_request *req, json_object **out, genapi_error *err);

/* Merge the members of the JSON object text `extra_json` (NULL: nothing) into body. */
genapi_status jw_merge_extra(json_object *body, const char *extra_json, genapi_error *err);

/* Serialize a JSON value into memory from alloc (NULL when out of memory). */
char *jw_text(const ga_alloc *alloc, json_object *o);

#endif
