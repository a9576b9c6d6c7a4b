import Foundation

/// Lucid's `to_valid_rgb(t, decorrelate=True, sigmoid=True)` (lucid/optvis/param/color.py), to
/// pixels 0..255 instead of 0..1: per pixel, rgb = M t with M Lucid's `color_correlation_svd_sqrt`
/// divided by its largest column norm (`_linear_decorelate_color`: the square root of ImageNet's
/// colour covariance, so independent parameters give natural colour statistics), then
/// 255 * sigmoid. An image that is not 3 channels skips the colour step.
/// Layout: H x W x C interleaved, in and out.
public enum ValidRGB {
    static let correlationSVDSqrt: [[Double]] = [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]]

    /// Row-major 3 x 3: Lucid's matrix over the largest norm of its columns.
    public static let decorrelation: [Float] = {
        let m = correlationSVDSqrt
        let norm = (0..<3).map { j in (0..<3).map { m[$0][j] * m[$0][j] }.reduce(0, +).squareRoot() }.max()!
        return m.flatMap { $0.map { Float($0 / norm) } }
    }()

    /// t -> pixels 0..255, and the sigmoid's values (which `backward` needs).
    public static func forward(_ t: [Float], channels: Int) -> (pixels: [Float], sigmoid: [Float]) {
        let mixed = channels == 3 ? mix(t, decorrelation) : t
        let s = mixed.map { 1 / (1 + exp(-$0)) }
        return (s.map { 255 * $0 }, s)
    }

    /// d / d pixels -> d / d t, given `forward`'s sigmoid values.
    public static func backward(_ g: [Float], sigmoid s: [Float], channels: Int) -> [Float] {
        let d = (0..<g.count).map { g[$0] * 255 * s[$0] * (1 - s[$0]) }
        guard channels == 3 else { return d }
        let m = decorrelation
        return mix(d, [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]])  // M transposed
    }

    /// out[p, i] = sum_j m[i, j] v[p, j] for each pixel p of a 3-channel image.
    static func mix(_ v: [Float], _ m: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: v.count)
        for p in stride(from: 0, to: v.count, by: 3) {
            for i in 0..<3 { out[p + i] = m[i * 3] * v[p] + m[i * 3 + 1] * v[p + 1] + m[i * 3 + 2] * v[p + 2] }
        }
        return out
    }
}
