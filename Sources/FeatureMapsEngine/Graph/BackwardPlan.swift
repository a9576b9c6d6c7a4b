// Which nodes a gradient run (GraphGradient.swift) visits, and when each value may be freed.
// Node indexes are into Graph.nodes, which are in topological order.

struct BackwardPlan {
    let graph: Graph
    let replacement: (node: Int, layer: any GraphLayer)?
    /// Nodes to run forward, in order: the ancestors of the logit and of the requested values.
    let forwardNodes: [Int]
    /// Nodes to run backward, in reverse order: ancestors of the logit with an input whose gradient
    /// is needed.
    let backwardNodes: [Int]
    /// Per value: its gradient is requested, or flows to a requested value (it is computed from one).
    let gradientNeeded: [Bool]
    /// Per value: the last forward reader; the last backward reader (the smallest node index, since
    /// backward visits them in reverse).
    private let lastForwardUse: [Int?], lastBackwardUse: [Int?]
    /// The values some backward node reads (constants excluded).
    let backwardReads: Set<ValueID>
    /// Never freed: the requested values and the logits.
    private let pinned: Set<ValueID>

    init(_ graph: Graph, logit: LogitSource, requested: Set<ValueID>) throws {
        self.graph = graph
        replacement = logit.replacement
        let n = graph.nodes.count
        func ancestors(of roots: [ValueID]) -> [Bool] {
            var seen = [Bool](repeating: false, count: n)
            var stack = roots.compactMap { graph.values[$0.index].producer }
            while let p = stack.popLast() {
                guard !seen[p] else { continue }
                seen[p] = true
                stack += graph.nodes[p].inputs.compactMap { graph.values[$0.index].producer }
            }
            return seen
        }
        let feedsLogit = ancestors(of: [logit.value])
        let computed = ancestors(of: [logit.value] + requested)
        var needed = [Bool](repeating: false, count: graph.values.count)
        for v in requested { needed[v.index] = true }
        var backward: [Int] = []
        for (i, node) in graph.nodes.enumerated() where !(node.layer is InputLayer) && node.inputs.contains(where: { needed[$0.index] }) {
            needed[node.output.index] = true
            if feedsLogit[i] { backward.append(i) }
        }
        gradientNeeded = needed
        backwardNodes = backward.reversed()
        forwardNodes = (0..<n).filter { computed[$0] && !(graph.nodes[$0].layer is InputLayer) }
        pinned = requested.union([logit.value])

        var lastForward = [Int?](repeating: nil, count: graph.values.count)
        for i in forwardNodes { for u in graph.nodes[i].inputs { lastForward[u.index] = i } }
        var lastBackward = [Int?](repeating: nil, count: graph.values.count)
        var readsBackward = Set<ValueID>()
        for i in backwardNodes {
            let node = graph.nodes[i]
            let layer = i == replacement?.node ? replacement!.layer : node.layer
            guard let d = layer as? any DifferentiableLayer else {
                throw GradientError.notDifferentiable(node: node.qualifiedName, className: node.layer.kerasClassName)
            }
            let reads = (d.backwardNeeds.contains(.inputs) ? node.inputs : []) + (d.backwardNeeds.contains(.output) ? [node.output] : [])
            for u in reads { lastBackward[u.index] = i }  // visited high to low: the smallest index stays
            readsBackward.formUnion(reads.filter { graph.values[$0.index].constant == nil })
        }
        backwardReads = readsBackward
        lastForwardUse = lastForward
        lastBackwardUse = lastBackward
    }

    /// The layer node `i` runs: the logit's node without its softmax, the others as they are.
    func layer(_ i: Int) -> any GraphLayer { i == replacement?.node ? replacement!.layer : graph.nodes[i].layer }

    /// After forward node `i`: `v` has no later forward reader and no backward reader.
    func releasable(_ v: ValueID, afterForward i: Int) -> Bool {
        !pinned.contains(v) && lastBackwardUse[v.index] == nil && (lastForwardUse[v.index] ?? i) <= i
    }

    /// After backward node `i`: it was `v`'s last backward reader.
    func releasable(_ v: ValueID, afterBackward i: Int) -> Bool {
        !pinned.contains(v) && lastBackwardUse[v.index] == i
    }
}
