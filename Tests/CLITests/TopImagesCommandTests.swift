import Foundation
import XCTest

/// `featuremaps top-images` as a user meets it: the CSV and JSON, an unreadable image skipped with
/// status 2, and one-line usage errors that write nothing.
final class TopImagesCommandTests: XCTestCase {
    let images = ["images/fixture.png", "images/fixture_odd.png", "images/codec/jpeg_rgb420.jpg"].map { CLI.fixture($0) }

    func testWritesCSVAndJSONAndSkipsAnUnreadableImage() throws {
        let out = try CLI.temporaryDirectory(self)
        let bad = out + "/not-an-image.png"
        _ = FileManager.default.createFile(atPath: bad, contents: Data("hello".utf8))
        let r = try CLI.run(
            ["top-images", "--weights", CLI.fixtureWeights, "--layer", "block_3_expand_relu", "--channels", "0-2", "-k", "2", "--out", out]
                + images + [bad])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssert(r.stderr.contains("not-an-image.png"), r.stderr)
        XCTAssert(r.stderr.contains("3 images in"), r.stderr)
        let csv = try String(contentsOfFile: out + "/block_3_expand_relu_top.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.first, "channel,rank,image,value,map_y,map_x,y0,y1,x0,x1")
        XCTAssertEqual(lines.count, 1 + 3 * 2, csv)
        XCTAssertEqual(lines[1].split(separator: ",").prefix(2), ["0", "1"])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/block_3_expand_relu_top.json")))
        XCTAssertEqual(((json as? [String: Any])?["rows"] as? [Any])?.count, 6)
        let sheet = try Data(contentsOf: URL(fileURLWithPath: out + "/block_3_expand_relu_top.png"))
        XCTAssertEqual([UInt8](sheet.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "the contact sheet is a PNG")
        XCTAssertEqual(
            r.stdout.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent },
            ["block_3_expand_relu_top.csv", "block_3_expand_relu_top.json", "block_3_expand_relu_top.png"])
    }

    func testUsageErrorsAreOneLineAndWriteNothing() throws {
        let out = try CLI.temporaryDirectory(self)
        let empty = try CLI.temporaryDirectory(self) + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let cases: [([String], String)] = [
            (["--layer", "block_3_expand_relu", "--channels", "0,500", images[0]], "500"),
            (["--layer", "predictions", images[0]], "predictions"),
            (["--layer", "block_3_expand_relu", "-k", "0", images[0]], "-k 0"),
            (["--layer", "block_3_expand_relu", empty], "no JPEG or PNG image"),
        ]
        for (args, mention) in cases {
            let r = try CLI.run(["top-images", "--weights", CLI.fixtureWeights, "--out", out] + args)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssert(r.stderr.contains(mention), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], "a refused run writes nothing")
    }
}
