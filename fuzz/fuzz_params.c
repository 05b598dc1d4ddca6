/* Fuzz target: the parameter readers (lib/params/): genapi_text_params_from_json and the image
 * readers genapi_txt2img_params_from_json, genapi_img2img_params_from_json,
 * genapi_upscale_params_from_json, one target dispatching on the first byte.
 *
 * Input: byte 0 = table (byte % 4: text, txt2img, img2img, upscale), byte 1 = mode, byte 2 =
 * allocation to fail, then the JSON body (read up to its first NUL, as the readers take C
 * strings).
 *   mode bit 0: out-of-memory injection at the allocation of byte 2 (bit 1: and every later one).
 * Checked: the reader succeeds or fails with a status and a message; what it read is validated;
 * valid parameters serialize to JSON that reads back into parameters that validate and
 * serialize to the same JSON (one table, one truth: what the server reads, the client writes). */
#include <genapi/image_params.h>
#include <genapi/text_params.h>

#include "fuzz_common.h"

static void check_failure(genapi_status st, const genapi_error *err)
{
    FZ_CHECK(st < 0);
    FZ_CHECK(err->status == st);
    FZ_CHECK(err->message[0] != '\0');
}

/* One table: read, validate, write, read again, write again. */
#define FZ_PARAMS_ROUND_TRIP(prefix, type, json)                                                  \
    do {                                                                                          \
        type p1, p2;                                                                              \
        genapi_error err;                                                                         \
        genapi_##prefix##_params_init(&p1, sizeof p1);                                            \
        genapi_##prefix##_params_init(&p2, sizeof p2);                                            \
        p1.allocator = &fz_allocator;                                                             \
        p2.allocator = &fz_allocator;                                                             \
        genapi_status st = genapi_##prefix##_params_from_json(&p1, json, &err);                   \
        if (st != GENAPI_OK) {                                                                    \
            check_failure(st, &err);                                                              \
        } else if ((st = genapi_##prefix##_params_validate(&p1, &err)) != GENAPI_OK) {            \
            check_failure(st, &err);                                                              \
        } else {                                                                                  \
            char *a = NULL, *b = NULL;                                                            \
            st = genapi_##prefix##_params_to_json(&p1, &a, &err);                                 \
            if (st == GENAPI_OK) {                                                                \
                st = genapi_##prefix##_params_from_json(&p2, a, &err);                            \
                if (st == GENAPI_OK) {                                                            \
                    st = genapi_##prefix##_params_validate(&p2, &err);                            \
                    FZ_CHECK(st == GENAPI_OK || st == GENAPI_E_NOMEM);                            \
                    st = genapi_##prefix##_params_to_json(&p2, &b, &err);                         \
                    if (st == GENAPI_OK)                                                          \
                        FZ_CHECK(strcmp(a, b) == 0);                                              \
                    else                                                                          \
                        FZ_CHECK(st == GENAPI_E_NOMEM);                                           \
                } else {                                                                          \
                    FZ_CHECK(st == GENAPI_E_NOMEM);                                               \
                }                                                                                 \
            } else {                                                                              \
                FZ_CHECK(st == GENAPI_E_NOMEM);                                                   \
            }                                                                                     \
            genapi_free(&fz_allocator, a);                                                        \
            genapi_free(&fz_allocator, b);                                                        \
        }                                                                                         \
        genapi_##prefix##_params_clear(&p1);                                                      \
        genapi_##prefix##_params_clear(&p2);                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_touch();
    fz_input in = {data, size};
    unsigned which = fz_byte(&in) % 4u;
    uint8_t mode = fz_byte(&in), fail_at = fz_byte(&in);
    char *json = malloc(in.n + 1);
    if (json == NULL)
        return 0;
    memcpy(json, in.p, in.n);
    json[in.n] = '\0';
    fz_fail_reset((mode & 1) ? fail_at : -1, (mode & 2) != 0);
    switch (which) {
    case 0:
        FZ_PARAMS_ROUND_TRIP(text, genapi_text_params, json);
        break;
    case 1:
        FZ_PARAMS_ROUND_TRIP(txt2img, genapi_txt2img_params, json);
        break;
    case 2:
        FZ_PARAMS_ROUND_TRIP(img2img, genapi_img2img_params, json);
        break;
    default:
        FZ_PARAMS_ROUND_TRIP(upscale, genapi_upscale_params, json);
        break;
    }
    fz_fail_reset(-1, 0);
    free(json);
    return 0;
}
