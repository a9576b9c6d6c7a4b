// Keras `Concatenate` (keras/src/layers/merging/concatenate.py): inputs of equal rank, equal sizes
// except along `axis`, joined along it in input order.
// Legend: for the joined axis, `outer` = product of the axes before it, `inner` = after it; input k
// contributes a slab of n_k * inner values per outer index.

public struct ConcatenateLayer: GraphLayer {
    /// Keras's axis, counting the batch axis as 0 (-1: the last).
    public let axis: Int
    public init(axis: Int = -1) { self.axis = axis }

    public var kerasClassName: String { "Concatenate" }
    public var inputCount: ClosedRange<Int> { 1...Int.max }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        let first = inputs[0]
        guard let a = first.batchlessAxis(axis) else { throw LayerShapeError("axis \(axis) is not an axis of these inputs") }
        var dims = first.dims
        dims[a] = 0
        for s in inputs {
            guard s.rank == first.rank, (0..<s.rank).allSatisfy({ $0 == a || s[$0] == first[$0] }) else {
                throw LayerShapeError("the inputs differ in rank or in a size other than axis \(axis)")
            }
            dims[a] += s[a]
        }
        return Shape(dims)
    }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let shape = try! outputShape(inputs: inputs.map(\.shape))
        let a = shape.batchlessAxis(axis)!
        let inner = shape.strides[a], outer = shape.count / max(1, shape[a] * inner)
        var out = NDArray(shape: shape)
        var offset = 0  // position of the current input's slab within one outer row
        for x in inputs {
            let slab = x.shape[a] * inner
            for o in 0..<outer {
                let dst = o * shape[a] * inner + offset
                out.data.replaceSubrange(dst..<(dst + slab), with: x.data[(o * slab)..<((o + 1) * slab)])
            }
            offset += slab
        }
        return out
    }
}

extension ConcatenateLayer {
    /// Config: axis (-1).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireFloat32()
        return ConcatenateLayer(axis: try c.int("axis", default: -1))
    }
}

extension ConcatenateLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { [] }

    /// dy cut back into the inputs' slabs along `axis`.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let g = a.outputGradient, shape = g.shape
        let ax = shape.batchlessAxis(axis)!
        let inner = shape.strides[ax], outer = shape.count / max(1, shape[ax] * inner)
        var offset = 0
        return a.inputShapes.enumerated().map { k, s in
            let slab = s[ax] * inner
            defer { offset += slab }
            guard a.wanted[k] else { return nil }
            var data: [Float] = []
            data.reserveCapacity(s.count)
            for o in 0..<outer {
                let src = o * shape[ax] * inner + offset
                data.append(contentsOf: g.data[src..<(src + slab)])
            }
            return NDArray(shape: s, data: data)
        }
    }
}
