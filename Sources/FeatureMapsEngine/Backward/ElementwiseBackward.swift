// Backward passes of the per-element and reduction layers, with respect to their input.
// BatchNorm is in inference mode (a fixed per-channel affine), so its backward is a per-channel
// scale. The residual Add passes its gradient unchanged to both inputs: the caller adds the two
// gradients that reach the block input with `Kernels.add`. Plain twins: ReferenceBackward.swift.

extension Kernels {
    /// Backward of Keras `ReLU(6.0)` given the layer's OUTPUT y: g = g where 0 < y < 6, else 0,
    /// TensorFlow's Relu6Grad (strict inequalities: no gradient at exactly 0 or 6).
    public static func relu6Backward(_ grad: inout Tensor, output y: Tensor) {
        precondition(grad.shape == y.shape, "relu6 gradient \(grad.shape) and output \(y.shape) differ")
        y.data.withUnsafeBufferPointer { ys in
            grad.data.withUnsafeMutableBufferPointer { g in
                for i in 0..<g.count {
                    let v = g[i], y = ys[i]
                    g[i] = y > 0 && y < 6 ? v : 0
                }
            }
        }
    }

    /// Backward of the BatchNorm affine y = x * scale[c] + shift[c]: g = g * scale[c], in place;
    /// with `reluOutput` (the ReLU6 output that followed the BN), first the ReLU6 mask as in
    /// `relu6Backward`, both in one pass (the backward of `batchNorm(_:_:relu6: true)`).
    public static func batchNormBackward(_ grad: inout Tensor, _ bn: BatchNormAffine, reluOutput: Tensor? = nil) {
        let c = grad.channels
        precondition(bn.scale.count == c, "BatchNorm has \(bn.scale.count) channels, gradient \(c)")
        if let y = reluOutput { precondition(y.shape == grad.shape, "relu6 output \(y.shape) vs gradient \(grad.shape)") }
        bn.scale.withUnsafeBufferPointer { sc in
            grad.data.withUnsafeMutableBufferPointer { buf in
                let g = buf.baseAddress!, s = sc.baseAddress!
                guard let y = reluOutput else {
                    for pixel in 0..<(buf.count / c) {
                        let row = g + pixel &* c
                        for ci in 0..<c { row[ci] *= s[ci] }
                    }
                    return
                }
                y.data.withUnsafeBufferPointer { ys in
                    for pixel in 0..<(buf.count / c) {
                        let row = g + pixel &* c, yr = ys.baseAddress! + pixel &* c
                        // The product is computed whether or not it is kept: a conditional load of
                        // s[ci] keeps LLVM from vectorising the loop (measured: the scalar loop
                        // took about a fifth of a saliency map's time, this one 3 %).
                        for ci in 0..<c {
                            let v = row[ci] * s[ci], y = yr[ci]
                            row[ci] = y > 0 && y < 6 ? v : 0
                        }
                    }
                }
            }
        }
    }

    /// Backward of `zeroPad`: the gradient of the padded tensor with the padding cut off.
    public static func zeroPadBackward(_ grad: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        let h = grad.height - top - bottom, w = grad.width - left - right, c = grad.channels
        precondition(h > 0 && w > 0 && top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "bad padding")
        var out = Tensor(height: h, width: w, channels: c)
        let rowCount = w * c
        for y in 0..<h {
            let src = ((y + top) * grad.width + left) * c
            out.data.replaceSubrange((y * rowCount)..<((y + 1) * rowCount), with: grad.data[src..<(src + rowCount)])
        }
        return out
    }

    /// Backward of `globalAveragePool`: 1x1xC -> HxWxC, every pixel gets g[c] / (H*W).
    public static func globalAveragePoolBackward(_ grad: Tensor, height: Int, width: Int) -> Tensor {
        precondition(grad.height == 1 && grad.width == 1, "pooling gradient must be 1x1xC")
        let c = grad.channels, n = Float(height * width)
        let row = grad.data.map { $0 / n }
        var out = Tensor(height: height, width: width, channels: c)
        for p in 0..<(height * width) { out.data.replaceSubrange((p * c)..<((p + 1) * c), with: row) }
        return out
    }

    /// Backward of `dense` (Keras `Dense` without activation): 1x1xN -> 1x1xK,
    /// dL/dx = kernel[K x N] * dL/dy (sgemv, no transpose).
    public static func denseBackward(_ grad: Tensor, kernel: [Float]) -> Tensor {
        let n = grad.channels, k = kernel.count / max(n, 1)
        precondition(kernel.count == k * n && k > 0, "dense kernel must be K*N")
        var out = Tensor(height: 1, width: 1, channels: k)
        grad.data.withUnsafeBufferPointer { g in
            kernel.withUnsafeBufferPointer { b in
                out.data.withUnsafeMutableBufferPointer { y in
                    BLAS.gemvColumn(n: n, k: k, b: b.baseAddress!, x: g.baseAddress!, y: y.baseAddress!, beta: 0)
                }
            }
        }
        return out
    }
}
