/* genapi, the command-line client (internal to the tool). */
#ifndef GENAPI_CLI_H
#define GENAPI_CLI_H

#include <stddef.h>
#include <stdio.h>

#include <genapi/genapi.h>

/* Most bytes a message or prompt read from standard input may have. */
#define CLI_STDIN_MAX (16u * 1024u * 1024u)

/* The command line, parsed. */
typedef struct cli {
    const char *base_url, *api_key, *api_key_file, *model, *system, *out;
    const char *mask, *upscaler, *scale, *to, *timeout;
    int api_key_stdin, json, stream, webui, verbose, help;
    const char *command;
    const char **params; /* "NAME=VALUE" */
    size_t n_params;
    const char **args;
    size_t n_args;
    const char **inits; /* img2img --init files */
    size_t n_inits;
    int stdin_taken;    /* standard input was read for the key */
} cli;

/* One command: its handler, and the help `genapi COMMAND --help` prints. */
typedef struct cli_command {
    const char *name;
    int (*run)(genapi_client *client, const cli *c); /* client is NULL when needs_client is 0 */
    int needs_client;
    const char *synopsis; /* after "genapi " */
    const char *summary;  /* one line, for genapi --help */
    const char *details;  /* the command's options and behaviour */
} cli_command;

/* Print "genapi: error: STATUS: message (param: …) [HTTP n]" to stderr; returns 1. */
int cli_fail(genapi_status st, const genapi_error *err);

/* The text of a message or prompt: the arguments joined by spaces, or standard input when
 * there are none or the only one is "-" (at most CLI_STDIN_MAX bytes, one trailing newline
 * dropped). malloc'ed; NULL after a message on stderr (*rc set: 2 for a usage error). */
char *cli_text_arg(const cli *c, const char *what, int *rc);

/* Apply every -p NAME=VALUE through set(); 0, or 2 after a message on stderr; *st and err are
 * the library's answer for a bad name or value. */
typedef genapi_status (*cli_set_fn)(void *params, const char *name, const char *value, genapi_error *err);
int cli_apply_params(const cli *c, void *params, cli_set_fn set, genapi_status *st, genapi_error *err);

/* A whole file as base64 (bytes unchanged); NULL and *st set on failure. Free with
 * genapi_free(genapi_client_allocator(client), …). */
char *cli_file_base64(genapi_client *client, const char *path, genapi_status *st, genapi_error *err);

/* Print a JSON value (json-c object, consumed) and a newline to stdout. */
struct json_object;
void cli_print_json(struct json_object *o);

/* Commands (text.c, image.c). */
int cli_chat(genapi_client *client, const cli *c);
int cli_complete(genapi_client *client, const cli *c);
int cli_tokenize(genapi_client *client, const cli *c);
int cli_models(genapi_client *client, const cli *c);
int cli_params(genapi_client *client, const cli *c);
int cli_txt2img(genapi_client *client, const cli *c);
int cli_img2img(genapi_client *client, const cli *c);
int cli_upscale(genapi_client *client, const cli *c);
int cli_image_models(genapi_client *client, const cli *c);
int cli_samplers(genapi_client *client, const cli *c);
int cli_upscalers(genapi_client *client, const cli *c);
int cli_options(genapi_client *client, const cli *c);

#endif
