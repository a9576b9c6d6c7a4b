import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// The fused backward chains (Graph/Fast/FusedBackwardChain.swift) against their reference twin,
/// the per-layer path (`fusesBackward: false`, plain loops): on a sweep of awkward shapes, within
/// 1e-5 of the largest |gradient| (float32 summation order against Double loops); which chains the
/// pattern finds and refuses; and whole-model saliency on MobileNetV2 alpha 0.35 within 1e-4.
final class FusedBackwardTests: XCTestCase {
    enum Head: CaseIterable { case relu, relu6, none }

    /// in (9, 7, C) -> Conv2D or DepthwiseConv2D (linear, bias) -> BatchNorm -> [ReLU | ReLU6] -> times 3
    /// -> Flatten -> Dense (5): every pixel's gradient differs; BN outputs reach past 6 (ReLU6's
    /// upper kink) and below 0.
    func chainGraph(
        _ rng: inout SplitMix64, depthwise: Bool, cin: Int, filters: Int, kernel: Int, stride: Int, padding: Padding, head: Head,
        multiplier: Int = 1, pad: ZeroPadding2DLayer? = nil
    ) throws -> Graph {
        let conv: any GraphLayer =
            depthwise
            ? DepthwiseConv2DLayer(
                kernel: rng.weight(kernel, kernel, cin, multiplier), bias: rng.weight(cin * multiplier, scale: 0.1), strides: [stride, stride],
                padding: padding)
            : Conv2DLayer(
                kernel: rng.weight(kernel, kernel, cin, filters), bias: rng.weight(filters, scale: 0.1), strides: [stride, stride], padding: padding)
        let f = depthwise ? cin * multiplier : filters
        let bn = BatchNormalizationLayer(
            gamma: rng.floats(f).map { 1 + 0.5 * $0 }, beta: rng.floats(f).map { 0.5 + $0 }, mean: rng.floats(f, scale: 0.2),
            variance: rng.floats(f).map { 1 + 0.5 * $0 })
        var nodes = [NodeDescription(name: "in", layer: InputLayer(declaredShape: [9, 7, cin]))]
        if let pad { nodes.append(NodeDescription(name: "pad", layer: pad, inputs: [.node(0)])) }
        nodes.append(NodeDescription(name: "conv", layer: conv, inputs: [.node(nodes.count - 1)]))
        nodes.append(NodeDescription(name: "bn", layer: bn, inputs: [.node(nodes.count - 1)]))
        switch head {
        case .relu: nodes.append(NodeDescription(name: "act", layer: ReLULayer(), inputs: [.node(nodes.count - 1)]))
        case .relu6: nodes.append(NodeDescription(name: "act", layer: ActivationLayer(.relu6), inputs: [.node(nodes.count - 1)]))
        case .none: break
        }
        let last = nodes.count - 1
        nodes.append(
            NodeDescription(name: "triple", layer: BinaryOperation(.multiply), inputs: [.node(last), .constant(NDArray(shape: [], data: [3]))]))
        nodes.append(NodeDescription(name: "flat", layer: FlattenLayer(), inputs: [.node(last + 1)]))
        let g = try Graph(nodes: nodes, inputs: [0], outputs: [last + 2])
        let n = g.shape(of: g.outputs[0]).count
        return try Graph(
            nodes: nodes + [NodeDescription(name: "logits", layer: DenseLayer(kernel: rng.weight(n, 5)), inputs: [.node(last + 2)])],
            inputs: [0], outputs: [last + 3])
    }

    /// d logit / d input of `graph` for `x`, class 2.
    func inputGradient(_ graph: Graph, _ x: NDArray, kernels: KernelChoice = .fast, fused: Bool, threads: Int = 1) throws -> NDArray {
        try GraphGradient(graph: graph, threads: threads, kernels: kernels, fusesBackward: fused)
            .run([x], class: .index(2), inputGradients: true).inputGradients[0]
    }

    /// Fused (fast and reference kernels) against the per-layer reference for one chain graph; a
    /// 1-channel map may have every unit masked, then other weights are drawn.
    func check(
        _ rng: inout SplitMix64, depthwise: Bool, cin: Int, filters: Int, kernel: Int, stride: Int, padding: Padding, head: Head,
        pad: ZeroPadding2DLayer? = nil
    ) throws {
        var graph: Graph, x: NDArray, tries = 0
        repeat {
            graph = try chainGraph(
                &rng, depthwise: depthwise, cin: cin, filters: filters, kernel: kernel, stride: stride, padding: padding, head: head, pad: pad)
            x = rng.array(9, 7, cin, scale: 2)
            tries += 1
        } while try tries < 8 && inputGradient(graph, x, kernels: .reference, fused: false).data.allSatisfy { $0 == 0 }
        let chains = FusedBackwardChain.find(graph)
        XCTAssertEqual(chains.count, 1, "the chain is found")
        XCTAssertEqual(chains.first?.value.padding?.node, pad == nil ? nil : 1, "the padding is in the chain")
        let what =
            "\(depthwise ? "depthwise" : "conv") cin \(cin) f \(filters) \(kernel)x\(kernel) s\(stride) \(padding) \(head)"
            + (pad.map { " pad \($0.top) \($0.bottom) \($0.left) \($0.right)" } ?? "")
        let reference = try inputGradient(graph, x, kernels: .reference, fused: false)
        assertWithin(try inputGradient(graph, x, fused: true), reference, tolerance: 1e-5, what + " fast fused")
        assertWithin(try inputGradient(graph, x, kernels: .reference, fused: true), reference, tolerance: 1e-5, what + " reference fused")
    }

    func testFusedChainsMatchThePerLayerReferenceOnAwkwardShapes() throws {
        var rng = SplitMix64(seed: 1101)
        var cases = 0
        for depthwise in [false, true] {
            for (n, cin) in [1, 3, 17].enumerated() {
                for kernel in [1, 3] {
                    for stride in [1, 2] {
                        for padding in [Padding.same, .valid] {
                            for head in Head.allCases {
                                try check(
                                    &rng, depthwise: depthwise, cin: cin, filters: [1, 3, 17][(n + 1) % 3], kernel: kernel, stride: stride,
                                    padding: padding, head: head)
                                cases += 1
                            }
                        }
                    }
                }
            }
        }
        XCTAssertEqual(cases, 144)
        // Depth multiplier 2: the folded kernel scales output channel c*M + m.
        let graph = try chainGraph(&rng, depthwise: true, cin: 3, filters: 0, kernel: 3, stride: 2, padding: .same, head: .relu6, multiplier: 2)
        let x = rng.array(9, 7, 3, scale: 2)
        assertWithin(
            try inputGradient(graph, x, fused: true), try inputGradient(graph, x, kernels: .reference, fused: false), tolerance: 1e-5, "multiplier 2")
    }

    /// ZeroPadding2D before the convolution (MobileNetV2's stride-2 blocks: ((0, 1), (0, 1)) then
    /// 'valid'), cut out of the depthwise gather or cropped after the GEMM.
    func testPaddedChainsMatchThePerLayerReference() throws {
        var rng = SplitMix64(seed: 1104)
        for depthwise in [false, true] {
            for cin in [1, 3, 17] {
                for stride in [1, 2] {
                    for pad in [ZeroPadding2DLayer(top: 0, bottom: 1, left: 0, right: 1), ZeroPadding2DLayer(top: 2, bottom: 1, left: 1, right: 3)] {
                        for head in [Head.relu6, .none] {
                            try check(
                                &rng, depthwise: depthwise, cin: cin, filters: 5, kernel: 3, stride: stride, padding: .valid, head: head, pad: pad)
                        }
                    }
                }
            }
        }
    }

    func testThePatternNeedsALinearConvolutionAndSingleReaders() throws {
        var rng = SplitMix64(seed: 1102)
        let bn = BatchNormalizationLayer(gamma: rng.floats(4), beta: nil, mean: rng.floats(4), variance: rng.floats(4).map { 1 + 0.5 * $0 })
        func graph(_ conv: Conv2DLayer, readTwice: Int?) throws -> Graph {
            var nodes = [
                NodeDescription(name: "in", layer: InputLayer(declaredShape: [6, 5, 2])),
                NodeDescription(name: "conv", layer: conv, inputs: [.node(0)]),
                NodeDescription(name: "bn", layer: bn, inputs: [.node(1)]),
                NodeDescription(name: "relu", layer: ReLULayer(maxValue: 6), inputs: [.node(2)]),
            ]
            if let readTwice { nodes.append(NodeDescription(name: "add", layer: MergeLayer(.add), inputs: [.node(3), .node(readTwice)])) }
            nodes.append(NodeDescription(name: "gap", layer: GlobalPooling2DLayer(.average), inputs: [.node(nodes.count - 1)]))
            return try Graph(nodes: nodes, inputs: [0], outputs: [nodes.count - 1])
        }
        let linear = Conv2DLayer(kernel: rng.weight(3, 3, 2, 4), padding: .same)
        let relu = Conv2DLayer(kernel: linear.kernel, padding: .same, activation: .relu)
        let whole = try XCTUnwrap(FusedBackwardChain.find(try graph(linear, readTwice: nil))[3])
        XCTAssertEqual([whole.convolution, whole.batchNorm, whole.activation], [1, 2, 3])
        XCTAssertEqual(whole.top, 6)
        XCTAssertTrue(FusedBackwardChain.find(try graph(relu, readTwice: nil)).isEmpty, "a convolution with its own activation")
        XCTAssertTrue(FusedBackwardChain.find(try graph(linear, readTwice: 1)).isEmpty, "the convolution's output read twice")
        let short = try XCTUnwrap(FusedBackwardChain.find(try graph(linear, readTwice: 2))[2], "the BatchNorm's output read twice")
        XCTAssertNil(short.activation)
        // A run requesting an inner value: the chain shortens or drops out, and gradients still match.
        let g = try graph(linear, readTwice: nil)
        XCTAssertNil(whole.restricted(g, requested: [g.nodes[1].output], replaced: nil))
        XCTAssertNil(try XCTUnwrap(whole.restricted(g, requested: [g.nodes[2].output], replaced: nil)).activation)
        XCTAssertNil(whole.restricted(g, requested: [], replaced: 2))
        let x = rng.array(6, 5, 2, scale: 2)
        try checkRequested(g, x, names: ["conv", "bn", "relu"])
        // A padding read by the convolution alone joins the chain; requested, it leaves it.
        let pad = ZeroPadding2DLayer(top: 1, bottom: 0, left: 0, right: 1)
        let nodes = [
            NodeDescription(name: "in", layer: InputLayer(declaredShape: [6, 5, 2])),
            NodeDescription(name: "pad", layer: pad, inputs: [.node(0)]),
            NodeDescription(name: "conv", layer: linear, inputs: [.node(1)]),
            NodeDescription(name: "bn", layer: bn, inputs: [.node(2)]),
            NodeDescription(name: "gap", layer: GlobalPooling2DLayer(.average), inputs: [.node(3)]),
        ]
        let padded = try Graph(nodes: nodes, inputs: [0], outputs: [4])
        let chain = try XCTUnwrap(FusedBackwardChain.find(padded)[3])
        XCTAssertEqual(chain.padding?.node, 1)
        XCTAssertEqual(chain.inputShape, [6, 5, 2])
        XCTAssertNil(try XCTUnwrap(chain.restricted(padded, requested: [padded.nodes[1].output], replaced: nil)).padding)
        try checkRequested(padded, x, names: ["pad", "bn"])
        let twice = try Graph(
            nodes: nodes.dropLast() + [NodeDescription(name: "other", layer: GlobalPooling2DLayer(.average), inputs: [.node(1)])],
            inputs: [0], outputs: [3, 4])
        XCTAssertNil(FusedBackwardChain.find(twice).first?.value.padding, "a padding read twice stays out")
    }

    /// The gradients at `names` and at the input, fused and per layer, objective at the last node.
    func checkRequested(_ g: Graph, _ x: NDArray, names: [String]) throws {
        let last = g.nodes.last!.name
        for name in names {
            let objective: (NDArray) -> NDArray = { NDArray(shape: $0.shape, data: (0..<$0.shape.count).map { Float($0 % 3) - 1 }) }
            let fused = try GraphGradient(graph: g).run([x], objectiveAt: last, at: [name], inputGradients: true, seed: objective)
            let plain = try GraphGradient(graph: g, kernels: .reference, fusesBackward: false)
                .run([x], objectiveAt: last, at: [name], inputGradients: true, seed: objective)
            assertWithin(fused.gradients[name]!, plain.gradients[name]!, tolerance: 1e-5, "\(name) requested: its gradient")
            assertWithin(fused.inputGradients[0], plain.inputGradients[0], tolerance: 1e-5, "\(name) requested: the input's")
        }
    }

    /// Saliency and Grad-CAM at block_13_expand_relu on random alpha-0.35 weights (mixed ReLU6
    /// masks), 61x67: fused vs per-layer (both fast kernels) within 1e-4 of the largest |gradient|.
    func testMobileNetV2SaliencyFusedAgainstPerLayer() throws {
        let graph = try MobileNetV2Graph.graph(try GradientPassTests.weights(), height: 61, width: 67)
        XCTAssertGreaterThanOrEqual(FusedBackwardChain.find(graph).count, 52, "every conv + BN [+ ReLU6] of MobileNetV2")
        var rng = SplitMix64(seed: 1103)
        let x = rng.array(61, 67, 3)
        for threads in [1, 2] {
            let fused = try GraphGradient(graph: graph, threads: threads).run([x], class: .top1, at: ["block_13_expand_relu"], inputGradients: true)
            let plain = try GraphGradient(graph: graph, threads: threads, fusesBackward: false)
                .run([x], class: .top1, at: ["block_13_expand_relu"], inputGradients: true)
            XCTAssertEqual(fused.classIndex, plain.classIndex)
            assertWithin(fused.inputGradients[0], plain.inputGradients[0], tolerance: 1e-4, "saliency, \(threads) thread(s)")
            assertWithin(fused.gradients["block_13_expand_relu"]!, plain.gradients["block_13_expand_relu"]!, tolerance: 1e-4, "Grad-CAM gradient")
        }
    }
}

extension FusedBackwardTests {
    func assertWithin(_ a: NDArray, _ b: NDArray, tolerance: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, what, file: file, line: line)
        guard a.shape == b.shape else { return }
        let scale = b.data.map(abs).max() ?? 0
        XCTAssertGreaterThan(scale, 0, "\(what): the reference gradient is all zero", file: file, line: line)
        let (i, d) = zip(a.data, b.data).enumerated().map { ($0, abs($1.0 - $1.1)) }.max { $0.1 < $1.1 } ?? (0, 0)
        XCTAssertLessThanOrEqual(d, tolerance * scale, "\(what): worst |diff| \(d) at \(i): \(a.data[i]) vs \(b.data[i])", file: file, line: line)
    }
}
