import XCTest
import FeatureMapsEngine
import TestSupport

/// The backward pass's gradient pool (GradientPool.swift) on MobileNetV2 alpha 0.35 (the fixture
/// weights, 128 x 128): pooled and unpooled runs give the same bits, on 1 and 2 threads, with the
/// fused backward chains and without, on the first run and on the next (which reuses the first's
/// arrays); and the pool holds arrays after a run only when pooling.
final class GradientPoolTests: XCTestCase {
    func testPooledGradientsAreBitIdenticalOnMobileNetV2() throws {
        let graph = try MobileNetV2Runs.graph(Fixtures.fixtureWeights, height: 128, width: 128)
        var rng = SplitMix64(seed: 1201)
        let inputs = (0..<2).map { _ in NDArray(shape: [128, 128, 3], data: rng.floats(128 * 128 * 3)) }
        for threads in [1, 2] {
            for fused in [true, false] {
                let pooled = GraphGradient(graph: graph, threads: threads, fusesBackward: fused)
                let fresh = GraphGradient(graph: graph, threads: threads, poolsGradients: false, fusesBackward: fused)
                for (run, x) in inputs.enumerated() {
                    let what = "\(threads) thread(s), fused \(fused), run \(run)"
                    let a = try pooled.run([x], class: .top1, at: ["block_13_expand_relu"], inputGradients: true)
                    let b = try fresh.run([x], class: .top1, at: ["block_13_expand_relu"], inputGradients: true)
                    XCTAssertEqual(a.inputGradients, b.inputGradients, "\(what): input gradient")
                    XCTAssertEqual(a.gradients, b.gradients, "\(what): Grad-CAM gradient")
                    XCTAssertTrue(a.inputGradients[0].data.contains { $0 != 0 }, "\(what): a gradient at all")
                }
                XCTAssertGreaterThan(pooled.pooledBytes.now, 0, "threads \(threads), fused \(fused): the pool keeps arrays")
                XCTAssertEqual(fresh.pooledBytes.peak, 0, "threads \(threads), fused \(fused): nothing kept unpooled")
            }
        }
    }
}
