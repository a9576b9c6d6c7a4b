import Foundation
import XCTest
import FeatureMaps

/// `featuremaps explain` as a user meets it: files, metadata, raw maps, errors and exit statuses.
final class ExplainCommandTests: XCTestCase {
    let image = CLI.fixture("images/fixture.png")

    func explain(_ args: [String], out: String) throws -> CLIResult {
        try CLI.run(["explain", "--weights", CLI.fixtureWeights, "--out", out] + args)
    }

    func testDefaultWritesGradCAMAndSaliencyWithMetadata() throws {
        let out = try CLI.temporaryDirectory(self)
        let r = try explain([image], out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "\(out)/fixture_gradcam_out_relu.png\n\(out)/fixture_saliency.png\n")
        XCTAssert(r.stderr.contains("fixture.png: explaining 238 "), r.stderr)  // the fixture model's top-1 (Keras)
        XCTAssertEqual(
            Set(try FileManager.default.contentsOfDirectory(atPath: out)),
            ["fixture_gradcam_out_relu.png", "fixture_saliency.png"])
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/fixture_gradcam_out_relu.png")), as: UTF8.self)
        for chunk in ["tEXtMethod\0Grad-CAM", "tEXtLayer\0out_relu", "tEXtClass\0238 ", "tEXtProbability\0", "tEXtInput\0" + image] {
            XCTAssert(text.contains(chunk), "PNG metadata lacks \(chunk.replacingOccurrences(of: "\0", with: "\\0"))")
        }
    }

    /// --npy: the Grad-CAM map at the layer's size before ReLU (equal to Keras's, see
    /// Fixtures/reference/explain) and the saliency map at the input size.
    func testNPYHoldsTheRawMaps() throws {
        let out = try CLI.temporaryDirectory(self)
        let r = try explain(["--npy", image], out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        let cam = try NPY.decodeFloat32([UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/fixture_gradcam_out_relu.npy"))))
        XCTAssertEqual(cam.shape, [7, 7])
        let keras = try NPY.decodeFloat32(
            [UInt8](
                try Data(
                    contentsOf: URL(
                        fileURLWithPath:
                            CLI.fixture("reference/explain/fixture_gradcam_out_relu_map.npy")))))
        let scale = keras.values.map(abs).max()!
        XCTAssertLessThanOrEqual(zip(cam.values, keras.values).map { abs($0 - $1) }.max()!, 1e-4 * scale)
        let saliency = try NPY.decodeFloat32([UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/fixture_saliency.npy"))))
        XCTAssertEqual(saliency.shape, [224, 224])
        XCTAssert(saliency.values.allSatisfy { $0 >= 0 } && saliency.values.contains { $0 > 0 })
    }

    func testClassByNameWordNetIDAndIndexAndTopChannelsWithAlias() throws {
        let out = try CLI.temporaryDirectory(self)
        var r = try explain(["--class", "n01818515", "--method", "gradcam", image], out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stderr.contains("explaining 88 macaw (n01818515)"), r.stderr)
        r = try explain(["--class", "Egyptian_Cat", "--method", "saliency", image], out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stderr.contains("explaining 285 Egyptian cat"), r.stderr)
        r = try explain(["--class", "134", "--layer", "block_13_conv1", "--method", "gradcam", "--top-channels", "6", image], out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stderr.contains("block_13_conv1 = block_13_expand_relu (14x14x192)"), r.stderr)
        XCTAssert(r.stderr.contains("explaining 134 crane (n02012849, the bird)"), r.stderr)
        XCTAssertEqual(r.stdout, "\(out)/fixture_gradcam_block_13_conv1.png\n\(out)/fixture_top_channels_block_13_conv1.png\n")
    }

    func testBadOptionsAreUsageErrorsAndWriteNothing() throws {
        let out = try CLI.temporaryDirectory(self)
        let cases: [([String], String)] = [
            (["--class", "crane"], "n03126707"),
            (["--class", "macaws"], "88 macaw"),
            (["--class", "1000"], "0 to 999"),
            (["--class", " "], "--class"),
            (["--top-channels", "0"], "--top-channels"),
            (["--layer", "predictions"], "predictions"),
            (["--layer", "global_average_pooling2d"], "global_average_pooling2d"),
            (["--layer", "out_reluu"], "out_relu"),
            (["--method", "lime"], "lime"),
        ]
        for (args, mention) in cases {
            let r = try explain(args + [image], out: out)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssert(r.stderr.contains(mention), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(args)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], "a failing explain writes nothing")
    }

    func testUnreadableImageOutputFileAndPartialFailure() throws {
        let dir = try CLI.temporaryDirectory(self)
        var r = try explain([dir + "/missing.png"], out: dir)
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssert(r.stderr.contains("missing.png"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
        r = try explain(["--method", "gradcam", image, dir + "/missing.png"], out: dir)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.stdout, "\(dir)/fixture_gradcam_out_relu.png\n")
        let file = dir + "/plain-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        r = try explain([image], out: file)
        XCTAssertEqual(r.status, 73, r.stderr)
        XCTAssert(r.stderr.contains(file), r.stderr)
    }
}
