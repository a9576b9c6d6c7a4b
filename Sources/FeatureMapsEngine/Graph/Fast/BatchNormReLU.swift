import FeatureMapsKernelTypes

// Pattern: BatchNormalization (last axis) [-> ReLU(max_value 6) | ReLU() | Activation relu(6)]
// left over by the convolution patterns (run it after them): a BatchNorm whose convolution's
// output was requested, so the two could not be fused. One in-place pass of the kernels'
// epilogue (Kernels.applyInPlace: y = x * scale + shift, then the ReLU6 clamp), in row tasks:
// the same arithmetic as the fused convolution epilogue, so a map is the same bits whether its
// convolution's output was requested or not.
// Shapes: any (..., C), C the BatchNorm's channels; the output has the input's shape.

/// The fused layer; `chain` holds the layers it replaces (run when the kernels are `.reference`,
/// or when the BatchNorm's axis is not the input's last).
public struct FusedBatchNormLayer: GraphLayer {
    public let chain: LayerChain
    let bn: BatchNormAffine
    let activation: FusedActivation

    public var kerasClassName: String { chain.kerasClassName }
    public var parameterCount: Int { chain.parameterCount }
    public func outputShape(inputs: [Shape]) throws -> Shape { try chain.outputShape(inputs: inputs) }

    /// In place (the input's storage when the executor hands it over).
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let axis = (chain.layers[0] as! BatchNormalizationLayer).axis
        let s = inputs[0].shape
        guard context.kernels == .fast, s.rank >= 1, s.batchlessAxis(axis) == s.rank - 1 else { return chain.forward(inputs, context) }
        var x = inputs.removeFirst()
        let c = bn.scale.count
        x.data.withUnsafeMutableBufferPointer { p in
            withEpilogue(bn, relu6: activation == .relu6) { e in
                Kernels.applyInPlace(context.pool, p.baseAddress!, pixels: p.count / c, channels: c, e)
            }
            if activation == .relu {
                let base = p.baseAddress!
                context.forEachBand(p.count / c, workPerItem: c) { FusedActivation.relu(base + $0.lowerBound * c, count: $0.count * c) }
            }
        }
        return x
    }
}

/// Finds the pattern above in the steps and replaces each match with one FusedBatchNormLayer step.
public struct BatchNormFusion: FusionPass {
    let folding: BatchNormFolding

    public init() { self.init(folding: BatchNormFolding()) }
    init(folding: BatchNormFolding) { self.folding = folding }

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        let e = StepEdges(steps, keeping: keep)
        var fused: [(chain: [Int], step: ExecutionStep)] = []
        for i in steps.indices {
            guard let bn = steps[i].layer as? BatchNormalizationLayer, steps[i].inputs.count == 1 else { continue }
            var chain = [i], layers: [any GraphLayer] = [bn], activation = FusedActivation.none
            if let k = e.soleReader(of: i), steps[k].inputs.count == 1, let a = FusedActivation(steps[k].layer) {
                chain.append(k)
                layers.append(steps[k].layer)
                activation = a
            }
            let layer = FusedBatchNormLayer(
                chain: LayerChain(layers: layers, sideInputs: [1] + layers.dropFirst().map { _ in 0 }), bn: folding.affine(bn),
                activation: activation)
            fused.append(
                (
                    chain,
                    ExecutionStep(layer: layer, inputs: steps[i].inputs, output: steps[chain.last!].output, nodes: chain.flatMap { steps[$0].nodes })
                ))
        }
        return e.replacing(fused)
    }
}
