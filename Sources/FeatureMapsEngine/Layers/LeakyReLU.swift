// Keras `LeakyReLU` (keras/src/layers/activations/leaky_relu.py; tf.nn.leaky_relu):
// y = x > 0 ? x : negative_slope * x.

public struct LeakyReLULayer: GraphLayer {
    public let negativeSlope: Float
    public init(negativeSlope: Float = 0.3) { self.negativeSlope = negativeSlope }

    public var kerasClassName: String { "LeakyReLU" }
    public func outputShape(inputs: [Shape]) throws -> Shape { inputs[0] }

    /// In place.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        var x = inputs.removeFirst()
        let a = Activation.leakyReLU(slope: negativeSlope)
        a.apply(to: &x)
        return x
    }
}

extension LeakyReLULayer {
    /// Config: negative_slope (Keras 3) or alpha (Keras 2), default 0.3 in both.
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        let slope = c["negative_slope"] != nil ? try c.double("negative_slope", default: 0.3) : try c.double("alpha", default: 0.3)
        guard slope >= 0 else { throw c.invalid("negative_slope", "is \(slope), Keras requires it to be at least 0") }
        return LeakyReLULayer(negativeSlope: Float(slope))
    }
}

extension LeakyReLULayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { .inputs }

    /// TensorFlow's LeakyReluGrad: dx = dy * (x > 0 ? 1 : negative_slope).
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var g = a.outputGradient
        Activation.leakyReLU(slope: negativeSlope).backward(&g, input: a.input(0), output: nil)
        return [g]
    }
}
