// Why did the network pick a class? Grad-CAM (Selvaraju et al., "Grad-CAM: Visual Explanations
// from Deep Networks via Gradient-based Localization", ICCV 2017) and the input-gradient saliency
// map (Simonyan et al., "Deep Inside Convolutional Networks", 2014), both of the class LOGIT.

/// Which class to explain.
public enum ClassChoice: Equatable, Sendable {
    /// The most probable class (ties: the lower index).
    case top1
    case index(Int)
}

/// Grad-CAM of one class at one layer, from the layer's output A (HxWxC) and G = d logit / dA.
public struct GradCAM: Sendable {
    /// Keras name of the layer.
    public let layer: String
    public let activation: Tensor
    public let gradient: Tensor
    /// weights[c] = mean over (y, x) of G[y, x, c]: how much channel c matters to the class.
    public let channelWeights: [Float]
    /// map[y * W + x] = sum over c of weights[c] * A[y, x, c], row-major HxW, BEFORE the ReLU.
    public let map: [Float]
    /// contributions[c] = sum over (y, x) of G[y, x, c] * A[y, x, c] (gradient x activation): the
    /// first-order share of channel c in the logit. At out_relu, where G is the same at every pixel,
    /// the contributions add up exactly to the logit minus the Dense bias.
    public let contributions: [Float]

    public init(layer: String, activation a: Tensor, gradient g: Tensor) {
        precondition(a.shape == g.shape, "activation \(a.shape) and gradient \(g.shape) differ")
        let (pixels, c) = (a.height * a.width, a.channels)
        var weights = [Double](repeating: 0, count: c), contributions = weights
        for p in 0..<pixels {
            for ci in 0..<c {
                let gv = Double(g.data[p * c + ci])
                weights[ci] += gv
                contributions[ci] += gv * Double(a.data[p * c + ci])
            }
        }
        weights = weights.map { $0 / Double(pixels) }
        var map = [Float](repeating: 0, count: pixels)
        for p in 0..<pixels {
            var sum: Double = 0
            for ci in 0..<c { sum += weights[ci] * Double(a.data[p * c + ci]) }
            map[p] = Float(sum)
        }
        self.layer = layer
        activation = a
        gradient = g
        channelWeights = weights.map { Float($0) }
        self.map = map
        self.contributions = contributions.map { Float($0) }
    }

    public var height: Int { activation.height }
    public var width: Int { activation.width }

    /// The picture Grad-CAM draws: ReLU(map), then bilinear upsampling to `height` x `width`
    /// (see `Bilinear.resize`). Row-major.
    public func heatmap(height: Int, width: Int) -> [Float] {
        Bilinear.resize(map.map { max($0, 0) }, height: self.height, width: self.width, toHeight: height, toWidth: width)
    }

    /// The `count` channels with the largest contribution, largest first (ties: lower index);
    /// all channels when the layer has fewer.
    public func topChannels(_ count: Int) -> [Int] {
        let order = contributions.indices.sorted {
            contributions[$0] != contributions[$1] ? contributions[$0] > contributions[$1] : $0 < $1
        }
        return Array(order.prefix(max(0, count)))
    }
}

/// The saliency map of one class: where a small change of the input moves the logit most.
public struct SaliencyMap: Sendable {
    public let height: Int
    public let width: Int
    /// values[y * W + x] = max over the colour channels of |d logit / d x[y, x, channel]|, with x the
    /// PREPROCESSED input (pixel / 127.5 - 1, in [-1, 1]); per 0-255 pixel level it is 127.5 times smaller.
    public let values: [Float]
    /// d logit / d x, HxWx3.
    public let inputGradient: Tensor

    public init(inputGradient g: Tensor) {
        height = g.height
        width = g.width
        inputGradient = g
        values = (0..<(g.height * g.width)).map { p in
            (0..<g.channels).reduce(Float(0)) { max($0, abs(g.data[p * g.channels + $1])) }
        }
    }
}

/// What `MobileNetV2.explain` found for one input.
public struct Explanation: Sendable {
    public let classIndex: Int
    public let logits: [Float]
    public let probabilities: [Float]
    /// Grad-CAM at the requested layer, when one was requested.
    public let gradCAM: GradCAM?
    /// The saliency map, when requested.
    public let saliency: SaliencyMap?

    public var logit: Float { logits[classIndex] }
    public var probability: Float { probabilities[classIndex] }
}
