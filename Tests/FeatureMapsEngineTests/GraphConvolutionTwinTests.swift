import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// The fast im2col + OpenBLAS kernels (ConvolutionGEMM) against the plain loops of Conv2D and Dense
/// on awkward shapes (channels 1, 3, 17; odd sizes; stride 2 'same'; dilation; groups; 1x1 direct
/// GEMM; big enough to be split in several bands), and bit-identical across thread counts.
final class GraphConvolutionTwinTests: XCTestCase {
    struct Case {
        let h: Int, w: Int, cin: Int, f: Int, k: [Int], s: [Int], d: [Int], padding: Padding, groups: Int
    }

    var cases: [Case] {
        var out: [Case] = []
        for (h, w) in [(1, 1), (5, 7), (13, 4), (33, 35)] {
            for cin in [1, 3, 17] {
                for f in [1, 17] {
                    out.append(Case(h: h, w: w, cin: cin, f: f, k: [3, 3], s: [2, 2], d: [1, 1], padding: .same, groups: 1))
                    out.append(Case(h: h, w: w, cin: cin, f: f, k: [1, 1], s: [1, 1], d: [1, 1], padding: .valid, groups: 1))
                }
            }
            out.append(Case(h: h, w: w, cin: 3, f: 5, k: [3, 3], s: [1, 1], d: [2, 2], padding: .same, groups: 1))
            out.append(Case(h: h, w: w, cin: 6, f: 9, k: [3, 2], s: [1, 2], d: [1, 1], padding: .same, groups: 3))
            out.append(Case(h: h, w: w, cin: 4, f: 4, k: [1, 1], s: [1, 1], d: [1, 1], padding: .same, groups: 2))
            out.append(Case(h: h, w: w, cin: 17, f: 3, k: [5, 5], s: [3, 3], d: [1, 1], padding: .same, groups: 1))
        }
        out.append(Case(h: 64, w: 61, cin: 3, f: 32, k: [3, 3], s: [1, 1], d: [1, 1], padding: .same, groups: 1))  // several bands
        out.append(Case(h: 20, w: 19, cin: 8, f: 16, k: [7, 7], s: [2, 2], d: [1, 1], padding: .valid, groups: 1))
        // One band, filters split in blocks (ConvolutionTiling), the last block shorter.
        out.append(Case(h: 3, w: 5, cin: 17, f: 145, k: [1, 1], s: [1, 1], d: [1, 1], padding: .valid, groups: 1))
        out.append(Case(h: 7, w: 7, cin: 3, f: 200, k: [3, 3], s: [1, 1], d: [1, 1], padding: .same, groups: 1))
        out.append(Case(h: 9, w: 8, cin: 34, f: 130, k: [1, 1], s: [2, 2], d: [1, 1], padding: .same, groups: 1))
        out.append(Case(h: 5, w: 5, cin: 4, f: 256, k: [1, 1], s: [1, 1], d: [1, 1], padding: .valid, groups: 2))
        // Several 512-pixel bands of a 1x1 convolution.
        out.append(Case(h: 45, w: 23, cin: 5, f: 129, k: [1, 1], s: [1, 1], d: [1, 1], padding: .valid, groups: 1))
        return out
    }

    func testFastConvolutionMatchesPlainLoop() throws {
        var rng = SplitMix64(seed: 21)
        for c in cases {
            let layer = Conv2DLayer(
                kernel: rng.weight(c.k[0], c.k[1], c.cin / c.groups, c.f), bias: rng.weight(c.f), strides: c.s,
                dilation: c.d, padding: c.padding, groups: c.groups, activation: .relu6)
            let x = rng.array(c.h, c.w, c.cin, scale: 2)
            guard (try? layer.outputShape(inputs: [x.shape])) != nil else { continue }
            let fast = try runLayer(layer, x, kernels: .fast)
            let plain = try runLayer(layer, x, kernels: .reference)
            assertClose(fast, plain, "conv \(c)")
        }
    }

    func testFastConvolutionIsBitIdenticalAcrossThreadCounts() throws {
        var rng = SplitMix64(seed: 22)
        let layer = Conv2DLayer(kernel: rng.weight(3, 3, 5, 24), bias: rng.weight(24), strides: [2, 2], padding: .same)
        let x = rng.array(97, 81, 5)
        let one = try runLayer(layer, x, kernels: .fast, threads: 1)
        for t in [2, 3, 4] { XCTAssertEqual(try runLayer(layer, x, kernels: .fast, threads: t).data, one.data, "\(t) threads") }
        let split = Conv2DLayer(kernel: rng.weight(1, 1, 9, 272), bias: rng.weight(272))  // filter blocks
        let y = rng.array(6, 7, 9)
        let splitOne = try runLayer(split, y, kernels: .fast, threads: 1)
        for t in [2, 3] { XCTAssertEqual(try runLayer(split, y, kernels: .fast, threads: t).data, splitOne.data, "blocks, \(t) threads") }
        let plainOne = try runLayer(layer, x, kernels: .reference, threads: 1)
        XCTAssertEqual(try runLayer(layer, x, kernels: .reference, threads: 3).data, plainOne.data, "plain loop, 3 threads")
    }

    /// The tiles cover every output once, bands of whole rows, blocks of filters multiples of 16.
    func testTilingCoversTheOutputOnce() {
        for (oh, ow, f, direct) in [
            (1, 1, 1, true), (7, 7, 2048, true), (7, 7, 512, false), (56, 56, 64, false), (14, 14, 1024, true),
            (3, 5, 145, true), (112, 112, 64, false), (45, 23, 129, true),
        ] as [(Int, Int, Int, Bool)] {
            let t = ConvolutionTiling(outputRows: oh, columns: ow, filters: f, direct: direct)
            var seen = [Int](repeating: 0, count: oh * f)
            for i in 0..<t.tasks {
                let (rows, filters) = t.tile(i, outputRows: oh, filters: f)
                XCTAssertFalse(rows.isEmpty || filters.isEmpty, "\(oh)x\(ow)x\(f) task \(i)")
                XCTAssertTrue(filters.lowerBound % 16 == 0, "\(oh)x\(ow)x\(f) task \(i)")
                for r in rows { for c in filters { seen[r * f + c] += 1 } }
            }
            XCTAssertEqual(Set(seen), [1], "\(oh)x\(ow)x\(f): \(t)")
        }
    }

    func testFastDenseMatchesPlainLoop() throws {
        var rng = SplitMix64(seed: 23)
        for (shape, k, n) in [([17], 17, 1), ([1], 1, 3), ([3], 3, 17), ([5, 7, 17], 17, 3), ([30, 4], 4, 2), ([300, 40], 40, 9)]
            as [([Int], Int, Int)]
        {
            for activation in [Activation.linear, .softmax, .gelu(approximate: true)] {
                let layer = DenseLayer(kernel: rng.weight(k, n), bias: rng.weight(n), activation: activation)
                let x = NDArray(shape: Shape(shape), data: rng.floats(Shape(shape).count))
                assertClose(
                    try runLayer(layer, x, kernels: .fast), try runLayer(layer, x, kernels: .reference), "dense \(shape) -> \(n) \(activation)")
            }
        }
    }
}
