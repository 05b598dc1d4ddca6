// Every public header, and every GENAPI_*_INIT / GENAPI_*_SET macro they define, used from C++.
// tests/cpp/cxx_headers.cmake compiles this file with -std=c++17 and -std=c++20 under
// -Wall -Wextra -pedantic -Werror with each C++ compiler found, fails when a header or macro
// of include/genapi/ is missing here, then runs it: the initialisers must give zeroed structs
// with struct_size set, and the setters must assign and mark.
#include <genapi/async.h>
#include <genapi/chat.h>
#include <genapi/client.h>
#include <genapi/common.h>
#include <genapi/completions.h>
#include <genapi/error.h>
#include <genapi/genapi.h>
#include <genapi/image_params.h>
#include <genapi/images.h>
#include <genapi/logprobs.h>
#include <genapi/models.h>
#include <genapi/params.h>
#include <genapi/server.h>
#include <genapi/stream.h>
#include <genapi/text_params.h>
#include <genapi/tokenize.h>

#include <cstdio>
#include <cstring>

namespace {

int failures = 0;

void check(bool ok, const char *what)
{
    if (!ok) {
        std::fprintf(stderr, "FAILED: %s\n", what);
        ++failures;
    }
}

// Every byte after struct_size must be zero.
template <class T> bool zero_after_size(const T &v)
{
    const unsigned char *p = reinterpret_cast<const unsigned char *>(&v);
    for (size_t i = sizeof(uint32_t); i < sizeof(T); i++) {
        if (p[i] != 0) {
            return false;
        }
    }
    return v.struct_size == sizeof(T);
}

// A namespace-scope object initialised by a macro (static initialisation in C++).
genapi_chat_request g_chat = GENAPI_CHAT_REQUEST_INIT;

} // namespace

int main()
{
    genapi_text_params text = GENAPI_TEXT_PARAMS_INIT;
    genapi_txt2img_params t2i = GENAPI_TXT2IMG_PARAMS_INIT;
    genapi_img2img_params i2i = GENAPI_IMG2IMG_PARAMS_INIT;
    genapi_upscale_params up = GENAPI_UPSCALE_PARAMS_INIT;
    genapi_chat_request chat = GENAPI_CHAT_REQUEST_INIT;
    genapi_completion_request completion = GENAPI_COMPLETION_REQUEST_INIT;
    genapi_tokenize_request tokenize = GENAPI_TOKENIZE_REQUEST_INIT;
    genapi_tokenize_request sized = GENAPI_SIZED_INIT(genapi_tokenize_request);

    check(zero_after_size(text), "GENAPI_TEXT_PARAMS_INIT");
    check(zero_after_size(t2i), "GENAPI_TXT2IMG_PARAMS_INIT");
    check(zero_after_size(i2i), "GENAPI_IMG2IMG_PARAMS_INIT");
    check(zero_after_size(up), "GENAPI_UPSCALE_PARAMS_INIT");
    check(zero_after_size(chat), "GENAPI_CHAT_REQUEST_INIT");
    check(zero_after_size(g_chat), "GENAPI_CHAT_REQUEST_INIT at namespace scope");
    check(zero_after_size(completion), "GENAPI_COMPLETION_REQUEST_INIT");
    check(zero_after_size(tokenize), "GENAPI_TOKENIZE_REQUEST_INIT");
    check(zero_after_size(sized), "GENAPI_SIZED_INIT");

    // The setters with values of every common C++ type: floating, integer literals, strings,
    // enums and brace-initialised list structs.
    static const char *const stops[] = {"\n\n", "END"};
    GENAPI_TEXT_SET(&text, model, "genapi-ref");
    GENAPI_TEXT_SET(&text, temperature, 0.25);
    GENAPI_TEXT_SET(&text, max_tokens, 12);
    GENAPI_TEXT_SET(&text, stop, (genapi_strlist{stops, 2}));
    GENAPI_TXT2IMG_SET(&t2i, steps, 4);
    GENAPI_TXT2IMG_SET(&t2i, cfg_scale, 7.5);
    GENAPI_IMG2IMG_SET(&i2i, denoising_strength, 0.5);
    GENAPI_IMG2IMG_SET(&i2i, mask_blur, 2);
    GENAPI_UPSCALE_SET(&up, upscaling_resize, 2.0);
    GENAPI_UPSCALE_SET(&up, upscaler_1, "Lanczos");

    check(genapi_text_params_is_set(&text, GENAPI_TEXT_PARAM_temperature) == 1 && text.temperature == 0.25,
          "GENAPI_TEXT_SET temperature");
    check(genapi_text_params_is_set(&text, GENAPI_TEXT_PARAM_stop) == 1 && text.stop.count == 2,
          "GENAPI_TEXT_SET stop");
    check(genapi_text_params_is_set(&text, GENAPI_TEXT_PARAM_top_p) == 0, "top_p stays unset");
    check(genapi_txt2img_params_is_set(&t2i, GENAPI_TXT2IMG_PARAM_steps) == 1 && t2i.steps == 4,
          "GENAPI_TXT2IMG_SET steps");
    check(genapi_img2img_params_is_set(&i2i, GENAPI_IMG2IMG_PARAM_mask_blur) == 1 && i2i.mask_blur == 2,
          "GENAPI_IMG2IMG_SET mask_blur");
    check(genapi_upscale_params_is_set(&up, GENAPI_UPSCALE_PARAM_upscaler_1) == 1 &&
              std::strcmp(up.upscaler_1, "Lanczos") == 0,
          "GENAPI_UPSCALE_SET upscaler_1");

    // The initialised structs are accepted by the library: the chat body holds exactly the
    // parameters that were set.
    genapi_error err;
    check(genapi_text_params_validate(&text, &err) == GENAPI_OK, "text params validate");
    genapi_client_config config;
    genapi_client_config_init(&config, sizeof config);
    config.ignore_environment = 1;
    config.base_url = "http://127.0.0.1:9"; // nothing is sent: requests are only serialised
    genapi_client *client = nullptr;
    check(genapi_client_new(&config, &client, &err) == GENAPI_OK, "client");
    genapi_chat_message msg{}; // value-initialised: every field zero
    msg.role = "user";
    msg.content = "hi";
    chat.messages = &msg;
    chat.message_count = 1;
    chat.params = &text;
    char *json = nullptr;
    check(genapi_chat_request_to_json(client, &chat, &json, &err) == GENAPI_OK, "chat request serialises");
    check(json != nullptr && std::strstr(json, "\"temperature\":0.25") != nullptr &&
              std::strstr(json, "\"max_tokens\":12") != nullptr && std::strstr(json, "top_p") == nullptr,
          "chat body holds the set parameters only");
    genapi_free(genapi_client_allocator(client), json);
    completion.prompt = "Once";
    completion.params = &text;
    check(genapi_completion_request_to_json(client, &completion, &json, &err) == GENAPI_OK,
          "completion request serialises");
    genapi_free(genapi_client_allocator(client), json);
    genapi_client_free(client);

    if (failures == 0) {
        std::printf("C++%ld: headers and macros OK\n", static_cast<long>(__cplusplus / 100 % 100));
    }
    return failures == 0 ? 0 : 1;
}
