import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Conv2D, DepthwiseConv2D, SeparableConv2D: shape rules, the plain kernels against a naive
/// implementation written differently (the input padded explicitly first, then a 'valid' window,
/// groups as separate convolutions over channel slices), hand-computed values, config parsing.
final class ConvolutionLayerTests: XCTestCase {
    /// Explicit zero padding (TensorFlow's 'same' amounts, recomputed here) around an (H, W, C) array.
    func padded(_ x: NDArray, kernel: [Int], strides: [Int], dilation: [Int], same: Bool) -> NDArray {
        guard same else { return x }
        func amounts(_ n: Int, _ k: Int, _ s: Int, _ d: Int) -> (Int, Int) {
            let out = (n + s - 1) / s, total = max(0, (out - 1) * s + (k - 1) * d + 1 - n)
            return (total / 2, total - total / 2)
        }
        let (t, b) = amounts(x.shape[0], kernel[0], strides[0], dilation[0])
        let (l, r) = amounts(x.shape[1], kernel[1], strides[1], dilation[1])
        var p = NDArray(shape: [x.shape[0] + t + b, x.shape[1] + l + r, x.shape[2]])
        for y in 0..<x.shape[0] { for xx in 0..<x.shape[1] { for c in 0..<x.shape[2] { p[y + t, xx + l, c] = x[y, xx, c] } } }
        return p
    }

    /// Conv2D the long way: pad, then for each group a separate valid convolution over its slice.
    func naiveConv(_ x: NDArray, _ k: WeightArray, _ bias: WeightArray?, strides: [Int], dilation: [Int], same: Bool, groups: Int) -> NDArray {
        let p = padded(x, kernel: [k.shape[0], k.shape[1]], strides: strides, dilation: dilation, same: same)
        let (kh, kw, cg, f) = (k.shape[0], k.shape[1], k.shape[2], k.shape[3])
        let oh = (p.shape[0] - ((kh - 1) * dilation[0] + 1)) / strides[0] + 1
        let ow = (p.shape[1] - ((kw - 1) * dilation[1] + 1)) / strides[1] + 1
        var out = NDArray(shape: [oh, ow, f])
        let fg = f / groups
        for g in 0..<groups {
            for o in (g * fg)..<((g + 1) * fg) {
                for y in 0..<oh {
                    for xx in 0..<ow {
                        var acc = Double(bias?.values[o] ?? 0)
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                for ci in 0..<cg {
                                    let v = p[y * strides[0] + ky * dilation[0], xx * strides[1] + kx * dilation[1], g * cg + ci]
                                    acc += Double(v) * Double(k.values[((ky * kw + kx) * cg + ci) * f + o])
                                }
                            }
                        }
                        out[y, xx, o] = Float(acc)
                    }
                }
            }
        }
        return out
    }

    func testConv2DMatchesNaiveOnAwkwardShapes() throws {
        var rng = SplitMix64(seed: 11)
        let cases: [(h: Int, w: Int, cin: Int, f: Int, k: [Int], s: [Int], d: [Int], same: Bool, g: Int)] = [
            (5, 7, 1, 3, [3, 3], [1, 1], [1, 1], true, 1), (8, 8, 3, 17, [3, 3], [2, 2], [1, 1], true, 1),
            (9, 6, 17, 4, [1, 1], [1, 1], [1, 1], false, 1), (7, 9, 3, 5, [5, 3], [2, 1], [1, 1], false, 1),
            (11, 10, 4, 6, [3, 3], [1, 1], [2, 3], true, 1), (6, 6, 6, 4, [3, 3], [1, 1], [1, 1], true, 2),
            (10, 7, 6, 6, [2, 4], [3, 2], [1, 1], true, 3), (4, 4, 2, 2, [4, 4], [1, 1], [1, 1], true, 1),
        ]
        for c in cases {
            let x = rng.array(c.h, c.w, c.cin)
            let k = rng.weight(c.k[0], c.k[1], c.cin / c.g, c.f), b = rng.weight(c.f)
            let layer = Conv2DLayer(kernel: k, bias: b, strides: c.s, dilation: c.d, padding: c.same ? .same : .valid, groups: c.g)
            let out = try runLayer(layer, x)
            assertClose(out, naiveConv(x, k, b, strides: c.s, dilation: c.d, same: c.same, groups: c.g), "conv \(c)")
        }
    }

    func testConv2DHandComputed() throws {
        // 3x3 input 1..9, 2x2 kernel of ones, 'valid': window sums 12, 16, 24, 28; bias 1; relu.
        let x = NDArray(shape: [3, 3, 1], data: (1...9).map(Float.init))
        let k = WeightArray(shape: [2, 2, 1, 1], values: [1, 1, 1, 1])
        let out = try runLayer(Conv2DLayer(kernel: k, bias: WeightArray(shape: [1], values: [-20]), activation: .relu), x)
        XCTAssertEqual(out.data, [0, 0, 4, 8])
        // 'same' stride 2 on 3x3: out 2x2, total pad 1 -> 0 before, 1 after (bottom/right).
        let same = try runLayer(Conv2DLayer(kernel: k, strides: [2, 2], padding: .same), x)
        XCTAssertEqual(same.data, [12, 3 + 6, 7 + 8, 9])
    }

    func testConv2DShapeRules() {
        let conv = Conv2DLayer(kernel: WeightArray(shape: [3, 3, 2, 4], values: [Float](repeating: 0, count: 72)), strides: [2, 2])
        XCTAssertEqual(try conv.outputShape(inputs: [[9, 8, 2]]), [4, 3, 4])
        XCTAssertNotNil(shapeError(conv, [9, 8, 3]), "3 channels for a kernel made for 2")
        XCTAssertNotNil(shapeError(conv, [2, 8, 2]), "3x3 valid on 2 rows")
        XCTAssertNotNil(shapeError(conv, [18]), "a vector")
        let grouped = Conv2DLayer(kernel: WeightArray(shape: [1, 1, 2, 4], values: [Float](repeating: 0, count: 8)), groups: 2)
        XCTAssertEqual(try grouped.outputShape(inputs: [[1, 1, 4]]), [1, 1, 4])
        XCTAssertEqual(grouped.parameterCount, 8)
    }

    func testDepthwiseMatchesNaive() throws {
        var rng = SplitMix64(seed: 12)
        for (h, w, c, m, s, d, same) in [
            (5, 7, 1, 1, 1, 1, true), (8, 9, 3, 2, 2, 1, true), (7, 7, 17, 1, 2, 1, false),
            (9, 6, 4, 3, 1, 2, true), (6, 5, 2, 2, 1, 1, false),
        ] {
            let x = rng.array(h, w, c), k = rng.weight(3, 3, c, m), b = rng.weight(c * m)
            let layer = DepthwiseConv2DLayer(kernel: k, bias: b, strides: [s, s], dilation: [d, d], padding: same ? .same : .valid)
            let out = try runLayer(layer, x)
            // Depthwise = grouped convolution with G = C, each group's M filters in channel order c*M + m.
            var dense = [Float](repeating: 0, count: 9 * c * m)
            for ky in 0..<3 {
                for kx in 0..<3 {
                    for ci in 0..<c {
                        for mm in 0..<m {
                            dense[((ky * 3 + kx) * 1 + 0) * c * m + ci * m + mm] = k.values[((ky * 3 + kx) * c + ci) * m + mm]
                        }
                    }
                }
            }
            let asGroups = WeightArray(shape: [3, 3, 1, c * m], values: dense)
            assertClose(
                out, naiveConv(x, asGroups, b, strides: [s, s], dilation: [d, d], same: same, groups: c),
                "depthwise \(h)x\(w)x\(c) M \(m) s \(s) d \(d)")
        }
    }

    func testSeparableIsDepthwiseThenPointwise() throws {
        var rng = SplitMix64(seed: 13)
        let x = rng.array(9, 8, 3), dk = rng.weight(3, 3, 3, 2), pk = rng.weight(1, 1, 6, 5), b = rng.weight(5)
        let sep = SeparableConv2DLayer(depthwiseKernel: dk, pointwiseKernel: pk, bias: b, strides: [2, 2], padding: .same, activation: .relu)
        let step1 = try runLayer(DepthwiseConv2DLayer(kernel: dk, strides: [2, 2], padding: .same), x)
        let step2 = try runLayer(Conv2DLayer(kernel: pk, bias: b, activation: .relu), step1)
        assertClose(try runLayer(sep, x), step2, "separable")
        XCTAssertEqual(sep.parameterCount, 54 + 30 + 5)
    }

    func testConv2DConfig() throws {
        let k = WeightArray(shape: [3, 3, 4, 8], values: [Float](repeating: 0.5, count: 288))
        let b = WeightArray(shape: [8], values: [Float](repeating: 0, count: 8))
        let conv = try build("Conv2D", #"{"filters": 8, "kernel_size": [3, 3]}"#, weights: [k, b]) as! Conv2DLayer
        XCTAssertEqual(conv.strides, [1, 1])
        XCTAssertEqual(conv.padding, .valid)
        XCTAssertEqual(conv.groups, 1)
        XCTAssertEqual(conv.activation, .linear)
        XCTAssertNotNil(conv.bias)
        let full =
            try build(
                "Conv2D",
                #"{"filters": 8, "kernel_size": 3, "strides": 2, "padding": "SAME", "activation": "relu6", "use_bias": false,"#
                    + #" "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}}}"#, weights: [k]) as! Conv2DLayer
        XCTAssertEqual(full.strides, [2, 2])
        XCTAssertEqual(full.padding, .same)
        XCTAssertEqual(full.activation, .relu6)
        XCTAssertNil(full.bias)

        assertThrows(
            .unsupportedConfig(layer: "layer", className: "Conv2D", key: "data_format", value: #""channels_first""#),
            try build("Conv2D", #"{"filters": 8, "kernel_size": 3, "data_format": "channels_first"}"#, weights: [k, b]))
        assertThrows(
            .unsupportedConfig(layer: "layer", className: "Conv2D", key: "padding", value: #""causal""#),
            try build("Conv2D", #"{"filters": 8, "kernel_size": 3, "padding": "causal"}"#, weights: [k, b]))
        assertThrows(
            .sizeLimit(layer: "layer", className: "Conv2D", what: "filters", value: 1_000_000_000, limit: 1 << 20),
            try build("Conv2D", #"{"filters": 1000000000, "kernel_size": 3}"#))
        assertThrows(
            .weightShape(layer: "layer", className: "Conv2D", weight: "kernel", expected: [3, 3, 4, 16], found: [3, 3, 4, 8]),
            try build("Conv2D", #"{"filters": 16, "kernel_size": 3}"#, weights: [k, b]))
        assertThrows(
            .weightCount(layer: "layer", className: "Conv2D", expected: ["kernel"], found: 2),
            try build("Conv2D", #"{"filters": 8, "kernel_size": 3, "use_bias": false}"#, weights: [k, b]))
        assertThrows(
            .invalidConfig(layer: "layer", className: "Conv2D", key: "groups", reason: "is 3, which does not divide filters 8"),
            try build("Conv2D", #"{"filters": 8, "kernel_size": 3, "groups": 3}"#, weights: [k, b]))
        assertThrows(
            .unsupportedConfig(layer: "layer", className: "Conv2D", key: "activation", value: #""mish""#),
            try build("Conv2D", #"{"filters": 8, "kernel_size": 3, "activation": "mish"}"#, weights: [k, b]))
        assertThrows(
            .unsupportedConfig(layer: "layer", className: "Conv2D", key: "dtype", value: #""mixed_float16""#),
            try build(
                "Conv2D", #"{"filters": 8, "kernel_size": 3, "dtype": {"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}}"#,
                weights: [k, b]))
        var nan = k.values
        nan[5] = .nan
        assertThrows(
            .nonFiniteWeight(layer: "layer", weight: "kernel", index: 5),
            try build("Conv2D", #"{"filters": 8, "kernel_size": 3}"#, weights: [WeightArray(shape: k.shape, values: nan), b]))
        assertThrows(
            .invalidConfig(layer: "layer", className: "Conv2D", key: "filters", reason: "is missing"),
            try build("Conv2D", #"{"kernel_size": 3}"#, weights: [k, b]))
    }

    func testDepthwiseAndSeparableConfig() throws {
        let dk = WeightArray(shape: [3, 3, 4, 2], values: [Float](repeating: 1, count: 72))
        let dw =
            try build(
                "DepthwiseConv2D", #"{"kernel_size": [3, 3], "depth_multiplier": 2, "use_bias": false, "padding": "same"}"#,
                weights: [dk]) as! DepthwiseConv2DLayer
        XCTAssertEqual(try dw.outputShape(inputs: [[5, 5, 4]]), [5, 5, 8])
        assertThrows(
            .weightShape(layer: "layer", className: "DepthwiseConv2D", weight: "bias", expected: [8], found: [4]),
            try build(
                "DepthwiseConv2D", #"{"kernel_size": 3, "depth_multiplier": 2}"#, weights: [dk, WeightArray(shape: [4], values: [0, 0, 0, 0])]))
        let pk = WeightArray(shape: [1, 1, 8, 5], values: [Float](repeating: 1, count: 40))
        let sep =
            try build(
                "SeparableConv2D", #"{"filters": 5, "kernel_size": 3, "depth_multiplier": 2}"#,
                weights: [dk, pk, WeightArray(shape: [5], values: [0, 0, 0, 0, 0])]) as! SeparableConv2DLayer
        XCTAssertEqual(try sep.outputShape(inputs: [[5, 5, 4]]), [3, 3, 5])
        assertThrows(
            .weightShape(layer: "layer", className: "SeparableConv2D", weight: "pointwise_kernel", expected: [1, 1, 8, 6], found: [1, 1, 8, 5]),
            try build(
                "SeparableConv2D", #"{"filters": 6, "kernel_size": 3, "depth_multiplier": 2}"#,
                weights: [dk, pk, WeightArray(shape: [6], values: [Float](repeating: 0, count: 6))]))
    }
}
