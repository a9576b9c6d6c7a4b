import Foundation
import XCTest
import FeatureMapsEngine
import FeatureMapsWeights
@testable import FeatureMapsModels

/// Configs written here by hand, in both of Keras's formats, through the reader's own steps
/// (DescriptionBuilder, then the stored weights given): the graph's rules, the policy and the caps.
final class ConfigTests: XCTestCase {
    static let file = "test.keras"

    static func describe(
        _ json: String, major: Int = 3, format: KerasModelDescription.Format = .keras,
        stored: KerasStoredFile.StoredModel? = nil
    ) throws -> KerasModelDescription {
        let top = try KerasJSON.parse(Data(json.utf8))
        var builder = try DescriptionBuilder(
            top: top, format: format, version: KerasVersion(major: major, text: "\(major).0"),
            backend: nil, file: Self.file, entry: "config.json")
        return try builder.finish(with: stored ?? .init(layout: format == .keras ? .variables : .legacyModel, attributes: [:], groups: []))
    }

    static func refusal(
        _ json: String, major: Int = 3, format: KerasModelDescription.Format = .keras,
        stored: KerasStoredFile.StoredModel? = nil
    ) -> ModelError? {
        do {
            _ = try describe(json, major: major, format: format, stored: stored)
            XCTFail("accepted")
        } catch let error as ModelError {
            XCTAssertFalse(error.errorDescription!.contains("\n"))
            XCTAssert(error.errorDescription!.hasPrefix("model file '\(Self.file)'"), error.errorDescription!)
            return error
        } catch {
            XCTFail("\(error)")
        }
        return nil
    }

    static func tensor(_ layer: String, _ node: Int = 0, _ index: Int = 0) -> String {
        #"{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["\#(layer)", \#(node), \#(index)]}}"#
    }
    static func layer(_ className: String, _ name: String, config: String = "", calls: [String]) -> String {
        let extra = config.isEmpty ? "" : ", " + config
        return
            #"{"module": "keras.layers", "class_name": "\#(className)", "name": "\#(name)", "config": {"name": "\#(name)", "trainable": true, "dtype": "float32"\#(extra)}, "inbound_nodes": [\#(calls.joined(separator: ", "))]}"#
    }
    static let input =
        #"{"module": "keras.layers", "class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": [null, 4]}, "inbound_nodes": []}"#
    static func functional(_ name: String, _ layers: [String], inputs: String = #"["x", 0, 0]"#, outputs: String) -> String {
        #"{"module": "keras.src.models.functional", "class_name": "Functional", "name": "\#(name)", "config": {"name": "\#(name)", "trainable": true, "layers": [\#(layers.joined(separator: ", "))], "input_layers": \#(inputs), "output_layers": \#(outputs)}, "inbound_nodes": []}"#
    }
    static func call(_ args: String...) -> String { #"{"args": [\#(args.joined(separator: ", "))], "kwargs": {}}"# }

    /// A layer called twice: call 1 is its second call; call 2 does not exist.
    func testSharedLayerCallsAndTheirRange() throws {
        let shared = Self.layer("ReLU", "shared", calls: [Self.call(Self.tensor("x")), Self.call(Self.tensor("shared", 0))])
        let add = Self.layer("Add", "sum", calls: [Self.call("[\(Self.tensor("shared", 0)), \(Self.tensor("shared", 1))]")])
        let description = try Self.describe(Self.functional("m", [Self.input, shared, add], outputs: #"["sum", 0, 0]"#))
        XCTAssertEqual(description.layers[1].calls.count, 2)
        XCTAssertEqual(description.layers[2].calls[0].tensors.map(\.call), [0, 1])
        XCTAssertEqual(description.layers[2].calls[0].args.count, 1, "a merging layer takes one list argument")
        let beyond = Self.layer("Add", "sum", calls: [Self.call("[\(Self.tensor("shared", 0)), \(Self.tensor("shared", 2))]")])
        guard
            case .nodeOutOfRange(_, let who, "shared", 2, 2)? = Self.refusal(
                Self.functional("m", [Self.input, shared, beyond], outputs: #"["sum", 0, 0]"#))
        else {
            return XCTFail()
        }
        XCTAssertEqual(who.name, "sum")
    }

    func testScalarsAmongArgumentsStayValues() throws {
        let divide =
            #"{"module": "keras.src.ops.numpy", "class_name": "TrueDivide", "name": "true_divide", "config": {"name": "true_divide"}, "registered_name": "TrueDivide", "inbound_nodes": [\#(Self.call(Self.tensor("x"), "127.5"))]}"#
        let subtract =
            #"{"module": "keras.src.ops.numpy", "class_name": "Subtract", "name": "subtract", "config": {"name": "subtract"}, "inbound_nodes": [\#(Self.call("1", Self.tensor("true_divide")))]}"#
        let d = try Self.describe(Self.functional("m", [Self.input, divide, subtract], outputs: #"["subtract", 0, 0]"#))
        XCTAssert(d.layers[1].isOperation)
        guard case .value(.double(127.5)) = d.layers[1].calls[0].args[1], case .value(.int(1)) = d.layers[2].calls[0].args[0] else {
            return XCTFail("\(d.layers[1].calls) \(d.layers[2].calls)")
        }
    }

    /// Keras 2: nodes as lists, TFOpLambda with kwargs, constants, and a nested Functional whose
    /// built-in node Keras 2 counts: its first call is node 1, here call 0.
    func testKeras2NodesAndANestedModel() throws {
        let json = """
            {"class_name": "Model", "config": {"name": "outer", "layers": [
              {"class_name": "InputLayer", "name": "input_1", "config": {"batch_input_shape": [null, 4], "name": "input_1"}, "inbound_nodes": []},
              {"class_name": "Functional", "name": "inner", "config": {"name": "inner", "layers": [
                 {"class_name": "InputLayer", "name": "input_2", "config": {"batch_input_shape": [null, 4], "name": "input_2"}, "inbound_nodes": []},
                 {"class_name": "Dense", "name": "d", "config": {"name": "d", "trainable": true, "dtype": "float32", "units": 4}, "inbound_nodes": [[["input_2", 0, 0, {}]]]}],
                 "input_layers": [["input_2", 0, 0]], "output_layers": [["d", 0, 0]]},
               "inbound_nodes": [[["input_1", 0, 0, {}]]]},
              {"class_name": "TFOpLambda", "name": "tf.math.truediv", "config": {"name": "tf.math.truediv", "trainable": true, "dtype": "float32", "function": "math.truediv"},
               "inbound_nodes": [[["inner", 1, 0, {"y": 127.5, "name": null}]]]},
              {"class_name": "TFOpLambda", "name": "tf.math.subtract", "config": {"name": "tf.math.subtract", "trainable": true, "dtype": "float32", "function": "math.subtract"},
               "inbound_nodes": [[["_CONSTANT_VALUE", -1, 1.0, {}], ["tf.math.truediv", 0, 0, {"z": ["inner", 1, 0]}]]]}],
              "input_layers": [["input_1", 0, 0]], "output_layers": [["tf.math.subtract", 0, 0], ["inner", 1, 0]]}}
            """
        func array(_ shape: [Int]) -> WeightArray { WeightArray(shape: shape, values: (0..<shape.reduce(1, *)).map(Float.init)) }
        let stored = KerasStoredFile.StoredModel(
            layout: .legacyModel, attributes: [:],
            groups: [
                .init(
                    path: "inner", layerName: nil,
                    arrays: [
                        .init(name: "d/kernel:0", array: array([4, 4]), storedAsIntegers: false),
                        .init(name: "d/bias:0", array: array([4]), storedAsIntegers: false),
                    ])
            ])
        let d = try Self.describe(json, major: 2, format: .h5, stored: stored)
        XCTAssertEqual(d.layers[3].weights.map(\.name), ["kernel", "bias"])
        XCTAssertEqual(d.layers[3].weights[1].array, array([4]))
        XCTAssertEqual(d.layers.map(\.qualifiedName), ["input_1", "inner", "inner/input_2", "inner/d", "tf.math.truediv", "tf.math.subtract"])
        XCTAssertEqual(d.layers[3].path, ["outer", "inner"])
        XCTAssertEqual(d.layers[4].calls[0].tensors, [KerasTensorReference(layer: "inner", layerIndex: 1, call: 0, tensor: 0)])
        XCTAssertEqual(d.layers[4].calls[0].kwargs["y"], .value(.double(127.5)))
        guard case .list(let items) = d.layers[5].calls[0].args[0], case .value(.double(1.0)) = items[0] else { return XCTFail() }
        XCTAssertEqual(d.layers[5].calls[0].kwargs["z"], .tensor(KerasTensorReference(layer: "inner", layerIndex: 1, call: 0, tensor: 0)))
        XCTAssertEqual(d.outputs.map(\.layerIndex), [5, 1])
        XCTAssertEqual(d.outputs.map(\.call), [0, 0])
        XCTAssertEqual(d.layers[1].model?.outputs, [KerasTensorReference(layer: "inner/d", layerIndex: 3, call: 0, tensor: 0)])
        XCTAssertFalse(d.layers.contains(where: \.isOperation), "TFOpLambda is a layer")
        XCTAssertEqual(d.layer(named: "d")?.index, 3)
        XCTAssertEqual(d.layer(named: "inner/d")?.index, 3)
    }

    func testCyclesAndMissingLayersAreRefused() {
        let a = Self.layer("Dense", "a", config: #""units": 4"#, calls: [Self.call(Self.tensor("b"))])
        let b = Self.layer("Dense", "b", config: #""units": 4"#, calls: [Self.call(Self.tensor("a"))])
        guard case .cycle? = Self.refusal(Self.functional("m", [Self.input, a, b], outputs: #"["b", 0, 0]"#)) else { return XCTFail() }
        let selfish = Self.layer("Dense", "a", config: #""units": 4"#, calls: [Self.call(Self.tensor("a"))])
        guard case .cycle? = Self.refusal(Self.functional("m", [Self.input, selfish], outputs: #"["a", 0, 0]"#)) else { return XCTFail() }
        guard case .unknownInbound(_, _, "ghost")? = Self.refusal(Self.functional("m", [Self.input], outputs: #"["ghost", 0, 0]"#)) else {
            return XCTFail()
        }
        let twice = Self.layer("Dense", "x", config: #""units": 4"#, calls: [Self.call(Self.tensor("x"))])
        guard case .duplicateLayerName(_, "m", "x")? = Self.refusal(Self.functional("m", [Self.input, twice], outputs: #"["x", 0, 0]"#)) else {
            return XCTFail()
        }
    }

    func testSequentialInputs() throws {
        let withShape =
            #"{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Flatten", "config": {"name": "d", "batch_input_shape": [null, 3], "trainable": true, "dtype": "float32"}}]}}"#
        let d = try Self.describe(withShape, major: 2, format: .h5)
        XCTAssertEqual(d.layers.map(\.name), ["d_input", "d"])
        XCTAssertEqual(d.inputs.map(\.layer), ["d_input"])
        XCTAssertEqual(d.layers[1].calls[0].tensors.map(\.layer), ["d_input"])
        let without =
            #"{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 2}}]}}"#
        guard case .noInputShape(_, "s")? = Self.refusal(without) else { return XCTFail() }
    }

    func testNestingAndLayerCountsAreCapped() throws {
        var json =
            #"{"class_name": "Sequential", "config": {"name": "s0", "layers": [{"class_name": "InputLayer", "config": {"name": "i", "batch_shape": [null, 2]}}]}}"#
        for depth in 1...101 {
            json =
                #"{"class_name": "Sequential", "config": {"name": "s\#(depth)", "layers": [{"class_name": "InputLayer", "config": {"name": "i", "batch_shape": [null, 2]}}, \#(json)]}}"#
        }
        guard case .tooDeep(_, 100)? = Self.refusal(json) else { return XCTFail() }
        let flatten = #"{"class_name": "Flatten", "config": {"name": "f%d", "trainable": true, "dtype": "float32"}}"#
        let many = (0..<100_000).map { String(format: flatten, $0) }.joined(separator: ",")
        let big =
            #"{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"name": "i", "batch_shape": [null, 2]}}, \#(many)]}}"#
        guard case .tooManyLayers(_, 100_000)? = Self.refusal(big) else { return XCTFail() }
    }

    func testCodeAndForeignClassesAreRefused() {
        let variants = [
            #""activation": {"module": "my_package.activations", "class_name": "function", "config": "swish2", "registered_name": "function"}"#,
            #""activation": {"module": null, "class_name": "function", "config": "mine", "registered_name": null}"#,
            #""activation": {"class_name": "__lambda__", "config": {"code": "4wEAAA=="}}"#,
            #""kernel_initializer": {"module": "keras.initializers", "class_name": "Mine", "config": {}, "registered_name": "pkg>Mine"}"#,
            #""kernel_initializer": {"class_name": "Custom>Init", "config": {}}"#,
        ]
        for variant in variants {
            let dense = Self.layer("Dense", "d", config: #""units": 4, "# + variant, calls: [Self.call(Self.tensor("x"))])
            guard case .runsCode(_, let who, _)? = Self.refusal(Self.functional("m", [Self.input, dense], outputs: #"["d", 0, 0]"#)) else {
                XCTFail(variant); continue
            }
            XCTAssertEqual(who.name, "d")
        }
        let hub =
            #"{"module": "keras_hub.layers", "class_name": "Thing", "name": "t", "config": {"name": "t"}, "inbound_nodes": [\#(Self.call(Self.tensor("x")))]}"#
        guard case .runsCode? = Self.refusal(Self.functional("m", [Self.input, hub], outputs: #"["t", 0, 0]"#)) else { return XCTFail() }
        let custom = #"{"module": "__main__", "class_name": "MyModel", "config": {"name": "mine"}}"#
        guard case .runsCode? = Self.refusal(custom) else { return XCTFail() }
    }

    func testDeclaredSizesAreCapped() {
        for (config, field) in [
            (#""units": 1000000000"#, "units"), (#""filters": 70000, "kernel_size": 3"#, "filters"),
            (#""filters": 8, "kernel_size": [5000, 3]"#, "kernel_size"),
        ] {
            let layer = Self.layer(field == "units" ? "Dense" : "Conv2D", "big", config: config, calls: [Self.call(Self.tensor("x"))])
            guard case .sizeTooLarge(_, _, field, _, _)? = Self.refusal(Self.functional("m", [Self.input, layer], outputs: #"["big", 0, 0]"#)) else {
                XCTFail(field); continue
            }
        }
        for shape in ["[null, 100000, 2, 3]", "[null, 30000, 30000, 3]"] {
            let input =
                #"{"module": "keras.layers", "class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": \#(shape)}, "inbound_nodes": []}"#
            guard case .sizeTooLarge(_, _, "batch_shape", _, _)? = Self.refusal(Self.functional("m", [input], outputs: #"["x", 0, 0]"#)) else {
                XCTFail(shape); continue
            }
        }
    }

    func testTheEnginesCheckIsAsked() throws {
        let path = try Zoo.path("classroom_cnn.keras")
        XCTAssertThrowsError(try KerasModelFile.read(path: path) { $0.className == "Dropout" ? "no dropout here" : nil }) { error in
            guard case .unsupportedLayer(_, let layer, "no dropout here") = error as? ModelError else { return XCTFail("\(error)") }
            XCTAssertEqual(layer.name, "dropout")
        }
    }
}
