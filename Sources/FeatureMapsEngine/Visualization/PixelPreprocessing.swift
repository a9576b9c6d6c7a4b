/// `Preprocessing` on float pixels 0..255 (H x W x C interleaved) and its backward: each mode is a
/// per-channel affine map of a permutation of the channels, out[c] = a[c] * in[source(c)] + b[c]
/// (caffe reads BGR from RGB). The same formulas as `Preprocessing.apply`, in another order of
/// float operations (multiplications by reciprocals), so equal to it within float rounding.
extension Preprocessing {
    /// (source channel, a, b) for each of `channels` channels.
    func affine(channels: Int) -> [(source: Int, a: Float, b: Float)] {
        switch self {
        case .none: return (0..<channels).map { ($0, 1, 0) }
        case .tf: return (0..<channels).map { ($0, 1 / 127.5, -1) }
        case .caffe:
            let mean: [Float] = [103.939, 116.779, 123.68]
            return (0..<3).map { (2 - $0, 1, -mean[$0]) }
        case .torch:
            let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
            return (0..<3).map { ($0, 1 / (255 * std[$0]), -mean[$0] / std[$0]) }
        }
    }

    public func forward(pixels: [Float], channels: Int) -> [Float] {
        require(!needsRGB || channels == 3, "preprocessing \(rawValue) needs 3 channels")
        let map = affine(channels: channels)
        var out = pixels
        for p in stride(from: 0, to: pixels.count, by: channels) {
            for (c, m) in map.enumerated() { out[p + c] = m.a * pixels[p + m.source] + m.b }
        }
        return out
    }

    /// d / d model input -> d / d pixels.
    public func backward(_ g: [Float], channels: Int) -> [Float] {
        let map = affine(channels: channels)
        var out = g
        for p in stride(from: 0, to: g.count, by: channels) {
            for (c, m) in map.enumerated() { out[p + m.source] = m.a * g[p + c] }
        }
        return out
    }
}
