import Foundation

/// Everything the generic graph can refuse: building layers from a Keras description, assembling
/// the graph (edges, shapes) and running it. Each case carries the offending names and values; all
/// message text is in `errorDescription`. `layer` and `node` are Keras layer names, "outer/inner"
/// for a layer of a nested model.
public enum GraphError: Error, Equatable, Sendable {
    /// Layer classes (or keras.ops operations) featuremaps does not implement, in model order.
    case unsupportedLayers([UnsupportedLayer])
    /// A config value featuremaps does not implement (`data_format: channels_first`, ...).
    case unsupportedConfig(layer: String, className: String, key: String, value: String)
    /// A config value that is missing, of the wrong type or out of Keras's own range.
    case invalidConfig(layer: String, className: String, key: String, reason: String)
    /// A declared size above featuremaps's limit, refused before anything is allocated.
    case sizeLimit(layer: String, className: String, what: String, value: Int, limit: Int)
    case weightCount(layer: String, className: String, expected: [String], found: Int)
    case weightShape(layer: String, className: String, weight: String, expected: [Int?], found: [Int])
    case nonFiniteWeight(layer: String, weight: String, index: Int)
    /// An input reference to no node (an index outside the description, say).
    case unknownInput(node: String, reference: String)
    /// Nodes that depend on each other in a cycle (some of them).
    case cycle([String])
    case inputCount(node: String, className: String, expected: ClosedRange<Int>, found: Int)
    /// Input shapes a layer cannot take (or a weight that does not fit them), with the reason.
    case shapeMismatch(node: String, className: String, inputs: [Shape], reason: String)
    case valueTooLarge(node: String, shape: Shape, limit: Int)
    /// A model input whose size the file leaves open (None) and the caller did not give.
    case inputShapeUnknown(input: String, declared: String)
    case inputShapeMismatch(input: String, declared: String, given: Shape)
    /// A model input that is not an InputLayer node, or a declared model input list that is wrong.
    case badModelInputs(String)
    case unknownNode(String, suggestions: [String])
    case ambiguousNode(String, candidates: [String])
    case modelInputCount(expected: Int, found: Int)
}

/// One refused layer: its name and Keras class (with the module for an operation).
public struct UnsupportedLayer: Equatable, Sendable {
    public let name: String
    public let className: String
    public init(name: String, className: String) {
        self.name = name
        self.className = className
    }
}

extension GraphError: LocalizedError {
    public var errorDescription: String? {
        func dims(_ s: [Int?]) -> String { "(" + s.map { $0.map(String.init) ?? "any" }.joined(separator: ", ") + ")" }
        switch self {
        case .unsupportedLayers(let layers):
            let first = layers.first.map { "layer '\($0.name)' (\($0.className)) is not supported by featuremaps" } ?? "no layers"
            let others = layers.dropFirst().prefix(5).map { "'\($0.name)' (\($0.className))" }
            let more = layers.count > 6 ? ", and \(layers.count - 6) more" : ""
            return first + (others.isEmpty ? "" : "; nor are " + others.joined(separator: ", ") + more)
                + "; replace these layers with supported ones and re-save the model"
        case .unsupportedConfig(let layer, let cls, let key, let value):
            return "layer '\(layer)' (\(cls)) has \(key) \(value), which featuremaps does not implement; "
                + "re-save the model without it"
        case .invalidConfig(let layer, let cls, let key, let reason):
            return "layer '\(layer)' (\(cls)): config '\(key)' \(reason); the model description is damaged or not from Keras"
        case .sizeLimit(let layer, let cls, let what, let value, let limit):
            return "layer '\(layer)' (\(cls)) declares \(what) \(value), above featuremaps's limit of \(limit); "
                + "the model description is damaged or not meant for inference on one image"
        case .weightCount(let layer, let cls, let expected, let found):
            return "layer '\(layer)' (\(cls)) has \(found) weight arrays, its config needs \(expected.count) "
                + "(\(expected.joined(separator: ", "))); the weights do not belong to this model"
        case .weightShape(let layer, let cls, let weight, let expected, let found):
            return "layer '\(layer)' (\(cls)) weight '\(weight)' has shape \(dims(found)), its config needs "
                + "\(dims(expected)); the weights do not belong to this model"
        case .nonFiniteWeight(let layer, let weight, let index):
            return "layer '\(layer)' weight '\(weight)' holds NaN or infinity (value #\(index)); the file is damaged, get a fresh copy"
        case .unknownInput(let node, let reference):
            return "node '\(node)' takes its input from \(reference), which is not in the model; the model description is damaged"
        case .cycle(let nodes):
            return "the model's layers feed each other in a cycle (" + nodes.prefix(6).joined(separator: ", ")
                + "); the model description is damaged"
        case .inputCount(let node, let cls, let expected, let found):
            let want = expected.lowerBound == expected.upperBound ? "\(expected.lowerBound)" : "\(expected.lowerBound) or more"
            return "node '\(node)' (\(cls)) is called on \(found) inputs, it takes \(want); the model description is damaged"
        case .shapeMismatch(let node, let cls, let inputs, let reason):
            return "node '\(node)' (\(cls)) cannot take input shape " + inputs.map(\.description).joined(separator: " and ")
                + ": \(reason); check the input size the model expects"
        case .valueTooLarge(let node, let shape, let limit):
            return "node '\(node)' would output shape \(shape), more than featuremaps's limit of \(limit) values; use a smaller input"
        case .inputShapeUnknown(let input, let declared):
            return "model input '\(input)' has shape \(declared) with sizes left open; give the input size (e.g. --input-size)"
        case .inputShapeMismatch(let input, let declared, let given):
            return "model input '\(input)' takes shape \(declared), given \(given); give an input of that shape"
        case .badModelInputs(let what):
            return "the model's inputs are wrong: \(what); the model description is damaged"
        case .unknownNode(let name, let suggestions):
            let hint = suggestions.isEmpty ? "" : " Closest: " + suggestions.joined(separator: ", ") + "."
            return "no layer '\(name)' in this model.\(hint) 'featuremaps layers' lists them"
        case .ambiguousNode(let name, let candidates):
            return "'\(name)' names several layer calls: " + candidates.prefix(6).joined(separator: ", ")
                + "; give one of these names"
        case .modelInputCount(let expected, let found):
            return "the model takes \(expected) inputs, given \(found)"
        }
    }
}
