-- Tests of the LuaJIT binding on the in-process reference backend.
--
-- Usage: luajit test_binding.lua LAYOUT_PROGRAM
--   LAYOUT_PROGRAM  the compiled tests/layout.c: the struct sizes and field offsets of the C
--                   compiler, compared with the binding's ffi declarations.
-- The library comes from GENAPI_LIBRARY (or the loader's search path).

local dir = (arg[0]:match("^(.*)/tests/[^/]*$") or ".")
package.path = dir .. "/?.lua;" .. package.path

local ffi = require("ffi")
local genapi = require("genapi")

local failures, passed = 0, 0
local function test(name, fn)
    local ok, err = xpcall(fn, debug.traceback)
    if ok then
        passed = passed + 1
        print("ok   " .. name)
    else
        failures = failures + 1
        print("FAIL " .. name .. "\n" .. tostring(err))
    end
end

local function expect_error(pattern, fn, ...)
    local ok, err = pcall(fn, ...)
    assert(not ok, "expected an error matching " .. pattern)
    assert(tostring(err):find(pattern), "error '" .. tostring(err) .. "' does not match " .. pattern)
    return err
end

-- Poll like a game: one poll(0) per frame until every request has ended, pulling deltas.
local function run_frames(client, stream, max_frames)
    local parts, frames = {}, 0
    while frames < max_frames do
        frames = frames + 1
        local pending = client:poll()
        if stream then
            local text, finished = stream:read()
            parts[#parts + 1] = text
            if finished and pending == 0 then
                break
            end
        elseif pending == 0 then
            break
        end
    end
    return table.concat(parts), frames
end

local function png_size(data)
    assert(data:sub(1, 8) == "\137PNG\r\n\26\n", "not a PNG signature")
    local function be32(s, i)
        local a, b, c, d = s:byte(i, i + 3)
        return ((a * 256 + b) * 256 + c) * 256 + d
    end
    assert(data:sub(13, 16) == "IHDR", "no IHDR first")
    return be32(data, 17), be32(data, 21)
end

test("struct layouts match the C compiler's", function()
    local prog = assert(arg[1], "usage: luajit test_binding.lua LAYOUT_PROGRAM")
    local f = assert(io.popen(prog))
    local sizes, offsets = 0, 0
    for line in f:lines() do
        local kind, a, b, c = line:match("^(%a+) (%S+) (%S+) ?(%S*)$")
        if kind == "size" then
            assert(ffi.sizeof(a) == tonumber(b), string.format("sizeof %s: C %s, ffi %d", a, b, ffi.sizeof(a)))
            sizes = sizes + 1
        elseif kind == "offset" then
            local off = ffi.offsetof(a, b)
            assert(off == tonumber(c), string.format("offsetof %s.%s: C %s, ffi %s", a, b, c, tostring(off)))
            offsets = offsets + 1
        else
            error("unexpected line: " .. line)
        end
    end
    assert(f:close(), "the layout program failed")
    assert(sizes >= 18 and offsets >= 130, string.format("only %d sizes and %d offsets", sizes, offsets))
end)

test("version and ABI", function()
    assert(genapi.version():match("^%d+%.%d+%.%d+$"))
    assert(genapi.C.genapi_abi_version() == 2)
    assert(genapi.status_str(-16) == genapi.status_str(genapi.E_AGAIN))
end)

test("parameter descriptions come from the table", function()
    local d = genapi.text_param("top_p")
    assert(d.name == "top_p" and d.kind == "double" and d.max == 1, "top_p")
    assert(genapi.text_param("stop").kind == "strlist")
    assert(genapi.txt2img_param("width").kind == "int")
    assert(genapi.text_param("no_such_parameter") == nil)
end)

test("a streamed line and a portrait advance together, one poll per frame", function()
    local c = genapi.client({ ignore_environment = true })
    assert(c:base_url() == nil, "in-process")
    local line = c:chat_stream({
        { role = "system", content = "You are Brenna, the blacksmith of a mountain village." },
        { role = "user", content = "Good morning! What can you forge?" },
    }, { model = "genapi-ref", temperature = 0.8, seed = 7, max_tokens = 60 })
    local portrait = c:txt2img({
        sd_model_checkpoint = "genapi-ref-image",
        prompt = "portrait of a blacksmith woman",
        seed = 21, steps = 12, width = 256, height = 256,
    })
    assert(line:result() == nil and portrait:result_png() == nil, "nothing before the first poll")
    local text, frames = run_frames(c, line, 5000)
    assert(frames > 2, "the work was spread over frames")
    assert(line:done() and portrait:done())
    assert(#text > 0, "text arrived")
    assert(line:text() == text, "the deltas add up to the final text")
    local r = line:result()
    assert(r.choices[1].finish_reason ~= nil and r.model == "genapi-ref")
    assert(r.usage and r.usage.completion_tokens > 0)
    assert(line.finish_reason == r.choices[1].finish_reason)
    assert(select(2, line:next()) == true, "finished stays finished")
    local png = portrait:result_png()
    local w, h = png_size(png)
    assert(w == 256 and h == 256, "256x256")
    local imgs = portrait:images()
    assert(#imgs == 1 and imgs[1].width == 256 and imgs[1].format == "png" and imgs.seed == 21)
    assert(line:status() == 0 and portrait:status() == 0)
    c:close()
end)

test("the same seed gives the same line (and a pull stream of a plain chat is refused)", function()
    local c = genapi.client({ ignore_environment = true })
    local params = { model = "genapi-ref", seed = 3, max_tokens = 20, stop = { "\n" }, logit_bias = { [5] = -100 } }
    local s = c:chat_stream("Tell me about the forge", params)
    local streamed = run_frames(c, s, 5000)
    local plain = c:chat("Tell me about the forge", params)
    run_frames(c, nil, 5000)
    assert(plain:text() == streamed, "stream and plain chat agree")
    expect_error("invalid argument", plain.next, plain)
    expect_error("for image requests", plain.images, plain)
    c:close()
end)

test("invalid parameters are Lua errors naming the parameter", function()
    local c = genapi.client({ ignore_environment = true })
    expect_error("top_p", c.chat_stream, c, "hi", { model = "genapi-ref", top_p = 5 })
    expect_error("unknown text parameter 'nope'", c.chat_stream, c, "hi", { model = "genapi-ref", nope = 1 })
    expect_error("at least one message", c.chat_stream, c, {}, { model = "genapi-ref" })
    expect_error("width", c.txt2img, c, { sd_model_checkpoint = "genapi-ref-image", prompt = "x", width = -4 })
    expect_error("image_api", genapi.client, { image_api = "other" })
    expect_error("base_url", genapi.client, { base_url = "ftp://example" })
    assert(c:pending() == 0, "nothing was started")
    c:close()
end)

test("an unset model is the library's default: the server's first listed model", function()
    local c = genapi.client({ ignore_environment = true })
    local s = c:chat_stream("hi", { max_tokens = 3 })
    local img = c:txt2img({ prompt = "x", steps = 1, width = 64, height = 64 })
    while c:poll() > 0 do
    end
    local r = s:result()
    assert(r.model == "genapi-ref", "answered by " .. tostring(r.model))
    assert(#img:result_png() > 100, "the image came back")
    c:close()
end)

test("a failed request raises its error from read() and result()", function()
    local c = genapi.client({ ignore_environment = true })
    local s = c:chat_stream("hi", { model = "no-such-model" })
    local img = c:txt2img({ sd_model_checkpoint = "no-such-image-model", prompt = "x" })
    while c:poll() > 0 do
    end
    expect_error("no%-such%-model", s.read, s)
    expect_error("no%-such%-model", s.read, s) -- again, once finished
    expect_error("not found", s.result, s)
    expect_error("txt2img: not found", img.result_png, img)
    local st, msg = s:status()
    assert(st == genapi.C.GENAPI_E_NOT_FOUND and msg:find("no%-such%-model"))
    c:close()
end)

test("cancel ends a stream as cancelled", function()
    local c = genapi.client({ ignore_environment = true })
    local s = c:chat_stream("Tell me a long story", { model = "genapi-ref", max_tokens = 4000, ignore_eos = true })
    c:poll()
    s:cancel()
    while c:poll() > 0 do
    end
    assert(s:done())
    assert(s:status() == genapi.E_CANCELLED)
    expect_error("cancelled", s.read, s)
    s:release()
    expect_error("released", s.done, s)
    s:release() -- twice is harmless
    c:close()
end)

test("closing the client ends its requests; finalizers free the rest", function()
    local c = genapi.client({ ignore_environment = true, poll_budget_us = 500, max_active = 2 })
    local reqs = {}
    for i = 1, 8 do
        reqs[i] = c:chat_stream("Hello " .. i, { model = "genapi-ref", max_tokens = 200 })
    end
    c:poll()
    c:close()
    c:close() -- twice is harmless
    for _, r in ipairs(reqs) do
        assert(r:status() == genapi.E_CANCELLED)
        expect_error("client was closed", r.next, r)
    end
    expect_error("client was closed", c.poll, c)
    reqs = nil
    -- Clients and requests left to the garbage collector.
    for _ = 1, 20 do
        local c2 = genapi.client({ ignore_environment = true })
        c2:chat_stream("Hi", { model = "genapi-ref", max_tokens = 5 })
        c2:txt2img({ sd_model_checkpoint = "genapi-ref-image", prompt = "x", width = 64, height = 64 })
        c2:poll()
    end
    collectgarbage()
    collectgarbage()
end)

-- A client whose log function collects {level, message} pairs into `lines`.
local function logging_client(lines, opts)
    opts = opts or {}
    opts.ignore_environment = true
    opts.log = opts.log or function(level, message)
        lines[#lines + 1] = { level, message }
    end
    return genapi.client(opts)
end

local function count_lines(lines, level, text)
    local n = 0
    for _, l in ipairs(lines) do
        if l[1] == level and l[2]:find(text, 1, true) then
            n = n + 1
        end
    end
    return n
end

test("the log function gets the library's lines, frame after frame of a compiled loop", function()
    assert(jit.status(), "the JIT is on")
    local lines = {}
    local c = logging_client(lines, { log_level = "debug" })
    -- A game loop of thousands of poll(0) frames, a new line every 400 frames from frame 400:
    -- the loop is compiled before anything logs, the FFI call that runs the callback is not (a
    -- callback entered from a compiled FFI call aborts the process: "bad callback").
    local streams, texts = {}, {}
    for frame = 1, 3500 do
        if frame % 400 == 0 then
            local i = #streams + 1
            streams[i] = c:chat_stream("Tell me about the forge", { model = "genapi-ref", seed = i, max_tokens = 30 })
            texts[i] = ""
        end
        c:poll()
        for i, s in ipairs(streams) do
            texts[i] = texts[i] .. s:read()
        end
    end
    assert(#streams == 8 and c:pending() == 0)
    for i, s in ipairs(streams) do
        assert(#texts[i] > 0 and s:text() == texts[i], "stream " .. i)
    end
    assert(count_lines(lines, "info", "POST /v1/chat/completions: HTTP 200 in ") == 8, "one info line per request")
    assert(count_lines(lines, "debug", "POST /v1/chat/completions request body (") == 8, "the request bodies")
    assert(count_lines(lines, "debug", '"seed":3') == 1, "the third body")
    assert(count_lines(lines, "debug", "stream event") >= 8, "the stream events")
    for _, l in ipairs(lines) do
        assert(({ error = 1, warn = 1, info = 1, debug = 1 })[l[1]], "level " .. tostring(l[1]))
    end
    c:close()
end)

test("log_level filters the lines; a failed request is logged as an error", function()
    local lines = {}
    local c = logging_client(lines, { log_level = "error" })
    local ok = c:chat("hi", { model = "genapi-ref", max_tokens = 3 })
    local bad = c:chat("hi", { model = "no-such-model", max_tokens = 3 })
    while c:poll() > 0 do
    end
    assert(ok:status() == 0 and bad:status() == genapi.C.GENAPI_E_NOT_FOUND)
    assert(#lines == 1, #lines .. " lines")
    assert(lines[1][1] == "error" and lines[1][2]:find("POST /v1/chat/completions: not found", 1, true), lines[1][2])
    assert(lines[1][2]:find("no-such-model", 1, true))
    c:close()
    expect_error("log_level must be", genapi.client, { log = print, log_level = "verbose" })
    expect_error("log must be a function", genapi.client, { log = "stdout" })
end)

test("an error raised by the log function is raised by the poll() or close() it ran in", function()
    local calls = 0
    local c = genapi.client({
        ignore_environment = true,
        log = function(level, message)
            calls = calls + 1
            error("log sink is full")
        end,
    })
    local r = c:chat("hi", { model = "genapi-ref", max_tokens = 3 })
    local err
    for _ = 1, 1000 do
        local ok, e = pcall(c.poll, c)
        if not ok then
            err = e
            break
        end
    end
    assert(err and err:find("genapi: log function: .*log sink is full"), tostring(err))
    assert(calls == 1 and r:done() and r:text() ~= nil, "the request ended normally")
    assert(c:poll() == 0, "raised once")
    -- a request that close() cancels is logged there
    c:chat_stream("Tell me a long story", { model = "genapi-ref", max_tokens = 4000, ignore_eos = true })
    c:poll()
    expect_error("log sink is full", c.close, c)
    assert(calls == 2)
end)

test("close() and the finalizer free the log callback after the client", function()
    -- Closing logs the requests it cancels, with the callback still there.
    local lines = {}
    local c = logging_client(lines)
    local s = c:chat_stream("Tell me a long story", { model = "genapi-ref", max_tokens = 4000, ignore_eos = true })
    c:poll()
    c:close()
    assert(s:status() == genapi.E_CANCELLED)
    assert(count_lines(lines, "info", "POST /v1/chat/completions: cancelled") == 1, "the cancellation was logged")
    -- More clients with a log than LuaJIT has callback slots: each slot is given back. From
    -- the 1001st on, each holds a request that freeing it (close() or the finalizer) cancels
    -- and logs, the callback still in place.
    local n = 0
    local function count()
        n = n + 1
    end
    for i = 1, 1500 do
        local h = genapi.client({ base_url = "http://127.0.0.1:9", max_retries = -1, log = count })
        if i > 1000 then
            h:chat("hi", { model = "m" })
        end
        if i % 2 == 0 then
            h:close()
        elseif i % 100 == 1 then
            collectgarbage() -- the ones left open are freed by their finalizers
        end
    end
    collectgarbage()
    collectgarbage()
    assert(n == 500, n .. " cancellations logged")
end)

test("extra_json reaches the server and replaces the parameters of the same name", function()
    local lines = {}
    local c = logging_client(lines, { log_level = "debug" })
    local img = c:txt2img({ sd_model_checkpoint = "genapi-ref-image", prompt = "x", seed = 5, steps = 1, width = 64,
        height = 64 }, { width = 96 })
    local img2 = c:txt2img({ sd_model_checkpoint = "genapi-ref-image", prompt = "x", seed = 5, steps = 1, width = 64,
        height = 64 }, '{"height": 80, "seed": 9}')
    local chat = c:chat("Tell me about the forge", { model = "genapi-ref", max_tokens = 40, ignore_eos = true },
        { max_tokens = 2 })
    local stream = c:chat_stream("Tell me about the forge", { model = "genapi-ref", max_tokens = 3 }, {})
    run_frames(c, stream, 50000)
    while c:poll() > 0 do
    end
    local w, h = png_size(img:result_png())
    assert(w == 96 and h == 64, string.format("%dx%d", w, h))
    w, h = png_size(img2:result_png())
    assert(w == 64 and h == 80, string.format("%dx%d", w, h))
    assert(img2:images().seed == 9 and img:images().seed == 5)
    assert(chat:result().usage.completion_tokens == 2, "max_tokens of extra_json")
    assert(stream:result().usage.completion_tokens <= 3)
    assert(count_lines(lines, "debug", '"width":96') == 1, "the body sent")
    expect_error("extra_json", c.txt2img, c, { prompt = "x" }, "[1]")
    expect_error("extra_json", c.chat, c, "hi", { model = "genapi-ref" }, { 1, 2 })
    expect_error("extra_json must be a table or JSON text", c.chat_stream, c, "hi", { model = "genapi-ref" }, 5)
    c:close()
end)

test("max_response_bytes is passed on and checked", function()
    expect_error("max_response_bytes", genapi.client, { ignore_environment = true, max_response_bytes = -1 })
    local c = genapi.client({ ignore_environment = true, max_response_bytes = 4096 })
    c:close()
end)

test("a server that is not there fails with a connection error", function()
    local c = genapi.client({ base_url = "http://127.0.0.1:9", max_retries = -1, connect_timeout_ms = 2000 })
    assert(c:base_url() == "http://127.0.0.1:9")
    local s = c:chat_stream("hi", { model = "genapi-ref" })
    local deadline = os.time() + 10
    while c:poll(50) > 0 and os.time() < deadline do
    end
    expect_error("connect", s.read, s)
    c:close()
end)

print(string.format("%d passed, %d failed", passed, failures))
os.exit(failures == 0 and 0 or 1)
