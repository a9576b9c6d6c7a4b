import FeatureMapsEngine
import FeatureMapsModels

/// One row of a model's layer list (`featuremaps layers`, like Keras's model.summary()).
public struct ModelLayer: Sendable, Equatable {
    /// The name a user types and files are named by: Keras's name, with the nested models'
    /// names in front where the layer lies in one ("mobilenetv2_0.35_160/Conv1").
    public let name: String
    /// Keras's class ("Conv2D", "TrueDivide" for an operation, "Functional" for a nested model).
    public let className: String
    /// Keras's output shape without the batch axis: (H, W, C) for maps, (C,) for vectors.
    public let shape: [Int]
    /// Keras's count_params() of the layer (a nested model: of all its layers).
    public let parameters: Int
    /// The classroom alias (block_N_conv1, MobileNetV2 only).
    public let alias: String?
    /// The layers its first call reads (Keras's "Connected to").
    public let inbound: [String]
    /// How many models it is nested in below the top model (0 at the top).
    public let depth: Int

    public var shapeDescription: String { Self.describe(shape) }

    /// "(112, 112, 96)", "(1280,)".
    public static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// A spatial map: rank 3, more than one pixel.
    public var isSpatial: Bool { shape.count == 3 && shape[0] * shape[1] > 1 }
}

/// A user-typed layer name resolved to a layer of the session's model.
public struct LayerChoice: Sendable, Equatable {
    /// What the user typed (names output files).
    public let requested: String
    public let layer: ModelLayer
    /// The name the network answers to (qualified; "name:1" for a shared layer's second call).
    public let key: String
    /// True when `requested` is a classroom alias (block_N_conv1) rather than a Keras name.
    public let isAlias: Bool
}

/// The names of a model's classes: the user's (--labels), ImageNet's for 1000 classes, else
/// "class 0", "class 1", ...
public struct ClassLabels: Sendable, Equatable {
    public let custom: [String]?
    public let count: Int

    public init(custom: [String]?, count: Int) {
        self.custom = custom
        self.count = count
    }

    public var isImageNet: Bool { custom == nil && count == ImageNet.classes.count }

    public func label(_ index: Int) -> String {
        if let custom { return custom[index] }
        return isImageNet ? ImageNet.classes[index].label : "class \(index)"
    }

    /// The ImageNet class, when these are ImageNet's.
    public func imageNetClass(_ index: Int) -> ImageNetClass? { isImageNet ? ImageNet.classes[index] : nil }
}

extension ModelFile {
    /// Every layer in Keras's order, nested models' layers after their model (depth + 1).
    public var layers: [ModelLayer] {
        description.layers.map { layer in
            let shape = (try? graph.value(named: layer.qualifiedName)) ?? (try? graph.value(named: layer.qualifiedName + ":0"))
            let prefix = layer.qualifiedName + "/"
            let parameters =
                layer.weights.reduce(0) { $0 + $1.array.values.count }
                + (layer.isModel
                    ? description.layers.filter { $0.qualifiedName.hasPrefix(prefix) }.reduce(0) {
                        $0 + $1.weights.reduce(0) { $0 + $1.array.values.count }
                    } : 0)
            return ModelLayer(
                name: layer.qualifiedName, className: layer.className, shape: shape.map { graph.shape(of: $0).dims } ?? [],
                parameters: parameters, alias: nil,
                inbound: layer.calls.first?.tensors.map { description.layers[$0.layerIndex].qualifiedName } ?? [],
                depth: layer.path.count - 1)
        }
    }
}
