#!/usr/bin/env python3
"""Regenerate Fixtures/images/codec/: synthetic test images and Pillow's decodes/resizes of them.

Run:  /work/venv-keras/bin/python Scripts/make_image_fixtures.py

Tests in Tests/FeatureMapsImagesTests compare the Swift decoders and resizer with these
files; nothing here runs at test time. Every image is generated from numpy arithmetic (no
photos, no randomness), so running the script twice writes identical files (given the same
Pillow and zlib).

For every <name>.png / <name>.jpg it writes <name>.npy: uint8 HxWx3, the result of
`Image.open(path).convert('RGB')`, i.e. what Keras' load_img feeds the model.
Pillow cannot write 16-bit RGB/LA or Adam7-interlaced PNGs, nor YCCK JPEGs, so those are
written by the small writers below and only *read* by Pillow.

For resize it writes resize_<W>x<H>_to_<w>x<h>.npy: `img.resize((w, h), Image.BILINEAR)` of
`pattern(W, H)`. The test target regenerates pattern() in Swift (FixtureFiles.swift); keep
the two in step.
"""

import struct
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Fixtures" / "images" / "codec"

RESIZES = [((300, 200), (224, 224)), ((97, 61), (40, 30)), ((31, 23), (50, 45)),
           ((64, 48), (64, 20)), ((50, 50), (13, 77)), ((120, 217), (56, 56))]


def pattern(width, height):
    """Deterministic RGB test card, HxWx3 uint8. R: horizontal ramp; G: 4-pixel checkerboard
    (sharp edges); B: a quadratic hash (high frequencies). Mirrored in the Swift tests."""
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    r = (x * 255) // max(width - 1, 1)
    g = ((x // 4 + y // 4) % 2) * 255
    b = (x * x * 7 + y * y * 3 + x * y * 5) % 256
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def smooth(width, height, channels):
    """Smooth gradients with a few hard edges: JPEG-friendly content, HxWxC uint8."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    planes = []
    for c in range(channels):
        v = 128 + 100 * np.sin(x / (3.0 + c) + y / (5.0 + 2 * c)) * np.cos(y / 7.0 - c)
        v = np.where((x > width / 2) & (y > height / 3), 255 - v, v)  # one hard-edged block
        planes.append(np.clip(np.round(v), 0, 255))
    return np.stack(planes, axis=-1).astype(np.uint8)


# ---- minimal PNG writer (Pillow cannot write 16-bit RGB/LA or interlaced files) ----

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def write_png(path, samples, color_type, bit_depth, interlace=False, extra=b""):
    """samples: HxWxC uint8 (bit_depth 8) or uint16 (bit_depth 16); filter type 0 on every row."""
    height, width = samples.shape[:2]
    dtype = ">u2" if bit_depth == 16 else "u1"
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        for row in sub:
            raw += b"\x00" + row.astype(dtype).tobytes()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
    data += chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")
    path.write_bytes(data)


# ---- images ----

def make_pngs():
    w, h = 29, 19
    rgb = smooth(w, h, 3)
    alpha = ((np.arange(w)[None, :] * 9 + np.arange(h)[:, None] * 13) % 256).astype(np.uint8)
    alpha[0, :5] = 0  # fully transparent pixels keep their colour when alpha is dropped
    Image.fromarray(rgb, "RGB").save(OUT / "png_rgb8.png")
    Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(OUT / "png_rgba8.png")
    Image.fromarray(rgb[:, :, 0], "L").save(OUT / "png_l8.png")
    Image.fromarray(np.dstack([rgb[:, :, 1], alpha]), "LA").save(OUT / "png_la8.png")
    Image.fromarray(rgb[:, :, 2] > 128).save(OUT / "png_l1.png")  # mode "1": 1-bit greyscale
    Image.fromarray(rgb, "RGB").save(OUT / "png_rgb8_trns.png", transparency=tuple(int(v) for v in rgb[0, 0]))

    palette_image = Image.fromarray(rgb, "RGB").quantize(colors=40, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    transparency = bytes((i * 37) % 256 for i in range(40))
    palette_image.save(OUT / "png_p8_trns.png", transparency=transparency)
    small_palette = Image.fromarray(rgb, "RGB").quantize(colors=12, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small_palette.save(OUT / "png_p4.png", bits=4)

    # 16-bit greyscale (Pillow mode I;16): rows 0-9 span 0..65535, rows 10+ stay below 256,
    # so both sides of Pillow's clamp-to-255 conversion are covered.
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    grey16 = np.where(y < 10, (x * 2311 + y * 6007) % 65536, (x * 7 + y * 3) % 256).astype(np.uint16)
    Image.fromarray(grey16).save(OUT / "png_i16.png")

    rgb16 = ((rgb.astype(np.uint32) << 8) | (255 - rgb.astype(np.uint32))).astype(np.uint16)
    write_png(OUT / "png_rgb16.png", rgb16, color_type=2, bit_depth=16)
    alpha16 = (alpha.astype(np.uint32) * 257).astype(np.uint16)
    write_png(OUT / "png_rgba16.png", np.dstack([rgb16, alpha16]), color_type=6, bit_depth=16)
    write_png(OUT / "png_la16_adam7.png", np.dstack([rgb16[:, :, 0], alpha16]), color_type=4,
              bit_depth=16, interlace=True)
    write_png(OUT / "png_rgb8_adam7.png", rgb, color_type=2, bit_depth=8, interlace=True)
    # gAMA 1.0 (linear): Pillow ignores it and so must the decoder.
    write_png(OUT / "png_rgb8_gama.png", rgb, color_type=2, bit_depth=8,
              extra=chunk(b"gAMA", struct.pack(">I", 100000)))


def rgb_to_ycc(rgb):
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
    cr = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
    return np.clip(np.round(np.stack([y, cb, cr], axis=-1)), 0, 255).astype(np.uint8)


def set_adobe_transform(data, transform):
    """Rewrites the transform byte of the Adobe APP14 segment libjpeg wrote."""
    at = data.find(b"Adobe")
    if at < 4 or data[at - 4:at - 2] != b"\xff\xee":
        sys.exit("no Adobe APP14 marker in the CMYK JPEG")
    patched = bytearray(data)
    patched[at + 11] = transform  # "Adobe", version(2), flags0(2), flags1(2), transform(1)
    return bytes(patched)


def cmyk_image(samples):
    height, width = samples.shape[:2]
    return Image.frombytes("CMYK", (width, height), np.ascontiguousarray(samples).tobytes())


def make_jpegs():
    w, h = 37, 23
    rgb = smooth(w, h, 3)
    Image.fromarray(rgb, "RGB").save(OUT / "jpeg_rgb420.jpg", quality=90)
    Image.fromarray(rgb, "RGB").save(OUT / "jpeg_rgb444.jpg", quality=90, subsampling=0)
    Image.fromarray(rgb, "RGB").save(OUT / "jpeg_progressive.jpg", quality=90, progressive=True)
    Image.fromarray(rgb[:, :, 0], "L").save(OUT / "jpeg_gray.jpg", quality=90)

    ink = smooth(w, h, 4)  # C, M, Y, K ink amounts as Pillow's CMYK mode holds them
    cmyk_image(ink).save(OUT / "jpeg_cmyk.jpg", quality=90)  # Adobe, inverted

    # YCCK: the stored components are Y, Cb, Cr of (255 - stored CMY) plus stored K, where
    # stored = 255 - ink (Adobe inversion). Pillow writes CMYK inverted, so hand it
    # 255 - components, then flip the Adobe transform from 0 (CMYK) to 2 (YCCK).
    stored = 255 - ink
    components = np.dstack([rgb_to_ycc(255 - stored[:, :, :3]), stored[:, :, 3]])
    path = OUT / "jpeg_ycck.jpg"
    cmyk_image(255 - components).save(path, quality=95)
    path.write_bytes(set_adobe_transform(path.read_bytes(), 2))


def write_references():
    # convert('RGB') drops a palette's transparency on purpose; that is the behaviour recorded.
    warnings.filterwarnings("ignore", message="Palette images with Transparency")
    for path in sorted(OUT.iterdir()):
        if path.suffix in (".png", ".jpg"):
            with Image.open(path) as im:
                np.save(path.with_suffix(".npy"), np.asarray(im.convert("RGB"), dtype=np.uint8))
    for (sw, sh), (dw, dh) in RESIZES:
        src = Image.fromarray(pattern(sw, sh), "RGB")
        out = np.asarray(src.resize((dw, dh), Image.BILINEAR), dtype=np.uint8)
        np.save(OUT / f"resize_{sw}x{sh}_to_{dw}x{dh}.npy", out)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    make_pngs()
    make_jpegs()
    write_references()
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total} bytes, to {OUT.relative_to(ROOT)}")
    if total > 400_000:
        sys.exit("Fixtures/images/codec is over its 400 KB budget")


if __name__ == "__main__":
    main()
