import Foundation

// Which value's class scores the explanations differentiate. Keras's explain oracles
// (Scripts/make_zoo.py) take the LOGITS, the values before the final softmax: a softmax saturates,
// and the gradient of a probability mixes every class in. So when the chosen output comes from a
// softmax, the graph's logit is that softmax's input:
//   Softmax layer, Activation("softmax"), ops.nn.softmax    -> the layer's input value
//   Dense / Conv2D / DepthwiseConv2D / SeparableConv2D with activation="softmax"
//                                                           -> the same layer without its activation
// Any other output is its own logit.

/// The value holding the logits, and how it was found.
public struct LogitSource: Sendable {
    /// The value whose element `classIndex` is differentiated.
    public let value: ValueID
    /// When the logit is a softmax layer's pre-activation: that node, and its layer without the softmax.
    let replacement: (node: Int, layer: any GraphLayer)?
    /// "predictions before its softmax activation", "dense_2 (the input of softmax 'probs')", "out".
    public let description: String
}

extension Graph {
    /// The logits of output `name` (a layer name; nil: the model's first output), see the legend.
    public func logitSource(output name: String? = nil) throws -> LogitSource {
        let target = try name.map(value(named:)) ?? outputs[0]
        guard let p = values[target.index].producer else { return LogitSource(value: target, replacement: nil, description: "a constant") }
        let node = nodes[p]
        if Self.isSoftmax(node.layer), let input = node.inputs.first, let q = values[input.index].producer {
            return LogitSource(
                value: input, replacement: nil,
                description: "\(nodes[q].qualifiedName) (the input of softmax '\(node.qualifiedName)')")
        }
        if let linear = Self.withoutSoftmax(node.layer) {
            return LogitSource(value: target, replacement: (p, linear), description: "\(node.qualifiedName) before its softmax activation")
        }
        return LogitSource(value: target, replacement: nil, description: node.qualifiedName)
    }

    static func isSoftmax(_ layer: any GraphLayer) -> Bool {
        if layer is SoftmaxLayer { return true }
        if let a = layer as? ActivationLayer { return a.activation == .softmax }
        if let u = layer as? UnaryOperation, case .activation(.softmax) = u.function { return true }
        return false
    }

    /// The layer without its fused softmax activation; nil when it has none.
    static func withoutSoftmax(_ layer: any GraphLayer) -> (any GraphLayer)? {
        switch layer {
        case let d as DenseLayer where d.activation == .softmax: return d.linear
        case let c as Conv2DLayer where c.activation == .softmax: return c.linear
        case let c as DepthwiseConv2DLayer where c.activation == .softmax: return c.linear
        case let s as SeparableConv2DLayer where s.pointwise.activation == .softmax:
            let d = s.depthwise
            return SeparableConv2DLayer(
                depthwiseKernel: d.kernel, pointwiseKernel: s.pointwise.kernel, bias: s.pointwise.bias, strides: d.strides,
                dilation: d.dilation, padding: d.padding)
        default: return nil
        }
    }
}

/// What a gradient or an explanation of a graph can refuse. Messages in `errorDescription`.
public enum GradientError: Error, Equatable, Sendable {
    /// A layer on the path from the requested values to the logit has no backward pass.
    case notDifferentiable(node: String, className: String)
    case classOutOfRange(index: Int, count: Int)
    /// Grad-CAM needs an (H, W, C) map.
    case notSpatial(layer: String, shape: Shape)
    /// Saliency needs one model input of shape (H, W, C).
    case inputNotMap(shapes: [Shape])
}

extension GradientError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case .notDifferentiable(let node, let cls):
            return "layer '\(node)' (\(cls)) has no backward pass in featuremaps; explain a layer after it"
        case .classOutOfRange(let index, let count):
            return "class \(index) is not among the model's \(count) classes; give an index from 0 to \(count - 1)"
        case .notSpatial(let layer, let shape):
            return "layer '\(layer)' outputs shape \(shape), Grad-CAM needs an (H, W, C) feature map; pick a convolutional layer"
        case .inputNotMap(let shapes):
            return "saliency needs one (H, W, C) image input, the model takes " + shapes.map(\.description).joined(separator: ", ")
        }
    }
}
