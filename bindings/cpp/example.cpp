// A tour of the C++ wrapper: chat, a streamed reply, a completion, tokens, an image written to
// a file, a request driven from a "game loop", and a typed error.
// Runs on the in-process reference backend unless GENAPI_BASE_URL is set.
//
//     example [OUT.png]
#include <genapi/genapi.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>

int main(int argc, char **argv)
{
    const char *png_path = argc > 1 ? argv[1] : "example.png";
    try {
        genapi::Client client; // GENAPI_BASE_URL / GENAPI_API_KEY, else in-process

        // Parameters by their API name, with C++ values of their type.
        genapi::TextParams params;
        params.set("model", "genapi-ref").set("temperature", 0.8).set("max_tokens", 40).set("seed", 7);
        params.set("stop", {"\n\n"});

        std::vector<genapi::Message> chat = {{"system", "You are a helpful gardener."},
                                             {"user", "How do I keep basil alive?"}};
        genapi::ChatResult reply = client.chat(chat, params);
        std::cout << "chat: " << reply.content() << "\n  [" << reply.finish_reason() << ", "
                  << reply.usage().total_tokens << " tokens]\n";

        // The same request streamed: the lambda gets each piece as it is generated.
        std::cout << "stream: ";
        genapi::ChatResult streamed =
            client.chat_stream(chat, params, [](std::string_view piece) { std::cout << piece << std::flush; });
        std::cout << "\n  [same text: " << (streamed.content() == reply.content() ? "yes" : "no") << "]\n";

        genapi::CompletionResult done = client.complete("Basil grows best", params);
        std::cout << "completion: Basil grows best" << done.text() << "\n";

        genapi::TokenizeResult tokens = client.tokenize("Basil grows best in sun.", "genapi-ref");
        std::cout << "tokens: " << tokens.size() << "\n";

        // An image, written to a file.
        genapi::Txt2ImgParams image;
        image.set("sd_model_checkpoint", "genapi-ref-image").set("prompt", "a basil plant on a windowsill");
        image.set("width", 64).set("height", 64).set("steps", 4).set("seed", 1);
        genapi::ImagesResult images = client.txt2img(image);
        std::ofstream(png_path, std::ios::binary) << images.data();
        std::cout << "txt2img: " << images.image().width << "x" << images.image().height << " -> " << png_path
                  << "\n";

        // Asynchronous: start, then poll once per frame; on_done runs inside poll().
        std::string line;
        auto request = client.start_chat(chat, params, [&](genapi::Ended<genapi::ChatResult> &end) {
            line = end.ok() ? std::string(end.result().content()) : end.error().what();
        });
        int frames = 0;
        while (!request.poll()) {
            ++frames; // ... draw the frame ...
        }
        std::cout << "async: done after " << frames << " frames, same text: " << (line == reply.content() ? "yes" : "no")
                  << "\n";

        // Errors are genapi::Error with the status, HTTP status and the parameter at fault.
        params.set("top_p", 1.5);
        try {
            client.chat(chat, params);
        } catch (const genapi::Error &e) {
            std::cout << "error: " << e.what() << " -> param '" << e.param() << "'\n";
        }
    } catch (const genapi::Error &e) {
        std::cerr << "example: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
