import Foundation
import XCTest

/// `featuremaps render` against the committed golden grids (Fixtures/golden), rendered from the
/// fixture weights and Fixtures/images/fixture.png (and, with ../shared, the real weights on parrot.jpg).
final class RenderGoldenTests: XCTestCase {
    let image = CLI.fixture("images/fixture.png")

    func render(_ args: [String], weights: String = CLI.fixtureWeights) throws -> (dir: String, paths: [String]) {
        let out = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["render", "--weights", weights, "--out", out] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        return (out, r.stdout.split(separator: "\n").map(String.init))
    }

    func testDefaultLayersReproduceTheLab() throws {
        let (out, paths) = try render([image])
        let names = ["fixture_block_1_conv1", "fixture_block_3_conv1", "fixture_block_6_conv1"]
        XCTAssertEqual(paths, names.map { "\(out)/\($0).png" })
        for (path, name) in zip(paths, names) { try Golden.assertMatches(path, golden: name) }
    }

    func testStrongestChannels() throws {
        let (_, paths) = try render(["--layers", "block_6_conv1", "--select", "strongest", "--channels", "8", image])
        try Golden.assertMatches(paths[0], golden: "fixture_block_6_conv1_strongest8")
    }

    /// block_5_add has negative values: one shared range and a colour bar.
    func testLayerNormalization() throws {
        let (_, paths) = try render(["--layers", "block_5_add", "--normalize", "layer", "--columns", "8", image])
        try Golden.assertMatches(paths[0], golden: "fixture_block_5_add_layer")
    }

    func testOverview() throws {
        let (out, paths) = try render(["--layers", "block_1_conv1,block_6_conv1,out_relu", "--overview", image])
        XCTAssertEqual(paths.last, "\(out)/fixture_overview.png")
        try Golden.assertMatches(paths.last!, golden: "fixture_overview")
    }

    func testBuiltInTestImageWithNoInput() throws {
        let (out, paths) = try render(["--layers", "block_3_conv1"])
        XCTAssertEqual(paths, ["\(out)/test_image_block_3_conv1.png"])
        try Golden.assertMatches(paths[0], golden: "test_image_block_3_conv1")
    }

    func testRealWeightsOnParrot() throws {
        let weights = try CLI.shared("weights/mobilenet_v2_1.0_224_dequantized.h5")
        let (_, paths) = try render(["--layers", "block_6_conv1", try CLI.shared("images/parrot.jpg")], weights: weights)
        try Golden.assertMatches(paths[0], golden: "parrot_block_6_conv1")
    }
}
