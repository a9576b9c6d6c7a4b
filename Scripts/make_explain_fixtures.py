#!/usr/bin/env python3
"""Writes Fixtures/reference/explain/: Keras's Grad-CAM and saliency, the oracle of `featuremaps explain`.

Everything is computed by TensorFlow/Keras with tf.GradientTape on the models that
Scripts/make_fixtures.py describes; the Swift tests (Tests/FeatureMapsTests/ExplainKerasTests.swift)
require agreement within 1e-4 relative (max |swift - keras| <= 1e-4 * max |keras|).

Definitions (the same ones the Swift engine implements, see Sources/FeatureMapsEngine/Backward/):
  logit      the class score BEFORE softmax: the `predictions` Dense layer without its softmax
             (MobileNetV2(..., classifier_activation=None), same weights)
  class      the top-1 class of the logits (= of the probabilities)
  Grad-CAM   at layer L with output A (HxWxC): weights[c] = mean over (y, x) of d logit / d A[y, x, c];
             map[y, x] = sum_c weights[c] * A[y, x, c], stored BEFORE ReLU and BEFORE upsampling
  saliency   max over the 3 colour channels of |d logit / d x|, where x is the PREPROCESSED input
             (x = pixel / 127.5 - 1, in [-1, 1]), the tensor the network's input layer receives;
             per 0-255 pixel level it is 127.5 times smaller
  upsampling tf.image.resize(method="bilinear") (half-pixel centres, no antialiasing), checked on
             small random maps
  ReLU6 ties A ReLU6 passes the gradient only where 0 < x < 6, so the gradient jumps at x = 0 and 6.
             Two float32 forward passes that agree within their tolerance can put a unit lying within
             float noise of 0 or 6 on different sides (on fixture.png: Conv_1_bn at (2, 4, 160) is
             +3.5e-6 in Keras and -9.1e-6 in the Swift engine, which moves the saliency by 0.7 % of its
             maximum). For every ReLU6 layer the script lists the units whose input lies within
             TIE_MARGIN * max |input| of 0 or 6, with Keras's ReLU6 output there; the tests give the
             Swift backward pass Keras's side of those units and compare everything else at 1e-4.

Usage (from the package root; CI never runs this, the outputs are committed):
    /work/venv-keras/bin/python Scripts/make_explain_fixtures.py
Needs tensorflow-cpu 2.21 / keras 3.15, numpy, pillow. The real-weights part (cat.png) needs
../shared and is skipped, leaving its files as they are, when ../shared is absent.
Deterministic: one thread, deterministic ops, oneDNN off; two runs give identical files.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_DETERMINISTIC_OPS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "Fixtures"
OUT = FIX / "reference" / "explain"
SHARED = Path(os.environ.get("FEATUREMAPS_SHARED", ROOT.parent / "shared"))
FIXTURE_WEIGHTS = FIX / "weights" / "mobilenet_v2_0.35_224_fixture.h5"
REAL_WEIGHTS = SHARED / "weights" / "mobilenet_v2_1.0_224_dequantized.h5"
GRADCAM_LAYERS = ["out_relu", "block_13_expand_relu"]
SEED_UPSAMPLE = 4242
SIZE_LIMIT = 500_000  # bytes for the whole folder
# 4x the largest relative forward difference measured between the engine and Keras (5e-6).
TIE_MARGIN = 2e-5


def rel(path):
    return os.path.relpath(Path(path).resolve(), ROOT)


def logits_model(alpha, input_shape, weights):
    """MobileNetV2 whose `predictions` layer returns logits (no softmax), with `weights` loaded."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = keras.applications.MobileNetV2(input_shape=input_shape, alpha=alpha, include_top=True,
                                           weights=None, classes=1000, classifier_activation=None)
    model.load_weights(str(weights))
    return model


def preprocess(pixels):
    x = pixels.astype(np.float32)[None]
    y = np.asarray(keras.applications.mobilenet_v2.preprocess_input(x.copy()), dtype=np.float32)
    assert np.array_equal(y, x / np.float32(127.5) - np.float32(1.0)), "preprocess_input is not x/127.5-1"
    return y


def load_png_exact(path):
    with Image.open(path) as im:
        assert im.mode == "RGB", im.mode
        return np.asarray(im, dtype=np.uint8)


def load_photo(path, size=224):
    """As Scripts/make_fixtures.py does for photos.json: convert('RGB'), BILINEAR resize, no crop."""
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB").resize((size, size), Image.BILINEAR), dtype=np.uint8)


def softmax64(z):
    z = z.astype(np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def grad_cam(model, x, layer, cls):
    """(weights [C], map [H, W] before ReLU, activation max |A|) by tf.GradientTape."""
    sub = keras.Model(model.inputs, [model.get_layer(layer).output, model.output])
    with tf.GradientTape() as tape:
        a, logits = sub(tf.constant(x), training=False)
        score = logits[:, cls]
    g = np.asarray(tape.gradient(score, a))[0].astype(np.float64)
    a = np.asarray(a)[0].astype(np.float64)
    weights = g.mean(axis=(0, 1))
    cam = (a * weights).sum(axis=-1)
    return weights.astype(np.float32), cam.astype(np.float32)


def saliency(model, x, cls):
    """max over channels of |d logit[cls] / d x| with x the preprocessed input, [H, W]."""
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        score = model(xt, training=False)[:, cls]
    g = np.asarray(tape.gradient(score, xt))[0]
    return np.abs(g).max(axis=-1).astype(np.float32)


def relu6_ties(model, x, shallowest):
    """{relu layer: [[y, x, c, keras relu6 output], ...]} for inputs within TIE_MARGIN * max|input| of 0 or 6,
    over the ReLU layers deeper than layer `shallowest` (the only ones whose masks its gradient uses)."""
    names = [l.name for l in model.layers]
    relus = [l for l in model.layers
             if isinstance(l, keras.layers.ReLU) and names.index(l.name) > names.index(shallowest)]
    if not relus:
        return {}
    inputs = [l._inbound_nodes[0].input_tensors[0] for l in relus]
    outs = keras.Model(model.inputs, inputs)(tf.constant(x), training=False)
    ties = {}
    for layer, z in zip(relus, outs):
        z = np.asarray(z)[0]
        distance = np.minimum(np.abs(z), np.abs(z - 6))
        near = np.argwhere(distance < TIE_MARGIN * np.abs(z).max())
        if len(near):
            values = np.clip(z, np.float32(0), np.float32(6))
            ties[layer.name] = [[int(y), int(xx), int(c), float(values[y, xx, c])] for y, xx, c in near]
    return ties


def save(name, array):
    np.save(OUT / name, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)
    return name


def explain_case(tag, model, x, layers, with_saliency=True):
    logits = np.asarray(model(tf.constant(x), training=False))[0]
    cls = int(np.argmax(logits))
    probs = softmax64(logits)
    order = np.argsort(-logits.astype(np.float64), kind="stable")
    assert logits[order[0]] - logits[order[1]] > 0.05, f"{tag}: top-1 not separated from top-2"
    case = {"class_index": cls, "logit": float(logits[cls]), "probability": float(probs[cls]),
            "runner_up": {"index": int(order[1]), "logit": float(logits[order[1]])}, "gradcam": []}
    for layer in layers:
        w, cam = grad_cam(model, x, layer, cls)
        case["gradcam"].append({
            "layer": layer, "channels": int(w.shape[0]), "map_shape": list(cam.shape),
            "weights_file": save(f"{tag}_gradcam_{layer}_weights.npy", w),
            "map_file": save(f"{tag}_gradcam_{layer}_map.npy", cam),
            "max_abs_weights": float(np.abs(w).max()), "max_abs_map": float(np.abs(cam).max()),
        })
    shallowest = model.layers[0].name if with_saliency else min(layers, key=lambda n: model.layers.index(model.get_layer(n)))
    ties = relu6_ties(model, x, shallowest)
    case["relu6_ties"] = ties
    case["relu6_tie_count"] = sum(len(v) for v in ties.values())
    if with_saliency:
        s = saliency(model, x, cls)
        case["saliency"] = {"file": save(f"{tag}_saliency.npy", s), "shape": list(s.shape),
                            "max": float(s.max()), "argmax_yx": [int(v) for v in np.unravel_index(s.argmax(), s.shape)]}
    print(f"{tag}: class {cls} logit {logits[cls]:.5f} p {probs[cls]:.4f}, {case['relu6_tie_count']} ReLU6 ties",
          flush=True)
    return case


def upsample_cases():
    rng = np.random.default_rng(SEED_UPSAMPLE)
    cases = []
    for (h, w), (oh, ow) in [((5, 3), (17, 12)), ((7, 7), (23, 31)), ((2, 4), (2, 9))]:
        src = rng.normal(size=(h, w)).astype(np.float32)
        out = tf.image.resize(src[None, ..., None], (oh, ow), method="bilinear", antialias=False)
        cases.append({"input": src.tolist(), "output_size": [oh, ow],
                      "output": np.asarray(out)[0, ..., 0].astype(np.float32).tolist()})
    return cases


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    manifest_path = OUT / "manifest.json"
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    fixture_png, odd_png = FIX / "images" / "fixture.png", FIX / "images" / "fixture_odd.png"

    model = logits_model(0.35, (224, 224, 3), FIXTURE_WEIGHTS)
    fixture = explain_case("fixture", model, preprocess(load_png_exact(fixture_png)), GRADCAM_LAYERS)
    fixture.update({"weights_file": rel(FIXTURE_WEIGHTS), "image_file": rel(fixture_png), "alpha": 0.35})

    odd_pixels = load_png_exact(odd_png)
    model = logits_model(0.35, odd_pixels.shape, FIXTURE_WEIGHTS)
    odd = explain_case("odd", model, preprocess(odd_pixels), GRADCAM_LAYERS)
    odd.update({"weights_file": rel(FIXTURE_WEIGHTS), "image_file": rel(odd_png), "alpha": 0.35})

    cases = {"fixture": fixture, "odd": odd}
    if REAL_WEIGHTS.exists():
        model = logits_model(1.0, (224, 224, 3), REAL_WEIGHTS)
        cat = explain_case("real_cat", model, preprocess(load_photo(SHARED / "images" / "cat.png")),
                           ["out_relu"], with_saliency=False)
        cat.update({"weights_file": "../shared/weights/mobilenet_v2_1.0_224_dequantized.h5",
                    "image_file": "../shared/images/cat.png", "alpha": 1.0,
                    "resize": "PIL convert('RGB').resize((224, 224), Image.BILINEAR), no crop"})
        cases["real_cat"] = cat
    elif "real_cat" in old.get("cases", {}):
        print(f"{REAL_WEIGHTS} is absent: keeping the real_cat files as they are", flush=True)
        cases["real_cat"] = old["cases"]["real_cat"]

    manifest = {
        "generator": "Scripts/make_explain_fixtures.py",
        "keras_version": keras.__version__, "tensorflow_version": tf.__version__,
        "model": "keras.applications.MobileNetV2(alpha, input_shape=(H, W, 3), include_top=True, classes=1000, "
                 "weights=None, classifier_activation=None) + load_weights(weights_file): logits, no softmax",
        "preprocess": "pixels (uint8 RGB) as float32 / 127.5 - 1; fixture images are used at their own size",
        "class": "top-1 of the logits",
        "gradcam": "weights[c] = mean_yx d logit / d A[y, x, c]; map = sum_c weights[c] * A[..., c], "
                   "before ReLU and before upsampling; files float32 [C] and [H, W]",
        "saliency": "max over colour channels of |d logit / d x|, x = the preprocessed input in [-1, 1]; float32 [H, W]",
        "relu6_ties": f"per ReLU layer, [y, x, c, Keras's ReLU6 output] of every unit whose input is within "
                      f"{TIE_MARGIN} * max |input| of 0 or 6 (where the gradient jumps)",
        "upsample": "tf.image.resize(method='bilinear', antialias=False) of 'input' to 'output_size'",
        "paths": "weights_file and image_file relative to the package root; npy files relative to this folder",
        "cases": cases,
        "upsample_cases": upsample_cases(),
    }
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{OUT}: {total} bytes", flush=True)
    assert total < SIZE_LIMIT, f"{OUT} is {total} bytes, over the {SIZE_LIMIT} limit"


if __name__ == "__main__":
    sys.exit(main())
