"""featuremaps on a user's Keras model file against TFLite (XNNPACK), in one session.

Run by Scripts/bench_model_peers inside .build/venv-peers. Loads the .keras file with Keras
(keras.saving.load_model, safe_mode on), exports it as a SavedModel and converts that to a float32
TFLite model (no quantization), checks that TFLite's output agrees with featuremaps' (`featuremaps
extract`) on the input, then times, for each thread count, alternating rounds: `--runs` TFLite
passes (warm, in this process), then `featuremaps bench --model FILE --json` (a fresh process with
30 untimed passes first). Prints medians and minimums, the featuremaps / XNNPACK ratio, and
featuremaps' GFLOP/s per layer kind (its own per-step timing, from the last round).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def convert(model_path, folder):
    import tensorflow as tf
    import keras
    model = keras.saving.load_model(model_path)
    saved = os.path.join(folder, "saved_model")
    model.export(saved, format="tf_saved_model", verbose=False)
    path = os.path.join(folder, "model.tflite")
    with open(path, "wb") as f:
        f.write(tf.lite.TFLiteConverter.from_saved_model(saved).convert())
    return path


def featuremaps_bench(binary, model, x_path, threads, runs, warmup=30):
    out = subprocess.run([binary, "bench", "--json", "--model", model, "--threads", str(threads),
                          "--runs", str(runs), "--warmup", str(warmup), x_path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--model", required=True, help="a .keras file")
    p.add_argument("--input", required=True, help="an .npy input (H, W, C) or (1, H, W, C), as the model takes it")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--threads", default="1,2")
    args = p.parse_args()
    from ai_edge_litert.interpreter import Interpreter
    x = np.load(args.input).astype(np.float32)
    if x.ndim == 3:
        x = x[None]
    with tempfile.TemporaryDirectory() as folder:
        x_path = os.path.join(folder, "input.npy")
        np.save(x_path, x[0])
        layers = json.loads(subprocess.run([args.binary, "layers", "--json", "--model", args.model],
                                           check=True, capture_output=True, text=True).stdout)["layers"]
        last = layers[-1]["name"]
        subprocess.run([args.binary, "extract", "--model", args.model, "--layers", last, "--out", folder, x_path],
                       check=True, capture_output=True)
        ours = np.load(os.path.join(folder, "input_" + last.replace("/", "_") + ".npy")).reshape(-1)
        print(f"converting {args.model} to TFLite (float32) ...", file=sys.stderr)
        tflite = convert(args.model, folder)
        print(f"machine: {os.cpu_count()} cores; load {' '.join(open('/proc/loadavg').read().split()[:3])}")
        for threads in [int(t) for t in args.threads.split(",")]:
            interpreter = Interpreter(model_path=tflite, num_threads=threads)
            interpreter.allocate_tensors()
            i, o = interpreter.get_input_details()[0]["index"], interpreter.get_output_details()[0]["index"]

            def run():
                interpreter.set_tensor(i, x)
                interpreter.invoke()
                return interpreter.get_tensor(o)
            y = np.asarray(run()).reshape(-1)
            diff = float(np.max(np.abs(y - ours)))
            print(f"TFLite-XNNPACK: top-1 {int(np.argmax(y))} (featuremaps {int(np.argmax(ours))}), max |y - featuremaps| {diff:.2e}")
            if int(np.argmax(y)) != int(np.argmax(ours)) or diff > 1e-3 * max(1.0, float(np.max(np.abs(ours)))):
                sys.exit("bench_model_peers: TFLite disagrees with featuremaps; the conversion is wrong")
            for _ in range(3):
                run()
            xnn, fm, report = [], [], None
            for _ in range(args.rounds):
                for _ in range(args.runs):
                    t0 = time.perf_counter_ns()
                    run()
                    xnn.append((time.perf_counter_ns() - t0) / 1e6)
                report = featuremaps_bench(args.binary, args.model, x_path, threads, args.runs)
                fm += report["samples_ms"]
            print(f"\n{threads} thread(s), {args.rounds} alternating rounds of {args.runs} passes "
                  f"(load {' '.join(open('/proc/loadavg').read().split()[:3])})")
            print(f"{'engine':24} {'median ms':>10} {'min ms':>9}")
            print(f"{'TFLite-XNNPACK':24} {statistics.median(xnn):10.2f} {min(xnn):9.2f}")
            print(f"{'featuremaps':24} {statistics.median(fm):10.2f} {min(fm):9.2f}   vs XNNPACK "
                  f"{statistics.median(fm) / statistics.median(xnn):.2f}x median, {min(fm) / min(xnn):.2f}x min")
            print(f"featuremaps per layer kind (last round, median of {args.runs}):")
            print(f"  {'kind':44} {'M mult-adds':>12} {'ms':>9} {'GFLOP/s':>8}")
            for s in report["stages"]:
                ms = s["median_ms"]
                g = 2 * s["multiply_adds"] / (ms * 1e6) if ms > 0 else 0
                print(f"  {s['name']:44} {s['multiply_adds'] / 1e6:12.1f} {ms:9.3f} {g:8.1f}")


if __name__ == "__main__":
    main()
