/* Clients and a one-message chat as the client tests make them. A test's client starts from the
 * library's defaults with the environment ignored (the GENAPI_* variables of the machine that
 * runs the tests play no part), on the in-process reference backend (base URL NULL) or on a
 * server (tests/support/fake_http.c, genapi-server); the test sets what it is about on top. */
#ifndef GENAPI_TEST_CLIENT_H
#define GENAPI_TEST_CLIENT_H

#include <genapi/genapi.h>

/* The defaults, ignore_environment set, and base_url (NULL: the in-process reference backend). */
genapi_client_config tc_config(const char *base_url);

/* A client of cfg; a refusal fails the test with the library's message. */
genapi_client *tc_client_new(const genapi_client_config *cfg);

/* A client of tc_config(base_url). */
genapi_client *tc_client(const char *base_url);

/* A chat request of one user message: req points into the struct, so it is not copied. */
typedef struct tc_chat {
    genapi_text_params p;
    genapi_chat_message msg;
    genapi_chat_request req;
} tc_chat;

/* content as the user's message; model set in p unless NULL (the client's default model). */
void tc_chat_init(tc_chat *k, const char *model, const char *content);

#endif
