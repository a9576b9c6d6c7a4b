import Foundation
import XCTest
import FeatureMapsEngine
@testable import FeatureMapsWeights

/// The reader's part for model files (FeatureMapsHDF5's KerasModelStorage): what it finds in the zoo's files (when the zoo is
/// there) and how WireFormat carries it.
final class KerasModelStorageTests: XCTestCase {
    func testWireFormatCarriesTheModelPart() throws {
        let storage = KerasModelStorage(
            layout: .variables, attributes: ["model_config": "{\"a\": 1}", "keras_version": "3.15.1"],
            groups: [
                .init(path: "layers/conv2d", arrays: ["0", "1"], layerName: "Conv1", integerArrays: []),
                .init(path: "", arrays: ["0"], layerName: nil, integerArrays: ["0"]),
            ])
        let manifest = WeightsManifest(
            layerOrder: ["layers/conv2d", ""],
            layers: [
                "layers/conv2d": ["0": .located(shape: [3, 3, 1, 8], offset: 800), "1": .values(shape: [8], values: .init(repeating: 1, count: 8))],
                "": ["0": .values(shape: [], values: [7])],
            ],
            file: FileIdentity(device: 1, inode: 2, size: 4096), model: storage)
        let bytes = WireFormat.encode(.success(manifest))
        guard case .success(let back)? = WireFormat.decode(bytes) else { return XCTFail("no round trip") }
        XCTAssertEqual(back, manifest)
        for cut in 0..<bytes.count { XCTAssertNil(WireFormat.decode(Array(bytes.prefix(cut))), "prefix \(cut)") }
    }

    /// A legacy full-model file (the zoo's classroom_cnn.h5): Keras 3 stores weight paths with the
    /// model's name ("sequential/conv2d/kernel"). The Keras 3 variables layout is read in
    /// FeatureMapsModelsTests (it sits inside a .keras archive).
    func testTheChildReadsALegacyModelFile() throws {
        let local = KerasWeightsFileTests.root + "/Fixtures/zoo"
        guard
            let directory = [ProcessInfo.processInfo.environment["FEATUREMAPS_ZOO"], local].compactMap({ $0 })
                .first(where: { FileManager.default.fileExists(atPath: $0 + "/classroom_cnn.h5") })
        else { throw XCTSkip("no model zoo") }
        // The legacy full model: layer_names' order, weight_names' order, the root attributes.
        guard case .model(let model) = try KerasStoredFile.read(path: directory + "/classroom_cnn.h5") else { return XCTFail() }
        XCTAssertEqual(model.layout, .legacyModel)
        XCTAssertNotNil(model.attributes["model_config"])
        XCTAssertEqual(model.attributes["keras_version"], "3.15.1")
        let conv = try XCTUnwrap(model.groups.first { $0.path == "conv2d" })
        XCTAssertEqual(conv.arrays.map(\.name), ["sequential/conv2d/kernel", "sequential/conv2d/bias"])
        XCTAssertEqual(conv.arrays.map(\.array.shape), [[3, 3, 1, 8], [8]])
        // The same model through the weights-only reader: as before, short names.
        let weights = try IsolatedReader.read(path: directory + "/classroom_cnn.h5")
        XCTAssertEqual(weights["conv2d", "kernel"], conv.arrays[0].array)
        // Keras 3's top_level_model_weights group is the model's, not in layer_names: not listed there.
        XCTAssert(model.groups.contains { $0.path == "top_level_model_weights" })
        XCTAssertEqual(weights.layerOrder, model.groups.map(\.path).filter { $0 != "top_level_model_weights" })
    }
}
