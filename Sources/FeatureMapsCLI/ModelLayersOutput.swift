import FeatureMaps
import FeatureMapsEngine

/// `featuremaps layers --model FILE`: Keras's model.summary() for a functional model (Layer (type),
/// Output Shape, Param #, Connected to), every nested model's layers indented under it.
enum ModelLayersOutput {
    static func table(_ session: Session) -> String {
        guard case .model(let file) = session.network else { return "" }
        let rows = session.layers.map { l -> [String] in
            let short = l.name.split(separator: "/").last.map(String.init) ?? l.name
            return [
                String(repeating: "  ", count: l.depth) + "\(short) (\(l.className))", l.shape.isEmpty ? "?" : l.shapeDescription,
                String(l.parameters), l.inbound.map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: ", "),
            ]
        }
        let header = ["Layer (type)", "Output shape", "Param #", "Connected to"]
        var widths = header.map(\.count)
        for r in rows { for (k, c) in r.enumerated() where k < 3 { widths[k] = max(widths[k], c.count) } }
        func line(_ cols: [String]) -> String {
            zip(cols, widths + [0]).map { $0.padding(toLength: max($1 + 2, $0.count + 2), withPad: " ", startingAt: 0) }
                .joined().trimmingTrailing()
        }
        let rule = String(repeating: "-", count: widths.reduce(0) { $0 + $1 + 2 } + 12)
        let d = file.description
        var lines = [
            "Model \"\(d.name)\" (\(d.className)), \(file.path): Keras \(d.kerasVersion.text), \(d.format == .keras ? ".keras" : "full-model .h5")",
            line(header), rule,
        ]
        lines += rows.map(line)
        lines.append(rule)
        lines.append(
            "\(session.layers.count) layers, \(d.parameterCount) parameters; input \(ModelLayer.describe(file.inputShape)), "
                + "preprocessing \(session.preprocessing.rawValue) (\(file.preprocessing.reason))"
                + (session.labels.map { ", \($0.count) classes" } ?? ", no class vector"))
        return lines.joined(separator: "\n")
    }

    static func json(_ session: Session) -> JSONValue {
        guard case .model(let file) = session.network else { return .null }
        return .object([
            ("model", .string(file.description.name)), ("class", .string(file.description.className)),
            ("keras_version", .string(file.description.kerasVersion.text)),
            ("input_shape", .array(file.inputShape.map { .int($0) })),
            ("preprocessing", .string(session.preprocessing.rawValue)),
            ("classes", session.labels.map { .int($0.count) } ?? .null),
            ("parameters", .int(file.description.parameterCount)),
            (
                "layers",
                .array(
                    session.layers.map { l in
                        .object([
                            ("name", .string(l.name)), ("class", .string(l.className)),
                            ("shape", .array(l.shape.map { .int($0) })), ("parameters", .int(l.parameters)),
                            ("inbound", .array(l.inbound.map { .string($0) })), ("depth", .int(l.depth)),
                        ])
                    })
            ),
        ])
    }
}
