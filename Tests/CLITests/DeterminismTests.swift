import Foundation
import XCTest

/// The same inputs give byte-identical PNG and .npy files across runs (separate processes) and
/// across thread counts.
final class DeterminismTests: XCTestCase {
    func outputs(_ extra: [String], environment: [String: String] = [:]) throws -> [String: [UInt8]] {
        let dir = try CLI.temporaryDirectory(self)
        let inputs = [Hostile.image, CLI.fixture("images/fixture_odd.png"), Hostile.codec("jpeg_progressive.jpg")]
        let layers = "Conv1,block_3_conv1,block_16_project,out_relu"
        for args in [
            ["render", "--layers", layers, "--overview", "--select", "strongest", "--normalize", "layer"],
            ["extract", "--layers", layers + ",predictions"],
        ] {
            let r = try CLI.run(args + ["--weights", Hostile.weights, "--out", dir] + extra + inputs, environment: environment)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        var files: [String: [UInt8]] = [:]
        for name in Hostile.files(in: dir) { files[name] = try Hostile.bytes(dir + "/" + name) }
        XCTAssertEqual(files.count, 3 * 5 + 3 * 5, "\(files.keys.sorted())")  // 4 grids + overview, 5 .npy per image
        return files
    }

    func testByteIdenticalAcrossRuns() throws {
        let first = try outputs([]), second = try outputs([])
        XCTAssertEqual(first.keys.sorted(), second.keys.sorted())
        for (name, bytes) in first { XCTAssert(second[name] == bytes, "\(name) differs between two runs") }
    }

    /// render and extract with `--threads 1`, `2` and `4` write the same bytes.
    func testByteIdenticalAcrossThreadCounts() throws {
        let one = try outputs(["--threads", "1"]), two = try outputs(["--threads", "2"]), four = try outputs(["--threads", "4"])
        for (name, bytes) in one {
            XCTAssert(two[name] == bytes && four[name] == bytes, "\(name) differs between thread counts")
        }
    }
}
