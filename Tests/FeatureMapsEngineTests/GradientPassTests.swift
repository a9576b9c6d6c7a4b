import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// The backward pass as a whole, on a random alpha-0.35 model: every layer gets a gradient of its
/// own shape and fused and unfused paths agree. Its values are checked against Keras itself in
/// Tests/FeatureMapsTests/ExplainKerasTests.swift (finite differences of a whole random network
/// cross too many ReLU6 kinks to be a sharp check; each kernel has its own in BackwardKernelTests).
final class GradientPassTests: XCTestCase {
    /// Random weights with BN statistics that keep activations O(1), so ReLU6 masks are mixed.
    static func model(seed: UInt64 = 21) throws -> MobileNetV2 {
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
        return try MobileNetV2(weights: w)
    }

    func testEveryLayerGetsAGradientOfItsShape() throws {
        let model = try Self.model()
        var rng = SplitMix64(seed: 22)
        let x = rng.tensor(37, 33, 3)
        let table = model.layers(height: 37, width: 33)
        let names = Set(table.filter { $0.kind != .dense && $0.kind != .globalAveragePooling }.map(\.name))
        let record = try model.recordForward(x, keep: [], downTo: MobileNetV2Architecture.inputLayerName)
        let all = try model.logitGradients(record, classIndex: 7, layers: names)
        XCTAssertEqual(Set(all.keys), names)
        for layer in table where names.contains(layer.name) {
            XCTAssertEqual(all[layer.name]?.shape, layer.shape, "\(layer.name): gradient shape")
        }
        // An Add passes its gradient to the project BN unchanged.
        XCTAssertEqual(all["block_2_add"], all["block_2_project_BN"])
        // Requesting fewer layers (fused BN + ReLU6, fused pad) gives the same gradients.
        for name in ["block_1_expand_relu", "block_13_expand", "Conv1", "input_layer", "expanded_conv_depthwise"] {
            let alone = try model.logitGradients(record, classIndex: 7, layers: [name])
            assertClose(alone[name]!, all[name]!, tolerance: 1e-6, "\(name) alone vs with every layer")
        }
        // The pad's gradient cropped is the gradient of the layer before it.
        let ph = MobileNetV2Architecture.stride2Padding(19), pw = MobileNetV2Architecture.stride2Padding(17)
        assertClose(
            Kernels.zeroPadBackward(all["block_1_pad"]!, top: ph.before, bottom: ph.after, left: pw.before, right: pw.after),
            all["block_1_expand_relu"]!, tolerance: 1e-6, "block_1_pad cropped")
    }

    func testUnsuitableLayersAndClassesAreRefused() throws {
        let model = try Self.model()
        let x = Tensor(height: 32, width: 32, channels: 3)
        XCTAssertThrowsError(try model.recordForward(x, keep: [], downTo: "predictions")) {
            XCTAssertEqual($0 as? EngineError, .notASpatialLayer("predictions"))
        }
        let record = try model.recordForward(x, keep: [], downTo: "out_relu")
        XCTAssertThrowsError(try model.logitGradients(record, classIndex: 1000, layers: ["out_relu"])) {
            XCTAssertEqual($0 as? EngineError, .classOutOfRange(1000, classes: 1000))
        }
        XCTAssertThrowsError(try model.logitGradients(record, classIndex: 0, layers: ["global_average_pooling2d"])) {
            XCTAssertEqual($0 as? EngineError, .notASpatialLayer("global_average_pooling2d"))
        }
    }
}
