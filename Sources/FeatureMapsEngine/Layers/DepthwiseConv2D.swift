// Keras `DepthwiseConv2D` (keras/src/layers/convolutional/depthwise_conv2d.py; TensorFlow's
// depthwise_conv2d + bias, then the activation): each input channel c gets M = depth_multiplier
// filters of its own; output channel c*M + m.
// Legend: H, W, C = input; OH, OW = output; KH, KW = kernel; M = depth multiplier; C*M outputs.

public struct DepthwiseConv2DLayer: GraphLayer {
    /// (KH, KW, C, M) row-major, Keras's depthwise kernel layout.
    public let kernel: WeightArray
    /// (C * M), or nil for use_bias=False.
    public let bias: WeightArray?
    public let strides: [Int]
    public let dilation: [Int]
    public let padding: Padding
    public let activation: Activation

    public init(
        kernel: WeightArray, bias: WeightArray? = nil, strides: [Int] = [1, 1], dilation: [Int] = [1, 1],
        padding: Padding = .valid, activation: Activation = .linear
    ) {
        require(kernel.shape.count == 4, "DepthwiseConv2D kernel must be (KH, KW, C, M)")
        require(bias == nil || bias!.shape == [kernel.shape[2] * kernel.shape[3]], "DepthwiseConv2D bias must be (C*M)")
        self.kernel = kernel
        self.bias = bias
        self.strides = strides
        self.dilation = dilation
        self.padding = padding
        self.activation = activation
    }

    public var kerasClassName: String { "DepthwiseConv2D" }
    public var parameterCount: Int { kernel.values.count + (bias?.values.count ?? 0) }

    func window(_ s: Shape) -> Window2D? {
        Window2D(
            height: s[0], width: s[1], kernel: [kernel.shape[0], kernel.shape[1]], strides: strides,
            dilation: dilation, padding: padding)
    }

    /// (H, W, C) -> (OH, OW, C*M).
    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard s.rank == 3 else { throw LayerShapeError("DepthwiseConv2D takes an (H, W, C) map") }
        guard s[2] == kernel.shape[2] else { throw LayerShapeError("kernel \(Shape(kernel.shape)) needs \(kernel.shape[2]) input channels") }
        guard let win = window(s) else { throw LayerShapeError("the \(kernel.shape[0])x\(kernel.shape[1]) kernel does not fit with padding 'valid'") }
        return [win.rows.output, win.cols.output, kernel.shape[2] * kernel.shape[3]]
    }

    /// out[oy, ox, c*M + m] = bias[c*M + m] + sum over ky, kx of
    ///     in[oy*SH + ky*DH - padTop, ox*SW + kx*DW - padLeft, c] * kernel[ky, kx, c, m],
    /// zero outside the input, accumulated in Double; then the activation. Rows in parallel bands.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        let (h, w, c) = (x.shape[0], x.shape[1], x.shape[2])
        let win = window(x.shape)!
        let (kh, kw, mult) = (kernel.shape[0], kernel.shape[1], kernel.shape[3])
        let (oh, ow, co) = (win.rows.output, win.cols.output, c * mult)
        var out = NDArray(shape: [oh, ow, co])
        let k = kernel.values, b = bias?.values
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                let dst = dst.baseAddress!
                context.forEachBand(oh, workPerItem: ow * co * kh * kw) { rows in
                    for oy in rows {
                        for ox in 0..<ow {
                            for ci in 0..<c {
                                for m in 0..<mult {
                                    var acc = Double(b?[ci * mult + m] ?? 0)
                                    for ky in 0..<kh {
                                        let iy = win.rows.source(oy, ky)
                                        guard iy >= 0, iy < h else { continue }
                                        for kx in 0..<kw {
                                            let ix = win.cols.source(ox, kx)
                                            guard ix >= 0, ix < w else { continue }
                                            acc += Double(src[(iy * w + ix) * c + ci]) * Double(k[((ky * kw + kx) * c + ci) * mult + m])
                                        }
                                    }
                                    dst[(oy * ow + ox) * co + ci * mult + m] = Float(acc)
                                }
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

extension DepthwiseConv2DLayer {
    /// Config: kernel_size, strides (1), padding ('valid'), depth_multiplier (1), dilation_rate (1),
    /// activation (linear), use_bias (true); weights depthwise kernel (Keras 3 "kernel", Keras 2
    /// "depthwise_kernel") [, bias].
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireChannelsLast()
        try c.requireFloat32()
        let size = try c.sizes("kernel_size", count: 2)
        let strides = try c.sizes("strides", count: 2, default: [1, 1])
        let dilation = try c.sizes("dilation_rate", count: 2, default: [1, 1])
        guard strides.max()! == 1 || dilation.max()! == 1 else { throw c.invalid("strides", "and dilation_rate are both above 1 (Keras refuses it)") }
        let mult = try c.int("depth_multiplier", default: 1)
        try c.checkSize("depth_multiplier", mult)
        let padding = try c.padding()
        let activation = try c.activation()
        let useBias = try c.bool("use_bias", default: true)
        let kernelShape: [Int?] = [size[0], size[1], nil, mult]
        var expected = [ExpectedWeight("depthwise_kernel", kernelShape)]
        if useBias, let kernel = c.spec.weights.first, kernel.shape.count == 4 {
            expected.append(ExpectedWeight("bias", [kernel.shape[2] * mult]))
        } else if useBias {
            expected.append(ExpectedWeight("bias", [nil]))
        }
        let w = try c.weights(expected)
        return DepthwiseConv2DLayer(
            kernel: w[0], bias: useBias ? w[1] : nil, strides: strides, dilation: dilation,
            padding: padding, activation: activation)
    }
}

extension DepthwiseConv2DLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { activation.fusedBackwardNeeds }

    /// dL/dz = dL/dy * f'(z), then TensorFlow's DepthwiseConv2dNativeBackpropInput as a scatter
    /// loop (both kernel choices): dx[oy*SH + ky*DH - padTop, ox*SW + kx*DW - padLeft, c] +=
    /// dz[oy, ox, c*M + m] * kernel[ky, kx, c, m] for taps inside the input; in Double. Its fast
    /// twin (M = 1): Graph/Fast/DepthwiseBackward.swift.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var dz = a.outputGradient
        let x = a.inputs.first
        activation.backward(&dz, output: a.output) { linear.forward([x!], context) }
        let shape = a.inputShapes[0]
        if context.kernels == .fast && kernel.shape[3] == 1 {
            let dx = DepthwiseBackward.inputGradient(self, dz, inputShape: shape, context)
            if activation != .linear { context.gradients.recycle(dz) }  // written in place above: ours alone
            return [dx]
        }
        let (h, w, c) = (shape[0], shape[1], shape[2])
        let win = window(shape)!
        let (kh, kw, mult) = (kernel.shape[0], kernel.shape[1], kernel.shape[3])
        let (oh, ow, co) = (win.rows.output, win.cols.output, c * mult)
        var acc = [Double](repeating: 0, count: shape.count)
        let k = kernel.values
        dz.data.withUnsafeBufferPointer { g in
            for oy in 0..<oh {
                for ky in 0..<kh {
                    let iy = win.rows.source(oy, ky)
                    guard iy >= 0, iy < h else { continue }
                    for ox in 0..<ow {
                        for kx in 0..<kw {
                            let ix = win.cols.source(ox, kx)
                            guard ix >= 0, ix < w else { continue }
                            let src = (oy * ow + ox) * co, dst = (iy * w + ix) * c, tap = (ky * kw + kx) * c
                            for ci in 0..<c {
                                var s: Double = 0
                                for m in 0..<mult { s += Double(g[src + ci * mult + m]) * Double(k[(tap + ci) * mult + m]) }
                                acc[dst + ci] += s
                            }
                        }
                    }
                }
            }
        }
        return [NDArray(shape: shape, data: acc.map { Float($0) })]
    }

    /// This convolution without its activation.
    var linear: DepthwiseConv2DLayer {
        DepthwiseConv2DLayer(kernel: kernel, bias: bias, strides: strides, dilation: dilation, padding: padding)
    }
}
