import FeatureMapsEngine
import FeatureMapsWeights
import Foundation
import XCTest

/// Scripts/convert_weights.py, run as a user runs it, in the venv of `PythonVenv`. The oracle for
/// the conversion is ../shared/weights/mobilenet_v2_1.0_224_dequantized.h5, the shared TFLite
/// model converted independently: every dataset must match within `tolerance`.
final class ConvertWeightsTests: XCTestCase {
    static let script = CLI.root + "/Scripts/convert_weights.py"
    /// Max |converted - shared| per value: float32 rounding of (q - zero_point) * scale.
    static let tolerance: Float = 1e-6

    func convert(_ args: [String]) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PythonVenv.python)
        process.arguments = [Self.script] + args
        return try CLI.capture(process)
    }

    func testConvertsTheSharedTFLiteModelToTheSharedKerasWeights() throws {
        let tflite = try CLI.shared("weights/mobilenet_v2_1.0_224_quant.tflite")
        let reference = try CLI.shared("weights/mobilenet_v2_1.0_224_dequantized.h5")
        let cat = try CLI.shared("images/cat.png")
        try PythonVenv.ready()
        let dir = try CLI.temporaryDirectory(self)
        let out = dir + "/converted.h5"
        let r = try convert([tflite, out])
        XCTAssertEqual(r.status, 0, r.stderr)
        // 3,538,984: Keras's total_params for MobileNetV2(alpha=1.0), as the shared file stores.
        XCTAssertEqual(r.stdout, "\(out): MobileNetV2 alpha 1.0, input 224x224, 1000 classes, 105 layers, 3538984 values\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["converted.h5"], "temporary file left")
        guard r.status == 0 else { return }

        try assertSameWeights(out, reference)
        let loaded = try WeightsLoader.load(path: out)
        XCTAssertEqual(loaded.model.architecture.alpha, 1.0)
        XCTAssertEqual(loaded.model.architecture.classes, 1000)
        XCTAssertEqual(loaded.storedParameters, 3_538_984)

        let c = try CLI.run(["classify", "--top", "1", "--weights", out, cat])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssert(c.stdout.contains("  1. Egyptian cat "), c.stdout)  // ../shared/README.md: Keras's top-1
    }

    /// Same root attributes, layer list, weight names (in order), shapes; values within `tolerance`.
    func assertSameWeights(_ path: String, _ referencePath: String) throws {
        let file = try HDF5File(path: path), referenceFile = try HDF5File(path: referencePath)
        for attribute in ["backend", "keras_version"] {
            XCTAssertEqual(
                try file.stringArrayAttribute(attribute, on: "/"),
                try referenceFile.stringArrayAttribute(attribute, on: "/"), attribute)
        }
        let weights = try KerasWeightsFile.read(file), expected = try KerasWeightsFile.read(referenceFile)
        XCTAssertEqual(weights.layerOrder, expected.layerOrder)
        var worst: (difference: Float, name: String) = (0, "")
        var datasets = 0
        for layer in expected.layerOrder {
            let names = try referenceFile.stringArrayAttribute("weight_names", on: layer)
            XCTAssertEqual(try file.stringArrayAttribute("weight_names", on: layer), names, layer)
            for name in names {
                let short = KerasWeightsFile.shortWeightName(name)
                guard let want = expected[layer, short], let have = weights[layer, short] else {
                    XCTFail("\(layer)/\(name) is missing from the converted file")
                    continue
                }
                XCTAssertEqual(have.shape, want.shape, name)
                guard have.shape == want.shape else { continue }
                var largest: Float = 0
                for (a, b) in zip(have.values, want.values) {
                    let d = abs(a - b)
                    if !(d <= largest) { largest = d.isNaN ? .infinity : d }
                }
                XCTAssertLessThanOrEqual(largest, Self.tolerance, "\(layer)/\(name): max |converted - shared|")
                datasets += 1
                if largest > worst.difference { worst = (largest, name) }
            }
        }
        XCTAssertEqual(datasets, 262)  // 52 convolutions + 52 BN x 4 + predictions kernel and bias
        print(
            "converted vs shared: \(datasets) datasets, largest max |difference| \(worst.difference)"
                + (worst.name.isEmpty ? " (every value equal)" : " (\(worst.name))"))
    }

    func testRefusesWhatIsNotAMobileNetV2WithOneLineAndStatus66() throws {
        try PythonVenv.ready()
        let dir = try CLI.temporaryDirectory(self)
        // A TFLite flatbuffer cut short: the fixture's first half.
        let truncated = dir + "/truncated.tflite"
        let whole = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("weights/tflite_wrong_expansion.tflite")))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: truncated))
        let cases: [(model: String, message: String)] = [
            (
                CLI.fixture("weights/tflite_maxpool_cnn.tflite"),
                "not a MobileNetV2 classifier this converter recognises: MAX_POOL_2D (operator 1) is not an operator MobileNetV2 uses"
            ),
            (
                CLI.fixture("weights/tflite_wrong_expansion.tflite"),
                "not a MobileNetV2 classifier this converter recognises: block_1_expand = CONV_2D (operator 3) has 16 output channels, expected 6 x 4 = 24"
            ),
            (
                CLI.fixture("weights/tflite_truncated.tflite"),
                "not a MobileNetV2 classifier this converter recognises: expected block_1_expand (1x1 CONV_2D) after "
                    + "expanded_conv_project = CONV_2D (operator 2), found FULLY_CONNECTED (operator 4) with filter [5, 4]"
            ),
            (truncated, "corrupt or truncated TFLite flatbuffer"),
            (CLI.fixtureWeights, "not a TFLite model (no 'TFL3' flatbuffer identifier)"),
            (dir + "/missing.tflite", "no such file"),
        ]
        let out = dir + "/out/weights.h5"
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: false)
        for (model, message) in cases {
            let r = try convert([model, out])
            XCTAssertEqual(r.status, 66, "\(model): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", model)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssert(r.stderr.hasPrefix("convert_weights: \(model): "), r.stderr)
            XCTAssert(r.stderr.contains(message), "expected \"\(message)\" in: \(r.stderr)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/out"), [], "\(model) left a file")
        }
    }

    func testUsageHelpAndUnwritableOutput() throws {
        try PythonVenv.ready()
        let dir = try CLI.temporaryDirectory(self)
        let model = CLI.fixture("weights/tflite_truncated.tflite")
        let help = try convert(["--help"])
        XCTAssertEqual(help.status, 0, help.stderr)
        XCTAssert(help.stdout.hasPrefix("usage: Scripts/convert_weights.py"), help.stdout)
        XCTAssert(help.stdout.contains("Exit status: 0 converted; 64 usage; 66"), help.stdout)

        let cases: [(args: [String], status: Int32, message: String)] = [
            ([model], 64, "the following arguments are required: out"),
            ([model, dir + "/no/such/dir/w.h5"], 73, "directory \(dir)/no/such/dir does not exist"),
            ([model, dir], 73, "\(dir): is a directory"),
        ]
        for (args, status, message) in cases {
            let r = try convert(args)
            XCTAssertEqual(r.status, status, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssert(r.stderr.contains(message), "expected \"\(message)\" in: \(r.stderr)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    /// The skip-or-fail rule of `PythonVenv`, on pip's real output: an index nobody listens on is
    /// "unreachable" (skip), a missing requirements file is a failure.
    func testPipNetworkErrorsAreToldApartFromOtherPipErrors() throws {
        try PythonVenv.created()
        let refused = try PythonVenv.pipInstall([
            "--no-cache-dir", "--no-deps", "--index-url", "http://127.0.0.1:9/simple",
            "featuremaps-no-such-package==1.0",
        ])
        guard case .unreachable(let line) = refused else { return XCTFail("expected unreachable, got \(refused)") }
        XCTAssert(line.contains("127.0.0.1") || line.contains("Connection refused"), line)
        let missingFile = try PythonVenv.pipInstall(["-r", "/nonexistent/requirements.txt"])
        guard case .failed(let output) = missingFile else { return XCTFail("expected failed, got \(missingFile)") }
        XCTAssert(output.contains("/nonexistent/requirements.txt"), output)
    }
}
