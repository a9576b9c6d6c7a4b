import FeatureMapsEngine
import FeatureMapsSupport

extension Benchmark {
    /// `run` for a model file: every step of the graph timed, summed per pass by layer kind (its
    /// Keras class; a fused step by its chain, "Conv2D+BatchNormalization+ReLU"), each kind's
    /// median over the timed passes and its multiply-adds (`Arithmetic.multiplyAdds`), so the
    /// report gives GFLOP/s per layer kind. Stops after the deepest layer of `options.layers`.
    static func runGraph(_ session: Session, image: PreparedImage, options: BenchmarkOptions) throws -> BenchmarkReport {
        guard case .model(let file) = session.network else { preconditionFailure("runGraph needs a model file") }
        let graph = try file.graph(for: [image.tensor.height, image.tensor.width, image.tensor.channels])
        let stops = options.layers.isEmpty ? graph.outputs : try options.layers.map { try graph.value(named: $0) }
        let executor = GraphExecutor(graph: graph, threads: options.threads, fusions: StandardFusions.all)
        let input = NDArray(shape: graph.shape(of: graph.inputs[0]), data: image.tensor.data)
        var order: [String] = [], macs: [String: Int] = [:], samples: [String: [Double]] = [:], totals: [Double] = []
        for run in 0..<(options.warmup + options.runs) {
            var spent: [String: Double] = [:]
            let start = MonotonicClock.nanoseconds()
            var last = start
            _ = try executor.run([input], values: stops) { step in
                let now = MonotonicClock.nanoseconds()
                let kind = Self.kind(step.layer.kerasClassName)
                spent[kind, default: 0] += Double(now - last) / 1e6
                last = now
                if run == 0 {
                    if macs[kind] == nil { order.append(kind) }
                    // A fused step's arithmetic: its graph nodes' (whatever kernel computes them).
                    macs[kind, default: 0] += step.nodes.reduce(0) { total, n in
                        let node = graph.nodes[n]
                        return total
                            + Arithmetic.multiplyAdds(node.layer, inputs: node.inputs.map(graph.shape(of:)), output: graph.shape(of: node.output))
                    }
                }
            }
            let end = MonotonicClock.nanoseconds()
            guard run >= options.warmup else { continue }
            for kind in order { samples[kind, default: []].append(spent[kind] ?? 0) }
            totals.append(Double(end - start) / 1e6)
        }
        let stages = order.map { StageReport(name: $0, multiplyAdds: macs[$0]!, timing: TimingSummary(milliseconds: samples[$0]!)) }
        let stopName = options.layers.last ?? graph.nodes[graph.values[graph.outputs[0].index].producer!].qualifiedName
        return BenchmarkReport(
            inputSize: image.tensor.height, threads: options.threads, runs: options.runs, stopLayer: stopName,
            stages: stages, total: TimingSummary(milliseconds: totals), samples: totals,
            peakResidentBytes: ProcessMemory.peakResidentBytes(), blasKernels: ForwardPass.blasKernels, simd: options.simd)
    }

    /// A step's kind for the table: its class, or for a long fused chain its first and last
    /// classes and how many ("Conv2D+...+Add, 9 layers").
    static func kind(_ name: String) -> String {
        let parts = name.split(separator: "+")
        guard name.count > 44, parts.count > 2 else { return name }
        return "\(parts.first!)+...+\(parts.last!), \(parts.count) layers"
    }
}
