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


if __name__ == "__main__":
    main()
