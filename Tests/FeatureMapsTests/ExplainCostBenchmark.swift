import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine

/// What an explanation costs next to a plain forward pass (the budget: Grad-CAM at out_relu
/// at most one more forward pass, a saliency map at most three). Prints numbers, asserts nothing
/// about speed. Runs only with FEATUREMAPS_BENCH=1, in a release build: `Scripts/bench-explain`.
final class ExplainCostBenchmark: XCTestCase {
    func testCostOfExplanationsAgainstAForwardPass() throws {
        guard ProcessInfo.processInfo.environment["FEATUREMAPS_BENCH"] == "1" else {
            throw XCTSkip("benchmark: run Scripts/bench-explain (FEATUREMAPS_BENCH=1, release build)")
        }
        OpenBLASThreads.useOne()  // as the featuremaps command runs (the cost measured is the command's)
        let shared = Fixtures.path("../shared/weights/mobilenet_v2_1.0_224_dequantized.h5")
        let weights = FileManager.default.fileExists(atPath: shared) ? shared : Fixtures.fixtureWeights
        let session = try Session.open(weightsFlag: weights)
        let image = try session.prepare(imageAt: Fixtures.fixtureImage)
        let pass = NetworkPass(session: session, threads: 1)
        // FEATUREMAPS_BENCH_BACKWARD=per-layer: the backward pass without its gradient pool and fused
        // chains (each layer's own backward on fresh arrays), for a comparison under the same load.
        let perLayer = ProcessInfo.processInfo.environment["FEATUREMAPS_BENCH_BACKWARD"] == "per-layer"
        let driver = GraphGradient(graph: session.graph, poolsGradients: !perLayer, fusesBackward: !perLayer)
        let input = [NDArray(image.tensor)]
        let cases: [(name: String, layer: String?, saliency: Bool)] = [
            ("Grad-CAM at out_relu", "out_relu", false),
            ("Grad-CAM at block_13_expand_relu", "block_13_expand_relu", false),
            ("saliency", nil, true),
            ("Grad-CAM at out_relu + saliency", "out_relu", true),
        ]
        // Interleaved rounds, so that load from other processes hits every case alike.
        var forward: [Double] = [], times = [[Double]](repeating: [], count: cases.count)
        for round in 0..<16 {
            let f = try seconds { _ = try pass.classify(image.tensor) }
            if round > 0 { forward.append(f) }
            for (i, c) in cases.enumerated() {
                let t = try seconds { _ = try driver.explain(input, class: .top1, gradCAMLayer: c.layer, saliency: c.saliency) }
                if round > 0 { times[i].append(t) }
            }
        }
        let f = median(forward)
        print(
            "explain cost, \(weights), 224x224, medians of 15 interleaved rounds after a warm-up"
                + (perLayer ? ", per-layer backward (no pool, no fused chains):" : ":"))
        print("  forward pass (classify)".padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%7.1f ms", f * 1000))
        for (c, t) in zip(cases, times.map(median)) {
            print(
                "  \(c.name)".padding(toLength: 44, withPad: " ", startingAt: 0)
                    + String(format: "%7.1f ms = %.2f forward passes (backward and maps: %+.2f)", t * 1000, t / f, t / f - 1))
        }
        // The gradient pool's extra memory: what it keeps between runs, and the most it held at once.
        let pool = driver.pooledBytes
        print(
            "  gradient pool after the rounds".padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(
                    format: "%7.1f MB kept, %.1f MB peak; %d fused backward chains", Double(pool.now) / 1e6, Double(pool.peak) / 1e6,
                    driver.fusedChainCount))
    }

    private func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
