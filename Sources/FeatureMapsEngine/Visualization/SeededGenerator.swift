import Foundation

/// The random numbers of feature visualization: SplitMix64 (Steele, Lea and Flood, "Fast
/// splittable pseudorandom number generators", 2014; the generator of TestSupport's tests), 64 bits
/// of state, the same sequence on every machine and thread count. Uniforms take the top 53 bits;
/// normals are Box-Muller pairs, the second one kept for the next call.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    private var spare: Double?

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [-r, r].
    public mutating func symmetric(_ r: Double) -> Double { (2 * unit() - 1) * r }

    /// Standard normal (Box-Muller).
    public mutating func normal() -> Double {
        if let s = spare {
            spare = nil
            return s
        }
        let u = 1 - unit(), v = unit()  // u in (0, 1]
        let radius = (-2 * log(u)).squareRoot()
        spare = radius * sin(2 * Double.pi * v)
        return radius * cos(2 * Double.pi * v)
    }
}
