#include "param_testing.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <json-c/json.h>

void pt_assert_same_value(const genapi_param_desc *d, const void *a, const void *b)
{
    const char *pa = (const char *)a + d->offset, *pb = (const char *)b + d->offset;
    switch ((genapi_param_kind)d->kind) {
    case GENAPI_PK_DOUBLE:
        assert_true(*(const double *)(const void *)pa == *(const double *)(const void *)pb);
        break;
    case GENAPI_PK_INT:
        assert_int_equal(*(const int64_t *)(const void *)pa, *(const int64_t *)(const void *)pb);
        break;
    case GENAPI_PK_BOOL:
    case GENAPI_PK_ENUM:
        assert_int_equal(*(const int32_t *)(const void *)pa, *(const int32_t *)(const void *)pb);
        break;
    case GENAPI_PK_STRING:
        assert_string_equal(*(const char *const *)(const void *)pa, *(const char *const *)(const void *)pb);
        break;
    case GENAPI_PK_JSON: {
        json_object *x = json_tokener_parse(*(const char *const *)(const void *)pa);
        json_object *y = json_tokener_parse(*(const char *const *)(const void *)pb);
        assert_true(json_object_equal(x, y));
        json_object_put(x);
        json_object_put(y);
        break;
    }
    case GENAPI_PK_STRLIST: {
        const genapi_strlist *x = (const void *)pa, *y = (const void *)pb;
        assert_int_equal(x->count, y->count);
        for (size_t i = 0; i < x->count; i++)
            assert_string_equal(x->items[i], y->items[i]);
        break;
    }
    case GENAPI_PK_INTLIST:
    case GENAPI_PK_SAMPLERS: {
        const genapi_intlist *x = (const void *)pa, *y = (const void *)pb;
        assert_int_equal(x->count, y->count);
        for (size_t i = 0; i < x->count; i++)
            assert_int_equal(x->items[i], y->items[i]);
        break;
    }
    case GENAPI_PK_INTLISTS: {
        const genapi_intlists *x = (const void *)pa, *y = (const void *)pb;
        assert_int_equal(x->count, y->count);
        for (size_t i = 0; i < x->count; i++) {
            assert_int_equal(x->items[i].count, y->items[i].count);
            for (size_t k = 0; k < x->items[i].count; k++)
                assert_int_equal(x->items[i].items[k], y->items[i].items[k]);
        }
        break;
    }
    case GENAPI_PK_BIAS: {
        const genapi_token_biases *x = (const void *)pa, *y = (const void *)pb;
        assert_int_equal(x->count, y->count);
        for (size_t i = 0; i < x->count; i++) {
            assert_int_equal(x->items[i].token, y->items[i].token);
            assert_true(x->items[i].bias == y->items[i].bias);
        }
        break;
    }
    case GENAPI_PK_BANRANGES: {
        const genapi_token_ban_ranges *x = (const void *)pa, *y = (const void *)pb;
        assert_int_equal(x->count, y->count);
        for (size_t i = 0; i < x->count; i++) {
            assert_int_equal(x->items[i].start, y->items[i].start);
            assert_int_equal(x->items[i].length, y->items[i].length);
            assert_int_equal(x->items[i].tokens.count, y->items[i].tokens.count);
        }
        break;
    }
    }
}
