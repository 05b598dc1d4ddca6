#!/usr/bin/python3
"""Writes the image inputs of tests/test_image_inputs.c and what Pillow decodes from them.

For every test picture NAME.EXT (PNG, JPEG, WebP in the colour types and encodings listed
below) this writes NAME.rgba: the pixels Pillow reads from NAME.EXT, as the image servers
(AUTOMATIC1111 1.9+) read an API input: Image.open, ImageOps.exif_transpose, then RGBA with
8 bits per channel, rows top to bottom. expected.txt lists, one file a line:

    FILE KIND WIDTH HEIGHT

KIND is png, jpeg, webp-lossless or webp-lossy (what the test's pixel tolerance depends on);
WIDTH x HEIGHT is the decoded size after the EXIF orientation.

The files are made by Pillow's encoders where Pillow has one; the PNG colour types Pillow
cannot write (grey at 2 and 4 bits, 16-bit RGB, RGBA and grey + alpha, Adam7 interlacing) are
written here with zlib, and still decoded by Pillow. 16-bit samples become their most
significant byte (Pillow does so for RGB, RGBA and LA; for 16-bit grey, which Pillow opens as
mode I or I;16 and whose RGB conversion clips at 255, the shift is done here).

Run with Debian's Pillow (python3-pil): /usr/bin/python3 make_images.py [OUTDIR]. The tests
only read the files; they never run this script.
"""
import io
import os
import struct
import sys
import zlib

from PIL import Image, ImageOps

W, H = 40, 24


def picture(w, h, alpha=False, seed=1):
    """A small picture with smooth gradients, hard edges, a disc and sparse noise dots, so that
    lossy encoders have both flat and busy areas. Returns a list of RGBA tuples."""
    px = []
    state = seed * 2654435761 % 4294967296
    for y in range(h):
        for x in range(w):
            state = (state * 1103515245 + 12345) % 2147483648
            r = (x * 255) // max(1, w - 1)
            g = (y * 255) // max(1, h - 1)
            b = 200 if (x // 6 + y // 6) % 2 else 40
            dx, dy = x - w * 0.62, y - h * 0.45
            if dx * dx + dy * dy < (min(w, h) * 0.3) ** 2:
                r, g, b = 250, 230, 30
            if state % 23 == 0:
                r, g, b = 255 - r, 255 - g, 255 - b
            a = 255
            if alpha:
                a = 0 if x < 4 else 255 if x >= w - 8 else (x * 255) // w
            px.append((r, g, b, a))
    return px


def image(mode, w=W, h=H, alpha=False, seed=1):
    im = Image.new("RGBA", (w, h))
    im.putdata(picture(w, h, alpha, seed))
    return im if mode == "RGBA" else im.convert(mode)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_raw(w, h, colour_type, depth, rows, interlace=False, extra=b""):
    """A PNG written here: rows are lists of integer samples (one list per row, every channel
    interleaved); filter type 0 on every line."""
    def pack_line(samples):
        if depth == 16:
            return b"".join(struct.pack(">H", s) for s in samples)
        if depth == 8:
            return bytes(samples)
        out, acc, n = bytearray(), 0, 0
        for s in samples:
            acc = (acc << depth) | s
            n += depth
            if n == 8:
                out.append(acc)
                acc, n = 0, 0
        if n:
            out.append(acc << (8 - n))
        return bytes(out)

    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    data = bytearray()
    if not interlace:
        for row in rows:
            data += b"\x00" + pack_line(row)
    else:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        for x0, y0, dx, dy in passes:
            for y in range(y0, h, dy):
                line = []
                for x in range(x0, w, dx):
                    line += rows[y][x * channels:(x + 1) * channels]
                if line:
                    data += b"\x00" + pack_line(line)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour_type, 0, 0, 1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra + png_chunk(b"IDAT", zlib.compress(bytes(data), 9)) +
            png_chunk(b"IEND", b""))


def exif_bytes(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def save(im, fmt, **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def files():
    """(name, kind, bytes) of every test input."""
    out = []
    rgba = picture(W, H, alpha=True)
    # PNG through Pillow's encoder.
    out.append(("png_rgb8.png", "png", save(image("RGB"), "PNG")))
    out.append(("png_rgba8.png", "png", save(image("RGBA", alpha=True), "PNG")))
    out.append(("png_grey8.png", "png", save(image("L"), "PNG")))
    out.append(("png_greya8.png", "png", save(image("LA", alpha=True), "PNG")))
    out.append(("png_grey1.png", "png", save(image("L").point(lambda v: 255 if v > 110 else 0).convert("1"), "PNG")))
    grey16 = Image.new("I", (W, H))
    grey16.putdata([(y * 2731 + x * 977 + (x * y * 37) % 5000) % 65536 for y in range(H) for x in range(W)])
    out.append(("png_grey16.png", "png", save(grey16.convert("I;16"), "PNG")))
    for bits, colours in ((8, 200), (4, 16), (2, 4), (1, 2)):
        pal = image("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
        kw = {"bits": bits} if bits < 8 else {}
        if bits == 8:
            pal.info["transparency"] = bytes((i * 37) % 256 for i in range(colours))
            kw["transparency"] = pal.info["transparency"]
            out.append(("png_pal8_trns.png", "png", save(pal, "PNG", **kw)))
        else:
            out.append(("png_pal%d.png" % bits, "png", save(pal, "PNG", **kw)))
    rgb = image("RGB")
    key = rgb.getpixel((10, 10))
    out.append(("png_rgb_trns.png", "png", save(rgb, "PNG", transparency=key)))
    grey = image("L")
    out.append(("png_grey_trns.png", "png", save(grey, "PNG", transparency=grey.getpixel((5, 5)))))
    out.append(("png_exif8.png", "png", save(image("RGB", seed=3), "PNG", exif=exif_bytes(8))))
    # PNG colour types Pillow does not write.
    lum = [[(r * 299 + g * 587 + b * 114) // 1000 for r, g, b, _ in rgba[y * W:(y + 1) * W]] for y in range(H)]
    out.append(("png_grey2.png", "png", png_raw(W, H, 0, 2, [[v >> 6 for v in row] for row in lum])))
    out.append(("png_grey4.png", "png", png_raw(W, H, 0, 4, [[v >> 4 for v in row] for row in lum])))

    def wide(v, x, y):
        return v * 257 ^ ((x * 7 + y * 13) & 0xFF)  # low bytes vary, high bytes are the picture

    rows16 = [[wide(c, x, y) for x in range(W) for c in rgba[y * W + x][:3]] for y in range(H)]
    out.append(("png_rgb16.png", "png", png_raw(W, H, 2, 16, rows16)))
    rows16a = [[wide(c, x, y) for x in range(W) for c in rgba[y * W + x]] for y in range(H)]
    out.append(("png_rgba16.png", "png", png_raw(W, H, 6, 16, rows16a)))
    rows16la = [[wide(c, x, y) for x in range(W) for c in (lum[y][x], rgba[y * W + x][3])] for y in range(H)]
    out.append(("png_greya16.png", "png", png_raw(W, H, 4, 16, rows16la)))
    iw, ih = 37, 23
    irgba = picture(iw, ih, alpha=True, seed=5)
    out.append(("png_adam7.png", "png",
                png_raw(iw, ih, 6, 8, [[c for p in irgba[y * iw:(y + 1) * iw] for c in p] for y in range(ih)], True)))
    # JPEG: chroma subsampling 4:2:0 (odd size), 4:2:2, 4:4:4, progressive, grey, CMYK, and every
    # EXIF orientation.
    out.append(("jpg_420.jpg", "jpeg", save(image("RGB", 37, 23, seed=7), "JPEG", quality=90, subsampling=2)))
    out.append(("jpg_422.jpg", "jpeg", save(image("RGB"), "JPEG", quality=90, subsampling=1)))
    out.append(("jpg_444.jpg", "jpeg", save(image("RGB"), "JPEG", quality=90, subsampling=0)))
    out.append(("jpg_progressive.jpg", "jpeg",
                save(image("RGB", seed=9), "JPEG", quality=85, subsampling=2, progressive=True)))
    out.append(("jpg_grey.jpg", "jpeg", save(image("L"), "JPEG", quality=90)))
    out.append(("jpg_cmyk.jpg", "jpeg", save(image("RGB").convert("CMYK"), "JPEG", quality=90)))
    for o in range(2, 9):
        out.append(("jpg_orient%d.jpg" % o, "jpeg",
                    save(image("RGB", 24, 16, seed=o), "JPEG", quality=92, subsampling=0, exif=exif_bytes(o))))
    # WebP: lossless and lossy, with and without alpha, an EXIF orientation, an animation.
    out.append(("webp_lossless_rgb.webp", "webp-lossless", save(image("RGB"), "WEBP", lossless=True)))
    out.append(("webp_lossless_rgba.webp", "webp-lossless",
                save(image("RGBA", alpha=True), "WEBP", lossless=True, exact=True)))
    out.append(("webp_lossy_rgb.webp", "webp-lossy", save(image("RGB"), "WEBP", quality=80)))
    out.append(("webp_lossy_rgba.webp", "webp-lossy", save(image("RGBA", alpha=True), "WEBP", quality=80)))
    out.append(("webp_orient6.webp", "webp-lossless",
                save(image("RGB", seed=11), "WEBP", lossless=True, exif=exif_bytes(6))))
    frames = [image("RGBA", alpha=True, seed=13), image("RGBA", seed=14)]
    out.append(("webp_animated.webp", "webp-lossless",
                save(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True, duration=100, loop=0)))
    return out


def pillow_pixels(data):
    """What the servers see: Image.open + exif_transpose, as 8-bit RGBA."""
    im = Image.open(io.BytesIO(data))
    im = ImageOps.exif_transpose(im)
    if im.mode in ("I;16", "I;16B", "I"):
        raw = bytearray()
        for v in im.getdata():
            g = (int(v) >> 8) & 0xFF
            raw += bytes((g, g, g, 255))
        return im.size, bytes(raw)
    return im.size, im.convert("RGBA").tobytes()


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    lines = []
    for name, kind, data in files():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        (w, h), px = pillow_pixels(data)
        assert len(px) == w * h * 4
        with open(os.path.join(outdir, os.path.splitext(name)[0] + ".rgba"), "wb") as f:
            f.write(px)
        lines.append("%s %s %d %d\n" % (name, kind, w, h))
    with open(os.path.join(outdir, "expected.txt"), "w") as f:
        f.write("# FILE KIND WIDTH HEIGHT: written by make_images.py (Pillow %s)\n" % Image.__version__)
        f.writelines(lines)


if __name__ == "__main__":
    main()
