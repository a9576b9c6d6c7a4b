// Keras `ZeroPadding2D` (keras/src/layers/reshaping/zero_padding2d.py): zeros around an (H, W, C)
// map: (H, W, C) -> (top + H + bottom, left + W + right, C).

public struct ZeroPadding2DLayer: GraphLayer {
    public let top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    public var kerasClassName: String { "ZeroPadding2D" }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard s.rank == 3 else { throw LayerShapeError("ZeroPadding2D takes an (H, W, C) map") }
        return [top + s[0] + bottom, left + s[1] + right, s[2]]
    }

    /// out[top + y, left + x, c] = in[y, x, c]; zero elsewhere.
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        let (h, w, c) = (x.shape[0], x.shape[1], x.shape[2])
        let ow = left + w + right
        var out = NDArray(shape: [top + h + bottom, ow, c])
        for y in 0..<h {
            let dst = ((top + y) * ow + left) * c
            out.data.replaceSubrange(dst..<(dst + w * c), with: x.data[(y * w * c)..<((y + 1) * w * c)])
        }
        return out
    }
}

extension ZeroPadding2DLayer {
    /// Config: padding (1): n, (symmetric rows, symmetric columns) or ((top, bottom), (left, right)).
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireChannelsLast()
        try c.requireFloat32()
        let p = try c.sidePairs("padding", default: 1)
        return ZeroPadding2DLayer(top: p[0][0], bottom: p[0][1], left: p[1][0], right: p[1][1])
    }
}

extension KerasConfig {
    /// ZeroPadding2D's and Cropping2D's amounts as [[top, bottom], [left, right]], each at least 0:
    /// an int n (all four), [rows, columns] (each symmetric), or [[top, bottom], [left, right]]
    /// (Keras's standardize_tuple on each entry).
    func sidePairs(_ key: String, default def: Int) throws -> [[Int]] {
        guard let v = self[key], !v.isNull else { return [[def, def], [def, def]] }
        let entries: [KerasConfigValue]
        if case .array(let a) = v { entries = a } else { entries = [v, v] }
        guard entries.count == 2 else { throw invalid(key, "is \(v), not two entries") }
        return try entries.map { e in
            let pair: [KerasConfigValue]
            if case .array(let a) = e { pair = a } else { pair = [e, e] }
            guard pair.count == 2 else { throw invalid(key, "is \(v), not pairs") }
            return try pair.map { item in
                guard let d = item.number, d == d.rounded() else { throw invalid(key, "is \(v), not whole numbers") }
                try checkSize(key, Int(d), minimum: 0)
                return Int(d)
            }
        }
    }
}

extension ZeroPadding2DLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { [] }

    /// dy with the padding cut off: dx[y, x, c] = dy[top + y, left + x, c], into an array of the
    /// gradient pool, which gets dy back (only read here, but a padding's gradient comes from the
    /// one layer reading it: if another holder shared it, its first write would copy it).
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let g = a.outputGradient, s = a.inputShapes[0]
        let (h, w, c, pw) = (s[0], s[1], s[2], g.shape[1])
        var dx = context.gradients.take(s)
        g.data.withUnsafeBufferPointer { src in
            dx.data.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let from = src.baseAddress! + ((top + y) * pw + left) * c
                    (dst.baseAddress! + y * w * c).update(from: from, count: w * c)
                }
            }
        }
        context.gradients.recycle(g)
        return [dx]
    }
}
