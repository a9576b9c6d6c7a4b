import ArgumentParser
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsRender

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the feature maps of layers as labelled viridis grids (PNG).",
        discussion: """
            One PNG per image and layer, DIR/<image stem>_<layer>.png; each written path is printed. \
            With no image, the classroom notebook's built-in test image is used. Defaults reproduce the \
            lab: block_1_conv1, block_3_conv1, block_6_conv1, first 16 channels, 4 columns.
            """)

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Comma-separated layer names (Keras names or block_N_conv1). Default: block_1_conv1,block_3_conv1,block_6_conv1; "
                + "with --model, an early, a middle and a deep feature map of the model (said on stderr).",
            valueName: "L1,L2"))
    var layers: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How many channels per layer (default 16).", valueName: "N"))
    var channels: Int?

    @Option(name: .long, help: ArgumentHelp("Exactly these channels, 0-based: 0,5,9-12.", valueName: "list"))
    var channelList: String?

    @Option(name: .long, help: ArgumentHelp("first: channels 0, 1, 2, ...; strongest: largest mean activation first.", valueName: "first|strongest"))
    var select: SelectionMode = .first

    @Option(name: .long, parsing: .unconditional, help: "Tiles per row.")
    var columns = 4

    @Option(
        name: .long, help: ArgumentHelp("channel: each tile scaled to its own min..max; layer: one range for the grid.", valueName: "channel|layer"))
    var normalize: Normalization = .channel

    @Option(name: .long, help: ArgumentHelp("Directory for the PNGs (created if missing).", valueName: "dir"))
    var out = "."

    @Flag(name: .long, help: "Also write DIR/<image stem>_overview.png: input, top-3 classes, 6 channels of every layer.")
    var overview = false

    @Argument(help: ArgumentHelp("JPEG or PNG images (none: the built-in test image).", valueName: "image"))
    var images: [String] = []

    func validate() throws {
        if let layers, parseLayerList(layers).isEmpty { throw ValidationError("--layers needs at least one layer name") }
        guard columns >= 1 else { throw ValidationError("--columns \(columns) must be at least 1") }
        if let channels, channels < 1 { throw ValidationError("--channels \(channels) must be at least 1") }
        if let channels, let channelList {
            throw ValidationError("--channels \(channels) and --channel-list \(channelList) were both given; give only one of them")
        }
        _ = try selection()
    }

    func selection() throws -> ChannelSelection {
        do {
            return try ChannelSelection(count: channels, list: channelList, mode: select)
        } catch let e as RenderError {
            throw ValidationError(e.localizedDescription)
        }
    }

    func run() throws {
        try Report.running {
            let session = try weightsOptions.openSession(inputOptions)
            let names = layers.map(parseLayerList) ?? Self.defaultLayers(session)
            if layers == nil && session.model == nil { Report.note("rendering \(names.joined(separator: ", ")) (pick others with --layers)") }
            let resolved = try session.resolve(layers: names)
            Report.aliases(resolved)
            try AtomicFile.prepareDirectory(out)
            var job = RenderJob(
                session: session, layers: resolved, selection: try selection(), columns: columns,
                normalization: normalize, directory: out, overview: overview,
                threads: threadOptions.count)
            job.wrote = Report.output
            job.note = Report.note
            if images.isEmpty {
                try job.render(session.prepare(BuiltInImage.notebookTestImage(), path: BuiltInImage.name))
                return .success
            }
            var stems = OutputStems()
            return try Report.forEach(images) { try job.render(Report.claimStem(session.prepare(imageAt: $0), in: &stems)) }
        }
    }
}

extension Render {
    /// The lab's layers for MobileNetV2; for a model file, an early, a middle and a deep layer
    /// with a spatial map (the first, middle and last of the layers whose output is H x W x C
    /// with H, W > 1, that are not InputLayer, padding or a nested model's own row).
    static func defaultLayers(_ session: Session) -> [String] {
        guard session.model == nil else { return ["block_1_conv1", "block_3_conv1", "block_6_conv1"] }
        let maps = session.layers.filter {
            $0.isSpatial && !["InputLayer", "ZeroPadding2D", "Functional", "Sequential", "Model"].contains($0.className)
        }
        guard !maps.isEmpty else { return session.layers.last.map { [$0.name] } ?? [] }
        let picks = [0, maps.count / 2, maps.count - 1].map { maps[$0].name }
        return picks.enumerated().filter { !picks[..<$0.offset].contains($0.element) }.map(\.element)
    }
}

extension SelectionMode: ExpressibleByArgument {}
extension Normalization: ExpressibleByArgument {}
