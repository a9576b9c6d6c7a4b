import FeatureMapsKernelTypes
import Foundation

// Per-element and reduction layers: BatchNorm (+ ReLU6) and ReLU6 passes, residual add, zero
// padding, global average pooling, dense, softmax.

/// Keras `BatchNormalization(epsilon=1e-3)` in inference mode as a per-channel affine:
/// y = x * scale + shift with scale = gamma / sqrt(variance + eps), shift = beta - mean * scale.
public struct BatchNormAffine: Sendable {
    public let scale: [Float]
    public let shift: [Float]

    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        require(
            gamma.count == beta.count && beta.count == mean.count && mean.count == variance.count,
            "BatchNorm vectors differ in length")
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
    /// `epilogue` on every pixel of an HxWxC map at `p` (`pixels` = H*W), in row tasks.
    static func applyInPlace(_ pool: ThreadPool, _ p: UnsafeMutablePointer<Float>, pixels: Int, channels: Int, _ e: Epilogue) {
        let perTask = max(1, 65_536 / channels)
        pool.parallelFor((pixels + perTask - 1) / perTask) { t in
            let first = t * perTask, count = min(pixels, first + perTask) - first
            var task = e
            task.residual = e.residual.map { $0 + first * channels }
            task.apply(p + first * channels, rows: count, cols: channels, ld: channels, channel0: 0)
        }
    }

    /// In place on HxWxC: x = x * scale[c] + shift[c] (the BN layer), then, when `relu6`,
    /// Keras `ReLU(6.0)`: one pass, the same arithmetic as the fused kernels' epilogues.
    public static func batchNorm(_ t: inout Tensor, _ bn: BatchNormAffine, relu6: Bool) {
        let c = t.channels
        require(bn.scale.count == c, "BatchNorm has \(bn.scale.count) channels, tensor \(c)")
        bn.scale.withUnsafeBufferPointer { sc in
            bn.shift.withUnsafeBufferPointer { sh in
                t.data.withUnsafeMutableBufferPointer { buf in
                    Epilogue(scale: sc.baseAddress, shift: sh.baseAddress, relu6: relu6)
                        .apply(buf.baseAddress!, rows: buf.count / c, cols: c, ld: c, channel0: 0)
                }
            }
        }
    }

    /// In place: Keras `ReLU(6.0)`.
    public static func relu6(_ t: inout Tensor) {
        let c = t.channels
        t.data.withUnsafeMutableBufferPointer { buf in
            Epilogue(relu6: true).apply(buf.baseAddress!, rows: buf.count / c, cols: c, ld: c, channel0: 0)
        }
    }

    /// Keras `Add`: a += b, same shapes.
    public static func add(_ a: inout Tensor, _ b: Tensor) {
        require(a.shape == b.shape, "add needs equal shapes, got \(a.shape) and \(b.shape)")
        let c = a.channels
        b.data.withUnsafeBufferPointer { src in
            a.data.withUnsafeMutableBufferPointer { dst in
                Epilogue(residual: src.baseAddress).apply(dst.baseAddress!, rows: dst.count / c, cols: c, ld: c, channel0: 0)
            }
        }
    }

    /// Keras `ZeroPadding2D(((top, bottom), (left, right)))` of the HxWxC map at `p`.
    static func zeroPad(_ p: UnsafePointer<Float>, _ shape: TensorShape, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        var out = Tensor(height: shape.height + top + bottom, width: shape.width + left + right, channels: shape.channels)
        let rowCount = shape.width * shape.channels
        out.data.withUnsafeMutableBufferPointer { dst in
            for y in 0..<shape.height {
                (dst.baseAddress! + ((y + top) * out.width + left) * shape.channels).update(from: p + y * rowCount, count: rowCount)
            }
        }
        return out
    }

    public static func zeroPad(_ t: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        t.data.withUnsafeBufferPointer { zeroPad($0.baseAddress!, t.shape, top: top, bottom: bottom, left: left, right: right) }
    }

    /// Keras `GlobalAveragePooling2D`: HxWxC at `p` -> C means into `out`, summed in Double in pixel
    /// order; channels split into tasks when `pool` is given (each channel's sum is the same either way).
    static func globalAveragePool(
        _ pool: ThreadPool? = nil, _ p: UnsafePointer<Float>, pixels: Int, channels: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        let blocks = channels >= 256 ? 2 : 1, perBlock = (channels + blocks - 1) / blocks
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: channels)
        defer { sums.deallocate() }
        let body = { (t: Int) in
            let c0 = t * perBlock, c1 = min(channels, c0 + perBlock)
            for c in c0..<c1 { sums[c] = 0 }
            for q in 0..<pixels {
                let row = p + q &* channels
                for c in c0..<c1 { sums[c] += Double(row[c]) }
            }
            for c in c0..<c1 { out[c] = Float(sums[c] / Double(pixels)) }
        }
        if let pool { pool.parallelFor(blocks, body) } else { for t in 0..<blocks { body(t) } }
    }

    public static func globalAveragePool(_ t: Tensor) -> Tensor {
        var out = Tensor(height: 1, width: 1, channels: t.channels)
        t.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer {
                globalAveragePool(nil, src.baseAddress!, pixels: t.height * t.width, channels: t.channels, into: $0.baseAddress!)
            }
        }
        return out
    }

    /// Keras `Dense(units)` without activation: 1x1xK -> 1x1xN logits = x * kernel[K x N] + bias,
    /// as `sgemv` into an output prefilled with the bias (beta = 1), in column blocks fixed by N (two
    /// for ImageNet's 1000 classes), run as tasks of `pool` when given: the same bits either way.
    static func dense(
        _ pool: ThreadPool?, x: UnsafePointer<Float>, k: Int, kernel: UnsafePointer<Float>,
        bias: UnsafePointer<Float>, n: Int, into y: UnsafeMutablePointer<Float>
    ) {
        y.update(from: bias, count: n)
        let blocks = max(1, (n + 256) / 512), perBlock = (n + blocks - 1) / blocks
        let body = { (t: Int) in
            let c0 = t * perBlock, c1 = min(n, c0 + perBlock)
            if c0 < c1 {
                BLAS.gemvRowVector(n: c1 - c0, k: k, x: x, b: kernel + c0, ldb: n, y: y + c0, beta: 1)
            }
        }
        if let pool { pool.parallelFor(blocks, body) } else { for t in 0..<blocks { body(t) } }
    }

    public static func dense(_ x: Tensor, kernel: [Float], bias: [Float]) -> Tensor {
        let k = x.channels, n = bias.count
        require(kernel.count == k * n, "dense kernel must be K*N")
        var out = Tensor(height: 1, width: 1, channels: n)
        x.data.withUnsafeBufferPointer { xs in
            kernel.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bs in
                    out.data.withUnsafeMutableBufferPointer { y in
                        dense(nil, x: xs.baseAddress!, k: k, kernel: b.baseAddress!, bias: bs.baseAddress!, n: n, into: y.baseAddress!)
                    }
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
