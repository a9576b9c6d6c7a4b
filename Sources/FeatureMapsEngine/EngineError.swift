import Foundation

/// Everything the engine can refuse. Messages are one line that names the value and what to do;
/// the caller adds the file name.
public enum EngineError: Error, Equatable, Sendable {
    /// A layer MobileNetV2 needs is absent. `found` lists a few layer names that are there.
    case missingLayer(String, found: [String])
    case missingWeight(layer: String, weight: String, found: [String])
    case shapeMismatch(layer: String, weight: String, expected: [Int], found: [Int])
    /// NaN or infinity among a weight's values.
    case nonFiniteWeight(layer: String, weight: String, index: Int)
    case inputTooSmall(height: Int, width: Int)
    case inputShapeMismatch(expected: String, found: String)
    /// `predictions` was asked for, but the weights have no classification top (a `_no_top` file).
    case noClassificationTop
    /// A class index outside 0..<classes.
    case classOutOfRange(Int, classes: Int)
    /// A class name no ImageNet label matches; `suggestions` are the closest "index label (wnid)" entries.
    case unknownClass(String, suggestions: [String])
    /// A class name several ImageNet classes share (e.g. "crane"); `candidates` as "index label (wnid)".
    case ambiguousClass(String, candidates: [String])
    /// A layer without a spatial map, which has no Grad-CAM (the pooled vector, `predictions`).
    case notASpatialLayer(String)
}

extension EngineError: LocalizedError {
    public var errorDescription: String? {
        func dims(_ s: [Int]) -> String { "(" + s.map(String.init).joined(separator: ", ") + ")" }
        switch self {
        case .missingLayer(let layer, let found):
            let list = found.isEmpty ? "no layers at all" : "layers such as " + found.prefix(4).joined(separator: ", ")
            return "no layer '\(layer)': this is not a Keras MobileNetV2 weights file (it has \(list)); "
                + "use mobilenet_v2_weights_tf_dim_ordering_tf_kernels_<alpha>_<rows>.h5"
        case .missingWeight(let layer, let weight, let found):
            return "layer '\(layer)' has no weight '\(weight)' (it has \(found.isEmpty ? "none" : found.joined(separator: ", "))); "
                + "the file is not a complete MobileNetV2 weights file"
        case .shapeMismatch(let layer, let weight, let expected, let found):
            return "layer '\(layer)' weight '\(weight)' has shape \(dims(found)), MobileNetV2 needs \(dims(expected)); "
                + "the file does not match the architecture"
        case .nonFiniteWeight(let layer, let weight, let index):
            return "layer '\(layer)' weight '\(weight)' holds NaN or infinity (value #\(index)); the file is damaged, get a fresh copy"
        case .inputTooSmall(let h, let w):
            return "input size \(h)x\(w) is too small: MobileNetV2 needs at least 32x32 pixels"
        case .inputShapeMismatch(let expected, let found):
            return "input tensor has shape \(found), expected \(expected) (RGB)"
        case .noClassificationTop:
            return "these weights have no classification top (a _no_top file): they cannot classify; "
                + "use a file with the top, or look at layers up to out_relu"
        case .classOutOfRange(let index, let classes):
            return "class \(index) does not exist: the model has classes 0 to \(classes - 1); give an index in that range or a name"
        case .unknownClass(let name, let suggestions):
            let hint = suggestions.isEmpty ? "" : " Closest: " + suggestions.joined(separator: "; ") + "."
            return "no ImageNet class is called '\(name)'.\(hint) Give a label, a WordNet id (n01818515) or an index (88)"
        case .ambiguousClass(let name, let candidates):
            return "'\(name)' names \(candidates.count) ImageNet classes: " + candidates.joined(separator: "; ")
                + ". Give the WordNet id or the index instead"
        case .notASpatialLayer(let name):
            return "'\(name)' has no spatial map to explain; pick a layer before global_average_pooling2d, "
                + "e.g. out_relu or block_13_expand_relu"
        }
    }
}
