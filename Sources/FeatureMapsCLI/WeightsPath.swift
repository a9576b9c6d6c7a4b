import ArgumentParser
import Foundation
import FeatureMapsWeights

struct WeightsPath: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Print the weights file the other commands would use (first line) and why (second line).",
        discussion: "Never downloads: when the file is not there yet, says from where it would be downloaded.")

    @OptionGroup var weightsOptions: WeightsOptions

    func run() throws {
        try Report.running {
            let environment = ProcessInfo.processInfo.environment
            let plan = try WeightsLocator.plan(
                flag: weightsOptions.weights, variant: try weightsOptions.variant(),
                offline: weightsOptions.offline, environment: environment)
            switch plan {
            case .use(let location):
                Report.output(location.path)
                Report.output(Self.reason(location.source, environment))
                guard FileManager.default.fileExists(atPath: location.path) else { throw WeightsError.notFound(path: location.path) }
            case .download(let url, let path):
                Report.output(path)
                let mirror = (environment["FEATUREMAPS_WEIGHTS_URL"] ?? "").isEmpty ? "" : " (FEATUREMAPS_WEIGHTS_URL)"
                Report.output("not there yet: would download from \(url)\(mirror)")
            }
            return .success
        }
    }

    static func reason(_ source: WeightsSource, _ environment: [String: String]) -> String {
        switch source {
        case .flag: return "given by --weights"
        case .environment: return "given by FEATUREMAPS_WEIGHTS"
        case .kerasCache:
            let home = environment["KERAS_HOME"] ?? ""
            return "found in the Keras cache (" + (home.isEmpty ? "~/.keras/models" : "KERAS_HOME=\(home)") + ")"
        case .download: return "downloaded into the Keras cache"
        }
    }
}
