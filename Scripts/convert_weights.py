#!/usr/bin/env python3
"""Converts a TFLite MobileNetV2 classifier into Keras's legacy HDF5 weights layout.

    Scripts/convert_weights.py MODEL.tflite OUT.h5

The output is what featuremaps reads (`featuremaps classify --weights OUT.h5 cat.png`) and what
`keras.applications.MobileNetV2(alpha=A, weights=None).load_weights(OUT.h5)` loads:
- root attributes `backend` = "tensorflow", `keras_version` = "2.2.4", `layer_names` (the layers
  with weights, in model order), one group per layer with attribute `weight_names`, datasets
  `<layer>/<layer>/<weight>:0`, all strings variable-length ASCII;
- float32 values: integer weights dequantized as (q - zero_point) * scale, per tensor or per
  channel; int32 biases with their own stored scale (input scale x weight scale);
- TFLite folds BatchNorm into the convolutions, so each Keras BN layer is written as identity
  plus the folded bias: gamma 1, moving_mean 0, moving_variance 1 - 0.001 (Keras's epsilon),
  beta = bias;
- Keras layouts: CONV_2D [out, kh, kw, in] -> [kh, kw, in, out]; DEPTHWISE_CONV_2D [1, kh, kw, C]
  -> [kh, kw, C, 1]; FULLY_CONNECTED [out, in] (or a 1x1 CONV_2D head) -> [in, out];
- a 1001-class head (TF-slim's, class 0 = background) loses class 0: 1000 ImageNet classes.

Needs numpy, h5py and the PyPI package `tflite` (with `flatbuffers`); no TensorFlow. The versions
tested are pinned in Scripts/convert_weights.requirements.txt; Scripts/convert-weights runs this
script in a venv it sets up with them. The file is written to a temporary
file beside OUT and renamed, so a failed run leaves nothing behind.

Exit status: 0 converted; 64 usage; 66 the model is missing, unreadable, not TFLite, or not a
MobileNetV2 this script recognises; 69 a required Python package is missing; 73 OUT cannot be
written; 1 an internal error. Every failure is one line on stderr.
"""

import argparse
import os
import sys
import tempfile

EX_USAGE, EX_NOINPUT, EX_UNAVAILABLE, EX_CANTCREAT = 64, 66, 69, 73
PUBLISHED_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
PROGRAM = "convert_weights"


class Failure(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def make_divisible(v, divisor=8):
    """Keras's `_make_divisible`."""
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def published_alpha(summary):
    """The Keras width multiplier whose channel counts these are, or None."""
    from tflite_mobilenet_v2 import BLOCKS
    for a in PUBLISHED_ALPHAS:
        head = make_divisible(1280 * a) if a > 1.0 else 1280
        if (make_divisible(32 * a) == summary["stem"] and head == summary["head"]
                and [make_divisible(int(f * a)) for f, _, _ in BLOCKS] == summary["blocks"]):
            return a
    return None


def read_model(path):
    from tflite_graph import Graph, GraphError
    from tflite_mobilenet_v2 import NotMobileNetV2, match
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise Failure(f"{path}: no such file; give the path of a .tflite MobileNetV2 classifier", EX_NOINPUT)
    except IsADirectoryError:
        raise Failure(f"{path}: is a directory; give the path of a .tflite file", EX_NOINPUT)
    except OSError as e:
        raise Failure(f"{path}: cannot be read ({e.strerror}); check its permissions", EX_NOINPUT)
    try:
        return match(Graph(data))
    except NotMobileNetV2 as e:
        raise Failure(f"{path}: not a MobileNetV2 classifier this converter recognises: {e}", EX_NOINPUT)
    except GraphError as e:
        raise Failure(f"{path}: {e}; give a TFLite MobileNetV2 classifier", EX_NOINPUT)


def check_output(out):
    """The directory `out` will be written in; fails before any work when it cannot be."""
    directory = os.path.dirname(os.path.abspath(out))
    if os.path.isdir(out):
        raise Failure(f"{out}: is a directory; give a file name such as {out.rstrip('/')}/weights.h5", EX_CANTCREAT)
    if not os.path.isdir(directory):
        raise Failure(f"{out}: directory {directory} does not exist; create it first", EX_CANTCREAT)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise Failure(f"{out}: directory {directory} is not writable; choose another output", EX_CANTCREAT)
    return directory


def write_h5(layers, out):
    """Writes the Keras legacy layout to a temporary file beside `out`, then renames it."""
    import h5py
    import numpy as np
    directory = check_output(out)
    try:
        fd, temp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(out) + ".", suffix=".tmp")
    except OSError as e:
        raise Failure(f"{out}: cannot write in {directory} ({e.strerror}); choose a writable directory", EX_CANTCREAT)
    os.close(fd)
    ascii_str = h5py.string_dtype("ascii")
    try:
        with h5py.File(temp, "w") as f:
            f.attrs.create("backend", "tensorflow", dtype=ascii_str)
            f.attrs.create("keras_version", "2.2.4", dtype=ascii_str)
            f.attrs.create("layer_names", [name for name, _ in layers], dtype=ascii_str)
            for name, weights in layers:
                group = f.create_group(name)
                group.attrs.create("weight_names", [f"{name}/{w}:0" for w, _ in weights], dtype=ascii_str)
                for w, value in weights:
                    group.create_dataset(f"{name}/{w}:0", data=np.ascontiguousarray(value, dtype=np.float32))
        os.chmod(temp, 0o644)
        os.replace(temp, out)
    except OSError as e:
        os.unlink(temp)
        raise Failure(f"{out}: could not be written ({e.strerror or e}); check free space and permissions",
                      EX_CANTCREAT)
    except BaseException:
        os.unlink(temp)
        raise


def describe(summary, layers):
    alpha = published_alpha(summary)
    width = f"alpha {alpha}" if alpha is not None else (
        f"a width Keras does not publish (Conv1 {summary['stem']}, Conv_1 {summary['head']} channels)")
    params = sum(int(v.size) for _, weights in layers for _, v in weights)
    size = "x".join(str(d) for d in summary["input"][1:3])
    return f"MobileNetV2 {width}, input {size}, {summary['classes']} classes, {len(layers)} layers, {params} values"


def parse(argv):
    class Parser(argparse.ArgumentParser):
        def error(self, message):
            print(f"{PROGRAM}: {message}; see Scripts/convert_weights.py --help", file=sys.stderr)
            sys.exit(EX_USAGE)

    doc = __doc__.split("\n\n", 2)
    parser = Parser(prog="Scripts/convert_weights.py", description=doc[0] + "\n\n" + doc[2],
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="the TFLite MobileNetV2 classifier (.tflite), float or quantized")
    parser.add_argument("out", help="the Keras HDF5 weights file to write (.h5); replaced if it exists")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        check_output(args.out)
        try:
            import h5py  # noqa: F401
            import numpy  # noqa: F401
            import tflite  # noqa: F401
        except ImportError as e:
            raise Failure(f"Python package '{e.name}' is missing; install the pinned set with `pip install -r "
                          f"Scripts/convert_weights.requirements.txt` (or run Scripts/convert-weights)",
                          EX_UNAVAILABLE)
        layers, summary = read_model(args.model)
        write_h5(layers, args.out)
    except Failure as e:
        print(f"{PROGRAM}: {e}", file=sys.stderr)
        return e.status
    print(f"{args.out}: {describe(summary, layers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
