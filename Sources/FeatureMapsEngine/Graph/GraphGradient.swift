// The graph's backward driver: gradients of one class logit (LogitSource.swift) with respect to
// any values of the graph and to the model inputs. No weight gradients.
//   1. Forward once over the nodes the logit and the requested values need, keeping only what the
//      backward passes will read (each layer's `backwardNeeds`) and the requested values.
//   2. Seed d logit[class] / d logit = one-hot, then visit the nodes in reverse topological order,
//      each one's DifferentiableLayer.backward turning its output's gradient into its inputs'.
//      A value read several times (a residual, a layer called twice with shared weights, Add(x, x))
//      SUMS the gradients of its readers; constants get none; nodes whose inputs lead to no
//      requested value are skipped.
// Values are released after their last forward or backward use; a value at its last use is handed
// to the layer reading it (which may then work in place, as in the executor).
// With `fusesBackward`, a [ZeroPadding2D ->] Conv2D / DepthwiseConv2D -> BatchNorm [-> ReLU / ReLU6]
// chain runs as one step at its last node (Graph/Fast/FusedBackwardChain.swift); its other nodes
// then get no gradient and are skipped. With `poolsGradients`, gradient arrays are reused between
// layers and runs (GradientPool.swift). Both off: every layer's own backward on fresh arrays, the
// reference path.

/// What one gradient run found.
public struct GraphGradientResult: Sendable {
    public let classIndex: Int
    /// The logits (the LogitSource's value), e.g. (classes).
    public let logits: NDArray
    public let logitSource: LogitSource
    /// The forward values and d logit[class] / d value of the requested names, keyed by the names given
    /// (the logit's own node, if requested, without its softmax).
    public let values: [String: NDArray]
    public let gradients: [String: NDArray]
    /// d logit[class] / d input for each model input (empty when not asked for).
    public let inputGradients: [NDArray]
}

/// Runs forward and backward passes of a graph, one run at a time (it holds a thread pool).
public final class GraphGradient {
    public let graph: Graph
    let context: ExecutionContext
    /// The forward pass on the engine's fused kernels (StandardFusions), asked for exactly the
    /// values the backward pass reads: Grad-CAM at a deep layer then runs MobileNetV2's fused
    /// blocks up to it (what a plain forward costs) instead of every layer on its own.
    private lazy var executor = GraphExecutor(graph: graph, threads: context.threads, fusions: StandardFusions.passes())

    /// Convolution chains whose backward runs fused (all found once; a run leaves out those
    /// crossing a requested value).
    private lazy var chains = fusesBackward ? FusedBackwardChain.find(graph) : [:]
    let fusesBackward: Bool

    public init(graph: Graph, threads: Int = 1, kernels: KernelChoice = .fast, poolsGradients: Bool = true, fusesBackward: Bool = true) {
        self.graph = graph
        self.fusesBackward = fusesBackward
        context = ExecutionContext(threads: threads, kernels: kernels)
        context.gradients.enabled = poolsGradients
    }

    /// How many convolution chains of the graph the backward pass fuses (0 without `fusesBackward`).
    public var fusedChainCount: Int { chains.count }

    /// Bytes of gradient arrays the pool holds between runs, and the most it held at once.
    public var pooledBytes: (now: Int, peak: Int) { (context.gradients.bytes, context.gradients.peakBytes) }

    /// d logit[class] / d value at the layers named in `names` (Graph.value(named:)) and, with
    /// `inputGradients`, at the model inputs; `output` picks the model output (default the first).
    /// `adjusting[name]`, when given, edits that layer's forward value right after it is computed
    /// (later layers and the backward pass then read the edited value: the Keras agreement tests put
    /// ReLU6 units within float noise of a kink on Keras's side with it).
    public func run(
        _ inputs: [NDArray], class choice: ClassChoice, output: String? = nil, at names: [String] = [], inputGradients: Bool = false,
        adjusting: [String: (inout NDArray) -> Void] = [:]
    ) throws -> GraphGradientResult {
        let source = try graph.logitSource(output: output)
        var classIndex = 0
        let r = try run(inputs, root: source, at: names, inputGradients: inputGradients, adjusting: adjusting) { logits in
            classIndex = try Self.classIndex(choice, logits.data)
            var seed = NDArray(shape: logits.shape)
            seed.data[classIndex] = 1
            return seed
        }
        return GraphGradientResult(
            classIndex: classIndex, logits: r.root, logitSource: source, values: r.values, gradients: r.gradients,
            inputGradients: r.inputGradients)
    }

    /// The gradients of any objective computed from layer `layer`'s value: `seed` turns that value
    /// into d objective / d value (same shape), e.g. 1 / (H * W) at channel c for the mean of
    /// channel c (feature visualization). Returns the layer's value, the values and gradients of
    /// `names`, and the gradients at the model inputs when asked.
    public func run(
        _ inputs: [NDArray], objectiveAt layer: String, at names: [String] = [], inputGradients: Bool = false,
        seed: (NDArray) throws -> NDArray
    ) throws -> (value: NDArray, values: [String: NDArray], gradients: [String: NDArray], inputGradients: [NDArray]) {
        let v = try graph.value(named: layer)
        let r = try run(
            inputs, root: LogitSource(value: v, replacement: nil, description: layer), at: names, inputGradients: inputGradients,
            adjusting: [:], seed: seed)
        return (r.root, r.values, r.gradients, r.inputGradients)
    }

    /// One forward pass to `root`'s value (and the requested ones), then one backward pass from
    /// `seed`(that value).
    private func run(
        _ inputs: [NDArray], root source: LogitSource, at names: [String], inputGradients: Bool,
        adjusting: [String: (inout NDArray) -> Void], seed: (NDArray) throws -> NDArray
    ) throws -> (root: NDArray, values: [String: NDArray], gradients: [String: NDArray], inputGradients: [NDArray]) {
        guard inputs.count == graph.inputs.count else { throw GraphError.modelInputCount(expected: graph.inputs.count, found: inputs.count) }
        for (k, v) in graph.inputs.enumerated() where inputs[k].shape != graph.shape(of: v) {
            let node = graph.nodes[graph.values[v.index].producer!]
            throw GraphError.inputShapeMismatch(input: node.qualifiedName, declared: graph.shape(of: v).description, given: inputs[k].shape)
        }
        let named = try names.map(graph.value(named:))
        let requested = Set(named + (inputGradients ? graph.inputs : []))
        let plan = try BackwardPlan(graph, logit: source, requested: requested)
        let edits = Dictionary(try adjusting.map { (try graph.value(named: $0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
        var slots = [NDArray?](repeating: nil, count: graph.values.count)
        if edits.isEmpty && context.kernels == .fast {
            try forwardFused(inputs, plan, root: source.value, named: named, into: &slots)
        } else {
            for (k, v) in graph.inputs.enumerated() { slots[v.index] = inputs[k] }
            for i in plan.forwardNodes {
                let node = graph.nodes[i]
                let args = node.inputs.map { graph.values[$0.index].constant ?? slots[$0.index]! }
                for u in Set(node.inputs) where plan.releasable(u, afterForward: i) { slots[u.index] = nil }  // handed over
                var out = plan.layer(i).forward(args, context)
                edits[node.output]?(&out)
                require(out.shape == graph.shape(of: node.output), "\(node.layer.kerasClassName) returned \(out.shape)")
                if !plan.releasable(node.output, afterForward: i) { slots[node.output.index] = out }
            }
        }
        let logits = slots[source.value.index]!
        var grads = [NDArray?](repeating: nil, count: graph.values.count)
        let first = try seed(logits)
        require(first.shape == logits.shape, "the objective's gradient has shape \(first.shape), its value \(logits.shape)")
        grads[source.value.index] = first
        let fused = Dictionary(
            uniqueKeysWithValues: chains.values.compactMap { c in
                c.restricted(graph, requested: requested, replaced: plan.replacement?.node).map { ($0.last, $0) }
            })
        func accumulate(_ u: ValueID, _ d: NDArray) {
            require(d.shape == graph.shape(of: u), "backward returned \(d.shape) for \(graph.shape(of: u))")
            if grads[u.index] == nil {
                grads[u.index] = d
            } else {
                grads[u.index]!.add(d)
                context.gradients.recycle(d)
            }
        }
        for i in plan.backwardNodes {
            let node = graph.nodes[i], layer = plan.layer(i) as! any DifferentiableLayer
            defer { for u in Set(node.inputs + [node.output]) where plan.releasable(u, afterBackward: i) { slots[u.index] = nil } }
            guard let g = grads[node.output.index] else { continue }  // nothing reached this node
            if !requested.contains(node.output) { grads[node.output.index] = nil }
            if let chain = fused[i] {
                accumulate(graph.nodes[chain.first].inputs[0], chain.backward(g, output: chain.top == nil ? nil : slots[node.output.index]!, context))
                continue
            }
            let needs = layer.backwardNeeds
            let wanted = node.inputs.map { plan.gradientNeeded[$0.index] && graph.values[$0.index].constant == nil }
            let arguments = BackwardArguments(
                inputShapes: node.inputs.map(graph.shape(of:)),
                inputs: needs.contains(.inputs) ? node.inputs.map { graph.values[$0.index].constant ?? slots[$0.index]! } : [],
                output: needs.contains(.output) ? slots[node.output.index]! : nil, outputGradient: g, wanted: wanted)
            let result = layer.backward(arguments, context)
            require(result.count == node.inputs.count, "\(layer.kerasClassName) backward returned \(result.count) gradients")
            for (k, u) in node.inputs.enumerated() where wanted[k] {
                if let d = result[k] { accumulate(u, d) }
            }
        }
        func gradient(_ v: ValueID) -> NDArray { grads[v.index] ?? NDArray(shape: graph.shape(of: v)) }
        return (
            logits, Dictionary(zip(names, named.map { slots[$0.index]! }), uniquingKeysWith: { a, _ in a }),
            Dictionary(zip(names, named.map(gradient)), uniquingKeysWith: { a, _ in a }), inputGradients ? graph.inputs.map(gradient) : []
        )
    }

    /// The values the backward pass reads, the requested ones and `root` from the fused executor;
    /// a logit whose softmax was dropped (plan.replacement) is its node's layer without the softmax
    /// applied to that node's inputs.
    private func forwardFused(
        _ inputs: [NDArray], _ plan: BackwardPlan, root: ValueID, named: [ValueID], into slots: inout [NDArray?]
    ) throws {
        var wanted = plan.backwardReads.union(named)
        let replaced = plan.replacement.map { graph.nodes[$0.node] }
        if let replaced {
            wanted.remove(root)
            wanted.formUnion(replaced.inputs.filter { graph.values[$0.index].constant == nil })
        } else {
            wanted.insert(root)
        }
        let run = try executor.run(inputs, values: Array(wanted).sorted { $0.index < $1.index })
        for (v, a) in run.values { slots[v.index] = a }
        if let replaced, let r = plan.replacement {
            slots[root.index] = r.layer.forward(replaced.inputs.map { graph.values[$0.index].constant ?? slots[$0.index]! }, context)
        }
    }

    /// The class: the largest logit (ties: the lower index), or the given index if it is one.
    static func classIndex(_ choice: ClassChoice, _ logits: [Float]) throws -> Int {
        switch choice {
        case .top1:
            return logits.indices.max { a, b in logits[a] != logits[b] ? logits[a] < logits[b] : a > b } ?? 0
        case .index(let i):
            guard i >= 0, i < logits.count else { throw GradientError.classOutOfRange(index: i, count: logits.count) }
            return i
        }
    }
}
