/* Tool calling on the reference backend: tools and tool_choice read and checked, the decision
 * for a request, and the tool_calls of answers and stream deltas (see chat_tools.h). */
#include "server/chat_tools.h"

#include <string.h>

#include "util/buf.h"
#include "util/err.h"

/* Schema of a function declared without parameters: it takes none, so its arguments are {}. */
static const char no_parameters[] = "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}";

/* A string member of o, or NULL. */
static const char *str_member(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The function object of tools[i] when it is well formed, else NULL with a 400 in r. */
static json_object *tool_function(genapi_backend *b, json_object *tool, size_t i, genapi_http_response *r)
{
    json_object *fn = NULL, *params = NULL;
    const char *type = str_member(tool, "type");
    if (type == NULL || strcmp(type, "function") != 0 || !json_object_object_get_ex(tool, "function", &fn) ||
        !json_object_is_type(fn, json_type_object)) {
        gs_respond_error(b, r, 400, "BadRequestError", "tools",
                         "tools[%zu] must be {\"type\": \"function\", \"function\": {...}}.", i);
        return NULL;
    }
    if (!ga_tool_name_ok(str_member(fn, "name"))) {
        gs_respond_error(b, r, 400, "BadRequestError", "tools",
                         "tools[%zu].function.name must be 1 to 64 characters of a-z, A-Z, 0-9, _ and -.", i);
        return NULL;
    }
    if (json_object_object_get_ex(fn, "parameters", &params) && params != NULL &&
        !json_object_is_type(params, json_type_object)) {
        gs_respond_error(b, r, 400, "BadRequestError", "tools",
                         "tools[%zu].function.parameters must be an object (a JSON Schema).", i);
        return NULL;
    }
    return fn;
}

/* The reference model writes free text until it happens to close a string; a tool argument is
 * a short value (a city, a name), so strings the schema leaves unbounded get at most this many
 * characters. Every such string still validates against the caller's schema. */
#define GS_TOOL_STRING_MAX 40

/* Walks a schema (depth-bounded: the guided compiler refuses deeper ones) and bounds its free
 * strings in place. */
static void bound_strings(json_object *schema, int depth)
{
    if (depth > 64 || !json_object_is_type(schema, json_type_object))
        return;
    const char *type = str_member(schema, "type");
    if (type && strcmp(type, "string") == 0 && !json_object_object_get_ex(schema, "maxLength", NULL) &&
        !json_object_object_get_ex(schema, "enum", NULL) && !json_object_object_get_ex(schema, "const", NULL) &&
        !json_object_object_get_ex(schema, "pattern", NULL) && !json_object_object_get_ex(schema, "format", NULL)) {
        json_object *min = NULL;
        int64_t lo = json_object_object_get_ex(schema, "minLength", &min) ? json_object_get_int64(min) : 0;
        json_object_object_add(schema, "maxLength", json_object_new_int64(lo > GS_TOOL_STRING_MAX ? lo : GS_TOOL_STRING_MAX));
    }
    json_object_object_foreach(schema, key, v) {
        (void)key;
        if (json_object_is_type(v, json_type_object)) {
            bound_strings(v, depth + 1);
            json_object_object_foreach(v, k2, sub) {
                (void)k2;
                bound_strings(sub, depth + 2); /* properties / $defs maps */
            }
        } else if (json_object_is_type(v, json_type_array)) {
            for (size_t i = 0; i < json_object_array_length(v); i++)
                bound_strings(json_object_array_get_idx(v, i), depth + 1);
        }
    }
}

/* splitmix64: the bits the seed gives the tool decision. */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

int gs_chat_tools_plan(genapi_backend *b, json_object *root, const gx_message *msgs, size_t n_msgs, uint64_t seed,
                       size_t n_choices, ga_arena *ar, gs_tool_plan *plan, genapi_http_response *r)
{
    memset(plan, 0, sizeof *plan);
    json_object *tools = NULL, *choice = NULL, *ptc = NULL;
    int has_tools = json_object_object_get_ex(root, "tools", &tools) && tools != NULL;
    int has_choice = json_object_object_get_ex(root, "tool_choice", &choice) && choice != NULL;
    if (json_object_object_get_ex(root, "parallel_tool_calls", &ptc) && ptc != NULL &&
        !json_object_is_type(ptc, json_type_boolean)) {
        gs_respond_error(b, r, 400, "BadRequestError", "parallel_tool_calls", "parallel_tool_calls must be a boolean.");
        return 0;
    }
    if (has_tools && !json_object_is_type(tools, json_type_array)) {
        gs_respond_error(b, r, 400, "BadRequestError", "tools", "tools must be an array of functions.");
        return 0;
    }
    size_t n_tools = has_tools ? json_object_array_length(tools) : 0;
    if (n_tools > GS_TOOLS_MAX) {
        gs_respond_error(b, r, 400, "BadRequestError", "tools", "tools has %zu entries; at most %d are allowed.",
                         n_tools, GS_TOOLS_MAX);
        return 0;
    }
    for (size_t i = 0; i < n_tools; i++)
        if (tool_function(b, json_object_array_get_idx(tools, i), i, r) == NULL)
            return 0;
    /* "none" | "auto" | "required" | {"type": "function", "function": {"name": ...}} */
    const char *mode = has_tools ? "auto" : "none", *named = NULL;
    if (has_choice) {
        if (json_object_is_type(choice, json_type_string)) {
            mode = json_object_get_string(choice);
            if (strcmp(mode, "none") != 0 && strcmp(mode, "auto") != 0 && strcmp(mode, "required") != 0) {
                gs_respond_error(b, r, 400, "BadRequestError", "tool_choice",
                                 "tool_choice must be \"none\", \"auto\", \"required\" or a named function, got \"%s\".",
                                 mode);
                return 0;
            }
        } else {
            json_object *fn = NULL;
            const char *type = str_member(choice, "type");
            if (type == NULL || strcmp(type, "function") != 0 || !json_object_object_get_ex(choice, "function", &fn) ||
                (named = str_member(fn, "name")) == NULL) {
                gs_respond_error(b, r, 400, "BadRequestError", "tool_choice",
                                 "tool_choice must be \"none\", \"auto\", \"required\" or "
                                 "{\"type\": \"function\", \"function\": {\"name\": ...}}.");
                return 0;
            }
            mode = "function";
        }
        if (strcmp(mode, "none") != 0 && !has_tools) {
            gs_respond_error(b, r, 400, "BadRequestError", "tool_choice", "When using `tool_choice`, `tools` must be set.");
            return 0;
        }
    }
    if (strcmp(mode, "none") == 0 || n_tools == 0) /* "required" with no tools is "none" */
        return 1;
    json_object *fn = NULL;
    uint64_t bits = mix(seed ^ 0x746f6f6c63616c6cu);
    if (named != NULL) {
        for (size_t i = 0; i < n_tools && fn == NULL; i++) {
            json_object *f = NULL;
            json_object_object_get_ex(json_object_array_get_idx(tools, i), "function", &f);
            if (strcmp(str_member(f, "name"), named) == 0)
                fn = f;
        }
        if (fn == NULL) {
            gs_respond_error(b, r, 400, "BadRequestError", "tool_choice",
                             "Tool '%s' has not been passed in `tools`.", named);
            return 0;
        }
        plan->named = 1;
    } else {
        if (strcmp(mode, "auto") == 0 &&
            ((n_msgs > 0 && strcmp(msgs[n_msgs - 1].role, "tool") == 0) || (bits & 1u) == 0))
            return 1;
        json_object_object_get_ex(json_object_array_get_idx(tools, (size_t)((bits >> 1) % n_tools)), "function", &fn);
    }
    json_object *params = NULL, *copy = NULL;
    plan->name = ga_arena_strdup(ar, str_member(fn, "name"));
    if (json_object_object_get_ex(fn, "parameters", &params) && params != NULL &&
        json_object_deep_copy(params, &copy, NULL) == 0) {
        bound_strings(copy, 0);
        plan->schema = ga_arena_strdup(ar, json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN));
    } else {
        plan->schema = params != NULL ? NULL : no_parameters;
    }
    json_object_put(copy);
    plan->ids = ga_arena_alloc(ar, (n_choices ? n_choices : 1) * sizeof *plan->ids);
    plan->started = ga_arena_alloc(ar, n_choices ? n_choices : 1);
    if (plan->name == NULL || plan->schema == NULL || plan->ids == NULL || plan->started == NULL) {
        gs_respond_error(b, r, 500, "InternalServerError", NULL, "out of memory");
        return 0;
    }
    memset(plan->started, 0, n_choices ? n_choices : 1);
    for (size_t i = 0; i < n_choices; i++)
        gs_random_id(plan->ids[i], sizeof plan->ids[i], "chatcmpl-tool-");
    plan->call = 1;
    return 1;
}

genapi_status gs_chat_message_tool_text(json_object *msg, size_t i, ga_buf *buf, genapi_error *err)
{
    json_object *calls = NULL;
    if (!json_object_object_get_ex(msg, "tool_calls", &calls) || calls == NULL)
        return GENAPI_OK;
    if (!json_object_is_type(calls, json_type_array) || json_object_array_length(calls) > GS_TOOLS_MAX)
        return ga_err(err, GENAPI_E_INVALID_ARG, "messages",
                      "messages[%zu].tool_calls must be an array of at most %d calls.", i, GS_TOOLS_MAX);
    for (size_t k = 0; k < json_object_array_length(calls); k++) {
        json_object *call = json_object_array_get_idx(calls, k), *fn = NULL;
        const char *name = NULL, *args = NULL;
        if (json_object_object_get_ex(call, "function", &fn))
            name = str_member(fn, "name"), args = str_member(fn, "arguments");
        if (name == NULL || args == NULL)
            return ga_err(err, GENAPI_E_INVALID_ARG, "messages",
                          "messages[%zu].tool_calls[%zu] must have function.name and function.arguments strings.", i,
                          k);
        /* The Hermes-style call markup chat templates write for a model's earlier calls. */
        ga_buf_puts(buf, buf->len ? "\n<tool_call>\n{\"name\": \"" : "<tool_call>\n{\"name\": \"");
        ga_buf_puts(buf, name);
        ga_buf_puts(buf, "\", \"arguments\": ");
        ga_buf_puts(buf, args);
        ga_buf_puts(buf, "}\n</tool_call>");
    }
    return GENAPI_OK;
}

static json_object *call_object(const gs_tool_plan *plan, size_t i, const char *args, size_t len, int head)
{
    json_object *call = json_object_new_object(), *fn = json_object_new_object();
    if (head) {
        json_object_object_add(call, "id", json_object_new_string(plan->ids[i]));
        json_object_object_add(call, "type", json_object_new_string("function"));
        json_object_object_add(fn, "name", json_object_new_string(plan->name));
    }
    json_object_object_add(fn, "arguments", json_object_new_string_len(args, (int)len));
    json_object_object_add(call, "function", fn);
    return call;
}

json_object *gs_tool_calls_json(const gs_tool_plan *plan, size_t i, const char *args, size_t len)
{
    json_object *arr = json_object_new_array();
    json_object_array_add(arr, call_object(plan, i, args, len, 1));
    return arr;
}

json_object *gs_tool_calls_delta(const gs_tool_plan *plan, size_t i, const char *args, size_t len)
{
    json_object *call = call_object(plan, i, args, len, !plan->started[i]);
    /* id, type and name lead the call's first delta; arguments follow as generated. */
    json_object *ordered = json_object_new_object();
    json_object_object_add(ordered, "index", json_object_new_int(0));
    json_object_object_foreach(call, k, v) json_object_object_add(ordered, k, json_object_get(v));
    json_object_put(call);
    plan->started[i] = 1;
    json_object *arr = json_object_new_array();
    json_object_array_add(arr, ordered);
    return arr;
}

const char *gs_tool_finish_reason(const gs_tool_plan *plan, const char *engine_reason)
{
    if (!plan || !plan->call || strcmp(engine_reason, "stop") != 0)
        return engine_reason;
    return plan->named ? "stop" : "tool_calls";
}
