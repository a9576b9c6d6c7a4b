import Foundation
import XCTest
import FeatureMapsEngine
@testable import FeatureMapsWeights

/// The reader process locates contiguous float32 arrays instead of sending their values; the caller
/// reads them from its own descriptor (WeightsManifest.resolve). The oracle for "where" is h5py's
/// `Dataset.id.get_offset()`, recorded by Scripts/make_fixtures.py in tiny_files.json.
final class WeightsManifestTests: XCTestCase {
    static let root = KerasWeightsFileTests.root
    func fixture(_ name: String) -> String { Self.root + "/Fixtures/weights/" + name }

    /// mixed_storage.h5 has a 512-byte user block and every storage kind: exactly the contiguous
    /// '<f4' datasets are located, at h5py's offsets; the others (big-endian, float64, int32,
    /// chunked, gzip) are read by HDF5 with their values converted.
    func testLocatedArraysAreWhereH5pySaysTheyAre() throws {
        let description =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: fixture("tiny_files.json")))) as! [String: Any]
        let offsets = description["mixed_storage_offsets"] as! [String: Int]
        XCTAssertEqual(offsets.count, 5)
        let manifest = try KerasWeightsFile.manifest(HDF5File(path: fixture("mixed_storage.h5")), locating: true)
        var located: [String: Int] = [:], read = 0
        for (l, layer) in (description["layers"] as! [[String: Any]]).enumerated() {
            for (i, w) in (layer["weights"] as! [[String: Any]]).enumerated() {
                let name = layer["name"] as! String, short = KerasWeightsFile.shortWeightName(w["name"] as! String)
                switch manifest.layers[name]?[short] {
                case .located(let shape, let offset)?:
                    XCTAssertEqual(shape, w["shape"] as! [Int])
                    located[w["path"] as! String] = offset
                case .values(_, let values)?:
                    read += 1
                    XCTAssertEqual(values, (0..<values.count).map { Float($0 + 1000 * l + 100 * i) })
                case nil:
                    XCTFail("\(name)/\(short) missing")
                }
            }
        }
        XCTAssertEqual(located, offsets)
        XCTAssertEqual(read, 5)
        XCTAssertEqual(manifest.file?.size, try FileManager.default.attributesOfItem(atPath: fixture("mixed_storage.h5"))[.size] as? Int)
        // Without locating, nothing is.
        let plain = try KerasWeightsFile.manifest(HDF5File(path: fixture("mixed_storage.h5")), locating: false)
        XCTAssertNil(plain.file)
        XCTAssert(plain.layers.values.allSatisfy { $0.values.allSatisfy { if case .values = $0 { true } else { false } } })
    }

    /// Files Keras writes store every array contiguous float32: all are located, none sent.
    func testEveryArrayOfAKerasFileIsLocated() throws {
        var paths = [fixture("mobilenet_v2_0.35_224_fixture.h5")]
        let real = Self.root + "/../shared/weights/mobilenet_v2_1.0_224_dequantized.h5"
        if FileManager.default.fileExists(atPath: real) {
            paths.append(real)
        } else {
            print("note: \(real) is absent (no ../shared); checking the fixture only")
        }
        for path in paths {
            let manifest = try KerasWeightsFile.manifest(HDF5File(path: path), locating: true)
            let arrays = manifest.layers.values.flatMap { $0.values }
            XCTAssertGreaterThan(arrays.count, 200, path)
            XCTAssert(arrays.allSatisfy { if case .located = $0 { true } else { false } }, path)
        }
    }

    /// What the parent is told is checked against the file it holds: any range, shape or file the
    /// file does not hold is `changedWhileReading`, a one-line message naming the file.
    func testResolveRefusesWhatTheFileDoesNotHold() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fm-manifest-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let copy = dir + "/mixed.h5"
        try FileManager.default.copyItem(atPath: fixture("mixed_storage.h5"), toPath: copy)
        let manifest = try KerasWeightsFile.manifest(HDF5File(path: copy), locating: true)
        let size = try XCTUnwrap(manifest.file?.size)

        func resolve(_ m: WeightsManifest, _ path: String = copy) throws -> KerasWeights {
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            return try m.resolve(fd: fd, path: copy)
        }
        func replacing(_ stored: WeightsManifest.Stored) -> WeightsManifest {
            var m = manifest
            m.layers["conv_a"]?["kernel"] = stored
            return m
        }
        // The honest answer resolves to HDF5's own reading.
        XCTAssertEqual(try resolve(manifest).layers, try IsolatedReader.readInProcess(path: copy).layers)

        let refused: [(String, WeightsManifest)] = [
            ("past the end", replacing(.located(shape: [1, 1, 2, 3], offset: size - 20))),
            ("negative offset", replacing(.located(shape: [1, 1, 2, 3], offset: -4))),
            ("no values", replacing(.located(shape: [0], offset: 4096))),
            ("negative dimension", replacing(.located(shape: [-2, -3], offset: 4096))),
            ("above the array limit", replacing(.located(shape: [KerasWeightsFile.maxValuesPerArray + 1], offset: 0))),
            ("overflowing shape", replacing(.located(shape: [1 << 40, 1 << 40], offset: 0))),
        ]
        for (what, m) in refused {
            XCTAssertThrowsError(try resolve(m), what) { error in
                XCTAssertEqual(error as? WeightsError, .changedWhileReading(path: copy), what)
            }
        }
        // Another file than the one the child read.
        XCTAssertThrowsError(try resolve(manifest, fixture("split_layer_names.h5"))) { error in
            XCTAssertEqual(error as? WeightsError, .changedWhileReading(path: copy))
        }
        // The same file, shortened after the child read it (the last located array is cut off).
        let last = manifest.layers.values.flatMap { $0.values }.compactMap { s -> Int? in
            if case .located(_, let offset) = s { return offset } else { return nil }
        }.max()!
        XCTAssertEqual(truncate(copy, off_t(last + 2)), 0)
        XCTAssertThrowsError(try resolve(manifest)) { error in
            XCTAssertEqual(error as? WeightsError, .changedWhileReading(path: copy))
            let message = (error as? WeightsError)?.errorDescription ?? ""
            XCTAssert(message.contains(copy) && message.contains("try again") && !message.contains("\n"), message)
        }
    }
}
