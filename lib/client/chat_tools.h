/* Tool calling fields of a chat request (internal): checks and JSON. */
#ifndef GENAPI_CLIENT_CHAT_TOOLS_H
#define GENAPI_CLIENT_CHAT_TOOLS_H

#include <json-c/json.h>

#include <genapi/chat.h>

#include "params/param_internal.h"

/* The limits are the params folder's (GA_TOOLS_MAX, GA_TOOL_NAME_MAX), shared with the server. */
#define GC_TOOLS_MAX GA_TOOLS_MAX
#define GC_TOOL_NAME_MAX GA_TOOL_NAME_MAX

/* The tools, tool_choice, parallel_tool_calls and message tool fields of req, checked as the
 * servers check them: GENAPI_E_INVALID_ARG naming the field, else GENAPI_OK. */
genapi_status gc_chat_tools_check(const genapi_chat_request *req, genapi_error *err);

/* Writes tool_call_id and tool_calls of a checked message into its JSON object o. */
void gc_chat_message_tools(const genapi_chat_message *m, json_object *o);

/* Writes tools, tool_choice and parallel_tool_calls of a checked request into body. */
void gc_chat_request_tools(const genapi_chat_request *req, json_object *body);

#endif
