import ArgumentParser
import FeatureMaps
import FeatureMapsWeights
import FeatureMapsEngine

/// Which network runs and how it is fed; shared by every command that runs the network.
struct WeightsOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Your own Keras model: a .keras file or a full-model .h5 (model.save). Default: MobileNetV2 from --weights.",
            valueName: "file"))
    var model: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Class names, in class order: one per line, or a JSON list. Default: ImageNet's for 1000 classes.", valueName: "file"))
    var labels: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Keras's preprocess_input mode for images: tf (x/127.5-1), caffe (BGR minus mean), torch, none (0..255). "
                + "Default: MobileNetV2 tf; a model file: none when it preprocesses inside, else by its Keras application name.",
            valueName: "mode"))
    var preprocess: Preprocessing?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Keras MobileNetV2 weights (.h5). Default: $FEATUREMAPS_WEIGHTS, then the Keras cache, then a download into it.",
            valueName: "file"))
    var weights: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Width of Keras's ImageNet weights to take from the Keras cache or download: 0.35, 0.5, 0.75, 1.0 (default), 1.3, 1.4.",
            valueName: "alpha"))
    var alpha: String?

    @Flag(name: .long, help: "Never download weights (as FEATUREMAPS_OFFLINE=1); say what to do instead.")
    var offline = false

    func validate() throws {
        if alpha != nil && weights != nil { throw ValidationError("give either --alpha or --weights, not both") }
        if let model, weights != nil || alpha != nil {
            throw ValidationError("--model \(model) holds its own weights; leave out \(weights != nil ? "--weights" : "--alpha")")
        }
        if model == nil, let preprocess, preprocess != .tf {
            throw ValidationError("--preprocess \(preprocess.rawValue) applies to --model files; MobileNetV2 weights are fed as Keras does (tf)")
        }
        _ = try variant()
    }

    /// Keras's file for --alpha (1.0 by default), 224 x 224, with the classification top.
    func variant() throws -> WeightsVariant {
        try WeightsVariant.fromOptions(alpha: alpha ?? "1.0", rows: 224, includeTop: true)
    }

    /// Reads the model file, or finds, downloads if needed (showing progress on stderr) and loads
    /// the MobileNetV2 weights; says on stderr which preprocessing a model file gets when that
    /// was a guess.
    func openSession(_ input: InputOptions) throws -> Session {
        if let model {
            let session = try Session.open(modelPath: model, inputSize: input.inputSize, preprocessing: preprocess, labelsPath: labels)
            if case .model(let file) = session.network, preprocess == nil, !file.preprocessing.isKnown {
                Report.note(
                    "\(model): images go in as pixels 0..255 (--preprocess none): \(file.preprocessing.reason); "
                        + "if it was trained on preprocessed images, give --preprocess tf, caffe or torch")
            }
            return session
        }
        if let size = input.inputSize, !(32...2048).contains(size) {
            throw ValidationError("--input-size \(size) is out of range: use 32 to 2048 (MobileNetV2 needs at least 32)")
        }
        let display = DownloadDisplay()
        defer { display.finish() }
        let session = try Session.open(
            weightsFlag: weights, inputSize: input.inputSize ?? 224, variant: try variant(), offline: offline,
            progress: { display.handle($0) })
        return try labels.map { try session.labelled(by: $0) } ?? session
    }
}

/// How images are fed to the network.
struct InputOptions: ParsableArguments {
    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp(
            "The network's input size: images are resized to N x N pixels (no crop). Default 224, or a model file's own size.",
            valueName: "N"))
    var inputSize: Int?

    func validate() throws {
        if let inputSize, !(1...4096).contains(inputSize) {
            throw ValidationError("--input-size \(inputSize) is out of range: use 32 to 2048 for MobileNetV2, 1 to 4096 with --model")
        }
    }
}

/// How many threads a forward pass uses. Outputs are byte-identical whatever the count.
struct ThreadOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Threads for the network (default: the cores, at most 8). Results do not depend on it.", valueName: "T"))
    var threads: Int?

    var count: Int { threads ?? Session.defaultThreads }

    func validate() throws {
        if let threads, !(1...64).contains(threads) {
            throw ValidationError("--threads \(threads) is out of range: use 1 to 64")
        }
    }
}

/// A comma-separated list of layer names: "block_1_conv1,block_3_conv1".
func parseLayerList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

extension Preprocessing: ExpressibleByArgument {}
