import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// MobileNetV2Graph (weights-only file -> the graph keras.applications.MobileNetV2 builds) on
/// random weights of every shape Keras stores (the real weights are in
/// FeatureMapsTests/MobileNetV2GraphRealWeightsTests; Keras itself in KerasAgreementTests): Keras's
/// layers (names, classes, shapes, parameters), and the fast and fused kernels against the plain
/// reference twin at every layer.
final class MobileNetV2GraphTests: XCTestCase {
    func testLayersAreKerasOwnInOrderWithShapesAndParameters() throws {
        for (alpha, classes, h, w) in [(1.0, 1000 as Int?, 224, 224), (0.35, nil, 67, 45), (1.4, 10, 96, 128), (0.5, nil, 32, 33)] {
            let weights = randomMobileNetV2Weights(alpha: alpha, classes: classes)
            let model = try MobileNetV2(weights: weights)
            let graph = try MobileNetV2Graph.graph(weights, height: h, width: w)
            let table = model.layers(height: h, width: w)
            let what = "alpha \(alpha) \(h)x\(w) classes \(classes.map(String.init) ?? "none")"
            XCTAssertEqual(graph.nodes.map(\.name), table.map(\.name), "\(what): layer names in model order")
            XCTAssertEqual(graph.nodes.map(\.layer.kerasClassName), table.map(\.kind.rawValue), "\(what): classes")
            for (node, info) in zip(graph.nodes, table) {
                let s = graph.shape(of: node.output)
                XCTAssertEqual(
                    s.rank == 1 ? [1, 1, s[0]] : s.dims, [info.shape.height, info.shape.width, info.shape.channels], "\(what) \(node.name)")
            }
            XCTAssertEqual(graph.parameterCount, model.parameterCount, "\(what): count_params")
            XCTAssertEqual(graph.outputs, [graph.nodes.last!.output], "\(what): the model's output is its last layer")
            if h == 224 && classes != nil {
                XCTAssertEqual(graph.parameterCount, 3_538_984, "Keras's MobileNetV2 1.0 224 has 3,538,984 parameters")
            }
            XCTAssertEqual(try graph.value(named: "block_1_conv1"), try graph.value(named: "block_1_expand_relu"), "classroom alias")
        }
    }

    /// The graph unfused on the fast kernels (im2col + OpenBLAS, SIMD) against its plain reference
    /// twin (Double accumulation), every layer.
    func testEveryLayerFastMatchesTheReferenceTwin() throws {
        for (alpha, h, w) in [(0.35, 64, 48), (0.5, 67, 45)] {
            let weights = randomMobileNetV2Weights(alpha: alpha, classes: 7)
            let graph = try MobileNetV2Graph.graph(weights, height: h, width: w)
            var rng = SplitMix64(seed: 7)
            let input = rng.tensor(h, w, 3)
            let names = graph.nodes.map(\.name)
            let reference = try GraphExecutor(graph: graph, kernels: .reference).run([NDArray(input)], outputs: names)
            let fast = try GraphExecutor(graph: graph, threads: 2).run([NDArray(input)], outputs: names)
            let worst = compareLayers(fast, reference, names, tolerance: 4e-6, "alpha \(alpha) \(h)x\(w) fast, unfused")
            print("MobileNetV2 graph (fast, unfused) vs reference twin, alpha \(alpha) \(h)x\(w): max relative difference \(worst)")
        }
    }

    /// With StandardFusions (the engine's fused kernels, as the commands run it) every layer is
    /// within 1e-5 of the reference twin whatever is requested (only the output: one scratch
    /// sequence; every layer; a few inner ones), on 1 and 2 threads, including banded blocks
    /// (0.35 at 224: block_1's expanded map is 2.4 MB); and out_relu is the same bits in every
    /// case (the fused kernels compute each value the same way however the chain is split).
    func testFusedGraphMatchesTheTwinAndKeepsItsBits() throws {
        for (alpha, h, w) in [(0.35, 224, 224), (0.5, 67, 45), (1.0, 96, 80)] {
            let weights = randomMobileNetV2Weights(alpha: alpha, classes: 5)
            let graph = try MobileNetV2Graph.graph(weights, height: h, width: w)
            var rng = SplitMix64(seed: 9)
            let input = rng.tensor(h, w, 3)
            let all = graph.nodes.map(\.name)
            let reference = try GraphExecutor(graph: graph, kernels: .reference).run([NDArray(input)], outputs: all)
            var outRelu: [Float]? = nil
            let requests = [["out_relu"], all, ["block_1_expand", "block_3_pad", "block_3_depthwise_BN", "block_4_add", "out_relu"]]
            for names in requests {
                for threads in [1, 2] {
                    let executor = GraphExecutor(graph: graph, threads: threads, fusions: StandardFusions.passes())
                    let new = try executor.run([NDArray(input)], outputs: names + ["predictions"])
                    let what = "alpha \(alpha) \(h)x\(w) fused, \(names.count) requested, \(threads) threads"
                    let worst = compareLayers(new, reference, names + ["predictions"], tolerance: 1e-5, what)
                    if let outRelu { XCTAssert(new["out_relu"]!.data == outRelu, "\(what): out_relu bits") }
                    outRelu = new["out_relu"]!.data
                    if threads == 1 && names.count == 1 { print("MobileNetV2 graph (fused) vs reference twin, \(what): \(worst)") }
                }
            }
        }
    }
}

/// Random weights in the layout of a Keras MobileNetV2 weights file of width `alpha` (every layer
/// and weight `MobileNetV2Architecture.weightShapes` lists): kernels scaled by 1/sqrt(fan-in),
/// BatchNorm statistics that keep activations of order 1.
func randomMobileNetV2Weights(alpha: Double, classes: Int?, seed: UInt64 = 1) -> KerasWeights {
    var rng = SplitMix64(seed: seed)
    var weights = KerasWeights()
    for (layer, name, shape) in MobileNetV2Architecture(alpha: alpha, classes: classes).weightShapes {
        let n = shape.reduce(1, *), fanIn = Float(shape.count == 1 ? 1 : shape.dropLast().reduce(1, *))
        let values: [Float]
        switch name {
        case "gamma": values = (0..<n).map { _ in 1 + 0.3 * rng.float() }
        case "beta", "moving_mean", "bias": values = rng.floats(n, scale: 0.2)
        case "moving_variance": values = (0..<n).map { _ in 1 + 0.5 * rng.float() }
        default: values = rng.floats(n, scale: 1.7 / fanIn.squareRoot())
        }
        if weights.layers[layer] == nil { weights.layerOrder.append(layer) }
        weights.layers[layer, default: [:]][name] = WeightArray(shape: shape, values: values)
    }
    return weights
}

/// Asserts every named layer of the graph run equals the reference's within `tolerance` of the
/// layer's largest value; returns the largest relative difference.
@discardableResult
func compareLayers(
    _ new: [String: NDArray], _ old: [String: NDArray], _ names: [String], tolerance: Float, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) -> Float {
    var worstOverall: Float = 0
    for name in names {
        guard let a = new[name], let b = old[name] else {
            XCTFail("\(what): \(name) missing", file: file, line: line)
            continue
        }
        XCTAssertEqual(a.data.count, b.data.count, "\(what) \(name): size", file: file, line: line)
        guard a.data.count == b.data.count else { continue }
        let scale = max(b.data.map(abs).max() ?? 0, 1e-12)
        var worst = (diff: Float(0), index: 0)
        for i in b.data.indices {
            let d = abs(a.data[i] - b.data[i])
            if !(d <= worst.diff) { worst = (d, i) }
        }
        worstOverall = max(worstOverall, worst.diff / scale)
        XCTAssertLessThanOrEqual(
            worst.diff / scale, tolerance,
            "\(what) \(name): max |graph - reference| \(worst.diff) at flat index \(worst.index) (max |reference| \(scale))", file: file, line: line)
    }
    return worstOverall
}
