// Keras `Dense` (keras/src/layers/core/dense.py: ops.matmul(x, kernel) + bias, then the
// activation), on the last axis of an input of any rank.
// Legend: K = input features (the last axis), N = units, M = the product of the other axes.

public struct DenseLayer: GraphLayer {
    /// (K, N) row-major.
    public let kernel: WeightArray
    /// (N), or nil for use_bias=False.
    public let bias: WeightArray?
    public let activation: Activation

    public init(kernel: WeightArray, bias: WeightArray? = nil, activation: Activation = .linear) {
        require(kernel.shape.count == 2, "Dense kernel must be (K, N)")
        require(bias == nil || bias!.shape == [kernel.shape[1]], "Dense bias must be (N)")
        self.kernel = kernel
        self.bias = bias
        self.activation = activation
    }

    public var kerasClassName: String { "Dense" }
    public var units: Int { kernel.shape[1] }
    public var parameterCount: Int { kernel.values.count + (bias?.values.count ?? 0) }

    func outputShape(for s: Shape) -> Shape { Shape(Array(s.dims.dropLast()) + [units]) }

    /// (..., K) -> (..., N).
    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard s.rank >= 1, s.dims.last == kernel.shape[0] else {
            throw LayerShapeError("kernel \(Shape(kernel.shape)) needs \(kernel.shape[0]) features on the last axis")
        }
        return outputShape(for: s)
    }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        context.kernels == .fast ? ConvolutionGEMM.dense(self, inputs[0], context) : referenceForward(inputs[0])
    }

    /// The plain loop: out[m, n] = bias[n] + sum_k x[m, k] * kernel[k, n], in Double; then the activation.
    public func referenceForward(_ x: NDArray) -> NDArray {
        let (k, n) = (kernel.shape[0], kernel.shape[1])
        var out = NDArray(shape: outputShape(for: x.shape))
        for m in 0..<(x.shape.count / k) {
            for j in 0..<n {
                var acc = Double(bias?.values[j] ?? 0)
                for i in 0..<k { acc += Double(x.data[m * k + i]) * Double(kernel.values[i * n + j]) }
                out.data[m * n + j] = Float(acc)
            }
        }
        activation.apply(to: &out)
        return out
    }
}

extension DenseLayer {
    /// Config: units, activation (linear), use_bias (true); weights kernel[, bias]. A non-null
    /// `quantization_config` is refused; `lora_rank` is accepted (Keras saves the merged kernel).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        try c.refuse("quantization_config", unless: [])
        let units = try c.int("units")
        try c.checkSize("units", units)
        let activation = try c.activation()
        let useBias = try c.bool("use_bias", default: true)
        let w = try c.weights([ExpectedWeight("kernel", [nil, units])] + (useBias ? [ExpectedWeight("bias", [units])] : []))
        return DenseLayer(kernel: w[0], bias: useBias ? w[1] : nil, activation: activation)
    }
}

extension DenseLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { activation.fusedBackwardNeeds }

    /// dL/dz = dL/dy * f'(z) (softmax: its Jacobian along N), then dL/dx[m, k] = sum_n dz[m, n] * kernel[k, n]
    /// (TensorFlow's MatMul gradient): `.fast` by GEMM, `.reference` in Double.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var dz = a.outputGradient
        let x = a.inputs.first
        activation.backward(&dz, output: a.output) { linear.forward([x!], context) }
        let shape = a.inputShapes[0]
        if context.kernels == .fast { return [ConvolutionGEMM.denseInputGradient(self, dz, inputShape: shape)] }
        let (k, n) = (kernel.shape[0], kernel.shape[1])
        var dx = NDArray(shape: shape)
        for m in 0..<(shape.count / k) {
            for i in 0..<k {
                var acc: Double = 0
                for j in 0..<n { acc += Double(dz.data[m * n + j]) * Double(kernel.values[i * n + j]) }
                dx.data[m * k + i] = Float(acc)
            }
        }
        return [dx]
    }

    /// This layer without its activation: what gives the logits of a softmax classifier.
    public var linear: DenseLayer { DenseLayer(kernel: kernel, bias: bias) }
}
