import Foundation

// Grad-CAM and saliency for any graph, with the same definitions (and types) as the MobileNetV2
// path (Backward/Explanation.swift), as Keras's oracles compute them (Fixtures/zoo/*/explain/):
//   gradient   G = d logit[class] / d A, A = the layer's output (H, W, C)
//   weights    mean over (y, x) of G, (C)
//   map        sum_c weights[c] * A[..., c], (H, W), BEFORE the ReLU (GradCAM.heatmap applies it)
//   saliency   max over the input channels of |d logit[class] / d input|, (H, W), for the input as
//              the model takes it (no preprocessing undone)
// The logit is the value before the final softmax (LogitSource.swift).

extension GraphGradient {
    /// One forward and one backward pass of the chosen class's logit at `output` (default the model's
    /// first), down to `gradCAMLayer` (a layer name with an (H, W, C) output) and, with `saliency`,
    /// to the model input, which must then be one (H, W, C) map. `probabilities` are the softmax of
    /// the logits.
    public func explain(
        _ inputs: [NDArray], class choice: ClassChoice, gradCAMLayer: String?, saliency: Bool, output: String? = nil
    ) throws -> Explanation {
        if let gradCAMLayer {
            let shape = graph.shape(of: try graph.value(named: gradCAMLayer))
            guard shape.rank == 3, shape.count > 0 else { throw GradientError.notSpatial(layer: gradCAMLayer, shape: shape) }
        }
        if saliency {
            let shapes = graph.inputs.map(graph.shape(of:))
            guard shapes.count == 1, shapes[0].rank == 3 else { throw GradientError.inputNotMap(shapes: shapes) }
        }
        let names = gradCAMLayer.map { [$0] } ?? []
        let r = try run(inputs, class: choice, output: output, at: names, inputGradients: saliency)
        let cam = gradCAMLayer.map { name in
            GradCAM(layer: name, activation: r.values[name]!.tensor!, gradient: r.gradients[name]!.tensor!)
        }
        var probabilities = r.logits
        if probabilities.shape.rank > 0 { Softmax.apply(to: &probabilities, axis: probabilities.shape.rank - 1) }
        return Explanation(
            classIndex: r.classIndex, logits: r.logits.data, probabilities: probabilities.data, gradCAM: cam,
            saliency: saliency ? SaliencyMap(inputGradient: r.inputGradients[0].tensor!) : nil)
    }
}
