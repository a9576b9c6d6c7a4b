import Foundation

/// Lucid's `fft_image` (lucid/optvis/param/spatial.py): an H x W x C image parameterized by the
/// half spectrum of a 2-D real inverse DFT per channel, each coefficient scaled by
/// 1 / max(frequency, 1 / max(H, W)) (decay power 1), so that a unit step moves low frequencies
/// more than high ones. Lucid then multiplies by sqrt(H * W), takes `irfft2d` (which divides by
/// H * W) and divides by 4; here the two constants are one factor 1 / (4 sqrt(H * W)).
///
/// Parameters: C * 2 * H * K floats, K = W / 2 + 1, laid out [c][re, im][ky][kx] (each channel a
/// 2H x K matrix X = [Xr; Xi]). The image, per channel, with w(kx) = 1 at kx = 0 and at the
/// Nyquist column of an even W, else 2 (the columns the half spectrum stands for twice):
///   x[y, x] = f * sum_ky sum_kx w(kx) Re(X[ky, kx] e^{2 pi i (ky y / H + kx x / W)}),
/// computed as two matrix products (any H, W, no FFT):
///   Z = [[Cy, -Sy], [Sy, Cy]] X       (2H x 2H) (2H x K): [Zr; Zi], the inverse DFT over ky
///   x = Zr Ax + Zi Bx                  Ax[kx, x] = f w cos(2 pi kx x / W), Bx = -f w sin(...)
/// The imaginary parts of the DC and Nyquist columns change nothing (their gradient is 0).
public struct FourierImage: Sendable {
    public let height: Int
    public let width: Int
    public let channels: Int
    /// K = width / 2 + 1.
    public let columns: Int
    /// (2H x 2H), its transpose, (K x W) twice, and the 1 / frequency factors (H x K).
    let rows: [Float], rowsT: [Float], ax: [Float], bx: [Float], scale: [Float]

    public var parameterCount: Int { channels * 2 * height * columns }

    public init(height: Int, width: Int, channels: Int) {
        require(height > 0 && width > 0 && channels > 0, "FourierImage needs a positive size")
        self.height = height
        self.width = width
        self.channels = channels
        let h = height, k = width / 2 + 1
        columns = k
        var m = [Float](repeating: 0, count: 4 * h * h)
        for y in 0..<h {
            for ky in 0..<h {
                let a = 2 * Double.pi * Double(ky * y % h) / Double(h)
                let c = Float(cos(a)), s = Float(sin(a))
                m[y * 2 * h + ky] = c
                m[y * 2 * h + h + ky] = -s
                m[(h + y) * 2 * h + ky] = s
                m[(h + y) * 2 * h + h + ky] = c
            }
        }
        rows = m
        var t = m
        for i in 0..<(2 * h) { for j in 0..<(2 * h) { t[j * 2 * h + i] = m[i * 2 * h + j] } }
        rowsT = t
        let f = 1 / (4 * Double(h * width).squareRoot())
        var a = [Float](repeating: 0, count: k * width), b = a
        for kx in 0..<k {
            let w: Double = kx == 0 || (width % 2 == 0 && kx == width / 2) ? 1 : 2
            for x in 0..<width {
                let angle = 2 * Double.pi * Double(kx * x % width) / Double(width)
                a[kx * width + x] = Float(f * w * cos(angle))
                b[kx * width + x] = Float(-f * w * sin(angle))
            }
        }
        ax = a
        bx = b
        let floor = 1 / Double(max(h, width))
        scale = (0..<(h * k)).map { i in
            let ky = i / k, kx = i % k
            let fy = Double(ky < (h + 1) / 2 ? ky : ky - h) / Double(h), fx = Double(kx) / Double(width)
            return Float(1 / max((fy * fy + fx * fx).squareRoot(), floor))
        }
    }

    /// Lucid's initial spectrum: normal with standard deviation `sd` (Lucid's 0.01).
    public func initialParameters(sd: Double, _ rng: inout SeededGenerator) -> [Float] {
        (0..<parameterCount).map { _ in Float(sd * rng.normal()) }
    }

    /// Parameters -> the H x W x C image (interleaved).
    public func image(_ p: [Float]) -> [Float] {
        require(p.count == parameterCount, "FourierImage wants \(parameterCount) parameters")
        let h = height, w = width, k = columns, plane = 2 * h * k
        var out = [Float](repeating: 0, count: h * w * channels)
        var x = [Float](repeating: 0, count: plane), z = x, img = [Float](repeating: 0, count: h * w)
        for c in 0..<channels {
            for i in 0..<plane { x[i] = p[c * plane + i] * scale[i % (h * k)] }
            BLAS.gemm(m: 2 * h, n: k, k: 2 * h, a: rows, lda: 2 * h, b: x, ldb: k, c: &z, ldc: k)
            z.withUnsafeBufferPointer { zp in
                BLAS.gemm(m: h, n: w, k: k, a: zp.baseAddress!, lda: k, b: ax, ldb: w, c: &img, ldc: w)
                BLAS.gemm(m: h, n: w, k: k, a: zp.baseAddress! + h * k, lda: k, b: bx, ldb: w, c: &img, ldc: w, beta: 1)
            }
            for i in 0..<(h * w) { out[i * channels + c] = img[i] }
        }
        return out
    }

    /// d objective / d image (H x W x C) -> d objective / d parameters (the transpose of `image`).
    public func backward(_ g: [Float]) -> [Float] {
        require(g.count == height * width * channels, "FourierImage's gradient is H x W x C")
        let h = height, w = width, k = columns, plane = 2 * h * k
        var out = [Float](repeating: 0, count: parameterCount)
        var gi = [Float](repeating: 0, count: h * w), dz = [Float](repeating: 0, count: plane), dx = dz
        for c in 0..<channels {
            for i in 0..<(h * w) { gi[i] = g[i * channels + c] }
            dz.withUnsafeMutableBufferPointer { d in
                BLAS.gemmTransposedB(m: h, n: k, k: w, a: gi, b: ax, c: d.baseAddress!)
                BLAS.gemmTransposedB(m: h, n: k, k: w, a: gi, b: bx, c: d.baseAddress! + h * k)
            }
            BLAS.gemm(m: 2 * h, n: k, k: 2 * h, a: rowsT, lda: 2 * h, b: dz, ldb: k, c: &dx, ldc: k)
            for i in 0..<plane { out[c * plane + i] = dx[i] * scale[i % (h * k)] }
        }
        return out
    }
}
