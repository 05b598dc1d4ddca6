-- LÖVE 11 configuration of the NPC example: one window, no audio or other unused modules.
function love.conf(t)
    t.identity = "genapi-npc"
    t.version = "11.0"
    t.console = false

    t.window.title = "libgenapi: an NPC speaks"
    t.window.width = 1024
    t.window.height = 600
    t.window.resizable = false
    t.window.vsync = 1

    t.modules.audio = false
    t.modules.sound = false
    t.modules.joystick = false
    t.modules.physics = false
    t.modules.touch = false
    t.modules.video = false
end
