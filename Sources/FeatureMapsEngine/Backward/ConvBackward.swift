// Backward passes of the convolutions, with respect to their INPUT only (no weight gradients).
// Legend: H, W input size; OH, OW output size; Cin, Cout channels. Every function takes
// dL/d(output) and returns dL/d(input) for the forward kernel of the same name (Kernels/).
// Plain twins: ReferenceBackward.swift.

extension Kernels {
    /// Backward of `pointwiseConv`: dL/dx [HxWxCin] = dL/dy [HxWxCout] * kernel^T, one GEMM
    /// M = H*W, N = Cin, K = Cout with the Keras kernel [1, 1, Cin, Cout] as the transposed B.
    public static func pointwiseConvBackward(_ gradOutput: Tensor, kernel: [Float], inChannels: Int) -> Tensor {
        let cout = gradOutput.channels
        precondition(kernel.count == inChannels * cout, "pointwise kernel must be Cin*Cout")
        var out = Tensor(height: gradOutput.height, width: gradOutput.width, channels: inChannels)
        gradOutput.data.withUnsafeBufferPointer { a in
            kernel.withUnsafeBufferPointer { b in
                out.data.withUnsafeMutableBufferPointer { c in
                    BLAS.gemmTransposedB(
                        m: gradOutput.height * gradOutput.width, n: inChannels, k: cout,
                        a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
                }
            }
        }
        return out
    }

    /// Backward of `stemConv` (Conv1: 3x3, stride 2, TensorFlow 'same'): dL/dx [HxWxCin] for an
    /// input of `inHeight` x `inWidth`, from dL/dy [ceil(H/2) x ceil(W/2) x Cout].
    /// One GEMM gives the column gradients [M x 9*Cin] = dL/dy [M x Cout] * kernel^T, then col2im
    /// adds each column back onto the input pixel it was copied from in the forward im2col.
    public static func stemConvBackward(
        _ gradOutput: Tensor, kernel: [Float], inHeight h: Int, inWidth w: Int,
        inChannels cin: Int
    ) -> Tensor {
        let cout = gradOutput.channels, (oh, ow) = (gradOutput.height, gradOutput.width)
        precondition(kernel.count == 9 * cin * cout, "stem kernel must be 3*3*Cin*Cout")
        precondition(
            oh == MobileNetV2Architecture.halved(h) && ow == MobileNetV2Architecture.halved(w),
            "stem gradient \(oh)x\(ow) does not match input \(h)x\(w)")
        let top = MobileNetV2Architecture.stride2Padding(h).before
        let left = MobileNetV2Architecture.stride2Padding(w).before
        let kcols = 9 * cin
        var columns = [Float](repeating: 0, count: oh * ow * kcols)
        gradOutput.data.withUnsafeBufferPointer { a in
            kernel.withUnsafeBufferPointer { b in
                columns.withUnsafeMutableBufferPointer { c in
                    BLAS.gemmTransposedB(
                        m: oh * ow, n: kcols, k: cout, a: a.baseAddress!, b: b.baseAddress!,
                        c: c.baseAddress!)
                }
            }
        }
        var out = Tensor(height: h, width: w, channels: cin)
        columns.withUnsafeBufferPointer { col in
            out.data.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let row = col.baseAddress! + (oy * ow + ox) * kcols
                        for ky in 0..<3 {
                            let iy = oy * 2 + ky - top
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<3 {
                                let ix = ox * 2 + kx - left
                                if ix < 0 || ix >= w { continue }
                                let d = dst.baseAddress! + (iy * w + ix) * cin
                                let s = row + (ky * 3 + kx) * cin
                                for ci in 0..<cin { d[ci] += s[ci] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Backward of `depthwiseConv3x3` with the same stride and padding: dL/dx [HxWxC] for an input
    /// of `inHeight` x `inWidth`, from dL/dy [OHxOWxC]. Scatter form: every output gradient is added,
    /// times k[ky, kx, c], onto the input pixel (oy*stride + ky - padTop, ox*stride + kx - padLeft)
    /// it was read from; reads of the zero padding get nothing (that is the ZeroPadding2D backward).
    public static func depthwiseConv3x3Backward(
        _ gradOutput: Tensor, kernel: [Float], stride: Int, padTop: Int, padLeft: Int, inHeight h: Int, inWidth w: Int
    ) -> Tensor {
        let c = gradOutput.channels, (oh, ow) = (gradOutput.height, gradOutput.width)
        precondition(kernel.count == 9 * c, "depthwise kernel must be 3*3*C")
        precondition(stride == 1 || stride == 2, "stride must be 1 or 2")
        var out = Tensor(height: h, width: w, channels: c)
        gradOutput.data.withUnsafeBufferPointer { srcBuf in
            kernel.withUnsafeBufferPointer { kBuf in
                out.data.withUnsafeMutableBufferPointer { dstBuf in
                    let g = srcBuf.baseAddress!, k = kBuf.baseAddress!, dst = dstBuf.baseAddress!
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let go = g + (oy * ow + ox) * c
                            for ky in 0..<3 {
                                let iy = oy &* stride &+ ky &- padTop
                                if iy < 0 || iy >= h { continue }
                                for kx in 0..<3 {
                                    let ix = ox &* stride &+ kx &- padLeft
                                    if ix < 0 || ix >= w { continue }
                                    let d = dst + (iy &* w &+ ix) &* c
                                    let kk = k + (ky &* 3 &+ kx) &* c
                                    for ci in 0..<c { d[ci] += go[ci] * kk[ci] }
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
