// Resolving the layer names a user types to graph values. A node of a nested model answers to its
// full path ("transfer_model/mobilenetv2_0.35_160/Conv1"), to any tail of it ("Conv1") when that is
// unique, and aliases (a nested model's own name) come first. A layer called several times is
// "name:0", "name:1", ... in graph order.

extension Graph {
    /// The value `name` refers to: its node's output (or an alias's value).
    public func value(named name: String) throws -> ValueID {
        if let v = aliases[name] { return v }
        if let calls = calls(matching: name) { return try pick(name, calls, call: nil) }
        if let colon = name.lastIndex(of: ":"), let k = Int(name[name.index(after: colon)...]),
            let calls = calls(matching: String(name[..<colon]))
        {
            return try pick(String(name[..<colon]), calls, call: k)
        }
        throw GraphError.unknownNode(name, suggestions: suggestions(for: name))
    }

    /// Nodes named `name` exactly (full path), else those whose path ends with it; grouped by
    /// layer (full path), in graph order; nil when none.
    private func calls(matching name: String) -> [String: [Int]]? {
        let exact = nodes.indices.filter { nodes[$0].qualifiedName == name }
        let found = !exact.isEmpty ? exact : nodes.indices.filter { nodes[$0].qualifiedName.hasSuffix("/" + name) }
        guard !found.isEmpty else { return nil }
        return Dictionary(grouping: found) { nodes[$0].qualifiedName }
    }

    private func pick(_ name: String, _ calls: [String: [Int]], call: Int?) throws -> ValueID {
        guard calls.count == 1, let (layer, indices) = calls.first else {
            throw GraphError.ambiguousNode(name, candidates: calls.keys.sorted())
        }
        if let call {
            guard call >= 0, call < indices.count else {
                throw GraphError.unknownNode("\(name):\(call)", suggestions: indices.indices.map { "\(layer):\($0)" })
            }
            return nodes[indices[call]].output
        }
        guard indices.count == 1 else { throw GraphError.ambiguousNode(name, candidates: indices.indices.map { "\(layer):\($0)" }) }
        return nodes[indices[0]].output
    }

    /// The three full names closest to `name` by edit distance.
    func suggestions(for name: String) -> [String] {
        let target = Array(name.lowercased().utf8)
        let names = Set(nodes.map(\.qualifiedName)).union(aliases.keys)
        return names.map { ($0, editDistance(target, Array($0.lowercased().utf8))) }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(3).map(\.0)
    }
}
