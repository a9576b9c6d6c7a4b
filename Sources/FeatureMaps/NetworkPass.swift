import FeatureMapsEngine

/// One forward pass of a session's network (its `Graph` on the one executor, with the engine's
/// fusions, StandardFusions), with its threads and buffers, reused image after image (not
/// Sendable: one run at a time). Results do not depend on the thread count.
public final class NetworkPass {
    public let session: Session
    public let threads: Int
    private let executor: GraphExecutor
    private let simd: SIMDWidth
    /// An executor for an .npy input of another size, kept for the next array of that size.
    private var other: GraphExecutor?

    public init(session: Session, threads: Int = Session.defaultThreads, simd: SIMDWidth = .best) {
        self.session = session
        self.threads = threads
        self.simd = simd
        executor = GraphExecutor(graph: session.graph, threads: threads, fusions: StandardFusions.passes(simd: simd))
    }

    /// The values of the layers `keys` (LayerChoice.key), shaped as Keras gives them without the
    /// batch axis ((H, W, C) maps, (C,) vectors); the pass stops after the last one needed.
    public func run(_ input: Tensor, keys: [String]) throws -> [String: NDArray] {
        let (run, array) = try prepared(input)
        return try run.run([array], outputs: keys)
    }

    /// The first output's values: class probabilities (or scores, see Session.outputIsProbability).
    public func classify(_ input: Tensor) throws -> [Float] {
        guard session.labels != nil else {
            throw ModelFileError.noVectorOutput(shape: ModelLayer.describe(session.graph.shape(of: session.graph.outputs[0]).dims))
        }
        let (run, array) = try prepared(input)
        let output = run.graph.outputs[0]
        return try run.run([array], values: [output]).values[output]!.data
    }

    /// The executor for `input`'s shape (the session's, or one for a graph rebuilt for an array
    /// input of another size) and the input as its array.
    private func prepared(_ input: Tensor) throws -> (GraphExecutor, NDArray) {
        let shape = [input.height, input.width, input.channels]
        let array = NDArray(shape: Shape(shape), data: input.data)
        if shape == session.inputShape { return (executor, array) }
        if let other, other.graph.shape(of: other.graph.inputs[0]).dims == shape { return (other, array) }
        let rebuilt = GraphExecutor(graph: try session.graph(for: shape), threads: threads, fusions: StandardFusions.passes(simd: simd))
        other = rebuilt
        return (rebuilt, array)
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
