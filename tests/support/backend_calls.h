/* Helpers shared by the tests that post JSON to the in-process reference backend through its
 * router (genapi_backend_handle), as a server receives requests: tests/test_guided_e2e.c and
 * tests/test_text_effects.c. */
#ifndef GENAPI_BACKEND_CALLS_H
#define GENAPI_BACKEND_CALLS_H

#include <stddef.h>

#include <genapi/genapi.h>
#include <json-c/json.h>

/* The backend the calls go to: created by bc_setup, freed by bc_teardown. */
extern genapi_backend *bc_backend;

/* cmocka group setup / teardown: a reference backend with default options. */
int bc_setup(void **state);
int bc_teardown(void **state);

/* POST body (JSON) to path; returns the parsed response (caller puts it) and its HTTP status.
 * An unparsable response fails the test. */
json_object *bc_post(const char *path, const char *body, int *status);

/* bc_post that must answer 200. */
json_object *bc_ok(const char *path, const char *body);

/* POST returning the raw body text (malloc'ed; for event streams), the status and the content
 * type (copied into ct, ct_cap bytes). */
char *bc_post_raw(const char *path, const char *body, int *status, char *ct, size_t ct_cap);

/* o[k] as a string, or NULL when absent or null. */
const char *bc_str_member(json_object *o, const char *k);

/* root.choices[i]; fails the test when absent. */
json_object *bc_choice(json_object *root, size_t i);

/* root.choices[0].message.content of a chat completion; fails the test when absent. */
const char *bc_chat_content(json_object *root);

/* root.error.param, or NULL. */
const char *bc_error_param(json_object *root);

/* POST body to path: the status must be want_status and, when want_param is not NULL,
 * error.param must be want_param. label names the case in failure messages (NULL: the body). */
void bc_expect_error(const char *label, const char *path, const char *body, int want_status, const char *want_param);

#endif
