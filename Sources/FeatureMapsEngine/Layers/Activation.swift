// Keras `Activation` (keras/src/layers/activations/activation.py): one of Keras's activation
// functions (Graph/Activation.swift), element by element (softmax: over the last axis).

public struct ActivationLayer: GraphLayer {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }

    public var kerasClassName: String { "Activation" }

    /// Any shape -> the same shape (softmax needs at least one axis).
    public func outputShape(inputs: [Shape]) throws -> Shape {
        if activation == .softmax && inputs[0].rank == 0 { throw LayerShapeError("softmax needs an axis") }
        return inputs[0]
    }

    /// In place.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        var x = inputs.removeFirst()
        activation.apply(to: &x)
        return x
    }
}

extension ActivationLayer {
    /// Config: activation (a Keras name; Keras 2 files get Keras 2's hard_sigmoid).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        guard c["activation"] != nil else { throw c.invalid("activation", "is missing") }
        return ActivationLayer(try c.activation())
    }
}

extension ActivationLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { activation.derivativeFromOutput ? .output : .inputs }

    /// dx = dy * f'(x) (ActivationDerivatives.swift; softmax: its Jacobian along the last axis).
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var g = a.outputGradient
        activation.backward(&g, input: a.inputs.first, output: a.output)
        return [g]
    }
}
