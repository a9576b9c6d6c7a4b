import FeatureMapsKernelTypes

// Tensor-level entry points of the pointer kernels: what the twin tests call, with every fusion
// option of the forward pass and a thread count (results must not depend on it).

extension Kernels {
    /// Keras `Conv2D(kernel_size=1, use_bias=False)`: HxWxCin -> HxWxCout, then optionally BatchNorm,
    /// the residual `+ residual` (Keras `Add`) and ReLU6, fused as in the forward pass.
    public static func pointwiseConv(
        _ input: Tensor, kernel: [Float], outChannels: Int, bn: BatchNormAffine? = nil, residual: Tensor? = nil,
        relu6: Bool = false, threads: Int = 1, simd: SIMDWidth = .best
    ) -> Tensor {
        require(simd.isSupported, "this CPU does not run the \(simd) kernels")
        require(kernel.count == input.channels * outChannels, "pointwise kernel must be Cin*Cout")
        var out = Tensor(height: input.height, width: input.width, channels: outChannels)
        let pool = ThreadPool(threads: threads)
        let bnScale = bn?.scale ?? [], bnShift = bn?.shift ?? []
        let res = residual?.data ?? []
        input.data.withUnsafeBufferPointer { a in
            kernel.withUnsafeBufferPointer { b in
                bnScale.withUnsafeBufferPointer { sc in
                    bnShift.withUnsafeBufferPointer { sh in
                        res.withUnsafeBufferPointer { r in
                            out.data.withUnsafeMutableBufferPointer { c in
                                let e = Epilogue(
                                    scale: bn == nil ? nil : sc.baseAddress, shift: bn == nil ? nil : sh.baseAddress,
                                    residual: residual == nil ? nil : r.baseAddress, relu6: relu6)
                                pointwise(
                                    pool, a: a.baseAddress!, m: input.height * input.width, k: input.channels,
                                    b: b.baseAddress!, n: outChannels, c: c.baseAddress!, epilogue: e, simd: simd)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Keras `Conv2D(kernel_size=3, strides=2, padding="same", use_bias=False)` (MobileNetV2's Conv1):
    /// HxWxCin -> ceil(H/2) x ceil(W/2) x Cout as im2col rows (`stemColumns`) times the kernel [3, 3, Cin, Cout].
    public static func stemConv(_ input: Tensor, kernel: [Float], outChannels: Int, threads: Int = 1, simd: SIMDWidth = .best) -> Tensor {
        let cin = input.channels
        require(simd.isSupported, "this CPU does not run the \(simd) kernels")
        require(kernel.count == 9 * cin * outChannels, "stem kernel must be 3*3*Cin*Cout")
        let oh = MobileNetV2Architecture.halved(input.height), ow = MobileNetV2Architecture.halved(input.width)
        let pool = ThreadPool(threads: threads)
        var columns = [Float](repeating: .nan, count: oh * ow * 9 * cin)
        var out = Tensor(height: oh, width: ow, channels: outChannels)
        input.data.withUnsafeBufferPointer { src in
            columns.withUnsafeMutableBufferPointer { col in
                stemColumns(pool, input: src.baseAddress!, h: input.height, w: input.width, cin: cin, columns: col.baseAddress!)
                kernel.withUnsafeBufferPointer { b in
                    out.data.withUnsafeMutableBufferPointer { c in
                        pointwise(
                            pool, a: col.baseAddress!, m: oh * ow, k: 9 * cin, b: b.baseAddress!, n: outChannels,
                            c: c.baseAddress!, epilogue: .none, simd: simd)
                    }
                }
            }
        }
        return out
    }

    /// Depthwise 3x3 (see `DepthwiseShape` for the indexing and Keras's paddings), then optionally
    /// BatchNorm and ReLU6 fused in the same pass.
    public static func depthwiseConv3x3(
        _ input: Tensor, kernel: [Float], stride: Int, padTop: Int, padLeft: Int, outHeight: Int, outWidth: Int,
        bn: BatchNormAffine? = nil, relu6: Bool = false, threads: Int = 1, simd: SIMDWidth = .best
    ) -> Tensor {
        let c = input.channels
        require(simd.isSupported, "this CPU does not run the \(simd) kernels")
        require(kernel.count == 9 * c, "depthwise kernel must be 3*3*C")
        let shape = DepthwiseShape(
            h: input.height, w: input.width, c: c, stride: stride, padTop: padTop, padLeft: padLeft,
            oh: outHeight, ow: outWidth)
        var out = Tensor(height: outHeight, width: outWidth, channels: c)
        let pool = ThreadPool(threads: threads)
        let bnScale = bn?.scale ?? [], bnShift = bn?.shift ?? []
        input.data.withUnsafeBufferPointer { src in
            kernel.withUnsafeBufferPointer { k in
                bnScale.withUnsafeBufferPointer { sc in
                    bnShift.withUnsafeBufferPointer { sh in
                        out.data.withUnsafeMutableBufferPointer { dst in
                            let e = Epilogue(
                                scale: bn == nil ? nil : sc.baseAddress, shift: bn == nil ? nil : sh.baseAddress,
                                relu6: relu6)
                            depthwise(pool, shape, input: src.baseAddress!, kernel: k.baseAddress!, output: dst.baseAddress!, epilogue: e, simd: simd)
                        }
                    }
                }
            }
        }
        return out
    }
}
