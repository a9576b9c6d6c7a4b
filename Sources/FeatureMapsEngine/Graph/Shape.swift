// Legend: a Shape is Keras's shape without the batch axis (batch size is always 1).
//   rank 1: (C)          a vector (Dense, global pooling)
//   rank 3: (H, W, C)    a feature map, NHWC channels-last
//   ranks 0, 2, 4, ...   what Reshape, Permute and keras.ops produce
// Elements are stored row-major: the last axis varies fastest (NumPy's C order).

/// The shape of one graph value, Keras's `output.shape[1:]`.
public struct Shape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public let dims: [Int]

    public init(_ dims: [Int]) {
        require(dims.allSatisfy { $0 >= 0 }, "shape dimensions must not be negative: \(dims)")
        self.dims = dims
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    public var rank: Int { dims.count }
    /// Number of elements (1 for rank 0).
    public var count: Int { dims.reduce(1, *) }
    public subscript(axis: Int) -> Int { dims[axis] }

    /// Row-major strides: element i0, i1, ... lives at sum(i_k * strides[k]).
    public var strides: [Int] {
        var s = [Int](repeating: 1, count: rank)
        var acc = 1
        for k in stride(from: rank - 1, through: 0, by: -1) {
            s[k] = acc
            acc *= dims[k]
        }
        return s
    }

    /// "(28, 28, 1)", "(1280,)" or "()": Keras's shape tuple without the batch axis.
    public var description: String {
        rank == 1 ? "(\(dims[0]),)" : "(" + dims.map(String.init).joined(separator: ", ") + ")"
    }

    /// The map shape HxWxC of the existing `Tensor` for rank 3, 1x1xC for rank 1; nil otherwise.
    public var tensorShape: TensorShape? {
        switch rank {
        case 3: return TensorShape(height: dims[0], width: dims[1], channels: dims[2])
        case 1: return TensorShape(height: 1, width: 1, channels: dims[0])
        default: return nil
        }
    }

    /// A Keras axis (counting the batch axis as 0; negative from the end) as an index into `dims`,
    /// or nil when it is the batch axis or out of range. Keras `axis=-1` is `rank - 1`.
    public func batchlessAxis(_ kerasAxis: Int) -> Int? {
        let full = rank + 1
        let a = kerasAxis < 0 ? kerasAxis + full : kerasAxis
        guard a >= 1, a < full else { return nil }
        return a - 1
    }

    /// NumPy broadcasting of several shapes (aligned on their last axes; a 1 stretches), or nil when
    /// two sizes differ and neither is 1. Keras's merge layers and keras.ops follow the same rule.
    public static func broadcast(_ shapes: [Shape]) -> Shape? {
        let rank = shapes.map(\.rank).max() ?? 0
        var out = [Int](repeating: 1, count: rank)
        for s in shapes {
            let offset = rank - s.rank
            for (k, d) in s.dims.enumerated() {
                let o = out[offset + k]
                if o == 1 { out[offset + k] = d } else if d != 1 && d != o { return nil }
            }
        }
        return Shape(out)
    }
}

extension TensorShape {
    /// The graph shape (H, W, C) of a map.
    public var graphShape: Shape { Shape([height, width, channels]) }
}
