// Pattern: GlobalAveragePooling2D (keepdims false) -> Dense (bias, softmax or linear)
// as one step: MobileNetV2's classifier kernels (Kernels.globalAveragePool: Double sums in pixel order,
// channels split into tasks; Kernels.dense: sgemv into the bias in column blocks fixed by N;
// Kernels.softmax in Double), so the predictions do not depend on how the steps before were fused.
// In MobileNetV2: global_average_pooling2d -> predictions. Shapes: (H, W, C) -> (C) -> (N).

/// The fused layer; `chain` holds the layers it replaces (run when the kernels are `.reference`).
public struct FusedClassifierLayer: GraphLayer {
    public let chain: LayerChain
    let dense: DenseLayer

    public var kerasClassName: String { chain.kerasClassName }
    public var parameterCount: Int { chain.parameterCount }
    public func outputShape(inputs: [Shape]) throws -> Shape { try chain.outputShape(inputs: inputs) }

    /// (H, W, C) -> (N).
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        guard context.kernels == .fast else { return chain.forward(inputs, context) }
        var out = NDArray.uninitialized([dense.units])
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in run(context, x.shape, input: src.baseAddress!, output: dst.baseAddress!) }
        }
        return out
    }

    /// On raw memory: input (H, W, C) of shape `s`, output (N).
    func run(_ context: ExecutionContext, _ s: Shape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let (pixels, c, n) = (s[0] * s[1], s[2], dense.units)
        var pooled = [Float](repeating: 0, count: c)
        var logits = Tensor(height: 1, width: 1, channels: n)
        pooled.withUnsafeMutableBufferPointer { p in
            Kernels.globalAveragePool(context.pool, input, pixels: pixels, channels: c, into: p.baseAddress!)
            dense.kernel.values.withUnsafeBufferPointer { k in
                dense.bias!.values.withUnsafeBufferPointer { b in
                    logits.data.withUnsafeMutableBufferPointer { y in
                        Kernels.dense(
                            context.pool, x: p.baseAddress!, k: c, kernel: k.baseAddress!, bias: b.baseAddress!, n: n, into: y.baseAddress!)
                    }
                }
            }
        }
        let result = dense.activation == .softmax ? Kernels.softmax(logits) : logits
        result.data.withUnsafeBufferPointer { output.update(from: $0.baseAddress!, count: n) }
    }
}

/// Finds the pattern above in the steps and replaces each match with one FusedClassifierLayer step.
public struct ClassifierFusion: FusionPass {
    public init() {}

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        let e = StepEdges(steps, keeping: keep)
        var fused: [(chain: [Int], step: ExecutionStep)] = []
        for i in steps.indices {
            guard let pool = steps[i].layer as? GlobalPooling2DLayer, pool.kind == .average, !pool.keepDims,
                let j = e.soleReader(of: i), let dense = steps[j].layer as? DenseLayer, dense.bias != nil,
                dense.activation == .softmax || dense.activation == .linear
            else { continue }
            let layer = FusedClassifierLayer(chain: LayerChain(layers: [pool, dense], sideInputs: [1, 0]), dense: dense)
            fused.append(
                ([i, j], ExecutionStep(layer: layer, inputs: steps[i].inputs, output: steps[j].output, nodes: steps[i].nodes + steps[j].nodes)))
        }
        return e.replacing(fused)
    }
}
