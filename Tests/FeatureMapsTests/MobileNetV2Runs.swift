import FeatureMaps
import FeatureMapsEngine
import FeatureMapsWeights

/// MobileNetV2 from a weights file as the commands run it: MobileNetV2Graph at the input's size on
/// the one executor with the engine's fusions (NetworkPass), or its backward (GraphGradient).
enum MobileNetV2Runs {
    /// The graph for an input of `height` x `width` (any size from 32 x 32).
    static func graph(_ weightsPath: String, height: Int, width: Int) throws -> Graph {
        try MobileNetV2Graph.graph(try WeightsLoader.load(path: weightsPath).stored, height: height, width: width)
    }

    /// The outputs of `layers` (Keras names) for a preprocessed input, as (H, W, C) tensors (vectors 1 x 1 x C).
    static func outputs(_ weightsPath: String, _ input: Tensor, layers: [String], threads: Int = 1) throws -> [String: Tensor] {
        let g = try graph(weightsPath, height: input.height, width: input.width)
        let executor = GraphExecutor(graph: g, threads: threads, fusions: StandardFusions.passes())
        return try executor.run([NDArray(input)], outputs: layers).mapValues { $0.tensor! }
    }

    /// The gradient driver for an input of `input`'s size.
    static func gradient(_ weightsPath: String, _ input: Tensor, threads: Int = 1) throws -> GraphGradient {
        GraphGradient(graph: try graph(weightsPath, height: input.height, width: input.width), threads: threads)
    }
}
