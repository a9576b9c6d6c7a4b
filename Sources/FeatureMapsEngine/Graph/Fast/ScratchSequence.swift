// Pattern (on already fused steps): a run of fused steps, each reading only the output of the one
// before (once, or twice for a residual block whose Add reads its own input: MobileNetV2's blocks
// with an add), each the only reader of it, nothing between them requested: in MobileNetV2 with
// only `predictions` requested, Conv1 -> all 17 blocks -> Conv_1 -> the classifier. One step that
// passes the values between them in the context's aligned scratch (two buffers, used
// alternately) instead of Swift arrays whose elements straddle
// cache lines (measured before: Conv1's output read by block 0's depthwise layer cost it 24 %).
// The same kernels, the same bits as the steps one after the other.

/// A fused single-input layer that also runs on raw memory, input and output laid out as its values.
protocol ScratchKernel: GraphLayer {
    /// The output shape for an input of shape `s` when the fused kernel takes it; nil otherwise (the
    /// layer then falls back to the layers it replaces, and the sequence runs step by step).
    func kernelOutputShape(_ s: Shape) -> Shape?
    /// `input` (shape `s`) -> `output`; a layer with a residual input (its Add) reads it from
    /// `input` too (the sequence takes such a layer only where both inputs are the same value).
    func run(_ context: ExecutionContext, _ s: Shape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>)
}

extension FusedStemLayer: ScratchKernel {
    func kernelOutputShape(_ s: Shape) -> Shape? { outputShape(for: s) }
}

extension FusedInvertedResidualLayer: ScratchKernel {
    func kernelOutputShape(_ s: Shape) -> Shape? {
        guard let g = geometry(s), g.c == project.kernel.shape[2] else { return nil }
        let out: Shape = [g.oh, g.ow, project.filters]
        return !project.residual || out == s ? out : nil
    }
    func run(_ context: ExecutionContext, _ s: Shape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        run(context, s, geometry(s)!, input: input, residual: project.residual ? input : nil, output: output)
    }
}

extension FusedPointwiseLayer: ScratchKernel {
    func kernelOutputShape(_ s: Shape) -> Shape? { !residual || s[2] == filters ? [s[0], s[1], filters] : nil }
    func run(_ context: ExecutionContext, _ s: Shape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        run(context, input: input, pixels: s[0] * s[1], cin: s[2], residual: residual ? input : nil, output: output)
    }
}

extension FusedClassifierLayer: ScratchKernel {
    func kernelOutputShape(_ s: Shape) -> Shape? { [dense.units] }
}

/// The fused run of steps; each part is reported to the executor's observer as its step.
public struct FusedSequenceLayer: ReportsParts {
    let parts: [any ScratchKernel]
    /// The steps the parts were (reported to ExecutionContext.parts after each part).
    let steps: [ExecutionStep]

    public var kerasClassName: String { parts.map(\.kerasClassName).joined(separator: "+") }
    public var parameterCount: Int { parts.reduce(0) { $0 + $1.parameterCount } }
    public func outputShape(inputs: [Shape]) throws -> Shape {
        try parts.reduce(inputs[0]) { try $1.outputShape(inputs: Self.arguments($0, for: $1)) }
    }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        var shapes = [x.shape]
        for p in parts { if let s = p.kernelOutputShape(shapes.last!) { shapes.append(s) } else { break } }
        guard context.kernels == .fast, shapes.count == parts.count + 1 else {
            var value = x
            for (part, step) in zip(parts, steps) {
                value = part.forward(Self.arguments(value, for: part), context)
                context.parts.observe?(step)
            }
            return value
        }
        let inner = shapes.dropFirst().dropLast()
        let sizeA = inner.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.count).max() ?? 0
        let sizeB = inner.enumerated().filter { $0.offset % 2 == 1 }.map(\.element.count).max() ?? 0
        let a = context.scratch.buffer(.sequenceA, floats: sizeA), b = context.scratch.buffer(.sequenceB, floats: sizeB)
        var out = NDArray.uninitialized(shapes.last!)
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                var input = src.baseAddress!
                for (k, part) in parts.enumerated() {
                    let output = k == parts.count - 1 ? dst.baseAddress! : (k % 2 == 0 ? a : b)
                    part.run(context, shapes[k], input: input, output: output)
                    context.parts.observe?(steps[k])
                    input = UnsafePointer(output)
                }
            }
        }
        return out
    }

    /// A part's inputs when it reads `x`: once, or twice for a residual part (input and Add).
    static func arguments<T>(_ x: T, for part: any ScratchKernel) -> [T] {
        part.inputCount.lowerBound == 2 ? [x, x] : [x]
    }
}

/// Joins runs of fused single-input steps (run it after the other passes) into FusedSequenceLayer steps.
public struct ScratchSequenceFusion: FusionPass {
    public init() {}

    /// A step the sequence takes: a ScratchKernel reading one value (once, or as its input and
    /// its residual both).
    static func part(_ step: ExecutionStep) -> (any ScratchKernel)? {
        guard let k = step.layer as? any ScratchKernel, Set(step.inputs).count == 1, step.inputs.count <= 2 else { return nil }
        return k
    }

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        let e = StepEdges(steps, keeping: keep)
        var fused: [(chain: [Int], step: ExecutionStep)] = [], absorbed = Set<Int>()
        for i in steps.indices where !absorbed.contains(i) {
            guard let first = Self.part(steps[i]) else { continue }
            var chain = [i], parts = [first]
            while let j = e.onlyReadingStep(of: chain.last!), let p = Self.part(steps[j]) {
                chain.append(j)
                parts.append(p)
            }
            guard chain.count >= 2 else { continue }
            absorbed.formUnion(chain)
            let layer = FusedSequenceLayer(parts: parts, steps: chain.map { steps[$0] })
            fused.append(
                (
                    chain,
                    ExecutionStep(
                        layer: layer, inputs: [steps[i].inputs[0]], output: steps[chain.last!].output, nodes: chain.flatMap { steps[$0].nodes })
                ))
        }
        return e.replacing(fused)
    }
}
