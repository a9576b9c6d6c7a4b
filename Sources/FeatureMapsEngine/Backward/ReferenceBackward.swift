// Plain reference twins of the backward kernels: each input gradient is GATHERED from the output
// gradients that read it (the fast kernels scatter), accumulated in Double, straight from the
// chain rule on the forward definitions in ReferenceKernels. Slow; for tests.

public enum ReferenceBackward {
    /// Input gradient of `ReferenceKernels.conv2d`: kernel [KH, KW, Cin, Cout] row-major;
    /// dx[iy, ix, ci] = sum over (ky, kx, co) with iy = oy*stride + ky - padTop (same for x)
    /// of dy[oy, ox, co] * k[ky, kx, ci, co].
    public static func conv2dInput(
        _ gradOutput: Tensor, kernel: [Float], kernelSize: Int, inChannels: Int,
        stride: Int, padTop: Int, padLeft: Int, inHeight: Int, inWidth: Int
    ) -> Tensor {
        let cout = gradOutput.channels
        var out = Tensor(height: inHeight, width: inWidth, channels: inChannels)
        for iy in 0..<inHeight {
            for ix in 0..<inWidth {
                for ci in 0..<inChannels {
                    var acc: Double = 0
                    for ky in 0..<kernelSize {
                        for kx in 0..<kernelSize {
                            guard let oy = outputIndex(iy, ky, padTop, stride, gradOutput.height),
                                let ox = outputIndex(ix, kx, padLeft, stride, gradOutput.width)
                            else { continue }
                            for co in 0..<cout {
                                let kv = kernel[((ky * kernelSize + kx) * inChannels + ci) * cout + co]
                                acc += Double(gradOutput[oy, ox, co]) * Double(kv)
                            }
                        }
                    }
                    out[iy, ix, ci] = Float(acc)
                }
            }
        }
        return out
    }

    /// Input gradient of `ReferenceKernels.depthwiseConv3x3`:
    /// dx[iy, ix, c] = sum over (ky, kx) of dy[oy, ox, c] * k[ky, kx, c], oy, ox as in `conv2dInput`.
    public static func depthwiseConv3x3Input(
        _ gradOutput: Tensor, kernel: [Float], stride: Int, padTop: Int, padLeft: Int, inHeight: Int, inWidth: Int
    ) -> Tensor {
        let c = gradOutput.channels
        var out = Tensor(height: inHeight, width: inWidth, channels: c)
        for iy in 0..<inHeight {
            for ix in 0..<inWidth {
                for ci in 0..<c {
                    var acc: Double = 0
                    for ky in 0..<3 {
                        for kx in 0..<3 {
                            guard let oy = outputIndex(iy, ky, padTop, stride, gradOutput.height),
                                let ox = outputIndex(ix, kx, padLeft, stride, gradOutput.width)
                            else { continue }
                            acc += Double(gradOutput[oy, ox, ci]) * Double(kernel[(ky * 3 + kx) * c + ci])
                        }
                    }
                    out[iy, ix, ci] = Float(acc)
                }
            }
        }
        return out
    }

    /// The output row (or column) whose kernel tap `k` reads input row `i`, if any:
    /// o with o*stride + k - pad == i and 0 <= o < outSize.
    static func outputIndex(_ i: Int, _ k: Int, _ pad: Int, _ stride: Int, _ outSize: Int) -> Int? {
        let t = i + pad - k
        guard t >= 0, t % stride == 0, t / stride < outSize else { return nil }
        return t / stride
    }

    /// Input gradient of `ReferenceKernels.batchNorm`: d/dx of (x - mean) / sqrt(var + eps) * gamma + beta
    /// is gamma / sqrt(var + eps); with `reluOutput`, the ReLU6 that followed passes the gradient
    /// only where 0 < output < 6.
    public static func batchNorm(
        _ grad: Tensor, gamma: [Float], variance: [Float], epsilon: Float, reluOutput: Tensor?
    ) -> Tensor {
        var out = grad
        for i in 0..<grad.data.count {
            let c = i % grad.channels
            if let y = reluOutput, !(y.data[i] > 0 && y.data[i] < 6) {
                out.data[i] = 0
                continue
            }
            let scale = Double(gamma[c]) / (Double(variance[c]) + Double(epsilon)).squareRoot()
            out.data[i] = Float(Double(grad.data[i]) * scale)
        }
        return out
    }

    /// Input gradient of `ReLU(6.0)` from its output: the gradient where 0 < y < 6, else 0.
    public static func relu6(_ grad: Tensor, output: Tensor) -> Tensor {
        var out = grad
        for i in 0..<grad.data.count where !(output.data[i] > 0 && output.data[i] < 6) { out.data[i] = 0 }
        return out
    }

    /// Input gradient of `ZeroPadding2D`: element (y, x) of the input is element (y + top, x + left)
    /// of the padded output.
    public static func zeroPad(_ grad: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        var out = Tensor(height: grad.height - top - bottom, width: grad.width - left - right, channels: grad.channels)
        for y in 0..<out.height {
            for x in 0..<out.width {
                for c in 0..<out.channels { out[y, x, c] = grad[y + top, x + left, c] }
            }
        }
        return out
    }

    /// Input gradient of `GlobalAveragePooling2D`: each of the H*W pixels contributed 1/(H*W).
    public static func globalAveragePool(_ grad: Tensor, height: Int, width: Int) -> Tensor {
        var out = Tensor(height: height, width: width, channels: grad.channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<grad.channels { out[y, x, c] = Float(Double(grad.data[c]) / Double(height * width)) }
            }
        }
        return out
    }

    /// Input gradient of `ReferenceKernels.dense`: dx[k] = sum over n of kernel[k, n] * dy[n].
    public static func dense(_ grad: Tensor, kernel: [Float]) -> Tensor {
        let n = grad.channels, k = kernel.count / n
        var out = [Float](repeating: 0, count: k)
        for i in 0..<k {
            var acc: Double = 0
            for j in 0..<n { acc += Double(kernel[i * n + j]) * Double(grad.data[j]) }
            out[i] = Float(acc)
        }
        return Tensor(height: 1, width: 1, channels: k, data: out)
    }
}
