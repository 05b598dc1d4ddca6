/* Tool calling: the typed request fields (tools, tool_choice, parallel_tool_calls, messages of a
 * tool loop) serialized exactly and checked on the client; the reference backend's calls (their
 * arguments parsed and validated against the function's schema, finish reasons, the seed's
 * decision under "auto", text after a tool result), streamed and not, and the servers' 400s. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>

#include "backend_calls.h"

static const char weather_schema[] =
    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"unit\":{\"enum\":[\"c\",\"f\"]}},"
    "\"required\":[\"city\",\"unit\"],\"additionalProperties\":false}";
static const char add_schema[] =
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},"
    "\"required\":[\"a\",\"b\"],\"additionalProperties\":false}";

static const genapi_tool tools2[] = {
    {.name = "get_weather", .description = "Weather of a city", .parameters_json = weather_schema},
    {.name = "add", .description = "Sum of two integers", .parameters_json = add_schema},
};

static genapi_client *client_new(void)
{
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.ignore_environment = 1;
    genapi_client *c = NULL;
    genapi_error err;
    if (genapi_client_new(&cfg, &c, &err) != GENAPI_OK)
        fail_msg("client: %s", err.message);
    return c;
}

static void params_seed(genapi_text_params *p, int64_t seed)
{
    genapi_text_params_init(p, sizeof *p);
    GENAPI_TEXT_SET(p, model, "genapi-ref");
    GENAPI_TEXT_SET(p, seed, seed);
}

/* The arguments of a call to `name`, checked against that function's schema by hand: an object
 * with exactly the required keys, each of its type (and enum). */
static void assert_valid_arguments(const char *name, const char *args)
{
    assert_non_null(args);
    json_object *o = json_tokener_parse(args);
    if (o == NULL || !json_object_is_type(o, json_type_object))
        fail_msg("arguments of %s are not a JSON object: %s", name, args);
    assert_int_equal(json_object_object_length(o), 2);
    json_object *v, *w;
    if (strcmp(name, "get_weather") == 0) {
        assert_true(json_object_object_get_ex(o, "city", &v) && json_object_is_type(v, json_type_string));
        /* an unbounded string argument is written short: at most 40 characters */
        size_t chars = 0;
        for (const unsigned char *u = (const unsigned char *)json_object_get_string(v); *u; u++)
            chars += (*u & 0xC0) != 0x80;
        assert_true(chars <= 40);
        assert_true(json_object_object_get_ex(o, "unit", &w) && json_object_is_type(w, json_type_string));
        const char *unit = json_object_get_string(w);
        assert_true(strcmp(unit, "c") == 0 || strcmp(unit, "f") == 0);
    } else {
        assert_string_equal(name, "add");
        assert_true(json_object_object_get_ex(o, "a", &v) && json_object_is_type(v, json_type_int));
        assert_true(json_object_object_get_ex(o, "b", &w) && json_object_is_type(w, json_type_int));
    }
    json_object_put(o);
}

static genapi_chat_result *chat_tools(genapi_client *c, int64_t seed, const genapi_tool *tools, size_t n_tools,
                                      int32_t choice, const char *name, const genapi_chat_message *msgs, size_t n_msgs)
{
    genapi_text_params p;
    params_seed(&p, seed);
    genapi_chat_message one = {.role = "user", .content = "What is the weather in Paris?"};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = msgs ? msgs : &one;
    req.message_count = msgs ? n_msgs : 1;
    req.params = &p;
    req.tools = tools;
    req.tool_count = n_tools;
    req.tool_choice = choice;
    req.tool_choice_name = name;
    genapi_chat_result *r = NULL;
    genapi_error err;
    genapi_status st = genapi_chat_complete(c, &req, &r, &err);
    if (st != GENAPI_OK)
        fail_msg("chat: %d %s", st, err.message);
    return r;
}

/* ---- the request on the wire ------------------------------------------------------------------ */

static void test_request_json_exact(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    genapi_text_params p;
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    genapi_tool_call call = {.id = "call_1", .name = "get_weather", .arguments = "{\"city\":\"Oslo\",\"unit\":\"c\"}"};
    genapi_chat_message msgs[] = {
        {.role = "user", .content = "Weather in Oslo?"},
        {.role = "assistant", .content = NULL, .tool_calls = &call, .tool_call_count = 1},
        {.role = "tool", .content = "{\"temp\":3}", .tool_call_id = "call_1"},
    };
    genapi_tool t[] = {{.name = "get_weather", .description = "Weather", .parameters_json = "{\"type\":\"object\"}"},
                       {.name = "noop"}};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = msgs;
    req.message_count = 3;
    req.params = &p;
    req.tools = t;
    req.tool_count = 2;
    req.tool_choice = GENAPI_TOOL_CHOICE_FUNCTION;
    req.tool_choice_name = "get_weather";
    req.parallel_tool_calls = GENAPI_FLAG_FALSE;
    char *json = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_request_to_json(c, &req, &json, &err), GENAPI_OK);
    assert_string_equal(
        json,
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Oslo?\"},"
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
        "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\",\\\"unit\\\":\\\"c\\\"}\"}}]},"
        "{\"role\":\"tool\",\"content\":\"{\\\"temp\\\":3}\",\"tool_call_id\":\"call_1\"}],"
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
        "\"parameters\":{\"type\":\"object\"}}},{\"type\":\"function\",\"function\":{\"name\":\"noop\"}}],"
        "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},"
        "\"parallel_tool_calls\":false,\"model\":\"m\"}");
    genapi_free(genapi_client_allocator(c), json);

    /* The string choices, and nothing sent when unset. */
    static const char *const want[] = {NULL, "\"tool_choice\":\"none\"", "\"tool_choice\":\"auto\"",
                                       "\"tool_choice\":\"required\""};
    req.tool_choice_name = NULL;
    req.parallel_tool_calls = GENAPI_FLAG_UNSET;
    for (int32_t k = GENAPI_TOOL_CHOICE_UNSET; k <= GENAPI_TOOL_CHOICE_REQUIRED; k++) {
        req.tool_choice = k;
        assert_int_equal(genapi_chat_request_to_json(c, &req, &json, &err), GENAPI_OK);
        if (want[k])
            assert_non_null(strstr(json, want[k]));
        else
            assert_null(strstr(json, "tool_choice"));
        assert_null(strstr(json, "parallel_tool_calls"));
        genapi_free(genapi_client_allocator(c), json);
    }
    /* A plain request carries no tool keys at all. */
    req.tools = NULL;
    req.tool_count = 0;
    req.tool_choice = 0;
    req.messages = msgs;
    req.message_count = 1;
    assert_int_equal(genapi_chat_request_to_json(c, &req, &json, &err), GENAPI_OK);
    assert_null(strstr(json, "tool"));
    genapi_free(genapi_client_allocator(c), json);
    genapi_client_free(c);
}

static void expect_invalid(genapi_client *c, const genapi_chat_request *req, const char *param, const char *words)
{
    char *json = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_request_to_json(c, req, &json, &err), GENAPI_E_INVALID_ARG);
    assert_null(json);
    assert_string_equal(err.param, param);
    if (strstr(err.message, words) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, words);
}

static void test_request_checked(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    genapi_text_params p;
    genapi_text_params_init(&p, sizeof p);
    GENAPI_TEXT_SET(&p, model, "m");
    genapi_chat_message msg = {.role = "user", .content = "hi"};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &msg;
    req.message_count = 1;
    req.params = &p;

    genapi_tool bad_name[] = {{.name = "get weather"}};
    req.tools = bad_name;
    req.tool_count = 1;
    expect_invalid(c, &req, "tools", "tools[0].name");
    char long_name[66];
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    genapi_tool too_long[] = {{.name = long_name}};
    req.tools = too_long;
    expect_invalid(c, &req, "tools", "tools[0].name");
    long_name[64] = '\0'; /* 64 characters is the longest name */
    char *json = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_request_to_json(c, &req, &json, &err), GENAPI_OK);
    genapi_free(genapi_client_allocator(c), json);
    genapi_tool dup[] = {{.name = "f"}, {.name = "g"}, {.name = "f"}};
    req.tools = dup;
    req.tool_count = 3;
    expect_invalid(c, &req, "tools", "tools[2].name \"f\" is also tools[0].name");
    genapi_tool not_object[] = {{.name = "f", .parameters_json = "[1]"}};
    req.tools = not_object;
    req.tool_count = 1;
    expect_invalid(c, &req, "tools", "tools[0].parameters_json must be a JSON object");
    req.tools = NULL;
    expect_invalid(c, &req, "tools", "tools is NULL");
    req.tool_count = 129;
    expect_invalid(c, &req, "tools", "at most 128");

    genapi_tool ok[] = {{.name = "f"}};
    req.tools = ok;
    req.tool_count = 1;
    req.tool_choice = GENAPI_TOOL_CHOICE_FUNCTION;
    expect_invalid(c, &req, "tool_choice", "tool_choice_name");
    req.tool_choice_name = "g";
    expect_invalid(c, &req, "tool_choice", "\"g\", which is not in tools");
    req.tool_choice = GENAPI_TOOL_CHOICE_AUTO;
    expect_invalid(c, &req, "tool_choice", "tool_choice_name");
    req.tool_choice_name = NULL;
    req.tool_choice = 5;
    expect_invalid(c, &req, "tool_choice", "not a genapi_tool_choice");
    req.tool_choice = GENAPI_TOOL_CHOICE_REQUIRED;
    req.parallel_tool_calls = 3;
    expect_invalid(c, &req, "parallel_tool_calls", "not a genapi_flag");
    req.parallel_tool_calls = 0;
    req.tools = NULL;
    req.tool_count = 0;
    expect_invalid(c, &req, "tool_choice", "When using `tool_choice`, `tools` must be set.");
    req.tool_choice = GENAPI_TOOL_CHOICE_NONE; /* "none" needs no tools */
    assert_int_equal(genapi_chat_request_to_json(c, &req, &json, &err), GENAPI_OK);
    genapi_free(genapi_client_allocator(c), json);

    req.tool_choice = 0;
    genapi_tool_call bad_call = {.name = "f", .arguments = "not json"};
    genapi_chat_message loop[] = {{.role = "user", .content = "hi"},
                                  {.role = "assistant", .tool_calls = &bad_call, .tool_call_count = 1}};
    req.messages = loop;
    req.message_count = 2;
    expect_invalid(c, &req, "messages", "messages[1].tool_calls[0].arguments");
    bad_call.arguments = NULL;
    bad_call.name = NULL;
    expect_invalid(c, &req, "messages", "messages[1].tool_calls[0].name");
    loop[1].tool_calls = NULL;
    expect_invalid(c, &req, "messages", "messages[1].tool_calls is NULL");
    genapi_client_free(c);
}

/* ---- the reference backend's calls -------------------------------------------------------------- */

static void test_required_calls_a_tool_under_its_schema(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    size_t picked[2] = {0, 0};
    for (int64_t seed = 1; seed <= 12; seed++) {
        genapi_chat_result *r = chat_tools(c, seed, tools2, 2, GENAPI_TOOL_CHOICE_REQUIRED, NULL, NULL, 0);
        assert_int_equal(r->choice_count, 1);
        const genapi_chat_choice *ch = &r->choices[0];
        assert_string_equal(ch->finish_reason, "tool_calls");
        assert_null(ch->content); /* the parser took the text: content is null */
        assert_int_equal(ch->tool_call_count, 1);
        const genapi_tool_call *t = &ch->tool_calls[0];
        assert_string_equal(t->type, "function");
        assert_non_null(t->id);
        assert_int_equal(strncmp(t->id, "chatcmpl-tool-", 14), 0);
        assert_valid_arguments(t->name, t->arguments);
        picked[strcmp(t->name, "add") == 0]++;
        genapi_chat_result_free(r);
    }
    /* The seed picks among the tools: over twelve seeds both are called. */
    assert_true(picked[0] > 0 && picked[1] > 0);
    genapi_client_free(c);
}

static void test_named_call_ends_with_stop(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    for (int64_t seed = 1; seed <= 4; seed++) {
        genapi_chat_result *r = chat_tools(c, seed, tools2, 2, GENAPI_TOOL_CHOICE_FUNCTION, "add", NULL, 0);
        const genapi_chat_choice *ch = &r->choices[0];
        assert_string_equal(ch->finish_reason, "stop"); /* as vLLM answers a named tool_choice */
        assert_non_null(ch->content);
        assert_string_equal(ch->content, "");
        assert_int_equal(ch->tool_call_count, 1);
        assert_string_equal(ch->tool_calls[0].name, "add");
        assert_valid_arguments("add", ch->tool_calls[0].arguments);
        genapi_chat_result_free(r);
    }
    genapi_client_free(c);
}

static void test_function_without_parameters_gets_empty_object(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    genapi_tool t = {.name = "ring_bell"};
    genapi_chat_result *r = chat_tools(c, 3, &t, 1, GENAPI_TOOL_CHOICE_REQUIRED, NULL, NULL, 0);
    assert_string_equal(r->choices[0].tool_calls[0].name, "ring_bell");
    assert_string_equal(r->choices[0].tool_calls[0].arguments, "{}");
    genapi_chat_result_free(r);
    genapi_client_free(c);
}

static void test_auto_decides_by_seed_and_answers_tool_results(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    int calls = 0, texts = 0;
    for (int64_t seed = 1; seed <= 10; seed++) {
        genapi_chat_result *a = chat_tools(c, seed, tools2, 2, GENAPI_TOOL_CHOICE_AUTO, NULL, NULL, 0);
        genapi_chat_result *b = chat_tools(c, seed, tools2, 2, GENAPI_TOOL_CHOICE_UNSET, NULL, NULL, 0);
        /* Tools without tool_choice mean "auto"; the same seed decides the same way. */
        assert_int_equal(a->choices[0].tool_call_count, b->choices[0].tool_call_count);
        if (a->choices[0].tool_call_count == 1) {
            calls++;
            assert_string_equal(a->choices[0].finish_reason, "tool_calls");
            assert_null(a->choices[0].content);
            assert_string_equal(a->choices[0].tool_calls[0].name, b->choices[0].tool_calls[0].name);
            assert_string_equal(a->choices[0].tool_calls[0].arguments, b->choices[0].tool_calls[0].arguments);
            assert_valid_arguments(a->choices[0].tool_calls[0].name, a->choices[0].tool_calls[0].arguments);
        } else {
            texts++;
            assert_int_equal(a->choices[0].tool_call_count, 0);
            assert_non_null(a->choices[0].content);
            assert_string_equal(a->choices[0].content, b->choices[0].content);
        }
        genapi_chat_result_free(a);
        genapi_chat_result_free(b);
    }
    assert_true(calls > 0 && texts > 0);

    /* After the tool's result the answer is text, whatever the seed; the earlier call is part of
     * the prompt. */
    genapi_tool_call call = {.id = "call_9", .name = "get_weather", .arguments = "{\"city\":\"Paris\",\"unit\":\"c\"}"};
    genapi_chat_message loop[] = {
        {.role = "user", .content = "What is the weather in Paris?"},
        {.role = "assistant", .tool_calls = &call, .tool_call_count = 1},
        {.role = "tool", .content = "{\"temp\":21}", .tool_call_id = "call_9"},
    };
    for (int64_t seed = 1; seed <= 6; seed++) {
        genapi_chat_result *r = chat_tools(c, seed, tools2, 2, GENAPI_TOOL_CHOICE_AUTO, NULL, loop, 3);
        assert_int_equal(r->choices[0].tool_call_count, 0);
        assert_non_null(r->choices[0].content);
        genapi_chat_result *bare = chat_tools(c, seed, tools2, 2, GENAPI_TOOL_CHOICE_NONE, NULL, loop, 3);
        genapi_chat_message no_call[] = {loop[0], {.role = "assistant", .content = ""}, loop[2]};
        genapi_chat_result *shorter = chat_tools(c, seed, tools2, 2, GENAPI_TOOL_CHOICE_NONE, NULL, no_call, 3);
        assert_true(bare->usage.prompt_tokens > shorter->usage.prompt_tokens);
        genapi_chat_result_free(r);
        genapi_chat_result_free(bare);
        genapi_chat_result_free(shorter);
    }
    genapi_client_free(c);
}

static void test_none_answers_text(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    genapi_chat_result *r = chat_tools(c, 4, tools2, 2, GENAPI_TOOL_CHOICE_NONE, NULL, NULL, 0);
    genapi_chat_result *plain = chat_tools(c, 4, NULL, 0, GENAPI_TOOL_CHOICE_UNSET, NULL, NULL, 0);
    assert_int_equal(r->choices[0].tool_call_count, 0);
    assert_string_equal(r->choices[0].content, plain->choices[0].content);
    assert_string_not_equal(r->choices[0].finish_reason, "tool_calls");
    genapi_chat_result_free(r);
    genapi_chat_result_free(plain);
    genapi_client_free(c);
}

static void test_cut_call_ends_with_length(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    genapi_text_params p;
    params_seed(&p, 2);
    GENAPI_TEXT_SET(&p, max_tokens, 3);
    genapi_chat_message msg = {.role = "user", .content = "weather?"};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &msg;
    req.message_count = 1;
    req.params = &p;
    req.tools = tools2;
    req.tool_count = 1;
    req.tool_choice = GENAPI_TOOL_CHOICE_REQUIRED;
    genapi_chat_result *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_complete(c, &req, &r, &err), GENAPI_OK);
    assert_string_equal(r->choices[0].finish_reason, "length");
    assert_int_equal(r->usage.completion_tokens, 3);
    const char *args = r->choices[0].tool_calls[0].arguments;
    json_object *o = json_tokener_parse(args);
    assert_null(o); /* three tokens of an object: not yet JSON */
    assert_true(args[0] == '{');
    genapi_chat_result_free(r);
    genapi_client_free(c);
}

/* ---- streamed ----------------------------------------------------------------------------------- */

typedef struct deltas {
    size_t content_bytes;
    int pieces, named, finishes, after_finish;
    char args[1024];
    char id[64], name[64];
} deltas;

/* What a caller showing a call as it forms sees: its id and name with the first piece, argument
 * text that concatenates to the final arguments, content never, the finish last. */
static void take(deltas *ds, const genapi_stream_delta *d)
{
    assert_int_equal(d->index, 0);
    if (d->content)
        ds->content_bytes += d->content_len;
    if (d->tool_call_index >= 0) {
        assert_int_equal(d->tool_call_index, 0);
        assert_null(d->content);
        assert_null(d->finish_reason);
        ds->after_finish += ds->finishes;
        if (ds->pieces++ == 0) {
            assert_non_null(d->tool_call_id);
            assert_non_null(d->tool_call_name);
            snprintf(ds->id, sizeof ds->id, "%s", d->tool_call_id);
            snprintf(ds->name, sizeof ds->name, "%s", d->tool_call_name);
        } else {
            assert_string_equal(d->tool_call_id, ds->id);
            assert_string_equal(d->tool_call_name, ds->name);
        }
        if (d->tool_call_arguments) {
            assert_true(strlen(ds->args) + d->tool_call_arguments_len < sizeof ds->args);
            strncat(ds->args, d->tool_call_arguments, d->tool_call_arguments_len);
        }
    } else {
        assert_null(d->tool_call_id);
        assert_null(d->tool_call_arguments);
    }
    if (d->finish_reason)
        ds->finishes++;
}

static int on_delta(const genapi_stream_delta *d, void *user)
{
    take(user, d);
    return 0;
}

static void test_stream_accumulates_the_same_call(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    for (int32_t choice = GENAPI_TOOL_CHOICE_REQUIRED; choice <= GENAPI_TOOL_CHOICE_FUNCTION; choice++) {
        const char *name = choice == GENAPI_TOOL_CHOICE_FUNCTION ? "get_weather" : NULL;
        genapi_chat_result *whole = chat_tools(c, 7, tools2, 2, choice, name, NULL, 0);
        genapi_text_params p;
        params_seed(&p, 7);
        genapi_chat_message msg = {.role = "user", .content = "What is the weather in Paris?"};
        genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
        req.messages = &msg;
        req.message_count = 1;
        req.params = &p;
        req.tools = tools2;
        req.tool_count = 2;
        req.tool_choice = choice;
        req.tool_choice_name = name;
        deltas ds = {0};
        genapi_chat_result *r = NULL;
        genapi_error err;
        assert_int_equal(genapi_chat_stream(c, &req, on_delta, &ds, &r, &err), GENAPI_OK);
        assert_int_equal(ds.content_bytes, 0); /* a call's text never arrives as content */
        assert_true(ds.pieces > 3);
        assert_int_equal(ds.finishes, 1);
        assert_int_equal(ds.after_finish, 0);
        assert_string_equal(ds.args, whole->choices[0].tool_calls[0].arguments);
        assert_string_equal(ds.name, whole->choices[0].tool_calls[0].name);
        assert_int_equal(r->choices[0].tool_call_count, 1);
        assert_string_equal(r->choices[0].tool_calls[0].id, ds.id);
        assert_string_equal(r->choices[0].tool_calls[0].name, whole->choices[0].tool_calls[0].name);
        assert_string_equal(r->choices[0].tool_calls[0].arguments, whole->choices[0].tool_calls[0].arguments);
        assert_string_equal(r->choices[0].finish_reason, whole->choices[0].finish_reason);
        assert_valid_arguments(r->choices[0].tool_calls[0].name, r->choices[0].tool_calls[0].arguments);
        genapi_chat_result_free(r);
        genapi_chat_result_free(whole);
    }
    genapi_client_free(c);
}

/* A pull stream (genapi_stream_next, polled) gives the same pieces, copied into its queue. */
static void test_pull_stream_pieces(void **state)
{
    (void)state;
    genapi_client *c = client_new();
    genapi_chat_result *whole = chat_tools(c, 9, tools2, 2, GENAPI_TOOL_CHOICE_REQUIRED, NULL, NULL, 0);
    genapi_text_params p;
    params_seed(&p, 9);
    genapi_chat_message msg = {.role = "user", .content = "What is the weather in Paris?"};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &msg;
    req.message_count = 1;
    req.params = &p;
    req.tools = tools2;
    req.tool_count = 2;
    req.tool_choice = GENAPI_TOOL_CHOICE_REQUIRED;
    genapi_callbacks cb = {.pull = 1};
    genapi_request *r = NULL;
    genapi_error err;
    assert_int_equal(genapi_chat_stream_start(c, &req, &cb, &r, &err), GENAPI_OK);
    deltas ds;
    memset(&ds, 0, sizeof ds);
    for (int guard = 0; guard < 100000; guard++) {
        genapi_stream_delta d;
        genapi_status st = genapi_stream_next(r, &d);
        if (st == GENAPI_E_END)
            break;
        if (st == GENAPI_E_AGAIN) {
            assert_true(genapi_poll(c, 0) >= 0);
            continue;
        }
        assert_int_equal(st, GENAPI_OK);
        take(&ds, &d);
    }
    assert_int_equal(ds.finishes, 1);
    assert_string_equal(ds.args, whole->choices[0].tool_calls[0].arguments);
    assert_string_equal(ds.name, whole->choices[0].tool_calls[0].name);
    genapi_request_release(r);
    genapi_chat_result_free(whole);
    genapi_client_free(c);
}

/* The chunks themselves: the call's id, type and name lead its first delta only, and its
 * argument pieces concatenate to the arguments. */
static void test_stream_chunk_shape(void **state)
{
    (void)state;
    int status = 0;
    char ct[64];
    char *body = bc_post_raw("/v1/chat/completions",
                             "{\"model\":\"genapi-ref\",\"seed\":7,\"stream\":true,\"messages\":[{\"role\":\"user\","
                             "\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"add\","
                             "\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
                             "\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}}}],"
                             "\"tool_choice\":\"required\"}",
                             &status, ct, sizeof ct);
    assert_int_equal(status, 200);
    char args[512] = "";
    int heads = 0, finals = 0, chunks = 0;
    const char *id = NULL;
    for (char *line = strtok(body, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "data: {", 7) != 0)
            continue;
        json_object *o = json_tokener_parse(line + 6), *choices, *ch, *delta, *tc, *fr;
        assert_non_null(o);
        if (json_object_object_get_ex(o, "choices", &choices) && json_object_array_length(choices) == 1) {
            ch = json_object_array_get_idx(choices, 0);
            json_object_object_get_ex(ch, "delta", &delta);
            assert_false(chunks > 0 && json_object_object_get_ex(delta, "content", NULL));
            if (json_object_object_get_ex(delta, "tool_calls", &tc)) {
                json_object *call = json_object_array_get_idx(tc, 0), *fn, *v;
                assert_true(json_object_object_get_ex(call, "index", &v) && json_object_get_int(v) == 0);
                if (json_object_object_get_ex(call, "id", &v)) {
                    heads++;
                    id = bc_str_member(call, "id");
                    assert_int_equal(strncmp(id, "chatcmpl-tool-", 14), 0);
                    assert_string_equal(bc_str_member(call, "type"), "function");
                }
                json_object_object_get_ex(call, "function", &fn);
                if (json_object_object_get_ex(fn, "name", &v))
                    assert_int_equal(heads, 1);
                strncat(args, bc_str_member(fn, "arguments"), sizeof args - strlen(args) - 1);
            }
            if (json_object_object_get_ex(ch, "finish_reason", &fr) && fr != NULL) {
                finals++;
                assert_string_equal(json_object_get_string(fr), "tool_calls");
            }
            chunks++;
        }
        json_object_put(o);
    }
    assert_int_equal(heads, 1);
    assert_int_equal(finals, 1);
    assert_true(chunks > 3);
    assert_valid_arguments("add", args);
    free(body);
}

/* ---- the servers' refusals ----------------------------------------------------------------------- */

#define MSGS "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
#define TOOL "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"

static void test_server_refusals(void **state)
{
    (void)state;
    const char *path = "/v1/chat/completions";
    bc_expect_error("choice without tools", path, "{\"model\":\"genapi-ref\"," MSGS ",\"tool_choice\":\"required\"}",
                    400, "tool_choice");
    bc_expect_error("named, not in tools", path,
                    "{\"model\":\"genapi-ref\"," MSGS ",\"tools\":[" TOOL "],"
                    "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}}",
                    400, "tool_choice");
    bc_expect_error("unknown choice", path, "{\"model\":\"genapi-ref\"," MSGS ",\"tools\":[" TOOL "],\"tool_choice\":\"any\"}",
                    400, "tool_choice");
    bc_expect_error("tools not an array", path, "{\"model\":\"genapi-ref\"," MSGS ",\"tools\":{}}", 400, "tools");
    bc_expect_error("tool without function", path, "{\"model\":\"genapi-ref\"," MSGS ",\"tools\":[{\"type\":\"function\"}]}",
                    400, "tools");
    bc_expect_error("bad name", path,
                    "{\"model\":\"genapi-ref\"," MSGS ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a b\"}}]}",
                    400, "tools");
    bc_expect_error("parameters not an object", path,
                    "{\"model\":\"genapi-ref\"," MSGS ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                    "\"parameters\":[]}}]}",
                    400, "tools");
    bc_expect_error("parallel_tool_calls not a boolean", path,
                    "{\"model\":\"genapi-ref\"," MSGS ",\"tools\":[" TOOL "],\"parallel_tool_calls\":1}", 400,
                    "parallel_tool_calls");
    bc_expect_error("call and structured output", path,
                    "{\"model\":\"genapi-ref\"," MSGS ",\"tools\":[" TOOL "],\"tool_choice\":\"required\","
                    "\"guided_regex\":\"a+\"}",
                    400, "tool_choice");
    bc_expect_error("assistant call without arguments", path,
                    "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"type\":"
                    "\"function\",\"function\":{\"name\":\"f\"}}]}]}",
                    400, "messages");
    /* The exact message of a choice without tools, as the servers word it. */
    int status = 0;
    json_object *o = bc_post(path, "{\"model\":\"genapi-ref\"," MSGS ",\"tool_choice\":\"auto\"}", &status);
    json_object *e;
    assert_true(json_object_object_get_ex(o, "error", &e));
    assert_string_equal(bc_str_member(e, "message"), "When using `tool_choice`, `tools` must be set.");
    json_object_put(o);
    /* "none" without tools, and "required" with an empty list, answer text. */
    o = bc_ok(path, "{\"model\":\"genapi-ref\",\"seed\":1," MSGS ",\"tool_choice\":\"none\"}");
    assert_non_null(bc_chat_content(o));
    json_object_put(o);
    o = bc_ok(path, "{\"model\":\"genapi-ref\",\"seed\":1," MSGS ",\"tools\":[],\"tool_choice\":\"required\"}");
    assert_non_null(bc_chat_content(o));
    assert_string_equal(bc_str_member(bc_choice(o, 0), "finish_reason"), "stop");
    json_object_put(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_json_exact),
        cmocka_unit_test(test_request_checked),
        cmocka_unit_test(test_required_calls_a_tool_under_its_schema),
        cmocka_unit_test(test_named_call_ends_with_stop),
        cmocka_unit_test(test_function_without_parameters_gets_empty_object),
        cmocka_unit_test(test_auto_decides_by_seed_and_answers_tool_results),
        cmocka_unit_test(test_none_answers_text),
        cmocka_unit_test(test_cut_call_ends_with_length),
        cmocka_unit_test(test_stream_accumulates_the_same_call),
        cmocka_unit_test(test_pull_stream_pieces),
        cmocka_unit_test(test_stream_chunk_shape),
        cmocka_unit_test(test_server_refusals),
    };
    return cmocka_run_group_tests(tests, bc_setup, bc_teardown);
}
