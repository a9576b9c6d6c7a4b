import XCTest
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsWeights

/// The forward pass gives byte-identical outputs whatever the thread count, from run to run, and
/// whether a convolution is fused with its BatchNorm and ReLU6 or run as separate layers.
final class DeterminismTests: XCTestCase {
    func testThreadsRunsAndFusionChangeNoBit() throws {
        let model = try WeightsLoader.load(path: Fixtures.fixtureWeights).model
        let image = try ImageDecoder.decode(contentsOfFile: Fixtures.fixtureImage)
        let input = Preprocess.mobileNetV2(rgb: image.pixels, width: image.width, height: image.height)
        let layers: Set = ["block_1_expand_relu", "block_3_depthwise_relu", "block_5_add", "out_relu", "predictions"]
        let one = ForwardPass(model: model, threads: 1), two = ForwardPass(model: model, threads: 2)
        let reference = try one.run(input, capture: layers)
        for pass in [one, two, two, one] {
            let again = try pass.run(input, capture: layers)
            for name in layers { XCTAssertEqual(again[name]?.data, reference[name]?.data, "\(name), \(pass.threads) thread(s)") }
        }
        // Asking for raw convolution and BatchNorm outputs runs those layers unfused.
        let unfused = try two.run(
            input,
            capture: layers.union([
                "block_1_expand", "block_3_depthwise_BN", "block_5_project_BN",
                "Conv_1",
            ]))
        for name in layers { XCTAssertEqual(unfused[name]?.data, reference[name]?.data, "\(name) after unfused layers") }
    }
}
