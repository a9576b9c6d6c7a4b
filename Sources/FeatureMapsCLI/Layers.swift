import ArgumentParser
import FeatureMaps
import FeatureMapsEngine
import FeatureMapsWeights

struct Layers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every layer with its kind, output shape, parameters and alias, like Keras's model.summary().",
        discussion: """
            Channel counts come from the weights file; with --alpha, from Keras's architecture for that width (no file read or \
            downloaded). With --model, every layer of the file with its class, output shape, parameters and the layers it \
            reads; a nested model's layers are indented under it.
            """)

    @OptionGroup var weightsOptions: WeightsOptions

    @OptionGroup var input: InputOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        try Report.running {
            if weightsOptions.model != nil {
                let session = try weightsOptions.openSession(input)
                Report.output(json ? ModelLayersOutput.json(session).encoded(pretty: true) : ModelLayersOutput.table(session))
                return .success
            }
            let architecture: MobileNetV2Architecture
            if weightsOptions.alpha != nil {
                // --alpha here shows Keras's architecture for that width without reading any file.
                architecture = MobileNetV2Architecture(alpha: try weightsOptions.variant().alphaValue)
            } else {
                architecture = try weightsOptions.openSession(input).model!.architecture
            }
            let size = input.inputSize ?? 224
            let layers = architecture.layers(height: size, width: size)
            Report.output(json ? LayersOutput.json(layers, architecture).encoded(pretty: true) : LayersOutput.table(layers, architecture))
            return .success
        }
    }
}

enum LayersOutput {
    static func table(_ layers: [LayerInfo], _ a: MobileNetV2Architecture) -> String {
        let nameWidth = max(28, (layers.map(\.name.count).max() ?? 0) + 2)
        func row(_ cols: [String], _ widths: [Int]) -> String {
            zip(cols, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined().trimmingTrailing()
        }
        let widths = [nameWidth, 24, 16, 11, 20]
        var lines = [
            row(["Layer", "Kind", "Output shape", "Params", "Alias"], widths),
            String(repeating: "-", count: widths.reduce(0, +)),
        ]
        for l in layers {
            lines.append(row([l.name, l.kind.rawValue, l.shape.description, String(l.parameters), l.alias ?? ""], widths))
        }
        let total = layers.reduce(0) { $0 + $1.parameters }
        let width = a.alpha.map { "alpha \($0)" } ?? "custom width"
        lines.append(String(repeating: "-", count: widths.reduce(0, +)))
        lines.append(
            "\(layers.count) layers, \(total) parameters (MobileNetV2, \(width), "
                + (a.classes.map { "\($0) classes" } ?? "no top") + ")")
        return lines.joined(separator: "\n")
    }

    static func json(_ layers: [LayerInfo], _ a: MobileNetV2Architecture) -> JSONValue {
        .object([
            ("alpha", a.alpha.map { .double($0) } ?? .null),
            ("classes", a.classes.map { .int($0) } ?? .null),
            (
                "layers",
                .array(
                    layers.map { l in
                        .object([
                            ("name", .string(l.name)), ("kind", .string(l.kind.rawValue)),
                            ("shape", .array([l.shape.height, l.shape.width, l.shape.channels].map { .int($0) })),
                            ("parameters", .int(l.parameters)), ("alias", l.alias.map { .string($0) } ?? .null),
                        ])
                    })
            ),
        ])
    }
}

extension String {
    func trimmingTrailing() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
