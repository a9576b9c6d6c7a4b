import Foundation
import FeatureMapsEngine
import FeatureMapsImages
import FeatureMapsRender

/// What `featuremaps visualize` does: for each channel, a picture optimized to excite it
/// (FeatureVisualizer), written as soon as it is done; then the labelled grid. Files, in `directory`:
///   <layer>_ch<N>.png       the picture, 8-bit RGB at the network's input size (a grey input: R = G = B)
///   <layer>_ch<N>.npy       with `writeNPY`: float32 H x W x C, pixels 0..255 before rounding
///   <layer>_visualize.png   the grid (VisualizationGrid)
/// Every file is written whole (AtomicFile) or not at all.
public struct VisualizeJob {
    public let session: Session
    public let layer: LayerChoice
    public let channels: [Int]
    public let seed: UInt64
    public let directory: String
    public let writeNPY: Bool
    public let visualizer: FeatureVisualizer
    /// Called with each written path.
    public var wrote: (String) -> Void = { _ in }

    /// What one finished channel reports.
    public struct Finished {
        public let channel: Int
        public let index: Int
        public let activation: Float
        public let firstStep: Float
        public let seconds: Double
    }

    /// Checks everything before anything runs: the layer has channels, each one exists, steps >= 1,
    /// the network can be built at `size` x `size` (nil: the model's input size).
    public init(
        session: Session, layer: LayerChoice, channels: [Int], settings: VisualizationSettings, seed: UInt64, size: Int?,
        directory: String, writeNPY: Bool, threads: Int = Session.defaultThreads
    ) throws {
        let shape = size.map { [$0, $0, session.inputShape[2]] } ?? session.inputShape
        visualizer = try FeatureVisualizer(
            graph: try session.graph(for: shape), layer: layer.key, preprocessing: session.preprocessing, settings: settings, threads: threads)
        for c in channels where c >= visualizer.channelCount {
            throw VisualizationError.channelOutOfRange(channel: c, layer: layer.requested, channels: visualizer.channelCount)
        }
        self.session = session
        self.layer = layer
        self.channels = channels
        self.seed = seed
        self.directory = directory
        self.writeNPY = writeNPY
    }

    /// Runs every channel; `step`(channel, step) after each optimization step, `finished` after each channel.
    public func run(step: @escaping (Int, Int) -> Void = { _, _ in }, finished: (Finished) -> Void = { _ in }) throws {
        var tiles: [VisualizationTile] = []
        let steps = visualizer.settings.steps
        for (index, channel) in channels.enumerated() {
            let start = Date()
            let picture = try visualizer.visualize(channel: channel, seed: seed) { step(channel, $0) }
            let bytes = picture.bytes
            let activation = try visualizer.activation(bytes: bytes, channel: channel)
            let image = Self.rgb(bytes, picture)
            let name = OutputPaths.safe(layer.requested) + "_ch\(channel)"
            try PNGOutput.write(
                image, to: path(name, "png"),
                text: metadata([
                    ("Channel", "\(channel)"), ("Activation", "\(activation) (mean of the channel for this PNG, preprocessed as a photo)"),
                ]))
            wrote(path(name, "png"))
            if writeNPY {
                try AtomicFile.write(
                    NPY.encode(float32: picture.pixels, shape: [picture.height, picture.width, picture.channels]), to: path(name, "npy"))
                wrote(path(name, "npy"))
            }
            tiles.append(VisualizationTile(channel: channel, activation: activation, steps: steps, image: image))
            finished(
                Finished(
                    channel: channel, index: index, activation: activation, firstStep: picture.history[0], seconds: Date().timeIntervalSince(start)))
        }
        let grid = try VisualizationGrid.render(tiles, layer: layerText, method: methodLines, columns: min(4, tiles.count))
        let gridPath = path(OutputPaths.safe(layer.requested) + "_visualize", "png")
        try PNGOutput.write(grid, to: gridPath, text: metadata([("Channels", ChannelList.describe(channels))]))
        wrote(gridPath)
    }

    private var layerText: String { layer.isAlias ? "\(layer.requested) = \(layer.layer.name)" : layer.layer.name }

    /// The grid's header lines: how the pictures were made.
    var methodLines: [String] {
        let s = visualizer.settings
        return [
            "gradient ascent on each channel's mean (Lucid): Fourier-basis image, decorrelated colour, sigmoid",
            "Adam lr \(s.learningRate), \(s.steps) steps; each step jitter +-\(ValueText.short(s.jitter)) px, scale +-\(ValueText.short(s.scaleRange)), "
                + "rotation +-\(ValueText.short(s.degrees)) deg; seed \(seed); \(visualizer.inputShape[1])x\(visualizer.inputShape[0]) input",
        ]
    }

    private func metadata(_ extra: [(String, String)]) -> [(key: String, value: String)] {
        (extra + [("Layer", layerText), ("Method", methodLines.joined(separator: "; "))]).map { (key: $0.0, value: $0.1) } + [
            (key: session.sourceKind, value: session.sourcePath)
        ]
    }

    private func path(_ name: String, _ ext: String) -> String {
        directory == "." || directory.isEmpty ? "\(name).\(ext)" : (directory.hasSuffix("/") ? directory : directory + "/") + "\(name).\(ext)"
    }

    /// 8-bit RGB: the picture as it is for 3 channels, the first channel as grey otherwise.
    static func rgb(_ bytes: [UInt8], _ p: VisualizedChannel) -> RGBImage {
        guard p.channels != 3 else { return RGBImage(width: p.width, height: p.height, pixels: bytes) }
        var out = [UInt8](repeating: 0, count: p.width * p.height * 3)
        for i in 0..<(p.width * p.height) { for k in 0..<3 { out[i * 3 + k] = bytes[i * p.channels] } }
        return RGBImage(width: p.width, height: p.height, pixels: out)
    }
}

/// Short numbers for header text: 8, 0.1.
enum ValueText {
    static func short(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
