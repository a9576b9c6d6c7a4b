#if canImport(Glibc)
import Glibc
#endif
// A reusable forward pass: a thread pool and a memory plan, kept between images.

/// Runs MobileNetV2 on one image at a time with `threads` threads (the caller's plus workers).
/// Buffers are planned once per input size and reused: a pass allocates nothing but the layers it
/// is asked to return. Results are byte-identical whatever the thread count (see `GEMMTasks`).
/// Not for concurrent use: give each thread of an application its own `ForwardPass`.
public final class ForwardPass {
    public let model: MobileNetV2
    /// The vector width of the engine's own kernels (default: the widest this CPU runs).
    public let simd: SIMDWidth
    let pool: ThreadPool
    private var workspace: Workspace?

    public init(model: MobileNetV2, threads: Int = 1, simd: SIMDWidth = .best) {
        require(threads >= 1, "a forward pass needs at least one thread")
        require(simd.isSupported, "this CPU does not run the \(simd) kernels")
        self.model = model
        self.simd = simd
        pool = ThreadPool(threads: threads)
    }

    public var threads: Int { pool.threads }

    /// The kernel family OpenBLAS runs for the engine's GEMMs ("Haswell", "SkylakeX", ...).
    public static var blasKernels: String { BLAS.coreName }

    func workspace(height: Int, width: Int) -> Workspace {
        if let w = workspace, w.height == height, w.width == width { return w }
        let w = Workspace(model.architecture, height: height, width: width, layers: model.layers(height: height, width: width))
        workspace = w
        return w
    }

    /// Class probabilities (the `predictions` layer, after softmax) for a preprocessed input.
    public func classify(_ input: Tensor) throws -> [Float] {
        guard model.architecture.classes != nil else { throw EngineError.noClassificationTop }
        return try run(input, capture: ["predictions"])["predictions"]!.data
    }
}

/// One float buffer, allocated once, aligned to 64 bytes (a cache line, one 16-lane vector): with
/// channel counts that are multiples of 16, every vector the kernels load then sits in one line.
/// Buffers of 2 MB and more are mapped directly and asked for transparent huge pages (madvise):
/// a page fault costs 2-3 us on the development machines, and the workspace's 8 MB took 2,000 of them.
final class Buffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    private let mapping: (base: UnsafeMutableRawPointer, length: Int)?

    static let hugePage = 2 << 20

    init(count: Int) {
        self.count = max(count, 1)
        let bytes = self.count * MemoryLayout<Float>.stride
        if bytes >= Self.hugePage,
            let base = mmap(nil, bytes + Self.hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            base != MAP_FAILED
        {
            let start = (Int(bitPattern: base) + Self.hugePage - 1) / Self.hugePage * Self.hugePage
            let aligned = UnsafeMutableRawPointer(bitPattern: start)!
            _ = madvise(aligned, bytes, MADV_HUGEPAGE)  // a hint: without THP, ordinary pages
            mapping = (base, bytes + Self.hugePage)
            pointer = aligned.bindMemory(to: Float.self, capacity: self.count)  // mapped zero-filled
        } else {
            mapping = nil
            pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                .bindMemory(to: Float.self, capacity: self.count)
            pointer.initialize(repeating: 0, count: self.count)
        }
    }

    deinit {
        if let mapping { munmap(mapping.base, mapping.length) } else { pointer.deallocate() }
    }
}

/// The static memory plan for one input size: block outputs alternate between `a` and `b`; the
/// expanded map also holds Conv1's output (block 0 has no expansion) and the head's output; the
/// depthwise output also holds Conv1's im2col rows (used before block 0's depthwise); plus the
/// pooled vector. About 8.3 MB at 224x224 for alpha 1.0.
final class Workspace {
    let height: Int, width: Int
    let a: Buffer, b: Buffer, expanded: Buffer, depthwise: Buffer, pooled: Buffer
    /// The model's layer table at this size (built once: it took ~0.1 ms of every pass).
    let layers: [LayerInfo]
    let layerNames: Set<String>

    init(_ arch: MobileNetV2Architecture, height: Int, width: Int, layers: [LayerInfo]) {
        self.height = height
        self.width = width
        self.layers = layers
        layerNames = Set(layers.map(\.name))
        var h = MobileNetV2Architecture.halved(height), w = MobileNetV2Architecture.halved(width)
        var expandedMax = h * w * arch.stemChannels, depthwiseMax = h * w * 27, io = 0
        for block in arch.blocks {
            if block.hasExpand { expandedMax = max(expandedMax, h * w * block.expandedChannels) }
            if block.stride == 2 { (h, w) = (MobileNetV2Architecture.halved(h), MobileNetV2Architecture.halved(w)) }
            depthwiseMax = max(depthwiseMax, h * w * block.expandedChannels)
            io = max(io, h * w * block.outChannels)
        }
        expandedMax = max(expandedMax, h * w * arch.headChannels)
        a = Buffer(count: io)
        b = Buffer(count: io)
        expanded = Buffer(count: expandedMax)
        depthwise = Buffer(count: depthwiseMax)
        pooled = Buffer(count: arch.headChannels)
    }

    var bytes: Int { 4 * [a, b, expanded, depthwise, pooled].reduce(0) { $0 + $1.count } }

    /// `count` buffers of at least `floats` floats for banded blocks (BandedBlock.swift), kept.
    private var bands: [Buffer] = []
    func bandBuffers(count: Int, floats: Int) -> [Buffer] {
        if bands.count < count || bands.contains(where: { $0.count < floats }) {
            let size = max(floats, bands.first?.count ?? 0)
            bands = (0..<max(count, bands.count)).map { _ in Buffer(count: size) }
        }
        return bands
    }
}

/// An activation map living in a workspace buffer.
struct FeatureMap {
    let pointer: UnsafeMutablePointer<Float>
    let shape: TensorShape

    init(_ pointer: UnsafeMutablePointer<Float>, _ h: Int, _ w: Int, _ c: Int) {
        self.pointer = pointer
        shape = TensorShape(height: h, width: w, channels: c)
    }

    var pixels: Int { shape.height * shape.width }

    /// A copy, for a requested layer.
    func tensor() -> Tensor {
        Tensor(
            height: shape.height, width: shape.width, channels: shape.channels,
            data: Array(UnsafeBufferPointer(start: pointer, count: shape.count)))
    }
}
