// Keras `GlobalAveragePooling2D` and `GlobalMaxPooling2D` (keras/src/layers/pooling/; reduce_mean /
// reduce_max over the rows and columns): (H, W, C) -> (C), or (1, 1, C) with keepdims.

public struct GlobalPooling2DLayer: GraphLayer {
    public enum Kind: String, Sendable { case average = "GlobalAveragePooling2D", max = "GlobalMaxPooling2D" }
    public let kind: Kind
    public let keepDims: Bool

    public init(_ kind: Kind, keepDims: Bool = false) {
        self.kind = kind
        self.keepDims = keepDims
    }

    public var kerasClassName: String { kind.rawValue }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard s.rank == 3 else { throw LayerShapeError("\(kind.rawValue) takes an (H, W, C) map") }
        return keepDims ? [1, 1, s[2]] : [s[2]]
    }

    /// out[c] = mean (or max) over y, x of in[y, x, c]; the mean is summed in Double.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        let (pixels, c) = (x.shape[0] * x.shape[1], x.shape[2])
        var out = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            var m = -Float.infinity, sum: Double = 0
            for p in 0..<pixels {
                let v = x.data[p * c + ch]
                m = max(m, v)
                sum += Double(v)
            }
            out[ch] = kind == .max ? m : Float(sum / Double(pixels))
        }
        return NDArray(shape: keepDims ? [1, 1, c] : [c], data: out)
    }
}

extension GlobalPooling2DLayer {
    /// Config: keepdims (false), data_format channels_last.
    static func builder(_ kind: Kind) -> @Sendable (KerasConfig) throws -> any GraphLayer {
        { c in
            try c.requireChannelsLast()
            try c.requireFloat32()
            return GlobalPooling2DLayer(kind, keepDims: try c.bool("keepdims", default: false))
        }
    }
}

extension GlobalPooling2DLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { kind == .max ? .all : [] }

    /// Average: every pixel gets dy[c] / (H*W). Max: TensorFlow's reduce_max gradient, which
    /// SPLITS dy[c] equally between the pixels equal to the maximum (unlike MaxPooling2D).
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let g = a.outputGradient, shape = a.inputShapes[0]
        let (pixels, c) = (shape[0] * shape[1], shape[2])
        var dx = NDArray(shape: shape)
        if kind == .average {
            for p in 0..<pixels { for ch in 0..<c { dx.data[p * c + ch] = g.data[ch] / Float(pixels) } }
            return [dx]
        }
        let x = a.input(0), y = a.y
        for ch in 0..<c {
            let ties = (0..<pixels).filter { x.data[$0 * c + ch] == y.data[ch] }
            for p in ties { dx.data[p * c + ch] = g.data[ch] / Float(ties.count) }
        }
        return [dx]
    }
}
