// Keras `Permute` (keras/src/layers/reshaping/permute.py): the axes reordered; `dims` counts from 1
// (the batch axis is 0 and stays). Output axis k is input axis dims[k] - 1.

public struct PermuteLayer: GraphLayer {
    /// A permutation of 1...rank.
    public let dims: [Int]
    public init(dims: [Int]) { self.dims = dims }

    public var kerasClassName: String { "Permute" }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard s.rank == dims.count else { throw LayerShapeError("dims \(dims) permute \(dims.count) axes, the input has \(s.rank)") }
        return Shape(dims.map { s[$0 - 1] })
    }

    /// out[i0, i1, ...] = in[j] where j's axis dims[k] - 1 is i_k.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        let shape = Shape(dims.map { x.shape[$0 - 1] })
        let inStrides = x.shape.strides
        let strides = dims.map { inStrides[$0 - 1] }  // input stride of each output axis
        var out = NDArray(shape: shape)
        var index = [Int](repeating: 0, count: shape.rank)
        for o in 0..<shape.count {
            var src = 0
            for k in 0..<shape.rank { src += index[k] * strides[k] }
            out.data[o] = x.data[src]
            var k = shape.rank - 1  // next output index, row-major
            while k >= 0 {
                index[k] += 1
                if index[k] < shape[k] { break }
                index[k] = 0
                k -= 1
            }
        }
        return out
    }
}

extension PermuteLayer {
    /// Config: dims, a permutation of 1...n.
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        let d = try c.ints("dims", count: nil)
        guard d.sorted() == Array(1...max(1, d.count)), !d.isEmpty else { throw c.invalid("dims", "is \(d), not a permutation of 1...\(d.count)") }
        return PermuteLayer(dims: d)
    }
}

extension PermuteLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { [] }

    /// The inverse permutation: dx[j] = dy[o] for the pairs the forward copied.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        var inverse = [Int](repeating: 0, count: dims.count)
        for (k, d) in dims.enumerated() { inverse[d - 1] = k + 1 }
        return [PermuteLayer(dims: inverse).forward([a.outputGradient], context)]
    }
}
