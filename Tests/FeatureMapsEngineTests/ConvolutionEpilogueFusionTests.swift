import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// ConvolutionEpilogueFusion: what it fuses (Conv2D -> BN -> ReLU/Activation -> Add -> ReLU, as in
/// ResNet), bit-identical to the same graph unfused on awkward shapes, and what it must leave
/// alone (a value used twice, a requested inner value, softmax, BN on another axis).
final class ConvolutionEpilogueFusionTests: XCTestCase {
    var random = SplitMix64(seed: 2026)

    /// input -> conv -> bn -> relu -> add(shortcut = input or conv2(input)) -> activation.
    func resnetBlock(h: Int, w: Int, c: Int, f: Int, k: Int, stride: Int, padding: Padding, shortcutConv: Bool) throws -> Graph {
        let conv = Conv2DLayer(
            kernel: random.weight(k, k, c, f, scale: 0.5), bias: random.weight(f), strides: [stride, stride], padding: padding)
        let bn = BatchNormalizationLayer(
            gamma: random.floats(f), beta: random.floats(f), mean: random.floats(f, scale: 0.2),
            variance: random.floats(f).map { abs($0) + 0.5 })
        let shortcut = Conv2DLayer(kernel: random.weight(1, 1, c, f), strides: [stride, stride], padding: .valid)
        var nodes = [
            NodeDescription(name: "input", layer: InputLayer(declaredShape: [h, w, c])),
            NodeDescription(name: "conv", layer: conv, inputs: [.node(0)]),
            NodeDescription(name: "bn", layer: bn, inputs: [.node(1)]),
            NodeDescription(name: "relu", layer: ReLULayer(), inputs: [.node(2)]),
        ]
        if shortcutConv { nodes.append(NodeDescription(name: "shortcut", layer: shortcut, inputs: [.node(0)])) }
        let other = shortcutConv ? nodes.count - 1 : 0
        nodes.append(NodeDescription(name: "add", layer: MergeLayer(.add), inputs: [.node(other), .node(3)]))
        nodes.append(NodeDescription(name: "out", layer: ActivationLayer(.relu), inputs: [.node(nodes.count - 1)]))
        return try Graph(nodes: nodes, inputs: [0], outputs: [nodes.count - 1])
    }

    func run(_ graph: Graph, _ x: NDArray, fused: Bool, names: [String]? = nil, threads: Int = 1) throws -> [String: NDArray] {
        try GraphExecutor(graph: graph, threads: threads, kernels: .fast, fusions: fused ? [ConvolutionEpilogueFusion()] : [])
            .run([x], outputs: names)
    }

    func testFusedEqualsUnfusedBitForBitOnAwkwardShapes() throws {
        for (h, w, c, f, k, stride, padding) in [
            (9, 7, 1, 1, 3, 1, Padding.same), (11, 13, 3, 17, 3, 2, .same), (8, 8, 17, 3, 1, 1, .valid), (7, 9, 4, 17, 5, 2, .same),
        ] {
            for shortcutConv in [false, true] where shortcutConv || (stride == 1 && c == f && padding == .same) {
                let graph = try resnetBlock(h: h, w: w, c: c, f: f, k: k, stride: stride, padding: padding, shortcutConv: shortcutConv)
                let x = random.array(h, w, c)
                let steps = ConvolutionEpilogueFusion().rewrite(GraphExecutor(graph: graph).steps, keeping: Set(graph.outputs))
                let fusedName = steps.map(\.layer.kerasClassName).first { $0.hasPrefix("Conv2D+") }
                XCTAssertEqual(fusedName, "Conv2D+BatchNormalization+ReLU+Add+Activation", "\(h)x\(w)x\(c) -> \(f), k \(k)")
                for threads in [1, 2] {
                    let a = try run(graph, x, fused: true, threads: threads), b = try run(graph, x, fused: false)
                    XCTAssertEqual(a["out"]!.data, b["out"]!.data, "\(h)x\(w)x\(c) -> \(f), k \(k) s \(stride), \(threads) threads")
                }
            }
        }
    }

    func testARequestedInnerValueBreaksTheChainAndStaysRight() throws {
        let graph = try resnetBlock(h: 6, w: 5, c: 3, f: 3, k: 3, stride: 1, padding: .same, shortcutConv: false)
        let x = random.array(6, 5, 3)
        let fused = try run(graph, x, fused: true, names: ["bn", "out"]), plain = try run(graph, x, fused: false, names: ["bn", "out"])
        XCTAssertEqual(fused["bn"]!.data, plain["bn"]!.data)
        XCTAssertEqual(fused["out"]!.data, plain["out"]!.data)
        let steps = ConvolutionEpilogueFusion().rewrite(GraphExecutor(graph: graph).steps, keeping: [try graph.value(named: "bn")])
        XCTAssert(steps.contains { $0.layer.kerasClassName == "Conv2D+BatchNormalization" }, steps.map(\.layer.kerasClassName).description)
    }

    func testWhatMustNotFuse() throws {
        let conv = Conv2DLayer(kernel: random.weight(3, 3, 2, 4), padding: .same)
        let softmax = Conv2DLayer(kernel: random.weight(1, 1, 2, 4), activation: .softmax)
        let bnAxis1 = BatchNormalizationLayer(axis: 1, gamma: nil, beta: nil, mean: random.floats(5), variance: [1, 1, 1, 1, 1])
        let graph = try Graph(
            nodes: [
                NodeDescription(name: "input", layer: InputLayer(declaredShape: [5, 5, 2])),
                NodeDescription(name: "conv", layer: conv, inputs: [.node(0)]),
                NodeDescription(name: "relu_a", layer: ReLULayer(), inputs: [.node(1)]),  // conv is used twice
                NodeDescription(name: "relu_b", layer: ReLULayer(), inputs: [.node(1)]),
                NodeDescription(name: "soft", layer: softmax, inputs: [.node(0)]),
                NodeDescription(name: "soft_relu", layer: ReLULayer(), inputs: [.node(4)]),
                NodeDescription(name: "conv2", layer: conv, inputs: [.node(0)]),
                NodeDescription(name: "bn_rows", layer: bnAxis1, inputs: [.node(6)]),
                NodeDescription(name: "sum", layer: MergeLayer(.add), inputs: [.node(2), .node(3)]),
            ], inputs: [0], outputs: [8, 5, 7])
        let steps = ConvolutionEpilogueFusion().rewrite(GraphExecutor(graph: graph).steps, keeping: Set(graph.outputs))
        XCTAssertFalse(steps.contains { $0.layer.kerasClassName.contains("+") }, steps.map(\.layer.kerasClassName).description)
    }

    func testABroadcastResidualIsAddedAsMergeDoes() throws {
        let conv = Conv2DLayer(kernel: random.weight(3, 3, 2, 4), bias: random.weight(4), padding: .same)
        let graph = try Graph(
            nodes: [
                NodeDescription(name: "input", layer: InputLayer(declaredShape: [5, 6, 2])),
                NodeDescription(name: "conv", layer: conv, inputs: [.node(0)]),
                NodeDescription(name: "pool", layer: GlobalPooling2DLayer(.average, keepDims: true), inputs: [.node(1)]),
                NodeDescription(name: "conv2", layer: conv, inputs: [.node(0)]),
                NodeDescription(name: "add", layer: MergeLayer(.add), inputs: [.node(3), .node(2)]),
                NodeDescription(name: "relu", layer: ReLULayer(), inputs: [.node(4)]),
            ], inputs: [0], outputs: [5])
        let x = random.array(5, 6, 2)
        let steps = ConvolutionEpilogueFusion().rewrite(GraphExecutor(graph: graph).steps, keeping: Set(graph.outputs))
        XCTAssert(steps.contains { $0.layer.kerasClassName == "Conv2D+Add+ReLU" }, steps.map(\.layer.kerasClassName).description)
        XCTAssertEqual(try run(graph, x, fused: true)["relu"]!.data, try run(graph, x, fused: false)["relu"]!.data)
    }
}
