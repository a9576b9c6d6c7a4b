import Foundation
import XCTest
import FeatureMapsEngine
import FeatureMapsWeights

final class KerasWeightsFileTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    func fixture(_ name: String) -> String { Self.root + "/Fixtures/weights/" + name }

    /// layer_names split into layer_names0/1/2 (as Keras does for long lists), fixed-length strings;
    /// the same with variable-length weight_names; and with every storage kind (mixed_storage.h5,
    /// converted to float32 by HDF5). Values follow tiny_files.json's rule.
    func testSplitLayerNamesAndVariableLengthStrings() throws {
        let description =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: fixture("tiny_files.json")))) as! [String: Any]
        let layers = description["layers"] as! [[String: Any]]
        for file in description["files"] as! [String] {
            let weights = try KerasWeightsFile.read(HDF5File(path: fixture(file)))
            XCTAssertEqual(weights.layerOrder, layers.map { $0["name"] as! String }, file)
            for (l, layer) in layers.enumerated() {
                for (i, w) in (layer["weights"] as! [[String: Any]]).enumerated() {
                    let short = KerasWeightsFile.shortWeightName(w["name"] as! String)
                    let array = try XCTUnwrap(weights[layer["name"] as! String, short], "\(file): \(w["name"]!)")
                    XCTAssertEqual(array.shape, w["shape"] as! [Int])
                    let expected = (0..<array.values.count).map { Float($0 + 1000 * l + 100 * i) }
                    XCTAssertEqual(array.values, expected, "\(file): \(w["name"]!)")
                }
            }
        }
    }

    func testFixtureWeightsLoadAsAlpha035() throws {
        let loaded = try WeightsLoader.load(path: fixture("mobilenet_v2_0.35_224_fixture.h5"))
        XCTAssertEqual(loaded.model.architecture.alpha, 0.35)
        XCTAssertEqual(loaded.model.architecture.classes, 1000)
        XCTAssertEqual(loaded.storedParameters, 1_691_208)  // Keras's total_params for alpha 0.35
    }

    func testSharedRealWeightsLoadAsAlpha1() throws {
        let path = Self.root + "/../shared/weights/mobilenet_v2_1.0_224_dequantized.h5"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) is absent (no ../shared)") }
        let loaded = try WeightsLoader.load(path: path)
        XCTAssertEqual(loaded.model.architecture.alpha, 1.0)
        XCTAssertEqual(loaded.model.parameterCount, 3_538_984)
    }

    func testFileSystemMistakesGetTheirOwnErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fm-weights-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = dir + "/empty.h5", text = dir + "/text.h5", truncated = dir + "/truncated.h5"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        _ = FileManager.default.createFile(atPath: text, contents: Data("not an hdf5 file\n".utf8))
        let real = try Data(contentsOf: URL(fileURLWithPath: fixture("mobilenet_v2_0.35_224_fixture.h5")))
        _ = FileManager.default.createFile(atPath: truncated, contents: real.prefix(real.count / 2))
        let cases: [(String, WeightsError)] = [
            (dir + "/missing.h5", .notFound(path: dir + "/missing.h5")),
            (dir, .isDirectory(path: dir)),
            (empty, .empty(path: empty)),
            (text, .notHDF5(path: text)),
        ]
        for (path, expected) in cases {
            XCTAssertThrowsError(try WeightsLoader.load(path: path)) { XCTAssertEqual($0 as? WeightsError, expected) }
        }
        XCTAssertThrowsError(try WeightsLoader.load(path: truncated)) { error in
            XCTAssert(error is WeightsError, "truncated file: \(error)")
            XCTAssert((error as? LocalizedError)?.errorDescription?.contains(truncated) == true)
        }
        // An HDF5 file that is not in Keras's layout: the tiny split file lacks nothing, so use its
        // layers as a model: it is refused as "not MobileNetV2", naming Conv1.
        XCTAssertThrowsError(try WeightsLoader.load(path: fixture("split_layer_names.h5"))) { error in
            guard case .architecture(_, .missingLayer("Conv1", _)) = error as? WeightsError else { return XCTFail("\(error)") }
        }
    }
}
