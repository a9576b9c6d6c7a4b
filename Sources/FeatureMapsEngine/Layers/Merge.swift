// Keras's elementwise merge layers (keras/src/layers/merging/: add.py, subtract.py, multiply.py,
// average.py, maximum.py, minimum.py): a list of inputs combined left to right with NumPy
// broadcasting (Keras's base_merge expands lower-rank inputs after the batch axis, which is the same
// rule), in float32. EfficientNet's squeeze-excite multiplies (H, W, C) by (1, 1, C).
//   Add: x0 + x1 + ...   Subtract: x0 - x1   Multiply: x0 * x1 * ...
//   Average: (x0 + x1 + ...) / n   Maximum, Minimum: elementwise

public struct MergeLayer: GraphLayer {
    public enum Kind: String, Sendable, CaseIterable {
        case add = "Add", subtract = "Subtract", multiply = "Multiply", average = "Average", maximum = "Maximum", minimum = "Minimum"
    }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    public var kerasClassName: String { kind.rawValue }
    public var inputCount: ClosedRange<Int> { kind == .subtract ? 2...2 : 1...Int.max }

    /// The inputs' broadcast shape.
    public func outputShape(inputs: [Shape]) throws -> Shape {
        guard let s = Shape.broadcast(inputs) else { throw LayerShapeError("the shapes do not broadcast") }
        return s
    }

    /// Left fold of the inputs; the first input's storage is reused when it has the output's shape.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let n = Float(inputs.count)
        var acc = inputs.removeFirst()
        for x in inputs {
            let s = Shape.broadcast([acc.shape, x.shape])!
            switch kind {
            case .add, .average: acc = Broadcast.binary(consume acc, x, shape: s, +)
            case .subtract: acc = Broadcast.binary(consume acc, x, shape: s, -)
            case .multiply: acc = Broadcast.binary(consume acc, x, shape: s, *)
            case .maximum: acc = Broadcast.binary(consume acc, x, shape: s) { Swift.max($0, $1) }
            case .minimum: acc = Broadcast.binary(consume acc, x, shape: s) { Swift.min($0, $1) }
            }
        }
        if kind == .average {
            acc.data.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] /= n } }
        }
        return acc
    }
}

extension MergeLayer {
    /// No config of consequence (Keras's merge layers only have name, trainable, dtype).
    static func builder(_ kind: Kind) -> @Sendable (KerasConfig) throws -> any GraphLayer {
        { c in
            try c.requireFloat32()
            return MergeLayer(kind)
        }
    }
}
