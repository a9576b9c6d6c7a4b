import XCTest
@testable import FeatureMapsEngine
import TestSupport

// The per-layer backward check of the graph: a layer's input gradients against central finite
// differences of L(x_1, ..., x_n) = sum over the output of u * f(x), u a random upstream gradient
// (the scalar whose gradient `backward` computes when handed u), with the layer's own float32
// forward. Tolerance (documented here, used by every backward test):
//   |backward - finite difference| <= 1e-3 * max(1, max |backward|)
// Step h = 1/64: the central difference's truncation error is h^2 / 6 * |f'''| ~ 4e-5 for the
// smooth activations (|f'''| <= ~1 on the inputs used), float32 rounding of the forward sums
// divided by 2h is ~1e-5; a wrong rule (a missing tap, a broadcast axis not summed, the wrong
// side of a mask) is off by O(1). Piecewise-linear layers get inputs kept more than 2h from their
// kinks (`avoiding`, `distinct`), so their difference is exact up to rounding.

enum GradientCheck {
    static let step: Float = 1.0 / 64
    static let tolerance: Double = 1e-3

    /// Checks every input of `layer` (those in `check`, default all) at `inputs` with upstream u
    /// drawn from `rng`, for each kernel choice, on every element of inputs of at most 300 elements,
    /// else on 50 spread over it (first and last included).
    static func check(
        _ layer: any DifferentiableLayer, _ inputs: [NDArray], _ what: String, rng: inout SplitMix64,
        kernels: [KernelChoice] = [.reference, .fast], check: [Int]? = nil, file: StaticString = #filePath, line: UInt = #line
    ) {
        guard let shape = try? layer.outputShape(inputs: inputs.map(\.shape)) else {
            XCTFail("\(what): the layer refuses shapes \(inputs.map(\.shape))", file: file, line: line)
            return
        }
        let u = NDArray(shape: shape, data: rng.floats(shape.count))
        for kernels in kernels {
            let context = ExecutionContext(threads: 1, kernels: kernels)
            func loss(_ xs: [NDArray]) -> Double {
                zip(layer.forward(xs, context).data, u.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
            }
            let gradients = layer.backward(inputs: inputs, outputGradient: u, context: context)
            XCTAssertEqual(gradients.count, inputs.count, "\(what): gradient count", file: file, line: line)
            for k in check ?? Array(inputs.indices) where k < gradients.count {
                let g = gradients[k], x = inputs[k]
                XCTAssertEqual(g.shape, x.shape, "\(what): input \(k) gradient shape", file: file, line: line)
                guard g.shape == x.shape else { continue }
                let n = x.shape.count
                let indices = n <= 300 ? Array(0..<n) : (0..<50).map { $0 * (n - 1) / 49 }
                let scale = max(1, Double(g.data.map(abs).max() ?? 0))
                var worst: (diff: Double, index: Int, fd: Double) = (0, 0, 0)
                for i in indices {
                    var plus = inputs, minus = inputs
                    plus[k].data[i] += step
                    minus[k].data[i] -= step
                    let fd = (loss(plus) - loss(minus)) / Double(plus[k].data[i] - minus[k].data[i])
                    let d = abs(fd - Double(g.data[i]))
                    if !(d <= worst.diff) { worst = (d, i, fd) }
                }
                XCTAssertLessThanOrEqual(
                    worst.diff, tolerance * scale,
                    "\(what) [\(kernels)] input \(k) \(x.shape): backward \(g.data[worst.index]) vs finite difference "
                        + "\(worst.fd) at \(coordinates(worst.index, x.shape))", file: file, line: line)
            }
        }
    }

    /// The multi-index of flat index i, "(y 1, x 2, c 0)" style for rank 3.
    static func coordinates(_ i: Int, _ s: Shape) -> String {
        var rest = i, parts: [Int] = []
        for d in s.dims.reversed() {
            parts.append(rest % max(1, d))
            rest /= max(1, d)
        }
        return "(" + parts.reversed().map(String.init).joined(separator: ", ") + ")"
    }
}

extension SplitMix64 {
    /// Random values in [-scale, scale) moved at least `margin` away from each kink.
    mutating func array(_ dims: [Int], scale: Float = 1, avoiding kinks: [Float] = [], margin: Float = 0.05) -> NDArray {
        let s = Shape(dims)
        return NDArray(
            shape: s,
            data: floats(s.count, scale: scale).map { v in
                var v = v
                for k in kinks where abs(v - k) < margin { v = v < k ? k - margin : k + margin }
                return v
            })
    }

    /// Pairwise distinct values 0.05 apart (more than twice the finite-difference step), shuffled,
    /// centred on 0: inputs for max pooling and maxima, whose gradient jumps at ties.
    mutating func distinct(_ dims: [Int]) -> NDArray {
        let s = Shape(dims)
        var values = (0..<s.count).map { Float($0) * 0.05 - Float(s.count) * 0.025 }
        for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, below(i + 1)) }
        return NDArray(shape: s, data: values)
    }
}
