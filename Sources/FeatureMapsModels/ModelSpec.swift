import FeatureMapsEngine

// KerasModelDescription (the file as Keras wrote it: layers, each with its calls) ->
// KerasModelSpec (what the engine's graph builder takes: one entry per layer CALL). Keras's own
// rebuild is the model: a nested model's call runs its layers on the call's tensors, so each call
// of a nested model instantiates its inner layers once more, with the same weights; an inner
// InputLayer is no node, its value is the tensor the outer call passed. A nested model's name is
// an alias of its output, its InputLayer's name an alias of that input (of its first call).
//
// Iterative over layers and calls; recursion only follows nesting (at most
// ModelFlattener.maxDepth levels), so a hostile 100,000-layer chain needs no deep stack.

extension KerasModelDescription {
    /// The engine's view of this model. Throws ModelError naming `file` when a tensor argument is
    /// something the engine cannot take (a second output of a single-output layer, an operation's
    /// non-numeric argument).
    public func modelSpec(file: String) throws -> KerasModelSpec {
        var bridge = SpecBridge(description: self, file: file)
        let top = try bridge.instantiate(modelPath: [name], bindings: nil)
        let inputs = try inputs.map { try bridge.resolve($0, in: top) }
        let outputs = try outputs.map { try bridge.resolve($0, in: top) }
        return KerasModelSpec(layers: bridge.specs, inputs: inputs, outputs: outputs, aliases: bridge.aliases)
    }
}

private struct SpecBridge {
    let description: KerasModelDescription
    let file: String
    /// Layer indexes per model path ("top/nested" -> its layers, in Keras's order).
    let members: [[String]: [Int]]
    var specs: [KerasLayerSpec] = []
    var aliases: [String: Int] = [:]
    var instances: [Instance] = []

    /// One instantiation of a model's layers: the top model once, a nested model once per call.
    struct Instance {
        /// The tensors its InputLayers stand for (nil at the top: its InputLayers are nodes),
        /// resolved in the parent instance, in the nested model's input order.
        var bindings: [Int]?
        /// (layer index, call) -> spec index, for the layers made here.
        var made: [CallKey: Int] = [:]
        /// (nested model's layer index, call) -> its instance.
        var children: [CallKey: Int] = [:]
    }

    struct CallKey: Hashable {
        let layer: Int, call: Int
    }

    init(description: KerasModelDescription, file: String) {
        self.description = description
        self.file = file
        members = Dictionary(grouping: description.layers.indices) { description.layers[$0].path }
    }

    /// Makes every call of the layers of the model at `modelPath`; returns the instance.
    mutating func instantiate(modelPath: [String], bindings: [Int]?) throws -> Int {
        let id = instances.count
        instances.append(Instance(bindings: bindings))
        let layers = members[modelPath] ?? []
        // Pass 1: a spec slot for every call (so inputs may refer forward); nested models get
        // their instances after, in pass 2, since their bindings need resolved tensors.
        for index in layers {
            let layer = description.layers[index]
            if layer.isModel { continue }
            if layer.className == "InputLayer" {
                if let bindings {  // a nested model's input: the tensor its (first) call passed
                    if aliases[layer.qualifiedName] == nil, let k = nestedInputs(of: layer).firstIndex(where: { $0.layerIndex == index }),
                        k < bindings.count
                    {
                        aliases[layer.qualifiedName] = bindings[k]
                    }
                    continue
                }
                instances[id].made[CallKey(layer: index, call: 0)] = append(layer, inputs: [])
                continue
            }
            for call in layer.calls.indices {
                instances[id].made[CallKey(layer: index, call: call)] = append(layer, inputs: [])
            }
        }
        for index in layers where description.layers[index].isModel {
            let layer = description.layers[index]
            for (k, call) in layer.calls.enumerated() {
                let bound = try call.tensors.map { try resolve($0, in: id) }
                let child = try instantiate(modelPath: layer.path + [layer.name], bindings: bound)
                instances[id].children[CallKey(layer: index, call: k)] = child
                if k == 0, let output = layer.model?.outputs.first {
                    aliases[layer.qualifiedName] = try resolve(output, in: child)
                }
            }
        }
        // Pass 2: every call's inputs.
        for index in layers {
            let layer = description.layers[index]
            guard !layer.isModel, layer.className != "InputLayer" else { continue }
            for (k, call) in layer.calls.enumerated() {
                let spec = instances[id].made[CallKey(layer: index, call: k)]!
                specs[spec].inputs = try inputs(of: call, layer: layer, in: id)
            }
        }
        return id
    }

    private mutating func append(_ layer: KerasLayerDescription, inputs: [KerasLayerInput]) -> Int {
        specs.append(
            KerasLayerSpec(
                name: layer.name, path: Array(layer.path.dropFirst()), className: layer.className,
                module: layer.isOperation ? (layer.module ?? "keras.src.ops") : layer.module,
                config: layer.config.configObject, weights: layer.weights.map(\.array), inputs: inputs,
                kerasMajorVersion: description.kerasVersion.major, registeredName: layer.registeredName))
        return specs.count - 1
    }

    /// The spec index whose output `reference` names, seen from instance `id`.
    func resolve(_ reference: KerasTensorReference, in id: Int) throws -> Int {
        let layer = description.layers[reference.layerIndex]
        let key = CallKey(layer: reference.layerIndex, call: reference.call)
        if layer.isModel {
            guard let child = instances[id].children[key] else {
                throw ModelError.notKerasConfig(
                    file: file, entry: "config",
                    reason: "nested model '\(layer.qualifiedName)' is used before the layers it is called on")
            }
            guard let outputs = layer.model?.outputs, reference.tensor < outputs.count else { throw secondOutput(reference) }
            return try resolve(outputs[reference.tensor], in: child)
        }
        guard reference.tensor == 0 else { throw secondOutput(reference) }
        if layer.className == "InputLayer", let bindings = instances[id].bindings {
            let inputs = nestedInputs(of: layer)
            guard let k = inputs.firstIndex(where: { $0.layerIndex == reference.layerIndex }), k < bindings.count else {
                throw ModelError.notKerasConfig(
                    file: file, entry: "config",
                    reason: "input '\(layer.qualifiedName)' of a nested model is not given by the model's call")
            }
            return bindings[k]
        }
        return instances[id].made[key]!
    }

    /// The inputs of the nested model whose InputLayer `layer` is.
    private func nestedInputs(of layer: KerasLayerDescription) -> [KerasTensorReference] {
        let owner = description.layers.first { $0.isModel && $0.path + [$0.name] == layer.path }
        return owner?.model?.inputs ?? []
    }

    /// A call's positional inputs: its tensors; for an operation also its numeric constants, in
    /// argument order (`TrueDivide(x, 127.5)` -> [x, 127.5]).
    private func inputs(of call: KerasCall, layer: KerasLayerDescription, in id: Int) throws -> [KerasLayerInput] {
        guard layer.isOperation else { return try call.tensors.map { .output(of: try resolve($0, in: id)) } }
        var out: [KerasLayerInput] = []
        func add(_ argument: KerasArgument) throws {
            switch argument {
            case .tensor(let t): out.append(.output(of: try resolve(t, in: id)))
            case .list(let items): for item in items { try add(item) }
            case .dict: throw badArgument(layer, "a dictionary argument")
            case .value(let v):
                guard let array = v.configValue.numericArray else { throw badArgument(layer, "the argument \(v.configValue)") }
                out.append(.constant(WeightArray(shape: array.shape, values: array.values.map { Float($0) })))
            }
        }
        for argument in call.args { try add(argument) }
        for key in call.kwargs.keys.sorted() where !call.kwargs[key]!.tensors.isEmpty { try add(call.kwargs[key]!) }
        return out
    }

    private func secondOutput(_ reference: KerasTensorReference) -> ModelError {
        .unsupportedLayer(
            file: file, layer: ModelError.Layer(reference.layer, description.layers[reference.layerIndex].className),
            reason: "its output #\(reference.tensor) is used, and featuremaps runs single-output layers only")
    }

    private func badArgument(_ layer: KerasLayerDescription, _ what: String) -> ModelError {
        .unsupportedLayer(
            file: file, layer: ModelError.Layer(layer.qualifiedName, layer.className),
            reason: "the operation is called with \(what), which featuremaps does not take")
    }
}

extension KerasJSON {
    /// The same value as the engine's config type (integers and doubles both become numbers).
    var configValue: KerasConfigValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(Double(i))
        case .double(let d): return .number(d)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(\.configValue))
        case .object(let o): return .object(o.mapValues(\.configValue))
        }
    }

    /// A layer config object as the engine's [key: value]; empty when not an object.
    var configObject: [String: KerasConfigValue] {
        guard case .object(let o) = self else { return [:] }
        return o.mapValues(\.configValue)
    }
}
