import Foundation
import XCTest
@testable import FeatureMapsEngine
import TestSupport

/// What Grad-CAM and saliency cost on the generic graph for a 224x224 ResNet50 (Keras applications'
/// layer structure, seeded He-uniform weights, BatchNormalization at identity statistics) next to
/// one forward pass, fast kernels. Prints numbers, asserts nothing about speed. Runs only with
/// FEATUREMAPS_BENCH=1, in a release build:
/// `FEATUREMAPS_BENCH=1 swift test -c release --filter GraphExplainBenchmark`.
final class GraphExplainBenchmark: XCTestCase {
    func testResNet50At224() throws {
        guard ProcessInfo.processInfo.environment["FEATUREMAPS_BENCH"] == "1" else {
            throw XCTSkip("benchmark: FEATUREMAPS_BENCH=1 swift test -c release --filter GraphExplainBenchmark")
        }
        OpenBLASThreads.useOne()
        var rng = SplitMix64(seed: 50)
        let graph = try ResNet50Graph.build(&rng)
        let x = rng.array(224, 224, 3, scale: 2)
        let executor = GraphExecutor(graph: graph, threads: 2)
        let driver = GraphGradient(graph: graph, threads: 2)
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        let cases: [(String, String?, Bool)] = [
            ("Grad-CAM at conv5_block3_out", "conv5_block3_out", false), ("Grad-CAM at conv3_block4_out", "conv3_block4_out", false),
            ("saliency", nil, true), ("Grad-CAM at conv5_block3_out + saliency", "conv5_block3_out", true),
        ]
        var forward: [Double] = [], times = [[Double]](repeating: [], count: cases.count)
        for round in 0..<4 {
            let f = try seconds { _ = try executor.run([x]) }
            if round > 0 { forward.append(f) }
            for (i, c) in cases.enumerated() {
                let t = try seconds { _ = try driver.explain([x], class: .top1, gradCAMLayer: c.1, saliency: c.2) }
                if round > 0 { times[i].append(t) }
            }
        }
        let f = forward.sorted()[forward.count / 2]
        print("graph explain cost, ResNet50 224x224, 2 threads, medians of 3 rounds after a warm-up:")
        print(String(format: "  forward pass %.0f ms", f * 1000))
        for (c, t) in zip(cases, times) {
            let m = t.sorted()[t.count / 2]
            print(String(format: "  %@: %.0f ms = %.2f forward passes", c.0, m * 1000, m / f))
        }
    }
}

/// Keras applications' ResNet50 (keras/src/applications/resnet.py, stack1 / block1) as graph nodes.
enum ResNet50Graph {
    static func build(_ rng: inout SplitMix64) throws -> Graph {
        var nodes = [NodeDescription(name: "input_1", layer: InputLayer(declaredShape: [224, 224, 3]))]
        var channels = 3
        func add(_ name: String, _ layer: any GraphLayer, _ inputs: [Int]) -> Int {
            nodes.append(NodeDescription(name: name, layer: layer, inputs: inputs.map { .node($0) }))
            return nodes.count - 1
        }
        func conv(_ name: String, _ x: Int, _ cin: Int, _ f: Int, _ k: Int, stride: Int = 1, padding: Padding = .valid) -> Int {
            let s = (6 / Float(k * k * cin)).squareRoot()
            let layer = Conv2DLayer(
                kernel: rng.weight(k, k, cin, f, scale: s), bias: rng.weight(f, scale: 0.01), strides: [stride, stride], padding: padding)
            let c = add(name + "_conv", layer, [x])
            let ones = [Float](repeating: 1, count: f), zeros = [Float](repeating: 0, count: f)
            return add(name + "_bn", BatchNormalizationLayer(epsilon: 1.001e-5, gamma: ones, beta: zeros, mean: zeros, variance: ones), [c])
        }
        var x = add("conv1_pad", ZeroPadding2DLayer(top: 3, bottom: 3, left: 3, right: 3), [0])
        x = add("conv1_relu", ActivationLayer(.relu), [conv("conv1", x, 3, 64, 7, stride: 2)])
        x = add("pool1_pad", ZeroPadding2DLayer(top: 1, bottom: 1, left: 1, right: 1), [x])
        x = add("pool1_pool", Pooling2DLayer(.max, poolSize: [3, 3], strides: [2, 2]), [x])
        channels = 64
        for (stage, (filters, blocks)) in [(64, 3), (128, 4), (256, 6), (512, 3)].enumerated() {
            for b in 1...blocks {
                let name = "conv\(stage + 2)_block\(b)"
                let stride = b == 1 && stage > 0 ? 2 : 1
                let shortcut = b == 1 ? conv(name + "_0", x, channels, 4 * filters, 1, stride: stride) : x
                var y = add(name + "_1_relu", ActivationLayer(.relu), [conv(name + "_1", x, channels, filters, 1, stride: stride)])
                y = add(name + "_2_relu", ActivationLayer(.relu), [conv(name + "_2", y, filters, filters, 3, padding: .same)])
                y = conv(name + "_3", y, filters, 4 * filters, 1)
                x = add(name + "_out", ActivationLayer(.relu), [add(name + "_add", MergeLayer(.add), [shortcut, y])])
                channels = 4 * filters
            }
        }
        x = add("avg_pool", GlobalPooling2DLayer(.average), [x])
        let head = DenseLayer(kernel: rng.weight(2048, 1000, scale: 0.05), bias: rng.weight(1000, scale: 0.01), activation: .softmax)
        x = add("predictions", head, [x])
        return try Graph(nodes: nodes, inputs: [0], outputs: [x])
    }
}
