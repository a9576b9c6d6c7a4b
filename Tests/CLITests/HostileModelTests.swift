import Foundation
import XCTest
import TestSupport

/// Hostile and unsupported model files through the CLI: each gives one line naming the file (and
/// the layer or entry at fault), a non-zero exit, nothing on stdout and no file in --out, in
/// bounded memory. The committed ones are Fixtures/zoo/hostile (its README says what each is);
/// the zip bomb and the 100 MB config are made here, at run time.
final class HostileModelTests: XCTestCase {
    static func hostile(_ name: String) -> String { CLI.fixture("zoo/hostile/" + name) }

    /// 1.5 GB of address space: the engine's own (reader process included) is well under it.
    static let memoryKB = 1_536_000

    func refused(_ model: String, naming words: [String], status: Int32 = 66, file: StaticString = #filePath, line: UInt = #line) throws {
        let out = try CLI.temporaryDirectory(self)
        for command in [["render", "--out", out], ["classify"], ["layers"]] {
            let r = try Hostile.run(
                [command[0], "--model", model] + command.dropFirst() + (command[0] == "layers" ? [] : [Hostile.image]),
                memoryKB: Self.memoryKB, file: file, line: line)
            XCTAssertEqual(r.status, status, "\(command[0]) \(model): \(r.stderr)", file: file, line: line)
            XCTAssertEqual(r.stdout, "", file: file, line: line)
            Hostile.assertFailureLines(r, count: 1, naming: [model] + words, file: file, line: line)
        }
        XCTAssertEqual(Hostile.files(in: out), [], "render left files behind", file: file, line: line)
    }

    func testTheBaseModelRuns() throws {
        let r = try CLI.run(["classify", "--model", Self.hostile("base.keras"), Hostile.image])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testEachCommittedHostileFileIsOneLine() throws {
        let cases: [(String, [String])] = [
            ("zip_slip.keras", ["../evil"]), ("config_not_json.keras", ["config.json"]), ("cycle.keras", ["cycle"]),
            ("missing_inbound.keras", ["no_such_layer"]), ("filters_mismatch.keras", ["conv_b"]),
            ("missing_weight.keras", ["conv_b"]), ("nan_weights.keras", ["conv_a"]), ("huge_filters.keras", ["conv_b", "1000000000"]),
            ("lambda.keras", ["times_two", "never runs code"]), ("lambda.h5", ["times_two", "never runs code"]),
            ("custom_layer.keras", ["ScaleByTwo", "never runs code"]), ("channels_first.keras", ["conv_cf", "channels_first"]),
        ]
        for (name, words) in cases { try refused(Self.hostile(name), naming: words) }
    }

    func testZipBombAndHugeConfigAreRefusedInBoundedMemory() throws {
        let dir = try CLI.temporaryDirectory(self)
        let bomb = dir + "/bomb.keras", huge = dir + "/huge.keras"
        try ZipFixtures.write(ZipFixtures.keras(config: .zeros(256 << 20), configMethod: .deflate), to: bomb)
        // 100 MB of valid JSON: the tiny config with a 100 MB string in it.
        var json = ZipFixtures.tinyConfig
        json.removeLast()  // the final "}"
        json += Data(#", "padding": ""#.utf8) + Data(repeating: UInt8(ascii: "x"), count: 100 << 20) + Data(#""}"#.utf8)
        try ZipFixtures.write(ZipFixtures.keras(config: .bytes(json), configMethod: .deflate), to: huge)
        try refused(bomb, naming: ["config.json"])
        try refused(huge, naming: ["config.json"])
    }

    func testAnUnimplementedLayerIsRefusedByNameBeforeItsWeightsAreRead() throws {
        let dir = try CLI.temporaryDirectory(self)
        let path = dir + "/lstm.keras"
        let config = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4, 4, 1], "name": "input_layer"}},
              {"module": "keras.layers", "class_name": "ConvLSTM1D", "config": {"name": "memory", "trainable": true, "dtype": "float32"}}]}}
            """
        // The weights entry is not HDF5: had it been read, the message would say so.
        try ZipFixtures.write(ZipFixtures.keras(config: .bytes(Data(config.utf8))), to: path)
        try refused(path, naming: ["memory", "ConvLSTM1D"])
    }

    func testAWeightsOnlyFileGivenAsModelSaysToUseWeights() throws {
        let r = try CLI.run(["classify", "--model", CLI.fixtureWeights, Hostile.image])
        XCTAssertEqual(r.status, 66)
        Hostile.assertFailureLines(r, count: 1, naming: [CLI.fixtureWeights, "--weights"])
    }
}
