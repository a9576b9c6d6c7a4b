// Pointwise (1x1) convolution and the 3x3 stride-2 stem, both as one GEMM.

extension Kernels {
    /// Keras `Conv2D(kernel_size=1, use_bias=False)`: HxWxCin -> HxWxCout.
    /// On NHWC this is one row-major GEMM: M = H*W, K = Cin, N = Cout; the Keras kernel
    /// [1, 1, Cin, Cout] is already the B matrix.
    public static func pointwiseConv(_ input: Tensor, kernel: [Float], outChannels: Int) -> Tensor {
        precondition(kernel.count == input.channels * outChannels, "pointwise kernel must be Cin*Cout")
        var out = Tensor(height: input.height, width: input.width, channels: outChannels)
        input.data.withUnsafeBufferPointer { a in
            kernel.withUnsafeBufferPointer { b in
                out.data.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(m: input.height * input.width, n: outChannels, k: input.channels,
                              a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
                }
            }
        }
        return out
    }

    /// Keras `Conv2D(kernel_size=3, strides=2, padding="same", use_bias=False)` (MobileNetV2's Conv1):
    /// HxWxCin -> ceil(H/2) x ceil(W/2) x Cout, padded as TensorFlow's 'same' (before = 1 - n % 2... see
    /// `MobileNetV2Architecture.stride2Padding`). Kernel [3, 3, Cin, Cout] row-major.
    /// im2col into [M x 9*Cin] (column index (ky*3 + kx)*Cin + ci, matching the kernel's row order), then GEMM.
    public static func stemConv(_ input: Tensor, kernel: [Float], outChannels: Int) -> Tensor {
        let cin = input.channels
        precondition(kernel.count == 9 * cin * outChannels, "stem kernel must be 3*3*Cin*Cout")
        let (h, w) = (input.height, input.width)
        let oh = MobileNetV2Architecture.halved(h), ow = MobileNetV2Architecture.halved(w)
        let top = MobileNetV2Architecture.stride2Padding(h).before
        let left = MobileNetV2Architecture.stride2Padding(w).before
        let kcols = 9 * cin
        var columns = [Float](repeating: 0, count: oh * ow * kcols)
        columns.withUnsafeMutableBufferPointer { col in
            input.data.withUnsafeBufferPointer { src in
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let row = col.baseAddress! + (oy * ow + ox) * kcols
                        for ky in 0..<3 {
                            let iy = oy * 2 + ky - top
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<3 {
                                let ix = ox * 2 + kx - left
                                if ix < 0 || ix >= w { continue }
                                let s = src.baseAddress! + (iy * w + ix) * cin
                                let d = row + (ky * 3 + kx) * cin
                                for ci in 0..<cin { d[ci] = s[ci] }
                            }
                        }
                    }
                }
            }
        }
        var out = Tensor(height: oh, width: ow, channels: outChannels)
        columns.withUnsafeBufferPointer { a in
            kernel.withUnsafeBufferPointer { b in
                out.data.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(m: oh * ow, n: outChannels, k: kcols, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
                }
            }
        }
        return out
    }
}
