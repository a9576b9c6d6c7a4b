import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// Each pattern of FastFusions against the unfused graph on the plain reference loops (Double
/// accumulation; 1e-5 of the largest value), over awkward shapes: channel counts 1, 3, 17 (below,
/// at and not a multiple of the 8 and 16 lanes) and 32, odd and tiny sizes, stride 2 with Keras's
/// paddings, every activation the patterns take, at both vector widths; and that each match became
/// the one step expected (nodes grouped as the pattern says).
final class FusedPatternTests: XCTestCase {
    let widths = SIMDWidth.allCases.filter(\.isSupported)
    let activations: [(name: String, layer: (any GraphLayer)?)] = [
        ("relu6", ReLULayer(maxValue: 6)), ("relu", ReLULayer()), ("Activation relu6", ActivationLayer(.relu6)), ("linear", nil),
    ]

    func testPointwiseConvBatchNormActivationAndResidual() throws {
        var rng = SplitMix64(seed: 11)
        for (h, w) in [(1, 1), (5, 7), (9, 4)] {
            for cin in [1, 3, 17] {
                for f in [1, 3, 17, 32] {
                    for residual in [false, true] where !residual || f == cin {
                        for act in activations {
                            var g = TestGraph(input: [h, w, cin])
                            let conv = g.add(rng.conv(1, 1, cin, f))
                            g.add(rng.batchNorm(f))
                            if residual { g.add(MergeLayer(.add), [0, conv + 1]) }  // Keras's order: Add([block input, x])
                            if let a = act.layer { g.add(a) }
                            let graph = try g.graph()
                            let what = "pointwise \(h)x\(w)x\(cin) -> \(f) residual \(residual) \(act.name)"
                            XCTAssertEqual(groups(fusedSteps(graph)), [Array(1..<g.nodes.count)], "\(what): one step")
                            XCTAssertTrue(fusedSteps(graph)[0].layer is FusedPointwiseLayer, what)
                            for simd in widths {
                                try assertFusedMatchesReference(graph, rng.array(h, w, cin), simd: simd, threads: 2, "\(what) \(simd)")
                            }
                        }
                    }
                }
            }
        }
    }

    func testDepthwiseWithKerasPaddingsBatchNormActivation() throws {
        var rng = SplitMix64(seed: 12)
        // (stride, explicit ZeroPadding2D ((top, bottom), (left, right)) or none, the layer's padding)
        let geometries: [(Int, [[Int]]?, Padding)] = [
            (1, nil, .same), (2, nil, .same), (2, nil, .valid), (1, nil, .valid), (1, [[1, 1], [1, 1]], .valid), (2, [[1, 2], [0, 1]], .same),
        ]
        for (h, w) in [(1, 1), (2, 3), (7, 5), (8, 9), (16, 13)] {
            for c in [1, 3, 17, 32] {
                for (stride, explicit, padding) in geometries {
                    // correct_pad as mobilenet_v2.py writes it at stride 2: ((h % 2, 1), (w % 2, 1)), then 'valid'.
                    let keras: [[Int]]? = stride == 2 && padding == .valid ? [[h % 2, 1], [w % 2, 1]] : explicit
                    for act in activations {
                        var g = TestGraph(input: [h, w, c])
                        if let p = keras { g.add(ZeroPadding2DLayer(top: p[0][0], bottom: p[0][1], left: p[1][0], right: p[1][1])) }
                        g.add(rng.depthwise(c, stride: stride, padding: padding))
                        g.add(rng.batchNorm(c))
                        if let a = act.layer { g.add(a) }
                        guard let graph = try? g.graph() else { continue }  // 'valid' larger than the map
                        let what = "depthwise \(h)x\(w)x\(c) stride \(stride) pad \(keras ?? []) \(padding) \(act.name)"
                        XCTAssertEqual(groups(fusedSteps(graph)), [Array(1..<g.nodes.count)], "\(what): one step")
                        for simd in widths {
                            try assertFusedMatchesReference(graph, rng.array(h, w, c), simd: simd, threads: 2, "\(what) \(simd)")
                        }
                    }
                }
            }
        }
    }

    func testStemConvStride2SameBatchNormActivation() throws {
        var rng = SplitMix64(seed: 13)
        for (h, w) in [(1, 1), (2, 2), (5, 8), (9, 7), (32, 33)] {
            for cin in [1, 3, 17] {
                for f in [3, 17, 32] {
                    for act in activations {
                        var g = TestGraph(input: [h, w, cin])
                        g.add(rng.conv(3, 3, cin, f, strides: [2, 2]))
                        g.add(rng.batchNorm(f))
                        if let a = act.layer { g.add(a) }
                        let graph = try g.graph()
                        let what = "stem \(h)x\(w)x\(cin) -> \(f) \(act.name)"
                        let steps = fusedSteps(graph)
                        XCTAssertEqual(groups(steps), [Array(1..<g.nodes.count)], "\(what): one step")
                        XCTAssertTrue(steps[0].layer is FusedStemLayer, what)
                        for simd in widths {
                            try assertFusedMatchesReference(graph, rng.array(h, w, cin), simd: simd, threads: 2, "\(what) \(simd)")
                        }
                    }
                }
            }
        }
    }

    /// The stem runs in bands of output rows (FusedStemLayer.bandPixels): on maps of several bands
    /// (uneven last band) it is the same bits as the whole-image im2col + GEMM (Kernels.stemConv),
    /// at both widths and on 1 and 2 threads (Cin 4 at 8 lanes: OpenBLAS, one band).
    func testBandedStemIsTheWholeImagesBits() throws {
        var rng = SplitMix64(seed: 14)
        for (h, w, cin) in [(97, 131, 3), (224, 224, 3), (181, 90, 4)] {
            let kernel = rng.conv(3, 3, cin, 16, strides: [2, 2])
            var g = TestGraph(input: [h, w, cin])
            g.add(kernel)
            let graph = try g.graph()
            let x = rng.array(h, w, cin)
            let ow = (w + 1) / 2, oh = (h + 1) / 2
            XCTAssertGreaterThan(oh * ow, FusedStemLayer.bandPixels + ow, "\(h)x\(w): several bands")
            for simd in widths {
                let whole = Kernels.stemConv(x.tensor!, kernel: kernel.kernel.values, outChannels: 16, simd: simd)
                for threads in [1, 2] {
                    let fused = try GraphExecutor(graph: graph, threads: threads, fusions: FastFusions.passes(simd: simd)).run([x])
                    XCTAssert(fused.values.first!.data == whole.data, "\(h)x\(w)x\(cin) \(simd) \(threads) threads: banded stem bits")
                }
            }
        }
    }

    /// An inverted residual block on maps large enough to run banded (expanded map >= 1 MB), at
    /// stride 1 and 2 (correct_pad): one FusedExpandDepthwiseLayer step, the same bits as the two
    /// fused layers run one after the other, whatever the thread count, and the reference's values.
    func testBandedExpansionAndDepthwise() throws {
        var rng = SplitMix64(seed: 14)
        for (h, w, cin, c) in [(65, 63, 5, 68), (64, 64, 17, 64), (41, 97, 3, 96)] {
            for stride in [1, 2] {
                var g = TestGraph(input: [h, w, cin])
                g.add(rng.conv(1, 1, cin, c))
                g.add(rng.batchNorm(c))
                g.add(ReLULayer(maxValue: 6))
                if stride == 2 { g.add(ZeroPadding2DLayer(top: h % 2, bottom: 1, left: w % 2, right: 1)) }
                g.add(rng.depthwise(c, stride: stride, padding: stride == 1 ? .same : .valid))
                g.add(rng.batchNorm(c))
                g.add(ReLULayer(maxValue: 6))
                let graph = try g.graph()
                let what = "banded \(h)x\(w)x\(cin) -> \(c) stride \(stride)"
                XCTAssertGreaterThanOrEqual(h * w * c * 4, FusedExpandDepthwiseLayer.bandingThreshold, "\(what) runs banded")
                let steps = fusedSteps(graph)
                XCTAssertEqual(groups(steps), [Array(1..<g.nodes.count)], "\(what): one step")
                let banded = try XCTUnwrap(steps[0].layer as? FusedExpandDepthwiseLayer, what)
                let x = rng.array(h, w, cin)
                let fused = try assertFusedMatchesReference(graph, x, threads: 2, "\(what)")
                let context = ExecutionContext(threads: 1)
                XCTAssertTrue(banded.runsBanded(x.shape), "\(what): banded")
                let layerByLayer = banded.depthwise.forward([banded.expand.forward([x], context)], context)
                XCTAssertEqual(fused.values.first!.data, layerByLayer.data, "\(what): banded is the layer-by-layer bits")
                for threads in [1, 3] {
                    let again = try GraphExecutor(graph: graph, threads: threads, fusions: FastFusions.passes()).run([x])
                    XCTAssertEqual(again.values.first!.data, layerByLayer.data, "\(what): \(threads) threads")
                }
            }
        }
    }

    /// A requested convolution output: the convolution runs alone on the fast kernel, its BatchNorm
    /// and ReLU6 as one in-place pass (BatchNormFusion), both values as the reference's.
    func testRequestedConvolutionOutputSplitsTheChain() throws {
        var rng = SplitMix64(seed: 15)
        var g = TestGraph(input: [6, 5, 17])
        g.add(rng.conv(1, 1, 17, 24))
        g.add(rng.batchNorm(24))
        g.add(ReLULayer(maxValue: 6))
        let graph = try g.graph()
        let steps = fusedSteps(graph, keeping: [graph.nodes[1].output, graph.outputs[0]])
        XCTAssertEqual(groups(steps), [[1], [2, 3]])
        XCTAssertTrue(steps[0].layer is FusedPointwiseLayer && steps[1].layer is FusedBatchNormLayer)
        try assertFusedMatchesReference(graph, rng.array(6, 5, 17), keep: ["n1", "n3"], "requested conv output")
    }

    func testClassifierGlobalAveragePoolingAndDense() throws {
        var rng = SplitMix64(seed: 16)
        for (h, w, c, n) in [(1, 1, 1, 1), (7, 7, 17, 3), (3, 5, 300, 1000)] {
            for activation in [Activation.softmax, .linear] {
                var g = TestGraph(input: [h, w, c])
                g.add(GlobalPooling2DLayer(.average))
                g.add(DenseLayer(kernel: rng.weight(c, n, scale: 0.3), bias: rng.weight(n), activation: activation))
                let graph = try g.graph()
                let what = "classifier \(h)x\(w)x\(c) -> \(n) \(activation)"
                let steps = fusedSteps(graph)
                XCTAssertEqual(groups(steps), [[1, 2]], what)
                XCTAssertTrue(steps[0].layer is FusedClassifierLayer, what)
                try assertFusedMatchesReference(graph, rng.array(h, w, c), threads: 2, what)
            }
        }
        for (what, pool, dense) in [
            ("max pooling", GlobalPooling2DLayer(.max), DenseLayer(kernel: rng.weight(8, 4), bias: rng.weight(4))),
            ("keepdims", GlobalPooling2DLayer(.average, keepDims: true), DenseLayer(kernel: rng.weight(8, 4), bias: rng.weight(4))),
            ("dense relu", GlobalPooling2DLayer(.average), DenseLayer(kernel: rng.weight(8, 4), bias: rng.weight(4), activation: .relu)),
            ("dense without bias", GlobalPooling2DLayer(.average), DenseLayer(kernel: rng.weight(8, 4))),
        ] {
            var g = TestGraph(input: [3, 3, 8])
            g.add(pool)
            g.add(dense)
            let graph = try g.graph()
            XCTAssertEqual(groups(fusedSteps(graph)), [[1], [2]], "\(what): not fused")
            try assertFusedMatchesReference(graph, rng.array(3, 3, 8), what)
        }
    }

    /// A whole inverted residual block, [expansion ->] depthwise -> projection [+ residual], on
    /// awkward shapes: one FusedInvertedResidualLayer step (the inner maps in the aligned scratch),
    /// the same bits as the steps it combines run one by one, and the reference's values.
    func testInvertedResidualBlock() throws {
        var rng = SplitMix64(seed: 17)
        for (h, w, cin, expansion, f, stride) in [
            (5, 7, 3, 6, 3, 1), (9, 8, 17, 1, 17, 1), (8, 9, 16, 6, 24, 2), (65, 63, 5, 14, 5, 1), (33, 30, 4, 16, 17, 2),
        ] {
            let c = cin * expansion, residual = stride == 1 && f == cin
            var g = TestGraph(input: [h, w, cin])
            if expansion > 1 {
                g.add(rng.conv(1, 1, cin, c))
                g.add(rng.batchNorm(c))
                g.add(ReLULayer(maxValue: 6))
            }
            if stride == 2 { g.add(ZeroPadding2DLayer(top: h % 2, bottom: 1, left: w % 2, right: 1)) }
            g.add(rng.depthwise(c, stride: stride, padding: stride == 1 ? .same : .valid))
            g.add(rng.batchNorm(c))
            g.add(ReLULayer(maxValue: 6))
            g.add(rng.conv(1, 1, c, f))
            let bn = g.add(rng.batchNorm(f))
            if residual { g.add(MergeLayer(.add), [0, bn]) }
            let graph = try g.graph()
            let what = "block \(h)x\(w)x\(cin) x\(expansion) -> \(f) stride \(stride)"
            let steps = fusedSteps(graph)
            XCTAssertEqual(groups(steps), [Array(1..<g.nodes.count)], "\(what): one step")
            let block = try XCTUnwrap(steps[0].layer as? FusedInvertedResidualLayer, what)
            let x = rng.array(h, w, cin)
            let fused = try assertFusedMatchesReference(graph, x, threads: 2, what).values.first!
            let context = ExecutionContext(threads: 1)
            let map: NDArray
            switch block.head {
            case .expandDepthwise(let l): map = l.forward([x], context)
            case .depthwise(let l): map = l.forward([x], context)
            }
            XCTAssertEqual(fused.data, block.project.forward([map] + (residual ? [x] : []), context).data, "\(what): the steps' bits")
        }
    }

    /// Runs of fused steps each reading the one before (once, or twice: a residual block whose Add
    /// reads its own input) become one FusedSequenceLayer step (values between them in the aligned
    /// scratch), the same bits as the steps one by one; a requested value ends a run, and a residual
    /// from elsewhere keeps its step out.
    func testSequenceOfFusedSteps() throws {
        var rng = SplitMix64(seed: 18)
        for (h, w) in [(17, 13), (32, 32)] {
            var g = TestGraph(input: [h, w, 3])
            g.add(rng.conv(3, 3, 3, 16, strides: [2, 2]))  // n1 stem
            g.add(rng.batchNorm(16))
            g.add(ReLULayer(maxValue: 6))
            g.add(rng.depthwise(16, stride: 1, padding: .same))  // n4 block without expansion
            g.add(rng.batchNorm(16))
            g.add(ReLULayer(maxValue: 6))
            g.add(rng.conv(1, 1, 16, 8))  // n7 projection
            g.add(rng.batchNorm(8))
            g.add(rng.conv(1, 1, 8, 48))  // n9 residual block on n8: expansion
            g.add(rng.batchNorm(48))
            g.add(ReLULayer(maxValue: 6))
            g.add(rng.depthwise(48, stride: 1, padding: .same))  // n12
            g.add(rng.batchNorm(48))
            g.add(ReLULayer(maxValue: 6))
            g.add(rng.conv(1, 1, 48, 8))  // n15 projection
            let bn = g.add(rng.batchNorm(8))
            g.add(MergeLayer(.add), [8, bn])  // n17 the block's add
            g.add(rng.conv(1, 1, 8, 24))  // n18 head
            g.add(rng.batchNorm(24))
            g.add(ReLULayer(maxValue: 6))
            g.add(GlobalPooling2DLayer(.average))  // n21 classifier
            g.add(DenseLayer(kernel: rng.weight(24, 5, scale: 0.3), bias: rng.weight(5), activation: .softmax))
            let graph = try g.graph()
            let what = "sequence \(h)x\(w)"
            let steps = fusedSteps(graph)
            XCTAssertEqual(groups(steps), [Array(1...22)], "\(what): one step")
            let sequence = try XCTUnwrap(steps[0].layer as? FusedSequenceLayer, what)
            XCTAssertEqual(sequence.parts.count, 5, "\(what): stem, block, residual block, head, classifier")
            let x = rng.array(h, w, 3)
            let fused = try assertFusedMatchesReference(graph, x, threads: 2, what)
            let stepByStep = try GraphExecutor(graph: graph, fusions: Array(FastFusions.passes().dropLast())).run([x])
            XCTAssertEqual(fused["n22"]!.data, stepByStep["n22"]!.data, "\(what): the bits of the steps one by one")
            let split = fusedSteps(graph, keeping: [graph.nodes[8].output, graph.outputs[0]])
            XCTAssertEqual(groups(split), [Array(1...8), Array(9...22)], "\(what): n8 requested ends the first run")
            try assertFusedMatchesReference(graph, x, keep: ["n8", "n22"], "\(what), n8 requested")
        }
    }

    /// A residual block whose Add reads another value than the block's input stays a step of its own.
    func testResidualFromElsewhereEndsASequence() throws {
        var rng = SplitMix64(seed: 19)
        var g = TestGraph(input: [9, 9, 8])
        g.add(rng.conv(1, 1, 8, 8))  // n1
        g.add(rng.batchNorm(8))
        g.add(ReLULayer(maxValue: 6))  // n3
        g.add(rng.depthwise(8, stride: 1, padding: .same))  // n4
        g.add(rng.batchNorm(8))
        g.add(ReLULayer(maxValue: 6))
        g.add(rng.conv(1, 1, 8, 8))  // n7
        let bn = g.add(rng.batchNorm(8))
        g.add(MergeLayer(.add), [0, bn])  // n9: the model input, not n3, is the residual
        let graph = try g.graph()
        let steps = fusedSteps(graph)
        XCTAssertFalse(steps.contains { $0.layer is FusedSequenceLayer }, "no sequence: \(groups(steps))")
        try assertFusedMatchesReference(graph, rng.array(9, 9, 8), threads: 2, "residual from the input")
    }
}
