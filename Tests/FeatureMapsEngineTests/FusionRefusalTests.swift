import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Patterns that must NOT fuse, or fuse only partly: the chain stops where a value is read twice or
/// requested, and a layer whose configuration the kernels do not compute stays its own step. Each
/// case still gives the reference's values.
final class FusionRefusalTests: XCTestCase {
    func testValueReadTwiceIsNotFusedAcross() throws {
        var rng = SplitMix64(seed: 21)
        var g = TestGraph(input: [5, 6, 3])
        let conv = g.add(rng.conv(1, 1, 3, 17))
        let bn = g.add(rng.batchNorm(17))
        g.add(ReLULayer(maxValue: 6))
        g.add(MergeLayer(.add), [conv, bn + 1])  // the convolution's output is read again here
        let graph = try g.graph()
        let steps = fusedSteps(graph)
        XCTAssertEqual(groups(steps), [[1], [2, 3], [4]], "conv alone, BN + ReLU6, Add")
        XCTAssertTrue(steps[0].layer is FusedPointwiseLayer && steps[1].layer is FusedBatchNormLayer && steps[2].layer is MergeLayer)
        try assertFusedMatchesReference(graph, rng.array(5, 6, 3), "conv read twice")
    }

    func testAddOfAValueWithItselfIsNotAResidual() throws {
        var rng = SplitMix64(seed: 22)
        var g = TestGraph(input: [4, 4, 8])
        g.add(rng.conv(1, 1, 8, 8))
        let bn = g.add(rng.batchNorm(8))
        g.add(MergeLayer(.add), [bn, bn])
        let graph = try g.graph()
        XCTAssertEqual(groups(fusedSteps(graph)), [[1, 2], [3]])
        try assertFusedMatchesReference(graph, rng.array(4, 4, 8), "x + x")
    }

    func testRequestedInnerValuesStayComputed() throws {
        var rng = SplitMix64(seed: 23)
        var g = TestGraph(input: [7, 7, 16])
        g.add(rng.conv(1, 1, 16, 32))
        g.add(rng.batchNorm(32))
        g.add(ReLULayer(maxValue: 6))
        g.add(rng.depthwise(32, stride: 1, padding: .same))
        g.add(rng.batchNorm(32))
        g.add(ReLULayer(maxValue: 6))
        let graph = try g.graph()
        XCTAssertEqual(groups(fusedSteps(graph)), [[1, 2, 3, 4, 5, 6]], "nothing requested inside: one banded-or-not block")
        for requested in 1...5 {
            let keep = [graph.nodes[requested].output, graph.outputs[0]]
            let steps = fusedSteps(graph, keeping: keep)
            XCTAssertTrue(steps.contains { $0.output == graph.nodes[requested].output }, "n\(requested) is some step's output")
            XCTAssertFalse(steps.contains { $0.layer is FusedExpandDepthwiseLayer }, "n\(requested) requested: no banded block")
            try assertFusedMatchesReference(graph, rng.array(7, 7, 16), keep: ["n\(requested)", "n6"], "n\(requested) requested")
        }
        let pad = try { () -> Graph in
            var p = TestGraph(input: [8, 8, 16])
            p.add(ZeroPadding2DLayer(top: 0, bottom: 1, left: 0, right: 1))
            p.add(rng.depthwise(16, stride: 2, padding: .valid))
            p.add(rng.batchNorm(16))
            return try p.graph()
        }()
        XCTAssertEqual(groups(fusedSteps(pad, keeping: [pad.nodes[1].output, pad.outputs[0]])), [[1], [2, 3]], "requested padding stays")
        try assertFusedMatchesReference(pad, rng.array(8, 8, 16), keep: ["n1", "n3"], "requested padding")
    }

    func testReLUWithThresholdSlopeOrAnotherMaximumIsNotFused() throws {
        var rng = SplitMix64(seed: 24)
        let relus = [
            ReLULayer(maxValue: 6, threshold: 0.5), ReLULayer(negativeSlope: 0.1), ReLULayer(maxValue: 4), ReLULayer(maxValue: 6, negativeSlope: 0.2),
        ]
        for relu in relus {
            var g = TestGraph(input: [5, 5, 17])
            g.add(rng.conv(1, 1, 17, 17))
            g.add(rng.batchNorm(17))
            g.add(relu)
            let graph = try g.graph()
            let steps = fusedSteps(graph)
            let what = "ReLU max \(relu.maxValue.map { "\($0)" } ?? "none") slope \(relu.negativeSlope) threshold \(relu.threshold)"
            XCTAssertEqual(groups(steps), [[1, 2], [3]], what)
            XCTAssertTrue(steps[1].layer is ReLULayer, what)
            try assertFusedMatchesReference(graph, rng.array(5, 5, 17), what)
        }
    }

    func testConvolutionsTheKernelsDoNotComputeStayTheirOwnStep() throws {
        var rng = SplitMix64(seed: 25)
        let convs: [(String, Conv2DLayer)] = [
            ("3x3 stride 1", rng.conv(3, 3, 8, 8)),
            ("1x1 stride 2", rng.conv(1, 1, 8, 8, strides: [2, 2])),
            ("1x1 with bias", Conv2DLayer(kernel: rng.weight(1, 1, 8, 8), bias: rng.weight(8))),
            ("1x1 relu", Conv2DLayer(kernel: rng.weight(1, 1, 8, 8), activation: .relu)),
            ("1x1 two groups", Conv2DLayer(kernel: rng.weight(1, 1, 4, 8), groups: 2)),
            ("3x3 stride 2 valid", rng.conv(3, 3, 8, 8, strides: [2, 2], padding: .valid)),
        ]
        for (what, conv) in convs {
            var g = TestGraph(input: [9, 9, 8])
            g.add(conv)
            g.add(rng.batchNorm(8))
            g.add(ReLULayer(maxValue: 6))
            let graph = try g.graph()
            let steps = fusedSteps(graph)
            XCTAssertEqual(groups(steps), [[1], [2, 3]], what)
            XCTAssertTrue(steps[0].layer is Conv2DLayer, "\(what): the Conv2D layer itself")
            try assertFusedMatchesReference(graph, rng.array(9, 9, 8), what)
        }
    }

    func testDepthwiseTheKernelDoesNotComputeStaysItsOwnStep() throws {
        var rng = SplitMix64(seed: 26)
        let layers: [(String, DepthwiseConv2DLayer)] = [
            ("depth multiplier 2", DepthwiseConv2DLayer(kernel: rng.weight(3, 3, 8, 2), padding: .same)),
            ("5x5", DepthwiseConv2DLayer(kernel: rng.weight(5, 5, 16, 1), padding: .same)),
            ("dilation 2", DepthwiseConv2DLayer(kernel: rng.weight(3, 3, 16, 1), dilation: [2, 2], padding: .same)),
            ("stride 3", DepthwiseConv2DLayer(kernel: rng.weight(3, 3, 16, 1), strides: [3, 3], padding: .same)),
            ("strides (1, 2)", DepthwiseConv2DLayer(kernel: rng.weight(3, 3, 16, 1), strides: [1, 2], padding: .same)),
        ]
        for (what, dw) in layers {
            let c = dw.kernel.shape[2] * dw.kernel.shape[3]
            var g = TestGraph(input: [9, 10, dw.kernel.shape[2]])
            g.add(dw)
            g.add(rng.batchNorm(c))
            let graph = try g.graph()
            let steps = fusedSteps(graph)
            XCTAssertEqual(groups(steps), [[1], [2]], what)
            XCTAssertTrue(steps[0].layer is DepthwiseConv2DLayer, what)
            try assertFusedMatchesReference(graph, rng.array(9, 10, dw.kernel.shape[2]), what)
        }
    }

    /// BatchNorm on another axis than the channels is not the epilogue's; an Add that broadcasts
    /// fuses but runs its layers one by one (the epilogue's residual has the output's layout).
    func testBatchNormOnAnotherAxisAndBroadcastAdd() throws {
        var rng = SplitMix64(seed: 27)
        var g = TestGraph(input: [6, 6, 8])
        g.add(rng.conv(1, 1, 8, 6))
        g.add(rng.batchNorm(6, axis: 1))
        let graph = try g.graph()
        XCTAssertEqual(groups(fusedSteps(graph)), [[1], [2]], "BN on rows")
        try assertFusedMatchesReference(graph, rng.array(6, 6, 8), "BN on rows")

        var b = TestGraph(input: [4, 4, 8])
        let pooled = b.add(GlobalPooling2DLayer(.average, keepDims: true))  // (1, 1, 8)
        b.add(rng.conv(1, 1, 8, 8), [0])
        let bn = b.add(rng.batchNorm(8))
        b.add(MergeLayer(.add), [pooled, bn])
        let broadcast = try b.graph()
        XCTAssertEqual(groups(fusedSteps(broadcast)), [[1], [2, 3, 4]])
        try assertFusedMatchesReference(broadcast, rng.array(4, 4, 8), "Add broadcasting (1, 1, C)")
    }

    func testBandedBlockNeedsReLU6OnBoth() throws {
        var rng = SplitMix64(seed: 28)
        var g = TestGraph(input: [64, 64, 8])
        g.add(rng.conv(1, 1, 8, 64))
        g.add(rng.batchNorm(64))
        g.add(ReLULayer())
        g.add(rng.depthwise(64, stride: 1, padding: .same))
        g.add(rng.batchNorm(64))
        g.add(ReLULayer(maxValue: 6))
        let graph = try g.graph()
        let steps = fusedSteps(graph)
        XCTAssertEqual(groups(steps), [[1, 2, 3], [4, 5, 6]], "plain ReLU after the expansion: two fused steps, not banded")
        try assertFusedMatchesReference(graph, rng.array(64, 64, 8), "expansion with plain ReLU")
    }
}
