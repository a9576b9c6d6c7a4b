#!/usr/bin/env python3
"""The Keras oracle of `featuremaps top-images`: per-channel max and mean of a few layers of the
fixture MobileNetV2 over a dozen small fixture images.

Run with a venv holding tensorflow-cpu, keras, h5py, numpy and pillow (the versions of
Scripts/make-fixtures), from anywhere:

    /work/venv-peers/bin/python Scripts/make_top_images_fixtures.py

Writes:
  Fixtures/reference/top_images/images/NN_<what>.png   12 deterministic 224x224 RGB PNGs derived
                                                        from Fixtures/images/fixture.png and
                                                        fixture_odd.png (flips, rotation, channel
                                                        swap, inversion, crops enlarged, ...)
  Fixtures/reference/top_images/scores.json             for each layer and image, every channel's
                                                        max and mean over the (H, W) map

Every image is written at the model's input size, 224 x 224, so featuremaps feeds it without
resizing: the network input is exactly pixels / 127.5 - 1 on both sides (derived images are
resized here, by PIL, before they are saved; featuremaps never resizes them). CI never runs this.
Deterministic: TensorFlow on CPU, deterministic ops, oneDNN off, one thread.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_DETERMINISTIC_OPS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "Fixtures"
OUT = FIX / "reference" / "top_images"
WEIGHTS = FIX / "weights" / "mobilenet_v2_0.35_224_fixture.h5"
# An early layer (clamped at 6 by ReLU6, so some channels tie), a middle one, and a linear
# bottleneck (no clamp: few ties).
LAYERS = ["block_1_expand_relu", "block_6_expand_relu", "block_10_project_BN"]
SIZE = 224


def load(name):
    with Image.open(FIX / "images" / name) as im:
        return im.convert("RGB")


def images():
    """(file name, 224x224 RGB PIL image) in the order featuremaps sorts them (by name)."""
    a, odd = load("fixture.png"), load("fixture_odd.png")
    arr = np.asarray(a)
    # Full-size copies of fixture.png cost ~32 KB each; enlarged crops (nearest) far less.
    big = lambda im: im.resize((SIZE, SIZE), Image.NEAREST)  # noqa: E731
    grey = a.convert("L").convert("RGB")
    made = [
        ("fixture", a),
        ("flip_lr", a.transpose(Image.FLIP_LEFT_RIGHT)),
        ("rot90", a.transpose(Image.ROTATE_90)),
        ("inverted", Image.fromarray(255 - arr)),
        ("bgr_crop_x2", big(Image.fromarray(arr[112:, 112:, ::-1].copy()))),
        ("dark_crop_x2", big(Image.fromarray((arr[:112, 112:] // 3).astype(np.uint8)))),
        ("grey_crop_x2", big(grey.crop((0, 112, 112, 224)))),
        ("odd_nearest", big(odd)),
        ("odd_flip_nearest", big(odd.transpose(Image.FLIP_LEFT_RIGHT))),
        ("odd_rot180_nearest", big(odd.transpose(Image.ROTATE_180))),
        ("crop_top_left_x2", big(a.crop((0, 0, 112, 112)))),
        ("crop_centre_x4", big(a.crop((84, 84, 140, 140)))),
    ]
    return [(f"{i:02d}_{n}.png", im) for i, (n, im) in enumerate(made)]


def round8(v):
    """8 significant digits: far finer than the tests' 1e-4 relative tolerance, a smaller file."""
    return float(f"{float(v):.8g}")


def main():
    OUT.joinpath("images").mkdir(parents=True, exist_ok=True)
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = keras.applications.MobileNetV2(alpha=0.35, weights=None, classes=1000)
    model.load_weights(str(WEIGHTS))
    sub = keras.Model(inputs=model.inputs, outputs=[model.get_layer(n).output for n in LAYERS])
    names, result = [], {n: {"max": [], "mean": []} for n in LAYERS}
    for name, im in images():
        path = OUT / "images" / name
        im.save(path, format="PNG", optimize=True, compress_level=9)
        with Image.open(path) as back:  # what featuremaps will decode
            px = np.asarray(back.convert("RGB"), dtype=np.uint8)
        assert px.shape == (SIZE, SIZE, 3), px.shape
        x = px.astype(np.float32)[None] / np.float32(127.5) - np.float32(1.0)
        outs = sub(tf.constant(x), training=False)
        for layer, o in zip(LAYERS, outs):
            m = np.asarray(o)[0].astype(np.float32)  # (H, W, C)
            result[layer]["max"].append([round8(v) for v in m.max(axis=(0, 1))])
            result[layer]["mean"].append([round8(v) for v in m.astype(np.float64).mean(axis=(0, 1))])
        names.append(name)
    doc = {
        "generator": "Scripts/make_top_images_fixtures.py",
        "keras_version": keras.__version__,
        "model": "keras.applications.MobileNetV2(alpha=0.35, weights=None) + Fixtures/weights/mobilenet_v2_0.35_224_fixture.h5",
        "preprocess": "224x224 RGB PNG (no resize), float32 / 127.5 - 1",
        "images": names,
        "layers": {
            n: {"shape": list(sub.get_layer(n).output.shape[1:]), "max": result[n]["max"], "mean": result[n]["mean"]} for n in LAYERS
        },
    }
    text = json.dumps(doc, indent=None, separators=(",", ":"))
    # One image's channel list per line: readable diffs, small file.
    text = text.replace("],[", "],\n[")
    (OUT / "scores.json").write_text(text + "\n")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {len(names)} images and scores.json to {OUT.relative_to(ROOT)}: {total} bytes")


if __name__ == "__main__":
    main()
