import ArgumentParser
import Foundation
import FeatureMapsWeights

struct WeightsFetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download Keras's weights file for a variant into the Keras cache now, and verify it.",
        discussion: """
            From FEATUREMAPS_WEIGHTS_URL (default: Keras's own host) into $KERAS_HOME/models or \
            ~/.keras/models. Prints the file's path. A file already there is kept (see --force).
            """)

    @Option(name: .long, help: ArgumentHelp("Width: 0.35, 0.5, 0.75, 1.0, 1.3, 1.4.", valueName: "alpha"))
    var alpha = "1.0"

    @Option(name: .long, help: ArgumentHelp("Input size the weights were trained at: 96, 128, 160, 192, 224.", valueName: "rows"))
    var rows = 224

    @Flag(name: .long, help: "The file without the classification top (_no_top.h5).")
    var noTop = false

    @Flag(name: .long, help: "Download even if the file is in the cache (it is replaced only once the new one is verified).")
    var force = false

    func validate() throws {
        _ = try WeightsVariant.fromOptions(alpha: alpha, rows: rows, includeTop: !noTop)
    }

    func run() throws {
        try Report.running {
            let variant = try WeightsVariant.fromOptions(alpha: alpha, rows: rows, includeTop: !noTop)
            let environment = ProcessInfo.processInfo.environment
            let path = WeightsLocator.cachePath(variant, environment: environment)
            if !force && FileManager.default.fileExists(atPath: path) {
                Report.note("featuremaps: already in the Keras cache, not downloaded (--force downloads it again)")
                Report.output(path)
                return .success
            }
            let display = DownloadDisplay()
            defer { display.finish() }
            let (loaded, _) = try WeightsLocator.cacheDownload(variant, environment: environment)
                .execute(variant, environment: environment, progress: { display.handle($0) })
            Report.output(loaded.path)
            return .success
        }
    }
}
