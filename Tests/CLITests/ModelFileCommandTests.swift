import Foundation
import XCTest
import FeatureMaps

/// The commands on the user's own model files (`--model`), against Keras's numbers in the zoo's
/// manifests (Scripts/make_zoo.py): the fixture inputs are .npy arrays, fed as they are.
final class ModelFileCommandTests: XCTestCase {
    static func zoo(_ name: String) -> String { CLI.fixture("zoo/" + name) }

    static func manifest(_ model: String) throws -> [String: Any] {
        try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: zoo(model + "/manifest.json")))) as? [String: Any])
    }

    func testClassifyGivesKerasTop5FromBothFiles() throws {
        for model in ["transfer_mobilenetv2", "mobilenetv3small", "resnet_mini", "classroom_cnn"] {
            let top5 = try XCTUnwrap(try Self.manifest(model)["top5"] as? [[String: Any]]).map { $0["index"] as! Int }
            for file in [model + ".keras", model + ".h5"] {
                let r = try CLI.run(["classify", "--model", Self.zoo(file), "--top", "5", "--json", Self.zoo(model + "_input.npy")])
                XCTAssertEqual(r.status, 0, "\(file): \(r.stderr)")
                let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
                let predictions = try XCTUnwrap(json.first?["predictions"] as? [[String: Any]])
                XCTAssertEqual(predictions.map { $0["index"] as! Int }, top5, file)
            }
        }
    }

    func testLabelsFromTextAndJSONNameTheClasses() throws {
        let dir = try CLI.temporaryDirectory(self)
        let names = ["daisy", "dandelion", "rose", "sunflower", "tulip"]
        let text = dir + "/labels.txt", json = dir + "/labels.json", short = dir + "/short.txt"
        try (names.joined(separator: "\r\n") + "\r\n").write(toFile: text, atomically: true, encoding: .utf8)
        try String(decoding: JSONSerialization.data(withJSONObject: names), as: UTF8.self).write(toFile: json, atomically: true, encoding: .utf8)
        try "a\nb\n".write(toFile: short, atomically: true, encoding: .utf8)
        let model = Self.zoo("transfer_mobilenetv2.keras"), input = Self.zoo("transfer_mobilenetv2_input.npy")
        for file in [text, json] {
            let r = try CLI.run(["classify", "--model", model, "--labels", file, input])
            XCTAssertEqual(r.status, 0, r.stderr)
            // Keras's top-3 for this input: classes 4, 2, 0.
            XCTAssertEqual(r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ")[1] }, ["tulip", "rose", "daisy"], r.stdout)
        }
        let r = try CLI.run(["classify", "--model", model, "--labels", short, input])
        XCTAssertEqual(r.status, 64)
        Hostile.assertFailureLines(r, count: 1, naming: [short, "2 labels", "5 classes"])
        XCTAssertEqual(r.stdout, "")
    }

    func testLayersListsEveryLayerWithNestedOnesIndented() throws {
        let table = try XCTUnwrap(try Self.manifest("transfer_mobilenetv2")["layer_table"] as? [[String: Any]])
        let r = try CLI.run(["layers", "--model", Self.zoo("transfer_mobilenetv2.keras")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssert(lines.contains { $0.hasPrefix("  Conv1 (Conv2D)") && $0.contains("(80, 80, 16)") && $0.contains("432") }, r.stdout)
        XCTAssert(lines.contains { $0.hasPrefix("mobilenetv2_0.35_160 (Functional)") && $0.contains("(5, 5, 1280)") }, r.stdout)
        XCTAssert(lines.contains { $0.hasPrefix("dense (Dense)") && $0.contains("(5,)") && $0.contains("dropout") }, r.stdout)
        let rows = lines.filter { $0.contains(" (") && $0.contains(")  ") && !$0.hasPrefix("Model") && !$0.hasPrefix("Layer (type)") }
        XCTAssertEqual(rows.count, table.count)
        let json = try CLI.run(["layers", "--json", "--model", Self.zoo("transfer_mobilenetv2.h5")])
        let layers = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.map { $0["name"] as! String }, table.map { $0["path"] as! String })
        XCTAssertEqual(layers.map { $0["parameters"] as! Int }, table.map { $0["param_count"] as! Int })
    }

    func testExtractWritesKerasShapesAndValues() throws {
        let manifest = try Self.manifest("layers_merge")
        let entries = try XCTUnwrap(manifest["layers"] as? [[String: Any]])
        let dir = try CLI.temporaryDirectory(self)
        let picks = ["out_pool", "shared_conv:1", "inner_sequential/inner_bn", "concat"]
        let r = try CLI.run([
            "extract", "--model", Self.zoo("layers_merge.keras"), "--layers", picks.joined(separator: ","), "--out", dir,
            Self.zoo("layers_merge_input.npy"),
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, picks.count, r.stdout)
        for pick in picks {
            let parts = pick.split(separator: ":")
            let entry = try XCTUnwrap(
                entries.first { $0["name"] as? String == String(parts[0]) && ($0["node_index"] as? Int) == parts.dropFirst().first.map { Int($0)! } })
            let file = dir + "/layers_merge_input_" + pick.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "_") + ".npy"
            let ours = try XCTUnwrap(try? NPY.decodeFloat32([UInt8](Data(contentsOf: URL(fileURLWithPath: file)))), "\(file) missing: \(r.stdout)")
            XCTAssertEqual(ours.shape, entry["shape"] as? [Int], pick)
            let keras = try NPY.decodeFloat32([UInt8](Data(contentsOf: URL(fileURLWithPath: Self.zoo("layers_merge/" + (entry["file"] as! String))))))
            let channels = entry["channels"] as? [Int] ?? Array(0..<ours.shape.last!)
            let c = ours.shape.last!
            var worst: Float = 0
            for p in 0..<(ours.values.count / c) {
                for (k, ch) in channels.enumerated() { worst = max(worst, abs(ours.values[p * c + ch] - keras.values[p * channels.count + k])) }
            }
            XCTAssertLessThanOrEqual(Double(worst), 1e-4 * Double(entry["max_abs"] as! Double), pick)
        }
    }

    func testRenderPicksAnEarlyAMiddleAndADeepLayer() throws {
        let dir = try CLI.temporaryDirectory(self)
        let r = try CLI.run(["render", "--model", Self.zoo("resnet_mini.keras"), "--out", dir, CLI.fixture("images/fixture.png")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(
            r.stdout.split(separator: "\n").map(String.init),
            ["conv1_conv", "conv2_block2_add", "conv3_block2_out"].map { "\(dir)/fixture_\($0).png" })
        XCTAssert(r.stderr.contains("rendering conv1_conv, conv2_block2_add, conv3_block2_out"), r.stderr)
    }

    func testAGuessedPreprocessingIsSaidOnStderr() throws {
        let model = Self.zoo("layers_merge.keras"), image = CLI.fixture("images/fixture.png")
        let guessed = try CLI.run(["layers", "--model", model])
        XCTAssert(guessed.stderr.contains("--preprocess none") && guessed.stderr.contains("--preprocess tf, caffe or torch"), guessed.stderr)
        let given = try CLI.run([
            "render", "--model", model, "--preprocess", "tf", "--layers", "concat", "--out", try CLI.temporaryDirectory(self), image,
        ])
        XCTAssertEqual(given.status, 0, given.stderr)
        XCTAssertFalse(given.stderr.contains("--preprocess"), given.stderr)
        let inside = try CLI.run(["layers", "--model", Self.zoo("mobilenetv3small.keras")])
        XCTAssertEqual(inside.stderr, "", "MobileNetV3 rescales inside: nothing to say")
        let rgbOnly = try CLI.run(["classify", "--model", Self.zoo("classroom_cnn.keras"), "--preprocess", "caffe", image])
        XCTAssertEqual(rgbOnly.status, 64)
        Hostile.assertFailureLines(rgbOnly, count: 1, naming: ["caffe", "1 channel"])
    }

    func testAGreyModelClassifiesAPhoto() throws {
        let r = try CLI.run(["classify", "--model", Self.zoo("classroom_cnn.h5"), CLI.fixture("images/fixture.png")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 4, r.stdout)
    }

    func testBenchTimesEveryLayerKind() throws {
        let r = try CLI.run(["bench", "--model", Self.zoo("resnet_mini.keras"), "--runs", "2", "--warmup", "0", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let stages = try XCTUnwrap(json["stages"] as? [[String: Any]])
        let kinds = Set(stages.compactMap { $0["name"] as? String })
        // ResNet's blocks, fused by pattern (ConvolutionEpilogueFusion), each kind with its arithmetic.
        XCTAssert(
            kinds.isSuperset(of: ["Conv2D+BatchNormalization+Activation", "Conv2D+BatchNormalization+Add+Activation", "MaxPooling2D"]),
            "\(kinds)")
        let conv = try XCTUnwrap(stages.first { $0["name"] as? String == "Conv2D+BatchNormalization+Add+Activation" }?["multiply_adds"] as? Int)
        XCTAssertGreaterThan(conv, 0)
    }
}

extension ModelFileCommandTests {
    /// explain --model on the zoo's resnet_mini and classroom_cnn: the default layer (the last map
    /// larger than 1x1, said on stderr), the class, and the raw Grad-CAM map and the saliency in
    /// the .npy files within 1e-3 of Keras's GradientTape (Fixtures/zoo/<model>/explain).
    func testExplainAgreesWithKerasGradientTape() throws {
        for model in ["resnet_mini", "classroom_cnn"] {
            let oracle = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.zoo(model + "/explain/explain.json"))))
                    as? [String: Any])
            let layer = try XCTUnwrap(oracle["layer"] as? String), cls = try XCTUnwrap(oracle["class"] as? Int)
            let dir = try CLI.temporaryDirectory(self)
            let r = try CLI.run([
                "explain", "--model", Self.zoo(model + ".keras"), "--layer", layer, "--npy", "--out", dir,
                Self.zoo(model + "_input.npy"),
            ])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssert(r.stderr.contains("explaining \(cls)") || r.stderr.contains("explaining class \(cls)"), r.stderr)
            for (ours, theirs) in [("_gradcam_\(layer).npy", "gradcam_raw.npy"), ("_saliency.npy", "saliency.npy")] {
                let a = try NPY.decodeFloat32([UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/\(model)_input" + ours))))
                let b = try NPY.decodeFloat32([UInt8](Data(contentsOf: URL(fileURLWithPath: Self.zoo(model + "/explain/" + theirs)))))
                XCTAssertEqual(a.shape, b.shape, "\(model) \(ours)")
                let scale = b.values.map(abs).max() ?? 1
                let worst = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1e-3 * scale, "\(model) \(ours)")
            }
        }
        let r = try CLI.run([
            "explain", "--model", Self.zoo("resnet_mini.h5"), "--out", try CLI.temporaryDirectory(self), CLI.fixture("images/fixture.png"),
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stderr.contains("Grad-CAM at conv3_block2_out, the last map larger than 1x1"), r.stderr)
    }
}
