// From a KerasModelSpec to a Graph: every class is looked up first, so an unsupported layer is
// refused by name before any layer is built; then each call's layer is built from its config and
// weights (every check of KerasConfig), and the graph is assembled (edges, order, shapes).

public enum KerasGraphBuilder {
    /// The graph of `model`; `inputShapes` for models that leave input sizes open.
    public static func build(_ model: KerasModelSpec, inputShapes: [Shape]? = nil) throws -> Graph {
        let refused = unsupportedLayers(in: model)
        guard refused.isEmpty else { throw GraphError.unsupportedLayers(refused) }
        let nodes = try model.layers.map { spec in
            NodeDescription(name: spec.name, path: spec.path, layer: try layer(spec), inputs: try inputs(spec))
        }
        return try Graph(nodes: nodes, inputs: model.inputs, outputs: model.outputs, aliases: model.aliases, inputShapes: inputShapes)
    }

    /// Every call whose class (or operation) featuremaps does not implement, in model order, each
    /// layer once.
    public static func unsupportedLayers(in model: KerasModelSpec) -> [UnsupportedLayer] {
        var seen = Set<String>(), out: [UnsupportedLayer] = []
        for spec in model.layers where KerasLayerRegistry.builder(for: spec) == nil && seen.insert(spec.qualifiedName).inserted {
            let cls = spec.isOperation ? "\(spec.module!).\(spec.className)" : spec.registeredName ?? spec.className
            out.append(UnsupportedLayer(name: spec.qualifiedName, className: cls))
        }
        return out
    }

    /// The layer of one call, from its config and weights.
    public static func layer(_ spec: KerasLayerSpec) throws -> any GraphLayer {
        guard let build = KerasLayerRegistry.builder(for: spec) else {
            throw GraphError.unsupportedLayers([UnsupportedLayer(name: spec.qualifiedName, className: spec.className)])
        }
        if spec.isOperation, !spec.inputs.contains(where: { if case .output = $0 { true } else { false } }) {
            throw GraphError.invalidConfig(
                layer: spec.qualifiedName, className: spec.className, key: "args",
                reason: "has no tensor argument (only constants)")
        }
        return try build(KerasConfig(spec))
    }

    static func inputs(_ spec: KerasLayerSpec) throws -> [NodeInput] {
        try spec.inputs.enumerated().map { k, input in
            switch input {
            case .output(let i): return .node(i)
            case .constant(let w):
                if let bad = w.values.firstIndex(where: { !$0.isFinite }) {
                    throw GraphError.nonFiniteWeight(layer: spec.qualifiedName, weight: "argument #\(k)", index: bad)
                }
                return .constant(NDArray(shape: Shape(w.shape), data: w.values))
            }
        }
    }
}
