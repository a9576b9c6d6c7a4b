/// Fixed-point filter weights for resampling one axis, computed exactly as Pillow's
/// `precompute_coeffs` + `normalize_coeffs_8bpc` do for Image.BILINEAR
/// (src/libImaging/Resample.c): a triangle filter of support 1 whose support (and width) is
/// scaled by the downscale factor, so downscaling averages every input sample it covers
/// (antialiasing), while upscaling is plain linear interpolation.
///
/// Output sample i reads input samples first[i] ..< first[i] + count[i] with weights
/// weights[i * taps ..< i * taps + count[i]], each a fraction of 1 << fractionBits.
/// The weights of each output sum to ~1 << fractionBits; Double arithmetic mirrors the C
/// code operation for operation, so the integer weights are bit-identical to Pillow's.
struct ResampleAxis {
    /// Pillow's PRECISION_BITS = 32 - 8 - 2: 8 bits of sample, 2 bits of headroom.
    static let fractionBits = 22

    let inSize: Int
    let outSize: Int
    /// Coefficients reserved per output sample (Pillow's ksize): 2 * ceil(support) + 1.
    let taps: Int
    private(set) var first: [Int]
    private(set) var count: [Int]
    private(set) var weights: [Int32]

    init(inSize: Int, outSize: Int) {
        precondition(inSize > 0 && outSize > 0, "resample sizes must be positive")
        self.inSize = inSize
        self.outSize = outSize
        let scale = Double(Float(inSize)) / Double(outSize)  // Pillow: (double)(in1 - in0) / outSize, floats
        let filterScale = max(scale, 1.0)
        let support = 1.0 * filterScale  // BILINEAR.support = 1.0
        taps = Int(support.rounded(.up)) * 2 + 1
        first = [Int](repeating: 0, count: outSize)
        count = [Int](repeating: 0, count: outSize)
        weights = [Int32](repeating: 0, count: outSize * taps)

        var k = [Double](repeating: 0, count: taps)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            let ss = 1.0 / filterScale
            let xmin = max(Int(center - support + 0.5), 0)  // Int() truncates toward zero, as (int) does
            let xmax = min(Int(center + support + 0.5), inSize) - xmin
            var ww = 0.0
            for x in 0..<max(xmax, 0) {
                let w = Self.triangle((Double(x + xmin) - center + 0.5) * ss)
                k[x] = w
                ww += w
            }
            for x in 0..<max(xmax, 0) {
                let normalized = ww != 0.0 ? k[x] / ww : k[x]
                let scaled = normalized * Double(1 << Self.fractionBits)
                weights[xx * taps + x] = Int32(normalized < 0 ? (-0.5 + scaled) : (0.5 + scaled))
            }
            first[xx] = xmin
            count[xx] = max(xmax, 0)
        }
    }

    /// Pillow's bilinear_filter: 1 - |x| on (-1, 1), else 0.
    private static func triangle(_ x: Double) -> Double {
        let a = abs(x)
        return a < 1.0 ? 1.0 - a : 0.0
    }

    /// Pillow's clip8: drop the fraction bits (arithmetic shift), clamp to 0...255.
    @inline(__always)
    static func clip8(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> Int32(fractionBits))
    }

    /// The accumulator's starting value, 0.5 in fixed point, so that clip8 rounds.
    static let half = Int32(1 << (fractionBits - 1))
}
