/* Inpainting: img2img with a mask. White pixels of the mask are repainted from the prompt,
 * black ones keep the init image. Example files: examples/data/scene.png and scene_mask.png.
 * Runs on the in-process reference backend unless GENAPI_BASE_URL is set.
 *
 *     img2img_mask INIT.png MASK.png [OUT.png] */
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

/* The base64 text of an image file (what init_images and mask take); NULL on failure. */
static char *file_base64(genapi_client *client, const char *path)
{
    size_t len = 0;
    unsigned char *bytes = read_file(path, &len);
    char *b64 = NULL;
    if (bytes == NULL)
        fprintf(stderr, "cannot read %s\n", path);
    else if (genapi_image_to_base64(client, bytes, len, &b64, NULL) != GENAPI_OK)
        fprintf(stderr, "%s: not an image\n", path);
    free(bytes);
    return b64;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s INIT.png MASK.png [OUT.png]\n", argv[0]);
        return 2;
    }
    const char *out_path = argc > 3 ? argv[3] : "img2img.png";
    genapi_client *client = NULL;
    genapi_error err;
    if (genapi_client_new(NULL, &client, &err) != GENAPI_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    char *init = file_base64(client, argv[1]);
    char *mask = file_base64(client, argv[2]);
    int ok = 0;
    if (init != NULL && mask != NULL) {
        const char *inits[] = {init};
        genapi_img2img_params params = GENAPI_IMG2IMG_PARAMS_INIT;
        GENAPI_IMG2IMG_SET(&params, sd_model_checkpoint, "genapi-ref-image");
        GENAPI_IMG2IMG_SET(&params, prompt, "a full moon in a night sky");
        GENAPI_IMG2IMG_SET(&params, init_images, ((genapi_strlist){inits, 1}));
        GENAPI_IMG2IMG_SET(&params, mask, mask);
        GENAPI_IMG2IMG_SET(&params, mask_blur, 4);           /* soften the mask's edge */
        GENAPI_IMG2IMG_SET(&params, denoising_strength, 0.8); /* how much the masked area changes */
        GENAPI_IMG2IMG_SET(&params, steps, 8);
        GENAPI_IMG2IMG_SET(&params, seed, 7);

        genapi_images_result *result = NULL;
        genapi_status st = genapi_img2img(client, &params, &result, &err);
        if (st != GENAPI_OK) {
            fprintf(stderr, "img2img: %s: %s (param %s)\n", genapi_status_str(st), err.message, err.param);
        } else {
            const genapi_image *image = &result->images[0];
            FILE *f = fopen(out_path, "wb");
            ok = f != NULL && fwrite(image->data, 1, image->size, f) == image->size;
            if (f != NULL && fclose(f) != 0)
                ok = 0;
            if (ok)
                printf("wrote %s: %dx%d (the init image's size)\n", out_path, (int)image->width,
                       (int)image->height);
            genapi_images_result_free(result);
        }
    }
    genapi_free(genapi_client_allocator(client), init);
    genapi_free(genapi_client_allocator(client), mask);
    genapi_client_free(client);
    return ok ? 0 : 1;
}
