#!/usr/bin/env python3
"""Keras oracle for feature visualization's gradient on a full-size ResNet50 (seeded weights).

NOT run by CI; writes to .build/zoo-large/resnet50_grad/ (ignored by git). Needs
.build/zoo-large/resnet50.keras and resnet50_input.npy from Scripts/make_zoo_large.py --only resnet50.

For each layer in LAYERS and channel in CHANNELS: the gradient, with tf.GradientTape, of the mean of
that channel of the layer's output over (H, W) with respect to the model input (the caffe-
preprocessed fixture input, 1 x 224 x 224 x 3), written as <layer>_ch<c>.npy (224 x 224 x 3 float32)
with the objective's value in values.json. LargeZooGradientTests (skipped when these files are
absent) compares GraphGradient's input gradient with them.

It also runs, in Keras, plain Adam ascent on the input pixels (no Fourier basis, no transforms) for
each objective and prints the objective every 16 steps: whether the seeded network's objective can
be climbed at all, independently of featuremaps.

Usage: /work/venv-peers/bin/python Scripts/resnet_visualize_gradient.py [--ascent-steps 64]
"""

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ZOO = ROOT / ".build" / "zoo-large"
OUT = ZOO / "resnet50_grad"
LAYERS = ["conv2_block3_2_conv", "conv3_block2_2_conv", "conv3_block4_out", "conv4_block1_1_conv", "conv4_block1_0_conv",
          "conv4_block1_out", "conv4_block2_2_conv", "conv5_block3_2_conv"]
CHANNELS = [0, 5]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ascent-steps", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1.0, help="Adam's step in caffe input units (pixel scale)")
    ap.add_argument("--float64", action="store_true",
                    help="also compute every gradient in float64 (the same weights in a float64 ResNet50), write "
                         "<layer>_ch<c>_f64.npy and print how far Keras's own float32 gradient is from it")
    args = ap.parse_args()
    model = keras.saving.load_model(ZOO / "resnet50.keras", safe_mode=True)
    x = np.load(ZOO / "resnet50_input.npy").astype(np.float32)
    if x.ndim == 3:
        x = x[None]
    OUT.mkdir(parents=True, exist_ok=True)
    sub = keras.Model(model.inputs, [model.get_layer(n).output for n in LAYERS])
    values = {}
    for li, name in enumerate(LAYERS):
        for c in CHANNELS:
            xt = tf.constant(x)
            with tf.GradientTape() as tape:
                tape.watch(xt)
                y = sub(xt, training=False)[li]
                obj = tf.reduce_mean(y[0, :, :, c])
            g = tape.gradient(obj, xt).numpy()[0].astype(np.float32)
            np.save(OUT / f"{name}_ch{c}.npy", g)
            values[f"{name}_ch{c}"] = float(obj.numpy())
            print(f"{name} ch{c}: objective {float(obj):.6g}, |grad| max {np.abs(g).max():.4g}")
    (OUT / "values.json").write_text(json.dumps(values, indent=1, sort_keys=True) + "\n")
    if args.float64:
        float64_gradients(model)

    for li, name in enumerate(LAYERS):
        c = CHANNELS[0]
        v = tf.Variable(np.random.default_rng(0).normal(0, 10, x.shape).astype(np.float32))
        opt = keras.optimizers.Adam(learning_rate=args.lr)
        trace = []
        for step in range(args.ascent_steps + 1):
            with tf.GradientTape() as tape:
                obj = tf.reduce_mean(sub(v, training=False)[li][0, :, :, c])
            if step % 16 == 0:
                trace.append(f"{float(obj):.4g}")
            if step == args.ascent_steps:
                break
            g = tape.gradient(obj, v)
            opt.apply_gradients([(-g, v)])
            v.assign(tf.clip_by_value(v, -130.0, 155.0))
        print(f"Keras pixel ascent {name} ch{c} (lr {args.lr}): " + " -> ".join(trace))


def float64_gradients(model32):
    """The float64 truth: Keras's float32 gradient (GradientTape in float32) against the same network in float64.

    Where Keras float32 is itself far from float64, a float32 engine cannot be held to Keras float32 more
    closely than that: near-zero pre-activations (ReLU kinks) flip with the last bits of the forward pass."""
    x = np.load(ZOO / "resnet50_input.npy").astype(np.float64)
    if x.ndim == 3:
        x = x[None]
    keras.config.set_dtype_policy("float64")
    model64 = keras.applications.ResNet50(weights=None)
    keras.config.set_dtype_policy("float32")
    model64.set_weights([w.astype(np.float64) for w in model32.get_weights()])
    sub64 = keras.Model(model64.inputs, [model64.get_layer(n).output for n in LAYERS])
    for li, name in enumerate(LAYERS):
        for c in CHANNELS:
            xt = tf.constant(x)
            with tf.GradientTape() as tape:
                tape.watch(xt)
                obj = tf.reduce_mean(sub64(xt, training=False)[li][0, :, :, c])
            g = tape.gradient(obj, xt).numpy()[0]
            np.save(OUT / f"{name}_ch{c}_f64.npy", g)
            g32 = np.load(OUT / f"{name}_ch{c}.npy") if (OUT / f"{name}_ch{c}.npy").exists() else None
            msg = f"{name} ch{c}: float64 objective {float(obj):.8g}, |grad| max {np.abs(g).max():.4g}"
            if g32 is not None:
                msg += (f", Keras float32 worst |diff| / max = {np.abs(g32 - g).max() / np.abs(g).max():.2e}"
                        f", |diff|_2 / |grad|_2 = {np.linalg.norm(g32 - g) / np.linalg.norm(g):.2e}")
            print(msg, flush=True)


if __name__ == "__main__":
    main()
