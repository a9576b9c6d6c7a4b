import XCTest
import FeatureMapsEngine

/// Deterministic pseudo-random numbers (SplitMix64), so every test run sees the same values.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
    mutating func floats(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in float() * scale } }
    mutating func tensor(_ h: Int, _ w: Int, _ c: Int) -> Tensor {
        Tensor(height: h, width: w, channels: c, data: floats(h * w * c))
    }
}

/// Asserts max |actual - expected| <= tolerance * max(1, max |expected|) and names the worst element.
/// Tolerance 1e-5 relative: float32 GEMM/accumulation-order differences against a Double reference.
func assertClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.shape, expected.shape, "\(what): shape", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let scale = max(1, expected.data.map(abs).max() ?? 0)
    var worst = (diff: Float(0), index: 0)
    for i in expected.data.indices {
        let d = abs(actual.data[i] - expected.data[i])
        if !(d <= worst.diff) { worst = (d, i) }
    }
    let c = worst.index % expected.channels, p = worst.index / expected.channels
    XCTAssertLessThanOrEqual(
        worst.diff, tolerance * scale,
        "\(what): worst |diff| \(worst.diff) at (y \(p / expected.width), x \(p % expected.width), c \(c)): "
            + "\(actual.data[worst.index]) vs \(expected.data[worst.index])",
        file: file, line: line)
}
