// The Keras layers of MobileNetV2, in model order, with the output shapes Keras gives them
// (what `model.summary()` lists), plus the classroom aliases `block_N_conv1`.

/// The Keras class of a layer.
public enum LayerKind: String, Sendable, Codable {
    case input = "InputLayer"
    case conv = "Conv2D"
    case batchNorm = "BatchNormalization"
    case relu = "ReLU"
    case zeroPadding = "ZeroPadding2D"
    case depthwise = "DepthwiseConv2D"
    case add = "Add"
    case globalAveragePooling = "GlobalAveragePooling2D"
    case dense = "Dense"
}

public struct LayerInfo: Sendable, Equatable {
    public let name: String
    public let kind: LayerKind
    /// Output shape without the batch axis; vectors (pooling, predictions) are 1x1xC.
    public let shape: TensorShape
    /// Weights Keras counts for this layer (BN counts its 4 vectors, as `model.summary()` does).
    public let parameters: Int
    /// The classroom alias that names this layer, e.g. "block_1_conv1" for "block_1_expand_relu".
    public let alias: String?
    /// Index in model order; a forward pass that stops after this layer computes layers 0...index.
    public let index: Int
}

extension MobileNetV2Architecture {
    /// Keras's name of the global pooling layer (auto-named by Keras, the first one in a session).
    public static let poolingLayerName = "global_average_pooling2d"
    public static let inputLayerName = "input_layer"

    /// Every layer for an input of `height` x `width` RGB pixels.
    public func layers(height: Int, width: Int) -> [LayerInfo] {
        var out: [LayerInfo] = []
        func add(_ name: String, _ kind: LayerKind, _ h: Int, _ w: Int, _ c: Int, params: Int = 0, alias: String? = nil) {
            out.append(
                LayerInfo(
                    name: name, kind: kind, shape: TensorShape(height: h, width: w, channels: c),
                    parameters: params, alias: alias, index: out.count))
        }
        func convBNReLU(_ conv: String, _ bn: String, _ relu: String?, _ h: Int, _ w: Int, _ c: Int, _ kernel: Int, alias: String? = nil) {
            add(conv, .conv, h, w, c, params: kernel)
            add(bn, .batchNorm, h, w, c, params: 4 * c)
            if let relu { add(relu, .relu, h, w, c, alias: alias) }
        }
        add(Self.inputLayerName, .input, height, width, 3)
        var h = Self.halved(height), w = Self.halved(width)
        convBNReLU("Conv1", "bn_Conv1", "Conv1_relu", h, w, stemChannels, 27 * stemChannels)
        for b in blocks {
            let p = b.prefix
            if b.hasExpand {
                convBNReLU(
                    p + "expand", p + "expand_BN", p + "expand_relu", h, w, b.expandedChannels,
                    b.inChannels * b.expandedChannels, alias: "block_\(b.id)_conv1")
            }
            if b.stride == 2 {
                add(
                    p + "pad", .zeroPadding, h + Self.stride2Padding(h).before + 1, w + Self.stride2Padding(w).before + 1,
                    b.expandedChannels)
                h = Self.halved(h)
                w = Self.halved(w)
            }
            add(p + "depthwise", .depthwise, h, w, b.expandedChannels, params: 9 * b.expandedChannels)
            add(p + "depthwise_BN", .batchNorm, h, w, b.expandedChannels, params: 4 * b.expandedChannels)
            add(p + "depthwise_relu", .relu, h, w, b.expandedChannels)
            add(p + "project", .conv, h, w, b.outChannels, params: b.expandedChannels * b.outChannels)
            add(p + "project_BN", .batchNorm, h, w, b.outChannels, params: 4 * b.outChannels)
            if b.hasAdd { add(p + "add", .add, h, w, b.outChannels) }
        }
        convBNReLU("Conv_1", "Conv_1_bn", "out_relu", h, w, headChannels, blocks.last!.outChannels * headChannels)
        if let classes {
            add(Self.poolingLayerName, .globalAveragePooling, 1, 1, headChannels)
            add("predictions", .dense, 1, 1, classes, params: headChannels * classes + classes)
        }
        return out
    }
}
