// The neutral description of a Keras model the graph builder takes, whatever file it came from
// (.keras zip, legacy full-model .h5, a hand-written test). One KerasLayerSpec per layer CALL: a
// layer called twice (shared) appears twice, with the same name and weights; the layers of a
// nested model appear flattened, each with the path of the models around it.

/// One call of a Keras layer (or of a keras.ops operation recorded in a Functional model).
public struct KerasLayerSpec: Sendable {
    /// The layer's Keras name ("block_1_expand"); for an operation, its node's name ("true_divide").
    public var name: String
    /// Enclosing nested models, outermost first ([] at the top level).
    public var path: [String]
    /// Keras's `class_name` ("Conv2D", "TrueDivide", ...).
    public var className: String
    /// Keras's `module` ("keras.layers", "keras.src.ops.numpy", ...), nil when the file has none
    /// (Keras 2). An operation is recognised by a module containing ".ops" (keras.src.ops.numpy,
    /// keras.src.ops.nn), so `Add` of keras.src.ops.numpy is not the `Add` layer.
    public var module: String?
    /// The layer's "config" object as Keras wrote it.
    public var config: [String: KerasConfigValue]
    /// The layer's variables in Keras's order (trainable then non-trainable, in creation order):
    /// Conv2D kernel[, bias]; BatchNormalization [gamma][, beta], moving_mean, moving_variance;
    /// DepthwiseConv2D depthwise kernel[, bias]; SeparableConv2D depthwise, pointwise[, bias];
    /// Dense kernel[, bias]; Normalization mean, variance, count (when not in the config).
    public var weights: [WeightArray]
    /// The call's positional arguments, in order: tensors (by producer) and constants.
    public var inputs: [KerasLayerInput]
    /// Keras's `registered_name` when it differs from the class name (a custom class such as
    /// "zoo_custom>ScaleByTwo"); only used to name a refused class.
    public var registeredName: String?
    /// 2 or 3: Keras 2 and 3 differ in a few formulas (hard_sigmoid) and keys (LeakyReLU alpha).
    public var kerasMajorVersion: Int

    public init(
        name: String, path: [String] = [], className: String, module: String? = nil,
        config: [String: KerasConfigValue] = [:], weights: [WeightArray] = [], inputs: [KerasLayerInput] = [],
        kerasMajorVersion: Int = 3, registeredName: String? = nil
    ) {
        self.name = name
        self.path = path
        self.className = className
        self.module = module
        self.config = config
        self.weights = weights
        self.inputs = inputs
        self.kerasMajorVersion = kerasMajorVersion
        self.registeredName = registeredName
    }

    var qualifiedName: String { (path + [name]).joined(separator: "/") }
    /// True for keras.ops operations (module keras.src.ops.numpy, keras.src.ops.nn, ...).
    var isOperation: Bool { module.map { $0.contains(".ops") } ?? false }
}

/// A positional argument of a layer call.
public enum KerasLayerInput: Sendable, Equatable {
    /// The output of `layers[index]` of the same KerasModelSpec (any order; the builder sorts).
    case output(of: Int)
    /// A constant: a scalar (shape []) or an array in NumPy's shape, e.g. the 127.5 of
    /// `TrueDivide(x, 127.5)` or the 1.0 of `1 - x`.
    case constant(WeightArray)
}

/// A whole model: its layer calls (InputLayer specs included), which of them are the model's
/// inputs (in `input_layers` order) and outputs, and optional extra names (a nested model's name
/// for the value it outputs).
public struct KerasModelSpec: Sendable {
    public var layers: [KerasLayerSpec]
    public var inputs: [Int]
    public var outputs: [Int]
    public var aliases: [String: Int]

    public init(layers: [KerasLayerSpec], inputs: [Int], outputs: [Int], aliases: [String: Int] = [:]) {
        self.layers = layers
        self.inputs = inputs
        self.outputs = outputs
        self.aliases = aliases
    }
}
