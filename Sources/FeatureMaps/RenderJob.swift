import Foundation
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender

/// What `featuremaps render` does for one image: one forward pass capturing every requested layer
/// (and `predictions` for the overview), one grid PNG per layer, optionally the overview PNG.
public struct RenderJob {
    public let session: Session
    public let layers: [LayerChoice]
    public let selection: ChannelSelection
    public let columns: Int
    public let normalization: Normalization
    public let directory: String
    public let overview: Bool
    /// Called with each written path, then with each note about a grid (clamping, constant channels).
    public var wrote: (String) -> Void = { _ in }
    public var note: (String) -> Void = { _ in }

    public init(
        session: Session, layers: [LayerChoice], selection: ChannelSelection, columns: Int,
        normalization: Normalization, directory: String, overview: Bool, threads: Int = Session.defaultThreads
    ) {
        self.session = session
        self.layers = layers
        self.selection = selection
        self.columns = columns
        self.normalization = normalization
        self.directory = directory
        self.overview = overview
        pass = NetworkPass(session: session, threads: threads)
    }

    /// One forward pass (threads, buffers) reused for every image.
    private let pass: NetworkPass

    public func render(_ image: PreparedImage) throws {
        let top = overview ? try session.outputLayer() : nil
        let outputs = try session.activations(image, layers: layers + (top.map { [$0] } ?? []), using: pass)
        for layer in layers {
            let grid = try LayerPictures.grid(
                outputs[layer.key]!, layer: layer, selection: selection, columns: columns, normalization: normalization)
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
            top.map { top in
                Predictions.top(OverviewRenderer.maxPredictions, of: outputs[top.key]!.data, labels: session.labels?.custom).map {
                    OverviewPrediction(label: $0.label, probability: $0.probability)
                }
            } ?? []
        let rowSelection: ChannelSelection = {
            if case .strongest = selection { return .strongest(OverviewRenderer.channelsPerRow) }
            return .first(OverviewRenderer.channelsPerRow)
        }()
        let rows = try layers.map {
            OverviewRow(
                layerName: $0.requested, resolvedName: $0.isAlias ? $0.layer.name : nil,
                map: try LayerPictures.map(outputs[$0.key]!, $0), selection: rowSelection)
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
            (key: "Input", value: image.path), (key: session.sourceKind, value: session.sourcePath),
            (key: "Input size", value: session.inputSizeDescription),
        ]
    }
}
