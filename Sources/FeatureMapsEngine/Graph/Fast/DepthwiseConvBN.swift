import FeatureMapsKernelTypes

// Pattern: [ZeroPadding2D ->] DepthwiseConv2D 3x3 (depth_multiplier 1, equal strides 1 or 2,
//   dilation 1, no bias, linear, 'same' or 'valid') [-> BatchNormalization (channels)
//   [-> ReLU(max_value 6) | ReLU() | Activation relu(6)]] (no BatchNorm: its output requested)
// as one step: the engine's depthwise kernel (Kernels.depthwise: 16 lanes in C when C is a
// multiple of 16, else 8 lanes) with BatchNorm and ReLU6 in its epilogue. The explicit padding and
// the convolution's own ('same') padding both become the kernel's zero reads outside the input, so
// the padded map is never written. In MobileNetV2: every block_N_depthwise (+_BN, _relu), and at
// stride 2 the block_N_pad before it (correct_pad's ((h % 2, 1), (w % 2, 1)), then 'valid').
// Shapes: input (H, W, C) before the padding, kernel (3, 3, C, 1) = k[(ky*3 + kx)*C + c],
// output (OH, OW, C) as the DepthwiseConv2D layer gives it on the padded map.

/// The fused layer; `chain` holds the layers it replaces (run when the kernels are `.reference`,
/// its twin, or when the padding is beyond what the kernel's borders take: more than 2).
public struct FusedDepthwiseLayer: GraphLayer {
    public let chain: LayerChain
    let depthwise: DepthwiseConv2DLayer
    /// The ZeroPadding2D before it, if fused.
    let padding: ZeroPadding2DLayer?
    /// The folded BatchNormalization; nil when the convolution runs alone (its output requested).
    let bn: BatchNormAffine?
    let activation: FusedActivation
    let simd: SIMDWidth

    public var kerasClassName: String { chain.kerasClassName }
    public var parameterCount: Int { chain.parameterCount }
    public func outputShape(inputs: [Shape]) throws -> Shape { try chain.outputShape(inputs: inputs) }

    /// The kernel's geometry on an (H, W, C) input (before the padding), or nil when the kernel
    /// does not take it.
    func geometry(_ s: Shape) -> DepthwiseShape? {
        let p = padding ?? ZeroPadding2DLayer(top: 0, bottom: 0, left: 0, right: 0)
        let padded: Shape = [s[0] + p.top + p.bottom, s[1] + p.left + p.right, s[2]]
        guard let win = depthwise.window(padded) else { return nil }
        let g = DepthwiseShape(
            h: s[0], w: s[1], c: s[2], stride: depthwise.strides[0], padTop: p.top + win.rows.padBefore,
            padLeft: p.left + win.cols.padBefore, oh: win.rows.output, ow: win.cols.output)
        return g.padTop <= 2 && g.padLeft <= 2 && g.oh >= 1 && g.ow >= 1 ? g : nil
    }

    /// (H, W, C) -> (OH, OW, C).
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        guard context.kernels == .fast, let g = geometry(x.shape) else { return chain.forward(inputs, context) }
        var out = NDArray.uninitialized([g.oh, g.ow, g.c])
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in run(context, g, input: src.baseAddress!, output: dst.baseAddress!) }
        }
        return out
    }

    /// The kernel on raw memory: input (H, W, C) and output (OH, OW, C) as `g` (from `geometry`) says.
    func run(_ context: ExecutionContext, _ g: DepthwiseShape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        depthwise.kernel.values.withUnsafeBufferPointer { k in
            withEpilogue(bn, relu6: activation == .relu6) { e in
                Kernels.depthwise(context.pool, g, input: input, kernel: k.baseAddress!, output: output, epilogue: e, simd: simd)
            }
        }
        activation.applyAfterEpilogue(output, rows: g.oh * g.ow, width: g.c, context)
    }
}

/// Finds the pattern above in the steps and replaces each match with one FusedDepthwiseLayer step.
public struct DepthwiseConvFusion: FusionPass {
    let simd: SIMDWidth
    let folding: BatchNormFolding

    public init(simd: SIMDWidth = .best) { self.init(simd: simd, folding: BatchNormFolding()) }
    init(simd: SIMDWidth, folding: BatchNormFolding) {
        require(simd.isSupported, "this CPU does not run the \(simd) kernels")
        self.simd = simd
        self.folding = folding
    }

    /// A depthwise layer the kernel computes.
    static func matches(_ d: DepthwiseConv2DLayer) -> Bool {
        d.kernel.shape[0] == 3 && d.kernel.shape[1] == 3 && d.kernel.shape[3] == 1 && d.strides[0] == d.strides[1]
            && (d.strides[0] == 1 || d.strides[0] == 2) && d.dilation == [1, 1] && d.bias == nil && d.activation == .linear
    }

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        let e = StepEdges(steps, keeping: keep)
        var fused: [(chain: [Int], step: ExecutionStep)] = []
        for i in steps.indices {
            guard let dw = steps[i].layer as? DepthwiseConv2DLayer, Self.matches(dw), steps[i].inputs.count == 1,
                case var tail = ConvTail(e, head: i, channels: dw.kernel.shape[2], residual: false)
            else { continue }
            var padding: ZeroPadding2DLayer? = nil
            if let p = e.soleProducer(ofInput: 0, of: i), let pad = steps[p].layer as? ZeroPadding2DLayer, steps[p].inputs.count == 1 {
                padding = pad
                tail.chain.insert(p, at: 0)
                tail.layers.insert(pad, at: 0)
                tail.sideInputs = [1, 0] + tail.sideInputs.dropFirst()
                tail.inputs = steps[p].inputs
            }
            let layer = FusedDepthwiseLayer(
                chain: tail.layerChain, depthwise: dw, padding: padding, bn: tail.affine(folding), activation: tail.activation,
                simd: simd)
            fused.append((tail.chain, ExecutionStep(layer: layer, inputs: tail.inputs, output: steps[tail.chain.last!].output, nodes: tail.nodes(e))))
        }
        return e.replacing(fused)
    }
}
