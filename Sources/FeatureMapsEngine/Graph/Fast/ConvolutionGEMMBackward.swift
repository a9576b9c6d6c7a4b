// The fast twins of the Conv2D and Dense input gradients (kernels == .fast): the transposed GEMM of
// the forward im2col (ConvolutionGEMM.swift), then col2im. Legend as in Conv2D.swift; M = output
// pixels of a band, K = KH*KW*Cg, Fg = F / G. Tested against the plain loops of the layer files and
// against finite differences (GraphBackwardConvolutionTests).
//
// Bands of output rows run one after another (col2im of neighbouring bands adds onto the same
// input rows), so the result does not depend on the engine's thread count.

extension ConvolutionGEMM {
    /// dL/dx (H, W, Cin) of `l`'s convolution (before its activation) from dL/dz (OH, OW, F):
    /// `inputGradient` with `l`'s kernel transposed to (F, K) for this call. Arrays from `context`'s
    /// gradient pool.
    static func conv2dInputGradient(_ l: Conv2DLayer, _ dz: NDArray, inputShape: Shape, _ context: ExecutionContext) -> NDArray {
        let pool = context.gradients
        var transposed = pool.take([l.kernel.shape[3], l.kernel.values.count / l.kernel.shape[3]])
        transposeKernel(l.kernel.values, filters: l.filters, into: &transposed.data)
        let dx = inputGradient(l, transposedKernel: transposed.data, dz, inputShape: inputShape, pool)
        pool.recycle(transposed)
        return dx
    }

    /// The (K, F) kernel `kernel` as (F, K): row o is filter o's taps.
    static func transposeKernel(_ kernel: [Float], filters f: Int, into t: inout [Float]) {
        let k = kernel.count / f
        kernel.withUnsafeBufferPointer { src in
            t.withUnsafeMutableBufferPointer { dst in
                for kk in 0..<k { for o in 0..<f { dst[o * k + kk] = src[kk * f + o] } }
            }
        }
    }

    /// dL/dx (H, W, Cin) of the convolution of `l`'s geometry whose (F, K) transposed kernel is `kt`
    /// (K = KH*KW*Cg; `l`'s own kernel is not read) from dL/dz (OH, OW, F): per group g,
    /// columns[M x K] = dz[M x Fg] * kt_g (rows g*Fg..<(g+1)*Fg of kt), then each column row is
    /// added back onto the input cells its window read (padding taps are dropped). A 1x1 stride-1
    /// convolution writes the GEMM straight into dL/dx. dL/dx and the columns come from `pool`.
    static func inputGradient(
        _ l: Conv2DLayer, transposedKernel kt: [Float], _ dz: NDArray, inputShape: Shape, _ pool: GradientPool
    ) -> NDArray {
        let (h, w, cin) = (inputShape[0], inputShape[1], inputShape[2])
        let win = l.window(inputShape)!
        let (kh, kw, cg, f) = (l.kernel.shape[0], l.kernel.shape[1], l.kernel.shape[2], l.kernel.shape[3])
        let (oh, ow, fg, groups) = (win.rows.output, win.cols.output, f / l.groups, l.groups)
        let k = kh * kw * cg
        require(kt.count == f * k, "transposed kernel has \(kt.count) values, not \(f * k)")
        let direct = kh == 1 && kw == 1 && l.strides == [1, 1] && win.rows.padBefore == 0 && win.cols.padBefore == 0
        var dx = direct ? pool.take(inputShape) : pool.zeros(inputShape)
        let perBand = max(1, min(oh, (1 << 20) / max(1, ow * k)))  // about 4 MB of columns
        var columns = direct ? NDArray(shape: [0]) : pool.take([perBand * ow * k])
        dz.data.withUnsafeBufferPointer { gBuffer in
            kt.withUnsafeBufferPointer { tBuffer in
                dx.data.withUnsafeMutableBufferPointer { dxBuffer in
                    let gz = gBuffer.baseAddress!, kt = tBuffer.baseAddress!, dst = dxBuffer.baseAddress!
                    if direct {
                        for g in 0..<groups {
                            BLAS.gemm(
                                m: h * w, n: cg, k: fg, a: gz + g * fg, lda: f, b: kt + g * fg * k, ldb: k,
                                c: dst + g * cg, ldc: cin)
                        }
                        return
                    }
                    columns.data.withUnsafeMutableBufferPointer { col in
                        for start in stride(from: 0, to: oh, by: perBand) {
                            let rows = start..<min(oh, start + perBand)
                            for g in 0..<groups {
                                BLAS.gemm(
                                    m: rows.count * ow, n: k, k: fg, a: gz + rows.lowerBound * ow * f + g * fg, lda: f,
                                    b: kt + g * fg * k, ldb: k, c: col.baseAddress!, ldc: k)
                                col2im(
                                    col.baseAddress!, into: dst, h: h, w: w, cin: cin, win: win, kh: kh, kw: kw, cg: cg,
                                    group: g, rows: rows)
                            }
                        }
                    }
                }
            }
        }
        pool.recycle(columns)
        return dx
    }

    /// The transpose of `im2col`: adds column row (oy, ox), tap (ky, kx, ci), onto input cell
    /// (oy*SH + ky*DH - padTop, ox*SW + kx*DW - padLeft, g*Cg + ci) when it is inside the input.
    static func col2im(
        _ col: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, h: Int, w: Int, cin: Int, win: Window2D,
        kh: Int, kw: Int, cg: Int, group: Int, rows: Range<Int>
    ) {
        let ow = win.cols.output, k = kh * kw * cg
        for oy in rows {
            for ox in 0..<ow {
                let row = col + ((oy - rows.lowerBound) * ow + ox) * k
                for ky in 0..<kh {
                    let iy = win.rows.source(oy, ky)
                    guard iy >= 0, iy < h else { continue }
                    for kx in 0..<kw {
                        let ix = win.cols.source(ox, kx)
                        guard ix >= 0, ix < w else { continue }
                        let d = dst + (iy * w + ix) * cin + group * cg, s = row + (ky * kw + kx) * cg
                        for ci in 0..<cg { d[ci] += s[ci] }
                    }
                }
            }
        }
    }

    /// dL/dx (..., K) of Dense (before its activation) from dL/dz (..., N): dx[M x K] = dz[M x N] *
    /// kernel^T, one GEMM (one GEMV for a vector).
    static func denseInputGradient(_ l: DenseLayer, _ dz: NDArray, inputShape: Shape) -> NDArray {
        let (k, n) = (l.kernel.shape[0], l.kernel.shape[1])
        let m = inputShape.count / k
        var dx = NDArray(shape: inputShape)
        dz.data.withUnsafeBufferPointer { a in
            l.kernel.values.withUnsafeBufferPointer { b in
                dx.data.withUnsafeMutableBufferPointer { c in
                    if m == 1 {
                        BLAS.gemvColumn(n: n, k: k, b: b.baseAddress!, x: a.baseAddress!, y: c.baseAddress!, beta: 0)
                    } else if m > 1 {
                        BLAS.gemmTransposedB(m: m, n: k, k: n, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
                    }
                }
            }
        }
        return dx
    }
}
