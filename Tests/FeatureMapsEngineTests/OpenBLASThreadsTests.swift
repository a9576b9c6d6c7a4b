import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// OpenBLAS's thread count is a setting of the whole process (OpenBLASThreads), which the library
/// leaves alone. What the engine's results depend on, measured on both kernel widths: the 8-lane
/// forward pass sends every 1x1 convolution with K > 32 to `cblas_sgemm`, the dense layer is
/// `cblas_sgemv` at either width, and the backward pass adds `cblas_sgemm` with a transposed
/// operand; these calls are large enough for OpenBLAS to split them between its threads.
final class OpenBLASThreadsTests: XCTestCase {
    typealias Bits = [String: [UInt32]]

    /// With OpenBLAS at one thread (the command's setting) the results are the same bits whatever
    /// the engine's thread count, however that one thread was reached (workers stopped, or
    /// restarted by asking for two again and back). With OpenBLAS at two threads they are again
    /// independent of the engine's thread count, but not the bits of one thread: OpenBLAS 0.3.21
    /// rounds some products differently when it splits them between threads (sgemm with its
    /// Haswell kernels, sgemv with its Haswell and Cooperlake ones; measured at 128 x 128: 142 of 158 outputs differ with 8 lanes, at most
    /// 1.6e-5 of the output's largest |value|; with 16 lanes the dense layer and the two gradients,
    /// at most 6.5e-7). Tolerance for that comparison:
    /// 1e-4 x max |value|, the Keras agreement tolerance (README, "Correctness").
    func testResultsDependOnOpenBLASThreadsOnlyInTheLastBits() throws {
        let before = OpenBLASThreads.count
        defer { OpenBLASThreads.use(before) }
        let weights = try GradientPassTests.weights()
        var rng = SplitMix64(seed: 31)
        let x = rng.tensor(128, 128, 3)
        let layers = try MobileNetV2(weights: weights).layers(height: 128, width: 128).map(\.name)

        func bits(engineThreads: Int, simd: SIMDWidth) throws -> Bits {
            var out = try weights.mobileNetV2Outputs(x, capture: layers, threads: engineThreads, simd: simd)
                .mapValues { $0.data.map(\.bitPattern) }
            let gradients = try weights.mobileNetV2Gradients(x, class: 7, at: ["input_layer", "block_13_expand_relu"], threads: engineThreads)
            for (name, g) in gradients { out["d/" + name] = g.data.map(\.bitPattern) }
            return out
        }
        for simd in testedWidths() {
            OpenBLASThreads.useOne(stoppingIdleWorkers: true)
            XCTAssertEqual(OpenBLASThreads.count, 1)
            let one = try bits(engineThreads: 1, simd: simd)
            XCTAssertGreaterThan(one.count, 150)
            Self.assertSameBits(one, try bits(engineThreads: 2, simd: simd), "\(simd), OpenBLAS 1 thread, engine 2 vs 1")
            OpenBLASThreads.use(2)
            XCTAssertEqual(OpenBLASThreads.count, 2)
            let two = try bits(engineThreads: 1, simd: simd)
            Self.assertSameBits(two, try bits(engineThreads: 2, simd: simd), "\(simd), OpenBLAS 2 threads, engine 2 vs 1")
            Self.assertClose(two, one, "\(simd), OpenBLAS 2 threads vs 1")
            OpenBLASThreads.use(1)
            Self.assertSameBits(one, try bits(engineThreads: 2, simd: simd), "\(simd), OpenBLAS back to 1 thread")
        }
    }

    static func assertSameBits(_ a: Bits, _ b: Bits, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(a.keys), Set(b.keys), what, file: file, line: line)
        for (name, x) in a {
            let differing = zip(x, b[name] ?? []).filter { $0 != $1 }.count
            XCTAssert(
                differing == 0 && b[name]?.count == x.count, "\(what): \(name): \(differing) of \(x.count) values differ",
                file: file, line: line)
        }
    }

    /// Each output within 1e-4 of its largest |value|; prints how many outputs and values differ at all.
    static func assertClose(_ a: Bits, _ b: Bits, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        var outputs: [String] = [], values = 0, worst: Float = 0
        for (name, x) in a {
            let y = b[name] ?? []
            let scale = max(x.map { abs(Float(bitPattern: $0)) }.max() ?? 0, .leastNormalMagnitude)
            let differences = zip(x, y).filter { $0 != $1 }.map { abs(Float(bitPattern: $0) - Float(bitPattern: $1)) / scale }
            if !differences.isEmpty { outputs.append(name) }
            values += differences.count
            worst = max(worst, differences.max() ?? 0)
            XCTAssertEqual(y.count, x.count, "\(what): \(name)", file: file, line: line)
            XCTAssertLessThanOrEqual(differences.max() ?? 0, 1e-4, "\(what): \(name)", file: file, line: line)
        }
        let named = outputs.count <= 4 ? " (" + outputs.sorted().joined(separator: ", ") + ")" : ""
        print("\(what): \(outputs.count) of \(a.count) outputs differ\(named), \(values) values, at most \(worst) of the output's largest |value|")
    }
}
