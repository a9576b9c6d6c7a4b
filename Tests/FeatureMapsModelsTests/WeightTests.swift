import Foundation
import XCTest
import TestSupport
import FeatureMapsEngine
import FeatureMapsWeights
@testable import FeatureMapsModels

/// Stored arrays given by hand -> layers' named weights: Keras's key paths and variable names, the
/// checks of names, counts, types, values and shapes; and the kinds of file KerasModelFile tells apart.
final class WeightTests: XCTestCase {
    typealias Stored = KerasStoredFile.StoredArray

    func array(_ shape: [Int], _ value: Float = 0.5) -> WeightArray {
        WeightArray(shape: shape, values: [Float](repeating: value, count: shape.reduce(1, *)))
    }
    func vars(_ path: String, _ shapes: [[Int]], name: String? = nil, integers: Bool = false) -> KerasStoredFile.StoredGroup {
        .init(
            path: path, layerName: name,
            arrays: shapes.enumerated().map { Stored(name: String($0.offset), array: array($0.element), storedAsIntegers: integers) })
    }
    /// input x -> `layers` (each called on the previous), Functional "m".
    func model(_ layers: [(String, String, String)]) -> String {
        var previous = "x", json: [String] = [ConfigTests.input]
        for (className, name, extra) in layers {
            json.append(ConfigTests.layer(className, name, config: extra, calls: [ConfigTests.call(ConfigTests.tensor(previous))]))
            previous = name
        }
        return ConfigTests.functional("m", json, outputs: #"["\#(previous)", 0, 0]"#)
    }
    func stored(_ groups: [KerasStoredFile.StoredGroup]) -> KerasStoredFile.StoredModel { .init(layout: .variables, attributes: [:], groups: groups) }

    func testKerasKeysAndNames() throws {
        let json = model([
            ("Dense", "first", #""units": 3"#), ("BatchNormalization", "bn", #""scale": false"#),
            ("Dense", "second", #""units": 2, "use_bias": false"#), ("Foo", "foo", ""),
        ])
        let d = try ConfigTests.describe(
            json,
            stored: stored([
                vars("layers/dense", [[4, 3], [3]], name: "first"), vars("layers/batch_normalization", [[3], [3], [3]]),
                vars("layers/dense_1", [[3, 2]]), vars("layers/foo", [[1], [2]]),
            ]))
        XCTAssertEqual(
            d.layers.map { $0.weights.map(\.name) }, [[], ["kernel", "bias"], ["beta", "moving_mean", "moving_variance"], ["kernel"], ["0", "1"]])
        XCTAssertEqual(d.parameterCount, 12 + 3 + 9 + 6 + 3)
    }

    func testStoredWeightsThatDoNotFitAreRefused() {
        let dense = model([("Dense", "d", #""units": 3"#)])
        func refused(_ groups: [KerasStoredFile.StoredGroup]) -> ModelError? { ConfigTests.refusal(dense, stored: stored(groups)) }
        guard case .unexpectedWeights(_, "layers/dense_1")? = refused([vars("layers/dense", [[4, 3], [3]]), vars("layers/dense_1", [[1]])]) else {
            return XCTFail()
        }
        guard case .unexpectedWeights? = refused([vars("layers/dense", [[4, 3], [3]], name: "other")]) else { return XCTFail() }
        guard case .weightMissing? = refused([vars("layers/dense", [[4, 3]])]) else { return XCTFail() }
        guard case .weightMissing? = refused([]) else { return XCTFail() }
        guard case .integerWeight(_, _, "kernel")? = refused([vars("layers/dense", [[4, 3], [3]], integers: true)]) else { return XCTFail() }
        guard case .shapeMismatch(_, _, "kernel", _, [4, 5])? = refused([vars("layers/dense", [[4, 5], [3]])]) else { return XCTFail() }
        guard case .shapeMismatch(_, _, "bias", _, [4])? = refused([vars("layers/dense", [[4, 3], [4]])]) else { return XCTFail() }
        let nan = KerasStoredFile.StoredGroup(
            path: "layers/dense", layerName: nil,
            arrays: [
                Stored(name: "0", array: array([4, 3]), storedAsIntegers: false),
                Stored(name: "1", array: WeightArray(shape: [3], values: [0, .infinity, 0]), storedAsIntegers: false),
            ])
        guard case .nonFinite(_, let layer, "bias", 1, .infinity)? = refused([nan]) else { return XCTFail() }
        XCTAssertEqual(layer.name, "d")
    }

    /// Normalization's `count` is an int variable in Keras: the one integer array accepted.
    func testNormalizationCountMayBeAnInteger() throws {
        let json = model([("Normalization", "norm", #""mean": null, "variance": null"#)])
        let group = KerasStoredFile.StoredGroup(
            path: "layers/normalization", layerName: "norm",
            arrays: [
                Stored(name: "0", array: array([4]), storedAsIntegers: false), Stored(name: "1", array: array([4]), storedAsIntegers: false),
                Stored(name: "2", array: array([], 10), storedAsIntegers: true),
            ])
        let d = try ConfigTests.describe(json, stored: stored([group]))
        XCTAssertEqual(d.layers[1].weights.map(\.name), ["mean", "variance", "count"])
    }

    /// Keras 2's DepthwiseConv2D names its kernel depthwise_kernel; Keras 3 kernel.
    func testKeras2WeightNamesAreKeras3s() throws {
        let json = model([("DepthwiseConv2D", "dw", #""kernel_size": 3, "depth_multiplier": 2"#)])
        let group = KerasStoredFile.StoredGroup(
            path: "dw", layerName: nil,
            arrays: [
                Stored(name: "dw/depthwise_kernel:0", array: array([3, 3, 4, 2]), storedAsIntegers: false),
                Stored(name: "dw/bias:0", array: array([8]), storedAsIntegers: false),
            ])
        let d = try ConfigTests.describe(json, major: 2, format: .h5, stored: .init(layout: .legacyModel, attributes: [:], groups: [group]))
        XCTAssertEqual(d.layers[1].weights.map(\.name), ["kernel", "bias"])
        let wrong = KerasStoredFile.StoredGroup(
            path: "dw", layerName: nil,
            arrays: [
                group.arrays[0],
                Stored(name: "dw/bias:0", array: array([4]), storedAsIntegers: false),
            ])
        guard
            case .shapeMismatch(_, _, "bias", _, [4])? = ConfigTests.refusal(
                json, major: 2, format: .h5, stored: .init(layout: .legacyModel, attributes: [:], groups: [wrong]))
        else {
            return XCTFail()
        }
    }

    // MARK: kinds of file

    /// The applications' weights-only file: recognised, read as WeightsLoader reads it.
    func testWeightsOnlyFileIsSaidToBeSo() throws {
        let path = Zoo.packageRoot + "/Fixtures/weights/mobilenet_v2_0.35_224_fixture.h5"
        guard case .weightsOnly(let weights) = try KerasModelFile.read(path: path) else { return XCTFail("not weights-only") }
        let loaded = try IsolatedReader.read(path: path)
        XCTAssertEqual(weights.layerOrder, loaded.layerOrder)
        XCTAssertEqual(weights.layers, loaded.layers)
        XCTAssertEqual(try WeightsLoader.load(path: path).storedParameters, weights.parameterCount)
    }

    /// model.weights.h5 alone (a Keras 3 .weights.h5): weights without the model.
    func testKeras3WeightsFileAloneIsRefused() throws {
        let keras = try Zoo.path("classroom_cnn.keras")
        let path = ZipFixtures.path("classroom.weights.h5")
        var archive = try KerasArchive(path: keras)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try archive.copyWeights(to: fd)
        close(fd)
        defer { unlink(path) }
        XCTAssertThrowsError(try KerasModelFile.read(path: path)) { error in
            XCTAssertEqual(error as? ModelError, .weightsWithoutArchitecture(file: path))
        }
        // The weights-only reader refuses it as it always has.
        XCTAssertThrowsError(try WeightsLoader.load(path: path)) { error in
            XCTAssertEqual(error as? WeightsError, .notKerasLayout(path: path))
        }
    }

    func testFilesThatAreNoModel() throws {
        let directory = ZipFixtures.path("kinds")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let empty = directory + "/empty.keras", text = directory + "/notes.txt", fake = directory + "/fake.keras"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        _ = FileManager.default.createFile(atPath: text, contents: Data("hello".utf8))
        _ = FileManager.default.createFile(atPath: fake, contents: Data("hello".utf8))
        let expected: [(String, ModelError)] = [
            (directory + "/none.keras", .notFound(file: directory + "/none.keras")), (directory, .isDirectory(file: directory)),
            (empty, .empty(file: empty)), (text, .unknownFormat(file: text, start: "68 65 6c 6c 6f")), (fake, .notZip(file: fake)),
        ]
        for (path, error) in expected {
            XCTAssertThrowsError(try KerasModelFile.read(path: path)) { XCTAssertEqual($0 as? ModelError, error) }
        }
    }

    /// A model file on which libhdf5 copies overlapping memory (Fuzz/reproducers/model-archive):
    /// depending on the heap's layout the reader child crashes or libhdf5 reports the failed read;
    /// either way one line, and this process goes on.
    func testALibhdf5CrashOnAModelFileIsAnError() throws {
        let path = Zoo.packageRoot + "/Fuzz/reproducers/model-archive/model-config-global-heap-memcpy-overlap.h5"
        for _ in 0..<5 {
            XCTAssertThrowsError(try KerasModelFile.read(path: path)) { error in
                guard case .hdf5(_, nil, let reason)? = error as? ModelError else { return XCTFail("\(error)") }
                switch reason {
                case .readerCrashed, .hdf5: break
                default: XCTFail("\(reason)")
                }
                XCTAssertFalse((error as! ModelError).errorDescription!.contains("\n"))
            }
        }
    }

    /// The same model read in the reader child and in this process.
    func testIsolatedAndInProcessReadingsAgree() throws {
        for file in ["transfer_mobilenetv2.keras", "transfer_mobilenetv2.h5"] {
            let path = try Zoo.path(file)
            guard case .model(let a) = try KerasModelFile.read(path: path), case .model(let b) = try KerasModelFile.read(path: path, isolated: false)
            else {
                return XCTFail()
            }
            XCTAssertEqual(a, b, file)
        }
    }
}
