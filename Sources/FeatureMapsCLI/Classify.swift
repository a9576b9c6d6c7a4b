import ArgumentParser
import Foundation
import FeatureMaps
import FeatureMapsEngine

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the most probable classes of each image.",
        discussion: """
            Each line: rank, label, probability, WordNet id (ImageNet classes) and class index, as Keras's decode_predictions. \
            A model whose output is not a softmax prints its raw scores.
            """)

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(name: .long, parsing: .unconditional, help: "How many classes to print per image (1 to the number of classes).")
    var top: Int = 3

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Argument(help: ArgumentHelp("JPEG or PNG images, or .npy arrays fed as they are.", valueName: "image"))
    var images: [String]

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image to classify") }
        guard top >= 1 else { throw ValidationError("--top \(top) must be at least 1") }
    }

    func run() throws {
        try Report.running {
            let session = try weightsOptions.openSession(inputOptions)
            guard let classes = session.labels?.count else { throw Self.noClasses(session) }
            guard top <= classes else { throw ValidationError("--top \(top) is more than the \(classes) classes the model has") }
            var results: [JSONValue] = []
            let computed = session.classifyAll(images, top: top, threads: threadOptions.count)
            var index = 0
            let status = try Report.forEach(images) { path in
                defer { index += 1 }
                let predictions = try computed[index].get()
                if json {
                    results.append(ClassifyOutput.json(path: path, predictions, probabilities: session.outputIsProbability))
                } else {
                    Report.output(ClassifyOutput.text(path: path, predictions, probabilities: session.outputIsProbability))
                }
            }
            if json { Report.output(JSONValue.array(results).encoded(pretty: true)) }
            return status
        }
    }
}

extension Classify {
    /// Why a session cannot classify: MobileNetV2 without its top, or a model whose output is no vector.
    static func noClasses(_ session: Session) -> Error {
        guard case .model(let file) = session.network else { return EngineError.noClassificationTop }
        return ModelFileError.noVectorOutput(shape: ModelLayer.describe(file.graph.shape(of: file.graph.outputs[0]).dims))
    }
}

enum ClassifyOutput {
    /// "cat.png" then one line per class: "  1. Egyptian cat   77.83%  n02124075  285" (no WordNet id
    /// for classes that are not ImageNet's; a score instead of a percentage when the output is not a softmax).
    static func text(path: String, _ predictions: [Prediction], probabilities: Bool = true) -> String {
        let width = predictions.map(\.label.count).max() ?? 0
        var lines = [path]
        for p in predictions {
            let label = p.label
            let percent =
                probabilities ? String(format: "%6.2f%%", Double(p.probability) * 100) : String(format: "%10.5g", Double(p.probability))
            lines.append(
                "  \(p.rank). \(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(percent)  "
                    + (p.imageNetClass.map { "\($0.wordNetID)  " } ?? "") + "\(p.classIndex)")
        }
        return lines.joined(separator: "\n")
    }

    static func json(path: String, _ predictions: [Prediction], probabilities: Bool = true) -> JSONValue {
        .object([
            ("image", .string(path)),
            (
                "predictions",
                .array(
                    predictions.map { p in
                        .object([
                            ("rank", .int(p.rank)), ("index", .int(p.classIndex)),
                            ("wnid", p.imageNetClass.map { .string($0.wordNetID) } ?? .null),
                            ("label", .string(p.label)),
                            (probabilities ? "probability" : "score", .double(Double(p.probability))),
                        ])
                    })
            ),
        ])
    }
}
