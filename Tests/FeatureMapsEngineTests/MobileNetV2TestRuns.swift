@testable import FeatureMapsEngine

/// MobileNetV2 as the commands run it: MobileNetV2Graph at the input's size on the one executor
/// with the engine's fusions (StandardFusions), and its backward pass (GraphGradient).
extension KerasWeights {
    /// The outputs of `layers` (Keras names) for an (H, W, 3) input, as tensors (vectors 1 x 1 x C).
    func mobileNetV2Outputs(_ x: Tensor, capture layers: [String], threads: Int = 1, simd: SIMDWidth = .best) throws -> [String: Tensor] {
        let graph = try MobileNetV2Graph.graph(self, height: x.height, width: x.width)
        return try GraphExecutor(graph: graph, threads: threads, fusions: StandardFusions.passes(simd: simd))
            .run([NDArray(x)], outputs: layers).mapValues { $0.tensor! }
    }

    /// The class probabilities.
    func mobileNetV2Classify(_ x: Tensor) throws -> [Float] {
        try mobileNetV2Outputs(x, capture: ["predictions"])["predictions"]!.data
    }

    /// d logit[class] / d value at `layers` (the model input by its name, input_layer, too).
    func mobileNetV2Gradients(_ x: Tensor, class index: Int, at layers: [String], threads: Int = 1) throws -> [String: Tensor] {
        let graph = try MobileNetV2Graph.graph(self, height: x.height, width: x.width)
        return try GraphGradient(graph: graph, threads: threads).run([NDArray(x)], class: .index(index), at: layers).gradients
            .mapValues { $0.tensor! }
    }
}
