import FeatureMapsKernelTypes
// The forward pass. Layers are emitted in Keras model order; a pass stops right after the
// deepest requested layer and copies out only the requested outputs. Each convolution is fused
// with its BatchNorm, ReLU6 and residual add (one epilogue on each block of output while it is in
// cache) unless one of its inner layers is requested; both paths do the same arithmetic, so the
// values are bit-identical either way.

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

    /// Records layer `name`, which must be the next one in model order; `t` is evaluated (copied)
    /// only when the layer was requested.
    mutating func emit(_ name: String, _ t: @autoclosure () -> Tensor) {
        require(layers[next].name == name, "forward pass emitted \(name), expected \(layers[next].name)")
        if wanted.contains(name) { outputs[name] = t() }
        next += 1
    }

    /// Passes over layer `name`, computed inside a fused kernel and not requested.
    mutating func skip(_ name: String) {
        require(!wanted.contains(name), "layer \(name) was requested but fused away")
        emit(name, Tensor(height: 1, width: 1, channels: 1))
    }
}

/// Keras names of a convolution's layers: the conv, its BN, then ReLU6 or a residual `Add` (or neither).
struct ConvNames {
    let conv: String, bn: String
    var relu: String?
    var add: String?
}

extension ForwardPass {
    /// Runs the network on a preprocessed HxWx3 input (see `Preprocess`) and returns the outputs of
    /// the layers named in `capture` (Keras names), each with the shape `layers(height:width:)` gives.
    /// Layers after the deepest requested one are not computed. `stages` is told the end of each stage.
    public func run(_ input: Tensor, capture: Set<String>, stages: StageObserver? = nil) throws -> [String: Tensor] {
        guard input.channels == 3 else {
            throw EngineError.inputShapeMismatch(expected: "HxWx3", found: input.shape.description)
        }
        guard input.height >= 32, input.width >= 32 else {
            throw EngineError.inputTooSmall(height: input.height, width: input.width)
        }
        let ws = workspace(height: input.height, width: input.width)
        let table = ws.layers
        for name in capture where ws.layerNames.contains(name) == false {
            if name == "predictions" || name == MobileNetV2Architecture.poolingLayerName { throw EngineError.noClassificationTop }
            throw LayerLookupError.unknownLayer(name, suggestions: LayerLookup(layers: table).suggestions(for: name))
        }
        var rec = Recorder(layers: table, wanted: capture)
        rec.emit(MobileNetV2Architecture.inputLayerName, input)
        if rec.finished { return rec.outputs }
        let arch = model.architecture

        let oh = MobileNetV2Architecture.halved(input.height), ow = MobileNetV2Architecture.halved(input.width)
        input.data.withUnsafeBufferPointer { src in
            Kernels.stemColumns(pool, input: src.baseAddress!, h: input.height, w: input.width, cin: 3, columns: ws.depthwise.pointer)
        }
        var x = FeatureMap(ws.expanded.pointer, oh, ow, arch.stemChannels)
        convBN(
            ws.depthwise.pointer, pixels: x.pixels, k: 27, model.stem, out: x,
            ConvNames(conv: "Conv1", bn: "bn_Conv1", relu: "Conv1_relu"), residual: nil, &rec)
        stages?("stem")
        for block in model.blocks {
            if rec.finished { return rec.outputs }
            x = runBlock(block, x, into: x.pointer == ws.a.pointer ? ws.b.pointer : ws.a.pointer, ws, &rec)
            stages?("block_\(block.spec.id)")
        }
        if rec.finished { return rec.outputs }
        let top = FeatureMap(ws.expanded.pointer, x.shape.height, x.shape.width, arch.headChannels)
        convBN(
            x.pointer, pixels: x.pixels, k: x.shape.channels, model.head, out: top,
            ConvNames(conv: "Conv_1", bn: "Conv_1_bn", relu: "out_relu"), residual: nil, &rec)
        stages?("head")
        if rec.finished { return rec.outputs }
        guard let dense = model.dense else { return rec.outputs }
        Kernels.globalAveragePool(pool, top.pointer, pixels: top.pixels, channels: arch.headChannels, into: ws.pooled.pointer)
        let pooled = FeatureMap(ws.pooled.pointer, 1, 1, arch.headChannels)
        rec.emit(MobileNetV2Architecture.poolingLayerName, pooled.tensor())
        if !rec.finished {
            var logits = Tensor(height: 1, width: 1, channels: dense.bias.count)
            dense.kernel.withUnsafeBufferPointer { b in
                dense.bias.withUnsafeBufferPointer { bias in
                    logits.data.withUnsafeMutableBufferPointer { y in
                        Kernels.dense(
                            pool, x: ws.pooled.pointer, k: arch.headChannels, kernel: b.baseAddress!, bias: bias.baseAddress!,
                            n: bias.count, into: y.baseAddress!)
                    }
                }
            }
            rec.emit("predictions", Kernels.softmax(logits))
        }
        stages?("classifier")
        return rec.outputs
    }

    /// One `_inverted_res_block`: [expand 1x1 + BN + ReLU6] -> [pad] -> depthwise 3x3 + BN + ReLU6
    /// -> project 1x1 + BN [+ the block input]. Returns the block output, written at `out`.
    private func runBlock(
        _ b: BlockWeights, _ input: FeatureMap, into out: UnsafeMutablePointer<Float>, _ ws: Workspace, _ rec: inout Recorder
    ) -> FeatureMap {
        let s = b.spec, p = s.prefix
        let (h, w) = (input.shape.height, input.shape.width)
        if runsBanded(b, h: h, w: w, rec) {
            let shape = depthwiseShape(s, h: h, w: w)
            let dw = FeatureMap(ws.depthwise.pointer, shape.oh, shape.ow, s.expandedChannels)
            runBanded(b, input, shape, output: dw.pointer, ws)
            for name in ["expand", "expand_BN", "expand_relu"] + (s.stride == 2 ? ["pad"] : []) + ["depthwise", "depthwise_BN"] {
                rec.skip(p + name)
            }
            rec.emit(p + "depthwise_relu", dw.tensor())
            if rec.finished { return dw }
            return project(b, dw, input: input, into: out, &rec)
        }
        var expanded = input
        if let e = b.expand {
            expanded = FeatureMap(ws.expanded.pointer, h, w, s.expandedChannels)
            convBN(
                input.pointer, pixels: input.pixels, k: s.inChannels, e, out: expanded,
                ConvNames(conv: p + "expand", bn: p + "expand_BN", relu: p + "expand_relu"), residual: nil, &rec)
        }
        if rec.finished { return expanded }
        let shape = depthwiseShape(s, h: h, w: w)
        if s.stride == 2 {
            let ph = MobileNetV2Architecture.stride2Padding(h), pw = MobileNetV2Architecture.stride2Padding(w)
            rec.emit(
                p + "pad",
                Kernels.zeroPad(
                    expanded.pointer, expanded.shape, top: ph.before, bottom: ph.after,
                    left: pw.before, right: pw.after))
            if rec.finished { return expanded }
        }
        let dw = FeatureMap(ws.depthwise.pointer, shape.oh, shape.ow, s.expandedChannels)
        depthwiseBN(
            expanded.pointer, shape, b.depthwise, out: dw,
            ConvNames(conv: p + "depthwise", bn: p + "depthwise_BN", relu: p + "depthwise_relu"), &rec)
        if rec.finished { return dw }
        return project(b, dw, input: input, into: out, &rec)
    }

    /// Keras's depthwise geometry of block `s` on an h x w map: stride 1 'same'; stride 2 after
    /// ZeroPadding2D(correct_pad), 'valid'.
    private func depthwiseShape(_ s: BlockSpec, h: Int, w: Int) -> DepthwiseShape {
        guard s.stride == 2 else {
            return DepthwiseShape(h: h, w: w, c: s.expandedChannels, stride: 1, padTop: 1, padLeft: 1, oh: h, ow: w)
        }
        let ph = MobileNetV2Architecture.stride2Padding(h), pw = MobileNetV2Architecture.stride2Padding(w)
        return DepthwiseShape(
            h: h, w: w, c: s.expandedChannels, stride: 2, padTop: ph.before, padLeft: pw.before,
            oh: MobileNetV2Architecture.halved(h), ow: MobileNetV2Architecture.halved(w))
    }

    /// The block's projection (BN, and the residual add in blocks with one) from its depthwise output.
    private func project(
        _ b: BlockWeights, _ dw: FeatureMap, input: FeatureMap, into out: UnsafeMutablePointer<Float>,
        _ rec: inout Recorder
    ) -> FeatureMap {
        let s = b.spec, p = s.prefix
        let y = FeatureMap(out, dw.shape.height, dw.shape.width, s.outChannels)
        convBN(
            dw.pointer, pixels: dw.pixels, k: s.expandedChannels, b.project, out: y,
            ConvNames(conv: p + "project", bn: p + "project_BN", add: s.hasAdd ? p + "add" : nil),
            residual: s.hasAdd ? input.pointer : nil, &rec)
        return y
    }

    /// A 1x1 convolution (or Conv1 on its im2col rows) with its BN, ReLU6 or residual add.
    private func convBN(
        _ a: UnsafePointer<Float>, pixels: Int, k: Int, _ conv: ConvBN, out: FeatureMap, _ names: ConvNames,
        residual: UnsafePointer<Float>?, _ rec: inout Recorder
    ) {
        conv.kernel.withUnsafeBufferPointer { kernel in
            withBatchNorm(conv.bn) { bn in
                let fuse = !rec.wants(names.conv) && !rec.wants(names.bn)
                var e = fuse ? bn : Epilogue.none
                if fuse {
                    e.residual = residual
                    e.relu6 = names.relu != nil
                }
                Kernels.pointwise(pool, a: a, m: pixels, k: k, b: kernel.baseAddress!, n: out.shape.channels, c: out.pointer, epilogue: e, simd: simd)
                emitAfterConv(out, names, fused: fuse, bn: bn, residual: residual, &rec)
            }
        }
    }

    private func depthwiseBN(
        _ input: UnsafePointer<Float>, _ shape: DepthwiseShape, _ conv: ConvBN, out: FeatureMap, _ names: ConvNames,
        _ rec: inout Recorder
    ) {
        conv.kernel.withUnsafeBufferPointer { kernel in
            withBatchNorm(conv.bn) { bn in
                let fuse = !rec.wants(names.conv) && !rec.wants(names.bn)
                var e = fuse ? bn : Epilogue.none
                e.relu6 = fuse
                Kernels.depthwise(pool, shape, input: input, kernel: kernel.baseAddress!, output: out.pointer, epilogue: e, simd: simd)
                emitAfterConv(out, names, fused: fuse, bn: bn, residual: nil, &rec)
            }
        }
    }

    /// Emits the layers of a convolution: when fused, its last layer only; otherwise the raw
    /// convolution, then BN, ReLU6 or Add, each applied as a separate pass over `out`.
    private func emitAfterConv(
        _ out: FeatureMap, _ names: ConvNames, fused: Bool, bn: Epilogue, residual: UnsafePointer<Float>?,
        _ rec: inout Recorder
    ) {
        let last = names.relu ?? names.add
        if fused {
            rec.skip(names.conv)
            if let last {
                rec.skip(names.bn)
                rec.emit(last, out.tensor())
            } else {
                rec.emit(names.bn, out.tensor())
            }
            return
        }
        rec.emit(names.conv, out.tensor())
        if rec.finished { return }
        Kernels.applyInPlace(pool, out.pointer, pixels: out.pixels, channels: out.shape.channels, bn)
        rec.emit(names.bn, out.tensor())
        if rec.finished { return }
        if let relu = names.relu {
            Kernels.applyInPlace(pool, out.pointer, pixels: out.pixels, channels: out.shape.channels, Epilogue(relu6: true))
            rec.emit(relu, out.tensor())
        } else if let add = names.add, let residual {
            Kernels.applyInPlace(pool, out.pointer, pixels: out.pixels, channels: out.shape.channels, Epilogue(residual: residual))
            rec.emit(add, out.tensor())
        }
    }

    func withBatchNorm<R>(_ bn: BatchNormAffine, _ body: (Epilogue) -> R) -> R {
        bn.scale.withUnsafeBufferPointer { scale in
            bn.shift.withUnsafeBufferPointer { shift in body(Epilogue(scale: scale.baseAddress, shift: shift.baseAddress)) }
        }
    }
}

extension MobileNetV2 {
    /// A one-thread forward pass (see `ForwardPass.run`); for many images, keep a `ForwardPass`.
    public func run(_ input: Tensor, capture: Set<String>, stages: StageObserver? = nil) throws -> [String: Tensor] {
        try ForwardPass(model: self).run(input, capture: capture, stages: stages)
    }

    /// Class probabilities (the `predictions` layer, after softmax) for a preprocessed input.
    public func classify(_ input: Tensor) throws -> [Float] {
        try ForwardPass(model: self).classify(input)
    }
}
