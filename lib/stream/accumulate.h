/* Folding streamed chat / completion chunks into the final typed result (internal).
 *
 * Rules (tests/data/fixtures/README.md, "chat_stream"): a choice appears once any chunk mentions
 * its index; content (chat: delta.content; completions: text) and reasoning (delta.reasoning_content
 * and delta.reasoning) are concatenated; tool calls are merged by their index (id / type / name:
 * last non-empty value; arguments concatenated); finish_reason is the first non-null one, and the
 * stop_reason comes from the same chunk; deltas after a choice's finish_reason are ignored;
 * logprobs are concatenated; usage is the last non-null one seen; an object with a top-level
 * "error" (and no "choices") is an in-band error; "[DONE]" ends the stream. */
#ifndef GENAPI_STREAM_ACCUMULATE_H
#define GENAPI_STREAM_ACCUMULATE_H

#include <genapi/chat.h>
#include <genapi/completions.h>

#include <genapi/error.h>

#include "util/alloc.h"

typedef enum { GACC_CHAT = 0, GACC_COMPLETION = 1 } gacc_kind;

typedef enum {
    GACC_RUNNING = 0,   /* no [DONE] yet */
    GACC_DONE = 1,      /* [DONE] received */
    GACC_ERROR = 2      /* an in-band error event arrived */
} gacc_state;

/* What one event contributed to one choice (for the caller's delta callback). Pointers are
 * valid during the callback only. */
typedef struct gacc_delta {
    int64_t index;
    const char *content;   /* text added (NULL if none) */
    size_t content_len;
    const char *reasoning;
    size_t reasoning_len;
    const char *finish_reason; /* set on the chunk that finished the choice */
    int32_t stop_reason_kind;
    int64_t stop_token;
    const char *stop_string;
    int64_t tool_call_index;          /* -1: no tool call */
    const char *tool_call_id, *tool_call_name; /* as known so far */
    const char *tool_call_arguments;  /* argument text added (NULL if none) */
    size_t tool_call_arguments_len;
} gacc_delta;

typedef int (*gacc_delta_fn)(const gacc_delta *d, void *user); /* non-zero: stop */

typedef struct gacc gacc;

gacc *gacc_new(const ga_alloc *a, gacc_kind kind, gacc_delta_fn on_delta, void *user);
void gacc_free(gacc *acc);

/* One event's data (JSON text, or "[DONE]"). Returns 0; the delta callback's non-zero value;
 * or -1 when the event is not JSON or memory ran out (then gacc_error() says which). Events
 * after [DONE] are ignored. */
int gacc_event(gacc *acc, const char *data, size_t len);

gacc_state gacc_state_of(const gacc *acc);
/* The in-band error (state GACC_ERROR): message, type, code; NULL/0 when absent. */
void gacc_error(const gacc *acc, const char **message, const char **type, int64_t *code);
/* Number of events that were JSON (not [DONE]). */
size_t gacc_json_events(const gacc *acc);

/* Why gacc_event last returned -1. A non-JSON event is also recorded as the error (type
 * "invalid_json", state GACC_ERROR) unless an in-band error came first; later events are still
 * applied. Running out of memory replaces the error (type "out_of_memory") and is final: every
 * later gacc_event returns -1. */
typedef enum { GACC_FAIL_NONE = 0, GACC_FAIL_NOT_JSON = 1, GACC_FAIL_NOMEM = 2, GACC_FAIL_TYPE = 3 } gacc_failure;
gacc_failure gacc_failure_of(const gacc *acc);
/* A chunk with a field of the wrong JSON type (GACC_FAIL_TYPE) is final like running out of
 * memory; this record names the field (status GENAPI_E_PARSE, param e.g.
 * "choices[0].delta.content"). Text fields are read with invalid UTF-8 replaced by U+FFFD. */
const genapi_error *gacc_failure_error(const gacc *acc);

/* The result so far, as a typed result owned by the caller (free with
 * genapi_chat_result_free / genapi_completion_result_free). id/model from the first chunk
 * that has an "id"; created likewise; choices sorted by index. NULL when out of memory. */
genapi_chat_result *gacc_chat_result(const gacc *acc, int http_status);
genapi_completion_result *gacc_completion_result(const gacc *acc, int http_status);

#endif
