// Keras `Conv2D` (keras/src/layers/convolutional/conv2d.py; TensorFlow's conv2d + bias_add, then the
// activation), NHWC, with groups.
// Legend: H, W = input rows and columns; OH, OW = output's; Cin = input channels; F = filters;
// G = groups, Cg = Cin / G input channels per group, Fg = F / G filters per group;
// KH, KW = kernel size; SH, SW = strides; DH, DW = dilation.

public struct Conv2DLayer: GraphLayer {
    /// (KH, KW, Cg, F) row-major, Keras's kernel layout.
    public let kernel: WeightArray
    /// (F), or nil for use_bias=False.
    public let bias: WeightArray?
    public let strides: [Int]
    public let dilation: [Int]
    public let padding: Padding
    public let groups: Int
    public let activation: Activation

    public init(
        kernel: WeightArray, bias: WeightArray? = nil, strides: [Int] = [1, 1], dilation: [Int] = [1, 1],
        padding: Padding = .valid, groups: Int = 1, activation: Activation = .linear
    ) {
        require(kernel.shape.count == 4 && kernel.shape[3] % groups == 0, "Conv2D kernel must be (KH, KW, Cg, F), F a multiple of groups")
        require(bias == nil || bias!.shape == [kernel.shape[3]], "Conv2D bias must be (F)")
        self.kernel = kernel
        self.bias = bias
        self.strides = strides
        self.dilation = dilation
        self.padding = padding
        self.groups = groups
        self.activation = activation
    }

    public var kerasClassName: String { "Conv2D" }
    public var filters: Int { kernel.shape[3] }
    public var parameterCount: Int { kernel.values.count + (bias?.values.count ?? 0) }

    func window(_ s: Shape) -> Window2D? {
        Window2D(
            height: s[0], width: s[1], kernel: [kernel.shape[0], kernel.shape[1]], strides: strides,
            dilation: dilation, padding: padding)
    }

    /// (H, W, Cin) -> (OH, OW, F), Cin = G * Cg.
    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard s.rank == 3 else { throw LayerShapeError("Conv2D takes an (H, W, C) map") }
        guard s[2] == groups * kernel.shape[2] else {
            throw LayerShapeError("kernel \(Shape(kernel.shape)) with \(groups) group(s) needs \(groups * kernel.shape[2]) input channels")
        }
        guard let win = window(s) else { throw LayerShapeError("the \(kernel.shape[0])x\(kernel.shape[1]) kernel does not fit with padding 'valid'") }
        return [win.rows.output, win.cols.output, filters]
    }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        context.kernels == .fast ? ConvolutionGEMM.conv2d(self, inputs[0], context) : referenceForward(inputs[0], context)
    }

    /// The plain loop (the twin of ConvolutionGEMM):
    /// out[oy, ox, f] = bias[f] + sum over ky, kx, ci of
    ///     in[oy*SH + ky*DH - padTop, ox*SW + kx*DW - padLeft, g*Cg + ci] * kernel[ky, kx, ci, f],  g = f / Fg,
    /// taps outside the input reading zero; accumulated in Double; then the activation.
    public func referenceForward(_ x: NDArray, _ context: ExecutionContext) -> NDArray {
        let (h, w, cin) = (x.shape[0], x.shape[1], x.shape[2])
        let win = window(x.shape)!
        let (kh, kw, cg, f) = (kernel.shape[0], kernel.shape[1], kernel.shape[2], kernel.shape[3])
        let (oh, ow, fg) = (win.rows.output, win.cols.output, f / groups)
        var out = NDArray(shape: [oh, ow, f])
        let k = kernel.values, b = bias?.values
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                let dst = dst.baseAddress!
                context.forEachBand(oh, workPerItem: ow * f * kh * kw * cg) { rows in
                    for oy in rows {
                        for ox in 0..<ow {
                            for o in 0..<f {
                                let g = o / fg
                                var acc = Double(b?[o] ?? 0)
                                for ky in 0..<kh {
                                    let iy = win.rows.source(oy, ky)
                                    guard iy >= 0, iy < h else { continue }
                                    for kx in 0..<kw {
                                        let ix = win.cols.source(ox, kx)
                                        guard ix >= 0, ix < w else { continue }
                                        for ci in 0..<cg {
                                            acc += Double(src[(iy * w + ix) * cin + g * cg + ci]) * Double(k[((ky * kw + kx) * cg + ci) * f + o])
                                        }
                                    }
                                }
                                dst[(oy * ow + ox) * f + o] = Float(acc)
                            }
                        }
                    }
                }
            }
        }
        activation.apply(to: &out)
        return out
    }
}

extension Conv2DLayer {
    /// Config: filters, kernel_size, strides (1), padding ('valid'), dilation_rate (1), groups (1),
    /// activation (linear), use_bias (true), data_format channels_last; weights kernel[, bias].
    /// `lora_rank` is accepted: Keras saves the kernel with LoRA merged in.
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireChannelsLast()
        try c.requireFloat32()
        let filters = try c.int("filters")
        try c.checkSize("filters", filters)
        let size = try c.sizes("kernel_size", count: 2)
        let strides = try c.sizes("strides", count: 2, default: [1, 1])
        let dilation = try c.sizes("dilation_rate", count: 2, default: [1, 1])
        let groups = try c.int("groups", default: 1)
        try c.checkSize("groups", groups)
        guard filters % groups == 0 else { throw c.invalid("groups", "is \(groups), which does not divide filters \(filters)") }
        guard strides.max()! == 1 || dilation.max()! == 1 else { throw c.invalid("strides", "and dilation_rate are both above 1 (Keras refuses it)") }
        let padding = try c.padding()
        let activation = try c.activation()
        let useBias = try c.bool("use_bias", default: true)
        let w = try c.weights(
            [ExpectedWeight("kernel", [size[0], size[1], nil, filters])]
                + (useBias ? [ExpectedWeight("bias", [filters])] : []))
        return Conv2DLayer(
            kernel: w[0], bias: useBias ? w[1] : nil, strides: strides, dilation: dilation,
            padding: padding, groups: groups, activation: activation)
    }
}

extension Conv2DLayer: DifferentiableLayer {
    /// Only what the activation's derivative reads (nothing when linear: the kernel suffices).
    public var backwardNeeds: BackwardNeeds { activation.fusedBackwardNeeds }

    /// dL/dz = dL/dy * f'(z), then dL/dx = the transposed convolution of dL/dz (TensorFlow's
    /// Conv2DBackpropInput): `.fast` by GEMM + col2im, `.reference` by `referenceInputGradient`.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var dz = a.outputGradient
        let x = a.inputs.first
        activation.backward(&dz, output: a.output) { linear.forward([x!], context) }
        let shape = a.inputShapes[0]
        let dx =
            context.kernels == .fast
            ? ConvolutionGEMM.conv2dInputGradient(self, dz, inputShape: shape, context) : referenceInputGradient(dz, inputShape: shape)
        if activation != .linear { context.gradients.recycle(dz) }  // written in place above: ours alone
        return [dx]
    }

    /// This convolution without its activation.
    var linear: Conv2DLayer {
        Conv2DLayer(kernel: kernel, bias: bias, strides: strides, dilation: dilation, padding: padding, groups: groups)
    }

    /// The plain scatter loop: for every output (oy, ox, f) and tap (ky, kx, ci) inside the input,
    /// dx[oy*SH + ky*DH - padTop, ox*SW + kx*DW - padLeft, g*Cg + ci] += dz[oy, ox, f] * kernel[ky, kx, ci, f],
    /// g = f / Fg; accumulated in Double.
    public func referenceInputGradient(_ dz: NDArray, inputShape: Shape) -> NDArray {
        let (h, w, cin) = (inputShape[0], inputShape[1], inputShape[2])
        let win = window(inputShape)!
        let (kh, kw, cg, f) = (kernel.shape[0], kernel.shape[1], kernel.shape[2], kernel.shape[3])
        let (oh, ow, fg) = (win.rows.output, win.cols.output, f / groups)
        var acc = [Double](repeating: 0, count: inputShape.count)
        let k = kernel.values
        for oy in 0..<oh {
            for ox in 0..<ow {
                for o in 0..<f {
                    let gv = Double(dz.data[(oy * ow + ox) * f + o]), g = o / fg
                    guard gv != 0 else { continue }
                    for ky in 0..<kh {
                        let iy = win.rows.source(oy, ky)
                        guard iy >= 0, iy < h else { continue }
                        for kx in 0..<kw {
                            let ix = win.cols.source(ox, kx)
                            guard ix >= 0, ix < w else { continue }
                            for ci in 0..<cg {
                                acc[(iy * w + ix) * cin + g * cg + ci] += gv * Double(k[((ky * kw + kx) * cg + ci) * f + o])
                            }
                        }
                    }
                }
            }
        }
        return NDArray(shape: inputShape, data: acc.map { Float($0) })
    }
}
