import XCTest
@testable import FeatureMapsEngine
import TestSupport

// ReceptiveField against a brute-force gradient: for position (y, x, c) of a layer, the input
// pixels whose d value[y, x, c] / d input is non-zero (GraphGradient with a one-hot seed) must lie
// inside the box; for a linear model (no ReLU, no max pooling, random non-zero weights) their
// bounding box must be the box itself.

final class ReceptiveFieldTests: XCTestCase {
    func input(_ dims: Int?...) -> InputLayer { InputLayer(declaredShape: dims) }

    /// Linear: stride-2 'same' conv, a residual Add, ZeroPadding2D, stride-2 'valid' conv, 'same'
    /// average pooling, nearest upsampling, Cropping2D, a dilated depthwise conv, a separable conv.
    func linearModel(_ rng: inout SplitMix64) throws -> Graph {
        let nodes = [
            NodeDescription(name: "in", layer: input(13, 11, 2)),
            NodeDescription(name: "a", layer: Conv2DLayer(kernel: rng.weight(3, 3, 2, 3), strides: [2, 2], padding: .same), inputs: [.node(0)]),
            NodeDescription(name: "b", layer: Conv2DLayer(kernel: rng.weight(3, 3, 3, 3), padding: .same), inputs: [.node(1)]),
            NodeDescription(name: "add", layer: MergeLayer(.add), inputs: [.node(2), .node(1)]),
            NodeDescription(name: "pad", layer: ZeroPadding2DLayer(top: 1, bottom: 0, left: 2, right: 1), inputs: [.node(3)]),
            NodeDescription(name: "d", layer: Conv2DLayer(kernel: rng.weight(3, 2, 3, 2), strides: [2, 2], padding: .valid), inputs: [.node(4)]),
            NodeDescription(name: "pool", layer: Pooling2DLayer(.average, poolSize: [2, 2], strides: [1, 1], padding: .same), inputs: [.node(5)]),
            NodeDescription(name: "up", layer: UpSampling2DLayer(size: [2, 3]), inputs: [.node(6)]),
            NodeDescription(name: "crop", layer: Cropping2DLayer(top: 1, bottom: 0, left: 2, right: 1), inputs: [.node(7)]),
            NodeDescription(
                name: "dw", layer: DepthwiseConv2DLayer(kernel: rng.weight(2, 3, 2, 1), dilation: [2, 1], padding: .same), inputs: [.node(8)]),
            NodeDescription(
                name: "sep",
                layer: SeparableConv2DLayer(
                    depthwiseKernel: rng.weight(3, 3, 2, 1), pointwiseKernel: rng.weight(1, 1, 2, 2), strides: [2, 2], padding: .valid),
                inputs: [.node(9)]),
        ]
        return try Graph(nodes: nodes, inputs: [0], outputs: [10])
    }

    /// Not linear: ReLU convolutions, 3x3 stride-2 max pooling, bilinear upsampling, a concatenation.
    func nonlinearModel(_ rng: inout SplitMix64) throws -> Graph {
        let nodes = [
            NodeDescription(name: "in", layer: input(12, 10, 2)),
            NodeDescription(name: "a", layer: Conv2DLayer(kernel: rng.weight(3, 3, 2, 3), padding: .same, activation: .relu), inputs: [.node(0)]),
            NodeDescription(name: "max", layer: Pooling2DLayer(.max, poolSize: [3, 3], strides: [2, 2], padding: .same), inputs: [.node(1)]),
            NodeDescription(name: "up", layer: UpSampling2DLayer(size: [2, 2], interpolation: .bilinear), inputs: [.node(2)]),
            NodeDescription(name: "cat", layer: ConcatenateLayer(), inputs: [.node(3), .node(1)]),
            NodeDescription(name: "b", layer: Conv2DLayer(kernel: rng.weight(3, 3, 6, 2), strides: [2, 2], padding: .valid), inputs: [.node(4)]),
        ]
        return try Graph(nodes: nodes, inputs: [0], outputs: [5])
    }

    /// The bounding box of the input pixels whose gradient of value[y, x, c] is non-zero (nil: none).
    func gradientBox(_ graph: Graph, _ x: NDArray, layer: String, y: Int, x px: Int, c: Int) throws -> InputBox? {
        let r = try GraphGradient(graph: graph, kernels: .reference).run([x], objectiveAt: layer, inputGradients: true) { v in
            var g = NDArray(shape: v.shape)
            g.data[(y * v.shape[1] + px) * v.shape[2] + c] = 1
            return g
        }
        let g = r.inputGradients[0]
        let (h, w, ch) = (g.shape[0], g.shape[1], g.shape[2])
        var rows: [Int] = [], cols: [Int] = []
        for i in 0..<h {
            for j in 0..<w where (0..<ch).contains(where: { g.data[(i * w + j) * ch + $0] != 0 }) {
                rows.append(i)
                cols.append(j)
            }
        }
        guard let r0 = rows.min() else { return nil }
        return InputBox(rows: r0..<(rows.max()! + 1), cols: cols.min()!..<(cols.max()! + 1))
    }

    func check(_ graph: Graph, layers: [String], tight: Bool, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let s = graph.shape(of: graph.inputs[0])
        let x = rng.array(s[0], s[1], s[2])
        let field = ReceptiveField(graph: graph)
        for layer in layers {
            let v = try graph.value(named: layer)
            let shape = graph.shape(of: v)
            for y in 0..<shape[0] {
                for px in 0..<shape[1] {
                    let box = field.box(of: v, y: y, x: px)
                    let seen = try gradientBox(graph, x, layer: layer, y: y, x: px, c: (y + px) % shape[2])
                    let at = "\(layer) (\(y), \(px)): box \(box.map(\.description) ?? "none"), gradient \(seen.map(\.description) ?? "none")"
                    if tight {
                        XCTAssertEqual(box, seen, at)
                    } else if let seen {
                        XCTAssertNotNil(box, at)
                        if let box {
                            XCTAssertTrue(box.rows.contains(seen.rows.lowerBound) && box.rows.contains(seen.rows.upperBound - 1), at)
                            XCTAssertTrue(box.cols.contains(seen.cols.lowerBound) && box.cols.contains(seen.cols.upperBound - 1), at)
                        }
                    }
                }
            }
        }
    }

    func testLinearModelBoxesAreTheGradientsBoundingBoxes() throws {
        var rng = SplitMix64(seed: 1201)
        let graph = try linearModel(&rng)
        try check(graph, layers: ["a", "add", "pad", "d", "pool", "up", "crop", "dw", "sep"], tight: true, seed: 1202)
        // A position of the zero padding sees nothing.
        XCTAssertNil(ReceptiveField(graph: graph).box(of: try graph.value(named: "pad"), y: 0, x: 0))
    }

    func testNonlinearModelGradientsStayInsideTheBoxes() throws {
        var rng = SplitMix64(seed: 1203)
        try check(try nonlinearModel(&rng), layers: ["a", "max", "up", "cat", "b"], tight: false, seed: 1204)
    }

    /// block_3_expand_relu of MobileNetV2 (stride 4) at 64 x 64: a 19 x 19 field inside, clipped at
    /// the corner (Conv1 3x3/2, block_1 depthwise 3x3/1 at stride 2, block_2 depthwise 3x3/2 and
    /// block_3's 3x3/1 at stride 4 come after block_3_expand; so 3 + 2*2 + 2*2 + 4*2 = 19), and the
    /// gradient of random weights inside it.
    func testMobileNetV2Block3ExpandField() throws {
        let graph = try MobileNetV2Graph.graph(randomMobileNetV2Weights(alpha: 0.35, classes: nil), height: 64, width: 64)
        let v = try graph.value(named: "block_3_expand_relu")
        XCTAssertEqual(graph.shape(of: v).dims.prefix(2), [16, 16])
        let field = ReceptiveField(graph: graph)
        let inside = try XCTUnwrap(field.box(of: v, y: 8, x: 5))
        XCTAssertEqual(inside.rows.count, 19)
        XCTAssertEqual(inside.cols.count, 19)
        XCTAssertEqual(field.box(of: v, y: 0, x: 0)?.rows.lowerBound, 0)
        var rng = SplitMix64(seed: 1205)
        let x = rng.array(64, 64, 3)
        for (y, px) in [(8, 5), (0, 0), (15, 15)] {
            let box = try XCTUnwrap(field.box(of: v, y: y, x: px))
            // The first channel not clamped by ReLU6 at this position (a clamped one has no gradient).
            let live = try (0..<8).lazy.compactMap { try self.gradientBox(graph, x, layer: "block_3_expand_relu", y: y, x: px, c: $0) }.first
            let seen = try XCTUnwrap(live, "no live channel among 0..<8 at (\(y), \(px))")
            XCTAssertTrue(box.rows.lowerBound <= seen.rows.lowerBound && seen.rows.upperBound <= box.rows.upperBound, "\(box) vs \(seen)")
            XCTAssertTrue(box.cols.lowerBound <= seen.cols.lowerBound && seen.cols.upperBound <= box.cols.upperBound, "\(box) vs \(seen)")
            XCTAssertGreaterThan(seen.rows.count, box.rows.count / 2, "the gradient fills most of the box")
        }
    }
}
