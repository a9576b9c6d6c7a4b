import ArgumentParser
import FeatureMapsWeights

struct Weights: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find, inspect and download the weights.",
        discussion: """
            Without a weights file, featuremaps downloads Keras's own file into Keras's cache \
            ($KERAS_HOME/models or ~/.keras/models), verifies it and uses it; Keras then finds it too. \
            FEATUREMAPS_WEIGHTS_URL replaces the download's base URL; FEATUREMAPS_OFFLINE=1 or --offline \
            forbids downloading; FEATUREMAPS_DOWNLOAD_TIMEOUT (whole seconds, default 30) bounds every \
            wait; FEATUREMAPS_WEIGHTS_SHA256 is the SHA-256 the downloaded file must have.
            """,
        subcommands: [WeightsPath.self, WeightsInfo.self, WeightsFetch.self])
}

extension WeightsVariant {
    /// The variant named by command-line values, or a usage error listing the valid ones.
    static func fromOptions(alpha: String, rows: Int, includeTop: Bool) throws -> WeightsVariant {
        guard WeightsVariant.canonicalAlpha(alpha) != nil else {
            throw ValidationError("--alpha \(alpha) has no Keras weights: use one of \(alphas.joined(separator: ", "))")
        }
        guard rowsValues.contains(rows) else {
            throw ValidationError("--rows \(rows) has no Keras weights: use one of \(rowsValues.map(String.init).joined(separator: ", "))")
        }
        return try WeightsVariant(alpha: alpha, rows: rows, includeTop: includeTop)
    }
}
