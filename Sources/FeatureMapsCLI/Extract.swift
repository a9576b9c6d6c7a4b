import ArgumentParser
import FeatureMaps
import FeatureMapsEngine

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the activations of layers as NumPy .npy files (float32, Keras's shape: (H, W, C) maps, (C,) vectors).",
        discussion: "One file per image and layer: DIR/<image stem>_<layer>.npy; each written path is printed.")

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(name: .long, help: ArgumentHelp("Comma-separated layer names (Keras names or block_N_conv1).", valueName: "L1,L2"))
    var layers: String

    @Option(name: .long, help: ArgumentHelp("Directory for the .npy files (created if missing).", valueName: "dir"))
    var out: String = "."

    @Argument(help: ArgumentHelp("JPEG or PNG images, or .npy arrays fed as they are.", valueName: "image"))
    var images: [String]

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        guard !parseLayerList(layers).isEmpty else { throw ValidationError("--layers needs at least one layer name") }
    }

    func run() throws {
        try Report.running {
            let session = try weightsOptions.openSession(inputOptions)
            let resolved = try session.resolve(layers: parseLayerList(layers))
            Report.aliases(resolved)
            try AtomicFile.prepareDirectory(out)
            let pass = NetworkPass(session: session, threads: threadOptions.count)
            var stems = OutputStems()
            return try Report.forEach(images) { path in
                let image = Report.claimStem(try session.prepare(imageAt: path), in: &stems)
                let outputs = try session.activations(image, layers: resolved, using: pass)
                for layer in resolved {
                    let file = OutputPaths.file(directory: out, stem: image.stem, layer: layer.requested, extension: "npy")
                    let value = outputs[layer.key]!
                    try AtomicFile.write(NPY.encode(float32: value.data, shape: value.shape.dims), to: file)
                    Report.output(file)
                }
            }
        }
    }
}
