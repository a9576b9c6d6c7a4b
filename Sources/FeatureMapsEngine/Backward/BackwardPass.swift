// The layer-by-layer walk of one backward pass, the mirror of Forward.swift: from the pooled
// features down to the input, emitting the gradient at every Keras layer's output in reverse
// model order and stopping right after the shallowest requested layer.

struct BackwardPass {
    let model: MobileNetV2
    let record: ForwardRecord
    var recorder: GradientRecorder
    /// Output shape of every layer, by name.
    let shapes: [String: TensorShape]

    init(model: MobileNetV2, record: ForwardRecord, recorder: GradientRecorder) {
        self.model = model
        self.record = record
        self.recorder = recorder
        shapes = Dictionary(uniqueKeysWithValues: record.layers.map { ($0.name, $0.shape) })
    }

    /// Walks from d logit / d(pooled features) (1x1xC) down to the shallowest requested layer.
    mutating func run(pooledGradient: Tensor) {
        recorder.emit(MobileNetV2Architecture.poolingLayerName, pooledGradient)
        if recorder.finished { return }
        let top = shapes["out_relu"]!
        var g = Kernels.globalAveragePoolBackward(pooledGradient, height: top.height, width: top.width)
        convBatchNorm(&g, model.head.bn, names: ("Conv_1", "Conv_1_bn", "out_relu"))
        if recorder.finished { return }
        g = Kernels.pointwiseConvBackward(g, kernel: model.head.kernel, inChannels: model.blocks.last!.spec.outChannels)
        for block in model.blocks.reversed() {
            g = self.block(block, g)
            if recorder.finished { return }
        }
        convBatchNorm(&g, model.stem.bn, names: ("Conv1", "bn_Conv1", "Conv1_relu"))
        if recorder.finished { return }
        g = Kernels.stemConvBackward(
            g, kernel: model.stem.kernel, inHeight: record.input.height,
            inWidth: record.input.width, inChannels: record.input.channels)
        recorder.emit(MobileNetV2Architecture.inputLayerName, g)
    }

    /// Backward of one `_inverted_res_block`: takes the gradient at the block's output (its Add, or
    /// its project BN) and returns the gradient at the block's input, the Add's shortcut included.
    private mutating func block(_ b: BlockWeights, _ gradOutput: Tensor) -> Tensor {
        let s = b.spec, p = s.prefix
        if s.hasAdd { recorder.emit(p + "add", gradOutput) }
        var g = gradOutput
        convBatchNorm(&g, b.project.bn, names: (p + "project", p + "project_BN", nil))
        if recorder.finished { return g }
        g = Kernels.pointwiseConvBackward(g, kernel: b.project.kernel, inChannels: s.expandedChannels)
        convBatchNorm(&g, b.depthwise.bn, names: (p + "depthwise", p + "depthwise_BN", p + "depthwise_relu"))
        if recorder.finished { return g }
        // The depthwise input: the expand ReLU's output, or for block 0 (no expansion) the stem's.
        let input = shapes[s.hasExpand ? p + "expand_relu" : "Conv1_relu"]!
        if s.stride == 2 {
            let ph = MobileNetV2Architecture.stride2Padding(input.height)
            let pw = MobileNetV2Architecture.stride2Padding(input.width)
            if recorder.wants(p + "pad") {
                let padded = shapes[p + "pad"]!
                let gPad = Kernels.depthwiseConv3x3Backward(
                    g, kernel: b.depthwise.kernel, stride: 2, padTop: 0, padLeft: 0,
                    inHeight: padded.height, inWidth: padded.width)
                recorder.emit(p + "pad", gPad)
                if recorder.finished { return g }
                g = Kernels.zeroPadBackward(gPad, top: ph.before, bottom: ph.after, left: pw.before, right: pw.after)
            } else {
                recorder.pass(p + "pad")
                g = Kernels.depthwiseConv3x3Backward(
                    g, kernel: b.depthwise.kernel, stride: 2, padTop: ph.before,
                    padLeft: pw.before, inHeight: input.height, inWidth: input.width)
            }
        } else {
            g = Kernels.depthwiseConv3x3Backward(
                g, kernel: b.depthwise.kernel, stride: 1, padTop: 1, padLeft: 1,
                inHeight: input.height, inWidth: input.width)
        }
        if let e = b.expand {
            convBatchNorm(&g, e.bn, names: (p + "expand", p + "expand_BN", p + "expand_relu"))
            if recorder.finished { return g }
            g = Kernels.pointwiseConvBackward(g, kernel: e.kernel, inChannels: s.inChannels)
        }
        if s.hasAdd { Kernels.add(&g, gradOutput) }
        return g
    }

    /// Takes the gradient at the ReLU6 output (or, without `relu`, at the BN output) to the gradient
    /// at the raw convolution output, emitting each layer; the ReLU mask and the BN scale are one
    /// fused pass unless the BN layer's own gradient is requested.
    private mutating func convBatchNorm(
        _ g: inout Tensor, _ bn: BatchNormAffine, names: (conv: String, bn: String, relu: String?)
    ) {
        if let relu = names.relu {
            recorder.emit(relu, g)
            if recorder.finished { return }
            let y = record.outputs[relu]!
            if recorder.wants(names.bn) {
                Kernels.relu6Backward(&g, output: y)
                recorder.emit(names.bn, g)
                if recorder.finished { return }
                Kernels.batchNormBackward(&g, bn)
            } else {
                recorder.pass(names.bn)
                Kernels.batchNormBackward(&g, bn, reluOutput: y)
            }
        } else {
            recorder.emit(names.bn, g)
            if recorder.finished { return }
            Kernels.batchNormBackward(&g, bn)
        }
        recorder.emit(names.conv, g)
    }
}
