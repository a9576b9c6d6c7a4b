import Foundation
import XCTest

/// `featuremaps render` as a user meets it: paths, notes, errors, metadata, atomic output.
final class RenderCommandTests: XCTestCase {
    let image = CLI.fixture("images/fixture.png")

    func testMissingOutputDirectoryIsCreatedAndHoldsOnlyThePNGs() throws {
        let out = try CLI.temporaryDirectory(self) + "/new/dir"
        let r = try CLI.run(["render", "--weights", CLI.fixtureWeights, "--layers", "block_16_project_BN", "--out", out, image])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["fixture_block_16_project_BN.png"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out + "/fixture_block_16_project_BN.png"))
        // Bytes, not a decoded String: a CRC byte after the text may combine with its last
        // character into one grapheme, and String.contains compares graphemes.
        for chunk in ["tEXtLayer\0block_16_project_BN", "tEXtNormalization\0", "tEXtInput\0" + image, "tEXtWeights\0" + CLI.fixtureWeights] {
            XCTAssert(bytes.range(of: Data(chunk.utf8)) != nil, "PNG metadata lacks \(chunk.replacingOccurrences(of: "\0", with: "\\0"))")
        }
    }

    func testMoreChannelsThanTheLayerHasAreClampedWithANote() throws {
        let out = try CLI.temporaryDirectory(self)
        let r = try CLI.run([
            "render", "--weights", CLI.fixtureWeights, "--layers", "expanded_conv_project", "--channels", "500",
            "--out", out, image,
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stderr.contains("500") && r.stderr.contains("8"), r.stderr)  // the layer has 8 channels at alpha 0.35
    }

    func testBadOptionsAreUsageErrors() throws {
        let out = try CLI.temporaryDirectory(self)
        let cases: [([String], String)] = [
            (["--channels", "0"], "--channels"),
            (["--channel-list", "3-1"], "3-1"),
            (["--channel-list", "0,x"], "x"),
            (["--channels", "4", "--channel-list", "1,2"], "--channel"),
            (["--columns", "0"], "--columns"),
            (["--layers", "block_3_conv"], "block_3_conv1"),
            (["--channel-list", "0,200", "--layers", "block_1_conv1"], "200"),
        ]
        for (args, mention) in cases {
            let r = try CLI.run(["render", "--weights", CLI.fixtureWeights, "--out", out] + args + [image])
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssert(r.stderr.contains(mention), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(args)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], "a failing render writes nothing")
    }

    func testOutputDirectoryThatIsAFileFailsWith73() throws {
        let file = try CLI.temporaryDirectory(self) + "/plain-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let r = try CLI.run(["render", "--weights", CLI.fixtureWeights, "--out", file, image])
        XCTAssertEqual(r.status, 73, r.stderr)
        XCTAssert(r.stderr.contains(file), r.stderr)
    }
}
