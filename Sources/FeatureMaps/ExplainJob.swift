import Foundation
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender

/// The pictures `ExplainJob` makes of one image, before any file is written.
public struct ExplainPictures {
    /// The forward and backward passes' results (class, probabilities, the raw maps).
    public let explanation: Explanation
    public let explained: ExplainedClass
    /// Grad-CAM over the input (jet), when the method includes it.
    public let gradCAM: RGBImage?
    /// The saliency map (viridis), when the method includes it.
    public let saliency: RGBImage?
}

/// Which explanation pictures to make.
public enum ExplainMethod: String, CaseIterable, Sendable {
    case gradcam
    case saliency
    case both

    public var gradCAM: Bool { self != .saliency }
    public var saliency: Bool { self != .gradcam }
}

extension Session {
    /// The layer Grad-CAM uses unless told otherwise: out_relu for MobileNetV2; for a model file,
    /// the last layer whose output is an H x W x C map with H x W > 1 (the deepest map that still
    /// has places). Throws ModelFileError.noSpatialLayer when the model has none.
    public func defaultGradCAMLayer() throws -> String {
        guard model == nil else { return "out_relu" }
        let maps = layers.filter { $0.isSpatial && !["Functional", "Sequential", "Model", "InputLayer"].contains($0.className) }
        guard let last = maps.last else { throw ModelFileError.noSpatialLayer(file: sourcePath) }
        return last.name
    }

    /// The class `text` names for this model (`ImageNet.resolve`): "auto", an index, a WordNet id or a label.
    public func resolveClass(_ text: String) throws -> ClassChoice {
        guard let labels else { throw EngineError.noClassificationTop }
        if let custom = labels.custom, let i = custom.firstIndex(of: text) { return .index(i) }
        return try ImageNet.resolve(text, classes: labels.count)
    }
}

/// What `featuremaps explain` does for one image: one forward pass and one backward pass of the
/// chosen class's logit (to the layer for Grad-CAM alone, to the input when a saliency map is
/// wanted), then the pictures and, with `writeNPY`, the raw maps. Files, in `directory`:
///   <stem>_gradcam_<layer>.png / .npy    Grad-CAM (npy: float32 HxW at the layer's size, before ReLU)
///   <stem>_saliency.png / .npy           saliency (npy: float32 HxW at the input size)
///   <stem>_top_channels_<layer>.png      with `topChannels`
public struct ExplainJob {
    public let session: Session
    public let classChoice: ClassChoice
    public let layer: LayerChoice
    public let method: ExplainMethod
    /// How many channels the top-channels grid shows; nil for no grid.
    public let topChannels: Int?
    public let columns: Int
    public let directory: String
    public let writeNPY: Bool
    /// Threads of the forward and backward passes.
    public let threads: Int
    /// Called with each written path, then with a one-line summary of each image.
    public var wrote: (String) -> Void = { _ in }
    public var note: (String) -> Void = { _ in }

    /// Throws `EngineError.noClassificationTop` for weights without the top and `notASpatialLayer`
    /// for a layer that has no map (the pooled vector, `predictions`).
    public init(
        session: Session, classChoice: ClassChoice, layer: LayerChoice, method: ExplainMethod,
        topChannels: Int?, columns: Int = 4, directory: String = ".", writeNPY: Bool = false, threads: Int = Session.defaultThreads
    ) throws {
        self.threads = threads
        guard session.labels != nil else { throw EngineError.noClassificationTop }
        if !layer.layer.isSpatial { throw EngineError.notASpatialLayer(layer.requested) }
        self.session = session
        self.classChoice = classChoice
        self.layer = layer
        self.method = method
        self.topChannels = topChannels
        self.columns = columns
        self.directory = directory
        self.writeNPY = writeNPY
    }

    /// The pictures of one image, in memory: Grad-CAM when the method asks for it, saliency when
    /// it asks for that, and the class explained. `explain` writes these same pictures.
    public func pictures(_ image: PreparedImage) throws -> ExplainPictures {
        let needsLayer = method.gradCAM || topChannels != nil
        let e = try explanation(image, gradCAMLayer: needsLayer ? layer.key : nil)
        let classes = e.probabilities.count
        let imageNet = session.labels?.imageNetClass(e.classIndex)
        let explained = ExplainedClass(
            index: e.classIndex, label: session.labels?.label(e.classIndex) ?? "class \(e.classIndex)", wordNetID: imageNet?.wordNetID,
            probability: e.probability, logit: e.logit, rank: 1 + e.probabilities.filter { $0 > e.probability }.count)
        let title = URL(fileURLWithPath: image.path).lastPathComponent
        let gradCAM = try e.gradCAM.flatMap { cam in
            method.gradCAM
                ? try ExplainRenderer.gradCAM(cam, input: image.networkImage, explained: explained, classes: classes, title: title).image : nil
        }
        let saliency = try e.saliency.map {
            try ExplainRenderer.saliency($0, input: image.networkImage, explained: explained, classes: classes, title: title).image
        }
        return ExplainPictures(explanation: e, explained: explained, gradCAM: gradCAM, saliency: saliency)
    }

    public func explain(_ image: PreparedImage) throws {
        let pictures = try pictures(image)
        let (e, explained) = (pictures.explanation, pictures.explained)
        let classes = e.probabilities.count
        let imageNet = session.labels?.imageNetClass(e.classIndex)
        let title = URL(fileURLWithPath: image.path).lastPathComponent
        let layerText = layer.isAlias ? "\(layer.requested) = \(layer.layer.name)" : layer.layer.name
        let classText =
            imageNet.map(ImageNet.describe) ?? (session.labels?.custom == nil ? "class \(e.classIndex)" : "\(e.classIndex) \(explained.label)")
        note(
            "\(title): explaining \(classText), probability \(String(format: "%.2f%%", Double(e.probability) * 100)), "
                + "rank \(explained.rank), logit \(String(format: "%.3f", Double(e.logit)))")

        if let picture = pictures.gradCAM, let cam = e.gradCAM {
            try write(
                picture, image, name: "gradcam_" + layer.requested,
                text: [
                    ("Method", "Grad-CAM (jet, opacity \(ExplainRenderer.overlayOpacity))"), ("Layer", layerText),
                ], explained: explained, classText: classText)
            if writeNPY {
                try writeArray(cam.map, shape: [cam.height, cam.width], image, name: "gradcam_" + layer.requested)
            }
        }
        if let picture = pictures.saliency, let s = e.saliency {
            try write(
                picture, image, name: "saliency",
                text: [
                    (
                        "Method",
                        "saliency: max over \(session.inputShape[2] == 3 ? "RGB" : "the channels") of |d logit / d input|, input " + inputDescription
                    )
                ], explained: explained, classText: classText)
            if writeNPY { try writeArray(s.values, shape: [s.height, s.width], image, name: "saliency") }
        }
        if let n = topChannels, let cam = e.gradCAM {
            let grid = try ExplainRenderer.topChannels(
                cam, count: n, columns: columns, explained: explained, classes: classes,
                title: title)
            try write(
                grid.image, image, name: "top_channels_" + layer.requested,
                text: [
                    ("Method", "top channels by gradient x activation"), ("Layer", layerText),
                    ("Channels", ChannelList.describe(grid.channels) + " (0-based, largest contribution first)"),
                ], explained: explained, classText: classText)
            if grid.channels.count < n {
                note("\(layer.requested) has \(grid.channels.count) channels, fewer than the \(n) asked for; showing all")
            }
        }
    }

    /// What the input of the saliency's gradient is.
    private var inputDescription: String {
        switch session.preprocessing {
        case .tf: return "preprocessed to [-1, 1]"
        case .caffe: return "preprocessed as caffe (BGR minus the ImageNet mean)"
        case .torch: return "preprocessed as torch (ImageNet mean and std)"
        case .none: return "as given (pixels 0..255 or the .npy array)"
        }
    }

    /// The graph's backward pass (GraphGradient), MobileNetV2's as any model file's.
    private func explanation(_ image: PreparedImage, gradCAMLayer: String?) throws -> Explanation {
        let shape = [image.tensor.height, image.tensor.width, image.tensor.channels]
        let driver = GraphGradient(graph: try session.graph(for: shape), threads: threads, kernels: .fast)
        return try driver.explain(
            [NDArray(shape: Shape(shape), data: image.tensor.data)], class: classChoice, gradCAMLayer: gradCAMLayer,
            saliency: method.saliency)
    }

    private func write(
        _ picture: RGBImage, _ image: PreparedImage, name: String, text: [(String, String)],
        explained: ExplainedClass, classText: String
    ) throws {
        let path = OutputPaths.file(directory: directory, stem: image.stem, layer: name, extension: "png")
        try PNGOutput.write(
            picture, to: path,
            text: text.map { (key: $0.0, value: $0.1) } + [
                (key: "Class", value: classText),
                (key: "Probability", value: String(format: "%.6f", Double(explained.probability))),
                (key: "Logit", value: String(explained.logit)),
                (key: "Input", value: image.path), (key: session.sourceKind, value: session.sourcePath),
                (key: "Input size", value: session.inputSizeDescription),
            ])
        wrote(path)
    }

    private func writeArray(_ values: [Float], shape: [Int], _ image: PreparedImage, name: String) throws {
        let path = OutputPaths.file(directory: directory, stem: image.stem, layer: name, extension: "npy")
        try AtomicFile.write(NPY.encode(float32: values, shape: shape), to: path)
        wrote(path)
    }
}
