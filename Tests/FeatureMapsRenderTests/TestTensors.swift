import FeatureMapsEngine

/// Synthetic activation maps for renderer tests.
enum TestTensors {
    /// An HxWxC map whose value at (y, x, c) is `value(y, x, c)`.
    static func make(_ h: Int, _ w: Int, _ c: Int, _ value: (Int, Int, Int) -> Float) -> Tensor {
        var t = Tensor(height: h, width: w, channels: c)
        for y in 0..<h {
            for x in 0..<w {
                for k in 0..<c { t[y, x, k] = value(y, x, k) }
            }
        }
        return t
    }

    /// An HxWxC map where every channel c holds the constant `means[c]`.
    static func constants(_ h: Int, _ w: Int, _ means: [Float]) -> Tensor {
        make(h, w, means.count) { _, _, c in means[c] }
    }

    /// Channel 0 a horizontal ramp 0..1, channel 1 constant 0.5, channel 2 negative -3..-1,
    /// channel 3 a checkerboard 0/1; further channels are k-scaled ramps.
    static func mixed(_ h: Int, _ w: Int, _ c: Int) -> Tensor {
        make(h, w, c) { y, x, k in
            let fx = Float(x) / Float(max(w - 1, 1)), fy = Float(y) / Float(max(h - 1, 1))
            switch k {
            case 0: return fx
            case 1: return 0.5
            case 2: return -3 + 2 * fy
            case 3: return Float((x + y) % 2)
            default: return Float(k) * (fx + fy)
            }
        }
    }
}
