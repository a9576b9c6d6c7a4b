import FeatureMapsWeights

// Which stored arrays are which layer's weights.
//   .keras (saving_lib._save_state / _save_container_state): a model's layers are stored at
//     <model>/layers/<key>/vars, <key> = snake_case(class) + "_1", "_2", ... counting per class over
//     `model.layers` (op nodes are not layers; Sequential.layers skips its InputLayer); a nested
//     model recurses under its own key; a model's own variables are <model>/vars. Keras 2.13 wrote
//     `_layer_checkpoint_dependencies` for `layers`. Since Keras 3.6 a vars group's `name` attribute
//     is the layer's name: it must agree.
//   .h5 (legacy_h5_format.save_weights_to_hdf5_group): one group per top-level layer, named by the
//     layer, arrays in weight_names order. A nested model's group holds all its layers' weights
//     (trainable ones first, then the rest, keras#10777): an inner layer's are those whose stored
//     name's parent component is its name ("Conv1/kernel" or "Conv1/kernel:0"), in stored order.
// Every stored array must end up with exactly one layer ("weights present for no layer" otherwise).

struct WeightAssignment {
    let file: String
    let drafts: [LayerDraft]
    let names: [String]
    /// Each scope's model class (ModelFlattener.scopeClasses).
    let scopeClasses: [String]

    typealias Assigned = (layers: [[FeatureMapsWeights.KerasStoredFile.StoredArray]], model: [KerasStoredFile.StoredArray])

    /// `.keras`: by key path.
    func variables(_ stored: KerasStoredFile.StoredModel) throws -> Assigned {
        var groups: [String: KerasStoredFile.StoredGroup] = [:]
        for group in stored.groups { groups[group.path] = group }
        let legacyLayers =
            !groups.keys.contains { $0 == "layers" || $0.hasPrefix("layers/") }
            && groups.keys.contains { $0.hasPrefix("_layer_checkpoint_dependencies") }
        let layersKey = legacyLayers ? "_layer_checkpoint_dependencies" : "layers"
        var result = [[KerasStoredFile.StoredArray]](repeating: [], count: drafts.count)
        var claimed: Set<String> = []
        func claim(_ path: String, for index: Int?) throws -> [KerasStoredFile.StoredArray] {
            guard let group = groups[path] else { return [] }
            claimed.insert(path)
            if let index, let stored = group.layerName, stored != drafts[index].name {
                throw ModelError.unexpectedWeights(file: file, group: "\(path) (named '\(stored)', where the config has '\(names[index])')")
            }
            return group.arrays
        }
        // Scopes in order: each model's layers, keyed under its prefix.
        var prefixes: [Int: String] = [0: ""]
        let modelArrays = try claim("", for: nil)
        for scope in scopeClasses.indices {
            guard let prefix = prefixes[scope] else { continue }
            var counters: [String: Int] = [:]
            let members = drafts.indices.filter { drafts[$0].scope == scope }
            let isSequential = scopeClasses[scope] == "Sequential"
            for index in members where !drafts[index].isOperation && !(isSequential && drafts[index].className == "InputLayer") {
                let base = VariableNames.snakeCase(drafts[index].className)
                let count = counters[base, default: 0]
                counters[base] = count + 1
                let key = (prefix.isEmpty ? "" : prefix + "/") + layersKey + "/" + (count == 0 ? base : "\(base)_\(count)")
                result[index] = try claim(key, for: index)
                if let inner = drafts[index].nested { prefixes[inner.scope] = key }
            }
        }
        if let stray = stored.groups.first(where: { !claimed.contains($0.path) && !$0.arrays.isEmpty }) {
            throw ModelError.unexpectedWeights(file: file, group: stray.path)
        }
        return (result, modelArrays)
    }


    /// `.h5`: by layer name, nested models' layers by their weights' names.
    func legacy(_ stored: KerasStoredFile.StoredModel) throws -> Assigned {
        var groups: [String: KerasStoredFile.StoredGroup] = [:]
        for group in stored.groups where groups[group.path] == nil { groups[group.path] = group }
        var result = [[KerasStoredFile.StoredArray]](repeating: [], count: drafts.count)
        var claimed: Set<String> = ["top_level_model_weights"]
        for index in drafts.indices where drafts[index].scope == 0 {
            guard let group = groups[drafts[index].name] else { continue }
            claimed.insert(group.path)
            guard let inner = drafts[index].nested else {
                result[index] = group.arrays
                continue
            }
            // The nested model's layers, at any depth, share this group: match by name.
            var scopes: Set<Int> = [inner.scope], owners: [Int: [Int]] = [:]
            for i in drafts.indices where scopes.contains(drafts[i].scope) {
                if let deeper = drafts[i].nested { scopes.insert(deeper.scope) }
                owners[i] = []
            }
            var taken = [Bool](repeating: false, count: group.arrays.count)
            for i in owners.keys.sorted() {
                for (position, array) in group.arrays.enumerated() {
                    let parts = array.name.split(separator: "/")
                    guard parts.count >= 2, parts[parts.count - 2] == drafts[i].name else { continue }
                    if taken[position] {
                        throw ModelError.unexpectedWeights(
                            file: file, group: "\(group.path)/\(array.name) (claimed by two layers named '\(drafts[i].name)')")
                    }
                    taken[position] = true
                    result[i].append(array)
                }
            }
            if let stray = taken.firstIndex(of: false) {
                throw ModelError.unexpectedWeights(file: file, group: "\(group.path)/\(group.arrays[stray].name)")
            }
        }
        if let stray = stored.groups.first(where: { !claimed.contains($0.path) && !$0.arrays.isEmpty }) {
            throw ModelError.unexpectedWeights(file: file, group: stray.path)
        }
        return (result, groups["top_level_model_weights"]?.arrays ?? [])
    }
}
