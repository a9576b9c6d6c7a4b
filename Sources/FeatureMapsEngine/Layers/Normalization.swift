// Keras `Normalization` (keras/src/layers/preprocessing/normalization.py) with its stored statistics,
// in float32:  y = (x - mean) / max(sqrt(variance), 1e-7)   (invert: y = mean + x * max(...)).
// `axis` names the kept axes (default -1: one mean per channel); mean and variance have the kept
// axes' sizes and broadcast over the others. EfficientNet's copy keeps its variance as is (its
// known sqrt quirk, tensorflow#49930, is in the model's own Rescaling, not here).

public struct NormalizationLayer: GraphLayer {
    /// Keras's kept axes (the batch axis is 0; negative from the end); [] = one scalar mean.
    public let axes: [Int]
    /// Row-major over the kept axes (or one value).
    public let mean: [Float], variance: [Float]
    public let invert: Bool
    /// Keras counts the adapted statistics (mean, variance, count: 2 * values + 1) as parameters;
    /// statistics given in the config are no variables and count 0.
    public let parameterCount: Int

    public init(axes: [Int] = [-1], mean: [Float], variance: [Float], invert: Bool = false, statisticsInConfig: Bool = false) {
        require(mean.count == variance.count, "Normalization mean and variance differ in length")
        self.axes = axes
        self.mean = mean
        self.variance = variance
        self.invert = invert
        parameterCount = statisticsInConfig ? 0 : 2 * mean.count + 1
    }

    public var kerasClassName: String { "Normalization" }

    /// The statistics' broadcast shape for input `s`: the kept sizes, 1 elsewhere; nil if axes are bad.
    func statisticsShape(_ s: Shape) -> Shape? {
        let kept = axes.map { s.batchlessAxis($0) }
        guard kept.allSatisfy({ $0 != nil }) else { return nil }
        return Shape((0..<s.rank).map { kept.contains($0) ? s[$0] : 1 })
    }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        guard let st = statisticsShape(inputs[0]) else { throw LayerShapeError("axis \(axes) is not an axis of this input") }
        guard mean.count == 1 || mean.count == st.count else {
            throw LayerShapeError("its mean has \(mean.count) values, the kept axes \(axes) have \(st.count)")
        }
        return inputs[0]
    }

    /// Elementwise with the statistics broadcast; in place.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs.removeFirst(), shape = x.shape
        let st: Shape = mean.count == 1 ? [] : statisticsShape(shape)!
        let m = NDArray(shape: st, data: mean)
        let d = NDArray(shape: st, data: variance.map { max($0.squareRoot(), 1e-7) })
        if invert { return Broadcast.binary(Broadcast.binary(x, d, shape: shape, *), m, shape: shape, +) }
        return Broadcast.binary(Broadcast.binary(x, m, shape: shape, -), d, shape: shape, /)
    }
}

extension NormalizationLayer {
    /// Config: axis (-1; null = none kept), invert (false), mean and variance (null: from the
    /// weights mean, variance, count, as after adapt()).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        let axes = c["axis"]?.isNull == true ? [] : try c.ints("axis", count: nil, default: [-1])
        let invert = try c.bool("invert", default: false)
        if let m = c["mean"], !m.isNull {
            guard let mean = m.numericArray, let v = c["variance"]?.numericArray, v.shape == mean.shape else {
                throw c.invalid("variance", "is missing or does not have the mean's shape")
            }
            guard c.spec.weights.isEmpty else {
                throw GraphError.weightCount(layer: c.spec.qualifiedName, className: c.spec.className, expected: [], found: c.spec.weights.count)
            }
            let mv = try c.finiteArray("mean", mean), vv = try c.finiteArray("variance", v)
            return NormalizationLayer(axes: axes, mean: mv.data, variance: vv.data, invert: invert, statisticsInConfig: true)
        }
        let shape = c.spec.weights.first?.shape.map { Optional($0) } ?? [nil]
        let w = try c.weights([ExpectedWeight("mean", shape), ExpectedWeight("variance", shape), ExpectedWeight("count", [])])
        return NormalizationLayer(axes: axes, mean: w[0].values, variance: w[1].values, invert: invert)
    }
}

extension NormalizationLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { [] }

    /// dx = dy / max(sqrt(variance), 1e-7) (invert: times it), broadcast as the forward.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let g = a.outputGradient, shape = g.shape
        let st: Shape = mean.count == 1 ? [] : statisticsShape(shape)!
        let d = NDArray(shape: st, data: variance.map { max($0.squareRoot(), 1e-7) })
        return [invert ? Broadcast.binary(g, d, shape: shape, *) : Broadcast.binary(g, d, shape: shape, /)]
    }
}
