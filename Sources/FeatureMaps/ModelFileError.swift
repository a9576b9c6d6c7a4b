import Foundation
import FeatureMapsEngine

/// What a user's model file, labels file or input array can be refused for, beyond the reader's
/// ModelError: one line naming the file and what to do.
public enum ModelFileError: Error, Equatable, Sendable {
    /// The graph could not be built (a layer's config, a shape, a weight the engine checks).
    case graph(file: String, GraphError)
    case weightsOnly(file: String)
    case inputCount(file: String, count: Int)
    case notAnImageModel(file: String, declared: String)
    case fixedInputSize(file: String, declared: String, given: Int)
    case preprocessingNeedsRGB(mode: String, channels: Int)
    case labelsUnreadable(file: String, reason: String)
    case labelsCount(file: String, count: Int, classes: Int)
    case labelsWithoutClasses(file: String)
    case arrayShape(file: String, shape: [Int], expected: String)
    case arrayUnreadable(file: String, reason: String)
    case noVectorOutput(shape: String)
    case notAMap(layer: String, shape: String)
    case noSpatialLayer(file: String)
}

extension ModelFileError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case .graph(let f, let e): return "model file '\(f)': \(e.localizedDescription)"
        case .weightsOnly(let f):
            return "'\(f)' holds only weights (a Keras applications weights file, no architecture); give it with --weights, not --model"
        case .inputCount(let f, let n):
            return "model file '\(f)' has \(n) inputs; featuremaps feeds one image, give a model with one input"
        case .notAnImageModel(let f, let d):
            return "model file '\(f)' takes input shape \(d), not an image (height, width, channels); featuremaps runs image models"
        case .fixedInputSize(let f, let d, let n):
            return "model file '\(f)' takes inputs of shape \(d); --input-size \(n) does not fit it, leave --input-size out"
        case .preprocessingNeedsRGB(let mode, let c):
            return "--preprocess \(mode) needs an RGB model, this one takes \(c) channel(s); use --preprocess tf or none"
        case .labelsUnreadable(let f, let r): return "labels file '\(f)' cannot be read (\(r)); give a text file, one label per line, or a JSON list"
        case .labelsCount(let f, let n, let classes):
            return "labels file '\(f)' has \(n) labels, the model has \(classes) classes; give one label per class, in class order"
        case .labelsWithoutClasses(let f):
            return "--labels '\(f)' was given, but the model's output is not a vector of classes; leave --labels out"
        case .arrayShape(let f, let s, let e):
            return "array '\(f)' has shape (" + s.map(String.init).joined(separator: ", ") + "), the model takes \(e); "
                + "save the array with that shape (a batch axis of 1 may lead)"
        case .arrayUnreadable(let f, let r): return "array '\(f)' cannot be read: \(r); save it with numpy.save as float32"
        case .noVectorOutput(let s):
            return "the model's output has shape \(s), not a vector of classes; it cannot classify, look at its layers with render or extract"
        case .noSpatialLayer(let f):
            return "model file '\(f)' has no layer with a map larger than 1x1, so no Grad-CAM; use --method saliency"
        case .notAMap(let l, let s):
            return "layer '\(l)' has shape \(s); render draws maps (H, W, C) and vectors (C,), pick another layer or use extract"
        }
    }
}
