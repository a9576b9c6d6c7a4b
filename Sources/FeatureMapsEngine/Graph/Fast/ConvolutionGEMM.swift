// The fast twins of Conv2D and Dense (ExecutionContext.kernels == .fast): im2col + OpenBLAS
// cblas_sgemm, float32, then bias and activation on each block while it is in cache.
// Legend as in Conv2D.swift; M = output pixels of a band, K = KH*KW*Cg, N = Fg.
//
// Work is split into tiles (ConvolutionTiling: bands of output rows x blocks of filters) that
// depend only on the layer's shape, so every output is computed by the same GEMM call whatever
// the thread count.
// Tested against the plain loops on awkward shapes (GraphConvolutionTwinTests).

enum ConvolutionGEMM {
    /// Conv2DLayer.referenceForward's result, per group g: C[M x Fg] = columns[M x K] * kernel[K x Fg]
    /// where a row of `columns` is one output pixel's window (zeros for padding), and the kernel's
    /// columns g*Fg..<(g+1)*Fg are read in place (ldb = F). A 1x1 stride-1 convolution reads the
    /// input itself as `columns` (lda = Cin). One GEMM call per tile of ConvolutionTiling (bands of
    /// rows x blocks of filters; grouped convolutions keep all filters in one block). `then`, when
    /// given, runs on each tile right after its bias and activation, while it is in cache:
    /// (the tile's first value, its output pixels, its filters); the tile's row stride is F.
    /// `applyBias` false leaves the bias to `then` (only for a convolution without activation).
    static func conv2d(
        _ l: Conv2DLayer, _ x: NDArray, _ context: ExecutionContext, applyBias: Bool = true,
        then: ((UnsafeMutablePointer<Float>, Range<Int>, Range<Int>) -> Void)? = nil
    ) -> NDArray {
        let (h, w, cin) = (x.shape[0], x.shape[1], x.shape[2])
        let win = l.window(x.shape)!
        let (kh, kw, cg, f) = (l.kernel.shape[0], l.kernel.shape[1], l.kernel.shape[2], l.kernel.shape[3])
        let (oh, ow, fg, groups) = (win.rows.output, win.cols.output, f / l.groups, l.groups)
        let k = kh * kw * cg
        let direct = kh == 1 && kw == 1 && l.strides == [1, 1] && win.rows.padBefore == 0 && win.cols.padBefore == 0
        let tiling = ConvolutionTiling(outputRows: oh, columns: ow, filters: f, direct: direct, splitFilters: groups == 1)
        // Every output is written by its tile's GEMM (beta 0) before anything reads it.
        var out = NDArray(shape: [oh, ow, f], data: [Float](unsafeUninitializedCapacity: oh * ow * f) { $1 = oh * ow * f })
        x.data.withUnsafeBufferPointer { srcBuffer in
            l.kernel.values.withUnsafeBufferPointer { kernelBuffer in
                out.data.withUnsafeMutableBufferPointer { dstBuffer in
                    let src = srcBuffer.baseAddress!, kern = kernelBuffer.baseAddress!, dst = dstBuffer.baseAddress!
                    context.pool.parallelFor(tiling.tasks) { t in
                        let (rows, filters) = tiling.tile(t, outputRows: oh, filters: f)
                        let m = rows.count * ow
                        let c = dst + rows.lowerBound * ow * f
                        if direct {
                            if groups == 1 {
                                BLAS.gemm(
                                    m: m, n: filters.count, k: cg, a: src + rows.lowerBound * w * cin, lda: cin,
                                    b: kern + filters.lowerBound, ldb: f, c: c + filters.lowerBound, ldc: f)
                            } else {
                                for g in 0..<groups {
                                    BLAS.gemm(
                                        m: m, n: fg, k: cg, a: src + rows.lowerBound * w * cin + g * cg, lda: cin,
                                        b: kern + g * fg, ldb: f, c: c + g * fg, ldc: f)
                                }
                            }
                        } else {
                            let columns = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
                            defer { columns.deallocate() }
                            for g in 0..<groups {
                                im2col(src, h: h, w: w, cin: cin, win: win, kh: kh, kw: kw, cg: cg, group: g, rows: rows, into: columns)
                                let (n0, n) = groups == 1 ? (filters.lowerBound, filters.count) : (g * fg, fg)
                                BLAS.gemm(m: m, n: n, k: k, a: columns, lda: k, b: kern + n0, ldb: f, c: c + n0, ldc: f)
                            }
                        }
                        let tile = c + filters.lowerBound
                        epilogue(tile, count: m, channels: filters, stride: f, bias: applyBias ? l.bias?.values : nil, l.activation)
                        then?(tile, rows.lowerBound * ow..<rows.upperBound * ow, filters)
                    }
                }
            }
        }
        if l.activation == .softmax { l.activation.apply(to: &out) }
        return out
    }

    /// Rows `rows` of the output, group `group`: one row of K = KH*KW*Cg values per output pixel,
    /// ordered (ky, kx, ci) like the kernel's first three axes; zero where the window is outside.
    static func im2col(
        _ src: UnsafePointer<Float>, h: Int, w: Int, cin: Int, win: Window2D, kh: Int, kw: Int, cg: Int, group: Int,
        rows: Range<Int>, into col: UnsafeMutablePointer<Float>
    ) {
        let ow = win.cols.output, k = kh * kw * cg
        for oy in rows {
            for ox in 0..<ow {
                let row = col + ((oy - rows.lowerBound) * ow + ox) * k
                for ky in 0..<kh {
                    let iy = win.rows.source(oy, ky)
                    for kx in 0..<kw {
                        let ix = win.cols.source(ox, kx)
                        let dst = row + (ky * kw + kx) * cg
                        if iy >= 0, iy < h, ix >= 0, ix < w {
                            dst.update(from: src + (iy * w + ix) * cin + group * cg, count: cg)
                        } else {
                            dst.update(repeating: 0, count: cg)
                        }
                    }
                }
            }
        }
    }

    /// Dense on the last axis: C[M x N] = x[M x K] * kernel[K x N] (M = all other axes), one GEMM
    /// per band of rows (one GEMV for a vector), then bias and activation.
    static func dense(_ l: DenseLayer, _ x: NDArray, _ context: ExecutionContext) -> NDArray {
        let (k, n) = (l.kernel.shape[0], l.kernel.shape[1])
        let m = x.shape.count / k
        var out = NDArray(shape: l.outputShape(for: x.shape))
        x.data.withUnsafeBufferPointer { a in
            l.kernel.values.withUnsafeBufferPointer { b in
                out.data.withUnsafeMutableBufferPointer { c in
                    let (a, b, c) = (a.baseAddress!, b.baseAddress!, c.baseAddress!)
                    if m == 1 {
                        BLAS.gemvRowVector(n: n, k: k, x: a, b: b, y: c, beta: 0)
                        epilogue(c, count: 1, channels: n, bias: l.bias?.values, l.activation)
                        return
                    }
                    context.forEachBand(m, workPerItem: n) { rows in
                        BLAS.gemm(
                            m: rows.count, n: n, k: k, a: a + rows.lowerBound * k, lda: k, b: b, ldb: n,
                            c: c + rows.lowerBound * n, ldc: n)
                        epilogue(c + rows.lowerBound * n, count: rows.count, channels: n, bias: l.bias?.values, l.activation)
                    }
                }
            }
        }
        if l.activation == .softmax { l.activation.apply(to: &out) }
        return out
    }

    /// y = activation(y + bias[channel]) on `count` rows of `channels` values (softmax is left to the caller).
    static func epilogue(_ p: UnsafeMutablePointer<Float>, count: Int, channels: Int, bias: [Float]?, _ a: Activation) {
        epilogue(p, count: count, channels: 0..<channels, stride: channels, bias: bias, a)
    }

    /// The same on a tile: `count` rows `stride` apart, each holding channels `channels` from `p`.
    static func epilogue(
        _ p: UnsafeMutablePointer<Float>, count: Int, channels: Range<Int>, stride: Int, bias: [Float]?, _ a: Activation
    ) {
        let n = channels.count, c0 = channels.lowerBound
        if let bias {
            for i in 0..<count { for c in 0..<n { p[i * stride + c] += bias[c0 + c] } }
        }
        if a == .linear || a == .softmax { return }
        for i in 0..<count { for c in 0..<n { p[i * stride + c] = a(p[i * stride + c]) } }
    }
}
