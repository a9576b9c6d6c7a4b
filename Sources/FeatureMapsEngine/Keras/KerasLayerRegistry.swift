// Which Keras classes featuremaps implements, and the builder of each: Keras layers by class name,
// keras.ops operations (module containing ".ops") by class name in their own table, so the `Add`
// operation of keras.src.ops.numpy never resolves to the `Add` layer or the other way round.

public enum KerasLayerRegistry {
    public typealias Builder = @Sendable (KerasConfig) throws -> any GraphLayer

    static let layers: [String: Builder] = {
        var t: [String: Builder] = [
            "InputLayer": InputLayer.build,
            "Conv2D": Conv2DLayer.build,
            "DepthwiseConv2D": DepthwiseConv2DLayer.build,
            "SeparableConv2D": SeparableConv2DLayer.build,
            "BatchNormalization": BatchNormalizationLayer.build,
            "Dense": DenseLayer.build,
            "Activation": ActivationLayer.build,
            "ReLU": ReLULayer.build,
            "LeakyReLU": LeakyReLULayer.build,
            "ELU": ELULayer.build,
            "Softmax": SoftmaxLayer.build,
            "Concatenate": ConcatenateLayer.build,
            "MaxPooling2D": Pooling2DLayer.builder(.max),
            "AveragePooling2D": Pooling2DLayer.builder(.average),
            "GlobalAveragePooling2D": GlobalPooling2DLayer.builder(.average),
            "GlobalMaxPooling2D": GlobalPooling2DLayer.builder(.max),
            "ZeroPadding2D": ZeroPadding2DLayer.build,
            "Cropping2D": Cropping2DLayer.build,
            "UpSampling2D": UpSampling2DLayer.build,
            "Flatten": FlattenLayer.build,
            "Reshape": ReshapeLayer.build,
            "Permute": PermuteLayer.build,
            "Rescaling": RescalingLayer.build,
            "Normalization": NormalizationLayer.build,
        ]
        for k in MergeLayer.Kind.allCases { t[k.rawValue] = MergeLayer.builder(k) }
        for name in InferenceIdentityLayer.classNames { t[name] = InferenceIdentityLayer.builder(name) }
        // Keras 2 spellings of the same classes.
        t["MaxPool2D"] = t["MaxPooling2D"]
        t["AvgPool2D"] = t["AveragePooling2D"]
        t["GlobalAvgPool2D"] = t["GlobalAveragePooling2D"]
        t["GlobalMaxPool2D"] = t["GlobalMaxPooling2D"]
        return t
    }()

    static let operations: [String: Builder] = {
        var t: [String: Builder] = [:]
        for k in BinaryOperation.Kind.allCases {
            t[k.rawValue] = { c in
                try c.requireFloat32()
                return BinaryOperation(k)
            }
        }
        for (name, f) in UnaryOperation.numpyFunctions { t[name] = { _ in UnaryOperation(kerasClassName: name, f) } }
        for name in UnaryOperation.nnActivations.keys.sorted() + ["Gelu", "Elu", "LeakyRelu"] { t[name] = UnaryOperation.nnBuilder(name) }
        t["Softmax"] = { c in
            guard let v = c["axis"], !v.isNull else { throw c.unsupported("axis", c["axis"] ?? .null) }
            return SoftmaxLayer(axis: try c.int("axis"))
        }
        return t
    }()

    /// The builder for this layer call, or nil when featuremaps does not implement its class.
    public static func builder(for spec: KerasLayerSpec) -> Builder? {
        spec.isOperation ? operations[spec.className] : layers[spec.className]
    }

    /// The Keras layer classes and keras.ops operations implemented, sorted (for documentation).
    public static var supportedLayers: [String] { layers.keys.sorted() }
    public static var supportedOperations: [String] { operations.keys.sorted() }
}
