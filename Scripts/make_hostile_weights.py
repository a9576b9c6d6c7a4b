#!/usr/bin/env python3
"""Regenerate Fixtures/weights/hostile/: small HDF5 files that are the wrong weights.

Run:  /work/venv-keras/bin/python Scripts/make_hostile_weights.py

Nothing here runs at test time. The files are tiny; the damaged copies of the real-layout
fixture (NaN/Inf in a kernel, a wrong shape, a missing layer, truncations) are derived at test
time from Fixtures/weights/mobilenet_v2_0.35_224_fixture.h5 by Tests/CLITests (see
HostileWeightsTests), so no 7 MB variant is committed.

  not_keras.h5     a valid HDF5 file (a group and a float dataset), but no Keras layer_names
  other_model.h5   Keras 2's legacy weights layout of another model (a small CNN: conv2d,
                   batch_normalization, dense), as `model.save_weights('x.h5')` wrote it
Deterministic: fixed values, h5py's default (earliest) file format, no time stamps.
"""

from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Fixtures" / "weights" / "hostile"


def fixed(strings):
    """A numpy fixed-length byte-string array, as Keras 2 + h5py 2 stored names."""
    return np.array([s.encode() for s in strings])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with h5py.File(OUT / "not_keras.h5", "w", track_order=False) as f:
        f.create_group("experiment").create_dataset("data", data=np.arange(12, dtype=np.float32).reshape(3, 4))
        f.attrs["note"] = b"an HDF5 file that is not Keras weights"

    layers = {
        "input_1": [],
        "conv2d": [("kernel:0", (3, 3, 3, 8)), ("bias:0", (8,))],
        "batch_normalization": [("gamma:0", (8,)), ("beta:0", (8,)), ("moving_mean:0", (8,)), ("moving_variance:0", (8,))],
        "flatten": [],
        "dense": [("kernel:0", (8, 10)), ("bias:0", (10,))],
    }
    with h5py.File(OUT / "other_model.h5", "w") as f:
        f.attrs["layer_names"] = fixed(layers)
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for i, (layer, weights) in enumerate(layers.items()):
            g = f.create_group(layer)
            names = [f"{layer}/{w}" for w, _ in weights]
            g.attrs["weight_names"] = fixed(names) if names else np.array([], dtype=np.float64)
            for j, (w, shape) in enumerate(weights):
                values = (np.arange(np.prod(shape), dtype=np.float32) / 100 + i + j / 10).reshape(shape)
                g.create_dataset(f"{layer}/{w}", data=values)
    for p in sorted(OUT.iterdir()):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()
