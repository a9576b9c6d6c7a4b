import FeatureMapsKernelTypes

// Pattern: Conv2D 1x1 (stride 1, groups 1, no bias, linear) [-> BatchNormalization (channels)
//   [-> Add(residual, .)] [-> ReLU(max_value 6) | ReLU() | Activation relu(6)]]
// (the convolution alone when its output is requested or read twice: BatchNormFusion then takes
// its BatchNorm)
// as one step: the engine's pointwise GEMM (Kernels.pointwise: register GEMM at 16 lanes, C kernels
// chosen by CPUID; OpenBLAS or register at 8 lanes, Kernels.gemmChoice) with BatchNorm, the residual
// and ReLU6 in its epilogue, applied to each output block while it is in cache. Plain ReLU is a
// pass over the output after it. In MobileNetV2 this is every block_N_expand (+_BN, _relu),
// block_N_project (+_BN [+ block_N_add]) and Conv_1 (+ Conv_1_bn, out_relu).
// Shapes: input (H, W, Cin), kernel (1, 1, Cin, F) read in place as the GEMM's B [Cin x F],
// output and residual (H, W, F).

/// The fused layer; `chain` holds the layers it replaces, run one after another when the
/// executor's kernels are `.reference` (its twin) or when the residual does not have the output's
/// shape (a broadcast Add).
public struct FusedPointwiseLayer: GraphLayer {
    public let chain: LayerChain
    /// (1, 1, Cin, F).
    let kernel: WeightArray
    /// The folded BatchNormalization; nil when the convolution runs alone (its output requested).
    let bn: BatchNormAffine?
    let residual: Bool
    let activation: FusedActivation
    let simd: SIMDWidth

    public var kerasClassName: String { chain.kerasClassName }
    public var inputCount: ClosedRange<Int> { chain.inputCount }
    public var parameterCount: Int { chain.parameterCount }
    public func outputShape(inputs: [Shape]) throws -> Shape { try chain.outputShape(inputs: inputs) }

    var filters: Int { kernel.shape[3] }

    /// Inputs: x (H, W, Cin) [, residual (H, W, F)] -> (H, W, F).
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        let (h, w, cin, f) = (x.shape[0], x.shape[1], x.shape[2], filters)
        let shape: Shape = [h, w, f]
        guard context.kernels == .fast, !residual || inputs[1].shape == shape else { return chain.forward(inputs, context) }
        var out = NDArray.uninitialized(shape)
        let r = residual ? inputs[1].data : []
        x.data.withUnsafeBufferPointer { a in
            r.withUnsafeBufferPointer { r in
                out.data.withUnsafeMutableBufferPointer { c in
                    run(context, input: a.baseAddress!, pixels: h * w, cin: cin, residual: residual ? r.baseAddress : nil, output: c.baseAddress!)
                }
            }
        }
        return out
    }

    /// The kernel on raw memory: input rows (pixels x Cin), output and residual (pixels x F).
    func run(
        _ context: ExecutionContext, input: UnsafePointer<Float>, pixels: Int, cin: Int, residual: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>
    ) {
        kernel.values.withUnsafeBufferPointer { b in
            withEpilogue(bn, residual: residual, relu6: activation == .relu6) { e in
                Kernels.pointwise(
                    context.pool, a: input, m: pixels, k: cin, b: b.baseAddress!, n: filters, c: output, epilogue: e, simd: simd)
            }
        }
        activation.applyAfterEpilogue(output, rows: pixels, width: filters, context)
    }
}

/// Finds the pattern above in the steps and replaces each match with one FusedPointwiseLayer step.
public struct PointwiseConvFusion: FusionPass {
    let simd: SIMDWidth
    let folding: BatchNormFolding

    /// `simd`: the width of the kernels the fused layers run (default the widest this CPU runs).
    public init(simd: SIMDWidth = .best) { self.init(simd: simd, folding: BatchNormFolding()) }
    init(simd: SIMDWidth, folding: BatchNormFolding) {
        require(simd.isSupported, "this CPU does not run the \(simd) kernels")
        self.simd = simd
        self.folding = folding
    }

    /// A 1x1 convolution the pointwise GEMM computes: stride 1, one group, no bias, no activation.
    static func matches(_ conv: Conv2DLayer) -> Bool {
        conv.kernel.shape[0] == 1 && conv.kernel.shape[1] == 1 && conv.strides == [1, 1] && conv.groups == 1
            && conv.bias == nil && conv.activation == .linear
    }

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        let e = StepEdges(steps, keeping: keep)
        var fused: [(chain: [Int], step: ExecutionStep)] = []
        for i in steps.indices {
            guard let conv = steps[i].layer as? Conv2DLayer, Self.matches(conv), steps[i].inputs.count == 1,
                case let tail = ConvTail(e, head: i, channels: conv.filters, residual: true)
            else { continue }
            let layer = FusedPointwiseLayer(
                chain: tail.layerChain, kernel: conv.kernel, bn: tail.affine(folding), residual: tail.residual,
                activation: tail.activation, simd: simd)
            fused.append((tail.chain, ExecutionStep(layer: layer, inputs: tail.inputs, output: steps[tail.chain.last!].output, nodes: tail.nodes(e))))
        }
        return e.replacing(fused)
    }
}
