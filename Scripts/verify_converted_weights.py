#!/usr/bin/env python3
"""Checks by hand, with TensorFlow/Keras, that a file written by convert_weights.py is right.

    /work/venv-keras/bin/python Scripts/verify_converted_weights.py CONVERTED.h5 \
        [--tflite MODEL.tflite] [--reference REFERENCE.h5] [IMAGE ...]

Not used by the tests or CI (it needs TensorFlow). For each image (default: ../shared/images/*),
loaded as Keras's examples do (PIL, RGB, resized to the model's input with BILINEAR, x/127.5 - 1):
- `keras.applications.MobileNetV2(alpha, weights=None).load_weights(CONVERTED)` must load it
  (Keras's own legacy-h5 loader, which checks every shape);
- with --reference, the same model with REFERENCE's weights must give the same probabilities
  (max |difference| <= 1e-5) and top-1;
- with --tflite, TensorFlow Lite's interpreter running the original model must give the same top-1
  (its class index minus 1 when it has a 1001-class head); its probabilities differ by the
  quantization error, which is printed.
Prints one line per image and check; exits 1 when any check fails.
"""

import argparse
import glob
import os
import sys

import h5py
import numpy as np
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Scripts"))
from convert_weights import PUBLISHED_ALPHAS, make_divisible  # noqa: E402

PROB_TOLERANCE = 1e-5


def model_for(path, rows):
    """A Keras MobileNetV2 with the alpha and classes the file's shapes say, weights loaded from path."""
    with h5py.File(path, "r") as f:
        stem = f["Conv1/Conv1/kernel:0"].shape[3]
        classes = f["predictions/predictions/kernel:0"].shape[1]
    alpha = next(a for a in PUBLISHED_ALPHAS if make_divisible(32 * a) == stem)
    model = keras.applications.MobileNetV2(alpha=alpha, input_shape=(rows, rows, 3), weights=None,
                                           classes=classes)
    model.load_weights(path)
    return model, alpha


def load_image(path, rows):
    image = Image.open(path).convert("RGB").resize((rows, rows), Image.BILINEAR)
    return np.asarray(image, np.float32)[np.newaxis] / 127.5 - 1.0


def tflite_probabilities(interpreter, x):
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    if inp["dtype"] != np.float32:
        scale, zero = inp["quantization"]
        info = np.iinfo(inp["dtype"])
        x = np.clip(np.round(x / scale + zero), info.min, info.max).astype(inp["dtype"])
    interpreter.set_tensor(inp["index"], x)
    interpreter.invoke()
    y = interpreter.get_tensor(out["index"])[0].astype(np.float32)
    if out["dtype"] != np.float32:
        scale, zero = out["quantization"]
        y = (y - zero) * scale
    return y[1:] if y.shape[0] == 1001 else y


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("converted")
    parser.add_argument("--tflite", help="the TFLite model the file was converted from")
    parser.add_argument("--reference", help="a Keras weights file that must give the same predictions")
    parser.add_argument("--rows", type=int, default=224, help="input size (default 224)")
    parser.add_argument("images", nargs="*")
    args = parser.parse_intermixed_args()
    images = args.images or sorted(glob.glob(os.path.join(ROOT, "..", "shared", "images", "*")))
    if not images:
        sys.exit("verify: no images given and ../shared/images is absent")
    model, alpha = model_for(args.converted, args.rows)
    print(f"keras {keras.__version__}: MobileNetV2(alpha={alpha}, weights=None).load_weights({args.converted}) OK")
    reference = model_for(args.reference, args.rows)[0] if args.reference else None
    interpreter = None
    if args.tflite:
        interpreter = tf.lite.Interpreter(model_path=args.tflite)
        interpreter.allocate_tensors()
    failures = 0
    for path in images:
        x = load_image(path, args.rows)
        p = model.predict(x, verbose=0)[0]
        top = int(np.argmax(p))
        line = f"{os.path.basename(path)}: converted top-1 {top} ({p[top]:.4f})"
        if reference is not None:
            r = reference.predict(x, verbose=0)[0]
            diff = float(np.max(np.abs(p - r)))
            ok = diff <= PROB_TOLERANCE and int(np.argmax(r)) == top
            failures += not ok
            line += f"; reference top-1 {int(np.argmax(r))} ({r[int(np.argmax(r))]:.4f}), max |dp| {diff:.2e}" \
                    f" {'OK' if ok else 'FAIL'}"
        if interpreter is not None:
            t = tflite_probabilities(interpreter, x)
            ok = int(np.argmax(t)) == top
            failures += not ok
            line += f"; tflite top-1 {int(np.argmax(t))} ({t[int(np.argmax(t))]:.4f}), max |dp| " \
                    f"{float(np.max(np.abs(p - t))):.3f} {'OK' if ok else 'FAIL'}"
        print(line)
    print("verify: all checks passed" if failures == 0 else f"verify: {failures} check(s) FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
