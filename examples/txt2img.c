/* Text to image: generate a picture from a prompt and write it as a PNG file.
 * Runs on the in-process reference backend unless GENAPI_BASE_URL is set.
 *
 *     txt2img [OUT.png] [PROMPT] */
#include <stdio.h>

#include <genapi/genapi.h>

int main(int argc, char **argv)
{
    const char *out_path = argc > 1 ? argv[1] : "txt2img.png";
    const char *prompt = argc > 2 ? argv[2] : "a lighthouse on a cliff at dusk, oil painting";
    genapi_client *client = NULL;
    genapi_error err;
    if (genapi_client_new(NULL, &client, &err) != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    genapi_txt2img_params params = GENAPI_TXT2IMG_PARAMS_INIT;
    GENAPI_TXT2IMG_SET(&params, sd_model_checkpoint, "genapi-ref-image");
    GENAPI_TXT2IMG_SET(&params, prompt, prompt);
    GENAPI_TXT2IMG_SET(&params, negative_prompt, "blurry");
    GENAPI_TXT2IMG_SET(&params, width, 128);
    GENAPI_TXT2IMG_SET(&params, height, 96);
    GENAPI_TXT2IMG_SET(&params, steps, 8);
    GENAPI_TXT2IMG_SET(&params, cfg_scale, 7.0);
    GENAPI_TXT2IMG_SET(&params, seed, 42); /* unset or -1: a random seed */

    genapi_images_result *result = NULL;
    genapi_status st = genapi_txt2img(client, &params, &result, &err);
    if (st != GENAPI_OK) {
        fprintf(stderr, "txt2img: %s: %s (param %s)\n", genapi_status_str(st), err.message, err.param);
        genapi_client_free(client);
        return 1;
    }
    /* Images arrive decoded from base64: the bytes of a PNG (or JPEG / WebP) file. */
    const genapi_image *image = &result->images[0];
    FILE *f = fopen(out_path, "wb");
    int ok = f != NULL && fwrite(image->data, 1, image->size, f) == image->size;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    if (ok)
        printf("wrote %s: %dx%d, %zu bytes, seed %lld\n", out_path, (int)image->width, (int)image->height,
               image->size, (long long)result->info.seed);
    else
        fprintf(stderr, "cannot write %s\n", out_path);
    genapi_images_result_free(result);
    genapi_client_free(client);
    return ok ? 0 : 1;
}
