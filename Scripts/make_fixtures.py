#!/usr/bin/env python3
"""Regenerate Fixtures/: the Keras oracle that the Swift engine's tests compare against.

Run it through Scripts/make-fixtures (which provides a venv with tensorflow-cpu, h5py,
numpy and pillow). CI never runs this; it is run on purpose, and the results are committed.

What it writes (see Fixtures/README.md for the full description):
  Fixtures/images/fixture.png, fixture_odd.png         synthetic test images
  Fixtures/weights/mobilenet_v2_0.35_224_fixture.h5    seeded random MobileNetV2 0.35, Keras 2 legacy layout
  Fixtures/weights/split_layer_names.h5                tiny file, layer_names split into layer_names0..2
  Fixtures/weights/vlen_weight_names.h5                tiny file, variable-length weight_names
  Fixtures/weights/mixed_storage.h5                    tiny file, a 512-byte user block and every storage
                                                       kind (contiguous, chunked, gzip, big-endian, float64, int32)
  Fixtures/weights/tiny_files.json                     expected contents of the three tiny files (with h5py's
                                                       byte offsets of the contiguous float32 datasets)
  Fixtures/reference/fixture_0.35/                     layer outputs of the fixture model on fixture.png
  Fixtures/reference/fixture_0.35_odd/                 same model at 81x97 on fixture_odd.png
  Fixtures/reference/real_1.0/                         shared real model on fixture.png + photos.json
  Fixtures/reference/layers_0.35_224.json, layers_1.0_160.json, weight_shapes.json

Everything is deterministic: numpy generators with fixed seeds, TensorFlow on CPU with
deterministic ops, oneDNN off and one thread. Running it twice gives identical files.
"""

import os

# Must be set before TensorFlow is imported.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_DETERMINISTIC_OPS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["PYTHONHASHSEED"] = "0"

import argparse
import json
import shutil
import sys
from pathlib import Path

import h5py
import numpy as np
from PIL import Image

import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "Fixtures"
SHARED = Path(os.environ.get("FEATUREMAPS_SHARED", ROOT.parent / "shared"))
REAL_WEIGHTS = SHARED / "weights" / "mobilenet_v2_1.0_224_dequantized.h5"
PHOTOS = ["cat.png", "bird.png", "grace_hopper.jpg", "parrot.jpg"]

FIXTURE_WEIGHTS = FIX / "weights" / "mobilenet_v2_0.35_224_fixture.h5"
FIXTURE_IMAGE = FIX / "images" / "fixture.png"
FIXTURE_ODD_IMAGE = FIX / "images" / "fixture_odd.png"

# Seeds (one independent numpy generator per purpose).
SEED_IMAGE = 1001
SEED_IMAGE_ODD = 1002
SEED_WEIGHTS = 2024
# The Dense layer has its own generator. 3013 is the first seed from 3000 on whose top-5 on
# fixture.png has every adjacent logit gap above 0.2 and a top-1 probability below 0.5 (a scan
# over seeds with the Dense scale below, done once by hand); main() asserts the separation.
SEED_DENSE = 3013

# Per-layer size cap for the stored reference arrays, in float32 values: when H*W*C exceeds
# it, only K = max(1, CHANNEL_BUDGET // (H*W)) channels are kept, evenly spaced over 0..C-1.
# The brief suggested 32768, but with the 6.8 MiB fixture weights file (1.66 M float32
# parameters, 1.28 M of them in the 1000-class Dense layer) that breaks the 9 MB limit for
# Fixtures/; 8192 keeps everything under it. Consumers must read the kept channel indices
# from manifest.json, never recompute them.
CHANNEL_BUDGET = 8192

# Keras 2 (the layout of the official weights files) names the depthwise kernel
# "depthwise_kernel"; Keras 3 calls the variable "kernel". Everything else is the same.
def keras2_weight_suffix(layer, variable):
    if isinstance(layer, keras.layers.DepthwiseConv2D) and variable.name == "kernel":
        return "depthwise_kernel"
    return variable.name


def legacy_weights(layer):
    """The weight order of Keras's legacy h5 format: trainable + non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def dump_json(obj, path):
    """Readable but compact JSON: dicts indented, a list of dicts or lists one item per
    line, other lists inline."""
    def enc(v, ind):
        pad = " " * ind
        if isinstance(v, dict):
            if not v:
                return "{}"
            items = [f'{pad} {json.dumps(k)}: {enc(x, ind + 1)}' for k, x in v.items()]
            return "{\n" + ",\n".join(items) + "\n" + pad + "}"
        if isinstance(v, list) and v and all(isinstance(x, (dict, list)) for x in v):
            items = [pad + " " + json.dumps(x, separators=(", ", ": ")) for x in v]
            return "[\n" + ",\n".join(items) + "\n" + pad + "]"
        return json.dumps(v, separators=(", ", ": "))
    text = enc(obj, 0) + "\n"
    assert json.loads(text) == json.loads(json.dumps(obj))
    with open(path, "w") as f:
        f.write(text)


def log(*args):
    print(*args, flush=True)


def rel(path):
    """A path relative to the package root (as recorded in the manifests)."""
    return os.path.relpath(Path(path).resolve(), ROOT)


# --------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------

def synth_image(h, w, seed):
    """A deterministic RGB test image with structure at several scales.

    Colour gradients over the whole frame, coarse and fine stripes, a diagonal sinusoid,
    a disc with a soft ring, a checkerboard patch and a patch of seeded noise.
    """
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    u = x / (w - 1)
    v = y / (h - 1)
    img = np.empty((h, w, 3), np.float64)
    img[..., 0] = 30 + 200 * u                      # red: left -> right
    img[..., 1] = 20 + 210 * v                      # green: top -> bottom
    img[..., 2] = 220 - 180 * (u + v) / 2           # blue: diagonal

    # Coarse vertical stripes (period 16 px) in the top-right region.
    m = (u > 0.55) & (v < 0.35)
    stripes = ((x // 8) % 2 == 0)
    img[m & stripes] = img[m & stripes] * 0.35
    # Fine horizontal stripes (period 4 px) in a band on the left.
    m = (u < 0.4) & (v > 0.1) & (v < 0.3)
    fine = ((y // 2) % 2 == 0)
    img[m & fine] = [250.0, 240.0, 60.0]
    # Diagonal sinusoid over the bottom band (medium scale).
    m = v > 0.78
    s = 0.5 + 0.5 * np.sin(2 * np.pi * (x + 0.6 * y) / 11.0)
    img[m, 2] = 40 + 200 * s[m]
    img[m, 0] = img[m, 0] * (0.4 + 0.6 * s[m])

    # A disc with a soft dark ring.
    cy, cx, r = 0.58 * h, 0.62 * w, 0.2 * min(h, w)
    d = np.sqrt((y - cy) ** 2 + (x - cx) ** 2)
    disc = d < r
    img[disc] = [235.0, 70.0, 40.0]
    ring = np.exp(-((d - r) ** 2) / (2 * (0.04 * min(h, w)) ** 2))
    img *= (1 - 0.6 * ring)[..., None]
    # Inner highlight (radial gradient inside the disc).
    img[disc, 1] += 120 * (1 - d[disc] / r) ** 2

    # A checkerboard patch (3 px squares) bottom-left.
    m = (u > 0.06) & (u < 0.34) & (v > 0.45) & (v < 0.72)
    checker = (((x // 3) + (y // 3)) % 2 == 0)
    img[m & checker] = [20.0, 20.0, 20.0]
    img[m & ~checker] = [245.0, 245.0, 245.0]

    # Seeded noise in a patch top-middle.
    m = (u > 0.3) & (u < 0.5) & (v > 0.32) & (v < 0.5)
    noise = rng.normal(0.0, 40.0, size=(h, w, 3))
    img[m] += noise[m]

    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def write_png(arr, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr, "RGB").save(path, format="PNG", compress_level=9)


def load_png_exact(path):
    with Image.open(path) as im:
        assert im.mode == "RGB", im.mode
        return np.asarray(im, dtype=np.uint8)


def preprocess(pixels_uint8):
    """keras.applications.mobilenet_v2.preprocess_input: x / 127.5 - 1, float32."""
    x = pixels_uint8.astype(np.float32)[None]
    y = keras.applications.mobilenet_v2.preprocess_input(x.copy())
    mine = x / np.float32(127.5) - np.float32(1.0)
    assert np.array_equal(np.asarray(y), mine), "preprocess_input is not x/127.5-1"
    return np.asarray(y, dtype=np.float32)


# --------------------------------------------------------------------------------------
# Models and weights
# --------------------------------------------------------------------------------------

def build(alpha, input_shape=None, include_top=True):
    # clear_session resets Keras's automatic name counters, so the unnamed layers
    # (input, global pooling) get the same names every time.
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    return keras.applications.MobileNetV2(
        input_shape=input_shape, alpha=alpha, include_top=include_top,
        weights=None, classes=1000)


def inbound_names(layer):
    try:
        node = layer._inbound_nodes[0]
        return [t._keras_history.operation.name for t in node.input_tensors]
    except Exception:  # InputLayer
        return []


def make_fixture_weights(model):
    """Seeded random weights, in model.layers order and legacy weight order.

    Conv kernels are He-style normal with gain sqrt(2) when the conv's input is a ReLU6
    output and 1 otherwise; BatchNorm has non-trivial statistics; the Dense layer is
    scaled so the softmax is far from uniform.
    """
    rng = np.random.default_rng(SEED_WEIGHTS)
    relu_like = (keras.layers.ReLU, keras.layers.ZeroPadding2D)
    values = {}  # layer name -> list of (suffix, array) in legacy order
    for layer in model.layers:
        ws = legacy_weights(layer)
        if not ws:
            continue
        ins = inbound_names(layer)
        src = model.get_layer(ins[0]) if ins else None
        # Look through ZeroPadding2D to its input.
        while isinstance(src, keras.layers.ZeroPadding2D):
            src = model.get_layer(inbound_names(src)[0])
        gain = np.sqrt(2.0) if isinstance(src, relu_like) else 1.0
        out = []
        if isinstance(layer, keras.layers.BatchNormalization):
            c = ws[0].shape[0]
            gamma = rng.uniform(0.5, 1.5, c)
            beta = rng.normal(0.0, 0.2, c)
            mean = rng.normal(0.0, 0.2, c)
            var = rng.uniform(0.5, 2.0, c)
            d = {"gamma": gamma, "beta": beta, "moving_mean": mean, "moving_variance": var}
            for w in ws:
                out.append((w.name, d[w.name].astype(np.float32)))
        elif isinstance(layer, keras.layers.DepthwiseConv2D):
            (w,) = ws
            kh, kw, c, m = w.shape
            k = rng.normal(0.0, gain / np.sqrt(kh * kw), (kh, kw, c, m))
            out.append(("depthwise_kernel", k.astype(np.float32)))
        elif isinstance(layer, keras.layers.Conv2D):
            (w,) = ws
            kh, kw, cin, cout = w.shape
            k = rng.normal(0.0, gain / np.sqrt(kh * kw * cin), (kh, kw, cin, cout))
            out.append(("kernel", k.astype(np.float32)))
        elif isinstance(layer, keras.layers.Dense):
            kernel, bias = ws
            fin, units = kernel.shape
            rng_dense = np.random.default_rng(SEED_DENSE)
            k = rng_dense.normal(0.0, 1.0, (fin, units)) * (4.0 / np.sqrt(fin))
            b = rng_dense.normal(0.0, 0.5, (units,))
            out += [("kernel", k.astype(np.float32)), ("bias", b.astype(np.float32))]
        else:
            raise RuntimeError(f"unexpected layer with weights: {layer.name} {type(layer)}")
        assert [tuple(a.shape) for _, a in out] == [tuple(w.shape) for w in ws], layer.name
        values[layer.name] = out
    return values


def fixed_strings(strs):
    """A numpy fixed-length byte-string array ('S' dtype), as Keras 2 + h5py 2 wrote it."""
    return np.array([s.encode("utf8") for s in strs])


def write_keras2_weights(path, model, values):
    """Write `values` in the Keras 2 legacy weights layout (save_weights_to_hdf5_group).

    Root attributes: layer_names (ALL layers, fixed-length strings), backend,
    keras_version (fixed-length scalar strings). One group per layer with attribute
    weight_names (fixed-length strings; for weightless layers an empty float64 array,
    which is what Keras 2's np.asarray([]) turned into) and datasets at
    <layer>/<layer>/<suffix>:0.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = fixed_strings([l.name for l in model.layers])
        f.attrs["backend"] = np.bytes_(b"tensorflow")
        f.attrs["keras_version"] = np.bytes_(b"2.2.4")
        for layer in model.layers:
            g = f.create_group(layer.name)
            ws = values.get(layer.name, [])
            names = [f"{layer.name}/{suffix}:0" for suffix, _ in ws]
            if names:
                g.attrs["weight_names"] = fixed_strings(names)
            else:
                g.attrs["weight_names"] = np.zeros((0,), np.float64)
            for name, (_, arr) in zip(names, ws):
                g.create_dataset(name, data=arr)


def load_and_check(model, path, values):
    """model.load_weights(path) through Keras 3's legacy h5 loader; assert the round trip."""
    model.load_weights(str(path))
    n = 0
    for layer in model.layers:
        ws = legacy_weights(layer)
        expected = values.get(layer.name, [])
        assert len(ws) == len(expected), layer.name
        for w, (_, arr) in zip(ws, expected):
            got = np.asarray(w.numpy())
            assert got.dtype == np.float32 and np.array_equal(got, arr), f"{layer.name}/{w.name}"
            n += 1
    return n


# --------------------------------------------------------------------------------------
# Reference outputs
# --------------------------------------------------------------------------------------

def kept_channels(shape):
    c = shape[-1]
    hw = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    if hw * c <= CHANNEL_BUDGET:
        return list(range(c)), False
    k = max(1, CHANNEL_BUDGET // hw)
    idx = np.unique(np.linspace(0, c - 1, k).round().astype(int))
    return [int(i) for i in idx], True


def run_layers(model, x, names):
    sub = keras.Model(inputs=model.inputs, outputs=[model.get_layer(n).output for n in names])
    outs = sub(tf.constant(x), training=False)
    if not isinstance(outs, (list, tuple)):
        outs = [outs]
    return {n: np.asarray(o)[0].astype(np.float32) for n, o in zip(names, outs)}


def top5(probs):
    order = np.argsort(-probs.astype(np.float64), kind="stable")[:5]
    return [{"index": int(i), "probability": float(probs[i])} for i in order]


def write_reference(out_dir, model, x, names, header):
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    outs = run_layers(model, x, names)
    full = np.asarray(model(tf.constant(x), training=False))[0]
    layers = []
    for n in names:
        a = outs[n]
        keep, subset = kept_channels(a.shape)
        stored = np.ascontiguousarray(a[..., keep]).astype(np.float32)
        fname = f"{n}.npy"
        np.save(out_dir / fname, stored, allow_pickle=False)
        layer = model.get_layer(n)
        layers.append({
            "name": n,
            "class_name": layer.__class__.__name__,
            "shape": [int(s) for s in a.shape],
            "file": fname,
            "stored_shape": [int(s) for s in stored.shape],
            "subset": subset,
            "channels": keep,
            "max_abs": float(np.max(np.abs(a))),
            "max_abs_stored": float(np.max(np.abs(stored))),
            "mean": float(np.mean(a, dtype=np.float64)),
            "std": float(np.std(a, dtype=np.float64)),
        })
    probs = outs.get("predictions", full)
    assert np.allclose(probs, full, rtol=0, atol=1e-6), "sub-model and model disagree"
    manifest = dict(header)
    manifest.update({
        "channel_budget": CHANNEL_BUDGET,
        "channel_rule": "if H*W*C > channel_budget keep K = max(1, channel_budget // (H*W)) channels: "
                        "unique(round(linspace(0, C-1, K))); files hold [H, W, len(channels)] "
                        "(vectors: [C]); batch axis dropped",
        "layers": layers,
        "top5": top5(full),
    })
    dump_json(manifest, out_dir / "manifest.json")
    return outs, full


def common_header(weights_file, image_file, input_hw, alpha):
    return {
        "generator": "Scripts/make_fixtures.py",
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "model": f"keras.applications.MobileNetV2(alpha={alpha}, include_top=True, classes=1000, "
                 f"weights=None, input_shape=({input_hw[0]}, {input_hw[1]}, 3)) + load_weights(weights_file)",
        "alpha": alpha,
        "weights_file": weights_file,
        "image_file": image_file,
        "input_size": [int(input_hw[0]), int(input_hw[1])],
        "preprocess": "pixels (uint8 RGB, HxWx3, no resize) as float32 / 127.5 - 1 "
                      "(keras.applications.mobilenet_v2.preprocess_input)",
        "paths": "weights_file and image_file are relative to the package root; layer files to this folder",
    }


# --------------------------------------------------------------------------------------
# Layer tables
# --------------------------------------------------------------------------------------

def layer_config(layer):
    c = layer.get_config()
    keys = {
        "Conv2D": ["filters", "kernel_size", "strides", "padding", "use_bias"],
        "DepthwiseConv2D": ["depth_multiplier", "kernel_size", "strides", "padding", "use_bias"],
        "ZeroPadding2D": ["padding"],
        "BatchNormalization": ["epsilon", "axis"],
        "ReLU": ["max_value", "negative_slope", "threshold"],
        "Dense": ["units", "activation", "use_bias"],
    }.get(layer.__class__.__name__, [])
    out = {}
    for k in keys:
        v = c[k]
        out[k] = json.loads(json.dumps(v))
    return out


def layer_table(alpha, input_shape):
    model = build(alpha, input_shape)
    rows = []
    for layer in model.layers:
        rows.append({
            "name": layer.name,
            "class_name": layer.__class__.__name__,
            "output_shape": [int(s) for s in layer.output.shape[1:]],
            "param_count": int(layer.count_params()),
            "inputs": inbound_names(layer),
            "config": layer_config(layer),
        })
    return {
        "generator": "Scripts/make_fixtures.py",
        "keras_version": keras.__version__,
        "model": f"keras.applications.MobileNetV2(alpha={alpha}, input_shape={tuple(input_shape)}, "
                 "include_top=True, classes=1000, weights=None)",
        "alpha": alpha,
        "input_shape": list(input_shape),
        "total_params": int(model.count_params()),
        "layers": rows,
    }


def weight_shapes():
    out = {
        "generator": "Scripts/make_fixtures.py",
        "keras_version": keras.__version__,
        "model": "keras.applications.MobileNetV2(alpha=A, include_top=True, classes=1000, weights=None)",
        "format": "alphas[A].layers: one entry per layer with weights, in model order: "
                  "[layer name, class name, [[suffix, shape], ...]] with the weights in the legacy h5 "
                  "order (trainable then non-trainable); suffixes are Keras 2 weight-file names "
                  "(DepthwiseConv2D's is 'depthwise_kernel', Keras 3 calls the variable 'kernel')",
        "alphas": {},
    }
    for alpha in [0.35, 0.5, 0.75, 1.0, 1.3, 1.4]:
        model = build(alpha)
        layers = []
        for layer in model.layers:
            ws = legacy_weights(layer)
            if not ws:
                continue
            layers.append([layer.name, layer.__class__.__name__,
                           [[keras2_weight_suffix(layer, w), [int(s) for s in w.shape]] for w in ws]])
        out["alphas"][repr(alpha)] = {"total_params": int(model.count_params()), "layers": layers}
    return out


# --------------------------------------------------------------------------------------
# Tiny files for the reader's string-handling paths
# --------------------------------------------------------------------------------------

TINY_LAYERS = [
    ("conv_a", [("kernel", (1, 1, 2, 3))]),
    ("bn_a", [("gamma", (3,)), ("beta", (3,)), ("moving_mean", (3,)), ("moving_variance", (3,))]),
    ("dw_b", [("depthwise_kernel", (3, 3, 3, 1))]),
    ("dense_c", [("kernel", (3, 4)), ("bias", (4,))]),
    ("dense_d", [("kernel", (4, 2)), ("bias", (2,))]),
]


def tiny_value(layer_index, weight_index, shape):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float32) + np.float32(1000 * layer_index + 100 * weight_index)).reshape(shape)


def write_tiny(path, vlen_weight_names):
    if path.exists():
        path.unlink()
    names = [n for n, _ in TINY_LAYERS]
    with h5py.File(path, "w") as f:
        # Keras's save_attributes_to_hdf5_group splits with np.array_split(np.asarray(data), n)
        # into attributes name0, name1, ... ; the chunks are numpy 'S' arrays (fixed length).
        for i, chunk in enumerate(np.array_split(fixed_strings(names), 3)):
            f.attrs[f"layer_names{i}"] = chunk
        f.attrs["backend"] = np.bytes_(b"tensorflow")
        f.attrs["keras_version"] = np.bytes_(b"2.2.4")
        for li, (lname, ws) in enumerate(TINY_LAYERS):
            g = f.create_group(lname)
            wnames = [f"{lname}/{s}:0" for s, _ in ws]
            if vlen_weight_names:
                g.attrs.create("weight_names", wnames, dtype=h5py.string_dtype("utf-8"))
            else:
                g.attrs["weight_names"] = fixed_strings(wnames)
            for wi, (wname, (_, shape)) in enumerate(zip(wnames, ws)):
                g.create_dataset(wname, data=tiny_value(li, wi, shape))


# How mixed_storage.h5 stores each weight (by layer, weight index); absent means contiguous '<f4'.
MIXED_STORAGE = {
    ("bn_a", 0): {"dtype": ">f4"},
    ("bn_a", 1): {"dtype": "<f8"},
    ("bn_a", 2): {"dtype": "<f4", "chunks": (2,)},
    ("bn_a", 3): {"dtype": "<f4", "chunks": (3,), "compression": "gzip"},
    ("dense_c", 1): {"dtype": "<i4"},
}


def write_mixed(path):
    """The tiny layout again, in a file with a user block (so offsets do not start at 0) and
    datasets of every storage kind: only contiguous little-endian float32 can be read in place."""
    if path.exists():
        path.unlink()
    names = [n for n, _ in TINY_LAYERS]
    with h5py.File(path, "w", userblock_size=512) as f:
        f.attrs["layer_names"] = fixed_strings(names)
        for li, (lname, ws) in enumerate(TINY_LAYERS):
            g = f.create_group(lname)
            wnames = [f"{lname}/{s}:0" for s, _ in ws]
            g.attrs["weight_names"] = fixed_strings(wnames)
            for wi, (wname, (_, shape)) in enumerate(zip(wnames, ws)):
                kind = MIXED_STORAGE.get((lname, wi), {"dtype": "<f4"})
                g.create_dataset(wname, data=tiny_value(li, wi, shape).astype(kind["dtype"]),
                                 **{k: v for k, v in kind.items() if k != "dtype"})


def mixed_offsets(path):
    """h5py's own answer to "where do the values lie": {path: offset} for the datasets stored
    contiguous '<f4' (get_offset() is None for chunked storage)."""
    out = {}
    with h5py.File(path, "r") as f:
        for lname, ws in TINY_LAYERS:
            for s, _ in ws:
                d = f[f"{lname}/{lname}/{s}:0"]
                if d.dtype == np.dtype("<f4") and d.chunks is None:
                    out[d.name.lstrip("/")] = int(d.id.get_offset())
                else:
                    assert d.chunks is not None or d.dtype != np.dtype("<f4")
    with open(path, "rb") as raw:
        data = raw.read()
    for li, (lname, ws) in enumerate(TINY_LAYERS):
        for wi, (s, shape) in enumerate(ws):
            p = f"{lname}/{lname}/{s}:0"
            if p in out:  # the bytes there are the values: the offsets are right
                n = int(np.prod(shape))
                assert np.array_equal(np.frombuffer(data[out[p]:out[p] + 4 * n], "<f4"),
                                      tiny_value(li, wi, shape).ravel())
    return out


def check_tiny(path, mixed=False):
    """Keras 3's legacy loader reads the (split) names; and h5py sees the expected values (float32
    as stored, or converted from the mixed file's other types)."""
    from keras.src.legacy.saving import legacy_h5_format as L
    with h5py.File(path, "r") as f:
        assert ("layer_names" in f.attrs) == mixed
        names = L.load_attributes_from_hdf5_group(f, "layer_names")
        assert names == [n for n, _ in TINY_LAYERS], names
        for li, (lname, ws) in enumerate(TINY_LAYERS):
            vals = L.load_subset_weights_from_hdf5_group(f[lname])
            assert len(vals) == len(ws)
            for wi, (v, (_, shape)) in enumerate(zip(vals, ws)):
                assert (mixed or v.dtype == np.float32) and np.array_equal(v.astype(np.float32), tiny_value(li, wi, shape))


# --------------------------------------------------------------------------------------
# Layout description (for comparing with the shared real file)
# --------------------------------------------------------------------------------------

def attr_kind(obj, name):
    aid = obj.attrs.get_id(name)
    t = aid.get_type()
    shape = aid.shape
    if isinstance(t, h5py.h5t.TypeStringID):
        if t.is_variable_str():
            kind = "vlen-string"
        else:
            pad = {h5py.h5t.STR_NULLPAD: "nullpad", h5py.h5t.STR_NULLTERM: "nullterm",
                   h5py.h5t.STR_SPACEPAD: "spacepad"}[t.get_strpad()]
            kind = f"fixed-string[{t.get_size()}],{pad}"
        cset = "utf8" if t.get_cset() == h5py.h5t.CSET_UTF8 else "ascii"
        kind += f",{cset}"
    else:
        kind = str(aid.dtype)
    return f"{kind} shape={shape}"


def describe_layout(path):
    d = {}
    with h5py.File(path, "r") as f:
        d["root_attrs"] = {k: attr_kind(f, k) for k in sorted(f.attrs.keys())}
        names = [n.decode() if isinstance(n, bytes) else n for n in f.attrs["layer_names"]]
        d["n_layer_names"] = len(names)
        d["layer_names_match_groups"] = sorted(names) == sorted(f.keys())
        d["weightless_listed"] = [n for n in names if len(f[n].attrs["weight_names"]) == 0]
        kinds = set()
        paths_ok = True
        dtypes = set()
        layouts = set()
        for n in names:
            g = f[n]
            kinds.add(attr_kind(g, "weight_names").split(" shape")[0])
            for w in g.attrs["weight_names"]:
                w = w.decode() if isinstance(w, bytes) else w
                if not (w.startswith(n + "/") and w.endswith(":0")):
                    paths_ok = False
                ds = g[w]
                dtypes.add(str(ds.dtype))
                layouts.add(str(ds.id.get_create_plist().get_layout()))
            if len(g.attrs) != 1:
                paths_ok = False
        d["weight_names_kinds"] = sorted(kinds)
        d["weight_paths_are_<layer>/<layer>/<name>:0"] = paths_ok
        d["dataset_dtypes"] = sorted(dtypes)
        d["dataset_layouts"] = sorted(layouts)
        kv = f.attrs["keras_version"]
        d["keras_version"] = kv.decode() if isinstance(kv, bytes) else str(kv)
        suffixes = set()
        for n in names:
            for w in f[n].attrs["weight_names"]:
                w = w.decode() if isinstance(w, bytes) else w
                suffixes.add(w.split("/")[-1])
        d["weight_suffixes"] = sorted(suffixes)
    return d


# --------------------------------------------------------------------------------------

FIXTURE_LAYERS = [
    "Conv1", "bn_Conv1", "Conv1_relu", "expanded_conv_depthwise", "expanded_conv_depthwise_BN",
    "expanded_conv_project_BN", "block_1_expand", "block_1_expand_BN", "block_1_expand_relu",
    "block_1_pad", "block_1_depthwise_relu", "block_2_add", "block_3_expand_relu",
    "block_3_depthwise_BN", "block_5_add", "block_6_expand_relu", "block_6_depthwise",
    "block_11_add", "block_13_pad", "block_13_depthwise_relu", "block_15_add", "block_16_project",
    "block_16_project_BN", "Conv_1", "Conv_1_bn", "out_relu", "<gap>", "predictions",
]
ODD_LAYERS = [
    "Conv1", "block_1_pad", "block_1_depthwise_relu", "block_3_pad", "block_3_depthwise_BN",
    "block_6_depthwise_relu", "block_13_pad", "block_13_depthwise_BN", "out_relu", "predictions",
]
REAL_LAYERS = [
    "Conv1_relu", "block_1_expand_relu", "block_2_add", "block_3_expand_relu", "block_6_expand_relu",
    "block_8_add", "block_13_depthwise_relu", "block_16_project_BN", "out_relu", "predictions",
]


def gap_name(model):
    (name,) = [l.name for l in model.layers if isinstance(l, keras.layers.GlobalAveragePooling2D)]
    return name


def block_stats(model, x):
    names = ["Conv1_relu", "expanded_conv_project_BN"]
    for i in range(1, 17):
        add = f"block_{i}_add"
        names.append(add if add in [l.name for l in model.layers] else f"block_{i}_project_BN")
    names += ["out_relu", gap_name(model)]
    outs = run_layers(model, x, names)
    return [(n, float(np.std(outs[n])), float(np.mean(outs[n])), float(np.max(np.abs(outs[n])))) for n in names]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip-real", action="store_true", help="do not write Fixtures/reference/real_1.0")
    args = ap.parse_args()
    log(f"keras {keras.__version__}, tensorflow {tf.__version__}, h5py {h5py.__version__}, "
        f"numpy {np.__version__}, shared={SHARED}")

    # Images ---------------------------------------------------------------------------
    write_png(synth_image(224, 224, SEED_IMAGE), FIXTURE_IMAGE)
    write_png(synth_image(81, 97, SEED_IMAGE_ODD), FIXTURE_ODD_IMAGE)
    img = load_png_exact(FIXTURE_IMAGE)
    img_odd = load_png_exact(FIXTURE_ODD_IMAGE)
    assert img.shape == (224, 224, 3) and img_odd.shape == (81, 97, 3)
    x = preprocess(img)
    x_odd = preprocess(img_odd)

    # Fixture weights --------------------------------------------------------------------
    model = build(0.35, (224, 224, 3))
    values = make_fixture_weights(model)
    write_keras2_weights(FIXTURE_WEIGHTS, model, values)
    model = build(0.35, (224, 224, 3))  # fresh model: everything below comes from the file
    n = load_and_check(model, FIXTURE_WEIGHTS, values)
    log(f"round trip: {n} weight arrays of {len(values)} layers equal after model.load_weights")
    # The explicit legacy entry point must agree too.
    from keras.src.legacy.saving import legacy_h5_format
    m2 = build(0.35, (224, 224, 3))
    with h5py.File(FIXTURE_WEIGHTS, "r") as f:
        legacy_h5_format.load_weights_from_hdf5_group(f, m2)
    for a, b in zip(m2.weights, model.weights):
        assert np.array_equal(np.asarray(a), np.asarray(b))

    gap = gap_name(model)
    log(f"global pooling layer name: {gap}")
    log("activation statistics on fixture.png (std, mean, max|x|):")
    for name, sd, mu, mx in block_stats(model, x):
        log(f"  {name:28s} std={sd:8.4f} mean={mu:8.4f} max|x|={mx:8.4f}")
        assert 0.05 < sd < 20.0, f"{name}: activations out of range (std {sd})"

    # References: fixture_0.35 --------------------------------------------------------------
    names = [gap if n == "<gap>" else n for n in FIXTURE_LAYERS]
    header = common_header(rel(FIXTURE_WEIGHTS), rel(FIXTURE_IMAGE), (224, 224), 0.35)
    header["global_pooling_layer"] = gap
    _, probs = write_reference(FIX / "reference" / "fixture_0.35", model, x, names, header)
    t5 = top5(probs)
    log("fixture model top-5 on fixture.png: " + ", ".join(f"{t['index']}:{t['probability']:.5f}" for t in t5))
    p = [t["probability"] for t in t5]
    assert p[0] > 0.05, "softmax too close to uniform"
    for a, b in zip(p, p[1:]):
        # log(a / b) is the logit gap between neighbours.
        assert np.log(a / b) > 0.15, f"top-5 not well separated: {p}"

    # References: odd size --------------------------------------------------------------------
    odd = build(0.35, (81, 97, 3))
    load_and_check(odd, FIXTURE_WEIGHTS, values)
    header = common_header(rel(FIXTURE_WEIGHTS), rel(FIXTURE_ODD_IMAGE), (81, 97), 0.35)
    _, probs_odd = write_reference(FIX / "reference" / "fixture_0.35_odd", odd, x_odd, ODD_LAYERS, header)
    log("fixture model top-5 on fixture_odd.png (81x97): "
        + ", ".join(f"{t['index']}:{t['probability']:.5f}" for t in top5(probs_odd)))

    # Layer tables and weight shapes ------------------------------------------------------------
    ref = FIX / "reference"
    for fname, alpha, shape in [("layers_0.35_224.json", 0.35, (224, 224, 3)),
                                ("layers_1.0_160.json", 1.0, (160, 160, 3))]:
        dump_json(layer_table(alpha, shape), ref / fname)
    dump_json(weight_shapes(), ref / "weight_shapes.json")

    # Tiny files --------------------------------------------------------------------------------
    split = FIX / "weights" / "split_layer_names.h5"
    vlen = FIX / "weights" / "vlen_weight_names.h5"
    mixed = FIX / "weights" / "mixed_storage.h5"
    write_tiny(split, vlen_weight_names=False)
    write_tiny(vlen, vlen_weight_names=True)
    write_mixed(mixed)
    check_tiny(split)
    check_tiny(vlen)
    check_tiny(mixed, mixed=True)
    dump_json({
            "files": ["split_layer_names.h5", "vlen_weight_names.h5", "mixed_storage.h5"],
            "mixed_storage_offsets": mixed_offsets(mixed),
            "layer_names_attributes": ["layer_names0", "layer_names1", "layer_names2"],
            "value_rule": "dataset i of layer l = arange(prod(shape), float32) + 1000*l + 100*i, "
                          "reshaped C-order to shape",
            "layers": [{"name": n, "weights": [{"name": f"{n}/{s}:0", "path": f"{n}/{n}/{s}:0",
                                                 "shape": list(sh)} for s, sh in ws]}
                       for n, ws in TINY_LAYERS],
        }, FIX / "weights" / "tiny_files.json")

    # Real model ----------------------------------------------------------------------------------
    real_dir = ref / "real_1.0"
    if args.skip_real:
        log("--skip-real: leaving Fixtures/reference/real_1.0 as it is")
    elif not REAL_WEIGHTS.exists():
        log(f"{REAL_WEIGHTS} is absent: leaving Fixtures/reference/real_1.0 as it is")
    else:
        real = build(1.0, (224, 224, 3))
        real.load_weights(str(REAL_WEIGHTS))
        header = common_header("../shared/weights/mobilenet_v2_1.0_224_dequantized.h5",
                               rel(FIXTURE_IMAGE), (224, 224), 1.0)
        _, probs_real = write_reference(real_dir, real, x, REAL_LAYERS, header)
        log("real model top-5 on fixture.png: "
            + ", ".join(f"{t['index']}:{t['probability']:.5f}" for t in top5(probs_real)))
        photos = []
        for name in PHOTOS:
            with Image.open(SHARED / "images" / name) as im:
                size = list(im.size)
                rgb = im.convert("RGB").resize((224, 224), Image.BILINEAR)
                px = np.asarray(rgb, dtype=np.uint8)
            pr = np.asarray(real(tf.constant(preprocess(px)), training=False))[0]
            photos.append({"image": f"../shared/images/{name}", "original_size_wh": size,
                           "top5": top5(pr)})
            log(f"  {name}: " + ", ".join(f"{t['index']}:{t['probability']:.4f}" for t in top5(pr)))
        dump_json({
                "generator": "Scripts/make_fixtures.py",
                "keras_version": keras.__version__,
                "weights_file": "../shared/weights/mobilenet_v2_1.0_224_dequantized.h5",
                "preprocess": "PIL Image.open(...).convert('RGB').resize((224, 224), Image.BILINEAR) "
                              "(no crop), float32 / 127.5 - 1",
                "photos": photos,
            }, real_dir / "photos.json")

        log("layout: fixture file vs shared real file")
        a = describe_layout(FIXTURE_WEIGHTS)
        b = describe_layout(REAL_WEIGHTS)
        for k in sorted(set(a) | set(b)):
            va, vb = a.get(k), b.get(k)
            if k == "weightless_listed":
                va, vb = f"{len(va)} layers", f"{len(vb)} layers"
            mark = "same" if va == vb else "DIFFERENT"
            log(f"  {k}: {mark}\n    fixture: {va}\n    shared:  {vb}")

    log("done")


if __name__ == "__main__":
    sys.exit(main())
