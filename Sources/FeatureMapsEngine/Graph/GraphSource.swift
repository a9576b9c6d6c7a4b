// The description a Graph is built from, and the two checks that need only the description: every
// edge leads to a node, and the nodes can be ordered (no cycle). Model input shapes are settled here
// too: the declared ones (InputLayer's batch_shape without the batch) or the caller's.

public struct GraphSource: Sendable {
    public let nodes: [NodeDescription]
    /// Indexes of the InputLayer entries, in the model's input order.
    public let inputs: [Int]
    public let outputs: [Int]
    public let aliases: [String: Int]

    public init(nodes: [NodeDescription], inputs: [Int], outputs: [Int], aliases: [String: Int] = [:]) {
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.aliases = aliases
    }

    func name(_ i: Int) -> String { (nodes[i].path + [nodes[i].name]).joined(separator: "/") }

    /// The entries in a topological order: the description's own order wherever it is one (among
    /// the ready nodes, the lowest index goes first, as Kahn's algorithm with a priority queue).
    func topologicalOrder() throws -> [Int] {
        let n = nodes.count
        var consumers = [[Int]](repeating: [], count: n)
        var pending = [Int](repeating: 0, count: n)
        for (i, d) in nodes.enumerated() {
            for case .node(let p) in d.inputs {
                guard p >= 0, p < n else { throw GraphError.unknownInput(node: name(i), reference: "entry #\(p)") }
                consumers[p].append(i)
                pending[i] += 1
            }
        }
        for (what, list) in [("input", inputs), ("output", outputs)] + aliases.map({ ("alias '\($0.key)'", [$0.value]) }) {
            for i in list where i < 0 || i >= n {
                throw GraphError.badModelInputs("the model \(what) refers to entry #\(i), of \(n)")
            }
        }
        try checkInputEntries()
        var ready = MinHeap((0..<n).filter { pending[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(n)
        while let i = ready.pop() {
            order.append(i)
            for c in consumers[i] {
                pending[c] -= 1
                if pending[c] == 0 { ready.push(c) }
            }
        }
        guard order.count == n else {
            throw GraphError.cycle((0..<n).filter { pending[$0] > 0 }.map(name))
        }
        return order
    }

    /// Every InputLayer entry is a model input, and every model input is an InputLayer entry, once.
    private func checkInputEntries() throws {
        guard Set(inputs).count == inputs.count else { throw GraphError.badModelInputs("an input is listed twice") }
        for i in inputs where !(nodes[i].layer is InputLayer) {
            throw GraphError.badModelInputs("'\(name(i))' (\(nodes[i].layer.kerasClassName)) is listed as an input")
        }
        for i in inputs where !nodes[i].inputs.isEmpty {
            throw GraphError.badModelInputs("input layer '\(name(i))' is called on \(nodes[i].inputs.count) inputs")
        }
        for (i, d) in nodes.enumerated() where d.layer is InputLayer && !inputs.contains(i) {
            throw GraphError.badModelInputs("input layer '\(name(i))' is not among the model's inputs")
        }
    }

    /// Each model input's shape: `given` (checked against what the InputLayer declares) or, without
    /// `given`, the declared shape, which must then be complete.
    func inputShapes(_ given: [Shape]?) throws -> [Shape] {
        if let given, given.count != inputs.count {
            throw GraphError.modelInputCount(expected: inputs.count, found: given.count)
        }
        return try inputs.enumerated().map { k, i in
            let layer = nodes[i].layer as! InputLayer
            if let g = given?[k] {
                guard layer.accepts(g) else {
                    throw GraphError.inputShapeMismatch(input: name(i), declared: layer.declaredDescription, given: g)
                }
                return g
            }
            guard let s = layer.completeShape else {
                throw GraphError.inputShapeUnknown(input: name(i), declared: layer.declaredDescription)
            }
            return s
        }
    }
}

/// A binary min-heap of Ints (the ready nodes of the topological sort).
struct MinHeap {
    private var items: [Int] = []
    init(_ initial: [Int]) { initial.forEach { push($0) } }

    mutating func push(_ x: Int) {
        items.append(x)
        var i = items.count - 1
        while i > 0, items[(i - 1) / 2] > items[i] {
            items.swapAt(i, (i - 1) / 2)
            i = (i - 1) / 2
        }
    }

    mutating func pop() -> Int? {
        guard let top = items.first else { return nil }
        items[0] = items[items.count - 1]
        items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, items[l] < items[m] { m = l }
            if r < items.count, items[r] < items[m] { m = r }
            if m == i { return top }
            items.swapAt(i, m)
            i = m
        }
    }
}
