// Keras `Cropping2D` (keras/src/layers/reshaping/cropping2d.py): rows and columns removed from the
// edges: (H, W, C) -> (H - top - bottom, W - left - right, C).

public struct Cropping2DLayer: GraphLayer {
    public let top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    public var kerasClassName: String { "Cropping2D" }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard s.rank == 3 else { throw LayerShapeError("Cropping2D takes an (H, W, C) map") }
        guard top + bottom < s[0], left + right < s[1] else {
            throw LayerShapeError("cropping (\(top), \(bottom)), (\(left), \(right)) leaves nothing of it")
        }
        return [s[0] - top - bottom, s[1] - left - right, s[2]]
    }

    /// out[y, x, c] = in[top + y, left + x, c].
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        let (w, c) = (x.shape[1], x.shape[2])
        let (oh, ow) = (x.shape[0] - top - bottom, w - left - right)
        var data: [Float] = []
        data.reserveCapacity(oh * ow * c)
        for y in 0..<oh {
            let src = ((top + y) * w + left) * c
            data.append(contentsOf: x.data[src..<(src + ow * c)])
        }
        return NDArray(shape: [oh, ow, c], data: data)
    }
}

extension Cropping2DLayer {
    /// Config: cropping (0): n, (symmetric rows, symmetric columns) or ((top, bottom), (left, right)).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireChannelsLast()
        try c.requireFloat32()
        let p = try c.sidePairs("cropping", default: 0)
        return Cropping2DLayer(top: p[0][0], bottom: p[0][1], left: p[1][0], right: p[1][1])
    }
}

extension Cropping2DLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { [] }

    /// dy put back in place, zeros where the cropping cut: the forward of ZeroPadding2D.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        [ZeroPadding2DLayer(top: top, bottom: bottom, left: left, right: right).forward([a.outputGradient], context)]
    }
}
