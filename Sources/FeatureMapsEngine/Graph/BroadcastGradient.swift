// The backward side of NumPy broadcasting (Broadcast.swift): an operand stretched to the output's
// shape S receives the SUM of the output gradient over every position it was read at (TensorFlow's
// BroadcastGradientArgs + reduce_sum). Legend as in Broadcast.swift.

extension Broadcast {
    /// `x` (shape s, broadcastable to `shape`) read at every index of `shape`: the array
    /// Broadcast.binary sees as its operand. No copy when s already is `shape`.
    static func expand(_ x: NDArray, to shape: Shape) -> NDArray {
        x.shape == shape ? x : binary(NDArray(shape: shape), x, shape: shape) { $1 }
    }

    /// g (shape S) summed onto shape `s` (which broadcasts to S): out[j] = sum of g[i] over the
    /// indices i of S that read j. In Double; no copy when s == S.
    static func reduce(_ g: NDArray, to s: Shape) -> NDArray {
        if g.shape == s { return g }
        let shape = g.shape, st = strides(of: s, in: shape)
        var acc = [Double](repeating: 0, count: s.count)
        let rank = shape.rank
        var index = [Int](repeating: 0, count: rank)
        var offset = 0
        for i in 0..<shape.count {
            acc[offset] += Double(g.data[i])
            var k = rank - 1  // next index of S, row-major, keeping `offset` in step
            while k >= 0 {
                index[k] += 1
                offset += st[k]
                if index[k] < shape[k] { break }
                offset -= st[k] * shape[k]
                index[k] = 0
                k -= 1
            }
        }
        return NDArray(shape: s, data: acc.map { Float($0) })
    }

    /// g * factor elementwise (both of g's shape), in place in g.
    static func multiply(_ g: inout NDArray, by factor: NDArray) {
        require(g.shape == factor.shape, "gradient \(g.shape) vs factor \(factor.shape)")
        factor.data.withUnsafeBufferPointer { f in
            g.data.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= f[i] } }
        }
    }
}

extension NDArray {
    /// self += other elementwise (equal shapes): where a value read twice collects its gradients.
    mutating func add(_ other: NDArray) {
        require(shape == other.shape, "cannot add gradients \(other.shape) to \(shape)")
        other.data.withUnsafeBufferPointer { o in
            data.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] += o[i] } }
        }
    }

    /// Every element times s, in place.
    mutating func scale(by s: Float) {
        data.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= s } }
    }
}
