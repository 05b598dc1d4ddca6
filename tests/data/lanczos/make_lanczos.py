#!/usr/bin/python3
"""Writes the inputs and expected outputs of tests/test_image_lanczos.c.

in.png is a 48x32 RGB picture with hard edges, thin lines, a checkerboard, gradients and
sparse noise (every feature a windowed-sinc resampler can get wrong: ringing next to edges,
the clipped window at the borders, aliasing when shrinking). For each size in SIZES this
writes lanczos_WxH.png: Pillow's Image.resize((W, H), Image.LANCZOS) of in.png, stored as
PNG (lossless). expected.txt lists one output a line: FILE WIDTH HEIGHT.

Run with Debian's Pillow (python3-pil 9.4): /usr/bin/python3 make_lanczos.py [OUTDIR]. The
test only reads the files; it never runs this script.
"""
import os
import sys

from PIL import Image

W, H = 48, 32
SIZES = [(96, 64), (151, 77), (19, 13), (200, 24), (33, 90)]


def picture():
    im = Image.new("RGB", (W, H))
    px = im.load()
    state = 12345
    for y in range(H):
        for x in range(W):
            r = (x * 255) // (W - 1)
            g = (y * 255) // (H - 1)
            b = 128
            if 4 <= x < 14 and 4 <= y < 14:  # checkerboard
                r = g = b = 255 if (x + y) % 2 else 0
            if x == 20 or y == 20:  # thin lines
                r, g, b = 250, 250, 10
            if 24 <= x < 40 and 6 <= y < 18:  # a hard-edged block
                r, g, b = 20, 40, 230
            if (x - 36) ** 2 + (y - 26) ** 2 < 20:  # a disc
                r, g, b = 240, 30, 30
            state = (state * 1103515245 + 12345) % 2147483648
            if state % 13 == 0:  # sparse noise dots
                v = (state >> 8) % 256
                r, g, b = v, 255 - v, (v * 7) % 256
            px[x, y] = (r, g, b)
    return im


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    im = picture()
    im.save(os.path.join(out, "in.png"))
    lines = []
    for w, h in SIZES:
        name = "lanczos_%dx%d.png" % (w, h)
        im.resize((w, h), Image.LANCZOS).save(os.path.join(out, name))
        lines.append("%s %d %d" % (name, w, h))
    with open(os.path.join(out, "expected.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
