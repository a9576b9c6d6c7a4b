import XCTest
import FeatureMapsEngine
import TestSupport

/// MobileNetV2(weights:) refuses anything that does not match the architecture, naming the layer.
final class WeightCheckTests: XCTestCase {
    /// A complete, valid set of weights for `alpha`, small random values.
    func validWeights(alpha: Double = 0.35, top: Bool = true) -> KerasWeights {
        var rng = SplitMix64(seed: 11)
        var w = KerasWeights()
        for (layer, weight, shape) in MobileNetV2Architecture(alpha: alpha, classes: top ? 1000 : nil).weightShapes {
            if w.layers[layer] == nil { w.layerOrder.append(layer) }
            let n = shape.reduce(1, *)
            w.layers[layer, default: [:]][weight] = WeightArray(
                shape: shape, values: weight == "moving_variance" ? [Float](repeating: 1, count: n) : rng.floats(n, scale: 0.1))
        }
        return w
    }

    func testValidWeightsLoadWithAndWithoutTop() throws {
        XCTAssertEqual(try MobileNetV2(weights: validWeights()).architecture.classes, 1000)
        let noTop = try MobileNetV2(weights: validWeights(top: false))
        XCTAssertNil(noTop.architecture.classes)
        XCTAssertEqual(noTop.architecture.alpha, 0.35)
        XCTAssertEqual(noTop.layers(height: 224, width: 224).last?.name, "out_relu")
        // Without the top the graph ends at out_relu: there is no predictions layer to ask for.
        let graph = try MobileNetV2Graph.graph(validWeights(top: false), height: 32, width: 32)
        XCTAssertEqual(graph.nodes.last?.name, "out_relu")
        XCTAssertThrowsError(try graph.value(named: "predictions"))
    }

    /// Channel counts are read from the stored shapes (the stem, each block's projection, the
    /// head, the classes): absurd ones (0, 1, odd, a rank-0 array) must be refused as a shape
    /// mismatch or a missing channel count, never trap while the architecture is derived.
    func testAbsurdChannelCountsAreRefusedNotTrapped() {
        let sources = [
            ("Conv1", "kernel"), ("block_3_project", "kernel"), ("block_16_project", "kernel"),
            ("Conv_1", "kernel"), ("predictions", "bias"), ("predictions", "kernel"),
        ]
        let base = validWeights()
        for (layer, weight) in sources {
            for shape in [[0], [3, 3, 3, 0], [1, 1, 16, 1], [1, 1, 8, 7], [], [0, 0], [2, 0, 5, 3]] {
                var w = base
                let n = shape.reduce(1, *)
                w.layers[layer]![weight] = WeightArray(shape: shape, values: [Float](repeating: 0.5, count: n))
                XCTAssertThrowsError(try MobileNetV2(weights: w), "\(layer)/\(weight) \(shape)") { error in
                    XCTAssert(error is EngineError, "\(error)")
                }
            }
        }
    }

    func testWrongShapeNamesLayerWeightExpectedAndFound() {
        var w = validWeights()
        w.layers["block_5_depthwise"]!["depthwise_kernel"] = WeightArray(shape: [3, 3, 95, 1], values: [Float](repeating: 0, count: 9 * 95))
        XCTAssertThrowsError(try MobileNetV2(weights: w)) { error in
            XCTAssertEqual(
                error as? EngineError,
                .shapeMismatch(
                    layer: "block_5_depthwise", weight: "depthwise_kernel",
                    expected: [3, 3, 96, 1], found: [3, 3, 95, 1]))
            let message = (error as? EngineError)?.errorDescription ?? ""
            XCTAssert(
                message.contains("block_5_depthwise") && message.contains("(3, 3, 96, 1)") && message.contains("(3, 3, 95, 1)"),
                message)
        }
    }

    func testMissingLayerAndWeightAreNamed() {
        var w = validWeights()
        w.layers["block_7_expand_BN"]!["moving_mean"] = nil
        XCTAssertThrowsError(try MobileNetV2(weights: w)) { error in
            guard case .missingWeight(let layer, let weight, _) = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual([layer, weight], ["block_7_expand_BN", "moving_mean"])
        }
        w = validWeights()
        w.layers["block_3_project"] = nil
        XCTAssertThrowsError(try MobileNetV2(weights: w)) { error in
            guard case .missingLayer(let layer, _) = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(layer, "block_3_project")
        }
    }

    func testOtherModelIsRefusedAtConv1() {
        let w = KerasWeights(
            layers: ["dense_1": ["kernel": WeightArray(shape: [4, 2], values: [Float](repeating: 0, count: 8))]],
            layerOrder: ["dense_1"])
        XCTAssertThrowsError(try MobileNetV2(weights: w)) { error in
            XCTAssertEqual(error as? EngineError, .missingLayer("Conv1", found: ["dense_1"]))
            XCTAssert((error as? EngineError)?.errorDescription?.contains("dense_1") == true)
        }
    }

    func testNaNAndInfinityAreRefusedAtLoad() {
        for bad in [Float.nan, Float.infinity] {
            var w = validWeights()
            var values = w.layers["Conv_1"]!["kernel"]!.values
            values[17] = bad
            w.layers["Conv_1"]!["kernel"] = WeightArray(shape: w.layers["Conv_1"]!["kernel"]!.shape, values: values)
            XCTAssertThrowsError(try MobileNetV2(weights: w)) { error in
                XCTAssertEqual(error as? EngineError, .nonFiniteWeight(layer: "Conv_1", weight: "kernel", index: 17))
            }
        }
    }

    /// A pass that stops at block_6_expand_relu returns exactly what the full pass computes there.
    func testEarlyStopGivesTheSameValuesAsAFullPass() throws {
        let weights = validWeights()
        var rng = SplitMix64(seed: 12)
        let x = rng.tensor(64, 48, 3)
        let early = try weights.mobileNetV2Outputs(x, capture: ["block_6_expand_relu"])
        let full = try weights.mobileNetV2Outputs(x, capture: ["block_6_expand_relu", "block_2_add", "predictions"])
        XCTAssertEqual(Set(early.keys), ["block_6_expand_relu"])
        XCTAssertEqual(early["block_6_expand_relu"], full["block_6_expand_relu"])
        XCTAssertEqual(full["predictions"]?.channels, 1000)
        XCTAssertEqual(full["predictions"]!.data.reduce(0, +), 1, accuracy: 1e-4)
    }

    func testTooSmallInputIsRefused() throws {
        XCTAssertThrowsError(try MobileNetV2Graph.graph(validWeights(), height: 31, width: 64)) {
            XCTAssertEqual($0 as? EngineError, .inputTooSmall(height: 31, width: 64))
        }
    }
}
