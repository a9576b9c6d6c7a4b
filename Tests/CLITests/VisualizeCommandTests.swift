import Foundation
import XCTest
import FeatureMaps
import FeatureMapsImages

/// `featuremaps visualize` as a user meets it, on the committed alpha-0.35 fixture at 32 x 32 with
/// a few steps (CI time): the files, their sizes and metadata, one stderr line per channel, the same
/// bytes for the same seed on any thread count, and one-line usage errors that write nothing.
final class VisualizeCommandTests: XCTestCase {
    func visualize(_ args: [String], out: String) throws -> CLIResult {
        try CLI.run(["visualize", "--weights", CLI.fixtureWeights, "--size", "32", "--steps", "4", "--out", out] + args)
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func testWritesPicturesGridAndNPY() throws {
        let out = try CLI.temporaryDirectory(self)
        let r = try visualize(["--layer", "block_3_conv1", "--channels", "2,5", "--npy"], out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        let stem = out + "/block_3_conv1_"
        XCTAssertEqual(
            r.stdout, [stem + "ch2.png", stem + "ch2.npy", stem + "ch5.png", stem + "ch5.npy", stem + "visualize.png"].joined(separator: "\n") + "\n")
        XCTAssert(r.stderr.contains("block_3_conv1 = block_3_expand_relu"), r.stderr)
        XCTAssert(r.stderr.contains("block_3_conv1 ch 2 (1/2): activation "), r.stderr)
        XCTAssert(r.stderr.contains("block_3_conv1 ch 5 (2/2): activation "), r.stderr)
        XCTAssert(r.stderr.contains(", 4 steps, "), r.stderr)
        let picture = try ImageDecoder.decode(contentsOfFile: stem + "ch2.png")
        XCTAssertEqual([picture.width, picture.height], [32, 32])
        let npy = try NPY.decodeFloat32([UInt8](try bytes(stem + "ch5.npy")))
        XCTAssertEqual(npy.shape, [32, 32, 3])
        XCTAssert(npy.values.allSatisfy { $0 >= 0 && $0 <= 255 })
        XCTAssertGreaterThan(Set(npy.values).count, 100)  // a picture, not a constant
        let grid = try ImageDecoder.decode(contentsOfFile: stem + "visualize.png")
        XCTAssertGreaterThan(grid.width, 2 * 112)
        let text = String(decoding: try bytes(stem + "ch2.png"), as: UTF8.self)
        for chunk in [
            "tEXtChannel\u{0}2", "tEXtLayer\u{0}block_3_conv1 = block_3_expand_relu", "tEXtActivation\u{0}", "tEXtMethod\u{0}gradient ascent",
        ] {
            XCTAssert(text.contains(chunk), "PNG metadata lacks \(chunk.replacingOccurrences(of: "\u{0}", with: "\\0"))")
        }
    }

    func testSameSeedSameBytesOnAnyThreadCountOtherSeedDiffers() throws {
        let a = try CLI.temporaryDirectory(self) + "/a", b = a + "b", c = a + "c"
        let args = ["--layer", "block_1_expand_relu", "--channels", "7"]
        XCTAssertEqual(try visualize(args + ["--threads", "1", "--seed", "9"], out: a).status, 0)
        XCTAssertEqual(try visualize(args + ["--threads", "2", "--seed", "9"], out: b).status, 0)
        XCTAssertEqual(try visualize(args + ["--seed", "10"], out: c).status, 0)
        let name = "/block_1_expand_relu_ch7.png"
        XCTAssertEqual(try bytes(a + name), try bytes(b + name))
        XCTAssertNotEqual(try bytes(a + name), try bytes(c + name))
    }

    /// --learning-rate, --jitter, --scale and --rotate reach the optimization (other bytes) and are
    /// written in the method line of the PNG metadata.
    func testOptimizationOptionsChangeThePictureAndAreRecorded() throws {
        let a = try CLI.temporaryDirectory(self) + "/a", b = a + "b"
        let args = ["--layer", "block_1_expand_relu", "--channels", "7"]
        XCTAssertEqual(try visualize(args, out: a).status, 0)
        let r = try visualize(args + ["--learning-rate", "0.1", "--jitter", "0", "--scale", "0", "--rotate", "0"], out: b)
        XCTAssertEqual(r.status, 0, r.stderr)
        let name = "/block_1_expand_relu_ch7.png"
        XCTAssertNotEqual(try bytes(a + name), try bytes(b + name))
        let text = String(decoding: try bytes(b + name), as: UTF8.self)
        XCTAssert(text.contains("Adam lr 0.1, 4 steps; each step jitter +-0 px, scale +-0, rotation +-0 deg"), text)
    }

    func testBadOptionsAreOneLineUsageErrorsAndWriteNothing() throws {
        let out = try CLI.temporaryDirectory(self) + "/never"
        let cases: [([String], String)] = [
            (["--layer", "block_1_expand_relu", "--channels", "96"], "channel 96 does not exist in block_1_expand_relu"),
            (["--layer", "no_such_layer"], "no layer named 'no_such_layer'"),
            (["--layer", "block_1_expand_relu", "--steps", "0"], "--steps 0 must be at least 1"),
            (["--layer", "block_1_expand_relu", "--size", "4"], "--size 4 is out of range"),
            (["--layer", "block_1_expand_relu", "--channels", ""], "--channels is empty"),
            (["--layer", "block_1_expand_relu", "--learning-rate", "0"], "--learning-rate 0.0 is out of range"),
            (["--layer", "block_1_expand_relu", "--jitter", "-1"], "--jitter -1.0 is out of range"),
            (["--layer", "block_1_expand_relu", "--scale", "0.9"], "--scale 0.9 is out of range"),
            (["--layer", "block_1_expand_relu", "--rotate", "90"], "--rotate 90.0 is out of range"),
        ]
        for (args, message) in cases {
            let r = try visualize(args, out: out)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssert(r.stderr.hasPrefix("featuremaps: ") && r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args) created \(out)")
        }
    }
}
