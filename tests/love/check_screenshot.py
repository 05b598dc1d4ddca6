#!/usr/bin/env python3
"""Runs the LÖVE example (examples/love) headless under Xvfb on the in-process reference
backend, checks that the library's log reached the game (a Lua log function called from
genapi_poll: one line per finished request), and checks the screenshot it takes once the NPC's
line and portrait are both done:

- the window is 1024x600 and its corner has the background colour;
- the dialogue box is where main.lua draws it, in its fill colour, and holds text-coloured
  pixels both in the name plate and in the lines below it (the streamed line);
- the portrait area is not the background nor the placeholder, varies, and is the generated
  portrait itself: pixel for pixel (within rounding) the PNG the example saved.

Usage: check_screenshot.py --lib LIBGENAPI.so --example DIR --out DIR
Exit status 0 on success; the reason is printed otherwise.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

# Layout and colours of examples/love/main.lua.
WINDOW = (1024, 600)
BACKGROUND = (20, 23, 36)
PORTRAIT = (32, 56, 512)  # x, y, size
PLACEHOLDER = (40, 44, 62)
BOX = (576, 56, 416, 512, 20)  # x, y, w, h, pad
BOX_FILL = (237, 227, 204)
TEXT = (40, 24, 16)
NAME_PLATE_H = 44  # the name plate's height; the line starts below it

RUN_TIMEOUT_S = 50


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def near(p, colour, tol):
    return abs(p[0] - colour[0]) <= tol and abs(p[1] - colour[1]) <= tol and abs(p[2] - colour[2]) <= tol


def run_example(args, shot, portrait):
    love = shutil.which("love")
    xvfb = shutil.which("xvfb-run")
    missing = [n for n, p in (("love", love), ("xvfb-run", xvfb)) if p is None]
    if missing:
        fail("not installed: %s (tools/install-deps.sh installs them)" % ", ".join(missing))
    env = dict(os.environ)
    for var in ("GENAPI_BASE_URL", "GENAPI_API_KEY", "GENAPI_MODEL", "GENAPI_IMAGE_MODEL", "GENAPI_LUA_PATH"):
        env.pop(var, None)
    env.update({
        "GENAPI_LIBRARY": os.path.abspath(args.lib),
        "GENAPI_LOVE_SCREENSHOT": shot,
        "GENAPI_LOVE_PORTRAIT": portrait,
        "GENAPI_LOVE_MAX_SECONDS": "30",
        # LÖVE's save directory, kept out of the home directory.
        "XDG_DATA_HOME": os.path.join(args.out, "xdg-data"),
    })
    for path in (shot, portrait):
        if os.path.exists(path):
            os.remove(path)
    cmd = [xvfb, "-a", "-s", "-screen 0 1280x1024x24", love, os.path.abspath(args.example)]
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=RUN_TIMEOUT_S, text=True)
    except subprocess.TimeoutExpired:
        fail("the example did not quit within %d s" % RUN_TIMEOUT_S)
    elapsed = time.monotonic() - t0
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr)
        fail("the example exited with status %d" % proc.returncode)
    print("the example ran for %.1f s" % elapsed)
    lines = proc.stdout.splitlines()
    line = next((l[len("line: "):] for l in lines if l.startswith("line: ")), "")
    if len(line.strip()) < 10:
        fail("the example printed no line of dialogue")
    if not any(l.startswith("portrait: 512x512 PNG") for l in lines):
        fail("the example printed no 512x512 portrait")
    for path in ("/v1/chat/completions", "/v1/txt2img"):
        if not any(l.startswith("log info: POST %s: HTTP 200 in " % path) for l in lines):
            fail("no log line of the finished POST %s" % path)
    if not os.path.exists(shot) or not os.path.exists(portrait):
        fail("no screenshot or portrait was written")


def check_box(img):
    x, y, w, h, pad = BOX
    px = img.load()
    inner = [(i, j) for j in range(y + pad, y + h - pad) for i in range(x + pad, x + w - pad)]
    fill = sum(1 for i, j in inner if near(px[i, j], BOX_FILL, 6))
    if fill < len(inner) // 2:
        fail("the dialogue box is not at (%d, %d): only %d of %d pixels have its colour" % (x, y, fill, len(inner)))
    name_top, line_top = y + pad, y + pad + NAME_PLATE_H
    name = sum(1 for i, j in inner if name_top <= j < line_top and near(px[i, j], TEXT, 40))
    body = [(i, j) for i, j in inner if j >= line_top and near(px[i, j], TEXT, 40)]
    rows = sorted({j for _, j in body})
    print("dialogue box: %d fill pixels, %d text pixels in the name plate, %d in the line over %d rows"
          % (fill, name, len(body), len(rows)))
    if name < 100:
        fail("no name plate text in the dialogue box")
    if len(body) < 400 or not rows or rows[-1] - rows[0] < 40:
        fail("no streamed line in the dialogue box (expected several lines of text)")


def check_portrait(img, portrait_png):
    from PIL import Image, ImageChops, ImageStat

    x, y, size = PORTRAIT
    region = img.crop((x, y, x + size, y + size))
    px = region.load()
    bg = sum(1 for j in range(0, size, 2) for i in range(0, size, 2) if near(px[i, j], BACKGROUND, 4))
    ph = sum(1 for j in range(0, size, 2) for i in range(0, size, 2) if near(px[i, j], PLACEHOLDER, 2))
    samples = (size // 2) ** 2
    stddev = ImageStat.Stat(region.convert("L")).stddev[0]
    colours = len(region.getcolors(maxcolors=size * size) or [])
    print("portrait: %.1f%% background, %.1f%% placeholder, luminance stddev %.1f, %d colours"
          % (100.0 * bg / samples, 100.0 * ph / samples, stddev, colours))
    if bg > samples // 50:
        fail("the portrait area shows the background")
    if ph > samples // 10:
        fail("the portrait area still shows the placeholder")
    if stddev < 8 or colours < 1000:
        fail("the portrait area is nearly flat: no image was drawn")
    generated = Image.open(portrait_png).convert("RGB")
    if generated.size != (size, size):
        fail("the generated portrait is %dx%d" % generated.size)
    diff = ImageStat.Stat(ImageChops.difference(region, generated)).mean
    print("portrait vs generated PNG: mean absolute difference %.2f %.2f %.2f" % tuple(diff))
    if max(diff) > 2.0:
        fail("the portrait area is not the generated portrait")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True, help="path of libgenapi.so")
    ap.add_argument("--example", required=True, help="the LÖVE game folder (examples/love)")
    ap.add_argument("--out", required=True, help="folder for the screenshot")
    args = ap.parse_args()
    try:
        from PIL import Image
    except ImportError:
        fail("Pillow is not installed (python3-pil; tools/install-deps.sh installs it)")
    os.makedirs(args.out, exist_ok=True)
    shot = os.path.abspath(os.path.join(args.out, "love_npc.png"))
    portrait = os.path.abspath(os.path.join(args.out, "love_npc_portrait.png"))
    run_example(args, shot, portrait)

    img = Image.open(shot).convert("RGB")
    if img.size != WINDOW:
        fail("the screenshot is %dx%d, expected %dx%d" % (img.size + WINDOW))
    if not near(img.getpixel((4, 4)), BACKGROUND, 2):
        fail("the corner is %s, not the background %s" % (img.getpixel((4, 4)), BACKGROUND))
    check_box(img)
    check_portrait(img, portrait)
    print("ok: %s" % shot)


if __name__ == "__main__":
    main()
