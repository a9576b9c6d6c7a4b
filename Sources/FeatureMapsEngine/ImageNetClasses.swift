// The 1000 ImageNet classes in Keras's class order (0 = n01440764 tench), parsed once from the
// generated `imageNetLabelTable` (ImageNetLabels.swift, made by Scripts/make_labels.py).

public struct ImageNetClass: Sendable, Equatable {
    public let index: Int
    /// WordNet id, e.g. "n02124075". The only way to tell the two "crane" classes apart.
    public let wordNetID: String
    /// The first lemma, e.g. "Egyptian cat".
    public let label: String
    /// All lemmas, e.g. "tabby, tabby cat".
    public let lemmas: String
}

public enum ImageNet {
    /// The classes, by index.
    public static let classes: [ImageNetClass] = imageNetLabelTable.split(separator: "\n").enumerated().map { i, line in
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        require(fields.count == 3, "ImageNetLabels.swift line \(i + 1) must have 3 tab-separated fields")
        return ImageNetClass(index: i, wordNetID: fields[0], label: fields[1], lemmas: fields[2])
    }
}

/// One entry of a top-K list, as Keras's `decode_predictions` gives it plus rank and index.
public struct Prediction: Sendable, Equatable {
    public let rank: Int  // 1-based
    public let classIndex: Int
    /// The probability (or, for a model without softmax, the raw score).
    public let probability: Float
    /// The class's name: the user's label, ImageNet's, or "class N".
    public let label: String
    /// Nil when the model's classes are not the 1000 ImageNet classes.
    public let imageNetClass: ImageNetClass?
}

public enum Predictions {
    /// The `k` most probable classes, most probable first (ties: lower index first). Named by
    /// `labels` (one per class) when given, else ImageNet's when there are exactly 1000 classes,
    /// else "class N".
    public static func top(_ k: Int, of probabilities: [Float], labels: [String]? = nil) -> [Prediction] {
        let order = probabilities.indices.sorted {
            probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1
        }
        let imageNet = labels == nil && probabilities.count == ImageNet.classes.count
        return order.prefix(max(0, k)).enumerated().map { rank, index in
            Prediction(
                rank: rank + 1, classIndex: index, probability: probabilities[index],
                label: labels?[index] ?? (imageNet ? ImageNet.classes[index].label : "class \(index)"),
                imageNetClass: imageNet ? ImageNet.classes[index] : nil)
        }
    }
}
