#!/usr/bin/env python3
"""Draws Heard's app icons as PNG files into public/, from the same shapes as public/favicon.svg
(a smiling face): 192 and 512 px for the web manifest, a 512 px maskable one (the face inside
the safe circle, on a full-bleed background) and a 180 px opaque one for iPads' home screens.

Pure Python (zlib only), so it runs on a bare machine. Each file is a palette PNG: a few
flat colours and their antialiased edges, so an icon weighs a few KB. Run it again after
changing the face: python3 scripts/make-icons.py
"""
import math
import struct
import zlib
from pathlib import Path

PUBLIC = Path(__file__).resolve().parent.parent / "public"
YELLOW = (0xFF, 0xD1, 0x66, 255)
INK = (0x3D, 0x3D, 0x3D, 255)
PAPER = (0xFF, 0xFD, 0xF8, 255)
THEME = (0x1D, 0x4E, 0x89, 255)
CLEAR = (0, 0, 0, 0)
SAMPLES = 4  # per side, per pixel


def face_colour(x, y):
    """The face's colour at (x, y) in favicon.svg's 100-unit box, or None outside it."""
    r = math.hypot(x - 50, y - 50)
    if r > 49:
        return None
    if r >= 43:
        return INK
    for ex in (35, 65):
        if math.hypot(x - ex, y - 40) <= 6:
            return INK
    # The smile: the quadratic curve M30 60 Q50 80 70 60, 6 wide with round ends. Its x runs
    # evenly with t, so the nearest point is searched for around the t of this x.
    if 26 <= x <= 74 and 56 <= y <= 74:
        t0 = (x - 30) / 40
        for k in range(-10, 11):
            t = min(1.0, max(0.0, t0 + k * 0.02))
            if math.hypot(x - (30 + 40 * t), y - (60 + 40 * t * (1 - t))) <= 3:
                return INK
    return YELLOW


def render(size, background, scale):
    """Rows of RGBA pixels: the face at `scale` of the icon (1 = edge to edge), centred."""
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    # The sample's place in the 100-unit box of the face.
                    u = ((px + (sx + 0.5) / SAMPLES) / size - 0.5) / scale * 100 + 50
                    v = ((py + (sy + 0.5) / SAMPLES) / size - 0.5) / scale * 100 + 50
                    c = face_colour(u, v) or background
                    a = c[3]
                    acc[0] += c[0] * a
                    acc[1] += c[1] * a
                    acc[2] += c[2] * a
                    acc[3] += a
            n = SAMPLES * SAMPLES
            alpha = acc[3] / n
            if alpha == 0:
                row.append(CLEAR)
            else:
                row.append(tuple(round(acc[i] / acc[3]) for i in range(3)) + (round(alpha),))
        rows.append(row)
    return rows


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def palette_png(rows):
    colours = sorted({c for row in rows for c in row}, key=lambda c: (c[3] != 255, c))
    if len(colours) > 256:
        raise SystemExit(f"{len(colours)} colours: too many for a palette PNG")
    index = {c: i for i, c in enumerate(colours)}
    raw = b"".join(b"\0" + bytes(index[c] for c in row) for row in rows)
    size = len(rows)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 3, 0, 0, 0))
    png += chunk(b"PLTE", b"".join(bytes(c[:3]) for c in colours))
    alphas = bytes(c[3] for c in colours).rstrip(b"\xff")
    if alphas:
        png += chunk(b"tRNS", alphas)
    return png + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


ICONS = {
    "icon-192.png": (192, CLEAR, 1.0),
    "icon-512.png": (512, CLEAR, 1.0),
    # Launchers may cut a maskable icon to any shape inside the centre circle of 80 %.
    "icon-maskable-512.png": (512, THEME, 0.78),
    # iPads fill a transparent home-screen icon with black: this one is opaque.
    "apple-touch-icon.png": (180, PAPER, 0.9),
}

if __name__ == "__main__":
    for name, (size, background, scale) in ICONS.items():
        data = palette_png(render(size, background, scale))
        (PUBLIC / name).write_bytes(data)
        print(f"{name}: {size}x{size}, {len(data)} bytes")
