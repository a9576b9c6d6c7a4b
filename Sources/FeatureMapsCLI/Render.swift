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

    @Option(name: .long, help: ArgumentHelp("Comma-separated layer names (Keras names or block_N_conv1).", valueName: "L1,L2"))
    var layers = "block_1_conv1,block_3_conv1,block_6_conv1"

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
        guard !parseLayerList(layers).isEmpty else { throw ValidationError("--layers needs at least one layer name") }
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
            let session = try weightsOptions.openSession(inputSize: inputOptions.inputSize)
            let resolved = try session.resolve(layers: parseLayerList(layers))
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

extension SelectionMode: ExpressibleByArgument {}
extension Normalization: ExpressibleByArgument {}
