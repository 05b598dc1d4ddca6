/* Bounds on the work one request may ask of the reference backend (internal).
 *
 * Every number a request is held to is here, with the reason it has its value; the table in
 * doc/reference-backend.md ("Limits") repeats them. The route handlers check them while they
 * parse and validate, before any token or pixel is made, and refuse in the shapes the real
 * servers use for parameter errors: text routes vLLM's 400 {"error": {"message", "type":
 * "BadRequestError", "param", "code": 400}}, image routes FastAPI's 422 {"detail": [{"loc":
 * ["body", PARAM], ...}]}. Everything a request can ask for below the limits runs; the deadline
 * (GS_MAX_REQUEST_S) ends whatever still runs too long.
 *
 * Costs quoted are on the reference machine (2 shared vCPUs, RelWithDebInfo): a generated token
 * costs about 80 us, a megapixel about 0.5 s of generation and PNG encoding. */
#ifndef GENAPI_SERVER_LIMITS_H
#define GENAPI_SERVER_LIMITS_H

#include <stdint.h>

#include "server/backend_internal.h"

/* ---- text ---------------------------------------------------------------------------------- */

/* Sequences generated at once (n, or best_of when larger; the beam width), summed over the
 * prompts of a request. Every step of the request advances all of them (one model evaluation
 * each), so this bounds the cost of a step: 128 sequences are about 10 ms. */
#define GS_LIMIT_SEQUENCES 128

/* Tokens a request may ask to generate: sequences x max_tokens (the room left in the context
 * when max_tokens is unset), summed over prompts, plus one evaluation per prompt token whose
 * logprobs are asked for. 262,144 tokens are about 21 s of one worker: a full context (4,096)
 * for each of 64 choices, or 2,048 tokens for each of 128. */
#define GS_LIMIT_TOKENS (256L * 1024L)

/* Logprob entries an answer assembled whole may hold: generated tokens x (top alternatives + 1)
 * over every sequence, plus prompt tokens x (prompt_logprobs + 1). A chat entry holds about
 * 1.8 KB of JSON tree while the answer is built: 86,016 entries (one full context with the 20
 * alternatives the servers allow) stay under 160 MB. Whole are the answers without stream, and
 * the streams that hold their choices until the end (best_of > n, beam search, output_kind
 * final_only). A stream written as tokens settle keeps only the raw entries (about 9 bytes
 * each) and builds the JSON of one step at a time: GS_LIMIT_TOKENS bounds it. */
#define GS_LIMIT_LOGPROB_ENTRIES (4096L * 21L)

/* Bytes of text one request has tokenized: all its prompts, or all its message contents and
 * roles. Tokenizing runs where the request is parsed (a connection thread of genapi-server):
 * 1 MiB is 16 full contexts of text, about 5 ms for ordinary text and 0.2 s at worst. A prompt
 * that must fit the context (no truncate_prompt_tokens) is refused before tokenizing when its
 * bytes alone show it cannot (gs_check_prompt_fits). */
#define GS_LIMIT_TEXT_BYTES (1024L * 1024L)

/* Guided decoding is held to a work budget inside the engine, which knows nothing of the server:
 * GD_WORK_COMPILE (4 Mi units, about 0.1 s, to compile, the start state's allowed tokens
 * included) and GD_WORK_BUDGET (16 Mi units over the constraint's life) in
 * lib/engine/text/guided/guided_internal.h. Past them the request is refused naming its
 * guided parameter, or its generation fails with that error. */

/* ---- request bodies ------------------------------------------------------------------------ */

/* Memory the parsed JSON of a request body may take, estimated before parsing from the body's
 * structure (json-c: about 784 bytes per object, 144 per array, 88 per other value, plus the
 * bytes of the text). A body of 64 MiB of "{}," would otherwise grow to 16 GB; the largest
 * realistic text body (128 prompts of 4,095 token ids) is about 47 MB, an image body its
 * base64 text. Refused with 413. */
#define GS_LIMIT_JSON_MEMORY (128L * 1024L * 1024L)
#define GS_JSON_OBJECT_COST 784
#define GS_JSON_ARRAY_COST 144
#define GS_JSON_VALUE_COST 88

/* ---- images -------------------------------------------------------------------------------- */

/* Pixels of a txt2img / img2img batch: width x height x batch_size. 4096 x 4096 (the largest
 * image the parameter tables accept), or 64 images of 512 x 512, is about 8.5 s and 125 MB
 * (the image, its PNG and the base64 answer). */
#define GS_LIMIT_IMAGE_PIXELS (4096L * 4096L)

/* Sampling work of a batch: width x height x batch_size x steps. The real servers' cost grows
 * with steps; the reference engine's barely does (its detail converges: 1024 x 1024 takes
 * 0.50 s at 1 step, 0.56 s at 150), so the limit keeps requests to what one 4096 x 4096 image
 * at 50 steps costs a real server, and clients tested here meet the refusal a deployment
 * would give. */
#define GS_LIMIT_IMAGE_PIXEL_STEPS (4096L * 4096L * 50L)

/* Pixels of an upscaled image: 4096 x 4096 takes 8-12 s and 120-160 MB (8192 x 8192 would take
 * 75 s and 440 MB). */
#define GS_LIMIT_UPSCALE_PIXELS (4096L * 4096L)

/* Pixels of a decoded input image (img2img init_images and mask, the upscale image), checked on
 * the header before decoding: 32 Mi pixels (a photo of a 24 or 32 megapixel camera), 128 MiB
 * decoded. Larger inputs get the answer the WebUI gives an image it cannot decode (500
 * "Invalid encoded image"; PIL refuses decompression bombs the same way). */
#define GS_LIMIT_INPUT_PIXELS (8192L * 4096L)

/* ---- connections (genapi-server's front, http_front.c) ------------------------------------- */

/* Largest request body accepted; bigger bodies are answered 413. */
#define GS_MAX_BODY (64u * 1024u * 1024u)
/* Connections served at once (lowered to fit the process's descriptor limit). */
#define GS_CONNECTION_LIMIT 1024u
/* Seconds a connection may stay without any traffic (idle keep-alive, or a client that does
 * not read its stream) before it is closed; a suspended connection (waiting for its
 * generation) does not count as idle. */
#define GS_IDLE_TIMEOUT_S 60u
/* Seconds a connection has to send a request whole (head and body), from when it is ready for
 * one (accepted, or its previous answer sent): a client that trickles a byte at a time, never
 * idle for GS_IDLE_TIMEOUT_S, is closed then. A 64 MiB body needs 0.55 MB/s. */
#define GS_RECEIVE_TIMEOUT_S 120u
/* A worker stops stepping a job while its client has more than this many bytes unread. */
#define GS_UNREAD_MAX (1024u * 1024u)

/* ---- time ---------------------------------------------------------------------------------- */

/* Wall time a generation may run, from its first step (time waiting in genapi-server's queue
 * does not count): past it the job ends. A stream ends with an in-band error event and
 * [DONE]; a whole answer is a 504 {"error": {"message", "type": "Gateway Timeout", "param":
 * null, "code": 504}} (the image routes: {"error": "HTTPException", "code": 504, "detail", ...}).
 * genapi-server's --max-request-seconds, or GENAPI_SERVER_MAX_REQUEST_SECONDS for
 * genapi_server_start(), sets it for a server; gs_backend_set_max_request_ms() for a backend. */
#define GS_MAX_REQUEST_S 300

/* Milliseconds a backend gives a generation: ms > 0 sets it, 0 removes the deadline, < 0 restores
 * GS_MAX_REQUEST_S. Jobs take the value when they start. */
void gs_backend_set_max_request_ms(genapi_backend *b, int64_t ms);
/* The deadline in milliseconds a job begun now gets, or 0 for none. */
int64_t gs_backend_max_request_ms(const genapi_backend *b);

/* ---- checks -------------------------------------------------------------------------------- */

/* 1 when a JSON body of len bytes may be parsed; else 0 with a 413 in r. */
int gs_check_json_body(genapi_backend *b, const char *body, size_t len, genapi_http_response *r);

/* 1 when `bytes` (the running total of text a request has tokenized or will tokenize) is within
 * GS_LIMIT_TEXT_BYTES; else 0 with a 400 naming param in r. */
int gs_check_text_bytes(genapi_backend *b, size_t bytes, const char *param, genapi_http_response *r);

/* Fewest tokens `bytes` of text can become: ceil(bytes / the longest token's bytes). */
size_t gs_min_tokens(const genapi_backend *b, size_t bytes);

/* Before tokenizing a prompt that must fit the context (no truncate_prompt_tokens): at_least is
 * a lower bound on its tokens (gs_min_tokens of each run of text tokenized on its own, plus the
 * tokens known without tokenizing) and bytes its text. 1 when it may fit; else 0 with vLLM's
 * context-length 400 naming param. */
int gs_check_prompt_fits(genapi_backend *b, const genapi_text_params *p, size_t at_least, size_t bytes,
                         const char *param, genapi_http_response *r);

/* Sequences of one prompt (n, or best_of when set). */
int64_t gs_sequences(const genapi_text_params *p);

/* 1 when n_prompts prompts of gs_sequences(p) sequences each are within GS_LIMIT_SEQUENCES;
 * else 0 with a 400 naming n or best_of. */
int gs_check_sequences(genapi_backend *b, const genapi_text_params *p, size_t n_prompts, genapi_http_response *r);

/* What a request asks for so far, summed over its prompts. */
typedef struct gs_budget {
    int64_t tokens;   /* GS_LIMIT_TOKENS */
    int64_t logprobs; /* GS_LIMIT_LOGPROB_ENTRIES */
} gs_budget;

/* 1 when the answer of a request with these parameters is assembled whole (no stream, or a
 * stream that holds its choices until the end: best_of > n, beam search, final_only). */
int gs_answer_is_whole(const genapi_text_params *p, int stream);

/* Add one prompt of n_prompt tokens (after truncation) to u: its sequences x max_tokens
 * (default_max_tokens when max_tokens is unset, <= 0 = the rest of the context), and for an
 * answer assembled whole (`whole`) their logprob entries when top >= 0 (alternatives per token;
 * top_param names the parameter that asked) and prompt_top >= 0 prompt logprobs (alternatives
 * per prompt token; prompt_param names it). 1 when u stays within the limits; else 0 with a
 * 400 naming the parameter to lower. */
int gs_budget_add(genapi_backend *b, gs_budget *u, const genapi_text_params *p, size_t n_prompt,
                  int64_t default_max_tokens, int whole, int64_t top, const char *top_param, int64_t prompt_top,
                  const char *prompt_param, genapi_http_response *r);

#endif
