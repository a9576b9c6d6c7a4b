import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Backward rows of Conv2D, DepthwiseConv2D, SeparableConv2D and Dense against finite differences
/// (GradientCheck, tolerance there), reference and fast kernels, on awkward shapes: channels 1, 3,
/// 17; odd sizes; stride 2 'same' (TensorFlow's asymmetric padding); dilation; groups; the 1x1 direct
/// GEMM; several bands of col2im. Fused activations: linear, one differentiated from the output
/// (sigmoid), one that recomputes the pre-activation (gelu). The fast input gradient is also held
/// to the plain loop at 1e-5.
final class ConvolutionBackwardTests: XCTestCase {
    struct Case {
        let h: Int, w: Int, cin: Int, f: Int, k: [Int], s: [Int], d: [Int], padding: Padding, groups: Int
    }

    var cases: [Case] {
        var out: [Case] = []
        for (h, w) in [(1, 1), (5, 7), (6, 3)] {
            for cin in [1, 3, 17] {
                out.append(Case(h: h, w: w, cin: cin, f: 3, k: [3, 3], s: [2, 2], d: [1, 1], padding: .same, groups: 1))
                out.append(Case(h: h, w: w, cin: cin, f: 17, k: [1, 1], s: [1, 1], d: [1, 1], padding: .valid, groups: 1))
            }
        }
        out.append(Case(h: 7, w: 6, cin: 3, f: 2, k: [3, 3], s: [1, 1], d: [2, 2], padding: .same, groups: 1))
        out.append(Case(h: 5, w: 5, cin: 6, f: 9, k: [3, 2], s: [1, 2], d: [1, 1], padding: .same, groups: 3))
        out.append(Case(h: 4, w: 3, cin: 4, f: 4, k: [1, 1], s: [1, 1], d: [1, 1], padding: .same, groups: 2))
        out.append(Case(h: 9, w: 8, cin: 2, f: 3, k: [5, 5], s: [3, 3], d: [1, 1], padding: .same, groups: 1))
        out.append(Case(h: 9, w: 7, cin: 3, f: 2, k: [3, 3], s: [2, 2], d: [1, 1], padding: .valid, groups: 1))
        out.append(Case(h: 6, w: 6, cin: 3, f: 4, k: [1, 1], s: [2, 2], d: [1, 1], padding: .valid, groups: 1))
        return out
    }

    func testConv2DAgainstFiniteDifferences() {
        var rng = SplitMix64(seed: 101)
        for (n, c) in cases.enumerated() {
            let activation: Activation = [.linear, .sigmoid, .gelu(approximate: false)][n % 3]
            let layer = Conv2DLayer(
                kernel: rng.weight(c.k[0], c.k[1], c.cin / c.groups, c.f), bias: rng.weight(c.f), strides: c.s,
                dilation: c.d, padding: c.padding, groups: c.groups, activation: activation)
            let x = rng.array(c.h, c.w, c.cin)
            guard (try? layer.outputShape(inputs: [x.shape])) != nil else { continue }
            GradientCheck.check(layer, [x], "conv \(c) \(activation)", rng: &rng)
        }
    }

    func testFastConv2DGradientMatchesPlainLoop() throws {
        var rng = SplitMix64(seed: 102)
        let big = [
            Case(h: 64, w: 61, cin: 3, f: 32, k: [3, 3], s: [1, 1], d: [1, 1], padding: .same, groups: 1),  // several col2im bands
            Case(h: 20, w: 19, cin: 8, f: 16, k: [7, 7], s: [2, 2], d: [1, 1], padding: .valid, groups: 1),
            Case(h: 33, w: 35, cin: 17, f: 6, k: [3, 3], s: [2, 2], d: [1, 1], padding: .same, groups: 1),
            Case(h: 12, w: 11, cin: 16, f: 32, k: [1, 1], s: [1, 1], d: [1, 1], padding: .valid, groups: 4),
        ]
        for c in cases + big {
            let layer = Conv2DLayer(
                kernel: rng.weight(c.k[0], c.k[1], c.cin / c.groups, c.f), strides: c.s, dilation: c.d, padding: c.padding,
                groups: c.groups)
            let x = rng.array(c.h, c.w, c.cin)
            guard let shape = try? layer.outputShape(inputs: [x.shape]) else { continue }
            let u = NDArray(shape: shape, data: rng.floats(shape.count))
            let fast = ConvolutionGEMM.conv2dInputGradient(layer, u, inputShape: x.shape, .reference)
            assertClose(fast, layer.referenceInputGradient(u, inputShape: x.shape), "conv gradient \(c)")
        }
    }

    func testDepthwiseConv2DAgainstFiniteDifferences() {
        var rng = SplitMix64(seed: 103)
        let shapes: [(h: Int, w: Int, c: Int, m: Int, k: [Int], s: [Int], d: [Int], p: Padding)] = [
            (5, 7, 1, 1, [3, 3], [2, 2], [1, 1], .same), (6, 5, 3, 2, [3, 3], [1, 1], [1, 1], .same),
            (7, 7, 17, 1, [3, 3], [2, 2], [1, 1], .same), (8, 6, 3, 3, [5, 3], [1, 1], [2, 2], .same),
            (9, 8, 2, 1, [3, 3], [2, 2], [1, 1], .valid), (1, 1, 3, 2, [3, 3], [1, 1], [1, 1], .same),
        ]
        for (n, s) in shapes.enumerated() {
            let activation: Activation = [.linear, .tanh, .silu][n % 3]
            let layer = DepthwiseConv2DLayer(
                kernel: rng.weight(s.k[0], s.k[1], s.c, s.m), bias: rng.weight(s.c * s.m), strides: s.s, dilation: s.d,
                padding: s.p, activation: activation)
            GradientCheck.check(layer, [rng.array(s.h, s.w, s.c)], "depthwise \(s) \(activation)", rng: &rng)
        }
    }

    /// The fast depthwise input gradient (DepthwiseBackward: a gather in float32, SIMD over the
    /// channels, bands of rows on the pool) against the Double reference loop at 1e-5, and the same
    /// bits on 1 and 3 threads: channels 1, 3, 17 (below, at and past the 8/16 lanes), 96; odd sizes;
    /// stride 2 'same' and 'valid'; dilation; a 5x3 kernel.
    func testFastDepthwiseGradientMatchesPlainLoop() throws {
        var rng = SplitMix64(seed: 104)
        let shapes: [(h: Int, w: Int, c: Int, k: [Int], s: [Int], d: [Int], p: Padding)] = [
            (5, 7, 1, [3, 3], [2, 2], [1, 1], .same), (7, 7, 17, [3, 3], [2, 2], [1, 1], .same),
            (9, 8, 3, [3, 3], [2, 2], [1, 1], .valid), (8, 6, 17, [5, 3], [1, 1], [2, 2], .same),
            (57, 55, 96, [3, 3], [1, 1], [1, 1], .same), (113, 112, 32, [3, 3], [2, 2], [1, 1], .valid),
        ]
        for s in shapes {
            let layer = DepthwiseConv2DLayer(kernel: rng.weight(s.k[0], s.k[1], s.c, 1), strides: s.s, dilation: s.d, padding: s.p)
            let shape: Shape = [s.h, s.w, s.c]
            let out = try layer.outputShape(inputs: [shape])
            let u = NDArray(shape: out, data: rng.floats(out.count))
            func gradient(_ context: ExecutionContext) -> NDArray {
                layer.backward(BackwardArguments(inputShapes: [shape], inputs: [], output: nil, outputGradient: u, wanted: [true]), context)[0]!
            }
            let reference = gradient(.reference), one = gradient(ExecutionContext(threads: 1)), three = gradient(ExecutionContext(threads: 3))
            assertClose(one, reference, "depthwise gradient \(s)")
            XCTAssert(one.data == three.data, "depthwise gradient \(s): 1 and 3 threads")
        }
    }

    func testSeparableConv2DAgainstFiniteDifferences() {
        var rng = SplitMix64(seed: 104)
        for (h, w, c, m, f, activation) in [
            (5, 7, 3, 1, 17, Activation.linear), (6, 6, 1, 2, 3, .sigmoid), (7, 5, 17, 1, 2, .gelu(approximate: true)),
        ] {
            let layer = SeparableConv2DLayer(
                depthwiseKernel: rng.weight(3, 3, c, m), pointwiseKernel: rng.weight(1, 1, c * m, f), bias: rng.weight(f),
                strides: [2, 2], padding: .same, activation: activation)
            GradientCheck.check(layer, [rng.array(h, w, c)], "separable \(h)x\(w)x\(c) m\(m) f\(f) \(activation)", rng: &rng)
        }
    }

    func testDenseAgainstFiniteDifferences() {
        var rng = SplitMix64(seed: 105)
        // selu's derivative jumps at 0: its case gets a bias of 9, which keeps every pre-activation
        // (|x . kernel| <= 2 there) on the positive side.
        for (shape, n, activation, bias) in [
            ([17], 1, Activation.linear, 0), ([1], 3, .softmax, 0), ([3], 17, .softmax, 0), ([5, 3, 17], 3, .tanh, 0),
            ([4, 2], 5, .selu, 9), ([30, 4], 2, .softplus, 0),
        ] as [([Int], Int, Activation, Float)] {
            let b = WeightArray(shape: [n], values: rng.floats(n).map { $0 + bias })
            let layer = DenseLayer(kernel: rng.weight(shape.last!, n), bias: b, activation: activation)
            GradientCheck.check(layer, [rng.array(shape)], "dense \(shape) -> \(n) \(activation)", rng: &rng)
        }
    }
}
