import FeatureMapsKernelTypes
import Synchronization

// What the engine's fusion passes share: the edges of the steps they walk, the layer predicates
// they match (by type and configuration, never by name), the BatchNorm folding cache, and the
// arrays their fused kernels write into.

/// The steps of one run with their edges: who produces a value, how often it is read.
struct StepEdges {
    let steps: [ExecutionStep]
    let keep: Set<ValueID>
    private var uses = [ValueID: Int]()
    private var reader = [ValueID: Int]()
    private var producer = [ValueID: Int]()

    init(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) {
        self.steps = steps
        self.keep = keep
        for (i, s) in steps.enumerated() {
            producer[s.output] = i
            for v in s.inputs {
                uses[v, default: 0] += 1
                reader[v] = i
            }
        }
    }

    /// The step reading the output of step `i`, when that value is read exactly once (one input of
    /// one step) and was not requested: only then may the two be fused.
    func soleReader(of i: Int) -> Int? {
        let v = steps[i].output
        guard uses[v] == 1, !keep.contains(v) else { return nil }
        return reader[v]
    }

    /// The step reading the output of step `i`, when one step reads it (in one or more of its
    /// inputs: a residual block reads its input twice) and it was not requested.
    func onlyReadingStep(of i: Int) -> Int? {
        let v = steps[i].output
        guard !keep.contains(v), let j = reader[v], uses[v] == steps[j].inputs.filter({ $0 == v }).count else { return nil }
        return j
    }

    /// The step producing input `k` of step `i`, when step `i` is that value's sole reader.
    func soleProducer(ofInput k: Int, of i: Int) -> Int? {
        guard let p = producer[steps[i].inputs[k]], soleReader(of: p) == i else { return nil }
        return p
    }

    /// The steps with each fused chain (step indexes, in order) replaced by its step, placed where
    /// the chain's last step was (its inputs are computed by then: every chain step's were).
    func replacing(_ fused: [(chain: [Int], step: ExecutionStep)]) -> [ExecutionStep] {
        var absorbed = Set<Int>(), replacement = [Int: ExecutionStep]()
        for f in fused {
            absorbed.formUnion(f.chain)
            replacement[f.chain.last!] = f.step
        }
        return steps.indices.compactMap { replacement[$0] ?? (absorbed.contains($0) ? nil : steps[$0]) }
    }
}

/// The activation a fused kernel applies last. ReLU6 is the kernels' epilogue clamp; ReLU is a
/// pass over each output block after its epilogue.
enum FusedActivation: Sendable, Equatable {
    case none, relu, relu6

    /// Keras `ReLU(max_value 6 or none)` without threshold or negative slope, or `Activation`
    /// relu / relu6; nil for anything else (a threshold, a slope, another maximum: not fused).
    init?(_ layer: any GraphLayer) {
        if let r = layer as? ReLULayer, r.threshold == 0, r.negativeSlope == 0 {
            switch r.maxValue {
            case nil: self = .relu
            case 6?: self = .relu6
            default: return nil
            }
        } else if let a = layer as? ActivationLayer, a.activation == .relu || a.activation == .relu6 {
            self = a.activation == .relu ? .relu : .relu6
        } else {
            return nil
        }
    }

    /// max(x, 0) on `count` values at `p`: ReLULayer's own arithmetic.
    static func relu(_ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { p[i] = max(p[i], 0) }
    }
}

extension BatchNormalizationLayer {
    /// True when it normalizes the channels (last axis) of an (H, W, C) map.
    var normalizesChannels: Bool { axis == -1 || axis == 3 }
}

/// BatchNormalization folded once into the kernels' per-channel affine (BatchNormAffine: scale =
/// gamma / sqrt(variance + eps), shift = beta - mean * scale), cached
/// per layer: a pass rewrites the steps on every run, the folding happens on the first. Keyed by
/// the storage of the layer's moving mean, which the entry keeps alive (so no other array can
/// take its address while the cache lives); a layer called twice folds once.
final class BatchNormFolding: Sendable {
    private let table = Mutex<[Int: (mean: [Float], affine: BatchNormAffine)]>([:])

    func affine(_ bn: BatchNormalizationLayer) -> BatchNormAffine {
        let key = bn.mean.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        return table.withLock { t in
            if let hit = t[key] { return hit.affine }
            let n = bn.mean.count
            let a = BatchNormAffine(
                gamma: bn.gamma ?? [Float](repeating: 1, count: n), beta: bn.beta ?? [Float](repeating: 0, count: n),
                mean: bn.mean, variance: bn.variance, epsilon: bn.epsilon)
            t[key] = (bn.mean, a)
            return a
        }
    }
}

extension NDArray {
    /// An array of `shape` whose elements the caller writes, every one, before reading any
    /// (a fused kernel's output: no zero fill).
    static func uninitialized(_ shape: Shape) -> NDArray {
        let n = shape.count
        return NDArray(shape: shape, data: [Float](unsafeUninitializedCapacity: n) { _, count in count = n })
    }
}

/// The kernels' epilogue for a BatchNorm affine (none: no scale and shift), a residual laid out
/// as the output and the ReLU6 clamp; its pointers are valid in `body`.
func withEpilogue<R>(
    _ bn: BatchNormAffine?, residual: UnsafePointer<Float>? = nil, relu6: Bool, _ body: (Epilogue) -> R
) -> R {
    let (scale, shift) = (bn?.scale ?? [], bn?.shift ?? [])
    return scale.withUnsafeBufferPointer { sc in
        shift.withUnsafeBufferPointer { sh in
            body(
                Epilogue(
                    scale: bn == nil ? nil : sc.baseAddress, shift: bn == nil ? nil : sh.baseAddress, residual: residual,
                    relu6: relu6))
        }
    }
}

extension FusedActivation {
    /// Plain ReLU, when it is the activation, on `rows` rows of `width` values at `p`, in bands.
    func applyAfterEpilogue(_ p: UnsafeMutablePointer<Float>, rows: Int, width: Int, _ context: ExecutionContext) {
        guard self == .relu else { return }
        context.forEachBand(rows, workPerItem: width) { Self.relu(p + $0.lowerBound * width, count: $0.count * width) }
    }
}

/// What follows a convolution in the fused patterns: BatchNormalization on its channels, then
/// optionally a residual `Add` of one other value of the same shape (when `residual` is allowed),
/// then optionally ReLU or ReLU6, each step the sole reader of the one before and nothing of it
/// requested. When no such BatchNormalization follows (the convolution's output is requested, or
/// read twice), the tail is the convolution alone: its fast kernel without an epilogue.
/// Holds the chain (step indexes, the convolution's first), its layers and inputs.
struct ConvTail {
    var chain: [Int]
    var layers: [any GraphLayer]
    var sideInputs: [Int]
    var inputs: [ValueID]
    var bn: BatchNormalizationLayer? = nil
    var residual = false
    var activation = FusedActivation.none

    /// The tail of the convolution at step `head`, whose own inputs are all taken as the chain's
    /// first ones; `channels` are its output channels.
    init(_ e: StepEdges, head: Int, channels: Int, residual allowResidual: Bool) {
        let steps = e.steps
        chain = [head]
        layers = [steps[head].layer]
        sideInputs = [steps[head].inputs.count]
        inputs = steps[head].inputs
        guard let j = e.soleReader(of: head), let bn = steps[j].layer as? BatchNormalizationLayer, steps[j].inputs.count == 1,
            bn.normalizesChannels, bn.mean.count == channels
        else { return }
        self.bn = bn
        append(j, bn, side: nil)
        if allowResidual, let k = e.soleReader(of: j), let add = steps[k].layer as? MergeLayer, add.kind == .add,
            steps[k].inputs.count == 2
        {
            append(k, add, side: steps[k].inputs[steps[k].inputs[0] == steps[j].output ? 1 : 0])
            residual = true
        }
        if let k = e.soleReader(of: chain.last!), steps[k].inputs.count == 1, let a = FusedActivation(steps[k].layer) {
            append(k, steps[k].layer, side: nil)
            activation = a
        }
    }

    private mutating func append(_ step: Int, _ layer: any GraphLayer, side: ValueID?) {
        chain.append(step)
        layers.append(layer)
        sideInputs.append(side == nil ? 0 : 1)
        if let side { inputs.append(side) }
    }

    /// The layers as they ran unfused: the fused layer's reference twin and its fallback.
    var layerChain: LayerChain { LayerChain(layers: layers, sideInputs: sideInputs) }

    /// The graph nodes the chain computes.
    func nodes(_ e: StepEdges) -> [Int] { chain.flatMap { e.steps[$0].nodes } }

    /// The folded BatchNorm, or none (an epilogue without scale and shift).
    func affine(_ folding: BatchNormFolding) -> BatchNormAffine? { bn.map(folding.affine) }
}
