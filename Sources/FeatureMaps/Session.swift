import Foundation
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsWeights

/// An input ready for the network.
public struct PreparedImage: Sendable {
    public let path: String
    /// The file name without directory and extension, used to name outputs (a command may
    /// replace it with a numbered one, see OutputStems).
    public var stem: String
    public let originalWidth: Int
    public let originalHeight: Int
    /// What the network sees, as pixels (grey models: grey in all three channels; an .npy input:
    /// its values scaled to 0..255 for display).
    public let networkImage: RGBImage
    /// The model input, HxWxC: the image resized and preprocessed, or an .npy array as it is.
    public let tensor: Tensor
    /// True for an .npy input (fed as it is).
    public let isArray: Bool
}

/// The network and how it is fed: what every command works with. The network is Keras's
/// MobileNetV2 from a weights-only file (architecture built in: MobileNetV2Graph) or a user's
/// model file; either way it runs as one `Graph` on the one executor (NetworkPass).
public struct Session: Sendable {
    public enum Network: Sendable {
        case mobileNetV2(LoadedWeights, WeightsLocation)
        case model(ModelFile)
    }

    public let network: Network
    /// The network built for `inputShape`.
    public let graph: Graph
    /// The model input without the batch axis, (H, W, C): images are resized to H x W (no crop).
    public let inputShape: [Int]
    public let preprocessing: Preprocessing
    /// Every layer, in Keras's order.
    public let layers: [ModelLayer]
    /// The classes of the first output when it is a vector; nil when the model has no such top.
    public let labels: ClassLabels?
    /// True when the first output is a softmax (probabilities); false: raw scores.
    public let outputIsProbability: Bool
    private let byName: [String: ModelLayer]
    private let byAlias: [String: ModelLayer]

    /// Images with more pixels than this are refused before decoding allocates them (Pillow's limit).
    public static let maxImagePixels = ImageDecoder.defaultMaxPixels

    /// Finds (flag, environment, Keras cache) and loads MobileNetV2 weights; when none is found,
    /// downloads Keras's file for `variant` into the Keras cache first (unless `offline` or
    /// FEATUREMAPS_OFFLINE), reporting to `progress` (see `WeightsLocator.plan`, `WeightsDownloader`).
    public static func open(
        weightsFlag: String?, inputSize: Int = 224, variant: WeightsVariant = .standard,
        offline: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment,
        progress: DownloadProgressHandler? = nil
    ) throws -> Session {
        let plan = try WeightsLocator.plan(flag: weightsFlag, variant: variant, offline: offline, environment: environment)
        let (weights, location) = try plan.execute(variant, environment: environment, progress: progress)
        return try Session(weights: weights, location: location, inputSize: inputSize)
    }

    /// MobileNetV2 from a weights-only file, fed `inputSize` x `inputSize` RGB, preprocessing tf.
    /// Throws EngineError.inputTooSmall below Keras's 32 x 32.
    /// Each layer's `inbound` is read from the graph (the layers whose outputs its node reads).
    public init(weights: LoadedWeights, location: WeightsLocation, inputSize: Int, labels: [String]? = nil) throws {
        let table = weights.model.layers(height: inputSize, width: inputSize)
        let graph = try MobileNetV2Graph.graph(weights.stored, height: inputSize, width: inputSize)
        let inbound = Dictionary(
            graph.nodes.map { node in (node.name, node.inputs.compactMap { graph.values[$0.index].producer.map { graph.nodes[$0].name } }) },
            uniquingKeysWith: { a, _ in a })
        let layers = table.map { l in
            let vector = l.kind == .dense || l.kind == .globalAveragePooling
            return ModelLayer(
                name: l.name, className: l.kind.rawValue,
                shape: vector ? [l.shape.channels] : [l.shape.height, l.shape.width, l.shape.channels],
                parameters: l.parameters, alias: l.alias, inbound: inbound[l.name] ?? [], depth: 0)
        }
        self.init(
            network: .mobileNetV2(weights, location), graph: graph,
            inputShape: [inputSize, inputSize, 3], preprocessing: .tf, layers: layers,
            labels: weights.model.architecture.classes.map { ClassLabels(custom: labels, count: $0) }, outputIsProbability: true)
    }

    /// A user's model file (ModelFile.open), fed as `preprocessing` says.
    public init(model: ModelFile, preprocessing: Preprocessing? = nil, labels: [String]? = nil) throws {
        let mode = preprocessing ?? model.preprocessing.mode
        if mode.needsRGB && model.inputShape[2] != 3 {
            throw ModelFileError.preprocessingNeedsRGB(mode: mode.rawValue, channels: model.inputShape[2])
        }
        let output = model.graph.shape(of: model.graph.outputs[0])
        let classes = output.rank == 1 ? output[0] : nil
        self.init(
            network: .model(model), graph: model.graph, inputShape: model.inputShape, preprocessing: mode, layers: model.layers,
            labels: classes.map { ClassLabels(custom: labels, count: $0) }, outputIsProbability: model.outputIsProbability)
    }

    private init(
        network: Network, graph: Graph, inputShape: [Int], preprocessing: Preprocessing, layers: [ModelLayer], labels: ClassLabels?,
        outputIsProbability: Bool
    ) {
        self.network = network
        self.graph = graph
        self.inputShape = inputShape
        self.preprocessing = preprocessing
        self.layers = layers
        self.labels = labels
        self.outputIsProbability = outputIsProbability
        byName = Dictionary(layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        byAlias = Dictionary(layers.compactMap { l in l.alias.map { ($0, l) } }, uniquingKeysWith: { a, _ in a })
    }

    /// The MobileNetV2 of a weights-only session; nil for a model file.
    public var model: MobileNetV2? {
        if case .mobileNetV2(let weights, _) = network { return weights.model }
        return nil
    }

    /// The network for an input of `shape` (H, W, C): `graph`, or the same network rebuilt for an
    /// .npy input of another size (MobileNetV2 at any size from 32 x 32, a model file whose input
    /// size is open).
    public func graph(for shape: [Int]) throws -> Graph {
        guard shape != inputShape else { return graph }
        switch network {
        case .mobileNetV2(let weights, _): return try MobileNetV2Graph.graph(weights.stored, height: shape[0], width: shape[1])
        case .model(let file): return try file.graph(for: shape)
        }
    }

    /// The file the network came from.
    public var sourcePath: String {
        switch network {
        case .mobileNetV2(let weights, _): return weights.path
        case .model(let file): return file.path
        }
    }

    /// The layer of the first output, when it is a vector of classes (for the overview's top-3).
    public func outputLayer() throws -> LayerChoice? {
        guard labels != nil else { return nil }
        switch network {
        case .mobileNetV2: return try resolve("predictions")
        case .model(let file):
            let node = file.graph.nodes[file.graph.values[file.graph.outputs[0].index].producer!]
            let calls = file.graph.nodes.filter { $0.qualifiedName == node.qualifiedName }
            return try resolve(calls.count > 1 ? "\(node.qualifiedName):\(calls.firstIndex { $0.output == node.output }!)" : node.qualifiedName)
        }
    }

    /// "Weights" for a weights-only file, "Model" for a model file (PNG metadata keys).
    public var sourceKind: String { model == nil ? "Model" : "Weights" }

    /// "224x224" (or "28x28x1" for a grey model).
    public var inputSizeDescription: String {
        "\(inputShape[0])x\(inputShape[1])" + (inputShape[2] == 3 ? "" : "x\(inputShape[2])")
    }

    /// Resolves user-typed layer names (Keras names, a nested layer's unique last part, "name:1"
    /// for a shared layer's second call, block_N_conv1 for MobileNetV2), in the given order,
    /// without duplicates.
    public func resolve(layers names: [String]) throws -> [LayerChoice] {
        var seen = Set<String>()
        return try names.compactMap { name in
            let choice = try resolve(name)
            return seen.insert(choice.key).inserted ? choice : nil
        }
    }

    public func resolve(_ name: String) throws -> LayerChoice {
        switch network {
        case .mobileNetV2:
            if let l = byName[name] { return LayerChoice(requested: name, layer: l, key: l.name, isAlias: false) }
            if let l = byAlias[name] { return LayerChoice(requested: name, layer: l, key: l.name, isAlias: true) }
            throw LayerLookupError.unknownLayer(name, suggestions: LayerLookup(layers: model!.layers(height: 32, width: 32)).suggestions(for: name))
        case .model(let file):
            let value = try file.graph.value(named: name)
            let node = file.graph.values[value.index].producer.map { file.graph.nodes[$0] }
            let alias = file.graph.aliases.first { $0.value == value && $0.key == name }?.key
            let key = alias ?? node!.qualifiedName
            let calls = file.graph.nodes.filter { $0.qualifiedName == key }
            let call = calls.count > 1 ? calls.firstIndex { $0.output == value } : nil
            let row = byName[key]
            let layer = ModelLayer(
                name: key, className: row?.className ?? node?.layer.kerasClassName ?? "?", shape: file.graph.shape(of: value).dims,
                parameters: row?.parameters ?? 0, alias: nil, inbound: row?.inbound ?? [], depth: row?.depth ?? 0)
            return LayerChoice(requested: name, layer: layer, key: call.map { "\(key):\($0)" } ?? key, isAlias: false)
        }
    }
}
