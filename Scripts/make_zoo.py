#!/usr/bin/env python3
"""Regenerate Fixtures/zoo/: user-style Keras model files and Keras's own outputs for them.

The oracle for the engine's Keras model reader (`.keras` zip archives and legacy full-model
`.h5`). Run it through Scripts/make-zoo (a venv with the pinned tensorflow-cpu, keras, h5py,
numpy, pillow and tf-keras). CI never runs this; it is run on purpose and the results committed.
See Fixtures/README.md ("zoo/") for what every file is.

For each model NAME it writes
  Fixtures/zoo/NAME.keras            model.save(...)            (Keras 3 zip archive)
  Fixtures/zoo/NAME.h5               model.save(...)            (Keras 3 legacy full-model HDF5)
  Fixtures/zoo/NAME_input.npy        float32 (1, H, W, C) input (batch axis kept)
  Fixtures/zoo/NAME/*.npy            Keras's output of each recorded layer, float32, batch axis dropped
  Fixtures/zoo/NAME/manifest.json    what was recorded (see write_manifest)
and for classroom_cnn and resnet_mini also NAME_keras2.h5 (the same weights saved by tf_keras,
Keras 2) and NAME/explain/ (Grad-CAM and saliency by tf.GradientTape), and Fixtures/zoo/hostile/.

Everything is deterministic: numpy generators with fixed seeds, keras.utils.set_random_seed and
clear_session before every model, TensorFlow on CPU with deterministic ops, oneDNN off, one
thread. Two runs give byte-identical .npy, .json and .h5 files and hostile/ files. The model
.keras archives are what Keras writes and differ between runs: metadata.json's date_saved, the
zip entries' times and config.json's shared_object_id (Python id()s).

Every saved model is loaded back with keras.models.load_model (safe_mode default; False only for
the hostile Lambda model) and every recorded layer of the reloaded model is required to equal
the original's exactly (max abs diff 0).
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
import io
import json
import shutil
import sys
import warnings
import zipfile
from pathlib import Path

import h5py
import numpy as np

import tensorflow as tf

THREADS = int(os.environ.get("ZOO_THREADS", "1"))
tf.config.threading.set_intra_op_parallelism_threads(THREADS)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

warnings.filterwarnings("ignore", message=".*HDF5 file via `model.save.*")
warnings.filterwarnings("ignore", message=".*legacy.*")
warnings.filterwarnings("ignore", message=".*structure of `inputs` doesn't match.*")

ROOT = Path(__file__).resolve().parent.parent
ZOO = ROOT / "Fixtures" / "zoo"

# Per-layer cap for stored reference arrays, in float32 values. When H*W*C exceeds it, only
# K = max(1, budget // (H*W)) channels are kept: unique(round(linspace(0, C-1, K))).
CHANNEL_BUDGET = 992  # 128-byte .npy header + 992 float32 = one 4 KiB block
# The layer-type models are small enough to store every channel of every layer.
FULL_BUDGET = 1 << 30
SIZE_LIMIT = 12_500_000  # bytes (apparent) for Fixtures/zoo: its share of the 25 MB for Fixtures/


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

def log(*args):
    print(*args, flush=True)


def rel(path):
    return os.path.relpath(Path(path).resolve(), ROOT)


def dump_json(obj, path):
    """Readable, compact, deterministic JSON: dicts indented, lists of dicts/lists one item per line."""
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
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def save_npy(path, arr):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.ascontiguousarray(arr, dtype=np.float32), allow_pickle=False)


def fresh(seed=0):
    """Reset Keras's name counters and global seeds, so every model gets the same names."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)


def kept_channels(shape, budget):
    c = shape[-1] if len(shape) else 1
    hw = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    if hw * c <= budget:
        return None
    k = max(1, budget // hw)
    idx = np.unique(np.linspace(0, c - 1, k).round().astype(int))
    return [int(i) for i in idx]


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------

def smooth_image(h, w, seed):
    """A smooth synthetic RGB picture in 0..255 (float, integer-valued): gradients, a disc,
    stripes and a little seeded noise, so that every filter sees structure."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    u, v = x / max(w - 1, 1), y / max(h - 1, 1)
    img = np.empty((h, w, 3), np.float64)
    img[..., 0] = 30 + 200 * u
    img[..., 1] = 20 + 210 * v
    img[..., 2] = 220 - 180 * (u + v) / 2
    s = 0.5 + 0.5 * np.sin(2 * np.pi * (x + 0.6 * y) / (0.13 * w + 3))
    band = v > 0.7
    img[band, 2] = 40 + 200 * s[band]
    cy, cx, r = 0.45 * h, 0.6 * w, 0.22 * min(h, w)
    d = np.sqrt((y - cy) ** 2 + (x - cx) ** 2)
    img[d < r] = [235.0, 80.0, 40.0]
    img *= (1 - 0.5 * np.exp(-((d - r) ** 2) / (2 * (0.05 * min(h, w)) ** 2)))[..., None]
    stripes = (u < 0.35) & (v > 0.1) & (v < 0.4) & ((y // 2) % 2 == 0)
    img[stripes] = [250.0, 240.0, 60.0]
    img += rng.normal(0, 6, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.float32)


def digit_image(seed):
    """A 28x28x1 MNIST-like picture in [0, 1]: a thick stroke ring and a bar, blurred."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:28, 0:28].astype(np.float64)
    d = np.sqrt((y - 11) ** 2 + (x - 14) ** 2)
    img = np.exp(-((d - 6.5) ** 2) / 3.0)
    img += np.exp(-((x - 19 + 0.3 * (y - 14)) ** 2) / 2.5) * ((y > 11) & (y < 25))
    img += rng.uniform(0, 0.05, img.shape)
    return np.clip(img, 0, 1).astype(np.float32)[..., None]


def caffe(pixels_rgb):
    """keras.applications.resnet50.preprocess_input (caffe): RGB->BGR minus the ImageNet means."""
    out = keras.applications.resnet50.preprocess_input(pixels_rgb.copy()[None])
    return np.asarray(out, np.float32)[0]


def torch_style(pixels_rgb):
    """keras.applications.densenet.preprocess_input (torch): /255, minus mean, divided by std."""
    out = keras.applications.densenet.preprocess_input(pixels_rgb.copy()[None])
    return np.asarray(out, np.float32)[0]


# --------------------------------------------------------------------------------------
# Seeded weights
# --------------------------------------------------------------------------------------

def walk_layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from walk_layers(layer)
        else:
            yield layer


def seed_weights(model, seed, gain=1.0, head_gain=None, head=None, gains=None):
    """Overwrite every weight with numpy-seeded values, layer by layer in model order.

    Conv/Dense kernels ~ N(0, gain^2 / fan_in) (head_gain for the layer named `head`); biases
    ~ N(0, 0.1^2); BatchNormalization gamma ~ U[0.5, 1.5], beta ~ N(0, 0.2^2), moving_mean
    ~ N(0, 0.1^2), moving_variance ~ U[0.5, 1.5]. Normalization layers keep their
    adapted or configured statistics."""
    rng = np.random.default_rng(seed)
    for layer in walk_layers(model):
        if not layer.weights or isinstance(layer, layers.Normalization):
            continue
        g = head_gain if (head is not None and layer.name == head) else gain
        if gains and layer.name in gains:
            g = gains[layer.name]
        for v in layer.weights:
            shape = tuple(v.shape)
            name = v.name
            if isinstance(layer, layers.BatchNormalization):
                val = {"gamma": lambda: rng.uniform(0.5, 1.5, shape),
                       "beta": lambda: rng.normal(0.0, 0.2, shape),
                       "moving_mean": lambda: rng.normal(0.0, 0.1, shape),
                       "moving_variance": lambda: rng.uniform(0.5, 1.5, shape)}[name]()
            elif name == "bias":
                val = rng.normal(0.0, 0.1, shape)
            elif isinstance(layer, layers.DepthwiseConv2D) or name == "depthwise_kernel":
                val = rng.normal(0.0, g / np.sqrt(shape[0] * shape[1]), shape)
            elif name in ("kernel", "pointwise_kernel"):
                val = rng.normal(0.0, g / np.sqrt(np.prod(shape[:-1])), shape)
            else:
                raise RuntimeError(f"no rule for weight {layer.name}/{name} {shape}")
            v.assign(val.astype(np.float32))


def calibrate_bn(model, xs, seed):
    """Give every BatchNormalization moving statistics near those of its real input, as in a
    trained network (random statistics would let activations grow by 10x per block):
    moving_mean = batch mean + 0.1 * batch std * N(0, 1), moving_variance = batch variance *
    U[0.7, 1.3] + 1e-4 (per channel, over the batch `xs` and all positions). gamma and beta keep
    their seeded values. Nested models are calibrated on the input they receive."""
    rng = np.random.default_rng(seed)
    g = graph(model)
    for op, k, node in op_calls(model):
        if isinstance(op, layers.BatchNormalization) or isinstance(op, keras.Model):
            probe = keras.Model(g.inputs, list(node.input_tensors))
            vals = probe([tf.constant(a) for a in xs] if len(xs) > 1 else tf.constant(xs[0]), training=False)
            vals = [np.asarray(v) for v in (vals if isinstance(vals, (list, tuple)) else [vals])]
            if isinstance(op, keras.Model):
                calibrate_bn(op, vals, seed + 1)
                continue
            a = vals[0].astype(np.float64).reshape(-1, vals[0].shape[-1])
            mean, var = a.mean(axis=0), a.var(axis=0)
            mean = mean + 0.1 * np.sqrt(var) * rng.normal(size=mean.shape)
            var = var * rng.uniform(0.7, 1.3, var.shape) + 1e-4
            op.moving_mean.assign(mean.astype(np.float32))
            op.moving_variance.assign(var.astype(np.float32))


# --------------------------------------------------------------------------------------
# Recording every call of every operation (with nested models) and the manifest
# --------------------------------------------------------------------------------------

def graph(model):
    """The Functional behind a model (Sequential keeps one in _functional)."""
    if isinstance(model, keras.Sequential):
        g = model._functional
        assert g is not None, "Sequential without an Input"
        return g
    return model


def tensor_key(t):
    op, node_index, tensor_index = t._keras_history
    return (id(op), node_index, tensor_index)


def op_calls(model):
    """[(operation, node_index, node)] for every call in model's own graph, in graph order."""
    g = graph(model)
    mine = g._nodes  # keys f"{id(op)}_ib-{index}" of the calls that belong to this graph
    out = []
    for op in g._operations:
        k = 0  # the call's index within this graph (what config.json's keras_history counts)
        for i, node in enumerate(op._inbound_nodes):
            if f"{id(op)}_ib-{i}" not in mine:
                continue  # a call outside this graph (e.g. a loaded Sequential's rebuilds)
            out.append((op, k, node))
            k += 1
    return out


def record_all(model, inputs, prefix="", depth=0):
    """Run `model` on `inputs` (list of arrays with batch) and return an ordered list of
    dicts {path, op, node_index, depth, value (with batch), inbound, model} for every call of
    every operation, nested models' inner operations included (path "outer/inner")."""
    g = graph(model)
    calls = op_calls(model)
    tensors, where = [], {}
    for op, k, node in calls:
        for j, t in enumerate(node.output_tensors):
            key = tensor_key(t)
            if key not in where:
                where[key] = len(tensors)
                tensors.append(t)
    probe = keras.Model(g.inputs, tensors)
    vals = probe([tf.constant(a) for a in inputs], training=False)
    if not isinstance(vals, (list, tuple)):
        vals = [vals]
    vals = [np.asarray(v) for v in vals]
    full = g([tf.constant(a) for a in inputs], training=False)
    full = [np.asarray(f) for f in (full if isinstance(full, (list, tuple)) else [full])]
    for f, t in zip(full, g.outputs):
        assert np.array_equal(f, vals[where[tensor_key(t)]]), "probe model and model disagree"
    rows = []
    for op, k, node in calls:
        ins = [t._keras_history[0].name for t in node.input_tensors]
        row = {"path": prefix + op.name, "op": op, "node_index": k, "depth": depth,
               "value": vals[where[tensor_key(node.output_tensors[0])]], "inbound": ins,
               "n_outputs": len(node.output_tensors)}
        rows.append(row)
        if isinstance(op, keras.Model):
            inner_in = [vals[where[tensor_key(t)]] for t in node.input_tensors]
            inner = record_all(op, inner_in, prefix + op.name + "/", depth + 1)
            assert np.array_equal(inner[-1]["value"], row["value"]) or len(graph(op).outputs) > 1
            # one listing of the inner layers (the first call), like model.summary()
            if k == 0:
                rows.extend(inner)
    return rows


def config_index(cfg, prefix="", out=None):
    """{path: (module, class_name, registered_name)} from a saved config.json."""
    if out is None:
        out = {}
    for l in cfg["config"]["layers"]:
        name = l["config"]["name"] if "name" in l["config"] else l["name"]
        path = prefix + l.get("name", name)
        out[path] = (l.get("module"), l["class_name"], l.get("registered_name"))
        if l["class_name"] in ("Functional", "Sequential", "Model"):
            config_index(l, path + "/", out)
    return out


def file_name(path, node_index):
    base = path.replace("/", "__")
    return f"{base}__node{node_index}.npy" if node_index else f"{base}.npy"


def layer_table(rows, cfg_index):
    table = []
    for r in rows:
        op = r["op"]
        if r["node_index"] > 0:
            continue
        calls = len(op._inbound_nodes)
        entry = {"name": op.name, "path": r["path"], "class_name": op.__class__.__name__,
                 "module": cfg_index.get(r["path"], (None,))[0],
                 "output_shape": [int(s) for s in r["value"].shape[1:]],
                 "param_count": int(op.count_params()) if isinstance(op, layers.Layer) else 0,
                 "inbound": r["inbound"], "depth": r["depth"]}
        if calls > 1:
            entry["calls"] = calls
            entry["inbound_per_call"] = [[t._keras_history[0].name for t in n.input_tensors]
                                         for n in op._inbound_nodes]
        table.append(entry)
    return table


def compare_rows(a, b, what):
    worst = 0.0
    assert len(a) == len(b), f"{what}: {len(a)} vs {len(b)} calls"
    for ra, rb in zip(a, b):
        assert ra["path"] == rb["path"], f"{what}: {ra['path']} vs {rb['path']}"
        assert ra["value"].shape == rb["value"].shape, f"{what}: {ra['path']} shape"
        d = float(np.max(np.abs(ra["value"].astype(np.float64) - rb["value"]))) if ra["value"].size else 0.0
        worst = max(worst, d)
    return worst


def h5_strings(v):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in np.ravel(v)]


def check_h5_weights(model, path):
    """Compare every weight of a legacy full-model .h5 with `model`'s, in the order of each layer
    group's weight_names (what Keras's legacy loader does: trainable then non-trainable)."""
    n = 0
    with h5py.File(path, "r") as f:
        mw = f["model_weights"]
        names = h5_strings(mw.attrs["layer_names"])
        for ln in names:
            g = mw[ln]
            wn = h5_strings(g.attrs["weight_names"]) if len(g.attrs["weight_names"]) else []
            layer = model.get_layer(ln)
            ws = list(layer.trainable_weights) + list(layer.non_trainable_weights)
            assert len(ws) == len(wn), f"{ln}: {len(ws)} weights, file has {len(wn)}"
            for v, w in zip(ws, wn):
                a = g[w][()]
                assert np.array_equal(a, np.asarray(v.numpy())), f"{ln}/{w}"
                n += 1
    return n


class Zoo:
    def __init__(self, out_dir):
        self.out = Path(out_dir)
        self.summary = []

    def save_and_record(self, name, model, x, record=None, budget=CHANNEL_BUDGET, notes=None,
                        classifier=False, preprocess_inside=False, extra=None, inputs_desc=None,
                        safe_mode=True, layer_notes=None):
        """Save `model` as NAME.keras and NAME.h5, store the input and the recorded layers,
        reload both files and require identical outputs, write NAME/manifest.json.

        record: list of paths (or (path, node_index)) to store; None = every call."""
        out = self.out
        folder = out / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        xs = x if isinstance(x, list) else [x]
        xs = [np.asarray(a, np.float32) for a in xs]
        keras_path, h5_path = out / f"{name}.keras", out / f"{name}.h5"
        model.save(keras_path)
        model.save(h5_path)
        with zipfile.ZipFile(keras_path) as z:
            cfg = json.loads(z.read("config.json"))
            meta = json.loads(z.read("metadata.json"))
        cfg_index = config_index(cfg)

        rows = record_all(model, xs)
        checks = {}
        for kind, path in (("keras", keras_path), ("h5", h5_path)):
            fresh()
            try:
                loaded = keras.models.load_model(path, safe_mode=safe_mode)
            except ValueError as e:
                # Keras 3's legacy .h5 loader cannot rebuild the op nodes its own legacy writer
                # stored: TrueDivide is unknown to it, and Add/Multiply/Subtract resolve to the
                # merging layers, which refuse a scalar argument. Check the file's weights instead.
                if kind != "h5":
                    raise
                n = check_h5_weights(model, path)
                first = " ".join(str(e).split())[:160]
                checks[kind] = (f"keras.models.load_model fails in Keras {keras.__version__}: {first}. "
                                f"Instead all {n} weight arrays in the file were compared with the model's: "
                                "identical")
                log(f"  {name}.h5: load_model refuses it ({first}); {n} weight arrays checked")
                continue
            again = record_all(loaded, xs)
            diff = compare_rows(rows, again, f"{name} reloaded from {kind}")
            assert diff == 0.0, f"{name}: reloaded {kind} differs by {diff}"
            checks[kind] = diff
            del loaded

        input_files = []
        for i, a in enumerate(xs):
            p = out / (f"{name}_input.npy" if len(xs) == 1 else f"{name}_input{i}.npy")
            save_npy(p, a)
            input_files.append(rel(p))

        wanted = None
        if record is not None:
            wanted = {}
            for r in record:
                path, k = (r, 0) if isinstance(r, str) else r
                wanted[(path, k)] = True
        entries = []
        by_key = {(r["path"], r["node_index"]): r for r in rows}
        keys = [(r["path"], r["node_index"]) for r in rows]
        if wanted is not None:
            missing = [k for k in wanted if k not in by_key]
            assert not missing, f"{name}: no such layers {missing}; have {keys}"
            keys = [k for k in keys if k in wanted]
        for key in keys:
            r = by_key[key]
            op = r["op"]
            if isinstance(op, layers.InputLayer):
                continue
            a = r["value"][0]
            keep = kept_channels(a.shape, budget)
            stored = a if keep is None else a[..., keep]
            fname = file_name(*key)
            save_npy(folder / fname, stored)
            module, cls, registered = cfg_index[r["path"]]
            e = {"name": r["path"], "class_name": cls, "module": module}
            if r["node_index"]:
                e["node_index"] = r["node_index"]
            e.update({"shape": [int(s) for s in a.shape], "file": fname})
            if keep is not None:
                e["channels"] = keep
            e["max_abs"] = float(np.max(np.abs(a))) if a.size else 0.0
            if r["depth"]:
                e["depth"] = r["depth"]
            if layer_notes and r["path"] in layer_notes:
                e["note"] = layer_notes[r["path"]]
            entries.append(e)

        g = graph(model)
        final = [by_key[(o._keras_history[0].name, o._keras_history[1])]["value"] for o in g.outputs]
        manifest = {
            "model": name,
            "generator": "Scripts/make_zoo.py",
            "keras_version": keras.__version__,
            "tensorflow_version": tf.__version__,
            "saved_keras_version": meta.get("keras_version"),
            "files": {"keras": rel(keras_path), "h5": rel(h5_path)},
            "input": input_files[0] if len(input_files) == 1 else input_files,
            "input_shape": [list(a.shape) for a in xs] if len(xs) > 1 else list(xs[0].shape),
            "input_description": inputs_desc,
            "preprocess_inside": preprocess_inside,
            "class": model.__class__.__name__,
            "channel_budget": budget if budget != FULL_BUDGET else None,
            "layers": entries,
            "outputs": [[int(s) for s in f.shape[1:]] for f in final],
        }
        if classifier:
            p = final[0][0].astype(np.float64)
            order = np.argsort(-p, kind="stable")[:5]
            manifest["top5"] = [{"index": int(i), "value": float(final[0][0][i])} for i in order]
        manifest["param_count"] = int(model.count_params())
        manifest["reload_max_abs_diff"] = checks
        if notes:
            manifest["notes"] = notes
        if extra:
            manifest.update(extra)
        manifest["layer_table"] = layer_table(rows, cfg_index)
        dump_json(manifest, folder / "manifest.json")
        sizes = {k: os.path.getsize(out / f) for k, f in (("keras", f"{name}.keras"), ("h5", f"{name}.h5"))}
        log(f"  {name}: {model.count_params()} params, {len(entries)} layers recorded, "
            f".keras {sizes['keras']} B, .h5 {sizes['h5']} B, reload diff {checks}")
        self.summary.append((name, model.count_params(), sizes))
        return rows, manifest


# --------------------------------------------------------------------------------------
# Models. Builders take the Keras module `K` so tf_keras (Keras 2) can build the same graph.
# --------------------------------------------------------------------------------------

def classroom_cnn(K):
    L = K.layers
    return K.Sequential([
        L.Input((28, 28, 1)),
        L.Conv2D(8, 3, activation="relu"),
        L.MaxPooling2D(),
        L.Conv2D(16, 3, activation="relu"),
        L.MaxPooling2D(),
        L.Flatten(),
        L.Dropout(0.5),
        L.Dense(32, activation="relu"),
        L.Dense(10, activation="softmax"),
    ])


def resnet_mini(K):
    """Keras ResNet50's layers (resnet.py stack1/block1) with 8-16 filters, 64x64x3 caffe input."""
    L = K.layers
    eps = 1.001e-5

    def block(x, filters, stride, conv_shortcut, name):
        if conv_shortcut:
            sc = L.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
            sc = L.BatchNormalization(axis=3, epsilon=eps, name=name + "_0_bn")(sc)
        else:
            sc = x
        x = L.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
        x = L.BatchNormalization(axis=3, epsilon=eps, name=name + "_1_bn")(x)
        x = L.Activation("relu", name=name + "_1_relu")(x)
        x = L.Conv2D(filters, 3, padding="same", name=name + "_2_conv")(x)
        x = L.BatchNormalization(axis=3, epsilon=eps, name=name + "_2_bn")(x)
        x = L.Activation("relu", name=name + "_2_relu")(x)
        x = L.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
        x = L.BatchNormalization(axis=3, epsilon=eps, name=name + "_3_bn")(x)
        x = L.Add(name=name + "_add")([sc, x])
        return L.Activation("relu", name=name + "_out")(x)

    inp = K.Input((64, 64, 3), name="input_1")
    x = L.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(inp)
    x = L.Conv2D(8, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    x = L.BatchNormalization(axis=3, epsilon=eps, name="conv1_bn")(x)
    x = L.Activation("relu", name="conv1_relu")(x)
    x = L.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = L.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = block(x, 8, 1, True, "conv2_block1")
    x = block(x, 8, 1, False, "conv2_block2")
    x = block(x, 16, 2, True, "conv3_block1")
    x = block(x, 16, 1, False, "conv3_block2")
    x = L.GlobalAveragePooling2D(name="avg_pool")(x)
    out = L.Dense(10, activation="softmax", name="predictions")(x)
    return K.Model(inp, out, name="resnet_mini")


def correct_pad(size, kernel):
    """keras.applications.imagenet_utils.correct_pad for an (H, W) input."""
    adjust = (1 - size[0] % 2, 1 - size[1] % 2)
    c = (kernel // 2, kernel // 2)
    return ((c[0] - adjust[0], c[0]), (c[1] - adjust[1], c[1]))


def efficientnet_mini(norm_sample):
    """EfficientNetB0's layers (efficientnet.py block()) with 8-16 filters, 64x64x3 raw input."""
    def block(x, hw, name, f_in, f_out, kernel, strides, expand, se_ratio=0.25, drop=0.0,
              keepdims_se=False):
        inputs = x
        filters = f_in * expand
        if expand != 1:
            x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=name + "expand_conv")(x)
            x = layers.BatchNormalization(name=name + "expand_bn")(x)
            x = layers.Activation("swish", name=name + "expand_activation")(x)
        if strides == 2:
            x = layers.ZeroPadding2D(padding=correct_pad(hw, kernel), name=name + "dwconv_pad")(x)
            pad = "valid"
        else:
            pad = "same"
        x = layers.DepthwiseConv2D(kernel, strides=strides, padding=pad, use_bias=False,
                                   name=name + "dwconv")(x)
        x = layers.BatchNormalization(name=name + "bn")(x)
        x = layers.Activation("swish", name=name + "activation")(x)
        f_se = max(1, int(f_in * se_ratio))
        if keepdims_se:
            se = layers.GlobalAveragePooling2D(keepdims=True, name=name + "se_squeeze")(x)
        else:
            se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
            se = layers.Reshape((1, 1, filters), name=name + "se_reshape")(se)
        se = layers.Conv2D(f_se, 1, padding="same", activation="swish", name=name + "se_reduce")(se)
        se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", name=name + "se_expand")(se)
        x = layers.Multiply(name=name + "se_excite")([x, se])
        x = layers.Conv2D(f_out, 1, padding="same", use_bias=False, name=name + "project_conv")(x)
        x = layers.BatchNormalization(name=name + "project_bn")(x)
        if strides == 1 and f_in == f_out:
            if drop > 0:
                x = layers.Dropout(drop, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
            x = layers.Add(name=name + "add")([x, inputs])
        return x

    inp = keras.Input((64, 64, 3), name="input_layer")
    x = layers.Rescaling(1.0 / 255.0, name="rescaling")(inp)
    norm = layers.Normalization(axis=-1, name="normalization")
    norm.adapt(norm_sample / 255.0)
    x = norm(x)
    x = layers.ZeroPadding2D(padding=correct_pad((64, 64), 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(8, 3, strides=2, padding="valid", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.Activation("swish", name="stem_activation")(x)
    x = block(x, (32, 32), "block1a_", 8, 8, 3, 1, 1, drop=0.0)
    x = block(x, (32, 32), "block2a_", 8, 12, 3, 2, 6)
    x = block(x, (16, 16), "block2b_", 12, 12, 3, 1, 6, drop=0.05)
    x = block(x, (16, 16), "block3a_", 12, 16, 5, 2, 6, keepdims_se=True)
    x = block(x, (8, 8), "block3b_", 16, 16, 5, 1, 6, drop=0.1)
    x = layers.Conv2D(64, 1, padding="same", use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(name="top_bn")(x)
    x = layers.Activation("swish", name="top_activation")(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.Dropout(0.2, name="top_dropout")(x)
    out = layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inp, out, name="efficientnet_mini")


def densenet_mini():
    """DenseNet121's layers (densenet.py dense_block / transition_block / conv_block), growth 8."""
    eps = 1.001e-5

    def conv_block(x, growth, name):
        x1 = layers.BatchNormalization(axis=3, epsilon=eps, name=name + "_0_bn")(x)
        x1 = layers.Activation("relu", name=name + "_0_relu")(x1)
        x1 = layers.Conv2D(4 * growth, 1, use_bias=False, name=name + "_1_conv")(x1)
        x1 = layers.BatchNormalization(axis=3, epsilon=eps, name=name + "_1_bn")(x1)
        x1 = layers.Activation("relu", name=name + "_1_relu")(x1)
        x1 = layers.Conv2D(growth, 3, padding="same", use_bias=False, name=name + "_2_conv")(x1)
        return layers.Concatenate(axis=3, name=name + "_concat")([x, x1])

    def dense_block(x, blocks, name):
        for i in range(blocks):
            x = conv_block(x, 8, name + "_block" + str(i + 1))
        return x

    def transition(x, reduction, name):
        x = layers.BatchNormalization(axis=3, epsilon=eps, name=name + "_bn")(x)
        x = layers.Activation("relu", name=name + "_relu")(x)
        x = layers.Conv2D(int(x.shape[3] * reduction), 1, use_bias=False, name=name + "_conv")(x)
        return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)

    inp = keras.Input((64, 64, 3), name="input_layer")
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(inp)
    x = layers.Conv2D(16, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=eps, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = dense_block(x, 2, "conv2")
    x = transition(x, 0.5, "pool2")
    x = dense_block(x, 2, "conv3")
    x = transition(x, 0.5, "pool3")
    x = dense_block(x, 2, "conv4")
    x = layers.BatchNormalization(axis=3, epsilon=eps, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    out = layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inp, out, name="densenet_mini")


def transfer_mobilenetv2():
    inputs = keras.Input((160, 160, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    base = keras.applications.MobileNetV2(input_shape=(160, 160, 3), alpha=0.35,
                                          include_top=False, weights=None)
    base.trainable = False
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(5, activation="softmax")(x)
    return keras.Model(inputs, outputs), base


# ---- layer-type models ----------------------------------------------------------------

ACTIVATIONS = ["linear", "relu", "relu6", "sigmoid", "hard_sigmoid", "swish", "silu",
               "hard_swish", "hard_silu", "gelu", "tanh", "softmax", "elu", "leaky_relu"]
# Dense(activation=...) for these (every one is also a Conv2D activation and an Activation layer).
DENSE_ACTIVATIONS = ["relu", "sigmoid", "hard_sigmoid", "hard_swish", "gelu", "softmax"]


def layers_conv():
    inp = keras.Input((17, 13, 3), name="input_layer")
    c = {}
    c["conv_k3_s1_same"] = layers.Conv2D(17, 3, padding="same", name="conv_k3_s1_same")(inp)
    c["conv_k3_s2_same"] = layers.Conv2D(8, 3, strides=2, padding="same", name="conv_k3_s2_same")(inp)
    c["conv_k3_s2_valid"] = layers.Conv2D(8, 3, strides=2, padding="valid", name="conv_k3_s2_valid")(inp)
    c["conv_k5_s2_valid"] = layers.Conv2D(6, 5, strides=2, padding="valid", name="conv_k5_s2_valid")(inp)
    c["conv_k7_s2_same"] = layers.Conv2D(4, 7, strides=2, padding="same", name="conv_k7_s2_same")(inp)
    c["conv_k2_s1_same"] = layers.Conv2D(5, 2, padding="same", name="conv_k2_s1_same")(inp)
    c["conv_k4_s2_same"] = layers.Conv2D(5, 4, strides=2, padding="same", name="conv_k4_s2_same")(inp)
    c["conv_k3x5_s1x2_same"] = layers.Conv2D(4, (3, 5), strides=(1, 2), padding="same",
                                             name="conv_k3x5_s1x2_same")(inp)
    c["conv_k1_to1"] = layers.Conv2D(1, 1, name="conv_k1_to1")(inp)
    c["conv_from1_k3"] = layers.Conv2D(3, 3, padding="same", name="conv_from1_k3")(c["conv_k1_to1"])
    c["conv_dil2_same"] = layers.Conv2D(6, 3, dilation_rate=2, padding="same", name="conv_dil2_same")(inp)
    c["conv_dil2_valid"] = layers.Conv2D(6, 3, dilation_rate=2, padding="valid", name="conv_dil2_valid")(inp)
    c["conv_nobias"] = layers.Conv2D(4, 3, padding="same", use_bias=False, name="conv_nobias")(inp)
    c["conv_groups2"] = layers.Conv2D(8, 3, padding="same", groups=2, name="conv_groups2")(c["conv_dil2_same"])
    c["conv_groups2_from17"] = layers.Conv2D(4, 1, groups=1, name="conv_from17_k1")(c["conv_k3_s1_same"])
    c["dw_m1"] = layers.DepthwiseConv2D(3, padding="same", name="dw_m1")(inp)
    c["dw_m2"] = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, name="dw_m2")(inp)
    c["dw_s2_same"] = layers.DepthwiseConv2D(3, strides=2, padding="same", name="dw_s2_same")(inp)
    c["dw_s2_valid_m2_nobias"] = layers.DepthwiseConv2D(3, strides=2, padding="valid", depth_multiplier=2,
                                                        use_bias=False, name="dw_s2_valid_m2_nobias")(inp)
    c["dw_dil2"] = layers.DepthwiseConv2D(3, dilation_rate=2, padding="same", name="dw_dil2")(inp)
    c["dw_k5_17ch"] = layers.DepthwiseConv2D(5, padding="same", name="dw_k5_17ch")(c["conv_k3_s1_same"])
    c["sep_k3"] = layers.SeparableConv2D(7, 3, padding="same", name="sep_k3")(inp)
    c["sep_m2_s2"] = layers.SeparableConv2D(5, 3, strides=2, padding="same", depth_multiplier=2,
                                            name="sep_m2_s2")(inp)
    c["sep_valid_nobias"] = layers.SeparableConv2D(4, 3, padding="valid", use_bias=False,
                                                   name="sep_valid_nobias")(inp)
    # Every branch that feeds no other layer is an output: a Functional keeps only the layers
    # that lead to an output (a branch that goes nowhere is not even saved).
    ends = [t for k, t in c.items() if k not in ("conv_k1_to1", "conv_k3_s1_same", "conv_dil2_same")]
    return keras.Model(inp, ends, name="layers_conv")


def layers_norm():
    inp = keras.Input((9, 11, 5), name="input_layer")
    bn = layers.BatchNormalization(name="bn")(inp)
    bn_nocenter = layers.BatchNormalization(center=False, name="bn_nocenter")(inp)
    bn_noscale = layers.BatchNormalization(scale=False, name="bn_noscale")(inp)
    bn_none = layers.BatchNormalization(center=False, scale=False, epsilon=1.001e-5, name="bn_plain_eps1e-5")(inp)
    res_scalar = layers.Rescaling(1.0 / 255.0, name="rescale_scalar")(inp)
    res_offset = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescale_offset")(inp)
    res_chan = layers.Rescaling([0.5, 1.0, 2.0, -1.0, 0.25], offset=[0.0, 1.0, -2.0, 0.5, 3.0],
                                name="rescale_per_channel")(inp)
    norm_cfg = layers.Normalization(mean=[1.0, -2.0, 0.5, 0.0, 3.0], variance=[4.0, 0.25, 1.0, 2.0, 9.0],
                                    name="norm_config")(inp)
    norm_adapt = layers.Normalization(axis=-1, name="norm_adapted")
    rng = np.random.default_rng(71)
    norm_adapt.adapt(rng.normal([1, 2, 3, 4, 5], [1, 2, 0.5, 3, 0.1], (64, 9, 11, 5)).astype(np.float32))
    norm_adapt_out = norm_adapt(inp)
    norm_zero_var = layers.Normalization(mean=[0.0, 0.0, 0.0, 0.0, 0.0], variance=[1.0, 0.0, 1.0, 1e-20, 1.0],
                                         name="norm_zero_variance")(inp)
    norm_invert = layers.Normalization(mean=[1.0, -2.0, 0.5, 0.0, 3.0], variance=[4.0, 0.25, 1.0, 2.0, 9.0],
                                       invert=True, name="norm_invert")(inp)
    dense_map = layers.Dense(3, name="dense_on_map")(inp)
    flat = layers.Flatten(name="flatten")(bn)
    dense_vec = layers.Dense(6, activation="relu", name="dense_on_vector")(flat)
    dense_nobias = layers.Dense(4, use_bias=False, name="dense_nobias")(dense_vec)
    outs = [bn_nocenter, bn_noscale, bn_none, res_scalar, res_offset, res_chan, norm_cfg, norm_adapt_out,
            norm_zero_var, norm_invert, dense_map, dense_nobias]
    return keras.Model(inp, outs, name="layers_norm")


def layers_activation():
    inp = keras.Input((7, 9, 4), name="input_layer")
    branches = []
    for a in ACTIVATIONS:
        branches.append(layers.Conv2D(4, 1, activation=a, name=f"conv_{a}")(inp))
        if a in DENSE_ACTIVATIONS:
            branches.append(layers.Dense(4, activation=a, name=f"dense_{a}")(inp))
        branches.append(layers.Activation(a, name=f"act_{a}")(inp))
    branches.append(layers.ReLU(name="relu_layer")(inp))
    branches.append(layers.ReLU(max_value=6.0, name="relu_max6")(inp))
    branches.append(layers.ReLU(negative_slope=0.1, name="relu_slope0.1")(inp))
    branches.append(layers.ReLU(threshold=0.5, name="relu_threshold0.5")(inp))
    branches.append(layers.ReLU(max_value=4.0, negative_slope=0.2, threshold=1.0, name="relu_all")(inp))
    branches.append(layers.LeakyReLU(name="leaky_relu_default")(inp))
    branches.append(layers.LeakyReLU(negative_slope=0.05, name="leaky_relu_0.05")(inp))
    branches.append(layers.ELU(name="elu_default")(inp))
    branches.append(layers.ELU(alpha=0.5, name="elu_0.5")(inp))
    branches.append(layers.Softmax(name="softmax_layer")(inp))
    branches.append(layers.Softmax(axis=-1, name="softmax_axis-1")(inp))
    branches.append(layers.Activation(keras.activations.gelu, name="act_gelu_function")(inp))
    out = layers.Concatenate(name="concat_out")(branches)
    return keras.Model(inp, out, name="layers_activation")


def layers_merge():
    inp = keras.Input((6, 7, 3), name="input_layer")
    a = layers.Conv2D(4, 3, padding="same", name="branch_a")(inp)
    b = layers.Conv2D(4, 3, padding="same", name="branch_b")(inp)
    c = layers.Conv2D(4, 1, name="branch_c")(inp)
    add = layers.Add(name="add")([a, b])
    add3 = layers.Add(name="add3")([a, b, c])
    sub = layers.Subtract(name="subtract")([a, b])
    mul = layers.Multiply(name="multiply")([a, b])
    avg = layers.Average(name="average")([a, b, c])
    mx = layers.Maximum(name="maximum")([a, b])
    mn = layers.Minimum(name="minimum")([a, b])
    cat = layers.Concatenate(axis=-1, name="concat")([a, b, inp])
    gate = layers.GlobalAveragePooling2D(keepdims=True, name="gate_pool")(a)
    gate = layers.Activation("sigmoid", name="gate_sigmoid")(gate)
    mul_b = layers.Multiply(name="multiply_broadcast")([b, gate])
    add_b = layers.Add(name="add_broadcast")([gate, c])
    shared = layers.Conv2D(4, 3, padding="same", name="shared_conv")
    s1 = shared(a)
    s2 = shared(b)
    shared_sum = layers.Add(name="shared_sum")([s1, s2])
    inner = keras.Sequential([
        keras.Input((6, 7, 11)),
        layers.Conv2D(4, 1, name="inner_conv"),
        layers.BatchNormalization(name="inner_bn"),
        layers.ReLU(name="inner_relu"),
    ], name="inner_sequential")
    nested = inner(cat)
    merged = layers.Concatenate(name="concat_all")([add, add3, sub, mul, avg, mx, mn, mul_b, add_b, shared_sum, nested])
    out1 = layers.GlobalAveragePooling2D(name="out_pool")(merged)
    out2 = layers.Conv2D(2, 1, name="out_map")(merged)
    return keras.Model(inp, [out1, out2], name="layers_merge")


def layers_pool():
    inp = keras.Input((17, 13, 5), name="input_layer")
    t = []
    for cls, short in ((layers.MaxPooling2D, "max"), (layers.AveragePooling2D, "avg")):
        t.append(cls(2, name=f"{short}_p2_default")(inp))
        t.append(cls(2, strides=2, padding="same", name=f"{short}_p2_s2_same")(inp))
        t.append(cls(3, strides=2, padding="valid", name=f"{short}_p3_s2_valid")(inp))
        t.append(cls(3, strides=2, padding="same", name=f"{short}_p3_s2_same")(inp))
        t.append(cls(3, strides=1, padding="same", name=f"{short}_p3_s1_same")(inp))
        t.append(cls(2, strides=1, padding="valid", name=f"{short}_p2_s1_valid")(inp))
        t.append(cls((2, 3), strides=(1, 2), padding="same", name=f"{short}_p2x3_s1x2_same")(inp))
    gap = layers.GlobalAveragePooling2D(name="gap")(inp)
    gap_k = layers.GlobalAveragePooling2D(keepdims=True, name="gap_keepdims")(inp)
    gmp = layers.GlobalMaxPooling2D(name="gmp")(inp)
    gmp_k = layers.GlobalMaxPooling2D(keepdims=True, name="gmp_keepdims")(inp)
    zp = layers.ZeroPadding2D(((1, 2), (0, 3)), name="zero_pad_asym")(inp)
    zp1 = layers.ZeroPadding2D(1, name="zero_pad_1")(inp)
    crop = layers.Cropping2D(((1, 2), (2, 0)), name="crop")(inp)
    crop1 = layers.Cropping2D(1, name="crop_1")(inp)
    up = layers.UpSampling2D(2, name="upsample_nearest")(inp)
    up23 = layers.UpSampling2D((2, 3), name="upsample_nearest_2x3")(inp)
    upb = layers.UpSampling2D(2, interpolation="bilinear", name="upsample_bilinear")(inp)
    outs = t + [gap, gap_k, gmp, gmp_k, zp, zp1, crop, crop1, up, up23, upb]
    return keras.Model(inp, outs, name="layers_pool")


def layers_shape():
    inp = keras.Input((5, 6, 4), name="input_layer")
    conv = layers.Conv2D(4, 3, padding="same", name="conv")(inp)
    flat = layers.Flatten(name="flatten")(conv)
    r1 = layers.Reshape((30, 4), name="reshape_30x4")(conv)
    r2 = layers.Reshape((6, 5, 4), name="reshape_6x5x4")(conv)
    r3 = layers.Reshape((-1, 8), name="reshape_minus1x8")(conv)
    p1 = layers.Permute((2, 1, 3), name="permute_213")(conv)
    p2 = layers.Permute((3, 1, 2), name="permute_312")(conv)
    d = layers.Dropout(0.5, name="dropout")(conv)
    sd = layers.SpatialDropout2D(0.5, name="spatial_dropout")(d)
    gn = layers.GaussianNoise(1.0, name="gaussian_noise")(sd)
    gd = layers.GaussianDropout(0.3, name="gaussian_dropout")(gn)
    ident = layers.Identity(name="identity")(gd)
    dense_map = layers.Dense(3, name="dense_on_map")(ident)
    dense_seq = layers.Dense(2, name="dense_on_sequence")(r1)
    dense_perm = layers.Dense(2, name="dense_on_permuted")(p2)
    flat2 = layers.Flatten(name="flatten_permuted")(p1)
    flat3 = layers.Flatten(name="flatten_seq")(dense_seq)
    flat4 = layers.Flatten(name="flatten_r2")(r2)
    flat5 = layers.Flatten(name="flatten_r3")(r3)
    flat6 = layers.Flatten(name="flatten_perm_dense")(dense_perm)
    flat7 = layers.Flatten(name="flatten_dense_map")(dense_map)
    cat = layers.Concatenate(name="concat")([flat, flat2, flat3, flat4, flat5, flat6, flat7])
    out = layers.Dense(7, activation="softmax", name="dense_vector")(cat)
    return keras.Model(inp, out, name="layers_shape")


def layers_ops():
    inp = keras.Input((6, 5, 3), name="input_layer")
    a = inp / 127.5
    b = a - 1
    c = b * 2
    d = c + 3
    e = 1 - d
    f = 2.0 * inp
    g = ops.multiply(b, c)
    h = ops.add(e, g)
    i = ops.subtract(h, 0.5)
    j = ops.divide(i, 4.0)
    k = ops.gelu(j, approximate=True)
    l = ops.gelu(j, approximate=False)
    m = -j
    conv = layers.Conv2D(4, 1, name="conv")(k)
    n = conv * 0.5
    out = layers.Concatenate(name="concat_out")([n, m, f, l])
    return keras.Model(inp, out, name="layers_ops")


# --------------------------------------------------------------------------------------
# Keras 2 (tf_keras)
# --------------------------------------------------------------------------------------

def keras2_copy(zoo, name, builder, k3_model, x, k3_rows):
    """Build the same graph with tf_keras, copy the weights, save `<name>_keras2.h5`, and
    compare tf_keras's outputs and Keras 3's load of the Keras 2 file with Keras 3's rows."""
    try:
        import tf_keras
    except Exception as e:  # pragma: no cover
        return {"keras2": f"tf_keras not importable: {e}"}
    tf_keras.backend.clear_session()
    m2 = builder(tf_keras)
    k3 = [l for l in k3_model.layers if l.get_weights()]
    k2 = [l for l in m2.layers if l.get_weights()]
    assert sorted(l.name for l in k3) == sorted(l.name for l in k2), "Keras 2 and 3 name the layers differently"
    for a in k3:
        b = m2.get_layer(a.name)
        wa = a.get_weights()
        assert [w.shape for w in wa] == [w.shape for w in b.get_weights()], a.name
        b.set_weights(wa)
    path = zoo.out / f"{name}_keras2.h5"
    m2.save(path, save_format="h5")
    names = [l.name for l in m2.layers if not isinstance(l, tf_keras.layers.InputLayer)]
    probe = tf_keras.Model(m2.inputs, [m2.get_layer(n).output for n in names])
    vals = [np.asarray(v) for v in probe(tf.constant(x), training=False)]
    # Keras 3 names vs Keras 2 names, in layer order
    k3_top = {r["path"]: r for r in k3_rows if r["depth"] == 0 and not isinstance(r["op"], layers.InputLayer)}
    assert sorted(k3_top) == sorted(names), "Keras 2 and 3 name the layers differently"
    diff_k2, first_diff = 0.0, None
    for n2, v in zip(names, vals):
        d = float(np.max(np.abs(k3_top[n2]["value"].astype(np.float64) - v)))
        if d > 0 and first_diff is None:
            first_diff = f"{n2} ({k3_top[n2]['op'].__class__.__name__}, {d:.3g})"
        diff_k2 = max(diff_k2, d)
    fresh()
    loaded = keras.models.load_model(path)
    again = record_all(loaded, [x])
    again_top = {r["path"]: r for r in again if r["depth"] == 0 and not isinstance(r["op"], layers.InputLayer)}
    assert sorted(again_top) == sorted(k3_top)
    diff_load = max(float(np.max(np.abs(k3_top[n]["value"].astype(np.float64) - again_top[n]["value"])))
                    for n in k3_top)
    with h5py.File(path, "r") as f:
        kv = f.attrs["keras_version"]
        kv = kv.decode() if isinstance(kv, bytes) else str(kv)
    log(f"  {name}_keras2.h5: tf_keras {tf_keras.__version__}, max |tf_keras - keras3| = {diff_k2}, "
        f"keras3 load of it = {diff_load}")
    return {"keras2": {
        "file": rel(path),
        "tf_keras_version": tf_keras.__version__,
        "file_keras_version": kv,
        "layers_compared": len(names),
        "first_layer_that_differs": first_diff,
        "max_abs_diff_tf_keras_vs_keras3": diff_k2,
        "max_abs_diff_keras3_load_of_keras2_file": diff_load,
        "note": "same weights as the Keras 3 files, same layer names; every layer's output of tf_keras "
                "compared with Keras 3's (the max abs diff above), and Keras 3's load_model of the Keras 2 "
                "file compared with the Keras 3 model. The Keras 2 file: keras_version 2.21.0, InputLayer "
                "with batch_input_shape, inbound_nodes as nested lists [[[name, node, tensor, {}]]], "
                "input_layers/output_layers nested, weight_names with ':0' (conv1_conv/kernel:0), "
                "DepthwiseConv2D's would be depthwise_kernel:0. A nonzero diff is float rounding in Keras 2's "
                "and Keras 3's different BatchNormalization arithmetic (see first_layer_that_differs)",
    }}


# --------------------------------------------------------------------------------------
# Gradients: Grad-CAM and saliency
# --------------------------------------------------------------------------------------

def explain(zoo, name, model, x, map_layer, dense_name):
    """Grad-CAM at `map_layer` and saliency for the top-1 class's logit.

    The logit is the input of the final softmax: the final Dense layer's kernel and bias
    applied to that layer's input, h @ W + b, computed in the tape (the Dense layer itself
    applies softmax). softmax(logits) is checked against the model's output."""
    dense = model.get_layer(dense_name)
    assert dense.activation is keras.activations.softmax
    feat = keras.Model(model.inputs, [model.get_layer(map_layer).output, dense.input])
    w, b = dense.kernel, dense.bias
    xt = tf.constant(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xt)
        a, h = feat(xt, training=False)
        logits = tf.matmul(h, w) + b
        cls = int(np.argmax(np.asarray(logits)[0]))
        score = logits[:, cls]
    ga = np.asarray(tape.gradient(score, a))[0].astype(np.float32)
    gx = np.asarray(tape.gradient(score, xt))[0].astype(np.float32)
    del tape
    probs = np.asarray(model(xt, training=False))[0]
    lg = np.asarray(logits)[0].astype(np.float64)
    sm = np.exp(lg - lg.max())
    sm /= sm.sum()
    assert np.max(np.abs(sm - probs)) < 1e-6, "softmax(logits) != model output"
    a = np.asarray(a)[0].astype(np.float32)
    weights = ga.astype(np.float64).mean(axis=(0, 1))
    raw = (a.astype(np.float64) * weights).sum(axis=-1)
    cam = np.maximum(raw, 0.0)
    sal = np.abs(gx).max(axis=-1)
    d = zoo.out / name / "explain"
    if d.exists():
        shutil.rmtree(d)
    files = {"activation": "activation.npy", "gradient": "gradient.npy", "weights": "gradcam_weights.npy",
             "gradcam_raw": "gradcam_raw.npy", "gradcam": "gradcam.npy", "saliency": "saliency.npy",
             "input_gradient": "input_gradient.npy", "logits": "logits.npy"}
    save_npy(d / files["activation"], a)
    save_npy(d / files["gradient"], ga)
    save_npy(d / files["weights"], weights)
    save_npy(d / files["gradcam_raw"], raw)
    save_npy(d / files["gradcam"], cam)
    save_npy(d / files["saliency"], sal)
    save_npy(d / files["input_gradient"], gx)
    save_npy(d / files["logits"], lg)
    order = np.argsort(-lg, kind="stable")
    dump_json({
        "model": name,
        "input": rel(zoo.out / f"{name}_input.npy"),
        "layer": map_layer,
        "logits_from": f"{dense_name}: its input h and its kernel W, bias b; logits = h @ W + b (before softmax)",
        "class": cls,
        "logit": float(lg[cls]),
        "probability": float(probs[cls]),
        "runner_up": {"index": int(order[1]), "logit": float(lg[order[1]])},
        "definitions": {
            "gradient": "d logit[class] / d A, A = the layer's output (H, W, C)",
            "gradcam_weights": "mean over (y, x) of the gradient, (C,)",
            "gradcam_raw": "sum_c weights[c] * A[..., c], (H, W), before ReLU, at the layer's size",
            "gradcam": "relu(gradcam_raw), (H, W), not upsampled, not normalised",
            "input_gradient": "d logit[class] / d input, (H, W, C), input = the model input as stored",
            "saliency": "max over the input channels of |input_gradient|, (H, W)",
        },
        "files": files,
        "shapes": {"activation": list(a.shape), "saliency": list(sal.shape)},
        "max_abs": {"activation": float(np.abs(a).max()), "gradient": float(np.abs(ga).max()),
                    "gradcam": float(cam.max()), "saliency": float(sal.max())},
    }, d / "explain.json")
    log(f"  {name}/explain: class {cls}, logit {lg[cls]:.4f}, gradcam at {map_layer} {a.shape[:2]}")


# --------------------------------------------------------------------------------------
# Hostile files
# --------------------------------------------------------------------------------------

FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def rezip(src, dst, replace=None, add=None, drop=()):
    """Copy the .keras archive `src` to `dst` with entries replaced/added/dropped; fixed times
    so that the hostile files are byte-identical between runs (metadata.json's date_saved is
    rewritten to a fixed value as well)."""
    replace = dict(replace or {})
    with zipfile.ZipFile(src) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_STORED) as z:
        for n, data in entries:
            if n in drop:
                continue
            data = replace.pop(n, data)
            if n == "config.json":
                data = renumber_shared_ids(data)
            if n == "metadata.json" and isinstance(data, bytes):
                meta = json.loads(data)
                meta["date_saved"] = "2024-01-01@00:00:00"
                data = json.dumps(meta).encode()
            z.writestr(zipfile.ZipInfo(n, FIXED_TIME), data)
        for n, data in (add or []):
            z.writestr(zipfile.ZipInfo(n, FIXED_TIME), data)
        assert not replace, replace


def renumber_shared_ids(config_bytes):
    """Keras writes `shared_object_id` = Python's id() of a shared object (the layers' common
    DTypePolicy): a new number every run. Renumber them 1, 2, ... in order of appearance."""
    import re
    ids = {}

    def sub(m):
        return b'"shared_object_id": ' + str(ids.setdefault(m.group(1), len(ids) + 1)).encode()
    return re.sub(rb'"shared_object_id": (\d+)', sub, config_bytes)


def read_entries(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def edit_weights(h5_bytes, fn):
    """Apply fn(h5py.File) to a copy of model.weights.h5 (bytes) and return the new bytes."""
    bio = io.BytesIO(h5_bytes)
    with h5py.File(bio, "r+") as f:
        fn(f)
    return bio.getvalue()


def make_hostile(out):
    d = out / "hostile"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    tmp = ROOT / ".build" / "zoo-tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    rows = []

    def base_model():
        fresh(5)
        inp = keras.Input((8, 8, 3), name="input_layer")
        x = layers.Conv2D(4, 3, padding="same", name="conv_a")(inp)
        x = layers.Conv2D(4, 3, padding="same", name="conv_b")(x)
        x = layers.GlobalAveragePooling2D(name="pool")(x)
        out = layers.Dense(3, activation="softmax", name="dense")(x)
        m = keras.Model(inp, out, name="tiny")
        seed_weights(m, 5)
        return m

    base = tmp / "base.keras"
    base_model().save(base)
    entries = read_entries(base)
    cfg = json.loads(entries["config.json"])

    def layer_cfg(c, name):
        return next(l for l in c["config"]["layers"] if l["name"] == name)

    # 1. zip-slip entry name
    rezip(base, d / "zip_slip.keras", add=[("../evil", b"this file must never be written\n"),
                                           ("assets/../../evil2", b"nor this one\n")])
    rows.append(("zip_slip.keras", "a valid tiny model plus the entries `../evil` and `assets/../../evil2`",
                 "refuse the archive (entry name with `..`), write nothing anywhere"))
    # 2. config not JSON
    rezip(base, d / "config_not_json.keras", replace={"config.json": b'{"module": "keras", "class_name": "Functional", '})
    rows.append(("config_not_json.keras", "config.json is truncated JSON", "refuse: config.json is not valid JSON"))
    # 3. cycle
    c = json.loads(entries["config.json"])
    conv_a = layer_cfg(c, "conv_a")
    kt = conv_a["inbound_nodes"][0]["args"][0]
    kt["config"]["keras_history"] = ["conv_b", 0, 0]
    rezip(base, d / "cycle.keras", replace={"config.json": json.dumps(c).encode()})
    rows.append(("cycle.keras", "conv_a's inbound is conv_b and conv_b's is conv_a (the input feeds nothing)",
                 "refuse: the layer graph has a cycle; must terminate, no stack overflow"))
    # 4. unknown inbound
    c = json.loads(entries["config.json"])
    layer_cfg(c, "conv_b")["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["no_such_layer", 0, 0]
    rezip(base, d / "missing_inbound.keras", replace={"config.json": json.dumps(c).encode()})
    rows.append(("missing_inbound.keras", "conv_b's inbound names `no_such_layer`",
                 "refuse: unknown inbound layer `no_such_layer` (named in the message)"))
    # 5. filters mismatch
    c = json.loads(entries["config.json"])
    layer_cfg(c, "conv_b")["config"]["filters"] = 8
    rezip(base, d / "filters_mismatch.keras", replace={"config.json": json.dumps(c).encode()})
    rows.append(("filters_mismatch.keras", "conv_b's config says filters 8, its kernel is (3, 3, 4, 4) and bias (4,)",
                 "refuse: weight shape does not match the config (layer conv_b, expected (3, 3, 4, 8))"))
    # 6. missing weight array
    def drop_bias(f):
        del f["layers/conv2d_1/vars/1"]
    rezip(base, d / "missing_weight.keras",
          replace={"model.weights.h5": edit_weights(entries["model.weights.h5"], drop_bias)})
    rows.append(("missing_weight.keras", "model.weights.h5 lacks `layers/conv2d_1/vars/1` (conv_b's bias)",
                 "refuse: missing weight for layer conv_b"))
    # 7. NaN weights
    def nan_kernel(f):
        k = f["layers/conv2d/vars/0"]
        a = k[()]
        a[0, 0, 0, 0] = np.nan
        a[1, 1, 1, 1] = np.inf
        k[...] = a
    rezip(base, d / "nan_weights.keras",
          replace={"model.weights.h5": edit_weights(entries["model.weights.h5"], nan_kernel)})
    rows.append(("nan_weights.keras", "conv_a's kernel has a NaN at [0,0,0,0] and +Inf at [1,1,1,1] (Keras loads it)",
                 "refuse (or at least report) non-finite weights, naming conv_a"))
    # 8. filters 10^9, weights absent
    c = json.loads(entries["config.json"])
    layer_cfg(c, "conv_b")["config"]["filters"] = 10**9
    def drop_conv_b(f):
        del f["layers/conv2d_1/vars/0"]
        del f["layers/conv2d_1/vars/1"]
    rezip(base, d / "huge_filters.keras", replace={
        "config.json": json.dumps(c).encode(),
        "model.weights.h5": edit_weights(entries["model.weights.h5"], drop_conv_b)})
    rows.append(("huge_filters.keras", "conv_b has filters 1000000000 in config and no weights",
                 "refuse quickly without allocating the (3, 3, 4, 10^9) kernel or its output"))
    # 9. Lambda (saved legitimately by Keras)
    fresh(6)
    inp = keras.Input((8, 8, 3), name="input_layer")
    x = layers.Conv2D(2, 1, name="conv")(inp)
    x = layers.Lambda(lambda t: t * 2, name="times_two")(x)
    lam = keras.Model(inp, x, name="with_lambda")
    seed_weights(lam, 6)
    lam.save(tmp / "lambda.keras")
    lam.save(d / "lambda.h5")
    loaded = keras.models.load_model(tmp / "lambda.keras", safe_mode=False)
    xin = np.random.default_rng(6).normal(size=(1, 8, 8, 3)).astype(np.float32)
    assert np.array_equal(np.asarray(loaded(xin)), np.asarray(lam(xin)))
    try:
        keras.models.load_model(tmp / "lambda.keras")
        raise AssertionError("Keras loaded a Lambda in safe mode")
    except ValueError:
        pass
    rezip(tmp / "lambda.keras", d / "lambda.keras")
    rows.append(("lambda.keras", "Conv2D then `Lambda(lambda t: t * 2)` saved by Keras (config holds marshalled "
                 "Python bytecode, base64); Keras itself loads it only with safe_mode=False",
                 "refuse: Lambda layers run arbitrary Python (name the layer `times_two`); never execute anything"))
    rows.append(("lambda.h5", "the same model saved as legacy .h5 (the Lambda's `function` is bytecode in model_config)",
                 "refuse: Lambda layer `times_two`"))
    # 10. custom registered layer
    @keras.saving.register_keras_serializable(package="zoo_custom")
    class ScaleByTwo(layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    fresh(7)
    inp = keras.Input((8, 8, 3), name="input_layer")
    x = layers.Conv2D(2, 1, name="conv")(inp)
    x = ScaleByTwo(name="scale_by_two")(x)
    cus = keras.Model(inp, x, name="with_custom")
    seed_weights(cus, 7)
    cus.save(tmp / "custom.keras")
    loaded = keras.models.load_model(tmp / "custom.keras")
    assert np.array_equal(np.asarray(loaded(xin)), np.asarray(cus(xin)))
    rezip(tmp / "custom.keras", d / "custom_layer.keras")
    rows.append(("custom_layer.keras", "a `@keras.saving.register_keras_serializable(package='zoo_custom')` layer "
                 "class `ScaleByTwo` (class_name `ScaleByTwo`, registered_name `zoo_custom>ScaleByTwo`, module null)",
                 "refuse: unknown layer class zoo_custom>ScaleByTwo (named in the message)"))
    # 11. channels_first
    fresh(8)
    inp = keras.Input((3, 8, 8), name="input_layer")
    x = layers.Conv2D(4, 3, padding="same", data_format="channels_first", name="conv_cf")(inp)
    cf = keras.Model(inp, x, name="channels_first")
    seed_weights(cf, 8)
    cf.save(tmp / "cf.keras")
    rezip(tmp / "cf.keras", d / "channels_first.keras")
    rows.append(("channels_first.keras", "Conv2D with data_format 'channels_first' on a (3, 8, 8) input",
                 "refuse: channels_first is not supported (layer conv_cf)"))
    # the untouched base, for comparison
    rezip(base, d / "base.keras")
    rows.append(("base.keras", "the valid tiny model (input 8x8x3 -> conv_a -> conv_b -> pool -> dense softmax) "
                 "the damaged .keras files are derived from (dates fixed)", "load normally"))

    lines = ["# Fixtures/zoo/hostile", "",
             "Written by `Scripts/make_zoo.py` (do not edit by hand). Small damaged or unsupported model files "
             "for the Keras model reader. All `.keras` files here are rewritten by the script with fixed entry "
             "times, a fixed `date_saved` and `shared_object_id`s renumbered 1, 2, ... (Keras writes Python "
             "id()s), so they are byte-identical between runs (`lambda.*` only when run from the same "
             "checkout path: the marshalled bytecode holds the script's file name). Weight keys inside "
             "`model.weights.h5`: conv_a is `layers/conv2d`, conv_b `layers/conv2d_1`, dense `layers/dense`. "
             "A zip bomb and a 100 MB config.json are generated by the Swift tests at run time, not stored.", "",
             "| file | what it is | what the engine must answer |", "| --- | --- | --- |"]
    for f, what, answer in rows:
        lines.append(f"| `{f}` | {what} | {answer} |")
    (d / "README.md").write_text("\n".join(lines) + "\n")
    shutil.rmtree(tmp)
    log(f"  hostile: {len(rows)} files")


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def check_efficientnet_classes(model):
    fresh()
    ref = keras.applications.EfficientNetB0(weights=None)
    want = {l.__class__.__name__ for l in ref.layers}
    have = {l.__class__.__name__ for l in model.layers}
    missing = want - have
    assert not missing, f"efficientnet_mini lacks {missing}"
    return sorted(want)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", help="make only these models (and hostile if named)")
    ap.add_argument("--out", default=str(ZOO))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    zoo = Zoo(out)
    only = set(args.only or [])

    def want(n):
        return not only or n in only

    log(f"keras {keras.__version__}, tensorflow {tf.__version__}, writing {rel(out)}")

    if want("classroom_cnn"):
        fresh(11)
        m = classroom_cnn(keras)
        seed_weights(m, 11, gain=np.sqrt(2), head="dense_1", head_gain=3.0)
        x = digit_image(12)[None]
        rows, _ = zoo.save_and_record("classroom_cnn", m, x, record=None, classifier=True, budget=FULL_BUDGET,
                                      inputs_desc="MNIST-like 28x28x1 picture in [0, 1] (digit_image(seed 12))")
        extra = keras2_copy(zoo, "classroom_cnn", classroom_cnn, m, x, rows)
        man = json.loads((out / "classroom_cnn" / "manifest.json").read_text())
        man.update(extra)
        dump_json(man, out / "classroom_cnn" / "manifest.json")
        explain(zoo, "classroom_cnn", m, x, "conv2d_1", "dense_1")

    if want("resnet_mini"):
        fresh(21)
        m = resnet_mini(keras)
        seed_weights(m, 21, gain=np.sqrt(2), head="predictions", head_gain=4.0)
        x = caffe(smooth_image(64, 64, 22))[None]
        calibrate_bn(m, [x], 1021)
        rec = ["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool",
               "conv2_block1_0_conv", "conv2_block1_3_bn", "conv2_block1_add", "conv2_block1_out",
               "conv2_block2_out", "conv3_block1_1_conv", "conv3_block1_2_relu", "conv3_block1_out",
               "conv3_block2_add", "conv3_block2_out", "avg_pool", "predictions"]
        rows, _ = zoo.save_and_record("resnet_mini", m, x, record=rec, classifier=True,
                                      inputs_desc="caffe-preprocessed (resnet50.preprocess_input: RGB->BGR, minus "
                                                  "[103.939, 116.779, 123.68]) smooth_image(64, 64, seed 22)")
        extra = keras2_copy(zoo, "resnet_mini", resnet_mini, m, x, rows)
        man = json.loads((out / "resnet_mini" / "manifest.json").read_text())
        man.update(extra)
        dump_json(man, out / "resnet_mini" / "manifest.json")
        explain(zoo, "resnet_mini", m, x, "conv3_block2_out", "predictions")

    if want("transfer_mobilenetv2"):
        fresh(31)
        m, base = transfer_mobilenetv2()
        seed_weights(m, 31, gain=np.sqrt(2), head="dense", head_gain=4.0)
        x = smooth_image(160, 160, 32)[None]
        calibrate_bn(m, [x], 1031)
        bn = base.name
        rec = ["subtract", f"{bn}/Conv1", f"{bn}/Conv1_relu", f"{bn}/block_3_expand_relu", f"{bn}/block_6_depthwise",
               f"{bn}/block_11_add", f"{bn}/block_13_depthwise_relu", f"{bn}/block_16_project_BN",
               f"{bn}/Conv_1", f"{bn}/out_relu", bn, "global_average_pooling2d", "dropout", "dense"]
        zoo.save_and_record("transfer_mobilenetv2", m, x, record=rec, classifier=True, preprocess_inside=True,
                            inputs_desc="raw pixels 0..255, smooth_image(160, 160, seed 32)",
                            notes=["keras.applications.mobilenet_v2.preprocess_input(inputs) is stored as two op "
                                   "nodes: true_divide (TrueDivide, module keras.src.ops.numpy, args [tensor, 127.5]) "
                                   "and subtract (Subtract, keras.src.ops.numpy, args [tensor, 1.0])",
                                   f"the base is a nested Functional named {bn} (the name has a dot), called with "
                                   "kwargs {training: false, mask: null}",
                                   "base.trainable = False: in the legacy .h5 the nested layer's weight_names are all "
                                   "non-trainable, so they come in creation order (Conv1/kernel, bn_Conv1/gamma, "
                                   "bn_Conv1/beta, bn_Conv1/moving_mean, ...), not trainable-then-moving-statistics as "
                                   "for a trainable nested model: take the order from weight_names, match by name",
                                   "in model.weights.h5 the nested model's weights live under layers/functional/"
                                   "layers/<class-based key>/vars (layers/functional/layers/conv2d/vars has attribute "
                                   "name = Conv1)",
                                   "Keras 3.15.1's own load_model cannot read the .h5 back (TrueDivide is not a layer "
                                   "to its legacy loader); the .keras loads"])

    if want("mobilenetv3small"):
        fresh(41)
        m = keras.applications.MobileNetV3Small(input_shape=(96, 96, 3), alpha=0.1, minimalistic=False,
                                                include_top=True, weights=None, classes=10,
                                                include_preprocessing=True)
        seed_weights(m, 41, gain=np.sqrt(2), head="logits", head_gain=3.0)
        x = smooth_image(96, 96, 42)[None]
        calibrate_bn(m, [x], 1041)
        rec = ["rescaling", "conv", "conv_bn", "activation", "expanded_conv_depthwise_pad",
               "expanded_conv_depthwise", "expanded_conv_squeeze_excite_avg_pool",
               "expanded_conv_squeeze_excite_conv_1", "add", "re_lu_1", "multiply",
               "expanded_conv_squeeze_excite_mul", "expanded_conv_2_add", "expanded_conv_5_add",
               "expanded_conv_8_depthwise", "expanded_conv_10_add", "conv_1", "activation_17",
               "global_average_pooling2d", "conv_2", "activation_18", "logits", "flatten", "predictions"]
        zoo.save_and_record("mobilenetv3small", m, x, record=rec, classifier=True, preprocess_inside=True,
                            inputs_desc="raw pixels 0..255, smooth_image(96, 96, seed 42)",
                            notes=["alpha 0.1, not the 0.75 first planned: with include_top the 1024-channel conv_2 "
                                   "keeps MobileNetV3Small at alpha 0.75 at 1,036,802 parameters whatever the input "
                                   "size (measured: .keras 4,723,871 B + .h5 4,650,728 B = 9.4 MB, next to 4.3 MB for "
                                   "transfer_mobilenetv2, over the zoo's ~12 MB and Fixtures' 25 MB). alpha only changes "
                                   "channel counts (all multiples of 8 at any alpha); the layer types, op nodes and "
                                   "graph are the same as at 0.75",
                                   "include_preprocessing=True: a Rescaling(scale 1/127.5, offset -1) layer inside",
                                   "hard_sigmoid is written as op nodes: add (keras.src.ops.numpy Add, args [t, 3.0]) "
                                   "-> ReLU(max_value 6) -> multiply (ops.numpy Multiply, args [t, 0.16666666666666666]) "
                                   "for the SE gate, then the Multiply layer *_squeeze_excite_mul (H, W, C) x (1, 1, C); "
                                   "the main path's hard_swish is Activation('hard_silu') (stored as 'hard_silu'); names add, multiply, add_1 "
                                   "... are ops, expanded_conv_2_add ... are merging layers",
                                   "SE pooling: GlobalAveragePooling2D(keepdims=True)",
                                   "Keras 3.15.1's own load_model cannot read the .h5 back (its legacy loader resolves "
                                   "the op node Add to the merging layer Add, which refuses the scalar 3.0); the "
                                   ".keras loads"])

    if want("efficientnet_mini"):
        fresh(51)
        sample = np.stack([smooth_image(64, 64, s) for s in range(500, 508)])
        m = efficientnet_mini(sample)
        seed_weights(m, 51, gain=np.sqrt(2), head="predictions", head_gain=4.0)
        classes = check_efficientnet_classes(m)
        x = smooth_image(64, 64, 52)[None]
        calibrate_bn(m, [x], 1051)
        rec = ["rescaling", "normalization", "stem_conv_pad", "stem_conv", "stem_activation",
               "block1a_dwconv", "block1a_se_squeeze", "block1a_se_reshape", "block1a_se_reduce",
               "block1a_se_expand", "block1a_se_excite", "block1a_project_bn", "block2a_expand_activation",
               "block2a_dwconv_pad", "block2a_dwconv", "block2b_drop", "block2b_add",
               "block3a_se_squeeze", "block3a_se_excite", "block3b_add", "top_conv", "top_activation",
               "avg_pool", "top_dropout", "predictions"]
        norm = m.get_layer("normalization")
        zoo.save_and_record("efficientnet_mini", m, x, record=rec, classifier=True, preprocess_inside=True,
                            inputs_desc="raw pixels 0..255, smooth_image(64, 64, seed 52)",
                            extra={"efficientnetb0_layer_classes": classes,
                                   "normalization_adapted": {
                                       "mean": [float(v) for v in np.ravel(norm.adapt_mean)],
                                       "variance": [float(v) for v in np.ravel(norm.adapt_variance)],
                                       "note": "adapted on 8 smooth_image(64, 64, seeds 500..507) / 255; stored "
                                               "as variables mean, variance, count (vars/0, 1, 2; count is int64 "
                                               "in model.weights.h5), config mean/variance null. y = (x - mean) / "
                                               "max(sqrt(variance), 1e-7): VARIANCE, not std"}})

    if want("densenet_mini"):
        fresh(61)
        m = densenet_mini()
        seed_weights(m, 61, gain=np.sqrt(2), head="predictions", head_gain=4.0)
        x = torch_style(smooth_image(64, 64, 62))[None]
        calibrate_bn(m, [x], 1061)
        rec = ["zero_padding2d", "conv1_conv", "conv1_relu", "zero_padding2d_1", "pool1",
               "conv2_block1_0_bn", "conv2_block1_2_conv", "conv2_block1_concat", "conv2_block2_concat",
               "pool2_conv", "pool2_pool", "conv3_block2_concat", "pool3_pool", "conv4_block2_concat",
               "bn", "relu", "avg_pool", "predictions"]
        zoo.save_and_record("densenet_mini", m, x, record=rec, classifier=True,
                            inputs_desc="torch-preprocessed (densenet.preprocess_input: /255, minus [0.485, 0.456, "
                                        "0.406], divided by [0.229, 0.224, 0.225]) smooth_image(64, 64, seed 62)")

    rng_in = lambda seed, shape, lo, hi: np.random.default_rng(seed).uniform(lo, hi, shape).astype(np.float32)
    if want("layers_conv"):
        fresh(71)
        m = layers_conv()
        seed_weights(m, 71)
        zoo.save_and_record("layers_conv", m, rng_in(72, (1, 17, 13, 3), -1, 1), budget=FULL_BUDGET,
                            inputs_desc="uniform [-1, 1], seed 72")
    if want("layers_norm"):
        fresh(73)
        m = layers_norm()
        seed_weights(m, 73)
        zoo.save_and_record("layers_norm", m, rng_in(74, (1, 9, 11, 5), -3, 6), budget=FULL_BUDGET,
                            inputs_desc="uniform [-3, 6], seed 74",
                            notes=["norm_config: mean/variance given in the config (lists), no variables",
                                   "norm_adapted: config mean/variance null; values in model.weights.h5 vars "
                                   "0 mean, 1 variance, 2 count (int64); shape (1, 1, 1, C) in the layer, (C,) stored",
                                   "norm_zero_variance: variance 0 and 1e-20 -> divides by max(sqrt(var), 1e-7)",
                                   "norm_invert: invert=True, y = mean + x * max(sqrt(var), 1e-7)"])
    if want("layers_activation"):
        fresh(75)
        m = layers_activation()
        seed_weights(m, 75)
        zoo.save_and_record("layers_activation", m, rng_in(76, (1, 7, 9, 4), -8, 8), budget=FULL_BUDGET,
                            inputs_desc="uniform [-8, 8], seed 76 (reaches relu6's and hard_sigmoid's clips)",
                            notes=["Keras 3 hard_sigmoid = clip(x / 6 + 0.5, 0, 1) (Keras 2: 0.2 x + 0.5); "
                                   "hard_swish = hard_silu = x * hard_sigmoid(x); swish = silu",
                                   "activation 'gelu' (string) is the exact erf GELU (approximate=False); the tanh "
                                   "approximation appears only as an op node, see layers_ops",
                                   "leaky_relu as an activation string has negative_slope 0.2; the LeakyReLU layer's "
                                   "default is 0.3",
                                   "act_gelu_function: Activation(keras.activations.gelu) is serialized as the string "
                                   "'gelu'",
                                   "softmax on a (H, W, C) map is over the last axis"])
    if want("layers_merge"):
        fresh(77)
        m = layers_merge()
        seed_weights(m, 77)
        zoo.save_and_record("layers_merge", m, rng_in(78, (1, 6, 7, 3), -1, 1), budget=FULL_BUDGET,
                            inputs_desc="uniform [-1, 1], seed 78",
                            notes=["shared_conv is called twice (node_index 0 on branch_a, 1 on branch_b); the "
                                   "second call is keras_history [shared_conv, 1, 0] in shared_sum's inbound",
                                   "inner_sequential is a Sequential nested in the Functional; its layers are "
                                   "recorded as inner_sequential/inner_conv etc.",
                                   "multiply_broadcast: (6, 7, 4) x (1, 1, 4); add_broadcast: (1, 1, 4) + (6, 7, 4)",
                                   "two outputs: out_pool (C,) and out_map (H, W, 2)"])
    if want("layers_pool"):
        fresh(79)
        m = layers_pool()
        zoo.save_and_record("layers_pool", m, np.random.default_rng(80).normal(size=(1, 17, 13, 5)).astype(np.float32),
                            budget=FULL_BUDGET, inputs_desc="N(0, 1), seed 80 (negative values: max 'same' pads with -inf)",
                            layer_notes={"upsample_bilinear": "interpolation 'bilinear' (tf.image.resize bilinear, "
                                                              "half-pixel centres)"},
                            notes=["AveragePooling2D 'same' divides by the number of real (unpadded) cells",
                                   "UpSampling2D 'upsample_bilinear' uses interpolation='bilinear'"])
    if want("layers_shape"):
        fresh(81)
        m = layers_shape()
        seed_weights(m, 81)
        zoo.save_and_record("layers_shape", m, rng_in(82, (1, 5, 6, 4), -1, 1), budget=FULL_BUDGET, classifier=True,
                            inputs_desc="uniform [-1, 1], seed 82",
                            notes=["Dropout, SpatialDropout2D, GaussianNoise, GaussianDropout, Identity are the "
                                   "identity at inference",
                                   "Reshape and Flatten are row-major over (H, W, C); Permute dims count from 1 "
                                   "without the batch axis",
                                   "Dense on a rank-3 or rank-2 tensor applies to the last axis"])
    if want("layers_ops"):
        fresh(83)
        m = layers_ops()
        seed_weights(m, 83)
        zoo.save_and_record("layers_ops", m, rng_in(84, (1, 6, 5, 3), 0, 255).round(), budget=FULL_BUDGET,
                            inputs_desc="integers 0..255 (raw pixels), seed 84",
                            notes=["arithmetic on symbolic tensors and keras.ops calls are op nodes (module "
                                   "keras.src.ops.numpy or keras.src.ops.nn) with scalars among args: "
                                   "x / 127.5 -> TrueDivide args [t, 127.5]; x - 1 -> Subtract [t, 1] (an int); "
                                   "x * 2 -> Multiply [t, 2]; x + 3 -> Add [t, 3]; 1 - x -> Subtract [1, t] (scalar "
                                   "FIRST); 2.0 * x -> Multiply [2.0, t]; ops.multiply(a, b) -> Multiply [t, t]; "
                                   "ops.divide(t, 4.0) -> Divide (not TrueDivide); -x -> Negative [t]",
                                   "op names (add, multiply, subtract_1 ...) share the namespace with layer names; "
                                   "dispatch on module + class_name: keras.src.ops.numpy Add is not keras.layers Add",
                                   "ops.gelu(x, approximate=True) and ops.gelu(x, approximate=False) -> module "
                                   "keras.src.ops.nn, class Gelu, config {approximate}; ops.gelu's default is True "
                                   "while activations.gelu / activation='gelu' is the exact erf form",
                                   "Keras 3.15.1's own load_model cannot read the .h5 back (TrueDivide unknown to its "
                                   "legacy loader); the .keras loads"])

    if want("hostile"):
        make_hostile(out)

    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"Fixtures/zoo: {total} bytes")
    for name, params, sizes in zoo.summary:
        log(f"  {name:24s} {params:9d} params  .keras {sizes['keras']:9d}  .h5 {sizes['h5']:9d}")
    if out == ZOO and not only:
        assert total <= SIZE_LIMIT, f"Fixtures/zoo is {total} bytes, over {SIZE_LIMIT}"


if __name__ == "__main__":
    main()
