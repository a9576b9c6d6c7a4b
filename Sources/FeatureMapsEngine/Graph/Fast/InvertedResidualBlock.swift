import FeatureMapsKernelTypes

// Pattern (on already fused steps): a fused depthwise step (FusedExpandDepthwiseLayer: an inverted
// residual block's expansion and depthwise layer; or FusedDepthwiseLayer alone: block 0) -> the
// FusedPointwiseLayer reading its output as the convolution's input (the block's projection,
// _project + _project_BN [+ _add]), the depthwise map read by the projection alone and not
// requested. One step whose inner maps (expanded, depthwise) live in the context's aligned scratch
// (ScratchArena) instead of Swift arrays whose elements
// straddle cache lines; the block's input and output stay values of the graph. Same kernels, same
// bits as the two steps one after the other.
// Shapes: input (H, W, Cin) [, residual (OH, OW, F)], depthwise map (OH, OW, C), output (OH, OW, F).

/// The fused block: `head` (expansion + depthwise, or depthwise) then `project`.
public struct FusedInvertedResidualLayer: GraphLayer {
    enum Head: Sendable {
        case expandDepthwise(FusedExpandDepthwiseLayer)
        case depthwise(FusedDepthwiseLayer)

        var layer: any GraphLayer {
            switch self {
            case .expandDepthwise(let l): return l
            case .depthwise(let l): return l
            }
        }
    }
    let head: Head
    let project: FusedPointwiseLayer

    public var kerasClassName: String { head.layer.kerasClassName + "+" + project.kerasClassName }
    public var inputCount: ClosedRange<Int> { project.residual ? 2...2 : 1...1 }
    public var parameterCount: Int { head.layer.parameterCount + project.parameterCount }
    public func outputShape(inputs: [Shape]) throws -> Shape {
        try project.outputShape(inputs: [head.layer.outputShape(inputs: [inputs[0]])] + inputs.dropFirst())
    }

    /// The depthwise geometry for an (H, W, Cin) input; nil when the fused kernels do not take it.
    func geometry(_ s: Shape) -> DepthwiseShape? {
        switch head {
        case .expandDepthwise(let l): return l.geometry(s)
        case .depthwise(let l): return l.geometry(s)
        }
    }

    /// Inputs: x (H, W, Cin) [, residual (OH, OW, F)] -> (OH, OW, F).
    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        let x = inputs[0]
        guard context.kernels == .fast, let g = geometry(x.shape), g.c == project.kernel.shape[2],
            !project.residual || inputs[1].shape == [g.oh, g.ow, project.filters]
        else {
            return project.forward([head.layer.forward([x], context)] + inputs.dropFirst(), context)
        }
        var out = NDArray.uninitialized([g.oh, g.ow, project.filters])
        let r = project.residual ? inputs[1].data : []
        x.data.withUnsafeBufferPointer { src in
            r.withUnsafeBufferPointer { r in
                out.data.withUnsafeMutableBufferPointer { c in
                    run(context, x.shape, g, input: src.baseAddress!, residual: project.residual ? r.baseAddress : nil, output: c.baseAddress!)
                }
            }
        }
        return out
    }

    /// On raw memory: input (H, W, Cin) of shape `s`, residual and output (OH, OW, F), `g` from
    /// `geometry`; the depthwise map in the context's scratch.
    func run(
        _ context: ExecutionContext, _ s: Shape, _ g: DepthwiseShape, input: UnsafePointer<Float>, residual: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>
    ) {
        let map = context.scratch.buffer(.depthwiseOutput, floats: g.oh * g.ow * g.c)
        switch head {
        case .expandDepthwise(let l): l.run(context, s, g, input: input, output: map)
        case .depthwise(let l): l.run(context, g, input: input, output: map)
        }
        project.run(context, input: map, pixels: g.oh * g.ow, cin: g.c, residual: residual, output: output)
    }
}

/// Finds a fused depthwise step feeding a fused pointwise step's convolution (run it after
/// BandedBlockFusion) and replaces each pair with one FusedInvertedResidualLayer step.
public struct InvertedResidualFusion: FusionPass {
    public init() {}

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        let e = StepEdges(steps, keeping: keep)
        var fused: [(chain: [Int], step: ExecutionStep)] = []
        for i in steps.indices {
            let head: FusedInvertedResidualLayer.Head
            if let l = steps[i].layer as? FusedExpandDepthwiseLayer {
                head = .expandDepthwise(l)
            } else if let l = steps[i].layer as? FusedDepthwiseLayer {
                head = .depthwise(l)
            } else {
                continue
            }
            guard let j = e.soleReader(of: i), let project = steps[j].layer as? FusedPointwiseLayer,
                steps[j].inputs[0] == steps[i].output
            else { continue }
            let layer = FusedInvertedResidualLayer(head: head, project: project)
            fused.append(
                (
                    [i, j],
                    ExecutionStep(
                        layer: layer, inputs: steps[i].inputs + steps[j].inputs.dropFirst(), output: steps[j].output,
                        nodes: steps[i].nodes + steps[j].nodes)
                ))
        }
        return e.replacing(fused)
    }
}
