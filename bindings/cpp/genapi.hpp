/**
 * @file genapi.hpp
 * @brief Header-only C++17 wrapper of libgenapi (namespace `genapi`).
 *
 * - genapi::Client owns a ::genapi_client (move-only, freed by its destructor).
 * - Results (genapi::ChatResult, genapi::ImagesResult, …) own the C result and free it; their
 *   accessors return `std::string_view` into it, valid while the result lives.
 * - Parameters are set by their JSON name with a C++ value of the right type
 *   (`params.set("temperature", 0.7)`, `params.set("stop", {"\n\n", "END"})`), checked against
 *   the library's parameter table: an unknown name or a value of the wrong type throws at once,
 *   a value out of range throws when the request is made.
 * - Every failure throws genapi::Error (status, HTTP status, parameter, request id).
 * - Streams call a lambda per delta; asynchronous calls (`start_*`) return a genapi::Request
 *   with `poll()`, `cancel()`, `wait()`, `result()` and an optional `on_done` lambda, over the
 *   non-blocking core of async.h.
 *
 * Link with libgenapi (`genapi::genapi` in CMake, `pkg-config genapi`). Thread rules are those
 * of the C API (async.h): callbacks run on the thread driving the client.
 */
#ifndef GENAPI_HPP
#define GENAPI_HPP

#include <genapi/genapi.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

/** @brief The C++ wrapper of libgenapi. */
namespace genapi {

/**
 * @brief A failed libgenapi call: the ::genapi_error record as an exception.
 *
 * `what()` reads "STATUS: MESSAGE (param NAME) [HTTP N]".
 */
class Error : public std::runtime_error {
public:
    /** @brief From a filled C error record. @param e The record. */
    explicit Error(const genapi_error &e)
        : std::runtime_error(describe(static_cast<genapi_status>(e.status), e.message, e.param, e.http_status)),
          status_(static_cast<genapi_status>(e.status)), http_status_(e.http_status), server_code_(e.server_code),
          retry_after_ms_(e.retry_after_ms), message_(e.message), param_(e.param), type_(e.type),
          request_id_(e.request_id)
    {
    }
    /** @brief A failure found by the wrapper itself.
     *  @param status Status code. @param message Explanation. @param param Parameter name, or empty. */
    Error(genapi_status status, std::string_view message, std::string_view param = {})
        : std::runtime_error(describe(status, std::string(message).c_str(), std::string(param).c_str(), 0)),
          status_(status), message_(message), param_(param)
    {
    }
    /** @return The ::genapi_status of the failure. */
    genapi_status status() const noexcept { return status_; }
    /** @return HTTP status of the response, 0 if none arrived. */
    int http_status() const noexcept { return http_status_; }
    /** @return `code` of the server's error body, 0 if absent. */
    int server_code() const noexcept { return server_code_; }
    /** @return Milliseconds of a `Retry-After` header, -1 if absent. */
    int64_t retry_after_ms() const noexcept { return retry_after_ms_; }
    /** @return The message without the status prefix. */
    const std::string &message() const noexcept { return message_; }
    /** @return The offending parameter's JSON name, or empty. */
    const std::string &param() const noexcept { return param_; }
    /** @return The server's error type (e.g. "BadRequestError"), or empty. */
    const std::string &type() const noexcept { return type_; }
    /** @return `x-request-id` of the response, or empty. */
    const std::string &request_id() const noexcept { return request_id_; }

private:
    static std::string describe(genapi_status st, const char *message, const char *param, int http)
    {
        std::string s = genapi_status_str(st);
        s += ": ";
        s += message;
        if (param != nullptr && *param != '\0') {
            s += " (param ";
            s += param;
            s += ')';
        }
        if (http != 0) {
            s += " [HTTP " + std::to_string(http) + ']';
        }
        return s;
    }
    genapi_status status_;
    int http_status_ = 0;
    int server_code_ = 0;
    int64_t retry_after_ms_ = -1;
    std::string message_;
    std::string param_;
    std::string type_;
    std::string request_id_;
};

/** @cond INTERNAL */
namespace detail {

inline void check(genapi_status st, genapi_error &err)
{
    if (st != GENAPI_OK) {
        err.status = st;
        throw Error(err);
    }
}

inline std::string_view view(const char *s) noexcept { return s ? std::string_view(s) : std::string_view(); }
inline std::string_view view(const char *s, size_t n) noexcept
{
    return s ? std::string_view(s, n) : std::string_view();
}

template <class T, void (*Free)(T *)> struct Deleter {
    void operator()(T *p) const noexcept { Free(p); }
};
template <class T, void (*Free)(T *)> using Owned = std::unique_ptr<T, Deleter<T, Free>>;

// A NUL-terminated copy for the C API; embedded NULs would be cut silently, so they are refused.
inline std::string c_string(std::string_view s, std::string_view what)
{
    if (s.find('\0') != std::string_view::npos) {
        throw Error(GENAPI_E_INVALID_ARG, std::string(what) + ": contains a NUL byte", what);
    }
    return std::string(s);
}

inline void json_string(std::string &out, std::string_view s)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (char ch : s) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
    }
    out += '"';
}

inline void json_number(std::string &out, double v, std::string_view name)
{
    if (!std::isfinite(v)) {
        throw Error(GENAPI_E_INVALID_ARG, std::string(name) + ": not a finite number", name);
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

inline void json_int(std::string &out, int64_t v) { out += std::to_string(v); }

inline const char *kind_name(int32_t kind) noexcept
{
    switch (static_cast<genapi_param_kind>(kind)) {
    case GENAPI_PK_STRING: return "a string";
    case GENAPI_PK_DOUBLE: return "a number";
    case GENAPI_PK_INT: return "an integer";
    case GENAPI_PK_BOOL: return "a boolean";
    case GENAPI_PK_STRLIST: return "a list of strings";
    case GENAPI_PK_INTLIST: return "a list of integers";
    case GENAPI_PK_INTLISTS: return "a list of integer lists";
    case GENAPI_PK_BIAS: return "a map of token id to bias";
    case GENAPI_PK_SAMPLERS: return "a list of sampler names or ids";
    case GENAPI_PK_BANRANGES: return "ban ranges (JSON text)";
    case GENAPI_PK_JSON: return "JSON text";
    case GENAPI_PK_ENUM: return "one of its choices (a string)";
    }
    return "a value";
}

// One parameter table (text, txt2img, img2img, upscale) as the wrapper needs it.
#define GENAPI_HPP_KIND(Kind, kind_str, ctype, prefix, idtype)                                                  \
    struct Kind {                                                                                                \
        using c_type = ctype;                                                                                    \
        static constexpr const char *name = kind_str;                                                            \
        static void init(c_type *p) noexcept { prefix##_params_init(p, sizeof *p); }                             \
        static void clear(c_type *p) noexcept { prefix##_params_clear(p); }                                      \
        static const genapi_param_desc *find(const char *n) noexcept { return prefix##_param_find(n); }         \
        static void mark(c_type *p, uint32_t i, int set) noexcept                                                \
        {                                                                                                        \
            prefix##_params_mark(p, static_cast<idtype>(i), set);                                                \
        }                                                                                                        \
        static int is_set(const c_type *p, uint32_t i) noexcept                                                  \
        {                                                                                                        \
            return prefix##_params_is_set(p, static_cast<idtype>(i));                                            \
        }                                                                                                        \
        static genapi_status set_text(c_type *p, const char *n, const char *v, genapi_error *e) noexcept        \
        {                                                                                                        \
            return prefix##_params_set_text(p, n, v, e);                                                         \
        }                                                                                                        \
        static genapi_status validate(const c_type *p, genapi_error *e) noexcept                                \
        {                                                                                                        \
            return prefix##_params_validate(p, e);                                                               \
        }                                                                                                        \
        static genapi_status to_json(const c_type *p, char **out, genapi_error *e) noexcept                     \
        {                                                                                                        \
            return prefix##_params_to_json(p, out, e);                                                           \
        }                                                                                                        \
    };
GENAPI_HPP_KIND(TextKind, "text", genapi_text_params, genapi_text, genapi_text_param_id)
GENAPI_HPP_KIND(Txt2ImgKind, "txt2img", genapi_txt2img_params, genapi_txt2img, genapi_txt2img_param_id)
GENAPI_HPP_KIND(Img2ImgKind, "img2img", genapi_img2img_params, genapi_img2img, genapi_img2img_param_id)
GENAPI_HPP_KIND(UpscaleKind, "upscale", genapi_upscale_params, genapi_upscale, genapi_upscale_param_id)
#undef GENAPI_HPP_KIND

} // namespace detail
/** @endcond */

/**
 * @brief A parameter struct of one table (see genapi::TextParams, genapi::Txt2ImgParams,
 *        genapi::Img2ImgParams, genapi::UpscaleParams), set by JSON name.
 *
 * Every value is copied: strings and lists into storage the C struct owns (through the
 * `*_params_set_text` function of its table), numbers and booleans into the typed field the
 * table's descriptor locates. Only parameters that were set are sent. Move-only.
 * @tparam K The table (internal).
 */
template <class K> class BasicParams {
public:
    /** @brief The C struct. */
    using c_type = typename K::c_type;

    /** @brief Nothing set. */
    BasicParams() noexcept { K::init(&c_); }
    ~BasicParams() { K::clear(&c_); }
    BasicParams(const BasicParams &) = delete;
    BasicParams &operator=(const BasicParams &) = delete;
    /** @brief Takes the other's values; it is left with nothing set. @param o Source. */
    BasicParams(BasicParams &&o) noexcept
    {
        std::memcpy(static_cast<void *>(&c_), &o.c_, sizeof c_);
        K::init(&o.c_);
    }
    /** @brief Takes the other's values; it is left with nothing set. @param o Source. @return *this. */
    BasicParams &operator=(BasicParams &&o) noexcept
    {
        if (this != &o) {
            K::clear(&c_);
            std::memcpy(static_cast<void *>(&c_), &o.c_, sizeof c_);
            K::init(&o.c_);
        }
        return *this;
    }

    /** @brief A number parameter (an integer parameter takes a whole number).
     *  @param name JSON name. @param v Value. @return *this. */
    BasicParams &set(std::string_view name, double v)
    {
        const genapi_param_desc &d = find(name);
        if (d.kind == GENAPI_PK_DOUBLE) {
            return store(d, v);
        }
        if (d.kind == GENAPI_PK_INT && std::isfinite(v) && std::trunc(v) == v && v >= -9.2e18 && v <= 9.2e18) {
            return store(d, static_cast<int64_t>(v));
        }
        throw wrong_type(d, "a number");
    }
    /** @brief An integer parameter (a number parameter takes it too).
     *  @param name JSON name. @param v Value. @return *this. */
    template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
    BasicParams &set(std::string_view name, I v)
    {
        const genapi_param_desc &d = find(name);
        if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(int64_t)) {
            if (v > static_cast<I>(std::numeric_limits<int64_t>::max())) {
                throw Error(GENAPI_E_INVALID_ARG, std::string(name) + ": integer out of range", name);
            }
        }
        if (d.kind == GENAPI_PK_INT) {
            return store(d, static_cast<int64_t>(v));
        }
        if (d.kind == GENAPI_PK_DOUBLE) {
            return store(d, static_cast<double>(v));
        }
        throw wrong_type(d, "an integer");
    }
    /** @brief A boolean parameter (only a `bool`: a pointer or a number does not convert).
     *  @param name JSON name. @param v Value. @return *this. */
    template <class B, std::enable_if_t<std::is_same_v<B, bool>, int> = 0> BasicParams &set(std::string_view name, B v)
    {
        const genapi_param_desc &d = find(name);
        if (d.kind == GENAPI_PK_BOOL) {
            return store(d, static_cast<int32_t>(v ? 1 : 0));
        }
        if (d.kind == GENAPI_PK_ENUM) {
            return set_text(name, v ? "true" : "false");
        }
        throw wrong_type(d, "a boolean");
    }
    /** @brief A string, enum or JSON parameter, or any parameter in its text form (as set_text());
     *         takes string literals, `std::string` and `std::string_view`.
     *  @param name JSON name. @param v Value. @return *this. */
    BasicParams &set(std::string_view name, std::string_view v) { return set_text(name, v); }
    /** @brief A list of strings (or of sampler names). @param name JSON name. @param v Items. @return *this. */
    BasicParams &set(std::string_view name, const std::vector<std::string> &v)
    {
        return set_strings(name, v.begin(), v.end());
    }
    /** @copydoc set(std::string_view, const std::vector<std::string> &) */
    BasicParams &set(std::string_view name, std::initializer_list<std::string_view> v)
    {
        return set_strings(name, v.begin(), v.end());
    }
    /** @brief A list of integers (token ids, sampler ids). @param name JSON name. @param v Items. @return *this. */
    BasicParams &set(std::string_view name, const std::vector<int64_t> &v) { return set_ints(name, v.begin(), v.end()); }
    /** @copydoc set(std::string_view, const std::vector<int64_t> &) */
    BasicParams &set(std::string_view name, std::initializer_list<int64_t> v)
    {
        return set_ints(name, v.begin(), v.end());
    }
    /** @brief A list of integer lists (e.g. banned token sequences).
     *  @param name JSON name. @param v Lists. @return *this. */
    BasicParams &set(std::string_view name, const std::vector<std::vector<int64_t>> &v)
    {
        const genapi_param_desc &d = find(name);
        if (d.kind != GENAPI_PK_INTLISTS) {
            throw wrong_type(d, "a list of integer lists");
        }
        std::string json = "[";
        for (size_t i = 0; i < v.size(); i++) {
            json += i ? ",[" : "[";
            for (size_t j = 0; j < v[i].size(); j++) {
                if (j) {
                    json += ',';
                }
                detail::json_int(json, v[i][j]);
            }
            json += ']';
        }
        json += ']';
        return set_text(name, json);
    }
    /** @brief A token bias map (`logit_bias`): token id to bias.
     *  @param name JSON name. @param v Entries. @return *this. */
    BasicParams &set(std::string_view name, const std::map<int64_t, double> &v)
    {
        const genapi_param_desc &d = find(name);
        if (d.kind != GENAPI_PK_BIAS) {
            throw wrong_type(d, "a map of token id to bias");
        }
        std::string json = "{";
        for (const auto &kv : v) {
            if (json.size() > 1) {
                json += ',';
            }
            detail::json_string(json, std::to_string(kv.first));
            json += ':';
            detail::json_number(json, kv.second, name);
        }
        json += '}';
        return set_text(name, json);
    }

    /**
     * @brief Set a parameter from its text form, as the CLI's `-p NAME=VALUE`: numbers and
     *        booleans as text, strings as they are, lists and objects as JSON.
     * @param name JSON name. @param text Value text. @return *this.
     */
    BasicParams &set_text(std::string_view name, std::string_view text)
    {
        find(name);
        std::string n(name);
        std::string v = detail::c_string(text, name);
        genapi_error err{};
        detail::check(K::set_text(&c_, n.c_str(), v.c_str(), &err), err);
        return *this;
    }

    /** @brief Mark a parameter unset (not sent). @param name JSON name. @return *this. */
    BasicParams &unset(std::string_view name)
    {
        K::mark(&c_, find(name).index, 0);
        return *this;
    }
    /** @brief Whether a parameter is set. @param name JSON name. @return true if set. */
    bool is_set(std::string_view name) const { return K::is_set(&c_, find(name).index) != 0; }
    /** @brief Check every set parameter and the cross-parameter rules; throws genapi::Error. */
    void validate() const
    {
        genapi_error err{};
        detail::check(K::validate(&c_, &err), err);
    }
    /** @brief The set parameters as a JSON object (validated first). @return JSON text. */
    std::string to_json() const
    {
        genapi_error err{};
        char *json = nullptr;
        detail::check(K::to_json(&c_, &json, &err), err);
        std::string s(json);
        genapi_free(c_.allocator, json);
        return s;
    }
    /** @return The C struct, e.g. for a C function of the library. */
    c_type *get() noexcept { return &c_; }
    /** @return The C struct. */
    const c_type *get() const noexcept { return &c_; }

private:
    const genapi_param_desc &find(std::string_view name) const
    {
        std::string n = detail::c_string(name, name);
        const genapi_param_desc *d = K::find(n.c_str());
        if (d == nullptr) {
            throw Error(GENAPI_E_INVALID_ARG, std::string("unknown ") + K::name + " parameter '" + n + "'", name);
        }
        return *d;
    }
    Error wrong_type(const genapi_param_desc &d, const char *given) const
    {
        return Error(GENAPI_E_INVALID_ARG,
                     std::string(d.json_name) + ": expects " + detail::kind_name(d.kind) + ", not " + given,
                     d.json_name);
    }
    template <class T> BasicParams &store(const genapi_param_desc &d, T v)
    {
        if (d.size != sizeof v) {
            throw Error(GENAPI_E_INTERNAL, std::string(d.json_name) + ": field size differs from its kind", d.json_name);
        }
        std::memcpy(reinterpret_cast<unsigned char *>(&c_) + d.offset, &v, sizeof v);
        K::mark(&c_, d.index, 1);
        return *this;
    }
    template <class It> BasicParams &set_strings(std::string_view name, It first, It last)
    {
        const genapi_param_desc &d = find(name);
        if (d.kind != GENAPI_PK_STRLIST && d.kind != GENAPI_PK_SAMPLERS) {
            throw wrong_type(d, "a list of strings");
        }
        std::string json = "[";
        for (It it = first; it != last; ++it) {
            if (json.size() > 1) {
                json += ',';
            }
            detail::json_string(json, detail::c_string(*it, name));
        }
        json += ']';
        return set_text(name, json);
    }
    template <class It> BasicParams &set_ints(std::string_view name, It first, It last)
    {
        const genapi_param_desc &d = find(name);
        if (d.kind != GENAPI_PK_INTLIST && d.kind != GENAPI_PK_SAMPLERS) {
            throw wrong_type(d, "a list of integers");
        }
        std::string json = "[";
        for (It it = first; it != last; ++it) {
            if (json.size() > 1) {
                json += ',';
            }
            detail::json_int(json, *it);
        }
        json += ']';
        return set_text(name, json);
    }

    c_type c_;
};

/** @brief Text-generation parameters (chat, completions): the rows of text_params.h. */
using TextParams = BasicParams<detail::TextKind>;
/** @brief txt2img parameters: the rows of ::GENAPI_TXT2IMG_PARAMS. */
using Txt2ImgParams = BasicParams<detail::Txt2ImgKind>;
/** @brief img2img parameters: the rows of ::GENAPI_IMG2IMG_PARAMS. */
using Img2ImgParams = BasicParams<detail::Img2ImgKind>;
/** @brief Upscale parameters: the rows of ::GENAPI_UPSCALE_PARAMS. */
using UpscaleParams = BasicParams<detail::UpscaleKind>;

/** @brief A tool call an assistant made (copied strings), sent back in a tool loop. */
struct ToolCall {
    std::string id;        /**< Call id (as the result gave it). */
    std::string name;      /**< Function name. */
    std::string arguments; /**< JSON object text of the arguments. */
};

/** @brief One chat message (copied strings). */
struct Message {
    std::string role;    /**< "system", "user", "assistant", "tool", … */
    std::string content; /**< Text. */
    std::string name;    /**< Participant name; empty to omit. */
    std::string tool_call_id;         /**< Role "tool": the call this message answers; empty to omit. */
    std::vector<ToolCall> tool_calls; /**< Role "assistant": the calls it made. */
    /** @brief A message. @param r Role. @param c Content. @param n Optional name. */
    Message(std::string r, std::string c, std::string n = {})
        : role(std::move(r)), content(std::move(c)), name(std::move(n))
    {
    }
    /** @brief An assistant message carrying its tool calls (content null).
     *  @param calls The calls. @return The message. */
    static Message assistant_calls(std::vector<ToolCall> calls)
    {
        Message m("assistant", {});
        m.tool_calls = std::move(calls);
        m.null_content = true;
        return m;
    }
    /** @brief A tool's answer to a call. @param call_id The call's id. @param result Its result text.
     *  @return The message. */
    static Message tool_result(std::string call_id, std::string result)
    {
        Message m("tool", std::move(result));
        m.tool_call_id = std::move(call_id);
        return m;
    }
    bool null_content = false; /**< Send content as JSON null (an assistant message of calls only). */
};

/** @brief A function the model may call (copied strings). */
struct Tool {
    std::string name;            /**< 1 to 64 of `a-z A-Z 0-9 _ -`. */
    std::string description;     /**< What it does; empty to omit. */
    std::string parameters_json; /**< JSON Schema of its arguments (a JSON object); empty to omit. */
};

/** @brief The tool-calling fields of a chat request. */
struct Tools {
    std::vector<Tool> tools;                               /**< Functions the model may call. */
    genapi_tool_choice choice = GENAPI_TOOL_CHOICE_UNSET;  /**< `tool_choice`; unset sends none. */
    std::string function;                                  /**< The function with ::GENAPI_TOOL_CHOICE_FUNCTION. */
    genapi_flag parallel = GENAPI_FLAG_UNSET;              /**< `parallel_tool_calls`; unset sends none. */
    /** @brief Tools the model may call, chosen as `choice` says. @param t Tools. @param c Choice.
     *  @return The set. */
    static Tools with(std::vector<Tool> t, genapi_tool_choice c = GENAPI_TOOL_CHOICE_UNSET)
    {
        Tools out;
        out.tools = std::move(t);
        out.choice = c;
        return out;
    }
    /** @brief Tools with the call of one named function required. @param t Tools. @param fn Its name.
     *  @return The set. */
    static Tools call(std::vector<Tool> t, std::string fn)
    {
        Tools out = with(std::move(t), GENAPI_TOOL_CHOICE_FUNCTION);
        out.function = std::move(fn);
        return out;
    }
};

/** @cond INTERNAL */
namespace detail {
// The C view of messages and tools; points into the caller's objects, which outlive the call.
struct CMessages {
    std::vector<genapi_chat_message> messages;
    std::vector<std::vector<genapi_tool_call>> calls;
    std::vector<genapi_tool> tools;
    const genapi_chat_message *data() const noexcept { return messages.data(); }
    size_t size() const noexcept { return messages.size(); }
};

inline CMessages c_messages(const std::vector<Message> &messages, const Tools *tools = nullptr)
{
    CMessages out;
    out.messages.reserve(messages.size());
    out.calls.reserve(messages.size());
    for (const Message &m : messages) {
        genapi_chat_message c{};
        c.role = m.role.c_str();
        c.content = m.null_content ? nullptr : m.content.c_str();
        c.name = m.name.empty() ? nullptr : m.name.c_str();
        c.tool_call_id = m.tool_call_id.empty() ? nullptr : m.tool_call_id.c_str();
        std::vector<genapi_tool_call> calls;
        for (const ToolCall &t : m.tool_calls) {
            genapi_tool_call tc{};
            tc.index = static_cast<int64_t>(calls.size());
            tc.id = t.id.empty() ? nullptr : t.id.c_str();
            tc.name = t.name.c_str();
            tc.arguments = t.arguments.empty() ? nullptr : t.arguments.c_str();
            calls.push_back(tc);
        }
        out.calls.push_back(std::move(calls));
        c.tool_calls = out.calls.back().empty() ? nullptr : out.calls.back().data();
        c.tool_call_count = out.calls.back().size();
        out.messages.push_back(c);
    }
    if (tools != nullptr) {
        for (const Tool &t : tools->tools) {
            genapi_tool ct{};
            ct.name = t.name.c_str();
            ct.description = t.description.empty() ? nullptr : t.description.c_str();
            ct.parameters_json = t.parameters_json.empty() ? nullptr : t.parameters_json.c_str();
            out.tools.push_back(ct);
        }
    }
    return out;
}

inline void check_index(size_t i, size_t n, const char *what)
{
    if (i >= n) {
        throw std::out_of_range(std::string(what) + " index " + std::to_string(i) + " of " + std::to_string(n));
    }
}

// Moves a result of an ended request out, or throws its error (a partial stream result next
// to a failure is freed: the failure is what is reported).
template <class T, genapi_status (*Take)(genapi_request *, T **), void (*Free)(T *)> T *take(genapi_request *req)
{
    T *out = nullptr;
    genapi_status st = Take(req, &out);
    genapi_error err{};
    genapi_status rs = genapi_request_status(req, &err);
    if (st == GENAPI_OK && rs == GENAPI_OK && out != nullptr) {
        return out;
    }
    Free(out);
    if (rs == GENAPI_OK) {
        rs = st != GENAPI_OK ? st : GENAPI_E_INVALID_ARG;
        std::snprintf(err.message, sizeof err.message, "%s",
                      rs == GENAPI_E_AGAIN ? "the request has not ended" : "the result was already taken");
    }
    check(rs, err);
    return nullptr;
}
} // namespace detail
/** @endcond */

/** @brief A chat completion (owns a ::genapi_chat_result). */
class ChatResult {
public:
    /** @brief Empty. */
    ChatResult() noexcept = default;
    /** @brief Takes ownership of a C result. @param r Result (freed by the destructor). */
    explicit ChatResult(genapi_chat_result *r) noexcept : r_(r) {}
    /** @return Whether a result is held. */
    explicit operator bool() const noexcept { return r_ != nullptr; }
    /** @return Number of choices. */
    size_t size() const noexcept { return r_ ? r_->choice_count : 0; }
    /** @param i Choice index. @return The choice (throws std::out_of_range). */
    const genapi_chat_choice &choice(size_t i = 0) const
    {
        detail::check_index(i, size(), "choice");
        return r_->choices[i];
    }
    /** @param i Choice index. @return The message content (may hold NUL bytes). */
    std::string_view content(size_t i = 0) const { return detail::view(choice(i).content, choice(i).content_len); }
    /** @param i Choice index. @return The reasoning text (may hold NUL bytes), or empty. */
    std::string_view reasoning(size_t i = 0) const
    {
        return detail::view(choice(i).reasoning, choice(i).reasoning_len);
    }
    /** @param i Choice index. @return "stop", "length", "tool_calls", … or empty. */
    std::string_view finish_reason(size_t i = 0) const { return detail::view(choice(i).finish_reason); }
    /** @param i Choice index. @return The tool calls of that choice (views into this result). */
    std::vector<genapi_tool_call> tool_calls(size_t i = 0) const
    {
        const genapi_chat_choice &c = choice(i);
        return c.tool_calls ? std::vector<genapi_tool_call>(c.tool_calls, c.tool_calls + c.tool_call_count)
                            : std::vector<genapi_tool_call>();
    }
    /** @param i Choice index. @return The calls as an assistant message to send back in a tool loop. */
    Message calls_message(size_t i = 0) const
    {
        std::vector<ToolCall> calls;
        for (const genapi_tool_call &t : tool_calls(i))
            calls.push_back({std::string(detail::view(t.id)), std::string(detail::view(t.name)),
                             std::string(detail::view(t.arguments))});
        return Message::assistant_calls(std::move(calls));
    }
    /** @return The model that answered. */
    std::string_view model() const noexcept { return r_ ? detail::view(r_->model) : std::string_view(); }
    /** @return The completion id. */
    std::string_view id() const noexcept { return r_ ? detail::view(r_->id) : std::string_view(); }
    /** @return The `x-request-id` response header, or empty. */
    std::string_view request_id() const noexcept { return r_ ? detail::view(r_->request_id) : std::string_view(); }
    /** @return Token accounting (all zero when empty). */
    genapi_usage usage() const noexcept { return r_ ? r_->usage : genapi_usage{}; }
    /** @return The result as OpenAI-shaped JSON. */
    std::string to_json() const
    {
        genapi_error err{};
        char *s = nullptr;
        detail::check(genapi_chat_result_to_json(r_.get(), &s, &err), err);
        std::string out(s);
        genapi_chat_result_string_free(r_.get(), s);
        return out;
    }
    /** @return The C result (owned by this object). */
    const genapi_chat_result *get() const noexcept { return r_.get(); }
    /** @brief Take a chat result out of an ended request, or throw its error. @param req Request. @return The result. */
    static ChatResult take(genapi_request *req)
    {
        return ChatResult(detail::take<genapi_chat_result, genapi_request_take_chat, genapi_chat_result_free>(req));
    }

private:
    detail::Owned<genapi_chat_result, genapi_chat_result_free> r_;
};

/** @brief A text completion (owns a ::genapi_completion_result). */
class CompletionResult {
public:
    /** @brief Empty. */
    CompletionResult() noexcept = default;
    /** @brief Takes ownership of a C result. @param r Result. */
    explicit CompletionResult(genapi_completion_result *r) noexcept : r_(r) {}
    /** @return Whether a result is held. */
    explicit operator bool() const noexcept { return r_ != nullptr; }
    /** @return Number of choices. */
    size_t size() const noexcept { return r_ ? r_->choice_count : 0; }
    /** @param i Choice index. @return The choice (throws std::out_of_range). */
    const genapi_completion_choice &choice(size_t i = 0) const
    {
        detail::check_index(i, size(), "choice");
        return r_->choices[i];
    }
    /** @param i Choice index. @return The generated text. */
    std::string_view text(size_t i = 0) const { return detail::view(choice(i).text, choice(i).text_len); }
    /** @param i Choice index. @return "stop", "length", … or empty. */
    std::string_view finish_reason(size_t i = 0) const { return detail::view(choice(i).finish_reason); }
    /** @return The model that answered. */
    std::string_view model() const noexcept { return r_ ? detail::view(r_->model) : std::string_view(); }
    /** @return Token accounting. */
    genapi_usage usage() const noexcept { return r_ ? r_->usage : genapi_usage{}; }
    /** @return The C result. */
    const genapi_completion_result *get() const noexcept { return r_.get(); }
    /** @brief Take the result of an ended request. @param req Request. @return The result. */
    static CompletionResult take(genapi_request *req)
    {
        return CompletionResult(detail::take<genapi_completion_result, genapi_request_take_completion, genapi_completion_result_free>(req));
    }

private:
    detail::Owned<genapi_completion_result, genapi_completion_result_free> r_;
};

/** @brief Token ids of a tokenize call (owns a ::genapi_tokenize_result). */
class TokenizeResult {
public:
    /** @brief Empty. */
    TokenizeResult() noexcept = default;
    /** @brief Takes ownership of a C result. @param r Result. */
    explicit TokenizeResult(genapi_tokenize_result *r) noexcept : r_(r) {}
    /** @return Number of tokens. */
    size_t size() const noexcept { return r_ ? r_->token_count : 0; }
    /** @param i Position. @return The token id (throws std::out_of_range). */
    int64_t operator[](size_t i) const
    {
        detail::check_index(i, size(), "token");
        return r_->tokens[i];
    }
    /** @return A copy of the token ids. */
    std::vector<int64_t> tokens() const { return r_ ? std::vector<int64_t>(r_->tokens, r_->tokens + r_->token_count) : std::vector<int64_t>(); }
    /** @param i Position. @return The token's text (empty unless return_token_strs was asked). */
    std::string_view token_str(size_t i) const
    {
        detail::check_index(i, size(), "token");
        return r_->token_strs ? detail::view(r_->token_strs[i]) : std::string_view();
    }
    /** @return Context length of the model. */
    int64_t max_model_len() const noexcept { return r_ ? r_->max_model_len : 0; }
    /** @return The C result. */
    const genapi_tokenize_result *get() const noexcept { return r_.get(); }
    /** @brief Take the result of an ended request. @param req Request. @return The result. */
    static TokenizeResult take(genapi_request *req)
    {
        return TokenizeResult(detail::take<genapi_tokenize_result, genapi_request_take_tokenize, genapi_tokenize_result_free>(req));
    }

private:
    detail::Owned<genapi_tokenize_result, genapi_tokenize_result_free> r_;
};

/** @brief Generated images of txt2img / img2img (owns a ::genapi_images_result). */
class ImagesResult {
public:
    /** @brief Empty. */
    ImagesResult() noexcept = default;
    /** @brief Takes ownership of a C result. @param r Result. */
    explicit ImagesResult(genapi_images_result *r) noexcept : r_(r) {}
    /** @return Number of images. */
    size_t size() const noexcept { return r_ ? r_->image_count : 0; }
    /** @param i Index. @return The image (bytes, format, size; throws std::out_of_range). */
    const genapi_image &image(size_t i = 0) const
    {
        detail::check_index(i, size(), "image");
        return r_->images[i];
    }
    /** @param i Index. @return The encoded file bytes (PNG, JPEG or WebP). */
    std::string_view data(size_t i = 0) const
    {
        const genapi_image &im = image(i);
        return std::string_view(reinterpret_cast<const char *>(im.data), im.size);
    }
    /** @return The decoded `info` document. */
    const genapi_image_info &info() const
    {
        detail::check_index(0, r_ ? 1 : 0, "result");
        return r_->info;
    }
    /** @return The C result. */
    const genapi_images_result *get() const noexcept { return r_.get(); }
    /** @brief Take the result of an ended request. @param req Request. @return The result. */
    static ImagesResult take(genapi_request *req)
    {
        return ImagesResult(detail::take<genapi_images_result, genapi_request_take_images, genapi_images_result_free>(req));
    }

private:
    detail::Owned<genapi_images_result, genapi_images_result_free> r_;
};

/** @brief An upscaled image (owns a ::genapi_upscale_result). */
class UpscaleResult {
public:
    /** @brief Empty. */
    UpscaleResult() noexcept = default;
    /** @brief Takes ownership of a C result. @param r Result. */
    explicit UpscaleResult(genapi_upscale_result *r) noexcept : r_(r) {}
    /** @return The image (throws std::out_of_range when empty). */
    const genapi_image &image() const
    {
        detail::check_index(0, r_ ? 1 : 0, "result");
        return r_->image;
    }
    /** @return The encoded file bytes. */
    std::string_view data() const
    {
        return std::string_view(reinterpret_cast<const char *>(image().data), image().size);
    }
    /** @return The C result. */
    const genapi_upscale_result *get() const noexcept { return r_.get(); }
    /** @brief Take the result of an ended request. @param req Request. @return The result. */
    static UpscaleResult take(genapi_request *req)
    {
        return UpscaleResult(detail::take<genapi_upscale_result, genapi_request_take_upscale, genapi_upscale_result_free>(req));
    }

private:
    detail::Owned<genapi_upscale_result, genapi_upscale_result_free> r_;
};

/** @brief A text model listing (owns a ::genapi_model_list). */
class ModelList {
public:
    /** @brief Empty. */
    ModelList() noexcept = default;
    /** @brief Takes ownership of a C list. @param r List. */
    explicit ModelList(genapi_model_list *r) noexcept : r_(r) {}
    /** @return Number of models. */
    size_t size() const noexcept { return r_ ? r_->count : 0; }
    /** @param i Index. @return The model (throws std::out_of_range). */
    const genapi_model_info &operator[](size_t i) const
    {
        detail::check_index(i, size(), "model");
        return r_->items[i];
    }
    /** @param i Index. @return The model id. */
    std::string_view id(size_t i) const { return detail::view((*this)[i].id); }
    /** @return First model (for range-for). */
    const genapi_model_info *begin() const noexcept { return r_ ? r_->items : nullptr; }
    /** @return Past the last model. */
    const genapi_model_info *end() const noexcept { return r_ ? r_->items + r_->count : nullptr; }
    /** @brief Take the result of an ended request. @param req Request. @return The list. */
    static ModelList take(genapi_request *req)
    {
        return ModelList(detail::take<genapi_model_list, genapi_request_take_model_list, genapi_model_list_free>(req));
    }

private:
    detail::Owned<genapi_model_list, genapi_model_list_free> r_;
};

/** @brief An image listing: models, samplers or upscalers (owns a ::genapi_image_listing). */
class ImageListing {
public:
    /** @brief Empty. */
    ImageListing() noexcept = default;
    /** @brief Takes ownership of a C listing. @param r Listing. */
    explicit ImageListing(genapi_image_listing *r) noexcept : r_(r) {}
    /** @return Number of entries. */
    size_t size() const noexcept { return r_ ? r_->count : 0; }
    /** @param i Index. @return The entry (throws std::out_of_range). */
    const genapi_image_listing_item &operator[](size_t i) const
    {
        detail::check_index(i, size(), "listing");
        return r_->items[i];
    }
    /** @param i Index. @return The entry's name (title for models). */
    std::string_view name(size_t i) const { return detail::view((*this)[i].name); }
    /** @return First entry. */
    const genapi_image_listing_item *begin() const noexcept { return r_ ? r_->items : nullptr; }
    /** @return Past the last entry. */
    const genapi_image_listing_item *end() const noexcept { return r_ ? r_->items + r_->count : nullptr; }
    /** @brief Take the result of an ended request. @param req Request. @return The listing. */
    static ImageListing take(genapi_request *req)
    {
        return ImageListing(detail::take<genapi_image_listing, genapi_request_take_image_listing, genapi_image_listing_free>(req));
    }

private:
    detail::Owned<genapi_image_listing, genapi_image_listing_free> r_;
};

/** @brief A stream delta as C++ sees it: views valid during the callback only. */
struct Delta {
    int64_t index;                  /**< Choice index. */
    std::string_view content;       /**< Text added (may be empty). */
    std::string_view reasoning;     /**< Reasoning added (may be empty). */
    std::string_view finish_reason; /**< Set on the delta that finished the choice. */
    int64_t tool_call_index;        /**< The tool call this delta added to, or -1. */
    std::string_view tool_call_name;      /**< That call's function name so far (may be empty). */
    std::string_view tool_call_arguments; /**< Argument text this delta added (may be empty). */
    const genapi_stream_delta *c;   /**< The C delta, for every other field. */
};

/** @brief Receives the text of each content delta (every choice). */
using ContentFn = std::function<void(std::string_view)>;
/** @brief Receives each delta; return false to stop the stream (it ends with ::GENAPI_E_CANCELLED). */
using DeltaFn = std::function<bool(const Delta &)>;
/** @brief Receives progress of an image request. */
using ProgressFn = std::function<void(const genapi_progress &)>;

/** @cond INTERNAL */
namespace detail {
inline Delta to_delta(const genapi_stream_delta *d) noexcept
{
    return Delta{d->index,
                 view(d->content, d->content_len),
                 view(d->reasoning, d->reasoning_len),
                 view(d->finish_reason),
                 d->tool_call_index,
                 view(d->tool_call_name),
                 view(d->tool_call_arguments, d->tool_call_arguments_len),
                 d};
}
inline DeltaFn content_only(ContentFn fn)
{
    if (!fn) {
        return {};
    }
    return [fn = std::move(fn)](const Delta &d) {
        if (!d.content.empty()) {
            fn(d.content);
        }
        return true;
    };
}

// A blocking stream's callback: an exception thrown by the lambda stops the stream and is
// rethrown by the call, never through the C library.
struct StreamCall {
    const DeltaFn *fn;
    std::exception_ptr error;
    static int trampoline(const genapi_stream_delta *d, void *user) noexcept
    {
        auto *self = static_cast<StreamCall *>(user);
        try {
            return (*self->fn && !(*self->fn)(to_delta(d))) ? 1 : 0;
        } catch (...) {
            self->error = std::current_exception();
            return 1;
        }
    }
};
} // namespace detail
/** @endcond */

template <class R> class Request;

/**
 * @brief The end of an asynchronous request, handed to its `on_done` lambda: a view of the
 *        ended ::genapi_request.
 * @tparam R The result type.
 */
template <class R> class Ended {
public:
    /** @brief View of an ended request. @param req The request. */
    explicit Ended(genapi_request *req) noexcept : req_(req) {}
    /** @return The outcome. */
    genapi_status status() const noexcept { return genapi_request_status(req_, nullptr); }
    /** @return Whether it succeeded. */
    bool ok() const noexcept { return status() == GENAPI_OK; }
    /** @return The failure as an exception object (status ::GENAPI_OK when it succeeded). */
    Error error() const
    {
        genapi_error err{};
        err.status = genapi_request_status(req_, &err);
        return Error(err);
    }
    /** @return The result, moved out (the request's result() then throws); throws on failure. */
    R result() { return R::take(req_); }

private:
    genapi_request *req_;
};

/** @cond INTERNAL */
namespace detail {
template <class R> struct AsyncState {
    std::recursive_mutex mu;
    bool abandoned = false; // the Request was destroyed: callbacks are no longer called
    std::function<void(Ended<R> &)> on_done;
    DeltaFn on_delta;
    ProgressFn on_progress;
    std::exception_ptr error; // thrown by a callback, rethrown by the Request
    // The C request counts as done as soon as its completion starts; the Request waits for the
    // on_done lambda too, unless asked from inside it.
    std::atomic<bool> finished{false};
    std::thread::id finishing;
    std::condition_variable_any cv;

    using Holder = std::shared_ptr<AsyncState>;
    static void done(genapi_request *req, void *user) noexcept
    {
        Holder *h = static_cast<Holder *>(user);
        {
            std::lock_guard<std::recursive_mutex> lock((*h)->mu);
            (*h)->finishing = std::this_thread::get_id();
            if (!(*h)->abandoned && (*h)->on_done) {
                try {
                    Ended<R> e(req);
                    (*h)->on_done(e);
                } catch (...) {
                    (*h)->error = std::current_exception();
                }
            }
            (*h)->finishing = std::thread::id();
            (*h)->finished = true;
        }
        (*h)->cv.notify_all();
        delete h; // exactly one completion per started request
    }
    // Waits until the on_done lambda has returned (at once when called from inside it).
    void wait_finished()
    {
        std::unique_lock<std::recursive_mutex> lock(mu);
        if (finishing != std::this_thread::get_id()) {
            cv.wait(lock, [this] { return finished.load(); });
        }
    }
    static int delta(const genapi_stream_delta *d, void *user) noexcept
    {
        AsyncState &s = **static_cast<Holder *>(user);
        std::lock_guard<std::recursive_mutex> lock(s.mu);
        if (s.abandoned || !s.on_delta) {
            return 0;
        }
        try {
            return s.on_delta(to_delta(d)) ? 0 : 1;
        } catch (...) {
            s.error = std::current_exception();
            return 1;
        }
    }
    static void progress(const genapi_progress *p, void *user) noexcept
    {
        AsyncState &s = **static_cast<Holder *>(user);
        std::lock_guard<std::recursive_mutex> lock(s.mu);
        if (!s.abandoned && s.on_progress) {
            try {
                s.on_progress(*p);
            } catch (...) {
                s.error = std::current_exception();
            }
        }
    }
};
} // namespace detail
/** @endcond */

/**
 * @brief A started asynchronous request (owns the ::genapi_request handle). Move-only.
 *
 * Drive it with poll() (a game frame), wait(), or a worker (Client::start_worker()). Its
 * `on_done` lambda runs exactly once, on the thread driving the client, unless the Request is
 * destroyed first: destroying a running Request cancels it and no lambda of it runs any more.
 * An exception thrown by one of its lambdas is rethrown by poll(), wait() or result().
 * @tparam R The result type (genapi::ChatResult, …).
 */
template <class R> class Request {
public:
    /** @brief No request. */
    Request() noexcept = default;
    /** @cond INTERNAL */
    Request(genapi_client *client, genapi_request *req, std::shared_ptr<detail::AsyncState<R>> state) noexcept
        : client_(client), req_(req), state_(std::move(state))
    {
    }
    /** @endcond */
    ~Request() { reset(); }
    Request(const Request &) = delete;
    Request &operator=(const Request &) = delete;
    /** @brief Move. @param o Source (left empty). */
    Request(Request &&o) noexcept
        : client_(std::exchange(o.client_, nullptr)), req_(std::exchange(o.req_, nullptr)), state_(std::move(o.state_))
    {
    }
    /** @brief Move. @param o Source (left empty). @return *this. */
    Request &operator=(Request &&o) noexcept
    {
        if (this != &o) {
            reset();
            client_ = std::exchange(o.client_, nullptr);
            req_ = std::exchange(o.req_, nullptr);
            state_ = std::move(o.state_);
        }
        return *this;
    }

    /**
     * @brief Drive the client once without blocking (genapi_poll() with timeout 0; nothing when
     *        a worker or another thread drives it).
     * @return Whether the request has ended.
     */
    bool poll()
    {
        require();
        genapi_poll(client_, 0);
        rethrow();
        return done();
    }
    /** @return Whether the request has ended and its on_done lambda has returned. */
    bool done() const noexcept
    {
        return req_ != nullptr && genapi_request_done(req_) != 0 && (!state_ || state_->finished);
    }
    /** @brief Cancel: the request ends with ::GENAPI_E_CANCELLED (its on_done still runs). */
    void cancel() noexcept { genapi_request_cancel(req_); }
    /**
     * @brief Wait until the request ends, driving the client when nobody else does.
     * @param timeout_ms Longest wait; -1 for no limit.
     * @return Whether it has ended.
     */
    bool wait(int32_t timeout_ms = -1)
    {
        require();
        genapi_status st = genapi_request_wait(req_, timeout_ms);
        rethrow();
        if (st == GENAPI_E_BUSY) {
            throw Error(GENAPI_E_BUSY, "wait() inside a callback of the same client");
        }
        if (genapi_request_done(req_) != 0 && state_) {
            state_->wait_finished();
            rethrow();
        }
        return done();
    }
    /** @return The outcome (::GENAPI_E_AGAIN while running). */
    genapi_status status() const noexcept
    {
        return done() ? genapi_request_status(req_, nullptr) : GENAPI_E_AGAIN;
    }
    /** @return The result: waits for the end, then moves it out or throws genapi::Error. */
    R result()
    {
        wait(-1);
        return R::take(req_);
    }
    /** @return The C handle. */
    genapi_request *get() const noexcept { return req_; }

private:
    void require() const
    {
        if (req_ == nullptr) {
            throw Error(GENAPI_E_INVALID_ARG, "empty genapi::Request (moved from or default-constructed)");
        }
    }
    void rethrow()
    {
        if (state_) {
            std::exception_ptr e;
            {
                std::lock_guard<std::recursive_mutex> lock(state_->mu);
                e = std::exchange(state_->error, nullptr);
            }
            if (e) {
                std::rethrow_exception(e);
            }
        }
    }
    void reset() noexcept
    {
        if (state_) {
            std::lock_guard<std::recursive_mutex> lock(state_->mu);
            state_->abandoned = true;
        }
        genapi_request_release(req_);
        req_ = nullptr;
        state_.reset();
    }

    genapi_client *client_ = nullptr;
    genapi_request *req_ = nullptr;
    std::shared_ptr<detail::AsyncState<R>> state_;
};

/**
 * @brief The log function of genapi::ClientOptions: one line of the library's log (no trailing
 *        newline, the API key redacted) and its level.
 *
 * It is the client config's log hook (::genapi_log_fn): called on the thread that drives the
 * client's loop (the caller of a blocking call, of Client::poll(), Request::poll() or
 * Request::wait(), or the worker thread), never on two threads at once for one client, and
 * inside the library, so it must not call the client. The view is valid during the call. An
 * exception it throws cannot cross the C library: it is caught and the line dropped. The
 * genapi::Client keeps its own copy of the function until the C client is freed (a move of the
 * Client takes it along).
 */
using LogFn = std::function<void(genapi_log_level level, std::string_view message)>;

/** @brief Client settings; empty and zero mean the library's defaults (client.h,
 *         ::genapi_client_config, field by field). */
struct ClientOptions {
    std::string base_url;            /**< Server root; empty: GENAPI_BASE_URL, else the in-process backend. */
    std::string api_key;             /**< Bearer key; empty: GENAPI_API_KEY. */
    bool ignore_environment = false; /**< Do not read GENAPI_BASE_URL / GENAPI_API_KEY. */
    int64_t connect_timeout_ms = 0;  /**< Connect timeout; 0 = 10 s. */
    int64_t timeout_ms = 0;          /**< Bound on a whole call incl. retries; 0 = 600 s. */
    int32_t max_retries = 0;         /**< Retries; 0 = 2, negative = never. */
    int64_t retry_max_delay_ms = 0;  /**< Longest wait between attempts; 0 = 8 s. */
    int32_t idle_timeout_s = 0;      /**< Silence that fails an attempt; 0 = 60 s, negative = no limit. */
    genapi_image_api image_api = GENAPI_IMAGE_API_HOSTED; /**< Image route shape. */
    std::string user_agent;          /**< User-Agent; empty = "libgenapi/VERSION". */
    int64_t max_response_bytes = 0;  /**< Most bytes one HTTP response may carry, counted after content
                                          decoding; 0 = 512 MiB, also the most allowed. Past it a call
                                          fails with ::GENAPI_E_PARSE (::GENAPI_E_STREAM once part of a
                                          stream was delivered) and is not retried. */
    const genapi_allocator *allocator = nullptr; /**< Allocation hooks, copied by the client (what
                                                      their `user` points to must outlive it);
                                                      nullptr: the C library's. */
    LogFn log;                       /**< Receives the library's log lines (see genapi::LogFn); empty: no log. */
    genapi_log_level log_level = GENAPI_LOG_INFO; /**< Most verbose level passed to `log`. */
};

/** @brief On-done lambda of an asynchronous request. */
template <class R> using DoneFn = std::function<void(Ended<R> &)>;

/** @brief A libgenapi client (owns a ::genapi_client). Move-only. */
class Client {
public:
    /** @brief Defaults and the environment (GENAPI_BASE_URL, GENAPI_API_KEY). */
    Client() : Client(ClientOptions{}) {}
    /** @brief From options. @param o Settings. */
    explicit Client(const ClientOptions &o)
    {
        genapi_client_config cfg;
        genapi_client_config_init(&cfg, sizeof cfg);
        if (o.log) {
            log_ = std::make_unique<LogFn>(o.log);
            cfg.log_fn = &Client::log_line;
            cfg.log_user = log_.get();
            cfg.log_level = o.log_level;
        }
        cfg.ignore_environment = o.ignore_environment ? 1 : 0;
        std::string url = detail::c_string(o.base_url, "base_url");
        std::string key = detail::c_string(o.api_key, "api_key");
        std::string agent = detail::c_string(o.user_agent, "user_agent");
        cfg.base_url = url.empty() ? nullptr : url.c_str();
        cfg.api_key = key.empty() ? nullptr : key.c_str();
        cfg.user_agent = agent.empty() ? nullptr : agent.c_str();
        cfg.connect_timeout_ms = o.connect_timeout_ms;
        cfg.timeout_ms = o.timeout_ms;
        cfg.max_retries = o.max_retries;
        cfg.retry_max_delay_ms = o.retry_max_delay_ms;
        cfg.idle_timeout_s = o.idle_timeout_s;
        cfg.image_api = o.image_api;
        cfg.max_response_bytes = o.max_response_bytes;
        cfg.allocator = o.allocator;
        open(cfg);
        std::fill(key.begin(), key.end(), '\0');
    }
    /** @brief From a C config. @param config Settings. */
    explicit Client(const genapi_client_config &config) { open(config); }
    /** @return A client on the in-process reference backend, whatever the environment says. */
    static Client offline()
    {
        ClientOptions o;
        o.ignore_environment = true;
        return Client(o);
    }
    ~Client() { genapi_client_free(c_); }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;
    /** @brief Move. @param o Source (left empty). */
    Client(Client &&o) noexcept : c_(std::exchange(o.c_, nullptr)), log_(std::move(o.log_)) {}
    /** @brief Move. @param o Source (left empty). @return *this. */
    Client &operator=(Client &&o) noexcept
    {
        if (this != &o) {
            genapi_client_free(c_); // it may still log: the log function goes after it
            c_ = std::exchange(o.c_, nullptr);
            log_ = std::move(o.log_);
        }
        return *this;
    }
    /** @return The C client. */
    genapi_client *get() const noexcept { return c_; }
    /** @return The server root, or empty on the in-process backend. */
    std::string_view base_url() const noexcept { return detail::view(genapi_client_base_url(c_)); }

    /** @brief Chat completion. @param messages Conversation. @param params Parameters (`model` set).
     *  @param tools Functions the model may call and the tool choice (none by default). @return The result. */
    ChatResult chat(const std::vector<Message> &messages, const TextParams &params, const Tools &tools = {})
    {
        detail::CMessages m = detail::c_messages(messages, &tools);
        genapi_chat_request req = chat_request(m, params, tools);
        genapi_chat_result *out = nullptr;
        genapi_error err{};
        detail::check(genapi_chat_complete(c_, &req, &out, &err), err);
        return ChatResult(out);
    }
    /** @brief Streamed chat completion: `on_content` gets each piece of text as it arrives.
     *  @param messages Conversation. @param params Parameters. @param on_content Lambda.
     *  @param tools Functions the model may call and the tool choice (none by default).
     *  @return The accumulated result. */
    ChatResult chat_stream(const std::vector<Message> &messages, const TextParams &params, ContentFn on_content,
                           const Tools &tools = {})
    {
        return chat_stream_deltas(messages, params, detail::content_only(std::move(on_content)), tools);
    }
    /** @brief Streamed chat completion with every delta (index, reasoning, finish reason);
     *         `on_delta` returns false to stop. @param messages Conversation. @param params Parameters.
     *  @param on_delta Lambda. @param tools Functions the model may call and the tool choice (none by default).
     *  @return The accumulated result. */
    ChatResult chat_stream_deltas(const std::vector<Message> &messages, const TextParams &params, DeltaFn on_delta,
                                  const Tools &tools = {})
    {
        detail::CMessages m = detail::c_messages(messages, &tools);
        genapi_chat_request req = chat_request(m, params, tools);
        detail::StreamCall call{&on_delta, nullptr};
        genapi_chat_result *out = nullptr;
        genapi_error err{};
        genapi_status st = genapi_chat_stream(c_, &req, &detail::StreamCall::trampoline, &call, &out, &err);
        ChatResult result(out);
        if (call.error) {
            std::rethrow_exception(call.error);
        }
        detail::check(st, err);
        return result;
    }
    /** @brief Text completion. @param prompt Prompt. @param params Parameters. @param echo Prompt first in the text.
     *  @return The result. */
    CompletionResult complete(std::string_view prompt, const TextParams &params, bool echo = false)
    {
        std::string p = detail::c_string(prompt, "prompt");
        genapi_completion_request req = completion_request(p, params, echo);
        genapi_completion_result *out = nullptr;
        genapi_error err{};
        detail::check(genapi_complete(c_, &req, &out, &err), err);
        return CompletionResult(out);
    }
    /** @brief Streamed text completion. @param prompt Prompt. @param params Parameters.
     *  @param on_content Lambda per piece of text. @return The accumulated result. */
    CompletionResult complete_stream(std::string_view prompt, const TextParams &params, ContentFn on_content)
    {
        std::string p = detail::c_string(prompt, "prompt");
        genapi_completion_request req = completion_request(p, params, false);
        DeltaFn fn = detail::content_only(std::move(on_content));
        detail::StreamCall call{&fn, nullptr};
        genapi_completion_result *out = nullptr;
        genapi_error err{};
        genapi_status st = genapi_complete_stream(c_, &req, &detail::StreamCall::trampoline, &call, &out, &err);
        CompletionResult result(out);
        if (call.error) {
            std::rethrow_exception(call.error);
        }
        detail::check(st, err);
        return result;
    }
    /** @brief Tokenize text. @param prompt Text. @param model Model (empty: server default).
     *  @param token_strs Also return each token's text. @return The token ids. */
    TokenizeResult tokenize(std::string_view prompt, std::string_view model = {}, bool token_strs = false)
    {
        std::string p = detail::c_string(prompt, "prompt");
        std::string m = detail::c_string(model, "model");
        genapi_tokenize_request req = GENAPI_TOKENIZE_REQUEST_INIT;
        req.prompt = p.c_str();
        req.model = m.empty() ? nullptr : m.c_str();
        req.return_token_strs = token_strs ? 1 : 0;
        genapi_tokenize_result *out = nullptr;
        genapi_error err{};
        detail::check(genapi_tokenize(c_, &req, &out, &err), err);
        return TokenizeResult(out);
    }
    /** @brief Tokenize chat messages (with the chat template). @param messages Conversation.
     *  @param model Model (empty: server default). @return The token ids. */
    TokenizeResult tokenize(const std::vector<Message> &messages, std::string_view model = {})
    {
        detail::CMessages cm = detail::c_messages(messages);
        std::string m = detail::c_string(model, "model");
        genapi_tokenize_request req = GENAPI_TOKENIZE_REQUEST_INIT;
        req.messages = cm.data();
        req.message_count = cm.size();
        req.model = m.empty() ? nullptr : m.c_str();
        genapi_tokenize_result *out = nullptr;
        genapi_error err{};
        detail::check(genapi_tokenize(c_, &req, &out, &err), err);
        return TokenizeResult(out);
    }
    /** @brief Generate images from a prompt. @param params Parameters. @return The images. */
    ImagesResult txt2img(const Txt2ImgParams &params)
    {
        genapi_images_result *out = nullptr;
        genapi_error err{};
        detail::check(genapi_txt2img(c_, params.get(), &out, &err), err);
        return ImagesResult(out);
    }
    /** @brief Generate images from images (and a mask). @param params Parameters. @return The images. */
    ImagesResult img2img(const Img2ImgParams &params)
    {
        genapi_images_result *out = nullptr;
        genapi_error err{};
        detail::check(genapi_img2img(c_, params.get(), &out, &err), err);
        return ImagesResult(out);
    }
    /** @brief Upscale one image. @param params Parameters. @return The image. */
    UpscaleResult upscale(const UpscaleParams &params)
    {
        genapi_upscale_result *out = nullptr;
        genapi_error err{};
        detail::check(genapi_upscale(c_, params.get(), &out, &err), err);
        return UpscaleResult(out);
    }
    /** @return The text models the server offers. */
    ModelList text_models()
    {
        genapi_model_list *out = nullptr;
        genapi_error err{};
        detail::check(genapi_list_text_models(c_, &out, &err), err);
        return ModelList(out);
    }
    /** @param kind Models, samplers or upscalers. @return The listing. */
    ImageListing image_listing(genapi_image_listing_kind kind)
    {
        genapi_image_listing *out = nullptr;
        genapi_error err{};
        detail::check(genapi_list_image(c_, kind, &out, &err), err);
        return ImageListing(out);
    }
    /** @return The image options document as JSON text. */
    std::string image_options()
    {
        char *json = nullptr;
        genapi_error err{};
        detail::check(genapi_image_options(c_, &json, &err), err);
        std::string s(json);
        genapi_free(genapi_client_allocator(c_), json);
        return s;
    }
    /** @brief Base64 text of image bytes (for init_images, mask, image).
     *  @param bytes Encoded image file contents. @return Base64 text. */
    std::string to_base64(std::string_view bytes)
    {
        char *b64 = nullptr;
        genapi_error err{};
        detail::check(genapi_image_to_base64(c_, reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), &b64,
                                             &err),
                      err);
        std::string s(b64);
        genapi_free(genapi_client_allocator(c_), b64);
        return s;
    }

    /** @name Asynchronous requests
     *  Each starts at once and returns a genapi::Request; lambdas run on the thread driving
     *  the client (poll(), a wait, or the worker).
     *  @{ */
    /** @brief Start a chat completion. @param messages Conversation. @param params Parameters.
     *  @param on_done Called once at the end. @param tools Functions the model may call and the tool choice (none by default). @return The request. */
    Request<ChatResult> start_chat(const std::vector<Message> &messages, const TextParams &params,
                                   DoneFn<ChatResult> on_done = {}, const Tools &tools = {})
    {
        auto state = make_state<ChatResult>(std::move(on_done));
        detail::CMessages m = detail::c_messages(messages, &tools);
        genapi_chat_request req = chat_request(m, params, tools);
        return start(state, [&](const genapi_callbacks *cb, genapi_request **out, genapi_error *err) {
            return genapi_chat_start(c_, &req, cb, out, err);
        });
    }
    /** @brief Start a streamed chat completion. @param messages Conversation. @param params Parameters.
     *  @param on_content Called per piece of text. @param on_done Called once at the end.
     *  @param tools Functions the model may call and the tool choice (none by default). @return The request. */
    Request<ChatResult> start_chat_stream(const std::vector<Message> &messages, const TextParams &params,
                                          ContentFn on_content, DoneFn<ChatResult> on_done = {},
                                          const Tools &tools = {})
    {
        auto state = make_state<ChatResult>(std::move(on_done));
        state->on_delta = detail::content_only(std::move(on_content));
        detail::CMessages m = detail::c_messages(messages, &tools);
        genapi_chat_request req = chat_request(m, params, tools);
        return start(state, [&](const genapi_callbacks *cb, genapi_request **out, genapi_error *err) {
            return genapi_chat_stream_start(c_, &req, cb, out, err);
        });
    }
    /** @brief Start a text completion. @param prompt Prompt. @param params Parameters.
     *  @param on_done Called once at the end. @return The request. */
    Request<CompletionResult> start_complete(std::string_view prompt, const TextParams &params,
                                             DoneFn<CompletionResult> on_done = {})
    {
        auto state = make_state<CompletionResult>(std::move(on_done));
        std::string p = detail::c_string(prompt, "prompt");
        genapi_completion_request req = completion_request(p, params, false);
        return start(state, [&](const genapi_callbacks *cb, genapi_request **out, genapi_error *err) {
            return genapi_complete_start(c_, &req, cb, out, err);
        });
    }
    /** @brief Start a txt2img generation. @param params Parameters. @param on_done Called once at the end.
     *  @param on_progress Called with progress. @return The request. */
    Request<ImagesResult> start_txt2img(const Txt2ImgParams &params, DoneFn<ImagesResult> on_done = {},
                                        ProgressFn on_progress = {})
    {
        auto state = make_state<ImagesResult>(std::move(on_done));
        state->on_progress = std::move(on_progress);
        return start(state, [&](const genapi_callbacks *cb, genapi_request **out, genapi_error *err) {
            return genapi_txt2img_start(c_, params.get(), cb, out, err);
        });
    }
    /** @brief Start an img2img generation. @param params Parameters. @param on_done Called once at the end.
     *  @param on_progress Called with progress. @return The request. */
    Request<ImagesResult> start_img2img(const Img2ImgParams &params, DoneFn<ImagesResult> on_done = {},
                                        ProgressFn on_progress = {})
    {
        auto state = make_state<ImagesResult>(std::move(on_done));
        state->on_progress = std::move(on_progress);
        return start(state, [&](const genapi_callbacks *cb, genapi_request **out, genapi_error *err) {
            return genapi_img2img_start(c_, params.get(), cb, out, err);
        });
    }
    /** @brief Start an upscale. @param params Parameters. @param on_done Called once at the end.
     *  @return The request. */
    Request<UpscaleResult> start_upscale(const UpscaleParams &params, DoneFn<UpscaleResult> on_done = {})
    {
        auto state = make_state<UpscaleResult>(std::move(on_done));
        return start(state, [&](const genapi_callbacks *cb, genapi_request **out, genapi_error *err) {
            return genapi_upscale_start(c_, params.get(), cb, out, err);
        });
    }
    /** @brief Start a tokenize call. @param prompt Text. @param model Model (empty: server default).
     *  @param on_done Called once at the end. @return The request. */
    Request<TokenizeResult> start_tokenize(std::string_view prompt, std::string_view model = {},
                                           DoneFn<TokenizeResult> on_done = {})
    {
        auto state = make_state<TokenizeResult>(std::move(on_done));
        std::string p = detail::c_string(prompt, "prompt");
        std::string m = detail::c_string(model, "model");
        genapi_tokenize_request req = GENAPI_TOKENIZE_REQUEST_INIT;
        req.prompt = p.c_str();
        req.model = m.empty() ? nullptr : m.c_str();
        return start(state, [&](const genapi_callbacks *cb, genapi_request **out, genapi_error *err) {
            return genapi_tokenize_start(c_, &req, cb, out, err);
        });
    }
    /** @brief Start a text model listing. @param on_done Called once at the end. @return The request. */
    Request<ModelList> start_text_models(DoneFn<ModelList> on_done = {})
    {
        auto state = make_state<ModelList>(std::move(on_done));
        return start(state, [&](const genapi_callbacks *cb, genapi_request **out, genapi_error *err) {
            return genapi_list_text_models_start(c_, cb, out, err);
        });
    }
    /** @brief Start an image listing. @param kind Models, samplers or upscalers.
     *  @param on_done Called once at the end. @return The request. */
    Request<ImageListing> start_image_listing(genapi_image_listing_kind kind, DoneFn<ImageListing> on_done = {})
    {
        auto state = make_state<ImageListing>(std::move(on_done));
        return start(state, [&](const genapi_callbacks *cb, genapi_request **out, genapi_error *err) {
            return genapi_list_image_start(c_, kind, cb, out, err);
        });
    }
    /** @brief Drive the client (genapi_poll()). @param timeout_ms 0 = do what can be done now; -1 = wait.
     *  @return ::GENAPI_OK, or ::GENAPI_E_BUSY when another thread or the worker drives it. */
    genapi_status poll(int32_t timeout_ms = 0) noexcept { return genapi_poll(c_, timeout_ms); }
    /** @return Requests started and not ended. */
    size_t pending() const noexcept { return genapi_pending(c_); }
    /** @brief Drive the client on a library thread from now on. */
    void start_worker()
    {
        genapi_error err{};
        detail::check(genapi_client_start_worker(c_, &err), err);
    }
    /** @brief Stop the worker thread. */
    void stop_worker() noexcept { genapi_client_stop_worker(c_); }
    /** @} */

private:
    void open(const genapi_client_config &cfg)
    {
        genapi_error err{};
        detail::check(genapi_client_new(&cfg, &c_, &err), err);
    }
    static void log_line(int32_t level, const char *message, void *user) noexcept
    {
        try {
            (*static_cast<const LogFn *>(user))(static_cast<genapi_log_level>(level), detail::view(message));
        } catch (...) {
            // It cannot unwind through the C library: the line is dropped.
        }
    }
    static genapi_chat_request chat_request(const detail::CMessages &m, const TextParams &params, const Tools &tools)
    {
        genapi_chat_request req = GENAPI_CHAT_REQUEST_INIT;
        req.messages = m.data();
        req.message_count = m.size();
        req.params = params.get();
        req.tools = m.tools.empty() ? nullptr : m.tools.data();
        req.tool_count = m.tools.size();
        req.tool_choice = tools.choice;
        req.tool_choice_name = tools.choice == GENAPI_TOOL_CHOICE_FUNCTION ? tools.function.c_str() : nullptr;
        req.parallel_tool_calls = tools.parallel;
        return req;
    }
    static genapi_completion_request completion_request(const std::string &prompt, const TextParams &params, bool echo)
    {
        genapi_completion_request req = GENAPI_COMPLETION_REQUEST_INIT;
        req.prompt = prompt.c_str();
        req.echo = echo ? 1 : 0;
        req.params = params.get();
        return req;
    }
    template <class R> static std::shared_ptr<detail::AsyncState<R>> make_state(DoneFn<R> on_done)
    {
        auto state = std::make_shared<detail::AsyncState<R>>();
        state->on_done = std::move(on_done);
        return state;
    }
    template <class R, class StartFn> Request<R> start(const std::shared_ptr<detail::AsyncState<R>> &state, StartFn fn)
    {
        using State = detail::AsyncState<R>;
        // The library holds one reference until the request's single completion.
        auto *holder = new typename State::Holder(state);
        genapi_callbacks cb{};
        cb.on_done = &State::done;
        cb.on_delta = state->on_delta ? &State::delta : nullptr;
        cb.on_progress = state->on_progress ? &State::progress : nullptr;
        cb.user = holder;
        genapi_request *req = nullptr;
        genapi_error err{};
        genapi_status st = fn(&cb, &req, &err);
        if (st != GENAPI_OK) {
            delete holder; // nothing was started: nothing will be called back
            detail::check(st, err);
        }
        return Request<R>(c_, req, state);
    }

    genapi_client *c_ = nullptr;
    std::unique_ptr<LogFn> log_; // the log hook's user data: a fixed address, freed after c_
};

} // namespace genapi

#endif
