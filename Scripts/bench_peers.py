"""Forward-pass speed of featuremaps against TFLite (XNNPACK) and ONNX Runtime, in one session.

Run by Scripts/bench_peers inside its venv (.build/venv-peers). Converts the Keras weights file
into a float32 TFLite model (TFLiteConverter, no quantization) and an ONNX model (tf2onnx), checks
that both agree with featuremaps' own predictions, then times, for each thread count, rounds of
`--runs` passes of each engine in turn (TFLite, ONNX Runtime, featuremaps via `featuremaps bench
--json`), alternating so that the machine's load changes touch all three alike. Prints medians and
minimums over all rounds, and featuremaps / peer ratios. `--baseline BINARY` times another
featuremaps build (e.g. the previous commit's) in the same rounds and prints the ratio of the two. When OPENBLAS_CORETYPE is set in the
environment (it overrides OpenBLAS's own choice of kernels), featuremaps is also timed without it.

Warm-up: the peers are warmed up once (10 passes) and then stay in this process, warm, for every
round. featuremaps runs as a fresh process each round; its first 20-30 passes are measured to be
slower and irregular on the development machines (2-4.5 ms instead of 1.8 with 2 threads: the
process's memory, caches and the cores it lands on settle), so it gets `--warmup` 30 untimed passes
before its timed ones, the same steady state as the peers. The line "fresh process" shows it with
5 warm-up passes, for comparison.
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


def convert(weights, size, folder):
    """Keras MobileNetV2 with `weights` -> (tflite path, onnx path, keras model)."""
    import tensorflow as tf
    import keras
    model = keras.applications.MobileNetV2(input_shape=(size, size, 3), weights=None)
    model.load_weights(weights)
    # TFLite from a SavedModel export (converting the Keras 3 model's concrete function directly
    # gives a model that outputs NaN with this TensorFlow); ONNX from the same function by tf2onnx.
    saved = os.path.join(folder, "saved_model")
    model.export(saved, format="tf_saved_model", verbose=False)
    tflite_path = os.path.join(folder, "mobilenet_v2.tflite")
    with open(tflite_path, "wb") as f:
        f.write(tf.lite.TFLiteConverter.from_saved_model(saved).convert())
    import tf2onnx
    spec = [tf.TensorSpec((1, size, size, 3), tf.float32, name="input")]
    fn = tf.function(lambda x: model(x, training=False), input_signature=spec)
    onnx_path = os.path.join(folder, "mobilenet_v2.onnx")
    tf2onnx.convert.from_function(fn, input_signature=spec, opset=17, output_path=onnx_path)
    return tflite_path, onnx_path


class TFLite:
    name = "TFLite-XNNPACK"

    def __init__(self, path, threads):
        from ai_edge_litert.interpreter import Interpreter
        self.interpreter = Interpreter(model_path=path, num_threads=threads)  # XNNPACK is the default for float
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]["index"]
        self.output = self.interpreter.get_output_details()[0]["index"]

    def __call__(self, x):
        self.interpreter.set_tensor(self.input, x)
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self.output)


class ONNXRuntime:
    name = "ONNX Runtime"

    def __init__(self, path, threads):
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name

    def __call__(self, x):
        return self.session.run(None, {self.input: x})[0]


def time_peer(engine, x, runs):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        engine(x)
        samples.append((time.perf_counter_ns() - t0) / 1e6)
    return samples


def time_featuremaps(binary, weights, image, threads, runs, unset_coretype=False, warmup=30):
    """Per-pass milliseconds from `featuremaps bench --json`, and the OpenBLAS kernels it ran."""
    env = dict(os.environ)
    if unset_coretype:
        env.pop("OPENBLAS_CORETYPE", None)
    out = subprocess.run([binary, "bench", "--json", "--weights", weights, "--threads", str(threads),
                          "--runs", str(runs), "--warmup", str(warmup), image],
                         check=True, capture_output=True, text=True, env=env).stdout
    report = json.loads(out)
    return report["samples_ms"], report["openblas_kernels"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--weights", required=True)
    p.add_argument("--image", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=40)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--baseline", help="another featuremaps binary (e.g. an older build), timed in the same rounds")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        # The input exactly as featuremaps preprocesses it (its input layer), and its predictions.
        subprocess.run([args.binary, "extract", "--weights", args.weights, "--layers", "input_layer,predictions",
                        "--out", folder, args.image], check=True, capture_output=True)
        stem = os.path.splitext(os.path.basename(args.image))[0]
        x = np.load(os.path.join(folder, stem + "_input_layer.npy"))[None].astype(np.float32)
        ours = np.load(os.path.join(folder, stem + "_predictions.npy")).reshape(-1)
        print("converting the Keras weights to TFLite (float32) and ONNX ...", file=sys.stderr)
        tflite_path, onnx_path = convert(args.weights, x.shape[1], folder)
        import ai_edge_litert, onnxruntime
        print(f"ai-edge-litert {ai_edge_litert.__version__ if hasattr(ai_edge_litert, '__version__') else '?'}, "
              f"onnxruntime {onnxruntime.__version__}")
        print(f"machine: {os.cpu_count()} cores; load {' '.join(open('/proc/loadavg').read().split()[:3])}")
        for threads in [int(t) for t in args.threads.split(",")]:
            peers = [TFLite(tflite_path, threads), ONNXRuntime(onnx_path, threads)]
            for peer in peers:
                y = np.asarray(peer(x)).reshape(-1)
                diff = float(np.max(np.abs(y - ours)))
                print(f"{peer.name}: top-1 {int(np.argmax(y))} (featuremaps {int(np.argmax(ours))}), "
                      f"max |p - featuremaps| {diff:.2e}")
                if int(np.argmax(y)) != int(np.argmax(ours)) or diff > 1e-3:
                    sys.exit(f"bench_peers: {peer.name} disagrees with featuremaps; the conversion is wrong")
                time_peer(peer, x, 10)  # warm-up
            samples = {peer.name: [] for peer in peers}
            samples["featuremaps"] = []
            # An OPENBLAS_CORETYPE in the environment overrides OpenBLAS's own choice of kernels
            # (this workplace sets Haswell): featuremaps is timed both ways.
            other = "featuremaps, OPENBLAS_CORETYPE unset"
            if "OPENBLAS_CORETYPE" in os.environ:
                samples[other] = []
            fresh = "featuremaps, fresh process (5 warm-up passes)"
            samples[fresh] = []
            baseline = "featuremaps baseline build"
            if args.baseline:
                samples[baseline] = []
            kernels = {}
            for _ in range(args.rounds):
                for peer in peers:
                    samples[peer.name] += time_peer(peer, x, args.runs)
                ms, kernels["featuremaps"] = time_featuremaps(args.binary, args.weights, args.image, threads, args.runs)
                samples["featuremaps"] += ms
                if other in samples:
                    ms, kernels[other] = time_featuremaps(args.binary, args.weights, args.image, threads, args.runs,
                                                          unset_coretype=True)
                    samples[other] += ms
                ms, kernels[fresh] = time_featuremaps(args.binary, args.weights, args.image, threads, args.runs, warmup=5)
                samples[fresh] += ms
                if args.baseline:
                    ms, kernels[baseline] = time_featuremaps(args.baseline, args.weights, args.image, threads, args.runs)
                    samples[baseline] += ms
            ours_med = statistics.median(samples["featuremaps"])
            ours_min = min(samples["featuremaps"])
            print(f"\n{threads} thread(s), {args.rounds} alternating rounds of {args.runs} passes "
                  f"(load {' '.join(open('/proc/loadavg').read().split()[:3])})")
            print(f"{'engine (OpenBLAS kernels)':52} {'median ms':>10} {'min ms':>8}   featuremaps/peer (median, min)")
            xnn = samples["TFLite-XNNPACK"]
            for name, s in samples.items():
                med, low = statistics.median(s), min(s)
                label = f"{name} ({kernels[name]})" if name in kernels else name
                if name.startswith("featuremaps"):
                    ratio = f"   vs XNNPACK {med / statistics.median(xnn):.2f}x, {low / min(xnn):.2f}x"
                else:
                    ratio = f"   {ours_med / med:.2f}x, {ours_min / low:.2f}x"
                print(f"{label:52} {med:10.3f} {low:8.3f}{ratio}")
            if args.baseline:
                base = samples[baseline]
                print(f"featuremaps / baseline build ({args.baseline}): {ours_med / statistics.median(base):.3f}x median, "
                      f"{ours_min / min(base):.3f}x min")


if __name__ == "__main__":
    main()
