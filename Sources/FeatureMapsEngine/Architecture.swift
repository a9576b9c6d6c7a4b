// The MobileNetV2 architecture as keras.applications.MobileNetV2 builds it
// (keras/src/applications/mobilenet_v2.py): channel counts per width multiplier `alpha`,
// the inverted-residual block table, and the weight shapes Keras stores for each layer.

/// Keras's `_make_divisible(v, divisor=8)`: round to the nearest multiple of 8, never below 8,
/// never more than 10 % below `v`.
public func makeDivisible(_ v: Double, _ divisor: Int = 8) -> Int {
    let d = Double(divisor)
    var newV = max(divisor, Int(v + d / 2) / divisor * divisor)
    if Double(newV) < 0.9 * v { newV += divisor }
    return newV
}

/// One inverted-residual block (`_inverted_res_block`): [expand 1x1 ->] depthwise 3x3 -> project 1x1 [-> add].
public struct BlockSpec: Sendable, Equatable {
    public let id: Int  // 0...16; block 0 has no expansion and uses the prefix "expanded_conv_"
    public let inChannels: Int
    public let expandedChannels: Int  // == inChannels when there is no expansion (block 0)
    public let outChannels: Int
    public let stride: Int  // 1 or 2
    public var hasExpand: Bool { id != 0 }
    /// Keras adds the shortcut when `in_channels == pointwise_filters and stride == 1`.
    public var hasAdd: Bool { inChannels == outChannels && stride == 1 }
    /// "block_N_" or "expanded_conv_" for block 0.
    public var prefix: String { id == 0 ? "expanded_conv_" : "block_\(id)_" }
}

public struct MobileNetV2Architecture: Sendable, Equatable {
    /// (filters, stride, expansion) of blocks 0...16, from mobilenet_v2.py.
    public static let blockTable: [(filters: Int, stride: Int, expansion: Int)] = [
        (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
        (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6),
        (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
    ]
    /// The widths Keras publishes ImageNet weights for.
    public static let publishedAlphas: [Double] = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4]
    /// Keras BatchNormalization epsilon used by every BN layer of MobileNetV2.
    public static let batchNormEpsilon: Float = 0.001

    /// The published width multiplier these channel counts belong to, or nil for another width.
    public let alpha: Double?
    public let stemChannels: Int  // Conv1 filters
    public let blocks: [BlockSpec]
    public let headChannels: Int  // Conv_1 filters
    /// Number of classes of the `predictions` layer, or nil without the classification top.
    public let classes: Int?

    /// The architecture Keras builds for width multiplier `alpha`.
    public init(alpha: Double, classes: Int? = 1000) {
        let counts = Self.channelCounts(alpha: alpha)
        self.init(stemChannels: counts.stem, blockOutputs: counts.blocks, headChannels: counts.head, classes: classes)
    }

    /// The architecture with the given channel counts (as read from a weights file): Conv1 filters,
    /// the 17 project filters of blocks 0...16, Conv_1 filters; expansion and strides from `blockTable`.
    public init(stemChannels: Int, blockOutputs: [Int], headChannels: Int, classes: Int?) {
        require(blockOutputs.count == Self.blockTable.count, "MobileNetV2 has 17 blocks")
        self.stemChannels = stemChannels
        self.headChannels = headChannels
        self.classes = classes
        var blocks: [BlockSpec] = []
        var inC = stemChannels
        for (id, row) in Self.blockTable.enumerated() {
            let expanded = id == 0 ? inC : row.expansion * inC
            blocks.append(
                BlockSpec(
                    id: id, inChannels: inC, expandedChannels: expanded,
                    outChannels: blockOutputs[id], stride: row.stride))
            inC = blockOutputs[id]
        }
        self.blocks = blocks
        alpha = Self.publishedAlphas.first { a in
            let ref = MobileNetV2Architecture.channelCounts(alpha: a)
            return ref.stem == stemChannels && ref.blocks == blockOutputs && ref.head == headChannels
        }
    }

    static func channelCounts(alpha: Double) -> (stem: Int, blocks: [Int], head: Int) {
        (
            makeDivisible(32 * alpha), blockTable.map { makeDivisible(Double(Int(Double($0.filters) * alpha))) },
            alpha > 1.0 ? makeDivisible(1280 * alpha) : 1280
        )
    }

    /// Every weight Keras stores, in file order: (layer, weight name without "layer/" and ":0", shape).
    public var weightShapes: [(layer: String, weight: String, shape: [Int])] {
        var out: [(String, String, [Int])] = []
        func bn(_ layer: String, _ c: Int) {
            for w in ["gamma", "beta", "moving_mean", "moving_variance"] { out.append((layer, w, [c])) }
        }
        out.append(("Conv1", "kernel", [3, 3, 3, stemChannels]))
        bn("bn_Conv1", stemChannels)
        for b in blocks {
            let p = b.prefix
            if b.hasExpand {
                out.append((p + "expand", "kernel", [1, 1, b.inChannels, b.expandedChannels]))
                bn(p + "expand_BN", b.expandedChannels)
            }
            out.append((p + "depthwise", "depthwise_kernel", [3, 3, b.expandedChannels, 1]))
            bn(p + "depthwise_BN", b.expandedChannels)
            out.append((p + "project", "kernel", [1, 1, b.expandedChannels, b.outChannels]))
            bn(p + "project_BN", b.outChannels)
        }
        out.append(("Conv_1", "kernel", [1, 1, blocks.last!.outChannels, headChannels]))
        bn("Conv_1_bn", headChannels)
        if let classes {
            out.append(("predictions", "kernel", [headChannels, classes]))
            out.append(("predictions", "bias", [classes]))
        }
        return out
    }

    /// Output size of a 3x3 stride-2 layer as Keras pads it: ceil(n / 2), both for Conv1's 'same'
    /// padding and for ZeroPadding2D(correct_pad) followed by a 'valid' depthwise convolution.
    static func halved(_ n: Int) -> Int { (n + 1) / 2 }

    /// Padding (before, after) of a 3x3 stride-2 layer on an axis of size n: `correct_pad` gives
    /// (1 - adjust, 1) with adjust = 1 - n % 2, which is also what TensorFlow's 'same' gives.
    static func stride2Padding(_ n: Int) -> (before: Int, after: Int) { (n % 2 == 0 ? 0 : 1, 1) }
}
