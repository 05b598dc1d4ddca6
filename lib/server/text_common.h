/* Pieces shared by the text routes (chat, completions, tokenize): request parsing with the
 * parameter table, model checks, logprobs in both wire formats, and the job that runs a chat or
 * completions generation in steps (text_job.c). What a request may ask for is bounded by
 * limits.h, checked here and in the routes before the job starts. */
#ifndef GENAPI_SERVER_TEXT_COMMON_H
#define GENAPI_SERVER_TEXT_COMMON_H

#include "engine/text/gen.h"
#include "server/backend_internal.h"
#include "server/job.h"
#include "server/stream.h"

/* Parse a JSON request body (Content-Type checked, its parsed size bounded: limits.h) into
 * *root; on failure a 400 (413 for a body too complex to parse) is written to r and NULL
 * returned. */
json_object *gs_parse_body(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r);

/* A text request as a route holds it: the parsed body, the parameters (allocated with the
 * backend's hooks, which they point at: the struct must not move once set up) and an arena for
 * everything else the answer needs. */
typedef struct gs_text_req {
    json_object *root;
    genapi_text_params p;
    genapi_allocator hooks;
    ga_arena ar;
} gs_text_req;

/* Parse the body of req into t. Returns 1, or 0 with t empty and a 400 written to r. */
int gs_text_req_init(genapi_backend *b, const genapi_http_request *req, gs_text_req *t, genapi_http_response *r);
/* Free everything t holds (nothing when it was never set up). */
void gs_text_req_clear(gs_text_req *t);

/* Parse the table parameters of root into p, check model (404) and ranges (400). Returns 1 if
 * the request may proceed; otherwise the error response is in r. `model_out` receives the
 * model that answers (one of multi_models when given). */
int gs_text_params(genapi_backend *b, json_object *root, genapi_text_params *p, genapi_http_response *r,
                   const char **model_out);

/* Seed of the request, or a random one. */
uint64_t gs_resolve_seed(const genapi_text_params *p);

/* A boolean member of the request through the typed reader: absent or null gives dflt; another
 * type answers 400 naming the field and returns 0. */
int gs_bool_member(genapi_backend *b, json_object *root, const char *key, int dflt, int *out, genapi_http_response *r);

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

/* Chat messages of a request body (chat and tokenize). Their roles and contents together may
 * hold at most GS_LIMIT_TEXT_BYTES (a 400 naming messages beyond). *at_least (may be NULL)
 * receives a lower bound on the tokens the chat template makes of them (generation prompt
 * included), *bytes (may be NULL) their bytes. */
genapi_status gs_parse_chat_messages(ga_arena *ar, json_object *root, gx_message **msgs, size_t *n, size_t *bytes,
                                     size_t *at_least, const genapi_backend *b, genapi_error *err);

/* Logit offsets of the model's LoRA adapter scaled by `multiplier`, or NULL for a base model. */
const float *gs_adapter(genapi_backend *b, const genapi_text_params *p, const char *model, ga_arena *ar);

/* A stream that cannot be incremental (best_of > n, beam search): one event holding the whole
 * response, then [DONE]. Consumes `response`. */
genapi_status gs_respond_fake_stream(genapi_backend *b, genapi_http_response *r, json_object *response);

/* Number of code points in UTF-8 text (continuation bytes not counted). */
size_t gs_utf8_chars(const char *s, size_t len);

/* usage object. */
json_object *gs_usage(int64_t prompt_tokens, int64_t completion_tokens);

/* ---- generation jobs (text_job.c) -------------------------------------------------------- */

/* The generation of one prompt's choices inside a text job. */
typedef struct gs_text_gen {
    gx_gen_request req;        /* what the generation borrows lives in the job */
    gx_gen *gen;               /* working state until it ends */
    int ended;                 /* choices and completion_tokens are final */
    gx_choice *choices;        /* in the job's arena */
    size_t n_choices;
    int64_t completion_tokens;
} gs_text_gen;

typedef struct gs_text_job gs_text_job;

/* Prompt logprobs a text job computes in its first steps, a few positions per step. */
typedef struct gs_plp_task {
    const int32_t *ids;  /* the prompt (in the job) */
    size_t n, top, next; /* tokens, alternatives per token, next position to compute */
    gx_logprob *lp;      /* n entries, in the job's arena */
} gs_plp_task;

/* The whole answer once every generation ended: a JSON body, or one event holding it for a
 * stream that is not incremental. */
typedef genapi_status (*gs_text_answer_fn)(gs_text_job *t, genapi_http_response *r);

/* A chat or completions request answered in steps. The route parses and checks everything at
 * once (errors are answered then, without a job), adds one generation per prompt, and starts
 * the job. Each step then advances every running generation by one gx_gen_step (the prompts of
 * a request generate together, so a step costs one model evaluation per running sequence of
 * every prompt) and, for a stream, writes the chunks that settled; a whole answer is assembled
 * in the step after the last generation step. A failure while generating becomes the error
 * answer the route gives for it; a stream, whose head is out from the start, ends with an
 * in-band error event and [DONE] instead. Freeing the job at any step stops the generations. */
struct gs_text_job {
    gs_job job;
    gs_text_req req;
    gs_text_answer_fn answer;
    void *route;               /* the route's own state, in req.ar */
    gd_constraint *guided;     /* owned, or NULL; the generations share it (a cursor each) */
    gs_text_gen *gens;         /* one per prompt, in req.ar */
    size_t n_gens, cap_gens;
    size_t per_gen;            /* choices of each generation (n) */
    int incremental;           /* a stream written as tokens settle */
    int generated;             /* every generation ended */
    gs_stream stream;
    ga_arena scratch;          /* chunk texts of one step */
    gs_plp_task *plp;          /* prompt logprobs still to compute (before any token), in req.ar */
    size_t n_plp, cap_plp, plp_done;
    float *plp_logits;         /* their scratch (vocab-sized), or NULL */
};

/* A job for req with its body parsed into job->req. Returns NULL with the answer in r (400 for
 * a body that is not a JSON object) and *st its status, or with *st GENAPI_E_NOMEM. */
gs_text_job *gs_text_job_new(genapi_backend *b, const genapi_http_request *req, gs_text_answer_fn answer,
                             genapi_http_response *r, genapi_status *st);

/* A text route: a job made with `answer`, prepared by `prepare` (which writes the error answer
 * to r and returns 0 when the request is refused), handed back in *job. */
typedef int (*gs_text_prepare_fn)(gs_text_job *t, genapi_http_response *r, genapi_status *st);
genapi_status gs_text_route(genapi_backend *b, const genapi_http_request *req, genapi_http_response *r, gs_job **job,
                            gs_text_answer_fn answer, gs_text_prepare_fn prepare);

/* Prompt logprobs of ids[0..n-1] with `top` alternatives, computed by the job's first steps
 * (every prompt token costs a model evaluation: the route that parses the request does none of
 * them). *out is set at once to the entries, which are filled in before any generation step. */
genapi_status gs_text_job_prompt_logprobs(gs_text_job *t, const int32_t *ids, size_t n, size_t top, gx_logprob **out,
                                          genapi_error *err);

/* Room for n_gens generations. */
genapi_status gs_text_job_reserve(gs_text_job *t, size_t n_gens, genapi_error *err);

/* Begin a generation of gr (copied; what it points to must live in the job: its guided
 * constraint is job->guided). */
genapi_status gs_text_job_add(gs_text_job *t, const gx_gen_request *gr, genapi_error *err);

/* Ready to step. For a stream whose generations are incremental the head (200
 * text/event-stream) is set at once and info (copied; completion_tokens filled in at the end)
 * describes its chunks; chat streams open with the role chunks. Otherwise the head comes with
 * the whole answer. */
genapi_status gs_text_job_start(gs_text_job *t, int stream, int chat, const gs_stream_info *info, genapi_error *err);

/* Completion tokens of every generation (once they all ended). */
int64_t gs_text_job_completion_tokens(const gs_text_job *t);

#endif
