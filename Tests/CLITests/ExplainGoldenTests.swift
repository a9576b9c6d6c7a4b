import Foundation
import XCTest

/// `featuremaps explain` pictures against committed goldens (Fixtures/golden). Only Grad-CAM at
/// out_relu and its top channels: they involve no ReLU6 mask, so engine rounding cannot move them
/// (a saliency map can: see Fixtures/README.md, "ReLU6 ties"; its picture is checked pixel by pixel
/// on hand-made maps in ExplainRendererTests instead). Tolerance 3 levels: neighbouring jet entries
/// differ by up to 5 levels in one channel, 2.5 after blending at opacity 0.5.
final class ExplainGoldenTests: XCTestCase {
    func explain(_ args: [String], weights: String = CLI.fixtureWeights) throws -> [String] {
        let out = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["explain", "--weights", weights, "--out", out, "--method", "gradcam"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").map(String.init)
    }

    func testFixtureGradCAMAndTopChannels() throws {
        let paths = try explain(["--top-channels", "8", CLI.fixture("images/fixture.png")])
        XCTAssertEqual(paths.count, 2)
        try Golden.assertMatches(paths[0], golden: "fixture_gradcam_out_relu", tolerance: 3)
        try Golden.assertMatches(paths[1], golden: "fixture_top_channels_out_relu", tolerance: 3)
    }

    /// The README's example picture.
    func testRealWeightsOnParrot() throws {
        let weights = try CLI.shared("weights/mobilenet_v2_1.0_224_dequantized.h5")
        let paths = try explain([try CLI.shared("images/parrot.jpg")], weights: weights)
        try Golden.assertMatches(paths[0], golden: "parrot_gradcam_out_relu", tolerance: 3)
    }
}
