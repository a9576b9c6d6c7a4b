import ArgumentParser
import Foundation
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsRender

struct Visualize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make, for each channel of a layer, a picture that excites it (feature visualization).",
        discussion: """
            Gradient ascent on each channel's mean activation, as Lucid does it: an image in a \
            decorrelated Fourier basis, sigmoid to 0..255, the model's own preprocessing, random jitter, \
            scale and rotation at each step, Adam. Files: DIR/<layer>_ch<N>.png (8-bit RGB at the input \
            size), DIR/<layer>_visualize.png (the labelled grid), with --npy DIR/<layer>_ch<N>.npy \
            (float32 H x W x C, 0..255). The same seed gives the same bytes on any thread count. One \
            line per channel on stderr with its time.
            """)

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(name: .long, help: ArgumentHelp("The layer (Keras name or block_N_conv1).", valueName: "layer"))
    var layer: String

    @Option(name: .long, help: ArgumentHelp("Channels, 0-based: 0-15, 3,7,9-12. Default: the first 16 (all if fewer).", valueName: "list"))
    var channels: String?

    @Option(name: .long, parsing: .unconditional, help: "Optimization steps per channel.")
    var steps = VisualizationSettings.standard.steps

    @Option(name: .long, parsing: .unconditional, help: "Adam's learning rate on the Fourier spectrum (Lucid's 0.05).")
    var learningRate = Double(VisualizationSettings.standard.learningRate)

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Random shift at each step, in pixels (0: none).", valueName: "px"))
    var jitter = VisualizationSettings.standard.jitter

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Random scale at each step: 1 +- this (0: none).", valueName: "r"))
    var scale = VisualizationSettings.standard.scaleRange

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Random rotation at each step, +- degrees (0: none).", valueName: "deg"))
    var rotate = VisualizationSettings.standard.degrees

    @Option(name: .long, help: "Random seed (the same seed, the same pictures).")
    var seed: UInt64 = 0

    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp("Picture size: the network runs at P x P. Default: the model's input size.", valueName: "P"))
    var size: Int?

    @Option(name: .long, help: ArgumentHelp("Directory for the outputs (created if missing).", valueName: "dir"))
    var out = "."

    @Flag(name: .long, help: "Also write the float pictures as .npy (float32 H x W x C, 0..255).")
    var npy = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps \(steps) must be at least 1") }
        if let size, !(8...1024).contains(size) { throw ValidationError("--size \(size) is out of range: use 8 to 1024 (MobileNetV2: 32 or more)") }
        guard learningRate > 0, learningRate <= 10 else {
            throw ValidationError("--learning-rate \(learningRate) is out of range: use more than 0, at most 10")
        }
        guard (0...64).contains(jitter) else { throw ValidationError("--jitter \(jitter) is out of range: use 0 to 64 pixels") }
        guard (0...0.5).contains(scale) else { throw ValidationError("--scale \(scale) is out of range: use 0 to 0.5") }
        guard (0...45).contains(rotate) else { throw ValidationError("--rotate \(rotate) is out of range: use 0 to 45 degrees") }
        if let channels, channels.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--channels is empty; give e.g. 0-15") }
    }

    func run() throws {
        try Report.running {
            var input = InputOptions()
            input.inputSize = size
            let session = try weightsOptions.openSession(input)
            let resolved = try session.resolve(layer)
            Report.aliases([resolved])
            let count = resolved.layer.shape.last ?? 0
            let list = try channels.map { try ChannelList.parse($0, channelCount: count, layer: resolved.requested) } ?? Array(0..<min(16, count))
            var settings = VisualizationSettings.standard
            settings.steps = steps
            settings.learningRate = Float(learningRate)
            settings.jitter = jitter
            settings.scaleRange = scale
            settings.degrees = rotate
            var job = try VisualizeJob(
                session: session, layer: resolved, channels: list, settings: settings, seed: seed, size: nil, directory: out,
                writeNPY: npy, threads: threadOptions.count)
            try AtomicFile.prepareDirectory(out)
            job.wrote = Report.output
            let tty = isatty(2) == 1
            try job.run(
                step: { channel, k in
                    if tty, k % 8 == 0 || k == steps {
                        FileHandle.standardError.write(Data("\r\(resolved.requested) ch \(channel): step \(k)/\(steps)\u{1B}[K".utf8))
                    }
                },
                finished: { f in
                    if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                    Report.note(
                        "\(resolved.requested) ch \(f.channel) (\(f.index + 1)/\(list.count)): activation \(String(format: "%.3f", f.activation)) "
                            + "(first step \(String(format: "%.3f", f.firstStep))), \(steps) steps, \(String(format: "%.1f", f.seconds)) s")
                })
            return .success
        }
    }
}
