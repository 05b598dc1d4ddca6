// The C++ wrapper checked against the C API on the in-process reference backend: same results
// for the same seed, typed errors with status and parameter, stream deltas that add up to the
// final content, asynchronous requests, lambdas and ownership, every client option (the log,
// the allocator, max_response_bytes over HTTP to the reference server started here). Plain
// checks; exits non-zero on the first failure.
#include <genapi/genapi.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const char *file, int line, const char *what)
{
    std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    std::exit(1);
}
#define CHECK(cond) ((cond) ? (void)0 : fail(__FILE__, __LINE__, #cond))

// Runs f, which must throw genapi::Error with this status and parameter name.
template <class F> genapi::Error expect_error(F f, genapi_status status, const char *param, int line)
{
    try {
        f();
    } catch (const genapi::Error &e) {
        if (e.status() != status || e.param() != param) {
            std::fprintf(stderr, "line %d: got %s (status %d, param '%s')\n", line, e.what(), e.status(),
                         e.param().c_str());
            std::exit(1);
        }
        return e;
    }
    fail(__FILE__, line, "no genapi::Error thrown");
}
#define EXPECT_ERROR(expr, status, param) expect_error([&] { expr; }, status, param, __LINE__)

const std::vector<genapi::Message> kMessages = {
    {"system", "You are a helpful gardener."},
    {"user", "How do I keep basil alive?"},
};

genapi::TextParams text_params(int64_t seed)
{
    genapi::TextParams p;
    p.set("model", "genapi-ref").set("seed", seed).set("temperature", 0.9).set("max_tokens", 24);
    return p;
}

void test_chat_equals_c_api(genapi::Client &client)
{
    genapi::ChatResult r = client.chat(kMessages, text_params(11));
    CHECK(r.size() == 1);
    CHECK(!r.content().empty());
    CHECK(r.model() == "genapi-ref");

    // The same request through the C API.
    genapi_text_params p = GENAPI_TEXT_PARAMS_INIT;
    GENAPI_TEXT_SET(&p, model, "genapi-ref");
    GENAPI_TEXT_SET(&p, seed, 11);
    GENAPI_TEXT_SET(&p, temperature, 0.9);
    GENAPI_TEXT_SET(&p, max_tokens, 24);
    genapi_chat_message m[2] = {};
    m[0].role = "system";
    m[0].content = "You are a helpful gardener.";
    m[1].role = "user";
    m[1].content = "How do I keep basil alive?";
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = m;
    req.message_count = 2;
    req.params = &p;
    genapi_chat_result *c = nullptr;
    genapi_error err{};
    CHECK(genapi_chat_complete(client.get(), &req, &c, &err) == GENAPI_OK);
    CHECK(r.content() == std::string_view(c->choices[0].content, c->choices[0].content_len));
    CHECK(r.finish_reason() == c->choices[0].finish_reason);
    CHECK(r.usage().completion_tokens == c->usage.completion_tokens);
    genapi_chat_result_free(c);

    // Another seed gives another answer; the JSON form round-trips the content.
    genapi::ChatResult other = client.chat(kMessages, text_params(12));
    CHECK(other.content() != r.content());
    CHECK(r.to_json().find("\"chat.completion\"") != std::string::npos);
    // Out-of-range choice index.
    bool thrown = false;
    try {
        (void)r.content(1);
    } catch (const std::out_of_range &) {
        thrown = true;
    }
    CHECK(thrown);
}

void test_params_by_name()
{
    genapi::TextParams p;
    p.set("model", std::string("genapi-ref"))
        .set("temperature", 1)                          // an int for a number parameter
        .set("top_k", 40)                               // integer
        .set("ignore_eos", false)                       // boolean (set, and false)
        .set("stop", {"\n\n", "END \"quoted\""})        // list of strings, escaped as JSON
        .set("stop_token_ids", {int64_t{2}, int64_t{7}}) // list of integers
        .set("logit_bias", std::map<int64_t, double>{{42, -5.5}})
        .set("bad_words", std::vector<std::string>{"weeds"})
        .set("custom_token_bans", std::vector<int64_t>{9})
        .set("banned_phrases_token_ids", std::vector<std::vector<int64_t>>{{1, 2}, {3}})
        .set("sampler_priority", std::vector<std::string>{"top_p_top_k", "top_a", "min_p", "tfs", "typical_p",
                                                          "temperature", "penalties", "dry", "no_repeat_ngram",
                                                          "top_nsigma", "eta_cutoff", "epsilon_cutoff",
                                                          "quadratic", "xtc"})
        .set("output_kind", "delta")                    // enum by name
        .set_text("min_p", "0.05");                     // text form, as the CLI
    std::string json = p.to_json();
    CHECK(json.find("\"temperature\":1") != std::string::npos);
    CHECK(json.find("\"top_k\":40") != std::string::npos);
    CHECK(json.find("\"ignore_eos\":false") != std::string::npos);
    CHECK(json.find("\"stop\":[\"\\n\\n\",\"END \\\"quoted\\\"\"]") != std::string::npos);
    CHECK(json.find("\"stop_token_ids\":[2,7]") != std::string::npos);
    CHECK(json.find("\"logit_bias\":{\"42\":-5.5}") != std::string::npos);
    CHECK(json.find("\"banned_phrases_token_ids\":[[1,2],[3]]") != std::string::npos);
    CHECK(json.find("\"output_kind\":\"delta\"") != std::string::npos);
    CHECK(json.find("\"min_p\":0.05") != std::string::npos);
    CHECK(p.is_set("top_k") && !p.is_set("top_p"));
    p.unset("top_k");
    CHECK(!p.is_set("top_k") && p.to_json().find("top_k\":") == std::string::npos);

    // Moving keeps the values (owned storage moves with them).
    genapi::TextParams q = std::move(p);
    CHECK(q.to_json().find("\"stop\":[\"\\n\\n\"") != std::string::npos);

    // Wrong names and types are refused at once, naming the parameter.
    EXPECT_ERROR(q.set("temprature", 0.5), GENAPI_E_INVALID_ARG, "temprature");
    EXPECT_ERROR(q.set("temperature", std::vector<std::string>{"hot"}), GENAPI_E_INVALID_ARG, "temperature");
    EXPECT_ERROR(q.set("stop", 3.5), GENAPI_E_INVALID_ARG, "stop");
    EXPECT_ERROR(q.set("max_tokens", 2.5), GENAPI_E_INVALID_ARG, "max_tokens");
    EXPECT_ERROR(q.set("ignore_eos", 1), GENAPI_E_INVALID_ARG, "ignore_eos");
    EXPECT_ERROR(q.set("top_k", "many"), GENAPI_E_INVALID_ARG, "top_k");
    EXPECT_ERROR(q.set("model", {"one"}), GENAPI_E_INVALID_ARG, "model"); // a braced list is a list
    EXPECT_ERROR(q.set("ignore_eos", "yes"), GENAPI_E_INVALID_ARG, "ignore_eos"); // a string is not a bool
    EXPECT_ERROR(q.set("model", std::string("a\0b", 3)), GENAPI_E_INVALID_ARG, "model");
    EXPECT_ERROR(q.set("logit_bias", std::map<int64_t, double>{{1, std::numeric_limits<double>::quiet_NaN()}}), GENAPI_E_INVALID_ARG,
                 "logit_bias");
    // Out of range: caught by validation, before anything is sent.
    q.set("top_p", 1.5);
    genapi::Error e = EXPECT_ERROR(q.validate(), GENAPI_E_INVALID_ARG, "top_p");
    CHECK(std::string(e.what()).find("top_p") != std::string::npos);

    genapi::Txt2ImgParams t;
    t.set("sd_model_checkpoint", "genapi-ref-image").set("prompt", "fox").set("steps", 4);
    t.set("cfg_scale", 7).set("schedulers_sigma", "karras");
    CHECK(t.to_json().find("\"cfg_scale\":7") != std::string::npos);
    EXPECT_ERROR(t.set("sampler", "Euler"), GENAPI_E_INVALID_ARG, "sampler");
}

void test_invalid_parameter_request(genapi::Client &client)
{
    genapi::TextParams p = text_params(1);
    p.set("temperature", -1.0);
    genapi::Error e = EXPECT_ERROR(client.chat(kMessages, p), GENAPI_E_INVALID_ARG, "temperature");
    CHECK(e.http_status() == 0); // refused before sending
    // The server's own refusal: an unknown model is a 404 with the server's message.
    genapi::TextParams m = text_params(1);
    m.set("model", "no-such-model");
    e = EXPECT_ERROR(client.chat(kMessages, m), GENAPI_E_NOT_FOUND, "model");
    CHECK(e.http_status() == 404);
    CHECK(!e.message().empty());
}

void test_stream(genapi::Client &client)
{
    std::string joined;
    int deltas = 0;
    genapi::ChatResult r = client.chat_stream(kMessages, text_params(5), [&](std::string_view piece) {
        joined += piece;
        deltas++;
    });
    CHECK(deltas > 1);
    CHECK(joined == r.content());
    CHECK(r.content() == client.chat(kMessages, text_params(5)).content());

    // Every delta, and stopping early: the call ends with GENAPI_E_CANCELLED.
    int seen = 0;
    EXPECT_ERROR(client.chat_stream_deltas(kMessages, text_params(5),
                                           [&](const genapi::Delta &d) {
                                               CHECK(d.index == 0 && d.tool_call_index == -1);
                                               CHECK(d.c != nullptr && d.content.data() == d.c->content);
                                               return ++seen < 2;
                                           }),
                 GENAPI_E_CANCELLED, "");
    CHECK(seen == 2);

    // An exception from the lambda comes out of the call as it was thrown.
    bool caught = false;
    try {
        client.chat_stream(kMessages, text_params(5), [](std::string_view) { throw std::logic_error("mine"); });
    } catch (const std::logic_error &le) {
        caught = std::strcmp(le.what(), "mine") == 0;
    }
    CHECK(caught);

    // Completions, streamed and not.
    genapi::TextParams p = text_params(3);
    std::string text;
    genapi::CompletionResult c = client.complete_stream("Basil likes", p, [&](std::string_view s) { text += s; });
    CHECK(!text.empty() && text == c.text());
    CHECK(client.complete("Basil likes", p).text() == c.text());
}

void test_tokenize_and_listings(genapi::Client &client)
{
    genapi::TokenizeResult t = client.tokenize("Basil likes warm sun.", "genapi-ref", true);
    CHECK(t.size() > 2);
    std::string back;
    for (size_t i = 0; i < t.size(); i++) {
        back += t.token_str(i);
    }
    CHECK(back == "Basil likes warm sun.");
    genapi_tokenize_request req = GENAPI_TOKENIZE_REQUEST_INIT;
    req.prompt = "Basil likes warm sun.";
    req.model = "genapi-ref";
    genapi_tokenize_result *c = nullptr;
    CHECK(genapi_tokenize(client.get(), &req, &c, nullptr) == GENAPI_OK);
    CHECK(t.tokens() == std::vector<int64_t>(c->tokens, c->tokens + c->token_count));
    genapi_tokenize_result_free(c);
    CHECK(client.tokenize(kMessages).size() > t.size());

    genapi::ModelList models = client.text_models();
    bool found = false;
    for (const genapi_model_info &m : models) {
        found = found || std::strcmp(m.id, "genapi-ref") == 0;
    }
    CHECK(found);
    genapi::ImageListing im = client.image_listing(GENAPI_LISTING_MODELS);
    CHECK(im.size() >= 1 && std::strcmp(im[0].model_name, "genapi-ref-image") == 0);
    CHECK(client.image_listing(GENAPI_LISTING_UPSCALERS).size() >= 1);
    CHECK(client.image_options().find("sd_model_checkpoint") != std::string::npos);
}

void test_images(genapi::Client &client)
{
    genapi::Txt2ImgParams p;
    p.set("sd_model_checkpoint", "genapi-ref-image").set("prompt", "a lighthouse").set("seed", 4).set("steps", 4);
    p.set("width", 96).set("height", 64);
    genapi::ImagesResult a = client.txt2img(p);
    CHECK(a.size() == 1 && a.image().width == 96 && a.image().height == 64);
    CHECK(a.data().substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8));
    CHECK(client.txt2img(p).data() == a.data()); // same seed, same bytes

    std::string init = client.to_base64(a.data());
    genapi::Img2ImgParams q;
    q.set("sd_model_checkpoint", "genapi-ref-image").set("prompt", "a lighthouse at night");
    q.set("init_images", {init}).set("mask", init).set("denoising_strength", 0.5).set("seed", 2);
    genapi::ImagesResult b = client.img2img(q);
    CHECK(b.size() == 1 && b.image().width == 96 && b.data() != a.data());

    genapi::UpscaleParams u;
    u.set("image", init).set("upscaler_1", "Lanczos").set("upscaling_resize", 2);
    genapi::UpscaleResult up = client.upscale(u);
    CHECK(up.image().width == 192 && up.image().height == 128);

    genapi::Txt2ImgParams bad;
    bad.set("sd_model_checkpoint", "genapi-ref-image").set("prompt", "x").set("steps", 500);
    EXPECT_ERROR(client.txt2img(bad), GENAPI_E_INVALID_ARG, "steps");
}

void test_async(genapi::Client &client)
{
    genapi::ChatResult blocking = client.chat(kMessages, text_params(21));

    // on_done runs once, inside poll(), with the result.
    int done_calls = 0;
    std::string from_callback;
    auto req = client.start_chat(kMessages, text_params(21), [&](genapi::Ended<genapi::ChatResult> &e) {
        done_calls++;
        CHECK(e.ok());
        from_callback = std::string(e.result().content());
    });
    int polls = 0;
    while (!req.poll()) {
        polls++;
        CHECK(polls < 1000000);
    }
    CHECK(done_calls == 1);
    CHECK(from_callback == blocking.content());
    CHECK(req.status() == GENAPI_OK);
    EXPECT_ERROR(req.result(), GENAPI_E_INVALID_ARG, ""); // taken by the callback already

    // Without a callback, result() waits and moves the result out; streams call their lambda.
    std::string joined;
    auto stream = client.start_chat_stream(kMessages, text_params(21), [&](std::string_view s) { joined += s; });
    genapi::ChatResult streamed = stream.result();
    CHECK(joined == streamed.content() && joined == blocking.content());

    // Several at once, driven together.
    auto t = client.start_tokenize("one two three", "genapi-ref");
    auto m = client.start_text_models();
    auto c = client.start_complete("Basil", text_params(2));
    auto s = client.start_image_listing(GENAPI_LISTING_SAMPLERS);
    while (!(t.done() && m.done() && c.done() && s.done())) {
        client.poll(10);
    }
    CHECK(t.result().size() >= 3 && m.result().size() >= 1 && !c.result().text().empty());
    CHECK(s.result().size() == client.image_listing(GENAPI_LISTING_SAMPLERS).size());

    // Cancel: ends with GENAPI_E_CANCELLED and its on_done still runs.
    genapi_status seen = GENAPI_OK;
    genapi::TextParams longer = text_params(9);
    longer.set("max_tokens", 4000).set("ignore_eos", true);
    auto cancelled = client.start_chat(kMessages, longer,
                                       [&](genapi::Ended<genapi::ChatResult> &e) { seen = e.status(); });
    cancelled.poll();
    cancelled.cancel();
    cancelled.wait();
    CHECK(seen == GENAPI_E_CANCELLED);
    EXPECT_ERROR(cancelled.result(), GENAPI_E_CANCELLED, "");

    // A Request destroyed while running is cancelled and calls nothing any more.
    int abandoned_calls = 0;
    {
        auto gone = client.start_chat(kMessages, longer, [&](genapi::Ended<genapi::ChatResult> &) { abandoned_calls++; });
        gone.poll();
    }
    while (client.pending() > 0) {
        client.poll(10);
    }
    CHECK(abandoned_calls == 0);

    // A moved-from Request is empty and says so.
    auto moved_to = std::move(cancelled);
    EXPECT_ERROR(cancelled.poll(), GENAPI_E_INVALID_ARG, "");
    CHECK(moved_to.status() == GENAPI_E_CANCELLED);

    // Bad input fails at start, naming the parameter; images report progress.
    genapi::TextParams bad = text_params(1);
    bad.set("top_p", 0.0);
    EXPECT_ERROR(client.start_chat(kMessages, bad), GENAPI_E_INVALID_ARG, "top_p");
    genapi::Txt2ImgParams ip;
    ip.set("sd_model_checkpoint", "genapi-ref-image").set("prompt", "a fox").set("steps", 6);
    ip.set("width", 64).set("height", 64);
    double last = -1;
    int progress_calls = 0;
    auto img = client.start_txt2img(ip, {}, [&](const genapi_progress &pr) {
        CHECK(pr.progress >= last);
        last = pr.progress;
        progress_calls++;
    });
    CHECK(img.result().size() == 1);
    CHECK(progress_calls > 0);
}

// With a worker thread driving the client, lambdas run on that thread; wait() and result() block
// the caller; a Request destroyed while the worker runs it calls nothing afterwards.
void test_worker()
{
    genapi::Client client = genapi::Client::offline();
    std::string expected(client.chat(kMessages, text_params(31)).content());
    client.start_worker();
    std::mutex mu;
    std::string got;
    std::thread::id callback_thread;
    auto req = client.start_chat(kMessages, text_params(31), [&](genapi::Ended<genapi::ChatResult> &e) {
        std::lock_guard<std::mutex> lock(mu);
        got = std::string(e.result().content());
        callback_thread = std::this_thread::get_id();
    });
    CHECK(req.wait(-1));
    {
        std::lock_guard<std::mutex> lock(mu);
        CHECK(got == expected);
        CHECK(callback_thread != std::this_thread::get_id());
    }
    genapi::TextParams longer = text_params(9);
    longer.set("max_tokens", 4000).set("ignore_eos", true);
    std::atomic<bool> destroyed[20];
    std::atomic<int> late{0}; // lambda calls after their Request was destroyed
    for (int i = 0; i < 20; i++) {
        destroyed[i] = false;
        auto on_piece = [&, i](std::string_view) { late += destroyed[i] ? 1 : 0; };
        auto on_done = [&, i](genapi::Ended<genapi::ChatResult> &) { late += destroyed[i] ? 1 : 0; };
        {
            auto gone = client.start_chat_stream(kMessages, longer, on_piece, on_done);
            std::this_thread::sleep_for(std::chrono::microseconds(200 * i)); // let some pieces arrive
        } // destroyed here, possibly while the worker is inside one of its lambdas
        destroyed[i] = true;
    }
    while (client.pending() > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(late == 0);
    client.stop_worker();
}

void test_transport_error()
{
    genapi::ClientOptions o;
    o.base_url = "http://127.0.0.1:9"; // discard port: nothing listens
    o.ignore_environment = true;
    o.connect_timeout_ms = 500;
    o.timeout_ms = 2000;
    o.max_retries = -1;
    genapi::Client remote(o);
    CHECK(remote.base_url() == "http://127.0.0.1:9");
    genapi::Error e = EXPECT_ERROR(remote.chat(kMessages, text_params(1)), GENAPI_E_CONNECT, "");
    CHECK(e.http_status() == 0);
}

// The log option: the library's lines reach the lambda at the level asked, on the thread that
// drives the loop (the blocking caller, then the worker), through a move of the client and after
// the options are gone; a throwing lambda loses only its line.
void test_log()
{
    struct Line {
        genapi_log_level level;
        std::string text;
        std::thread::id thread;
    };
    std::mutex mu;
    std::vector<Line> lines;
    auto count = [&](genapi_log_level level, std::string_view text, bool on_this_thread) {
        std::lock_guard<std::mutex> lock(mu);
        int n = 0;
        for (const Line &l : lines)
            if (l.level == level && l.text.find(text) != std::string::npos &&
                (l.thread == std::this_thread::get_id()) == on_this_thread)
                n++;
        return n;
    };
    genapi::Client client = genapi::Client::offline();
    {
        genapi::ClientOptions o;
        o.ignore_environment = true;
        o.log_level = GENAPI_LOG_DEBUG;
        o.log = [&](genapi_log_level level, std::string_view message) {
            std::lock_guard<std::mutex> lock(mu);
            lines.push_back({level, std::string(message), std::this_thread::get_id()});
        };
        genapi::Client first(o);
        client = std::move(first); // move assignment: the log function moves along
    }
    CHECK(!client.chat(kMessages, text_params(5)).content().empty());
    CHECK(count(GENAPI_LOG_INFO, "POST /v1/chat/completions: HTTP 200 in ", true) == 1);
    CHECK(count(GENAPI_LOG_DEBUG, "POST /v1/chat/completions request body (", true) == 1);
    CHECK(count(GENAPI_LOG_DEBUG, "\"seed\":5", true) == 1);
    CHECK(count(GENAPI_LOG_DEBUG, "", false) == 0);

    client.start_worker();
    genapi::Request<genapi::ChatResult> req = client.start_chat(kMessages, text_params(6));
    CHECK(req.wait(-1));
    client.stop_worker();
    CHECK(count(GENAPI_LOG_INFO, "POST /v1/chat/completions: HTTP 200 in ", false) == 1);
    CHECK(count(GENAPI_LOG_DEBUG, "\"seed\":6", false) == 1);
    CHECK(!req.result().content().empty());

    // log_level: only failures; a lambda that throws loses its line, nothing else.
    genapi::ClientOptions q;
    q.ignore_environment = true;
    q.log_level = GENAPI_LOG_ERROR;
    int calls = 0;
    std::string last;
    q.log = [&](genapi_log_level level, std::string_view message) {
        calls++;
        last = std::string(message);
        CHECK(level == GENAPI_LOG_ERROR);
        throw std::runtime_error("the log sink is full");
    };
    genapi::Client quiet(q);
    CHECK(!quiet.chat(kMessages, text_params(7)).content().empty());
    CHECK(calls == 0);
    genapi::TextParams missing = text_params(7);
    missing.set("model", "no-such-model");
    EXPECT_ERROR(quiet.chat(kMessages, missing), GENAPI_E_NOT_FOUND, "model");
    CHECK(calls == 1);
    CHECK(last.find("POST /v1/chat/completions: not found") == 0);
    CHECK(!quiet.chat(kMessages, text_params(7)).content().empty());
}

// The allocator of the options is the one the client allocates with.
void test_allocator()
{
    static std::atomic<long> allocations{0};
    genapi_allocator a{};
    a.malloc_fn = [](size_t n, void *) -> void * {
        allocations++;
        return std::malloc(n);
    };
    a.realloc_fn = [](void *p, size_t n, void *) -> void * {
        allocations++;
        return std::realloc(p, n);
    };
    a.free_fn = [](void *p, void *) { std::free(p); };
    genapi::ClientOptions o;
    o.ignore_environment = true;
    o.allocator = &a;
    genapi::Client client(o);
    long before = allocations;
    CHECK(before > 0);
    genapi::ChatResult r = client.chat(kMessages, text_params(4));
    CHECK(!r.content().empty());
    CHECK(allocations > before);
}

// max_response_bytes over HTTP (the reference server in this process): a response of exactly the
// limit arrives, one byte more is refused with GENAPI_E_PARSE naming the setting, not retried.
void test_max_response_bytes()
{
    genapi_backend *backend = nullptr;
    genapi_server *server = nullptr;
    CHECK(genapi_backend_new(nullptr, &backend, nullptr) == GENAPI_OK);
    CHECK(genapi_server_start(backend, "127.0.0.1", 0, &server, nullptr) == GENAPI_OK);
    std::string url = "http://127.0.0.1:" + std::to_string(genapi_server_port(server));
    size_t body_bytes = 0;
    int attempts = 0;
    genapi::ClientOptions o;
    o.base_url = url;
    o.ignore_environment = true;
    o.log_level = GENAPI_LOG_DEBUG;
    o.log = [&](genapi_log_level, std::string_view message) {
        static const std::string_view kBody = "POST /v1/chat/completions response body (";
        if (message.substr(0, kBody.size()) == kBody)
            body_bytes = std::strtoul(std::string(message.substr(kBody.size())).c_str(), nullptr, 10);
        if (message.find("POST /v1/chat/completions: attempt ") == 0)
            attempts++;
    };
    {
        genapi::Client roomy(o);
        CHECK(!roomy.chat(kMessages, text_params(8)).content().empty());
    }
    CHECK(body_bytes > 200);
    o.max_response_bytes = static_cast<int64_t>(body_bytes);
    {
        genapi::Client exact(o);
        CHECK(!exact.chat(kMessages, text_params(8)).content().empty());
    }
    o.max_response_bytes = static_cast<int64_t>(body_bytes) - 1;
    attempts = 0;
    {
        genapi::Client tight(o);
        genapi::Error e = EXPECT_ERROR(tight.chat(kMessages, text_params(8)), GENAPI_E_PARSE, "");
        std::string want = "larger than " + std::to_string(body_bytes - 1) + " bytes (max_response_bytes)";
        CHECK(e.message().find(want) != std::string::npos);
        CHECK(attempts == 1);
    }
    o.max_response_bytes = -1;
    EXPECT_ERROR(genapi::Client{o}, GENAPI_E_INVALID_ARG, "max_response_bytes");
    genapi_server_stop(server);
    genapi_backend_free(backend);
}

// Reasoning is read with its length: a NUL the server escaped into it stays.
void test_reasoning_with_nul(genapi::Client &client)
{
    static const char body[] = R"({"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[)"
                               R"({"index":0,"message":{"role":"assistant","content":"ok",)"
                               R"("reasoning_content":"think\u0000more"},"finish_reason":"stop"}]})";
    genapi_chat_result *c = nullptr;
    genapi_error err{};
    CHECK(genapi_chat_result_parse(client.get(), body, sizeof body - 1, &c, &err) == GENAPI_OK);
    genapi::ChatResult r(c);
    CHECK(r.reasoning() == std::string_view("think\0more", 10));
    CHECK(r.to_json().find(R"("reasoning_content":"think\u0000more")") != std::string::npos);
}

// A tool loop: a required call under the function's schema (the same one the C API makes for
// the same seed), its pieces streamed, the call and the tool's answer sent back, then text.
void test_tool_loop(genapi::Client &client)
{
    const std::vector<genapi::Tool> tools = {
        {"get_weather", "Weather of a city",
         R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false})"}};
    std::vector<genapi::Message> msgs = {{"user", "Weather in Oslo?"}};
    genapi::ChatResult r = client.chat(msgs, text_params(3), genapi::Tools::with(tools, GENAPI_TOOL_CHOICE_REQUIRED));
    CHECK(r.finish_reason() == "tool_calls");
    std::vector<genapi_tool_call> calls = r.tool_calls();
    CHECK(calls.size() == 1);
    CHECK(std::strcmp(calls[0].name, "get_weather") == 0);
    CHECK(std::strncmp(calls[0].arguments, "{\"city\": \"", 10) == 0);

    // The same request through the C API gives the same arguments.
    genapi_tool ct = {"get_weather", "Weather of a city", tools[0].parameters_json.c_str()};
    genapi_chat_message cm = {};
    cm.role = "user";
    cm.content = "Weather in Oslo?";
    genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
    req.messages = &cm;
    req.message_count = 1;
    genapi::TextParams p = text_params(3);
    req.params = p.get();
    req.tools = &ct;
    req.tool_count = 1;
    req.tool_choice = GENAPI_TOOL_CHOICE_REQUIRED;
    genapi_chat_result *c = nullptr;
    genapi_error err{};
    CHECK(genapi_chat_complete(client.get(), &req, &c, &err) == GENAPI_OK);
    CHECK(std::strcmp(c->choices[0].tool_calls[0].arguments, calls[0].arguments) == 0);
    genapi_chat_result_free(c);

    // Streamed: the pieces add up to the arguments, and no content arrives.
    std::string pieces, text;
    genapi::ChatResult s = client.chat_stream_deltas(
        msgs, text_params(3),
        [&](const genapi::Delta &d) {
            if (d.tool_call_index == 0)
                pieces += d.tool_call_arguments;
            text += d.content;
            return true;
        },
        genapi::Tools::call(tools, "get_weather"));
    CHECK(pieces == s.tool_calls()[0].arguments);
    CHECK(pieces == calls[0].arguments);
    CHECK(text.empty());
    CHECK(s.finish_reason() == "stop"); // a named call ends as the servers end it

    // Back to the model: the call, then the tool's answer; "auto" then answers in text.
    msgs.push_back(r.calls_message());
    msgs.push_back(genapi::Message::tool_result(calls[0].id, R"({"temp": 4})"));
    genapi::ChatResult answer = client.chat(msgs, text_params(3), genapi::Tools::with(tools, GENAPI_TOOL_CHOICE_AUTO));
    CHECK(answer.tool_calls().empty());
    CHECK(!answer.content().empty());

    // A named function that is not among the tools is the caller's error, named.
    EXPECT_ERROR(client.chat(msgs, text_params(3), genapi::Tools::call(tools, "get_time")), GENAPI_E_INVALID_ARG,
                 "tool_choice");
}

} // namespace

int main()
{
    genapi::Client client = genapi::Client::offline();
    CHECK(client.base_url().empty());
    test_chat_equals_c_api(client);
    test_params_by_name();
    test_invalid_parameter_request(client);
    test_stream(client);
    test_tokenize_and_listings(client);
    test_images(client);
    test_async(client);
    test_worker();
    test_transport_error();
    test_log();
    test_allocator();
    test_max_response_bytes();
    test_reasoning_with_nul(client);
    test_tool_loop(client);
    genapi::Client moved = std::move(client);
    CHECK(client.get() == nullptr && moved.get() != nullptr);
    CHECK(!moved.chat(kMessages, text_params(1)).content().empty());
    std::printf("C++ wrapper: all checks passed\n");
    return 0;
}
