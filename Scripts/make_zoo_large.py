#!/usr/bin/env python3
"""Full-size keras.applications models for manual checks and benchmarks of the Keras model reader.

NOT run by CI and its outputs are NOT committed: everything goes to .build/zoo-large/ (ignored by
git), in the layout of Fixtures/zoo (Scripts/make_zoo.py): NAME.keras, NAME.h5, NAME_input.npy,
NAME/*.npy and NAME/manifest.json. Models (weights=None, then numpy-seeded weights exactly as
make_zoo.py seeds them, BatchNormalization statistics calibrated on the input):

  resnet50        keras.applications.ResNet50, 224x224, caffe input (outside the model)
  vgg16           keras.applications.VGG16, 224x224, caffe input (.keras and .h5 are ~528 MB each)
  efficientnetb0  keras.applications.EfficientNetB0, 224x224, raw 0..255 (Rescaling + Normalization
                  inside; the Normalization layer, unadapted with weights=None, gets the ImageNet
                  mean and variance = std^2 of the torch convention)
  densenet121     keras.applications.DenseNet121, 224x224, torch input (outside)
  mobilenetv2     keras.applications.MobileNetV2(alpha=1.0), 224x224, x / 127.5 - 1 (outside)

Usage: Scripts/make-zoo's venv, e.g.
    .build/venv-fixtures/bin/python Scripts/make_zoo_large.py [--only resnet50 ...] [--skip-h5-reload]
Takes a few minutes and ~2.5 GB of disk (VGG16 twice).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_zoo as z  # noqa: E402  (sets the deterministic TensorFlow options on import)
from make_zoo import keras, np, layers  # noqa: E402

OUT = z.ROOT / ".build" / "zoo-large"
BUDGET = 8192


def pick_layers(model):
    """First conv, three evenly spaced layers, the last spatial map, the pooled vector, the output."""
    calls = [op for op in model._operations if not isinstance(op, layers.InputLayer)]
    first_conv = next(op.name for op in calls if isinstance(op, layers.Conv2D))
    spatial = [op.name for op in calls if len(op.output.shape) == 4]
    picks = [first_conv, calls[len(calls) // 4].name, calls[len(calls) // 2].name,
             calls[3 * len(calls) // 4].name, spatial[-1], calls[-2].name, calls[-1].name]
    out = []
    for p in picks:
        if p not in out:
            out.append(p)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    zoo = z.Zoo(OUT)
    img = z.smooth_image(224, 224, 901)
    specs = {
        "resnet50": (lambda: keras.applications.ResNet50(weights=None), z.caffe(img), "caffe", False,
                     {"conv1_conv": 1 / 60}),
        "vgg16": (lambda: keras.applications.VGG16(weights=None), z.caffe(img), "caffe", False,
                  {"block1_conv1": 1 / 60}),
        "efficientnetb0": (lambda: keras.applications.EfficientNetB0(weights=None), img, "raw 0..255", True, None),
        "densenet121": (lambda: keras.applications.DenseNet121(weights=None), z.torch_style(img), "torch", False,
                        None),
        "mobilenetv2": (lambda: keras.applications.MobileNetV2(alpha=1.0, weights=None),
                        img / np.float32(127.5) - np.float32(1.0), "x / 127.5 - 1", False, None),
    }
    for i, (name, (build, x, desc, inside, gains)) in enumerate(specs.items()):
        if args.only and name not in args.only:
            continue
        z.log(f"{name}: building")
        z.fresh(700 + i)
        m = build()
        z.seed_weights(m, 700 + i, gain=np.sqrt(2), head="predictions", head_gain=4.0, gains=gains)
        if name == "efficientnetb0":
            norm = m.get_layer("normalization")
            norm.adapt_mean.assign(np.array([0.485, 0.456, 0.406], np.float32))
            norm.adapt_variance.assign(np.array([0.229, 0.224, 0.225], np.float32) ** 2)
            norm.finalize_state()
        xb = np.asarray(x, np.float32)[None]
        z.calibrate_bn(m, [xb], 800 + i)
        zoo.save_and_record(name, m, xb, record=pick_layers(m), budget=BUDGET, classifier=True,
                            preprocess_inside=inside,
                            inputs_desc=f"smooth_image(224, 224, seed 901), preprocessing: {desc}")
        del m
    for name, params, sizes in zoo.summary:
        z.log(f"  {name:16s} {params:10d} params  .keras {sizes['keras']:11d}  .h5 {sizes['h5']:11d}")


if __name__ == "__main__":
    main()
