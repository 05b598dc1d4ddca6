-- An NPC in LÖVE 11: her line of dialogue streams into a dialogue box while her 512x512
-- portrait is generated, both by libgenapi (bindings/lua/genapi.lua) and both advanced by one
-- client:poll() per love.update. With no GENAPI_BASE_URL the client runs the in-process
-- reference backend: no network, no key. The library's log lines (one per finished request)
-- are printed as "log LEVEL: …".
--
--     love examples/love
--
-- Environment:
--   GENAPI_LIBRARY            path of libgenapi.so (else the loader's search path)
--   GENAPI_LUA_PATH           folder holding genapi.lua (else ../../bindings/lua from here)
--   GENAPI_LOVE_SCREENSHOT    once both are done, draw one more frame, save it there as PNG
--                             and quit (exit status 1 on failure or time-out)
--   GENAPI_LOVE_PORTRAIT      also save the generated portrait PNG there
--   GENAPI_LOVE_MAX_SECONDS   quit with status 1 after this long (default 30 with a screenshot,
--                             else no limit)
-- Escape quits.

local SCREENSHOT = os.getenv("GENAPI_LOVE_SCREENSHOT")
local PORTRAIT_OUT = os.getenv("GENAPI_LOVE_PORTRAIT")
local MAX_SECONDS = tonumber(os.getenv("GENAPI_LOVE_MAX_SECONDS") or "") or (SCREENSHOT and 30) or nil

-- Layout and colours (tests/love/check_screenshot.py reads the screenshot at these places).
local BACKGROUND = { 20 / 255, 23 / 255, 36 / 255 }
local PORTRAIT = { x = 32, y = 56, size = 512 }
local PLACEHOLDER = { 40 / 255, 44 / 255, 62 / 255 }
local BOX = { x = 576, y = 56, w = 416, h = 512, pad = 20 }
local BOX_FILL = { 237 / 255, 227 / 255, 204 / 255 }
local BOX_EDGE = { 96 / 255, 64 / 255, 40 / 255 }
local TEXT = { 40 / 255, 24 / 255, 16 / 255 }
local CAPTION = { 170 / 255, 176 / 255, 200 / 255 }

local NPC = {
    name = "Brenna, the blacksmith",
    system = "You are Brenna, the blacksmith of a mountain village. Answer in one line.",
    greeting = "Good morning! What can you forge for a traveller like me?",
    portrait_prompt = "portrait of a blacksmith woman, soot, warm forge light",
}

-- Without a window to look at, an error must end the program instead of showing the error
-- screen forever.
if SCREENSHOT then
    function love.errorhandler(msg)
        io.stderr:write(debug.traceback("error: " .. tostring(msg), 2), "\n")
        return nil -- no error loop: LÖVE exits with status 1
    end
end

-- The binding: GENAPI_LUA_PATH, a genapi.lua next to this file, or the repository's copy.
do
    local lua_path = os.getenv("GENAPI_LUA_PATH")
    local source = love.filesystem.getSource()
    local extra = source .. "/../../bindings/lua/?.lua;"
    if lua_path and lua_path ~= "" then
        extra = lua_path .. "/?.lua;" .. extra
    end
    package.path = extra .. package.path
end
local genapi = require("genapi")

local state = {
    client = nil,
    line = nil, -- the streamed line of dialogue
    portrait = nil, -- the portrait request
    text = "",
    line_done = false,
    image = nil, -- the portrait as a texture
    error = nil,
    elapsed = 0,
    frames = 0,
    line_frame = nil,
    portrait_frame = nil,
    worst_poll_ms = 0,
    shot_requested = false,
}

local fonts = {}

local function say(fmt, ...)
    io.stdout:write(string.format(fmt, ...), "\n")
    io.stdout:flush()
end

local function write_file(path, bytes)
    local f, err = io.open(path, "wb")
    if not f then
        error("cannot write " .. path .. ": " .. tostring(err))
    end
    f:write(bytes)
    f:close()
end

function love.load()
    love.graphics.setBackgroundColor(BACKGROUND)
    fonts.name = love.graphics.newFont(22)
    fonts.text = love.graphics.newFont(18)
    fonts.caption = love.graphics.newFont(13)

    -- The log function runs inside client:poll(), on this thread (bindings/lua/README.md, Log).
    state.client = genapi.client({
        log = function(level, message)
            say("log %s: %s", level, message)
        end,
    })
    state.line = state.client:chat_stream({
        { role = "system", content = NPC.system },
        { role = "user", content = NPC.greeting },
    }, { model = os.getenv("GENAPI_MODEL") or "genapi-ref", temperature = 0.8, seed = 7, max_tokens = 60 })
    state.portrait = state.client:txt2img({
        sd_model_checkpoint = os.getenv("GENAPI_IMAGE_MODEL") or "genapi-ref-image",
        prompt = NPC.portrait_prompt,
        seed = 21,
        steps = 20,
        width = PORTRAIT.size,
        height = PORTRAIT.size,
    })
end

-- One frame of the library's work: a poll, then whatever it produced.
local function pump()
    local t0 = love.timer.getTime()
    state.client:poll()
    local ms = (love.timer.getTime() - t0) * 1000
    if ms > state.worst_poll_ms then
        state.worst_poll_ms = ms
    end

    if not state.line_done then
        local text, finished = state.line:read()
        state.text = state.text .. text
        if finished then
            state.line_done = true
            state.line_frame = state.frames
            say("line: %s", state.text)
        end
    end

    if state.image == nil then
        local png = state.portrait:result_png()
        if png then
            local data = love.image.newImageData(love.filesystem.newFileData(png, "portrait.png"))
            state.image = love.graphics.newImage(data)
            state.portrait_frame = state.frames
            say("portrait: %dx%d PNG, %d bytes", data:getWidth(), data:getHeight(), #png)
            if PORTRAIT_OUT then
                write_file(PORTRAIT_OUT, png)
            end
        end
    end
end

local function save_screenshot(imagedata)
    local ok, err = pcall(function()
        write_file(SCREENSHOT, imagedata:encode("png"):getString())
    end)
    if ok then
        say("screenshot: %s", SCREENSHOT)
        love.event.quit(0)
    else
        io.stderr:write(tostring(err), "\n")
        love.event.quit(1)
    end
end

function love.update(dt)
    state.frames = state.frames + 1
    state.elapsed = state.elapsed + dt

    if state.error == nil then
        local ok, err = pcall(pump)
        if not ok then
            state.error = tostring(err)
            io.stderr:write(state.error, "\n")
            if SCREENSHOT then
                love.event.quit(1)
            end
        end
    end

    local done = state.line_done and state.image ~= nil
    if done and state.done_frame == nil then
        state.done_frame = state.frames
        say("frames: line done at %d, portrait at %d; worst poll %.2f ms", state.line_frame,
            state.portrait_frame, state.worst_poll_ms)
    end
    -- The frame after the one that first showed both: drawn now, captured when presented.
    if SCREENSHOT and done and state.frames > state.done_frame and not state.shot_requested then
        state.shot_requested = true
        love.graphics.captureScreenshot(save_screenshot)
    end

    if MAX_SECONDS and state.elapsed > MAX_SECONDS then
        io.stderr:write(string.format("not done after %g s (line %s, portrait %s)\n", MAX_SECONDS,
            tostring(state.line_done), tostring(state.image ~= nil)))
        love.event.quit(1)
    end
end

local function draw_portrait()
    local p = PORTRAIT
    if state.image then
        love.graphics.setColor(1, 1, 1)
        love.graphics.draw(state.image, p.x, p.y, 0, p.size / state.image:getWidth(), p.size / state.image:getHeight())
    else
        love.graphics.setColor(PLACEHOLDER)
        love.graphics.rectangle("fill", p.x, p.y, p.size, p.size)
        love.graphics.setColor(CAPTION)
        love.graphics.setFont(fonts.text)
        local dots = string.rep(".", math.floor(state.elapsed * 3) % 4)
        love.graphics.printf("painting the portrait" .. dots, p.x, p.y + p.size / 2 - 10, p.size, "center")
    end
end

local function draw_box()
    local b = BOX
    love.graphics.setColor(BOX_FILL)
    love.graphics.rectangle("fill", b.x, b.y, b.w, b.h)
    love.graphics.setColor(BOX_EDGE)
    love.graphics.setLineWidth(4)
    love.graphics.rectangle("line", b.x - 2, b.y - 2, b.w + 4, b.h + 4)

    love.graphics.setColor(TEXT)
    love.graphics.setFont(fonts.name)
    love.graphics.print(NPC.name, b.x + b.pad, b.y + b.pad)
    love.graphics.setFont(fonts.text)
    local text = state.text
    if state.error then
        text = text .. "\n\n" .. state.error
    elseif not state.line_done and math.floor(state.elapsed * 2) % 2 == 0 then
        text = text .. "_"
    end
    love.graphics.printf(text, b.x + b.pad, b.y + b.pad + 44, b.w - 2 * b.pad, "left")
end

function love.draw()
    draw_portrait()
    draw_box()
    love.graphics.setColor(CAPTION)
    love.graphics.setFont(fonts.caption)
    love.graphics.print(string.format("libgenapi %s   worst genapi_poll: %.2f ms   %d fps", genapi.version(),
        state.worst_poll_ms, love.timer.getFPS()), PORTRAIT.x, 578)
    love.graphics.print("Traveller: " .. NPC.greeting, PORTRAIT.x, 22)
end

function love.keypressed(key)
    if key == "escape" then
        love.event.quit()
    end
end

function love.quit()
    -- Release the requests before the client (finalizers would do it too, in any order).
    if state.line then
        state.line:release()
        state.portrait:release()
    end
    if state.client then
        state.client:close()
    end
end
