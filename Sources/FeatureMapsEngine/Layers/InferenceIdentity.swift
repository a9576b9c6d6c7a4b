// Layers that pass their input through at inference: Identity (keras/src/layers/core/identity.py)
// and those that only act in training (Keras's `call` with training=False): Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout
// (keras/src/layers/regularization/), ActivityRegularization (adds a loss, returns its input).

public struct InferenceIdentityLayer: GraphLayer {
    public let kerasClassName: String
    public init(kerasClassName: String) { self.kerasClassName = kerasClassName }

    public func outputShape(inputs: [Shape]) throws -> Shape { inputs[0] }

    /// The input itself (no copy).
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray { inputs.removeFirst() }

    static let classNames = [
        "Identity", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
        "GaussianDropout", "AlphaDropout", "ActivityRegularization",
    ]

    /// Config: nothing that matters at inference (rate, stddev, seed, noise_shape, l1, l2).
    static func builder(_ name: String) -> @Sendable (KerasConfig) throws -> any GraphLayer {
        { c in
            try c.requireChannelsLast()
            try c.requireFloat32()
            return InferenceIdentityLayer(kerasClassName: name)
        }
    }
}

/// dx = dy (inference: dropout and noise are off).
extension InferenceIdentityLayer: ReshapingGradient {}
