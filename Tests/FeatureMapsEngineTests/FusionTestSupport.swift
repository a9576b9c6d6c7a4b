import XCTest
@testable import FeatureMapsEngine
import TestSupport

// Small graphs for the fusion pass tests: one (H, W, C) input, layers added one by one with
// neutral names ("n1", "n2", ...: the passes must never look at names), random weights.

struct TestGraph {
    private(set) var nodes: [NodeDescription]

    init(input: Shape) {
        nodes = [NodeDescription(name: "n0", layer: InputLayer(declaredShape: input.dims.map { $0 }))]
    }

    /// Adds `layer` reading the outputs of `inputs` (default: the last node's); returns its index.
    @discardableResult
    mutating func add(_ layer: any GraphLayer, _ inputs: [Int]? = nil) -> Int {
        nodes.append(NodeDescription(name: "n\(nodes.count)", layer: layer, inputs: (inputs ?? [nodes.count - 1]).map { .node($0) }))
        return nodes.count - 1
    }

    /// The graph whose output is the last node (or `outputs`).
    func graph(outputs: [Int]? = nil) throws -> Graph {
        try Graph(nodes: nodes, inputs: [0], outputs: outputs ?? [nodes.count - 1])
    }
}

extension SplitMix64 {
    /// BatchNormalization on C channels with statistics that keep values of order 1.
    mutating func batchNorm(_ c: Int, axis: Int = -1) -> BatchNormalizationLayer {
        BatchNormalizationLayer(
            axis: axis, epsilon: 1e-3, gamma: (0..<c).map { _ in 1 + 0.3 * float() }, beta: floats(c, scale: 0.5),
            mean: floats(c, scale: 0.3), variance: (0..<c).map { _ in 1 + 0.5 * float() })
    }

    mutating func conv(_ kh: Int, _ kw: Int, _ cin: Int, _ f: Int, strides: [Int] = [1, 1], padding: Padding = .same) -> Conv2DLayer {
        Conv2DLayer(
            kernel: weight(kh, kw, cin, f, scale: 1.5 / Float(kh * kw * cin).squareRoot()), strides: strides, padding: padding)
    }

    mutating func depthwise(_ c: Int, stride: Int, padding: Padding) -> DepthwiseConv2DLayer {
        DepthwiseConv2DLayer(kernel: weight(3, 3, c, 1, scale: 0.6), strides: [stride, stride], padding: padding)
    }
}

/// The steps the engine's passes leave for `graph` when `keep` is requested.
func fusedSteps(_ graph: Graph, keeping keep: [ValueID]? = nil, simd: SIMDWidth = .best) -> [ExecutionStep] {
    FastFusions.passes(simd: simd).reduce(GraphExecutor(graph: graph).steps) { $1.rewrite($0, keeping: Set(keep ?? graph.outputs)) }
}

/// The graph nodes each step computes, in order (InputLayer excluded).
func groups(_ steps: [ExecutionStep]) -> [[Int]] { steps.map(\.nodes) }

/// Runs `graph` fused (fast kernels, `threads`) and unfused with the plain reference loops, asserts
/// the requested values agree within `tolerance` and returns the fused ones.
@discardableResult
func assertFusedMatchesReference(
    _ graph: Graph, _ input: NDArray, keep names: [String]? = nil, simd: SIMDWidth = .best, threads: Int = 1,
    tolerance: Float = 1e-5, _ what: String, file: StaticString = #filePath, line: UInt = #line
) throws -> [String: NDArray] {
    let fused = try GraphExecutor(graph: graph, threads: threads, fusions: FastFusions.passes(simd: simd)).run([input], outputs: names)
    let reference = try GraphExecutor(graph: graph, kernels: .reference).run([input], outputs: names)
    for (name, value) in reference.sorted(by: { $0.key < $1.key }) {
        assertClose(fused[name]!, value, tolerance: tolerance, "\(what) \(name)", file: file, line: line)
    }
    return fused
}
