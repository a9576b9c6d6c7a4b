// Keras `BatchNormalization` at inference (keras/src/layers/normalization/batch_normalization.py
// with the moving statistics), computed as TensorFlow's tf.nn.batch_normalization does it, in float32:
//   inv = gamma / sqrt(moving_variance + epsilon),  y = x * inv + (beta - moving_mean * inv)
// which is (x - mean) / sqrt(var + eps) * gamma + beta; gamma = 1 without `scale`, beta = 0 without
// `center`. Legend: C = the size of the normalized axis (the last one unless `axis` says otherwise).

public struct BatchNormalizationLayer: GraphLayer {
    /// Keras's axis, counting the batch axis as 0 (-1: the last).
    public let axis: Int
    public let epsilon: Float
    public let gamma: [Float]?, beta: [Float]?
    public let mean: [Float], variance: [Float]

    public init(axis: Int = -1, epsilon: Float = 1e-3, gamma: [Float]?, beta: [Float]?, mean: [Float], variance: [Float]) {
        require(
            mean.count == variance.count && (gamma?.count ?? mean.count) == mean.count && (beta?.count ?? mean.count) == mean.count,
            "BatchNormalization vectors differ in length")
        self.axis = axis
        self.epsilon = epsilon
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
    }

    public var kerasClassName: String { "BatchNormalization" }
    public var parameterCount: Int { mean.count * (2 + (gamma == nil ? 0 : 1) + (beta == nil ? 0 : 1)) }

    /// Any shape whose `axis` has C entries; the output has the input's shape.
    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard let a = s.batchlessAxis(axis) else { throw LayerShapeError("axis \(axis) is not an axis of this input") }
        guard s[a] == mean.count else { throw LayerShapeError("its statistics have \(mean.count) channels on axis \(axis), the input \(s[a])") }
        return s
    }

    /// Per channel inv and shift in float32, then y = x * inv[c] + shift[c] element by element, in place.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        var x = inputs.removeFirst()
        let a = x.shape.batchlessAxis(axis)!
        let (channels, inner) = (x.shape[a], x.shape.strides[a])
        var inv = [Float](repeating: 0, count: channels), shift = inv
        for c in 0..<channels {
            inv[c] = 1 / (variance[c] + epsilon).squareRoot() * (gamma?[c] ?? 1)
            shift[c] = (beta?[c] ?? 0) - mean[c] * inv[c]
        }
        x.data.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                let c = (i / inner) % channels
                p[i] = p[i] * inv[c] + shift[c]
            }
        }
        return x
    }
}

extension BatchNormalizationLayer {
    /// Config: axis (-1; Keras 2 may write [3]), epsilon (1e-3), center (true), scale (true);
    /// `renorm: true` is refused (its moving statistics differ), momentum and synchronized only
    /// matter in training. Weights: [gamma], [beta], moving_mean, moving_variance.
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        try c.refuse("renorm", unless: [.bool(false)])
        let axes = try c.ints("axis", count: nil, default: [-1])
        guard axes.count == 1 else { throw c.unsupported("axis", c["axis"]!) }
        let epsilon = try c.double("epsilon", default: 1e-3)
        guard epsilon > 0 else { throw c.invalid("epsilon", "is \(epsilon), must be positive") }
        let center = try c.bool("center", default: true), scale = try c.bool("scale", default: true)
        let n = c.spec.weights.last?.shape.count == 1 ? c.spec.weights.last!.shape[0] : nil
        let names = (scale ? ["gamma"] : []) + (center ? ["beta"] : []) + ["moving_mean", "moving_variance"]
        let w = try c.weights(names.map { ExpectedWeight($0, [n]) })
        guard w.last!.values.allSatisfy({ $0 + Float(epsilon) > 0 }) else {
            throw c.invalid("moving_variance", "plus epsilon is not positive everywhere (Keras would give NaN)")
        }
        return BatchNormalizationLayer(
            axis: axes[0], epsilon: Float(epsilon), gamma: scale ? w[0].values : nil,
            beta: center ? w[scale ? 1 : 0].values : nil,
            mean: w[w.count - 2].values, variance: w[w.count - 1].values)
    }
}

extension BatchNormalizationLayer: DifferentiableLayer {
    /// An affine map at inference: nothing but the statistics.
    public var backwardNeeds: BackwardNeeds { [] }

    /// dx = dy * inv[c], inv = gamma / sqrt(moving_variance + epsilon) in float32 as the forward
    /// computes it; in place.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var g = a.outputGradient
        let ax = g.shape.batchlessAxis(axis)!
        let (channels, inner) = (g.shape[ax], g.shape.strides[ax])
        let inv = (0..<channels).map { c in 1 / (variance[c] + epsilon).squareRoot() * (gamma?[c] ?? 1) }
        g.data.withUnsafeMutableBufferPointer { p in
            if inner == 1 {  // channels last: one row of C per pixel
                inv.withUnsafeBufferPointer { s in
                    for row in stride(from: 0, to: p.count, by: channels) { for c in 0..<channels { p[row + c] *= s[c] } }
                }
            } else {
                for i in p.indices { p[i] *= inv[(i / inner) % channels] }
            }
        }
        return [g]
    }
}
