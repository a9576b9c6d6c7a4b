import XCTest
import FeatureMapsEngine
import TestSupport

extension SplitMix64 {
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

/// The kernel widths this CPU runs, for tests that compare them. A width the CPU lacks (16 lanes
/// without AVX-512) is said in the test log, naming the test, so that a run on such a CPU shows
/// what it did not check instead of passing quietly.
func testedWidths(_ test: String = #function) -> [SIMDWidth] {
    for width in SIMDWidth.allCases where !width.isSupported {
        print("note: \(test): \(width) not tested: this CPU (or its OS) does not run AVX-512")
    }
    return SIMDWidth.allCases.filter(\.isSupported)
}
