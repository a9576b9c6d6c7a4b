// A model config (`config.json`'s object, or model_config) -> the flat layer list of
// KerasModelDescription, nested models recursively, as Keras rebuilds them:
//   Functional (keras/src/models/functional.py, functional_from_config): config.layers, each with
//     `name` and `inbound_nodes`; config.input_layers / output_layers.
//   Sequential (keras/src/models/sequential.py): config.layers is a chain; the first is usually an
//     InputLayer (`batch_shape`, Keras 2 `batch_input_shape`); without one, the first layer's
//     batch shape makes one, named "<first layer>_input"; Sequential skips nothing else.
//   A nested model is a layer whose config has `layers` (class Functional, Model or Sequential).
// Limits: 100 levels of nesting, 100,000 layers in all (a hostile config cannot exhaust the stack or
// the memory); both are checked as the config is walked.

struct LayerDraft {
    var name: String
    var path: [String]
    var className: String
    var module: String?
    var registeredName: String?
    var config: KerasJSON
    /// Index of its model in ModelFlattener.scopes.
    var scope: Int
    var calls: [RawCall]
    /// For a nested model: its own scope, inputs and outputs.
    var nested: (scope: Int, inputs: [RawReference], outputs: [RawReference])?
    /// The full object as stored (for the policy's scan of nested objects).
    var object: KerasJSON
    /// A Keras 3 operation node (KerasLayerDescription.isOperation).
    var isOperation: Bool
}

struct ModelFlattener {
    static let maxDepth = 100
    static let maxLayers = 100_000

    let file: String
    let entry: String
    let kerasMajor: Int
    var drafts: [LayerDraft] = []
    /// Per model: layer name -> index in `drafts`.
    var scopes: [[String: Int]] = []
    /// Per model: its class ("Functional", "Sequential", ...).
    var scopeClasses: [String] = []

    init(file: String, entry: String, kerasMajor: Int) {
        self.file = file
        self.entry = entry
        self.kerasMajor = kerasMajor
    }

    /// The model object `model` ({"class_name", "config", ...}) in scope `path` (its name is added).
    /// Returns its scope, inputs and outputs.
    mutating func flatten(_ model: KerasJSON, path: [String], depth: Int) throws
        -> (scope: Int, name: String, inputs: [RawReference], outputs: [RawReference])
    {
        guard depth <= Self.maxDepth else { throw ModelError.tooDeep(file: file, limit: Self.maxDepth) }
        guard let className = model["class_name"]?.string, let config = model["config"], config.object != nil else {
            throw notConfig("a model is not {\"class_name\", \"config\"}")
        }
        guard let layers = config["layers"]?.array else { throw notConfig("model class \(className) has no layers list") }
        let name = config["name"]?.string ?? (className == "Sequential" ? "sequential" : "model")
        let scope = scopes.count
        scopes.append([:])
        scopeClasses.append(className)
        let inner = path + [name]
        if className == "Sequential" {
            return try sequential(layers, name: name, path: inner, scope: scope, depth: depth)
        }
        let names = Set(layers.compactMap { $0["name"]?.string ?? $0["config"]?["name"]?.string })
        for layer in layers {
            let layerName = layer["name"]?.string ?? layer["config"]?["name"]?.string
            guard let layerName else { throw notConfig("a layer of model '\(name)' has no name") }
            do {
                let calls = try InboundNodes.calls(layer["inbound_nodes"], layerNames: names)
                try add(layer, name: layerName, path: inner, scope: scope, calls: calls, depth: depth)
            } catch let malformed as InboundNodes.Malformed {
                throw notConfig("layer '\(layerName)': \(malformed.reason)")
            }
        }
        do {
            return (scope, name, try InboundNodes.endpoints(config["input_layers"]), try InboundNodes.endpoints(config["output_layers"]))
        } catch let malformed as InboundNodes.Malformed {
            throw notConfig("model '\(name)': \(malformed.reason)")
        }
    }

    private mutating func sequential(_ layers: [KerasJSON], name: String, path: [String], scope: Int, depth: Int) throws
        -> (scope: Int, name: String, inputs: [RawReference], outputs: [RawReference])
    {
        guard let first = layers.first else { throw ModelError.noInputShape(file: file, model: name) }
        var previous: String
        if first["class_name"]?.string == "InputLayer" {
            previous = first["config"]?["name"]?.string ?? "input_layer"
            try add(first, name: previous, path: path, scope: scope, calls: [], depth: depth)
        } else {
            guard let shape = first["config"]?["batch_shape"] ?? first["config"]?["batch_input_shape"] else {
                throw ModelError.noInputShape(file: file, model: name)
            }
            previous = (first["config"]?["name"]?.string ?? "layer") + "_input"
            let input: KerasJSON = .object([
                "class_name": .string("InputLayer"), "module": .string("keras.layers"),
                "config": .object(["name": .string(previous), "batch_shape": shape]),
            ])
            try add(input, name: previous, path: path, scope: scope, calls: [], depth: depth)
        }
        let inputName = previous
        for layer in layers.dropFirst(first["class_name"]?.string == "InputLayer" ? 1 : 0) {
            guard let layerName = layer["config"]?["name"]?.string ?? layer["name"]?.string else {
                throw notConfig("a layer of Sequential '\(name)' has no name")
            }
            let input = RawReference(layer: previous, node: 0, tensor: 0, countsBuiltInNode: false)
            try add(layer, name: layerName, path: path, scope: scope, calls: [RawCall(args: [.tensor(input)], kwargs: [:])], depth: depth)
            previous = layerName
        }
        let input = RawReference(layer: inputName, node: 0, tensor: 0, countsBuiltInNode: false)
        return (scope, name, [input], [RawReference(layer: previous, node: 0, tensor: 0, countsBuiltInNode: false)])
    }

    /// Appends one layer (and, for a nested model, its own layers after it).
    private mutating func add(_ layer: KerasJSON, name: String, path: [String], scope: Int, calls: [RawCall], depth: Int) throws {
        guard drafts.count < Self.maxLayers else { throw ModelError.tooManyLayers(file: file, limit: Self.maxLayers) }
        guard let className = layer["class_name"]?.string, let config = layer["config"] else {
            throw notConfig("layer '\(name)' is not {\"class_name\", \"config\"}")
        }
        guard scopes[scope][name] == nil else {
            throw ModelError.duplicateLayerName(file: file, model: path.last ?? "", name: name)
        }
        let index = drafts.count
        scopes[scope][name] = index
        let isModel = config["layers"]?.array != nil, module = layer["module"]?.string
        // Keras 3 ops (keras.src.ops.numpy.Add, ...) are told by module; a legacy .h5 config has no
        // module, but an operation's config is Operation.get_config's (its name and arguments),
        // without the "trainable" and "dtype" every Layer's has.
        let isOperation =
            module.map { $0.hasPrefix("keras.src.ops") || $0.hasPrefix("keras.ops") }
            ?? (kerasMajor >= 3 && !isModel && config.object?["trainable"] == nil && config.object?["dtype"] == nil)
        drafts.append(
            LayerDraft(
                name: name, path: path, className: className, module: module,
                registeredName: layer["registered_name"]?.string,
                config: KerasJSON.withoutSharingIDs(isModel ? config.removing("layers") : config),
                scope: scope, calls: calls, nested: nil, object: isModel ? layer.removing("config") : layer, isOperation: isOperation))
        if isModel {
            try LayerPolicy.check(drafts[index], file: file)  // a custom model class is refused before its layers are read
            let inner = try flatten(layer, path: path, depth: depth + 1)
            drafts[index].nested = (inner.scope, inner.inputs, inner.outputs)
        }
    }

    private func notConfig(_ reason: String) -> ModelError {
        ModelError.notKerasConfig(file: file, entry: entry, reason: reason)
    }
}
