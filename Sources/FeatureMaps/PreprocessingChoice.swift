import FeatureMapsEngine
import FeatureMapsModels

/// Which Keras `preprocess_input` mode a model file wants, and why (said on stderr when it is a
/// guess). In order:
/// 1. The model preprocesses inside itself (a Rescaling, Normalization or keras.ops arithmetic
///    node before its first layer with weights, as MobileNetV3, EfficientNet and models that call
///    `preprocess_input` on their input): none, pixels 0..255 go in.
/// 2. The model, or a model nested in it, is named as Keras's applications name theirs
///    ("mobilenetv2_1.00_224", "resnet50", "vgg16", "densenet121", ...): that application's mode.
/// 3. Otherwise none, said on stderr with how to change it (--preprocess).
public struct PreprocessingChoice: Sendable, Equatable {
    public let mode: Preprocessing
    /// Why, in words: "the model rescales its input itself (layer 'rescaling')".
    public let reason: String
    /// False for rule 3: the caller should say which mode was taken.
    public let isKnown: Bool

    /// Keras application name prefixes (lower case) and their modes; the first match wins.
    static let applications: [(prefix: String, mode: Preprocessing, name: String)] = [
        ("mobilenetv3", .none, "MobileNetV3"), ("mobilenetv2", .tf, "MobileNetV2"), ("mobilenet", .tf, "MobileNet"),
        ("resnet50v2", .tf, "ResNet50V2"), ("resnet101v2", .tf, "ResNet101V2"), ("resnet152v2", .tf, "ResNet152V2"),
        ("resnet", .caffe, "ResNet"), ("vgg", .caffe, "VGG"), ("densenet", .torch, "DenseNet"),
        ("efficientnet", .none, "EfficientNet"), ("convnext", .none, "ConvNeXt"), ("xception", .tf, "Xception"),
        ("inception", .tf, "Inception"), ("nasnet", .tf, "NASNet"),
    ]

    static let preprocessingClasses: Set<String> = ["Rescaling", "Normalization"]

    static func infer(description d: KerasModelDescription, graph: Graph, channels: Int) -> PreprocessingChoice {
        if let node = firstPreprocessingNode(graph) {
            return PreprocessingChoice(
                mode: .none, reason: "the model preprocesses its input itself (layer '\(node)')", isKnown: true)
        }
        let names = [d.name] + d.layers.filter(\.isModel).map(\.name)
        for name in names {
            let lower = name.lowercased()
            if let app = applications.first(where: { lower.hasPrefix($0.prefix) }), !app.mode.needsRGB || channels == 3 {
                return PreprocessingChoice(
                    mode: app.mode, reason: "as Keras's \(app.name) preprocess_input (the model '\(name)')", isKnown: true)
            }
        }
        return PreprocessingChoice(
            mode: .none, reason: "the model neither preprocesses inside nor is named like a Keras application",
            isKnown: false)
    }

    /// The first node, walking from the input, that rescales or normalises values before any layer
    /// with weights (its qualified name), or nil.
    static func firstPreprocessingNode(_ graph: Graph) -> String? {
        var frontier = Set(graph.inputs)
        for node in graph.nodes where node.inputs.contains(where: frontier.contains) {
            let cls = node.layer.kerasClassName
            if preprocessingClasses.contains(cls) || node.layer is BinaryOperation { return node.qualifiedName }
            if node.layer.parameterCount > 0 { continue }
            frontier.insert(node.output)
        }
        return nil
    }
}
