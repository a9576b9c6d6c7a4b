// Keras `Reshape` (keras/src/layers/reshaping/reshape.py): the same elements in row-major order under
// `target_shape` (without the batch axis), where one -1 stands for whatever size makes the count
// match. The storage is shared, nothing is copied.

public struct ReshapeLayer: GraphLayer {
    /// Sizes, one of them possibly -1.
    public let targetShape: [Int]
    public init(targetShape: [Int]) { self.targetShape = targetShape }

    public var kerasClassName: String { "Reshape" }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        let count = inputs[0].count
        let known = targetShape.filter { $0 != -1 }.reduce(1, *)
        var dims = targetShape
        if let i = targetShape.firstIndex(of: -1) {
            guard known > 0, count % known == 0 else { throw LayerShapeError("\(count) values do not fill target shape \(targetShape)") }
            dims[i] = count / known
        }
        guard dims.reduce(1, *) == count else { throw LayerShapeError("\(count) values do not fill target shape \(targetShape)") }
        return Shape(dims)
    }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs.removeFirst()
        return x.reshaped(try! outputShape(inputs: [x.shape]))
    }
}

extension ReshapeLayer {
    /// Config: target_shape (sizes at least 1, at most one -1).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        let t = try c.ints("target_shape", count: nil)
        guard t.filter({ $0 == -1 }).count <= 1 else { throw c.invalid("target_shape", "has more than one -1") }
        for d in t where d != -1 { try c.checkSize("target_shape", d) }
        return ReshapeLayer(targetShape: t)
    }
}

/// dx = dy under the input's shape.
extension ReshapeLayer: ReshapingGradient {}
