--- LuaJIT FFI binding of libgenapi's non-blocking request API (include/genapi/async.h).
--
-- Requests are started at once and advance only inside client:poll(), which a game calls once
-- per frame. Streams are read by pulling (genapi_stream_next), so C never calls back into Lua,
-- except for the optional log function (see M.client).
--
--     local genapi = require("genapi")
--     local client = genapi.client()            -- GENAPI_BASE_URL, else the in-process backend
--     local line = client:chat_stream({{role = "user", content = "Hello"}},
--                                     {model = "genapi-ref", max_tokens = 40})
--     -- every frame:
--     client:poll()
--     local text, finished = line:read()      -- what arrived since the last frame
--
-- The shared library is GENAPI_LIBRARY when set, else "genapi", else "libgenapi.so.0".
-- Every C object is freed by a finalizer (ffi.gc); close() / release() free them earlier.
-- Failures raise Lua errors whose message reads "genapi: <status>: <message>".

local ffi = require("ffi")
local bit = require("bit")
local jit = require("jit")

local M = { _VERSION = "0.1.0" }

-- Declarations copied from include/genapi/*.h (only what this module uses). Structs the module
-- reads or fills are declared whole; parameter structs and handles are opaque.
local CDEF = [[
typedef enum genapi_status {
    GENAPI_OK = 0,
    GENAPI_E_INVALID_ARG = -1,
    GENAPI_E_NOMEM = -2,
    GENAPI_E_CONNECT = -3,
    GENAPI_E_TIMEOUT = -4,
    GENAPI_E_HTTP = -5,
    GENAPI_E_BAD_REQUEST = -6,
    GENAPI_E_AUTH = -7,
    GENAPI_E_NOT_FOUND = -8,
    GENAPI_E_RATE_LIMITED = -9,
    GENAPI_E_SERVER = -10,
    GENAPI_E_PARSE = -11,
    GENAPI_E_CANCELLED = -12,
    GENAPI_E_STREAM = -13,
    GENAPI_E_UNSUPPORTED = -14,
    GENAPI_E_INTERNAL = -15,
    GENAPI_E_AGAIN = -16,
    GENAPI_E_BUSY = -17,
    GENAPI_E_END = -18
} genapi_status;

typedef struct genapi_allocator {
    void *(*malloc_fn)(size_t size, void *user);
    void *(*realloc_fn)(void *ptr, size_t size, void *user);
    void (*free_fn)(void *ptr, void *user);
    void *user;
} genapi_allocator;

const char *genapi_version(void);
int genapi_abi_version(void);
const char *genapi_status_str(genapi_status status);

typedef struct genapi_error {
    int32_t status;
    int32_t http_status;
    int32_t server_code;
    int32_t message_truncated;
    int64_t retry_after_ms;
    char message[1024];
    char param[128];
    char type[128];
    char request_id[128];
} genapi_error;

typedef struct genapi_param_desc {
    const char *name;
    const char *json_name;
    int32_t kind;
    uint32_t range_flags;
    double min;
    double max;
    const char *choices;
    const char *default_text;
    uint32_t servers;
    uint32_t index;
    size_t offset;
    size_t size;
    const char *doc;
} genapi_param_desc;

typedef struct genapi_text_params genapi_text_params;
genapi_status genapi_text_params_init(genapi_text_params *params, size_t struct_size);
genapi_status genapi_text_params_set_text(genapi_text_params *params, const char *name,
                                          const char *value, genapi_error *err);
void genapi_text_params_clear(genapi_text_params *params);
const genapi_param_desc *genapi_text_param_find(const char *name);
size_t genapi_text_params_sizeof(void);

typedef struct genapi_txt2img_params genapi_txt2img_params;
genapi_status genapi_txt2img_params_init(genapi_txt2img_params *params, size_t struct_size);
genapi_status genapi_txt2img_params_set_text(genapi_txt2img_params *params, const char *name,
                                             const char *value, genapi_error *err);
void genapi_txt2img_params_clear(genapi_txt2img_params *params);
const genapi_param_desc *genapi_txt2img_param_find(const char *name);
size_t genapi_txt2img_params_sizeof(void);

typedef struct genapi_client genapi_client;
typedef void (*genapi_log_fn)(int32_t level, const char *message, void *user);
typedef struct genapi_client_config {
    uint32_t struct_size;
    int32_t ignore_environment;
    const char *base_url;
    const char *api_key;
    int64_t connect_timeout_ms;
    int64_t timeout_ms;
    int32_t image_api;
    int32_t reserved;
    const genapi_allocator *allocator;
    const char *user_agent;
    int32_t max_retries;
    int32_t idle_timeout_s;
    int64_t retry_max_delay_ms;
    genapi_log_fn log_fn;
    void *log_user;
    int32_t log_level;
    int32_t reserved2;
    int64_t max_response_bytes;
} genapi_client_config;
genapi_status genapi_client_config_init(genapi_client_config *config, size_t struct_size);
genapi_status genapi_client_new(const genapi_client_config *config, genapi_client **out,
                                genapi_error *err);
void genapi_client_free(genapi_client *client);
const char *genapi_client_base_url(const genapi_client *client);

typedef struct genapi_logprobs genapi_logprobs;

typedef struct genapi_tool_call {
    int64_t index;
    const char *id;
    const char *type;
    const char *name;
    const char *arguments;
} genapi_tool_call;

typedef struct genapi_chat_message {
    const char *role;
    const char *content;
    const char *name;
    const char *tool_call_id;
    const genapi_tool_call *tool_calls;
    size_t tool_call_count;
} genapi_chat_message;

typedef struct genapi_tool {
    const char *name;
    const char *description;
    const char *parameters_json;
} genapi_tool;

typedef struct genapi_chat_request {
    uint32_t struct_size;
    uint32_t reserved;
    const genapi_chat_message *messages;
    size_t message_count;
    const genapi_text_params *params;
    const char *extra_json;
    const genapi_tool *tools;
    size_t tool_count;
    int32_t tool_choice;
    int32_t parallel_tool_calls;
    const char *tool_choice_name;
} genapi_chat_request;


typedef struct genapi_chat_choice {
    int64_t index;
    const char *role;
    const char *content;
    size_t content_len;
    const char *reasoning;
    const char *finish_reason;
    int32_t stop_reason_kind;
    int32_t reserved;
    int64_t stop_token;
    const char *stop_string;
    const genapi_tool_call *tool_calls;
    size_t tool_call_count;
    const genapi_logprobs *logprobs;
    size_t reasoning_len;
} genapi_chat_choice;

typedef struct genapi_usage {
    int32_t present;
    int32_t reserved;
    int64_t prompt_tokens;
    int64_t completion_tokens;
    int64_t total_tokens;
} genapi_usage;

typedef struct genapi_chat_result {
    uint32_t struct_size;
    int32_t http_status;
    const char *id;
    const char *object;
    int64_t created;
    const char *model;
    const genapi_chat_choice *choices;
    size_t choice_count;
    genapi_usage usage;
    const char *request_id;
    int64_t prompt_logprobs_count;
    void *internal;
} genapi_chat_result;
void genapi_chat_result_free(genapi_chat_result *result);

typedef struct genapi_stream_delta {
    int64_t index;
    const char *content;
    size_t content_len;
    const char *reasoning;
    size_t reasoning_len;
    const char *finish_reason;
    int32_t stop_reason_kind;
    int32_t reserved;
    int64_t stop_token;
    const char *stop_string;
    int64_t tool_call_index;
    const char *tool_call_id;
    const char *tool_call_name;
    const char *tool_call_arguments;
    size_t tool_call_arguments_len;
} genapi_stream_delta;
typedef int (*genapi_stream_fn)(const genapi_stream_delta *delta, void *user);

typedef enum genapi_image_format {
    GENAPI_IMAGE_FORMAT_UNKNOWN = 0,
    GENAPI_IMAGE_FORMAT_PNG = 1,
    GENAPI_IMAGE_FORMAT_JPEG = 2,
    GENAPI_IMAGE_FORMAT_WEBP = 3
} genapi_image_format;

typedef struct genapi_image {
    const uint8_t *data;
    size_t size;
    int32_t format;
    int32_t width;
    int32_t height;
    int32_t reserved;
} genapi_image;

typedef struct genapi_image_info {
    int32_t present;
    uint32_t fields;
    int64_t seed;
    const int64_t *all_seeds;
    size_t all_seed_count;
    int64_t index_of_first_image;
    int64_t width;
    int64_t height;
    int64_t steps;
    const char *sampler_name;
    const char *prompt;
    size_t infotexts_count;
    const char *json;
} genapi_image_info;

typedef struct genapi_images_result {
    uint32_t struct_size;
    int32_t http_status;
    const genapi_image *images;
    size_t image_count;
    genapi_image_info info;
    int32_t has_parameters_seed;
    int32_t reserved;
    int64_t parameters_seed;
    void *internal;
} genapi_images_result;
void genapi_images_result_free(genapi_images_result *result);

typedef struct genapi_request genapi_request;

typedef struct genapi_progress {
    double progress;
    double eta_relative;
    int32_t sampling_step;
    int32_t sampling_steps;
    int32_t job_no;
    int32_t job_count;
} genapi_progress;
typedef void (*genapi_progress_fn)(const genapi_progress *progress, void *user);
typedef void (*genapi_done_fn)(genapi_request *request, void *user);

typedef struct genapi_callbacks {
    genapi_done_fn on_done;
    genapi_stream_fn on_delta;
    genapi_progress_fn on_progress;
    void *user;
    int32_t pull;
    int32_t reserved;
} genapi_callbacks;

genapi_status genapi_chat_start(genapi_client *client, const genapi_chat_request *request,
                                const genapi_callbacks *callbacks, genapi_request **out,
                                genapi_error *err);
genapi_status genapi_chat_stream_start(genapi_client *client, const genapi_chat_request *request,
                                       const genapi_callbacks *callbacks, genapi_request **out,
                                       genapi_error *err);
genapi_status genapi_txt2img_start_ex(genapi_client *client, const genapi_txt2img_params *params,
                                      const char *extra_json, const genapi_callbacks *callbacks,
                                      genapi_request **out, genapi_error *err);
genapi_status genapi_poll(genapi_client *client, int32_t timeout_ms);
size_t genapi_pending(genapi_client *client);
genapi_status genapi_client_set_poll_budget(genapi_client *client, int64_t budget_us);
genapi_status genapi_client_set_max_active(genapi_client *client, int32_t max_active);
void genapi_request_cancel(genapi_request *request);
void genapi_request_release(genapi_request *request);
int genapi_request_done(const genapi_request *request);
genapi_status genapi_request_status(const genapi_request *request, genapi_error *err);
genapi_status genapi_request_take_chat(genapi_request *request, genapi_chat_result **out);
genapi_status genapi_request_take_images(genapi_request *request, genapi_images_result **out);
genapi_status genapi_stream_next(genapi_request *request, genapi_stream_delta *delta);
]]

-- A second require of this file under another name must not declare the types again.
if not pcall(ffi.typeof, "genapi_callbacks") then
    ffi.cdef(CDEF)
end

local function load_library()
    local tried = {}
    local env = os.getenv("GENAPI_LIBRARY")
    local names = (env and env ~= "") and { env } or { "genapi", "libgenapi.so.0" }
    for _, name in ipairs(names) do
        local ok, lib = pcall(ffi.load, name)
        if ok then
            return lib
        end
        tried[#tried + 1] = tostring(lib)
    end
    error("genapi: cannot load libgenapi (set GENAPI_LIBRARY to its path): " .. table.concat(tried, "; "), 0)
end

local C = load_library()
M.C = C

local ABI_VERSION = 2
if C.genapi_abi_version() ~= ABI_VERSION then
    error(string.format("genapi: the library has ABI %d, this binding expects %d", C.genapi_abi_version(),
        ABI_VERSION), 0)
end

M.OK = 0
M.E_CANCELLED = -12
M.E_AGAIN = -16
M.E_BUSY = -17
M.E_END = -18

--- Version of the loaded library, e.g. "0.1.0".
function M.version()
    return ffi.string(C.genapi_version())
end

--- Short English name of a status code, e.g. "bad request".
function M.status_str(status)
    return ffi.string(C.genapi_status_str(status))
end

local function fail(status, err, what)
    status = tonumber(status)
    local msg = "genapi: "
    if what then
        msg = msg .. what .. ": "
    end
    msg = msg .. M.status_str(status)
    if err ~= nil and err.message[0] ~= 0 then
        msg = msg .. ": " .. ffi.string(err.message)
    end
    if err ~= nil and err.param[0] ~= 0 then
        msg = msg .. " (param " .. ffi.string(err.param) .. ")"
    end
    error(msg, 0)
end

local function check(status, err, what)
    status = tonumber(status)
    if status ~= 0 then
        fail(status, err, what)
    end
end

-- ---- parameter values as text (what genapi_*_params_set_text parses) --------------------

local json_encode

local function json_string(s)
    return '"' .. s:gsub('[%c"\\]', function(ch)
        local map = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
        return map[ch] or string.format("\\u%04x", ch:byte())
    end) .. '"'
end

local function number_text(v)
    if v == math.floor(v) and math.abs(v) < 2 ^ 53 then
        return string.format("%d", v)
    end
    return string.format("%.17g", v)
end

local function is_int64(v)
    return type(v) == "cdata" and (ffi.istype("int64_t", v) or ffi.istype("uint64_t", v))
end

json_encode = function(v)
    local t = type(v)
    if t == "string" then
        return json_string(v)
    elseif t == "number" then
        return number_text(v)
    elseif t == "boolean" then
        return v and "true" or "false"
    elseif is_int64(v) then
        return (tostring(v):gsub("U?LL$", ""))
    elseif t == "table" then
        local n = #v
        local count = 0
        for _ in pairs(v) do
            count = count + 1
        end
        local parts = {}
        if count == n then -- a sequence (or empty): an array
            for i = 1, n do
                parts[i] = json_encode(v[i])
            end
            return "[" .. table.concat(parts, ",") .. "]"
        end
        for k, item in pairs(v) do
            parts[#parts + 1] = json_string(tostring(k)) .. ":" .. json_encode(item)
        end
        table.sort(parts)
        return "{" .. table.concat(parts, ",") .. "}"
    end
    error("genapi: cannot send a value of type " .. t, 0)
end

local function value_text(v)
    local t = type(v)
    if t == "string" then
        return v
    elseif t == "number" then
        return number_text(v)
    elseif t == "boolean" then
        return v and "true" or "false"
    end
    return json_encode(v) -- lists, maps and 64-bit integers
end

-- extra_json of a request: nil, JSON text as it is, or a Lua table as JSON (an empty table is
-- the empty object). The library checks that it is a JSON object.
local function extra_text(v)
    local t = type(v)
    if v == nil or t == "string" then
        return v
    elseif t == "table" then
        return next(v) == nil and "{}" or json_encode(v)
    end
    error("genapi: extra_json must be a table or JSON text, not a " .. t, 0)
end

-- A parameter struct of a kind ("text" or "txt2img"): storage sized by the library itself,
-- filled by name through genapi_<kind>_params_set_text.
local function new_params(kind, values)
    local size = tonumber(C["genapi_" .. kind .. "_params_sizeof"]())
    local words = ffi.new("uint64_t[?]", math.ceil(size / 8)) -- 8-byte aligned, zeroed
    local p = ffi.cast("genapi_" .. kind .. "_params *", words)
    check(C["genapi_" .. kind .. "_params_init"](p, size), nil, kind .. " parameters")
    local clear = C["genapi_" .. kind .. "_params_clear"]
    ffi.gc(words, function()
        clear(p)
    end)
    local holder = { words = words, ptr = p }
    function holder.free()
        ffi.gc(words, nil)
        clear(p)
    end
    local set_text = C["genapi_" .. kind .. "_params_set_text"]
    local err = ffi.new("genapi_error")
    for name, v in pairs(values or {}) do
        check(set_text(p, tostring(name), value_text(v), err), err, tostring(name))
    end
    return holder
end

local function desc_table(d)
    if d == nil then
        return nil
    end
    local function s(p)
        return p ~= nil and ffi.string(p) or nil
    end
    local kinds = { [0] = "string", "double", "int", "bool", "strlist", "intlist", "intlists", "bias",
        "samplers", "banranges", "json", "enum" }
    return {
        name = s(d.json_name),
        kind = kinds[d.kind] or tostring(d.kind),
        range_flags = tonumber(d.range_flags),
        min = d.min,
        max = d.max,
        choices = s(d.choices),
        default = s(d.default_text),
        doc = s(d.doc),
    }
end

--- Description of a text parameter by JSON name ({name, kind, min, max, choices, default, doc}),
--- or nil when there is no such parameter.
function M.text_param(name)
    return desc_table(C.genapi_text_param_find(name))
end

--- Description of a txt2img parameter by JSON name, or nil.
function M.txt2img_param(name)
    return desc_table(C.genapi_txt2img_param_find(name))
end

-- ---- requests ----------------------------------------------------------------------------

local Request = {}
Request.__index = Request

local function new_request(client, kind, out)
    local handle = ffi.gc(out[0], C.genapi_request_release)
    return setmetatable({ client = client, kind = kind, handle = handle, finished = false }, Request)
end

local function live(self)
    if self.handle == nil then
        error("genapi: the request was released", 0)
    end
    return self.handle
end

--- Whether the request has ended (result, error or cancellation).
function Request:done()
    return C.genapi_request_done(live(self)) ~= 0
end

--- Outcome: nil while running; else the status code and, on failure, the error message.
function Request:status()
    local err = ffi.new("genapi_error")
    local st = tonumber(C.genapi_request_status(live(self), err))
    if st == M.E_AGAIN then
        return nil
    end
    if st == 0 then
        return 0
    end
    return st, ffi.string(err.message)
end

-- Raises the request's error when it ended in failure.
local function check_outcome(self, what)
    local err = ffi.new("genapi_error")
    local st = tonumber(C.genapi_request_status(live(self), err))
    if st ~= 0 and st ~= M.E_AGAIN then
        fail(st, err, what)
    end
    return st
end

--- Cancel the request (it ends with a "cancelled" status at the next poll).
function Request:cancel()
    if self.handle ~= nil then
        C.genapi_request_cancel(self.handle)
    end
end

--- Release the request now (cancelling it when still running). Further calls raise errors.
function Request:release()
    if self.handle ~= nil then
        local h = self.handle
        self.handle = nil
        ffi.gc(h, nil)
        C.genapi_request_release(h)
    end
end

local delta_buf = ffi.new("genapi_stream_delta")

--- Streams: the next delta. Returns its text ("" for a delta carrying only a finish reason)
--- and false; or nil and false when none has arrived yet; or nil and true once the stream has
--- ended and every delta was taken. Raises the stream's error when it failed.
function Request:next()
    local h = live(self)
    if self.client.ptr == nil then
        error("genapi: the client was closed", 0)
    end
    if self.finished then
        check_outcome(self, "stream")
        return nil, true
    end
    local st = tonumber(C.genapi_stream_next(h, delta_buf))
    if st == 0 then
        if delta_buf.finish_reason ~= nil then
            self.finish_reason = ffi.string(delta_buf.finish_reason)
        end
        if delta_buf.content ~= nil and delta_buf.content_len > 0 then
            return ffi.string(delta_buf.content, delta_buf.content_len), false
        end
        return "", false
    elseif st == M.E_AGAIN then
        return nil, false
    elseif st == M.E_END then
        self.finished = true
        check_outcome(self, "stream")
        return nil, true
    end
    fail(st, nil, "stream")
end

--- Streams: every delta that has arrived, concatenated ("" when none), and whether the stream
--- has ended with every delta taken. Raises the stream's error when it failed.
function Request:read()
    local parts = {}
    while true do
        local text, finished = self:next()
        if text == nil then
            return table.concat(parts), finished
        end
        parts[#parts + 1] = text
    end
end

local function cstr(p)
    return p ~= nil and ffi.string(p) or nil
end

--- Chat requests: the completion as a table once ended ({model, id, choices = {{content,
--- reasoning, finish_reason}, …}, usage = {prompt_tokens, completion_tokens, total_tokens}}),
--- nil while running. Raises the request's error when it failed. A cancelled or broken stream
--- raises too; its partial text is what next() / read() returned.
function Request:result()
    if self.chat ~= nil then
        return self.chat
    end
    if self.kind ~= "chat" then
        error("genapi: result() is for chat requests (images: images(), result_png())", 0)
    end
    if not self:done() then
        return nil
    end
    check_outcome(self, "chat")
    local out = ffi.new("genapi_chat_result *[1]")
    local st = tonumber(C.genapi_request_take_chat(self.handle, out))
    check(st, nil, "chat")
    local r = ffi.gc(out[0], C.genapi_chat_result_free)
    local res = { model = cstr(r.model), id = cstr(r.id), choices = {}, usage = nil }
    for i = 0, tonumber(r.choice_count) - 1 do
        local ch = r.choices[i]
        res.choices[i + 1] = {
            index = tonumber(ch.index),
            role = cstr(ch.role),
            content = ch.content ~= nil and ffi.string(ch.content, ch.content_len) or nil,
            reasoning = ch.reasoning ~= nil and ffi.string(ch.reasoning, ch.reasoning_len) or nil,
            finish_reason = cstr(ch.finish_reason),
        }
    end
    if r.usage.present ~= 0 then
        res.usage = {
            prompt_tokens = tonumber(r.usage.prompt_tokens),
            completion_tokens = tonumber(r.usage.completion_tokens),
            total_tokens = tonumber(r.usage.total_tokens),
        }
    end
    ffi.gc(r, nil)
    C.genapi_chat_result_free(r)
    self.chat = res
    return res
end

--- Chat requests: the text of the first choice once ended, nil while running.
function Request:text()
    local r = self:result()
    return r and r.choices[1] and r.choices[1].content
end

local FORMATS = { [0] = "unknown", "png", "jpeg", "webp" }

--- Image requests: the images once ended, as a list of {data = bytes, format = "png" | "jpeg"
--- | "webp" | "unknown", width, height} plus a `seed` field; nil while running. Raises the
--- request's error when it failed.
function Request:images()
    if self.imgs ~= nil then
        return self.imgs
    end
    if self.kind ~= "images" then
        error("genapi: images() is for image requests", 0)
    end
    if not self:done() then
        return nil
    end
    check_outcome(self, "txt2img")
    local out = ffi.new("genapi_images_result *[1]")
    check(C.genapi_request_take_images(self.handle, out), nil, "txt2img")
    local r = ffi.gc(out[0], C.genapi_images_result_free)
    local list = {}
    for i = 0, tonumber(r.image_count) - 1 do
        local img = r.images[i]
        list[i + 1] = {
            data = ffi.string(img.data, img.size),
            format = FORMATS[img.format] or "unknown",
            width = img.width,
            height = img.height,
        }
    end
    if r.info.present ~= 0 and bit.band(r.info.fields, 1) ~= 0 then
        list.seed = tonumber(r.info.seed)
    end
    ffi.gc(r, nil)
    C.genapi_images_result_free(r)
    self.imgs = list
    return list
end

--- Image requests: the bytes of the first image (a PNG file) once ended, nil while running.
--- Raises the request's error when it failed, or when the server sent no PNG.
function Request:result_png()
    local list = self:images()
    if list == nil then
        return nil
    end
    local img = list[1]
    if img == nil then
        error("genapi: txt2img: the response holds no image", 0)
    end
    if img.format ~= "png" then
        error("genapi: txt2img: the image is " .. img.format .. ", not PNG", 0)
    end
    return img.data
end

-- ---- the client --------------------------------------------------------------------------

local Client = {}
Client.__index = Client

local IMAGE_APIS = { hosted = 0, webui = 1 }
local LOG_LEVELS = { error = 1, warn = 2, info = 3, debug = 4 }
local LOG_NAMES = { "error", "warn", "info", "debug" }

-- Frees a client, then its log callback: genapi_client_free may still log (the requests it
-- cancels). JIT compilation is off here and in Client:poll (below), the two callers of C
-- functions that run the log callback: LuaJIT cannot enter a callback from a compiled FFI call.
local function free_client(ptr, log_cb)
    C.genapi_client_free(ptr)
    if log_cb ~= nil then
        log_cb:free()
    end
end
jit.off(free_client)

-- The log option as a C log hook: a LuaJIT callback that calls log(level_name, message) under
-- pcall (an error must not unwind through C); the first error is kept in `state.error` for
-- poll() / close() to raise.
local function log_callback(log, state)
    return ffi.cast("genapi_log_fn", function(level, message)
        local ok, err = pcall(log, LOG_NAMES[level] or tostring(level), ffi.string(message))
        if not ok and state.error == nil then
            state.error = err
        end
    end)
end

-- Raises the error a log function raised since the last check, if any.
local function raise_log_error(self)
    local err = self.log_state.error
    if err ~= nil then
        self.log_state.error = nil
        error("genapi: log function: " .. tostring(err), 0)
    end
end

--- Create a client. opts (all optional): base_url (nil: GENAPI_BASE_URL, and if that is unset,
--- the in-process reference backend), api_key, ignore_environment (true: no GENAPI_BASE_URL /
--- GENAPI_API_KEY), image_api ("hosted" or "webui"), connect_timeout_ms, timeout_ms,
--- idle_timeout_s, max_retries, retry_max_delay_ms, max_response_bytes, user_agent,
--- poll_budget_us, max_active, log, log_level.
---
--- log = function(level, message) receives the library's log lines ("error", "warn", "info":
--- one line per finished request with its time, "debug": attempts and request / response
--- bodies) at log_level ("info" by default) or more severe, the API key redacted. It is called
--- through a LuaJIT FFI callback on the thread driving the client's loop, which in this binding
--- is always the caller's: inside client:poll(), and inside close() or the client's finalizer
--- for the requests they cancel. It must not call the client (poll, start, close). An error it
--- raises is caught and raised again by the poll() or close() it ran in. The callback lives as
--- long as the client and is freed right after it.
function M.client(opts)
    opts = opts or {}
    local cfg = ffi.new("genapi_client_config")
    check(C.genapi_client_config_init(cfg, ffi.sizeof(cfg)), nil, "client config")
    cfg.ignore_environment = opts.ignore_environment and 1 or 0
    -- The strings are copied by genapi_client_new; these locals keep them alive until then.
    local base_url, api_key, user_agent = opts.base_url, opts.api_key, opts.user_agent
    cfg.base_url = base_url
    cfg.api_key = api_key
    cfg.user_agent = user_agent
    if opts.image_api ~= nil then
        local v = IMAGE_APIS[opts.image_api]
        if v == nil then
            error("genapi: image_api must be \"hosted\" or \"webui\"", 0)
        end
        cfg.image_api = v
    end
    cfg.connect_timeout_ms = opts.connect_timeout_ms or 0
    cfg.timeout_ms = opts.timeout_ms or 0
    cfg.max_retries = opts.max_retries or 0
    cfg.retry_max_delay_ms = opts.retry_max_delay_ms or 0
    cfg.idle_timeout_s = opts.idle_timeout_s or 0
    cfg.max_response_bytes = opts.max_response_bytes or 0
    local log_state, log_cb = {}, nil
    if opts.log ~= nil then
        if type(opts.log) ~= "function" then
            error("genapi: log must be a function(level, message)", 0)
        end
        local level = LOG_LEVELS[opts.log_level or "info"]
        if level == nil then
            error("genapi: log_level must be \"error\", \"warn\", \"info\" or \"debug\"", 0)
        end
        log_cb = log_callback(opts.log, log_state)
        cfg.log_fn = log_cb
        cfg.log_level = level
    end
    local out = ffi.new("genapi_client *[1]")
    local err = ffi.new("genapi_error")
    local st = tonumber(C.genapi_client_new(cfg, out, err))
    if st ~= 0 and log_cb ~= nil then
        log_cb:free()
    end
    check(st, err, "client")
    local self = setmetatable({
        ptr = ffi.gc(out[0], function(ptr)
            free_client(ptr, log_cb)
        end),
        log_cb = log_cb,
        log_state = log_state,
    }, Client)
    if opts.poll_budget_us then
        check(C.genapi_client_set_poll_budget(self.ptr, opts.poll_budget_us), nil, "poll budget")
    end
    if opts.max_active then
        check(C.genapi_client_set_max_active(self.ptr, opts.max_active), nil, "max active")
    end
    return self
end

local function live_client(self)
    if self.ptr == nil then
        error("genapi: the client was closed", 0)
    end
    return self.ptr
end

--- The server's base URL, or nil on the in-process reference backend.
function Client:base_url()
    return cstr(C.genapi_client_base_url(live_client(self)))
end

--- Drive the client: one call per frame advances every request by at most the poll budget.
--- timeout_ms: 0 (default) returns at once; > 0 waits up to that long for something to happen.
--- Returns the number of requests not finished yet. While another thread drives the client,
--- nothing is done and the count is returned as well.
function Client:poll(timeout_ms)
    local c = live_client(self)
    local st = tonumber(C.genapi_poll(c, timeout_ms or 0))
    raise_log_error(self)
    if st ~= 0 and st ~= M.E_BUSY then
        fail(st, nil, "poll")
    end
    return tonumber(C.genapi_pending(c))
end

jit.off(Client.poll) -- it may run the log callback (see free_client)

--- Requests started and not finished yet.
function Client:pending()
    return tonumber(C.genapi_pending(live_client(self)))
end

--- Free the client now. Requests still running end as cancelled; their objects keep only
--- status() and release().
function Client:close()
    if self.ptr ~= nil then
        local c, log_cb = self.ptr, self.log_cb
        self.ptr, self.log_cb = nil, nil
        ffi.gc(c, nil)
        free_client(c, log_cb)
        raise_log_error(self)
    end
end

local pull_callbacks = ffi.new("genapi_callbacks", { pull = 1 })

-- messages: a string (one user message) or a list of {role, content, name}.
local function start_chat(self, fn, messages, params, extra_json, callbacks)
    local c = live_client(self)
    if type(messages) == "string" then
        messages = { { role = "user", content = messages } }
    end
    local n = #messages
    if n == 0 then
        error("genapi: chat: at least one message is needed", 0)
    end
    local msgs = ffi.new("genapi_chat_message[?]", n)
    -- The C structs point into the Lua strings of `messages`, referenced until the start returns.
    for i, m in ipairs(messages) do
        local role = m.role or m[1]
        local content = m.content or m[2]
        if type(role) ~= "string" then
            error("genapi: chat: message " .. i .. " has no role", 0)
        end
        msgs[i - 1].role = role
        msgs[i - 1].content = content
        msgs[i - 1].name = m.name
    end
    local p = new_params("text", params)
    p.extra_json = extra_text(extra_json) -- held with the parameters until the start returns
    local req = ffi.new("genapi_chat_request")
    req.struct_size = ffi.sizeof(req)
    req.messages = msgs
    req.message_count = n
    req.params = p.ptr
    req.extra_json = p.extra_json
    local out = ffi.new("genapi_request *[1]")
    local err = ffi.new("genapi_error")
    local st = tonumber(fn(c, req, callbacks, out, err))
    p.free() -- the request was serialized by the start call
    check(st, err, "chat")
    return new_request(self, "chat", out)
end

--- Start a streamed chat completion. messages: a string, or a list of {role = …, content = …
--- [, name = …]}; params: text parameters by JSON name ({model = "genapi-ref", temperature =
--- 0.7, stop = {"\n"}, …}, see `genapi params`); extra_json (optional): a JSON object, as text or
--- a Lua table, merged into the request body last (server-specific fields; its members replace
--- the parameters'). Returns a request to pull deltas from with next() / read() after each poll.
function Client:chat_stream(messages, params, extra_json)
    return start_chat(self, C.genapi_chat_stream_start, messages, params, extra_json, pull_callbacks)
end

--- Start a chat completion (not streamed); read it with result() / text() once done().
--- Arguments as for chat_stream().
function Client:chat(messages, params, extra_json)
    return start_chat(self, C.genapi_chat_start, messages, params, extra_json, nil)
end

--- Start a txt2img generation. params: txt2img parameters by JSON name ({sd_model_checkpoint =
--- "genapi-ref-image", prompt = "…", width = 512, height = 512, steps = 20, seed = 1, …});
--- extra_json (optional): a JSON object, as text or a Lua table, merged into the request body
--- last (e.g. a WebUI's `override_settings`; its members replace the parameters'). Returns a
--- request; once done(), result_png() gives the PNG bytes.
function Client:txt2img(params, extra_json)
    local c = live_client(self)
    local extra = extra_text(extra_json)
    local p = new_params("txt2img", params)
    local out = ffi.new("genapi_request *[1]")
    local err = ffi.new("genapi_error")
    local st = tonumber(C.genapi_txt2img_start_ex(c, p.ptr, extra, nil, out, err))
    p.free()
    check(st, err, "txt2img")
    return new_request(self, "images", out)
end

M.Client = Client
M.Request = Request

return M
