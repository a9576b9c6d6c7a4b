// Keras `Flatten` (keras/src/layers/reshaping/flatten.py, channels_last): every axis into one,
// row-major (H, W, C order: index (y * W + x) * C + c). The storage is shared, nothing is copied.

public struct FlattenLayer: GraphLayer {
    public init() {}
    public var kerasClassName: String { "Flatten" }

    /// (d0, d1, ...) -> (d0 * d1 * ...); a scalar -> (1).
    public func outputShape(inputs: [Shape]) throws -> Shape { [inputs[0].count] }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs.removeFirst()
        return x.reshaped([x.shape.count])
    }
}

extension FlattenLayer {
    /// Config: data_format channels_last (channels_first would reorder and is refused).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireChannelsLast()
        try c.requireFloat32()
        return FlattenLayer()
    }
}

/// dx = dy under the input's shape.
extension FlattenLayer: ReshapingGradient {}
