import ArgumentParser
import Foundation
import FeatureMaps
import FeatureMapsEngine

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the most probable ImageNet classes of each image.",
        discussion: "Each line: rank, label, probability, WordNet id and class index, as Keras's decode_predictions.")

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(name: .long, parsing: .unconditional, help: "How many classes to print per image (1 to the number of classes).")
    var top: Int = 3

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Argument(help: ArgumentHelp("JPEG or PNG images.", valueName: "image"))
    var images: [String]

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image to classify") }
        guard top >= 1 else { throw ValidationError("--top \(top) must be at least 1") }
    }

    func run() throws {
        try Report.running {
            let session = try weightsOptions.openSession(inputSize: inputOptions.inputSize)
            guard let classes = session.model.architecture.classes else { throw EngineError.noClassificationTop }
            guard top <= classes else { throw ValidationError("--top \(top) is more than the \(classes) classes the model has") }
            var results: [JSONValue] = []
            let computed = session.classifyAll(images, top: top, threads: threadOptions.count)
            var index = 0
            let status = try Report.forEach(images) { path in
                defer { index += 1 }
                let predictions = try computed[index].get()
                if json {
                    results.append(ClassifyOutput.json(path: path, predictions))
                } else {
                    Report.output(ClassifyOutput.text(path: path, predictions))
                }
            }
            if json { Report.output(JSONValue.array(results).encoded(pretty: true)) }
            return status
        }
    }
}

enum ClassifyOutput {
    /// "cat.png" then one line per class: "  1. Egyptian cat   77.83%  n02124075  285".
    static func text(path: String, _ predictions: [Prediction]) -> String {
        let width = predictions.map { ($0.imageNetClass?.label ?? "class \($0.classIndex)").count }.max() ?? 0
        var lines = [path]
        for p in predictions {
            let label = p.imageNetClass?.label ?? "class \(p.classIndex)"
            let percent = String(format: "%6.2f%%", Double(p.probability) * 100)
            lines.append(
                "  \(p.rank). \(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(percent)  "
                    + "\(p.imageNetClass?.wordNetID ?? "-")  \(p.classIndex)")
        }
        return lines.joined(separator: "\n")
    }

    static func json(path: String, _ predictions: [Prediction]) -> JSONValue {
        .object([
            ("image", .string(path)),
            (
                "predictions",
                .array(
                    predictions.map { p in
                        .object([
                            ("rank", .int(p.rank)), ("index", .int(p.classIndex)),
                            ("wnid", p.imageNetClass.map { .string($0.wordNetID) } ?? .null),
                            ("label", p.imageNetClass.map { .string($0.label) } ?? .null),
                            ("probability", .double(Double(p.probability))),
                        ])
                    })
            ),
        ])
    }
}
