// Bilinear resampling of one plane, as TensorFlow 2's `tf.image.resize(method="bilinear",
// antialias=False)` does it (ResizeBilinear with half_pixel_centers=True).

public enum Bilinear {
    /// Resizes a row-major `height` x `width` plane to `toHeight` x `toWidth`. Output pixel (y, x)
    /// samples the source at sy = (y + 0.5) * height / toHeight - 0.5 (same for x), interpolating
    /// linearly between the two nearest source rows and columns; positions before the first or
    /// after the last row (column) take that row (column).
    public static func resize(_ plane: [Float], height: Int, width: Int, toHeight: Int, toWidth: Int) -> [Float] {
        precondition(plane.count == height * width && height > 0 && width > 0, "plane must hold height*width values")
        precondition(toHeight > 0 && toWidth > 0, "output size must be positive")
        let rows = taps(from: height, to: toHeight), columns = taps(from: width, to: toWidth)
        var out = [Float](repeating: 0, count: toHeight * toWidth)
        for (y, r) in rows.enumerated() {
            for (x, c) in columns.enumerated() {
                let top = Double(plane[r.low * width + c.low]) * (1 - c.t) + Double(plane[r.low * width + c.high]) * c.t
                let bottom = Double(plane[r.high * width + c.low]) * (1 - c.t) + Double(plane[r.high * width + c.high]) * c.t
                out[y * toWidth + x] = Float(top * (1 - r.t) + bottom * r.t)
            }
        }
        return out
    }

    /// For each output index: the two source indices and the weight of the second.
    static func taps(from n: Int, to m: Int) -> [(low: Int, high: Int, t: Double)] {
        let scale = Double(n) / Double(m)
        return (0..<m).map { i in
            let s = (Double(i) + 0.5) * scale - 0.5
            let f = s.rounded(.down)
            let low = min(max(Int(f), 0), n - 1), high = min(max(Int(f) + 1, 0), n - 1)
            return (low, high, s - f)
        }
    }
}
