import FeatureMapsEngine

/// Deterministic pseudo-random numbers for tests: the engine's own SplitMix64 (SeededGenerator;
/// Steele, Lea and Flood 2014), so random test data and mutation campaigns repeat on every machine
/// and run. The helpers below are the tests' shapes of it.
public typealias SplitMix64 = SeededGenerator

extension SeededGenerator {
    /// Uniform in 0..<n (0 when n <= 0).
    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    /// Uniform in [-1, 1).
    public mutating func float() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
    public mutating func floats(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in float() * scale } }
}
