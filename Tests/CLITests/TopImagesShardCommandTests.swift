import Foundation
import XCTest

/// `top-images --shard i/n` + `top-images merge` as a user runs them: 3 shards merged give the
/// CSV, JSON and contact sheet of one process byte for byte; bad shards and mismatched or
/// incomplete merges are one line, a non-zero status and no output.
final class TopImagesShardCommandTests: XCTestCase {
    var images: [String] {
        let folder = CLI.fixture("reference/top_images/images")
        return [folder, CLI.fixture("images/fixture_odd.png")]
    }
    let layer = "block_3_expand_relu"
    func rank(_ extra: [String], env: [String: String] = [:]) throws -> CLIResult {
        try CLI.run(
            ["top-images", "--weights", CLI.fixtureWeights, "--layer", layer, "--channels", "0-5", "-k", "4", "--threads", "1"] + extra,
            environment: env)
    }
    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func testThreeShardsMergedEqualOneProcess() throws {
        let whole = try CLI.temporaryDirectory(self), parts = try CLI.temporaryDirectory(self), merged = try CLI.temporaryDirectory(self)
        let one = try rank(["--out", whole] + images)
        XCTAssertEqual(one.status, 0, one.stderr)
        for i in 0..<3 {
            let r = try rank(["--shard", "\(i)/3", "--out", parts] + images)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, parts + "/\(layer)_top.shard-\(i)-of-3.json\n")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parts).count, 3, "a shard writes only its partial result")
        let m = try CLI.run(["top-images", "merge", "--out", merged, parts])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssert(m.stderr.contains("merged 3 shards: 13 of 13 images"), m.stderr)
        for ext in ["csv", "json", "png"] {
            let a = try bytes(whole + "/\(layer)_top.\(ext)"), b = try bytes(merged + "/\(layer)_top.\(ext)")
            XCTAssertGreaterThan(a.count, 100)
            XCTAssertEqual(a, b, "\(ext) of the merge differs from one process")
        }
        // auto: a Kubernetes Indexed Job's variables give the same partial as --shard 1/3.
        let auto = try CLI.temporaryDirectory(self)
        let r = try rank(["--shard", "auto", "--out", auto] + images, env: ["JOB_COMPLETION_INDEX": "1", "JOB_COMPLETIONS": "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try bytes(auto + "/\(layer)_top.shard-1-of-3.json"), try bytes(parts + "/\(layer)_top.shard-1-of-3.json"))
    }

    func testBadShardsAndBadMergesAreOneLine() throws {
        let out = try CLI.temporaryDirectory(self)
        for bad in ["3/2", "0/0", "-1/2", "a/b"] {
            let r = try rank(["--shard", bad, "--out", out] + images)
            XCTAssertEqual(r.status, 64, "\(bad): \(r.stderr)")
            XCTAssert(r.stderr.contains("--shard \(bad)"), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        let noEnv = try rank(["--shard", "auto", "--out", out] + images)
        XCTAssertEqual(noEnv.status, 64, noEnv.stderr)
        XCTAssert(noEnv.stderr.contains("JOB_COMPLETION_INDEX"), noEnv.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [])

        let a = try CLI.temporaryDirectory(self), b = try CLI.temporaryDirectory(self)
        XCTAssertEqual(try rank(["--shard", "0/2", "--out", a] + images).status, 0)
        let other = try CLI.run(
            [
                "top-images", "--weights", CLI.fixtureWeights, "--layer", "block_6_expand_relu", "--channels", "0-5", "-k", "4", "--shard", "1/2",
                "--out", b,
            ]
                + images)
        XCTAssertEqual(other.status, 0, other.stderr)
        let copy = try CLI.temporaryDirectory(self) + "/copy"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: a + "/\(layer)_top.shard-0-of-2.json", toPath: copy + "/x_top.shard-0-of-2.json")
        let cases: [([String], String)] = [
            ([a, b], "different layers"),
            ([a], "shard 1 of 2 is missing"),
            ([a, copy], "appears twice"),
            ([out], "no top-images shard file"),
        ]
        let results = try CLI.temporaryDirectory(self)
        for (dirs, mention) in cases {
            let r = try CLI.run(["top-images", "merge", "--out", results] + dirs)
            XCTAssertEqual(r.status, 64, "\(dirs): \(r.stderr)")
            XCTAssert(r.stderr.contains(mention), "\(dirs): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: results), [], "a refused merge writes nothing")
    }

    func testMergeNeedsTheOriginalImages() throws {
        let work = try CLI.temporaryDirectory(self), parts = try CLI.temporaryDirectory(self)
        let image = work + "/only.png"
        try FileManager.default.copyItem(atPath: CLI.fixture("images/fixture.png"), toPath: image)
        XCTAssertEqual(try rank(["--shard", "0/1", "--out", parts, image]).status, 0)
        try FileManager.default.removeItem(atPath: image)
        let r = try CLI.run(["top-images", "merge", "--out", work, parts])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssert(r.stderr.contains("only.png") && r.stderr.contains("shard-0-of-1.json"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work), [])
    }
}
