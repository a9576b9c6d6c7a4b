import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsWeights

/// The engine against Keras itself: reference outputs made by Scripts/make_fixtures.py with
/// TensorFlow/Keras on the same weights file and image (see Fixtures/README.md).
/// Criterion per layer: max |engine - keras| <= 1e-5 * max |keras| over the stored values (the
/// README's claim; measured at most 6.3e-6)
/// (large layers store a subset of channels, listed in the manifest), and the same top-5 classes.
final class KerasAgreementTests: XCTestCase {
    /// What README.md's Correctness section promises.
    static let relativeTolerance: Float = 1e-5

    func testFixtureModelMatchesKerasOnEveryReferenceLayer() throws {
        try compare(manifest: "Fixtures/reference/fixture_0.35")
    }

    /// 81x97 input: odd sizes exercise Conv1's 'same' and correct_pad's (1, 1) padding.
    func testFixtureModelMatchesKerasOnOddInputSize() throws {
        try compare(manifest: "Fixtures/reference/fixture_0.35_odd")
    }

    func testRealWeightsMatchKeras() throws {
        _ = try Fixtures.sharedFile("weights/mobilenet_v2_1.0_224_dequantized.h5")
        try compare(manifest: "Fixtures/reference/real_1.0")
    }

    private func compare(manifest folder: String) throws {
        let manifest = try Fixtures.json(folder + "/manifest.json")
        let weightsPath = Fixtures.path(try XCTUnwrap(manifest["weights_file"] as? String))
        let imagePath = Fixtures.path(try XCTUnwrap(manifest["image_file"] as? String))
        let model = try WeightsLoader.load(path: weightsPath).model  // its layer table
        let image = try ImageDecoder.decode(contentsOfFile: imagePath)
        let input = Preprocess.mobileNetV2(rgb: image.pixels, width: image.width, height: image.height)
        let layers = try XCTUnwrap(manifest["layers"] as? [[String: Any]])
        let names = layers.compactMap { $0["name"] as? String }
        XCTAssertGreaterThanOrEqual(names.count, 10, "the manifest should cover many layers")
        let outputs = try MobileNetV2Runs.outputs(weightsPath, input, layers: names, threads: 2)
        let table = model.layers(height: image.height, width: image.width)

        for layer in layers {
            let name = try XCTUnwrap(layer["name"] as? String)
            let shape = try XCTUnwrap(layer["shape"] as? [Int])
            let channels = try XCTUnwrap(layer["channels"] as? [Int])
            let kind = try XCTUnwrap(layer["class_name"] as? String)
            let actual = try XCTUnwrap(outputs[name], "engine did not return \(name)")
            let info = try XCTUnwrap(table.first { $0.name == name })
            XCTAssertEqual(info.kind.rawValue, kind, "\(name): layer kind")
            let full = shape.count == 1 ? [1, 1, shape[0]] : shape
            XCTAssertEqual([actual.height, actual.width, actual.channels], full, "\(name): shape")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(folder)/\(layer["file"]!)"))))
            let (_, expected) = try NPY.decodeFloat32(bytes)
            let pixels = actual.height * actual.width
            XCTAssertEqual(expected.count, pixels * channels.count, "\(name): reference size")
            var worst: (diff: Float, pixel: Int, channel: Int) = (0, 0, 0)
            var scale: Float = 0
            for p in 0..<pixels {
                for (k, c) in channels.enumerated() {
                    let e = expected[p * channels.count + k]
                    scale = max(scale, abs(e))
                    let d = abs(actual.data[p * actual.channels + c] - e)
                    if !(d <= worst.diff) { worst = (d, p, c) }
                }
            }
            let tolerance = Self.relativeTolerance * max(scale, 1e-12)
            XCTAssertLessThanOrEqual(
                worst.diff, tolerance,
                "\(folder) \(name): max |engine - keras| = \(worst.diff) > \(tolerance) at y \(worst.pixel / actual.width), "
                    + "x \(worst.pixel % actual.width), channel \(worst.channel)")
            print(
                "keras agreement \(folder) \(name): max |diff| \(worst.diff), max |keras| \(scale), "
                    + "relative \(worst.diff / max(scale, 1e-12))")
        }
        let top5 = try XCTUnwrap(manifest["top5"] as? [[String: Any]]).compactMap { $0["index"] as? Int }
        let probabilities = try XCTUnwrap(outputs["predictions"]).data
        XCTAssertEqual(Predictions.top(5, of: probabilities).map(\.classIndex), top5, "\(folder): top-5 classes")
    }
}
