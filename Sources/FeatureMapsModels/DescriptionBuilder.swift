import FeatureMapsWeights

/// The config's half of a description, made and checked before any weight is read (the top
/// model's class, every layer's policy, the graph), then `finish`ed with the stored weights.
struct DescriptionBuilder {
    let format: KerasModelDescription.Format
    let version: KerasVersion
    let backend: String?
    let file: String
    let name: String
    let className: String
    let flattener: ModelFlattener
    let resolved: (calls: [[KerasCall]], nested: [KerasLayerDescription.NestedModel?], qualifiedNames: [String])
    let inputs: [KerasTensorReference], outputs: [KerasTensorReference]

    init(
        top: KerasJSON, format: KerasModelDescription.Format, version: KerasVersion, backend: String?,
        file: String, entry: String, check: KerasModelFile.LayerCheck? = nil
    ) throws {
        self.format = format
        self.version = version
        self.backend = backend
        self.file = file
        guard let className = top["class_name"]?.string, top["config"]?.object != nil else {
            throw ModelError.notKerasConfig(file: file, entry: entry, reason: "not {\"class_name\", \"config\"}")
        }
        guard ["Functional", "Model", "Sequential"].contains(className), top["config"]?["layers"]?.array != nil else {
            if let what = LayerPolicy.code(in: top.removing("config")) {
                throw ModelError.runsCode(file: file, layer: ModelError.Layer(top["config"]?["name"]?.string ?? "model", className), what: what)
            }
            throw ModelError.notKerasConfig(
                file: file, entry: entry,
                reason: "a \(className), not a Functional or Sequential model with a layers list (a subclassed model?)")
        }
        self.className = className
        if let what = LayerPolicy.code(in: top.removing("config")) {
            throw ModelError.runsCode(file: file, layer: ModelError.Layer(top["config"]?["name"]?.string ?? "model", className), what: what)
        }
        var flattener = ModelFlattener(file: file, entry: entry, kerasMajor: version.major)
        let top = try flattener.flatten(top, path: [], depth: 0)
        name = top.name
        for draft in flattener.drafts { try LayerPolicy.check(draft, file: file) }
        let resolver = GraphResolver(file: file, drafts: flattener.drafts, scopes: flattener.scopes, kerasMajor: version.major)
        let resolved = try resolver.resolve()
        inputs = try top.inputs.map { try resolver.reference($0, scope: 0, from: nil, qualifiedNames: resolved.qualifiedNames) }
        outputs = try top.outputs.map { try resolver.reference($0, scope: 0, from: nil, qualifiedNames: resolved.qualifiedNames) }
        self.resolved = resolved
        self.flattener = flattener
        if let check {  // the engine's say, on the architecture alone: before any weight is read
            for layer in try finishing(with: nil).layers {
                if let reason = check(layer) {
                    throw ModelError.unsupportedLayer(file: file, layer: ModelError.Layer(layer.qualifiedName, layer.className), reason: reason)
                }
            }
        }
    }

    /// The description, with `stored`'s arrays assigned to layers and checked; without `stored`,
    /// the architecture alone (no weights, none checked).
    mutating func finish(with stored: KerasStoredFile.StoredModel?) throws -> KerasModelDescription {
        try finishing(with: stored)
    }

    private func finishing(with stored: KerasStoredFile.StoredModel?) throws -> KerasModelDescription {
        let drafts = flattener.drafts
        let assignment = WeightAssignment(file: file, drafts: drafts, names: resolved.qualifiedNames, scopeClasses: flattener.scopeClasses)
        let assigned: WeightAssignment.Assigned
        switch (stored, format) {
        case (nil, _): assigned = ([[KerasStoredFile.StoredArray]](repeating: [], count: drafts.count), [])
        case (let stored?, .keras): assigned = try assignment.variables(stored)
        case (let stored?, .h5): assigned = try assignment.legacy(stored)
        }
        var layers: [KerasLayerDescription] = []
        layers.reserveCapacity(drafts.count)
        for (index, draft) in drafts.enumerated() {
            let layer = ModelError.Layer(resolved.qualifiedNames[index], draft.className)
            let weights =
                stored == nil
                ? []
                : try WeightChecks.named(assigned.layers[index], draft: draft, layer: layer, format: format, file: file)
            layers.append(
                KerasLayerDescription(
                    name: draft.name, path: draft.path, className: draft.className, module: draft.module,
                    registeredName: draft.registeredName, config: draft.config, calls: resolved.calls[index],
                    weights: weights, index: index, model: resolved.nested[index], isOperation: draft.isOperation))
        }
        let modelWeights = assigned.model.enumerated().map { KerasWeight(name: String($0.offset), array: $0.element.array) }
        return KerasModelDescription(
            format: format, kerasVersion: version, backend: backend, name: name, className: className,
            layers: layers, inputs: inputs, outputs: outputs, modelWeights: modelWeights)
    }
}
