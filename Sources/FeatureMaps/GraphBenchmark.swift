import FeatureMapsEngine
import FeatureMapsSupport

extension Benchmark {
    /// `run`: every step of the graph timed, summed per pass by layer kind (its
    /// Keras class; a fused step by its chain, "Conv2D+BatchNormalization+ReLU"), each kind's
    /// median over the timed passes and its multiply-adds (`Arithmetic.multiplyAdds`), so the
    /// report gives GFLOP/s per layer kind. Stops after the deepest layer of `options.layers`.
    static func runGraph(_ session: Session, image: PreparedImage, options: BenchmarkOptions) throws -> BenchmarkReport {
        let graph = try session.graph(for: [image.tensor.height, image.tensor.width, image.tensor.channels])
        let stops = options.layers.isEmpty ? graph.outputs : try options.layers.map { try graph.value(named: $0) }
        let executor = GraphExecutor(graph: graph, threads: options.threads, fusions: StandardFusions.passes(simd: options.simd))
        let input = NDArray(shape: graph.shape(of: graph.inputs[0]), data: image.tensor.data)
        // Each step's kind (an index into `order`) is found on the first pass; later passes only
        // read the clock and add, so the timing costs a few nanoseconds per step.
        var order: [String] = [], macs: [Int] = [], kindOfStep: [Int] = [], samples: [[Double]] = [], totals: [Double] = []
        var spent: [Double] = []
        for run in 0..<(options.warmup + options.runs) {
            for k in spent.indices { spent[k] = 0 }
            var index = 0
            let start = MonotonicClock.nanoseconds()
            var last = start
            _ = try executor.run([input], values: stops) { step in
                let now = MonotonicClock.nanoseconds()
                if run == 0 {
                    let kind = Self.kind(step.layer.kerasClassName)
                    let k = order.firstIndex(of: kind) ?? order.count
                    if k == order.count {
                        order.append(kind)
                        macs.append(0)
                        spent.append(0)
                    }
                    kindOfStep.append(k)
                    // A fused step's arithmetic: its graph nodes' (whatever kernel computes them).
                    macs[k] += step.nodes.reduce(0) { total, n in
                        let node = graph.nodes[n]
                        return total
                            + Arithmetic.multiplyAdds(node.layer, inputs: node.inputs.map(graph.shape(of:)), output: graph.shape(of: node.output))
                    }
                }
                spent[kindOfStep[index]] += Double(now - last) / 1e6
                index += 1
                last = now
            }
            let end = MonotonicClock.nanoseconds()
            guard run >= options.warmup else { continue }
            if samples.isEmpty { samples = order.map { _ in [] } }
            for k in order.indices { samples[k].append(spent[k]) }
            totals.append(Double(end - start) / 1e6)
        }
        let stages = order.indices.map { StageReport(name: order[$0], multiplyAdds: macs[$0], timing: TimingSummary(milliseconds: samples[$0])) }
        let stopName = options.layers.last ?? graph.nodes[graph.values[graph.outputs[0].index].producer!].qualifiedName
        return BenchmarkReport(
            inputSize: image.tensor.height, threads: options.threads, runs: options.runs, stopLayer: stopName,
            stages: stages, total: TimingSummary(milliseconds: totals), samples: totals,
            peakResidentBytes: ProcessMemory.peakResidentBytes(), blasKernels: OpenBLASThreads.kernelFamily, simd: options.simd)
    }

    /// A step's kind for the table: its class, or for a long fused chain its first and last
    /// classes and how many ("Conv2D+...+Add, 9 layers").
    static func kind(_ name: String) -> String {
        let parts = name.split(separator: "+")
        guard name.count > 44, parts.count > 2 else { return name }
        return "\(parts.first!)+...+\(parts.last!), \(parts.count) layers"
    }
}
