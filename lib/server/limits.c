/* The checks that hold a request to the limits of limits.h. */
#include "server/limits.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "engine/text/engine.h"
#include "server/stream.h"

#define IS(p, f) genapi_text_params_is_set((p), GENAPI_TEXT_PARAM_##f)

void gs_backend_set_max_request_ms(genapi_backend *b, int64_t ms)
{
    if (b)
        atomic_store_explicit(&b->max_request_ms, ms > 0 ? ms : ms == 0 ? -1 : 0, memory_order_relaxed);
}

int64_t gs_backend_max_request_ms(const genapi_backend *b)
{
    int64_t ms = b ? atomic_load_explicit(&b->max_request_ms, memory_order_relaxed) : 0;
    if (ms == 0)
        return (int64_t)GS_MAX_REQUEST_S * 1000;
    return ms > 0 ? ms : 0;
}

int gs_check_json_body(genapi_backend *b, const char *body, size_t len, genapi_http_response *r)
{
    /* Count containers and value separators outside strings: a linear scan, far cheaper than
     * the parse it guards. */
    uint64_t objects = 0, arrays = 0, separators = 0;
    int in_string = 0;
    const char *q = NULL; /* the next quote at or after i while in a string (each byte is looked at
                           * once by each memchr, whatever the escapes) */
    for (size_t i = 0; i < len; i++) {
        if (in_string) { /* to the closing quote, past escapes (base64 images have none) */
            if (q == NULL || q < body + i)
                q = memchr(body + i, '"', len - i);
            if (q == NULL)
                break;
            const char *bs = memchr(body + i, '\\', (size_t)(q - (body + i)));
            if (bs != NULL) {
                i = (size_t)(bs - body) + 1; /* the escaped character is skipped by the loop */
                continue;
            }
            i = (size_t)(q - body);
            in_string = 0;
            continue;
        }
        char c = body[i];
        switch (c) {
        case '"': in_string = 1; break;
        case '{': objects++; break;
        case '[': arrays++; break;
        case ',':
        case ':': separators++; break;
        default: break;
        }
    }
    uint64_t estimate = objects * GS_JSON_OBJECT_COST + arrays * GS_JSON_ARRAY_COST +
                        (separators + 1) * GS_JSON_VALUE_COST + (uint64_t)len;
    if (estimate <= (uint64_t)GS_LIMIT_JSON_MEMORY)
        return 1;
    gs_respond_error(b, r, 413, "Payload Too Large", NULL,
                     "The request body is too complex: parsing it would take about %llu MiB, more than the %ld MiB "
                     "the reference backend allows (%llu objects, %llu arrays, %llu values).",
                     (unsigned long long)(estimate >> 20), GS_LIMIT_JSON_MEMORY >> 20, (unsigned long long)objects,
                     (unsigned long long)arrays, (unsigned long long)(separators + 1));
    return 0;
}

int gs_check_text_bytes(genapi_backend *b, size_t bytes, const char *param, genapi_http_response *r)
{
    if (bytes <= (size_t)GS_LIMIT_TEXT_BYTES)
        return 1;
    gs_respond_error(b, r, 400, "BadRequestError", param,
                     "The reference backend tokenizes at most %ld bytes of text per request; %s has %zu or more.",
                     GS_LIMIT_TEXT_BYTES, param, bytes);
    return 0;
}

size_t gs_min_tokens(const genapi_backend *b, size_t bytes)
{
    size_t longest = gx_tokenizer_max_piece(b->text->tok);
    if (longest == 0)
        longest = 1;
    return bytes / longest + (bytes % longest != 0);
}

int gs_check_prompt_fits(genapi_backend *b, const genapi_text_params *p, size_t at_least, size_t bytes,
                         const char *param, genapi_http_response *r)
{
    if (IS(p, truncate_prompt_tokens))
        return 1; /* a longer prompt is cut to its last tokens: only GS_LIMIT_TEXT_BYTES applies */
    const gx_text_engine *e = b->text;
    if (at_least < e->max_model_len)
        return 1;
    gs_respond_error(b, r, 400, "BadRequestError", param,
                     "This model's maximum context length is %zu tokens. However, your request has at least %zu input "
                     "tokens (%zu bytes of text; no token is longer than %zu bytes). Please reduce the length of the "
                     "input %s.",
                     e->max_model_len, at_least, bytes, gx_tokenizer_max_piece(e->tok),
                     strcmp(param, "messages") == 0 ? "messages" : "prompt");
    return 0;
}

int64_t gs_sequences(const genapi_text_params *p)
{
    int64_t n = IS(p, n) ? p->n : 1;
    int64_t best_of = IS(p, best_of) ? p->best_of : 0;
    return best_of > n ? best_of : n;
}

int gs_check_sequences(genapi_backend *b, const genapi_text_params *p, size_t n_prompts, genapi_http_response *r)
{
    int64_t seqs = gs_sequences(p);
    const char *param = IS(p, best_of) && p->best_of > (IS(p, n) ? p->n : 1) ? "best_of" : "n";
    if (n_prompts <= 1) {
        if (seqs <= GS_LIMIT_SEQUENCES)
            return 1;
        gs_respond_error(b, r, 400, "BadRequestError", param,
                         "the reference backend generates at most %d sequences per request, got %lld.",
                         GS_LIMIT_SEQUENCES, (long long)seqs);
        return 0;
    }
    if (seqs <= GS_LIMIT_SEQUENCES && n_prompts <= (size_t)(GS_LIMIT_SEQUENCES / seqs))
        return 1;
    gs_respond_error(b, r, 400, "BadRequestError", seqs > 1 ? param : "prompt",
                     "the reference backend generates at most %d sequences per request, got %zu prompts x %lld.",
                     GS_LIMIT_SEQUENCES, n_prompts, (long long)seqs);
    return 0;
}

int gs_answer_is_whole(const genapi_text_params *p, int stream)
{
    return !stream || (IS(p, best_of) && p->best_of > (IS(p, n) ? p->n : 1)) ||
           (IS(p, use_beam_search) && p->use_beam_search) ||
           (IS(p, output_kind) && p->output_kind == GS_OUTPUT_FINAL_ONLY);
}

int gs_budget_add(genapi_backend *b, gs_budget *u, const genapi_text_params *p, size_t n_prompt,
                  int64_t default_max_tokens, int whole, int64_t top, const char *top_param, int64_t prompt_top,
                  const char *prompt_param, genapi_http_response *r)
{
    const gx_text_engine *e = b->text;
    int64_t room = n_prompt < e->max_model_len ? (int64_t)(e->max_model_len - n_prompt) : 0;
    int64_t max_tokens = IS(p, max_tokens) ? p->max_tokens : default_max_tokens > 0 ? default_max_tokens : room;
    if (max_tokens > room)
        max_tokens = room;
    if (max_tokens < 0)
        max_tokens = 0;
    int64_t seqs = gs_sequences(p);
    int64_t tokens = seqs * max_tokens; /* <= 128 x 4096: no overflow */
    u->tokens += tokens;
    if (prompt_top >= 0)
        u->tokens += (int64_t)n_prompt; /* one evaluation per prompt token */
    if (u->tokens > GS_LIMIT_TOKENS) {
        gs_respond_error(b, r, 400, "BadRequestError", "max_tokens",
                         "the reference backend generates at most %ld tokens per request (sequences x max_tokens, "
                         "summed over prompts); this request may take %lld (%lld sequences x %lld tokens%s). Lower "
                         "max_tokens, n or best_of.",
                         GS_LIMIT_TOKENS, (long long)u->tokens, (long long)seqs, (long long)max_tokens,
                         IS(p, max_tokens) ? "" : ", max_tokens unset: the rest of the context");
        return 0;
    }
    if (whole && top >= 0) {
        u->logprobs += tokens * (top + 1);
        if (u->logprobs > GS_LIMIT_LOGPROB_ENTRIES) {
            gs_respond_error(b, r, 400, "BadRequestError", top_param,
                             "the reference backend returns at most %ld logprob entries per request (tokens x "
                             "(%s + 1), over every sequence); this request may take %lld. Lower %s, max_tokens or n.",
                             GS_LIMIT_LOGPROB_ENTRIES, top_param, (long long)u->logprobs, top_param);
            return 0;
        }
    }
    if (whole && prompt_top >= 0) {
        u->logprobs += (int64_t)n_prompt * (prompt_top + 1);
        if (u->logprobs > GS_LIMIT_LOGPROB_ENTRIES) {
            gs_respond_error(b, r, 400, "BadRequestError", prompt_param,
                             "the reference backend returns at most %ld logprob entries per request (prompt tokens x "
                             "(%s + 1) included); this request may take %lld. Lower %s or shorten the prompt.",
                             GS_LIMIT_LOGPROB_ENTRIES, prompt_param, (long long)u->logprobs, prompt_param);
            return 0;
        }
    }
    return 1;
}
