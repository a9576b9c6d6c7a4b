// The forward pass. Layers are emitted in Keras model order; a pass stops right after the
// deepest requested layer and keeps only the requested outputs.

/// Collects the requested layer outputs while the forward pass emits every layer in order.
struct Recorder {
    let layers: [LayerInfo]
    let wanted: Set<String>
    let stopIndex: Int
    private(set) var next = 0
    private(set) var outputs: [String: Tensor] = [:]

    init(layers: [LayerInfo], wanted: Set<String>) {
        self.layers = layers
        self.wanted = wanted
        stopIndex = layers.filter { wanted.contains($0.name) }.map(\.index).max() ?? -1
    }

    var finished: Bool { next > stopIndex }
    func wants(_ name: String) -> Bool { wanted.contains(name) }

    /// Records layer `name`, which must be the next one in model order. Storing `t` costs nothing
    /// until the pass mutates its buffer (copy-on-write): only requested layers are ever copied.
    mutating func emit(_ name: String, _ t: @autoclosure () -> Tensor) {
        precondition(layers[next].name == name, "forward pass emitted \(name), expected \(layers[next].name)")
        if wanted.contains(name) { outputs[name] = t() }
        next += 1
    }
}

extension MobileNetV2 {
    /// Runs the network on a preprocessed HxWx3 input (see `Preprocess`) and returns the outputs of
    /// the layers named in `capture` (Keras names), each with the shape `layers(height:width:)` gives.
    /// Layers after the deepest requested one are not computed.
    /// `stages`, when given, is told the end of each stage (for timing).
    public func run(_ input: Tensor, capture: Set<String>, stages: StageObserver? = nil) throws -> [String: Tensor] {
        guard input.channels == 3 else {
            throw EngineError.inputShapeMismatch(expected: "HxWx3", found: input.shape.description)
        }
        guard input.height >= 32, input.width >= 32 else {
            throw EngineError.inputTooSmall(height: input.height, width: input.width)
        }
        let table = layers(height: input.height, width: input.width)
        let lookup = LayerLookup(layers: table)
        for name in capture where !table.contains(where: { $0.name == name }) {
            if name == "predictions" || name == MobileNetV2Architecture.poolingLayerName { throw EngineError.noClassificationTop }
            throw LayerLookupError.unknownLayer(name, suggestions: lookup.suggestions(for: name))
        }
        var rec = Recorder(layers: table, wanted: capture)
        rec.emit(MobileNetV2Architecture.inputLayerName, input)
        if rec.finished { return rec.outputs }

        var x = Kernels.stemConv(input, kernel: stem.kernel, outChannels: architecture.stemChannels)
        convBatchNorm(&x, stem.bn, names: ("Conv1", "bn_Conv1", "Conv1_relu"), &rec)
        stages?("stem")
        for block in blocks {
            if rec.finished { return rec.outputs }
            x = runBlock(block, x, &rec)
            stages?("block_\(block.spec.id)")
        }
        if rec.finished { return rec.outputs }
        x = Kernels.pointwiseConv(x, kernel: head.kernel, outChannels: architecture.headChannels)
        convBatchNorm(&x, head.bn, names: ("Conv_1", "Conv_1_bn", "out_relu"), &rec)
        stages?("head")
        if rec.finished { return rec.outputs }
        guard let dense else { return rec.outputs }
        let pooled = Kernels.globalAveragePool(x)
        rec.emit(MobileNetV2Architecture.poolingLayerName, pooled)
        if !rec.finished {
            rec.emit("predictions", Kernels.softmax(Kernels.dense(pooled, kernel: dense.kernel, bias: dense.bias)))
        }
        stages?("classifier")
        return rec.outputs
    }

    /// Class probabilities (the `predictions` layer, after softmax) for a preprocessed input.
    public func classify(_ input: Tensor) throws -> [Float] {
        guard architecture.classes != nil else { throw EngineError.noClassificationTop }
        return try run(input, capture: ["predictions"])["predictions"]!.data
    }

    /// One `_inverted_res_block`: [expand 1x1 + BN + ReLU6] -> [pad] -> depthwise 3x3 + BN + ReLU6
    /// -> project 1x1 + BN [-> add the block input]. HxWxCin -> (H/stride)x(W/stride)xCout.
    private func runBlock(_ b: BlockWeights, _ input: Tensor, _ rec: inout Recorder) -> Tensor {
        let s = b.spec, p = s.prefix
        var h = input
        if let e = b.expand {
            h = Kernels.pointwiseConv(h, kernel: e.kernel, outChannels: s.expandedChannels)
            convBatchNorm(&h, e.bn, names: (p + "expand", p + "expand_BN", p + "expand_relu"), &rec)
        }
        if rec.finished { return h }
        var (padTop, padLeft, oh, ow) = (1, 1, h.height, h.width)
        if s.stride == 2 {
            let ph = MobileNetV2Architecture.stride2Padding(h.height), pw = MobileNetV2Architecture.stride2Padding(h.width)
            rec.emit(p + "pad", Kernels.zeroPad(h, top: ph.before, bottom: ph.after, left: pw.before, right: pw.after))
            if rec.finished { return h }
            (padTop, padLeft) = (ph.before, pw.before)
            (oh, ow) = (MobileNetV2Architecture.halved(h.height), MobileNetV2Architecture.halved(h.width))
        }
        h = Kernels.depthwiseConv3x3(h, kernel: b.depthwise.kernel, stride: s.stride, padTop: padTop, padLeft: padLeft,
                                     outHeight: oh, outWidth: ow)
        convBatchNorm(&h, b.depthwise.bn, names: (p + "depthwise", p + "depthwise_BN", p + "depthwise_relu"), &rec)
        if rec.finished { return h }
        h = Kernels.pointwiseConv(h, kernel: b.project.kernel, outChannels: s.outChannels)
        convBatchNorm(&h, b.project.bn, names: (p + "project", p + "project_BN", nil), &rec)
        if s.hasAdd && !rec.finished {
            Kernels.add(&h, input)
            rec.emit(p + "add", h)
        }
        return h
    }

    /// Emits the raw convolution output `t`, applies BN (+ ReLU6 when `names.relu` is set) in one
    /// fused pass, and emits the BN and ReLU layers; the pass is split only when the BN output is requested.
    private func convBatchNorm(
        _ t: inout Tensor, _ bn: BatchNormAffine, names: (conv: String, bn: String, relu: String?), _ rec: inout Recorder
    ) {
        rec.emit(names.conv, t)
        if rec.finished { return }
        guard let relu = names.relu else {
            Kernels.batchNorm(&t, bn, relu6: false)
            rec.emit(names.bn, t)
            return
        }
        if rec.wants(names.bn) {
            Kernels.batchNorm(&t, bn, relu6: false)
            rec.emit(names.bn, t)
            Kernels.relu6(&t)
        } else {
            Kernels.batchNorm(&t, bn, relu6: true)
            rec.emit(names.bn, t)
        }
        rec.emit(relu, t)
    }
}
