import Foundation
import FeatureMapsEngine
import FeatureMapsModels

/// A user's own Keras model file (.keras, or a full-model .h5), ready to run: its description as
/// Keras wrote it, its graph built at the input size a session uses, and how images are fed to it.
/// Every layer class is checked against the engine before any weight is read.
public struct ModelFile: Sendable {
    public let path: String
    public let description: KerasModelDescription
    public let spec: KerasModelSpec
    /// Built for `inputShape`.
    public let graph: Graph
    /// The model input's declared shape without the batch axis, nil where Keras left it open.
    public let declaredInput: [Int?]
    /// What images become before they enter (H, W, C): the declared size, or the asked one.
    public let inputShape: [Int]
    public let preprocessing: PreprocessingChoice
    /// True when the first output is a softmax (Dense/Conv/Activation with softmax, a Softmax
    /// layer or operation): its values are probabilities.
    public let outputIsProbability: Bool

    /// Reads and checks `path`, builds its graph. `inputSize` sets an open input size (default
    /// 224); given for a model whose size is fixed, it must be that size.
    public static func open(path: String, inputSize: Int?) throws -> ModelFile {
        let contents = try KerasModelFile.read(path: path) { layer in
            guard !layer.isModel else { return nil }
            let spec = KerasLayerSpec(
                name: layer.name, className: layer.className, module: layer.isOperation ? layer.module ?? "keras.src.ops" : layer.module)
            return KerasLayerRegistry.builder(for: spec) == nil
                ? "featuremaps does not implement \(layer.isOperation ? "the operation" : "the layer class") \(layer.className) "
                    + "(it runs \(KerasLayerRegistry.supportedLayers.count) Keras layer classes; see README, Model files)"
                : nil
        }
        guard case .model(let description) = contents else { throw ModelFileError.weightsOnly(file: path) }
        return try ModelFile(path: path, description: description, inputSize: inputSize)
    }

    init(path: String, description: KerasModelDescription, inputSize: Int?) throws {
        self.path = path
        self.description = description
        let spec = try description.modelSpec(file: path)
        guard spec.inputs.count == 1 else { throw ModelFileError.inputCount(file: path, count: spec.inputs.count) }
        let declared = try Self.declaredShape(spec, path: path)
        guard declared.count == 3, let channels = declared[2] else {
            throw ModelFileError.notAnImageModel(file: path, declared: Self.describe(declared))
        }
        var shape = [Int]()
        for size in declared.prefix(2) {
            if let size {
                if let inputSize, inputSize != size {
                    throw ModelFileError.fixedInputSize(file: path, declared: Self.describe(declared), given: inputSize)
                }
                shape.append(size)
            } else {
                shape.append(inputSize ?? 224)
            }
        }
        shape.append(channels)
        self.spec = spec
        declaredInput = declared
        inputShape = shape
        do {
            graph = try KerasGraphBuilder.build(spec, inputShapes: [Shape(shape)])
        } catch let error as GraphError {
            throw ModelFileError.graph(file: path, error)
        }
        preprocessing = PreprocessingChoice.infer(description: description, graph: graph, channels: channels)
        outputIsProbability = Self.endsInSoftmax(description)
    }

    /// The same model for an input of another shape (an .npy of another size, for a model whose
    /// size is open).
    public func graph(for shape: [Int]) throws -> Graph {
        guard shape != inputShape else { return graph }
        do { return try graph.withInputShapes([Shape(shape)]) } catch let error as GraphError {
            throw ModelFileError.graph(file: path, error)
        }
    }

    static func declaredShape(_ spec: KerasModelSpec, path: String) throws -> [Int?] {
        do {
            guard let input = try KerasGraphBuilder.layer(spec.layers[spec.inputs[0]]) as? InputLayer else {
                throw ModelFileError.inputCount(file: path, count: 0)
            }
            return input.declaredShape
        } catch let error as GraphError {
            throw ModelFileError.graph(file: path, error)
        }
    }

    /// "(None, None, 3)".
    static func describe(_ shape: [Int?]) -> String {
        "(" + shape.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    }

    static func endsInSoftmax(_ d: KerasModelDescription) -> Bool {
        guard var reference = d.outputs.first else { return false }
        // A nested model's output is its own output layer's.
        while let inner = d.layers[reference.layerIndex].model?.outputs.first { reference = inner }
        let layer = d.layers[reference.layerIndex]
        if layer.className == "Softmax" { return true }
        return layer.config["activation"]?.string == "softmax"
    }
}
