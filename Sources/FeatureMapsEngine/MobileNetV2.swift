// MobileNetV2's architecture read from a weights-only file, the weights checked against it.
// Channel counts come from the stored shapes, so every Keras width (alpha) loads, with or
// without the classification top; every other shape is then checked against that architecture.
// It runs as a graph like any model (MobileNetV2Graph builds it from the same file).

public struct MobileNetV2: Sendable {
    public let architecture: MobileNetV2Architecture

    /// Checks `weights` (every layer, every shape, every value finite) and reads the architecture.
    public init(weights: KerasWeights) throws {
        func array(_ layer: String, _ weight: String) throws -> WeightArray {
            guard let l = weights.layers[layer] else {
                throw EngineError.missingLayer(layer, found: weights.layerOrder)
            }
            // Keras 3's legacy writer names the depthwise variable "kernel"; Keras 2 files say "depthwise_kernel".
            guard let w = l[weight] ?? (weight == "depthwise_kernel" ? l["kernel"] : nil) else {
                throw EngineError.missingWeight(layer: layer, weight: weight, found: l.keys.sorted())
            }
            return w
        }
        func lastDim(_ layer: String, _ weight: String) throws -> Int { try array(layer, weight).shape.last ?? 0 }

        let prefixes = MobileNetV2Architecture.blockTable.indices.map { $0 == 0 ? "expanded_conv_" : "block_\($0)_" }
        let arch = MobileNetV2Architecture(
            stemChannels: try lastDim("Conv1", "kernel"),
            blockOutputs: try prefixes.map { try lastDim($0 + "project", "kernel") },
            headChannels: try lastDim("Conv_1", "kernel"),
            classes: weights.layers["predictions"] == nil ? nil : try lastDim("predictions", "bias"))

        for (layer, weight, shape) in arch.weightShapes {
            let w = try array(layer, weight)
            guard w.shape == shape else {
                throw EngineError.shapeMismatch(layer: layer, weight: weight, expected: shape, found: w.shape)
            }
            if let bad = w.values.firstIndex(where: { !$0.isFinite }) {
                throw EngineError.nonFiniteWeight(layer: layer, weight: weight, index: bad)
            }
        }
        architecture = arch
    }

    /// The Keras layers for an input of the given size, in model order.
    public func layers(height: Int, width: Int) -> [LayerInfo] {
        architecture.layers(height: height, width: width)
    }

    /// Number of parameters, as Keras's `model.count_params()`.
    public var parameterCount: Int {
        architecture.layers(height: 32, width: 32).reduce(0) { $0 + $1.parameters }
    }
}
