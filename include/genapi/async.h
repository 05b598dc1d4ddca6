/**
 * @file async.h
 * @brief Non-blocking requests: start any call at once, drive the client from your own loop
 *        (or let a worker thread do it), receive exactly one completion per request.
 *
 * Every call of the library can be started without blocking: genapi_chat_start() and the
 * other `*_start` functions copy and serialize the request, hand back a ::genapi_request
 * handle and return at once. The request then advances only while the client is driven:
 *
 * - **Pumped:** call genapi_poll() on one thread (a game calls it once a frame with a timeout
 *   of 0). Every callback runs inside genapi_poll(), on that thread. Each call spends at most
 *   the client's poll budget (genapi_client_set_poll_budget(), default 1500 µs) on work of
 *   its own (engine slices in-process, reading and parsing over HTTP), then returns.
 * - **Foreign event loop:** wait on the descriptors of genapi_poll_fds() for at most
 *   genapi_poll_timeout() milliseconds, then call genapi_poll() with a timeout of 0.
 * - **Worker:** genapi_client_start_worker() runs the same loop on a thread of the library;
 *   callbacks then run on that thread, and genapi_poll() answers ::GENAPI_E_BUSY.
 * - **Blocking:** the blocking functions (genapi_chat_complete(), genapi_txt2img(), …) are
 *   start + wait: they drive the loop themselves when nobody else does, or wait for the
 *   thread that does (the worker). Once a thread has called genapi_poll(), a blocking call on
 *   another thread runs on a private loop with the client's settings (its own connections), so
 *   it neither waits for the polling thread nor moves that thread's requests: their callbacks
 *   stay inside its polls. Before any genapi_poll(), a blocking call on another thread may be
 *   driving the loop; genapi_poll() then answers ::GENAPI_E_BUSY for that turn.
 *
 * **Threads.** Starting requests, genapi_request_cancel(), genapi_stream_next(), the
 * `genapi_request_*` queries and genapi_request_release() may be called from any thread at
 * any time, including from inside a callback. genapi_poll() and the blocking functions
 * return ::GENAPI_E_BUSY when called from inside a callback. genapi_client_free() must not
 * be called from inside a callback or while another thread uses the client.
 *
 * **Completion.** Every request that was started (its `*_start` returned ::GENAPI_OK) ends
 * exactly once: with its typed result, its typed error (after the client's retries; the
 * attempts before the last are invisible), ::GENAPI_E_CANCELLED after
 * genapi_request_cancel(), or ::GENAPI_E_CANCELLED when the client is freed first. A
 * `*_start` that fails started nothing and calls nothing back.
 *
 * **Bounds.** A client holds at most genapi_client_set_max_active() transfers (default 64)
 * on connections or engine lanes at once; further requests wait in a queue that holds only
 * their serialized body; a client holds at most 65536 requests (a further start answers
 * ::GENAPI_E_BUSY). A pull-stream queue holds at most 1 MiB of unread deltas, past which the
 * transfer pauses until the consumer catches up. Each HTTP attempt is bounded by the client's
 * timeouts (genapi_client_config), a collected body by 512 MiB.
 */
#ifndef GENAPI_ASYNC_H
#define GENAPI_ASYNC_H

#include "chat.h"
#include "client.h"
#include "completions.h"
#include "images.h"
#include "models.h"
#include "stream.h"
#include "tokenize.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief One started request. Owned by the caller until genapi_request_release(). */
typedef struct genapi_request genapi_request;

/** @brief Progress of an image generation, as the WebUI's `/sdapi/v1/progress` reports it. */
typedef struct genapi_progress {
    double progress;        /**< Fraction of the whole request done, 0..1. */
    double eta_relative;    /**< Seconds the server expects to remain; 0 when unknown. */
    int32_t sampling_step;  /**< Steps done of the current image. */
    int32_t sampling_steps; /**< Steps of one image. */
    int32_t job_no;         /**< Image of the batch being made, from 0. */
    int32_t job_count;      /**< Images in the batch. */
} genapi_progress;

/**
 * @brief Receives progress of an image request. Runs where the completion callback runs.
 *        The values never decrease within one request.
 */
typedef void (*genapi_progress_fn)(const genapi_progress *progress, void *user);

/**
 * @brief Receives the end of a request, exactly once. Read the outcome with
 *        genapi_request_status() and take the result with the `genapi_request_take_*`
 *        function of its kind. The handle stays valid after the callback returns, until
 *        genapi_request_release().
 */
typedef void (*genapi_done_fn)(genapi_request *request, void *user);

/** @brief What a started request calls back. Every field may be NULL / zero. */
typedef struct genapi_callbacks {
    genapi_done_fn on_done;         /**< Completion (exactly once). */
    genapi_stream_fn on_delta;      /**< Streams: each delta; non-zero stops the stream
                                         (it then ends with ::GENAPI_E_CANCELLED). */
    genapi_progress_fn on_progress; /**< Image requests: progress while generating. */
    void *user;                     /**< Passed to every callback. */
    int32_t pull;                   /**< Streams: non-zero queues deltas for genapi_stream_next(). */
    int32_t reserved;               /**< Zero. */
} genapi_callbacks;

/** @brief Which call a request is. */
typedef enum genapi_request_kind {
    GENAPI_REQ_CHAT = 1,          /**< genapi_chat_start(), genapi_chat_stream_start(). */
    GENAPI_REQ_COMPLETION = 2,    /**< genapi_complete_start(), genapi_complete_stream_start(). */
    GENAPI_REQ_TOKENIZE = 3,      /**< genapi_tokenize_start(). */
    GENAPI_REQ_TEXT_MODELS = 4,   /**< genapi_list_text_models_start(). */
    GENAPI_REQ_IMAGE_LISTING = 5, /**< genapi_list_image_start(). */
    GENAPI_REQ_IMAGE_OPTIONS = 6, /**< genapi_image_options_start(). */
    GENAPI_REQ_IMAGES = 7,        /**< genapi_txt2img_start(), genapi_img2img_start(). */
    GENAPI_REQ_UPSCALE = 8,       /**< genapi_upscale_start(). */
    GENAPI_REQ_PARALLEL_REQUESTS = 9 /**< genapi_parallel_requests_start(). */
} genapi_request_kind;

/**
 * @name Starting requests
 * Each function validates and serializes the request at once (borrowed pointers in the
 * request are not used after it returns), then returns without waiting. On failure nothing
 * was started, nothing will be called back and *out is NULL.
 *
 * @param client Client.
 * @param request / params The request, as for the blocking function of the same name.
 * @param callbacks Callbacks and their user pointer (copied); NULL for none (then poll the
 *        handle with genapi_request_done()).
 * @param[out] out Receives the handle; release it with genapi_request_release().
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, what the blocking function returns for the same bad input, or
 *         ::GENAPI_E_BUSY when the client already holds 65536 requests.
 * @{
 */
/** @brief Start a chat completion (result: genapi_request_take_chat()).
 * @param client Client.
 * @param request The request (borrowed during the call).
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_chat_start(genapi_client *client, const genapi_chat_request *request,
                                              const genapi_callbacks *callbacks, genapi_request **out,
                                              genapi_error *err);
/** @brief Start a streamed chat completion (deltas: on_delta or genapi_stream_next(); result:
 *         genapi_request_take_chat(), partial after ::GENAPI_E_STREAM or ::GENAPI_E_CANCELLED).
 * @param client Client.
 * @param request The request (borrowed during the call).
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_chat_stream_start(genapi_client *client, const genapi_chat_request *request,
                                                     const genapi_callbacks *callbacks, genapi_request **out,
                                                     genapi_error *err);
/** @brief Start a text completion (result: genapi_request_take_completion()).
 * @param client Client.
 * @param request The request (borrowed during the call).
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_complete_start(genapi_client *client, const genapi_completion_request *request,
                                                  const genapi_callbacks *callbacks, genapi_request **out,
                                                  genapi_error *err);
/** @brief Start a streamed text completion (as genapi_chat_stream_start()).
 * @param client Client.
 * @param request The request (borrowed during the call).
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_complete_stream_start(genapi_client *client,
                                                         const genapi_completion_request *request,
                                                         const genapi_callbacks *callbacks, genapi_request **out,
                                                         genapi_error *err);
/** @brief Start a tokenize call (result: genapi_request_take_tokenize()).
 * @param client Client.
 * @param request The request (borrowed during the call).
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_tokenize_start(genapi_client *client, const genapi_tokenize_request *request,
                                                  const genapi_callbacks *callbacks, genapi_request **out,
                                                  genapi_error *err);
/** @brief Start listing the text models (result: genapi_request_take_model_list()).
 * @param client Client.
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_list_text_models_start(genapi_client *client, const genapi_callbacks *callbacks,
                                                          genapi_request **out, genapi_error *err);
/** @brief Start an image listing (result: genapi_request_take_image_listing()).
 * @param client Client.
 * @param kind Which listing.
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_list_image_start(genapi_client *client, genapi_image_listing_kind kind,
                                                    const genapi_callbacks *callbacks, genapi_request **out,
                                                    genapi_error *err);
/** @brief Start fetching the image options (result: genapi_request_take_options()).
 * @param client Client.
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_image_options_start(genapi_client *client, const genapi_callbacks *callbacks,
                                                       genapi_request **out, genapi_error *err);
/** @brief Start a txt2img generation (progress: on_progress; result: genapi_request_take_images()).
 * @param client Client.
 * @param params The request (borrowed during the call).
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_txt2img_start(genapi_client *client, const genapi_txt2img_params *params,
                                                 const genapi_callbacks *callbacks, genapi_request **out,
                                                 genapi_error *err);
/** @brief Start an img2img generation (as genapi_txt2img_start()).
 * @param client Client.
 * @param params The request (borrowed during the call).
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_img2img_start(genapi_client *client, const genapi_img2img_params *params,
                                                 const genapi_callbacks *callbacks, genapi_request **out,
                                                 genapi_error *err);
/** @brief Start an upscale (result: genapi_request_take_upscale()).
 * @param client Client.
 * @param params The request (borrowed during the call).
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_upscale_start(genapi_client *client, const genapi_upscale_params *params,
                                                 const genapi_callbacks *callbacks, genapi_request **out,
                                                 genapi_error *err);
/** @brief Start a txt2img generation with extra request fields (as genapi_txt2img_ex()).
 * @param client Client.
 * @param params The request (borrowed during the call).
 * @param extra_json JSON object merged into the body last, or NULL.
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_txt2img_start_ex(genapi_client *client, const genapi_txt2img_params *params,
                                                    const char *extra_json, const genapi_callbacks *callbacks,
                                                    genapi_request **out, genapi_error *err);
/** @brief Start an img2img generation with extra request fields (as genapi_img2img_ex()).
 * @param client Client.
 * @param params The request (borrowed during the call).
 * @param extra_json JSON object merged into the body last, or NULL.
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_img2img_start_ex(genapi_client *client, const genapi_img2img_params *params,
                                                    const char *extra_json, const genapi_callbacks *callbacks,
                                                    genapi_request **out, genapi_error *err);
/** @brief Start an upscale with extra request fields (as genapi_upscale_ex()).
 * @param client Client.
 * @param params The request (borrowed during the call).
 * @param extra_json JSON object merged into the body last, or NULL.
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_upscale_start_ex(genapi_client *client, const genapi_upscale_params *params,
                                                    const char *extra_json, const genapi_callbacks *callbacks,
                                                    genapi_request **out, genapi_error *err);
/** @brief Start reading `/v1/parallel-requests` (result: genapi_request_take_parallel_requests()).
 * @param client Client.
 * @param callbacks Callbacks (copied), or NULL.
 * @param[out] out Receives the handle.
 * @param err Filled on failure; may be NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_parallel_requests_start(genapi_client *client, const genapi_callbacks *callbacks,
                                                           genapi_request **out, genapi_error *err);
/** @} */

/**
 * @brief Drive the client: start queued requests, move data, step in-process generations,
 *        run callbacks. Never blocks longer than timeout_ms (plus one unit of work).
 * @param client Client.
 * @param timeout_ms 0: do what can be done now and return (a game frame); > 0: wait up to
 *        that long for something to happen, returning as soon as a callback ran;
 *        -1: wait until something happens.
 * @return ::GENAPI_OK; ::GENAPI_E_BUSY inside a callback, while a worker runs, or while
 *         another thread polls; ::GENAPI_E_INVALID_ARG for a NULL client.
 */
GENAPI_EXPORT genapi_status genapi_poll(genapi_client *client, int32_t timeout_ms);

/**
 * @brief Requests started and not finished yet (queued, running or waiting to retry).
 * @param client Client.
 * @return The count; 0 for NULL.
 */
GENAPI_EXPORT size_t genapi_pending(genapi_client *client);

/**
 * @brief Time a spent genapi_poll() call may use for the client's own work per call.
 * @param client Client.
 * @param budget_us Microseconds; 0 restores the default of 1500.
 * @return ::GENAPI_OK or ::GENAPI_E_INVALID_ARG (negative).
 */
GENAPI_EXPORT genapi_status genapi_client_set_poll_budget(genapi_client *client, int64_t budget_us);

/**
 * @brief Most transfers the client runs at once (connections over HTTP, engine lanes in
 *        process); more requests wait in the client's queue.
 * @param client Client.
 * @param max_active 1..4096; 0 restores the default of 64.
 * @return ::GENAPI_OK or ::GENAPI_E_INVALID_ARG.
 */
GENAPI_EXPORT genapi_status genapi_client_set_max_active(genapi_client *client, int32_t max_active);

/** genapi_pollfd::events: readable. */
#define GENAPI_POLL_IN 1
/** genapi_pollfd::events: writable. */
#define GENAPI_POLL_OUT 2

/** @brief A descriptor a foreign event loop should watch for the client. */
typedef struct genapi_pollfd {
    int fd;         /**< File descriptor (a socket, or the client's wake-up descriptor). */
    int32_t events; /**< GENAPI_POLL_IN and/or GENAPI_POLL_OUT. */
} genapi_pollfd;

/**
 * @brief Descriptors to wait on before the next genapi_poll(). The set changes after every
 *        genapi_poll(): read it again each time. It always includes the client's wake-up
 *        descriptor, which becomes readable when another thread starts or cancels a request.
 * @param client Client.
 * @param[out] fds Array of cap entries (may be NULL when cap is 0).
 * @param cap Entries available.
 * @return The number of descriptors (may exceed cap: call again with more room).
 */
GENAPI_EXPORT size_t genapi_poll_fds(genapi_client *client, genapi_pollfd *fds, size_t cap);

/**
 * @brief Longest a foreign loop may wait before calling genapi_poll() again.
 * @param client Client.
 * @return Milliseconds: 0 when there is work to do now, -1 when nothing is pending.
 */
GENAPI_EXPORT int64_t genapi_poll_timeout(genapi_client *client);

/**
 * @brief Run the client's loop on a thread of the library until genapi_client_stop_worker()
 *        or genapi_client_free(). Callbacks then run on that thread.
 * @param client Client (not being polled by another thread).
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_BUSY (a worker already runs, or called from a callback)
 *         or ::GENAPI_E_INTERNAL (the thread could not be created).
 */
GENAPI_EXPORT genapi_status genapi_client_start_worker(genapi_client *client, genapi_error *err);

/**
 * @brief Stop the worker thread and wait for it; requests stay pending (drive them with
 *        genapi_poll() again). Nothing happens when no worker runs. Not from a callback.
 * @param client Client.
 */
GENAPI_EXPORT void genapi_client_stop_worker(genapi_client *client);

/**
 * @brief Cancel a request from any thread. A request that has not ended ends with
 *        ::GENAPI_E_CANCELLED at the next turn of the loop (its connection closed, so the
 *        server stops generating; an in-process generation stops at once). A request that
 *        already ended is left as it is. NULL is ignored.
 * @param request Request.
 */
GENAPI_EXPORT void genapi_request_cancel(genapi_request *request);

/**
 * @brief Release the caller's handle. A request that has not ended is cancelled first (its
 *        completion callback still runs, inside the loop). Results not taken are freed.
 *        NULL is ignored. Do not use the handle afterwards.
 * @param request Request.
 */
GENAPI_EXPORT void genapi_request_release(genapi_request *request);

/**
 * @brief Whether the request has ended (its completion callback ran or is running).
 * @param request Request.
 * @return 1 or 0.
 */
GENAPI_EXPORT int genapi_request_done(const genapi_request *request);

/**
 * @brief The kind of call the request is.
 * @param request Request.
 * @return A ::genapi_request_kind.
 */
GENAPI_EXPORT genapi_request_kind genapi_request_get_kind(const genapi_request *request);

/**
 * @brief Outcome of a request.
 * @param request Request.
 * @param err Receives a copy of the request's error when it failed; may be NULL.
 * @return ::GENAPI_E_AGAIN while it runs, else its final status.
 */
GENAPI_EXPORT genapi_status genapi_request_status(const genapi_request *request, genapi_error *err);

/**
 * @brief Wait until a request ends, driving the loop when no other thread does.
 * @param request Request.
 * @param timeout_ms Longest wait; -1 for no limit.
 * @return The request's final status, ::GENAPI_E_AGAIN if it had not ended by then, or
 *         ::GENAPI_E_BUSY from inside a callback.
 */
GENAPI_EXPORT genapi_status genapi_request_wait(genapi_request *request, int32_t timeout_ms);

/**
 * @name Taking results
 * Each moves the result out of an ended request of the matching kind: *out receives it (the
 * caller frees it with its `_free` function) or NULL when there is none (failed request, or
 * already taken). Streams keep the partial result after ::GENAPI_E_STREAM and
 * ::GENAPI_E_CANCELLED.
 * @return ::GENAPI_OK when a result was moved; ::GENAPI_E_AGAIN while the request runs;
 *         ::GENAPI_E_INVALID_ARG for another kind; else the request's failure status.
 * @{
 */
/** @brief Result of a chat request.
 * @param request Request.
 * @param[out] out Receives the result, or NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_request_take_chat(genapi_request *request, genapi_chat_result **out);
/** @brief Result of a completion request.
 * @param request Request.
 * @param[out] out Receives the result, or NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_request_take_completion(genapi_request *request, genapi_completion_result **out);
/** @brief Result of a tokenize request.
 * @param request Request.
 * @param[out] out Receives the result, or NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_request_take_tokenize(genapi_request *request, genapi_tokenize_result **out);
/** @brief Result of a text model listing.
 * @param request Request.
 * @param[out] out Receives the result, or NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_request_take_model_list(genapi_request *request, genapi_model_list **out);
/** @brief Result of an image listing.
 * @param request Request.
 * @param[out] out Receives the result, or NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_request_take_image_listing(genapi_request *request, genapi_image_listing **out);
/** @brief The image options JSON text (free with genapi_free() and the client's allocator).
 * @param request Request.
 * @param[out] out Receives the result, or NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_request_take_options(genapi_request *request, char **out);
/** @brief Result of a txt2img or img2img request.
 * @param request Request.
 * @param[out] out Receives the result, or NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_request_take_images(genapi_request *request, genapi_images_result **out);
/** @brief Result of an upscale request.
 * @param request Request.
 * @param[out] out Receives the result, or NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_request_take_upscale(genapi_request *request, genapi_upscale_result **out);
/** @brief Result of a parallel-requests read: the number of generations the server runs at once.
 * @param request Request.
 * @param[out] out Receives the number, or NULL.
 * @return As described for the group above. */
GENAPI_EXPORT genapi_status genapi_request_take_parallel_requests(genapi_request *request, int64_t *out);
/** @} */

/**
 * @brief Take the next delta of a stream started with genapi_callbacks::pull set, without
 *        blocking. Callable from any thread.
 * @param request Stream request.
 * @param[out] delta Receives the delta; its pointers stay valid until the next call on this
 *             request or genapi_request_release().
 * @return ::GENAPI_OK with a delta; ::GENAPI_E_AGAIN when none is ready yet; ::GENAPI_E_END
 *         when the stream has ended and every delta was taken (then genapi_request_status()
 *         tells how it ended); ::GENAPI_E_INVALID_ARG when the request is not a pull stream.
 */
GENAPI_EXPORT genapi_status genapi_stream_next(genapi_request *request, genapi_stream_delta *delta);

/**
 * @brief As genapi_stream_next(), but wait up to timeout_ms for a delta, driving the loop
 *        when no other thread does (for iterators in bindings).
 * @param request Stream request.
 * @param[out] delta As for genapi_stream_next().
 * @param timeout_ms Longest wait; -1 for no limit.
 * @return As genapi_stream_next(); ::GENAPI_E_AGAIN when the time ran out;
 *         ::GENAPI_E_BUSY from inside a callback.
 */
GENAPI_EXPORT genapi_status genapi_stream_next_wait(genapi_request *request, genapi_stream_delta *delta,
                                                    int32_t timeout_ms);

#ifdef __cplusplus
}
#endif
#endif
