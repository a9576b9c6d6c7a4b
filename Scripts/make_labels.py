#!/usr/bin/env python3
"""Generate Sources/FeatureMapsEngine/ImageNetLabels.swift from timm's ImageNet data files.

The labels come from the data files inside timm's wheel (PyPI), not from a model hub:
  timm/data/_info/imagenet_synsets.txt         the 1000 WordNet ids in class order
  timm/data/_info/imagenet_synset_to_lemma.txt wnid<TAB>lemmas (", "-separated)

Usage:
  python3 Scripts/make_labels.py                     # pip download timm==TIMM_VERSION --no-deps
  python3 Scripts/make_labels.py --timm-version X.Y.Z
  python3 Scripts/make_labels.py --wheel path/to/timm-X.Y.Z-py3-none-any.whl

Only the standard library is needed (plus pip, run as `python -m pip download`).
The output is deterministic for a given timm version.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Sources" / "FeatureMapsEngine" / "ImageNetLabels.swift"
TIMM_VERSION = "1.0.31"
SYNSETS = "timm/data/_info/imagenet_synsets.txt"
LEMMAS = "timm/data/_info/imagenet_synset_to_lemma.txt"

# Keras's class order (keras.applications imagenet_class_index.json): index -> (wnid, first lemma).
KERAS_CHECKS = {
    0: ("n01440764", "tench"),
    19: ("n01592084", "chickadee"),
    88: ("n01818515", "macaw"),
    134: ("n02012849", "crane"),
    281: ("n02123045", "tabby"),
    285: ("n02124075", "Egyptian cat"),
    517: ("n03126707", "crane"),
    638: ("n03710637", "maillot"),
    639: ("n03710721", "maillot"),
    652: ("n03763968", "military uniform"),
    999: ("n15075141", "toilet tissue"),
}


def download_wheel(version, dest):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"timm=={version}", "--no-deps",
         "--only-binary", ":all:", "-d", str(dest), "-q"],
        check=True)
    wheels = sorted(Path(dest).glob(f"timm-{version}-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"expected one timm {version} wheel in {dest}, found {wheels}")
    return wheels[0]


def read_tables(wheel):
    with zipfile.ZipFile(wheel) as z:
        synsets = z.read(SYNSETS).decode("utf-8").splitlines()
        lemma_lines = z.read(LEMMAS).decode("utf-8").splitlines()
    synsets = [s.strip() for s in synsets if s.strip()]
    lemmas = {}
    for line in lemma_lines:
        if not line.strip():
            continue
        wnid, text = line.split("\t", 1)
        lemmas[wnid.strip()] = text.strip()
    return synsets, lemmas


def build_rows(synsets, lemmas):
    assert len(synsets) == 1000, len(synsets)
    assert len(set(synsets)) == 1000, "duplicate WordNet ids"
    assert all(re.fullmatch(r"n\d{8}", s) for s in synsets)
    # Keras orders the classes by WordNet id; so does timm's file.
    assert synsets == sorted(synsets), "timm's synsets are not in Keras's (sorted) order"
    rows = []
    for wnid in synsets:
        full = lemmas[wnid]
        short = full.split(", ")[0]
        for field in (wnid, short, full):
            assert field and "\t" not in field and "\n" not in field and "\r" not in field, (wnid, field)
        rows.append((wnid, short, full))
    for index, (wnid, short) in KERAS_CHECKS.items():
        assert rows[index][0] == wnid and rows[index][1] == short, (index, rows[index], wnid, short)
    return rows


def swift_escape(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def render(rows, version):
    lines = [
        "// GENERATED FILE, do not edit. Made by Scripts/make_labels.py from timm "
        f"{version}'s data files",
        f"// {SYNSETS} (class order) and {LEMMAS} (lemmas),",
        "// taken from the timm wheel on PyPI. Regenerate with `python3 Scripts/make_labels.py`.",
        "//",
        "// One line per ImageNet class in Keras's class order (line 1 = class 0):",
        "// WordNet id <TAB> short label (the first lemma) <TAB> all lemmas.",
        "// Labels are kept as timm has them, so two classes are \"crane\" (134 the bird n02012849,",
        "// 517 the machine n03126707) and two are \"maillot\" (638 n03710637, 639 n03710721):",
        "// only the WordNet id tells them apart.",
        "",
        "internal enum ImageNetLabelSource {",
        f"    static let timmVersion = \"{version}\"",
        "}",
        "",
        "let imageNetLabelTable = \"\"\"",
    ]
    for wnid, short, full in rows:
        lines.append("\\t".join(swift_escape(f) for f in (wnid, short, full)))
    lines.append("\"\"\"")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description="Generate ImageNetLabels.swift from timm's data files.")
    ap.add_argument("--timm-version", default=TIMM_VERSION)
    ap.add_argument("--wheel", type=Path, help="use this timm wheel instead of downloading one")
    ap.add_argument("--output", type=Path, default=OUT)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.wheel:
            wheel = args.wheel
            m = re.match(r"timm-([^-]+)-", wheel.name)
            version = m.group(1) if m else args.timm_version
        else:
            version = args.timm_version
            wheel = download_wheel(version, tmp)
        synsets, lemmas = read_tables(wheel)
    rows = build_rows(synsets, lemmas)
    text = render(rows, version)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(rows)} classes, timm {version})")


if __name__ == "__main__":
    main()
