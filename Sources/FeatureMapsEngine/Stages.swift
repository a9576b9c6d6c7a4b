// The stages a forward pass reports its progress in, and the arithmetic each layer costs:
// what `featuremaps bench` times and divides by.

extension MobileNetV2Architecture {
    /// The stage a Keras layer belongs to: "input", "stem" (Conv1 ... Conv1_relu), "block_0" (the
    /// `expanded_conv_` layers) ... "block_16", "head" (Conv_1 ... out_relu), "classifier" (pooling, predictions).
    public static func stage(ofLayer name: String) -> String {
        if name == inputLayerName { return "input" }
        if name.hasPrefix("Conv1") || name == "bn_Conv1" { return "stem" }
        if name.hasPrefix("expanded_conv_") { return "block_0" }
        if name.hasPrefix("block_") {
            let digits = name.dropFirst(6).prefix { $0.isNumber }
            return "block_" + digits
        }
        if name.hasPrefix("Conv_1") || name == "out_relu" { return "head" }
        return "classifier"
    }

    /// Multiply-adds one layer costs: convolution and dense weights (bias excluded) times the output
    /// pixels they are applied at; BatchNorm, ReLU, padding, add and pooling count as none.
    /// For alpha 1.0 at 224x224 the whole network is 300.8 M (the figure Keras's paper quotes as 300 M).
    public static func multiplyAdds(of layer: LayerInfo) -> Int {
        switch layer.kind {
        case .conv, .depthwise: return layer.parameters * layer.shape.height * layer.shape.width
        case .dense: return layer.parameters - layer.shape.channels
        default: return 0
        }
    }
}

/// Told when the forward pass leaves a stage (see `MobileNetV2Architecture.stage(ofLayer:)`),
/// also when it stops inside one because every requested layer has been computed.
public typealias StageObserver = (_ stage: String) -> Void
