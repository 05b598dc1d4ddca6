/* A scripted HTTP server for client tests: answers each request with the next canned response
 * (the last one repeats), counts the requests and records when each arrived. Runs on its own
 * thread on 127.0.0.1, one connection at a time (Connection: close).
 *
 * A response may misbehave the way a broken server or network does (fh_fault): reset the
 * connection half-way, send bytes that are not HTTP, cut a chunked body short, trickle, stall,
 * send forever, or send headers far past any sane size. */
#ifndef GENAPI_TEST_FAKE_HTTP_H
#define GENAPI_TEST_FAKE_HTTP_H

#include <stddef.h>

typedef enum fh_fault {
    FH_NORMAL = 0,    /* head + Content-Length + body */
    FH_CLOSE,         /* read the request, then close without a byte */
    FH_RESET_MID,     /* head announcing the whole body, half of it, then a TCP reset */
    FH_RAW,           /* `body` is sent as the whole reply, no head added (garbage, bad framing) */
    FH_CHUNKED_CUT,   /* chunked: the body as one chunk, then close before the last chunk */
    FH_TRICKLE,       /* head, then the body one byte every `param` ms */
    FH_STALL,         /* head and the first `param` bytes of the body, then silence */
    FH_ENDLESS,       /* chunked (param 1: a Content-Length never reached): `body` repeated until the
                         client leaves */
    FH_HUGE_HEADER    /* a header line of `param` bytes before the body */
} fh_fault;

/* A well-behaved answer. */
typedef struct fh_response {
    int status;
    const char *headers; /* extra header lines, each ending in "\r\n", or NULL */
    const char *body;
} fh_response;

/* An answer and how it is delivered (a script for fh_start_steps / fh_bind). */
typedef struct fh_step {
    fh_response answer;
    fh_fault fault;           /* FH_NORMAL: delivered as it should be */
    long param;               /* the fault's number (see fh_fault) */
    const char *content_type; /* NULL = application/json */
    size_t body_len;          /* 0 = strlen(body); set it for bodies with NUL bytes */
} fh_step;

#define FH_ANSWER(status, headers, body) {(status), (headers), (body)}

typedef struct fake_http fake_http;

/* Start serving; returns NULL on failure. url receives "http://127.0.0.1:PORT". The script is
 * copied. */
fake_http *fh_start(const fh_response *script, size_t n, char *url, size_t url_cap);
fake_http *fh_start_steps(const fh_step *script, size_t n, char *url, size_t url_cap);
/* The same in two steps: bound but not listening (a connection is refused), then serving. */
fake_http *fh_bind(const fh_step *script, size_t n, char *url, size_t url_cap);
int fh_listen(fake_http *f);
/* Requests answered so far. */
int fh_requests(fake_http *f);
/* Seconds (CLOCK_MONOTONIC) at which request i (0-based) arrived; -1 if it did not. */
double fh_request_time(fake_http *f, int i);
void fh_stop(fake_http *f);

#endif
