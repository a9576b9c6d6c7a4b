import Foundation

// Per-element and reduction layers: fused BatchNorm + ReLU6, residual add, zero padding,
// global average pooling, dense, softmax.

/// Keras `BatchNormalization(epsilon=1e-3)` in inference mode as a per-channel affine:
/// y = x * scale + shift with scale = gamma / sqrt(variance + eps), shift = beta - mean * scale.
public struct BatchNormAffine: Sendable {
    public let scale: [Float]
    public let shift: [Float]

    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        precondition(gamma.count == beta.count && beta.count == mean.count && mean.count == variance.count)
        var scale = [Float](repeating: 0, count: gamma.count), shift = scale
        for c in 0..<gamma.count {
            scale[c] = gamma[c] / (variance[c] + epsilon).squareRoot()
            shift[c] = beta[c] - mean[c] * scale[c]
        }
        self.scale = scale
        self.shift = shift
    }
}

extension Kernels {
    /// In place on HxWxC: x = x * scale[c] + shift[c] (the BN layer), then, when `relu6`,
    /// x = min(max(x, 0), 6) (Keras `ReLU(6.0)`): one fused pass.
    public static func batchNorm(_ t: inout Tensor, _ bn: BatchNormAffine, relu6: Bool) {
        let c = t.channels
        precondition(bn.scale.count == c, "BatchNorm has \(bn.scale.count) channels, tensor \(c)")
        bn.scale.withUnsafeBufferPointer { sc in
            bn.shift.withUnsafeBufferPointer { sh in
                t.data.withUnsafeMutableBufferPointer { buf in
                    let p = buf.baseAddress!, s = sc.baseAddress!, b = sh.baseAddress!
                    for pixel in 0..<(buf.count / c) {
                        let row = p + pixel &* c
                        if relu6 {
                            for ci in 0..<c { row[ci] = min(max(row[ci] * s[ci] + b[ci], 0), 6) }
                        } else {
                            for ci in 0..<c { row[ci] = row[ci] * s[ci] + b[ci] }
                        }
                    }
                }
            }
        }
    }

    /// In place: x = min(max(x, 0), 6), Keras `ReLU(6.0)`.
    public static func relu6(_ t: inout Tensor) {
        t.data.withUnsafeMutableBufferPointer { buf in
            for i in 0..<buf.count { buf[i] = min(max(buf[i], 0), 6) }
        }
    }

    /// Keras `Add`: a += b, same shapes.
    public static func add(_ a: inout Tensor, _ b: Tensor) {
        precondition(a.shape == b.shape, "add needs equal shapes, got \(a.shape) and \(b.shape)")
        b.data.withUnsafeBufferPointer { src in
            a.data.withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count { dst[i] += src[i] }
            }
        }
    }

    /// Keras `ZeroPadding2D(((top, bottom), (left, right)))`.
    public static func zeroPad(_ t: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        var out = Tensor(height: t.height + top + bottom, width: t.width + left + right, channels: t.channels)
        let rowCount = t.width * t.channels
        for y in 0..<t.height {
            let dst = ((y + top) * out.width + left) * t.channels
            out.data.replaceSubrange(dst..<(dst + rowCount), with: t.data[(y * rowCount)..<((y + 1) * rowCount)])
        }
        return out
    }

    /// Keras `GlobalAveragePooling2D`: HxWxC -> 1x1xC, the mean over all pixels.
    public static func globalAveragePool(_ t: Tensor) -> Tensor {
        var sums = [Double](repeating: 0, count: t.channels)
        for p in 0..<(t.height * t.width) {
            for c in 0..<t.channels { sums[c] += Double(t.data[p * t.channels + c]) }
        }
        let n = Double(t.height * t.width)
        return Tensor(height: 1, width: 1, channels: t.channels, data: sums.map { Float($0 / n) })
    }

    /// Keras `Dense(units)` without activation: 1x1xK -> 1x1xN logits = x * kernel[K x N] + bias (sgemv).
    public static func dense(_ x: Tensor, kernel: [Float], bias: [Float]) -> Tensor {
        let k = x.channels, n = bias.count
        precondition(kernel.count == k * n, "dense kernel must be K*N")
        var out = Tensor(height: 1, width: 1, channels: n, data: bias)
        x.data.withUnsafeBufferPointer { xs in
            kernel.withUnsafeBufferPointer { b in
                out.data.withUnsafeMutableBufferPointer { y in
                    BLAS.gemvRowVector(n: n, k: k, x: xs.baseAddress!, b: b.baseAddress!, y: y.baseAddress!, beta: 1)
                }
            }
        }
        return out
    }

    /// Softmax over the channels of a 1x1xN tensor (Keras `activation="softmax"`), max-subtracted.
    public static func softmax(_ t: Tensor) -> Tensor {
        let m = t.data.max() ?? 0
        let e = t.data.map { exp(Double($0 - m)) }
        let s = e.reduce(0, +)
        return Tensor(height: t.height, width: t.width, channels: t.channels, data: e.map { Float($0 / s) })
    }
}
