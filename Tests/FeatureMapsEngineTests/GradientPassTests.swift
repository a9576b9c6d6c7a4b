import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// The backward pass (GraphGradient on MobileNetV2Graph) as a whole, on a random alpha-0.35 model:
/// every layer gets a gradient of its own shape, and asking for one layer or for all gives the
/// same gradients. Its values are checked against Keras itself in
/// Tests/FeatureMapsTests/ExplainKerasTests.swift (finite differences of a whole random network
/// cross too many ReLU6 kinks to be a sharp check; each layer's backward has its own test row).
final class GradientPassTests: XCTestCase {
    /// Random weights with BN statistics that keep activations O(1), so ReLU6 masks are mixed.
    static func model(seed: UInt64 = 21) throws -> MobileNetV2 { try MobileNetV2(weights: weights(seed: seed)) }

    /// The stored arrays of `model(seed:)`.
    static func weights(seed: UInt64 = 21) throws -> KerasWeights {
        var rng = SplitMix64(seed: seed)
        var w = KerasWeights()
        for (layer, weight, shape) in MobileNetV2Architecture(alpha: 0.35).weightShapes {
            if w.layers[layer] == nil { w.layerOrder.append(layer) }
            let n = shape.reduce(1, *), fanIn = shape.count == 4 ? shape[0] * shape[1] * (shape[3] == 1 ? 1 : shape[2]) : shape[0]
            let values: [Float]
            switch weight {
            case "moving_variance": values = rng.floats(n).map { 1 + 0.5 * $0 }
            case "gamma": values = rng.floats(n).map { 1 + 0.3 * $0 }
            case "beta", "moving_mean", "bias": values = rng.floats(n, scale: 0.2)
            default: values = rng.floats(n, scale: (6 / Float(fanIn)).squareRoot())
            }
            w.layers[layer, default: [:]][weight] = WeightArray(shape: shape, values: values)
        }
        return w
    }

    func testEveryLayerGetsAGradientOfItsShape() throws {
        let weights = try Self.weights(), model = try MobileNetV2(weights: weights)
        var rng = SplitMix64(seed: 22)
        let x = rng.tensor(37, 33, 3)
        let table = model.layers(height: 37, width: 33)
        let names = table.filter { $0.kind != .dense && $0.kind != .globalAveragePooling }.map(\.name)
        let all = try weights.mobileNetV2Gradients(x, class: 7, at: names)
        XCTAssertEqual(Set(all.keys), Set(names))
        for layer in table where names.contains(layer.name) {
            XCTAssertEqual(all[layer.name]?.shape, layer.shape, "\(layer.name): gradient shape")
        }
        // An Add passes its gradient to the project BN unchanged.
        XCTAssertEqual(all["block_2_add"], all["block_2_project_BN"])
        // Requesting one layer gives the same gradients as requesting every layer.
        for name in ["block_1_expand_relu", "block_13_expand", "Conv1", "input_layer", "expanded_conv_depthwise"] {
            let alone = try weights.mobileNetV2Gradients(x, class: 7, at: [name])
            assertClose(alone[name]!, all[name]!, tolerance: 1e-6, "\(name) alone vs with every layer")
        }
        // The pad's gradient cropped is the gradient of the layer before it.
        let ph = MobileNetV2Architecture.stride2Padding(19), pw = MobileNetV2Architecture.stride2Padding(17)
        let pad = all["block_1_pad"]!, before = all["block_1_expand_relu"]!
        var cropped = Tensor(height: before.height, width: before.width, channels: before.channels)
        for y in 0..<before.height {
            for x in 0..<before.width {
                for c in 0..<before.channels { cropped[y, x, c] = pad[y + ph.before, x + pw.before, c] }
            }
        }
        XCTAssertEqual(pad.height, before.height + ph.before + ph.after)
        assertClose(cropped, before, tolerance: 1e-6, "block_1_pad cropped")
    }

    func testUnsuitableLayersAndClassesAreRefused() throws {
        let graph = try MobileNetV2Graph.graph(try Self.weights(), height: 32, width: 32)
        let driver = GraphGradient(graph: graph)
        let x = [NDArray(Tensor(height: 32, width: 32, channels: 3))]
        XCTAssertThrowsError(try driver.explain(x, class: .top1, gradCAMLayer: "predictions", saliency: false)) {
            guard case .notSpatial(let layer, _)? = $0 as? GradientError else { return XCTFail("\($0)") }
            XCTAssertEqual(layer, "predictions")
        }
        XCTAssertThrowsError(try driver.run(x, class: .index(1000), at: ["out_relu"])) {
            XCTAssertEqual($0 as? GradientError, .classOutOfRange(index: 1000, count: 1000))
        }
        XCTAssertThrowsError(try driver.explain(x, class: .top1, gradCAMLayer: "global_average_pooling2d", saliency: false)) {
            guard case .notSpatial(let layer, _)? = $0 as? GradientError else { return XCTFail("\($0)") }
            XCTAssertEqual(layer, "global_average_pooling2d")
        }
    }
}
