import Foundation
import XCTest

/// `featuremaps bench` reports what it timed; the times themselves are never asserted.
final class BenchCommandTests: XCTestCase {
    func testBenchJSONHasEveryStageAndTheMedian() throws {
        let r = try CLI.run(["bench", "--json", "--runs", "3", "--warmup", "1", "--weights", CLI.fixtureWeights])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(json["median_ms"] as? Double), 0)
        XCTAssertEqual(json["stop_layer"] as? String, "predictions")
        XCTAssertEqual(json["runs"] as? Int, 3)
        // MobileNetV2 runs as one graph like any model file: timed per layer kind (a fused step by
        // its chain of Keras classes), each kind's multiply-adds those of its layers.
        let stages = try XCTUnwrap(json["stages"] as? [[String: Any]])
        let kinds = stages.compactMap { $0["name"] as? String }
        XCTAssertEqual(kinds.first, "Conv2D+BatchNormalization+ReLU", "Conv1 -> bn_Conv1 -> Conv1_relu first")
        XCTAssertEqual(kinds.last, "GlobalAveragePooling2D+Dense", "the classifier last")
        XCTAssertEqual(Set(kinds).count, kinds.count, "each kind once")
        // The multiply-adds bench divides by, against Keras's own layer table of the same model
        // (Fixtures/reference/layers_0.35_224.json: output shapes and count_params() per layer).
        let keras = try Self.kerasMultiplyAdds("layers_0.35_224.json")
        XCTAssertEqual(json["multiply_adds"] as? Int, keras.total, "total multiply-adds vs Keras's layer table")
        XCTAssertEqual(stages.compactMap { $0["multiply_adds"] as? Int }.reduce(0, +), keras.total, "the kinds add up")
        XCTAssertEqual(
            stages.first?["multiply_adds"] as? Int, keras.byLayer["Conv1"]! + keras.byLayer["Conv_1"]!,
            "Conv2D+BN+ReLU: the stem and the head")
        XCTAssertEqual(stages.last?["multiply_adds"] as? Int, keras.byLayer["predictions"], "the classifier is the dense layer")
        XCTAssertGreaterThan(try XCTUnwrap(json["peak_rss_bytes"] as? Int), 1_000_000)
        for key in ["weights_load_ms", "weights_load_in_process_ms"] {
            let load = try XCTUnwrap(json[key] as? [String: Any], key)
            XCTAssertGreaterThan(try XCTUnwrap(load["median"] as? Double), 0, key)
        }
        // The engine's vector width: 16 lanes exactly when /proc/cpuinfo lists AVX-512 (F, BW, DQ, VL).
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = Set((info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? "").split(separator: " ").map(String.init))
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        XCTAssertEqual(json["simd_lanes"] as? Int, avx512 ? 16 : 8)
    }

    func testBenchSIMDOptionForcesAWidthAndRefusesOthers() throws {
        let r = try CLI.run(["bench", "--runs", "1", "--warmup", "0", "--simd", "8", "--weights", CLI.fixtureWeights])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("engine kernels 8 lanes (AVX2)"), r.stdout)
        let bad = try CLI.run(["bench", "--simd", "12", "--weights", CLI.fixtureWeights])
        XCTAssertEqual(bad.status, 64)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        XCTAssert(bad.stderr.contains("--simd 12 is not a width: use 8 or 16"), bad.stderr)
    }

    /// A pass that stops at block_6_expand_relu (alias block_6_conv1) times only the layers up to it.
    func testBenchStopsAtTheDeepestRequestedLayer() throws {
        let r = try CLI.run([
            "bench", "--json", "--runs", "2", "--warmup", "0", "--layers", "block_6_conv1",
            "--weights", CLI.fixtureWeights,
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["stop_layer"] as? String, "block_6_expand_relu")
        let keras = try Self.kerasMultiplyAdds("layers_0.35_224.json")
        let upToBlock6 = keras.order.prefix { $0 != "block_6_depthwise" }.reduce(0) { $0 + keras.byLayer[$1]! }
        XCTAssertEqual(json["multiply_adds"] as? Int, upToBlock6, "Conv1 .. block_6_expand")
        let kinds = try XCTUnwrap(json["stages"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        XCTAssertFalse(kinds.contains { $0.contains("Dense") }, "\(kinds)")
    }

    func testBenchRejectsZeroRuns() throws {
        let r = try CLI.run(["bench", "--runs", "0", "--weights", CLI.fixtureWeights])
        XCTAssertEqual(r.status, 64)
        XCTAssert(r.stderr.contains("--runs 0"), r.stderr)
    }

    /// Multiply-adds per layer from a Keras layer table: a convolution's or dense layer's weights
    /// (count_params() less the bias) times the output pixels they are applied at.
    static func kerasMultiplyAdds(_ file: String) throws -> (total: Int, byLayer: [String: Int], order: [String]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("reference/" + file)))
        let table = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        var byLayer: [String: Int] = [:], order: [String] = []
        for layer in try XCTUnwrap(table["layers"] as? [[String: Any]]) {
            let kind = try XCTUnwrap(layer["class_name"] as? String)
            guard ["Conv2D", "DepthwiseConv2D", "Dense"].contains(kind) else { continue }
            let shape = try XCTUnwrap(layer["output_shape"] as? [Int])
            let config = try XCTUnwrap(layer["config"] as? [String: Any])
            let bias = (config["use_bias"] as? Bool ?? false) ? shape[shape.count - 1] : 0
            let weights = try XCTUnwrap(layer["param_count"] as? Int) - bias
            let name = try XCTUnwrap(layer["name"] as? String)
            byLayer[name] = weights * shape.dropLast().reduce(1, *)
            order.append(name)
        }
        return (byLayer.values.reduce(0, +), byLayer, order)
    }
}
