#!/usr/bin/env python3
"""Colour oracle for the renderer: matplotlib's own viridis applied to Keras's own activations.

Reads Keras outputs that Scripts/make_fixtures.py stored (Fixtures/reference/fixture_0.35) and
writes, with matplotlib (imshow's default normalisation: Normalize(vmin=min, vmax=max), then
`viridis(..., bytes=True)`), the colour every map pixel must get:

  Fixtures/reference/render/<layer>_channel.npy  float32 [H, W, K, 3]: each channel scaled to its own min..max
  Fixtures/reference/render/<layer>_layer.npy    float32 [H, W, K, 3]: one range over the K channels
  Fixtures/reference/render/manifest.json        layers, channels (the stored ones), matplotlib version

The Swift test renders the same channels with `featuremaps render --channel-list ...` and checks
each tile pixel. Run: /path/to/venv/bin/python Scripts/make_render_oracle.py (needs numpy, matplotlib).
"""
import json
import os

import matplotlib
import numpy as np
from matplotlib import colors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "Fixtures/reference/fixture_0.35")
OUT = os.path.join(ROOT, "Fixtures/reference/render")
LAYERS = ["block_6_expand_relu", "block_5_add"]  # a ReLU6 output and an Add with negative values


def colours(values, vmin, vmax):
    """imshow's mapping of a float array: Normalize(vmin, vmax) then viridis bytes (RGB only)."""
    rgba = matplotlib.colormaps["viridis"](colors.Normalize(vmin=vmin, vmax=vmax)(values), bytes=True)
    return rgba[..., :3].astype(np.float32)


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = json.load(open(os.path.join(SOURCE, "manifest.json")))
    entries = []
    for layer in manifest["layers"]:
        if layer["name"] not in LAYERS:
            continue
        data = np.load(os.path.join(SOURCE, layer["file"])).astype(np.float64)  # [H, W, K]
        per_channel = np.stack(
            [colours(data[..., k], data[..., k].min(), data[..., k].max()) for k in range(data.shape[-1])], axis=2)
        shared = colours(data, data.min(), data.max())
        np.save(os.path.join(OUT, layer["name"] + "_channel.npy"), per_channel)
        np.save(os.path.join(OUT, layer["name"] + "_layer.npy"), shared)
        entries.append({"name": layer["name"], "channels": layer["channels"], "shape": layer["shape"],
                        "channel_file": layer["name"] + "_channel.npy", "layer_file": layer["name"] + "_layer.npy"})
    json.dump({"generator": "Scripts/make_render_oracle.py", "matplotlib_version": matplotlib.__version__,
               "source": "Fixtures/reference/fixture_0.35 (Keras outputs of the fixture model on Fixtures/images/fixture.png)",
               "weights_file": manifest["weights_file"], "image_file": manifest["image_file"],
               "layers": entries}, open(os.path.join(OUT, "manifest.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
