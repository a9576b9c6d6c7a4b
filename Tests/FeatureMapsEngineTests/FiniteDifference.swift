import XCTest
import FeatureMapsEngine

/// Central finite differences of L(x) = sum over outputs of u * f(x), the scalar whose gradient a
/// backward kernel computes when handed the upstream gradient u.
enum FiniteDifference {
    /// Step for the central difference. Every kernel tested is linear, or piecewise linear with
    /// kinks kept farther than `step` from the inputs, so the difference is exact up to rounding.
    static let step: Float = 1.0 / 64

    /// Compares `gradient` (dL/dx from a backward kernel) with finite differences of `forward` at
    /// `x`, on every element when x has at most `exhaustive` elements, else on `samples` elements
    /// spread over x (first and last included). Tolerance: 1e-3 * max(1, max |gradient|), far above
    /// the float32 rounding of the forward sums (~1e-5 here) and far below any wrong term.
    static func check(
        _ what: String, x: Tensor, upstream u: Tensor, gradient: Tensor, forward: (Tensor) -> Tensor,
        exhaustive: Int = 400, samples: Int = 60, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(gradient.shape, x.shape, "\(what): gradient shape", file: file, line: line)
        guard gradient.shape == x.shape else { return }
        func loss(_ t: Tensor) -> Double {
            let y = forward(t)
            precondition(y.shape == u.shape, "\(what): upstream gradient shape \(u.shape) vs output \(y.shape)")
            return zip(y.data, u.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let n = x.data.count
        let indices = n <= exhaustive ? Array(0..<n) : (0..<samples).map { $0 * (n - 1) / (samples - 1) }
        let scale = max(1, gradient.data.map(abs).max() ?? 0)
        var worst: (diff: Double, index: Int, fd: Double) = (0, 0, 0)
        for i in indices {
            var plus = x, minus = x
            plus.data[i] += step
            minus.data[i] -= step
            let fd = (loss(plus) - loss(minus)) / Double(plus.data[i] - minus.data[i])
            let d = abs(fd - Double(gradient.data[i]))
            if !(d <= worst.diff) { worst = (d, i, fd) }
        }
        let c = worst.index % x.channels, p = worst.index / x.channels
        XCTAssertLessThanOrEqual(
            worst.diff, 1e-3 * Double(scale),
            "\(what): backward \(gradient.data[worst.index]) vs finite difference \(worst.fd) at (y \(p / x.width), "
                + "x \(p % x.width), c \(c))", file: file, line: line)
    }
}
