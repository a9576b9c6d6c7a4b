import XCTest
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsWeights

/// The forward pass gives byte-identical outputs whatever the thread count, from run to run, and
/// whether a convolution is fused with its BatchNorm and ReLU6 or run as separate layers.
final class DeterminismTests: XCTestCase {
    func testThreadsRunsAndFusionChangeNoBit() throws {
        let session = try Session.open(weightsFlag: Fixtures.fixtureWeights, inputSize: 96)
        let image = try ImageDecoder.decode(contentsOfFile: Fixtures.fixtureImage)
        let input = Preprocess.mobileNetV2(rgb: image.pixels, width: image.width, height: image.height)
        let layers = ["block_1_expand_relu", "block_3_depthwise_relu", "block_5_add", "out_relu", "predictions"]
        let one = NetworkPass(session: session, threads: 1), two = NetworkPass(session: session, threads: 2)
        let reference = try one.run(input, keys: layers)
        for pass in [one, two, two, one] {
            let again = try pass.run(input, keys: layers)
            for name in layers { XCTAssertEqual(again[name]?.data, reference[name]?.data, "\(name), \(pass.threads) thread(s)") }
        }
        // Asking for raw convolution and BatchNorm outputs runs those layers unfused.
        let unfused = try two.run(input, keys: layers + ["block_1_expand", "block_3_depthwise_BN", "block_5_project_BN", "Conv_1"])
        for name in layers { XCTAssertEqual(unfused[name]?.data, reference[name]?.data, "\(name) after unfused layers") }
    }
}
