// Keras `SeparableConv2D` (keras/src/layers/convolutional/separable_conv2d.py; TensorFlow's
// separable_conv2d): a depthwise convolution (strides, padding, dilation, no bias), then a 1x1
// convolution to F filters, then the bias, then the activation.
// Legend: C = input channels, M = depth multiplier, F = filters.

public struct SeparableConv2DLayer: GraphLayer {
    /// (KH, KW, C, M) with the strides, padding and dilation; no bias, linear.
    public let depthwise: DepthwiseConv2DLayer
    /// (1, 1, C*M, F) with the bias and the activation.
    public let pointwise: Conv2DLayer

    public init(
        depthwiseKernel: WeightArray, pointwiseKernel: WeightArray, bias: WeightArray? = nil, strides: [Int] = [1, 1],
        dilation: [Int] = [1, 1], padding: Padding = .valid, activation: Activation = .linear
    ) {
        require(
            pointwiseKernel.shape.count == 4 && pointwiseKernel.shape[0] == 1 && pointwiseKernel.shape[1] == 1,
            "SeparableConv2D pointwise kernel must be (1, 1, C*M, F)")
        depthwise = DepthwiseConv2DLayer(kernel: depthwiseKernel, strides: strides, dilation: dilation, padding: padding)
        pointwise = Conv2DLayer(kernel: pointwiseKernel, bias: bias, activation: activation)
    }

    public var kerasClassName: String { "SeparableConv2D" }
    public var parameterCount: Int { depthwise.parameterCount + pointwise.parameterCount }

    /// (H, W, C) -> (OH, OW, C*M) -> (OH, OW, F).
    public func outputShape(inputs: [Shape]) throws -> Shape {
        try pointwise.outputShape(inputs: [depthwise.outputShape(inputs: inputs)])
    }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        pointwise.forward([depthwise.forward(inputs, context)], context)
    }
}

extension SeparableConv2DLayer {
    /// Config: filters, kernel_size, strides (1), padding ('valid'), depth_multiplier (1),
    /// dilation_rate (1), activation (linear), use_bias (true); weights depthwise_kernel,
    /// pointwise_kernel[, bias].
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireChannelsLast()
        try c.requireFloat32()
        let filters = try c.int("filters")
        try c.checkSize("filters", filters)
        let size = try c.sizes("kernel_size", count: 2)
        let strides = try c.sizes("strides", count: 2, default: [1, 1])
        let dilation = try c.sizes("dilation_rate", count: 2, default: [1, 1])
        guard strides.max()! == 1 || dilation.max()! == 1 else { throw c.invalid("strides", "and dilation_rate are both above 1 (Keras refuses it)") }
        let mult = try c.int("depth_multiplier", default: 1)
        try c.checkSize("depth_multiplier", mult)
        let padding = try c.padding()
        let activation = try c.activation()
        let useBias = try c.bool("use_bias", default: true)
        let cin = c.spec.weights.first.flatMap { $0.shape.count == 4 ? $0.shape[2] : nil }
        let w = try c.weights(
            [
                ExpectedWeight("depthwise_kernel", [size[0], size[1], nil, mult]),
                ExpectedWeight("pointwise_kernel", [1, 1, cin.map { $0 * mult }, filters]),
            ]
                + (useBias ? [ExpectedWeight("bias", [filters])] : []))
        return SeparableConv2DLayer(
            depthwiseKernel: w[0], pointwiseKernel: w[1], bias: useBias ? w[2] : nil, strides: strides,
            dilation: dilation, padding: padding, activation: activation)
    }
}

extension SeparableConv2DLayer: DifferentiableLayer {
    /// The input only when the activation's derivative needs the pre-activation (then the
    /// depthwise output is recomputed from it).
    public var backwardNeeds: BackwardNeeds { pointwise.activation.fusedBackwardNeeds }

    /// The pointwise convolution's backward (its activation included), then the depthwise one's.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let middle = try! depthwise.outputShape(inputs: a.inputShapes)
        let needsMiddle = pointwise.backwardNeeds.contains(.inputs)
        let m = needsMiddle ? [depthwise.forward([a.input(0)], context)] : []
        let dm = pointwise.backward(
            BackwardArguments(inputShapes: [middle], inputs: m, output: a.output, outputGradient: a.outputGradient), context)[0]!
        return depthwise.backward(BackwardArguments(inputShapes: a.inputShapes, inputs: [], output: nil, outputGradient: dm), context)
    }
}
