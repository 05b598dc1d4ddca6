/* Pieces shared by the text routes (chat, completions, tokenize): request parsing with the
 * parameter table, model checks, generation of n choices, logprobs in both wire formats. */
#ifndef GENAPI_SERVER_TEXT_COMMON_H
#define GENAPI_SERVER_TEXT_COMMON_H

#include "server/backend_internal.h"

/* Most sequences (n, best_of) one request may ask the reference backend for. */
#define GS_MAX_SEQUENCES 128

/* Parse a JSON request body (Content-Type checked) into *root; on failure a 400 is written to r
 * and NULL returned. */
json_object *gs_parse_body(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r);

/* A text route: parses the body, prepares params (allocated with the backend's hooks) and an
 * arena, runs `run`, and frees everything. */
typedef genapi_status (*gs_text_route_fn)(genapi_backend *b, json_object *root, genapi_text_params *p, ga_arena *ar,
                                          genapi_http_response *r, genapi_error *err);
genapi_status gs_run_text_route(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r,
                                gs_text_route_fn run);

/* Parse the table parameters of root into p, check model (404) and ranges (400). Returns 1 if
 * the request may proceed; otherwise the error response is in r. `model_out` receives the
 * model that answers (one of multi_models when given). */
int gs_text_params(genapi_backend *b, json_object *root, genapi_text_params *p, genapi_http_response *r,
                   const char **model_out);

/* Seed of the request, or a random one. */
uint64_t gs_resolve_seed(const genapi_text_params *p);

/* Token ids from a JSON array, checked against the vocabulary; 400 written on error. */
int gs_token_array(genapi_backend *b, json_object *a, ga_arena *ar, int32_t **ids, size_t *n, const char *param,
                   genapi_http_response *r);

/* Chat logprobs {"content": [...]} for a choice. */
json_object *gs_chat_logprobs(const gx_text_engine *e, const gx_logprob *lp, size_t n, size_t top, ga_arena *ar);
/* Completions logprobs {"text_offset", "token_logprobs", "tokens", "top_logprobs"}. Offsets
 * count characters (code points) of the token strings, as the servers do; `offset` is the
 * number of characters before the first token. Entries with rank -1 give null values. */
json_object *gs_completion_logprobs(const gx_text_engine *e, const gx_logprob *lp, size_t n, size_t offset,
                                    ga_arena *ar);
/* prompt_logprobs: [null, {"<id>": {"logprob", "rank", "decoded_token"}}, ...]. */
json_object *gs_prompt_logprobs(const gx_text_engine *e, const gx_logprob *lp, size_t n, ga_arena *ar);

/* Chat messages of a request body (chat and tokenize). */
genapi_status gs_parse_chat_messages(ga_arena *ar, json_object *root, gx_message **msgs, size_t *n, genapi_error *err);

/* Logit offsets of the model's LoRA adapter scaled by `multiplier`, or NULL for a base model. */
const float *gs_adapter(genapi_backend *b, const genapi_text_params *p, const char *model, ga_arena *ar);

/* A stream that cannot be incremental (best_of > n, beam search): one event holding the whole
 * response, then [DONE]. Consumes `response`. */
genapi_status gs_respond_fake_stream(genapi_backend *b, genapi_http_response *r, json_object *response);

/* Number of code points in UTF-8 text (continuation bytes not counted). */
size_t gs_utf8_chars(const char *s, size_t len);

/* usage object. */
json_object *gs_usage(int64_t prompt_tokens, int64_t completion_tokens);

#endif
