import Foundation

/// Transformation robustness (Lucid's `transform.standard_transforms`: pad, jitter, random_scale,
/// random_rotate, jitter), as one random similarity transform per step, sampled bilinearly:
/// output pixel p (row, column; centre c of the image) reads the input at
///   c + R(-angle) (p - c - shift) / scale
/// and positions outside the image read `background` (Lucid pads with 0.5, mid-grey). The output
/// has the input's size (Lucid's crops make it shrink; the network's input size is fixed here).
/// Layout: H x W x C interleaved.
public struct RandomTransform: Equatable, Sendable {
    public var scale: Double
    /// Radians, counter-clockwise.
    public var angle: Double
    public var shiftY: Double
    public var shiftX: Double

    public static let identity = RandomTransform(scale: 1, angle: 0, shiftY: 0, shiftX: 0)

    public init(scale: Double, angle: Double, shiftY: Double, shiftX: Double) {
        self.scale = scale
        self.angle = angle
        self.shiftY = shiftY
        self.shiftX = shiftX
    }

    /// Uniform scale in 1 +- scaleRange, angle in +- degrees, shift in +- jitter pixels on each axis.
    public static func random(jitter: Double, scaleRange: Double, degrees: Double, _ rng: inout SeededGenerator) -> RandomTransform {
        RandomTransform(
            scale: 1 + rng.symmetric(scaleRange), angle: rng.symmetric(degrees) * Double.pi / 180, shiftY: rng.symmetric(jitter),
            shiftX: rng.symmetric(jitter))
    }

    /// For each output pixel, the four input pixels it reads (-1 outside) and their weights.
    func taps(height h: Int, width w: Int) -> [(index: Int, weight: Float)] {
        var taps: [(index: Int, weight: Float)] = []
        taps.reserveCapacity(4 * h * w)
        let cy = Double(h - 1) / 2, cx = Double(w - 1) / 2, co = cos(angle), si = sin(angle)
        for y in 0..<h {
            for x in 0..<w {
                let dy = (Double(y) - cy - shiftY) / scale, dx = (Double(x) - cx - shiftX) / scale
                let sy = cy + co * dy - si * dx, sx = cx + si * dy + co * dx
                let y0 = Int(sy.rounded(.down)), x0 = Int(sx.rounded(.down))
                let fy = sy - Double(y0), fx = sx - Double(x0)
                for (yy, xx, wt) in [
                    (y0, x0, (1 - fy) * (1 - fx)), (y0, x0 + 1, (1 - fy) * fx), (y0 + 1, x0, fy * (1 - fx)), (y0 + 1, x0 + 1, fy * fx),
                ] {
                    let inside = yy >= 0 && yy < h && xx >= 0 && xx < w
                    taps.append((inside ? yy * w + xx : -1, Float(wt)))
                }
            }
        }
        return taps
    }

    public func forward(_ image: [Float], height: Int, width: Int, channels: Int, background: Float) -> [Float] {
        let taps = taps(height: height, width: width)
        var out = [Float](repeating: 0, count: image.count)
        for p in 0..<(height * width) {
            for c in 0..<channels {
                var v: Float = 0
                for t in taps[(4 * p)..<(4 * p + 4)] { v += t.weight * (t.index < 0 ? background : image[t.index * channels + c]) }
                out[p * channels + c] = v
            }
        }
        return out
    }

    /// d / d output -> d / d input (each output's gradient spread over its four taps).
    public func backward(_ g: [Float], height: Int, width: Int, channels: Int) -> [Float] {
        let taps = taps(height: height, width: width)
        var out = [Float](repeating: 0, count: g.count)
        for p in 0..<(height * width) {
            for t in taps[(4 * p)..<(4 * p + 4)] where t.index >= 0 {
                for c in 0..<channels { out[t.index * channels + c] += t.weight * g[p * channels + c] }
            }
        }
        return out
    }
}
