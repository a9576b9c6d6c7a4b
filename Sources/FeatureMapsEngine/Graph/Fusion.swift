// The seam for fused kernels. The executor does not run Graph nodes directly but ExecutionSteps,
// one per node to begin with. A FusionPass rewrites the steps: it walks them once and replaces a
// chain it recognises BY PATTERN (the layers' types and the edges between them, as XNNPACK's
// xnn_subgraph_fusion; never by name) with one step whose layer is a composite, e.g. later the
// engine's fused Conv2D -> BatchNormalization -> ReLU(6) -> Add kernel of Kernels/Pointwise.swift.
// A chain is fused only when each inner value feeds the next step alone and was not requested, so
// every requested value is still computed. Node names and shapes stay in the Graph.

/// One unit of work: a layer (a node's, or a composite of several) reading values, writing one.
public struct ExecutionStep: Sendable {
    public let layer: any GraphLayer
    public let inputs: [ValueID]
    public let output: ValueID
    /// The graph nodes this step computes (several for a fused chain), in order.
    public let nodes: [Int]

    public init(layer: any GraphLayer, inputs: [ValueID], output: ValueID, nodes: [Int]) {
        self.layer = layer
        self.inputs = inputs
        self.output = output
        self.nodes = nodes
    }
}

/// A rewrite of the steps by pattern. `keep` are values that must stay computed (requested ones).
/// The result must depend only on `steps` and `keep`: the executor rewrites once per requested set
/// and reuses the steps on later runs.
public protocol FusionPass: Sendable {
    func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep]
}

/// The composite a ChainFusion builds: layer 0 takes the step's first inputs, each following layer
/// takes the previous output first, then its own further inputs (a residual for Add), in order.
/// It runs the layers one after another: the same values as unfused, one step for the executor.
public struct LayerChain: GraphLayer {
    public let layers: [any GraphLayer]
    /// Inputs each layer takes from the step's input list (layer 0: all of its own).
    public let sideInputs: [Int]

    public var kerasClassName: String { layers.map(\.kerasClassName).joined(separator: "+") }
    public var inputCount: ClosedRange<Int> { let n = sideInputs.reduce(0, +); return n...n }
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    public func outputShape(inputs: [Shape]) throws -> Shape {
        var rest = inputs[...], shape: Shape? = nil
        for (layer, n) in zip(layers, sideInputs) {
            let own = Array(rest.prefix(n))
            rest = rest.dropFirst(n)
            shape = try layer.outputShape(inputs: (shape.map { [$0] } ?? []) + own)
        }
        return shape!
    }

    public func forward(_ inputs: consuming [NDArray], _ context: ExecutionContext) -> NDArray {
        var value: NDArray? = nil
        var next = 0
        for (layer, n) in zip(layers, sideInputs) {
            var args = value.map { [$0] } ?? []
            value = nil
            args += inputs[next..<(next + n)]
            next += n
            value = layer.forward(consume args, context)
        }
        return value!
    }
}

/// Fuses every chain of steps whose layers match `pattern` in order (the first step's output feeding
/// the second's first input, and so on, each inner value used by that next step only and not kept)
/// into one LayerChain step.
public struct ChainFusion: FusionPass {
    public let pattern: [@Sendable (any GraphLayer) -> Bool]
    public init(pattern: [@Sendable (any GraphLayer) -> Bool]) { self.pattern = pattern }

    public func rewrite(_ steps: [ExecutionStep], keeping keep: Set<ValueID>) -> [ExecutionStep] {
        var uses = [ValueID: Int]()
        for s in steps { for v in s.inputs { uses[v, default: 0] += 1 } }
        var consumer = [ValueID: Int]()
        for (i, s) in steps.enumerated() { if let v = s.inputs.first { consumer[v] = i } }
        var absorbed = Set<Int>(), replacement = [Int: ExecutionStep]()
        for start in steps.indices where pattern[0](steps[start].layer) && !absorbed.contains(start) {
            var chain = [start]
            while chain.count < pattern.count {
                let v = steps[chain.last!].output
                guard uses[v] == 1, !keep.contains(v), let next = consumer[v], steps[next].inputs.first == v,
                    pattern[chain.count](steps[next].layer)
                else { break }
                chain.append(next)
            }
            guard chain.count == pattern.count else { continue }
            let parts = chain.map { steps[$0] }
            let layer = LayerChain(layers: parts.map(\.layer), sideInputs: [parts[0].inputs.count] + parts.dropFirst().map { $0.inputs.count - 1 })
            let inputs = parts[0].inputs + parts.dropFirst().flatMap { $0.inputs.dropFirst() }
            replacement[chain.last!] = ExecutionStep(layer: layer, inputs: inputs, output: parts.last!.output, nodes: parts.flatMap(\.nodes))
            absorbed.formUnion(chain)
        }
        return steps.indices.compactMap { i in replacement[i] ?? (absorbed.contains(i) ? nil : steps[i]) }
    }
}

/// The fusion passes every graph run gets, in order: the MobileNet kernels' patterns
/// (FastFusions: stem, 1x1, depthwise), then the general Conv2D epilogue (ResNet, VGG, biased and
/// kxk convolutions the first ones leave), then the leftover BatchNorm, banded, block, classifier
/// and scratch passes that build on the first ones' steps.
public enum StandardFusions {
    public static var all: [any FusionPass] { passes() }

    public static func passes(simd: SIMDWidth = .best) -> [any FusionPass] {
        var passes = FastFusions.passes(simd: simd)
        passes.insert(ConvolutionEpilogueFusion(), at: passes.firstIndex { $0 is BatchNormFusion } ?? passes.count)
        return passes
    }
}
