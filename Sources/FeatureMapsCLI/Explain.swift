import ArgumentParser
import FeatureMaps
import FeatureMapsEngine

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which parts of an image and which channels drove a prediction (Grad-CAM, saliency).",
        discussion: """
            Grad-CAM: the channels of a layer weighted by the mean gradient of the class logit (before \
            softmax), summed, ReLU, upsampled bilinearly and drawn in matplotlib's jet over the input at \
            opacity 0.5. Saliency: max over R, G, B of |d logit / d input| (input preprocessed to [-1, 1]), \
            in viridis. Files: DIR/<image stem>_gradcam_<layer>.png, _saliency.png, \
            _top_channels_<layer>.png; with --npy also _gradcam_<layer>.npy (float32 HxW at the layer's \
            size, before ReLU) and _saliency.npy (float32 HxW at the input size). Each written path is printed.
            """)

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var inputOptions: InputOptions

    @Option(
        name: .customLong("class"),
        help: ArgumentHelp(
            "The class to explain: auto (the most probable), an index (88), a WordNet id (n01818515) or a label (macaw).",
            valueName: "auto|index|name"))
    var classQuery = "auto"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Layer for Grad-CAM and --top-channels (Keras name or block_N_conv1). Default: out_relu; with --model, "
                + "the last layer whose map is larger than 1x1 (said on stderr).",
            valueName: "layer"))
    var layer: String?

    @Option(name: .long, help: ArgumentHelp("gradcam, saliency or both.", valueName: "method"))
    var method: ExplainMethod = .both

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also draw the N channels of the layer that contributed most (gradient x activation).",
            valueName: "N"))
    var topChannels: Int?

    @Option(name: .long, help: ArgumentHelp("Directory for the outputs (created if missing).", valueName: "dir"))
    var out = "."

    @Flag(name: .long, help: "Also write the raw maps as .npy (float32).")
    var npy = false

    @Argument(help: ArgumentHelp("JPEG or PNG images.", valueName: "image"))
    var images: [String]

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image to explain") }
        if let topChannels, topChannels < 1 { throw ValidationError("--top-channels \(topChannels) must be at least 1") }
        if classQuery.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--class is empty; give auto, an index, a WordNet id or a label")
        }
    }

    func run() throws {
        try Report.running {
            let session = try weightsOptions.openSession(inputOptions)
            let name = try layer ?? session.defaultGradCAMLayer()
            if layer == nil && session.model == nil { Report.note("Grad-CAM at \(name), the last map larger than 1x1 (pick another with --layer)") }
            let resolved = try session.resolve(layers: [name])[0]
            Report.aliases([resolved])
            var job = try ExplainJob(
                session: session, classChoice: try session.resolveClass(classQuery), layer: resolved,
                method: method, topChannels: topChannels, directory: out, writeNPY: npy)
            try AtomicFile.prepareDirectory(out)
            job.wrote = Report.output
            job.note = Report.note
            var stems = OutputStems()
            return try Report.forEach(images) { try job.explain(Report.claimStem(session.prepare(imageAt: $0), in: &stems)) }
        }
    }
}

extension ExplainMethod: ExpressibleByArgument {}
