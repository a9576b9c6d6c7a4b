// Keras `Rescaling` (keras/src/layers/preprocessing/rescaling.py): y = x * scale + offset in float32
// (a multiply, then an add), scale and offset scalars or arrays broadcast as NumPy's (a list of C
// values: per channel on the last axis).

public struct RescalingLayer: GraphLayer {
    public let scale: NDArray
    public let offset: NDArray

    public init(scale: NDArray, offset: NDArray = NDArray(shape: [], data: [0])) {
        self.scale = scale
        self.offset = offset
    }

    public var kerasClassName: String { "Rescaling" }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        guard Shape.broadcast([inputs[0], scale.shape, offset.shape]) == inputs[0] else {
            throw LayerShapeError("scale \(scale.shape) and offset \(offset.shape) do not broadcast to the input")
        }
        return inputs[0]
    }

    /// In place.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs.removeFirst(), shape = x.shape
        return Broadcast.binary(Broadcast.binary(x, scale, shape: shape, *), offset, shape: shape, +)
    }
}

extension RescalingLayer {
    /// Config: scale (required), offset (0): a number, a list, or Keras's serialized array.
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        func array(_ key: String, default def: Double?) throws -> NDArray {
            guard let v = c[key], !v.isNull else {
                guard let def else { throw c.invalid(key, "is missing") }
                return NDArray(shape: [], data: [Float(def)])
            }
            guard let a = v.numericArray else { throw c.invalid(key, "is \(v), not a number or a list of numbers") }
            return try c.finiteArray(key, a)
        }
        return RescalingLayer(scale: try array("scale", default: nil), offset: try array("offset", default: 0))
    }
}

extension RescalingLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { [] }

    /// dx = dy * scale (broadcast).
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let g = a.outputGradient
        return [Broadcast.binary(g, scale, shape: g.shape, *)]
    }
}
