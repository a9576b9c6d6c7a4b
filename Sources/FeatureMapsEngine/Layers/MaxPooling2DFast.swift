// The fast twin of MaxPooling2D (ExecutionContext.kernels == .fast): Pooling2DLayer.referenceForward's
// max, with the window's rows and columns inside the input found once per output row and column
// and the channels (contiguous in NHWC) the inner loop. Each output is the same fold as the
// reference's: m = -inf, then m = max(m, v) over the cells in row-major order (exact, so the same
// bits; NaN is skipped as Swift.max skips it). Output rows in bands across the pool.
// Legend: (H, W, C) -> (OH, OW, C). Tested against the reference (MaxPooling2DFastTests).

extension Pooling2DLayer {
    func fastMaxForward(_ x: NDArray, _ context: ExecutionContext) -> NDArray {
        let (h, w, c) = (x.shape[0], x.shape[1], x.shape[2])
        let win = window(x.shape)!
        let (oh, ow) = (win.rows.output, win.cols.output)
        let count = oh * ow * c
        // Every output is written below before anything reads it.
        var out = NDArray(shape: [oh, ow, c], data: [Float](unsafeUninitializedCapacity: count) { $1 = count })
        // The window's cells inside the input along one axis: a contiguous range of sources.
        func inside(_ a: AxisWindow, _ o: Int, _ size: Int, _ pool: Int) -> Range<Int> {
            let lo = max(0, a.source(o, 0)), hi = min(size, a.source(o, pool - 1) + 1)
            return lo..<max(lo, hi)
        }
        let xs = (0..<ow).map { inside(win.cols, $0, w, poolSize[1]) }
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                let (src, dst) = (src.baseAddress!, dst.baseAddress!)
                context.forEachBand(oh, workPerItem: ow * c * poolSize[0] * poolSize[1]) { rows in
                    for oy in rows {
                        let ys = inside(win.rows, oy, h, poolSize[0])
                        for ox in 0..<ow {
                            let o = dst + (oy * ow + ox) * c
                            o.update(repeating: -Float.infinity, count: c)
                            for iy in ys {
                                for ix in xs[ox] {
                                    let v = src + (iy * w + ix) * c
                                    for ch in 0..<c { o[ch] = max(o[ch], v[ch]) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
