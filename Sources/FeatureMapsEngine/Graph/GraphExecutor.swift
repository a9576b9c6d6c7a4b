// The one executor: runs a Graph's steps (one per node, or fused, see Fusion.swift) in topological
// order. Only the steps some requested value needs are run, so a pass stops after the last of them;
// each value is released right after its last use (peak memory ~ the values alive at once), and a
// value at its last use is handed to the consuming layer, which reuses its storage (elementwise
// layers then work in place). Results do not depend on the thread count (every kernel splits work
// by shape only).

/// What one run kept and how much memory it held.
public struct RunStatistics: Equatable, Sendable {
    /// Steps computed (InputLayer bindings excluded).
    public var stepsRun = 0
    /// Most values alive at once (model inputs and outputs included, constants not).
    public var peakLiveValues = 0
    /// Most float32 elements alive at once, in those values.
    public var peakLiveElements = 0
    /// Values still held when the run ended: the requested ones.
    public var liveValuesAtEnd = 0
}

/// Runs a graph, one run at a time (it holds a thread pool; not Sendable).
public final class GraphExecutor {
    public let graph: Graph
    public let fusions: [any FusionPass]
    let context: ExecutionContext
    /// One step per node, before fusion.
    let steps: [ExecutionStep]

    public init(graph: Graph, threads: Int = 1, kernels: KernelChoice = .fast, fusions: [any FusionPass] = []) {
        self.graph = graph
        self.fusions = fusions
        context = ExecutionContext(threads: threads, kernels: kernels)
        steps = graph.nodes.indices.compactMap { i in
            let n = graph.nodes[i]
            return n.layer is InputLayer ? nil : ExecutionStep(layer: n.layer, inputs: n.inputs, output: n.output, nodes: [i])
        }
    }

    /// The fused steps and last uses for each requested set, computed on its first run (a fusion
    /// pass depends only on the steps and the requested values). At most `planLimit` sets are kept.
    private var plans: [Set<ValueID>: ExecutionPlan] = [:]
    static let planLimit = 16

    func plan(keeping keep: Set<ValueID>) -> ExecutionPlan {
        if let p = plans[keep] { return p }
        if plans.count >= Self.planLimit { plans.removeAll() }
        let p = ExecutionPlan(steps: fusions.reduce(steps) { $1.rewrite($0, keeping: keep) }, wanted: keep, valueCount: graph.values.count)
        plans[keep] = p
        return p
    }

    /// Names already resolved (`Graph.value(named:)` walks the nodes: ~1 % of a MobileNetV2 run).
    private var resolved: [String: ValueID] = [:]

    func value(named name: String) throws -> ValueID {
        if let v = resolved[name] { return v }
        let v = try graph.value(named: name)
        resolved[name] = v
        return v
    }

    /// The values of the layers named in `outputs` (see `Graph.value(named:)`; default the model's
    /// outputs, named by their layers), keyed by the names given.
    public func run(_ inputs: [NDArray], outputs names: [String]? = nil) throws -> [String: NDArray] {
        let ids = try names.map { try $0.map(value(named:)) } ?? graph.outputs
        let run = try run(inputs, values: ids)
        let keys = names ?? graph.outputs.map { graph.nodes[graph.values[$0.index].producer!].qualifiedName }
        return Dictionary(zip(keys, ids.map { run.values[$0]! }), uniquingKeysWith: { a, _ in a })
    }

    /// The requested values and the run's memory statistics. `inputs` must have the shapes the
    /// graph was built for (see `Graph.withInputShapes`). `observer` is called after each step
    /// (benchmarks time the steps with it; a FusedSequenceLayer's parts are reported one by one).
    public func run(
        _ inputs: [NDArray], values wanted: [ValueID], observer: ((ExecutionStep) -> Void)? = nil
    ) throws -> (values: [ValueID: NDArray], statistics: RunStatistics) {
        guard inputs.count == graph.inputs.count else { throw GraphError.modelInputCount(expected: graph.inputs.count, found: inputs.count) }
        for (k, v) in graph.inputs.enumerated() where inputs[k].shape != graph.shape(of: v) {
            let node = graph.nodes[graph.values[v.index].producer!]
            throw GraphError.inputShapeMismatch(input: node.qualifiedName, declared: graph.shape(of: v).description, given: inputs[k].shape)
        }
        let keep = Set(wanted)
        let plan = plan(keeping: keep)
        context.parts.observe = observer
        defer { context.parts.observe = nil }
        var slots = [NDArray?](repeating: nil, count: graph.values.count)
        var results = [ValueID: NDArray]()
        var stats = RunStatistics()
        var live = (values: 0, elements: 0)
        func hold(_ v: ValueID, _ a: NDArray) {
            slots[v.index] = a
            live.values += 1
            live.elements += a.shape.count
        }
        func release(_ v: ValueID) {
            guard let a = slots[v.index] else { return }
            slots[v.index] = nil
            live.values -= 1
            live.elements -= a.shape.count
        }
        for (k, v) in graph.inputs.enumerated() where plan.lastUse[v.index] != nil || keep.contains(v) {
            hold(v, inputs[k])
            if keep.contains(v) { results[v] = inputs[k] }
        }
        for (i, step) in plan.steps.enumerated() {
            var args: [NDArray] = []
            var handedOver = (values: 0, elements: 0)
            for (j, u) in step.inputs.enumerated() {
                if let c = graph.values[u.index].constant { args.append(c); continue }
                let last = plan.lastUse[u.index] == i && !keep.contains(u) && !step.inputs[(j + 1)...].contains(u)
                args.append(slots[u.index]!)
                if last {  // handed over: only `args` holds it now
                    handedOver.values += 1
                    handedOver.elements += args[j].shape.count
                    release(u)
                }
            }
            let shape = graph.shape(of: step.output)
            stats.peakLiveValues = max(stats.peakLiveValues, live.values + handedOver.values + 1)
            stats.peakLiveElements = max(stats.peakLiveElements, live.elements + handedOver.elements + shape.count)
            let out = step.layer.forward(consume args, context)
            require(out.shape == shape, "\(step.layer.kerasClassName) returned \(out.shape), its shape rule says \(shape)")
            stats.stepsRun += 1
            if !(step.layer is any ReportsParts) { observer?(step) }
            if keep.contains(step.output) { results[step.output] = out }
            if plan.lastUse[step.output.index] != nil || keep.contains(step.output) { hold(step.output, out) }
            for u in plan.released[i] { release(u) }
        }
        stats.liveValuesAtEnd = live.values
        return (results, stats)
    }
}

/// The steps one run needs, and where each value is used last.
struct ExecutionPlan {
    let steps: [ExecutionStep]
    /// For each value, the index in `steps` of its last reader; nil when no needed step reads it.
    let lastUse: [Int?]
    /// For each step, the values it reads last that are not wanted (released after it), once each.
    let released: [[ValueID]]

    init(steps all: [ExecutionStep], wanted: Set<ValueID>, valueCount: Int) {
        let producer = Dictionary(uniqueKeysWithValues: all.indices.map { (all[$0].output, $0) })
        var needed = [Bool](repeating: false, count: all.count)
        var stack = wanted.compactMap { producer[$0] }
        while let s = stack.popLast() {
            guard !needed[s] else { continue }
            needed[s] = true
            stack += all[s].inputs.compactMap { producer[$0] }
        }
        steps = all.indices.filter { needed[$0] }.map { all[$0] }
        var last = [Int?](repeating: nil, count: valueCount)
        for (i, s) in steps.enumerated() { for u in s.inputs { last[u.index] = i } }
        lastUse = last
        let run = steps
        released = run.indices.map { i in
            var seen = Set<ValueID>()
            return run[i].inputs.filter { last[$0.index] == i && !wanted.contains($0) && seen.insert($0).inserted }
        }
    }
}
