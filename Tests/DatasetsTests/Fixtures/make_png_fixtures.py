#!/usr/bin/env python3
"""Writes the PNG fixtures of DatasetsTests with an independent encoder (zlib + struct only).

Every color type and legal bit depth, every filter type (rows cycle through 0..4, plus one
image per single filter), palettes with and without tRNS, and Adam7 interlacing (including
images smaller than 8x8, where some passes are empty). manifest.json lists each file with the
samples a decoder must produce (palette expanded to RGB/RGBA, gray below 8 bits scaled to 0..255).

Run from this folder: python3 make_png_fixtures.py
"""
import json, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1)]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, row, prev, bpp):
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i] if prev is not None else 0
        c = prev[i - bpp] if (prev is not None and i >= bpp) else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((x - pred) & 0xFF)
    return bytes([kind]) + bytes(out)


def pack_row(values, depth):
    if depth == 8:
        return bytes(values)
    if depth == 16:
        return b"".join(struct.pack(">H", v) for v in values)
    out, acc, bits = bytearray(), 0, 0
    for v in values:
        acc = (acc << depth) | v
        bits += depth
        if bits == 8:
            out.append(acc); acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def value(x, y, c, maximum):
    return (x * 37 + y * 101 + c * 53 + x * y * 7) % (maximum + 1)


def make(name, width, height, color, depth, interlace=False, filters=None, palette_size=0, with_trns=False):
    ch = CHANNELS[color]
    maximum = (palette_size - 1) if color == 3 else (1 << depth) - 1
    raw = [[[value(x, y, c, maximum) for c in range(ch)] for x in range(width)] for y in range(height)]
    bpp = max(1, ch * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    data, row_number = bytearray(), 0
    for (r0, c0, rs, cs) in passes:
        rows = list(range(r0, height, rs))
        cols = list(range(c0, width, cs))
        if not rows or not cols:
            continue
        prev = None
        for y in rows:
            row = pack_row([v for x in cols for v in raw[y][x]], depth)
            kind = (row_number % 5) if filters is None else filters
            data += filter_row(kind, row, prev, bpp)
            prev, row_number = row, row_number + 1
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 1 if interlace else 0))
    png += chunk(b"tEXt", b"Comment\x00GANKit test fixture")  # an ancillary chunk to skip
    palette = [((i * 40) % 256, (i * 90 + 7) % 256, (255 - i * 13) % 256) for i in range(palette_size)]
    alphas = [(i * 60 + 5) % 256 for i in range(max(1, palette_size - 2))]  # shorter than the palette
    if color == 3:
        png += chunk(b"PLTE", bytes(v for entry in palette for v in entry))
        if with_trns:
            png += chunk(b"tRNS", bytes(alphas))
    compressed = zlib.compress(bytes(data), 9)
    half = len(compressed) // 2  # image data split over two IDAT chunks
    png += chunk(b"IDAT", compressed[:half]) + chunk(b"IDAT", compressed[half:])
    png += chunk(b"IEND", b"")
    with open(os.path.join(HERE, "png", name + ".png"), "wb") as f:
        f.write(png)
    # Expected decoded samples.
    expected, out_channels, out_depth = [], ch, 16 if depth == 16 else 8
    for y in range(height):
        for x in range(width):
            if color == 3:
                index = raw[y][x][0]
                expected += list(palette[index])
                if with_trns:
                    expected.append(alphas[index] if index < len(alphas) else 255)
            elif depth < 8:
                expected += [v * (255 // ((1 << depth) - 1)) for v in raw[y][x]]
            else:
                expected += raw[y][x]
    if color == 3:
        out_channels = 4 if with_trns else 3
    return {"name": name, "width": width, "height": height, "channels": out_channels,
            "bitDepth": out_depth, "samples": expected}


def main():
    os.makedirs(os.path.join(HERE, "png"), exist_ok=True)
    cases = []
    for depth in (1, 2, 4, 8, 16):
        cases.append(make(f"gray{depth}", 13, 11, 0, depth))
    for depth in (8, 16):
        cases.append(make(f"gray_alpha{depth}", 13, 11, 4, depth))
        cases.append(make(f"rgb{depth}", 13, 11, 2, depth))
        cases.append(make(f"rgba{depth}", 13, 11, 6, depth))
    for depth, size in ((1, 2), (2, 4), (4, 16), (8, 200)):
        cases.append(make(f"palette{depth}", 13, 11, 3, depth, palette_size=size))
    cases.append(make("palette8_trns", 13, 11, 3, 8, palette_size=20, with_trns=True))
    for kind in range(5):
        cases.append(make(f"rgb8_filter{kind}", 9, 6, 2, 8, filters=kind))
    cases.append(make("gray16_filter4", 9, 6, 0, 16, filters=4))
    cases.append(make("rgba8_adam7", 13, 11, 6, 8, interlace=True))
    cases.append(make("gray16_adam7", 10, 9, 0, 16, interlace=True))
    cases.append(make("gray1_adam7", 11, 7, 0, 1, interlace=True))
    cases.append(make("palette4_adam7", 5, 3, 3, 4, interlace=True, palette_size=16))
    cases.append(make("rgb8_adam7_1x1", 1, 1, 2, 8, interlace=True))
    with open(os.path.join(HERE, "png", "manifest.json"), "w") as f:
        json.dump(cases, f, separators=(",", ":"))
    print(f"wrote {len(cases)} PNG fixtures")


if __name__ == "__main__":
    main()
