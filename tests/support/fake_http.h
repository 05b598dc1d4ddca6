/* A scripted HTTP server for client tests: answers each request with the next canned response
 * (the last one repeats) and counts the requests. Runs on its own thread on 127.0.0.1. */
#ifndef GENAPI_TEST_FAKE_HTTP_H
#define GENAPI_TEST_FAKE_HTTP_H

#include <stddef.h>

typedef struct fh_response {
    int status;
    const char *headers; /* extra header lines, each ending in "\r\n", or NULL */
    const char *body;
} fh_response;

typedef struct fake_http fake_http;

/* Start serving; returns NULL on failure. url receives "http://127.0.0.1:PORT". */
fake_http *fh_start(const fh_response *script, size_t n, char *url, size_t url_cap);
/* Requests answered so far. */
int fh_requests(fake_http *f);
void fh_stop(fake_http *f);

#endif
