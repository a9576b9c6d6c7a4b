// Keras `UpSampling2D` (keras/src/layers/reshaping/up_sampling2d.py): (H, W, C) -> (H*SH, W*SW, C).
//   nearest:  ops.repeat along rows then columns: out[y, x, c] = in[y / SH, x / SW, c]
//   bilinear: ops.image.resize, i.e. tf.image.resize(method="bilinear") with half-pixel centres:
//             source row (y + 0.5) / SH - 0.5, clamped at the edges (Backward/Bilinear.swift's taps,
//             checked against TensorFlow by ExplainKerasTests).
// Other interpolations (bicubic, lanczos3, lanczos5, area, ...) are refused by name.

public struct UpSampling2DLayer: GraphLayer {
    public enum Interpolation: String, Sendable { case nearest, bilinear }
    public let size: [Int]
    public let interpolation: Interpolation

    public init(size: [Int] = [2, 2], interpolation: Interpolation = .nearest) {
        self.size = size
        self.interpolation = interpolation
    }

    public var kerasClassName: String { "UpSampling2D" }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard s.rank == 3 else { throw LayerShapeError("UpSampling2D takes an (H, W, C) map") }
        return [s[0] * size[0], s[1] * size[1], s[2]]
    }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        let (h, w, c) = (x.shape[0], x.shape[1], x.shape[2])
        let (oh, ow) = (h * size[0], w * size[1])
        var out = NDArray(shape: [oh, ow, c])
        switch interpolation {
        case .nearest:
            for y in 0..<oh {
                for xo in 0..<ow {
                    let src = ((y / size[0]) * w + xo / size[1]) * c, dst = (y * ow + xo) * c
                    for ch in 0..<c { out.data[dst + ch] = x.data[src + ch] }
                }
            }
        case .bilinear:
            let rows = Bilinear.taps(from: h, to: oh), cols = Bilinear.taps(from: w, to: ow)
            for (y, r) in rows.enumerated() {
                for (xo, t) in cols.enumerated() {
                    for ch in 0..<c {
                        func at(_ yy: Int, _ xx: Int) -> Double { Double(x.data[(yy * w + xx) * c + ch]) }
                        let top = at(r.low, t.low) * (1 - t.t) + at(r.low, t.high) * t.t
                        let bottom = at(r.high, t.low) * (1 - t.t) + at(r.high, t.high) * t.t
                        out.data[(y * ow + xo) * c + ch] = Float(top * (1 - r.t) + bottom * r.t)
                    }
                }
            }
        }
        return out
    }
}

extension UpSampling2DLayer {
    /// Config: size (2), interpolation ('nearest'; 'bilinear'), data_format channels_last.
    static func build(_ c: KerasConfig) throws -> any GraphLayer {
        try c.requireChannelsLast()
        try c.requireFloat32()
        let size = try c.sizes("size", count: 2, default: [2, 2])
        let name = try c.string("interpolation", default: "nearest")
        guard let interpolation = Interpolation(rawValue: name.lowercased()) else { throw c.unsupported("interpolation", .string(name)) }
        return UpSampling2DLayer(size: size, interpolation: interpolation)
    }
}

extension UpSampling2DLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { [] }

    /// The transpose of the forward: nearest sums dy over each SH x SW block; bilinear sends each
    /// dy to its four taps with the forward's weights (TensorFlow's ResizeBilinearGrad, half-pixel
    /// centres; taps clamped at the edges add up).
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let g = a.outputGradient, shape = a.inputShapes[0]
        let (h, w, c) = (shape[0], shape[1], shape[2])
        let (oh, ow) = (h * size[0], w * size[1])
        var acc = [Double](repeating: 0, count: shape.count)
        switch interpolation {
        case .nearest:
            for y in 0..<oh {
                for xo in 0..<ow {
                    let dst = ((y / size[0]) * w + xo / size[1]) * c, src = (y * ow + xo) * c
                    for ch in 0..<c { acc[dst + ch] += Double(g.data[src + ch]) }
                }
            }
        case .bilinear:
            let rows = Bilinear.taps(from: h, to: oh), cols = Bilinear.taps(from: w, to: ow)
            for (y, r) in rows.enumerated() {
                for (xo, t) in cols.enumerated() {
                    let taps = [
                        (r.low, t.low, (1 - r.t) * (1 - t.t)), (r.low, t.high, (1 - r.t) * t.t),
                        (r.high, t.low, r.t * (1 - t.t)), (r.high, t.high, r.t * t.t),
                    ]
                    for ch in 0..<c {
                        let gv = Double(g.data[(y * ow + xo) * c + ch])
                        for (yy, xx, weight) in taps { acc[(yy * w + xx) * c + ch] += gv * weight }
                    }
                }
            }
        }
        return [NDArray(shape: shape, data: acc.map { Float($0) })]
    }
}
