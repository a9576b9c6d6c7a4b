import ArgumentParser
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsProcessTuning

@main
struct FeatureMapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "featuremaps",
        abstract: "See what MobileNetV2 sees: classify photos and look at the activations of any layer.",
        discussion: """
            Weights: --weights FILE, else $FEATUREMAPS_WEIGHTS, else Keras's cache \
            ($KERAS_HOME/models or ~/.keras/models)/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5 \
            (--alpha A for another width), else Keras's file is downloaded there and verified \
            (--offline or FEATUREMAPS_OFFLINE=1 forbid it; see featuremaps weights --help).
            Exit status: 0 success, 2 some inputs failed (the others were processed), 64 usage, \
            65 an input image could not be read, 66 weights missing or invalid, 73 output not written.
            """,
        subcommands: [
            Classify.self, Layers.self, Extract.self, Render.self, Explain.self, Bench.self, Weights.self, Visualize.self, TopImages.self, Serve.self,
        ])

    /// ArgumentParser's own main, except that a usage error is one line on stderr
    /// ("featuremaps: <message>; see 'featuremaps <command> --help'", status 64) instead of the
    /// message plus the usage block. Help, version and ExitCode are left to ArgumentParser.
    /// First, the two process-wide settings of a short process that loads one model (the library
    /// makes neither by itself): malloc's huge-page heap and OpenBLAS on the calling thread only
    /// (the engine has its own pool; OpenBLAS's idle workers would take a core).
    /// `serve` keeps glibc's default heap: a long-running process should give memory back.
    static func main() {
        if CommandLine.arguments.dropFirst().first != "serve" { ProcessTuning.preferLargeHeapPages() }
        OpenBLASThreads.useOne(stoppingIdleWorkers: true)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let message = Self.message(for: error)
            guard !(error is ExitCode), exitCode(for: error) == .validationFailure, !message.isEmpty else {
                exit(withError: error)
            }
            let names = configuration.subcommands.map { $0.configuration.commandName ?? String(describing: $0).lowercased() }
            let command = CommandLine.arguments.dropFirst().first { names.contains($0) }.map { " " + $0 } ?? ""
            Report.warn("\(message.split(separator: "\n").joined(separator: " ")); see 'featuremaps\(command) --help'")
            exit(withError: ExitCode(Status.usage.rawValue))
        }
    }
}
