#!/usr/bin/env python3
"""Regenerate Fixtures/images/hostile/: EXIF-oriented JPEGs and odd-sized images, with Pillow's
reading of each as the expected pixels.

Run:  /work/venv-keras/bin/python Scripts/make_hostile_fixtures.py

Nothing here runs at test time (CI has no Python). Deterministic: the pictures are numpy
arithmetic, Pillow's encoders are deterministic, so a second run writes identical files.

For every orient_<N>.jpg (N = 1...8: a 24 x 16 picture saved with EXIF Orientation = N) it writes
orient_<N>.npy = ImageOps.exif_transpose(Image.open(path)).convert('RGB'), uint8 HxWx3: the
upright picture a photo viewer shows (16 x 24 for N = 5...8). Also:
  orient_6_bigendian.jpg   the same picture, EXIF in Motorola byte order ("MM"), Orientation 6
  orient_xmp_8.jpg         no EXIF, XMP packet with tiff:Orientation="8" (Pillow's fallback)
  orient_6_upright.png     orient_6.npy as a lossless PNG: what the network must see for orient_6.jpg
  one_by_one.png           1 x 1 RGB        (+ .npy)
  strip_3x1000.png         3 wide, 1000 high (+ .npy)
  strip_3x1000.jpg         the same as JPEG (+ .npy)
"""

import io
import struct
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Fixtures" / "images" / "hostile"


def picture(width, height):
    """An asymmetric picture: every corner a different colour, so each of the 8 orientations
    gives different pixels. Smooth (JPEG-friendly) with a few hard edges."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 255 * x / max(width - 1, 1)
    g = 255 * y / max(height - 1, 1)
    b = np.where((x < width / 3) & (y < height / 2), 230.0, 40.0)
    return np.clip(np.round(np.stack([r, g, b], axis=-1)), 0, 255).astype(np.uint8)


def expected(path):
    with Image.open(path) as im:
        return np.asarray(ImageOps.exif_transpose(im).convert("RGB"))


def save_npy(name, array):
    np.save(OUT / name, np.ascontiguousarray(array, dtype=np.uint8))


def exif_bigendian(orientation):
    """A minimal Motorola-order TIFF block: IFD0 with one entry, Orientation (SHORT, 1)."""
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    return b"MM\x00\x2a" + struct.pack(">I", 8) + ifd


def with_app1(jpeg, payload):
    """Inserts an APP1 segment right after SOI."""
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    base = Image.fromarray(picture(24, 16))
    for n in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = n
        path = OUT / f"orient_{n}.jpg"
        base.save(path, quality=95, exif=exif.tobytes())
        save_npy(f"orient_{n}.npy", expected(path))

    Image.fromarray(np.load(OUT / "orient_6.npy")).save(OUT / "orient_6_upright.png")

    plain = io.BytesIO()
    base.save(plain, format="JPEG", quality=95)
    path = OUT / "orient_6_bigendian.jpg"
    path.write_bytes(with_app1(plain.getvalue(), b"Exif\x00\x00" + exif_bigendian(6)))
    save_npy("orient_6_bigendian.npy", expected(path))

    xmp = (b'http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>'
           b'<rdf:Description tiff:Orientation="8"/></rdf:RDF></x:xmpmeta>')
    path = OUT / "orient_xmp_8.jpg"
    path.write_bytes(with_app1(plain.getvalue(), xmp))
    save_npy("orient_xmp_8.npy", expected(path))

    Image.fromarray(np.array([[[200, 30, 90]]], dtype=np.uint8)).save(OUT / "one_by_one.png")
    save_npy("one_by_one.npy", expected(OUT / "one_by_one.png"))
    strip = Image.fromarray(picture(3, 1000))
    strip.save(OUT / "strip_3x1000.png")
    save_npy("strip_3x1000.npy", expected(OUT / "strip_3x1000.png"))
    strip.save(OUT / "strip_3x1000.jpg", quality=95)
    save_npy("strip_3x1000_jpg.npy", expected(OUT / "strip_3x1000.jpg"))

    for n in range(1, 9):  # the oracle must really turn the picture: check its shape
        shape = np.load(OUT / f"orient_{n}.npy").shape
        assert shape == ((16, 24, 3) if n < 5 else (24, 16, 3)), (n, shape)
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
