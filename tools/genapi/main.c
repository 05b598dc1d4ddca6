/* genapi: command-line client of libgenapi.
 *
 *   genapi [options] COMMAND [options] ARGS
 *
 * Without a base URL (flag or GENAPI_BASE_URL) it runs on the in-process reference backend.
 * Results go to stdout, diagnostics (errors, the log, the progress bar) to stderr; failures
 * exit 1, usage errors 2. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/secret.h"
#include "cli.h"

static const cli_command COMMANDS[] = {
    {"chat", cli_chat, 1, "chat [options] [MESSAGE...|-]", "one chat completion; prints the reply",
     "Sends MESSAGE (the arguments joined by spaces; standard input when there are none or '-')\n"
     "as the user's message and prints the reply of each choice.\n"
     "  -s, --system TEXT  a system message first\n"
     "  -m, --model NAME   model (default: GENAPI_MODEL, else the server's first listed model)\n"
     "  -p NAME=VALUE      any text parameter (genapi params text), e.g. -p temperature=0.2\n"
     "  --stream           print the reply as it is generated\n"
     "  --json             the whole result as JSON; with --stream, one JSON line per delta and\n"
     "                     nothing else\n"},
    {"complete", cli_complete, 1, "complete [options] [PROMPT...|-]", "one text completion; prints the continuation",
     "Sends PROMPT (arguments, or standard input) and prints the text of each choice.\n"
     "  -m, --model NAME   model (default: GENAPI_MODEL, else the server's first listed model)\n"
     "  -p NAME=VALUE      any text parameter (genapi params text)\n"
     "  --stream           print the text as it is generated\n"
     "  --json             the whole result as JSON (token_ids included when the server sends them);\n"
     "                     with --stream, one JSON line per delta and nothing else\n"},
    {"tokenize", cli_tokenize, 1, "tokenize [options] [TEXT...|-]", "prints the token ids of TEXT",
     "Prints the ids of TEXT's tokens, space-separated.\n"
     "  -m, --model NAME   whose tokenizer (default: GENAPI_MODEL, else the server's default)\n"
     "  --json             count, max_model_len, tokens and token_strs as JSON\n"},
    {"txt2img", cli_txt2img, 1, "txt2img [options] [PROMPT...|-]", "generates images from a prompt",
     "Generates images and writes them: with -o PATH one image goes to exactly PATH, a batch to\n"
     "PATH-0.EXT, PATH-1.EXT, … (the number before the extension); without -o, genapi.png or\n"
     "genapi-0.png, …. Prints the file names. A progress bar goes to stderr when it is a terminal.\n"
     "  -m, --model NAME   sd_model_checkpoint (default: GENAPI_IMAGE_MODEL, else the server's first\n"
     "                     image model; WebUI servers use their loaded model)\n"
     "  -p NAME=VALUE      any txt2img parameter (genapi params txt2img), e.g. -p steps=20\n"
     "  -o, --out PATH     output file (see above)\n"
     "  --json             the files, their sizes, and the decoded info document as JSON\n"},
    {"img2img", cli_img2img, 1, "img2img --init FILE [--mask FILE] [options] [PROMPT...|-]",
     "redraws an image (inpaints with --mask)",
     "Redraws the --init image (PNG, JPEG or WebP, sent unchanged) toward PROMPT; with --mask,\n"
     "repaints only the white part. Output files, progress and --json as for txt2img.\n"
     "  --init FILE        the image to start from (repeatable)\n"
     "  --mask FILE        the inpainting mask\n"
     "  -m, --model NAME   sd_model_checkpoint (default as for txt2img)\n"
     "  -p NAME=VALUE      any img2img parameter (genapi params img2img), e.g. -p denoising_strength=0.5\n"
     "  -o, --out PATH     output file\n"},
    {"upscale", cli_upscale, 1, "upscale [options] FILE", "upscales an image",
     "Upscales FILE (PNG, JPEG or WebP) and writes the result (-o PATH, default genapi.png).\n"
     "  --scale FACTOR     scale by FACTOR (upscaling_resize, resize_mode 0)\n"
     "  --to WxH           scale to W x H (resize_mode 1, upscaling_resize_w / _h)\n"
     "  --upscaler NAME    upscaler_1 (genapi upscalers lists them)\n"
     "  -p NAME=VALUE      any upscale parameter (genapi params upscale)\n"
     "  -o, --out PATH     output file\n"
     "  --json             the file and html_info as JSON\n"},
    {"models", cli_models, 1, "models [--json]", "lists text-generation models",
     "One id per line; --json prints each model as a JSON line (id, object, created, owned_by,\n"
     "root, parent, engine, max_model_len).\n"},
    {"image-models", cli_image_models, 1, "image-models [--json]", "lists image models (checkpoints)",
     "One title per line (what sd_model_checkpoint takes); --json adds model_name, hash, sha256 and\n"
     "filename.\n"},
    {"samplers", cli_samplers, 1, "samplers [--json]", "lists image samplers",
     "One sampler name per line (what sampler_name takes); --json adds the aliases.\n"},
    {"upscalers", cli_upscalers, 1, "upscalers [--json]", "lists upscalers",
     "One upscaler name per line (what --upscaler takes); --json adds model_name and scale.\n"},
    {"options", cli_options, 1, "options [--json] [NAME...]", "prints the image server's options",
     "Every option as 'NAME VALUE' (the value as JSON), or only the NAMEs given; --json prints one\n"
     "JSON object.\n"},
    {"params", cli_params, 0, "params [text|txt2img|img2img|upscale]", "lists the parameters of a request kind",
     "Every parameter -p takes for that kind of request, with its description (default: text).\n"},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static const char GLOBAL_OPTIONS[] =
    "options (before or after the command):\n"
    "  --base-url URL       server root or .../v1 (default: GENAPI_BASE_URL, else in-process)\n"
    "  --api-key-file PATH  read the bearer key from the first line of PATH ('-': standard input)\n"
    "  --api-key-stdin      read the bearer key from the first line of standard input\n"
    "  --api-key KEY        the bearer key itself; other users of this machine can read it in\n"
    "                       ps / /proc while genapi runs: prefer --api-key-file or GENAPI_API_KEY\n"
    "  --timeout SECONDS    bound on each call, every retry included (default 600)\n"
    "  --webui              image routes under /sdapi/v1 (AUTOMATIC1111 / SD.Next servers)\n"
    "  -v, -vv              log to stderr: -v calls, timings and retries; -vv also request and\n"
    "                       response bodies (GENAPI_LOG=error|warn|info|debug does the same); the\n"
    "                       API key never appears\n"
    "  -h, --help           help (genapi COMMAND --help: that command's)\n"
    "  --version            library version\n";

static void usage(FILE *f)
{
    fprintf(f, "usage: genapi [options] COMMAND [options] ARGS\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-14s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f, "\n%s\ngenapi COMMAND --help describes a command and its options.\n", GLOBAL_OPTIONS);
}

static void command_usage(FILE *f, const cli_command *cmd)
{
    fprintf(f, "usage: genapi %s\n\n%s\n%s", cmd->synopsis, cmd->details, GLOBAL_OPTIONS);
}

/* Edit distance of two short words (command names), for "did you mean". */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la >= 64 || lb >= 64)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            return &COMMANDS[i];
    return NULL;
}

static int parse_args(int argc, char **argv, cli *c)
{
    memset(c, 0, sizeof *c);
    c->params = calloc((size_t)argc, sizeof *c->params);
    c->args = calloc((size_t)argc, sizeof *c->args);
    c->inits = calloc((size_t)argc, sizeof *c->inits);
    if (c->params == NULL || c->args == NULL || c->inits == NULL)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        static const struct {
            const char *flag;
            size_t offset;
        } VALUED[] = {
            {"--base-url", offsetof(cli, base_url)}, {"--api-key", offsetof(cli, api_key)},
            {"--api-key-file", offsetof(cli, api_key_file)}, {"-m", offsetof(cli, model)},
            {"--model", offsetof(cli, model)}, {"-s", offsetof(cli, system)}, {"--system", offsetof(cli, system)},
            {"-o", offsetof(cli, out)}, {"--out", offsetof(cli, out)}, {"--mask", offsetof(cli, mask)},
            {"--upscaler", offsetof(cli, upscaler)}, {"--scale", offsetof(cli, scale)}, {"--to", offsetof(cli, to)},
            {"--timeout", offsetof(cli, timeout)},
        };
        int inline_value = 0; /* --flag=VALUE */
        for (size_t k = 0; k < sizeof VALUED / sizeof VALUED[0] && slot == NULL; k++) {
            size_t n = strlen(VALUED[k].flag);
            const char **field = (const char **)(void *)((char *)c + VALUED[k].offset);
            if (strcmp(a, VALUED[k].flag) == 0) {
                slot = field;
            } else if (strncmp(a, VALUED[k].flag, n) == 0 && a[n] == '=' && VALUED[k].flag[1] == '-') {
                *field = a + n + 1;
                inline_value = 1;
                break;
            }
        }
        if (inline_value)
            continue;
        if (slot == NULL && (strcmp(a, "-p") == 0 || strcmp(a, "--param") == 0))
            slot = &c->params[c->n_params++];
        else if (slot == NULL && strcmp(a, "--init") == 0)
            slot = &c->inits[c->n_inits++];
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "genapi: option %s needs a value\n", a);
                return -1;
            }
            *slot = argv[++i];
        } else if (strcmp(a, "--json") == 0) {
            c->json = 1;
        } else if (strcmp(a, "--stream") == 0) {
            c->stream = 1;
        } else if (strcmp(a, "--webui") == 0) {
            c->webui = 1;
        } else if (strcmp(a, "--api-key-stdin") == 0) {
            c->api_key_stdin = 1;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            c->verbose++;
        } else if (strcmp(a, "-vv") == 0) {
            c->verbose += 2;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            c->help = 1;
        } else if (strcmp(a, "--version") == 0) {
            printf("genapi %s\n", genapi_version());
            exit(0);
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc)
                c->args[c->n_args++] = argv[i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "genapi: unknown option %s (see genapi%s%s --help)\n", a, c->command ? " " : "",
                    c->command ? c->command : "");
            return -1;
        } else if (c->command == NULL) {
            c->command = a;
        } else {
            c->args[c->n_args++] = a;
        }
    }
    return 0;
}

/* ---- the log hook ------------------------------------------------------------------------- */

static void log_to_stderr(int32_t level, const char *message, void *user)
{
    (void)user;
    static const char *const NAMES[] = {"?", "error", "warn", "info", "debug"};
    fprintf(stderr, "genapi: %s: %s\n", NAMES[level >= 1 && level <= 4 ? level : 0], message);
}

/* The log level: -v / -vv, else GENAPI_LOG; 0 = none, -1 after a message (bad GENAPI_LOG). */
static int log_level(const cli *c)
{
    if (c->verbose)
        return c->verbose >= 2 ? GENAPI_LOG_DEBUG : GENAPI_LOG_INFO;
    const char *e = getenv("GENAPI_LOG");
    if (e == NULL || e[0] == '\0' || strcasecmp(e, "off") == 0 || strcmp(e, "0") == 0)
        return 0;
    static const char *const NAMES[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (strcasecmp(e, NAMES[i]) == 0)
            return i + 1;
    fprintf(stderr, "genapi: GENAPI_LOG must be off, error, warn, info or debug, got '%s'\n", e);
    return -1;
}

/* ---- running a command -------------------------------------------------------------------- */

static int run(cli *c, const cli_command *cmd)
{
    if (!cmd->needs_client)
        return cmd->run(NULL, c);
    genapi_client_config cfg;
    genapi_client_config_init(&cfg, sizeof cfg);
    cfg.base_url = c->base_url;
    cfg.image_api = c->webui ? GENAPI_IMAGE_API_WEBUI : GENAPI_IMAGE_API_HOSTED;
    if (c->timeout) {
        char *end;
        double s = strtod(c->timeout, &end);
        if (end == c->timeout || *end != '\0' || !(s > 0) || s > 30.0 * 86400) {
            fprintf(stderr, "genapi: --timeout must be a number of seconds in (0, 2592000], got '%s'\n", c->timeout);
            return 2;
        }
        cfg.timeout_ms = (int64_t)(s * 1000 + 0.5);
        if (cfg.timeout_ms == 0)
            cfg.timeout_ms = 1;
    }
    int level = log_level(c);
    if (level < 0)
        return 2;
    if (level > 0) {
        cfg.log_fn = log_to_stderr;
        cfg.log_level = level;
    }
    int key_sources = (c->api_key != NULL) + (c->api_key_file != NULL) + c->api_key_stdin;
    if (key_sources > 1) {
        fprintf(stderr, "genapi: give one of --api-key, --api-key-file and --api-key-stdin\n");
        return 2;
    }
    char *key = NULL;
    if (c->api_key_file || c->api_key_stdin) {
        const char *path = c->api_key_file ? c->api_key_file : "-";
        key = tool_secret_read("genapi", path);
        if (key == NULL)
            return 2;
        c->stdin_taken = strcmp(path, "-") == 0;
    }
    cfg.api_key = key ? key : c->api_key;
    genapi_client *client = NULL;
    genapi_error err;
    genapi_status st = genapi_client_new(&cfg, &client, &err);
    tool_secret_free(key); /* the client keeps its own guarded copy */
    if (st != GENAPI_OK)
        return cli_fail(st, &err);
    int rc = cmd->run(client, c);
    genapi_client_free(client);
    return rc;
}

int main(int argc, char **argv)
{
    cli c;
    int rc;
    if (parse_args(argc, argv, &c) != 0) {
        rc = 2;
    } else if (c.command == NULL || strcmp(c.command, "help") == 0) {
        const cli_command *cmd = c.command && c.n_args ? find_command(c.args[0]) : NULL;
        if (cmd)
            command_usage(stdout, cmd);
        else
            usage(c.help || c.command ? stdout : stderr);
        rc = c.help || c.command ? 0 : 2;
    } else {
        const cli_command *cmd = find_command(c.command);
        if (cmd == NULL) {
            const char *near = NULL;
            size_t best = 3;
            for (size_t i = 0; i < N_COMMANDS; i++) {
                size_t d = distance(c.command, COMMANDS[i].name);
                if (d < best) {
                    best = d;
                    near = COMMANDS[i].name;
                }
            }
            fprintf(stderr, "genapi: unknown command '%s'%s%s%s (see genapi --help)\n", c.command,
                    near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
            rc = 2;
        } else if (c.help) {
            command_usage(stdout, cmd);
            rc = 0;
        } else {
            rc = run(&c, cmd);
        }
    }
    free(c.params);
    free(c.args);
    free(c.inits);
    return rc;
}
