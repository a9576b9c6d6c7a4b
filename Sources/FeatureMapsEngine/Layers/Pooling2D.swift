// Keras `MaxPooling2D` and `AveragePooling2D` (keras/src/layers/pooling/; TensorFlow's max_pool and
// avg_pool): a window of pool_size moved by strides (default: pool_size), padding 'valid' or 'same'
// (TensorFlow's arithmetic, Graph/WindowGeometry.swift). With 'same', max pooling pads with -inf and
// average pooling divides by the number of real cells in the window (the padding is not counted).
// Legend: (H, W, C) -> (OH, OW, C); PH, PW = pool size; SH, SW = strides.

public struct Pooling2DLayer: GraphLayer {
    public enum Kind: String, Sendable { case max = "MaxPooling2D", average = "AveragePooling2D" }
    public let kind: Kind
    public let poolSize: [Int]
    public let strides: [Int]
    public let padding: Padding

    public init(_ kind: Kind, poolSize: [Int] = [2, 2], strides: [Int]? = nil, padding: Padding = .valid) {
        self.kind = kind
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
    }

    public var kerasClassName: String { kind.rawValue }

    func window(_ s: Shape) -> Window2D? {
        Window2D(height: s[0], width: s[1], kernel: poolSize, strides: strides, padding: padding)
    }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        let s = inputs[0]
        guard s.rank == 3 else { throw LayerShapeError("\(kind.rawValue) takes an (H, W, C) map") }
        guard let win = window(s) else { throw LayerShapeError("the \(poolSize[0])x\(poolSize[1]) pool does not fit with padding 'valid'") }
        return [win.rows.output, win.cols.output, s[2]]
    }

    /// out[oy, ox, c] = max (or mean) of in[iy, ix, c] over the window's cells inside the input,
    /// iy = oy*SH + j - padTop (same for x); the mean divides by that cell count.
    /// Max pooling with the fast kernels runs `fastMaxForward` (Layers/MaxPooling2DFast.swift).
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        return kind == .max && context.kernels == .fast ? fastMaxForward(x, context) : referenceForward(x)
    }

    /// The plain loops (the twin of the fast max pooling, and average pooling on every path).
    func referenceForward(_ x: NDArray) -> NDArray {
        let (h, w, c) = (x.shape[0], x.shape[1], x.shape[2])
        let win = window(x.shape)!
        var out = NDArray(shape: [win.rows.output, win.cols.output, c])
        for oy in 0..<win.rows.output {
            let ys = (0..<poolSize[0]).map { win.rows.source(oy, $0) }.filter { $0 >= 0 && $0 < h }
            for ox in 0..<win.cols.output {
                let xs = (0..<poolSize[1]).map { win.cols.source(ox, $0) }.filter { $0 >= 0 && $0 < w }
                for ch in 0..<c {
                    var m = -Float.infinity, sum: Double = 0
                    for iy in ys {
                        for ix in xs {
                            let v = x[iy, ix, ch]
                            m = max(m, v)
                            sum += Double(v)
                        }
                    }
                    out[oy, ox, ch] = kind == .max ? m : Float(sum / Double(ys.count * xs.count))
                }
            }
        }
        return out
    }
}

extension Pooling2DLayer {
    /// Config: pool_size (2), strides (null: pool_size), padding ('valid'), data_format channels_last.
    static func builder(_ kind: Kind) -> @Sendable (KerasConfig) throws -> any GraphLayer {
        { c in
            try c.requireChannelsLast()
            try c.requireFloat32()
            let pool = try c.sizes("pool_size", count: 2, default: [2, 2])
            let strides = try c.sizes("strides", count: 2, default: pool)
            return Pooling2DLayer(kind, poolSize: pool, strides: strides, padding: try c.padding())
        }
    }
}

extension Pooling2DLayer: DifferentiableLayer {
    public var backwardNeeds: BackwardNeeds { kind == .max ? .inputs : [] }

    /// Average: each real cell of a window gets dy / (the window's real cell count). Max:
    /// TensorFlow's MaxPoolGrad: all of dy goes to the FIRST maximum of the window in row-major
    /// order (strictly greater replaces; 'same' padding is never picked). Overlapping windows add.
    public func backward(_ a: consuming BackwardArguments, _ context: ExecutionContext) -> [NDArray?] {
        let g = a.outputGradient, shape = a.inputShapes[0]
        let (h, w, c) = (shape[0], shape[1], shape[2])
        let win = window(shape)!
        let x = kind == .max ? a.input(0) : nil
        var dx = NDArray(shape: shape)
        for oy in 0..<win.rows.output {
            let ys = (0..<poolSize[0]).map { win.rows.source(oy, $0) }.filter { $0 >= 0 && $0 < h }
            for ox in 0..<win.cols.output {
                let xs = (0..<poolSize[1]).map { win.cols.source(ox, $0) }.filter { $0 >= 0 && $0 < w }
                for ch in 0..<c {
                    let gv = g[oy, ox, ch]
                    if let x {
                        var best = (v: -Float.infinity, y: ys[0], x: xs[0])
                        for iy in ys { for ix in xs where x[iy, ix, ch] > best.v { best = (x[iy, ix, ch], iy, ix) } }
                        dx[best.y, best.x, ch] += gv
                    } else {
                        let share = gv / Float(ys.count * xs.count)
                        for iy in ys { for ix in xs { dx[iy, ix, ch] += share } }
                    }
                }
            }
        }
        return [dx]
    }
}
