/* genapi: the text commands (chat, complete, tokenize, models, params). */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

static genapi_status set_text(void *p, const char *n, const char *v, genapi_error *e)
{
    return genapi_text_params_set_text(p, n, v, e);
}

/* -p options, then -m (an unset model is the library's default: GENAPI_MODEL, else the
 * server's first listed model). */
static int text_params(const cli *c, genapi_text_params *p, genapi_status *st, genapi_error *err)
{
    if (cli_apply_params(c, p, set_text, st, err) != 0)
        return 2;
    if (*st == GENAPI_OK && c->model && !genapi_text_params_is_set(p, GENAPI_TEXT_PARAM_model))
        GENAPI_TEXT_SET(p, model, c->model);
    return 0;
}

/* --stream: each delta of choice 0 as text, or (--json) every delta as one JSON line. */
static int print_delta(const genapi_stream_delta *d, void *user)
{
    const cli *c = user;
    if (!c->json) {
        if (d->index == 0 && d->content) {
            fwrite(d->content, 1, d->content_len, stdout);
            fflush(stdout);
        }
        return 0;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "index", json_object_new_int64(d->index));
    json_object_object_add(o, "content", d->content ? json_object_new_string_len(d->content, (int)d->content_len) : NULL);
    if (d->reasoning)
        json_object_object_add(o, "reasoning", json_object_new_string_len(d->reasoning, (int)d->reasoning_len));
    json_object_object_add(o, "finish_reason", d->finish_reason ? json_object_new_string(d->finish_reason) : NULL);
    if (d->tool_call_index >= 0) {
        json_object *tc = json_object_new_object();
        json_object_object_add(tc, "index", json_object_new_int64(d->tool_call_index));
        json_object_object_add(tc, "id", d->tool_call_id ? json_object_new_string(d->tool_call_id) : NULL);
        json_object_object_add(tc, "name", d->tool_call_name ? json_object_new_string(d->tool_call_name) : NULL);
        json_object_object_add(tc, "arguments",
                               d->tool_call_arguments
                                   ? json_object_new_string_len(d->tool_call_arguments, (int)d->tool_call_arguments_len)
                                   : NULL);
        json_object_object_add(o, "tool_call", tc);
    }
    if (d->stop_reason_kind == GENAPI_STOP_REASON_TOKEN)
        json_object_object_add(o, "stop_reason", json_object_new_int64(d->stop_token));
    else if (d->stop_reason_kind == GENAPI_STOP_REASON_STRING && d->stop_string)
        json_object_object_add(o, "stop_reason", json_object_new_string(d->stop_string));
    cli_print_json(o);
    fflush(stdout);
    return 0;
}

/* The answer of chat or complete: one of the two is set. */
typedef struct text_answer {
    genapi_chat_result *chat;
    genapi_completion_result *completion;
} text_answer;

/* Sends the request of chat or complete for the text (streamed with --stream). */
typedef genapi_status (*text_send_fn)(genapi_client *client, const cli *c, const char *text,
                                      const genapi_text_params *p, text_answer *out, genapi_error *err);

/* --json: the answer whole. */
static genapi_status print_answer_json(const text_answer *a, genapi_error *err)
{
    char *json = NULL;
    genapi_status st = a->chat ? genapi_chat_result_to_json(a->chat, &json, err)
                               : genapi_completion_result_to_json(a->completion, &json, err);
    if (st == GENAPI_OK)
        printf("%s\n", json);
    if (a->chat)
        genapi_chat_result_string_free(a->chat, json);
    else
        genapi_completion_result_string_free(a->completion, json);
    return st;
}

/* Each choice's text on a line. */
static void print_answer_text(const text_answer *a)
{
    size_t n = a->chat ? a->chat->choice_count : a->completion->choice_count;
    for (size_t i = 0; i < n; i++) {
        const char *s = a->chat ? a->chat->choices[i].content : a->completion->choices[i].text;
        size_t len = a->chat ? a->chat->choices[i].content_len : a->completion->choices[i].text_len;
        if (s)
            fwrite(s, 1, len, stdout);
        fputc('\n', stdout);
    }
}

/* chat and complete: read the text (`what` names it in messages), apply -p / -m, send, print
 * the answer (--stream has printed the deltas: a newline ends them). */
static int text_command(genapi_client *client, const cli *c, const char *what, text_send_fn send_request)
{
    int rc = 0;
    char *text = cli_text_arg(c, what, &rc);
    if (text == NULL)
        return rc;
    genapi_error err;
    genapi_error_clear(&err);
    genapi_text_params p;
    genapi_text_params_init(&p, sizeof p);
    genapi_status st = GENAPI_OK;
    if (text_params(c, &p, &st, &err) != 0) {
        free(text);
        genapi_text_params_clear(&p);
        return 2;
    }
    text_answer a = {NULL, NULL};
    if (st == GENAPI_OK)
        st = send_request(client, c, text, &p, &a, &err);
    if (st == GENAPI_OK && c->stream && !c->json)
        fputc('\n', stdout);
    else if (st == GENAPI_OK && c->json && !c->stream)
        st = print_answer_json(&a, &err);
    else if (st == GENAPI_OK && !c->stream)
        print_answer_text(&a);
    if (st != GENAPI_OK)
        rc = cli_fail(st, &err);
    genapi_chat_result_free(a.chat);
    genapi_completion_result_free(a.completion);
    free(text);
    genapi_text_params_clear(&p);
    return rc;
}

/* chat: the message as the user's, after the --system message. */
static genapi_status send_chat(genapi_client *client, const cli *c, const char *message, const genapi_text_params *p,
                               text_answer *out, genapi_error *err)
{
    genapi_chat_message msgs[2];
    size_t n_msgs = 0;
    if (c->system)
        msgs[n_msgs++] = (genapi_chat_message){.role = "system", .content = c->system};
    msgs[n_msgs++] = (genapi_chat_message){.role = "user", .content = message};
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = msgs;
    req.message_count = n_msgs;
    req.params = p;
    if (c->stream)
        return genapi_chat_stream(client, &req, print_delta, (void *)c, &out->chat, err);
    return genapi_chat_complete(client, &req, &out->chat, err);
}

int cli_chat(genapi_client *client, const cli *c) { return text_command(client, c, "MESSAGE", send_chat); }

/* complete: the prompt as it is. */
static genapi_status send_completion(genapi_client *client, const cli *c, const char *prompt,
                                     const genapi_text_params *p, text_answer *out, genapi_error *err)
{
    genapi_completion_request req = GENAPI_COMPLETION_REQUEST_INIT;
    req.prompt = prompt;
    req.params = p;
    if (c->stream)
        return genapi_complete_stream(client, &req, print_delta, (void *)c, &out->completion, err);
    return genapi_complete(client, &req, &out->completion, err);
}

int cli_complete(genapi_client *client, const cli *c) { return text_command(client, c, "PROMPT", send_completion); }

int cli_tokenize(genapi_client *client, const cli *c)
{
    int rc = 0;
    char *text = cli_text_arg(c, "TEXT", &rc);
    if (text == NULL)
        return rc;
    genapi_tokenize_request req = GENAPI_TOKENIZE_REQUEST_INIT;
    req.model = c->model; /* NULL: GENAPI_MODEL, else the server's default tokenizer */
    req.prompt = text;
    req.return_token_strs = c->json; /* --json prints the whole answer */
    genapi_tokenize_result *res = NULL;
    genapi_error err;
    genapi_status st = genapi_tokenize(client, &req, &res, &err);
    if (st == GENAPI_OK && c->json) {
        json_object *o = json_object_new_object(), *ids = json_object_new_array();
        json_object_object_add(o, "count", json_object_new_int64(res->count));
        json_object_object_add(o, "max_model_len", json_object_new_int64(res->max_model_len));
        for (size_t i = 0; i < res->token_count; i++)
            json_object_array_add(ids, json_object_new_int64(res->tokens[i]));
        json_object_object_add(o, "tokens", ids);
        if (res->token_strs) {
            json_object *strs = json_object_new_array();
            for (size_t i = 0; i < res->token_count; i++)
                json_object_array_add(strs, json_object_new_string(res->token_strs[i]));
            json_object_object_add(o, "token_strs", strs);
        }
        cli_print_json(o);
    } else if (st == GENAPI_OK) {
        for (size_t i = 0; i < res->token_count; i++)
            printf(i ? " %lld" : "%lld", (long long)res->tokens[i]);
        printf("\n");
    }
    genapi_tokenize_result_free(res);
    free(text);
    return st == GENAPI_OK ? 0 : cli_fail(st, &err);
}

static json_object *opt_str(const char *s) { return s ? json_object_new_string(s) : NULL; }

int cli_models(genapi_client *client, const cli *c)
{
    genapi_error err;
    genapi_model_list *list = NULL;
    genapi_status st = genapi_list_text_models(client, &list, &err);
    if (st != GENAPI_OK)
        return cli_fail(st, &err);
    for (size_t i = 0; i < list->count; i++) {
        const genapi_model_info *m = &list->items[i];
        if (!c->json) {
            printf("%s\n", m->id);
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", opt_str(m->id));
        json_object_object_add(o, "object", opt_str(m->object));
        json_object_object_add(o, "created", json_object_new_int64(m->created));
        json_object_object_add(o, "owned_by", opt_str(m->owned_by));
        json_object_object_add(o, "root", opt_str(m->root));
        json_object_object_add(o, "parent", opt_str(m->parent));
        json_object_object_add(o, "engine", opt_str(m->engine));
        json_object_object_add(o, "max_model_len", json_object_new_int64(m->max_model_len));
        cli_print_json(o);
    }
    genapi_model_list_free(list);
    return 0;
}

int cli_params(genapi_client *client, const cli *c)
{
    (void)client;
    const char *kind = c->n_args ? c->args[0] : "text";
    size_t n = 0;
    const genapi_param_desc *d = strcmp(kind, "text") == 0      ? genapi_text_param_table(&n)
                                 : strcmp(kind, "txt2img") == 0 ? genapi_txt2img_param_table(&n)
                                 : strcmp(kind, "img2img") == 0 ? genapi_img2img_param_table(&n)
                                 : strcmp(kind, "upscale") == 0 ? genapi_upscale_param_table(&n)
                                                                : NULL;
    if (d == NULL || c->n_args > 1) {
        fprintf(stderr, "genapi params: KIND is one of text, txt2img, img2img, upscale\n");
        return 2;
    }
    for (size_t i = 0; i < n; i++)
        printf("%-32s %s\n", d[i].json_name, d[i].doc);
    return 0;
}
