// A layer's `inbound_nodes`, one entry per call, in the two formats Keras writes
// (keras/src/models/functional.py, `serialize_node` / `deserialize_node`):
//
//   Keras 3: {"args": [...], "kwargs": {...}}, a tensor argument being
//     {"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history": [layer, node, tensor]}};
//     a multi-input layer takes one list argument ("args": [[kt1, kt2]]); tuples are
//     {"class_name": "__tuple__", "config": {"value": [...]}}; anything else is a value (127.5).
//     The node index counts the calls of that layer in this model (serialize_node drops the others).
//   Keras 2: a list of [layer, node, tensor, kwargs] entries; Keras calls the layer with one argument,
//     the tensor or the list of tensors (`unpack_singleton`), and the kwargs; an entry
//     ["_CONSTANT_VALUE", -1, value, kwargs] is a constant (TFOpLambda); a kwargs value
//     [layer, node, tensor] naming a layer of the model is a tensor. The node index counts a nested
//     Functional's built-in node (tf.keras get_network_config's node_conversion_map).

/// A reference before its layer is looked up (ModelFlattener resolves it in its model).
struct RawReference: Equatable {
    var layer: String
    var node: Int
    var tensor: Int
    /// Keras counted the referenced model's built-in node (output_layers, Keras 2 configs).
    var countsBuiltInNode: Bool
}

indirect enum RawArgument: Equatable {
    case tensor(RawReference)
    case list([RawArgument])
    case dict([String: RawArgument])
    case value(KerasJSON)
}

struct RawCall: Equatable {
    var args: [RawArgument]
    var kwargs: [String: RawArgument]
}

enum InboundNodes {
    /// Why a node is malformed, for ModelError.notKerasConfig.
    struct Malformed: Error { let reason: String }

    /// The calls of one layer. `layerNames` are the names of its model's layers (for Keras 2 kwargs).
    static func calls(_ nodes: KerasJSON?, layerNames: Set<String>) throws -> [RawCall] {
        guard let nodes else { return [] }
        guard let list = nodes.array else { throw Malformed(reason: "inbound_nodes is not a list") }
        return try list.map { node in
            if let object = node.object {
                let args = try (object["args"]?.array ?? []).map(keras3Argument)
                var kwargs: [String: RawArgument] = [:]
                for (key, value) in object["kwargs"]?.object ?? [:] { kwargs[key] = try keras3Argument(value) }
                return RawCall(args: args, kwargs: kwargs)
            }
            guard let entries = node.array else { throw Malformed(reason: "an inbound node is neither a list nor an object") }
            return try keras2Call(entries, layerNames: layerNames)
        }
    }

    /// A Keras 3 argument: a `__keras_tensor__`, a `__tuple__`, a list, a plain object, or a value.
    static func keras3Argument(_ value: KerasJSON) throws -> RawArgument {
        switch value {
        case .array(let items): return .list(try items.map(keras3Argument))
        case .object(let object):
            switch object["class_name"]?.string {
            case "__keras_tensor__":
                guard let history = value["config"]?["keras_history"], let reference = triple(history, builtIn: false) else {
                    throw Malformed(reason: "a __keras_tensor__ without a keras_history [layer, node, tensor]")
                }
                return .tensor(reference)
            case "__tuple__":
                return .list(try (value["config"]?["value"]?.array ?? []).map(keras3Argument))
            case nil:
                var dict: [String: RawArgument] = [:]
                for (key, item) in object { dict[key] = try keras3Argument(item) }
                return .dict(dict)
            default:
                return .value(value)
            }
        default: return .value(value)
        }
    }

    /// One Keras 2 node: its entries become one argument (a tensor, or a list of them), plus kwargs.
    static func keras2Call(_ entries: [KerasJSON], layerNames: Set<String>) throws -> RawCall {
        var inputs: [RawArgument] = [], kwargs: [String: RawArgument] = [:]
        for entry in entries {
            guard let parts = entry.array, (3...4).contains(parts.count), let name = parts[0].string else {
                throw Malformed(reason: "an inbound entry is not [layer, node, tensor, kwargs]")
            }
            if parts.count == 4, let object = parts[3].object {
                for (key, value) in object { kwargs[key] = keras2Value(value, layerNames: layerNames) }
            }
            if name == "_CONSTANT_VALUE" {
                inputs.append(.value(parts[2]))
                continue
            }
            guard let reference = triple(.array(Array(parts.prefix(3))), builtIn: true) else {
                throw Malformed(reason: "an inbound entry's node and tensor are not integers")
            }
            inputs.append(.tensor(reference))
        }
        let args: [RawArgument] = inputs.isEmpty ? [] : inputs.count == 1 ? [inputs[0]] : [.list(inputs)]
        return RawCall(args: args, kwargs: kwargs)
    }

    /// Keras 2 kwargs: [layer, node, tensor] naming a layer of the model is a tensor.
    static func keras2Value(_ value: KerasJSON, layerNames: Set<String>) -> RawArgument {
        if let reference = triple(value, builtIn: true), layerNames.contains(reference.layer) { return .tensor(reference) }
        if let items = value.array { return .list(items.map { keras2Value($0, layerNames: layerNames) }) }
        if let object = value.object, object["class_name"] == nil {
            return .dict(object.mapValues { keras2Value($0, layerNames: layerNames) })
        }
        return .value(value)
    }

    /// [name, node, tensor] (a 4th element, Keras 2's kwargs, is allowed and ignored).
    static func triple(_ value: KerasJSON, builtIn: Bool) -> RawReference? {
        guard let parts = value.array, (3...4).contains(parts.count), let name = parts[0].string,
            let node = parts[1].int, let tensor = parts[2].int
        else { return nil }
        return RawReference(layer: name, node: node, tensor: tensor, countsBuiltInNode: builtIn)
    }

    /// `input_layers` / `output_layers`: a bare triple (Keras 3, one tensor), or a list or dict of
    /// them, nested (Keras 2 always nests), flattened in order (a dict by its keys, sorted).
    static func endpoints(_ value: KerasJSON?) throws -> [RawReference] {
        guard let value else { throw Malformed(reason: "no input_layers or output_layers") }
        if var reference = triple(value, builtIn: true) {
            reference.countsBuiltInNode = true
            return [reference]
        }
        if let items = value.array { return try items.flatMap(endpoints) }
        if let object = value.object { return try object.sorted { $0.key < $1.key }.flatMap { try endpoints($0.value) } }
        throw Malformed(reason: "an input or output is not [layer, node, tensor]")
    }
}
