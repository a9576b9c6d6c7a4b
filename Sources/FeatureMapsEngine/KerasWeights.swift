// The weights of a Keras model as named arrays: what a Keras legacy HDF5 weights file holds,
// independent of how it was read. FeatureMapsWeights fills it from a file; MobileNetV2 checks it.

/// One stored weight array: its shape as Keras stores it and its values in row-major order.
public struct WeightArray: Sendable, Equatable {
    public let shape: [Int]
    public let values: [Float]

    public init(shape: [Int], values: [Float]) {
        require(shape.reduce(1, *) == values.count, "weight values do not match shape \(shape)")
        self.shape = shape
        self.values = values
    }
}

/// Weights by Keras layer name, then by weight name: the last path component of the stored
/// name without its ":0" suffix ("block_1_expand/kernel:0" -> "kernel";
/// FeatureMapsHDF5's KerasWeightsFile.shortWeightName).
public struct KerasWeights: Sendable {
    public var layers: [String: [String: WeightArray]]
    /// Layer names in the order the file lists them.
    public var layerOrder: [String]

    public init(layers: [String: [String: WeightArray]] = [:], layerOrder: [String] = []) {
        self.layers = layers
        self.layerOrder = layerOrder
    }

    public subscript(layer: String, weight: String) -> WeightArray? { layers[layer]?[weight] }

    /// Total number of stored values.
    public var parameterCount: Int { layers.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.values.count } } }
}
