import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsWeights
import TestSupport

/// MobileNetV2Graph on real weights files against the old hand-written path, every layer: the real
/// ImageNet weights of ../shared at 224 x 224 on a photo (skipped when ../shared is absent), and the
/// committed 0.35 fixture at an odd size (81 x 97: Conv1's 'same' and correct_pad's (1, 1)).
/// Unfused, the graph's generic kernels (im2col + OpenBLAS convolutions, Double-accumulated
/// depthwise, BatchNorm as gamma * 1/sqrt(var + eps)) differ from the old kernels in the last bits,
/// and the differences grow with depth: within 1e-5 of each layer's largest value (measured on
/// the real weights: 8.2e-6 at out_relu, 4.9e-5 on values up to 6). Fused (FastFusions), it runs
/// the old path's kernels with the old path's arithmetic, so every layer is the old path's bits
/// (tolerance 0; with global_average_pooling2d requested the generic Dense and its float32 softmax
/// run: predictions within 2e-6).
final class MobileNetV2GraphRealWeightsTests: XCTestCase {
    func testRealWeightsEveryLayerEqualsTheOldPath() throws {
        let weights = try Fixtures.sharedFile("weights/mobilenet_v2_1.0_224_dequantized.h5")
        let photo = try Fixtures.sharedFile("images/cat.png")
        let input = try Session.open(weightsFlag: weights).prepare(imageAt: photo).tensor
        let probabilities = try compare(weightsFile: weights, input: input)
        XCTAssertEqual(Predictions.top(1, of: probabilities)[0].classIndex, 285, "cat.png: Egyptian cat")
    }

    func testFixtureWeightsAtOddSizeEveryLayerEqualsTheOldPath() throws {
        var rng = SplitMix64(seed: 3)
        let input = Tensor(height: 81, width: 97, channels: 3, data: rng.floats(81 * 97 * 3))
        _ = try compare(weightsFile: Fixtures.fixtureWeights, input: input)
    }

    /// Compares every layer, unfused and fused; returns the fused graph's predictions.
    private func compare(weightsFile: String, input: Tensor) throws -> [Float] {
        let stored = try IsolatedReader.read(path: weightsFile)
        let model = try MobileNetV2(weights: stored)
        let graph = try MobileNetV2Graph.graph(stored, height: input.height, width: input.width)
        let names = graph.nodes.map(\.name)
        let what = "\(URL(fileURLWithPath: weightsFile).lastPathComponent) \(input.height)x\(input.width)"
        let old = try model.run(input, capture: Set(names))
        let unfused = try GraphExecutor(graph: graph, threads: 2).run([NDArray(input)], outputs: names)
        let worst = compareEveryLayer(unfused, old, names, tolerance: 1e-5, "\(what) unfused")
        print("MobileNetV2 graph (unfused, generic kernels) vs old path, \(what): every layer, max relative difference \(worst)")
        // Fused with every layer requested: each convolution alone on the old kernels, BN and ReLU6 as its passes.
        let everyLayer = try GraphExecutor(graph: graph, threads: 2, fusions: FastFusions.passes()).run([NDArray(input)], outputs: names)
        let inner = names.filter { $0 != "predictions" }
        let every = compareEveryLayer(everyLayer, old, inner, tolerance: 0, "\(what) fused, every layer requested")
        _ = compareEveryLayer(everyLayer, old, ["predictions"], tolerance: 2e-6, "\(what) fused, every layer requested")
        print("MobileNetV2 graph (fused, every layer requested) vs old path, \(what): every layer, max relative difference \(every)")

        // Fused, only the output requested (the old path fuses then too), and with inner values requested.
        let ends = ["out_relu", "predictions"]
        let oldEnds = try model.run(input, capture: Set(ends))
        let fused = try GraphExecutor(graph: graph, threads: 2, fusions: FastFusions.passes()).run([NDArray(input)], outputs: ends)
        XCTAssertEqual(fused["out_relu"]!.data, oldEnds["out_relu"]!.data, "\(what): fused out_relu is the old path's bits")
        let p = compareEveryLayer(fused, oldEnds, ["predictions"], tolerance: 0, "\(what) fused")
        print("MobileNetV2 graph (fused) vs old path, \(what): out_relu bit-identical, predictions max relative difference \(p)")
        let some = ["block_1_expand_BN", "block_2_depthwise", "block_3_pad", "block_5_add", "Conv_1", "out_relu"]
        let oldSome = try model.run(input, capture: Set(some))
        let fusedSome = try GraphExecutor(graph: graph, fusions: FastFusions.passes()).run([NDArray(input)], outputs: some)
        let q = compareEveryLayer(fusedSome, oldSome, some, tolerance: 0, "\(what) fused, inner values requested")
        print("MobileNetV2 graph (fused, inner values requested) vs old path, \(what): max relative difference \(q)")
        return fused["predictions"]!.data
    }
}

/// Asserts every named layer of the graph run is within `tolerance` of the old path's largest
/// value at that layer; returns the largest relative difference.
func compareEveryLayer(
    _ new: [String: NDArray], _ old: [String: Tensor], _ names: [String], tolerance: Float, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) -> Float {
    var overall: Float = 0
    for name in names {
        guard let a = new[name], let b = old[name], a.data.count == b.data.count else {
            XCTFail("\(what): \(name) missing or of another size", file: file, line: line)
            continue
        }
        let scale = max(b.data.map(abs).max() ?? 0, 1e-12)
        var worst = (diff: Float(0), index: 0)
        for i in b.data.indices {
            let d = abs(a.data[i] - b.data[i])
            if !(d <= worst.diff) { worst = (d, i) }
        }
        overall = max(overall, worst.diff / scale)
        XCTAssertLessThanOrEqual(
            worst.diff / scale, tolerance, "\(what) \(name): max |graph - old| \(worst.diff) at \(worst.index), max |old| \(scale)",
            file: file, line: line)
    }
    return overall
}
