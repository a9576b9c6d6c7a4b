import Foundation
import XCTest

/// `featuremaps bench` reports what it timed; the times themselves are never asserted.
final class BenchCommandTests: XCTestCase {
    func testBenchJSONHasEveryStageAndTheMedian() throws {
        let r = try CLI.run(["bench", "--json", "--runs", "3", "--warmup", "1", "--weights", CLI.fixtureWeights])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(json["median_ms"] as? Double), 0)
        XCTAssertEqual(json["stop_layer"] as? String, "predictions")
        XCTAssertEqual(json["runs"] as? Int, 3)
        let stages = try XCTUnwrap(json["stages"] as? [[String: Any]])
        XCTAssertEqual(stages.compactMap { $0["name"] as? String },
                       ["stem"] + (0...16).map { "block_\($0)" } + ["head", "classifier"])
        let sum = stages.compactMap { $0["multiply_adds"] as? Int }.reduce(0, +)
        XCTAssertEqual(json["multiply_adds"] as? Int, sum)
        XCTAssertGreaterThan(try XCTUnwrap(json["peak_rss_bytes"] as? Int), 1_000_000)
    }

    /// A pass that stops at block_6_expand_relu (alias block_6_conv1) times only the stages up to block_6.
    func testBenchStopsAtTheDeepestRequestedLayer() throws {
        let r = try CLI.run(["bench", "--json", "--runs", "2", "--warmup", "0", "--layers", "block_6_conv1",
                             "--weights", CLI.fixtureWeights])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["stop_layer"] as? String, "block_6_expand_relu")
        let stages = try XCTUnwrap(json["stages"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        XCTAssertEqual(stages, ["stem"] + (0...6).map { "block_\($0)" })
    }

    func testBenchRejectsZeroRuns() throws {
        let r = try CLI.run(["bench", "--runs", "0", "--weights", CLI.fixtureWeights])
        XCTAssertEqual(r.status, 64)
        XCTAssert(r.stderr.contains("--runs 0"), r.stderr)
    }
}
