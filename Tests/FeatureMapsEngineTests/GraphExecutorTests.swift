import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// The executor: a diamond, a shared layer called twice, a run stopped early, values freed after
/// their last use, in-place reuse, determinism across thread counts, and the fusion seam.
final class GraphExecutorTests: XCTestCase {
    func input(_ dims: Int?...) -> InputLayer { InputLayer(declaredShape: dims) }
    func t(_ x: Float) -> Float { Foundation.tanh(x) }

    func testDiamond() throws {
        // in -> (a = relu, b = negative) -> sum = a + b
        let g = try Graph(
            nodes: [
                NodeDescription(name: "in", layer: input(4)),
                NodeDescription(name: "a", layer: ActivationLayer(.relu), inputs: [.node(0)]),
                NodeDescription(name: "b", layer: UnaryOperation(kerasClassName: "Negative", .negative), inputs: [.node(0)]),
                NodeDescription(name: "sum", layer: MergeLayer(.add), inputs: [.node(1), .node(2)]),
            ], inputs: [0], outputs: [3])
        let x = NDArray(shape: [4], data: [-2, -1, 1, 2])
        let out = try GraphExecutor(graph: g).run([x], outputs: ["sum", "a", "b", "in"])
        XCTAssertEqual(out["sum"]!.data, [2, 1, 0, 0])
        XCTAssertEqual(out["a"]!.data, [0, 0, 1, 2])
        XCTAssertEqual(out["b"]!.data, [2, 1, -1, -2])
        XCTAssertEqual(out["in"]!, x, "the input is unchanged though `a` ran in place after it")
        XCTAssertEqual(try GraphExecutor(graph: g).run([x])["sum"]!.data, [2, 1, 0, 0], "the model's outputs by default")
    }

    func testSharedLayerCalledTwice() throws {
        let dense = DenseLayer(kernel: WeightArray(shape: [2, 2], values: [1, 2, 3, 4]), bias: WeightArray(shape: [2], values: [1, 0]))
        let g = try Graph(
            nodes: [
                NodeDescription(name: "in", layer: input(2)),
                NodeDescription(name: "shared", layer: dense, inputs: [.node(0)]),
                NodeDescription(name: "shared", layer: dense, inputs: [.node(1)]),
            ], inputs: [0], outputs: [2])
        // [1, 1] -> [1 + 3 + 1, 2 + 4] = [5, 6] -> [5 + 18 + 1, 10 + 24] = [24, 34].
        let out = try GraphExecutor(graph: g).run([NDArray(shape: [2], data: [1, 1])], outputs: ["shared:0", "shared:1"])
        XCTAssertEqual(out["shared:0"]!.data, [5, 6])
        XCTAssertEqual(out["shared:1"]!.data, [24, 34])
    }

    /// A chain in -> l1 -> ... -> l10 with a side branch off l2.
    func chain() throws -> Graph {
        var nodes = [NodeDescription(name: "in", layer: input(1000))]
        for i in 1...10 { nodes.append(NodeDescription(name: "l\(i)", layer: ActivationLayer(.tanh), inputs: [.node(i - 1)])) }
        nodes.append(NodeDescription(name: "side", layer: ActivationLayer(.relu), inputs: [.node(2)]))
        return try Graph(nodes: nodes, inputs: [0], outputs: [10, 11])
    }

    func testRunStopsAfterTheLastRequestedNodeAndSkipsOthers() throws {
        let g = try chain(), ex = GraphExecutor(graph: g)
        let x = NDArray(shape: [1000], repeating: 0.5)
        let early = try ex.run([x], values: [try g.value(named: "l3")])
        XCTAssertEqual(early.statistics.stepsRun, 3, "l1, l2, l3; not l4...l10 nor the side branch")
        XCTAssertEqual(early.values.count, 1)
        XCTAssertEqual(early.values.first!.value.data[0], t(t(t(0.5))))
        XCTAssertEqual(try ex.run([x], values: [try g.value(named: "side")]).statistics.stepsRun, 3, "l1, l2, side")
        XCTAssertEqual(try ex.run([x], values: [try g.value(named: "in")]).statistics.stepsRun, 0)
    }

    func testValuesAreFreedAfterTheirLastUse() throws {
        let g = try chain(), ex = GraphExecutor(graph: g)
        let run = try ex.run([NDArray(shape: [1000], repeating: 0.5)], values: [try g.value(named: "l10")])
        // At most: the input (held by the caller's run), the value being consumed and the one written;
        // l2 lives on only until `side`... which is not needed here.
        XCTAssertLessThanOrEqual(run.statistics.peakLiveValues, 3)
        XCTAssertLessThanOrEqual(run.statistics.peakLiveElements, 3000)
        XCTAssertEqual(run.statistics.liveValuesAtEnd, 1, "only the requested value")
        let both = try ex.run([NDArray(shape: [1000], repeating: 0.5)], values: g.outputs)
        XCTAssertLessThanOrEqual(both.statistics.peakLiveValues, 4, "l2 is held for the side branch")
        XCTAssertEqual(both.statistics.stepsRun, 11)
    }

    func testInPlaceReuseLeavesRequestedValuesIntact() throws {
        let g = try chain()
        let x = NDArray(shape: [1000], repeating: 0.5)
        let out = try GraphExecutor(graph: g).run([x], outputs: ["l1", "l2", "l10", "side"])
        XCTAssertEqual(out["l1"]!.data[0], t(0.5))
        XCTAssertEqual(out["l2"]!.data[0], t(t(0.5)), "consumed by l3 and side after it was requested")
        XCTAssertEqual(out["side"]!.data[0], t(t(0.5)))
        XCTAssertEqual(x.data[0], 0.5)
    }

    /// A small CNN (conv, BN, ReLU6, depthwise, residual add, pooling, dense) on fast kernels gives the
    /// same bits on 1 to 4 threads, and agrees with the plain loops.
    func testDeterministicAcrossThreadCountsAndCloseToReference() throws {
        var rng = SplitMix64(seed: 71)
        let g = try smallCNN(&rng)
        let x = rng.array(37, 29, 3)
        let want = ["conv", "dw", "add", "pool", "logits"]
        let one = try GraphExecutor(graph: g, threads: 1).run([x], outputs: want)
        for t in [2, 3, 4] {
            let other = try GraphExecutor(graph: g, threads: t).run([x], outputs: want)
            for name in want { XCTAssertEqual(other[name]!.data, one[name]!.data, "\(name) with \(t) threads") }
        }
        let reference = try GraphExecutor(graph: g, threads: 2, kernels: .reference).run([x], outputs: want)
        for name in want { assertClose(one[name]!, reference[name]!, name) }
    }

    func smallCNN(_ rng: inout SplitMix64) throws -> Graph {
        let bn = BatchNormalizationLayer(
            gamma: rng.floats(8), beta: rng.floats(8), mean: rng.floats(8),
            variance: rng.floats(8).map { abs($0) + 0.5 })
        return try Graph(
            nodes: [
                NodeDescription(name: "in", layer: input(nil, nil, 3)),
                NodeDescription(
                    name: "conv", layer: Conv2DLayer(kernel: rng.weight(3, 3, 3, 8), strides: [2, 2], padding: .same), inputs: [.node(0)]),
                NodeDescription(name: "bn", layer: bn, inputs: [.node(1)]),
                NodeDescription(name: "relu", layer: ReLULayer(maxValue: 6), inputs: [.node(2)]),
                NodeDescription(name: "dw", layer: DepthwiseConv2DLayer(kernel: rng.weight(3, 3, 8, 1), padding: .same), inputs: [.node(3)]),
                NodeDescription(name: "add", layer: MergeLayer(.add), inputs: [.node(4), .node(3)]),
                NodeDescription(name: "pool", layer: GlobalPooling2DLayer(.average), inputs: [.node(5)]),
                NodeDescription(
                    name: "logits", layer: DenseLayer(kernel: rng.weight(8, 5), bias: rng.weight(5), activation: .softmax), inputs: [.node(6)]),
            ], inputs: [0], outputs: [7], inputShapes: [[37, 29, 3]])
    }

    /// The fusion seam: Conv2D -> BatchNormalization -> ReLU found by pattern becomes one step with
    /// the same bits; asking for the BN's output keeps it unfused.
    func testChainFusionByPattern() throws {
        var rng = SplitMix64(seed: 72)
        let g = try smallCNN(&rng)
        let x = rng.array(37, 29, 3)
        let fusion = ChainFusion(pattern: [{ $0 is Conv2DLayer }, { $0 is BatchNormalizationLayer }, { $0 is ReLULayer }])
        let plain = try GraphExecutor(graph: g).run([x], values: [g.outputs[0]])
        let fused = try GraphExecutor(graph: g, fusions: [fusion]).run([x], values: [g.outputs[0]])
        XCTAssertEqual(fused.values[g.outputs[0]]!.data, plain.values[g.outputs[0]]!.data)
        XCTAssertEqual(fused.statistics.stepsRun, plain.statistics.stepsRun - 2)
        let bnOut = try g.value(named: "bn")
        let kept = try GraphExecutor(graph: g, fusions: [fusion]).run([x], values: [g.outputs[0], bnOut])
        XCTAssertEqual(kept.statistics.stepsRun, plain.statistics.stepsRun, "bn was requested: not fused")
        let steps = fusion.rewrite(GraphExecutor(graph: g).steps, keeping: [])
        XCTAssertEqual(steps[0].layer.kerasClassName, "Conv2D+BatchNormalization+ReLU")
        XCTAssertEqual(steps[0].nodes, [1, 2, 3])
    }

    func testInputsAreChecked() throws {
        var rng = SplitMix64(seed: 73)
        let g = try smallCNN(&rng), ex = GraphExecutor(graph: g)
        assertThrows(.inputShapeMismatch(input: "in", declared: "(37, 29, 3)", given: [36, 29, 3]), try ex.run([NDArray(shape: [36, 29, 3])]))
        assertThrows(.modelInputCount(expected: 1, found: 0), try ex.run([]))
        XCTAssertThrowsError(try ex.run([NDArray(shape: [37, 29, 3])], outputs: ["nope"])) { e in
            guard case GraphError.unknownNode("nope", let suggestions)? = e as? GraphError else { return XCTFail("\(e)") }
            XCTAssertEqual(suggestions.count, 3)
        }
    }
}
