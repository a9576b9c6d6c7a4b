// MobileNetV2 as a graph like any other: a weights-only file (KerasWeights, no architecture in it)
// -> the KerasModelSpec keras.applications.MobileNetV2 (keras/src/applications/mobilenet_v2.py)
// builds, layer for layer: the same names, classes, configs and call order, then the same
// KerasGraphBuilder every .keras file goes through. Channel counts come from the stored shapes
// (any alpha); `predictions` present means include_top=True (GlobalAveragePooling2D + Dense
// softmax), absent means include_top=False, pooling=None (the graph ends at out_relu). The model
// is built for one input size, as Keras builds it: correct_pad's ZeroPadding2D depends on it.
//
// Layers, per _inverted_res_block(block_id N; prefix "block_N_", "expanded_conv_" for N = 0):
//   [N > 0: Conv2D 1x1 "expand" -> BatchNormalization "expand_BN" -> ReLU(6) "expand_relu"]
//   [stride 2: ZeroPadding2D "pad" (correct_pad)] -> DepthwiseConv2D 3x3 "depthwise" ('same' at
//   stride 1, 'valid' at stride 2) -> BN "depthwise_BN" -> ReLU(6) "depthwise_relu"
//   -> Conv2D 1x1 "project" -> BN "project_BN" [-> Add "add"([block input, project_BN])]

public enum MobileNetV2Graph {
    /// The spec of MobileNetV2 with these weights for an input of height x width x 3 (Keras's
    /// minimum is 32 x 32). Throws EngineError when the weights are not a MobileNetV2's (the checks
    /// of `MobileNetV2(weights:)`: every layer and shape, finite values), or the input is too small.
    public static func modelSpec(_ weights: KerasWeights, height: Int = 224, width: Int = 224) throws -> KerasModelSpec {
        guard height >= 32, width >= 32 else { throw EngineError.inputTooSmall(height: height, width: width) }
        let arch = try MobileNetV2(weights: weights).architecture
        var b = SpecWriter(weights: weights)
        let input = b.add(
            MobileNetV2Architecture.inputLayerName, "InputLayer",
            ["batch_shape": .array([.null, .number(Double(height)), .number(Double(width)), .number(3)]), "sparse": .bool(false)],
            inputs: [])
        var x = b.convBNReLU("Conv1", "bn_Conv1", "Conv1_relu", input, filters: arch.stemChannels, size: 3, stride: 2)
        var (h, w) = (MobileNetV2Architecture.halved(height), MobileNetV2Architecture.halved(width))
        for s in arch.blocks {
            let p = s.prefix, blockInput = x
            if s.hasExpand {
                x = b.convBNReLU(p + "expand", p + "expand_BN", p + "expand_relu", x, filters: s.expandedChannels, size: 1, stride: 1)
            }
            if s.stride == 2 {
                let (rows, cols) = (MobileNetV2Architecture.stride2Padding(h), MobileNetV2Architecture.stride2Padding(w))
                let pads: [[Int]] = [[rows.before, rows.after], [cols.before, cols.after]]
                x = b.add(p + "pad", "ZeroPadding2D", ["padding": .array(pads.map { .array($0.map { .number(Double($0)) }) })], inputs: [x])
                (h, w) = (MobileNetV2Architecture.halved(h), MobileNetV2Architecture.halved(w))
            }
            x = b.add(
                p + "depthwise", "DepthwiseConv2D",
                [
                    "kernel_size": sizes(3), "strides": sizes(s.stride), "padding": .string(s.stride == 1 ? "same" : "valid"),
                    "depth_multiplier": .number(1), "use_bias": .bool(false), "activation": .string("linear"),
                ], inputs: [x], weights: ["depthwise_kernel"])
            x = b.batchNorm(p + "depthwise_BN", x)
            x = b.relu6(p + "depthwise_relu", x)
            x = b.add(p + "project", "Conv2D", conv(filters: s.outChannels, size: 1, stride: 1), inputs: [x], weights: ["kernel"])
            x = b.batchNorm(p + "project_BN", x)
            if s.hasAdd { x = b.add(p + "add", "Add", [:], inputs: [blockInput, x]) }
        }
        x = b.convBNReLU("Conv_1", "Conv_1_bn", "out_relu", x, filters: arch.headChannels, size: 1, stride: 1)
        if let classes = arch.classes {
            x = b.add(
                MobileNetV2Architecture.poolingLayerName, "GlobalAveragePooling2D", ["keepdims": .bool(false)], inputs: [x])
            x = b.add(
                "predictions", "Dense", ["units": .number(Double(classes)), "activation": .string("softmax"), "use_bias": .bool(true)],
                inputs: [x], weights: ["kernel", "bias"])
        }
        // The classroom names of the old layer table (block_N_conv1 = block_N_expand_relu).
        var aliases: [String: Int] = [:]
        for s in arch.blocks where s.hasExpand { aliases["block_\(s.id)_conv1"] = b.index[s.prefix + "expand_relu"] }
        return KerasModelSpec(layers: b.specs, inputs: [input], outputs: [x], aliases: aliases)
    }

    /// The graph of `modelSpec` (KerasGraphBuilder.build): run it with `GraphExecutor`, and
    /// `FastFusions.passes` for the engine's fused kernels.
    public static func graph(_ weights: KerasWeights, height: Int = 224, width: Int = 224) throws -> Graph {
        try KerasGraphBuilder.build(modelSpec(weights, height: height, width: width))
    }

    static func sizes(_ n: Int) -> KerasConfigValue { .array([.number(Double(n)), .number(Double(n))]) }

    /// Conv2D's config as mobilenet_v2.py writes it (padding 'same', no bias, no activation).
    static func conv(filters: Int, size: Int, stride: Int) -> [String: KerasConfigValue] {
        [
            "filters": .number(Double(filters)), "kernel_size": sizes(size), "strides": sizes(stride), "padding": .string("same"),
            "use_bias": .bool(false), "activation": .string("linear"), "dilation_rate": sizes(1), "groups": .number(1),
        ]
    }
}

/// Appends layer calls to a spec, taking each layer's weights from the file by Keras's names.
private struct SpecWriter {
    let weights: KerasWeights
    var specs: [KerasLayerSpec] = []
    var index: [String: Int] = [:]

    /// One call of layer `name` on the outputs of `inputs`; its weights are `weights[name][w]` in order.
    mutating func add(
        _ name: String, _ className: String, _ config: [String: KerasConfigValue], inputs: [Int], weights names: [String] = []
    ) -> Int {
        let stored = weights.layers[name] ?? [:]
        // Keras 3's legacy writer names the depthwise variable "kernel"; Keras 2 files say "depthwise_kernel".
        let arrays = names.map { stored[$0] ?? stored[$0 == "depthwise_kernel" ? "kernel" : $0]! }
        var config = config
        config["name"] = .string(name)
        specs.append(
            KerasLayerSpec(
                name: name, className: className, module: "keras.layers", config: config, weights: arrays,
                inputs: inputs.map { .output(of: $0) }))
        index[name] = specs.count - 1
        return specs.count - 1
    }

    mutating func batchNorm(_ name: String, _ x: Int) -> Int {
        add(
            name, "BatchNormalization",
            ["axis": .number(-1), "epsilon": .number(1e-3), "momentum": .number(0.999)],
            inputs: [x], weights: ["gamma", "beta", "moving_mean", "moving_variance"])
    }

    mutating func relu6(_ name: String, _ x: Int) -> Int {
        add(name, "ReLU", ["max_value": .number(6), "negative_slope": .number(0), "threshold": .number(0)], inputs: [x])
    }

    mutating func convBNReLU(_ conv: String, _ bn: String, _ relu: String, _ x: Int, filters: Int, size: Int, stride: Int) -> Int {
        let c = add(conv, "Conv2D", MobileNetV2Graph.conv(filters: filters, size: size, stride: stride), inputs: [x], weights: ["kernel"])
        return relu6(relu, batchNorm(bn, c))
    }
}
