// Fusion by pattern (never by name): a Conv2D followed by what ResNet, VGG, DenseNet and most
// classroom CNNs put after it, done on each band of the convolution's output while it is in
// cache instead of in passes of their own over the whole map:
//
//   Conv2D -> [BatchNormalization (last axis)] -> [Activation | ReLU]* -> [Add(other, x)] -> [Activation | ReLU]*
//
// Each stage does exactly the float32 operations of its own layer, in the same order (BN: the
// same inv and shift as BatchNormalizationLayer.forward, x * inv + shift), so the fused values are
// bit-identical to the unfused ones (FusionTests). A stage is absorbed only when the value
// before it feeds that stage alone and was not requested; softmax is never absorbed.

/// One stage after the convolution.
enum EpilogueStage: Sendable {
    case affine(inv: [Float], shift: [Float])
    case activation(Activation)
    case relu(ReLULayer)
    /// + the step's second input (same shape as the output).
    case residual
}

/// Conv2D + its epilogue as one GraphLayer. Inputs: the convolution's, then the residual if any.
struct ConvolutionWithEpilogue: GraphLayer {
    let conv: Conv2DLayer
    let stages: [EpilogueStage]
    /// The layers absorbed, for the chain's name ("Conv2D+BatchNormalization+ReLU").
    let names: [String]

    var kerasClassName: String { names.joined(separator: "+") }
    var inputCount: ClosedRange<Int> { let n = stages.contains { if case .residual = $0 { true } else { false } } ? 2 : 1; return n...n }
    var parameterCount: Int { conv.parameterCount }

    func outputShape(inputs: [Shape]) throws -> Shape { try conv.outputShape(inputs: [inputs[0]]) }

    func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let residual = inputs.count > 1 ? inputs[1] : nil
        let x = inputs[0]
        let stages = self.stages
        let plainReLU = stages.count >= 2 && Self.isPlainReLU(stages.last!)
        let hasResidual = inputs.count > 1
        var onePass = plainReLU && (stages.count == 2 || (stages.count == 3 && hasResidual))
        if case .affine = stages.first {} else { onePass = false }
        // On one tile of the output: `pixels` rows `channels` apart from `c`, filters `filters`.
        // The convolution's bias is added here, as the first stage (conv2d's `applyBias: false`),
        // unless the convolution has an activation of its own.
        let bias = conv.activation == .linear ? conv.bias?.values : nil
        let zeros = bias == nil ? [Float](repeating: 0, count: conv.kernel.shape[3]) : []  // unread: keeps one code path
        let run = { (c: UnsafeMutablePointer<Float>, pixels: Range<Int>, filters: Range<Int>, channels: Int, r: UnsafePointer<Float>?) in
            let (n, c0) = (filters.count, filters.lowerBound)
            let res = r.map { $0 + pixels.lowerBound * channels + c0 }
            if let bias, !onePass {
                for p in 0..<pixels.count {
                    let row = c + p * channels
                    for k in 0..<n { row[k] += bias[c0 + k] }
                }
            }
            // ResNet's two chains in one pass each (the same operations in the same order as
            // the stages one by one, so the same bits): BN then ReLU; BN, residual, then ReLU.
            if onePass, case .affine(let inv, let shift) = stages[0] {
                (bias ?? zeros).withUnsafeBufferPointer { b in
                    inv.withUnsafeBufferPointer { inv in
                        shift.withUnsafeBufferPointer { shift in
                            let (b, inv, shift) = (b.baseAddress! + c0, inv.baseAddress! + c0, shift.baseAddress! + c0)
                            for p in 0..<pixels.count {
                                let row = c + p * channels
                                if bias != nil, let res {
                                    let res = res + p * channels
                                    for k in 0..<n { row[k] = max(res[k] + ((row[k] + b[k]) * inv[k] + shift[k]), 0) }
                                } else if bias != nil {
                                    for k in 0..<n { row[k] = max((row[k] + b[k]) * inv[k] + shift[k], 0) }
                                } else if let res {
                                    let res = res + p * channels
                                    for k in 0..<n { row[k] = max(res[k] + (row[k] * inv[k] + shift[k]), 0) }
                                } else {
                                    for k in 0..<n { row[k] = max(row[k] * inv[k] + shift[k], 0) }
                                }
                            }
                        }
                    }
                }
                return
            }
            for stage in stages {
                for p in 0..<pixels.count {
                    let row = c + p * channels
                    switch stage {
                    case .affine(let inv, let shift): for k in 0..<n { row[k] = row[k] * inv[c0 + k] + shift[c0 + k] }
                    case .activation(let a): for k in 0..<n { row[k] = a(row[k]) }
                    case .relu(let l): for k in 0..<n { row[k] = l(row[k]) }
                    case .residual:
                        let src = res! + p * channels
                        for k in 0..<n { row[k] = src[k] + row[k] }
                    }
                }
            }
        }
        let channels = conv.kernel.shape[3]
        if let residual, residual.shape != (try? outputShape(inputs: [x.shape])) {
            return broadcastResidual(x, residual, context)
        }
        guard let residual else {
            return ConvolutionGEMM.conv2d(conv, x, context, applyBias: bias == nil) { run($0, $1, $2, channels, nil) }
        }
        return residual.data.withUnsafeBufferPointer { r in
            ConvolutionGEMM.conv2d(conv, x, context, applyBias: bias == nil) { run($0, $1, $2, channels, r.baseAddress!) }
        }
    }
}

extension ConvolutionWithEpilogue {
    /// max(x, 0): Activation("relu") or a ReLU layer without max_value, negative_slope, threshold.
    static func isPlainReLU(_ stage: EpilogueStage) -> Bool {
        switch stage {
        case .activation(let a): return a == .relu
        case .relu(let l): return l.maxValue == nil && l.negativeSlope == 0 && l.threshold == 0
        default: return false
        }
    }

    /// A residual that broadcasts (Add of (H, W, C) and (1, 1, C), say): the stages before it
    /// fused, the Add as MergeLayer does it, the stages after it one by one (the fusion pass sees
    /// no shapes, so this is decided here).
    func broadcastResidual(_ x: NDArray, _ residual: NDArray, _ context: ExecutionContext) -> NDArray {
        let k = stages.firstIndex { if case .residual = $0 { true } else { false } }!
        let before = ConvolutionWithEpilogue(conv: conv, stages: Array(stages[..<k]), names: names)
        var y = MergeLayer(.add).forward([before.forward([x], context), residual], context)
        for stage in stages[(k + 1)...] {
            switch stage {
            case .activation(let a): a.apply(to: &y)
            case .relu(let l): y = l.forward([y], context)
            case .affine, .residual: preconditionFailure("the pass puts no affine or second residual after a residual")
            }
        }
        return y
    }
}

/// Finds Conv2D -> epilogue chains in the steps (see the top of this file).
public struct ConvolutionEpilogueFusion: FusionPass {
    public init() {}

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        var uses = [ValueID: Int](), consumer = [ValueID: Int]()
        for (i, s) in steps.enumerated() { for v in Set(s.inputs) { uses[v, default: 0] += 1; consumer[v] = i } }
        var absorbed = Set<Int>(), replacement = [Int: ExecutionStep]()
        for start in steps.indices {
            guard let conv = steps[start].layer as? Conv2DLayer, conv.activation != .softmax, steps[start].inputs.count == 1 else { continue }
            var stages: [EpilogueStage] = [], names = ["Conv2D"], chain = [start], side: [ValueID] = []
            while true {
                let v = steps[chain.last!].output
                guard uses[v] == 1, !keep.contains(v), let next = consumer[v], !absorbed.contains(next) else { break }
                let step = steps[next]
                if let stage = Self.stage(step, after: v, hasResidual: !side.isEmpty, channels: conv.kernel.shape[3]) {
                    stages.append(stage)
                    names.append(step.layer.kerasClassName)
                    if case .residual = stage { side.append(step.inputs.first { $0 != v }!) }
                    chain.append(next)
                } else {
                    break
                }
            }
            guard chain.count > 1 else { continue }
            let layer = ConvolutionWithEpilogue(conv: conv, stages: stages, names: names)
            replacement[chain.last!] = ExecutionStep(
                layer: layer, inputs: steps[start].inputs + side, output: steps[chain.last!].output, nodes: chain.flatMap { steps[$0].nodes })
            absorbed.formUnion(chain)
        }
        return steps.indices.compactMap { i in replacement[i] ?? (absorbed.contains(i) ? nil : steps[i]) }
    }

    /// The stage `step` is when it takes `v` (the chain's value so far) and nothing else that
    /// changes its shape; nil when it is not one.
    static func stage(_ step: ExecutionStep, after v: ValueID, hasResidual: Bool, channels: Int) -> EpilogueStage? {
        switch step.layer {
        case let bn as BatchNormalizationLayer
        where step.inputs == [v] && !hasResidual && (bn.axis == -1 || bn.axis == 3) && bn.mean.count == channels:
            var inv = [Float](repeating: 0, count: channels), shift = inv
            for c in 0..<channels {  // exactly BatchNormalizationLayer.forward's
                inv[c] = 1 / (bn.variance[c] + bn.epsilon).squareRoot() * (bn.gamma?[c] ?? 1)
                shift[c] = (bn.beta?[c] ?? 0) - bn.mean[c] * inv[c]
            }
            return .affine(inv: inv, shift: shift)
        case let a as ActivationLayer where step.inputs == [v] && a.activation != .softmax: return .activation(a.activation)
        case let r as ReLULayer where step.inputs == [v]: return .relu(r)
        case let m as MergeLayer where m.kind == .add && !hasResidual && step.inputs.count == 2 && step.inputs.filter({ $0 == v }).count == 1:
            return .residual
        default: return nil
        }
    }
}
