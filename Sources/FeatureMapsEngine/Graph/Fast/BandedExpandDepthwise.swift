import FeatureMapsKernelTypes

// Pattern (on already fused steps): FusedPointwiseLayer with ReLU6 and no residual (an inverted
// residual block's expansion: block_N_expand, _BN, _relu) -> FusedDepthwiseLayer with ReLU6 (its
// [pad,] depthwise, _BN, _relu), the expanded map read by the depthwise step alone and not
// requested. One step that, on large maps, computes the expanded rows band by band into buffers
// that stay in L2 (Kernels.bandedExpandDepthwise) instead of
// writing the whole expanded map out and reading it back: blocks 1-3 of MobileNetV2 at 224 x 224.
// Smaller maps, and expansions the register GEMM does not compute (OpenBLAS's results could
// depend on the band's row count), run the two fused layers one after the other: the same bits.
// Shapes: input (H, W, Cin), expanded (H, W, C), output (OH, OW, C) (the depthwise layer's).

/// The fused block; `expand` and `depthwise` are the two fused layers it combines.
public struct FusedExpandDepthwiseLayer: GraphLayer {
    let expand: FusedPointwiseLayer
    let depthwise: FusedDepthwiseLayer
    let simd: SIMDWidth

    /// Expanded maps from this size (bytes, 1 MB: this CPU's L2) go through bands.
    static let bandingThreshold = 1 << 20

    public var kerasClassName: String { expand.kerasClassName + "+" + depthwise.kerasClassName }
    public var parameterCount: Int { expand.parameterCount + depthwise.parameterCount }
    public func outputShape(inputs: [Shape]) throws -> Shape {
        try depthwise.outputShape(inputs: [expand.outputShape(inputs: inputs)])
    }

    /// The depthwise geometry on the expanded map of an (H, W, Cin) input, nil when the fused
    /// depthwise kernel does not take it.
    func geometry(_ s: Shape) -> DepthwiseShape? { depthwise.geometry([s[0], s[1], expand.filters]) }

    /// Whether an (H, W, Cin) input runs banded.
    func runsBanded(_ s: Shape) -> Bool {
        let (h, w, cin, c) = (s[0], s[1], s[2], expand.filters)
        return h * w * c * 4 >= Self.bandingThreshold && Kernels.gemmChoice(m: h * w, k: cin, n: c, simd: simd) == .register
    }

    /// (H, W, Cin) -> (OH, OW, C).
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        guard context.kernels == .fast, let g = geometry(x.shape) else {
            return depthwise.forward([expand.forward(inputs, context)], context)
        }
        var out = NDArray.uninitialized([g.oh, g.ow, g.c])
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in run(context, x.shape, g, input: src.baseAddress!, output: dst.baseAddress!) }
        }
        return out
    }

    /// On raw memory: input (H, W, Cin) of shape `s`, output (OH, OW, C) as `g` (from `geometry`).
    /// Banded with the band buffers in the context's scratch; otherwise the expanded map in the
    /// scratch, then the depthwise layer.
    func run(_ context: ExecutionContext, _ s: Shape, _ g: DepthwiseShape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        guard runsBanded(s), expand.activation == .relu6, depthwise.activation == .relu6, !expand.residual else {
            let expanded = context.scratch.buffer(.expanded, floats: s[0] * s[1] * expand.filters)
            expand.run(context, input: input, pixels: s[0] * s[1], cin: s[2], residual: nil, output: expanded)
            depthwise.run(context, g, input: expanded, output: output)
            return
        }
        let layout = Kernels.BandLayout(g, threads: context.threads)
        let bands = context.scratch.buffer(.bands, floats: layout.chunks * layout.floats)
        expand.kernel.values.withUnsafeBufferPointer { ek in
            depthwise.depthwise.kernel.values.withUnsafeBufferPointer { dk in
                withEpilogue(expand.bn, relu6: true) { ee in
                    withEpilogue(depthwise.bn, relu6: true) { de in
                        Kernels.bandedExpandDepthwise(
                            context.pool, simd: simd, input: input, cin: s[2], expandKernel: ek.baseAddress!, expand: ee,
                            depthwiseKernel: dk.baseAddress!, depthwise: de, g, output: output,
                            bands: (0..<layout.chunks).map { bands + $0 * layout.floats })
                    }
                }
            }
        }
    }
}

/// Finds expansion + depthwise pairs among the steps PointwiseConvFusion and DepthwiseConvFusion
/// made (run it after them) and replaces each with one FusedExpandDepthwiseLayer step.
public struct BandedBlockFusion: FusionPass {
    let simd: SIMDWidth

    public init(simd: SIMDWidth = .best) {
        require(simd.isSupported, "this CPU does not run the \(simd) kernels")
        self.simd = simd
    }

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        let e = StepEdges(steps, keeping: keep)
        var fused: [(chain: [Int], step: ExecutionStep)] = []
        for i in steps.indices {
            guard let expand = steps[i].layer as? FusedPointwiseLayer, !expand.residual, expand.activation == .relu6,
                let j = e.soleReader(of: i), let dw = steps[j].layer as? FusedDepthwiseLayer, dw.activation == .relu6
            else { continue }
            let layer = FusedExpandDepthwiseLayer(expand: expand, depthwise: dw, simd: simd)
            fused.append(
                ([i, j], ExecutionStep(layer: layer, inputs: steps[i].inputs, output: steps[j].output, nodes: steps[i].nodes + steps[j].nodes)))
        }
        return e.replacing(fused)
    }
}
