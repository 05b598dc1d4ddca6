/* Helpers shared by the parameter-table tests (text and image tables). */
#ifndef GENAPI_TEST_PARAM_TESTING_H
#define GENAPI_TEST_PARAM_TESTING_H

#include <genapi/params.h>

/* Fails the test unless field d holds the same value in the structs a and b (any kind). */
void pt_assert_same_value(const genapi_param_desc *d, const void *a, const void *b);

#endif
