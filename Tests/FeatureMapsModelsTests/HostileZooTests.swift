import Foundation
import XCTest
@testable import FeatureMapsModels

/// The zoo's hostile/ files (Scripts/make_zoo.py; their README says what each is): each gives the
/// right ModelError, in one line naming the file and the layer, and leaves no temporary file.
final class HostileZooTests: XCTestCase {
    func testTheBaseModelLoads() throws {
        let description = try Zoo.description("hostile/base.keras")
        XCTAssertEqual(description.layers.map(\.name).filter { $0.hasPrefix("conv") }, ["conv_a", "conv_b"])
    }

    func testEachHostileFileIsRefusedForItsReason() throws {
        let cases: [(String, (ModelError) -> Bool, [String])] = [
            ("zip_slip.keras", { if case .unsafeEntryName = $0 { true } else { false } }, ["../evil"]),
            ("config_not_json.keras", { if case .notJSON(_, "config.json", _) = $0 { true } else { false } }, ["config.json"]),
            ("cycle.keras", { if case .cycle = $0 { true } else { false } }, ["cycle"]),
            ("missing_inbound.keras", { if case .unknownInbound(_, _, "no_such_layer") = $0 { true } else { false } }, ["no_such_layer", "conv_b"]),
            (
                "filters_mismatch.keras", { if case .shapeMismatch(_, let l, "kernel", _, [3, 3, 4, 4]) = $0 { l.name == "conv_b" } else { false } },
                ["conv_b"]
            ),
            ("missing_weight.keras", { if case .weightMissing(_, let l, _) = $0 { l.name == "conv_b" } else { false } }, ["conv_b"]),
            ("nan_weights.keras", { if case .nonFinite(_, let l, "kernel", 0, _) = $0 { l.name == "conv_a" } else { false } }, ["conv_a", "nan"]),
            (
                "huge_filters.keras", { if case .sizeTooLarge(_, let l, "filters", "1000000000", _) = $0 { l.name == "conv_b" } else { false } },
                ["conv_b", "1000000000"]
            ),
            ("lambda.keras", { if case .runsCode(_, let l, _) = $0 { l.name == "times_two" } else { false } }, ["times_two", "never runs code"]),
            ("lambda.h5", { if case .runsCode(_, let l, _) = $0 { l.name == "times_two" } else { false } }, ["times_two", "never runs code"]),
            ("custom_layer.keras", { if case .runsCode = $0 { true } else { false } }, ["ScaleByTwo", "never runs code"]),
            (
                "channels_first.keras", { if case .channelsFirst(_, let l) = $0 { l.name == "conv_cf" } else { false } },
                ["conv_cf", "channels_first"]
            ),
        ]
        for (name, matches, words) in cases {
            let path = try Zoo.path("hostile/" + name)
            let error = try ModelTesting.refusal(path)
            XCTAssert(matches(error), "\(name): \(error)")
            let message = error.errorDescription ?? ""
            XCTAssert(message.hasPrefix("model file '\(path)'"), "\(name): \(message)")
            print("hostile \(name): \(message)")
            XCTAssertFalse(message.contains("\n"), name)
            for word in words { XCTAssert(message.contains(word), "\(name): '\(word)' not in: \(message)") }
        }
    }
}

/// What the tests share: reading under a private TMPDIR that must be empty afterwards.
enum ModelTesting {
    /// A fresh directory, set as TMPDIR while `body` runs.
    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let directory = NSTemporaryDirectory() + "fm-models-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let old = ProcessInfo.processInfo.environment["TMPDIR"]
        setenv("TMPDIR", directory, 1)
        defer { if let old { setenv("TMPDIR", old, 1) } else { unsetenv("TMPDIR") } }
        let result = try body(directory)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory)
        XCTAssertEqual(left, [], "temporary files left behind")
        return result
    }

    /// The ModelError reading `path` throws (a failure when it reads or throws anything else).
    static func refusal(_ path: String, limits: KerasArchive.Limits? = nil) throws -> ModelError {
        try withTemporaryDirectory { _ in
            do {
                if let limits {
                    _ = try KerasModelFile.readArchive(path, limits: limits, isolated: true, deadline: 30)
                } else {
                    _ = try KerasModelFile.read(path: path)
                }
            } catch let error as ModelError {
                return error
            }
            XCTFail("\(path) was read")
            return ModelError.notFound(file: "")
        }
    }
}
