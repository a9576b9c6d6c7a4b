// The weights of one layer call checked against what its config implies, in Keras's variable
// order: how many, each shape (dimensions the config does not fix, such as a kernel's input
// channels, are checked later by the graph's shape inference), and finite values.

/// A weight the config implies: Keras's variable name and its shape (nil = not fixed by the config).
public struct ExpectedWeight: Sendable {
    public let name: String
    public let shape: [Int?]
    public init(_ name: String, _ shape: [Int?]) {
        self.name = name
        self.shape = shape
    }
}

extension KerasConfig {
    /// The layer's weights, in order, after checking their count, shapes and values.
    public func weights(_ expected: [ExpectedWeight]) throws -> [WeightArray] {
        let found = spec.weights
        guard found.count == expected.count else {
            throw GraphError.weightCount(layer: layer, className: className, expected: expected.map(\.name), found: found.count)
        }
        for (w, e) in zip(found, expected) {
            let fits = w.shape.count == e.shape.count && zip(w.shape, e.shape).allSatisfy { $1 == nil || $0 == $1 }
            guard fits else {
                // Sizes the config leaves open are shown as found, so the message reads (3, 3, 4, 8) vs (3, 3, 4, 4).
                let shown = w.shape.count == e.shape.count ? zip(e.shape, w.shape).map { $0 ?? $1 } : e.shape
                throw GraphError.weightShape(layer: layer, className: className, weight: e.name, expected: shown, found: w.shape)
            }
            if let bad = w.values.firstIndex(where: { !$0.isFinite }) {
                throw GraphError.nonFiniteWeight(layer: layer, weight: e.name, index: bad)
            }
        }
        return found
    }

    /// A constant operand or config array as float32, refusing NaN and infinity.
    func finiteArray(_ key: String, _ a: (shape: [Int], values: [Double])) throws -> NDArray {
        guard a.values.allSatisfy(\.isFinite) else { throw invalid(key, "holds NaN or infinity") }
        for d in a.shape { try checkSize(key, d, minimum: 1) }
        return NDArray(shape: Shape(a.shape), data: a.values.map { Float($0) })
    }
}
