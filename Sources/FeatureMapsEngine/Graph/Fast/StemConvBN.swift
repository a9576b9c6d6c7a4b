import FeatureMapsKernelTypes

// Pattern: Conv2D 3x3 stride 2 'same' (dilation 1, groups 1, no bias, linear) [-> BatchNormalization
//   (channels) [-> ReLU(max_value 6) | ReLU() | Activation relu(6)]] (no BatchNorm: its output requested)
// as one step: MobileNetV2's stem kernel (Kernels.stemColumns, the im2col of a 3x3 stride-2 window with
// TensorFlow's 'same' padding, then Kernels.pointwise with BatchNorm and ReLU6 in the epilogue).
// In MobileNetV2: Conv1 -> bn_Conv1 -> Conv1_relu; MobileNet v1's conv1 and v3's Conv have it too.
// Shapes: input (H, W, Cin), im2col rows (OH*OW, 9*Cin), kernel (3, 3, Cin, F) read in place as
// the GEMM's B [9*Cin x F], output (OH, OW, F) with OH = ceil(H / 2), OW = ceil(W / 2).

/// The fused layer; `chain` holds the layers it replaces (run when the kernels are `.reference`).
public struct FusedStemLayer: GraphLayer {
    public let chain: LayerChain
    /// (3, 3, Cin, F).
    let kernel: WeightArray
    /// The folded BatchNormalization; nil when the convolution runs alone (its output requested).
    let bn: BatchNormAffine?
    let activation: FusedActivation
    let simd: SIMDWidth

    public var kerasClassName: String { chain.kerasClassName }
    public var parameterCount: Int { chain.parameterCount }
    public func outputShape(inputs: [Shape]) throws -> Shape { try chain.outputShape(inputs: inputs) }

    /// (H, W, Cin) -> (ceil(H/2), ceil(W/2), F).
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        guard context.kernels == .fast else { return chain.forward(inputs, context) }
        var out = NDArray.uninitialized(outputShape(for: x.shape))
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in run(context, x.shape, input: src.baseAddress!, output: dst.baseAddress!) }
        }
        return out
    }

    func outputShape(for s: Shape) -> Shape { [MobileNetV2Architecture.halved(s[0]), MobileNetV2Architecture.halved(s[1]), kernel.shape[3]] }

    /// Output pixels per band: the band's im2col rows (27 floats each for RGB, ~220 KB) and its
    /// output stay in L2 between the im2col and the GEMM, instead of 1.35 MB of rows going through
    /// L3 at 224 x 224. The register GEMM computes each output row alike in any band: same bits;
    /// OpenBLAS (8 lanes with 9 * Cin > 32) may not, so it gets the whole image in one band.
    static let bandPixels = 2048

    /// On raw memory: input (H, W, Cin) of shape `s`, output (OH, OW, F); the im2col rows of one
    /// band of output rows at a time in the context's scratch.
    func run(_ context: ExecutionContext, _ s: Shape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let (h, w, cin, f) = (s[0], s[1], s[2], kernel.shape[3])
        let (oh, ow) = (MobileNetV2Architecture.halved(h), MobileNetV2Architecture.halved(w))
        let register = Kernels.gemmChoice(m: oh * ow, k: 9 * cin, n: f, simd: simd) == .register
        let bandRows = register ? max(1, min(oh, Self.bandPixels / ow)) : oh
        let columns = context.scratch.buffer(.columns, floats: bandRows * ow * 9 * cin)
        kernel.values.withUnsafeBufferPointer { b in
            withEpilogue(bn, relu6: activation == .relu6) { e in
                for r0 in stride(from: 0, to: oh, by: bandRows) {
                    let rows = r0..<min(oh, r0 + bandRows)
                    // RGB as a literal: the im2col is then specialized for 3 channels.
                    if cin == 3 {
                        Kernels.stemColumns(context.pool, input: input, h: h, w: w, cin: 3, outputRows: rows, columns: columns)
                    } else {
                        Kernels.stemColumns(context.pool, input: input, h: h, w: w, cin: cin, outputRows: rows, columns: columns)
                    }
                    Kernels.pointwise(
                        context.pool, a: columns, m: rows.count * ow, k: 9 * cin, b: b.baseAddress!, n: f, c: output + r0 * ow * f,
                        epilogue: e, simd: simd)
                }
            }
        }
        activation.applyAfterEpilogue(output, rows: oh * ow, width: f, context)
    }
}

/// Finds the pattern above in the steps and replaces each match with one FusedStemLayer step.
public struct StemConvFusion: FusionPass {
    let simd: SIMDWidth
    let folding: BatchNormFolding

    public init(simd: SIMDWidth = .best) { self.init(simd: simd, folding: BatchNormFolding()) }
    init(simd: SIMDWidth, folding: BatchNormFolding) {
        require(simd.isSupported, "this CPU does not run the \(simd) kernels")
        self.simd = simd
        self.folding = folding
    }

    /// The convolution stemColumns' window is: 3x3, stride 2, 'same', one group, no bias or activation.
    static func matches(_ conv: Conv2DLayer) -> Bool {
        conv.kernel.shape[0] == 3 && conv.kernel.shape[1] == 3 && conv.strides == [2, 2] && conv.dilation == [1, 1]
            && conv.padding == .same && conv.groups == 1 && conv.bias == nil && conv.activation == .linear
    }

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        let e = StepEdges(steps, keeping: keep)
        var fused: [(chain: [Int], step: ExecutionStep)] = []
        for i in steps.indices {
            guard let conv = steps[i].layer as? Conv2DLayer, Self.matches(conv), steps[i].inputs.count == 1,
                case let tail = ConvTail(e, head: i, channels: conv.filters, residual: false)
            else { continue }
            let layer = FusedStemLayer(
                chain: tail.layerChain, kernel: conv.kernel, bn: tail.affine(folding), activation: tail.activation, simd: simd)
            fused.append((tail.chain, ExecutionStep(layer: layer, inputs: tail.inputs, output: steps[tail.chain.last!].output, nodes: tail.nodes(e))))
        }
        return e.replacing(fused)
    }
}
