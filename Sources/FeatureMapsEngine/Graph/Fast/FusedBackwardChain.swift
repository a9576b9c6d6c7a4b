// The backward pass of a convolution chain in one mask pass and one input-gradient convolution,
// for GraphGradient (`fusesBackward`). Pattern, found on the graph's nodes by layer type and
// configuration (never by name):
//   [ZeroPadding2D ->] Conv2D or DepthwiseConv2D with linear activation
//   -> BatchNormalization of its output channels (last axis)
//   [-> ReLU | ReLU6: FusedActivation, a ReLU layer or Activation relu / relu6]
// each value read by the next node only (one input of one node), none of the chain's inner values
// requested. With y the chain's output (OH, OW, F) and g = dL/dy:
//   dz = g where 0 < y < top, else 0     (top 6 for ReLU6, +inf for ReLU; no mask without one):
//                                         ReLULayer.backward's and Activation's masks on y exactly
//   dx = the input gradient of the convolution with kernel W' = W * diag(s),
//        s[o] = gamma[o] / sqrt(moving_variance[o] + epsilon) in float32 as BatchNormalization's
//        backward computes it, o the convolution's output channel (the forward fusion's folding)
//   with a padding first, dx cut to the padding's input: the depthwise gather (M = 1, `.fast`)
//   computes only those pixels; otherwise the padding's own backward crops the whole dx
// where the per-layer path (the reference twin) masks, scales by s, convolves and crops in up to
// four passes over four arrays. The kernels are folded once, when the chains are found; the bias
// does not enter dx. Shapes: g and y (OH, OW, F), dx the chain's input (H, W, Cin), `inputShape`
// (the convolution's input is `convolutionInputShape`, the padded map).

/// One fused chain: node indexes into Graph.nodes, the padding or the convolution first.
struct FusedBackwardChain {
    let convolution: Int, batchNorm: Int
    private(set) var activation: Int?
    /// The mask's upper end (6 or +inf), nil without an activation.
    private(set) var top: Float?
    private(set) var padding: (node: Int, layer: ZeroPadding2DLayer)?
    let folded: FoldedConvolution
    /// The chain's input (the padding's when there is one) and the convolution's.
    private(set) var inputShape: Shape
    let convolutionInputShape: Shape

    /// The node the chain's backward runs at (the last); the others are then skipped.
    var last: Int { activation ?? batchNorm }
    /// The node whose input is the chain's input.
    var first: Int { padding?.node ?? convolution }

    /// dL/dx of the chain's input from `g` = dL/dy, y = `output` (the chain's output; nil without
    /// an activation). `.fast`: the GEMM + col2im or depthwise gather kernels; `.reference`: the
    /// layers' plain loops with the folded kernel.
    func backward(_ g: consuming NDArray, output y: NDArray?, _ context: ExecutionContext) -> NDArray {
        var dz = g
        if let top { Self.mask(&dz, by: y!, below: top, context) }
        var dx: NDArray
        switch folded {
        case .conv(let l, let transposed):
            dx =
                context.kernels == .fast
                ? ConvolutionGEMM.inputGradient(l, transposedKernel: transposed, dz, inputShape: convolutionInputShape, context.gradients)
                : l.referenceInputGradient(dz, inputShape: convolutionInputShape)
        case .depthwise(let l):
            if context.kernels == .fast && l.kernel.shape[3] == 1 {
                let crop = padding.map { p in
                    DepthwiseBackward.Crop(top: p.layer.top, left: p.layer.left, height: inputShape[0], width: inputShape[1])
                }
                dx = DepthwiseBackward.inputGradient(l, dz, inputShape: convolutionInputShape, crop: crop, context)
                if top != nil { context.gradients.recycle(dz) }  // masked in place: ours alone
                return dx
            }
            dx = l.backward(BackwardArguments(inputShapes: [convolutionInputShape], inputs: [], output: nil, outputGradient: dz), context)[0]!
        }
        if top != nil { context.gradients.recycle(dz) }
        if let p = padding {
            dx = p.layer.backward(BackwardArguments(inputShapes: [inputShape], inputs: [], output: nil, outputGradient: dx), context)[0]!
        }
        return dx
    }

    /// g[i] = 0 where !(0 < y[i] < top), in place, in bands on the pool's threads.
    static func mask(_ g: inout NDArray, by y: NDArray, below top: Float, _ context: ExecutionContext) {
        require(g.shape == y.shape, "mask \(y.shape) vs gradient \(g.shape)")
        y.data.withUnsafeBufferPointer { ys in
            g.data.withUnsafeMutableBufferPointer { p in
                let (yb, pb) = (ys.baseAddress!, p.baseAddress!)
                context.forEachBand(p.count, workPerItem: 1) { r in
                    for i in r { pb[i] = yb[i] > 0 && yb[i] < top ? pb[i] : 0 }
                }
            }
        }
    }
}

/// A convolution with a BatchNorm's scale folded into its kernel's output channels, linear, no bias.
enum FoldedConvolution {
    /// With the folded (K, F) kernel transposed to (F, K), as ConvolutionGEMM.inputGradient reads it.
    case conv(Conv2DLayer, transposed: [Float])
    case depthwise(DepthwiseConv2DLayer)

    /// `layer` (Conv2D or DepthwiseConv2D) with kernel W * diag(s), s of `bn`; nil for other layers or
    /// when `bn` does not have the layer's output channels.
    init?(_ layer: any GraphLayer, _ bn: BatchNormalizationLayer) {
        let s = (0..<bn.mean.count).map { c in 1 / (bn.variance[c] + bn.epsilon).squareRoot() * (bn.gamma?[c] ?? 1) }
        func scaled(_ k: WeightArray) -> WeightArray {
            WeightArray(shape: k.shape, values: k.values.enumerated().map { i, v in v * s[i % s.count] })  // channel last
        }
        if let l = layer as? Conv2DLayer, l.activation == .linear, l.filters == s.count {
            let f = Conv2DLayer(
                kernel: scaled(l.kernel), strides: l.strides, dilation: l.dilation, padding: l.padding, groups: l.groups)
            var t = [Float](repeating: 0, count: f.kernel.values.count)
            ConvolutionGEMM.transposeKernel(f.kernel.values, filters: f.filters, into: &t)
            self = .conv(f, transposed: t)
        } else if let l = layer as? DepthwiseConv2DLayer, l.activation == .linear, l.kernel.shape[2] * l.kernel.shape[3] == s.count {
            self = .depthwise(
                DepthwiseConv2DLayer(kernel: scaled(l.kernel), strides: l.strides, dilation: l.dilation, padding: l.padding))
        } else {
            return nil
        }
    }
}

extension FusedBackwardChain {
    /// Every chain of the pattern in `graph`, keyed by its last node.
    static func find(_ graph: Graph) -> [Int: FusedBackwardChain] {
        var reads = [Int](repeating: 0, count: graph.values.count), reader = [Int?](repeating: nil, count: graph.values.count)
        for (i, node) in graph.nodes.enumerated() {
            for v in node.inputs {
                reads[v.index] += 1
                reader[v.index] = i
            }
        }
        func soleReader(_ i: Int) -> Int? {
            let v = graph.nodes[i].output.index
            guard reads[v] == 1, let r = reader[v], graph.nodes[r].inputs.count == 1 else { return nil }
            return r
        }
        var chains: [Int: FusedBackwardChain] = [:]
        for (i, node) in graph.nodes.enumerated() where node.layer is Conv2DLayer || node.layer is DepthwiseConv2DLayer {
            guard let j = soleReader(i), let bn = graph.nodes[j].layer as? BatchNormalizationLayer, bn.normalizesChannels,
                let folded = FoldedConvolution(node.layer, bn)
            else { continue }
            let input = graph.shape(of: node.inputs[0])
            var chain = FusedBackwardChain(
                convolution: i, batchNorm: j, folded: folded, inputShape: input, convolutionInputShape: input)
            if let k = soleReader(j), let a = FusedActivation(graph.nodes[k].layer), a != .none {
                (chain.activation, chain.top) = (k, a == .relu6 ? 6 : .infinity)
            }
            if let p = graph.values[node.inputs[0].index].producer, let pad = graph.nodes[p].layer as? ZeroPadding2DLayer, soleReader(p) == i {
                chain.padding = (p, pad)
                chain.inputShape = graph.shape(of: graph.nodes[p].inputs[0])
            }
            chains[chain.last] = chain
        }
        return chains
    }

    /// This chain for a run that requests `requested` and replaces node `replaced` (the logit's,
    /// without its softmax): itself; without its activation when the BatchNorm's output is
    /// requested; without its padding when the padding's output is; nil when the convolution's
    /// output is or the convolution or BatchNorm is replaced.
    func restricted(_ graph: Graph, requested: Set<ValueID>, replaced: Int?) -> FusedBackwardChain? {
        guard replaced != convolution, replaced != batchNorm, !requested.contains(graph.nodes[convolution].output) else { return nil }
        var c = self
        if let a = activation, a == replaced || requested.contains(graph.nodes[batchNorm].output) { (c.activation, c.top) = (nil, nil) }
        if let p = padding, p.node == replaced || requested.contains(graph.nodes[p.node].output) {
            (c.padding, c.inputShape) = (nil, convolutionInputShape)
        }
        return c
    }
}
