import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Whole models from KerasModelSpecs with configs as Keras 3.15 writes them (JSON copied from the
/// zoo's config.json files), Keras 2 spellings, constants in operations, nested paths, refusals.
final class KerasGraphBuilderTests: XCTestCase {
    /// A real Keras 3.15 Conv2D config (layers_conv.keras, conv_k3_s2_same).
    let conv2DJSON = #"""
        {"name": "conv_k3_s2_same", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
         "registered_name": null, "shared_object_id": 140121246382928}, "filters": 8, "kernel_size": [3, 3], "strides": [2, 2],
         "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "linear", "use_bias": true,
         "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null, "input_axes": null,
         "output_axes": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
         "registered_name": null}, "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
         "bias_constraint": null}
        """#

    func testKerasConfigValueDecodesKerasJSON() throws {
        let config = try JSONDecoder().decode([String: KerasConfigValue].self, from: Data(conv2DJSON.utf8))
        XCTAssertEqual(config["filters"], .number(8))
        XCTAssertEqual(config["kernel_size"], .array([.number(3), .number(3)]))
        XCTAssertEqual(config["use_bias"], .bool(true))
        XCTAssertEqual(config["kernel_regularizer"], .null)
        XCTAssertEqual(config["dtype"]?["config"]?["name"], .string("float32"))
        XCTAssertEqual(KerasConfigValue.array([.array([.number(1), .number(2)]), .array([.number(3), .number(4)])]).numericArray?.shape, [2, 2])
        XCTAssertNil(KerasConfigValue.array([.array([.number(1)]), .number(2)]).numericArray, "ragged")
        let conv = try KerasGraphBuilder.layer(
            KerasLayerSpec(
                name: "conv_k3_s2_same", className: "Conv2D", module: "keras.layers", config: config,
                weights: [
                    WeightArray(shape: [3, 3, 3, 8], values: [Float](repeating: 0, count: 216)),
                    WeightArray(shape: [8], values: [Float](repeating: 0, count: 8)),
                ]))
        XCTAssertEqual(try conv.outputShape(inputs: [[17, 13, 3]]), [9, 7, 8])
    }

    /// layers_ops.keras's head: TrueDivide(x, 127.5), Subtract(., 1), Subtract(1, .), Multiply(2.0, x), Gelu.
    func testOperationsWithConstantsAsKerasRecordsThem() throws {
        let scalar = { (v: Float) in KerasLayerInput.constant(WeightArray(shape: [], values: [v])) }
        let ops = "keras.src.ops.numpy"
        let model = KerasModelSpec(
            layers: [
                try spec(
                    "InputLayer", #"{"batch_shape": [null, 2, 2, 1], "dtype": "float32", "sparse": false, "ragged": false, "optional": false}"#,
                    name: "input_layer"),
                KerasLayerSpec(name: "true_divide", className: "TrueDivide", module: ops, inputs: [.output(of: 0), scalar(127.5)]),
                KerasLayerSpec(name: "subtract", className: "Subtract", module: ops, inputs: [.output(of: 1), scalar(1)]),
                KerasLayerSpec(name: "subtract_1", className: "Subtract", module: ops, inputs: [scalar(1), .output(of: 2)]),
                KerasLayerSpec(name: "multiply_1", className: "Multiply", module: ops, inputs: [scalar(2), .output(of: 0)]),
                KerasLayerSpec(
                    name: "gelu", className: "Gelu", module: "keras.src.ops.nn", config: ["approximate": .bool(true)], inputs: [.output(of: 3)]),
                try spec("Concatenate", #"{"axis": -1}"#, name: "concat_out"),
            ], inputs: [0], outputs: [6])
        var layers = model.layers
        layers[6].inputs = [.output(of: 5), .output(of: 4)]
        let g = try KerasGraphBuilder.build(KerasModelSpec(layers: layers, inputs: [0], outputs: [6]))
        let x = NDArray(shape: [2, 2, 1], data: [0, 127.5, 255, 63.75])
        let out = try GraphExecutor(graph: g).run([x], outputs: ["subtract", "subtract_1", "multiply_1", "concat_out"])
        XCTAssertEqual(out["subtract"]!.data, [-1, 0, 1, -0.5])
        XCTAssertEqual(out["subtract_1"]!.data, [2, 1, 0, 1.5])
        XCTAssertEqual(out["multiply_1"]!.data, [0, 255, 510, 127.5])
        XCTAssertEqual(out["concat_out"]!.shape, [2, 2, 2])
        assertThrows(
            .invalidConfig(layer: "c", className: "Add", key: "args", reason: "has no tensor argument (only constants)"),
            try KerasGraphBuilder.layer(KerasLayerSpec(name: "c", className: "Add", module: ops, inputs: [scalar(1), scalar(2)])))
    }

    /// A nested model's layers carry their path; a shared layer called twice; Keras 2 InputLayer.
    func testNestedSharedAndKeras2() throws {
        let kernel = WeightArray(shape: [1, 1, 2, 2], values: [1, 0, 0, 1])
        let model = KerasModelSpec(
            layers: [
                try spec("InputLayer", #"{"batch_input_shape": [null, 3, 3, 2], "dtype": "float32", "sparse": false}"#, name: "img", keras: 2),
                KerasLayerSpec(
                    name: "conv", path: ["transfer_model"], className: "Conv2D",
                    config: ["filters": .number(2), "kernel_size": .array([.number(1), .number(1)]), "use_bias": .bool(false)],
                    weights: [kernel], inputs: [.output(of: 0)], kerasMajorVersion: 2),
                KerasLayerSpec(
                    name: "leaky", className: "LeakyReLU", config: ["alpha": .number(0.5)], inputs: [.output(of: 1)], kerasMajorVersion: 2),
                KerasLayerSpec(
                    name: "leaky", className: "LeakyReLU", config: ["alpha": .number(0.5)], inputs: [.output(of: 2)], kerasMajorVersion: 2),
            ], inputs: [0], outputs: [3], aliases: ["transfer_model": 1])
        let g = try KerasGraphBuilder.build(model)
        XCTAssertEqual(g.nodes[1].qualifiedName, "transfer_model/conv")
        let x = NDArray(shape: [3, 3, 2], repeating: -4)
        let out = try GraphExecutor(graph: g).run([x], outputs: ["conv", "transfer_model", "leaky:1"])
        XCTAssertEqual(out["conv"], out["transfer_model"])
        XCTAssertEqual(out["leaky:1"]!.data[0], -1)
    }

    /// The hostile zoo's cases, as a reader would describe them.
    func testRefusalsNameTheLayer() throws {
        let input = try spec("InputLayer", #"{"batch_shape": [null, 8, 8, 4]}"#, name: "input_layer")
        func model(_ s: KerasLayerSpec) -> KerasModelSpec {
            var s = s
            s.inputs = [.output(of: 0)]
            return KerasModelSpec(layers: [input, s], inputs: [0], outputs: [1])
        }
        assertThrows(
            .sizeLimit(layer: "conv_b", className: "Conv2D", what: "filters", value: 1_000_000_000, limit: 1 << 20),
            try KerasGraphBuilder.build(model(try spec("Conv2D", #"{"filters": 1000000000, "kernel_size": [3, 3]}"#, name: "conv_b"))))
        let k = WeightArray(shape: [3, 3, 4, 4], values: [Float](repeating: 0, count: 144)), b = WeightArray(shape: [4], values: [0, 0, 0, 0])
        assertThrows(
            .weightShape(layer: "conv_b", className: "Conv2D", weight: "kernel", expected: [3, 3, 4, 8], found: [3, 3, 4, 4]),
            try KerasGraphBuilder.build(model(try spec("Conv2D", #"{"filters": 8, "kernel_size": [3, 3]}"#, weights: [k, b], name: "conv_b"))))
        assertThrows(
            .unsupportedConfig(layer: "conv_cf", className: "Conv2D", key: "data_format", value: #""channels_first""#),
            try KerasGraphBuilder.build(
                model(
                    try spec(
                        "Conv2D", #"{"filters": 4, "kernel_size": 3, "data_format": "channels_first"}"#,
                        weights: [k, b], name: "conv_cf"))))
        var custom = try spec("ScaleByTwo", "{}", name: "scale", module: nil)
        custom.registeredName = "zoo_custom>ScaleByTwo"
        assertThrows(
            .unsupportedLayers([UnsupportedLayer(name: "scale", className: "zoo_custom>ScaleByTwo")]), try KerasGraphBuilder.build(model(custom)))
        assertThrows(
            .unsupportedConfig(layer: "d", className: "Dense", key: "quantization_config", value: #"{"mode": "int8"}"#),
            try KerasGraphBuilder.build(model(try spec("Dense", #"{"units": 2, "quantization_config": {"mode": "int8"}}"#, name: "d"))))
        assertThrows(
            .unsupportedConfig(layer: "in", className: "InputLayer", key: "sparse", value: "true"),
            try KerasGraphBuilder.layer(try spec("InputLayer", #"{"batch_shape": [null, 2], "sparse": true}"#, name: "in")))
    }

    /// Unsupported classes are refused by name before any layer is built: a broken Conv2D config
    /// next to a Lambda gives the Lambda's refusal.
    func testUnsupportedLayersComeFirst() throws {
        let model = KerasModelSpec(
            layers: [
                try spec("InputLayer", #"{"batch_shape": [null, 4]}"#, name: "input_layer"),
                try spec("Conv2D", #"{"filters": -3}"#, name: "broken"),
                try spec("Lambda", "{}", name: "times_two"),
                try spec("Lambda", "{}", name: "times_two"),
            ], inputs: [0], outputs: [3])
        assertThrows(.unsupportedLayers([UnsupportedLayer(name: "times_two", className: "Lambda")]), try KerasGraphBuilder.build(model))
    }
}
