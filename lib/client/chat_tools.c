/* Tool calling in a chat request: the tools, tool_choice and parallel_tool_calls fields, and the
 * tool_calls / tool_call_id of messages sent back in a tool loop. Checked here with the same rules
 * the servers apply, then written in the OpenAI shape. */
#include <string.h>

#include <json-c/json.h>

#include "client/chat_tools.h"
#include "params/param_internal.h"
#include "util/err.h"

genapi_status gc_chat_tools_check(const genapi_chat_request *req, genapi_error *err)
{
    if (req->tool_count > GC_TOOLS_MAX)
        return ga_err(err, GENAPI_E_INVALID_ARG, "tools", "tools has %zu entries; at most %d are allowed",
                      req->tool_count, GC_TOOLS_MAX);
    if (req->tool_count > 0 && req->tools == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, "tools", "tools is NULL but tool_count is %zu", req->tool_count);
    for (size_t i = 0; i < req->tool_count; i++) {
        const genapi_tool *t = &req->tools[i];
        if (!ga_tool_name_ok(t->name))
            return ga_err(err, GENAPI_E_INVALID_ARG, "tools",
                          "tools[%zu].name must be 1 to %d characters of a-z, A-Z, 0-9, _ and -", i, GC_TOOL_NAME_MAX);
        for (size_t k = 0; k < i; k++)
            if (strcmp(req->tools[k].name, t->name) == 0)
                return ga_err(err, GENAPI_E_INVALID_ARG, "tools", "tools[%zu].name \"%s\" is also tools[%zu].name", i,
                              t->name, k);
        if (t->parameters_json) {
            json_object *o = ga_json_parse(t->parameters_json, strlen(t->parameters_json));
            int ok = o != NULL && json_object_is_type(o, json_type_object);
            json_object_put(o);
            if (!ok)
                return ga_err(err, GENAPI_E_INVALID_ARG, "tools",
                              "tools[%zu].parameters_json must be a JSON object (a JSON Schema)", i);
        }
    }
    if (req->tool_choice < GENAPI_TOOL_CHOICE_UNSET || req->tool_choice > GENAPI_TOOL_CHOICE_FUNCTION)
        return ga_err(err, GENAPI_E_INVALID_ARG, "tool_choice", "tool_choice %d is not a genapi_tool_choice",
                      (int)req->tool_choice);
    if (req->parallel_tool_calls < GENAPI_FLAG_UNSET || req->parallel_tool_calls > GENAPI_FLAG_TRUE)
        return ga_err(err, GENAPI_E_INVALID_ARG, "parallel_tool_calls", "parallel_tool_calls %d is not a genapi_flag",
                      (int)req->parallel_tool_calls);
    if ((req->tool_choice_name != NULL) != (req->tool_choice == GENAPI_TOOL_CHOICE_FUNCTION))
        return ga_err(err, GENAPI_E_INVALID_ARG, "tool_choice",
                      "tool_choice_name is given exactly when tool_choice is GENAPI_TOOL_CHOICE_FUNCTION");
    if (req->tool_choice > GENAPI_TOOL_CHOICE_NONE && req->tool_count == 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "tool_choice", "When using `tool_choice`, `tools` must be set.");
    if (req->tool_choice == GENAPI_TOOL_CHOICE_FUNCTION) {
        size_t k = 0;
        while (k < req->tool_count && strcmp(req->tools[k].name, req->tool_choice_name) != 0)
            k++;
        if (k == req->tool_count)
            return ga_err(err, GENAPI_E_INVALID_ARG, "tool_choice", "tool_choice names \"%s\", which is not in tools",
                          req->tool_choice_name);
    }
    for (size_t i = 0; i < req->message_count; i++) {
        const genapi_chat_message *m = &req->messages[i];
        if (m->tool_call_count > 0 && m->tool_calls == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu].tool_calls is NULL but "
                          "tool_call_count is %zu", i, m->tool_call_count);
        if (m->tool_call_count > GC_TOOLS_MAX)
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages", "messages[%zu] has %zu tool calls; at most %d",
                          i, m->tool_call_count, GC_TOOLS_MAX);
        for (size_t k = 0; k < m->tool_call_count; k++) {
            const genapi_tool_call *c = &m->tool_calls[k];
            if (!ga_tool_name_ok(c->name))
                return ga_err(err, GENAPI_E_INVALID_ARG, "messages",
                              "messages[%zu].tool_calls[%zu].name must be a function name", i, k);
            if (c->arguments) {
                json_object *o = ga_json_parse(c->arguments, strlen(c->arguments));
                int ok = o != NULL && json_object_is_type(o, json_type_object);
                json_object_put(o);
                if (!ok)
                    return ga_err(err, GENAPI_E_INVALID_ARG, "messages",
                                  "messages[%zu].tool_calls[%zu].arguments must be a JSON object", i, k);
            }
        }
    }
    return GENAPI_OK;
}

static json_object *function_object(const char *name)
{
    json_object *fn = json_object_new_object();
    json_object_object_add(fn, "name", json_object_new_string(name));
    return fn;
}

void gc_chat_message_tools(const genapi_chat_message *m, json_object *o)
{
    if (m->tool_call_id)
        json_object_object_add(o, "tool_call_id", json_object_new_string(m->tool_call_id));
    if (m->tool_call_count == 0)
        return;
    json_object *calls = json_object_new_array_ext((int)m->tool_call_count);
    for (size_t k = 0; k < m->tool_call_count; k++) {
        const genapi_tool_call *c = &m->tool_calls[k];
        json_object *call = json_object_new_object(), *fn = function_object(c->name);
        json_object_object_add(fn, "arguments", json_object_new_string(c->arguments ? c->arguments : "{}"));
        if (c->id)
            json_object_object_add(call, "id", json_object_new_string(c->id));
        json_object_object_add(call, "type", json_object_new_string("function"));
        json_object_object_add(call, "function", fn);
        json_object_array_add(calls, call);
    }
    json_object_object_add(o, "tool_calls", calls);
}

void gc_chat_request_tools(const genapi_chat_request *req, json_object *body)
{
    if (req->tool_count > 0) {
        json_object *tools = json_object_new_array_ext((int)req->tool_count);
        for (size_t i = 0; i < req->tool_count; i++) {
            const genapi_tool *t = &req->tools[i];
            json_object *tool = json_object_new_object(), *fn = function_object(t->name);
            if (t->description)
                json_object_object_add(fn, "description", json_object_new_string(t->description));
            if (t->parameters_json)
                json_object_object_add(fn, "parameters", ga_json_parse(t->parameters_json, strlen(t->parameters_json)));
            json_object_object_add(tool, "type", json_object_new_string("function"));
            json_object_object_add(tool, "function", fn);
            json_object_array_add(tools, tool);
        }
        json_object_object_add(body, "tools", tools);
    }
    static const char *const names[] = {NULL, "none", "auto", "required"};
    if (req->tool_choice == GENAPI_TOOL_CHOICE_FUNCTION) {
        json_object *choice = json_object_new_object();
        json_object_object_add(choice, "type", json_object_new_string("function"));
        json_object_object_add(choice, "function", function_object(req->tool_choice_name));
        json_object_object_add(body, "tool_choice", choice);
    } else if (req->tool_choice > GENAPI_TOOL_CHOICE_UNSET) {
        json_object_object_add(body, "tool_choice", json_object_new_string(names[req->tool_choice]));
    }
    if (req->parallel_tool_calls != GENAPI_FLAG_UNSET)
        json_object_object_add(body, "parallel_tool_calls",
                               json_object_new_boolean(req->parallel_tool_calls == GENAPI_FLAG_TRUE));
}
