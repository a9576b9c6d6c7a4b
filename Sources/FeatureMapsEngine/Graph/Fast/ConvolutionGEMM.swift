// The fast twins of Conv2D and Dense (ExecutionContext.kernels == .fast): im2col + OpenBLAS
// cblas_sgemm, float32, then bias and activation on each block while it is in cache.
// Legend as in Conv2D.swift; M = output pixels of a band, K = KH*KW*Cg, N = Fg.
//
// Work is split into bands of output rows (about 64 K outputs each) that depend only on the
// layer's shape, so every output is computed by the same GEMM call whatever the thread count.
// Tested against the plain loops on awkward shapes (GraphConvolutionTwinTests).

enum ConvolutionGEMM {
    /// Conv2DLayer.referenceForward's result, per group g: C[M x Fg] = columns[M x K] * kernel[K x Fg]
    /// where a row of `columns` is one output pixel's window (zeros for padding), and the kernel's
    /// columns g*Fg..<(g+1)*Fg are read in place (ldb = F). A 1x1 stride-1 convolution reads the
    /// input itself as `columns` (lda = Cin). `then`, when given, runs on each band right after its
    /// bias and activation, while it is in cache: (the band's first value, its output pixels).
    static func conv2d(
        _ l: Conv2DLayer, _ x: NDArray, _ context: ExecutionContext,
        then: ((UnsafeMutablePointer<Float>, Range<Int>) -> Void)? = nil
    ) -> NDArray {
        let (h, w, cin) = (x.shape[0], x.shape[1], x.shape[2])
        let win = l.window(x.shape)!
        let (kh, kw, cg, f) = (l.kernel.shape[0], l.kernel.shape[1], l.kernel.shape[2], l.kernel.shape[3])
        let (oh, ow, fg, groups) = (win.rows.output, win.cols.output, f / l.groups, l.groups)
        let k = kh * kw * cg
        let direct = kh == 1 && kw == 1 && l.strides == [1, 1] && win.rows.padBefore == 0 && win.cols.padBefore == 0
        var out = NDArray(shape: [oh, ow, f])
        x.data.withUnsafeBufferPointer { srcBuffer in
            l.kernel.values.withUnsafeBufferPointer { kernelBuffer in
                out.data.withUnsafeMutableBufferPointer { dstBuffer in
                    let src = srcBuffer.baseAddress!, kern = kernelBuffer.baseAddress!, dst = dstBuffer.baseAddress!
                    context.forEachBand(oh, workPerItem: ow * f) { rows in
                        let m = rows.count * ow
                        let c = dst + rows.lowerBound * ow * f
                        if direct {
                            for g in 0..<groups {
                                BLAS.gemm(
                                    m: m, n: fg, k: cg, a: src + rows.lowerBound * w * cin + g * cg, lda: cin,
                                    b: kern + g * fg, ldb: f, c: c + g * fg, ldc: f)
                            }
                        } else {
                            var columns = [Float](repeating: 0, count: m * k)
                            columns.withUnsafeMutableBufferPointer { col in
                                for g in 0..<groups {
                                    im2col(
                                        src, h: h, w: w, cin: cin, win: win, kh: kh, kw: kw, cg: cg, group: g, rows: rows,
                                        into: col.baseAddress!)
                                    BLAS.gemm(
                                        m: m, n: fg, k: k, a: col.baseAddress!, lda: k, b: kern + g * fg, ldb: f,
                                        c: c + g * fg, ldc: f)
                                }
                            }
                        }
                        epilogue(c, count: m, channels: f, bias: l.bias?.values, l.activation)
                        then?(c, rows.lowerBound * ow..<rows.upperBound * ow)
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
        if let bias {
            for i in 0..<count { for c in 0..<channels { p[i * channels + c] += bias[c] } }
        }
        if a == .linear || a == .softmax { return }
        for i in 0..<(count * channels) { p[i] = a(p[i]) }
    }
}
