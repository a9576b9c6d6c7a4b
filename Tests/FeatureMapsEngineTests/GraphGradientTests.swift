import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// The backward driver on whole graphs: the input gradient of a small residual CNN (a value read
/// twice, a layer called twice with shared weights, a constant operand, a softmax head) against
/// finite differences of the logit (GradientCheck's step and tolerance), fast and reference
/// kernels alike; which value is the logit; gradients that reach nothing; refusals.
final class GraphGradientTests: XCTestCase {
    func input(_ dims: Int?...) -> InputLayer { InputLayer(declaredShape: dims) }

    /// in (7, 6, 3) -> x/2 (constant) -> conv 3x3 stride 2 'same' (gelu) = a -> shared 3x3 conv -> tanh
    /// -> shared conv again -> Add(a, ...) (a read twice) -> Add(s, s) -> GAP -> Dense -> Softmax.
    func residualCNN(_ rng: inout SplitMix64) throws -> Graph {
        let shared = Conv2DLayer(kernel: rng.weight(3, 3, 4, 4, scale: 0.4), bias: rng.weight(4), padding: .same)
        let nodes = [
            NodeDescription(name: "in", layer: input(7, 6, 3)),
            NodeDescription(name: "half", layer: BinaryOperation(.trueDivide), inputs: [.node(0), .constant(NDArray(shape: [], data: [2]))]),
            NodeDescription(
                name: "a",
                layer: Conv2DLayer(kernel: rng.weight(3, 3, 3, 4), strides: [2, 2], padding: .same, activation: .gelu(approximate: false)),
                inputs: [.node(1)]),
            NodeDescription(name: "shared", layer: shared, inputs: [.node(2)]),
            NodeDescription(name: "t", layer: ActivationLayer(.tanh), inputs: [.node(3)]),
            NodeDescription(name: "shared", layer: shared, inputs: [.node(4)]),
            NodeDescription(name: "s", layer: MergeLayer(.add), inputs: [.node(2), .node(5)]),
            NodeDescription(name: "twice", layer: MergeLayer(.add), inputs: [.node(6), .node(6)]),
            NodeDescription(name: "gap", layer: GlobalPooling2DLayer(.average), inputs: [.node(7)]),
            NodeDescription(name: "logits", layer: DenseLayer(kernel: rng.weight(4, 5), bias: rng.weight(5)), inputs: [.node(8)]),
            NodeDescription(name: "probs", layer: SoftmaxLayer(), inputs: [.node(9)]),
        ]
        return try Graph(nodes: nodes, inputs: [0], outputs: [10])
    }

    func testInputGradientOfAResidualGraphAgainstFiniteDifferences() throws {
        var rng = SplitMix64(seed: 501)
        let graph = try residualCNN(&rng)
        XCTAssertEqual(try graph.logitSource().description, "logits (the input of softmax 'probs')")
        let x = rng.array(7, 6, 3, scale: 2)
        let executor = GraphExecutor(graph: graph, kernels: .reference)
        func logit(_ x: NDArray, _ c: Int) throws -> Double { Double(try executor.run([x], outputs: ["logits"])["logits"]!.data[c]) }
        for kernels in [KernelChoice.reference, .fast] {
            let r = try GraphGradient(graph: graph, kernels: kernels).run([x], class: .index(2), at: ["s", "shared:1"], inputGradients: true)
            XCTAssertEqual(r.classIndex, 2)
            XCTAssertEqual(r.values["s"]!.shape, [4, 3, 4])
            // Add(s, s) doubles and the average pool spreads: d logit / d s = 2 * W[:, class] / 12 at every pixel.
            let dense = graph.nodes.first { $0.name == "logits" }!.layer as! DenseLayer
            for p in 0..<12 {
                for c in 0..<4 { XCTAssertEqual(r.gradients["s"]!.data[p * 4 + c], 2 * dense.kernel.values[c * 5 + 2] / 12, accuracy: 1e-6) }
            }
            let g = r.inputGradients[0]
            let scale = max(1, Double(g.data.map(abs).max()!))
            for i in stride(from: 0, to: x.shape.count, by: 1) {
                var plus = x, minus = x
                plus.data[i] += GradientCheck.step
                minus.data[i] -= GradientCheck.step
                let fd = (try logit(plus, 2) - logit(minus, 2)) / Double(plus.data[i] - minus.data[i])
                XCTAssertEqual(Double(g.data[i]), fd, accuracy: GradientCheck.tolerance * scale, "[\(kernels)] input \(i)")
            }
        }
    }

    /// An objective at any layer (the mean of one channel of `t`, what feature visualization
    /// maximizes): its input gradient against finite differences of that mean.
    func testChannelMeanObjectiveAgainstFiniteDifferences() throws {
        var rng = SplitMix64(seed: 502)
        let graph = try residualCNN(&rng)
        let x = rng.array(7, 6, 3, scale: 2)
        let executor = GraphExecutor(graph: graph, kernels: .reference)
        let channel = 1
        func mean(_ x: NDArray) throws -> Double {
            let t = try executor.run([x], outputs: ["t"])["t"]!
            return stride(from: channel, to: t.data.count, by: 4).reduce(0) { $0 + Double(t.data[$1]) } / Double(t.data.count / 4)
        }
        let r = try GraphGradient(graph: graph).run([x], objectiveAt: "t", inputGradients: true) { value in
            var g = NDArray(shape: value.shape)
            for i in stride(from: channel, to: g.data.count, by: 4) { g.data[i] = 1 / Float(value.data.count / 4) }
            return g
        }
        XCTAssertEqual(r.value.shape, [4, 3, 4])
        let g = r.inputGradients[0]
        let scale = max(1, Double(g.data.map(abs).max()!))
        for i in 0..<x.shape.count {
            var plus = x, minus = x
            plus.data[i] += GradientCheck.step
            minus.data[i] -= GradientCheck.step
            let fd = (try mean(plus) - mean(minus)) / Double(plus.data[i] - minus.data[i])
            XCTAssertEqual(Double(g.data[i]), fd, accuracy: GradientCheck.tolerance * scale, "input \(i)")
        }
    }

    func testFusedSoftmaxIsDroppedForTheLogit() throws {
        var rng = SplitMix64(seed: 502)
        let dense = DenseLayer(kernel: rng.weight(3, 4), bias: rng.weight(4), activation: .softmax)
        let graph = try Graph(
            nodes: [NodeDescription(name: "in", layer: input(3)), NodeDescription(name: "predictions", layer: dense, inputs: [.node(0)])],
            inputs: [0], outputs: [1])
        XCTAssertEqual(try graph.logitSource().description, "predictions before its softmax activation")
        let x = rng.array(3)
        let r = try GraphGradient(graph: graph).run([x], class: .top1, inputGradients: true)
        let z = dense.linear.referenceForward(x)
        assertClose(r.logits, z, "logits")
        XCTAssertEqual(r.classIndex, z.data.indices.max { z.data[$0] < z.data[$1] })
        // d z[c] / d x = kernel[:, c].
        XCTAssertEqual(r.inputGradients[0].data, (0..<3).map { dense.kernel.values[$0 * 4 + r.classIndex] })
        XCTAssertThrowsError(try GraphGradient(graph: graph).run([x], class: .index(4))) {
            XCTAssertEqual($0 as? GradientError, .classOutOfRange(index: 4, count: 4))
        }
    }

    /// A requested value off the logit's path gets a zero gradient (and its value); a layer with no
    /// backward on the path is refused by name before anything runs; Grad-CAM needs an (H, W, C) map.
    func testUnreachedValuesAndRefusals() throws {
        struct Opaque: GraphLayer {
            var kerasClassName: String { "Opaque" }
            func outputShape(inputs: [Shape]) throws -> Shape { inputs[0] }
            func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray { inputs[0] }
        }
        let nodes = [
            NodeDescription(name: "in", layer: input(2, 2, 3)),
            NodeDescription(name: "side", layer: ActivationLayer(.tanh), inputs: [.node(0)]),
            NodeDescription(name: "opaque", layer: Opaque(), inputs: [.node(0)]),
            NodeDescription(name: "gap", layer: GlobalPooling2DLayer(.average), inputs: [.node(2)]),
        ]
        let graph = try Graph(nodes: nodes, inputs: [0], outputs: [3])
        let x = NDArray(shape: [2, 2, 3], data: (0..<12).map { Float($0) / 12 })
        let r = try GraphGradient(graph: graph).run([x], class: .index(1), at: ["side", "gap"])
        XCTAssertEqual(r.gradients["side"]!.data, [Float](repeating: 0, count: 12))
        XCTAssertEqual(r.values["side"]!.data, x.data.map { Foundation.tanh($0) })
        XCTAssertEqual(r.gradients["gap"]!.data, [0, 1, 0])
        XCTAssertThrowsError(try GraphGradient(graph: graph).run([x], class: .index(1), inputGradients: true)) {
            XCTAssertEqual($0 as? GradientError, .notDifferentiable(node: "opaque", className: "Opaque"))
        }
        XCTAssertThrowsError(try GraphGradient(graph: graph).explain([x], class: .top1, gradCAMLayer: "gap", saliency: false)) {
            XCTAssertEqual($0 as? GradientError, .notSpatial(layer: "gap", shape: [3]))
        }
    }

    /// explain: Grad-CAM from the gradient run, saliency = max |input gradient| over channels,
    /// probabilities the softmax of the logits.
    func testExplainOnTheResidualGraph() throws {
        var rng = SplitMix64(seed: 503)
        let graph = try residualCNN(&rng)
        let x = rng.array(7, 6, 3)
        let driver = GraphGradient(graph: graph)
        let e = try driver.explain([x], class: .top1, gradCAMLayer: "t", saliency: true)
        let r = try driver.run([x], class: .top1, at: ["t"], inputGradients: true)
        XCTAssertEqual(e.classIndex, r.classIndex)
        XCTAssertEqual(e.gradCAM!.gradient.data, r.gradients["t"]!.data)
        XCTAssertEqual(e.gradCAM!.activation.data, r.values["t"]!.data)
        XCTAssertEqual(e.saliency!.inputGradient.data, r.inputGradients[0].data)
        let probs = try GraphExecutor(graph: graph).run([x])["probs"]!
        assertClose(NDArray(shape: [5], data: e.probabilities), probs, "probabilities")
    }
}
