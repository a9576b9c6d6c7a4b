// Keras `ELU` (keras/src/layers/activations/elu.py; TensorFlow's elu, scaled by alpha on the
// negative side): y = x > 0 ? x : alpha * (exp(x) - 1).

public struct ELULayer: GraphLayer {
    public let alpha: Float
    public init(alpha: Float = 1) { self.alpha = alpha }

    public var kerasClassName: String { "ELU" }
    public func outputShape(inputs: [Shape]) throws -> Shape { inputs[0] }

    /// In place.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        var x = inputs.removeFirst()
        Activation.elu(alpha: alpha).apply(to: &x)
        return x
    }
}

extension ELULayer {
    /// Config: alpha (1.0; Keras 3 does not write it, so its files always mean 1.0).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        return ELULayer(alpha: Float(try c.double("alpha", default: 1)))
    }
}

extension ELULayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { .inputs }

    /// dx = dy * (x > 0 ? 1 : alpha * exp(x)).
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var g = a.outputGradient
        Activation.elu(alpha: alpha).backward(&g, input: a.input(0), output: nil)
        return [g]
    }
}
