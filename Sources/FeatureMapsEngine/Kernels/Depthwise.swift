// Depthwise 3x3 convolution (Keras `DepthwiseConv2D(kernel_size=3, use_bias=False)`).

/// Namespace of the engine's kernels. Each fast kernel has a plain twin in `ReferenceKernels`.
public enum Kernels {}

extension Kernels {
    /// Depthwise 3x3: HxWxC -> OHxOWxC with
    /// out[oy, ox, c] = sum over ky, kx of in[oy*stride + ky - padTop, ox*stride + kx - padLeft, c] * k[ky, kx, c],
    /// reading zero outside the input. Kernel [3, 3, C, 1] row-major: k[(ky*3 + kx)*C + c].
    /// Keras's two cases: stride 1 'same' is padTop = padLeft = 1, OH = H; stride 2 after
    /// ZeroPadding2D(correct_pad) 'valid' is pad = stride2Padding(n).before, OH = ceil(H/2).
    public static func depthwiseConv3x3(
        _ input: Tensor, kernel: [Float], stride: Int, padTop: Int, padLeft: Int, outHeight: Int, outWidth: Int
    ) -> Tensor {
        let c = input.channels, h = input.height, w = input.width
        precondition(kernel.count == 9 * c, "depthwise kernel must be 3*3*C")
        precondition(stride == 1 || stride == 2, "stride must be 1 or 2")
        var out = Tensor(height: outHeight, width: outWidth, channels: c)
        input.data.withUnsafeBufferPointer { srcBuf in
            kernel.withUnsafeBufferPointer { kBuf in
                out.data.withUnsafeMutableBufferPointer { dstBuf in
                    let src = srcBuf.baseAddress!, k = kBuf.baseAddress!, dst = dstBuf.baseAddress!
                    for oy in 0..<outHeight {
                        for ox in 0..<outWidth {
                            let d = dst + (oy * outWidth + ox) * c
                            for ky in 0..<3 {
                                let iy = oy &* stride &+ ky &- padTop
                                if iy < 0 || iy >= h { continue }
                                for kx in 0..<3 {
                                    let ix = ox &* stride &+ kx &- padLeft
                                    if ix < 0 || ix >= w { continue }
                                    let s = src + (iy &* w &+ ix) &* c
                                    let kk = k + (ky &* 3 &+ kx) &* c
                                    for ci in 0..<c { d[ci] += s[ci] * kk[ci] }
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
