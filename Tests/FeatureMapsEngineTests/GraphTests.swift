import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Building graphs: order, edges, cycles, shape inference and its errors, input shapes, names.
final class GraphTests: XCTestCase {
    let relu = ActivationLayer(.relu)
    func input(_ dims: Int?...) -> InputLayer { InputLayer(declaredShape: dims) }

    func testKerasOrderKeptAndRepairedWhenInvalid() throws {
        let valid = try Graph(
            nodes: [
                NodeDescription(name: "in", layer: input(4)),
                NodeDescription(name: "a", layer: relu, inputs: [.node(0)]),
                NodeDescription(name: "b", layer: relu, inputs: [.node(0)]),
                NodeDescription(name: "sum", layer: MergeLayer(.add), inputs: [.node(2), .node(1)]),
            ], inputs: [0], outputs: [3])
        XCTAssertEqual(valid.nodes.map(\.name), ["in", "a", "b", "sum"])
        let shuffled = try Graph(
            nodes: [
                NodeDescription(name: "sum", layer: MergeLayer(.add), inputs: [.node(2), .node(3)]),
                NodeDescription(name: "in", layer: input(4)),
                NodeDescription(name: "b", layer: relu, inputs: [.node(1)]),
                NodeDescription(name: "a", layer: relu, inputs: [.node(1)]),
            ], inputs: [1], outputs: [0])
        XCTAssertEqual(shuffled.nodes.map(\.name), ["in", "b", "a", "sum"])
        XCTAssertEqual(shuffled.shape(of: shuffled.outputs[0]), [4])
    }

    func testCyclesAndUnknownInputsAreRefused() {
        assertThrows(
            .cycle(["conv_a", "conv_b"]),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(4)),
                    NodeDescription(name: "conv_a", layer: relu, inputs: [.node(2)]),
                    NodeDescription(name: "conv_b", layer: relu, inputs: [.node(1)]),
                ], inputs: [0], outputs: [2]))
        assertThrows(
            .cycle(["self"]),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(4)),
                    NodeDescription(name: "self", layer: MergeLayer(.add), inputs: [.node(0), .node(1)]),
                ], inputs: [0], outputs: [1]))
        assertThrows(
            .unknownInput(node: "a", reference: "entry #7"),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(4)), NodeDescription(name: "a", layer: relu, inputs: [.node(7)]),
                ], inputs: [0], outputs: [1]))
        assertThrows(
            .badModelInputs("input layer 'in2' is not among the model's inputs"),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(4)), NodeDescription(name: "in2", layer: input(4)),
                ], inputs: [0], outputs: [0]))
        assertThrows(
            .badModelInputs("input layer 'in' is called on 1 inputs"),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(4), inputs: [.node(0)])
                ], inputs: [0], outputs: [0]))
        assertThrows(
            .badModelInputs("'a' (Activation) is listed as an input"),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(4)), NodeDescription(name: "a", layer: relu, inputs: [.node(0)]),
                ], inputs: [0, 1], outputs: [1]))
    }

    func testShapeInferenceErrorsNameTheNode() {
        let conv = Conv2DLayer(kernel: WeightArray(shape: [3, 3, 4, 2], values: [Float](repeating: 0, count: 72)))
        assertThrows(
            .shapeMismatch(
                node: "outer/conv", className: "Conv2D", inputs: [[8, 8, 3]],
                reason: "kernel (3, 3, 4, 2) with 1 group(s) needs 4 input channels"),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(8, 8, 3)),
                    NodeDescription(name: "conv", path: ["outer"], layer: conv, inputs: [.node(0)]),
                ], inputs: [0], outputs: [1]))
        assertThrows(
            .inputCount(node: "sub", className: "Subtract", expected: 2...2, found: 3),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(2)),
                    NodeDescription(name: "sub", layer: MergeLayer(.subtract), inputs: [.node(0), .node(0), .node(0)]),
                ], inputs: [0], outputs: [1]))
        assertThrows(
            .valueTooLarge(node: "up", shape: [40000, 40000, 3], limit: graphValueLimit),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(2000, 2000, 3)),
                    NodeDescription(name: "up", layer: UpSampling2DLayer(size: [20, 20]), inputs: [.node(0)]),
                ], inputs: [0], outputs: [1]))
    }

    func testInputShapesOpenAndGiven() throws {
        let nodes = [
            NodeDescription(name: "img", layer: input(nil, nil, 3)),
            NodeDescription(name: "pool", layer: GlobalPooling2DLayer(.average), inputs: [.node(0)]),
        ]
        assertThrows(.inputShapeUnknown(input: "img", declared: "(None, None, 3)"), try Graph(nodes: nodes, inputs: [0], outputs: [1]))
        let g = try Graph(nodes: nodes, inputs: [0], outputs: [1], inputShapes: [[7, 9, 3]])
        XCTAssertEqual(g.shape(of: g.inputs[0]), [7, 9, 3])
        assertThrows(.inputShapeMismatch(input: "img", declared: "(None, None, 3)", given: [7, 9, 4]), try g.withInputShapes([[7, 9, 4]]))
        assertThrows(.modelInputCount(expected: 1, found: 2), try g.withInputShapes([[7, 9, 3], [7, 9, 3]]))
        XCTAssertEqual(try g.withInputShapes([[2, 2, 3]]).shape(of: g.outputs[0]), [3])
    }

    func testConstantsBroadcastAndLoseTheirBatchAxis() throws {
        let g = try Graph(
            nodes: [
                NodeDescription(name: "in", layer: input(2, 2, 3)),
                NodeDescription(
                    name: "mul", layer: BinaryOperation(.multiply),
                    inputs: [.node(0), .constant(NDArray(shape: [1, 1, 1, 3], data: [1, 2, 3]))]),
            ], inputs: [0], outputs: [1])
        XCTAssertEqual(g.values[g.nodes[1].inputs[1].index].shape, [1, 1, 3])
        assertThrows(
            .shapeMismatch(
                node: "mul", className: "Multiply", inputs: [[2, 1, 1, 3]], reason: "a constant of this shape would change the batch axis"),
            try Graph(
                nodes: [
                    NodeDescription(name: "in", layer: input(2, 2, 3)),
                    NodeDescription(
                        name: "mul", layer: BinaryOperation(.multiply),
                        inputs: [.node(0), .constant(NDArray(shape: [2, 1, 1, 3], data: [1, 2, 3, 4, 5, 6]))]),
                ], inputs: [0], outputs: [1]))
    }

    func testNamesResolveWithPathsCallsAndAliases() throws {
        let g = try Graph(
            nodes: [
                NodeDescription(name: "in", layer: input(2)),
                NodeDescription(name: "conv", path: ["transfer_model", "mobilenetv2_0.35_160"], layer: relu, inputs: [.node(0)]),
                NodeDescription(name: "shared", layer: relu, inputs: [.node(1)]),
                NodeDescription(name: "shared", layer: relu, inputs: [.node(2)]),
                NodeDescription(name: "conv", layer: relu, inputs: [.node(3)]),
            ], inputs: [0], outputs: [4], aliases: ["mobilenetv2_0.35_160": 1])
        XCTAssertEqual(try g.value(named: "transfer_model/mobilenetv2_0.35_160/conv"), g.nodes[1].output)
        XCTAssertEqual(try g.value(named: "mobilenetv2_0.35_160/conv"), g.nodes[1].output)
        XCTAssertEqual(try g.value(named: "conv"), g.nodes[4].output, "an exact top-level name wins over a path's tail")
        XCTAssertEqual(try g.value(named: "mobilenetv2_0.35_160"), g.nodes[1].output)
        XCTAssertEqual(try g.value(named: "shared:1"), g.nodes[3].output)
        assertThrows(.ambiguousNode("shared", candidates: ["shared:0", "shared:1"]), try g.value(named: "shared"))
        assertThrows(.unknownNode("shard", suggestions: ["shared", "conv", "in"]), try g.value(named: "shard"))
    }

    func testParameterCountCountsASharedLayerOnce() throws {
        let dense = DenseLayer(kernel: WeightArray(shape: [2, 2], values: [1, 0, 0, 1]), bias: WeightArray(shape: [2], values: [0, 0]))
        let g = try Graph(
            nodes: [
                NodeDescription(name: "in", layer: input(2)),
                NodeDescription(name: "d", layer: dense, inputs: [.node(0)]),
                NodeDescription(name: "d", layer: dense, inputs: [.node(1)]),
            ], inputs: [0], outputs: [2])
        XCTAssertEqual(g.parameterCount, 6)
    }

    func testErrorMessagesAreOneLineWithTheValues() {
        let e = GraphError.unsupportedLayers([UnsupportedLayer(name: "times_two", className: "Lambda")])
        XCTAssertEqual(
            e.localizedDescription,
            "layer 'times_two' (Lambda) is not supported by featuremaps; replace these layers with supported ones and re-save the model")
        let w = GraphError.weightShape(layer: "conv_b", className: "Conv2D", weight: "kernel", expected: [3, 3, 4, 8], found: [3, 3, 4, 4])
        XCTAssertTrue(w.localizedDescription.contains("(3, 3, 4, 4), its config needs (3, 3, 4, 8)"), w.localizedDescription)
        XCTAssertFalse(w.localizedDescription.contains("\n"))
    }
}
