import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsWeights
import TestSupport

/// MobileNetV2 as the commands run it (MobileNetV2Graph + StandardFusions, the engine's fused
/// kernels) against its twin, the same graph unfused on the plain reference loops (Double
/// accumulation), every layer: the real ImageNet weights of ../shared at 224 x 224 on a photo
/// (skipped when ../shared is absent), and the committed 0.35 fixture at an odd size (81 x 97:
/// Conv1's 'same' and correct_pad's (1, 1)). Fused with every layer requested (each convolution
/// alone, BN and ReLU6 as passes of their own), with some inner values requested, and with only
/// the outputs requested (one scratch sequence from Conv1 to the classifier): within 1e-5 of each
/// layer's largest value (float32 against Double sums; measured below 1e-5 at every depth).
/// Keras itself is the oracle of KerasAgreementTests.
final class MobileNetV2GraphRealWeightsTests: XCTestCase {
    func testRealWeightsEveryLayerMatchesTheReferenceTwin() throws {
        let weights = try Fixtures.sharedFile("weights/mobilenet_v2_1.0_224_dequantized.h5")
        let photo = try Fixtures.sharedFile("images/cat.png")
        let input = try Session.open(weightsFlag: weights).prepare(imageAt: photo).tensor
        let probabilities = try compare(weightsFile: weights, input: input)
        XCTAssertEqual(Predictions.top(1, of: probabilities)[0].classIndex, 285, "cat.png: Egyptian cat")
    }

    func testFixtureWeightsAtOddSizeEveryLayerMatchesTheReferenceTwin() throws {
        var rng = SplitMix64(seed: 3)
        let input = Tensor(height: 81, width: 97, channels: 3, data: rng.floats(81 * 97 * 3))
        _ = try compare(weightsFile: Fixtures.fixtureWeights, input: input)
    }

    /// Compares every layer; returns the fused graph's predictions.
    private func compare(weightsFile: String, input: Tensor) throws -> [Float] {
        let graph = try MobileNetV2Runs.graph(weightsFile, height: input.height, width: input.width)
        let names = graph.nodes.map(\.name)
        let what = "\(URL(fileURLWithPath: weightsFile).lastPathComponent) \(input.height)x\(input.width)"
        let reference = try GraphExecutor(graph: graph, kernels: .reference).run([NDArray(input)], outputs: names).mapValues { $0.tensor! }
        func fused(_ wanted: [String]) throws -> [String: NDArray] {
            try GraphExecutor(graph: graph, threads: 2, fusions: StandardFusions.passes()).run([NDArray(input)], outputs: wanted)
        }
        let every = compareEveryLayer(try fused(names), reference, names, tolerance: 1e-5, "\(what) fused, every layer requested")
        print("MobileNetV2 graph (fused, every layer requested) vs reference twin, \(what): max relative difference \(every)")
        let some = ["block_1_expand_BN", "block_2_depthwise", "block_3_pad", "block_5_add", "Conv_1", "out_relu"]
        let inner = compareEveryLayer(try fused(some), reference, some, tolerance: 1e-5, "\(what) fused, inner values requested")
        print("MobileNetV2 graph (fused, inner values requested) vs reference twin, \(what): max relative difference \(inner)")
        let ends = try fused(["predictions"])
        let p = compareEveryLayer(ends, reference, ["predictions"], tolerance: 1e-5, "\(what) fused, one sequence")
        print("MobileNetV2 graph (fused, predictions only) vs reference twin, \(what): max relative difference \(p)")
        return ends["predictions"]!.data
    }
}

/// Asserts every named layer of the graph run is within `tolerance` of the reference's largest
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
            worst.diff / scale, tolerance, "\(what) \(name): max |graph - reference| \(worst.diff) at \(worst.index), max |reference| \(scale)",
            file: file, line: line)
    }
    return overall
}
