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

extension MergeLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { kind == .add || kind == .subtract || kind == .average ? [] : .inputs }

    /// Each input's share of dy, summed over the axes it was broadcast along (BroadcastGradient.swift):
    /// Add dy; Subtract dy, -dy; Average dy / n; Multiply dy times the product of the other inputs;
    /// Maximum / Minimum all of dy to the input that the left fold picked: TensorFlow's Maximum
    /// gradient sends a tie to its first operand (x >= y), so at every element the FIRST input
    /// attaining the maximum (minimum) gets dy, the others 0.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let g = a.outputGradient, shapes = a.inputShapes, wanted = a.wanted
        func share(_ k: Int, _ full: () -> NDArray) -> NDArray? { wanted[k] ? Broadcast.reduce(full(), to: shapes[k]) : nil }
        switch kind {
        case .add: return shapes.indices.map { k in share(k) { g } }
        case .average:
            var scaled = g
            scaled.scale(by: 1 / Float(shapes.count))
            return shapes.indices.map { k in share(k) { scaled } }
        case .subtract:
            return [
                share(0) { g },
                share(1) {
                    var m = g; m.scale(by: -1); return m
                },
            ]
        case .multiply:
            let xs = a.inputs.map { Broadcast.expand($0, to: g.shape) }
            return shapes.indices.map { k in
                share(k) {
                    var d = g
                    for (j, x) in xs.enumerated() where j != k { Broadcast.multiply(&d, by: x) }
                    return d
                }
            }
        case .maximum, .minimum:
            let xs = a.inputs.map { Broadcast.expand($0, to: g.shape) }
            var winner = [Int](repeating: 0, count: g.shape.count)
            for i in winner.indices {
                var best = xs[0].data[i]
                for k in 1..<xs.count {
                    let v = xs[k].data[i]
                    if kind == .maximum ? !(best >= v) : !(best <= v) { (winner[i], best) = (k, v) }
                }
            }
            return shapes.indices.map { k in
                share(k) { NDArray(shape: g.shape, data: g.data.indices.map { winner[$0] == k ? g.data[$0] : 0 }) }
            }
        }
    }
}
