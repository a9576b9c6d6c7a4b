import ArgumentParser

/// Where the weights come from; shared by every command that runs the network.
struct WeightsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Keras MobileNetV2 weights (.h5). Default: $FEATUREMAPS_WEIGHTS, then the Keras cache.",
        valueName: "file"))
    var weights: String?
}

/// How images are fed to the network.
struct InputOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Resize images to N x N pixels (no crop) before the network.", valueName: "N"))
    var inputSize: Int = 224

    func validate() throws {
        guard (32...2048).contains(inputSize) else {
            throw ValidationError("--input-size \(inputSize) is out of range: use 32 to 2048 (MobileNetV2 needs at least 32)")
        }
    }
}

/// A comma-separated list of layer names: "block_1_conv1,block_3_conv1".
func parseLayerList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
