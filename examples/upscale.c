/* Upscaling: enlarge an image with a named upscaler (the server's list: genapi_list_image()
 * with GENAPI_LISTING_UPSCALERS).
 * Runs on the in-process reference backend unless GENAPI_BASE_URL is set.
 *
 *     upscale IN.png [OUT.png] [SCALE] */
#include <stdio.h>
#include <stdlib.h>

#include <genapi/genapi.h>

/* Reads a whole file into a malloc'd buffer; NULL on failure. */
static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long size;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)size)) != NULL && fread(buf, 1, (size_t)size, f) == (size_t)size) {
        *len = (size_t)size;
    } else {
        free(buf);
        buf = NULL;
    }
    if (f != NULL)
        fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s IN.png [OUT.png] [SCALE]\n", argv[0]);
        return 2;
    }
    const char *out_path = argc > 2 ? argv[2] : "upscaled.png";
    double scale = argc > 3 ? atof(argv[3]) : 2.0;
    size_t len = 0;
    unsigned char *bytes = read_file(argv[1], &len);
    if (bytes == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    genapi_client *client = NULL;
    genapi_error err;
    char *b64 = NULL;
    if (genapi_client_new(NULL, &client, &err) != GENAPI_OK ||
        genapi_image_to_base64(client, bytes, len, &b64, &err) != GENAPI_OK) {
        fprintf(stderr, "%s\n", err.message);
        free(bytes);
        genapi_client_free(client);
        return 1;
    }
    free(bytes);

    genapi_upscale_params params = GENAPI_UPSCALE_PARAMS_INIT;
    GENAPI_UPSCALE_SET(&params, image, b64);
    GENAPI_UPSCALE_SET(&params, upscaler_1, "Lanczos");
    GENAPI_UPSCALE_SET(&params, upscaling_resize, scale); /* checked: more than 0, at most 8 */
    genapi_upscale_result *result = NULL;
    genapi_status st = genapi_upscale(client, &params, &result, &err);
    int ok = 0;
    if (st != GENAPI_OK) {
        fprintf(stderr, "upscale: %s: %s (param %s)\n", genapi_status_str(st), err.message, err.param);
    } else {
        FILE *f = fopen(out_path, "wb");
        ok = f != NULL && fwrite(result->image.data, 1, result->image.size, f) == result->image.size;
        if (f != NULL && fclose(f) != 0)
            ok = 0;
        if (ok)
            printf("wrote %s: %dx%d\n", out_path, (int)result->image.width, (int)result->image.height);
        genapi_upscale_result_free(result);
    }
    genapi_free(genapi_client_allocator(client), b64);
    genapi_client_free(client);
    return ok ? 0 : 1;
}
