import ArgumentParser
import Foundation
import FeatureMapsEngine
import FeatureMapsWeights

struct WeightsInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a weights file and check every layer against MobileNetV2.",
        discussion: """
            Prints file, size, SHA-256, then alpha, trained resolution (when the file name says it), \
            top, parameter count and the check. A file that fails the check: what is wrong, status 66.
            """)

    @Argument(
        help: ArgumentHelp(
            "A weights file (default: $FEATUREMAPS_WEIGHTS, then the Keras cache; never downloads).",
            valueName: "file"))
    var file: String?

    func run() throws {
        try Report.running {
            let path = try file ?? WeightsLocator.locate(flag: nil).path
            let size = try Self.size(of: path)
            Report.output(Self.row("file", path))
            Report.output(Self.row("size", "\(size) bytes (\(String(format: "%.1f", Double(size) / 1e6)) MB)"))
            Report.output(Self.row("sha256", try Digest.hex(fileAt: path)))
            let loaded = try WeightsLoader.load(path: path)
            let a = loaded.model.architecture
            let named = WeightsVariant.parse(fileName: (path as NSString).lastPathComponent)
            Report.output(Self.row("alpha", a.alpha.map { String($0) } ?? "none of Keras's widths (Conv1 has \(a.stemChannels) filters)"))
            Report.output(
                Self.row(
                    "resolution",
                    named.map { "\($0.rows) x \($0.rows) (from the file name)" }
                        ?? "not known (the file name is not Keras's ..._<alpha>_<rows>.h5)"))
            Report.output(
                Self.row(
                    "top",
                    a.classes.map { "with the classification top (\($0) classes)" }
                        ?? "without top (no predictions layer: features up to out_relu)"))
            Report.output(Self.row("parameters", String(loaded.model.parameterCount)))
            let layers = Set(a.weightShapes.map(\.layer)).count
            Report.output(
                Self.row(
                    "check",
                    "OK: all \(layers) MobileNetV2 layers with weights are there, "
                        + "with Keras's shapes and finite values (\(loaded.storedParameters) values stored)"))
            if let named, let mismatch = WeightsDownloader.mismatch(loaded, named) {
                Report.warn("\(path): the file name promises alpha \(named.alpha) \(named.includeTop ? "with" : "without") top, but \(mismatch)")
            }
            return .success
        }
    }

    static func row(_ key: String, _ value: String) -> String {
        key.padding(toLength: 12, withPad: " ", startingAt: 0) + value
    }

    static func size(of path: String) throws -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw WeightsError.notFound(path: path) }
        if isDirectory.boolValue { throw WeightsError.isDirectory(path: path) }
        guard let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int else {
            throw WeightsError.unreadable(path: path)
        }
        return size
    }
}
