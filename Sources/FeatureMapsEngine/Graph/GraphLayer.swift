// The contract every layer class of the graph follows (one file per Keras class in Layers/, as
// frugally-deep does): its Keras class name, its shape rule, its parameter count and its forward
// kernel. A fused composite (a chain found by a FusionPass) is a GraphLayer too, so the executor
// runs fused and unfused nodes alike.

/// One Keras layer (or keras.ops operation) as the graph runs it at inference.
public protocol GraphLayer: Sendable {
    /// Keras's class name, e.g. "Conv2D", or the operation's ("TrueDivide" of keras.src.ops.numpy).
    var kerasClassName: String { get }
    /// How many inputs the layer takes (constants of an operation count as inputs). Default 1.
    var inputCount: ClosedRange<Int> { get }
    /// The output shape for these input shapes (without the batch axis), or a `LayerShapeError`
    /// saying why they do not fit (the graph adds the node's name and class).
    func outputShape(inputs: [Shape]) throws -> Shape
    /// Keras's `count_params()` of this layer. Default 0.
    var parameterCount: Int { get }
    /// The layer's output. `inputs` have the shapes `outputShape` accepted (the graph checked them);
    /// the executor hands over inputs it no longer needs, so a layer may reuse their storage
    /// (`inputs.removeFirst()` then mutate: in place when nothing else holds the array, a copy
    /// otherwise, by Swift's copy-on-write). Must be deterministic: the same inputs give the same
    /// bits whatever `context.threads` is.
    func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray
}

extension GraphLayer {
    public var inputCount: ClosedRange<Int> { 1...1 }
    public var parameterCount: Int { 0 }
}

/// Why input shapes do not fit a layer; the graph turns it into `GraphError.shapeMismatch`.
public struct LayerShapeError: Error, Equatable, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Which kernels the executor runs. `.reference` is the plain loop of each layer file (the twin
/// the tests hold the fast kernels to); `.fast` uses im2col + OpenBLAS GEMM for convolutions and
/// dense layers. Both are deterministic whatever the thread count.
public enum KernelChoice: Sendable, Equatable {
    case reference, fast
}

/// What a forward kernel may use: the engine's thread pool and the kernel choice. Not Sendable
/// (it holds the pool); one run at a time per context.
public struct ExecutionContext {
    let pool: ThreadPool
    public let kernels: KernelChoice
    public var threads: Int { pool.threads }
    /// Aligned buffers the fused kernels keep between runs (Graph/Fast/ScratchArena.swift).
    let scratch = ScratchArena()
    /// The backward pass's gradient arrays, kept between layers and runs (GradientPool.swift).
    let gradients = GradientPool()
    /// Set by `GraphExecutor.run` for its observer: a step that runs several fused steps as parts
    /// (FusedSequenceLayer) reports each part to it, so that benchmarks still time them one by one.
    let parts = PartObserver()

    /// A context with its own pool of `threads` threads (1: everything on the calling thread).
    public init(threads: Int = 1, kernels: KernelChoice = .fast) {
        require(threads >= 1, "an execution context needs at least one thread")
        pool = ThreadPool(threads: threads)
        self.kernels = kernels
    }

    /// One thread, plain loops: what the layer tests call.
    public static var reference: ExecutionContext { ExecutionContext(threads: 1, kernels: .reference) }

    /// Runs `body` on consecutive bands of `0..<count` (rows of an output, say) across the pool.
    /// The bands depend only on `count` and `workPerItem` (about 64 K units of work each), never on
    /// the thread count, and each item must be computed independently of its band, so the result
    /// is the same on any number of threads.
    func forEachBand(_ count: Int, workPerItem: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let perBand = max(1, min(count, 65_536 / max(1, workPerItem)))
        let bands = (count + perBand - 1) / perBand
        pool.parallelFor(bands) { b in body(b * perBand..<min(count, (b + 1) * perBand)) }
    }
}

/// The executor's observer, as the steps that run parts of their own see it (one run at a time).
final class PartObserver {
    var observe: ((ExecutionStep) -> Void)?
}

/// A step that reports its parts to `ExecutionContext.parts` instead of being reported as one.
protocol ReportsParts: GraphLayer {}
