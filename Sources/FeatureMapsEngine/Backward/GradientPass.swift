// The backward pass: gradients of one class LOGIT (the `predictions` Dense layer before its
// softmax) with respect to layer outputs and the input, in reverse Keras model order. No weight
// gradients. Built on the public forward pass `run(_:capture:)`: the only activations a backward
// pass through MobileNetV2 needs are the ReLU6 outputs (their masks); every other layer is linear.

/// A forward pass kept for backward passes: the input, the logits, and the outputs of the kept
/// layers plus every ReLU6 layer deeper than the shallowest layer gradients may be asked for.
public struct ForwardRecord: Sendable {
    public let input: Tensor
    /// Outputs by Keras layer name (settable inside the module and by tests, which give ReLU6
    /// outputs lying within float noise of 0 or 6 the side Keras chose).
    public internal(set) var outputs: [String: Tensor]
    /// The class scores before softmax: dense(global_average_pooling2d).
    public let logits: [Float]
    /// softmax(logits), what the `predictions` layer outputs.
    public let probabilities: [Float]
    /// Model-order index of the shallowest layer whose gradient this record supports.
    let shallowestIndex: Int
    let layers: [LayerInfo]
}

/// Collects the requested gradients while the backward pass emits every layer, deepest first.
struct GradientRecorder {
    let layers: [LayerInfo]
    let wanted: Set<String>
    let stopIndex: Int
    private(set) var next: Int
    private(set) var gradients: [String: Tensor] = [:]

    init(layers: [LayerInfo], wanted: Set<String>, start: Int) {
        self.layers = layers
        self.wanted = wanted
        stopIndex = layers.filter { wanted.contains($0.name) }.map(\.index).min() ?? start + 1
        next = start
    }

    var finished: Bool { next < stopIndex }
    func wants(_ name: String) -> Bool { wanted.contains(name) }

    /// Records the gradient at layer `name`'s output; `name` must be the next layer in reverse model order.
    mutating func emit(_ name: String, _ g: @autoclosure () -> Tensor) {
        precondition(layers[next].name == name, "backward pass emitted \(name), expected \(layers[next].name)")
        if wanted.contains(name) { gradients[name] = g() }
        next -= 1
    }

    /// Passes over layer `name` without materialising its gradient (it was fused away); never a wanted one.
    mutating func pass(_ name: String) {
        precondition(!wanted.contains(name), "\(name) is wanted but its gradient was fused away")
        emit(name, Tensor(height: 1, width: 1, channels: 1))
    }
}

extension MobileNetV2 {
    /// Runs the network on a preprocessed input to the logits, keeping the outputs of `keep` and
    /// what backward passes down to layer `downTo` (a Keras name, e.g. "input_layer") need.
    public func recordForward(_ input: Tensor, keep: Set<String>, downTo: String) throws -> ForwardRecord {
        guard let dense else { throw EngineError.noClassificationTop }
        let table = layers(height: input.height, width: input.width)
        guard let lowest = table.first(where: { $0.name == downTo }) else {
            throw LayerLookupError.unknownLayer(downTo, suggestions: LayerLookup(layers: table).suggestions(for: downTo))
        }
        try Self.checkGradientLayer(lowest)
        let relus = table.filter { $0.kind == .relu && $0.index > lowest.index }.map(\.name)
        let pool = MobileNetV2Architecture.poolingLayerName
        let outputs = try run(input, capture: keep.union(relus).union([pool]))
        let logits = Kernels.dense(outputs[pool]!, kernel: dense.kernel, bias: dense.bias)
        return ForwardRecord(
            input: input, outputs: outputs, logits: logits.data,
            probabilities: Kernels.softmax(logits).data, shallowestIndex: lowest.index, layers: table)
    }

    /// d logit[classIndex] / d(output of each layer in `layers`), by Keras name, from one backward
    /// pass that stops after the shallowest of them. "input_layer" gives the gradient with respect
    /// to the preprocessed input. Every layer must lie within what `record` was made for.
    public func logitGradients(_ record: ForwardRecord, classIndex: Int, layers wanted: Set<String>) throws -> [String: Tensor] {
        guard let dense, let classes = architecture.classes else { throw EngineError.noClassificationTop }
        guard (0..<classes).contains(classIndex) else { throw EngineError.classOutOfRange(classIndex, classes: classes) }
        for name in wanted {
            guard let info = record.layers.first(where: { $0.name == name }) else {
                throw LayerLookupError.unknownLayer(name, suggestions: LayerLookup(layers: record.layers).suggestions(for: name))
            }
            try Self.checkGradientLayer(info)
            precondition(info.index >= record.shallowestIndex, "\(name) is shallower than the forward record supports")
        }
        let pool = record.layers.first { $0.name == MobileNetV2Architecture.poolingLayerName }!
        var pass = BackwardPass(
            model: self, record: record,
            recorder: GradientRecorder(layers: record.layers, wanted: wanted, start: pool.index))
        var oneHot = Tensor(height: 1, width: 1, channels: classes)
        oneHot.data[classIndex] = 1
        pass.run(pooledGradient: Kernels.denseBackward(oneHot, kernel: dense.kernel))
        return pass.recorder.gradients
    }

    /// Gradients of the logit exist for every layer before the global pooling; `predictions` (after
    /// softmax) and the 1x1 pooled vector have no map to explain.
    static func checkGradientLayer(_ layer: LayerInfo) throws {
        if layer.kind == .dense || layer.kind == .globalAveragePooling {
            throw EngineError.notASpatialLayer(layer.name)
        }
    }
}
