import Foundation
import XCTest
import FeatureMaps
@testable import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsWeights

/// Grad-CAM and saliency against Keras's tf.GradientTape on the same weights and images
/// (Scripts/make_explain_fixtures.py, Fixtures/reference/explain). Criterion for every stored
/// array: max |swift - keras| <= 1e-4 * max |keras|; the explained class must be Keras's top-1.
final class ExplainKerasTests: XCTestCase {
    static let folder = "Fixtures/reference/explain"

    func testFixtureModelAt224MatchesKeras() throws {
        try compare(case: "fixture")
    }

    /// 81x97: odd sizes exercise the backward of Conv1's 'same' padding and of correct_pad.
    func testFixtureModelAtOddSizeMatchesKeras() throws {
        try compare(case: "odd")
    }

    func testRealWeightsGradCAMOnCatMatchesKeras() throws {
        _ = try Fixtures.sharedFile("weights/mobilenet_v2_1.0_224_dequantized.h5")
        _ = try Fixtures.sharedFile("images/cat.png")
        try compare(case: "real_cat")
    }

    /// `Bilinear.resize` against tf.image.resize(method="bilinear") on small random maps.
    func testBilinearUpsamplingMatchesTensorFlow() throws {
        let manifest = try Fixtures.json(Self.folder + "/manifest.json")
        let cases = try XCTUnwrap(manifest["upsample_cases"] as? [[String: Any]])
        XCTAssertFalse(cases.isEmpty)
        for c in cases {
            let input = try XCTUnwrap(c["input"] as? [[Double]])
            let expected = try XCTUnwrap(c["output"] as? [[Double]]).flatMap { $0 }.map { Float($0) }
            let size = try XCTUnwrap(c["output_size"] as? [Int])
            let out = Bilinear.resize(
                input.flatMap { $0 }.map { Float($0) }, height: input.count, width: input[0].count,
                toHeight: size[0], toWidth: size[1])
            check(out, expected, "bilinear \(input.count)x\(input[0].count) -> \(size[0])x\(size[1])")
        }
    }

    /// Runs `explain` as the command does (class, logit and Grad-CAM at out_relu, which needs no
    /// ReLU6 mask, are compared as they come), then every stored array from one forward record in
    /// which the listed ReLU6 ties (units within float noise of 0 or 6, see Fixtures/README.md)
    /// take Keras's side.
    private func compare(case name: String) throws {
        let manifest = try Fixtures.json(Self.folder + "/manifest.json")
        let cases = try XCTUnwrap(manifest["cases"] as? [String: Any])
        let spec = try XCTUnwrap(cases[name] as? [String: Any], "manifest has no case \(name)")
        let weightsPath = Fixtures.path(try XCTUnwrap(spec["weights_file"] as? String))
        // Photos are resized to 224x224 as Keras's script did (PIL bilinear, no crop); fixtures are used as they are.
        let input = try Self.input(
            Fixtures.path(try XCTUnwrap(spec["image_file"] as? String)),
            resizeTo: spec["resize"] == nil ? nil : 224)
        let classIndex = try XCTUnwrap(spec["class_index"] as? Int)
        let logit = try XCTUnwrap(spec["logit"] as? Double)
        let gradcams = try XCTUnwrap(spec["gradcam"] as? [[String: Any]])
        let saliency = spec["saliency"] as? [String: Any]
        let layers = try gradcams.map { try XCTUnwrap($0["layer"] as? String) }

        let driver = try MobileNetV2Runs.gradient(weightsPath, input)
        let e = try driver.explain([NDArray(input)], class: .top1, gradCAMLayer: "out_relu", saliency: saliency != nil)
        XCTAssertEqual(e.classIndex, classIndex, "\(name): top-1 class")
        XCTAssertEqual(Double(e.logit), logit, accuracy: 1e-4 * abs(logit), "\(name): logit")
        if let i = layers.firstIndex(of: "out_relu") {
            check(
                try XCTUnwrap(e.gradCAM).map, try load(gradcams[i]["map_file"] as? String).values,
                "\(name) out_relu Grad-CAM map from explain()")
        }
        if let saliency, let s = e.saliency {
            let expected = try load(saliency["file"] as? String).values
            print(
                "explain keras agreement \(name) saliency from explain(), ReLU6 ties as the engine computed them: "
                    + "relative \(relativeDifference(s.values, expected))")
        }

        let ties = try XCTUnwrap(spec["relu6_ties"] as? [String: [[Double]]])
        let flipped = Counter()
        let r = try driver.run(
            [NDArray(input)], class: .index(classIndex), at: layers, inputGradients: saliency != nil,
            adjusting: ties.mapValues { units in { value in flipped.count += Self.applyTies(units, to: &value) } })
        print(
            "explain keras agreement \(name): \(ties.values.map(\.count).reduce(0, +)) ReLU6 ties listed, "
                + "\(flipped.count) of them on the other side of the kink in the engine")
        for (i, layer) in layers.enumerated() {
            let cam = GradCAM(
                layer: layer, activation: try XCTUnwrap(r.values[layer]?.tensor), gradient: try XCTUnwrap(r.gradients[layer]?.tensor))
            let weights = try load(gradcams[i]["weights_file"] as? String)
            let map = try load(gradcams[i]["map_file"] as? String)
            XCTAssertEqual(weights.shape, [cam.activation.channels], "\(name) \(layer): weights shape")
            XCTAssertEqual(map.shape, [cam.height, cam.width], "\(name) \(layer): map shape")
            check(cam.channelWeights, weights.values, "\(name) \(layer) Grad-CAM weights")
            check(cam.map, map.values, "\(name) \(layer) Grad-CAM map")
        }
        if let saliency {
            let s = SaliencyMap(inputGradient: try XCTUnwrap(r.inputGradients.first?.tensor))
            let expected = try load(saliency["file"] as? String)
            XCTAssertEqual(expected.shape, [s.height, s.width], "\(name): saliency shape")
            check(s.values, expected.values, "\(name) saliency")
        }
    }

    private final class Counter { var count = 0 }

    /// Sets each listed ReLU6 output [y, x, c, value] of `map` to Keras's value; returns how many had
    /// the other mask (0 < y < 6 or not) in the engine.
    private static func applyTies(_ units: [[Double]], to map: inout NDArray) -> Int {
        var flipped = 0
        for u in units {
            let (y, x, c, value) = (Int(u[0]), Int(u[1]), Int(u[2]), Float(u[3]))
            let passes = { (v: Float) in v > 0 && v < 6 }
            if passes(map[y, x, c]) != passes(value) { flipped += 1 }
            map[y, x, c] = value
        }
        return flipped
    }

    static func input(_ path: String, resizeTo size: Int?) throws -> Tensor {
        let decoded = try ImageDecoder.decode(contentsOfFile: path)
        let image = size.map { ImageResizer.resizeBilinear(decoded, width: $0, height: $0) } ?? decoded
        return Preprocess.mobileNetV2(rgb: image.pixels, width: image.width, height: image.height)
    }

    private func load(_ file: String?) throws -> (shape: [Int], values: [Float]) {
        let url = URL(fileURLWithPath: Fixtures.path(Self.folder + "/" + (try XCTUnwrap(file))))
        return try NPY.decodeFloat32([UInt8](try Data(contentsOf: url)))
    }

    private func relativeDifference(_ actual: [Float], _ expected: [Float]) -> Float {
        zip(actual, expected).map { abs($0 - $1) }.max()! / expected.map(abs).max()!
    }

    /// max |actual - expected| <= 1e-4 * max |expected|, printing the measured relative difference.
    private func check(
        _ actual: [Float], _ expected: [Float], _ what: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(actual.count, expected.count, "\(what): size", file: file, line: line)
        guard actual.count == expected.count, !expected.isEmpty else { return }
        let scale = expected.map(abs).max()!
        var worst = (diff: Float(0), index: 0)
        for i in expected.indices {
            let d = abs(actual[i] - expected[i])
            if !(d <= worst.diff) { worst = (d, i) }
        }
        XCTAssertLessThanOrEqual(
            worst.diff, 1e-4 * scale,
            "\(what): max |swift - keras| \(worst.diff) at \(worst.index) "
                + "(\(actual[worst.index]) vs \(expected[worst.index])), max |keras| \(scale)",
            file: file, line: line)
        print("explain keras agreement \(what): max |diff| \(worst.diff), max |keras| \(scale), relative \(worst.diff / scale)")
    }
}
