import Foundation
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender

/// What `featuremaps render` does for one image: one forward pass capturing every requested layer
/// (and `predictions` for the overview), one grid PNG per layer, optionally the overview PNG.
public struct RenderJob {
    public let session: Session
    public let layers: [ResolvedLayer]
    public let selection: ChannelSelection
    public let columns: Int
    public let normalization: Normalization
    public let directory: String
    public let overview: Bool
    /// Called with each written path, then with each note about a grid (clamping, constant channels).
    public var wrote: (String) -> Void = { _ in }
    public var note: (String) -> Void = { _ in }

    public init(
        session: Session, layers: [ResolvedLayer], selection: ChannelSelection, columns: Int,
        normalization: Normalization, directory: String, overview: Bool, threads: Int = Session.defaultThreads
    ) {
        self.session = session
        self.layers = layers
        self.selection = selection
        self.columns = columns
        self.normalization = normalization
        self.directory = directory
        self.overview = overview
        pass = ForwardPass(model: session.model, threads: threads)
    }

    /// One forward pass (threads, buffers) reused for every image.
    private let pass: ForwardPass

    public func render(_ image: PreparedImage) throws {
        let hasTop = session.model.architecture.classes != nil
        var capture = layers
        if overview && hasTop { capture.append(try session.layerLookup.resolve("predictions")) }
        let outputs = try session.activations(image, layers: capture, using: pass)
        for layer in layers {
            let spec = GridSpec(
                layerName: layer.requested, resolvedName: layer.isAlias ? layer.layer.name : nil,
                selection: selection, normalization: normalization, columns: columns)
            let grid = try GridRenderer.render(outputs[layer.layer.name]!, spec: spec)
            let path = OutputPaths.file(directory: directory, stem: image.stem, layer: layer.requested, extension: "png")
            try PNGOutput.write(
                grid.image, to: path,
                text: metadata(
                    image,
                    extra: [
                        ("Layer", layer.isAlias ? "\(layer.requested) = \(layer.layer.name)" : layer.layer.name),
                        ("Channels", ChannelList.describe(grid.channels) + " (0-based; " + selection.summary + ")"),
                        ("Normalization", normalization.summary),
                    ]))
            wrote(path)
            grid.notes.forEach { note($0.description) }
        }
        guard overview else { return }
        let predictions =
            hasTop
            ? Predictions.top(OverviewRenderer.maxPredictions, of: outputs["predictions"]!.data).map {
                OverviewPrediction(label: $0.imageNetClass?.label ?? "class \($0.classIndex)", probability: $0.probability)
            } : []
        let rowSelection: ChannelSelection = {
            if case .strongest = selection { return .strongest(OverviewRenderer.channelsPerRow) }
            return .first(OverviewRenderer.channelsPerRow)
        }()
        let rows = layers.map {
            OverviewRow(
                layerName: $0.requested, resolvedName: $0.isAlias ? $0.layer.name : nil,
                map: outputs[$0.layer.name]!, selection: rowSelection)
        }
        let picture = try OverviewRenderer.render(
            input: image.networkImage, predictions: predictions, rows: rows,
            title: URL(fileURLWithPath: image.path).lastPathComponent)
        let path = OutputPaths.file(directory: directory, stem: image.stem, layer: "overview", extension: "png")
        try PNGOutput.write(
            picture, to: path,
            text: metadata(
                image,
                extra: [
                    ("Layers", layers.map(\.layer.name).joined(separator: ",")),
                    ("Channels", rowSelection.summary), ("Normalization", Normalization.channel.summary),
                ]))
        wrote(path)
    }

    private func metadata(_ image: PreparedImage, extra: [(String, String)]) -> [(key: String, value: String)] {
        extra.map { (key: $0.0, value: $0.1) } + [
            (key: "Input", value: image.path), (key: "Weights", value: session.weights.path),
            (key: "Input size", value: "\(session.inputSize)x\(session.inputSize)"),
        ]
    }
}
