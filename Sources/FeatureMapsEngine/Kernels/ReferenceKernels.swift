// Plain reference twins of the fast kernels: direct loops over Tensor subscripts, written to be
// read against the Keras definitions, not to be fast. Tests compare each fast kernel with its twin.

public enum ReferenceKernels {
    /// Keras `Conv2D(use_bias=False)` with explicit zero padding: kernel [KH, KW, Cin, Cout] row-major,
    /// out[oy, ox, co] = sum in[oy*s + ky - padTop, ox*s + kx - padLeft, ci] * k[ky, kx, ci, co].
    public static func conv2d(
        _ input: Tensor, kernel: [Float], kernelSize: Int, outChannels: Int,
        stride: Int, padTop: Int, padLeft: Int, outHeight: Int, outWidth: Int
    ) -> Tensor {
        let cin = input.channels
        var out = Tensor(height: outHeight, width: outWidth, channels: outChannels)
        for oy in 0..<outHeight {
            for ox in 0..<outWidth {
                for co in 0..<outChannels {
                    var acc: Double = 0
                    for ky in 0..<kernelSize {
                        for kx in 0..<kernelSize {
                            let iy = oy * stride + ky - padTop, ix = ox * stride + kx - padLeft
                            guard iy >= 0, iy < input.height, ix >= 0, ix < input.width else { continue }
                            for ci in 0..<cin {
                                let kv = kernel[((ky * kernelSize + kx) * cin + ci) * outChannels + co]
                                acc += Double(input[iy, ix, ci]) * Double(kv)
                            }
                        }
                    }
                    out[oy, ox, co] = Float(acc)
                }
            }
        }
        return out
    }

    /// Keras `DepthwiseConv2D(kernel_size=3, use_bias=False)`, same indexing as the fast kernel.
    public static func depthwiseConv3x3(
        _ input: Tensor, kernel: [Float], stride: Int, padTop: Int, padLeft: Int, outHeight: Int, outWidth: Int
    ) -> Tensor {
        let c = input.channels
        var out = Tensor(height: outHeight, width: outWidth, channels: c)
        for oy in 0..<outHeight {
            for ox in 0..<outWidth {
                for ci in 0..<c {
                    var acc: Double = 0
                    for ky in 0..<3 {
                        for kx in 0..<3 {
                            let iy = oy * stride + ky - padTop, ix = ox * stride + kx - padLeft
                            guard iy >= 0, iy < input.height, ix >= 0, ix < input.width else { continue }
                            acc += Double(input[iy, ix, ci]) * Double(kernel[(ky * 3 + kx) * c + ci])
                        }
                    }
                    out[oy, ox, ci] = Float(acc)
                }
            }
        }
        return out
    }

    /// Keras `BatchNormalization` inference formula, (x - mean) / sqrt(var + eps) * gamma + beta,
    /// then optionally `ReLU(6.0)`.
    public static func batchNorm(
        _ t: Tensor, gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float, relu6: Bool
    ) -> Tensor {
        var out = t
        for i in 0..<t.data.count {
            let c = i % t.channels
            let x = Double(t.data[i]), m = Double(mean[c]), v = Double(variance[c]) + Double(epsilon)
            var y = (x - m) / v.squareRoot() * Double(gamma[c]) + Double(beta[c])
            if relu6 { y = min(max(y, 0), 6) }
            out.data[i] = Float(y)
        }
        return out
    }

    /// Keras `Dense` without activation: logits[n] = bias[n] + sum_k x[k] * kernel[k, n].
    public static func dense(_ x: Tensor, kernel: [Float], bias: [Float]) -> Tensor {
        let k = x.channels, n = bias.count
        var out = [Float](repeating: 0, count: n)
        for j in 0..<n {
            var acc = Double(bias[j])
            for i in 0..<k { acc += Double(x.data[i]) * Double(kernel[i * n + j]) }
            out[j] = Float(acc)
        }
        return Tensor(height: 1, width: 1, channels: n, data: out)
    }
}
