import FeatureMapsWeights
import Foundation
import XCTest

/// The wrong weights file, through the built binary: status 66, one line naming the file and
/// what is wrong, nothing on stdout, no output directory or file created.
/// Damaged copies of the real-layout fixture are derived here, byte by byte (no 7 MB variants
/// are committed): the bytes to change are located from values and names read with HDF5.
final class HostileWeightsTests: XCTestCase {
    /// Runs `render --out DIR` with `weights` and checks the refusal; returns the line.
    @discardableResult
    func refuse(
        _ weights: String, saying expected: [String], asNobody: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        let out = try (asNobody ?? CLI.temporaryDirectory(self)) + "/out"
        let r = try Hostile.run(
            ["render", "--weights", weights, "--layers", "Conv1", "--out", out, Hostile.image],
            asNobody: asNobody, file: file, line: line)
        XCTAssertEqual(r.status, 66, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
        let message = Hostile.assertFailureLines(r, count: 1, naming: [weights], file: file, line: line).first ?? ""
        for text in expected { XCTAssert(message.contains(text), "'\(message)' lacks '\(text)'", file: file, line: line) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "output directory created", file: file, line: line)
        return message
    }

    func testFileSystemMistakes() throws {
        let dir = try Hostile.nobodyDirectory(self)
        let empty = Hostile.write([], "empty.h5", in: dir)
        let locked = dir + "/locked.h5"
        try FileManager.default.copyItem(atPath: Hostile.weights, toPath: locked)
        chmod(locked, 0o000)
        try refuse(empty, saying: ["is empty"])
        try refuse(dir, saying: ["is a directory"])
        try refuse(dir + "/missing.h5", saying: ["does not exist"])
        try refuse(locked, saying: ["cannot be read"], asNobody: dir)
    }

    func testNotHDF5AndTruncatedHDF5() throws {
        let dir = try CLI.temporaryDirectory(self)
        try refuse(Hostile.write(Array("<html>404 Not Found</html>\n".utf8), "download.h5", in: dir), saying: ["not an HDF5 file"])
        try refuse(Hostile.write(try Hostile.bytes(Hostile.image), "picture.h5", in: dir), saying: ["not an HDF5 file"])
        let real = try Hostile.bytes(Hostile.weights)
        for i in 1...10 {
            let path = Hostile.write(Array(real.prefix(real.count * i / 11)), "cut\(i).h5", in: dir)
            let message = try refuse(path, saying: [])
            XCTAssert(message.contains("truncated") || message.contains("damaged"), message)
        }
    }

    func testHDF5OfAnotherModel() throws {
        try refuse(CLI.fixture("weights/hostile/not_keras.h5"), saying: ["not in Keras's weights layout"])
        try refuse(CLI.fixture("weights/hostile/other_model.h5"), saying: ["no layer 'Conv1'", "not a Keras MobileNetV2"])
        try refuse(CLI.fixture("weights/split_layer_names.h5"), saying: ["no layer 'Conv1'"])
    }

    func testNaNAndInfinityAreRefusedNamingTheLayer() throws {
        let dir = try CLI.temporaryDirectory(self)
        for (layer, bits, index) in [
            ("block_3_expand", UInt32(0x7FC0_0000), 5), ("Conv1", UInt32(0x7F80_0000), 0),
            ("predictions", UInt32(0xFF80_0000), 999),
        ] {
            var bytes = try Hostile.bytes(Hostile.weights)
            let at = try DerivedWeights.offsetOfValues("\(layer)/\(layer)/kernel:0", in: bytes)
            for k in 0..<4 { bytes[at + 4 * index + k] = UInt8((bits >> (8 * UInt32(k))) & 0xFF) }
            let path = Hostile.write(bytes, "bad_\(layer).h5", in: dir)
            try refuse(path, saying: ["layer '\(layer)' weight 'kernel' holds NaN or infinity (value #\(index))"])
        }
    }

    func testWrongShapeNamesLayerWeightAndBothShapes() throws {
        var bytes = try Hostile.bytes(Hostile.weights)
        // The dataspace of predictions/kernel stores its dimensions as two little-endian UInt64.
        let dims = DerivedWeights.le64(1280) + DerivedWeights.le64(1000)
        let at = try XCTUnwrap(DerivedWeights.find(dims, in: bytes).first, "dataspace of predictions/kernel not found")
        bytes[at + 8] = 0xE7  // 1000 -> 999
        let path = Hostile.write(bytes, "wrong_shape.h5", in: try CLI.temporaryDirectory(self))
        try refuse(path, saying: ["layer 'predictions' weight 'kernel' has shape (1280, 999), MobileNetV2 needs (1280, 1000)"])
    }

    func testMissingLayer() throws {
        var bytes = try Hostile.bytes(Hostile.weights)
        // layer_names is a fixed-length string array: replace the entry "Conv_1" by "Conv1".
        let names = try HDF5File(path: Hostile.weights).stringArrayAttribute("layer_names", on: "/")
        let size = names.map(\.utf8.count).max() ?? 0
        func padded(_ s: String) -> [UInt8] { Array(s.utf8) + [UInt8](repeating: 0, count: size - s.utf8.count) }
        let block = names.flatMap(padded)
        let at = try XCTUnwrap(DerivedWeights.find(block, in: bytes).first, "layer_names data not found")
        let entry = at + size * (try XCTUnwrap(names.firstIndex(of: "Conv_1")))
        bytes.replaceSubrange(entry..<(entry + size), with: padded("Conv1"))
        let path = Hostile.write(bytes, "no_Conv_1.h5", in: try CLI.temporaryDirectory(self))
        try refuse(path, saying: ["no layer 'Conv_1'", "not a Keras MobileNetV2 weights file"])
    }

    /// A file on which libhdf5 1.10.8 itself crashes (found by Scripts/fuzz weights): one line.
    func testLibraryCrashIsOneLine() throws {
        try refuse(
            CLI.root + "/Fuzz/reproducers/weights/hdf5-global-heap-memcpy-overlap.h5",
            saying: ["the HDF5 library crashed", "get a fresh copy"])
    }

    /// The weights reader program missing where FEATUREMAPS_READER says, or set to a relative
    /// path: one line naming it and what to do, status 66, nothing written.
    func testMissingReaderProgramIsOneLineNamingIt() throws {
        let out = try CLI.temporaryDirectory(self) + "/out"
        for (setting, expected) in [
            ("/nonexistent/featuremaps-hdf5-reader", ["was not found", "swift build --product featuremaps-hdf5-reader"]),
            ("bin/featuremaps-hdf5-reader", ["FEATUREMAPS_READER", "absolute path"]),
        ] {
            let r = try CLI.run(
                ["render", "--weights", Hostile.weights, "--layers", "Conv1", "--out", out, Hostile.image],
                environment: ["FEATUREMAPS_READER": setting])
            XCTAssertEqual(r.status, 66, r.stderr)
            XCTAssertEqual(r.stdout, "")
            let message = Hostile.assertFailureLines(r, count: 1, naming: [setting]).first ?? ""
            for text in expected { XCTAssert(message.contains(text), "'\(message)' lacks '\(text)'") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "output directory created")
        }
    }
}

enum DerivedWeights {
    static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (8 * $0)) & 0xFF) } }

    /// Every offset at which `needle` occurs in `haystack`.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard let first = needle.first, needle.count <= haystack.count else { return [] }
        var hits: [Int] = []
        for i in 0...(haystack.count - needle.count) where haystack[i] == first {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { hits.append(i) }
        }
        return hits
    }

    /// Where the float32 values of `dataset` start in the fixture file (contiguous storage):
    /// found by searching for its first 16 values, which must occur exactly once.
    static func offsetOfValues(_ dataset: String, in bytes: [UInt8]) throws -> Int {
        let values = try HDF5File(path: Hostile.weights).floatDataset(dataset, maxValues: 1 << 24).values
        let needle = values.prefix(16).flatMap { v in (0..<4).map { UInt8((v.bitPattern >> (8 * UInt32($0))) & 0xFF) } }
        let hits = find(needle, in: bytes)
        guard hits.count == 1 else { throw FixtureProblem("\(dataset): its values occur \(hits.count) times") }
        return hits[0]
    }
}

struct FixtureProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
