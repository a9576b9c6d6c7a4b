import ArgumentParser
import FeatureMaps
import FeatureMapsWeights

/// Where the weights come from; shared by every command that runs the network.
struct WeightsOptions: ParsableArguments {
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
        _ = try variant()
    }

    /// Keras's file for --alpha (1.0 by default), 224 x 224, with the classification top.
    func variant() throws -> WeightsVariant {
        try WeightsVariant.fromOptions(alpha: alpha ?? "1.0", rows: 224, includeTop: true)
    }

    /// Finds, downloads if needed (showing progress on stderr) and loads the weights.
    func openSession(inputSize: Int) throws -> Session {
        let display = DownloadDisplay()
        defer { display.finish() }
        return try Session.open(
            weightsFlag: weights, inputSize: inputSize, variant: try variant(), offline: offline,
            progress: { display.handle($0) })
    }
}

/// How images are fed to the network.
struct InputOptions: ParsableArguments {
    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp("The network's input size: images are resized to N x N pixels (no crop).", valueName: "N"))
    var inputSize: Int = 224

    func validate() throws {
        guard (32...2048).contains(inputSize) else {
            throw ValidationError("--input-size \(inputSize) is out of range: use 32 to 2048 (MobileNetV2 needs at least 32)")
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
