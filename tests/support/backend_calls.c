#include "backend_calls.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

genapi_backend *bc_backend;

int bc_setup(void **state)
{
    (void)state;
    return genapi_backend_new(NULL, &bc_backend, NULL) == GENAPI_OK ? 0 : -1;
}

int bc_teardown(void **state)
{
    (void)state;
    genapi_backend_free(bc_backend);
    bc_backend = NULL;
    return 0;
}

json_object *bc_post(const char *path, const char *body, int *status)
{
    genapi_http_request req = {"POST", path, NULL, "application/json", body, strlen(body)};
    genapi_http_response r;
    assert_int_equal(genapi_backend_handle(bc_backend, &req, &r), GENAPI_OK);
    json_object *o = json_tokener_parse(r.body);
    *status = r.status;
    if (o == NULL)
        fail_msg("unparsable response: %s", r.body);
    genapi_http_response_release(bc_backend, &r);
    return o;
}

json_object *bc_ok(const char *path, const char *body)
{
    int status;
    json_object *o = bc_post(path, body, &status);
    if (status != 200)
        fail_msg("%s %s -> %d %s", path, body, status, json_object_to_json_string(o));
    return o;
}

char *bc_post_raw(const char *path, const char *body, int *status, char *ct, size_t ct_cap)
{
    genapi_http_request req = {"POST", path, NULL, "application/json", body, strlen(body)};
    genapi_http_response r;
    assert_int_equal(genapi_backend_handle(bc_backend, &req, &r), GENAPI_OK);
    *status = r.status;
    snprintf(ct, ct_cap, "%s", r.content_type);
    char *copy = strdup(r.body);
    genapi_http_response_release(bc_backend, &r);
    assert_non_null(copy);
    return copy;
}

const char *bc_str_member(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : NULL;
}

json_object *bc_choice(json_object *root, size_t i)
{
    json_object *choices, *c;
    assert_true(json_object_object_get_ex(root, "choices", &choices));
    c = json_object_array_get_idx(choices, i);
    assert_non_null(c);
    return c;
}

const char *bc_chat_content(json_object *root)
{
    const char *content = bc_str_member(json_object_object_get(bc_choice(root, 0), "message"), "content");
    assert_non_null(content);
    return content;
}

const char *bc_error_param(json_object *root)
{
    return bc_str_member(json_object_object_get(root, "error"), "param");
}

void bc_expect_error(const char *label, const char *path, const char *body, int want_status, const char *want_param)
{
    if (label == NULL)
        label = body;
    int status;
    json_object *e = bc_post(path, body, &status);
    if (status != want_status)
        fail_msg("{%s}: status %d, want %d (%s)", label, status, want_status, json_object_to_json_string(e));
    if (want_param) {
        const char *param = bc_error_param(e);
        if (param == NULL || strcmp(param, want_param) != 0)
            fail_msg("{%s}: param '%s', want '%s'", label, param ? param : "(null)", want_param);
    }
    json_object_put(e);
}
