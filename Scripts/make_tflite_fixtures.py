#!/usr/bin/env python3
"""Writes the tiny TFLite graphs that convert_weights.py must refuse (Fixtures/weights/*.tflite).

    /work/venv-keras/bin/python Scripts/make_tflite_fixtures.py   # any Python with tensorflow-cpu 2.21

Three float32 models, 16x16 RGB input, seeded weights, a few KB each; none is a MobileNetV2:
- tflite_maxpool_cnn.tflite: Conv2D 3x3/2 -> MaxPooling2D -> Flatten -> Dense(5). MobileNetV2 has
  no MAX_POOL_2D.
- tflite_wrong_expansion.tflite: MobileNetV2's opening (Conv1 3x3/2 with ReLU6, block 0 depthwise
  + project to 4 channels), then a block_1 expansion of x4 (16 channels) instead of x6.
- tflite_truncated.tflite: the same opening, then global average pooling and Dense(5): a
  MobileNetV2 that stops after block 0.
Tests check the one-line refusal and exit status 66. Run on purpose and commit the result; CI
never runs this. Two runs give the same bytes.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Fixtures", "weights")


def opening(x):
    """Conv1 and block 0 of MobileNetV2 at a small width (8 then 4 channels)."""
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False, name="Conv1")(x)
    x = layers.BatchNormalization(epsilon=1e-3, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    x = layers.DepthwiseConv2D(3, padding="same", use_bias=False, name="expanded_conv_depthwise")(x)
    x = layers.BatchNormalization(epsilon=1e-3, name="expanded_conv_depthwise_BN")(x)
    x = layers.ReLU(6.0, name="expanded_conv_depthwise_relu")(x)
    x = layers.Conv2D(4, 1, use_bias=False, name="expanded_conv_project")(x)
    return layers.BatchNormalization(epsilon=1e-3, name="expanded_conv_project_BN")(x)


def maxpool_cnn(x):
    x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    return layers.Dense(5, activation="softmax")(layers.Flatten()(x))


def wrong_expansion(x):
    x = layers.Conv2D(16, 1, use_bias=False, name="block_1_expand")(opening(x))
    x = layers.ReLU(6.0)(layers.BatchNormalization(epsilon=1e-3)(x))
    x = layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False)(x)
    x = layers.ReLU(6.0)(layers.BatchNormalization(epsilon=1e-3)(x))
    x = layers.BatchNormalization(epsilon=1e-3)(layers.Conv2D(8, 1, use_bias=False)(x))
    return layers.Dense(5, activation="softmax")(layers.GlobalAveragePooling2D()(x))


def truncated(x):
    x = layers.GlobalAveragePooling2D()(opening(x))
    return layers.Dense(5, activation="softmax", name="predictions")(x)


def convert(build, name, seed):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((16, 16, 3))
    model = keras.Model(inputs, build(inputs))
    rng = np.random.default_rng(seed)
    for layer in model.layers:  # non-trivial BatchNorm statistics so folding is visible
        if isinstance(layer, layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, c), rng.normal(0, 0.2, c), rng.normal(0, 0.2, c),
                               rng.uniform(0.5, 2.0, c)])
    data = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data)
    print(f"{path}: {len(data)} bytes")


if __name__ == "__main__":
    tf.config.experimental.enable_op_determinism()
    convert(maxpool_cnn, "tflite_maxpool_cnn.tflite", 4001)
    convert(wrong_expansion, "tflite_wrong_expansion.tflite", 4002)
    convert(truncated, "tflite_truncated.tflite", 4003)
