#!/usr/bin/env python3
"""Draws the extension icons (a white "push up" arrow on a teal rounded square) as PNGs.

Pure standard library, 4x supersampled for smooth edges. Run once when the design changes; the PNGs
are committed under extension/icons/.
"""
import struct
import sys
import zlib
from pathlib import Path

TEAL = (11, 122, 117)
WHITE = (255, 255, 255)


def inside(x, y):
    """Shape test in unit coordinates (0..1). Returns the colour or None (transparent)."""
    r = 0.2  # corner radius of the rounded square
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return None
    # Arrow head: triangle with apex at (0.5, 0.18), base y=0.48 from x=0.24 to 0.76.
    if 0.18 <= y <= 0.48:
        half = (y - 0.18) / 0.30 * 0.26
        if abs(x - 0.5) <= half:
            return WHITE
    # Arrow shaft.
    if 0.46 <= y <= 0.68 and abs(x - 0.5) <= 0.085:
        return WHITE
    # The bar the note is pushed from.
    if 0.74 <= y <= 0.83 and 0.22 <= x <= 0.78:
        return WHITE
    return TEAL


def render(size, ss=4):
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter type 0
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    c = inside((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size)
                    if c is not None:
                        acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
            n = ss * ss
            a = acc[3] // n
            if a:
                cov = acc[3] / 255
                row += bytes([round(acc[0] / cov), round(acc[1] / cov), round(acc[2] / cov), a])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "extension/icons")
    out.mkdir(parents=True, exist_ok=True)
    for s in (16, 32, 48, 128):
        (out / f"icon-{s}.png").write_bytes(render(s))
