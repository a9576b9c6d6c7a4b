// References by name -> references by index, checked as functional_from_config would find them:
// the layer exists in the same model ("Unknown layer"), the call exists ("Layer node index out of
// bounds"), and every call can be made once its inputs exist (no cycle: Keras's "The graph of the
// Functional model either has loops or disconnected nodes"). Node indices are made call indices:
// a nested Functional's built-in node (counted in output_layers and in Keras 2 configs) is removed.

struct GraphResolver {
    let file: String
    let drafts: [LayerDraft]
    let scopes: [[String: Int]]
    let kerasMajor: Int

    /// How many calls of the layer exist in its model: its inbound nodes, or 1 for an InputLayer.
    func callCount(_ index: Int) -> Int {
        drafts[index].calls.isEmpty && drafts[index].className == "InputLayer" ? 1 : drafts[index].calls.count
    }

    /// True for the classes whose deserialized instance starts with a node of its own (Keras's
    /// `isinstance(layer, Functional)`; tf.keras's Sequential is a Functional, Keras 3's is not).
    func hasBuiltInNode(_ index: Int) -> Bool {
        let name = drafts[index].className
        return name == "Functional" || name == "Model" || (kerasMajor == 2 && name == "Sequential")
    }

    func reference(_ raw: RawReference, scope: Int, from layer: Int?, qualifiedNames: [String]) throws -> KerasTensorReference {
        let who =
            layer.map { ModelError.Layer(qualifiedNames[$0], drafts[$0].className) }
            ?? ModelError.Layer("(model inputs and outputs)", "Model")
        guard let target = scopes[scope][raw.layer] else {
            throw ModelError.unknownInbound(file: file, layer: who, missing: raw.layer)
        }
        let call = raw.node - (raw.countsBuiltInNode && hasBuiltInNode(target) ? 1 : 0)
        guard call >= 0, call < callCount(target) else {
            throw ModelError.nodeOutOfRange(file: file, layer: who, inbound: raw.layer, call: raw.node, calls: callCount(target))
        }
        guard (0..<(1 << 16)).contains(raw.tensor) else {
            throw ModelError.nodeOutOfRange(file: file, layer: who, inbound: raw.layer, call: raw.node, calls: callCount(target))
        }
        return KerasTensorReference(layer: qualifiedNames[target], layerIndex: target, call: call, tensor: raw.tensor)
    }

    func argument(_ raw: RawArgument, scope: Int, from layer: Int, names: [String]) throws -> KerasArgument {
        switch raw {
        case .tensor(let r): return .tensor(try reference(r, scope: scope, from: layer, qualifiedNames: names))
        case .list(let items): return .list(try items.map { try argument($0, scope: scope, from: layer, names: names) })
        case .dict(let items): return .dict(try items.mapValues { try argument($0, scope: scope, from: layer, names: names) })
        case .value(let v): return .value(v)
        }
    }

    /// Every layer's calls resolved, then the cycle check over (layer, call) nodes.
    func resolve() throws -> (calls: [[KerasCall]], nested: [KerasLayerDescription.NestedModel?], qualifiedNames: [String]) {
        let names = drafts.map { ($0.path.dropFirst() + [$0.name]).joined(separator: "/") }
        var calls: [[KerasCall]] = []
        var nested: [KerasLayerDescription.NestedModel?] = []
        for (index, draft) in drafts.enumerated() {
            calls.append(
                try draft.calls.map { call in
                    KerasCall(
                        args: try call.args.map { try argument($0, scope: draft.scope, from: index, names: names) },
                        kwargs: try call.kwargs.mapValues { try argument($0, scope: draft.scope, from: index, names: names) })
                })
            nested.append(
                try draft.nested.map { inner in
                    KerasLayerDescription.NestedModel(
                        inputs: try inner.inputs.map { try reference($0, scope: inner.scope, from: index, qualifiedNames: names) },
                        outputs: try inner.outputs.map { try reference($0, scope: inner.scope, from: index, qualifiedNames: names) })
                })
        }
        try checkAcyclic(calls)
        return (calls, nested, names)
    }

    /// Kahn's algorithm over the calls (iterative: a 100,000-layer chain needs no deep stack). A call
    /// that is never ready lies on a cycle or depends on one.
    func checkAcyclic(_ calls: [[KerasCall]]) throws {
        var first: [Int] = [], total = 0  // node id of (layer, call) = first[layer] + call
        for index in drafts.indices {
            first.append(total)
            total += max(calls[index].count, callCount(index))
        }
        var waiting = [Int](repeating: 0, count: total)
        var dependents = [[Int]](repeating: [], count: total)
        for (index, layerCalls) in calls.enumerated() {
            for (call, made) in layerCalls.enumerated() {
                for input in made.tensors {
                    dependents[first[input.layerIndex] + input.call].append(first[index] + call)
                    waiting[first[index] + call] += 1
                }
            }
        }
        var ready = (0..<total).filter { waiting[$0] == 0 }, done = 0
        while let node = ready.popLast() {
            done += 1
            for next in dependents[node] {
                waiting[next] -= 1
                if waiting[next] == 0 { ready.append(next) }
            }
        }
        guard done < total else { return }
        let stuck = waiting.firstIndex { $0 > 0 }!
        let layer = first.lastIndex { $0 <= stuck }!
        throw ModelError.cycle(
            file: file,
            layer: ModelError.Layer(
                (drafts[layer].path.dropFirst() + [drafts[layer].name]).joined(separator: "/"), drafts[layer].className))
    }
}
