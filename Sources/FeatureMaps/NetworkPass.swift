import FeatureMapsEngine

/// One forward pass of a session's network, with its threads and buffers, reused image after
/// image (not Sendable: one run at a time). Results do not depend on the thread count.
public final class NetworkPass {
    public let session: Session
    public let threads: Int
    private enum Engine {
        case mobileNetV2(ForwardPass)
        case graph(GraphExecutor)
    }
    private var engine: Engine

    public init(session: Session, threads: Int = Session.defaultThreads, simd: SIMDWidth = .best) {
        self.session = session
        self.threads = threads
        switch session.network {
        case .mobileNetV2(let weights, _): engine = .mobileNetV2(ForwardPass(model: weights.model, threads: threads, simd: simd))
        case .model(let file): engine = .graph(GraphExecutor(graph: file.graph, threads: threads, fusions: StandardFusions.all))
        }
    }

    /// The values of the layers `keys` (LayerChoice.key), shaped as Keras gives them without the
    /// batch axis ((H, W, C) maps, (C,) vectors); the pass stops after the last one needed.
    public func run(_ input: Tensor, keys: [String]) throws -> [String: NDArray] {
        switch engine {
        case .mobileNetV2(let pass):
            let vectors = Set(session.layers.filter { $0.shape.count == 1 }.map(\.name))
            return try pass.run(input, capture: Set(keys)).map { name, t in
                (name, NDArray(shape: Shape(vectors.contains(name) ? [t.channels] : [t.height, t.width, t.channels]), data: t.data))
            }.reduce(into: [:]) { $0[$1.0] = $1.1 }
        case .graph(let executor):
            let shape = [input.height, input.width, input.channels]
            return try self.executor(executor, for: shape).run([NDArray(shape: Shape(shape), data: input.data)], outputs: keys)
        }
    }

    /// The first output's values: class probabilities (or scores, see Session.outputIsProbability).
    public func classify(_ input: Tensor) throws -> [Float] {
        switch engine {
        case .mobileNetV2(let pass): return try pass.classify(input)
        case .graph(let executor):
            guard session.labels != nil else {
                throw ModelFileError.noVectorOutput(shape: ModelLayer.describe(executor.graph.shape(of: executor.graph.outputs[0]).dims))
            }
            let shape = [input.height, input.width, input.channels]
            let run = try self.executor(executor, for: shape)
            let output = run.graph.outputs[0]
            return try run.run([NDArray(shape: Shape(shape), data: input.data)], values: [output]).values[output]!.data
        }
    }

    /// The executor for an input of `shape`: the session's, or one for a graph rebuilt for an
    /// array input of another size (a model whose input size is open).
    private func executor(_ executor: GraphExecutor, for shape: [Int]) throws -> GraphExecutor {
        guard case .model(let file) = session.network, shape != file.inputShape else { return executor }
        return GraphExecutor(graph: try file.graph(for: shape), threads: threads, fusions: StandardFusions.all)
    }
}

extension Session {
    /// The top `k` classes, computed with `pass`.
    public func classify(_ image: PreparedImage, top k: Int, using pass: NetworkPass) throws -> [Prediction] {
        Predictions.top(k, of: try pass.classify(image.tensor), labels: labels?.custom)
    }

    /// The outputs of `layers`, by LayerChoice.key, computed with `pass`.
    public func activations(_ image: PreparedImage, layers: [LayerChoice], using pass: NetworkPass) throws -> [String: NDArray] {
        try pass.run(image.tensor, keys: layers.map(\.key))
    }
}

extension Session {
    /// The top `k` classes, with a one-thread pass made for this call.
    public func classify(_ image: PreparedImage, top k: Int) throws -> [Prediction] {
        try classify(image, top: k, using: NetworkPass(session: self, threads: 1))
    }

    /// The outputs of `layers`, with a pass made for this call.
    public func activations(_ image: PreparedImage, layers: [LayerChoice]) throws -> [String: NDArray] {
        try activations(image, layers: layers, using: NetworkPass(session: self, threads: Session.defaultThreads))
    }
}
