import FeatureMapsEngine

/// A Keras model as its file describes it, checked (KerasModelFile.read) but not interpreted:
/// no layer math, no shapes inferred. Everything the engine needs to build a graph: the layers in
/// Keras's order with their configs, each call's inputs, the model's inputs and outputs, and the
/// weights in Keras's variable order. Nested models are flattened: a nested model is one layer
/// (its class, its config without `layers`, its calls by the outer model) followed by its own
/// layers, whose `path` names it.
public struct KerasModelDescription: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable { case keras, h5 }

    public let format: Format
    /// Keras's version from metadata.json or the file's keras_version: major 2 or 3.
    public let kerasVersion: KerasVersion
    /// "tensorflow", "jax", ... when the file says (`.h5`).
    public let backend: String?
    /// The top model: its name, its class ("Functional" or "Sequential").
    public let name: String
    public let className: String
    public let layers: [KerasLayerDescription]
    /// The top model's input and output tensors, in Keras's order (`input_layers`, `output_layers`).
    public let inputs: [KerasTensorReference]
    public let outputs: [KerasTensorReference]
    /// The top model's own variables (rare; `vars` at the root, `top_level_model_weights`).
    public let modelWeights: [KerasWeight]

    /// The layer called `name`: a qualified name ("mobilenetv2_1.00_224/Conv1", the path below the
    /// top model), or a plain name when only one layer has it. nil otherwise.
    public func layer(named name: String) -> KerasLayerDescription? {
        if let exact = layers.first(where: { $0.qualifiedName == name }) { return exact }
        let plain = layers.filter { $0.name == name }
        return plain.count == 1 ? plain[0] : nil
    }

    /// Every weight value of every layer (Keras's `count_params()`).
    public var parameterCount: Int {
        layers.reduce(modelWeights.reduce(0) { $0 + $1.array.values.count }) { total, layer in
            total + layer.weights.reduce(0) { $0 + $1.array.values.count }
        }
    }
}

public struct KerasVersion: Sendable, Equatable {
    public let major: Int
    /// As written ("3.15.1", "2.15.0").
    public let text: String
}

/// One Keras layer or operation node.
public struct KerasLayerDescription: Sendable, Equatable {
    /// The layer's name (unique within its model, not across nested models).
    public let name: String
    /// The models it lies in, outermost first: ["transfer"] for a top-level layer,
    /// ["transfer", "mobilenetv2_0.35_160"] inside the nested model.
    public let path: [String]
    /// "Conv2D", "TrueDivide", "Functional", ...
    public let className: String
    /// "keras.layers", "keras.src.ops.numpy", ...; nil in a legacy `.h5` config (no `module` key).
    public let module: String?
    /// Keras's `registered_name` when present (null for Keras's own layers).
    public let registeredName: String?
    /// The layer's `config` (for a nested model without its `layers`, which follow as layers).
    public let config: KerasJSON
    /// One entry per call of the layer in its model (Keras's `inbound_nodes`); empty for an InputLayer.
    public let calls: [KerasCall]
    /// Keras's variable order: trainable then non-trainable, in creation order.
    public let weights: [KerasWeight]
    /// Index of the layer in `KerasModelDescription.layers`.
    public let index: Int
    /// For a nested model: its own inputs and outputs, as references to its layers.
    public let model: NestedModel?
    /// A Keras 3 operation node (ops.numpy.Add, TrueDivide, ops.nn.Gelu, ...), not a layer: told by
    /// `module` ("keras.src.ops.*") in a `.keras` config; a legacy `.h5` config has no module, and
    /// there an operation is a node whose config lacks the "trainable" and "dtype" of every Layer's
    /// (Operation.get_config).
    /// `keras.src.ops.numpy.Add` and `keras.layers.Add` share the class name "Add".
    public let isOperation: Bool

    public struct NestedModel: Sendable, Equatable {
        public let inputs: [KerasTensorReference]
        public let outputs: [KerasTensorReference]
    }

    /// The path below the top model and the name: "mobilenetv2_0.35_160/Conv1", or "dense".
    public var qualifiedName: String { (path.dropFirst() + [name]).joined(separator: "/") }
    public var isModel: Bool { model != nil }
}

/// One call of a layer: Keras's `{"args": [...], "kwargs": {...}}` (a Keras 2 node becomes one
/// tensor argument, or one list of tensors, plus its kwargs).
public struct KerasCall: Sendable, Equatable {
    public let args: [KerasArgument]
    public let kwargs: [String: KerasArgument]

    /// The tensors among the arguments, in order (args first, then kwargs by name).
    public var tensors: [KerasTensorReference] {
        args.flatMap(\.tensors) + kwargs.sorted { $0.key < $1.key }.flatMap { $0.value.tensors }
    }
}

public indirect enum KerasArgument: Sendable, Equatable {
    case tensor(KerasTensorReference)
    /// A list or tuple (Keras's multi-input layers take one list of tensors).
    case list([KerasArgument])
    case dict([String: KerasArgument])
    /// Anything else: a scalar (`127.5` of TrueDivide), null, a string, a serialized object.
    case value(KerasJSON)

    public var tensors: [KerasTensorReference] {
        switch self {
        case .tensor(let t): return [t]
        case .list(let items): return items.flatMap(\.tensors)
        case .dict(let items): return items.sorted { $0.key < $1.key }.flatMap { $0.value.tensors }
        case .value: return []
        }
    }
}

/// An output of a layer's call: Keras's `keras_history` [layer, node index, tensor index].
public struct KerasTensorReference: Sendable, Equatable, Hashable {
    /// The layer's qualified name (KerasLayerDescription.qualifiedName) and index in `layers`.
    public let layer: String
    public let layerIndex: Int
    /// Which call of that layer: 0 is its first call in its model (for an InputLayer, the input).
    /// Keras counts a nested Functional's built-in node in `output_layers` and in Keras 2 configs;
    /// here it is removed, so the same model gives the same numbers from every file.
    public let call: Int
    /// Which output of that call.
    public let tensor: Int
}

/// One variable: its name in Keras 3's terms ("kernel", "bias", "gamma", "moving_mean", ...) and
/// its values as float32.
public struct KerasWeight: Sendable, Equatable {
    public let name: String
    public let array: WeightArray
}
